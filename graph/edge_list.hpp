// sprig/graph/edge_list.hpp — an edge list: what readers and generators produce
// and build_csr() turns into a Graph.
//
// Columns are parallel arrays: src, dst, and optionally weight and time (each
// empty or of the same length as src). `n` is the node count (ids in [0, n)).
// An undirected list gives each edge once (both orders are accepted and merged
// by the build).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sprig/graph/types.hpp>

namespace sprig {

struct EdgeList {
  std::int64_t n = 0;  ///< number of nodes; ids lie in [0, n)
  bool directed = false;
  std::vector<node_t> src, dst;
  std::vector<float> weight;        ///< empty, or one per edge
  std::vector<std::int64_t> time;   ///< empty, or one per edge

  std::size_t size() const noexcept { return src.size(); }
  bool weighted() const noexcept { return !weight.empty(); }
  bool timed() const noexcept { return !time.empty(); }

  void reserve(std::size_t m) {
    src.reserve(m);
    dst.reserve(m);
  }
  /// Appends an unweighted, untimed edge.
  void add(node_t u, node_t v) {
    src.push_back(u);
    dst.push_back(v);
  }
  /// Appends a weighted edge (the list must be weighted or empty).
  void add(node_t u, node_t v, float w) {
    add(u, v);
    weight.push_back(w);
  }

  /// Throws InvalidArgument if columns disagree in length, an id lies outside
  /// [0, n), n exceeds the 32-bit id range, or a weight is NaN or infinite.
  void validate() const;
};

}  // namespace sprig
