// sprig/metrics/community.hpp — modularity of a partition and Louvain
// modularity optimisation.
//
// Modularity (Newman & Girvan 2004, with resolution γ as Reichardt &
// Bornholdt 2006): Q = Σ_c [ L_c / (2m) − γ (K_c / (2m))² ] for an undirected
// graph, where L_c is the sum of A_ij over i, j in c (each internal edge
// twice) and K_c the total strength of c — igraph's modularity() and
// networkx's modularity(). For a directed graph the directed form
// Q = (1/m) Σ_ij (A_ij − γ k_i^out k_j^in / m) δ(c_i, c_j) (igraph's).
//
// Louvain: Blondel, Guillaume, Lambiotte & Lefebvre, "Fast unfolding of
// communities in large networks" (J. Stat. Mech. 2008). Local moving visits
// the nodes in a seeded random order (Philox keyed by (seed, level)), moves
// each to the neighbouring community of largest gain (ties keep the current
// community, then the first community met in CSR order) and repeats until a
// pass moves nothing; then communities are aggregated and the next level
// runs on the quotient graph. The local moving is sequential by design, so
// the result depends only on the graph and the seed — identical for any
// thread count. Communities are numbered by their smallest node. The whole
// multilevel run is then repeated, level 0 starting from the previous
// partition instead of singletons, while modularity improves (max_rounds):
// nodes misplaced by an early coarsening can still move, which lifts
// modularity above a single Louvain run at the cost of a few more passes.
//
// Cost O(m) per pass (a few passes per level, a few levels), memory O(n + m).
// Undirected graphs only (symmetrize() a directed one). Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

/// Modularity of `membership` (n community ids, any non-negative integers).
/// Throws InvalidArgument on a size mismatch, a negative id, or a graph without edges.
double modularity(const Graph& g, std::span<const node_t> membership, double resolution = 1.0, bool use_weights = true);

struct LouvainOptions {
  double resolution = 1.0;
  std::uint64_t seed = 1;
  bool use_weights = true;
  int max_levels = 64;
  int max_passes = 1000;     ///< per level
  double min_gain = 1e-12;   ///< a move must improve the objective by more than this (relative to 2m)
  int max_rounds = 10;       ///< Louvain rounds, each seeded with the previous partition (1: plain Louvain)
  ProgressFn progress;       ///< stage "louvain", once per level
};

struct CommunityResult {
  std::vector<node_t> membership;  ///< community of each node, numbered by smallest node
  node_t count = 0;
  double modularity = 0;
  int levels = 0;
  /// membership after each level (levels.back() == membership).
  std::vector<std::vector<node_t>> level_membership;
};

/// Louvain communities. Throws InvalidArgument on a directed graph, resolution ≤ 0, negative weights.
CommunityResult louvain(const Graph& g, const LouvainOptions& opt = {});

/// Renumbers ids so communities follow the order of their smallest node; returns the count.
node_t canonical_membership(std::vector<node_t>& membership);

}  // namespace sprig
