// tests/gnn/aggregators_test.cpp — gnn/aggregators and gnn/lcm: brute force,
// finite differences, invariance to neighbour order, LCM's equations on
// multisets of size 1..4, thread-count determinism, errors.
#include <doctest/doctest.h>

#include <sprig/gnn/aggregators.hpp>
#include <sprig/gnn/lcm.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include "gnn/gradcheck.hpp"
#include "test_config.hpp"

#include <algorithm>
#include <cmath>

using namespace sprig;
using namespace sprig::gnn;
using sprig::test::block_from_lists;
using sprig::test::gradcheck_module;
using sprig::test::OwnedBlock;
using sprig::test::random_block;
using sprig::test::random_features;

namespace {

const Context kTrain{.training = true, .seed = 3, .step = 0};

// Rows of `ob` with their arcs in a seeded shuffled order (blocks need not be sorted for aggregators).
OwnedBlock shuffled(const OwnedBlock& ob, std::uint64_t seed) {
  OwnedBlock s = ob;
  for (node_t i = 0; i < ob.num_dst; ++i) {
    Philox rng(seed, static_cast<std::uint64_t>(i));
    for (edge_t k = ob.offsets[i + 1] - ob.offsets[i]; k > 1; --k) {
      const edge_t r = static_cast<edge_t>(rng.bounded(static_cast<std::uint32_t>(k)));
      std::swap(s.targets[ob.offsets[i] + k - 1], s.targets[ob.offsets[i] + r]);
    }
  }
  return s;
}

// PyTorch GRUCell in double, x·W convention (gates r|z|n).
std::vector<double> gru_ref(const GruCell& c, const std::vector<double>& x, const std::vector<double>& h) {
  const int F = c.features();
  std::vector<double> out(F);
  auto sig = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  for (int f = 0; f < F; ++f) {
    double gi[3], gh[3];
    for (int g = 0; g < 3; ++g) {
      gi[g] = c.b_ih.value(0, g * F + f);
      gh[g] = c.b_hh.value(0, g * F + f);
      for (int k = 0; k < F; ++k) {
        gi[g] += x[k] * c.w_ih.value(k, g * F + f);
        gh[g] += h[k] * c.w_hh.value(k, g * F + f);
      }
    }
    const double r = sig(gi[0] + gh[0]), z = sig(gi[1] + gh[1]), n = std::tanh(gi[2] + r * gh[2]);
    out[f] = (1 - z) * n + z * h[f];
  }
  return out;
}

std::vector<double> op_ref(const GruCell& c, const std::vector<double>& a, const std::vector<double>& b) {
  auto u = gru_ref(c, a, b), v = gru_ref(c, b, a);
  for (std::size_t f = 0; f < u.size(); ++f) u[f] = 0.5 * (u[f] + v[f]);
  return u;
}

std::vector<double> row_of(const Matrix& x, Eigen::Index r) {
  std::vector<double> v(static_cast<std::size_t>(x.cols()));
  for (Eigen::Index f = 0; f < x.cols(); ++f) v[f] = x(r, f);
  return v;
}

}  // namespace

TEST_CASE("aggregators: sum, mean, max, min, var, std equal brute force") {
  const auto ob = random_block(20, 15, 7, 2);
  const Block b = ob.view();
  const Matrix x = random_features(15, 5, 3);
  for (const char* k : {"sum", "mean", "max", "min", "var", "std"}) {
    CAPTURE(k);
    auto ag = make_aggregator(k, 5);
    const Matrix y = ag->forward(b, x, {});
    for (node_t i = 0; i < b.num_dst; ++i)
      for (int f = 0; f < 5; ++f) {
        const auto nb = b.neighbors(i);
        double want = 0;
        if (!nb.empty()) {
          double s = 0, s2 = 0, mx = -1e300, mn = 1e300;
          for (node_t j : nb) {
            s += x(j, f);
            s2 += static_cast<double>(x(j, f)) * x(j, f);
            mx = std::max<double>(mx, x(j, f));
            mn = std::min<double>(mn, x(j, f));
          }
          const double d = static_cast<double>(nb.size()), mean = s / d, var = std::max(0.0, s2 / d - mean * mean);
          const std::string kk = k;
          want = kk == "sum" ? s : kk == "mean" ? mean : kk == "max" ? mx : kk == "min" ? mn : kk == "var" ? var
                                                                                                : std::sqrt(std::max(var, 1e-5));
        }
        CHECK(y(i, f) == doctest::Approx(want).epsilon(1e-4).scale(1));
      }
  }
}

