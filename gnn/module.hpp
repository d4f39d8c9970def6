// sprig/gnn/module.hpp — the one interface every GNN layer implements.
//
// A layer maps source-node features to destination-node features over a
// `Block`: a CSR whose rows are destination nodes and whose targets index
// source nodes (messages flow target → row, i.e. rows pull from their
// neighbours, as DGL's "pull" and sprig's kernels do: no atomics, any thread
// count gives the same bits). Full-batch training uses the whole graph as one
// square block; mini-batch training (GraphSAGE sampling) builds one bipartite
// block per layer whose first `num_dst` sources are the destinations
// themselves (DGL's convention), so root/self terms read `x.row(i)` for i < num_dst.
//
// Layers are the only stateful objects in sprig (they hold parameters across
// epochs and cache what `backward` needs during a training `forward`). A
// forward with `ctx.training == false` caches nothing. One forward, then at
// most one backward with the same block; not thread-safe per instance
// (internally each kernel is parallel and deterministic).
#pragma once

#include <sprig/gnn/matrix.hpp>
#include <sprig/graph/types.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sprig::gnn {

/// Sparse operand of a layer: destination rows pulling from source columns.
/// Views only: the owner (a Graph, a sampler's buffers) outlives the block.
struct Block {
  std::span<const edge_t> offsets;  ///< num_dst + 1 entries, offsets[0] == 0
  std::span<const node_t> targets;  ///< source ids, each < num_src; sorted per row
  std::span<const float> weights;   ///< empty = all 1, else one per arc
  node_t num_dst = 0;
  node_t num_src = 0;
  /// The same block transposed (rows = sources), for backward passes that
  /// pull instead of scatter. Optional: kernels build it when absent.
  const Block* transposed = nullptr;

  edge_t num_arcs() const noexcept { return static_cast<edge_t>(targets.size()); }
  std::span<const node_t> neighbors(node_t v) const noexcept {
    return targets.subspan(static_cast<std::size_t>(offsets[v]),
                           static_cast<std::size_t>(offsets[v + 1] - offsets[v]));
  }
};

/// Per-call state: training switches dropout and caching on; dropout masks
/// are keyed by (seed, step, layer, element) with sprig's Philox, never by thread.
struct Context {
  bool training = false;
  std::uint64_t seed = 0;
  std::uint64_t step = 0;  ///< the optimiser step (epoch or batch), part of the dropout key
};

/// A differentiable layer. `forward` returns num_dst rows; `backward` takes
/// dL/d(output) (num_dst rows), adds dL/d(param) into each Param::grad and
/// returns dL/d(input) (num_src rows).
class Module {
 public:
  virtual ~Module() = default;
  virtual Matrix forward(const Block& block, const Matrix& x, const Context& ctx) = 0;
  virtual Matrix backward(const Block& block, const Matrix& grad_out) = 0;
  virtual std::vector<Param*> parameters() = 0;
  /// Short kind name ("gcn", "sage", "linear", …): stored in saved models.
  virtual std::string kind() const = 0;
  /// Output width (lets Model check shapes before running).
  virtual int out_features() const = 0;
};

}  // namespace sprig::gnn
