// sprig/cli/graph_summary.hpp — the numbers `sprig info` and `sprig summary`
// report about a graph: size, degrees, isolated nodes, weak components, memory.
//
// Cost O(n + m) plus weak_components(); parallel where the library is;
// deterministic (a pure function of the graph and the build stats).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include <sprig/graph/build.hpp>
#include <sprig/graph/csr.hpp>

namespace sprig::cli {

struct GraphSummary {
  std::int64_t nodes = 0, edges = 0;
  bool directed = false, weighted = false;
  std::int64_t self_loops_removed = 0, duplicates_merged = 0;
  std::int64_t degree_min = 0, degree_max = 0;  ///< out-degree for directed graphs
  double degree_mean = 0.0;
  std::int64_t in_degree_max = 0;               ///< directed graphs only
  std::int64_t isolated_nodes = 0;              ///< no arc in or out
  std::int64_t components = 0;                  ///< weakly connected components (isolated nodes count)
  std::int64_t largest_component = 0;           ///< nodes in the largest one
  std::size_t memory_bytes = 0;                 ///< bytes held by the CSR arrays
};

/// Computes the summary of g; `stats` is what build_csr reported.
GraphSummary summarize(const Graph& g, const BuildStats& stats);

/// The summary as an ordered JSON object (keys as in the struct; also "memory": "1.2 KiB").
nlohmann::ordered_json to_json(const GraphSummary& s);

}  // namespace sprig::cli
