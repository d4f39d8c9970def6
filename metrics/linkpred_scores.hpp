// sprig/metrics/linkpred_scores.hpp — heuristic link-prediction scores for a
// list of node pairs on an (undirected) training graph, top-k candidate
// generation over 2-hop neighbourhoods, and common-neighbour lists as a CSR.
//
// Scores (k_x = degree, Γ(x) = neighbours, CN = |Γ(u) ∩ Γ(v)|; Lü & Zhou,
// "Link prediction in complex networks: a survey", Physica A 390, 2011):
//   cn          common neighbours           CN
//   jaccard     Jaccard                     CN / |Γ(u) ∪ Γ(v)|   (0 when the union is empty)
//   sorensen    Sørensen                    2 CN / (k_u + k_v)   (0 when both are 0)
//   salton      Salton (cosine)             CN / √(k_u k_v)      (0 when a degree is 0)
//   hpi         hub promoted                CN / min(k_u, k_v)   (0 when the min is 0)
//   hdi         hub depressed               CN / max(k_u, k_v)   (0 when the max is 0)
//   lhn         Leicht–Holme–Newman         CN / (k_u k_v)       (0 when a degree is 0)
//   pa          preferential attachment     k_u k_v
//   aa          Adamic–Adar                 Σ_{w∈CN} 1 / ln k_w
//   ra          resource allocation         Σ_{w∈CN} 1 / k_w
//   lp          local path index            (A²)_uv + ε (A³)_uv             (lp_epsilon)
//   katz        truncated Katz (walks)      Σ_{l=1..L} β^l (A^l)_uv        (katz_beta, katz_max_length)
//   katz_paths  truncated Katz, simple paths Σ_{l=1..L} β^l · #simple u–v paths of length l
//   ppr         personalized PageRank       π_u(v), forward push (Andersen, Chung & Lang 2006),
//                                           teleport ppr_alpha, push while r(x) > ppr_epsilon·k_x
//   ppr_sym     symmetric PPR               π_u(v) + π_v(u)
//   simrank     SimRank (Jeh & Widom 2002)  s_K(u,v) with C = simrank_c, K = simrank_iterations,
//                                           computed for the pair alone as E[C^τ; τ ≤ K], τ the first
//                                           meeting time of two independent random walks from u and v
//   inv_dist    1 / shortest-path distance  0 when unreachable (or farther than max_distance)
//   wcn         weighted CN                 Σ_{w∈CN} (w_uw + w_wv)                 (Lü & Zhou 2010,
//   waa         weighted AA                 Σ_{w∈CN} (w_uw + w_wv) / ln(1 + s_w)    "Link prediction in
//   wra         weighted RA                 Σ_{w∈CN} (w_uw + w_wv) / s_w            weighted networks")
// where s_w is the weighted degree (strength); unweighted graphs use weight 1.
// PPR treats a node without neighbours as absorbing (its walk stops there).
//
// Target edge: with exclude_target_edge, a pair (u, v) that is an edge of the
// graph is scored as if that edge were removed (degrees of u and v drop by 1,
// walks, pushes and paths do not use it) — what training pairs need, so that a
// positive does not see itself. Pairs that are not edges are unaffected.
//
// Cost per pair: the neighbourhood scores O(k_u + k_v) by a sorted merge
// (galloping search when one list is ≥ 8× the other); lp / katz O(size of the
// ⌈L/2⌉-hop balls of u and v); ppr O(1/(α ε)) per distinct source (pairs
// sharing a source share one push when their target edge is not excluded);
// simrank O(product of the K-hop balls); inv_dist a bidirectional BFS;
// katz_paths a depth-L search pruned by the distance to v (exponential in L).
// Determinism: each pair's score is computed by one thread in a fixed order, so
// results are bitwise identical for any thread count. Thread-safe (no shared
// mutable state). Directed graphs are rejected: symmetrize first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>
#include <sprig/graph/types.hpp>

