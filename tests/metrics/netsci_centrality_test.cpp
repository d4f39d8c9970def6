// PageRank, betweenness, closeness, harmonic: against igraph (PRPACK for
// PageRank) on the bundled graphs, Boost.Graph / brute force on random graphs,
// and identical under 1/2/4 threads.
#include <cmath>
#include <numeric>

#include <boost/graph/betweenness_centrality.hpp>
#include <doctest/doctest.h>

#include <sprig/graph/bgl.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/metrics/centrality.hpp>

#include "netsci_common.hpp"
#include "test_config.hpp"

using namespace sprig;
using netsci_test::expected;
using netsci_test::load;

namespace {
std::vector<std::string> all_graphs() {
  auto v = netsci_test::undirected_graphs();
  v.push_back("polblogs");
  return v;
}
double l1(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += std::abs(a[i] - b[i]);
  return s;
}
}  // namespace

TEST_CASE("netsci pagerank: within 1e-9 (L1) of igraph's PRPACK, plain and personalized") {
  for (const auto& name : all_graphs()) {
    CAPTURE(name);
    const Graph g = load(name);
    const auto& e = expected(name);
    const auto pr = pagerank(g, {.tolerance = 1e-14});
    CHECK(pr.converged);
    CHECK(l1(pr.rank, e["pagerank"].get<std::vector<double>>()) < 1e-9);
    const auto ppr = pagerank(g, {.tolerance = 1e-14, .personalization = e["personalized_reset"].get<std::vector<double>>()});
    CHECK(l1(ppr.rank, e["personalized_pagerank"].get<std::vector<double>>()) < 1e-9);
  }
}

TEST_CASE("netsci pagerank: norms, dangling rule, errors, determinism") {
  const Graph g = load("polblogs");  // has dangling nodes
  const auto a = pagerank(g, {.tolerance = 1e-13, .norm = Norm::l1});
  const auto b = pagerank(g, {.tolerance = 1e-13, .norm = Norm::l2});
  const auto c = pagerank(g, {.tolerance = 1e-13, .norm = Norm::linf});
  CHECK(l1(a.rank, b.rank) < 1e-10);
  CHECK(l1(a.rank, c.rank) < 1e-10);
  // With uniform personalization, both dangling rules are the same.
  const auto u = pagerank(g, {.tolerance = 1e-13, .dangling = Dangling::uniform});
  CHECK(l1(a.rank, u.rank) < 1e-12);
  const auto it = pagerank(g, {.max_iterations = 3});
  CHECK(!it.converged);
  CHECK(it.iterations == 3);
  CHECK_THROWS_WITH_AS(pagerank(g, {.damping = 1.0}), doctest::Contains("damping"), InvalidArgument);
  CHECK_THROWS_AS(pagerank(g, {.personalization = {1.0, 2.0}}), InvalidArgument);
  CHECK_THROWS_AS(pagerank(g, {.personalization = std::vector<double>(g.num_nodes(), 0.0)}), InvalidArgument);
  const auto r1 = with_threads(1, [&] { return pagerank(g).rank; });
  for (int th : {2, 4}) CHECK(with_threads(th, [&] { return pagerank(g).rank; }) == r1);
}

TEST_CASE("netsci betweenness: within 1e-9 relative of igraph (weighted for lesmis, directed for polblogs)") {
  for (const auto& name : all_graphs()) {
    CAPTURE(name);
    const auto bc = betweenness(load(name));
    const auto ref = expected(name)["betweenness"].get<std::vector<double>>();
    REQUIRE(bc.size() == ref.size());
    for (std::size_t v = 0; v < bc.size(); ++v) {
      if (std::abs(ref[v]) < 1e-9) CHECK(std::abs(bc[v]) < 1e-9);
      else CHECK(netsci_test::rel_err(bc[v], ref[v]) < 1e-9);
    }
  }
}

TEST_CASE("netsci betweenness: Boost.Graph's Brandes on random graphs, weighted and directed") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    for (bool directed : {false, true}) {
      for (bool weighted : {false, true}) {
        Graph g = netsci_test::random_graph(80, 240, seed, directed);
        if (weighted) g = netsci_test::with_weights(g);
        std::vector<double> ref(80, 0.0);
        if (weighted)
          boost::brandes_betweenness_centrality(
              g, boost::centrality_map(boost::make_iterator_property_map(ref.begin(), get(boost::vertex_index, g)))
                     .weight_map(get(boost::edge_weight, g)));
        else
          boost::brandes_betweenness_centrality(g, boost::make_iterator_property_map(ref.begin(), get(boost::vertex_index, g)));
        if (!directed)
          for (double& x : ref) x /= 2;  // BGL sees both arcs: ordered pairs
        const auto bc = betweenness(g);
        for (int v = 0; v < 80; ++v) CHECK(bc[v] == doctest::Approx(ref[v]).epsilon(1e-10));
      }
    }
  }
}

