// sprig/gnn/lcm.hpp — learnable commutative monoid aggregation and its sequential GRU baseline.
//
// LCM (Ong & Veličković, "Learnable Commutative Monoids for Graph Neural
// Networks", 2022): a binary operator a ⊕ b = ½[GRU(a; b) + GRU(b; a)], with
// GRU(x; h) PyTorch's GRUCell (gates r, z, n; input x, hidden h):
//   r = σ(x W_ir + b_ir + h W_hr + b_hr),  z = σ(x W_iz + b_iz + h W_hz + b_hz),
//   n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn)),  GRU(x; h) = (1 − z) ⊙ n + z ⊙ h.
// ⊕ is commutative by construction (not associative). Each destination row
// reduces its own neighbours (in the block's arc order) as a balanced binary
// tree: level by level, items (0,1), (2,3), … are combined and an odd last item
// is carried up unchanged, so the depth is ⌈log₂ d⌉ and no padding value is ever
// combined (a row's output depends on its own neighbours only). A row with one
// neighbour outputs that neighbour's features; a row with none outputs 0.
// Levels are batched across all rows, never a loop per node with small products:
// level 0, whose operands are source rows shared by many arcs, projects each
// source row once (G0 = x·[W_ih | W_hh] + b, num_src × 6F: n·F² work instead of
// m·F²) and then every pair is pointwise; each later level stacks its pairs'
// operands in blocks of 128 pairs and projects them with one GEMM per block
// (gnn/gemm.hpp: AVX2/FMA when the CPU has it), then the two GRUs pointwise
// (Eigen's vectorised logistic/tanh). The backward is batched the same way: it
// re-projects each block (nothing per pair is stored), forms the gate gradients
// dG, and does dZ = dG·Wᵀ and dW += Zᵀ·dG as two more GEMMs; level 0 pulls per
// source over the transposed block (each arc knows its pair), so dx and dW of
// level 0 are again GEMMs over source rows. Weight gradients go to at most 256
// fixed per-range partials added in range order (deterministic).
// Optional associativity regulariser (the paper's): λ/T Σ ‖(a⊕b)⊕c − a⊕(b⊕c)‖²
// over T triples of distinct neighbours of rows with ≥ 3 neighbours, drawn by
// Philox keyed by (seed, step, triple); its gradient is added in backward and
// its value is `last_penalty()`.
//
// Sequential GRU baseline (the order-dependent aggregator the paper compares
// against): h_0 = 0, h_t = GRU(x_{π(t)}; h_{t−1}), output h_d, with π a seeded
// random permutation per row (Philox keyed by (seed, row)); batched by step
// across rows sorted by degree.
//
// Cost: LCM O(m · F²): every operand of a level ≥ 1 (Σ_i d_i − 1 or − 2 by parity, ≈ m − 1.5n, on a
// graph with m arcs) is projected through the F × 6F matrix three times per
// training step (forward, backward re-projection, dZ) plus once for dW, i.e.
// ≈ 4 · 6F² multiply-adds each; level 0 costs O(n · F²) + O(m · F) pointwise.
// Memory O(m · F) for the tree's levels plus num_src × 6F for G0 during training.
// Deterministic for any thread count.
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>
#include <sprig/gnn/spmm.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sprig::gnn {

/// The parameters of one GRU cell of width F (x·W convention: W is F × 3F, gates r|z|n).
struct GruCell {
  Param w_ih, w_hh, b_ih, b_hh;
  GruCell() = default;
  /// PyTorch's init: every entry U(±1/√F), Philox keyed by (seed, tensor, element).
  GruCell(int features, std::uint64_t seed, const std::string& name);
  int features() const { return static_cast<int>(w_ih.value.rows()); }
  std::vector<Param*> parameters() { return {&w_ih, &w_hh, &b_ih, &b_hh}; }
};

