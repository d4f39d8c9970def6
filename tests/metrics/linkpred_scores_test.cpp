// Link-prediction scores against brute force on random small graphs: set
// intersections, dense matrix powers, dense PPR and SimRank iterations, BFS,
// exhaustive simple-path enumeration; the target-edge option against the
// graph rebuilt without that edge; determinism under 1, 2 and 4 threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

#include "test_graphs.hpp"

using namespace sprig;

namespace {

EdgeList random_list(node_t n, std::size_t m, std::uint64_t seed, bool weighted) {
  EdgeList e;
  e.n = n;
  Philox rng(seed, 7);
  for (std::size_t i = 0; i < m; ++i) {
    const auto u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    if (weighted)
      e.add(u, v, 0.5f * static_cast<float>(1 + rng.bounded(6)));
    else
      e.add(u, v);
  }
  return e;
}

// The same list without the edge {a, b}.
EdgeList without(const EdgeList& e, node_t a, node_t b) {
  EdgeList r;
  r.n = e.n;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if ((e.src[i] == a && e.dst[i] == b) || (e.src[i] == b && e.dst[i] == a)) continue;
    if (e.weighted())
      r.add(e.src[i], e.dst[i], e.weight[i]);
    else
      r.add(e.src[i], e.dst[i]);
  }
  return r;
}

std::vector<NodePair> all_pairs(node_t n) {
  std::vector<NodePair> p;
  for (node_t u = 0; u < n; ++u)
    for (node_t v = 0; v < n; ++v)
      if (u != v) p.push_back({u, v});
  return p;
}

using Dense = std::vector<std::vector<double>>;

Dense adjacency(const Graph& g) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  Dense a(n, std::vector<double>(n, 0.0));
  for (node_t u = 0; u < g.num_nodes(); ++u)
    for (node_t v : g.neighbors(u)) a[u][v] = 1;
  return a;
}

Dense multiply(const Dense& a, const Dense& b) {
  const std::size_t n = a.size();
  Dense c(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < n; ++k)
      if (a[i][k] != 0)
        for (std::size_t j = 0; j < n; ++j) c[i][j] += a[i][k] * b[k][j];
  return c;
}

// Textbook formulas from neighbour sets.
double brute(const Graph& g, LinkScore s, node_t u, node_t v) {
  std::set<node_t> nu(g.neighbors(u).begin(), g.neighbors(u).end());
  std::set<node_t> nv(g.neighbors(v).begin(), g.neighbors(v).end());
  std::vector<node_t> common, uni;
  std::set_intersection(nu.begin(), nu.end(), nv.begin(), nv.end(), std::back_inserter(common));
  std::set_union(nu.begin(), nu.end(), nv.begin(), nv.end(), std::back_inserter(uni));
  const double cn = static_cast<double>(common.size());
  const double ku = static_cast<double>(nu.size()), kv = static_cast<double>(nv.size());
  auto weight = [&](node_t a, node_t b) {
    const auto nb = g.neighbors(a);
    const auto it = std::find(nb.begin(), nb.end(), b);
    return g.weighted() ? static_cast<double>(g.weights(a)[static_cast<std::size_t>(it - nb.begin())]) : 1.0;
  };
  auto strength = [&](node_t a) {
    double t = 0;
    for (node_t b : g.neighbors(a)) t += weight(a, b);
    return t;
  };
  double acc = 0;
  switch (s) {
    case LinkScore::common_neighbors: return cn;
    case LinkScore::jaccard: return uni.empty() ? 0.0 : cn / static_cast<double>(uni.size());
    case LinkScore::sorensen: return ku + kv == 0 ? 0.0 : 2 * cn / (ku + kv);
    case LinkScore::salton: return ku * kv == 0 ? 0.0 : cn / std::sqrt(ku * kv);
    case LinkScore::hub_promoted: return std::min(ku, kv) == 0 ? 0.0 : cn / std::min(ku, kv);
    case LinkScore::hub_depressed: return std::max(ku, kv) == 0 ? 0.0 : cn / std::max(ku, kv);
    case LinkScore::leicht_holme_newman: return ku * kv == 0 ? 0.0 : cn / (ku * kv);
    case LinkScore::preferential_attachment: return ku * kv;
    case LinkScore::adamic_adar:
      for (node_t w : common) acc += 1.0 / std::log(static_cast<double>(g.degree(w)));
      return acc;
    case LinkScore::resource_allocation:
      for (node_t w : common) acc += 1.0 / static_cast<double>(g.degree(w));
      return acc;
    case LinkScore::weighted_cn:
      for (node_t w : common) acc += weight(u, w) + weight(w, v);
      return acc;
    case LinkScore::weighted_aa:
      for (node_t w : common) acc += (weight(u, w) + weight(w, v)) / std::log(1 + strength(w));
      return acc;
    case LinkScore::weighted_ra:
      for (node_t w : common) acc += (weight(u, w) + weight(w, v)) / strength(w);
      return acc;
    default: FAIL("not a neighbourhood score"); return 0;
  }
}

