// sprig/metrics/kcore.hpp — k-core decomposition (core numbers) and the
// degeneracy order of an undirected graph.
//
// Bucket peeling of Batagelj & Zaversnik, "An O(m) algorithm for cores
// decomposition of networks" (2003): nodes sit in buckets by current degree;
// the node of smallest degree is removed and its neighbours move down one
// bucket. The removal order is a degeneracy order (every node has at most
// `degeneracy` neighbours later in it). Matches igraph's coreness(mode="all")
// and networkx's core_number on simple graphs.
//
// Self-loops are ignored. A directed graph is rejected (symmetrize() it first).
// Cost O(n + m) time, sequential; memory 4 n-sized arrays. Deterministic
// (ties are removed in the bucket order, which depends only on the graph).
#pragma once

#include <vector>

#include <sprig/graph/csr.hpp>

namespace sprig {

struct CoreDecomposition {
  std::vector<node_t> core;   ///< core[v]: the largest k such that v lies in the k-core
  std::vector<node_t> order;  ///< nodes in removal order (a degeneracy order)
  node_t degeneracy = 0;      ///< max core number (0 for an empty graph)
};

/// Core numbers and degeneracy order. Throws InvalidArgument on a directed graph.
CoreDecomposition core_decomposition(const Graph& g);

/// Just the core numbers.
inline std::vector<node_t> core_numbers(const Graph& g) { return core_decomposition(g).core; }

}  // namespace sprig
