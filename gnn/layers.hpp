// sprig/gnn/layers.hpp — the core GNN layers: Linear, GCN, GIN, DAGNN
// propagation, activations (ReLU, ELU, LeakyReLU), dropout, layer norm,
// residual connections and a virtual node around any message-passing layer.
//
// References (docs/REFERENCES.md, "GNN layers"):
//   GCN  Kipf & Welling 2017: X' = D̃^{-1/2}(A+I)D̃^{-1/2} X W + b (bias after
//        propagation; self-loops of weight 1; degrees are weighted row sums + 1,
//        as PyG's gcn_norm).
//   GIN  Xu et al. 2019: x'_i = MLP((1+ε) x_i + Σ_j x_j) with learnable ε and a
//        two-layer MLP Linear–ReLU–Linear. The first Linear is applied before the
//        sum (it commutes with it), which is exact and cheaper when out < in.
//   DAGNN Liu, Gao, Ji 2020 ("Towards Deeper GNNs"): H_k = Â^k Z, k = 0..K,
//        s_k = σ(H_k w + b), out = Σ_k s_k ⊙ H_k (Z comes from the layers before).
//   Virtual node (Gilmer et al. 2017 / OGB): before the inner layer every node
//        adds v = ReLU(Linear(Σ_i x_i)), a state computed from the sum over nodes.
//
// Identity (one-hot id) input is handled sparsely: a Linear, GCN or GIN layer
// built with `identity_input` never sees an n×n matrix — its input argument is
// ignored and row r of X·W is row ids[r] of W (ids = 0..num_src−1 for a full
// graph, or the global ids of a sampled block's sources set by set_input_ids).
//
// Cost: Linear O(rows·in·out); GCN/GIN one sparse pull O(arcs·width) plus the
// dense product; DAGNN K pulls. Backward passes cost the same and pull over the
// transposed block (built once per block and cached when the block carries
// none), so nothing is scattered.
// Determinism: every loop is chunked independently of the thread count and
// reductions add chunk partials in chunk order, so results are bitwise equal
// for any number of threads. Dropout masks are Philox draws keyed by
// (seed, step, layer id, element). Instances are not thread-safe.
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sprig::gnn {

/// Glorot/Xavier uniform init: U(±√(6/(rows+cols))), element e drawn from
/// Philox keyed by (seed, param_index, e), so any thread count gives the same values.
void glorot_init(Matrix& w, std::uint64_t seed, std::uint64_t param_index);

/// A layer whose input may be one-hot node ids (gathering weight rows).
class IdentityInput {
 public:
  virtual ~IdentityInput() = default;
  /// Global ids of the block's source rows (empty: 0..num_src−1). The span must outlive forward/backward.
  virtual void set_input_ids(std::span<const node_t> ids) = 0;
  virtual bool identity_input() const = 0;
};

namespace detail {
/// Row r of the result is w.row(ids.empty() ? r : ids[r]) for r < rows.
Matrix gather_rows(const Matrix& w, std::span<const node_t> ids, Eigen::Index rows);
/// x·W in parallel row chunks.
Matrix matmul(const Matrix& x, const Matrix& w);
/// acc += xᵀ·y, chunk partials added in chunk order (deterministic).
void add_matmul_tn(Matrix& acc, const Matrix& x, const Matrix& y);
/// y·Wᵀ in parallel row chunks.
Matrix matmul_nt(const Matrix& y, const Matrix& w);
/// Column sums, deterministic.
Matrix column_sums(const Matrix& y);

/// Pull kernel: y[r] = out_scale[r]·(Σ_k w_k·in_scale[t_k]·x[t_k] + self·in_scale[r]·x[r])
/// for each row r of `b` (self term only for r < x.rows()). Empty scales = 1.
Matrix pull(const Block& b, const Matrix& x, std::span<const float> in_scale, std::span<const float> out_scale,
            float self_weight, bool use_weights = true);

/// The transposed CSR of a block (rows = sources), weights permuted alongside.
struct OwnedBlock {
  std::vector<edge_t> offsets;
  std::vector<node_t> targets;
  std::vector<float> weights;
  Block view;  ///< points into the vectors above
};
std::unique_ptr<OwnedBlock> transpose_block(const Block& b);

/// Caches a block's transpose keyed by the identity of its arrays.
class TransposeCache {
 public:
  const Block& get(const Block& b);

 private:
  const void* key_offsets_ = nullptr;
  const void* key_targets_ = nullptr;
  std::size_t key_arcs_ = 0;
  node_t key_dst_ = -1, key_src_ = -1;
  std::unique_ptr<OwnedBlock> owned_;
};
}  // namespace detail

struct LinearOptions {
  bool bias = true;
  bool identity_input = false;  ///< input = one-hot ids: in_features is the number of ids
};

/// y = x·W + b (W is in × out).
class Linear final : public Module, public IdentityInput {
 public:
  Linear(int in, int out, LinearOptions opt = {}, std::string name = "linear");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return "linear"; }
  int out_features() const override { return out_; }
  void set_input_ids(std::span<const node_t> ids) override { ids_ = ids; }
  bool identity_input() const override { return opt_.identity_input; }
  Param& weight() { return weight_; }

 private:
  int in_, out_;
  LinearOptions opt_;
  Param weight_, bias_;
  std::span<const node_t> ids_;
  Matrix x_;  // cached input (dense mode)
  Eigen::Index rows_ = 0;
};

enum class ActivationKind { relu, elu, leaky_relu, identity };
/// "relu", "elu", "leaky_relu" (or "leakyrelu"), "none"; throws InvalidArgument otherwise.
ActivationKind parse_activation(const std::string& name);

