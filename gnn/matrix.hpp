// sprig/gnn/matrix.hpp — the dense types of sprig's neural part.
//
// Activations, weights and gradients are float32 row-major Eigen matrices (the
// same `Matrix` as embeddings: row i belongs to node i), so a node's features
// are contiguous for the sparse kernels' gathers. A `Param` pairs a learnable
// tensor with its gradient; optimisers keep their own state keyed by position
// in `Model::parameters()`. Nothing here is thread-safe to mutate concurrently.
#pragma once

#include <sprig/embed/matrix.hpp>

#include <string>

namespace sprig::gnn {

using sprig::Matrix;
/// Column vector of float32 (biases, per-node scalars).
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;

/// A learnable tensor and its gradient (same shape). Layers accumulate into
/// `grad` during backward; the trainer zeroes it before each step.
struct Param {
  std::string name;  ///< "<layer>.<tensor>", e.g. "gcn0.weight": used in saved models
  Matrix value;
  Matrix grad;
  bool decay = true;  ///< AdamW weight decay applies (false for biases and norms)

  Param() = default;
  Param(std::string n, Matrix v, bool wd = true)
      : name(std::move(n)), value(std::move(v)), grad(Matrix::Zero(value.rows(), value.cols())), decay(wd) {}
  void zero_grad() { grad.setZero(value.rows(), value.cols()); }
};

}  // namespace sprig::gnn
