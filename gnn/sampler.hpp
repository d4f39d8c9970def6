// sprig/gnn/sampler.hpp — GraphSAGE-style neighbour sampling into bipartite blocks.
//
// Follows Hamilton, Ying, Leskovec, "Inductive Representation Learning on
// Large Graphs" (NeurIPS 2017), Algorithm 2, as DGL's MultiLayerNeighborSampler
// lays it out: starting from the seed (output) nodes, each layer ℓ = L−1 … 0
// samples, for every destination node, min(deg, fanout[ℓ]) distinct neighbours
// uniformly without replacement (all of them when deg ≤ fanout; fanout < 0
// means all), and the sources of layer ℓ become the destinations of layer ℓ−1.
// Each layer is one bipartite `Block` in the dst-first convention of
// gnn/module.hpp: local source ids 0..num_dst−1 are the destinations
// themselves (in order), new sources follow in order of first appearance
// (destination row order, then increasing neighbour id), so `x.row(i)` for
// i < num_dst is the root term of destination i.
//
// Randomness: the neighbours of node v at layer ℓ in step s are a pure function
// of (seed, s, ℓ, v) — Philox keyed by counter_hash(seed, s, ℓ) with item v —
// so a sample does not depend on the thread count or on which other seeds
// share the batch. Rows are built in parallel (per-row counts, prefix sum,
// fill); local ids are assigned in one sequential pass (O(arcs) hash lookups).
// Cost per layer: O(Σ_dst min(deg, k)·log k + Σ_dst k²) for Floyd's selection
// with k = fanout (O(deg) per row when k is large relative to deg).
// Thread-safe: no shared state. Errors: empty fan-out list, fanout == 0, seed ids
// out of range or repeated → InvalidArgument naming the value.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <sprig/gnn/module.hpp>
#include <sprig/graph/csr.hpp>

namespace sprig::gnn {

struct SamplerOptions {
  /// One fan-out per layer, input layer first (DGL order): fanouts[0] is the
  /// layer that reads the input features. < 0: all neighbours. Must be non-empty, no 0.
  std::vector<int> fanouts = {10, 10};
  std::uint64_t seed = 1;
  bool keep_weights = true;  ///< copy the graph's arc weights into the blocks (when weighted)
};

/// One sampled layer: owns the arrays a `Block` views.
struct SampledLayer {
  std::vector<edge_t> offsets;    ///< num_dst + 1
  std::vector<node_t> targets;    ///< local source ids, sorted per row
  std::vector<float> weights;     ///< empty, or one per arc
  std::vector<node_t> src_nodes;  ///< global id of each local source; first num_dst are the destinations
  node_t num_dst = 0;

  node_t num_src() const noexcept { return static_cast<node_t>(src_nodes.size()); }
  /// A view over the arrays (no transposed block: kernels build it when needed).
  Block block() const noexcept;
};

/// The blocks of one mini-batch: layers[0] reads the input features of
/// input_nodes() (= layers[0].src_nodes), layers.back() writes the seeds.
struct SampledBlocks {
  std::vector<SampledLayer> layers;
  std::vector<node_t> seeds;  ///< the output nodes, in the order given

  std::span<const node_t> input_nodes() const noexcept { return layers.front().src_nodes; }
  std::vector<Block> blocks() const;
};

/// Samples the blocks for `seeds` at optimiser step `step`. Throws
/// InvalidArgument on an empty fan-out list, a zero fan-out, an empty seed
/// list, a seed outside [0, n) or a repeated seed.
SampledBlocks sample_blocks(const Graph& g, std::span<const node_t> seeds, const SamplerOptions& opt,
                            std::uint64_t step = 0);

/// The neighbours that sample_blocks draws for node v in layer `layer` of step
/// `step` (global ids, increasing): exposed for tests and for a GPU twin.
std::vector<node_t> sample_neighbors(const Graph& g, node_t v, int fanout, std::uint64_t seed, std::uint64_t step,
                                     int layer);

/// A seeded permutation of `nodes` for epoch `epoch` (the mini-batch order): a
/// sort by counter_hash(seed, epoch, node), ties by id — thread-count independent.
std::vector<node_t> shuffled_nodes(std::span<const node_t> nodes, std::uint64_t seed, std::uint64_t epoch);

}  // namespace sprig::gnn
