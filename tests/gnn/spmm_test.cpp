// tests/gnn/spmm_test.cpp — gnn/spmm against brute force, finite differences,
// thread-count determinism and its error messages.
#include <doctest/doctest.h>

#include <sprig/gnn/spmm.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include "gnn/gradcheck.hpp"

#include <cmath>
#include <limits>

using namespace sprig;
using namespace sprig::gnn;
using sprig::test::gradcheck_fn;
using sprig::test::random_block;
using sprig::test::random_features;

namespace {

// Brute-force SpMM in double.
Matrix brute_spmm(const Block& b, const Matrix& x, Reduce r, Message msg, const Matrix* edge) {
  const Eigen::Index F = x.cols();
  const int H = msg == Message::edge ? static_cast<int>(edge->cols()) : 1;
  Matrix out = Matrix::Zero(b.num_dst, F);
  for (node_t i = 0; i < b.num_dst; ++i) {
    const edge_t s = b.offsets[i], e = b.offsets[i + 1];
    for (Eigen::Index f = 0; f < F; ++f) {
      const int h = static_cast<int>(f / (F / H));
      double acc = r == Reduce::max ? -1e300 : r == Reduce::min ? 1e300 : 0.0;
      for (edge_t a = s; a < e; ++a) {
        double sc = 1;
        if (msg == Message::weighted && !b.weights.empty()) sc = b.weights[a];
        if (msg == Message::edge) sc = (*edge)(a, h);
        const double m = sc * x(b.targets[a], f);
        if (r == Reduce::max) acc = std::max(acc, m);
        else if (r == Reduce::min) acc = std::min(acc, m);
        else acc += m;
      }
      if (e == s) acc = 0;
      if (r == Reduce::mean && e > s) acc /= static_cast<double>(e - s);
      out(i, f) = static_cast<float>(acc);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("spmm: sum, mean, max, min equal brute force (source, weighted, edge messages)") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const auto ob = random_block(23, 17, 6, seed, /*weighted=*/true);
    const Block b = ob.view();
    const Matrix x = random_features(17, 6, seed + 10);
    const Matrix ev = random_features(b.num_arcs(), 2, seed + 20);
    for (Reduce r : {Reduce::sum, Reduce::mean, Reduce::max, Reduce::min})
      for (Message msg : {Message::source, Message::weighted, Message::edge}) {
        std::vector<edge_t> arg;
        const Matrix got = spmm(b, x, {r, msg, &ev}, &arg);
        const Matrix want = brute_spmm(b, x, r, msg, &ev);
        CHECK((got - want).cwiseAbs().maxCoeff() < 1e-5f);
      }
  }
}

TEST_CASE("spmm: backward of every reduce and message by finite differences") {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const auto ob = random_block(19, 13, 5, seed, true);
    const Block b = ob.view();
    const Matrix x = random_features(13, 4, seed + 1);
    const Matrix ev = random_features(b.num_arcs(), 2, seed + 2, 0.2f, 1.5f);
    for (Reduce r : {Reduce::sum, Reduce::mean, Reduce::max, Reduce::min})
      for (Message msg : {Message::source, Message::weighted, Message::edge}) {
        CAPTURE(static_cast<int>(r));
        CAPTURE(static_cast<int>(msg));
        auto fwd = [&](const std::vector<Matrix>& in) { return spmm(b, in[0], {r, msg, &in[1]}); };
        auto bwd = [&](const std::vector<Matrix>& in, const Matrix& g) {
          std::vector<edge_t> arg;
          const SpmmSpec spec{r, msg, &in[1]};
          spmm(b, in[0], spec, &arg);
          std::vector<Matrix> out{spmm_backward_x(b, g, spec, &arg)};
          out.push_back(msg == Message::edge ? spmm_backward_edge(b, in[0], g, spec, &arg) : Matrix());
          return out;
        };
        // Small eps: max/min switch arcs only when a perturbation crosses a tie.
        auto res = gradcheck_fn(fwd, bwd, {x, ev}, {.eps = 1e-3, .rtol = 1e-2, .atol = 2e-3});
        INFO(res.report);
        CHECK(res.ok);
      }
  }
}

TEST_CASE("spmm: weighted edge gradient and a caller-supplied transposed block") {
  const auto ob = random_block(15, 15, 4, 7, true);
  Block b = ob.view();
  const Matrix x = random_features(15, 3, 8);
  const Transposed t = transpose(b);
  // A transposed Block view (with permuted weights), as a trainer would pass.
  std::vector<float> tw(t.arcs.size());
  for (std::size_t k = 0; k < t.arcs.size(); ++k) tw[k] = ob.weights[t.arcs[k]];
  Block bt;
  bt.offsets = t.offsets;
  bt.targets = t.targets;
  bt.weights = tw;
  bt.num_dst = b.num_src;
  bt.num_src = b.num_dst;
  const Matrix g = random_features(15, 3, 9);
  for (Reduce r : {Reduce::sum, Reduce::mean}) {
    const SpmmSpec spec{r, Message::weighted};
    const Matrix via_t = spmm_backward_x(b, g, spec, nullptr, &t);
    Block with = b;
    with.transposed = &bt;
    const Matrix via_block = spmm_backward_x(with, g, spec);
    CHECK((via_t - via_block).cwiseAbs().maxCoeff() < 1e-6f);
  }
  // d/dw of sum: <x_j, g_i> per arc.
  const Matrix ge = spmm_backward_edge(b, x, g, {Reduce::sum, Message::weighted});
  for (node_t i = 0; i < b.num_dst; ++i)
    for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a)
      CHECK(ge(a, 0) == doctest::Approx(x.row(b.targets[a]).dot(g.row(i))).epsilon(1e-5));
}

