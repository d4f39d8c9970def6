// 5-node node orbits: the combinatorial counter (embed/orbits5.cpp,
// count5_comb) against the enumeration path (count5_enum, ESU over connected
// induced subsets) on a few hundred random graphs — sparse and dense ER, BA,
// graphs with hubs (stars glued to cliques), disconnected pieces — and on the
// bundled real graphs; every one of the 73 columns must agree exactly, for the
// default counter (group sums in closed form) and the copy-by-copy variant.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <sprig/embed/orbits.hpp>
#include <sprig/embed/orbits_detail.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/edge_list_io.hpp>

#include "test_config.hpp"

namespace {

using sprig::CountMatrix;
using sprig::Graph;
using sprig::OrbitOptions;
using sprig::Per;
namespace D = sprig::detail::orbits;

// Compares the two 5-node node-mode engines (and, with also_one_by_one, the
// copy-by-copy variant of the combinatorial one); names the first mismatch.
void compare_engines(const Graph& g, const std::string& what, bool also_one_by_one = true) {
  const D::Simple s = D::simplify(g);
  if (s.n == 0 || s.tgt.empty()) return;
  const OrbitOptions opt{.max_size = 5, .per = Per::node};
  sprig::OrbitCounts a, b, c;
  D::count5_comb(s, opt, true, a);
  D::count5_enum(s, opt, false, b, nullptr);
  if (also_one_by_one) D::count5_comb(s, opt, false, c, /*one_by_one=*/true);
  else c = b;
  REQUIRE_MESSAGE(a.counts.rows() == b.counts.rows(), what);
  REQUIRE_MESSAGE(a.counts.cols() == 73, what);
  REQUIRE_MESSAGE(b.counts.cols() == 73, what);
  for (Eigen::Index i = 0; i < a.counts.rows(); ++i)
    for (Eigen::Index j = 0; j < 73; ++j)
      if (a.counts(i, j) != b.counts(i, j)) {
        FAIL(what << ": node " << i << " orbit " << j << ": combinatorial " << a.counts(i, j) << ", enumeration "
                  << b.counts(i, j));
      }
  // The copy-by-copy path (no closed-form group sums) must agree too.
  REQUIRE_MESSAGE(c.counts.rows() == b.counts.rows(), what);
  for (Eigen::Index i = 0; i < c.counts.rows(); ++i)
    for (Eigen::Index j = 0; j < 73; ++j)
      if (c.counts(i, j) != b.counts(i, j)) {
        FAIL(what << ": node " << i << " orbit " << j << ": copy by copy " << c.counts(i, j) << ", enumeration "
                  << b.counts(i, j));
      }
}

// A graph with hubs: `hubs` centres joined to many leaves, leaves partly
// joined among themselves (triangles, diamonds and cliques at the hubs).
Graph hub_graph(int n, int hubs, double p_leaf, std::uint64_t seed) {
  sprig::EdgeList el;
  el.n = n;
  std::uint64_t ctr = 0;
  const auto u01 = [&] { return static_cast<double>(sprig::counter_hash(seed, ctr++) >> 11) * 0x1.0p-53; };
  for (int h = 0; h < hubs; ++h)
    for (int v = hubs; v < n; ++v)
      if (u01() < 0.7) el.add(h, v);
  for (int u = hubs; u < n; ++u)
    for (int v = u + 1; v < n; ++v)
      if (u01() < p_leaf) el.add(u, v);
  for (int h = 0; h + 1 < hubs; ++h)
    if (u01() < 0.5) el.add(h, h + 1);
  return sprig::build_csr(el);
}

}  // namespace

TEST_CASE("orbits5: combinatorial node counts equal the enumeration on random graphs") {
  const int seeds = sprig::test::kSanitized ? 15 : 80;
  for (int seed = 1; seed <= seeds; ++seed) {
    const auto s = static_cast<std::uint64_t>(seed);
    const std::int64_t n = 6 + seed % 23;
    compare_engines(sprig::build_csr(sprig::erdos_renyi_gnm({.n = n + 6, .m = n + seed % 7, .seed = s})),
                    "sparse ER seed " + std::to_string(seed), seed % 2 == 0);
    compare_engines(sprig::build_csr(sprig::erdos_renyi_gnp({.n = n, .p = 0.3 + 0.05 * (seed % 12), .seed = s})),
                    "dense ER seed " + std::to_string(seed), seed % 2 == 0);
    compare_engines(sprig::build_csr(sprig::barabasi_albert({.n = n + 12, .m = 1 + seed % 4, .seed = s})),
                    "BA seed " + std::to_string(seed), seed % 2 == 0);
    compare_engines(hub_graph(static_cast<int>(n) + 8, 1 + seed % 3, 0.05 + 0.02 * (seed % 10), s),
                    "hub graph seed " + std::to_string(seed), seed % 2 == 0);
  }
}

TEST_CASE("orbits5: combinatorial node counts equal the enumeration on real graphs") {
  for (const char* name : {"karate", "dolphins", "lesmis", "polbooks", "football"}) {
    if (sprig::test::kSanitized && std::string(name) != "karate") continue;
    compare_engines(sprig::read_graph(std::string(SPRIG_DATA_DIR) + "/" + name + ".edges.gz"), name);
  }
}

TEST_CASE("orbits5: complete graphs and a clique with a hub") {
  for (int n = 2; n <= 9; ++n) {
    sprig::EdgeList el;
    el.n = n;
    for (int u = 0; u < n; ++u)
      for (int v = u + 1; v < n; ++v) el.add(u, v);
    const Graph g = sprig::build_csr(el);
    const auto r = sprig::orbit_counts(g, {.max_size = 5});
    const std::uint64_t k5 = n >= 5 ? static_cast<std::uint64_t>((n - 1) * (n - 2) * (n - 3) * (n - 4) / 24) : 0;
    for (int v = 0; v < n; ++v) {
      CHECK(r.counts(v, 72) == k5);
      CHECK(r.counts.row(v).segment(15, 57).sum() == 0);
    }
  }
}
