// Random walks: step frequencies against the exact node2vec transition
// probabilities (chi-square bound, fixed seeds), determinism, ranges,
// temporal order, and the error paths.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <sprig/embed/walks.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace {

using sprig::Graph;
using sprig::node_t;
using sprig::WalkOptions;

Graph random_graph(std::int64_t n, std::int64_t m, std::uint64_t seed, bool directed, bool weighted) {
  sprig::EdgeList el;
  el.n = n;
  el.directed = directed;
  sprig::Philox rng(seed, 1);
  for (std::int64_t i = 0; i < m; ++i) {
    const auto u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    if (weighted)
      el.add(u, v, rng.uniform_float() < 0.1f ? 0.f : 0.2f + 3.f * rng.uniform_float());
    else
      el.add(u, v);
  }
  return sprig::build_csr(el);
}

// Exact node2vec probability of x after the step t → v.
double exact_prob(const Graph& g, node_t t, node_t v, node_t x, const WalkOptions& o, bool weighted) {
  double total = 0, px = 0;
  const auto nb = g.neighbors(v);
  const auto w = g.weights(v);
  for (std::size_t i = 0; i < nb.size(); ++i) {
    const double wi = weighted ? w[i] : 1.0;
    double bias = nb[i] == t ? 1.0 / o.p : g.has_arc(t, nb[i]) ? 1.0 : 1.0 / o.q;
    if (o.p == 1.0 && o.q == 1.0) bias = 1.0;
    total += wi * bias;
    if (nb[i] == x) px += wi * bias;
  }
  return total > 0 ? px / total : 0;
}

// Sums (observed − expected)²/expected over every (t, v) context with enough
// samples; returns {chi², degrees of freedom}. Also fails on impossible steps.
std::pair<double, double> chi_square(const Graph& g, const sprig::Walks& walks, const WalkOptions& o, bool weighted) {
  std::map<std::pair<node_t, node_t>, std::map<node_t, std::int64_t>> counts;
  for (std::int64_t i = 0; i < walks.count; ++i) {
    const auto w = walks.walk(i);
    for (std::int64_t s = 2; s < walks.length && w[s] >= 0; ++s) ++counts[{w[s - 2], w[s - 1]}][w[s]];
  }
  double chi = 0, dof = 0;
  for (const auto& [ctx, seen] : counts) {
    std::int64_t total = 0;
    for (const auto& [x, c] : seen) total += c;
    for (const auto& [x, c] : seen) REQUIRE(exact_prob(g, ctx.first, ctx.second, x, o, weighted) > 0);
    if (total < 200) continue;
    const auto nb = g.neighbors(ctx.second);
    int cells = 0;
    for (std::size_t i = 0; i < nb.size(); ++i) {
      if (i > 0 && nb[i] == nb[i - 1]) continue;
      const double p = exact_prob(g, ctx.first, ctx.second, nb[i], o, weighted);
      if (p <= 0) continue;
      const double expected = p * static_cast<double>(total);
      const auto it = seen.find(nb[i]);
      const double observed = it == seen.end() ? 0.0 : static_cast<double>(it->second);
      chi += (observed - expected) * (observed - expected) / expected;
      ++cells;
    }
    dof += cells - 1;
  }
  return {chi, dof};
}

bool same(const sprig::Walks& a, const sprig::Walks& b) {
  return a.count == b.count && a.length == b.length && a.nodes == b.nodes;
}

}  // namespace

