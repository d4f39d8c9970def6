// Losses; see loss.hpp.
#include <sprig/gnn/loss.hpp>

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::gnn {

LossResult softmax_cross_entropy(const Matrix& logits, std::span<const std::int32_t> labels,
                                 std::span<const node_t> rows) {
  SPRIG_EXPECTS(!rows.empty(), "softmax_cross_entropy: no rows selected (empty training mask)");
  SPRIG_EXPECTS(labels.size() == static_cast<std::size_t>(logits.rows()),
                "softmax_cross_entropy: {} labels for {} rows of logits", labels.size(), logits.rows());
  const auto c = static_cast<std::int32_t>(logits.cols());
  for (node_t r : rows) {
    SPRIG_EXPECTS(r >= 0 && r < logits.rows(), "softmax_cross_entropy: row {} outside [0, {})", r, logits.rows());
    const std::int32_t y = labels[static_cast<std::size_t>(r)];
    SPRIG_EXPECTS(y >= 0 && y < c, "softmax_cross_entropy: label {} of node {} outside [0, {})", y, r, c);
  }
  LossResult out;
  out.grad = Matrix::Zero(logits.rows(), logits.cols());
  const double inv_n = 1.0 / static_cast<double>(rows.size());
  out.loss = parallel_sum<double>(
      rows.size(),
      [&](std::size_t i) {
        const node_t r = rows[i];
        const auto z = logits.row(r);
        const float m = z.maxCoeff();
        double s = 0;
        for (Eigen::Index j = 0; j < z.size(); ++j) s += std::exp(static_cast<double>(z(j) - m));
        const double lse = static_cast<double>(m) + std::log(s);
        const std::int32_t y = labels[static_cast<std::size_t>(r)];
        auto g = out.grad.row(r);
        for (Eigen::Index j = 0; j < z.size(); ++j)
          g(j) = static_cast<float>((std::exp(static_cast<double>(z(j)) - lse) - (j == y ? 1.0 : 0.0)) * inv_n);
        return (lse - static_cast<double>(z(y))) * inv_n;
      },
      1024);
  return out;
}

double accuracy(const Matrix& logits, std::span<const std::int32_t> labels, std::span<const node_t> rows) {
  if (rows.empty()) return 0;
  SPRIG_EXPECTS(labels.size() == static_cast<std::size_t>(logits.rows()), "accuracy: {} labels for {} rows of logits",
                labels.size(), logits.rows());
  const auto hits = parallel_sum<std::int64_t>(
      rows.size(),
      [&](std::size_t i) -> std::int64_t {
        const node_t r = rows[i];
        SPRIG_EXPECTS(r >= 0 && r < logits.rows(), "accuracy: row {} outside [0, {})", r, logits.rows());
        Eigen::Index best = 0;
        logits.row(r).maxCoeff(&best);  // first maximum: lowest index on ties
        return best == labels[static_cast<std::size_t>(r)] ? 1 : 0;
      },
      4096);
  return static_cast<double>(hits) / static_cast<double>(rows.size());
}

LossResult bce_with_logits(const Matrix& scores, std::span<const float> targets) {
  SPRIG_EXPECTS(scores.cols() == 1, "bce_with_logits: scores must have one column (got {})", scores.cols());
  SPRIG_EXPECTS(targets.size() == static_cast<std::size_t>(scores.rows()), "bce_with_logits: {} targets for {} scores",
                targets.size(), scores.rows());
  SPRIG_EXPECTS(!targets.empty(), "bce_with_logits: no scores");
  LossResult out;
  out.grad.resize(scores.rows(), 1);
  const double inv_n = 1.0 / static_cast<double>(targets.size());
  out.loss = parallel_sum<double>(
      targets.size(),
      [&](std::size_t i) {
        const double z = scores(static_cast<Eigen::Index>(i), 0);
        const double t = targets[i];
        const double sig = z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
        out.grad(static_cast<Eigen::Index>(i), 0) = static_cast<float>((sig - t) * inv_n);
        return (std::max(z, 0.0) - z * t + std::log1p(std::exp(-std::abs(z)))) * inv_n;
      },
      4096);
  return out;
}

}  // namespace sprig::gnn
