// One-vs-rest logistic regression by damped Newton, F1 scores, repeated
// random splits, and dot-product link-prediction AUC.
#include <sprig/metrics/classification.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <Eigen/Cholesky>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/metrics/linkpred_eval.hpp>

namespace sprig {
namespace {

// log(1 + exp(-t)), stable for any t.
double log1pexp_neg(double t) { return t > 0 ? std::log1p(std::exp(-t)) : -t + std::log1p(std::exp(t)); }
double sigmoid(double t) {
  if (t >= 0) return 1.0 / (1.0 + std::exp(-t));
  const double e = std::exp(t);
  return e / (1.0 + e);
}

// Minimises ½‖w‖² + C Σ log(1 + exp(−y (θᵀx̃))) over θ = [w; b] by Newton with
// backtracking; Xt is m × p (a column of ones appended when fitting the intercept).
Eigen::VectorXd fit_binary(const Eigen::MatrixXd& Xt, const Eigen::VectorXd& y, std::int64_t d,
                           const LogisticRegressionOptions& opt) {
  const Eigen::Index m = Xt.rows(), p = Xt.cols();
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(p);
  auto objective = [&](const Eigen::VectorXd& th, const Eigen::VectorXd& z) {
    double f = 0.5 * th.head(d).squaredNorm();
    double loss = 0;
    for (Eigen::Index i = 0; i < m; ++i) loss += log1pexp_neg(y[i] * z[i]);
    return f + opt.C * loss;
  };
  Eigen::VectorXd z = Xt * theta;
  double f = objective(theta, z);
  const double gtol = opt.tol * std::max(1.0, opt.C * static_cast<double>(m));
  for (int it = 0; it < opt.max_iter; ++it) {
    Eigen::VectorXd coef(m), curv(m);
    for (Eigen::Index i = 0; i < m; ++i) {
      const double s = sigmoid(-y[i] * z[i]);  // σ(−y z)
      coef[i] = -opt.C * y[i] * s;
      curv[i] = opt.C * s * (1.0 - s);
    }
    Eigen::VectorXd g = Xt.transpose() * coef;
    g.head(d) += theta.head(d);
    if (g.cwiseAbs().maxCoeff() <= gtol) break;
    const Eigen::MatrixXd Xs = Xt.array().colwise() * curv.array().sqrt();
    Eigen::MatrixXd H = Xs.transpose() * Xs;
    H.diagonal().head(d).array() += 1.0;
    H.diagonal().array() += 1e-12;  // keeps the intercept row positive definite when saturated
    const Eigen::VectorXd step = -H.ldlt().solve(g);
    const double slope = g.dot(step);
    if (!(slope < 0)) break;
    double t = 1.0;
    bool moved = false;
    for (int ls = 0; ls < 40; ++ls) {
      const Eigen::VectorXd cand = theta + t * step;
      const Eigen::VectorXd zc = Xt * cand;
      const double fc = objective(cand, zc);
      if (fc <= f + 1e-4 * t * slope) {
        theta = cand;
        z = zc;
        moved = f - fc > 1e-15 * std::max(1.0, std::abs(f));
        f = fc;
        break;
      }
      t *= 0.5;
    }
    if (!moved) break;
  }
  return theta;
}

}  // namespace

LogisticModel fit_logistic_ovr(const Matrix& X, std::span<const node_t> rows, std::span<const std::int32_t> labels,
                               std::int32_t num_classes, const LogisticRegressionOptions& opt) {
  SPRIG_EXPECTS(rows.size() == labels.size(), "fit_logistic_ovr: {} rows but {} labels", rows.size(), labels.size());
  SPRIG_EXPECTS(!rows.empty(), "fit_logistic_ovr: no training rows");
  SPRIG_EXPECTS(num_classes >= 2, "fit_logistic_ovr: num_classes must be ≥ 2 (got {})", num_classes);
  SPRIG_EXPECTS(opt.C > 0 && std::isfinite(opt.C), "fit_logistic_ovr: C must be > 0 (got {})", opt.C);
  SPRIG_EXPECTS(opt.max_iter >= 1, "fit_logistic_ovr: max_iter must be ≥ 1 (got {})", opt.max_iter);
  const std::int64_t d = X.cols();
  const Eigen::Index m = static_cast<Eigen::Index>(rows.size());
  const Eigen::Index p = d + (opt.fit_intercept ? 1 : 0);
  Eigen::MatrixXd Xt(m, p);
  for (Eigen::Index i = 0; i < m; ++i) {
    SPRIG_EXPECTS(rows[i] >= 0 && rows[i] < X.rows(), "fit_logistic_ovr: row {} outside [0, {})", rows[i], X.rows());
    SPRIG_EXPECTS(labels[i] >= 0 && labels[i] < num_classes, "fit_logistic_ovr: label {} outside [0, {})",
                  labels[i], num_classes);
    Xt.row(i).head(d) = X.row(rows[i]).cast<double>();
    if (opt.fit_intercept) Xt(i, d) = 1.0;
  }
  SPRIG_EXPECTS(Xt.allFinite(), "fit_logistic_ovr: features must be finite");

  LogisticModel model;
  model.num_classes = num_classes;
  const std::int32_t models = num_classes == 2 ? 1 : num_classes;
  model.W = Eigen::MatrixXd::Zero(models, d);
  model.b = Eigen::VectorXd::Zero(models);
  model.trained.assign(static_cast<std::size_t>(models), 0);
  parallel_for<std::int32_t>(
      0, models,
      [&](std::int32_t c) {
        const std::int32_t cls = num_classes == 2 ? 1 : c;
        Eigen::VectorXd y(m);
        std::int64_t positives = 0;
        for (Eigen::Index i = 0; i < m; ++i) {
          y[i] = labels[i] == cls ? 1.0 : -1.0;
          positives += labels[i] == cls;
        }
        if (positives == 0 || positives == m) {
          // One-sided training data: a constant decision (sklearn refuses; we predict the seen side).
          model.b[c] = positives == 0 ? -1e300 : 1e300;
          return;
        }
        const Eigen::VectorXd theta = fit_binary(Xt, y, d, opt);
        model.W.row(c) = theta.head(d).transpose();
        model.b[c] = opt.fit_intercept ? theta[d] : 0.0;
        model.trained[c] = 1;
      },
      1);
  return model;
}

std::vector<std::int32_t> predict_logistic_ovr(const LogisticModel& model, const Matrix& X,
                                               std::span<const node_t> rows) {
  SPRIG_EXPECTS(X.cols() == model.W.cols(), "predict_logistic_ovr: X has {} columns, the model {}", X.cols(),
                model.W.cols());
  std::vector<std::int32_t> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SPRIG_EXPECTS(rows[i] >= 0 && rows[i] < X.rows(), "predict_logistic_ovr: row {} outside [0, {})", rows[i],
                  X.rows());
    const Eigen::VectorXd x = X.row(rows[i]).transpose().cast<double>();
    const Eigen::VectorXd dec = model.W * x + model.b;
    if (model.num_classes == 2) {
      out[i] = dec[0] > 0 ? 1 : 0;
    } else {
      Eigen::Index best = 0;
      for (Eigen::Index c = 1; c < dec.size(); ++c)
        if (dec[c] > dec[best]) best = c;
      out[i] = static_cast<std::int32_t>(best);
    }
  }
  return out;
}

