// k-core decomposition (level peeling): core numbers against a brute-force
// peel (self-loops ignored, multi-edges counted with multiplicity) and
// Boost.Graph's core_numbers; the degeneracy-order property; level jumps,
// edge cases; identical results for 1, 2 and 4 threads; real graphs.
#include <algorithm>
#include <cstdint>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/core_numbers.hpp>
#include <doctest/doctest.h>

#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/metrics/kcore.hpp>

#include "netsci_common.hpp"

using namespace sprig;

namespace {

// Random multigraph: m edges with ends from Philox(seed, i); a share of them
// self-loops, and repeats of earlier edges, kept (SelfLoops::keep, Duplicates::keep).
Graph random_multigraph(int n, int m, std::uint64_t seed) {
  EdgeList e;
  e.n = n;
  for (int i = 0; i < m; ++i) {
    Philox rng(seed, static_cast<std::uint64_t>(i));
    const auto r = rng.next_u64();
    const node_t u = static_cast<node_t>(r % static_cast<std::uint64_t>(n));
    node_t v = static_cast<node_t>((r >> 20) % static_cast<std::uint64_t>(n));
    if ((r >> 50) % 10 == 0) v = u;  // ~10% self-loops
    if ((r >> 54) % 8 == 0 && e.size() > 0) {  // ~12% repeats of an earlier edge
      const std::size_t j = static_cast<std::size_t>((r >> 40) % e.size());
      e.add(e.src[j], e.dst[j]);
      continue;
    }
    e.add(u, v);
  }
  return build_csr(e, {.self_loops = SelfLoops::keep, .duplicates = Duplicates::keep});
}

// Every node has at most `degeneracy` arcs (self-loops aside) to nodes later in the order.
void check_degeneracy_order(const Graph& g, const CoreDecomposition& cd) {
  const node_t n = g.num_nodes();
  REQUIRE(cd.order.size() == static_cast<std::size_t>(n));
  std::vector<node_t> pos(static_cast<std::size_t>(n), -1);
  for (node_t i = 0; i < n; ++i) {
    const node_t v = cd.order[i];
    REQUIRE(v >= 0);
    REQUIRE(v < n);
    REQUIRE(pos[v] == -1);  // a permutation
    pos[v] = i;
  }
  for (node_t v = 0; v < n; ++v) {
    node_t later = 0;
    for (node_t w : g.neighbors(v)) later += (w != v && pos[w] > pos[v]);
    CHECK(later <= cd.degeneracy);
    // and at most core[v]: a node is removed at a level no higher than its core
    CHECK(later <= cd.core[v]);
  }
  const node_t mx = n ? *std::max_element(cd.core.begin(), cd.core.end()) : 0;
  CHECK(cd.degeneracy == mx);
}

std::vector<node_t> boost_cores(const Graph& g) {
  using BG = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  BG bg(static_cast<std::size_t>(g.num_nodes()));
  for (node_t u = 0; u < g.num_nodes(); ++u)
    for (node_t v : g.neighbors(u))
      if (u < v) boost::add_edge(static_cast<std::size_t>(u), static_cast<std::size_t>(v), bg);
  std::vector<node_t> c(static_cast<std::size_t>(g.num_nodes()));
  boost::core_numbers(bg, boost::make_iterator_property_map(c.begin(), get(boost::vertex_index, bg)));
  return c;
}

}  // namespace

TEST_CASE("netsci kcore: level peeling equals brute force on random multigraphs with self-loops") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    const int n = 20 + static_cast<int>(seed % 4) * 15;
    const Graph g = random_multigraph(n, n * (2 + static_cast<int>(seed % 5)), seed);
    REQUIRE(g.num_self_loops() > 0);
    const auto want = netsci_test::brute_force_cores(g);
    const auto cd = core_decomposition(g);
    CHECK(cd.core == want);
    CHECK(core_numbers(g) == want);
    check_degeneracy_order(g, cd);
  }
}

TEST_CASE("netsci kcore: core numbers equal Boost.Graph's on random simple graphs") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    const int n = 50 + 40 * static_cast<int>(seed % 3);
    const Graph g = netsci_test::random_graph(n, n * (1 + static_cast<int>(seed % 6)), seed);
    const auto cd = core_decomposition(g);
    CHECK(cd.core == boost_cores(g));
    CHECK(core_numbers(g) == cd.core);
    check_degeneracy_order(g, cd);
  }
}

