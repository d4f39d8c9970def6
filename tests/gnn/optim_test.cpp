// Tests of gnn/optim and gnn/loss against textbook formulas computed in double.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <sprig/gnn/loss.hpp>
#include <sprig/gnn/optim.hpp>
#include <sprig/graph/error.hpp>

using namespace sprig;
using namespace sprig::gnn;

namespace {
// Reference Adam (Kingma & Ba, Algorithm 1; PyTorch's L2 / AdamW variants), in double.
struct RefAdam {
  double lr, b1, b2, eps, wd;
  bool decoupled;
  double m = 0, v = 0;
  int t = 0;
  double step(double theta, double g) {
    ++t;
    if (decoupled) theta *= 1 - lr * wd;
    else g += wd * theta;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const double mh = m / (1 - std::pow(b1, t)), vh = v / (1 - std::pow(b2, t));
    return theta - lr * mh / (std::sqrt(vh) + eps);
  }
};
}  // namespace

TEST_CASE("gnn optim: Adam and AdamW follow the reference update") {
  for (bool decoupled : {false, true}) {
    CAPTURE(decoupled);
    Param p("w", Matrix::Constant(1, 3, 0.5f));
    p.decay = true;
    Param b("b", Matrix::Constant(1, 1, -0.25f), false);
    Adam adam({&p, &b}, AdamOptions{.lr = 0.05, .weight_decay = 0.1, .decoupled = decoupled});
    RefAdam rp{0.05, 0.9, 0.999, 1e-8, 0.1, decoupled}, rb{0.05, 0.9, 0.999, 1e-8, 0.0, decoupled};
    double tp = 0.5, tb = -0.25;
    for (int s = 0; s < 20; ++s) {
      // Gradient of f = (θ − 1)² · (s+1)/10, varying per step.
      const double gp = 2 * (tp - 1) * (s + 1) / 10.0, gb = 2 * (tb - 1) * (s + 1) / 10.0;
      p.grad.setConstant(static_cast<float>(gp));
      b.grad.setConstant(static_cast<float>(gb));
      adam.step();
      tp = rp.step(tp, gp);
      tb = rb.step(tb, gb);
      CHECK(p.value(0, 1) == doctest::Approx(tp).epsilon(1e-5));
      CHECK(b.value(0, 0) == doctest::Approx(tb).epsilon(1e-5));
    }
    CHECK(adam.steps() == 20);
  }
}

TEST_CASE("gnn optim: learning-rate schedules") {
  LrSchedule c;
  CHECK(c.at(1, 0.1) == doctest::Approx(0.1));
  CHECK(c.at(500, 0.1) == doctest::Approx(0.1));
  LrSchedule st{.kind = ScheduleKind::step, .step_size = 10, .gamma = 0.5};
  CHECK(st.at(10, 1.0) == doctest::Approx(1.0));
  CHECK(st.at(11, 1.0) == doctest::Approx(0.5));
  CHECK(st.at(25, 1.0) == doctest::Approx(0.25));
  LrSchedule cs{.kind = ScheduleKind::cosine, .min_lr = 0.1, .total_epochs = 101};
  CHECK(cs.at(1, 1.0) == doctest::Approx(1.0));
  CHECK(cs.at(51, 1.0) == doctest::Approx(0.55));
  CHECK(cs.at(101, 1.0) == doctest::Approx(0.1));
  LrSchedule w{.warmup_epochs = 4};
  CHECK(w.at(1, 1.0) == doctest::Approx(0.25));
  CHECK(w.at(4, 1.0) == doctest::Approx(1.0));
  CHECK(parse_schedule("cosine") == ScheduleKind::cosine);
  CHECK_THROWS_AS(parse_schedule("linear"), InvalidArgument);
}

TEST_CASE("gnn optim: bad options are errors") {
  Param p("w", Matrix::Zero(2, 2));
  CHECK_THROWS_WITH_AS(Adam({&p}, AdamOptions{.lr = 0}), doctest::Contains("learning rate must be > 0"),
                       InvalidArgument);
  CHECK_THROWS_AS(Adam({&p}, AdamOptions{.lr = -1}), InvalidArgument);
  CHECK_THROWS_AS(Adam({&p}, AdamOptions{.beta1 = 1.0}), InvalidArgument);
  CHECK_THROWS_AS(Adam({&p}, AdamOptions{.weight_decay = -1}), InvalidArgument);
}

TEST_CASE("gnn loss: softmax cross-entropy, its gradient and accuracy") {
  Matrix z(3, 3);
  z << 1, 2, 3, 0, 0, 0, 5, -1, 2;
  const std::vector<std::int32_t> y{2, 1, 0};
  const std::vector<node_t> rows{0, 2};
  const LossResult r = softmax_cross_entropy(z, y, rows);
  auto lse = [](double a, double b, double c) { return std::log(std::exp(a) + std::exp(b) + std::exp(c)); };
  const double expect = ((lse(1, 2, 3) - 3) + (lse(5, -1, 2) - 5)) / 2;
  CHECK(r.loss == doctest::Approx(expect));
  CHECK(r.grad.row(1).isZero());
  CHECK(r.grad(0, 2) == doctest::Approx((std::exp(3 - lse(1, 2, 3)) - 1) / 2));
  CHECK(r.grad(2, 1) == doctest::Approx(std::exp(-1 - lse(5, -1, 2)) / 2));
  CHECK(accuracy(z, y, rows) == doctest::Approx(1.0));
  CHECK(accuracy(z, y, std::vector<node_t>{1}) == doctest::Approx(0.0));  // tie → class 0
  // Large logits stay finite (log-sum-exp shift).
  Matrix big = z * 1000.0f;
  CHECK(std::isfinite(softmax_cross_entropy(big, y, rows).loss));
  CHECK_THROWS_WITH_AS(softmax_cross_entropy(z, std::vector<std::int32_t>{3, 0, 0}, rows),
                       doctest::Contains("label 3 of node 0 outside [0, 3)"), InvalidArgument);
  CHECK_THROWS_WITH_AS(softmax_cross_entropy(z, y, std::vector<node_t>{}), doctest::Contains("empty training mask"),
                       InvalidArgument);
}

TEST_CASE("gnn loss: BCE with logits") {
  Matrix s(3, 1);
  s << 0.5f, -2.0f, 30.0f;
  const std::vector<float> t{1, 0, 0};
  const LossResult r = bce_with_logits(s, t);
  auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
  const double expect = (-std::log(sig(0.5)) - std::log(1 - sig(-2)) + (30 + std::log1p(std::exp(-30.0)))) / 3;
  CHECK(r.loss == doctest::Approx(expect));
  CHECK(r.grad(0, 0) == doctest::Approx((sig(0.5) - 1) / 3));
}
