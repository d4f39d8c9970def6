// Shared helpers of the netsci_*_test.cpp files: the bundled graphs, the
// expected values made by tests/metrics/make_netsci_expected.py (igraph /
// networkx), small random graphs for brute-force oracles.
#pragma once

#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sprig/graph/build.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/edge_list_io.hpp>

namespace netsci_test {

inline const std::vector<std::string>& undirected_graphs() {
  static const std::vector<std::string> names{"karate", "dolphins", "lesmis", "football", "polbooks"};
  return names;
}

inline sprig::Graph load(const std::string& name) { return sprig::read_graph(std::string(SPRIG_DATA_DIR) + "/" + name + ".edges.gz"); }

inline const nlohmann::json& expected(const std::string& name) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    std::ifstream in(std::string(SPRIG_TEST_DATA_DIR) + "/netsci_expected/" + name + ".json");
    REQUIRE_MESSAGE(in.good(), "missing expected values for ", name, " (run tests/metrics/make_netsci_expected.py)");
    it = cache.emplace(name, nlohmann::json::parse(in)).first;
  }
  return it->second;
}

/// G(n, m) random graph (undirected unless `directed`), deterministic in seed.
inline sprig::Graph random_graph(int n, int m, std::uint64_t seed, bool directed = false) {
  return sprig::build_csr(sprig::erdos_renyi_gnm({.n = n, .m = m, .directed = directed, .seed = seed}));
}

/// The same graph with integer weights 1..5 (a function of the edge's ends), symmetric.
inline sprig::Graph with_weights(const sprig::Graph& g) {
  sprig::EdgeList e;
  e.n = g.num_nodes();
  e.directed = g.directed();
  for (sprig::node_t u = 0; u < g.num_nodes(); ++u)
    for (sprig::node_t v : g.neighbors(u))
      if (g.directed() || u < v) e.add(u, v, static_cast<float>(1 + (std::min(u, v) * 31 + std::max(u, v) * 17) % 5));
  return sprig::build_csr(e);
}

inline double rel_err(double a, double b) {
  if (a == b) return 0;
  return std::abs(a - b) / std::max(std::abs(a), std::abs(b));
}

// Textbook definition: core[v] = largest k such that v survives repeatedly
// deleting nodes with fewer than k arcs to other surviving nodes.
inline std::vector<sprig::node_t> brute_force_cores(const sprig::Graph& g) {
  const sprig::node_t n = g.num_nodes();
  std::vector<sprig::node_t> core(static_cast<std::size_t>(n), 0);
  for (sprig::node_t k = 1;; ++k) {
    std::vector<char> alive(static_cast<std::size_t>(n), 1);
    bool changed = true;
    while (changed) {
      changed = false;
      for (sprig::node_t v = 0; v < n; ++v) {
        if (!alive[v]) continue;
        sprig::node_t d = 0;
        for (sprig::node_t w : g.neighbors(v)) d += (w != v && alive[w]);
        if (d < k) alive[v] = 0, changed = true;
      }
    }
    bool any = false;
    for (sprig::node_t v = 0; v < n; ++v)
      if (alive[v]) core[v] = k, any = true;
    if (!any) return core;
  }
}

}  // namespace netsci_test