TEST_CASE("netsci betweenness: identical under 1/2/4 threads; sampling and errors") {
  const Graph g = load("polblogs");
  const auto b1 = with_threads(1, [&] { return betweenness(g); });
  for (int th : {2, 4}) CHECK(with_threads(th, [&] { return betweenness(g); }) == b1);
  const Graph lm = load("lesmis");
  const auto w1 = with_threads(1, [&] { return betweenness(lm); });
  CHECK(with_threads(4, [&] { return betweenness(lm); }) == w1);
  // all sources given as a sample = exact
  const auto all = sample_sources(g.num_nodes(), g.num_nodes(), 3);
  const auto ball = betweenness(g, {.sources = all});
  for (std::size_t v = 0; v < b1.size(); ++v) CHECK(ball[v] == doctest::Approx(b1[v]).epsilon(1e-12));
  const auto s = sample_sources(1000, 10, 7);
  CHECK(s.size() == 10);
  CHECK(std::is_sorted(s.begin(), s.end()));
  CHECK(std::adjacent_find(s.begin(), s.end()) == s.end());
  CHECK(sample_sources(1000, 10, 7) == s);
  CHECK_THROWS_WITH_AS(betweenness(g, {.sources = {-1}}), doctest::Contains("source"), InvalidArgument);
  const auto kn = betweenness(load("karate"), {.normalized = true});
  CHECK(kn[0] == doctest::Approx(231.0714285714 / (33.0 * 32 / 2)).epsilon(1e-9));
}

TEST_CASE("netsci closeness and harmonic centrality equal igraph's") {
  for (const auto& name : netsci_test::undirected_graphs()) {
    CAPTURE(name);
    const Graph g = load(name);
    const auto c = closeness(g);
    const auto h = harmonic_centrality(g);
    const auto ec = expected(name)["closeness"];
    const auto eh = expected(name)["harmonic"].get<std::vector<double>>();
    for (std::size_t v = 0; v < c.size(); ++v) {
      if (ec[v].is_null()) CHECK(std::isnan(c[v]));
      else CHECK(netsci_test::rel_err(c[v], ec[v].get<double>()) < 1e-12);
      CHECK(netsci_test::rel_err(h[v], eh[v]) < 1e-12);
    }
  }
}

TEST_CASE("netsci sampled betweenness: every estimate within epsilon of the exact value (Riondato-Kornaropoulos)") {
  // b(v) = exact ordered-pair betweenness / (n(n-1)). The guarantee holds with
  // probability >= 1 - delta per graph: over G graphs, allow the number of
  // failing graphs a binomial(G, delta) would exceed with probability < 1e-3.
  const double eps = 0.04, delta = 0.1;
  const int graphs = sprig::test::kSanitized ? 4 : 16;
  int failures = 0, runs = 0;
  double worst = 0;
  for (int s = 0; s < graphs; ++s) {
    const bool directed = s % 4 == 1;
    Graph g = netsci_test::random_graph(50 + s, 90 + 5 * s, 300 + static_cast<std::uint64_t>(s), directed);
    if (s % 4 == 2) g = netsci_test::with_weights(g);
    const double n = g.num_nodes();
    const auto exact = betweenness(g);
    const auto est = sampled_betweenness(g, {.epsilon = eps, .delta = delta, .seed = static_cast<std::uint64_t>(s)});
    CHECK(est.samples > 0);
    CHECK(est.vertex_diameter_bound >= 2);
    double dev = 0;
    for (node_t v = 0; v < g.num_nodes(); ++v) {
      const double b = exact[v] * (g.directed() ? 1.0 : 2.0) / (n * (n - 1));
      dev = std::max(dev, std::abs(est.value[v] - b));
    }
    worst = std::max(worst, dev);
    failures += dev > eps;
    ++runs;
  }
  MESSAGE("sampled betweenness: worst deviation ", worst, " (epsilon ", eps, ") over ", runs, " graphs");
  CHECK(failures <= (sprig::test::kSanitized ? 2 : 5));
  CHECK(worst < 2 * eps);
}

