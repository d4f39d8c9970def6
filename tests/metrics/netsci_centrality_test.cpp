// PageRank, betweenness, closeness, harmonic: against igraph (PRPACK for
// PageRank) on the bundled graphs, Boost.Graph / brute force on random graphs,
// and identical under 1/2/4 threads.
#include <cmath>

#include <boost/graph/betweenness_centrality.hpp>
#include <doctest/doctest.h>

#include <sprig/graph/bgl.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/metrics/centrality.hpp>

#include "netsci_common.hpp"

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
