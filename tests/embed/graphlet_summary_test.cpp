// Graphlet counts (karate's known values, a brute-force count on random graphs),
// GDDA (identity, symmetry, a hand-computed case, the empty-orbit convention)
// and GDV similarity (identity, a hand-computed case), and the error paths.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <sprig/embed/graphlet_summary.hpp>
#include <sprig/embed/orbits.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/graph_source.hpp>

#include "test_config.hpp"

namespace {

using sprig::CountMatrix;
using sprig::Graph;

Graph karate() { return sprig::load_graph(std::string(SPRIG_DATA_DIR) + "/karate.edges.gz"); }

Graph random_er(int n, double p, std::uint64_t seed) {
  sprig::EdgeList el;
  el.n = n;
  sprig::Philox rng(seed, 7);
  for (int u = 0; u < n; ++u)
    for (int v = u + 1; v < n; ++v)
      if (rng.uniform_float() < p) el.add(u, v);
  return sprig::build_csr(el);
}

// Brute-force counts of G0..G8: every connected induced subset of 2..4 nodes,
// classified by its edge count and maximum degree.
std::vector<std::uint64_t> brute_graphlets4(const Graph& g) {
  const int n = g.num_nodes();
  std::vector<std::vector<char>> a(n, std::vector<char>(n, 0));
  for (int u = 0; u < n; ++u)
    for (int v : g.neighbors(u)) a[u][v] = 1;
  std::vector<std::uint64_t> c(9, 0);
  auto classify = [&](const std::vector<int>& s) {
    const int k = static_cast<int>(s.size());
    int deg[4] = {0, 0, 0, 0}, edges = 0;
    for (int i = 0; i < k; ++i)
      for (int j = i + 1; j < k; ++j)
        if (a[s[i]][s[j]]) {
          ++edges;
          ++deg[i];
          ++deg[j];
        }
    if (*std::min_element(deg, deg + k) == 0) return;  // an isolated node: not connected
    const int maxd = *std::max_element(deg, deg + k);
    if (k == 2) ++c[0];
    if (k == 3) ++c[edges == 3 ? 2 : 1];
    if (k == 4) {
      if (edges < 3) return;  // two disjoint edges
      if (edges == 3) ++c[maxd == 3 ? 4 : 3];
      if (edges == 4) ++c[maxd == 3 ? 6 : 5];
      if (edges == 5) ++c[7];
      if (edges == 6) ++c[8];
    }
  };
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      classify({i, j});
      for (int k = j + 1; k < n; ++k) {
        classify({i, j, k});
        for (int l = k + 1; l < n; ++l) classify({i, j, k, l});
      }
    }
  return c;
}

CountMatrix column(std::vector<std::uint64_t> v) {
  CountMatrix m(static_cast<Eigen::Index>(v.size()), 1);
  for (std::size_t i = 0; i < v.size(); ++i) m(static_cast<Eigen::Index>(i), 0) = v[i];
  return m;
}

}  // namespace

TEST_CASE("graphlet_counts: karate has 45 triangles, 36 four-cycles, 11 K4, 2 K5, 20 five-cycles, 1583 P5") {
  const Graph g = karate();
  const auto c4 = sprig::graphlet_counts(g, 4);
  REQUIRE(c4.size() == 9);
  CHECK(c4[0] == 78);  // edges
  CHECK(c4[2] == 45);
  CHECK(c4[5] == 36);
  CHECK(c4[8] == 11);
  const auto c5 = sprig::graphlet_counts(g, 5);
  REQUIRE(c5.size() == 30);
  CHECK(std::equal(c4.begin(), c4.end(), c5.begin()));
  CHECK(c5[29] == 2);     // K5
  CHECK(c5[15] == 20);    // five-cycle
  CHECK(c5[9] == 1583);   // induced five-node path
}

TEST_CASE("graphlet_counts: equal a brute-force count on random graphs") {
  const int graphs = sprig::test::kSanitized ? 20 : 100;
  for (int t = 0; t < graphs; ++t) {
    const int n = 3 + t % 18;
    const double p = 0.05 + 0.9 * ((t * 53) % 100) / 100.0;
    const Graph g = random_er(n, p, 500 + t);
    INFO("n=", n, " p=", p);
    const auto got = sprig::graphlet_counts(g, 4);
    CHECK(got == brute_graphlets4(g));
  }
}

TEST_CASE("graphlet_counts: rejects a matrix that is not node orbit counts") {
  CountMatrix m = CountMatrix::Zero(3, 15);
  CHECK_THROWS_AS(sprig::graphlet_counts(CountMatrix::Zero(3, 14)), sprig::InvalidArgument);
  m(0, 0) = 1;  // orbit 0 (edge ends) odd
  CHECK_THROWS_AS(sprig::graphlet_counts(m), sprig::InvalidArgument);
  m(1, 0) = 1;
  m(0, 2) = 1;  // one 3-path centre but no ends
  try {
    sprig::graphlet_counts(m);
    FAIL("no throw");
  } catch (const sprig::InvalidArgument& e) {
    CHECK(std::string(e.what()).find("G1") != std::string::npos);
  }
  CHECK(sprig::graphlet_counts(CountMatrix::Zero(0, 73)) == std::vector<std::uint64_t>(30, 0));
}

