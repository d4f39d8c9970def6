// sprig/metrics/classification.hpp — node classification from embeddings:
// one-vs-rest L2-regularised logistic regression, Micro/Macro-F1, repeated
// random train/test splits; and link-prediction AUC with the dot product.
//
// The classifier minimises, per class c (labels y ∈ {−1, +1}),
//   ½‖w‖² + C Σᵢ log(1 + exp(−yᵢ(wᵀxᵢ + b)))
// with an unregularised intercept b — scikit-learn's LogisticRegression
// defaults (penalty 'l2', C = 1.0, lbfgs), wrapped the way OneVsRestClassifier
// wraps it: with two classes one binary model (class 1 vs class 0), with k > 2
// classes k models and the prediction is the class of largest decision value
// (ties to the smaller class id). Solved by damped Newton (IRLS) with an LDLT
// solve of the (d+1)² Hessian: O(iter · (n·d² + d³)), exact to the tolerance
// and deterministic (sequential double-precision sums in row order).
// Micro-F1 pools TP/FP/FN over classes (= accuracy for single-label data);
// Macro-F1 averages per-class F1 over the classes present in the truth or the
// predictions (scikit-learn's f1_score, zero_division = 0).
// Evaluation: for each repeat r, the labelled nodes are shuffled by a Philox
// stream keyed by (seed, r) and the first ⌊train_ratio · count⌋ train the model.
// Results do not depend on the thread count. Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <sprig/embed/matrix.hpp>
#include <sprig/graph/types.hpp>

namespace sprig {

struct LogisticRegressionOptions {
  double C = 1.0;            ///< inverse regularisation strength, > 0
  bool fit_intercept = true;
  int max_iter = 100;        ///< Newton iterations per binary model
  double tol = 1e-6;         ///< stop when max |gradient| ≤ tol · max(1, C · rows)
};

/// A fitted one-vs-rest model: decision(x) = W x + b, one row per model.
struct LogisticModel {
  Eigen::MatrixXd W;               ///< models × d (one model when num_classes == 2)
  Eigen::VectorXd b;               ///< models
  std::int32_t num_classes = 0;
  std::vector<std::uint8_t> trained;  ///< per model: 0 when its class had no positive training row
};

/// Fits one-vs-rest logistic regression on rows `rows` of X with labels
/// `labels[i]` for rows[i] (0 ≤ label < num_classes). Throws InvalidArgument on
/// mismatched lengths, labels out of range, num_classes < 2, C ≤ 0, non-finite X.
LogisticModel fit_logistic_ovr(const Matrix& X, std::span<const node_t> rows, std::span<const std::int32_t> labels,
                               std::int32_t num_classes, const LogisticRegressionOptions& opt = {});

/// Predicted class of each of `rows` of X.
std::vector<std::int32_t> predict_logistic_ovr(const LogisticModel& model, const Matrix& X,
                                               std::span<const node_t> rows);

struct F1Scores {
  double micro = 0;
  double macro = 0;
};

/// Micro- and Macro-F1 of single-label predictions. Throws InvalidArgument on
/// mismatched or empty inputs and labels outside [0, num_classes).
F1Scores f1_scores(std::span<const std::int32_t> truth, std::span<const std::int32_t> pred, std::int32_t num_classes);

struct NodeClassificationOptions {
  double train_ratio = 0.5;  ///< in (0, 1)
  int repeats = 5;           ///< random splits, ≥ 1
  std::uint64_t seed = 1;
  LogisticRegressionOptions model{};
};

struct NodeClassificationResult {
  double micro_f1 = 0, macro_f1 = 0;          ///< means over the repeats
  std::vector<double> micro_runs, macro_runs;  ///< one per repeat
  std::int64_t train = 0, test = 0;            ///< rows in each split
  std::int32_t num_classes = 0;
};

/// Node classification with embedding X: labels[v] is v's class or −1 (unknown,
/// skipped); the number of classes is max label + 1. Throws InvalidArgument when
/// labels.size() != X.rows(), fewer than two labelled nodes or classes, or
/// options out of range.
NodeClassificationResult evaluate_node_classification(const Matrix& X, std::span<const std::int32_t> labels,
                                                      const NodeClassificationOptions& opt = {});

/// Link-prediction ROC-AUC of dot-product scores xᵤ·xᵥ (ties count ½, via
/// roc_auc of metrics/linkpred_eval). Throws InvalidArgument on empty lists or ids outside [0, X.rows()).
double dot_product_auc(const Matrix& X, std::span<const std::pair<node_t, node_t>> positive,
                       std::span<const std::pair<node_t, node_t>> negative);

}  // namespace sprig
