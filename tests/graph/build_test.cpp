// build_csr against a brute-force set-based build on random edge lists.
#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <set>

#include <sprig/graph/build.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

using namespace sprig;

namespace {

EdgeList random_edges(std::int64_t n, std::size_t m, std::uint64_t seed, bool directed, bool weighted) {
  EdgeList e;
  e.n = n;
  e.directed = directed;
  Philox rng(seed, 0);
  for (std::size_t i = 0; i < m; ++i) {
    const auto u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    if (weighted)
      e.add(u, v, static_cast<float>(rng.bounded(8) + 1) * 0.5f);
    else
      e.add(u, v);
  }
  return e;
}

// Reference: map from arc to the list of weights seen.
std::map<std::pair<node_t, node_t>, std::vector<float>> reference_arcs(const EdgeList& e, bool directed) {
  std::map<std::pair<node_t, node_t>, std::vector<float>> arcs;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const float w = e.weighted() ? e.weight[i] : 1.0f;
    arcs[{e.src[i], e.dst[i]}].push_back(w);
    if (!directed && e.src[i] != e.dst[i]) arcs[{e.dst[i], e.src[i]}].push_back(w);
  }
  return arcs;
}

}  // namespace

TEST_CASE("build_csr matches a brute-force build on random graphs") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const bool directed = seed % 2 == 0;
    const bool weighted = seed % 3 == 0;
    const std::int64_t n = 1 + static_cast<std::int64_t>(seed % 17);
    const EdgeList e = random_edges(n, seed * 3, seed, directed, weighted);
    for (Duplicates dup : {Duplicates::drop, Duplicates::keep, Duplicates::sum, Duplicates::min, Duplicates::max}) {
      for (SelfLoops loops : {SelfLoops::drop, SelfLoops::keep}) {
        BuildStats stats;
        const Graph g = build_csr(e, {.self_loops = loops, .duplicates = dup}, &stats);
        CHECK(g.num_nodes() == n);
        CHECK(g.directed() == directed);
        g.validate({.allow_self_loops = loops == SelfLoops::keep, .allow_duplicates = dup == Duplicates::keep});
        std::vector<std::tuple<node_t, node_t, float>> expect;
        for (const auto& [arc, ws] : reference_arcs(e, directed)) {
          if (loops == SelfLoops::drop && arc.first == arc.second) continue;
          std::vector<float> sorted = ws;
          std::sort(sorted.begin(), sorted.end());
          if (dup == Duplicates::keep) {
            for (float w : sorted) expect.emplace_back(arc.first, arc.second, w);
          } else {
            float w = weighted ? sorted.front() : 1.0f;
            if (weighted && dup == Duplicates::sum) {
              w = 0;
              for (float x : sorted) w += x;
            }
            if (weighted && dup == Duplicates::max) w = sorted.back();
            expect.emplace_back(arc.first, arc.second, w);
          }
        }
        std::vector<std::tuple<node_t, node_t, float>> got;
        for (node_t u = 0; u < g.num_nodes(); ++u)
          for (std::size_t k = 0; k < g.neighbors(u).size(); ++k)
            got.emplace_back(u, g.neighbors(u)[k], weighted ? g.weights(u)[k] : 1.0f);
        REQUIRE(got.size() == expect.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
          CHECK(std::get<0>(got[i]) == std::get<0>(expect[i]));
          CHECK(std::get<1>(got[i]) == std::get<1>(expect[i]));
          CHECK(std::get<2>(got[i]) == doctest::Approx(std::get<2>(expect[i])));
        }
        // Stats: every input edge is a kept edge, a dropped loop or a merged duplicate.
        CHECK(stats.input_edges == static_cast<std::int64_t>(e.size()));
        CHECK(stats.self_loops_removed + stats.duplicates_merged + g.num_edges() == stats.input_edges);
      }
    }
  }
}

TEST_CASE("build_csr is identical under 1, 2 and 4 threads") {
  const EdgeList e = random_edges(5000, 200000, 99, false, true);
  const Graph g1 = with_threads(1, [&] { return build_csr(e, {.duplicates = Duplicates::sum}); });
  for (int t : {2, 4}) {
    const Graph gt = with_threads(t, [&] { return build_csr(e, {.duplicates = Duplicates::sum}); });
    CHECK(std::equal(g1.offsets().begin(), g1.offsets().end(), gt.offsets().begin(), gt.offsets().end()));
    CHECK(std::equal(g1.targets().begin(), g1.targets().end(), gt.targets().begin(), gt.targets().end()));
    CHECK(std::memcmp(g1.weights().data(), gt.weights().data(), g1.weights().size_bytes()) == 0);
  }
}

TEST_CASE("build_csr rejects bad input with a clear message") {
  EdgeList e;
  e.n = 3;
  e.add(0, 5);
  CHECK_THROWS_WITH_AS(build_csr(e), doctest::Contains("target 5 outside [0, 3)"), InvalidArgument);
  EdgeList w;
  w.n = 2;
  w.add(0, 1, std::numeric_limits<float>::quiet_NaN());
  CHECK_THROWS_WITH_AS(build_csr(w), doctest::Contains("must be finite"), InvalidArgument);
  const Graph empty = build_csr(EdgeList{});
  CHECK(empty.num_nodes() == 0);
  CHECK(empty.num_edges() == 0);
  empty.validate();
}

TEST_CASE("validate reports broken invariants") {
  CHECK_THROWS_WITH_AS(Graph({0, 1}, {0}, {}, false).validate(), doctest::Contains("node 0 has a self-loop"),
                       InvalidArgument);
  CHECK_NOTHROW(Graph({0, 1}, {0}, {}, false).validate({.allow_self_loops = true}));
  CHECK_THROWS_WITH_AS(Graph({0, 2, 2, 2}, {2, 1}, {}, true).validate(), doctest::Contains("not sorted"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(Graph({0, 2, 2}, {1, 1}, {}, true).validate(), doctest::Contains("target 1 twice"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(Graph({0, 1, 1}, {1}, {std::numeric_limits<float>::infinity()}, true).validate(),
                       doctest::Contains("must be finite"), InvalidArgument);
  CHECK_THROWS_WITH_AS(Graph({0, 1, 1}, {1}, {}, false).validate(), doctest::Contains("but not 1->0"), InvalidArgument);
  CHECK_THROWS_AS(Graph({0, 3}, {1}, {}, true), InvalidArgument);
}
