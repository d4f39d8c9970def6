// sprig/gnn/model.hpp — a GNN as a sequence of layers, and the factory that
// builds the standard stacks (gcn, sage, gin, gat, pna, dagnn, lcm).
//
// A Model runs its layers in order. Message-passing layers consume blocks:
// with one block (full-batch training) every message-passing layer uses it;
// with one block per message-passing layer (mini-batch, dst-first sampled
// blocks) layer l uses blocks[l]. Row-wise layers (activations, dropout,
// norms, Linear) act on the rows they are given. Residual connections and a
// virtual node wrap individual layers (gnn/layers.hpp).
//
// make_model(spec): widths in → hidden → … → out over spec.layers
// message-passing layers, each but the last followed by [LayerNorm,]
// activation and dropout (the PyG example order). One-hot id input
// (spec.identity_input, in_features = number of nodes) is never materialised:
// GCN/GIN/DAGNN gather rows of their first weight; for sage/gat/pna/lcm the
// model starts with an id embedding (a Linear over one-hot ids, no bias)
// of width `hidden`, i.e. the same one-hot·W product, and then the layers.
// DAGNN: an MLP of spec.layers Linear layers followed by K-hop adaptive
// propagation (spec.dagnn_k).
//
// Initialisation: initialize(seed) draws every "*.weight" parameter with
// Glorot keyed by (seed, parameter index, element); biases start at 0.
// Determinism: as the layers (bitwise for any thread count). Not thread-safe.
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sprig::gnn {

/// What make_model() builds; also what a saved model records.
struct ModelSpec {
  std::string kind = "gcn";     ///< gcn | sage | gin | gat | pna | dagnn | lcm
  int in_features = 0;          ///< input width (the number of nodes with identity_input)
  int hidden = 64;
  int out_features = 2;         ///< classes (node task) or embedding width (link task)
  int layers = 2;               ///< message-passing layers (DAGNN: MLP layers)
  double dropout = 0.5;
  std::string activation = "relu";
  std::string aggr = "mean";    ///< SAGE aggregator; PNA: comma-separated aggregators
  bool identity_input = false;  ///< one-hot ids as input (gathered, never dense)
  bool residual = false;        ///< skip connections around equal-width layers
  bool layer_norm = false;      ///< LayerNorm after each hidden layer
  bool virtual_node = false;    ///< a virtual node around each message-passing layer
  int heads = 1;                ///< GAT heads (hidden layers concatenate, the last averages)
  int dagnn_k = 10;             ///< DAGNN hops
  double avg_log_degree = 1.0;  ///< PNA's δ: mean log(d+1) over the training nodes
};

class Model {
 public:
  Model() = default;
  Model(Model&&) = default;
  Model& operator=(Model&&) = default;

  /// Appends a layer; message-passing layers consume the next block.
  void add(std::unique_ptr<Module> layer, bool message_passing);
  /// Runs the layers. `blocks`: one block for all message-passing layers, or one each.
  /// With identity input `x` may be empty. Throws InvalidArgument on shape mismatches.
  Matrix forward(std::span<const Block> blocks, const Matrix& x, const Context& ctx);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) {
    return forward(std::span<const Block>(&block, 1), x, ctx);
  }
  /// Backward through the last training forward (the blocks must still be alive):
  /// adds parameter gradients, returns dL/d(input) (0 columns with identity input).
  Matrix backward(const Matrix& grad_out);
  /// All parameters, in a fixed order (optimiser state and saved files follow it).
  std::vector<Param*> parameters();
  void zero_grad();
  /// Re-draws every "*.weight" parameter (Glorot, Philox keyed by (seed, index, element)).
  void initialize(std::uint64_t seed);
  /// Global ids of the first block's sources, for identity input with sampled blocks.
  void set_input_ids(std::span<const node_t> ids);
  int num_message_passing() const;
  std::size_t size() const noexcept { return layers_.size(); }
  Module& layer(std::size_t i) { return *layers_.at(i); }
  bool message_passing(std::size_t i) const { return mp_.at(i); }
  int out_features() const;
  const ModelSpec& spec() const noexcept { return spec_; }
  void set_spec(ModelSpec s) { spec_ = std::move(s); }

 private:
  std::vector<std::unique_ptr<Module>> layers_;
  std::vector<bool> mp_;
  std::vector<Block> used_;  // the block each layer saw in the last forward
  bool trained_forward_ = false;
  ModelSpec spec_;
};

/// Model kinds make_model() knows: "gcn", "sage", ... (those whose layers are built in).
std::vector<std::string> model_kinds();

/// Builds the stack described by `spec` and initialises it with `seed`. Throws
/// InvalidArgument for an unknown kind, widths ≤ 0, layers < 1, dropout outside [0, 1).
Model make_model(const ModelSpec& spec, std::uint64_t seed = 1);

}  // namespace sprig::gnn