/// Element-wise activation; ELU uses α (default 1), LeakyReLU its negative slope (default 0.01).
class Activation final : public Module {
 public:
  explicit Activation(ActivationKind kind, float param = -1, int width = 0);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override { return {}; }
  std::string kind() const override;
  int out_features() const override { return width_; }

 private:
  ActivationKind kind_;
  float param_;
  int width_;
  Matrix x_;
};

/// Inverted dropout with probability p (0 ≤ p < 1), only when ctx.training.
/// Element e of the mask comes from Philox keyed by (ctx.seed, step, layer_id, e).
class Dropout final : public Module {
 public:
  Dropout(double p, std::uint64_t layer_id, int width = 0);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override { return {}; }
  std::string kind() const override { return "dropout"; }
  int out_features() const override { return width_; }

 private:
  double p_;
  std::uint64_t layer_id_;
  int width_;
  Matrix mask_;  // 0 or 1/(1−p); empty when the last forward was not training
};

/// Layer normalisation over each row (Ba et al. 2016) with learnable gain and bias.
class LayerNorm final : public Module {
 public:
  explicit LayerNorm(int width, float eps = 1e-5f, std::string name = "norm");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override { return {&gain_, &bias_}; }
  std::string kind() const override { return "layer_norm"; }
  int out_features() const override { return width_; }

 private:
  int width_;
  float eps_;
  Param gain_, bias_;
  Matrix xhat_;
  Vector inv_std_;
};

struct GcnOptions {
  bool bias = true;
  bool self_loops = true;       ///< add Ã = A + I
  bool normalize = true;        ///< symmetric D̃^{-1/2} Ã D̃^{-1/2}; false: plain (weighted) sum
  bool identity_input = false;  ///< input = one-hot ids (in = number of ids)
};

/// GCN layer (Kipf & Welling): D̃^{-1/2}(A+I)D̃^{-1/2} X W + b, edge weights used.
/// Destination degrees are weighted row sums + 1, source degrees weighted
/// column sums + 1 (equal for a full undirected graph).
class GcnLayer final : public Module, public IdentityInput {
 public:
  GcnLayer(int in, int out, GcnOptions opt = {}, std::string name = "gcn");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return "gcn"; }
  int out_features() const override { return out_; }
  void set_input_ids(std::span<const node_t> ids) override { ids_ = ids; }
  bool identity_input() const override { return opt_.identity_input; }

 private:
  void prepare(const Block& b);
  int in_, out_;
  GcnOptions opt_;
  Param weight_, bias_;
  std::span<const node_t> ids_;
  Matrix x_;
  Eigen::Index src_rows_ = 0;
  std::vector<float> dst_scale_, src_scale_;
  detail::TransposeCache transpose_;
};

struct GinOptions {
  bool train_eps = true;        ///< ε is learnable
  float eps = 0;                ///< initial ε
  bool identity_input = false;
};

/// GIN layer (Xu et al.): Linear₂(ReLU(Linear₁((1+ε)x_i + Σ_{j∈N(i)} x_j))).
/// The sum ignores edge weights (a multiset sum).
class GinLayer final : public Module, public IdentityInput {
 public:
  GinLayer(int in, int out, GinOptions opt = {}, std::string name = "gin");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return "gin"; }
  int out_features() const override { return out_; }
  void set_input_ids(std::span<const node_t> ids) override { lin1_.set_input_ids(ids); }
  bool identity_input() const override { return opt_.identity_input; }

 private:
  int in_, out_;
  GinOptions opt_;
  Linear lin1_;   // no bias: its bias b1_ is added once, after the sum
  Param b1_;
  Param eps_;
  Linear lin2_;
  Matrix h_;       // lin1 output (source rows)
  Matrix pre_;     // before the ReLU (dst rows)
  detail::TransposeCache transpose_;
};

struct DagnnOptions {
  int k = 10;  ///< propagation hops
};

/// DAGNN adaptive propagation: out = Σ_{k=0..K} σ(H_k w + b) ⊙ H_k with
/// H_k = Â^k Z (Â the GCN-normalised adjacency with self-loops). Needs a square block.
class DagnnLayer final : public Module {
 public:
  DagnnLayer(int width, DagnnOptions opt = {}, std::string name = "dagnn");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override { return {&w_, &b_}; }
  std::string kind() const override { return "dagnn"; }
  int out_features() const override { return width_; }

 private:
  int width_;
  DagnnOptions opt_;
  Param w_, b_;
  std::vector<Matrix> h_;        // H_0..H_K
  std::vector<Vector> s_;        // retention scores
  std::vector<float> scale_;
  detail::TransposeCache transpose_;
};

/// y = inner(x) + x (top num_dst rows); requires equal widths.
class Residual final : public Module, public IdentityInput {
 public:
  explicit Residual(std::unique_ptr<Module> inner);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override { return inner_->parameters(); }
  std::string kind() const override { return inner_->kind(); }
  int out_features() const override { return inner_->out_features(); }
  void set_input_ids(std::span<const node_t> ids) override;
  bool identity_input() const override;
  Module& inner() { return *inner_; }

 private:
  std::unique_ptr<Module> inner_;
};

/// Virtual node around a message-passing layer: x' = x + ReLU(Σ_i x_i · W + b)
/// broadcast to every source row, then y = inner(x').
class VirtualNode final : public Module {
 public:
  VirtualNode(std::unique_ptr<Module> inner, int in_features, std::string name = "vn");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return inner_->kind(); }
  int out_features() const override { return inner_->out_features(); }
  Module& inner() { return *inner_; }

 private:
  std::unique_ptr<Module> inner_;
  int in_;
  Param weight_, bias_;
  Matrix sum_;  // 1 × in
  Matrix pre_;  // 1 × in before ReLU
};

}  // namespace sprig::gnn
