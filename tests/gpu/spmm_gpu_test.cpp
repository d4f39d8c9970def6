// GNN propagation on the GPU: GCN forward/backward against a double-precision
// reference and the adjoint identity ⟨Âx, g⟩ = ⟨x, Âᵀg⟩; mean and max against
// gnn::spmm (CPU); softmax aggregation against a reference and finite
// differences; the streamed product against the resident one.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <sprig/gnn/spmm.hpp>
#include <sprig/gnn/spmm_cuda.hpp>
#include <sprig/graph/cuda.hpp>
#include <sprig/graph/random.hpp>

#include "gpu_common.hpp"

using namespace sprig;
using gnn::Block;
using gpu_test::row_relative_error;

namespace {

Block block_of(const Graph& g) {
  Block b;
  b.offsets = g.offsets();
  b.targets = g.targets();
  b.weights = g.weights();
  b.num_dst = b.num_src = g.num_nodes();
  return b;
}

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i) {
    Philox rng(seed, static_cast<std::uint64_t>(i));
    for (Eigen::Index j = 0; j < cols; ++j) m(i, j) = 2.f * rng.uniform_float() - 1.f;
  }
  return m;
}

// GcnLayer's propagation in double: out_r (Σ w in_t x_t + in_r x_r).
Matrix gcn_reference(const Block& b, const Matrix& x) {
  std::vector<double> rs(b.num_dst, 1.0), cs(b.num_src, 1.0);
  for (node_t i = 0; i < b.num_dst; ++i)
    for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a) {
      const double w = b.weights.empty() ? 1.0 : b.weights[a];
      rs[i] += w;
      cs[b.targets[a]] += w;
    }
  Matrix y(b.num_dst, x.cols());
  for (node_t i = 0; i < b.num_dst; ++i) {
    Eigen::VectorXd acc = Eigen::VectorXd::Zero(x.cols());
    for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a) {
      const double w = b.weights.empty() ? 1.0 : b.weights[a];
      acc += w / std::sqrt(cs[b.targets[a]]) * x.row(b.targets[a]).transpose().cast<double>();
    }
    acc += 1.0 / std::sqrt(cs[i]) * x.row(i).transpose().cast<double>();
    y.row(i) = (acc / std::sqrt(rs[i])).transpose().cast<float>();
  }
  return y;
}

double dot(const Matrix& a, const Matrix& b) { return (a.cast<double>().array() * b.cast<double>().array()).sum(); }

// Softmax aggregation of one (row, feature) in double.
double softmax_ref(const Block& b, const Matrix& x, node_t i, Eigen::Index f, double t) {
  double m = -INFINITY, s = 0, acc = 0;
  for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a) m = std::max(m, t * x(b.targets[a], f));
  for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a) {
    const double e = std::exp(t * x(b.targets[a], f) - m);
    s += e;
    acc += e * x(b.targets[a], f);
  }
  return s > 0 ? acc / s : 0.0;
}

}  // namespace

TEST_CASE("gpu gcn propagation: reference, adjoint, streamed") {
  for (const char* name : {"karate", "lesmis", "polblogs"}) {
    const Graph g = gpu_test::load(name);
    const Block b = block_of(g);
    const Matrix x = random_matrix(g.num_nodes(), 37, 1);
    const Matrix gy = random_matrix(g.num_nodes(), 37, 2);
    const Matrix y = gnn::gcn_propagate_cuda(b, x);
    CAPTURE(name);
    CHECK(row_relative_error(y, gcn_reference(b, x)) < 1e-5);
    const Matrix gx = gnn::gcn_propagate_backward_cuda(b, gy);
    const double lhs = dot(y, gy), rhs = dot(x, gx);
    CHECK(std::abs(lhs - rhs) <= 1e-5 * (std::abs(lhs) + 1.0));
  }
  const Graph g = gpu_test::rmat(13);
  const Block b = block_of(g);
  const Matrix x = random_matrix(g.num_nodes(), 64, 3);
  const Matrix resident = gnn::gcn_propagate_cuda(b, x);
  detail::set_cuda_max_block_arcs(g.num_arcs() / 5 + 1);
  const Matrix streamed = gnn::gcn_propagate_cuda(b, x);
  detail::set_cuda_max_block_arcs(0);
  CHECK(row_relative_error(streamed, resident) < 1e-6);
  CHECK(row_relative_error(resident, gcn_reference(b, x)) < 1e-5);
}

TEST_CASE("gpu mean and max: equal to gnn::spmm") {
  for (const char* name : {"lesmis", "polblogs"}) {
    const Graph g = gpu_test::load(name);
    const Block b = block_of(g);
    const Matrix x = random_matrix(g.num_nodes(), 19, 4);
    const Matrix gy = random_matrix(g.num_nodes(), 19, 5);
    CAPTURE(name);
    const gnn::SpmmSpec mean{gnn::Reduce::mean, gnn::Message::weighted, nullptr};
    CHECK(row_relative_error(gnn::spmm_mean_cuda(b, x), gnn::spmm(b, x, mean)) < 1e-5);
    CHECK(row_relative_error(gnn::spmm_mean_backward_cuda(b, gy), gnn::spmm_backward_x(b, gy, mean)) < 1e-5);
    const gnn::SpmmSpec mx{gnn::Reduce::max, gnn::Message::weighted, nullptr};
    std::vector<edge_t> arg_cpu, arg_gpu;
    const Matrix ycpu = gnn::spmm(b, x, mx, &arg_cpu);
    const Matrix ygpu = gnn::spmm_max_cuda(b, x, &arg_gpu);
    CHECK((ycpu.array() == ygpu.array()).all());
    CHECK(arg_cpu == arg_gpu);
    CHECK(row_relative_error(gnn::spmm_max_backward_cuda(b, gy, arg_gpu), gnn::spmm_backward_x(b, gy, mx, &arg_cpu)) <
          1e-5);
  }
}

TEST_CASE("gpu softmax aggregation: reference and finite differences") {
  const Graph g = gpu_test::load("karate");
  const Block b = block_of(g);
  const Matrix x = random_matrix(g.num_nodes(), 6, 6);
  const Matrix gy = random_matrix(g.num_nodes(), 6, 7);
  const float t = 1.3f;
  const Matrix y = gnn::softmax_aggregate_cuda(b, x, t);
  for (node_t i = 0; i < g.num_nodes(); ++i)
    for (Eigen::Index f = 0; f < x.cols(); ++f) CHECK(y(i, f) == doctest::Approx(softmax_ref(b, x, i, f, t)).epsilon(1e-5));
  const Matrix gx = gnn::softmax_aggregate_backward_cuda(b, x, gy, t);
  // d⟨y, gy⟩/dx[j, f] by central differences of the double reference.
  for (node_t j : {0, 5, 33})
    for (Eigen::Index f : {0, 3}) {
      Matrix xp = x, xm = x;
      const double h = 1e-3;
      xp(j, f) += static_cast<float>(h);
      xm(j, f) -= static_cast<float>(h);
      double lp = 0, lm = 0;
      for (node_t i = 0; i < g.num_nodes(); ++i) {
        lp += gy(i, f) * softmax_ref(b, xp, i, f, t);
        lm += gy(i, f) * softmax_ref(b, xm, i, f, t);
      }
      const double hh = (static_cast<double>(xp(j, f)) - static_cast<double>(xm(j, f)));
      CHECK(gx(j, f) == doctest::Approx((lp - lm) / hh).epsilon(1e-3));
    }
}
