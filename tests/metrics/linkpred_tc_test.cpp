// Topological Concentration against set intersections (K = 1) and dense
// matrix powers (K = 2); ATC converging to TC as the projection width grows.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include <sprig/graph/build.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/metrics/linkpred_split.hpp>
#include <sprig/metrics/linkpred_tc.hpp>

#include "test_graphs.hpp"

using namespace sprig;

TEST_CASE("linkpred TC: K = 1 equals the mean of |N(u) ∩ N(v)| / |N(u)| over split neighbours") {
  const Graph g = test::random_multigraph(80, 300, 4, 9);
  RandomLinkSplitOptions so;
  so.test_fraction = 0.2;
  const auto r = random_link_split(g, so);
  const auto tc = topological_concentration(r.train, r.split.test_pos);
  for (node_t u = 0; u < g.num_nodes(); ++u) {
    std::vector<node_t> sn;
    for (const auto& p : r.split.test_pos) {
      if (p.u == u) sn.push_back(p.v);
      if (p.v == u) sn.push_back(p.u);
    }
    if (sn.empty()) {
      CHECK(std::isnan(tc[u]));
      continue;
    }
    const std::set<node_t> nu(r.train.neighbors(u).begin(), r.train.neighbors(u).end());
    double s = 0;
    for (node_t v : sn) {
      if (nu.empty()) continue;
      std::size_t c = 0;
      for (node_t x : r.train.neighbors(v)) c += nu.count(x);
      s += static_cast<double>(c) / static_cast<double>(nu.size());
    }
    CHECK(tc[u] == doctest::Approx(s / static_cast<double>(sn.size())).epsilon(1e-12));
  }
}

TEST_CASE("linkpred TC: K = 2 equals the dense walk-count formula; ATC converges to TC") {
  const node_t n = 40;
  const Graph g = test::random_multigraph(n, 120, 8, 9);
  const auto r = random_link_split(g, {});
  const Graph& t = r.train;
  // Dense A and A².
  std::vector<std::vector<double>> A(n, std::vector<double>(n, 0.0)), A2(n, std::vector<double>(n, 0.0));
  for (node_t u = 0; u < n; ++u)
    for (node_t v : t.neighbors(u)) A[u][v] = 1;
  for (node_t i = 0; i < n; ++i)
    for (node_t k = 0; k < n; ++k)
      for (node_t j = 0; j < n; ++j) A2[i][j] += A[i][k] * A[k][j];
  const std::vector<std::vector<double>>* W[3] = {nullptr, &A, &A2};
  TopologicalConcentrationOptions o;
  o.hops = 2;
  o.beta = 0.3;
  const auto tc2 = topological_concentration(t, r.split.test_pos, o);
  for (node_t u = 0; u < n; ++u) {
    std::vector<node_t> sn;
    for (const auto& p : r.split.test_pos) {
      if (p.u == u) sn.push_back(p.v);
      if (p.v == u) sn.push_back(p.u);
    }
    if (sn.empty()) continue;
    if (t.degree(u) == 0) {
      CHECK(tc2[u] == 0);
      continue;
    }
    double total = 0;
    for (node_t v : sn) {
      for (int k1 = 1; k1 <= 2; ++k1) {
        double norm = 0;
        for (node_t x = 0; x < n; ++x) norm += (*W[k1])[u][x];
        if (norm == 0) continue;
        for (int k2 = 1; k2 <= 2; ++k2) {
          double dot = 0;
          for (node_t x = 0; x < n; ++x) dot += (*W[k1])[u][x] * (*W[k2])[v][x];
          total += std::pow(0.3, k1 + k2 - 2) * dot / norm;
        }
      }
    }
    CHECK(tc2[u] == doctest::Approx(total / static_cast<double>(sn.size())).epsilon(1e-12));
  }
  // ATC: the mean absolute error shrinks as d grows, and is small at d = 16384.
  for (int hops : {1, 2}) {
    CAPTURE(hops);
    TopologicalConcentrationOptions eo;
    eo.hops = hops;
    eo.beta = 0.3;
    const auto exact = topological_concentration(t, r.split.test_pos, eo);
    auto err = [&](int d) {
      ApproxTopologicalConcentrationOptions ao;
      ao.hops = hops;
      ao.beta = 0.3;
      ao.dim = d;
      ao.seed = 11;
      const auto a = approximate_topological_concentration(t, r.split.test_pos, ao);
      double e = 0;
      int c = 0;
      for (node_t u = 0; u < n; ++u)
        if (!std::isnan(exact[u])) {
          REQUIRE(!std::isnan(a[u]));
          e += std::abs(a[u] - exact[u]) / std::max(1.0, std::abs(exact[u]));
          ++c;
        }
      return e / c;
    };
    const double e16 = err(16), e256 = err(256), e16k = err(16384);
    CHECK(e16k < e256);
    CHECK(e256 < e16);
    CHECK(e16k < 0.03);
  }
  ApproxTopologicalConcentrationOptions ao;
  ao.dim = 64;
  const auto a1 = with_threads(1, [&] { return approximate_topological_concentration(t, r.split.test_pos, ao); });
  const auto a4 = with_threads(4, [&] { return approximate_topological_concentration(t, r.split.test_pos, ao); });
  for (node_t u = 0; u < n; ++u) CHECK((a1[u] == a4[u] || (std::isnan(a1[u]) && std::isnan(a4[u]))));
}
