// Link-prediction metrics against values computed offline by scikit-learn and
// the OGB evaluator's formulas (tests/metrics/make_linkpred_expected.py), plus
// brute-force definitions on random vectors and the error paths.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/metrics/linkpred_eval.hpp>

#include "metrics/linkpred_expected.hpp"

#include "test_graphs.hpp"

using namespace sprig;
namespace lx = linkpred_expected;

namespace {

// Mann–Whitney by all pairs: the textbook definition.
double brute_auc(const std::vector<double>& p, const std::vector<double>& n) {
  double s = 0;
  for (double a : p)
    for (double b : n) s += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
  return s / (static_cast<double>(p.size()) * static_cast<double>(n.size()));
}

}  // namespace

TEST_CASE("linkpred eval: AUC, AP, Hits@K match scikit-learn and OGB on fixed vectors with ties") {
  for (const auto& c : lx::kCases) {
    CAPTURE(c.name);
    CHECK(roc_auc(c.pos, c.neg) == doctest::Approx(c.auc).epsilon(1e-14));
    CHECK(average_precision(c.pos, c.neg) == doctest::Approx(c.ap).epsilon(1e-13));
    for (std::size_t i = 0; i < lx::kHitsK.size(); ++i) {
      CAPTURE(lx::kHitsK[i]);
      CHECK(hits_at_k(c.pos, c.neg, lx::kHitsK[i]) == c.hits[i]);
    }
    LinkEvalOptions opt;
    opt.hits_k = lx::kHitsK;
    const auto r = evaluate_link_prediction(c.pos, c.neg, opt);
    CHECK(r.auc == doctest::Approx(c.auc).epsilon(1e-14));
    CHECK(r.ap == doctest::Approx(c.ap).epsilon(1e-13));
    REQUIRE(r.hits.size() == c.hits.size());
    for (std::size_t i = 0; i < c.hits.size(); ++i) CHECK(r.hits[i] == c.hits[i]);
    CHECK(std::isnan(r.mrr));
  }
}

TEST_CASE("linkpred eval: hand-checked values") {
  // All tied: AUC ½, AP = the positive rate (one threshold).
  const std::vector<double> p = {1, 1, 1}, n = {1, 1, 1, 1, 1};
  CHECK(roc_auc(p, n) == 0.5);
  CHECK(average_precision(p, n) == doctest::Approx(3.0 / 8.0));
  // Perfect separation; Hits@K a miss on ties with the K-th negative.
  CHECK(roc_auc(std::vector<double>{3, 4}, std::vector<double>{1, 2}) == 1.0);
  CHECK(average_precision(std::vector<double>{3, 4}, std::vector<double>{1, 2}) == 1.0);
  CHECK(hits_at_k(std::vector<double>{2, 3}, std::vector<double>{2, 1}, 1) == 0.5);
  CHECK(hits_at_k(std::vector<double>{2, 3}, std::vector<double>{2, 1}, 3) == 1.0);  // fewer than K negatives
  // AP with no negatives is 1; the OGB rank counts ties as half.
  CHECK(average_precision(std::vector<double>{0.1, 0.2}, std::vector<double>{}) == 1.0);
  const auto r = ogb_ranks(std::vector<double>{1.0}, std::vector<double>{2.0, 1.0, 1.0, 0.0}, 4);
  CHECK(r[0] == 3.0);  // 1 + 1 greater + 2 equal / 2
}

TEST_CASE("linkpred eval: MRR matches the OGB evaluator's formula") {
  const auto ranks = ogb_ranks(lx::kMrrPos, lx::kMrrNeg, lx::kMrrK);
  REQUIRE(ranks.size() == lx::kMrrRanks.size());
  for (std::size_t i = 0; i < ranks.size(); ++i) CHECK(ranks[i] == lx::kMrrRanks[i]);
  CHECK(mean_reciprocal_rank(lx::kMrrPos, lx::kMrrNeg, lx::kMrrK) == doctest::Approx(lx::kMrr).epsilon(1e-14));
  LinkEvalOptions opt;
  opt.negs_per_pos = lx::kMrrK;
  CHECK(evaluate_link_prediction(lx::kMrrPos, lx::kMrrNeg, opt).mrr == doctest::Approx(lx::kMrr).epsilon(1e-14));
}

