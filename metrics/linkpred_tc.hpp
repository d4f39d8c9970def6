// sprig/metrics/linkpred_tc.hpp — Topological Concentration (TC) and its
// approximation ATC, per node (Wang et al., "A Topological Perspective on
// Demystifying GNN-Based Link Prediction Performance", ICLR 2024).
//
// K = 1 with SAGE-normalised weights, as the paper's experiments use it:
//   TC_u = mean over v in N_split(u) of |N_train(u) ∩ N_train(v)| / |N_train(u)|
// (0 when N_train(u) is empty; NaN for a node with no split neighbour, i.e. not
// evaluated). N_split(u) are u's neighbours among `split_edges` (each pair
// counts for both ends), N_train those in the training graph.
// General K (hop decay β): with w_u^k the row of A^k (k-step walk counts from u),
//   TC_u^K = mean_v Σ_{k1,k2=1..K} β^{k1+k2-2} ⟨w_u^{k1}, w_v^{k2}⟩ / ‖w_u^{k1}‖_1,
// which is the K = 1 formula for K = 1 (⟨A_u, A_v⟩ = |N(u) ∩ N(v)|). This
// walk-count form is what ATC's propagated projections estimate.
// ATC: R is n × d with independent ±1/√d entries (E⟨r_a, r_b⟩ = [a = b]);
// P_k = A^k R by K sparse products; ⟨w_u^{k1}, w_v^{k2}⟩ ≈ ⟨P_{k1}[u], P_{k2}[v]⟩.
// Unbiased, with variance O(1/d): it converges to TC as d grows.
//
// Cost: TC exact O(Σ over split pairs of the K-hop walk supports of both ends);
// ATC O(K·d·m + d·|split|) time, O(K·n·d) memory. Determinism: R's entries are
// counter_hash(seed, node, column); sums run in a fixed order per node, so the
// results are identical for any thread count. Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

namespace sprig {

struct TopologicalConcentrationOptions {
  int hops = 1;        ///< K, 1..4
  double beta = 0.5;   ///< hop decay, > 0 (unused for K = 1)
};

/// Exact TC per node of `train` (size n; NaN where a node has no split edge).
/// Throws InvalidArgument on a directed graph, ids outside [0, n) or bad options.
std::vector<double> topological_concentration(const Graph& train, std::span<const NodePair> split_edges,
                                              const TopologicalConcentrationOptions& opt = {});

struct ApproxTopologicalConcentrationOptions {
  int hops = 1;
  double beta = 0.5;
  int dim = 256;           ///< d, the projection width, > 0
  std::uint64_t seed = 1;
};

/// ATC per node: TC with the inner products estimated by random projections.
std::vector<double> approximate_topological_concentration(const Graph& train, std::span<const NodePair> split_edges,
                                                          const ApproxTopologicalConcentrationOptions& opt = {});

}  // namespace sprig
