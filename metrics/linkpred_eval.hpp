// sprig/metrics/linkpred_eval.hpp — link-prediction evaluation: ROC-AUC,
// average precision, Hits@K and MRR, globally and per node.
//
// Definitions (docs/REFERENCES.md, "Link prediction"):
// - ROC-AUC: Mann–Whitney U / (P·N); a (positive, negative) tie counts ½.
//   Computed exactly in integers: Σ_p (2·#{neg < p} + #{neg = p}) / (2·P·N).
// - Average precision exactly as scikit-learn's average_precision_score:
//   Σ_n (R_n − R_{n−1}) P_n over the distinct score thresholds in decreasing
//   order, R_0 = 0, no interpolation (tied scores enter together).
// - Hits@K as the OGB evaluator (ogb.linkproppred.Evaluator): the threshold is
//   the K-th highest negative score; a positive counts only if strictly greater;
//   with fewer than K negatives the result is 1.0.
// - MRR as the OGB evaluator: each positive has its own row of negatives;
//   rank = 1 + #(neg > pos) + ½·#(neg = pos); MRR = mean(1 / rank).
// - Per-node versions group pairs by a node id (usually the source) and apply
//   the same definitions to each group.
//
// Cost: O((P + N) log(P + N)) for AUC and AP, O(N + P) for Hits@K, O(P·k)
// for MRR with k negatives per positive. Deterministic (sequential sums in a
// fixed order, or exact integer sums); thread-safe (no shared state).
// Errors: NaN scores, empty inputs where the metric is undefined and K ≤ 0
// throw InvalidArgument naming the argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <sprig/graph/types.hpp>

namespace sprig {

/// ROC-AUC of positive vs negative scores (ties count ½). Throws InvalidArgument
/// if `pos` or `neg` is empty or holds a NaN.
double roc_auc(std::span<const double> pos, std::span<const double> neg);

/// Average precision as scikit-learn computes it. Throws InvalidArgument if
/// `pos` is empty or a score is NaN; with no negatives it is 1.
double average_precision(std::span<const double> pos, std::span<const double> neg);

/// OGB Hits@K: fraction of positives strictly above the K-th highest negative
/// (1.0 when fewer than K negatives). Throws InvalidArgument if k ≤ 0, `pos` is
/// empty or a score is NaN.
double hits_at_k(std::span<const double> pos, std::span<const double> neg, std::int64_t k);

/// OGB ranks: `neg` is row-major pos.size() × negs_per_pos (row i holds the
/// negatives of positive i); returns 1 + #(neg > pos) + ½·#(neg = pos) per
/// positive. Throws InvalidArgument if neg.size() != pos.size()·negs_per_pos,
/// negs_per_pos == 0 or a score is NaN.
std::vector<double> ogb_ranks(std::span<const double> pos, std::span<const double> neg, std::size_t negs_per_pos);

/// OGB MRR: mean of 1/rank over ogb_ranks(pos, neg, negs_per_pos). Throws like ogb_ranks and on empty `pos`.
double mean_reciprocal_rank(std::span<const double> pos, std::span<const double> neg, std::size_t negs_per_pos);

struct LinkEvalOptions {
  std::vector<std::int64_t> hits_k = {20, 50, 100};  ///< the K of each Hits@K, all > 0
  /// > 0: `neg` is row-major pos.size() × negs_per_pos and MRR is computed
  /// (Hits@K and AUC/AP still use all negatives pooled, as OGB does for Hits).
  std::size_t negs_per_pos = 0;
};

struct LinkEvalResult {
  double auc = 0;                 ///< NaN when there are no negatives
  double ap = 0;
  std::vector<std::int64_t> hits_k;  ///< copy of the options' K
  std::vector<double> hits;          ///< Hits@K for each K
  double mrr = 0;                 ///< NaN unless negs_per_pos > 0
  std::size_t num_pos = 0, num_neg = 0;
};

/// All metrics at once. Throws like the single metrics.
LinkEvalResult evaluate_link_prediction(std::span<const double> pos, std::span<const double> neg,
                                        const LinkEvalOptions& opt = {});

struct NodeLinkEval {
  node_t node = 0;
  std::size_t num_pos = 0, num_neg = 0;
  double auc = 0;                 ///< NaN when the node has no negatives
  double ap = 0;
  std::vector<double> hits;       ///< Hits@K for each options' K (over the node's negatives)
  double mrr = 0;                 ///< mean 1/rank of the node's positives; NaN unless negs_per_pos > 0
};

/// Per-node metrics: pair i of the positives belongs to pos_node[i], negative j
/// to neg_node[j] (with negs_per_pos > 0, neg_node is ignored: row i of `neg`
/// belongs to pos_node[i]). Returns one entry per node with ≥ 1 positive, in
/// increasing node order. Throws InvalidArgument on mismatched lengths or NaN.
std::vector<NodeLinkEval> evaluate_link_prediction_per_node(std::span<const node_t> pos_node,
                                                            std::span<const double> pos,
                                                            std::span<const node_t> neg_node,
                                                            std::span<const double> neg,
                                                            const LinkEvalOptions& opt = {});

}  // namespace sprig