int bfs_distance(const Graph& g, node_t u, node_t v) {
  std::vector<int> d(static_cast<std::size_t>(g.num_nodes()), -1);
  std::vector<node_t> q = {u};
  d[u] = 0;
  for (std::size_t i = 0; i < q.size(); ++i)
    for (node_t y : g.neighbors(q[i]))
      if (d[y] < 0) d[y] = d[q[i]] + 1, q.push_back(y);
  return d[v];
}

// Every simple path by exhaustive DFS (no pruning).
void count_paths(const Graph& g, node_t x, node_t v, int len, int L, std::vector<char>& on, std::vector<double>& c) {
  if (x == v) {
    c[len] += 1;
    return;
  }
  if (len == L) return;
  for (node_t y : g.neighbors(x))
    if (!on[y]) {
      on[y] = 1;
      count_paths(g, y, v, len + 1, L, on, c);
      on[y] = 0;
    }
}

// PPR by the dense power series π = α Σ_t ((1 − α) P)^t e_s, run to convergence.
std::vector<double> dense_ppr(const Graph& g, node_t s, double alpha) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  std::vector<double> x(n, 0.0), pi(n, 0.0);
  x[s] = 1;
  for (int it = 0; it < 400; ++it) {
    std::vector<double> y(n, 0.0);
    for (std::size_t a = 0; a < n; ++a) {
      pi[a] += alpha * x[a];
      const auto d = g.degree(static_cast<node_t>(a));
      if (d == 0) continue;
      for (node_t b : g.neighbors(static_cast<node_t>(a))) y[b] += (1 - alpha) * x[a] / static_cast<double>(d);
    }
    x = y;
  }
  return pi;
}

// SimRank by the all-pairs iteration S_k = C Wᵀ S_{k−1} W, diagonal 1.
Dense dense_simrank(const Graph& g, double C, int K) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  Dense s(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) s[i][i] = 1;
  for (int k = 0; k < K; ++k) {
    Dense t(n, std::vector<double>(n, 0.0));
    for (node_t a = 0; a < g.num_nodes(); ++a)
      for (node_t b = 0; b < g.num_nodes(); ++b) {
        if (a == b) {
          t[a][b] = 1;
          continue;
        }
        if (g.degree(a) == 0 || g.degree(b) == 0) continue;
        double acc = 0;
        for (node_t x : g.neighbors(a))
          for (node_t y : g.neighbors(b)) acc += s[x][y];
        t[a][b] = C * acc / static_cast<double>(g.degree(a) * g.degree(b));
      }
    s = t;
  }
  return s;
}

const std::vector<LinkScore> kNbr = {
    LinkScore::common_neighbors, LinkScore::jaccard, LinkScore::sorensen, LinkScore::salton,
    LinkScore::hub_promoted, LinkScore::hub_depressed, LinkScore::leicht_holme_newman,
    LinkScore::preferential_attachment, LinkScore::adamic_adar, LinkScore::resource_allocation,
    LinkScore::weighted_cn, LinkScore::weighted_aa, LinkScore::weighted_ra};

}  // namespace

