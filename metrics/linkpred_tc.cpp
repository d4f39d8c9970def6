// Topological Concentration: exact (sparse walk vectors per node) and
// approximate (dense propagated random projections). Each node's value is
// computed by one thread, summing its split neighbours in increasing id order.
#include <sprig/metrics/linkpred_tc.hpp>

#include <cmath>
#include <limits>

#include <tbb/enumerable_thread_specific.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/metrics/linkpred_split.hpp>

namespace sprig {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Walk-count vectors w^1..w^K from one node, dense arrays with touched lists.
struct Walker {
  std::vector<std::vector<double>> w;
  std::vector<std::vector<node_t>> touched;
  void run(const Graph& g, node_t s, int K) {
    const auto n = static_cast<std::size_t>(g.num_nodes());
    if (w.size() != static_cast<std::size_t>(K + 1)) {
      w.assign(static_cast<std::size_t>(K + 1), std::vector<double>(n, 0.0));
      touched.assign(static_cast<std::size_t>(K + 1), {});
    }
    w[0][s] = 1;
    touched[0].push_back(s);
    for (int k = 1; k <= K; ++k)
      for (node_t x : touched[k - 1])
        for (node_t y : g.neighbors(x)) {
          if (w[k][y] == 0) touched[k].push_back(y);
          w[k][y] += w[k - 1][x];
        }
  }
  double norm(int k) const {
    double s = 0;
    for (node_t x : touched[k]) s += w[k][x];
    return s;
  }
  void clear() {
    for (std::size_t k = 0; k < w.size(); ++k) {
      for (node_t x : touched[k]) w[k][x] = 0;
      touched[k].clear();
    }
  }
};

void check_inputs(const Graph& g, std::span<const NodePair> split, int hops, double beta, const char* fn) {
  SPRIG_EXPECTS(!g.directed(), "{}: the training graph must be undirected", fn);
  SPRIG_EXPECTS(hops >= 1 && hops <= 4, "{}: hops must be in 1..4 (got {})", fn, hops);
  SPRIG_EXPECTS(beta > 0 && std::isfinite(beta), "{}: beta must be > 0 (got {})", fn, beta);
  for (std::size_t i = 0; i < split.size(); ++i)
    SPRIG_EXPECTS(split[i].u >= 0 && split[i].u < g.num_nodes() && split[i].v >= 0 && split[i].v < g.num_nodes(),
                  "{}: split edge {} = ({}, {}) has an id outside [0, n = {})", fn, i, split[i].u, split[i].v,
                  g.num_nodes());
}

}  // namespace

std::vector<double> topological_concentration(const Graph& train, std::span<const NodePair> split_edges,
                                              const TopologicalConcentrationOptions& opt) {
  check_inputs(train, split_edges, opt.hops, opt.beta, "topological_concentration");
  const node_t n = train.num_nodes();
  const Graph split = graph_from_pairs(n, split_edges, false);
  const int K = opt.hops;
  std::vector<double> tc(static_cast<std::size_t>(n), kNaN);
  tbb::enumerable_thread_specific<std::pair<Walker, Walker>> tls;
  parallel_for<node_t>(
      0, n,
      [&](node_t u) {
        const auto sv = split.neighbors(u);
        if (sv.empty()) return;
        if (train.degree(u) == 0) {
          tc[u] = 0;
          return;
        }
        auto& [wu, wv] = tls.local();
        wu.run(train, u, K);
        std::vector<double> nu(static_cast<std::size_t>(K + 1));
        for (int k = 1; k <= K; ++k) nu[k] = wu.norm(k);
        double total = 0;
        for (node_t v : sv) {
          wv.run(train, v, K);
          double s = 0;
          for (int k1 = 1; k1 <= K; ++k1) {
            if (nu[k1] == 0) continue;
            for (int k2 = 1; k2 <= K; ++k2) {
              double dot = 0;
              for (node_t x : wv.touched[k2]) dot += wu.w[k1][x] * wv.w[k2][x];
              s += std::pow(opt.beta, k1 + k2 - 2) * dot / nu[k1];
            }
          }
          total += s;
          wv.clear();
        }
        wu.clear();
        tc[u] = total / static_cast<double>(sv.size());
      },
      64);
  return tc;
}

std::vector<double> approximate_topological_concentration(const Graph& train, std::span<const NodePair> split_edges,
                                                          const ApproxTopologicalConcentrationOptions& opt) {
  check_inputs(train, split_edges, opt.hops, opt.beta, "approximate_topological_concentration");
  SPRIG_EXPECTS(opt.dim > 0, "approximate_topological_concentration: dim must be > 0 (got {})", opt.dim);
  const node_t n = train.num_nodes();
  const auto N = static_cast<std::size_t>(n);
  const auto d = static_cast<std::size_t>(opt.dim);
  const int K = opt.hops;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  // P[0] = R; P[k] = A P[k-1]; norms[k] = A^k 1.
  std::vector<std::vector<double>> P(static_cast<std::size_t>(K + 1), std::vector<double>(N * d, 0.0));
  std::vector<std::vector<double>> norms(static_cast<std::size_t>(K + 1), std::vector<double>(N, 1.0));
  parallel_for<std::size_t>(0, N, [&](std::size_t x) {
    for (std::size_t c = 0; c < d; ++c)
      P[0][x * d + c] = (counter_hash(opt.seed, x, c) & 1u) ? scale : -scale;
  });
  for (int k = 1; k <= K; ++k) {
    parallel_for<node_t>(
        0, n,
        [&](node_t u) {
          double* out = P[k].data() + static_cast<std::size_t>(u) * d;
          double s = 0;
          for (node_t w : train.neighbors(u)) {
            const double* in = P[k - 1].data() + static_cast<std::size_t>(w) * d;
            for (std::size_t c = 0; c < d; ++c) out[c] += in[c];
            s += norms[k - 1][w];
          }
          norms[k][u] = s;
        },
        256);
  }
  const Graph split = graph_from_pairs(n, split_edges, false);
  std::vector<double> atc(N, kNaN);
  parallel_for<node_t>(
      0, n,
      [&](node_t u) {
        const auto sv = split.neighbors(u);
        if (sv.empty()) return;
        if (train.degree(u) == 0) {
          atc[u] = 0;
          return;
        }
        double total = 0;
        for (node_t v : sv) {
          double s = 0;
          for (int k1 = 1; k1 <= K; ++k1) {
            if (norms[k1][u] == 0) continue;
            const double* a = P[k1].data() + static_cast<std::size_t>(u) * d;
            for (int k2 = 1; k2 <= K; ++k2) {
              const double* b = P[k2].data() + static_cast<std::size_t>(v) * d;
              double dot = 0;
              for (std::size_t c = 0; c < d; ++c) dot += a[c] * b[c];
              s += std::pow(opt.beta, k1 + k2 - 2) * dot / norms[k1][u];
            }
          }
          total += s;
        }
        atc[u] = total / static_cast<double>(sv.size());
      },
      256);
  return atc;
}

}  // namespace sprig
