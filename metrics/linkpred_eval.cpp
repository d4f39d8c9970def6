// Link-prediction metrics. AUC sums integers (exact for any order); AP walks
// the two sorted score lists together, one distinct threshold at a time, in a
// fixed sequential order; Hits@K selects the K-th negative with nth_element.
#include <sprig/metrics/linkpred_eval.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include <tbb/parallel_sort.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_finite_or_inf(std::span<const double> s, const char* fn, const char* name) {
  for (std::size_t i = 0; i < s.size(); ++i)
    SPRIG_EXPECTS(!std::isnan(s[i]), "{}: {}[{}] is NaN (scores must be numbers)", fn, name, i);
}

std::vector<double> sorted_copy(std::span<const double> s, bool descending) {
  std::vector<double> v(s.begin(), s.end());
  if (descending)
    tbb::parallel_sort(v.begin(), v.end(), std::greater<double>());
  else
    tbb::parallel_sort(v.begin(), v.end());
  return v;
}

// AUC of pos against negatives already sorted ascending.
double auc_sorted_neg(std::span<const double> pos, const std::vector<double>& neg_asc) {
  // 2·(#less) + #equal per positive; ≤ 2·P·N < 2^63 for any realistic input.
  const auto twice_u = parallel_sum<std::int64_t>(pos.size(), [&](std::size_t i) {
    const auto lo = std::lower_bound(neg_asc.begin(), neg_asc.end(), pos[i]);
    const auto hi = std::upper_bound(lo, neg_asc.end(), pos[i]);
    return static_cast<std::int64_t>(2 * (lo - neg_asc.begin()) + (hi - lo));
  });
  return static_cast<double>(twice_u) / (2.0 * static_cast<double>(pos.size()) * static_cast<double>(neg_asc.size()));
}

// AP (scikit-learn's step sum) and AUC (exact, 2·U in integers) of positives
// and negatives both sorted descending, in one walk over the distinct thresholds.
struct ApAuc {
  double ap = 0, auc = 0;
};
ApAuc ap_auc_sorted(const std::vector<double>& pos_desc, const std::vector<double>& neg_desc) {
  const std::size_t P = pos_desc.size(), N = neg_desc.size();
  std::size_t i = 0, j = 0, prev_tp = 0;
  double ap = 0;
  std::int64_t twice_u = 0;
  while (i < P) {  // once every positive is in, recall stops growing
    double t = pos_desc[i];
    if (j < N && neg_desc[j] > t) t = neg_desc[j];
    const std::size_t i0 = i, j0 = j;
    while (i < P && pos_desc[i] == t) ++i;
    while (j < N && neg_desc[j] == t) ++j;
    // Positives at t beat the N − j negatives below t and tie with the j − j0 at t.
    twice_u += static_cast<std::int64_t>(i - i0) * static_cast<std::int64_t>(2 * (N - j) + (j - j0));
    if (i > prev_tp) {
      const double precision = static_cast<double>(i) / static_cast<double>(i + j);
      ap += (static_cast<double>(i - prev_tp) / static_cast<double>(P)) * precision;
      prev_tp = i;
    }
  }
  ApAuc r;
  r.ap = ap;
  r.auc = N > 0 && P > 0 ? static_cast<double>(twice_u) / (2.0 * static_cast<double>(P) * static_cast<double>(N))
                         : kNaN;
  return r;
}

double ap_sorted(const std::vector<double>& pos_desc, const std::vector<double>& neg_desc) {
  return ap_auc_sorted(pos_desc, neg_desc).ap;
}

double hits_impl(std::span<const double> pos, std::span<const double> neg, std::int64_t k) {
  if (static_cast<std::uint64_t>(neg.size()) < static_cast<std::uint64_t>(k)) return 1.0;
  std::vector<double> v(neg.begin(), neg.end());
  std::nth_element(v.begin(), v.begin() + (k - 1), v.end(), std::greater<double>());
  const double thr = v[k - 1];
  std::size_t hit = 0;
  for (double p : pos) hit += p > thr;
  return static_cast<double>(hit) / static_cast<double>(pos.size());
}