TEST_CASE("linkpred scores: neighbourhood scores equal set-based formulas (unweighted and weighted)") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const bool weighted = seed % 2 == 0;
    const node_t n = 25 + static_cast<node_t>(seed) * 3;
    const Graph g = build_csr(random_list(n, 4 * static_cast<std::size_t>(n), seed, weighted));
    const auto pairs = all_pairs(n);
    const auto cols = link_scores(g, pairs, kNbr);
    for (std::size_t j = 0; j < kNbr.size(); ++j) {
      CAPTURE(link_score_name(kNbr[j]));
      for (std::size_t i = 0; i < pairs.size(); ++i)
        REQUIRE(cols[j][i] == doctest::Approx(brute(g, kNbr[j], pairs[i].u, pairs[i].v)).epsilon(1e-12));
    }
  }
}

TEST_CASE("linkpred scores: the prefetching fast path equals the general per-pair path bitwise") {
  // Unweighted neighbourhood scores alone take the fast path; adding a weighted
  // score to the same call sends every score through the general path.
  const std::vector<LinkScore> plain(kNbr.begin(), kNbr.begin() + 10);  // the unweighted ones
  std::vector<LinkScore> mixed = plain;
  mixed.push_back(LinkScore::weighted_cn);
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const node_t n = 40 + static_cast<node_t>(seed) * 7;
    EdgeList e = random_list(n, 5 * static_cast<std::size_t>(n), seed + 100, false);
    for (node_t v = 2; v < n; v += 3) e.add(1, v);  // a hub: skewed rows, galloping merges
    const Graph g = build_csr(e);
    const auto pairs = all_pairs(n);
    for (bool exclude : {false, true}) {
      LinkScoreOptions opt;
      opt.exclude_target_edge = exclude;
      const auto fast = link_scores(g, pairs, plain, opt);
      const auto general = link_scores(g, pairs, mixed, opt);
      for (std::size_t j = 0; j < plain.size(); ++j) {
        CAPTURE(link_score_name(plain[j]));
        CAPTURE(exclude);
        REQUIRE(fast[j] == general[j]);
        if (!exclude)
          for (std::size_t i = 0; i < pairs.size(); i += 7)
            REQUIRE(fast[j][i] == doctest::Approx(brute(g, plain[j], pairs[i].u, pairs[i].v)).epsilon(1e-12));
      }
    }
  }
}

TEST_CASE("linkpred scores: galloping intersection on skewed degrees") {
  // A star hub (node 0 adjacent to everything) and sparse others.
  EdgeList e = random_list(400, 300, 11, false);
  for (node_t v = 1; v < 400; v += 1) e.add(0, v);
  const Graph g = build_csr(e);
  std::vector<NodePair> pairs;
  for (node_t v = 1; v < 400; ++v) pairs.push_back({0, v}), pairs.push_back({v, 0});
  const auto cn = link_score(g, pairs, LinkScore::common_neighbors);
  const auto aa = link_score(g, pairs, LinkScore::adamic_adar);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    CHECK(cn[i] == brute(g, LinkScore::common_neighbors, pairs[i].u, pairs[i].v));
    CHECK(aa[i] == doctest::Approx(brute(g, LinkScore::adamic_adar, pairs[i].u, pairs[i].v)).epsilon(1e-12));
  }
}