F1Scores f1_scores(std::span<const std::int32_t> truth, std::span<const std::int32_t> pred, std::int32_t num_classes) {
  SPRIG_EXPECTS(truth.size() == pred.size(), "f1_scores: {} true labels but {} predictions", truth.size(),
                pred.size());
  SPRIG_EXPECTS(!truth.empty(), "f1_scores: no labels");
  SPRIG_EXPECTS(num_classes >= 1, "f1_scores: num_classes must be ≥ 1 (got {})", num_classes);
  std::vector<std::int64_t> tp(num_classes, 0), fp(num_classes, 0), fn(num_classes, 0);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    SPRIG_EXPECTS(truth[i] >= 0 && truth[i] < num_classes, "f1_scores: true label {} outside [0, {})", truth[i],
                  num_classes);
    SPRIG_EXPECTS(pred[i] >= 0 && pred[i] < num_classes, "f1_scores: predicted label {} outside [0, {})", pred[i],
                  num_classes);
    if (truth[i] == pred[i]) {
      ++tp[truth[i]];
    } else {
      ++fn[truth[i]];
      ++fp[pred[i]];
    }
  }
  std::int64_t TP = 0, FP = 0, FN = 0;
  double macro = 0;
  int present = 0;
  for (std::int32_t c = 0; c < num_classes; ++c) {
    TP += tp[c];
    FP += fp[c];
    FN += fn[c];
    const std::int64_t denom = 2 * tp[c] + fp[c] + fn[c];
    if (denom == 0) continue;  // class absent from truth and predictions
    ++present;
    macro += 2.0 * static_cast<double>(tp[c]) / static_cast<double>(denom);
  }
  F1Scores s;
  s.micro = 2.0 * static_cast<double>(TP) / static_cast<double>(2 * TP + FP + FN);
  s.macro = present > 0 ? macro / present : 0.0;
  return s;
}

