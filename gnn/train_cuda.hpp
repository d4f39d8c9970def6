// sprig/gnn/train_cuda.hpp — full-batch node-classification training on a CUDA
// device (gnn/train.cu), reached through
// train_node_classifier(model, g, x, labels, masks, {.device = Device::cuda}).
//
// The epoch of gnn/train.hpp, step for step, with features, activations,
// weights, gradients and Adam's moments resident on the device across epochs:
// dense products by cuBLAS (SGEMM, default math mode: no TF32), propagation by
// the row-block cuSPARSE product of graph/device_csr.hpp (Â for the forward,
// an explicit transposed CSR for the backward — never cuSPARSE's transpose
// mode), and small kernels for bias, activation, dropout (masks drawn from the
// CPU path's Philox keys (seed, layer id << 40 | element quad, epoch), so they
// are the same masks), softmax cross-entropy, accuracy and Adam (the CPU's
// float formulas). Only the per-epoch figures (loss, accuracies) come back to
// the host; the parameters are copied back once, at the end. The CSR streams
// through the device in row blocks when it does not fit (graph/device_csr.hpp);
// activations (n × width per layer) must fit.
//
// Models: those make_model() builds for kind "gcn" and for kind "sage" with the
// "mean" aggregator, any depth, widths, dropout and activation, without
// identity input, layer norm, residual or virtual-node options (InvalidArgument
// names what is unsupported, before any device is asked for). Result: the CPU
// path's model within float rounding (sums in another order; ~1e-6 per epoch),
// bitwise reproducible from run to run on one device.
// Cost per epoch: as the CPU path (two forwards, one backward) on the device.
#pragma once

#include <cstdint>
#include <span>

#include <sprig/gnn/train.hpp>
#include <sprig/graph/cuda.hpp>

namespace sprig::gnn::detail {

#ifdef SPRIG_WITH_CUDA
/// Throws InvalidArgument naming what keeps `model` off the device path (see above); no device needed.
void check_cuda_trainable(Model& model);
/// train_node_classifier on the device (inputs already checked by the caller). Checks the model
/// (check_cuda_trainable), then the device (sprig::Error when none is usable).
NodeTrainResult train_node_classifier_cuda(Model& model, const Graph& g, const Matrix& features,
                                           std::span<const std::int32_t> labels, const NodeMasks& masks,
                                           const NodeTrainOptions& opt);
#else
[[noreturn]] inline NodeTrainResult train_node_classifier_cuda(Model&, const Graph&, const Matrix&,
                                                               std::span<const std::int32_t>, const NodeMasks&,
                                                               const NodeTrainOptions&) {
  sprig::detail::throw_without_cuda("train");
}
#endif

}  // namespace sprig::gnn::detail
