// k-cores, strong and biconnected components: exact against igraph/networkx,
// brute force on random graphs.
#include <algorithm>
#include <set>

#include <doctest/doctest.h>

#include <sprig/graph/components.hpp>
#include <sprig/metrics/components.hpp>
#include <sprig/metrics/kcore.hpp>

#include "netsci_common.hpp"

using namespace sprig;
using netsci_test::expected;
using netsci_test::load;

namespace {
// Renumber so component ids follow the smallest node (igraph's membership is already so).
std::vector<node_t> canon(std::vector<node_t> m) {
  std::map<node_t, node_t> map;
  for (auto& c : m) {
    auto it = map.find(c);
    if (it == map.end()) it = map.emplace(c, static_cast<node_t>(map.size())).first;
    c = it->second;
  }
  return m;
}
}  // namespace

TEST_CASE("netsci kcore: core numbers equal igraph's coreness") {
  for (const auto& name : netsci_test::undirected_graphs()) {
    CAPTURE(name);
    const auto cd = core_decomposition(load(name));
    CHECK(cd.core == expected(name)["core"].get<std::vector<node_t>>());
  }
  const auto cd = core_decomposition(symmetrize(load("polblogs")));
  CHECK(cd.core == expected("polblogs")["undirected"]["core"].get<std::vector<node_t>>());
}

TEST_CASE("netsci kcore: brute-force peeling and the degeneracy order on random graphs") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const int n = 60;
    const Graph g = netsci_test::random_graph(n, 150 + 30 * static_cast<int>(seed), seed);
    const auto cd = core_decomposition(g);
    CHECK(cd.core == netsci_test::brute_force_cores(g));
    // each node has at most `degeneracy` neighbours later in the order
    std::vector<int> pos(n);
    for (int i = 0; i < n; ++i) pos[cd.order[i]] = i;
    std::vector<node_t> sorted = cd.order;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < n; ++i) CHECK(sorted[i] == i);
    for (int v = 0; v < n; ++v) {
      int later = 0;
      for (node_t w : g.neighbors(v)) later += pos[w] > pos[v];
      CHECK(later <= cd.degeneracy);
    }
  }
}

TEST_CASE("netsci components: strong components of polblogs equal igraph's") {
  const Graph g = load("polblogs");
  const auto sc = strong_components(g);
  CHECK(sc.component == canon(expected("polblogs")["strong_components"].get<std::vector<node_t>>()));
  const auto wc = weak_components(g);
  CHECK(wc.component == canon(expected("polblogs")["weak_components"].get<std::vector<node_t>>()));
}

TEST_CASE("netsci components: strong components by mutual reachability on random digraphs") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const int n = 50;
    const Graph g = netsci_test::random_graph(n, 60 + 10 * static_cast<int>(seed), seed, true);
    std::vector<std::vector<char>> reach(n, std::vector<char>(n, 0));
    for (int s = 0; s < n; ++s) {
      std::vector<int> st{s};
      reach[s][s] = 1;
      while (!st.empty()) {
        const int v = st.back();
        st.pop_back();
        for (node_t w : g.neighbors(v))
          if (!reach[s][w]) reach[s][w] = 1, st.push_back(w);
      }
    }
    const auto sc = strong_components(g);
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) CHECK((sc.component[a] == sc.component[b]) == (reach[a][b] && reach[b][a]));
    CHECK(sc.component == canon(sc.component));
  }
}

TEST_CASE("netsci components: biconnected components and articulation points equal networkx") {
  for (const auto& name : netsci_test::undirected_graphs()) {
    CAPTURE(name);
    const auto b = biconnected_components(load(name));
    CHECK(b.components == expected(name)["biconnected"].get<std::vector<std::vector<node_t>>>());
    CHECK(b.articulation_points == expected(name)["articulation_points"].get<std::vector<node_t>>());
  }
  const auto b = biconnected_components(symmetrize(load("polblogs")));
  CHECK(b.components == expected("polblogs")["undirected"]["biconnected"].get<std::vector<std::vector<node_t>>>());
  CHECK(b.articulation_points == expected("polblogs")["undirected"]["articulation_points"].get<std::vector<node_t>>());
}

TEST_CASE("netsci components: articulation points and bicomponents by brute force") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const int n = 40;
    const Graph g = netsci_test::random_graph(n, 45 + 5 * static_cast<int>(seed), seed);
    auto count_components = [&](int removed) {
      std::vector<char> seen(n, 0);
      int c = 0;
      for (int s = 0; s < n; ++s) {
        if (s == removed || seen[s]) continue;
        ++c;
        std::vector<int> st{s};
        seen[s] = 1;
        while (!st.empty()) {
          const int v = st.back();
          st.pop_back();
          for (node_t w : g.neighbors(v))
            if (w != removed && !seen[w]) seen[w] = 1, st.push_back(w);
        }
      }
      return c;
    };
    const int base = count_components(-1);
    std::vector<node_t> art;
    for (int v = 0; v < n; ++v)
      if (count_components(v) > base - (g.degree(v) == 0 ? 1 : 0)) art.push_back(v);
    const auto b = biconnected_components(g);
    CHECK(b.articulation_points == art);
    // Every edge lies in exactly one bicomponent; two edges share one iff they lie on a common cycle
    // (checked weakly: each edge's ends are together in exactly one component).
    for (node_t u = 0; u < n; ++u)
      for (node_t v : g.neighbors(u)) {
        if (v < u) continue;
        int holding = 0;
        for (const auto& c : b.components)
          holding += std::binary_search(c.begin(), c.end(), u) && std::binary_search(c.begin(), c.end(), v);
        CHECK(holding == 1);
      }
  }
}
