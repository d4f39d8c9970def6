// 4-node orbits (embed/orbits4.cpp, degree-ordered counter): graphs that
// stress the degree orientation — cliques, complete bipartite graphs (all
// 4-cycles), wheels and friendship graphs (one hub on everything), stars
// glued to cliques, equal-degree ties, R-MAT skew — against the brute-force
// oracle in node and edge mode; the 64-bit edge-id path against the 32-bit
// one; and, on a graph big enough for several parallel rounds and per-thread
// partial sums, identical results for 1, 2 and 4 threads plus the graphlet
// counts implied by the node columns, the edge columns and each other.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <sprig/embed/orbits.hpp>
#include <sprig/embed/orbits_detail.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/graph/parallel.hpp>

#include "embed/orbit_bruteforce.hpp"
#include "embed/orbit_oracle_check.hpp"
#include "test_config.hpp"

namespace {

using sprig::CountMatrix;
using sprig::Graph;
using sprig::OrbitOptions;
using sprig::Per;
namespace D = sprig::detail::orbits;

Graph from_pairs(int n, const std::vector<std::pair<int, int>>& e) {
  sprig::EdgeList el;
  el.n = n;
  for (auto [u, v] : e) el.add(u, v);
  return sprig::build_csr(el);
}

Graph clique(int n) {
  std::vector<std::pair<int, int>> e;
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b) e.emplace_back(a, b);
  return from_pairs(n, e);
}

Graph bipartite(int p, int q) {
  std::vector<std::pair<int, int>> e;
  for (int a = 0; a < p; ++a)
    for (int b = 0; b < q; ++b) e.emplace_back(a, p + b);
  return from_pairs(p + q, e);
}

Graph wheel(int rim) {  // hub 0, rim 1..rim
  std::vector<std::pair<int, int>> e;
  for (int i = 1; i <= rim; ++i) {
    e.emplace_back(0, i);
    e.emplace_back(i, i % rim + 1);
  }
  return from_pairs(rim + 1, e);
}

Graph friendship(int k) {  // k triangles sharing node 0, hub in the middle of the id range
  std::vector<std::pair<int, int>> e;
  const int hub = k;
  std::vector<int> ids;
  for (int i = 0; i <= 2 * k; ++i)
    if (i != hub) ids.push_back(i);
  for (int t = 0; t < k; ++t) {
    e.emplace_back(hub, ids[2 * t]);
    e.emplace_back(hub, ids[2 * t + 1]);
    e.emplace_back(ids[2 * t], ids[2 * t + 1]);
  }
  return from_pairs(2 * k + 1, e);
}

// Two stars glued to a clique and to each other, plus a pendant path and isolated nodes.
Graph stars_and_clique() {
  std::vector<std::pair<int, int>> e;
  for (int a = 0; a < 7; ++a)
    for (int b = a + 1; b < 7; ++b) e.emplace_back(a, b);
  for (int i = 7; i < 30; ++i) e.emplace_back(3, i);   // star at clique node 3
  for (int i = 20; i < 40; ++i) e.emplace_back(40, i);  // second hub overlapping the first star
  e.emplace_back(40, 3);
  e.emplace_back(41, 42);
  e.emplace_back(42, 43);
  return from_pairs(46, e);
}

void check_against_oracle(const Graph& g, const std::string& what) {
  sprig::test::check_against_oracle(g, 4, what);
}

// orbit_counts with the 64-bit edge-id instantiation (mirrors count_one).
CountMatrix wide(const Graph& g, Per per) {
  const D::Simple s = D::simplify(g);
  D::EdgeIndex ix;
  if (per == Per::edge) ix = D::index_edges(s);
  sprig::OrbitCounts out;
  D::count4_wide_ids(s, {.max_size = 4, .per = per}, true, out, &ix);
  return out.counts;
}

}  // namespace