TEST_CASE("spmm: moments, sddmm and edge softmax") {
  const auto ob = random_block(21, 14, 6, 3);
  const Block b = ob.view();
  const Matrix x = random_features(14, 4, 4);
  Matrix m1, m2;
  spmm_moments(b, x, m1, m2);
  CHECK((m1 - brute_spmm(b, x, Reduce::mean, Message::source, nullptr)).cwiseAbs().maxCoeff() < 1e-6f);
  const Matrix x2 = x.cwiseProduct(x);
  CHECK((m2 - brute_spmm(b, x2, Reduce::mean, Message::source, nullptr)).cwiseAbs().maxCoeff() < 1e-6f);

  const Matrix u = random_features(21, 4, 5), v = random_features(14, 4, 6);
  const Matrix e = sddmm_dot(b, u, v, 2);
  for (node_t i = 0; i < b.num_dst; ++i)
    for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a) {
      const node_t j = b.targets[a];
      CHECK(e(a, 0) == doctest::Approx(u(i, 0) * v(j, 0) + u(i, 1) * v(j, 1)).epsilon(1e-5));
      CHECK(e(a, 1) == doctest::Approx(u(i, 2) * v(j, 2) + u(i, 3) * v(j, 3)).epsilon(1e-5));
    }
  const Matrix s = random_features(b.num_arcs(), 3, 7, -3, 3);
  const Matrix al = edge_softmax(b, s);
  for (node_t i = 0; i < b.num_dst; ++i)
    for (int h = 0; h < 3; ++h) {
      double z = 0;
      for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a) z += std::exp(static_cast<double>(s(a, h)));
      for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a)
        CHECK(al(a, h) == doctest::Approx(std::exp(static_cast<double>(s(a, h))) / z).epsilon(1e-5));
    }
  // Large scores do not overflow (max shift).
  Matrix big = Matrix::Constant(b.num_arcs(), 1, 1000.0f);
  const Matrix ab = edge_softmax(b, big);
  CHECK(ab.allFinite());
}