TEST_CASE("walks: step frequencies match the exact node2vec transition probabilities") {
  struct Case {
    double p, q;
    bool directed, weighted;
    sprig::WeightedSampling sampling;
  };
  const std::vector<Case> cases = {
      {1, 1, false, false, sprig::WeightedSampling::alias},        // DeepWalk
      {1, 1, false, true, sprig::WeightedSampling::alias},         // weighted, alias tables
      {1, 1, false, true, sprig::WeightedSampling::prefix_sum},    // weighted, prefix sums
      {0.25, 4, false, false, sprig::WeightedSampling::alias},     // return outlier (1/p > envelope)
      {4, 0.25, false, true, sprig::WeightedSampling::alias},      // envelope 1/q
      {0.5, 2, false, true, sprig::WeightedSampling::prefix_sum},  // both, weighted
      {0.3, 0.7, true, true, sprig::WeightedSampling::alias},      // directed, weighted
  };
  for (const Case& c : cases) {
    CAPTURE(c.p);
    CAPTURE(c.q);
    CAPTURE(c.directed);
    CAPTURE(c.weighted);
    const Graph g = random_graph(12, 40, 7, c.directed, c.weighted);
    WalkOptions o{.walks_per_node = 4000, .length = 6, .p = c.p, .q = c.q, .sampling = c.sampling, .seed = 3};
    const sprig::Walks walks = sprig::random_walks(g, o);
    const auto [chi, dof] = chi_square(g, walks, o, c.weighted);
    REQUIRE(dof > 20);
    // Chi-square with `dof` degrees of freedom: mean dof, sd √(2·dof); 5 sd is far in the tail.
    CHECK(chi < dof + 5 * std::sqrt(2 * dof));
  }
}

TEST_CASE("walks: first steps follow the edge weights") {
  sprig::EdgeList el;
  el.n = 4;
  el.add(0, 1, 1.f);
  el.add(0, 2, 3.f);
  el.add(0, 3, 0.f);  // never taken
  const Graph g = sprig::build_csr(el);
  for (auto sampling : {sprig::WeightedSampling::alias, sprig::WeightedSampling::prefix_sum}) {
    const auto w = sprig::random_walks(g, {.walks_per_node = 40000, .length = 2, .sampling = sampling});
    std::int64_t to1 = 0, to2 = 0, to3 = 0;
    for (std::int64_t i = 0; i < w.count; ++i) {
      if (w.walk(i)[0] != 0) continue;
      to1 += w.walk(i)[1] == 1;
      to2 += w.walk(i)[1] == 2;
      to3 += w.walk(i)[1] == 3;
    }
    CHECK(to3 == 0);
    CHECK(to1 + to2 == 40000);
    CHECK(std::abs(to2 / 40000.0 - 0.75) < 5 * std::sqrt(0.75 * 0.25 / 40000));
  }
}

TEST_CASE("walks: every step follows an arc; layout and padding") {
  const Graph g = random_graph(200, 300, 2, true, false);
  const auto w = sprig::random_walks(g, {.walks_per_node = 3, .length = 10, .p = 2, .q = 0.5});
  CHECK(w.count == 600);
  CHECK(w.length == 10);
  for (std::int64_t i = 0; i < w.count; ++i) {
    const auto row = w.walk(i);
    CHECK(row[0] == i % 200);
    const std::int64_t len = w.walk_length(i);
    for (std::int64_t s = 1; s < len; ++s) CHECK(g.has_arc(row[s - 1], row[s]));
    if (len < 10) CHECK(g.degree(row[len - 1]) == 0);  // stopped at a sink
    for (std::int64_t s = len; s < 10; ++s) CHECK(row[s] == -1);
  }
}

TEST_CASE("walks: identical for 1, 2 and 4 threads, and ranges are slices") {
  const Graph g = random_graph(3000, 15000, 5, false, true);
  for (double p : {1.0, 0.25}) {
    WalkOptions o{.walks_per_node = 4, .length = 30, .p = p, .q = 2, .seed = 11};
    const auto a = sprig::with_threads(1, [&] { return sprig::random_walks(g, o); });
    const auto b = sprig::with_threads(2, [&] { return sprig::random_walks(g, o); });
    const auto c = sprig::with_threads(4, [&] { return sprig::random_walks(g, o); });
    CHECK(same(a, b));
    CHECK(same(a, c));
    const auto part = sprig::random_walks_range(g, o, 1234, 5678);
    CHECK(part.first == 1234);
    CHECK(std::equal(part.nodes.begin(), part.nodes.end(), a.nodes.begin() + 1234 * 30));
  }
  const auto s1 = sprig::random_walks(g, {.walks_per_node = 1, .length = 5, .seed = 1});
  const auto s2 = sprig::random_walks(g, {.walks_per_node = 1, .length = 5, .seed = 2});
  CHECK(!same(s1, s2));
}

