// cli/run_embed.hpp — the embedding rows of `sprig run`: FastRP and node2vec
// trained on the training graph, each pair scored by the dot product of its
// endpoints' vectors (the link-prediction use of embeddings in issue 4).
//
// Settings are chosen so that `sprig run` on cond-mat stays well under a
// minute in total: FastRP d = 128, weights [0, 0, 1, 6.67], β = −0.64,
// standardised (the reference's best); node2vec d = 64, r = 4 walks of
// length 40 per node, p = 1, q = 0.5, window 5, 5 negatives, 1 epoch. Both on
// the unweighted training graph. Deterministic: walks and projection keyed by
// the seed; SGNS in the `deterministic` mode, so a rerun prints the same table.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

namespace sprig::cli {

/// The embedding rows `sprig run` knows, in table order.
inline const std::vector<std::string>& run_embedding_methods() {
  static const std::vector<std::string> m{"fastrp", "node2vec", "orbits"};
  return m;
}

/// One line per method for --help.
std::string run_embedding_help();

/// Dot-product scores of `pairs` under `method`'s embedding of `train`
/// (throws InvalidArgument on an unknown method).
std::vector<double> run_embedding_scores(const Graph& train, std::string_view method, std::span<const NodePair> pairs,
                                         std::uint64_t seed);

}  // namespace sprig::cli
