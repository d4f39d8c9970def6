// Logistic regression (optimality conditions), F1 scores by hand, dot-product
// AUC, and the FastRP quality test on polblogs against the reference value.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <sprig/embed/fastrp.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/labels.hpp>
#include <sprig/metrics/classification.hpp>

namespace {

using sprig::Matrix;

// Gradient of ½‖w‖² + C Σ log(1 + exp(−y(wᵀx + b))) for one binary model.
Eigen::VectorXd gradient(const Matrix& X, const std::vector<sprig::node_t>& rows, const std::vector<int>& y01,
                         const Eigen::VectorXd& w, double b, double C) {
  const Eigen::Index d = X.cols();
  Eigen::VectorXd g = Eigen::VectorXd::Zero(d + 1);
  g.head(d) = w;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Eigen::VectorXd x = X.row(rows[i]).transpose().cast<double>();
    const double y = y01[i] ? 1.0 : -1.0;
    const double z = w.dot(x) + b;
    const double s = 1.0 / (1.0 + std::exp(y * z));
    g.head(d) -= C * y * s * x;
    g[d] -= C * y * s;
  }
  return g;
}

Matrix random_matrix(Eigen::Index n, Eigen::Index d, std::uint64_t seed) {
  Matrix X(n, d);
  sprig::Philox rng(seed, 0);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = 2.f * rng.uniform_float() - 1.f;
  return X;
}

}  // namespace

TEST_CASE("classification: F1 scores by hand") {
  // truth 0 0 1 1 2, pred 0 1 1 1 0: class 0 tp1 fp1 fn1 → 0.5; class 1 tp2 fp1 → 0.8; class 2 fn1 → 0.
  const std::vector<std::int32_t> truth{0, 0, 1, 1, 2}, pred{0, 1, 1, 1, 0};
  const auto f = sprig::f1_scores(truth, pred, 4);  // class 3 absent everywhere: not averaged
  CHECK(f.micro == doctest::Approx(3.0 / 5.0));
  CHECK(f.macro == doctest::Approx((0.5 + 0.8 + 0.0) / 3.0));
  CHECK_THROWS_AS(sprig::f1_scores(truth, std::vector<std::int32_t>{0, 1}, 3), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::f1_scores(truth, std::vector<std::int32_t>{0, 1, 1, 1, 7}, 3), sprig::InvalidArgument);
}

TEST_CASE("classification: logistic regression satisfies its optimality conditions") {
  const Matrix X = random_matrix(200, 6, 3);
  std::vector<sprig::node_t> rows;
  std::vector<std::int32_t> labels;
  sprig::Philox noise(7, 0);
  for (sprig::node_t i = 0; i < 200; ++i) {
    rows.push_back(i);
    const double score = X(i, 0) - 0.5 * X(i, 1) + 0.3 + 0.4 * (noise.uniform() - 0.5);
    const double score2 = X(i, 2) + 0.2 * X(i, 3);
    labels.push_back(score > 0 ? (score2 > 0.3 ? 2 : 1) : 0);
  }
  for (double C : {0.1, 1.0, 10.0}) {
    CAPTURE(C);
    const auto model = sprig::fit_logistic_ovr(X, rows, labels, 3, {.C = C});
    REQUIRE(model.W.rows() == 3);
    for (int c = 0; c < 3; ++c) {
      std::vector<int> y01;
      for (auto l : labels) y01.push_back(l == c);
      const Eigen::VectorXd g = gradient(X, rows, y01, model.W.row(c).transpose(), model.b[c], C);
      CHECK(g.cwiseAbs().maxCoeff() < 1e-4 * C * 200);
    }
  }
  // Binary: one model (class 1 vs 0), and a well-separated problem is learned.
  std::vector<std::int32_t> bin;
  for (sprig::node_t i = 0; i < 200; ++i) bin.push_back(X(i, 0) + X(i, 1) > 0 ? 1 : 0);
  const auto model = sprig::fit_logistic_ovr(X, rows, bin, 2);
  CHECK(model.W.rows() == 1);
  const auto pred = sprig::predict_logistic_ovr(model, X, rows);
  CHECK(sprig::f1_scores(bin, pred, 2).micro > 0.95);
  CHECK_THROWS_AS(sprig::fit_logistic_ovr(X, rows, bin, 2, {.C = 0}), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::fit_logistic_ovr(X, rows, std::vector<std::int32_t>{1, 0}, 2), sprig::InvalidArgument);
}

