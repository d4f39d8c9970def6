// Leiden: modularity at least igraph's community_leiden (values made by
// tests/metrics/make_leiden_expected.py), every community connected (the
// Leiden guarantee) on real and random graphs, deterministic under 1/2/4
// threads, error paths.
#include <algorithm>
#include <fstream>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sprig/graph/parallel.hpp>
#include <sprig/metrics/community.hpp>

#include "netsci_common.hpp"
#include "test_config.hpp"

using namespace sprig;
using netsci_test::load;

namespace {

const nlohmann::json& leiden_expected() {
  static const nlohmann::json j = [] {
    std::ifstream in(std::string(SPRIG_TEST_DATA_DIR) + "/netsci_expected/leiden.json");
    REQUIRE_MESSAGE(in.good(), "missing leiden.json (run tests/metrics/make_leiden_expected.py)");
    return nlohmann::json::parse(in);
  }();
  return j;
}

Graph bundled(const std::string& name) {
  Graph g = load(name);
  return g.directed() ? symmetrize(g) : g;
}

// Number of communities whose induced subgraph is not connected.
int disconnected_communities(const Graph& g, const std::vector<node_t>& m) {
  const node_t n = g.num_nodes();
  const node_t C = *std::max_element(m.begin(), m.end()) + 1;
  std::vector<int> pieces(static_cast<std::size_t>(C), 0);
  std::vector<char> seen(static_cast<std::size_t>(n), 0);
  std::vector<node_t> stack;
  for (node_t s = 0; s < n; ++s) {
    if (seen[s]) continue;
    ++pieces[m[s]];
    seen[s] = 1;
    stack.assign(1, s);
    while (!stack.empty()) {
      const node_t v = stack.back();
      stack.pop_back();
      for (node_t u : g.neighbors(v))
        if (!seen[u] && m[u] == m[v]) {
          seen[u] = 1;
          stack.push_back(u);
        }
    }
  }
  return static_cast<int>(std::count_if(pieces.begin(), pieces.end(), [](int p) { return p > 1; }));
}

}  // namespace

TEST_CASE("netsci leiden: modularity at least igraph's community_leiden; communities connected") {
  // Both are randomized: sprig's median over seeds 1..9 (until stable) against
  // igraph's median over 30 seeds until stable (n_iterations=-1), and sprig's
  // best seed against igraph's median with its default n_iterations=2. (On
  // polblogs igraph's 2-iteration median, 0.427105, sits above sprig's median
  // 0.427097: both runs end in one of two nearby local optima.)
  for (const std::string name : {"karate", "dolphins", "lesmis", "football", "polbooks", "polblogs"}) {
    CAPTURE(name);
    const Graph g = bundled(name);
    const auto& e = leiden_expected()[name];
    const double peer = e["until_stable"]["median"].get<double>();
    std::vector<double> q;
    for (std::uint64_t s = 1; s <= 9; ++s) {
      const auto r = leiden(g, {.seed = s});
      CHECK(r.modularity == doctest::Approx(modularity(g, r.membership)).epsilon(1e-12));
      CHECK(disconnected_communities(g, r.membership) == 0);
      CHECK(r.count == *std::max_element(r.membership.begin(), r.membership.end()) + 1);
      q.push_back(r.modularity);
    }
    std::sort(q.begin(), q.end());
    MESSAGE(name, ": sprig leiden median ", q[4], " max ", q.back(), "; igraph until stable median ", peer, ", 2 iterations median ",
            e["iterations_2"]["median"].get<double>());
    CHECK(q[4] >= peer - 1e-12);
    CHECK(q.back() >= e["iterations_2"]["median"].get<double>() - 1e-12);
  }
}

TEST_CASE("netsci leiden: every community connected on random graphs (sparse, weighted, resolutions)") {
  const int seeds = sprig::test::kSanitized ? 6 : 30;
  for (int s = 0; s < seeds; ++s) {
    CAPTURE(s);
    // sparse G(n, m) graphs have many components and tree-like parts, where
    // Louvain-style moving can leave a community disconnected
    const Graph g = netsci_test::random_graph(120, 150 + 7 * s, 100 + static_cast<std::uint64_t>(s));
    const Graph w = netsci_test::with_weights(g);
    for (double gamma : {0.5, 1.0, 2.0}) {
      CAPTURE(gamma);
      const auto r = leiden(g, {.resolution = gamma, .seed = static_cast<std::uint64_t>(s)});
      CHECK(disconnected_communities(g, r.membership) == 0);
      const auto rw = leiden(w, {.resolution = gamma, .seed = static_cast<std::uint64_t>(s)});
      CHECK(disconnected_communities(w, rw.membership) == 0);
      CHECK(rw.modularity == doctest::Approx(modularity(w, rw.membership, gamma)).epsilon(1e-12));
    }
  }
}

