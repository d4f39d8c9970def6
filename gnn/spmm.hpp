// sprig/gnn/spmm.hpp — generalized sparse–dense products over a Block, and their backward passes.
//
// Every kernel pulls over destination rows (DGL's "pull", `src/array/cpu/spmm.h`):
// row i of the output reduces the messages of the arcs (i ← j) of row i, so no
// two threads ever write the same row, there are no atomics, and the result is
// bitwise identical for any thread count (each row is computed by one thread in
// a fixed order). Backward passes that flow from destinations to sources pull
// over the transposed block (`Transposed`, which also keeps each transposed
// arc's index in the original block, for gradients of edge values and for the
// argmax of max/min).
//
//   message  source:    m_ij = x_j
//            weighted:  m_ij = w_ij · x_j          (block weights; 1 when the block has none)
//            edge:      m_ij = e_ij[h] · x_j       (per-arc values, H heads: column block h of x uses e[:, h])
//   reduce   sum, mean (÷ number of arcs of the row), max, min (argmax / argmin arc kept per
//            output entry for the backward; a row without arcs gives 0 and arc −1).
//
// SDDMM: e_a = ⟨u_i, v_j⟩ per head (attention, dot-product decoders) or
// e_a = u_i[h] + v_j[h] (GAT's additive attention). Edge softmax normalises
// per destination row and head; its backward is de = α ⊙ (dα − Σ_row α dα).
//
// Cost: O(m · F) per kernel (m arcs, F columns); transposing a block is O(m)
// and `TransposeCache` rebuilds only when the block's content changes. Edge
// values are `Matrix` objects of num_arcs × heads (row = arc index).
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace sprig::gnn {

enum class Reduce { sum, mean, max, min };
enum class Message { source, weighted, edge };

/// What one SpMM computes. `edge` (num_arcs × heads) is read only for Message::edge.
struct SpmmSpec {
  Reduce reduce = Reduce::sum;
  Message message = Message::weighted;
  const Matrix* edge = nullptr;
};

/// The transposed structure of a block: rows = sources, targets = destinations
/// (sorted), arcs = the index of each transposed arc in the original block.
struct Transposed {
  std::vector<edge_t> offsets;  ///< num_src + 1
  std::vector<node_t> targets;  ///< destination ids
  std::vector<edge_t> arcs;     ///< original arc index of each transposed arc
  node_t num_rows = 0;          ///< = block.num_src
  node_t num_cols = 0;          ///< = block.num_dst
};

/// Builds the transposed structure (O(m + n), deterministic).
Transposed transpose(const Block& block);

/// Keeps the transpose of the last block it saw; rebuilds when the block's
/// shape or content (a 64-bit fingerprint of offsets and targets) changes, so a
/// sampler that reuses its buffers never gets a stale transpose.
class TransposeCache {
 public:
  const Transposed& get(const Block& block);
  void clear() { valid_ = false; }

 private:
  bool valid_ = false;
  std::uint64_t fingerprint_ = 0;
  Transposed t_;
};

/// Checks a block's invariants (sizes, offsets monotone, targets < num_src,
/// weights empty or one per arc); throws InvalidArgument naming `who` and the rule.
void validate_block(const Block& block, const char* who);

/// Forward SpMM: num_dst × F. `arg` (max/min only) receives num_dst·F arc indices (−1: empty row).
/// Throws InvalidArgument on shape mismatches (x rows ≠ num_src, edge rows ≠ arcs, F % heads ≠ 0).
Matrix spmm(const Block& block, const Matrix& x, const SpmmSpec& spec = {}, std::vector<edge_t>* arg = nullptr);

/// dL/dx (num_src × F) from dL/dout (num_dst × F). `arg` from the forward is required for max/min;
/// `t` is the block's transpose (built here when null).
Matrix spmm_backward_x(const Block& block, const Matrix& grad_out, const SpmmSpec& spec = {},
                       const std::vector<edge_t>* arg = nullptr, const Transposed* t = nullptr);

/// dL/d(edge values) (num_arcs × heads) for Message::edge; x is the forward's input.
Matrix spmm_backward_edge(const Block& block, const Matrix& x, const Matrix& grad_out, const SpmmSpec& spec,
                          const std::vector<edge_t>* arg = nullptr);

/// Mean and mean of squares of the (source) messages per destination row in
/// one pass: the moments behind std/var aggregation. Rows without arcs give 0.
void spmm_moments(const Block& block, const Matrix& x, Matrix& mean, Matrix& mean_sq);

/// SDDMM, dot product per head: e[a][h] = ⟨u_i[head h], v_j[head h]⟩ for arc a = (i ← j).
/// u: num_dst × F, v: num_src × F, F % heads == 0. Returns num_arcs × heads.
Matrix sddmm_dot(const Block& block, const Matrix& u, const Matrix& v, int heads = 1);
/// Backward of sddmm_dot: du (num_dst × F) and dv (num_src × F), either may be null.
void sddmm_dot_backward(const Block& block, const Matrix& u, const Matrix& v, const Matrix& grad_e, Matrix* du,
                        Matrix* dv, const Transposed* t = nullptr);

/// SDDMM, addition: e[a][h] = u[i][h] + v[j][h]; u: num_dst × H, v: num_src × H.
Matrix sddmm_add(const Block& block, const Matrix& u, const Matrix& v);
/// Backward of sddmm_add: du[i] = Σ_{a in row i} de[a], dv[j] = Σ_{a = (·←j)} de[a]; either may be null.
void sddmm_add_backward(const Block& block, const Matrix& grad_e, Matrix* du, Matrix* dv,
                        const Transposed* t = nullptr);

/// Softmax of edge scores (num_arcs × heads) over each destination row, per head (max-shifted).
Matrix edge_softmax(const Block& block, const Matrix& scores);
/// Backward of edge_softmax: dscore = α ⊙ (dα − Σ_row α ⊙ dα).
Matrix edge_softmax_backward(const Block& block, const Matrix& alpha, const Matrix& grad_alpha);

/// Number of arcs of each destination row, as floats (num_dst × 1).
Vector in_degrees(const Block& block);

}  // namespace sprig::gnn
