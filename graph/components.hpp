// sprig/graph/components.hpp — weakly connected components.
//
// Concurrent union-find (hooking the larger root under the smaller, with path
// halving; cf. Shiloach–Vishkin and the union-find variants of Dhulipala,
// Hong, Shun, "ConnectIt", VLDB 2020). Because a root only ever hooks under a
// smaller id, the root of every tree ends as its component's smallest node,
// whatever order the parallel unions ran in; components are then numbered in
// the order of their smallest node.
//
// Cost: O((n + m) α(n)) work, parallel over rows; memory one n-sized array
// plus the result. Deterministic: the result is a pure function of the graph.
// For a directed graph the arcs are taken as undirected (weak connectivity).
#pragma once

#include <cstdint>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/types.hpp>

namespace sprig {

struct Components {
  std::vector<node_t> component;    ///< component[v] in [0, count); component 0 holds node 0
  node_t count = 0;                 ///< number of components (isolated nodes count)
  std::vector<std::int64_t> sizes;  ///< sizes[c] = number of nodes in component c
};

/// Weakly connected components, numbered by the order of their smallest node id.
Components weak_components(const Graph& g);

}  // namespace sprig