double ogb_rank(double p, const double* row, std::size_t k) {
  std::size_t greater = 0, equal = 0;
  for (std::size_t j = 0; j < k; ++j) {
    greater += row[j] > p;
    equal += row[j] == p;
  }
  return 1.0 + static_cast<double>(greater) + 0.5 * static_cast<double>(equal);
}

void check_ks(const std::vector<std::int64_t>& ks, const char* fn) {
  for (auto k : ks) SPRIG_EXPECTS(k > 0, "{}: hits K must be > 0 (got {})", fn, k);
}

}  // namespace

double roc_auc(std::span<const double> pos, std::span<const double> neg) {
  SPRIG_EXPECTS(!pos.empty(), "roc_auc: pos is empty (AUC needs at least one positive)");
  SPRIG_EXPECTS(!neg.empty(), "roc_auc: neg is empty (AUC needs at least one negative)");
  check_finite_or_inf(pos, "roc_auc", "pos");
  check_finite_or_inf(neg, "roc_auc", "neg");
  return auc_sorted_neg(pos, sorted_copy(neg, false));
}

double average_precision(std::span<const double> pos, std::span<const double> neg) {
  SPRIG_EXPECTS(!pos.empty(), "average_precision: pos is empty (AP needs at least one positive)");
  check_finite_or_inf(pos, "average_precision", "pos");
  check_finite_or_inf(neg, "average_precision", "neg");
  return ap_sorted(sorted_copy(pos, true), sorted_copy(neg, true));
}

double hits_at_k(std::span<const double> pos, std::span<const double> neg, std::int64_t k) {
  SPRIG_EXPECTS(k > 0, "hits_at_k: k must be > 0 (got {})", k);
  SPRIG_EXPECTS(!pos.empty(), "hits_at_k: pos is empty");
  check_finite_or_inf(pos, "hits_at_k", "pos");
  check_finite_or_inf(neg, "hits_at_k", "neg");
  return hits_impl(pos, neg, k);
}

std::vector<double> ogb_ranks(std::span<const double> pos, std::span<const double> neg, std::size_t negs_per_pos) {
  SPRIG_EXPECTS(negs_per_pos > 0, "ogb_ranks: negs_per_pos must be > 0");
  SPRIG_EXPECTS(neg.size() == pos.size() * negs_per_pos,
                "ogb_ranks: neg has {} scores, expected pos.size() * negs_per_pos = {} * {}", neg.size(), pos.size(),
                negs_per_pos);
  check_finite_or_inf(pos, "ogb_ranks", "pos");
  check_finite_or_inf(neg, "ogb_ranks", "neg");
  std::vector<double> rank(pos.size());
  parallel_for<std::size_t>(0, pos.size(),
                            [&](std::size_t i) { rank[i] = ogb_rank(pos[i], neg.data() + i * negs_per_pos, negs_per_pos); });
  return rank;
}

double mean_reciprocal_rank(std::span<const double> pos, std::span<const double> neg, std::size_t negs_per_pos) {
  SPRIG_EXPECTS(!pos.empty(), "mean_reciprocal_rank: pos is empty");
  const auto rank = ogb_ranks(pos, neg, negs_per_pos);
  double s = 0;
  for (double r : rank) s += 1.0 / r;
  return s / static_cast<double>(rank.size());
}