TEST_CASE("orbits k=4: hubs, cliques, bipartite graphs and degree ties equal the brute force") {
  check_against_oracle(clique(9), "K9");
  check_against_oracle(bipartite(5, 8), "K5,8");
  check_against_oracle(bipartite(1, 12), "star K1,12");
  check_against_oracle(wheel(16), "wheel 16");
  check_against_oracle(friendship(9), "friendship 9");
  check_against_oracle(stars_and_clique(), "stars glued to a clique");
  const int seeds = sprig::test::kSanitized ? 3 : 12;
  for (int seed = 1; seed <= seeds; ++seed) {
    const auto s = static_cast<std::uint64_t>(seed);
    check_against_oracle(sprig::build_csr(sprig::rmat({.scale = 6, .edge_factor = 4 + seed % 5, .seed = s})),
                         "R-MAT seed " + std::to_string(seed));
    check_against_oracle(sprig::build_csr(sprig::barabasi_albert({.n = 40 + seed, .m = 2 + seed % 4, .seed = s})),
                         "BA seed " + std::to_string(seed));
    // A random regular-ish graph: every degree tied, so the order is by id alone.
    check_against_oracle(sprig::build_csr(sprig::watts_strogatz({.n = 30 + seed, .k = 3, .beta = 0.0, .seed = s})),
                         "ring lattice seed " + std::to_string(seed));
  }
}

TEST_CASE("orbits k=4: 64-bit edge ids give the same counts as 32-bit ones") {
  for (const Graph& g : {stars_and_clique(), sprig::build_csr(sprig::rmat({.scale = 8, .edge_factor = 8, .seed = 5}))})
    for (Per per : {Per::node, Per::edge}) {
      const auto r = sprig::orbit_counts(g, {.max_size = 4, .per = per});
      CHECK(wide(g, per) == r.counts);
    }
  CHECK(wide(Graph(), Per::node).rows() == 0);
}

TEST_CASE("orbits k=4: big skewed graph: identical for 1, 2 and 4 threads; node and edge columns agree") {
  // R-MAT scale 13: ~67k edges, hubs of degree ~1,000; per-thread partial
  // sums (summed in parallel blocks in edge mode) must add up the same way.
  const int scale = sprig::test::kSanitized ? 11 : 13;
  const Graph g = sprig::build_csr(sprig::rmat({.scale = scale, .edge_factor = 10, .seed = 11}));
  const auto node1 = sprig::with_threads(1, [&] { return sprig::orbit_counts(g); });
  const auto edge1 = sprig::with_threads(1, [&] { return sprig::orbit_counts(g, {.per = Per::edge}); });
  for (int t : {2, 4}) {
    CHECK(sprig::with_threads(t, [&] { return sprig::orbit_counts(g); }).counts == node1.counts);
    CHECK(sprig::with_threads(t, [&] { return sprig::orbit_counts(g, {.per = Per::edge}); }).counts == edge1.counts);
  }
  // Column sums / multiplicity = copies of each graphlet, the same from every
  // orbit of it, node or edge (the multiplicities are docs/graphlet-orbits.tsv).
  const auto nsum = node1.counts.colwise().sum();
  const auto esum = edge1.counts.colwise().sum();
  const auto copies = [](std::uint64_t total, std::uint64_t mult) {
    CHECK(total % mult == 0);
    return total / mult;
  };
  CHECK(nsum(0) == 2 * static_cast<std::uint64_t>(edge1.counts.rows()));
  const std::uint64_t p3 = copies(nsum(2), 1), tri = copies(nsum(3), 3);
  CHECK(copies(nsum(1), 2) == p3);
  CHECK(copies(esum(0), 2) == p3);
  CHECK(copies(esum(1), 3) == tri);
  CHECK(tri > 0);
  const std::uint64_t p4 = copies(nsum(4), 2);
  CHECK(copies(nsum(5), 2) == p4);
  CHECK(copies(esum(2), 2) == p4);
  CHECK(copies(esum(3), 1) == p4);
  const std::uint64_t star = copies(nsum(7), 1);
  CHECK(copies(nsum(6), 3) == star);
  CHECK(copies(esum(4), 3) == star);
  const std::uint64_t c4 = copies(nsum(8), 4);
  CHECK(copies(esum(5), 4) == c4);
  const std::uint64_t paw = copies(nsum(9), 1);
  CHECK(copies(nsum(10), 2) == paw);
  CHECK(copies(nsum(11), 1) == paw);
  CHECK(copies(esum(6), 1) == paw);
  CHECK(copies(esum(7), 1) == paw);
  CHECK(copies(esum(8), 2) == paw);
  const std::uint64_t diamond = copies(nsum(12), 2);
  CHECK(copies(nsum(13), 2) == diamond);
  CHECK(copies(esum(9), 4) == diamond);
  CHECK(copies(esum(10), 1) == diamond);
  const std::uint64_t k4 = copies(nsum(14), 4);
  CHECK(copies(esum(11), 6) == k4);
  CHECK(k4 > 0);
  CHECK(c4 > 0);
}
