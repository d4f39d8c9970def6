// sprig/gnn/loss.hpp — training losses and the accuracy metric.
//
// softmax_cross_entropy: mean over the selected rows of −log softmax(z)_y,
// computed with the max-shift (log-sum-exp) for stability; its gradient is
// (softmax(z) − onehot(y)) / |rows| on the selected rows and 0 elsewhere.
// bce_with_logits: mean of max(z,0) − z·t + log(1 + e^{−|z|}) (the stable form
// PyTorch uses), gradient (σ(z) − t)/n.
// Cost O(rows × classes). Deterministic: per-chunk partial sums (double) added
// in chunk order; independent of the thread count. Thread-safe (pure functions).
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/graph/types.hpp>

#include <cstdint>
#include <span>

namespace sprig::gnn {

struct LossResult {
  double loss = 0;
  Matrix grad;  ///< dLoss/dInput, the shape of the input
};

/// Mean softmax cross-entropy of logits[rows[i]] against labels[rows[i]] (labels indexed by
/// logits row). Throws InvalidArgument when rows is empty, a row is out of range or its
/// label is outside [0, logits.cols()).
LossResult softmax_cross_entropy(const Matrix& logits, std::span<const std::int32_t> labels,
                                 std::span<const node_t> rows);

/// Fraction of rows whose arg-max logit (lowest index on ties) equals the label; 0 for no rows.
double accuracy(const Matrix& logits, std::span<const std::int32_t> labels, std::span<const node_t> rows);

/// Mean binary cross-entropy with logits: scores is n × 1, targets n values in [0, 1].
LossResult bce_with_logits(const Matrix& scores, std::span<const float> targets);

}  // namespace sprig::gnn
