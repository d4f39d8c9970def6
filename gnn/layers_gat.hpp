// sprig/gnn/layers_gat.hpp — graph attention (Veličković et al., "Graph
// Attention Networks", 2018; PyG GATConv with edge_dim = None):
//   h = x W (H heads × C channels);  e_ij = LeakyReLU_0.2(a_srcᵀ h_j + a_dstᵀ h_i) per head;
//   α_ij = softmax over j ∈ N(i) ∪ {i};  x'_i = ‖_h Σ_j α_ij^h h_j^h (concat) or the mean over heads; + b.
// Self-loops: existing ones are dropped and one (i ← i) added per destination
// that is also a source (dst-first blocks), as PyG's add_self_loops. Edge
// weights are ignored (as in PyG without edge features). Attention uses
// gnn/spmm: sddmm_add → LeakyReLU → edge_softmax → spmm with edge values, and
// their backward passes (edge-softmax backward: de = α (dα − Σ α dα)).
// Cost: O(m·H·C) + the dense product O(n·in·H·C); the self-loop block and its
// transpose are rebuilt per forward (O(m)). Deterministic for any thread count.
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>
#include <sprig/gnn/spmm.hpp>

#include <string>
#include <vector>

namespace sprig::gnn {

struct GatOptions {
  int heads = 1;
  bool concat = true;            ///< concatenate heads (out_features = heads·out) or average them (out)
  float negative_slope = 0.2f;   ///< LeakyReLU slope of the attention logits
  bool add_self_loops = true;
  bool bias = true;
  std::uint64_t seed = 1;        ///< Glorot init (Model::initialize redraws "*weight")
};

/// GAT layer; `out` channels per head. Parameters "<name>.weight" (in × H·out), "<name>.att_src_weight",
/// "<name>.att_dst_weight" (H × out), "<name>.bias".
class GatLayer final : public Module {
 public:
  GatLayer(int in, int out, GatOptions opt = {}, std::string name = "gat");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override;
  std::string kind() const override { return "gat"; }
  int out_features() const override { return opt_.concat ? opt_.heads * out_ : out_; }
  /// Attention coefficients of the last training forward (arcs of the self-loop block × heads).
  const Matrix& attention() const { return alpha_; }

 private:
  struct Aug {
    std::vector<edge_t> offsets;
    std::vector<node_t> targets;
    Block view() const;
    node_t num_dst = 0, num_src = 0;
  };
  int in_, out_;
  GatOptions opt_;
  std::string name_;
  Param w_, att_src_, att_dst_, bias_;
  Aug aug_;
  Transposed aug_t_;
  Matrix x_, h_, epre_, alpha_;
  bool trained_ = false;
};

}  // namespace sprig::gnn