LinkEvalResult evaluate_link_prediction(std::span<const double> pos, std::span<const double> neg,
                                        const LinkEvalOptions& opt) {
  SPRIG_EXPECTS(!pos.empty(), "evaluate_link_prediction: pos is empty");
  check_ks(opt.hits_k, "evaluate_link_prediction");
  check_finite_or_inf(pos, "evaluate_link_prediction", "pos");
  check_finite_or_inf(neg, "evaluate_link_prediction", "neg");
  LinkEvalResult r;
  r.num_pos = pos.size();
  r.num_neg = neg.size();
  const auto neg_desc = sorted_copy(neg, true);
  const auto both = ap_auc_sorted(sorted_copy(pos, true), neg_desc);
  r.ap = both.ap;
  r.auc = both.auc;
  r.hits_k = opt.hits_k;
  for (auto k : opt.hits_k) {
    if (static_cast<std::uint64_t>(neg_desc.size()) < static_cast<std::uint64_t>(k)) {
      r.hits.push_back(1.0);
      continue;
    }
    const double thr = neg_desc[static_cast<std::size_t>(k - 1)];
    std::size_t hit = 0;
    for (double p : pos) hit += p > thr;
    r.hits.push_back(static_cast<double>(hit) / static_cast<double>(pos.size()));
  }
  r.mrr = opt.negs_per_pos > 0 ? mean_reciprocal_rank(pos, neg, opt.negs_per_pos) : kNaN;
  return r;
}

std::vector<NodeLinkEval> evaluate_link_prediction_per_node(std::span<const node_t> pos_node,
                                                            std::span<const double> pos,
                                                            std::span<const node_t> neg_node,
                                                            std::span<const double> neg,
                                                            const LinkEvalOptions& opt) {
  const char* fn = "evaluate_link_prediction_per_node";
  SPRIG_EXPECTS(pos_node.size() == pos.size(), "{}: pos_node has {} entries but pos has {}", fn, pos_node.size(),
                pos.size());
  const std::size_t k = opt.negs_per_pos;
  if (k > 0)
    SPRIG_EXPECTS(neg.size() == pos.size() * k, "{}: neg has {} scores, expected pos.size() * negs_per_pos = {} * {}",
                  fn, neg.size(), pos.size(), k);
  else
    SPRIG_EXPECTS(neg_node.size() == neg.size(), "{}: neg_node has {} entries but neg has {}", fn, neg_node.size(),
                  neg.size());
  check_ks(opt.hits_k, fn);
  check_finite_or_inf(pos, fn, "pos");
  check_finite_or_inf(neg, fn, "neg");

  // Stable groupings by node: positives, and (pooled mode) negatives.
  std::vector<std::size_t> pi(pos.size()), ni;
  std::iota(pi.begin(), pi.end(), std::size_t{0});
  std::stable_sort(pi.begin(), pi.end(), [&](std::size_t a, std::size_t b) { return pos_node[a] < pos_node[b]; });
  if (k == 0) {
    ni.resize(neg.size());
    std::iota(ni.begin(), ni.end(), std::size_t{0});
    std::stable_sort(ni.begin(), ni.end(), [&](std::size_t a, std::size_t b) { return neg_node[a] < neg_node[b]; });
  }
  std::vector<NodeLinkEval> out;
  std::size_t a = 0, nb = 0;
  std::vector<double> ps, ns;
  while (a < pi.size()) {
    const node_t u = pos_node[pi[a]];
    ps.clear();
    ns.clear();
    NodeLinkEval e;
    e.node = u;
    double rr = 0;
    std::size_t b = a;
    for (; b < pi.size() && pos_node[pi[b]] == u; ++b) {
      const std::size_t i = pi[b];
      ps.push_back(pos[i]);
      if (k > 0) {
        ns.insert(ns.end(), neg.begin() + static_cast<std::ptrdiff_t>(i * k),
                  neg.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
        rr += 1.0 / ogb_rank(pos[i], neg.data() + i * k, k);
      }
    }
    if (k == 0) {
      while (nb < ni.size() && neg_node[ni[nb]] < u) ++nb;
      for (; nb < ni.size() && neg_node[ni[nb]] == u; ++nb) ns.push_back(neg[ni[nb]]);
    }
    e.num_pos = ps.size();
    e.num_neg = ns.size();
    const auto both = ap_auc_sorted(sorted_copy(ps, true), sorted_copy(ns, true));
    e.ap = both.ap;
    e.auc = both.auc;
    for (auto kk : opt.hits_k) e.hits.push_back(hits_impl(ps, ns, kk));
    e.mrr = k > 0 ? rr / static_cast<double>(ps.size()) : kNaN;
    out.push_back(std::move(e));
    a = b;
  }
  return out;
}

}  // namespace sprig