TEST_CASE("netsci sampled betweenness: sample size, determinism under 1/2/4 threads, errors") {
  const Graph g = netsci_test::load("polbooks");
  const auto a = with_threads(1, [&] { return sampled_betweenness(g, {.epsilon = 0.05, .delta = 0.1, .seed = 3}); });
  // r = ceil(0.5 / eps^2 * (floor(log2(VD - 2)) + 1 + ln(1/delta)))
  const double vd = static_cast<double>(a.vertex_diameter_bound);
  CHECK(a.samples == static_cast<std::int64_t>(std::ceil(0.5 / 0.0025 * (std::floor(std::log2(vd - 2)) + 1 + std::log(10.0)))));
  for (int th : {2, 4}) {
    const auto b = with_threads(th, [&] { return sampled_betweenness(g, {.epsilon = 0.05, .delta = 0.1, .seed = 3}); });
    CHECK(b.value == a.value);
  }
  double sum = 0;
  for (double x : a.value) sum += x;
  CHECK(sum > 0);
  CHECK_THROWS_AS(sampled_betweenness(g, {.epsilon = 0}), InvalidArgument);
  CHECK_THROWS_AS(sampled_betweenness(g, {.epsilon = 0.1, .delta = 1}), InvalidArgument);
  // a path 0-1-2: b(1) = 2 / (3·2) exactly for every sample
  EdgeList e;
  e.n = 3;
  e.add(0, 1);
  e.add(1, 2);
  const auto p = sampled_betweenness(build_csr(e), {.epsilon = 0.2});
  CHECK(p.value[0] == 0);
  CHECK(p.value[2] == 0);
  CHECK(std::abs(p.value[1] - 1.0 / 3.0) < 0.2);
}

namespace {
// A sparse core with pendant trees and chains hanging off it, a tree
// component, a two-node component, isolated nodes and a cycle with a tail:
// what the degree-1 fold removes. With `messy`, self-loops and parallel
// edges too (kept by the build).
Graph pendant_graph(std::uint64_t seed, bool messy) {
  Philox rng(seed, 0);
  EdgeList e;
  e.n = 160;
  auto pick = [&](int k) { return static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(k))); };
  for (int i = 0; i < 60; ++i) e.add(pick(40), pick(40));                   // core 0..39
  for (int v = 40; v < 120; ++v) e.add(v, pick(v));                          // trees on the core
  for (int v = 121; v < 140; ++v) e.add(v, 120 + pick(v - 120));             // a tree component 120..139
  e.add(140, 141);                                                           // a pair; 142, 143 isolated
  for (int v = 144; v < 150; ++v) e.add(v, v + 1 < 150 ? v + 1 : 144);       // a 6-cycle 144..149
  for (int v = 150; v < 160; ++v) e.add(v, v == 150 ? 146 : v - 1);          // with a 10-node tail
  if (messy) {
    for (int i = 0; i < 6; ++i) e.add(40 + pick(100), 40 + pick(100));    // may close cycles in the trees
    e.add(155, 155);
    e.add(60, 60);
    e.add(0, 1);
    e.add(0, 1);
    e.add(130, 131);
  }
  const BuildOptions keep{.self_loops = messy ? SelfLoops::keep : SelfLoops::drop,
                          .duplicates = messy ? Duplicates::keep : Duplicates::drop};
  return build_csr(e, keep);
}
}  // namespace

TEST_CASE("netsci betweenness: degree-1 folding (trees, chains, tiny components, self-loops, parallel edges) equals Boost.Graph") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    for (bool messy : {false, true}) {
      CAPTURE(seed);
      CAPTURE(messy);
      const Graph g = pendant_graph(seed, messy);
      std::vector<double> ref(static_cast<std::size_t>(g.num_nodes()), 0.0);
      boost::brandes_betweenness_centrality(g, boost::make_iterator_property_map(ref.begin(), get(boost::vertex_index, g)));
      for (double& x : ref) x /= 2;  // BGL sees both arcs: ordered pairs
      const auto bc = betweenness(g);
      // every node as a given source: the unfolded kernel, scale n/n = 1
      std::vector<node_t> all(static_cast<std::size_t>(g.num_nodes()));
      std::iota(all.begin(), all.end(), node_t{0});
      const auto plain = betweenness(g, {.sources = all});
      for (node_t v = 0; v < g.num_nodes(); ++v) {
        CAPTURE(v);
        CHECK(bc[v] == doctest::Approx(ref[v]).epsilon(1e-12));
        CHECK(plain[v] == doctest::Approx(ref[v]).epsilon(1e-12));
      }
      const auto nb = betweenness(g, {.normalized = true});
      const double pairs = (g.num_nodes() - 1.0) * (g.num_nodes() - 2.0) / 2;
      CHECK(nb[3] == doctest::Approx(ref[3] / pairs).epsilon(1e-12));
      if (seed == 1) {
        const auto b1 = with_threads(1, [&] { return betweenness(g); });
        for (int th : {2, 4}) CHECK(with_threads(th, [&] { return betweenness(g); }) == b1);
      }
    }
  }
  // a path 0-1-2-3-4 folds to one node: 3, 4, 3 pairs through the inner nodes
  EdgeList p;
  p.n = 5;
  for (node_t v = 0; v < 4; ++v) p.add(v, v + 1);
  CHECK(betweenness(build_csr(p)) == std::vector<double>{0, 3, 4, 3, 0});
  CHECK(betweenness(build_csr(EdgeList{})).empty());
}
