// sprig/gnn/aggregators.hpp — neighbourhood aggregators as differentiable Modules.
//
// An aggregator maps source features x (num_src × F) over a Block to one row
// per destination (num_dst × out_features()), reducing each row's neighbours:
//   sum, mean, max, min                       gnn/spmm kernels (argmax kept for backward)
//   var  = relu(E[x²] − E[x]²),  std = √max(var, 1e-5)   (PyG's StdAggregation / PNA)
//   softmax:   Σ_j softmax_j(t·x_j) ⊙ x_j, per channel, learnable scalar t (init 1)
//              (PyG SoftmaxAggregation(learn=True), channels = 1)
//   powermean: (mean_j c_j^p)^{1/p}, c = clamp(x, 1e-6, 100), learnable scalar p (init 1)
//              (PyG PowerMeanAggregation(learn=True); the lower clamp is 1e-6 rather
//              than 0 so that ∂/∂x and ∂/∂p stay finite)
//   pna:       concat over scalers {identity, amplification, attenuation} of
//              concat over aggregators {mean, min, max, std}; scaler of row i is
//              (log(d_i + 1)/δ)^α, α ∈ {0, 1, −1}, d clamped to ≥ 1 (PyG PNAConv), δ
//              the mean of log(d + 1) over the training graph's nodes (Corso et al. 2020).
//   lcm, gru, lstm: see gnn/lcm.hpp (learnable commutative monoid; sequential GRU/LSTM baselines).
// Rows without neighbours give 0. All but `gru` and `lstm` are invariant to the order of
// a row's neighbours. Cost O(m·F) each (pna: ×4 aggregators); the learnable
// scalars add one extra pass. Deterministic for any thread count (row-parallel
// pulls, scalar-parameter gradients summed over fixed chunks in chunk order).
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>
#include <sprig/gnn/spmm.hpp>

#include <memory>
#include <string>
#include <vector>

namespace sprig::gnn {

/// Options for make_aggregator (fields used by the aggregators that need them).
struct AggregatorOptions {
  float temperature = 1.0f;  ///< softmax: initial t
  bool learn = true;         ///< softmax / powermean: t or p is a learnable Param
  float power = 1.0f;        ///< powermean: initial p
  /// pna: aggregators and scalers; delta ≤ 0 means "set from the first training block".
  std::vector<std::string> pna_aggregators = {"mean", "min", "max", "std"};
  std::vector<std::string> pna_scalers = {"identity", "amplification", "attenuation"};
  float delta = 0.0f;
  // lcm / gru (gnn/lcm.hpp)
  std::uint64_t seed = 1;         ///< initialisation (Glorot / PyTorch GRU uniform) and gru neighbour order
  float assoc_lambda = 0.0f;      ///< lcm: weight of the associativity regulariser (0 = off)
  int assoc_triples = 256;        ///< lcm: triples sampled per training forward
};

/// The names make_aggregator accepts.
const std::vector<std::string>& aggregator_names();

/// An aggregator for `features` input columns, named as above; throws InvalidArgument for unknown names
/// or features ≤ 0. `name` prefixes its parameters ("<name>.t").
std::unique_ptr<Module> make_aggregator(const std::string& kind, int features, const AggregatorOptions& opt = {},
                                        const std::string& name = "aggr");

/// Mean of log(d + 1) over the destination rows of a block (PNA's δ); d = number of arcs.
float pna_delta(const Block& block);

/// Base of the parameter-free reductions: remembers the block's transpose between forward and backward.
class SimpleAggregator : public Module {
 public:
  SimpleAggregator(std::string kind, int features);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override { return {}; }
  std::string kind() const override { return kind_; }
  int out_features() const override { return features_; }

 private:
  std::string kind_;
  int features_;
  Reduce reduce_ = Reduce::sum;
  bool is_var_ = false, is_std_ = false;
  std::vector<edge_t> arg_;
  Matrix x_, mean_, out_;
  TransposeCache tcache_;
};

/// PyG's SoftmaxAggregation (one learnable temperature shared by all channels).
class SoftmaxAggregator : public Module {
 public:
  SoftmaxAggregator(int features, float t0, bool learn, const std::string& name);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return "softmax"; }
  int out_features() const override { return features_; }

 private:
  int features_;
  bool learn_;
  Param t_;
  Matrix x_, rowmax_, z_, out_;
  TransposeCache tcache_;
};

/// PyG's PowerMeanAggregation (one learnable p).
class PowerMeanAggregator : public Module {
 public:
  PowerMeanAggregator(int features, float p0, bool learn, const std::string& name);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return "powermean"; }
  int out_features() const override { return features_; }

 private:
  int features_;
  bool learn_;
  Param p_;
  Matrix x_, m_, mlog_, out_;
  TransposeCache tcache_;
};

/// PNA: aggregators × degree scalers, concatenated scaler-major: column block
/// (s · A + a) · F holds scaler s applied to aggregator a. δ is a fixed
/// hyper-parameter, not learned: from options (a saved model's spec keeps it) or,
/// when not set, from the first block seen (which should be the training graph).
class PnaAggregator : public Module {
 public:
  PnaAggregator(int features, const AggregatorOptions& opt, const std::string& name);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return "pna"; }
  int out_features() const override { return features_ * static_cast<int>(aggs_.size() * alphas_.size()); }
  float delta() const { return delta_; }
  /// Sets δ explicitly (e.g. from the training graph before a mini-batch run).
  void set_delta(float d);

 private:
  int features_;
  std::vector<std::unique_ptr<Module>> aggs_;
  std::vector<float> alphas_;  // 0, 1, −1 per scaler
  float delta_;
  Vector scale_cache_;  // log(d+1) per row, from the forward
};

}  // namespace sprig::gnn