TEST_CASE("linkpred scores: local path and Katz equal dense matrix powers") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const node_t n = 30;
    const Graph g = build_csr(random_list(n, 70, seed + 20, false));
    const Dense A = adjacency(g);
    std::vector<Dense> pw = {A};
    for (int l = 2; l <= 5; ++l) pw.push_back(multiply(pw.back(), A));
    LinkScoreOptions opt;
    opt.lp_epsilon = 0.01;
    opt.katz_beta = 0.1;
    opt.katz_max_length = 5;
    const auto pairs = all_pairs(n);
    const LinkScore sc[] = {LinkScore::local_path, LinkScore::katz};
    const auto cols = link_scores(g, pairs, sc, opt);
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const auto [u, v] = pairs[i];
      CHECK(cols[0][i] == doctest::Approx(pw[1][u][v] + 0.01 * pw[2][u][v]).epsilon(1e-12));
      double k = 0, b = 1;
      for (int l = 1; l <= 5; ++l) b *= 0.1, k += b * pw[l - 1][u][v];
      CHECK(cols[1][i] == doctest::Approx(k).epsilon(1e-12));
    }
  }
}

TEST_CASE("linkpred scores: Katz over simple paths equals exhaustive enumeration") {
  const node_t n = 22;
  const Graph g = build_csr(random_list(n, 50, 5, false));
  LinkScoreOptions opt;
  opt.katz_beta = 0.5;
  opt.katz_max_length = 5;
  const auto pairs = all_pairs(n);
  const auto kp = link_score(g, pairs, LinkScore::katz_paths, opt);
  std::vector<char> on(n, 0);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    std::vector<double> c(6, 0.0);
    on.assign(n, 0);
    on[pairs[i].u] = 1;
    count_paths(g, pairs[i].u, pairs[i].v, 0, 5, on, c);
    double want = 0, b = 1;
    for (int l = 1; l <= 5; ++l) b *= 0.5, want += b * c[l];
    CHECK(kp[i] == doctest::Approx(want).epsilon(1e-12));
  }
}

TEST_CASE("linkpred scores: PPR push converges to the dense solution; symmetric adds both directions") {
  const node_t n = 30;
  EdgeList e = random_list(n, 50, 3, false);
  const Graph g = build_csr(e);  // some nodes isolated: absorbing
  LinkScoreOptions opt;
  opt.ppr_alpha = 0.2;
  opt.ppr_epsilon = 1e-13;
  const auto pairs = all_pairs(n);
  const LinkScore sc[] = {LinkScore::ppr, LinkScore::ppr_symmetric};
  const auto cols = link_scores(g, pairs, sc, opt);
  std::vector<std::vector<double>> pi;
  for (node_t s = 0; s < n; ++s) pi.push_back(dense_ppr(g, s, 0.2));
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [u, v] = pairs[i];
    CHECK(cols[0][i] == doctest::Approx(pi[u][v]).epsilon(1e-9).scale(1e-9));
    CHECK(cols[1][i] == doctest::Approx(pi[u][v] + pi[v][u]).epsilon(1e-9).scale(1e-9));
  }
}

TEST_CASE("linkpred scores: SimRank and inverse distance equal dense iteration and BFS") {
  const node_t n = 24;
  const Graph g = build_csr(random_list(n, 40, 9, false));
  LinkScoreOptions opt;
  opt.simrank_c = 0.6;
  opt.simrank_iterations = 4;
  const auto S = dense_simrank(g, 0.6, 4);
  const auto pairs = all_pairs(n);
  const LinkScore sc[] = {LinkScore::simrank, LinkScore::inverse_distance};
  const auto cols = link_scores(g, pairs, sc, opt);
  opt.max_distance = 2;
  const auto capped = link_score(g, pairs, LinkScore::inverse_distance, opt);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [u, v] = pairs[i];
    CHECK(cols[0][i] == doctest::Approx(S[u][v]).epsilon(1e-12));
    const int d = bfs_distance(g, u, v);
    CHECK(cols[1][i] == (d > 0 ? 1.0 / d : 0.0));
    CHECK(capped[i] == (d > 0 && d <= 2 ? 1.0 / d : 0.0));
  }
}

