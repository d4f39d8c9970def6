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
#include <sprig/graph/progress.hpp>

namespace sprig::gnn::detail {

/// The per-epoch bookkeeping both full-batch epochs (CPU, train.cpp; GPU, train.cu)
/// share, so they keep the same epoch: the best epoch is the highest validation
/// accuracy (the last epoch when there is no validation set), ties to the lower
/// validation loss (ties are frequent on small validation sets).
class EpochKeeper {
 public:
  /// Records `st` in `res` (history, epochs, final loss) and calls opt.on_epoch;
  /// returns true when it is the best epoch so far (the caller then keeps its parameters).
  bool record(NodeTrainResult& res, const EpochStats& st, double val_loss, bool has_valid,
              const NodeTrainOptions& opt) {
    res.history.push_back(st);
    res.epochs = st.epoch;
    res.final_loss = st.loss;
    if (opt.on_epoch) opt.on_epoch(st);
    const double val = has_valid ? st.val_accuracy : static_cast<double>(st.epoch);
    if (!(val > best_val_ || (val == best_val_ && val_loss < best_val_loss_))) return false;
    best_val_ = val;
    best_val_loss_ = val_loss;
    res.best_epoch = st.epoch;
    return true;
  }
  /// Reports progress; true when training stops (patience ran out since the best epoch).
  static bool stop(const NodeTrainResult& res, const NodeTrainOptions& opt) {
    report(opt.progress, "train", static_cast<std::uint64_t>(res.epochs), static_cast<std::uint64_t>(opt.epochs));
    return opt.patience > 0 && res.epochs - res.best_epoch >= opt.patience;
  }

 private:
  double best_val_ = -1, best_val_loss_ = 0;
};

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
