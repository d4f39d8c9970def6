// PageRank's accelerated solvers (Chebyshev on undirected graphs, Anderson on
// directed ones) against a dense linear solve of the Google system and against
// the plain power iteration, on random graphs with dangling nodes, weights,
// personalization and both dangling rules; the fallback when an "undirected"
// graph's weights are asymmetric; identical results for 1, 2 and 4 threads.
#include <cmath>
#include <vector>

#include <Eigen/Dense>
#include <doctest/doctest.h>

#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/metrics/centrality.hpp>

#include "netsci_common.hpp"

using namespace sprig;

namespace {

double l1(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += std::abs(a[i] - b[i]);
  return s;
}

// The textbook definition, solved densely: x = (1 − d) p + d (W S⁻¹ x + (dᵀx) q),
// with W[v][u] the weight of the arc u→v, S the out-strengths, d the dangling
// indicator, p and q normalised.
std::vector<double> dense_pagerank(const Graph& g, double damping, std::vector<double> p, bool uniform_dangling) {
  const auto n = static_cast<Eigen::Index>(g.num_nodes());
  if (p.empty()) p.assign(static_cast<std::size_t>(n), 1.0);
  double ps = 0;
  for (double v : p) ps += v;
  for (double& v : p) v /= ps;
  Eigen::MatrixXd W = Eigen::MatrixXd::Zero(n, n);
  for (node_t u = 0; u < g.num_nodes(); ++u) {
    const auto nb = g.neighbors(u);
    for (std::size_t k = 0; k < nb.size(); ++k) W(nb[k], u) += g.weighted() ? static_cast<double>(g.weights(u)[k]) : 1.0;
  }
  Eigen::MatrixXd A = Eigen::MatrixXd::Identity(n, n);
  Eigen::VectorXd b(n);
  for (Eigen::Index v = 0; v < n; ++v) b(v) = (1 - damping) * p[static_cast<std::size_t>(v)];
  for (Eigen::Index u = 0; u < n; ++u) {
    const double s = W.col(u).sum();
    for (Eigen::Index v = 0; v < n; ++v) {
      const double jump = uniform_dangling ? 1.0 / static_cast<double>(n) : p[static_cast<std::size_t>(v)];
      A(v, u) -= damping * (s > 0 ? W(v, u) / s : jump);
    }
  }
  const Eigen::VectorXd x = A.partialPivLu().solve(b);
  return {x.data(), x.data() + n};
}

}  // namespace

TEST_CASE("netsci pagerank: Chebyshev and Anderson solves equal the dense solve and the power iteration") {
  int fast_passes = 0, power_passes = 0;
  for (int seed = 1; seed <= 6; ++seed)
    for (bool directed : {false, true})
      for (bool weighted : {false, true}) {
        CAPTURE(seed);
        CAPTURE(directed);
        CAPTURE(weighted);
        // Sparse enough that some nodes are isolated (undirected) or dangling (directed).
        Graph g = netsci_test::random_graph(70, 60 + 12 * seed, static_cast<std::uint64_t>(seed), directed);
        if (weighted) g = netsci_test::with_weights(g);
        std::vector<double> pers(70);
        Philox rng(static_cast<std::uint64_t>(seed), 9);
        for (double& v : pers) v = rng.bounded(3);  // zeros included
        for (int variant = 0; variant < 3; ++variant) {
          CAPTURE(variant);
          PageRankOptions o{.tolerance = 1e-13};
          if (variant >= 1) o.personalization = pers;
          if (variant == 2) o.dangling = Dangling::uniform;
          const auto fast = pagerank(g, o);
          o.accelerate = false;
          const auto power = pagerank(g, o);
          CHECK(fast.converged);
          CHECK(power.converged);
          CHECK(l1(fast.rank, power.rank) < 1e-11);
          CHECK(l1(fast.rank, dense_pagerank(g, 0.85, o.personalization, variant == 2)) < 1e-11);
          fast_passes += fast.iterations;
          power_passes += power.iterations;
        }
      }
  CHECK(fast_passes < power_passes * 2 / 3);
}

TEST_CASE("netsci pagerank: other dampings, and an undirected graph whose weights are not symmetric") {
  const Graph g = netsci_test::with_weights(netsci_test::random_graph(60, 150, 4));
  for (double d : {0.0, 0.5, 0.99}) {
    CAPTURE(d);
    const auto fast = pagerank(g, {.damping = d, .tolerance = 1e-12});
    CHECK(fast.converged);
    CHECK(l1(fast.rank, dense_pagerank(g, d, {}, false)) < 1e-9);
  }
  // A cycle stored as undirected, but weighted 1 one way round and 0.01 the
  // other: P is nearly a cyclic shift, its eigenvalues nearly the roots of
  // unity, so the Chebyshev solve diverges and must start again. (Such a graph
  // has no consistent PageRank — a node pulls with its own row's weights but
  // spreads with its out-strength — so only the agreement of the solvers on
  // the fixed point is checked.)
  const node_t n = 40;
  std::vector<edge_t> off{0};
  std::vector<node_t> tgt;
  std::vector<float> w;
  for (node_t v = 0; v < n; ++v) {
    const node_t a = (v + n - 1) % n, b = (v + 1) % n;
    tgt.push_back(std::min(a, b));
    tgt.push_back(std::max(a, b));
    w.push_back(std::min(a, b) == b ? 1.0f : 0.01f);
    w.push_back(std::max(a, b) == b ? 1.0f : 0.01f);
    off.push_back(static_cast<edge_t>(tgt.size()));
  }
  const Graph ring(off, tgt, w, false);
  std::vector<double> at0(n, 0.0);
  at0[0] = 1;  // (uniform teleport would make the uniform start the answer)
  const auto fast = pagerank(ring, {.damping = 0.95, .tolerance = 1e-13, .personalization = at0});
  const auto power = pagerank(ring, {.damping = 0.95, .tolerance = 1e-13, .personalization = at0, .accelerate = false});
  CHECK(fast.converged);
  CHECK(l1(fast.rank, power.rank) < 1e-11);
}

TEST_CASE("netsci pagerank: accelerated solves are identical for 1, 2 and 4 threads") {
  for (bool directed : {false, true}) {
    const Graph g = netsci_test::random_graph(9000, 40000, 11, directed);  // several chunks of nodes
    const auto r1 = with_threads(1, [&] { return pagerank(g).rank; });
    for (int th : {2, 4}) CHECK(with_threads(th, [&] { return pagerank(g).rank; }) == r1);
  }
}
