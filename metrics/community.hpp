// sprig/metrics/community.hpp — modularity of a partition; Louvain and
// Leiden modularity optimisation.
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
// Leiden: Traag, Waltman & van Eck, "From Louvain to Leiden: guaranteeing
// well-connected communities" (Sci. Rep. 9, 5233, 2019), Algorithm A.2.
// Each level: fast local moving with a queue (only neighbours of a moved
// node are revisited; a node may also move to an empty community), then
// refinement — inside each community, nodes start as singletons and a
// singleton that is well connected to its community joins a well-connected
// refined sub-community T with ΔH ≥ 0, drawn with probability ∝ exp(ΔH/θ)
// (θ = `randomness`; ΔH in edge-weight units, as igraph) — then aggregation
// on the refined partition, each aggregated node starting in its unrefined
// community. Levels repeat until every community is a single aggregated node,
// so every community is a refined set: connected (the Leiden guarantee). If
// refinement merges nothing, the connected pieces of the communities are
// aggregated instead (igraph aggregates the communities themselves there).
// Iterations restart from the previous partition while modularity improves.
// All randomness comes from Philox streams keyed by (seed, level counter) —
// the refinement's by (seed, level counter, community), so the communities
// are refined in parallel; aggregation and the level-0 graph are built in
// parallel (each row from its nodes in id order), and modularity is summed
// in fixed chunks. Local moving is sequential. So the result depends only on
// the graph and the options — identical for any thread count.
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

struct LeidenOptions {
  double resolution = 1.0;
  std::uint64_t seed = 1;
  bool use_weights = true;
  int iterations = -1;       ///< Leiden iterations, each from the previous partition; < 0: until modularity stops improving
  double randomness = 0.01;  ///< θ of the refinement's choice, in edge-weight units (igraph's beta)
  double min_gain = 1e-12;   ///< a move must improve the objective by more than this (relative to 2m)
  ProgressFn progress;       ///< stage "leiden", once per level
};

/// Leiden communities (every community connected). Throws InvalidArgument on a
/// directed graph, resolution ≤ 0, randomness ≤ 0, iterations == 0, negative weights.
CommunityResult leiden(const Graph& g, const LeidenOptions& opt = {});

/// Renumbers ids so communities follow the order of their smallest node; returns the count.
node_t canonical_membership(std::vector<node_t>& membership);

}  // namespace sprig