TEST_CASE("aggregators: softmax (t = 0 is the mean, large t the max) and power mean (p = 1 is the mean)") {
  const auto ob = random_block(12, 10, 5, 4);
  const Block b = ob.view();
  const Matrix x = random_features(10, 3, 5, 0.1f, 2.0f);
  const Matrix mean = make_aggregator("mean", 3)->forward(b, x, {});
  const Matrix mx = make_aggregator("max", 3)->forward(b, x, {});
  CHECK((make_aggregator("softmax", 3, {.temperature = 0.0f})->forward(b, x, {}) - mean).cwiseAbs().maxCoeff() < 1e-5f);
  CHECK((make_aggregator("softmax", 3, {.temperature = 200.0f})->forward(b, x, {}) - mx).cwiseAbs().maxCoeff() < 1e-2f);
  CHECK((make_aggregator("powermean", 3, {.power = 1.0f})->forward(b, x, {}) - mean).cwiseAbs().maxCoeff() < 1e-5f);
  // p = 2: root mean square.
  const Matrix rms = make_aggregator("powermean", 3, {.power = 2.0f})->forward(b, x, {});
  for (node_t i = 0; i < b.num_dst; ++i) {
    if (b.neighbors(i).empty()) continue;
    double s = 0;
    for (node_t j : b.neighbors(i)) s += static_cast<double>(x(j, 1)) * x(j, 1);
    CHECK(rms(i, 1) == doctest::Approx(std::sqrt(s / b.neighbors(i).size())).epsilon(1e-5));
  }
}

TEST_CASE("aggregators: PNA = aggregators × degree scalers with δ from the training graph") {
  const auto ob = random_block(14, 14, 6, 6);
  const Block b = ob.view();
  const Matrix x = random_features(14, 2, 7);
  PnaAggregator pna(2, AggregatorOptions{}, "pna");
  const Matrix y = pna.forward(b, x, kTrain);
  CHECK(pna.out_features() == 2 * 4 * 3);
  double delta = 0;
  for (node_t i = 0; i < b.num_dst; ++i) delta += std::log(b.neighbors(i).size() + 1.0);
  delta /= b.num_dst;
  CHECK(pna.delta() == doctest::Approx(delta).epsilon(1e-6));
  const Matrix mean = make_aggregator("mean", 2)->forward(b, x, {});
  for (node_t i = 0; i < b.num_dst; ++i) {
    const double ld = std::log(std::max<std::size_t>(b.neighbors(i).size(), 1) + 1.0);
    CHECK(y(i, 0) == doctest::Approx(mean(i, 0)).epsilon(1e-6));                  // identity · mean
    CHECK(y(i, 8 + 0) == doctest::Approx(mean(i, 0) * ld / delta).epsilon(1e-5));  // amplification · mean
    CHECK(y(i, 16 + 1) == doctest::Approx(mean(i, 1) * delta / ld).epsilon(1e-5)); // attenuation · mean
  }
  // δ stays what the training graph gave, on any later block.
  const auto ob2 = random_block(9, 14, 2, 9);
  pna.forward(ob2.view(), x, {});
  CHECK(pna.delta() == doctest::Approx(delta).epsilon(1e-6));
  CHECK_THROWS_AS(PnaAggregator(2, AggregatorOptions{.pna_scalers = {"cubic"}}, "p"), InvalidArgument);
}

TEST_CASE("aggregators: gradients of every aggregator by finite differences") {
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    const auto ob = random_block(16, 12, 5, seed);
    const Block b = ob.view();
    for (const std::string k : {"sum", "mean", "max", "min", "var", "std", "softmax", "powermean", "pna", "lcm", "gru", "lstm"}) {
      CAPTURE(k);
      auto ag = make_aggregator(k, 4, {.temperature = 0.7f, .power = 1.5f, .seed = seed});
      // Power mean: inputs inside its clamp; others: both signs.
      const Matrix x = k == "powermean" ? random_features(12, 4, seed + 5, 0.3f, 2.0f) : random_features(12, 4, seed + 5);
      auto res = gradcheck_module(*ag, b, x, {.eps = k == "max" || k == "min" || k == "pna" ? 1e-3 : 1e-2});
      INFO(res.report);
      CHECK(res.ok);
      CHECK(res.checked > 0);
    }
  }
}

