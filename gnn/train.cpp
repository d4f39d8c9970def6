// Full-batch node classification; see train.hpp.
#include <sprig/gnn/train.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include <sprig/gnn/loss.hpp>
#include <sprig/gnn/train_cuda.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig::gnn {

namespace {
constexpr std::uint64_t kSplitTag = 0x73706c6974ull;  // "split": keeps split keys apart from other draws
}

NodeMasks seeded_split(std::span<const std::int32_t> labels, std::uint64_t seed, double train, double valid) {
  SPRIG_EXPECTS(train > 0 && train < 1, "seeded_split: train fraction must be in (0, 1) (got {})", train);
  SPRIG_EXPECTS(valid >= 0 && valid < 1 && train + valid <= 1, "seeded_split: valid fraction {} with train {} exceeds 1",
                valid, train);
  std::vector<std::pair<std::uint64_t, node_t>> keyed;
  for (std::size_t v = 0; v < labels.size(); ++v)
    if (labels[v] >= 0) keyed.emplace_back(counter_hash(seed, v, kSplitTag), static_cast<node_t>(v));
  std::sort(keyed.begin(), keyed.end());
  const auto k = static_cast<double>(keyed.size());
  const auto n_train = static_cast<std::size_t>(std::llround(train * k));
  const auto n_valid = std::min(keyed.size() - n_train, static_cast<std::size_t>(std::llround(valid * k)));
  NodeMasks m;
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    auto& dst = i < n_train ? m.train : i < n_train + n_valid ? m.valid : m.test;
    dst.push_back(keyed[i].second);
  }
  std::sort(m.train.begin(), m.train.end());
  std::sort(m.valid.begin(), m.valid.end());
  std::sort(m.test.begin(), m.test.end());
  return m;
}

Block graph_block(const Graph& g) {
  Block b;
  b.offsets = g.offsets();
  b.targets = g.targets();
  b.weights = g.weights();
  b.num_dst = g.num_nodes();
  b.num_src = g.num_nodes();
  return b;
}

namespace {

void check_inputs(Model& model, const Graph& g, const Matrix& features, std::span<const std::int32_t> labels,
                  const NodeMasks& masks) {
  const auto n = static_cast<std::int64_t>(g.num_nodes());
  const bool identity = model.spec().identity_input;
  if (!identity) {
    SPRIG_EXPECTS(features.rows() == n, "train: features have {} rows but the graph has {} nodes", features.rows(), n);
    const auto bad = parallel_sum<std::int64_t>(
        static_cast<std::size_t>(features.rows()),
        [&](std::size_t r) -> std::int64_t { return features.row(static_cast<Eigen::Index>(r)).allFinite() ? 0 : 1; },
        4096);
    if (bad > 0) {
      Eigen::Index first = 0;
      while (features.row(first).allFinite()) ++first;
      throw InvalidArgument(
          fmt::format("train: features contain NaN or infinite values ({} rows, first at node {})", bad, first));
    }
  } else {
    SPRIG_EXPECTS(model.spec().in_features >= n, "train: the model takes {} one-hot ids but the graph has {} nodes",
                  model.spec().in_features, n);
  }
  SPRIG_EXPECTS(static_cast<std::int64_t>(labels.size()) == n, "train: {} labels for a graph of {} nodes", labels.size(),
                n);
  const int classes = model.out_features();
  for (std::size_t v = 0; v < labels.size(); ++v)
    SPRIG_EXPECTS(labels[v] >= -1 && labels[v] < classes,
                  "train: label {} of node {} is out of range (the model has {} classes; −1 = unlabelled)", labels[v],
                  v, classes);
  SPRIG_EXPECTS(!masks.train.empty(), "train: the training mask is empty (no labelled training nodes)");
  for (const auto* list : {&masks.train, &masks.valid, &masks.test})
    for (node_t v : *list) {
      SPRIG_EXPECTS(v >= 0 && v < n, "train: split node {} outside [0, {})", v, n);
      SPRIG_EXPECTS(labels[static_cast<std::size_t>(v)] >= 0, "train: split node {} has no label", v);
    }
}

}  // namespace

