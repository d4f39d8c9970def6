// tests/gnn/gradcheck.hpp — finite-difference gradient checks for sprig's GNN code.
//
// The code under test runs in float; the checker perturbs one float entry at a
// time by ±eps, evaluates the scalar loss L = Σ out ⊙ R (R a fixed random
// matrix, so every output entry matters with a different weight) in double,
// and compares the central difference (L+ − L−)/(2 eps) with the analytic
// gradient: |a − n| ≤ atol + rtol · max(|a|, |n|). Large tensors are sampled
// (at most `max_entries` entries each, chosen by a seeded Philox stream).
//
// Two entry points: `gradcheck_module` (any gnn::Module: input features and
// every Param) and `gradcheck_fn` (free functions: a forward over a list of
// inputs and a backward returning one gradient per input). Also small helpers
// that build random blocks (with isolated nodes and multi-degree nodes) for tests.
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>
#include <sprig/graph/random.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace sprig::test {

struct GradcheckOptions {
  double eps = 1e-2;     ///< perturbation (float code: 1e-2 keeps rounding noise ≪ the difference)
  double rtol = 2e-2;    ///< relative tolerance
  double atol = 2e-3;    ///< absolute tolerance (scaled by the loss weights, which are O(1))
  int max_entries = 48;  ///< entries checked per tensor (all when fewer)
  std::uint64_t seed = 12345;
};

struct GradcheckResult {
  bool ok = true;
  int checked = 0;
  int failed = 0;
  double max_abs_err = 0;
  std::string report;  ///< the first few failures: "<tensor>[r,c]: analytic a, numeric n"
};

namespace detail_gc {

inline Matrix random_matrix(Eigen::Index r, Eigen::Index c, std::uint64_t seed, float lo = -1, float hi = 1) {
  Matrix m(r, c);
  Philox rng(seed, 0x6c0ffee);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = lo + (hi - lo) * rng.uniform_float();
  return m;
}

inline double weighted_sum(const Matrix& out, const Matrix& w) {
  double s = 0;
  for (Eigen::Index i = 0; i < out.size(); ++i) s += static_cast<double>(out.data()[i]) * w.data()[i];
  return s;
}

inline std::vector<Eigen::Index> pick(Eigen::Index size, int max_entries, std::uint64_t seed) {
  std::vector<Eigen::Index> idx;
  if (size <= max_entries) {
    for (Eigen::Index k = 0; k < size; ++k) idx.push_back(k);
    return idx;
  }
  Philox rng(seed, 0xbeef);
  while (static_cast<int>(idx.size()) < max_entries) {
    const auto k = static_cast<Eigen::Index>(rng.bounded64(static_cast<std::uint64_t>(size)));
    if (std::find(idx.begin(), idx.end(), k) == idx.end()) idx.push_back(k);
  }
  return idx;
}

// Compares analytic gradient `ga` of tensor `t` (perturbed in place) with central differences of `loss`.
inline void check_tensor(const std::string& name, Matrix& t, const Matrix& ga, const std::function<double()>& loss,
                         const GradcheckOptions& opt, std::uint64_t salt, GradcheckResult& res) {
  if (ga.rows() != t.rows() || ga.cols() != t.cols()) {
    res.ok = false;
    ++res.failed;
    std::ostringstream os;
    os << name << ": analytic gradient is " << ga.rows() << "x" << ga.cols() << ", tensor is " << t.rows() << "x"
       << t.cols() << "\n";
    res.report += os.str();
    return;
  }
  for (Eigen::Index k : pick(t.size(), opt.max_entries, opt.seed + salt)) {
    const float orig = t.data()[k];
    t.data()[k] = static_cast<float>(orig + opt.eps);
    const double lp = loss();
    t.data()[k] = static_cast<float>(orig - opt.eps);
    const double lm = loss();
    t.data()[k] = orig;
    // The actual float step may differ from 2·eps by rounding: divide by it.
    const double step = static_cast<double>(static_cast<float>(orig + opt.eps)) -
                        static_cast<double>(static_cast<float>(orig - opt.eps));
    const double num = (lp - lm) / step;
    const double a = ga.data()[k];
    const double err = std::abs(a - num);
    ++res.checked;
    res.max_abs_err = std::max(res.max_abs_err, err);
    if (!(err <= opt.atol + opt.rtol * std::max(std::abs(a), std::abs(num)))) {
      res.ok = false;
      if (++res.failed <= 8) {
        std::ostringstream os;
        os << name << "[" << k / t.cols() << "," << k % t.cols() << "]: analytic " << a << ", numeric " << num
           << "\n";
        res.report += os.str();
      }
    }
  }
}

}  // namespace detail_gc