TEST_CASE("aggregators: invariant ones do not depend on the order of a row's neighbours") {
  const auto ob = random_block(25, 18, 8, 11);
  const auto sh = shuffled(ob, 5);
  const Matrix x = random_features(18, 4, 12, 0.2f, 2.0f);
  for (const std::string k : {"sum", "mean", "max", "min", "var", "std", "softmax", "powermean", "pna"}) {
    CAPTURE(k);
    auto a1 = make_aggregator(k, 4);
    auto a2 = make_aggregator(k, 4);
    const Matrix y1 = a1->forward(ob.view(), x, kTrain), y2 = a2->forward(sh.view(), x, kTrain);
    CHECK((y1 - y2).cwiseAbs().maxCoeff() < 1e-5f);
    // Gradients too.
    const Matrix g = random_features(y1.rows(), y1.cols(), 13);
    CHECK((a1->backward(ob.view(), g) - a2->backward(sh.view(), g)).cwiseAbs().maxCoeff() < 1e-4f);
  }
  // The sequential GRU is order-dependent (its seeded order follows arc positions).
  for (const char* k : {"gru", "lstm"}) {
    auto g1 = make_aggregator(k, 4), g2 = make_aggregator(k, 4);
    CHECK((g1->forward(ob.view(), x, {}) - g2->forward(sh.view(), x, {})).cwiseAbs().maxCoeff() > 1e-4f);
  }
}

TEST_CASE("lcm: multisets of size 0..4 follow the equations; a ⊕ b = b ⊕ a") {
  const int F = 3;
  LcmAggregator lcm(F, {.seed = 4});
  const Matrix x = random_features(4, F, 21);
  // Rows: {}, {2}, {0,1}, {1,0} (reversed), {0,1,2}, {0,1,2,3}.
  const auto ob = block_from_lists({{}, {2}, {0, 1}, {1, 0}, {0, 1, 2}, {0, 1, 2, 3}}, 4);
  // block_from_lists sorts rows; keep {1,0} reversed by hand.
  OwnedBlock rev = ob;
  std::swap(rev.targets[rev.offsets[3]], rev.targets[rev.offsets[3] + 1]);
  const Matrix y = lcm.forward(rev.view(), x, {});
  const auto a = row_of(x, 0), b = row_of(x, 1), c = row_of(x, 2), d = row_of(x, 3);
  const auto ab = op_ref(lcm.cell(), a, b);
  const auto abc = op_ref(lcm.cell(), ab, c);
  const auto abcd = op_ref(lcm.cell(), ab, op_ref(lcm.cell(), c, d));
  for (int f = 0; f < F; ++f) {
    CHECK(y(0, f) == 0.0f);
    CHECK(y(1, f) == x(2, f));
    CHECK(y(2, f) == doctest::Approx(ab[f]).epsilon(1e-5));
    CHECK(y(3, f) == doctest::Approx(ab[f]).epsilon(1e-5));
    CHECK(y(4, f) == doctest::Approx(abc[f]).epsilon(1e-5));   // (a ⊕ b) ⊕ c: c carried up unchanged
    CHECK(y(5, f) == doctest::Approx(abcd[f]).epsilon(1e-5));  // (a ⊕ b) ⊕ (c ⊕ d)
  }
  // Depth ⌈log₂ d⌉: a row of 9 neighbours needs 4 levels.
  std::vector<node_t> nine(9);
  for (int k = 0; k < 9; ++k) nine[k] = k;
  const auto ob9 = block_from_lists({nine, {0, 1}}, 9);
  LcmAggregator l9(F);
  l9.forward(ob9.view(), random_features(9, F, 3), {});
  CHECK(l9.last_depth() == 4);
}

