// cli/linkpred_common.hpp — what `sprig linkpred` (cli/linkpred.cpp, which
// defines it) shares with `sprig run` (cli/run.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <sprig/graph/csr.hpp>
#include <sprig/io/hdf5.hpp>
#include <sprig/metrics/linkpred_scores.hpp>
#include <sprig/metrics/linkpred_split.hpp>

#include <string_view>

#include "common.hpp"

namespace sprig::cli {

/// A graph argument for link prediction: the graph, and the split an .h5 file holds (if any).
struct LinkGraph {
  Graph graph;
  LinkPredSplit split;  ///< empty unless the file had /splits/links
  bool has_split = false;
  std::vector<std::int64_t> edge_time;  ///< .h5 only: parallel to targets()
};

LinkGraph load_link_graph(const std::string& source, const GraphFlags& flags);

/// What a link-prediction command evaluates on: the training graph, the graph
/// of every known positive (for drawing negatives) and the split.
struct LinkTask {
  Graph train, full;
  LinkPredSplit split;
};
/// The split `lg` holds (full = all its positives), else a seeded random split
/// of the graph made undirected. Throws when the split has no test positives or
/// the training graph is directed; `who` ("run", "train") prefixes messages.
LinkTask link_task(LinkGraph&& lg, const std::string& source, std::string_view who, double valid_fraction,
                   double test_fraction, std::uint64_t seed);
void write_split_h5(const std::string& path, const Graph& train, const LinkPredSplit& s, const std::string& name,
                    h5::Attributes attrs);
void add_score_flags(CLI::App* sub, LinkScoreOptions& o);
std::string score_list_help();

}  // namespace sprig::cli