NodeTrainResult train_node_classifier(Model& model, const Graph& g, const Matrix& features,
                                      std::span<const std::int32_t> labels, const NodeMasks& masks,
                                      const NodeTrainOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  SPRIG_EXPECTS(opt.lr > 0 && std::isfinite(opt.lr), "train: learning rate must be > 0 (got {})", opt.lr);
  SPRIG_EXPECTS(opt.epochs >= 1, "train: epochs must be ≥ 1 (got {})", opt.epochs);
  SPRIG_EXPECTS(opt.weight_decay >= 0, "train: weight_decay must be ≥ 0 (got {})", opt.weight_decay);
  SPRIG_EXPECTS(opt.patience >= 0, "train: patience must be ≥ 0 (got {})", opt.patience);
  check_inputs(model, g, features, labels, masks);
  if (opt.device == Device::cuda) return detail::train_node_classifier_cuda(model, g, features, labels, masks, opt);

  const Block block = graph_block(g);
  const Matrix empty;
  const Matrix& x = model.spec().identity_input ? empty : features;
  auto params = model.parameters();
  Adam adam(params, AdamOptions{.lr = opt.lr, .weight_decay = opt.weight_decay, .decoupled = opt.adamw});

  NodeTrainResult res;
  detail::EpochKeeper keeper;
  std::vector<Matrix> best;
  auto snapshot = [&] {
    best.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) best[i] = params[i]->value;
  };
  for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
    const double lr = opt.schedule.at(epoch, opt.lr);
    adam.set_lr(lr);
    Context ctx{.training = true, .seed = opt.seed, .step = static_cast<std::uint64_t>(epoch)};
    Matrix logits = model.forward(block, x, ctx);
    LossResult loss = softmax_cross_entropy(logits, labels, masks.train);
    if (!std::isfinite(loss.loss))
      throw Error(fmt::format(
          "train: epoch {}: training loss is {} (diverged; try a lower learning rate, now {})", epoch,
          std::isnan(loss.loss) ? "NaN" : "infinite", lr));
    adam.zero_grad();
    model.backward(loss.grad);
    adam.step();

    Matrix eval = model.forward(block, x, Context{.training = false, .seed = opt.seed});
    const double val_loss = masks.valid.empty() ? 0.0 : softmax_cross_entropy(eval, labels, masks.valid).loss;
    EpochStats st{.epoch = epoch,
                  .loss = loss.loss,
                  .train_accuracy = accuracy(eval, labels, masks.train),
                  .val_accuracy = accuracy(eval, labels, masks.valid),
                  .lr = lr};
    if (keeper.record(res, st, val_loss, !masks.valid.empty(), opt)) snapshot();
    if (detail::EpochKeeper::stop(res, opt)) break;
  }
  for (std::size_t i = 0; i < params.size(); ++i) params[i]->value = best[i];
  Matrix eval = model.forward(block, x, Context{.training = false, .seed = opt.seed});
  res.train_accuracy = accuracy(eval, labels, masks.train);
  res.val_accuracy = accuracy(eval, labels, masks.valid);
  res.test_accuracy = accuracy(eval, labels, masks.test);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

std::vector<std::int32_t> predict_nodes(Model& model, const Graph& g, const Matrix& features) {
  const Block block = graph_block(g);
  const Matrix empty;
  Matrix logits = model.forward(block, model.spec().identity_input ? empty : features, Context{});
  std::vector<std::int32_t> pred(static_cast<std::size_t>(logits.rows()));
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    Eigen::Index best = 0;
    logits.row(r).maxCoeff(&best);
    pred[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(best);
  }
  return pred;
}

}  // namespace sprig::gnn