NodeClassificationResult evaluate_node_classification(const Matrix& X, std::span<const std::int32_t> labels,
                                                      const NodeClassificationOptions& opt) {
  SPRIG_EXPECTS(static_cast<Eigen::Index>(labels.size()) == X.rows(),
                "evaluate_node_classification: {} labels for {} embedding rows", labels.size(), X.rows());
  SPRIG_EXPECTS(opt.train_ratio > 0 && opt.train_ratio < 1,
                "evaluate_node_classification: train_ratio must be in (0, 1) (got {})", opt.train_ratio);
  SPRIG_EXPECTS(opt.repeats >= 1, "evaluate_node_classification: repeats must be ≥ 1 (got {})", opt.repeats);
  std::vector<node_t> nodes;
  std::int32_t num_classes = 0;
  for (std::size_t v = 0; v < labels.size(); ++v) {
    if (labels[v] < 0) continue;
    nodes.push_back(static_cast<node_t>(v));
    num_classes = std::max(num_classes, labels[v] + 1);
  }
  SPRIG_EXPECTS(num_classes >= 2, "evaluate_node_classification: need at least two classes (got {})", num_classes);
  const auto count = static_cast<std::int64_t>(nodes.size());
  const auto ntrain = static_cast<std::int64_t>(std::floor(opt.train_ratio * static_cast<double>(count)));
  SPRIG_EXPECTS(ntrain >= 1 && ntrain < count,
                "evaluate_node_classification: {} labelled nodes give an empty train or test split", count);

  NodeClassificationResult res;
  res.num_classes = num_classes;
  res.train = ntrain;
  res.test = count - ntrain;
  for (int r = 0; r < opt.repeats; ++r) {
    std::vector<node_t> order = nodes;
    Philox rng(opt.seed, static_cast<std::uint64_t>(r));
    for (std::int64_t i = count - 1; i > 0; --i)
      std::swap(order[i], order[rng.bounded64(static_cast<std::uint64_t>(i + 1))]);
    std::span<const node_t> train(order.data(), static_cast<std::size_t>(ntrain));
    std::span<const node_t> test(order.data() + ntrain, static_cast<std::size_t>(count - ntrain));
    std::vector<std::int32_t> ytrain(train.size()), ytest(test.size());
    for (std::size_t i = 0; i < train.size(); ++i) ytrain[i] = labels[train[i]];
    for (std::size_t i = 0; i < test.size(); ++i) ytest[i] = labels[test[i]];
    const LogisticModel model = fit_logistic_ovr(X, train, ytrain, num_classes, opt.model);
    const F1Scores f = f1_scores(ytest, predict_logistic_ovr(model, X, test), num_classes);
    res.micro_runs.push_back(f.micro);
    res.macro_runs.push_back(f.macro);
  }
  res.micro_f1 = std::accumulate(res.micro_runs.begin(), res.micro_runs.end(), 0.0) / opt.repeats;
  res.macro_f1 = std::accumulate(res.macro_runs.begin(), res.macro_runs.end(), 0.0) / opt.repeats;
  return res;
}

double dot_product_auc(const Matrix& X, std::span<const std::pair<node_t, node_t>> positive,
                       std::span<const std::pair<node_t, node_t>> negative) {
  auto scores = [&](std::span<const std::pair<node_t, node_t>> pairs, const char* what) {
    std::vector<double> s(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const auto [u, v] = pairs[i];
      SPRIG_EXPECTS(u >= 0 && u < X.rows() && v >= 0 && v < X.rows(),
                    "dot_product_auc: {} pair ({}, {}) outside [0, {})", what, u, v, X.rows());
      s[i] = static_cast<double>(X.row(u).dot(X.row(v)));
    }
    return s;
  };
  SPRIG_EXPECTS(!positive.empty() && !negative.empty(), "dot_product_auc: needs positive and negative pairs (got {} and {})",
                positive.size(), negative.size());
  const std::vector<double> pos = scores(positive, "positive");
  const std::vector<double> neg = scores(negative, "negative");
  return roc_auc(pos, neg);
}

}  // namespace sprig
