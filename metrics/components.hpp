// sprig/metrics/components.hpp — strongly connected components, biconnected
// components and articulation points. (Weakly connected components live in
// graph/components.hpp: weak_components().)
//
// Strong components: Tarjan, "Depth-first search and linear graph
// algorithms" (SIAM J. Comput. 1972), iterative (an explicit stack, so deep
// graphs cannot overflow the call stack). Biconnected components and
// articulation points: Hopcroft & Tarjan (CACM 1973), iterative, with an
// edge stack.
//
// Output is canonical so it can be compared and is identical for any thread
// count: strong components are numbered in the order of their smallest node
// (the same rule as weak_components); each biconnected component is a sorted
// node list and the list of components is sorted lexicographically;
// articulation points are sorted. Isolated nodes belong to no biconnected
// component (as in igraph and networkx).
//
// Cost O(n + m) time, sequential; memory O(n) (+ O(m) edge stack for the
// biconnected components). Thread-safe (the graph is only read).
#pragma once

#include <vector>

#include <sprig/graph/components.hpp>
#include <sprig/graph/csr.hpp>

namespace sprig {

/// Strongly connected components of a directed graph, numbered by smallest node.
/// An undirected graph gives its connected components.
Components strong_components(const Graph& g);

struct Biconnected {
  std::vector<std::vector<node_t>> components;  ///< node sets, each sorted; sorted lexicographically
  std::vector<node_t> articulation_points;      ///< sorted
};

/// Biconnected components and articulation points. Self-loops are ignored.
/// Throws InvalidArgument on a directed graph.
Biconnected biconnected_components(const Graph& g);

}  // namespace sprig