TEST_CASE("spmm: sddmm and edge softmax backward by finite differences") {
  const auto ob = random_block(17, 12, 5, 11);
  const Block b = ob.view();
  {
    auto fwd = [&](const std::vector<Matrix>& in) { return sddmm_dot(b, in[0], in[1], 2); };
    auto bwd = [&](const std::vector<Matrix>& in, const Matrix& g) {
      Matrix du, dv;
      sddmm_dot_backward(b, in[0], in[1], g, &du, &dv);
      return std::vector<Matrix>{du, dv};
    };
    auto res = gradcheck_fn(fwd, bwd, {random_features(17, 4, 1), random_features(12, 4, 2)});
    INFO(res.report);
    CHECK(res.ok);
  }
  {
    auto fwd = [&](const std::vector<Matrix>& in) { return sddmm_add(b, in[0], in[1]); };
    auto bwd = [&](const std::vector<Matrix>& in, const Matrix& g) {
      (void)in;
      Matrix du, dv;
      sddmm_add_backward(b, g, &du, &dv);
      return std::vector<Matrix>{du, dv};
    };
    auto res = gradcheck_fn(fwd, bwd, {random_features(17, 3, 3), random_features(12, 3, 4)});
    INFO(res.report);
    CHECK(res.ok);
  }
  {
    auto fwd = [&](const std::vector<Matrix>& in) { return edge_softmax(b, in[0]); };
    auto bwd = [&](const std::vector<Matrix>& in, const Matrix& g) {
      return std::vector<Matrix>{edge_softmax_backward(b, edge_softmax(b, in[0]), g)};
    };
    auto res = gradcheck_fn(fwd, bwd, {random_features(b.num_arcs(), 2, 5, -2, 2)});
    INFO(res.report);
    CHECK(res.ok);
  }
}

TEST_CASE("spmm: identical bits under 1, 2 and 4 threads") {
  const auto ob = random_block(3000, 2500, 40, 5, true);
  const Block b = ob.view();
  const Matrix x = random_features(2500, 16, 6);
  const Matrix g = random_features(3000, 16, 7);
  auto run = [&] {
    std::vector<Matrix> r;
    for (Reduce red : {Reduce::sum, Reduce::mean, Reduce::max}) {
      std::vector<edge_t> arg;
      const SpmmSpec spec{red, Message::weighted};
      r.push_back(spmm(b, x, spec, &arg));
      r.push_back(spmm_backward_x(b, g, spec, &arg));
    }
    r.push_back(edge_softmax(b, sddmm_dot(b, g, x, 4)));
    return r;
  };
  const auto r1 = with_threads(1, run);
  for (int t : {2, 4}) {
    const auto rt = with_threads(t, run);
    for (std::size_t k = 0; k < r1.size(); ++k) CHECK(r1[k] == rt[k]);
  }
}

TEST_CASE("spmm: errors name the shapes") {
  const auto ob = random_block(5, 4, 3, 1);
  const Block b = ob.view();
  CHECK_THROWS_WITH_AS(spmm(b, Matrix::Zero(3, 2)), "spmm: features have 3 rows, the block has 4 source nodes",
                       InvalidArgument);
  const Matrix ev = Matrix::Zero(b.num_arcs() + 1, 1);
  CHECK_THROWS_AS(spmm(b, Matrix::Zero(4, 2), {Reduce::sum, Message::edge, &ev}), InvalidArgument);
  const Matrix ev3 = Matrix::Zero(b.num_arcs(), 3);
  CHECK_THROWS_WITH_AS(spmm(b, Matrix::Zero(4, 2), {Reduce::sum, Message::edge, &ev3}),
                       "spmm: 2 feature columns are not divisible by 3 heads", InvalidArgument);
  CHECK_THROWS_AS(spmm_backward_x(b, Matrix::Zero(5, 2), {Reduce::max}), InvalidArgument);
  Block bad = b;
  bad.offsets = bad.offsets.subspan(0, 3);
  CHECK_THROWS_AS(spmm(bad, Matrix::Zero(4, 2)), InvalidArgument);
  CHECK_THROWS_AS(edge_softmax(b, Matrix::Zero(1, 1)), InvalidArgument);
}
