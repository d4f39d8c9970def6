// sprig/graph/build.hpp — EdgeList → Csr: parallel count, scan, scatter, row sort.
//
// Cost O(n + m log d_max) work, parallel over edges and rows. Memory: the
// result's arrays plus one n-sized cursor array, plus a second copy of the
// arc arrays only when self-loops or duplicates are removed (so peak is about
// 2× the result). Deterministic: rows are sorted by (target, weight bits), so
// merged weights are combined in the same order for any thread count.
#pragma once

#include <cstdint>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/edge_list.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

enum class SelfLoops { drop, keep };
/// What to do with parallel arcs u→v: keep them all, keep one (the smallest
/// weight), or merge them into one whose weight is the sum / min / max.
enum class Duplicates { drop, keep, sum, min, max };

struct BuildOptions {
  SelfLoops self_loops = SelfLoops::drop;
  Duplicates duplicates = Duplicates::drop;
  bool symmetrize = false;  ///< build an undirected graph from a directed list
  bool keep_weights = true; ///< false: ignore the weight column
  bool validate = true;     ///< check ids and weights first (O(m))
  ProgressFn progress;
};

/// What the build changed, for reports such as `sprig info`.
struct BuildStats {
  std::int64_t input_edges = 0;
  std::int64_t self_loops_removed = 0;  ///< edges u–u dropped
  std::int64_t duplicates_merged = 0;   ///< arcs removed by merging parallel arcs
};

/// Builds the CSR of `edges`. The result is directed iff edges.directed and not
/// opt.symmetrize. Throws InvalidArgument on ids outside [0, n) or non-finite weights.
Graph build_csr(const EdgeList& edges, const BuildOptions& opt = {}, BuildStats* stats = nullptr);

/// Builds from raw arcs: `arcs` holds (source, target) pairs already oriented as
/// they are to be stored; used by the transforms. Weights may be empty.
Graph build_csr_from_arcs(node_t n, const std::vector<node_t>& src, const std::vector<node_t>& dst,
                          const std::vector<float>& weights, bool directed, const BuildOptions& opt = {},
                          BuildStats* stats = nullptr);

}  // namespace sprig