/// GRU(x; h) row by row (x, h: rows × F).
Matrix gru_forward(const GruCell& cell, const Matrix& x, const Matrix& h);
/// Backward of gru_forward: dx, dh (rows × F); adds the parameter gradients into cell's Params.
void gru_backward(GruCell& cell, const Matrix& x, const Matrix& h, const Matrix& grad_out, Matrix& dx, Matrix& dh);
/// a ⊕ b = ½[GRU(a; b) + GRU(b; a)] row by row.
Matrix lcm_combine(const GruCell& cell, const Matrix& a, const Matrix& b);
/// Backward of lcm_combine: da, db; adds parameter gradients.
void lcm_combine_backward(GruCell& cell, const Matrix& a, const Matrix& b, const Matrix& grad_out, Matrix& da,
                          Matrix& db);

struct LcmOptions {
  std::uint64_t seed = 1;    ///< GRU initialisation
  float assoc_lambda = 0.0f;  ///< associativity regulariser weight λ (0 = off)
  int assoc_triples = 256;    ///< triples T per training forward
};

/// LCM aggregation over a block (width F → F).
class LcmAggregator : public Module {
 public:
  LcmAggregator(int features, const LcmOptions& opt = {}, const std::string& name = "lcm");
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override { return cell_.parameters(); }
  std::string kind() const override { return "lcm"; }
  int out_features() const override { return features_; }
  /// The regulariser's value at the last training forward (0 when off).
  double last_penalty() const { return penalty_; }
  /// Tree depth of the last forward (max over rows of ⌈log₂ d⌉).
  int last_depth() const { return depth_; }
  GruCell& cell() { return cell_; }

 private:
  struct Level {
    std::vector<std::int64_t> left, right, pair_to;  // items (level 0: arcs) and output rows of next
    std::vector<std::int64_t> carry_from, carry_to;
    Matrix next;  // values of the next level
  };
  int features_;
  LcmOptions opt_;
  GruCell cell_;
  std::vector<Level> levels_;
  // Final item of each row: kind (0 none, 1 level-0 arc, 2 row of levels_[l−1].next) and index.
  std::vector<std::int8_t> final_kind_;
  std::vector<std::int32_t> final_level_;
  std::vector<std::int64_t> final_index_;
  Matrix x_;
  Matrix g0_;  // level 0: x·[W_ih | W_hh] + [b_ih | b_hh] per source row (num_src × 6F), forward to backward
  TransposeCache tcache_;
  // Regulariser triples (x rows) from the last training forward.
  std::vector<node_t> ta_, tb_, tc_;
  double penalty_ = 0;
  int depth_ = 0;
  bool trained_ = false;
};

/// PyTorch's LSTMCell parameters (x·W convention: W is F × 4F, gates i|f|g|o), init U(±1/√F).
struct LstmCell {
  Param w_ih, w_hh, b_ih, b_hh;
  LstmCell() = default;
  LstmCell(int features, std::uint64_t seed, const std::string& name);
  std::vector<Param*> parameters() { return {&w_ih, &w_hh, &b_ih, &b_hh}; }
};

/// Sequential GRU (or, with `lstm`, LSTM: c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh c_t, c_0 = h_0 = 0)
/// over each row's neighbours in a seeded random order (the order-dependent baseline); output h_d.
class GruSequenceAggregator : public Module {
 public:
  GruSequenceAggregator(int features, std::uint64_t seed = 1, const std::string& name = "gru", bool lstm = false);
  Matrix forward(const Block& block, const Matrix& x, const Context& ctx) override;
  Matrix backward(const Block& block, const Matrix& grad_out) override;
  std::vector<Param*> parameters() override { return lstm_ ? lcell_.parameters() : cell_.parameters(); }
  std::string kind() const override { return lstm_ ? "lstm" : "gru"; }
  int out_features() const override { return features_; }

 private:
  int features_;
  std::uint64_t seed_;
  bool lstm_;
  GruCell cell_;
  LstmCell lcell_;
  std::vector<Matrix> c_;  // LSTM cell states c_0 .. c_T
  std::vector<node_t> order_;                  // rows by degree, descending (ties by id)
  std::vector<std::vector<edge_t>> step_arcs_;  // step t: arc of each active row (prefix of order_)
  std::vector<Matrix> h_;                      // h_0 .. h_T for the active prefix of each step
  Matrix x_;
  bool trained_ = false;
};

}  // namespace sprig::gnn
