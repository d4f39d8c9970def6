// The embedding rows of `sprig run` (see run_embed.hpp for the settings).
#include "run_embed.hpp"

#include <cmath>

#include <fmt/format.h>

#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/orbits.hpp>
#include <sprig/embed/skipgram.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

#include "common.hpp"

namespace sprig::cli {

std::string run_embedding_help() {
  return "Embedding rows (--embeddings; dot product of the endpoints' vectors, trained\n"
         "on the unweighted training graph; modest settings to keep `sprig run` fast):\n"
         "  fastrp    FastRP d=128, weights 0,0,1,6.67, beta -0.64, standardised\n"
         "  node2vec  d=64, 4 walks/node of length 40, p=1 q=0.5, window 5, 5 negatives,\n"
         "            1 epoch, deterministic SGNS (use `sprig embed` for full settings)\n"
         "  orbits    graphlet degree vectors: cosine similarity of log(1 + the 15\n"
         "            orbit counts of 2-4-node graphlets) of the two endpoints\n";
}

std::vector<double> run_embedding_scores(const Graph& train, std::string_view method, std::span<const NodePair> pairs,
                                         std::uint64_t seed) {
  Matrix x;
  if (method == "fastrp") {
    FastRpOptions fo;
    fo.use_weights = false;
    fo.standardize = true;
    fo.seed = counter_hash(seed, 0x46525052);
    fo.progress = progress();
    x = fastrp(train, fo);
  } else if (method == "node2vec") {
    const WalkOptions wo{.walks_per_node = 4, .length = 40, .p = 1, .q = 0.5, .use_weights = false,
                         .seed = counter_hash(seed, 0x4e325657), .progress = progress()};
    const SkipGramOptions so{.dim = 64, .window = 5, .negative = 5, .deterministic = true,
                             .seed = counter_hash(seed, 0x53474e53), .progress = progress()};
    x = node2vec_embedding(train, wo, so);
  } else if (method == "orbits") {
    // Graphlet degree vectors compared by cosine: log-scaled so that hubs'
    // huge path counts do not drown the other orbits; rows L2-normalised.
    const auto gdv = orbit_counts(train, {.max_size = 4, .per = Per::node, .progress = progress()}).counts;
    x.resize(gdv.rows(), gdv.cols());
    parallel_for<Eigen::Index>(0, gdv.rows(), [&](Eigen::Index r) {
      for (Eigen::Index c = 0; c < gdv.cols(); ++c) x(r, c) = static_cast<float>(std::log1p(static_cast<double>(gdv(r, c))));
      const float norm = x.row(r).norm();
      if (norm > 0) x.row(r) /= norm;
    });
  } else {
    throw InvalidArgument(fmt::format("run: unknown embedding '{}' (fastrp, node2vec, orbits)", method));
  }
  std::vector<double> out(pairs.size());
  parallel_for<std::size_t>(
      0, pairs.size(),
      [&](std::size_t i) { out[i] = static_cast<double>(x.row(pairs[i].u).dot(x.row(pairs[i].v))); }, 4096);
  return out;
}

}  // namespace sprig::cli