TEST_CASE("linkpred scores: exclude_target_edge equals scoring on the graph without that edge") {
  const node_t n = 20;
  const EdgeList e = random_list(n, 45, 13, true);
  const Graph g = build_csr(e);
  LinkScoreOptions opt;
  opt.exclude_target_edge = true;
  opt.ppr_epsilon = 1e-12;
  opt.katz_max_length = 4;
  opt.simrank_iterations = 3;
  std::vector<LinkScore> every(all_link_scores().begin(), all_link_scores().end());
  // Every edge (both orientations) plus some non-edges.
  std::vector<NodePair> pairs;
  for (node_t u = 0; u < n; ++u)
    for (node_t v : g.neighbors(u)) pairs.push_back({u, v});
  pairs.push_back({0, 1});
  pairs.push_back({3, 17});
  const auto got = link_scores(g, pairs, every, opt);
  LinkScoreOptions plain = opt;
  plain.exclude_target_edge = false;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [u, v] = pairs[i];
    const Graph h = build_csr(without(e, u, v));
    const NodePair one[] = {pairs[i]};
    const auto want = link_scores(g.has_arc(u, v) ? h : g, one, every, plain);
    for (std::size_t j = 0; j < every.size(); ++j) {
      CAPTURE(link_score_name(every[j]));
      CAPTURE(u);
      CAPTURE(v);
      CHECK(got[j][i] == doctest::Approx(want[j][0]).epsilon(1e-12).scale(1e-12));
    }
  }
}

TEST_CASE("linkpred scores: identical for 1, 2 and 4 threads") {
  const node_t n = 3000;
  const Graph g = build_csr(random_list(n, 15000, 77, true));
  std::vector<NodePair> pairs;
  Philox rng(5, 0);
  for (int i = 0; i < 3000; ++i) {
    const auto u = static_cast<node_t>(rng.bounded(n));
    auto v = static_cast<node_t>(rng.bounded(n));
    if (v == u) v = (u + 1) % n;
    pairs.push_back({u, v});
  }
  for (node_t v : g.neighbors(5)) pairs.push_back({5, v});
  std::vector<LinkScore> every(all_link_scores().begin(), all_link_scores().end());
  LinkScoreOptions opt;
  opt.exclude_target_edge = true;
  opt.simrank_iterations = 2;
  opt.katz_max_length = 4;
  opt.ppr_epsilon = 1e-4;
  const auto r1 = with_threads(1, [&] { return link_scores(g, pairs, every, opt); });
  for (int t : {2, 4}) {
    const auto rt = with_threads(t, [&] { return link_scores(g, pairs, every, opt); });
    CHECK(rt == r1);
  }
  const auto c1 = with_threads(1, [&] { return top_k_candidates(g, LinkScore::adamic_adar, 5); });
  const auto c4 = with_threads(4, [&] { return top_k_candidates(g, LinkScore::adamic_adar, 5); });
  CHECK(c1.targets == c4.targets);
  CHECK(c1.scores == c4.scores);
}

TEST_CASE("linkpred scores: top-k candidates equal sorting all distance-2 pairs") {
  const node_t n = 40;
  const Graph g = build_csr(random_list(n, 70, 31, true));
  for (LinkScore s : {LinkScore::common_neighbors, LinkScore::resource_allocation, LinkScore::jaccard,
                      LinkScore::preferential_attachment, LinkScore::weighted_aa}) {
    CAPTURE(link_score_name(s));
    const auto c = top_k_candidates(g, s, 4);
    REQUIRE(c.offsets.size() == static_cast<std::size_t>(n) + 1);
    for (node_t u = 0; u < n; ++u) {
      std::vector<std::pair<double, node_t>> all;
      for (node_t v = 0; v < n; ++v)
        if (v != u && bfs_distance(g, u, v) == 2) all.emplace_back(-brute(g, s, u, v), v);
      std::sort(all.begin(), all.end());
      const std::size_t k = std::min<std::size_t>(4, all.size());
      REQUIRE(static_cast<std::size_t>(c.offsets[u + 1] - c.offsets[u]) == k);
      for (std::size_t i = 0; i < k; ++i) {
        const auto o = static_cast<std::size_t>(c.offsets[u]) + i;
        CHECK(c.scores[o] == doctest::Approx(-all[i].first).epsilon(1e-12));
        // Ties by id: when scores are equal in the brute force, ids must match too.
        if (i + 1 < all.size() && std::abs(all[i].first - all[i + 1].first) > 1e-9) CHECK(c.targets[o] == all[i].second);
      }
    }
  }
  const Graph small = build_csr(random_list(12, 20, 2, false));
  const auto cc = top_k_candidates(small, LinkScore::common_neighbors, 100);
  for (node_t u = 0; u < 12; ++u)
    for (auto o = cc.offsets[u]; o + 1 < cc.offsets[u + 1]; ++o) {
      const bool ordered = cc.scores[o] > cc.scores[o + 1] ||
                           (cc.scores[o] == cc.scores[o + 1] && cc.targets[o] < cc.targets[o + 1]);
      CHECK(ordered);
    }
}

