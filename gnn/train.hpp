// sprig/gnn/train.hpp — full-batch node classification: masks, Adam/AdamW,
// lr schedule, early stopping on validation accuracy, NaN detection.
//
// Each epoch: forward (training: dropout on) → softmax cross-entropy over the
// training nodes → backward → Adam step; then an evaluation forward (dropout
// off) gives train/validation accuracy. The parameters of the epoch with the
// best validation accuracy (strictly better than every earlier epoch) are kept
// and restored at the end, where test accuracy is measured; training stops
// after `patience` epochs without improvement. A non-finite loss stops training
// with an Error naming the epoch. seeded_split() makes the default 60/20/20
// split of the labelled nodes from Philox keys.
//
// Cost per epoch: two forwards and one backward of the model. Determinism:
// bitwise-identical results for a seed and any thread count (the layers', the
// loss's and Adam's loops are all chunked independently of the thread count;
// dropout masks are keyed by (seed, epoch, layer, element)).
#pragma once

#include <sprig/gnn/model.hpp>
#include <sprig/gnn/optim.hpp>
#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace sprig::gnn {

/// Node index lists of a split.
struct NodeMasks {
  std::vector<node_t> train, valid, test;
};

/// A seeded split of the labelled nodes (label ≥ 0): nodes ordered by a Philox key of
/// (seed, node); the first ⌊train·k⌉ train, the next ⌊valid·k⌉ validation, the rest test.
/// Each list is sorted. Throws InvalidArgument for fractions outside (0, 1) or summing to > 1.
NodeMasks seeded_split(std::span<const std::int32_t> labels, std::uint64_t seed, double train = 0.6,
                       double valid = 0.2);

/// Per-epoch figures passed to the epoch callback.
struct EpochStats {
  int epoch = 0;
  double loss = 0;
  double train_accuracy = 0;
  double val_accuracy = 0;
  double lr = 0;
};

struct NodeTrainOptions {
  int epochs = 200;
  double lr = 0.01;
  double weight_decay = 5e-4;
  bool adamw = false;           ///< decoupled weight decay
  LrSchedule schedule{};
  int patience = 100;           ///< stop after this many epochs without a better val accuracy (0: never)
  std::uint64_t seed = 1;       ///< dropout keys
  ProgressFn progress;          ///< called once per epoch (stage "train"); false cancels
  std::function<void(const EpochStats&)> on_epoch;  ///< optional per-epoch report
  Device device = Device::cpu;  ///< Device::cuda: epochs on the GPU (gcn, sage-mean; gnn/train_cuda.hpp)
};

struct NodeTrainResult {
  int epochs = 0;           ///< epochs run
  int best_epoch = 0;       ///< the epoch whose parameters were kept
  double train_accuracy = 0, val_accuracy = 0, test_accuracy = 0;
  double final_loss = 0;    ///< training loss of the last epoch run
  double seconds = 0;
  std::vector<EpochStats> history;
};

/// Builds the square block of a graph (views into g; g must outlive it).
Block graph_block(const Graph& g);

/// Trains `model` on the full graph. `features`: n × in (ignored when the model takes
/// one-hot ids; may be empty then). labels: n values, −1 = unlabelled. Throws
/// InvalidArgument for a feature row count ≠ n, NaN/inf features, labels ≥ the model's
/// output width, an empty training mask, lr ≤ 0, epochs < 1; Error("epoch E: training
/// loss is NaN …") when the loss stops being finite; Cancelled from progress.
NodeTrainResult train_node_classifier(Model& model, const Graph& g, const Matrix& features,
                                      std::span<const std::int32_t> labels, const NodeMasks& masks,
                                      const NodeTrainOptions& opt = {});

/// Predicted class per node (eval mode).
std::vector<std::int32_t> predict_nodes(Model& model, const Graph& g, const Matrix& features);

}  // namespace sprig::gnn
