// sprig/gnn/layers_sage.hpp — GraphSAGE with any aggregator (and the PNA and
// LCM layers, which share its shape: gnn/layers_pna.hpp, gnn/layers_lcm.hpp).
//
// GraphSAGE (Hamilton, Ying, Leskovec 2017; PyG SAGEConv):
//   x'_i = W_l · AGG_{j ∈ N(i)} h_j + W_r · x_i + b
// with h = x, or with `project`, h = x W_pre + b_pre (messages transformed
// before aggregation, as PNA's pre-tower and LCM's message function do).
// AGG is any gnn/aggregators kind (sum, mean, max, min, var, std, softmax,
// powermean, pna, lcm, gru). The root term reads x.row(i) for the first
// num_dst rows (blocks are dst-first). For a linear aggregator (sum, mean)
// without projection and out < in, W_l is applied before the aggregation
// (exact, fewer columns to pull). Edge weights are ignored, as in PyG.
//
// Cost: the aggregator's O(m·F) plus dense products O(n·F·out) (Eigen, parallel
// row chunks). Deterministic for any thread count. Not thread-safe per instance.
#pragma once

#include <sprig/gnn/aggregators.hpp>
#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>

#include <memory>
#include <string>
#include <vector>

namespace sprig::gnn {

struct SageOptions {
  std::string aggr = "mean";          ///< any name of aggregator_names()
  AggregatorOptions aggr_options = {};
  bool root_weight = true;            ///< the W_r x_i term
  bool bias = true;
  bool project = false;               ///< h = x W_pre + b_pre before aggregating (width out)
  std::uint64_t seed = 1;             ///< Glorot init of the weights (Model::initialize redraws "*weight")
};

/// GraphSAGE layer; parameters "<name>.weight" (W_l), "<name>.root_weight" (W_r), "<name>.bias",
/// with projection "<name>.pre_weight", "<name>.pre_bias", then the aggregator's own.
class SageLayer : public Module {
 public:
  SageLayer(int in, int out, SageOptions opt = {}, std::string name = "sage");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return kind_; }
  int out_features() const override { return out_; }
  Module& aggregator() { return *aggr_; }

 protected:
  std::string kind_ = "sage";

 private:
  int in_, out_;
  SageOptions opt_;
  std::string name_;
  bool lin_first_ = false;
  std::unique_ptr<Module> aggr_;
  Param w_l_, w_r_, bias_, w_pre_, b_pre_;
  Matrix x_, a_;  // cached input and aggregation (training)
  bool trained_ = false;
};

}  // namespace sprig::gnn
