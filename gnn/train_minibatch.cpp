// Mini-batch node classification with neighbour sampling (see train_minibatch.hpp).
#include <sprig/gnn/train_minibatch.hpp>

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include <sprig/gnn/loss.hpp>
#include <sprig/gnn/optim.hpp>
#include <sprig/gnn/sampler.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::gnn {

NodeTrainResult train_node_minibatch(Model& model, const Graph& g, const Matrix& features,
                                     std::span<const std::int32_t> labels, const NodeMasks& masks,
                                     const MiniBatchOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  SPRIG_EXPECTS(opt.lr > 0 && std::isfinite(opt.lr), "train_minibatch: learning rate must be > 0 (got {})", opt.lr);
  SPRIG_EXPECTS(opt.epochs >= 1, "train_minibatch: epochs must be >= 1 (got {})", opt.epochs);
  SPRIG_EXPECTS(opt.batch_size >= 1, "train_minibatch: batch_size must be >= 1 (got {})", opt.batch_size);
  SPRIG_EXPECTS(opt.weight_decay >= 0, "train_minibatch: weight_decay must be >= 0 (got {})", opt.weight_decay);
  SPRIG_EXPECTS(opt.patience >= 0, "train_minibatch: patience must be >= 0 (got {})", opt.patience);
  SPRIG_EXPECTS(static_cast<int>(opt.fanouts.size()) == model.num_message_passing(),
                "train_minibatch: {} fan-outs for a model with {} message-passing layers", opt.fanouts.size(),
                model.num_message_passing());
  const bool identity = model.spec().identity_input;
  const node_t n = g.num_nodes();
  // The input checks of the full-batch trainer, without running it: shapes, labels, masks.
  SPRIG_EXPECTS(identity || features.rows() == n, "train_minibatch: features have {} rows but the graph has {} nodes",
                features.rows(), n);
  SPRIG_EXPECTS(identity || features.allFinite(), "train_minibatch: features contain NaN or infinite values");
  SPRIG_EXPECTS(static_cast<node_t>(labels.size()) == n, "train_minibatch: {} labels for a graph of {} nodes",
                labels.size(), n);
  SPRIG_EXPECTS(!masks.train.empty(), "train_minibatch: the training mask is empty");
  const int classes = model.out_features();
  for (const auto* list : {&masks.train, &masks.valid, &masks.test})
    for (node_t v : *list) {
      SPRIG_EXPECTS(v >= 0 && v < n, "train_minibatch: split node {} outside [0, {})", v, n);
      const auto y = labels[static_cast<std::size_t>(v)];
      SPRIG_EXPECTS(y >= 0 && y < classes, "train_minibatch: label {} of split node {} outside [0, {})", y, v,
                    classes);
    }

  SamplerOptions so;
  so.fanouts = opt.fanouts;
  so.seed = opt.seed;
  const Block full = graph_block(g);
  const Matrix empty;
  auto params = model.parameters();
  Adam adam(params, AdamOptions{.lr = opt.lr, .weight_decay = opt.weight_decay, .decoupled = opt.adamw});

  auto evaluate = [&] {
    model.set_input_ids({});
    return model.forward(full, identity ? empty : features, Context{.training = false, .seed = opt.seed});
  };

  NodeTrainResult res;
  double best_val = -1;
  std::vector<Matrix> best(params.size());
  std::uint64_t step = 0;
  const auto bs = static_cast<std::size_t>(opt.batch_size);
  std::vector<std::int32_t> batch_labels;
  std::vector<node_t> batch_rows;
  for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
    const auto order = shuffled_nodes(masks.train, opt.seed, static_cast<std::uint64_t>(epoch));
    double loss_sum = 0;
    std::size_t batches = 0;
    for (std::size_t b = 0; b < order.size(); b += bs) {
      ++step;
      const std::span<const node_t> seeds(order.data() + b, std::min(bs, order.size() - b));
      const SampledBlocks sb = sample_blocks(g, seeds, so, step);
      const std::vector<Block> blocks = sb.blocks();
      Matrix x_in;
      if (identity) {
        model.set_input_ids(sb.input_nodes());
      } else {
        const auto in = sb.input_nodes();
        x_in.resize(static_cast<Eigen::Index>(in.size()), features.cols());
        parallel_for(std::size_t{0}, in.size(), [&](std::size_t i) {
          x_in.row(static_cast<Eigen::Index>(i)) = features.row(in[i]);
        }, 1024);
      }
      batch_labels.resize(seeds.size());
      batch_rows.resize(seeds.size());
      for (std::size_t i = 0; i < seeds.size(); ++i) {
        batch_labels[i] = labels[static_cast<std::size_t>(seeds[i])];
        batch_rows[i] = static_cast<node_t>(i);
      }
      const Context ctx{.training = true, .seed = opt.seed, .step = step};
      const Matrix logits = model.forward(blocks, x_in, ctx);
      LossResult loss = softmax_cross_entropy(logits, batch_labels, batch_rows);
      if (!std::isfinite(loss.loss))
        throw Error(fmt::format("train_minibatch: epoch {}, batch {}: training loss is {} (diverged; try a lower "
                                "learning rate, now {})",
                                epoch, batches + 1, loss.loss, opt.lr));
      adam.zero_grad();
      model.backward(loss.grad);
      adam.step();
      loss_sum += loss.loss;
      ++batches;
    }
    const Matrix eval = evaluate();
    EpochStats st{.epoch = epoch,
                  .loss = loss_sum / static_cast<double>(batches),
                  .train_accuracy = accuracy(eval, labels, masks.train),
                  .val_accuracy = accuracy(eval, labels, masks.valid),
                  .lr = opt.lr};
    res.history.push_back(st);
    res.epochs = epoch;
    res.final_loss = st.loss;
    if (opt.on_epoch) opt.on_epoch(st);
    const double val = masks.valid.empty() ? static_cast<double>(epoch) : st.val_accuracy;
    if (val > best_val) {
      best_val = val;
      res.best_epoch = epoch;
      for (std::size_t i = 0; i < params.size(); ++i) best[i] = params[i]->value;
    }
    report(opt.progress, "train", static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(opt.epochs));
    if (opt.patience > 0 && epoch - res.best_epoch >= opt.patience) break;
  }
  for (std::size_t i = 0; i < params.size(); ++i) params[i]->value = best[i];
  const Matrix eval = evaluate();
  res.train_accuracy = accuracy(eval, labels, masks.train);
  res.val_accuracy = accuracy(eval, labels, masks.valid);
  res.test_accuracy = accuracy(eval, labels, masks.test);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace sprig::gnn
