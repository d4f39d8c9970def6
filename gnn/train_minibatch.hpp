// sprig/gnn/train_minibatch.hpp — mini-batch node classification with
// GraphSAGE neighbour sampling (Hamilton et al. 2017; DGL's
// MultiLayerNeighborSampler + DataLoader loop).
//
// Each epoch shuffles the training nodes (shuffled_nodes, keyed by (seed,
// epoch)), cuts them into batches of `batch_size` seeds, samples one block per
// message-passing layer (gnn/sampler, keyed by (seed, global batch step)),
// gathers the input rows of the first block's sources (or, for one-hot ids,
// hands the model their global ids: the first layer gathers weight rows), runs
// forward/backward over the blocks and takes one Adam step per batch.
// Evaluation is exact: a full-graph forward (every neighbour) after each
// epoch, as in gnn/train; early stopping on validation accuracy, best
// parameters restored, NaN loss → Error naming the epoch and batch.
//
// Cost per epoch: Σ over batches of the sampled blocks' size × width (bounded by
// batch·Π fanouts), plus one full forward. Deterministic: the same bits for a
// seed and any thread count (sampling, layers and Adam are). Not thread-safe
// per model.
#pragma once

#include <sprig/gnn/model.hpp>
#include <sprig/gnn/train.hpp>
#include <sprig/graph/csr.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace sprig::gnn {

struct MiniBatchOptions {
  std::vector<int> fanouts = {10, 10};  ///< one per message-passing layer, input layer first (< 0: all)
  int batch_size = 256;                 ///< seed nodes per batch, ≥ 1
  int epochs = 50;
  double lr = 0.01;
  double weight_decay = 5e-4;
  bool adamw = false;
  int patience = 20;                    ///< epochs without a better validation accuracy (0: never stop)
  std::uint64_t seed = 1;               ///< shuffling, sampling and dropout keys
  ProgressFn progress;                  ///< stage "train": epochs done
  std::function<void(const EpochStats&)> on_epoch;
};

/// Trains `model` by sampled mini-batches; returns the same figures as the
/// full-batch trainer (accuracies from exact full-graph forwards). Throws
/// InvalidArgument like train_node_classifier, and when fanouts.size() differs
/// from the model's message-passing layers or batch_size < 1.
NodeTrainResult train_node_minibatch(Model& model, const Graph& g, const Matrix& features,
                                     std::span<const std::int32_t> labels, const NodeMasks& masks,
                                     const MiniBatchOptions& opt = {});

}  // namespace sprig::gnn
