// sprig/metrics/centrality.hpp — PageRank, exact (and source-sampled)
// betweenness, closeness and harmonic centrality.
//
// PageRank (Brin & Page 1998) by power iteration in pull form over in-arcs:
//   x'_v = (1 − d) p_v + d (Σ_{u→v} x_u w_uv / s_u + D q_v),
// where s_u is u's out-strength, D the rank held by dangling nodes (s_u = 0)
// and q the distribution they jump to: the personalization vector p by
// default (what networkx and igraph/PRPACK do), or uniform. Iteration stops
// when the change between iterates, in the chosen norm, is below `tolerance`
// (stopping rules differ between libraries: compare at a tight tolerance).
// Cost O(m) per iteration, parallel over nodes; each node sums its in-arcs in
// CSR order and reductions add fixed chunks in order, so the result is
// bitwise identical for any thread count.
//
// Betweenness: Brandes, "A faster algorithm for betweenness centrality"
// (J. Math. Sociol. 2001): one BFS (unweighted) or Dijkstra (weighted, arc
// weights are lengths, must be > 0) per source, dependencies accumulated over
// successors in reverse order of distance. Sources are split into fixed
// chunks, chunks run in parallel in waves of 16, each with its own partial
// array; the partials are added in chunk order — identical for any thread
// count. Undirected scores are halved (each pair counted once), as igraph
// and networkx do. With `sources` given, only those sources are used and the
// scores are scaled by n / |sources| (Brandes & Pich 2007 estimator). Weighted
// distances are compared with a relative tolerance of 1e-10, like igraph.
// Cost O(n m) unweighted, O(n m log n) weighted; memory O(16 · n).
//
// Closeness (igraph's convention): (r − 1) / Σ d(v, u) over the r nodes v
// reaches (itself included), NaN when it reaches none; `wf_improved` further
// multiplies by (r − 1)/(n − 1) (Wasserman–Faust, networkx's default).
// Harmonic: Σ_{u≠v} 1/d(v, u), optionally divided by n − 1. Distances are
// out-distances (igraph mode="out"). Parallel over nodes, deterministic.
// All functions are thread-safe (the graph is only read).
#pragma once

#include <cstdint>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

/// Norm of the change between iterates used by PageRank's stopping rule.
enum class Norm { l1, l2, linf };
/// Where the rank of dangling nodes goes.
enum class Dangling { personalization, uniform };

struct PageRankOptions {
  double damping = 0.85;
  double tolerance = 1e-10;   ///< stop when ‖x' − x‖ < tolerance
  Norm norm = Norm::l1;
  int max_iterations = 1000;  ///< reaching it sets converged = false (no throw)
  bool use_weights = true;    ///< false: ignore the graph's weights
  std::vector<double> personalization;  ///< empty: uniform; else n non-negative values (normalised here)
  Dangling dangling = Dangling::personalization;
  ProgressFn progress;        ///< stage "pagerank", once per iteration
};

struct PageRankResult {
  std::vector<double> rank;  ///< sums to 1
  int iterations = 0;
  double change = 0;         ///< the last ‖x' − x‖
  bool converged = false;
};

/// PageRank. Throws InvalidArgument for damping outside [0, 1), tolerance ≤ 0,
/// a personalization of wrong size, negative or all-zero, or negative weights.
PageRankResult pagerank(const Graph& g, const PageRankOptions& opt = {});

struct BetweennessOptions {
  bool use_weights = true;      ///< weighted graphs: arc weights are lengths (> 0)
  bool normalized = false;      ///< divide by (n−1)(n−2) (directed) or (n−1)(n−2)/2 (undirected)
  std::vector<node_t> sources;  ///< empty: every node (exact); else the sampled sources
  ProgressFn progress;          ///< stage "betweenness", between waves of chunks
};

/// Betweenness centrality of every node. Throws InvalidArgument on a source
/// outside [0, n) or a non-positive weight.
std::vector<double> betweenness(const Graph& g, const BetweennessOptions& opt = {});

/// k distinct sources drawn uniformly (a Philox stream keyed by seed), sorted.
std::vector<node_t> sample_sources(node_t n, node_t k, std::uint64_t seed);

struct ClosenessOptions {
  bool use_weights = true;
  bool wf_improved = false;  ///< scale by (r−1)/(n−1) (networkx's default)
  ProgressFn progress;
};

/// Closeness centrality (see the header comment for the convention).
std::vector<double> closeness(const Graph& g, const ClosenessOptions& opt = {});

struct HarmonicOptions {
  bool use_weights = true;
  bool normalized = false;  ///< divide by n − 1 (igraph's harmonic_centrality normalized=True)
  ProgressFn progress;
};

/// Harmonic centrality Σ_{u≠v} 1/d(v,u) (unreachable nodes add 0).
std::vector<double> harmonic_centrality(const Graph& g, const HarmonicOptions& opt = {});

}  // namespace sprig