TEST_CASE("netsci leiden: two cliques joined by one edge; isolated nodes; tiny graphs") {
  EdgeList e;
  e.n = 11;  // node 10 isolated
  for (node_t a = 0; a < 5; ++a)
    for (node_t b = a + 1; b < 5; ++b) {
      e.add(a, b);
      e.add(a + 5, b + 5);
    }
  e.add(4, 5);
  const Graph g = build_csr(e);
  const auto r = leiden(g);
  CHECK(r.count == 3);
  for (node_t v = 0; v < 5; ++v) {
    CHECK(r.membership[v] == r.membership[0]);
    CHECK(r.membership[v + 5] == r.membership[5]);
  }
  CHECK(r.membership[0] != r.membership[5]);
  CHECK(r.membership[10] != r.membership[0]);
  CHECK(r.membership[10] != r.membership[5]);
  // no edges: every node alone, modularity 0
  EdgeList empty;
  empty.n = 4;
  const auto z = leiden(build_csr(empty));
  CHECK(z.count == 4);
  CHECK(z.modularity == 0);
  const auto none = leiden(Graph{});
  CHECK(none.count == 0);
}

TEST_CASE("netsci leiden: deterministic for any thread count; options; errors") {
  const Graph g = bundled("polblogs");
  const auto a = with_threads(1, [&] { return leiden(g, {.seed = 5}); });
  for (int th : {2, 4}) {
    const auto b = with_threads(th, [&] { return leiden(g, {.seed = 5}); });
    CHECK(b.membership == a.membership);
    CHECK(b.modularity == a.modularity);
  }
  CHECK(leiden(g, {.seed = 5}).membership == a.membership);
  const auto one = leiden(g, {.seed = 5, .iterations = 1});
  CHECK(one.modularity <= a.modularity);
  CHECK(disconnected_communities(g, one.membership) == 0);
  CHECK(leiden(g, {.resolution = 3.0}).count > leiden(g, {.resolution = 0.2}).count);
  const Graph lw = load("lesmis");
  CHECK(leiden(lw).modularity == doctest::Approx(modularity(lw, leiden(lw).membership)).epsilon(1e-12));
  CHECK(leiden(lw, {.use_weights = false}).modularity ==
        doctest::Approx(modularity(lw, leiden(lw, {.use_weights = false}).membership, 1.0, false)).epsilon(1e-12));
  CHECK_THROWS_AS(leiden(load("polblogs")), InvalidArgument);
  CHECK_THROWS_AS(leiden(g, {.resolution = 0}), InvalidArgument);
  CHECK_THROWS_AS(leiden(g, {.iterations = 0}), InvalidArgument);
  CHECK_THROWS_AS(leiden(g, {.randomness = 0}), InvalidArgument);
  int calls = 0;
  CHECK_THROWS_AS(leiden(g, {.progress = [&](const Progress&) { return ++calls < 2; }}), Cancelled);
}

TEST_CASE("netsci leiden: parallel refinement and aggregation on a larger graph; unit-weight level 0 equals weights 1") {
  // thousands of communities to refine and aggregate in parallel chunks: the
  // result must not depend on the thread count
  const Graph g = netsci_test::random_graph(6000, 24000, 42);
  const Graph w = netsci_test::with_weights(g);
  EdgeList ones;  // the same graph with every weight 1: the weighted code path
  ones.n = g.num_nodes();
  for (node_t u = 0; u < g.num_nodes(); ++u)
    for (node_t v : g.neighbors(u))
      if (u < v) ones.add(u, v, 1.0f);
  const Graph g1 = build_csr(ones);
  REQUIRE(g1.weighted());
  const std::vector<std::uint64_t> seeds = sprig::test::kSanitized ? std::vector<std::uint64_t>{1} : std::vector<std::uint64_t>{1, 7};
  for (std::uint64_t seed : seeds) {
    CAPTURE(seed);
    const auto a = with_threads(1, [&] { return leiden(g, {.seed = seed, .iterations = 2}); });
    const auto aw = with_threads(1, [&] { return leiden(w, {.seed = seed, .iterations = 2}); });
    CHECK(disconnected_communities(g, a.membership) == 0);
    CHECK(disconnected_communities(w, aw.membership) == 0);
    CHECK(a.count > 20);
    CHECK(a.modularity == doctest::Approx(modularity(g, a.membership)).epsilon(1e-12));
    CHECK(aw.modularity == doctest::Approx(modularity(w, aw.membership)).epsilon(1e-12));
    for (int th : {2, 4}) {
      CAPTURE(th);
      const auto b = with_threads(th, [&] { return leiden(g, {.seed = seed, .iterations = 2}); });
      CHECK(b.membership == a.membership);
      CHECK(b.modularity == a.modularity);
      CHECK(b.level_membership == a.level_membership);
      const auto bw = with_threads(th, [&] { return leiden(w, {.seed = seed, .iterations = 2}); });
      CHECK(bw.membership == aw.membership);
      CHECK(bw.modularity == aw.modularity);
    }
    // weights of exactly 1 take the weighted path with the same arithmetic
    const auto o = leiden(g1, {.seed = seed, .iterations = 2});
    CHECK(o.membership == a.membership);
    CHECK(o.modularity == a.modularity);
    const auto u = leiden(w, {.seed = seed, .use_weights = false, .iterations = 2});
    CHECK(u.membership == a.membership);
  }
}
