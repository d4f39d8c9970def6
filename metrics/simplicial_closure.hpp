// sprig/metrics/simplicial_closure.hpp — higher-order link prediction:
// which open triangles of the past close into a simplex in the future.
//
// Follows Benson, Abebe, Schaub, Jadbabaie & Kleinberg, "Simplicial closure and
// higher-order link prediction", PNAS 2018. Data are timestamped simplices
// (sets of nodes that interacted together: a paper's authors, an e-mail's
// recipients); a timestamped edge list is read as 2-node simplices. The
// simplices up to a cut time (default: the 80% time quantile) are the past:
//   - the projected graph joins every two nodes of a past simplex, its edge
//     weight = the number of past simplices holding both;
//   - an open triangle is a triple {a, b, c} pairwise joined in the projected
//     graph that no past simplex holds entirely (a closed one is skipped);
//   - it closes when a simplex after the cut holds all three nodes.
// Each open triangle gets scores (ClosureScore below; w = projected weights of
// its three edges, N(x) = projected neighbours, d(x) = |N(x)|), and each score
// is judged by average precision (scikit-learn's definition) over the
// candidates, reported as the ratio to the random baseline (the positive
// rate), as the paper's tables do.
//
// Cost: O(Σ_s |s|²) to project, O(m^1.5) to list the triangles of the
// projected graph (degree ordering), O(Σ_s C(|s|, 3)) for the past/future
// triple sets, O(T · Σ d) for the three-way neighbourhood scores. Katz and PPR
// scores run the pair kernels of linkpred_scores on the 3T edges and cost
// more. Parallel over nodes and candidates; every output is in a fixed order
// (triangles sorted by (a, b, c), a < b < c), identical for any thread count.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/simplices.hpp>
#include <sprig/graph/progress.hpp>
#include <sprig/graph/types.hpp>

namespace sprig {

enum class ClosureScore {
  harmonic,        ///< 3 / (1/w₁ + 1/w₂ + 1/w₃)
  geometric,       ///< (w₁ w₂ w₃)^(1/3)
  arithmetic,      ///< (w₁ + w₂ + w₃) / 3
  generalized,     ///< ((w₁^p + w₂^p + w₃^p) / 3)^(1/p), p = generalized_p
  common_neighbors,///< |N(a) ∩ N(b) ∩ N(c)|
  jaccard,         ///< |N(a) ∩ N(b) ∩ N(c)| / |N(a) ∪ N(b) ∪ N(c)|
  adamic_adar,     ///< Σ_{z ∈ N(a)∩N(b)∩N(c)} 1 / ln d(z)
  preferential_attachment,  ///< d(a) · d(b) · d(c)
  katz,            ///< Σ over the three edges of truncated Katz (walk counts) on the projected graph
  ppr,             ///< Σ over the three edges of symmetric personalised PageRank (forward push)
};

std::string_view closure_score_name(ClosureScore s) noexcept;
/// Parses "harmonic", "geometric", …, "all" (every score), "default"
/// (every score but katz and ppr); comma-separated. Throws InvalidArgument.
std::vector<ClosureScore> parse_closure_scores(std::string_view list);

struct ClosureOptions {
  double past_fraction = 0.8;           ///< cut at this quantile of the simplex times, in (0, 1)
  std::optional<std::int64_t> cut_time; ///< overrides past_fraction: past = time ≤ cut_time
  double generalized_p = 2.0;           ///< exponent of the generalised mean (≠ 0)
  double katz_beta = 0.05;              ///< Katz damping β (walks up to katz_max_length)
  int katz_max_length = 3;
  double ppr_alpha = 0.15;              ///< teleport probability of the PPR push
  double ppr_epsilon = 1e-4;
  ProgressFn progress;
};

/// The open triangles of the past and whether each closes.
struct ClosureCandidates {
  Graph projected;                              ///< weighted projected graph of the past
  std::vector<std::array<node_t, 3>> triangles; ///< open triangles, a < b < c, sorted
  std::vector<std::uint8_t> closes;             ///< 1 when a future simplex holds all three
  std::int64_t cut_time = 0;
  std::size_t past_simplices = 0, future_simplices = 0;
  std::size_t closed_triangles = 0;             ///< triangles of the projected graph already closed in the past
  std::size_t positives() const noexcept;
};

/// Splits at the cut, projects the past and lists its open triangles.
/// Throws InvalidArgument on an empty list, ids outside [0, num_nodes) or options out of range.
ClosureCandidates open_triangles(const SimplexList& simplices, const ClosureOptions& opt = {});

/// One score for every candidate triangle, in candidate order.
std::vector<double> closure_scores(const ClosureCandidates& c, ClosureScore score, const ClosureOptions& opt = {});

struct ClosureEval {
  ClosureScore score;
  double ap = 0;        ///< average precision over all candidates (NaN without positives)
  double ap_ratio = 0;  ///< ap / positive rate (1 = random)
  double seconds = 0;   ///< time to compute the score
};

struct ClosureReport {
  ClosureCandidates candidates;
  double positive_rate = 0;
  std::vector<ClosureEval> rows;  ///< one per requested score, in request order
};

/// open_triangles + closure_scores + average precision for each score.
ClosureReport simplicial_closure(const SimplexList& simplices, std::span<const ClosureScore> scores,
                                 const ClosureOptions& opt = {});

}  // namespace sprig
