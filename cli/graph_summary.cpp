#include "graph_summary.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include <sprig/graph/components.hpp>
#include <sprig/graph/parallel.hpp>

#include "common.hpp"

namespace sprig::cli {

GraphSummary summarize(const Graph& g, const BuildStats& stats) {
  GraphSummary s;
  const node_t n = g.num_nodes();
  s.nodes = n;
  s.edges = g.num_edges();
  s.directed = g.directed();
  s.weighted = g.weighted();
  s.self_loops_removed = stats.self_loops_removed;
  s.duplicates_merged = stats.duplicates_merged;
  s.memory_bytes = g.memory_bytes();
  if (n == 0) return s;

  // In-degrees only matter for directed graphs (isolated = no arc either way).
  std::vector<std::int64_t> in_degree;
  if (g.directed()) {
    in_degree.assign(static_cast<std::size_t>(n), 0);
    for (const node_t t : g.targets()) ++in_degree[static_cast<std::size_t>(t)];
  }
  std::int64_t dmin = std::numeric_limits<std::int64_t>::max(), dmax = 0, isolated = 0, inmax = 0;
  for (node_t v = 0; v < n; ++v) {
    const std::int64_t d = g.degree(v);
    dmin = std::min(dmin, d);
    dmax = std::max(dmax, d);
    const std::int64_t din = g.directed() ? in_degree[static_cast<std::size_t>(v)] : 0;
    inmax = std::max(inmax, din);
    if (d == 0 && din == 0) ++isolated;
  }
  s.degree_min = dmin;
  s.degree_max = dmax;
  s.degree_mean = static_cast<double>(g.num_arcs()) / static_cast<double>(n);
  s.in_degree_max = inmax;
  s.isolated_nodes = isolated;

  const Components cc = weak_components(g);
  s.components = cc.count;
  s.largest_component = cc.sizes.empty() ? 0 : *std::max_element(cc.sizes.begin(), cc.sizes.end());
  return s;
}

nlohmann::ordered_json to_json(const GraphSummary& s) {
  nlohmann::ordered_json j;
  j["nodes"] = s.nodes;
  j["edges"] = s.edges;
  j["directed"] = s.directed;
  j["weighted"] = s.weighted;
  j["self_loops_removed"] = s.self_loops_removed;
  j["duplicates_merged"] = s.duplicates_merged;
  j["degree_min"] = s.degree_min;
  j["degree_mean"] = s.degree_mean;
  j["degree_max"] = s.degree_max;
  if (s.directed) j["in_degree_max"] = s.in_degree_max;
  j["isolated_nodes"] = s.isolated_nodes;
  j["components"] = s.components;
  j["largest_component"] = s.largest_component;
  j["memory_bytes"] = s.memory_bytes;
  j["memory"] = human_bytes(static_cast<double>(s.memory_bytes));
  return j;
}

}  // namespace sprig::cli