TEST_CASE("walks: temporal walks only move forward in time") {
  sprig::EdgeList el;
  el.n = 4;
  el.add(0, 1);
  el.time.push_back(1);
  el.add(1, 2);
  el.time.push_back(2);
  el.add(2, 3);
  el.time.push_back(1);
  const auto strict = sprig::temporal_random_walks(el, {.walks_per_node = 50, .length = 5});
  for (std::int64_t i = 0; i < strict.count; ++i) {
    const auto w = strict.walk(i);
    if (w[0] == 0) {
      // 0 →(1) 1 →(2) 2, then only 2–1 at time 2 and 2–3 at time 1: neither is later.
      CHECK(w[1] == 1);
      CHECK(w[2] == 2);
      CHECK(w[3] == -1);
    }
  }
  const auto loose = sprig::temporal_random_walks(el, {.walks_per_node = 50, .length = 5, .strict = false});
  bool continued = false;
  for (std::int64_t i = 0; i < loose.count; ++i)
    if (loose.walk(i)[0] == 0) continued |= loose.walk(i)[3] == 1;  // 2–1 at time 2 is allowed
  CHECK(continued);

  // A random temporal graph: each walk admits strictly increasing edge times.
  sprig::EdgeList r;
  r.n = 50;
  sprig::Philox rng(4, 4);
  for (int i = 0; i < 400; ++i) {
    r.add(static_cast<node_t>(rng.bounded(50)), static_cast<node_t>(rng.bounded(50)));
    r.time.push_back(rng.bounded(100));
  }
  const auto walks = sprig::temporal_random_walks(r, {.walks_per_node = 5, .length = 8, .seed = 9});
  std::multimap<std::pair<node_t, node_t>, std::int64_t> times;
  for (std::size_t i = 0; i < r.size(); ++i) {
    times.insert({{r.src[i], r.dst[i]}, r.time[i]});
    times.insert({{r.dst[i], r.src[i]}, r.time[i]});
  }
  for (std::int64_t i = 0; i < walks.count; ++i) {
    const auto w = walks.walk(i);
    std::int64_t now = -1;
    for (std::int64_t s = 1; s < walks.walk_length(i); ++s) {
      // Greedy earliest feasible time keeps every feasible continuation open.
      std::int64_t best = -1;
      auto [lo, hi] = times.equal_range({w[s - 1], w[s]});
      for (auto it = lo; it != hi; ++it)
        if (it->second > now && (best < 0 || it->second < best)) best = it->second;
      REQUIRE(best >= 0);
      now = best;
    }
  }
  const auto again = sprig::with_threads(1, [&] { return sprig::temporal_random_walks(r, {.walks_per_node = 5, .length = 8, .seed = 9}); });
  CHECK(same(walks, again));
  sprig::EdgeList untimed;
  untimed.n = 2;
  untimed.add(0, 1);
  CHECK_THROWS_WITH_AS(sprig::temporal_random_walks(untimed), "temporal_random_walks: the edge list has no time column",
                       sprig::InvalidArgument);
}

TEST_CASE("walks: graphs without edges give walks of length 1") {
  sprig::EdgeList el;
  el.n = 5;
  const Graph g = sprig::build_csr(el);
  const auto w = sprig::random_walks(g, {.walks_per_node = 2, .length = 4, .p = 0.5});
  CHECK(w.count == 10);
  for (std::int64_t i = 0; i < w.count; ++i) CHECK(w.walk_length(i) == 1);
  CHECK(sprig::random_walks(Graph{}).count == 0);
}

TEST_CASE("walks: bad input gives clear errors") {
  const Graph g = random_graph(10, 20, 1, false, false);
  CHECK_THROWS_WITH_AS(sprig::random_walks(g, {.p = 0}), "random_walks: p must be > 0 (got 0)", sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::random_walks(g, {.q = -1}), "random_walks: q must be > 0 (got -1)",
                       sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::random_walks(g, {.p = NAN}), sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::random_walks(g, {.length = 0}), "random_walks: length must be ≥ 1 (got 0)",
                       sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::random_walks_range(g, {}, 5, 1000), sprig::InvalidArgument);
  sprig::EdgeList el;
  el.n = 3;
  el.add(0, 1, 1.f);
  el.add(1, 2, -1.f);
  const Graph neg = sprig::build_csr(el);
  CHECK_THROWS_AS(sprig::random_walks(neg), sprig::InvalidArgument);
  CHECK_NOTHROW(sprig::random_walks(neg, {.use_weights = false}));
}
