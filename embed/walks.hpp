// sprig/embed/walks.hpp — random walks: uniform (DeepWalk), weighted,
// node2vec second-order, and temporal (forward in time).
//
// - Uniform: the next node is a uniformly chosen out-neighbour (Perozzi et al.,
//   DeepWalk, KDD 2014).
// - Weighted: chosen with probability w_vx / Σ w_v·, by per-node alias tables
//   (Walker/Vose: O(1) per step, 8 bytes per arc) or by per-row prefix sums
//   with a binary search (O(log d) per step, 4 bytes per arc); `sampling` picks.
// - node2vec (Grover & Leskovec, KDD 2016): from t to v, x is chosen with
//   weight w_vx·b(x), b = 1/p if x = t, 1 if t→x is an arc, 1/q otherwise; by
//   rejection sampling as KnightKing (Yang et al., SOSP 2019): propose x by the
//   first-order distribution, accept with probability b(x)/E, E = max(1, 1/q);
//   when 1/p > E the return edge's excess w_vt·(1/p − E) is an "outlier" area
//   drawn directly. Exact, no per-edge tables: O(n + m) memory, expected O(1)
//   proposals per step, each costing one binary search in t's row.
// - Temporal (CTDNE-style, Nguyen et al. 2018): from an edge taken at time τ
//   only edges with time > τ (or ≥ τ) may follow; the first edge and each later
//   one are chosen uniformly among those allowed.
// Walk i (i < walks_per_node · n) starts at node i mod n in round i div n and
// draws from the Philox stream keyed by (seed, node, round) — never by thread —
// so the walks are identical for any thread count (and for a GPU kernel
// keyed the same way), and any range of walks can be generated on its own.
// Output: a walks × length int32 matrix, −1 after a walk stops at a node
// without (allowed) out-arcs; a graph without edges gives walks of length 1.
// Cost: O(walks · length) expected steps, parallel over fixed blocks of walks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/edge_list.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

/// How weighted first-order steps are drawn.
enum class WeightedSampling {
  alias,       ///< per-node alias tables: O(1) per step, 8 bytes per arc
  prefix_sum,  ///< per-row prefix sums + binary search: O(log d) per step, 4 bytes per arc
};

struct WalkOptions {
  std::int64_t walks_per_node = 10;  ///< r ≥ 0
  std::int64_t length = 80;          ///< nodes per walk, start included, ≥ 1
  double p = 1.0;                    ///< node2vec return parameter, > 0
  double q = 1.0;                    ///< node2vec in-out parameter, > 0 (p = q = 1: first-order walks)
  bool use_weights = true;           ///< weighted steps when the graph has weights
  WeightedSampling sampling = WeightedSampling::alias;
  std::uint64_t seed = 1;
  ProgressFn progress;               ///< stage "walks", done/total walks, a few hundred reports at most
  Device device = Device::cpu;       ///< Device::cuda: identical walks on the GPU (embed/walks_cuda.hpp)
};

/// A block of walks: row i holds walk first + i, −1 after its end.
struct Walks {
  std::int64_t first = 0;       ///< index of the first walk held
  std::int64_t count = 0;       ///< walks held
  std::int64_t length = 0;      ///< columns
  std::vector<node_t> nodes;    ///< count × length, row-major

  std::span<const node_t> walk(std::int64_t i) const {
    return {nodes.data() + i * length, static_cast<std::size_t>(length)};
  }
  /// Nodes in walk i before the −1 padding.
  std::int64_t walk_length(std::int64_t i) const;
};

/// All walks_per_node · n walks of g. Throws InvalidArgument when p or q is not
/// > 0 and finite, length < 1, walks_per_node < 0, or a used weight is negative
/// or not finite; Cancelled when the progress callback asks to stop.
Walks random_walks(const Graph& g, const WalkOptions& opt = {});

/// Walks [begin, end) of random_walks(g, opt): the same rows, for streaming in
/// batches. Throws as random_walks and when the range is outside [0, r·n].
Walks random_walks_range(const Graph& g, const WalkOptions& opt, std::int64_t begin, std::int64_t end);

struct TemporalWalkOptions {
  std::int64_t walks_per_node = 10;  ///< ≥ 0
  std::int64_t length = 80;          ///< nodes per walk, ≥ 1
  bool strict = true;                ///< next edge time > current (false: ≥)
  std::uint64_t seed = 1;
  ProgressFn progress;               ///< stage "temporal walks"
};

/// Temporal walks over a timestamped edge list (an undirected list is walked
/// both ways). Throws InvalidArgument when the list has no time column or is invalid.
Walks temporal_random_walks(const EdgeList& edges, const TemporalWalkOptions& opt = {});

/// Number of arcs (bytes) the weighted sampler of `sampling` keeps for g: for benchmarks.
std::size_t walk_sampler_bytes(const Graph& g, WeightedSampling sampling);

}  // namespace sprig