TEST_CASE("linkpred eval: per-node metrics match scikit-learn per group") {
  std::vector<node_t> pn(lx::kNodePosNode.begin(), lx::kNodePosNode.end());
  std::vector<node_t> nn(lx::kNodeNegNode.begin(), lx::kNodeNegNode.end());
  LinkEvalOptions opt;
  opt.hits_k = {3};
  const auto res = evaluate_link_prediction_per_node(pn, lx::kNodePos, nn, lx::kNodeNeg, opt);
  REQUIRE(res.size() == lx::kNodeIds.size());
  for (std::size_t i = 0; i < res.size(); ++i) {
    CAPTURE(i);
    CHECK(res[i].node == lx::kNodeIds[i]);
    CHECK(res[i].auc == doctest::Approx(lx::kNodeAuc[i]).epsilon(1e-14));
    CHECK(res[i].ap == doctest::Approx(lx::kNodeAp[i]).epsilon(1e-13));
    CHECK(res[i].hits[0] == lx::kNodeHits3[i]);
  }
  // Per-positive negatives: per-node MRR is the mean of that node's reciprocal ranks.
  std::vector<node_t> mp(lx::kMrrPos.size());
  for (std::size_t i = 0; i < mp.size(); ++i) mp[i] = static_cast<node_t>(i % 4);
  opt.negs_per_pos = lx::kMrrK;
  const auto m = evaluate_link_prediction_per_node(mp, lx::kMrrPos, {}, lx::kMrrNeg, opt);
  REQUIRE(m.size() == 4);
  for (const auto& e : m) {
    double s = 0;
    int c = 0;
    for (std::size_t i = 0; i < mp.size(); ++i)
      if (mp[i] == e.node) s += 1.0 / lx::kMrrRanks[i], ++c;
    CHECK(e.mrr == doctest::Approx(s / c).epsilon(1e-14));
    CHECK(e.num_neg == static_cast<std::size_t>(c) * lx::kMrrK);
  }
}

TEST_CASE("linkpred eval: AUC equals the all-pairs definition on random vectors; thread-count independent") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Philox rng(seed, 0);
    std::vector<double> p(1 + rng.bounded(60)), n(1 + rng.bounded(80));
    for (auto& x : p) x = rng.bounded(10);
    for (auto& x : n) x = rng.bounded(8);
    CHECK(roc_auc(p, n) == doctest::Approx(brute_auc(p, n)).epsilon(1e-15));
  }
  Philox rng(99, 0);
  std::vector<double> p(50000), n(200000);
  for (auto& x : p) x = rng.bounded(1000) * 0.01;
  for (auto& x : n) x = rng.bounded(700) * 0.01;
  const auto r1 = with_threads(1, [&] { return evaluate_link_prediction(p, n); });
  for (int t : {2, 4}) {
    const auto rt = with_threads(t, [&] { return evaluate_link_prediction(p, n); });
    CHECK(rt.auc == r1.auc);
    CHECK(rt.ap == r1.ap);
    CHECK(rt.hits == r1.hits);
  }
}

TEST_CASE("linkpred eval: bad input names the argument") {
  const double nan = std::nan("");
  const std::vector<double> ok = {0.5, 0.2};
  const std::vector<double> bad = {0.1, nan};
  CHECK(test::thrown([&] { roc_auc(bad, ok); }).find("pos[1] is NaN") != std::string::npos);
  CHECK(test::thrown([&] { roc_auc(ok, bad); }).find("neg[1] is NaN") != std::string::npos);
  CHECK(test::thrown([&] { average_precision(ok, bad); }).find("neg[1]") != std::string::npos);
  CHECK(test::thrown([&] { evaluate_link_prediction(bad, ok); }).find("pos[1]") != std::string::npos);
  CHECK(test::thrown([&] { hits_at_k(ok, ok, 0); }).find("k must be > 0") != std::string::npos);
  CHECK(test::thrown([&] { hits_at_k(ok, ok, -3); }).find("got -3") != std::string::npos);
  CHECK(test::thrown([&] { roc_auc(ok, std::vector<double>{}); }).find("neg is empty") != std::string::npos);
  CHECK(test::thrown([&] { ogb_ranks(ok, ok, 3); }).find("expected pos.size() * negs_per_pos") != std::string::npos);
  LinkEvalOptions opt;
  opt.hits_k = {20, 0};
  CHECK(test::thrown([&] { evaluate_link_prediction(ok, ok, opt); }).find("hits K must be > 0") != std::string::npos);
}