TEST_CASE("gdda: 1 for a network with itself, symmetric, in [0, 1]; a hand-computed case") {
  const Graph g = karate();
  for (int k : {4, 5}) {
    const auto a = sprig::orbit_counts(g, {.max_size = k}).counts;
    const auto self = sprig::gdda(a, a);
    CHECK(self.arithmetic == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(self.geometric == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(self.per_orbit.size() == static_cast<std::size_t>(a.cols()));
    const auto b = sprig::orbit_counts(random_er(40, 0.12, 9), {.max_size = k}).counts;
    const auto ab = sprig::gdda(a, b), ba = sprig::gdda(b, a);
    CHECK(ab.arithmetic == ba.arithmetic);
    CHECK(ab.per_orbit == ba.per_orbit);
    CHECK(ab.arithmetic > 0.0);
    CHECK(ab.arithmetic < 1.0);
    CHECK(ab.geometric <= ab.arithmetic + 1e-15);
    for (double x : ab.per_orbit) {
      CHECK(x >= 0.0);
      CHECK(x <= 1.0);
    }
  }
  // G: degrees (1, 1, 2) → S = (2, 0.5), N = (0.8, 0.2); H: (1, 1, 1) → N = (1, 0).
  // D = sqrt(0.2² + 0.2²)/√2 = 0.2, agreement 0.8.
  const auto h = sprig::gdda(column({1, 1, 2}), column({1, 1, 1}));
  CHECK(h.per_orbit[0] == doctest::Approx(0.8));
  CHECK(h.arithmetic == doctest::Approx(0.8));
  CHECK(h.geometric == doctest::Approx(0.8));
  // Zero rows are ignored (k ≥ 1 only).
  CHECK(sprig::gdda(column({0, 1, 1, 2, 0}), column({1, 1, 1})).per_orbit[0] == doctest::Approx(0.8));
  // Both lack the orbit: full agreement; one lacks it: 1 − ‖N‖/√2 = 1 − 1/√2.
  CHECK(sprig::gdda(column({0, 0}), column({0})).per_orbit[0] == 1.0);
  CHECK(sprig::gdda(column({0, 0}), column({3})).per_orbit[0] == doctest::Approx(1.0 - 1.0 / std::sqrt(2.0)));
  CHECK_THROWS_AS(sprig::gdda(CountMatrix::Zero(2, 15), CountMatrix::Zero(2, 73)), sprig::InvalidArgument);
}

TEST_CASE("gdv_similarity: 1 for a node with itself; a hand-computed case; range and errors") {
  const auto o = sprig::orbit_dependency_counts();
  REQUIRE(o.size() == 73);
  CHECK(o[0] == 1);
  CHECK(o[53] == 9);
  const auto w = sprig::gdv_weights(73);
  CHECK(w[0] == 1.0);
  CHECK(w[1] == doctest::Approx(1.0 - std::log(2.0) / std::log(73.0)));

  const Graph g = karate();
  const auto a = sprig::orbit_counts(g, {.max_size = 5}).counts;
  for (std::int64_t u = 0; u < a.rows(); ++u) CHECK(sprig::gdv_similarity(a, u, a, u) == 1.0);
  const double s01 = sprig::gdv_similarity(a, 0, a, 33), s10 = sprig::gdv_similarity(a, 33, a, 0);
  CHECK(s01 == s10);
  CHECK(s01 > 0.0);
  CHECK(s01 < 1.0);

  // u = (1, 0, ..., 0), v = (3, 0, ..., 0) over 15 orbits: only orbit 0 differs,
  // D_0 = w_0·|ln 2 − ln 4| / ln 5 with w_0 = 1, similarity = 1 − D_0 / Σ w_i.
  std::vector<std::uint64_t> u(15, 0), v(15, 0);
  u[0] = 1;
  v[0] = 3;
  const int deps15[15] = {1, 2, 2, 2, 3, 4, 3, 3, 4, 3, 4, 4, 4, 4, 3};
  double wsum = 0;
  for (int d : deps15) wsum += 1.0 - std::log(static_cast<double>(d)) / std::log(73.0);
  CHECK(sprig::gdv_similarity(u, v) == doctest::Approx(1.0 - (std::log(2.0) / std::log(5.0)) / wsum));
  CHECK_THROWS_AS(sprig::gdv_similarity(std::vector<std::uint64_t>(15), std::vector<std::uint64_t>(73)),
                  sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::gdv_similarity(std::vector<std::uint64_t>{}, std::vector<std::uint64_t>{}),
                  sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::gdv_similarity(a, 34, a, 0), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::gdv_weights(74), sprig::InvalidArgument);
}