TEST_CASE("classification: evaluation is deterministic and checks its input") {
  const Matrix X = random_matrix(100, 4, 5);
  std::vector<std::int32_t> labels(100);
  for (int i = 0; i < 100; ++i) labels[i] = i % 7 == 0 ? -1 : (X(i, 0) > 0 ? 1 : 0);
  const auto a = sprig::evaluate_node_classification(X, labels, {.repeats = 3, .seed = 4});
  const auto b = sprig::evaluate_node_classification(X, labels, {.repeats = 3, .seed = 4});
  CHECK(a.micro_runs == b.micro_runs);
  CHECK(a.train + a.test == 85);
  CHECK(a.micro_f1 > 0.85);
  CHECK_THROWS_AS(sprig::evaluate_node_classification(X, std::vector<std::int32_t>(99, 0)), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::evaluate_node_classification(X, labels, {.train_ratio = 1.0}), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::evaluate_node_classification(X, std::vector<std::int32_t>(100, 0)), sprig::InvalidArgument);
}

TEST_CASE("classification: dot-product AUC") {
  Matrix X(4, 2);
  X << 1, 0, 1, 0, 0, 1, -1, 0;
  const std::vector<std::pair<sprig::node_t, sprig::node_t>> pos{{0, 1}, {2, 2}}, neg{{0, 2}, {0, 3}};
  // pos scores 1, 1; neg scores 0, −1 → AUC 1. Swapping gives 0.
  CHECK(sprig::dot_product_auc(X, pos, neg) == doctest::Approx(1.0));
  CHECK(sprig::dot_product_auc(X, neg, pos) == doctest::Approx(0.0));
  const std::vector<std::pair<sprig::node_t, sprig::node_t>> tie{{0, 2}};
  CHECK(sprig::dot_product_auc(X, tie, tie) == doctest::Approx(0.5));
  const std::vector<std::pair<sprig::node_t, sprig::node_t>> bad{{0, 9}};
  CHECK_THROWS_AS(sprig::dot_product_auc(X, bad, neg), sprig::InvalidArgument);
}

TEST_CASE("classification: FastRP on polblogs matches the reference Micro-F1") {
  // The undirected version of polblogs, its largest component (1,222 nodes),
  // FastRP with the reference's best setting (α = [0, 0, 1, 6.67], β = −0.64,
  // s = √n, d = 128, row normalisation, final column standardisation as the
  // reference's fastrp_merge), one-vs-rest logistic regression with C = 1,
  // 50% train, 5 seeds (seed r draws both the projection and the split).
  // Reference values (docs/REFERENCES.md): Micro-F1 0.938 for β = −0.64 and
  // 0.946 for β = 0. For the record, bench/peers/embed_fastrp_ref.py (the
  // reference formulas through scikit-learn 1.2.1, Debian) measures 0.931 and
  // 0.941 here (mean over 5 projection seeds), and our embeddings scored by
  // scikit-learn's classifier agree with our classifier within split noise.
  const std::string dir = SPRIG_DATA_DIR;
  sprig::GraphReadOptions ro;
  ro.build.symmetrize = true;
  const sprig::Graph full = sprig::read_graph(dir + "/polblogs.edges.gz", ro);
  REQUIRE(full.num_nodes() == 1490);
  const sprig::Subgraph lcc = sprig::largest_component(full);
  REQUIRE(lcc.graph.num_nodes() == 1222);
  const sprig::NodeLabels all = sprig::read_labels(dir + "/polblogs.labels", {.nodes = 1490});
  std::vector<std::int32_t> labels(lcc.old_id_of_new.size());
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = all.label[lcc.old_id_of_new[i]];

  auto micro_f1 = [&](float beta) {
    double sum = 0;
    for (int r = 0; r < 5; ++r) {
      sprig::FastRpOptions fo;
      fo.dim = 128;
      fo.normalization_strength = beta;
      fo.standardize = true;
      fo.seed = 42 + static_cast<std::uint64_t>(r);
      const Matrix emb = sprig::fastrp(lcc.graph, fo);
      sum += sprig::evaluate_node_classification(emb, labels,
                                                 {.train_ratio = 0.5, .repeats = 1, .seed = static_cast<std::uint64_t>(r)})
                 .micro_f1;
    }
    return sum / 5;
  };
  const double best = micro_f1(-0.64f);
  const double flat = micro_f1(0.f);
  MESSAGE("polblogs FastRP Micro-F1: beta -0.64 " << best << " (reference 0.938), beta 0 " << flat
                                                    << " (reference 0.946)");
  CHECK(std::abs(best - 0.938) <= 0.01);
  CHECK(std::abs(flat - 0.946) <= 0.01);
}