TEST_CASE("lcm: a row's output does not depend on other rows (no padding to the largest degree)") {
  const int F = 4;
  const Matrix x = random_features(12, F, 31);
  LcmAggregator lcm(F, {.seed = 2});
  const auto small = block_from_lists({{1, 2, 3}}, 12);
  const auto mixed = block_from_lists({{1, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, 12);
  const Matrix y1 = lcm.forward(small.view(), x, {});
  const Matrix y2 = lcm.forward(mixed.view(), x, {});
  CHECK(y1.row(0) == y2.row(0));
}

TEST_CASE("lcm: the associativity regulariser's gradient by finite differences") {
  const int F = 3;
  const auto ob = random_block(10, 10, 6, 17);
  const Block b = ob.view();
  Matrix x = random_features(10, F, 18);
  LcmAggregator lcm(F, {.seed = 5, .assoc_lambda = 0.5f, .assoc_triples = 16});
  auto penalty = [&] {
    lcm.forward(b, x, kTrain);
    return lcm.last_penalty();
  };
  for (Param* p : lcm.parameters()) p->zero_grad();
  const double p0 = penalty();
  CHECK(p0 > 0);
  // Zero output gradient: backward gives the regulariser's gradient only.
  const Matrix dx = lcm.backward(b, Matrix::Zero(b.num_dst, F));
  std::vector<Matrix> grads;
  for (Param* p : lcm.parameters()) grads.push_back(p->grad);
  const double eps = 1e-2;
  auto fd = [&](float& v) {
    const float o = v;
    v = o + static_cast<float>(eps);
    const double lp = penalty();
    v = o - static_cast<float>(eps);
    const double lm = penalty();
    v = o;
    return (lp - lm) / (2 * eps);
  };
  for (Eigen::Index k = 0; k < x.size(); k += 3) {
    const double num = fd(x.data()[k]);
    CHECK(dx.data()[k] == doctest::Approx(num).epsilon(2e-2).scale(0.05));
  }
  const auto params = lcm.parameters();
  for (std::size_t t = 0; t < params.size(); ++t)
    for (Eigen::Index k = 0; k < params[t]->value.size(); k += 5) {
      const double num = fd(params[t]->value.data()[k]);
      CHECK(grads[t].data()[k] == doctest::Approx(num).epsilon(2e-2).scale(0.05));
    }
}

TEST_CASE("aggregators: identical bits under 1, 2 and 4 threads") {
  const node_t n = sprig::test::kSanitized ? 300 : 1500;
  const auto ob = random_block(n, n, 30, 41);
  const Block b = ob.view();
  const Matrix x = random_features(n, 8, 42, 0.1f, 1.5f);
  const Matrix g = random_features(n, 8, 43);
  for (const std::string k : {"softmax", "powermean", "std", "lcm", "gru", "lstm"}) {
    CAPTURE(k);
    auto run = [&] {
      auto ag = make_aggregator(k, 8, {.assoc_lambda = 0.1f});
      const Matrix y = ag->forward(b, x, kTrain);
      const Matrix dx = ag->backward(b, g);
      std::vector<Matrix> r{y, dx};
      for (Param* p : ag->parameters()) r.push_back(p->grad);
      return r;
    };
    const auto r1 = with_threads(1, run);
    for (int t : {2, 4}) {
      const auto rt = with_threads(t, run);
      REQUIRE(rt.size() == r1.size());
      for (std::size_t q = 0; q < r1.size(); ++q) CHECK(r1[q] == rt[q]);
    }
  }
}

TEST_CASE("aggregators: errors") {
  CHECK_THROWS_WITH_AS(make_aggregator("median", 4),
                       "make_aggregator: unknown aggregator 'median' (known: sum, mean, max, min, var, std, softmax, "
                       "powermean, pna, lcm, gru, lstm)",
                       InvalidArgument);
  CHECK_THROWS_AS(make_aggregator("mean", 0), InvalidArgument);
  const auto ob = random_block(5, 4, 3, 1);
  auto ag = make_aggregator("lcm", 4);
  CHECK_THROWS_WITH_AS(ag->forward(ob.view(), Matrix::Zero(4, 3), {}),
                       "lcm aggregator: features are 4x3, expected num_src x 4 = 4x4", InvalidArgument);
  auto mx = make_aggregator("max", 2);
  CHECK_THROWS_WITH_AS(mx->forward(ob.view(), Matrix::Zero(3, 2), {}),
                       "max aggregator: features have 3 rows, the block has 4 source nodes", InvalidArgument);
  CHECK_THROWS_AS(mx->backward(ob.view(), Matrix::Zero(5, 2)), InvalidArgument);  // no training forward
  CHECK_THROWS_AS(make_aggregator("powermean", 2, {.power = 0.0f}), InvalidArgument);
}