namespace sprig {

/// A candidate link (u, v); layout-compatible with a k × 2 int32 array.
struct NodePair {
  node_t u = 0, v = 0;
  friend bool operator==(const NodePair&, const NodePair&) = default;
};

enum class LinkScore {
  common_neighbors, jaccard, sorensen, salton, hub_promoted, hub_depressed, leicht_holme_newman,
  preferential_attachment, adamic_adar, resource_allocation, local_path, katz, katz_paths, ppr, ppr_symmetric,
  simrank, inverse_distance, weighted_cn, weighted_aa, weighted_ra
};

/// Every score, in the order of the enum.
std::span<const LinkScore> all_link_scores() noexcept;
/// Short name ("cn", "jaccard", "aa", ...) as in the table above.
std::string_view link_score_name(LinkScore s) noexcept;
/// One-line formula, for --help.
std::string_view link_score_formula(LinkScore s) noexcept;
/// Parses a short name; throws InvalidArgument listing the valid names.
LinkScore parse_link_score(std::string_view name);
/// Parses "cn,aa,ra" (also "all"); throws InvalidArgument on an unknown or empty name.
std::vector<LinkScore> parse_link_scores(std::string_view comma_list);

struct LinkScoreOptions {
  bool exclude_target_edge = false;  ///< score an edge (u, v) as if it were removed (training pairs)
  double lp_epsilon = 1e-3;          ///< ε of the local path index, ≥ 0
  double katz_beta = 0.05;           ///< β of truncated Katz, > 0
  int katz_max_length = 3;           ///< L of truncated Katz, 1..12 (katz_paths: 1..8)
  double ppr_alpha = 0.15;           ///< teleport probability, in (0, 1)
  double ppr_epsilon = 1e-5;         ///< push tolerance (per unit degree), > 0
  double simrank_c = 0.8;            ///< SimRank decay, in (0, 1)
  int simrank_iterations = 3;        ///< SimRank iterations K, 1..10
  int max_distance = 0;              ///< inv_dist: stop searching beyond this (0: unbounded)
  bool validate = true;              ///< check pair ids (O(#pairs))
  ProgressFn progress;               ///< stage "score": pairs done (one call per block of pairs)
  Device device = Device::cpu;       ///< Device::cuda: cn..ra on the GPU, equal values (metrics/linkpred_scores_cuda.hpp)
};

/// Score columns for `pairs`: result[j][i] is score `scores[j]` of pairs[i].
/// Throws InvalidArgument for a directed graph, an id outside [0, n), u == v,
/// or an option out of range (naming it); Cancelled if progress says stop.
std::vector<std::vector<double>> link_scores(const Graph& g, std::span<const NodePair> pairs,
                                             std::span<const LinkScore> scores, const LinkScoreOptions& opt = {});

/// One score column.
std::vector<double> link_score(const Graph& g, std::span<const NodePair> pairs, LinkScore score,
                               const LinkScoreOptions& opt = {});

/// Top-k candidate links per node: for every node u, the up to k nodes v at
/// distance exactly 2 (not u, not adjacent to u) with the highest score,
/// ties broken by smaller v. Only the neighbourhood scores (cn, jaccard,
/// sorensen, salton, hpi, hdi, lhn, pa, aa, ra, wcn, waa, wra) are allowed.
struct CandidateLinks {
  std::vector<std::int64_t> offsets;  ///< n + 1; node u's candidates are [offsets[u], offsets[u+1])
  std::vector<node_t> targets;        ///< by decreasing score, then increasing id
  std::vector<double> scores;
};
/// Throws InvalidArgument if k ≤ 0, the graph is directed or the score is not a neighbourhood score.
CandidateLinks top_k_candidates(const Graph& g, LinkScore score, std::int64_t k, const LinkScoreOptions& opt = {});
/// The same for the listed source nodes only: offsets has sources.size() + 1 entries.
CandidateLinks top_k_candidates(const Graph& g, LinkScore score, std::int64_t k, std::span<const node_t> sources,
                                const LinkScoreOptions& opt = {});

/// Personalized PageRank from `source` by forward push (teleport alpha, push
/// while r(x) > epsilon·k_x): the nonzero estimates as (node, value), by
/// increasing node. Each estimate is below the exact value by at most
/// epsilon·k_x. Throws InvalidArgument on a bad id or option.
std::vector<std::pair<node_t, double>> personalized_pagerank_push(const Graph& g, node_t source, double alpha = 0.15,
                                                                  double epsilon = 1e-5);

/// Per-pair node lists as a CSR (for neural common-neighbour decoders).
struct PairNodeLists {
  std::vector<std::int64_t> offsets;  ///< #pairs + 1
  std::vector<node_t> nodes;          ///< each pair's list, increasing
};
/// Γ(u) ∩ Γ(v) for each pair. Throws like link_scores.
PairNodeLists common_neighbor_lists(const Graph& g, std::span<const NodePair> pairs);
/// Γ(u) \ Γ(v) (v itself excluded too) for each pair. Throws like link_scores.
PairNodeLists neighbor_difference_lists(const Graph& g, std::span<const NodePair> pairs);

}  // namespace sprig