/// Checks dL/dx and dL/dparam of a Module on one block. `check_input` false skips x
/// (e.g. when x is an id lookup). The module's forward runs with ctx (training).
inline GradcheckResult gradcheck_module(gnn::Module& m, const gnn::Block& block, Matrix x,
                                        const GradcheckOptions& opt = {}, bool check_input = true,
                                        gnn::Context ctx = {.training = true, .seed = 1, .step = 0}) {
  GradcheckResult res;
  for (gnn::Param* p : m.parameters()) p->zero_grad();
  const Matrix out0 = m.forward(block, x, ctx);
  const Matrix w = detail_gc::random_matrix(out0.rows(), out0.cols(), opt.seed ^ 0x5151);
  const Matrix gx = m.backward(block, w);
  std::vector<Matrix> gparams;
  for (gnn::Param* p : m.parameters()) gparams.push_back(p->grad);
  auto loss = [&] { return detail_gc::weighted_sum(m.forward(block, x, ctx), w); };
  if (check_input) detail_gc::check_tensor(m.kind() + ".input", x, gx, loss, opt, 1, res);
  std::size_t k = 0;
  for (gnn::Param* p : m.parameters()) {
    detail_gc::check_tensor(p->name, p->value, gparams[k], loss, opt, 100 + k, res);
    ++k;
  }
  return res;
}

/// Checks a free function: forward(inputs) → output; backward(inputs, dL/doutput) → one
/// gradient per input (an empty Matrix skips that input).
inline GradcheckResult gradcheck_fn(const std::function<Matrix(const std::vector<Matrix>&)>& forward,
                                    const std::function<std::vector<Matrix>(const std::vector<Matrix>&, const Matrix&)>& backward,
                                    std::vector<Matrix> inputs, const GradcheckOptions& opt = {}) {
  GradcheckResult res;
  const Matrix out0 = forward(inputs);
  const Matrix w = detail_gc::random_matrix(out0.rows(), out0.cols(), opt.seed ^ 0x5151);
  const std::vector<Matrix> grads = backward(inputs, w);
  auto loss = [&] { return detail_gc::weighted_sum(forward(inputs), w); };
  for (std::size_t k = 0; k < inputs.size() && k < grads.size(); ++k) {
    if (grads[k].size() == 0 && inputs[k].size() != 0) continue;
    detail_gc::check_tensor("input" + std::to_string(k), inputs[k], grads[k], loss, opt, 7 * k + 3, res);
  }
  return res;
}

/// A block that owns its arrays (tests only).
struct OwnedBlock {
  std::vector<edge_t> offsets;
  std::vector<node_t> targets;
  std::vector<float> weights;
  node_t num_dst = 0, num_src = 0;
  gnn::Block view() const {
    gnn::Block b;
    b.offsets = offsets;
    b.targets = targets;
    b.weights = weights;
    b.num_dst = num_dst;
    b.num_src = num_src;
    return b;
  }
};

/// A block from per-row neighbour lists (rows sorted here).
inline OwnedBlock block_from_lists(std::vector<std::vector<node_t>> rows, node_t num_src,
                                   std::vector<std::vector<float>> wrows = {}) {
  OwnedBlock b;
  b.num_dst = static_cast<node_t>(rows.size());
  b.num_src = num_src;
  b.offsets.push_back(0);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::vector<std::size_t> order(rows[i].size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t p, std::size_t q) { return rows[i][p] < rows[i][q]; });
    for (std::size_t k : order) {
      b.targets.push_back(rows[i][k]);
      if (!wrows.empty()) b.weights.push_back(wrows[i][k]);
    }
    b.offsets.push_back(static_cast<edge_t>(b.targets.size()));
  }
  return b;
}

/// A random block: num_dst rows over num_src sources; about a quarter of the
/// rows empty (isolated), the others with 1..max_deg distinct neighbours.
/// Weighted: weights in [0.5, 1.5).
inline OwnedBlock random_block(node_t num_dst, node_t num_src, int max_deg, std::uint64_t seed, bool weighted = false) {
  Philox rng(seed, 0xb10c);
  std::vector<std::vector<node_t>> rows(static_cast<std::size_t>(num_dst));
  std::vector<std::vector<float>> w(static_cast<std::size_t>(num_dst));
  for (auto& r : rows) {
    if (rng.bounded(4) == 0) continue;
    const int d = 1 + static_cast<int>(rng.bounded(static_cast<std::uint32_t>(std::min<int>(max_deg, num_src))));
    while (static_cast<int>(r.size()) < d) {
      const auto j = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(num_src)));
      if (std::find(r.begin(), r.end(), j) == r.end()) r.push_back(j);
    }
  }
  if (weighted)
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t k = 0; k < rows[i].size(); ++k) w[i].push_back(0.5f + rng.uniform_float());
  return block_from_lists(rows, num_src, weighted ? w : std::vector<std::vector<float>>{});
}

/// Random features in [lo, hi).
inline Matrix random_features(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, float lo = -1, float hi = 1) {
  return detail_gc::random_matrix(rows, cols, seed, lo, hi);
}

}  // namespace sprig::test
