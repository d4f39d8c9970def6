// sprig/graph/simplices.hpp — timestamped simplices (higher-order interactions).
//
// A simplex is a set of nodes that interacted together at one time (a paper's
// authors, an e-mail's sender and recipients). Stored flat, CSR-like: simplex
// i holds nodes[offsets[i] .. offsets[i+1]), sorted and without repeats, at
// times[i]. Read by io/simplices_io, used by metrics/simplicial_closure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <sprig/graph/edge_list.hpp>
#include <sprig/graph/types.hpp>

namespace sprig {

/// Timestamped simplices: simplex i holds nodes[offsets[i] .. offsets[i+1]) at times[i].
struct SimplexList {
  node_t num_nodes = 0;
  std::vector<std::int64_t> offsets{0};
  std::vector<node_t> nodes;
  std::vector<std::int64_t> times;

  std::size_t size() const noexcept { return times.size(); }
  std::span<const node_t> simplex(std::size_t i) const noexcept {
    return std::span<const node_t>(nodes).subspan(static_cast<std::size_t>(offsets[i]),
                                                  static_cast<std::size_t>(offsets[i + 1] - offsets[i]));
  }
  /// Appends one simplex (nodes in any order, repeats allowed: they are merged).
  void add(std::span<const node_t> s, std::int64_t time);
};

/// How a timestamped edge list becomes simplices.
enum class EdgeSimplices {
  /// Edges with the same time that share nodes form one simplex (the nodes of
  /// each connected component of that instant's edges): an e-mail to several
  /// recipients, a paper's co-author pairs. Needed for closure, since a
  /// triangle closes only into a simplex of three or more nodes.
  group_by_time,
  each_edge,  ///< every edge its own 2-node simplex (nothing can ever close)
};

/// The simplices of a timestamped edge list, in order of time (ties: by
/// smallest node). Throws InvalidArgument when the list has no time column.
SimplexList simplices_from_edges(const EdgeList& edges, EdgeSimplices mode = EdgeSimplices::group_by_time);

}  // namespace sprig
