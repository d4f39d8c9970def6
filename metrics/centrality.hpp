// sprig/metrics/centrality.hpp — PageRank, exact (and source-sampled)
// betweenness, closeness and harmonic centrality.
//
// PageRank (Brin & Page 1998), the fixed point of
//   x'_v = (1 − d) p_v + d (Σ_{u→v} x_u w_uv / s_u + D q_v),
// where s_u is u's out-strength, D the rank held by dangling nodes (s_u = 0)
// and q the distribution they jump to: the personalization vector p by
// default (what networkx and igraph/PRPACK do), or uniform. Iteration stops
// when ‖x' − x‖ — what one more power step would change — is below
// `tolerance` in the chosen norm (stopping rules differ between libraries:
// compare at a tight tolerance). Directed graphs: power iteration in pull form
// over in-arcs. Undirected graphs (real spectrum): Chebyshev semi-iteration on
// the same fixed point, ≈ 3× fewer passes at d = 0.85 (metrics/pagerank.cpp).
// Cost O(m) per pass, parallel over nodes; each node sums its in-arcs in CSR
// order and reductions add fixed chunks in order, so the result is bitwise
// identical for any thread count.
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
// Exact unweighted undirected runs first fold away degree-1 nodes (Baglioni,
// Geraci, Pellegrini & Lastres, ASONAM 2012; Sariyüce, Saule, Kaya &
// Çatalyürek, SDM 2013): trees hanging off the graph get closed-form scores
// and their sizes become pair weights of a weighted-source Brandes on the
// rest — exact, fewer sources and nodes. Cost O(n m) unweighted, O(n m log n)
// weighted; memory O(n + m) per thread (unweighted: the shortest-path DAG's
// arcs of the current source), plus the folded copy of the graph.
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
  /// Undirected graphs whose dangling rank goes where the teleport goes (the
  /// default rule, or no dangling node): Chebyshev semi-iteration. false: plain
  /// power iteration (same fixed point and stopping rule, ≈ 3× more passes).
  bool accelerate = true;
  ProgressFn progress;        ///< stage "pagerank", once per iteration
};

struct PageRankResult {
  std::vector<double> rank;  ///< sums to 1
  int iterations = 0;        ///< passes over the arcs
  double change = 0;         ///< the last ‖x' − x‖ (a power step's change)
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

/// Sampled betweenness with an (ε, δ) guarantee: Riondato & Kornaropoulos,
/// "Fast approximation of betweenness centrality through sampling" (Data Min.
/// Knowl. Disc. 30, 2016). r = ⌈(c/ε²)(⌊log₂(VD − 2)⌋ + 1 + ln(1/δ))⌉ node
/// pairs (u, v), u ≠ v, drawn uniformly; for each, one shortest u→v path drawn
/// uniformly (BFS or Dijkstra from u, then back from v choosing predecessor p
/// with probability σ_up / σ_uw); each interior node of the path gains 1/r.
/// With probability ≥ 1 − δ every estimate is within ε of the normalised
/// betweenness b(v) = Σ_{s≠v≠t} σ_st(v)/σ_st / (n(n − 1)) over ordered pairs
/// (RK's normalisation; igraph's normalized=True undirected value is
/// b(v) · n/(n − 2)). VD is an upper bound on the vertex diameter (nodes on a
/// shortest path): undirected unweighted graphs, 2·ecc(s) + 1 from one BFS per
/// component (RK §5.1); otherwise the size of the largest weakly connected
/// component (always valid, looser; VD enters only through log₂). Samples run
/// in parallel; each is keyed by (seed, sample index) and counts are integers,
/// so the result is identical for any thread count. Cost r · O(m) worst case
/// (unweighted BFS stops at the target's level).
struct SampledBetweennessOptions {
  double epsilon = 0.01;     ///< additive error bound, in (0, 1)
  double delta = 0.1;        ///< failure probability, in (0, 1)
  double c = 0.5;            ///< the universal constant of the VC-dimension bound (RK use 0.5)
  std::uint64_t seed = 1;
  bool use_weights = true;   ///< weighted graphs: arc weights are lengths (> 0)
  ProgressFn progress;       ///< stage "betweenness-sample", between blocks of samples
};

struct SampledBetweenness {
  std::vector<double> value;      ///< b̃(v), estimates of the normalised betweenness above
  std::int64_t samples = 0;       ///< r
  std::int64_t vertex_diameter_bound = 0;
  double epsilon = 0, delta = 0;
};

/// Betweenness estimates with the (ε, δ) guarantee above. Throws InvalidArgument
/// for ε or δ outside (0, 1), c ≤ 0, or a non-positive weight.
SampledBetweenness sampled_betweenness(const Graph& g, const SampledBetweennessOptions& opt = {});

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