TEST_CASE("linkpred scores: common-neighbour and difference lists") {
  const node_t n = 30;
  const Graph g = build_csr(random_list(n, 80, 41, false));
  const auto pairs = all_pairs(n);
  const auto cn = common_neighbor_lists(g, pairs);
  const auto df = neighbor_difference_lists(g, pairs);
  REQUIRE(cn.offsets.size() == pairs.size() + 1);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [u, v] = pairs[i];
    std::set<node_t> nu(g.neighbors(u).begin(), g.neighbors(u).end());
    std::set<node_t> nv(g.neighbors(v).begin(), g.neighbors(v).end());
    std::vector<node_t> c, d;
    std::set_intersection(nu.begin(), nu.end(), nv.begin(), nv.end(), std::back_inserter(c));
    std::set_difference(nu.begin(), nu.end(), nv.begin(), nv.end(), std::back_inserter(d));
    d.erase(std::remove(d.begin(), d.end(), v), d.end());
    CHECK(std::vector<node_t>(cn.nodes.begin() + cn.offsets[i], cn.nodes.begin() + cn.offsets[i + 1]) == c);
    CHECK(std::vector<node_t>(df.nodes.begin() + df.offsets[i], df.nodes.begin() + df.offsets[i + 1]) == d);
  }
}

TEST_CASE("linkpred scores: names, bad input") {
  for (LinkScore s : all_link_scores()) CHECK(parse_link_score(link_score_name(s)) == s);
  CHECK(parse_link_scores("cn,aa,ra") ==
        std::vector<LinkScore>{LinkScore::common_neighbors, LinkScore::adamic_adar, LinkScore::resource_allocation});
  CHECK(test::thrown([] { parse_link_score("foo"); }).find("unknown link score 'foo'") != std::string::npos);
  CHECK(test::thrown([] { parse_link_scores("cn,,aa"); }).find("empty name") != std::string::npos);
  const Graph g = build_csr(random_list(10, 20, 1, false));
  const std::vector<NodePair> bad = {{0, 1}, {3, 10}};
  CHECK(test::thrown([&] { link_score(g, bad, LinkScore::common_neighbors); }).find("pair 1 has node id 10 outside [0, n = 10)") !=
        std::string::npos);
  const std::vector<NodePair> self = {{2, 2}};
  CHECK(test::thrown([&] { link_score(g, self, LinkScore::common_neighbors); }).find("pair 0 is (2, 2)") != std::string::npos);
  LinkScoreOptions o;
  o.ppr_alpha = 1.5;
  CHECK(test::thrown([&] { link_score(g, bad, LinkScore::ppr, o); }).find("ppr_alpha must be in (0, 1)") != std::string::npos);
  CHECK(test::thrown([&] { top_k_candidates(g, LinkScore::katz, 3); }).find("not a neighbourhood score") != std::string::npos);
  CHECK(test::thrown([&] { top_k_candidates(g, LinkScore::common_neighbors, 0); }).find("k must be > 0") != std::string::npos);
  EdgeList d = random_list(10, 20, 1, false);
  d.directed = true;
  const Graph dg = build_csr(d);
  CHECK(test::thrown([&] { link_score(dg, bad, LinkScore::common_neighbors); }).find("directed") != std::string::npos);
}