TEST_CASE("netsci kcore: levels that skip, cliques, stars, isolated nodes, empty graphs") {
  // K6 on 0..5, K3 on 6..8, a star centred at 9 with leaves 10..14, isolated
  // 15..16, a self-loop alone on 17: core levels 0, 1, 2, 5 (3 and 4 skipped).
  EdgeList e;
  e.n = 18;
  for (node_t u = 0; u < 6; ++u)
    for (node_t v = u + 1; v < 6; ++v) e.add(u, v);
  e.add(6, 7), e.add(7, 8), e.add(6, 8);
  for (node_t l = 10; l < 15; ++l) e.add(9, l);
  e.add(17, 17);
  const Graph g = build_csr(e, {.self_loops = SelfLoops::keep});
  const std::vector<node_t> want = {5, 5, 5, 5, 5, 5, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0};
  const auto cd = core_decomposition(g);
  CHECK(cd.core == want);
  CHECK(cd.degeneracy == 5);
  CHECK(core_numbers(g) == want);
  check_degeneracy_order(g, cd);
  CHECK(netsci_test::brute_force_cores(g) == want);

  // A clique alone: the first level is n - 1.
  EdgeList k;
  k.n = 9;
  for (node_t u = 0; u < 9; ++u)
    for (node_t v = u + 1; v < 9; ++v) k.add(u, v);
  const auto ck = core_decomposition(build_csr(k));
  CHECK(ck.core == std::vector<node_t>(9, 8));
  CHECK(ck.degeneracy == 8);

  // Two parallel edges make a 2-core of two nodes; a self-loop adds nothing.
  EdgeList p;
  p.n = 3;
  p.add(0, 1), p.add(0, 1), p.add(1, 2), p.add(2, 2);
  const Graph gp = build_csr(p, {.self_loops = SelfLoops::keep, .duplicates = Duplicates::keep});
  CHECK(core_numbers(gp) == std::vector<node_t>{2, 2, 1});

  const Graph empty;
  CHECK(core_numbers(empty).empty());
  const auto ce = core_decomposition(empty);
  CHECK(ce.core.empty());
  CHECK(ce.order.empty());
  CHECK(ce.degeneracy == 0);
  EdgeList iso;
  iso.n = 4;
  const auto ci = core_decomposition(build_csr(iso));
  CHECK(ci.core == std::vector<node_t>(4, 0));
  CHECK(ci.order.size() == 4);
}

TEST_CASE("netsci kcore: a directed graph is rejected") {
  EdgeList e;
  e.n = 3;
  e.directed = true;
  e.add(0, 1), e.add(1, 2);
  const Graph g = build_csr(e);
  CHECK_THROWS_AS(core_numbers(g), InvalidArgument);
  CHECK_THROWS_AS(core_decomposition(g), InvalidArgument);
}

TEST_CASE("netsci kcore: identical results for 1, 2 and 4 threads") {
  const Graph big = netsci_test::random_graph(20000, 120000, 7);
  for (const Graph* g : {&big}) {
    const auto c1 = with_threads(1, [&] { return core_numbers(*g); });
    const auto d1 = with_threads(1, [&] { return core_decomposition(*g); });
    CHECK(c1 == d1.core);
    for (int t : {2, 4}) {
      CAPTURE(t);
      CHECK(with_threads(t, [&] { return core_numbers(*g); }) == c1);
      const auto dt = with_threads(t, [&] { return core_decomposition(*g); });
      CHECK(dt.core == d1.core);
      CHECK(dt.order == d1.order);
      CHECK(dt.degeneracy == d1.degeneracy);
    }
  }
  const Graph mg = random_multigraph(3000, 30000, 99);
  const auto m1 = with_threads(1, [&] { return core_decomposition(mg); });
  for (int t : {2, 4}) {
    CHECK(with_threads(t, [&] { return core_numbers(mg); }) == m1.core);
    CHECK(with_threads(t, [&] { return core_decomposition(mg).order; }) == m1.order);
  }
}

TEST_CASE("netsci kcore: real graphs: core_numbers equals core_decomposition, order is a degeneracy order") {
  for (const auto& name : netsci_test::undirected_graphs()) {
    CAPTURE(name);
    const Graph g = netsci_test::load(name);
    const auto cd = core_decomposition(g);
    CHECK(core_numbers(g) == cd.core);
    CHECK(cd.core == netsci_test::expected(name)["core"].get<std::vector<node_t>>());
    check_degeneracy_order(g, cd);
  }
}
