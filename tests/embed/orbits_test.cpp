// Graphlet orbits: every node and edge orbit (4- and 5-node) against the
// brute-force oracle on random and real graphs, published karate counts,
// input rules, thread-count determinism, the batch API and the error paths.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sprig/embed/orbits.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/edge_list_io.hpp>

#include "embed/orbit_bruteforce.hpp"
#include "embed/orbit_oracle_check.hpp"
#include "test_config.hpp"

namespace {

using sprig::test::check_against_oracle;

using sprig::CountMatrix;
using sprig::Graph;
using sprig::OrbitOptions;
using sprig::Per;

Graph load(const std::string& name) { return sprig::read_graph(std::string(SPRIG_DATA_DIR) + "/" + name + ".edges.gz"); }

// Compares ours with the oracle in all four modes up to max_size; names the first mismatch.

}  // namespace

TEST_CASE("orbit oracle: karate graphlet counts") {
  const Graph g = load("karate");
  const auto b = sprig::test::brute_force_orbits(g, 5);
  CHECK(b.graphlets[0] == 78);
  CHECK(b.graphlets[2] == 45);
  CHECK(b.graphlets[8] == 11);
  CHECK(b.graphlets[29] == 2);
  CHECK(b.graphlets[5] == 36);
  CHECK(b.graphlets[15] == 20);
  CHECK(b.graphlets[9] == 1583);
  for (int v = 0; v < 34; ++v) CHECK(b.node(v, 0) == static_cast<std::uint64_t>(g.degree(v)));
}

TEST_CASE("orbit_counts: karate known values") {
  const Graph g = load("karate");
  const auto r4 = sprig::orbit_counts(g);
  const auto r5 = sprig::orbit_counts(g, {.max_size = 5, .per = Per::node});
  REQUIRE(r4.counts.cols() == 15);
  REQUIRE(r5.counts.cols() == 73);
  std::uint64_t deg = 0, tri = 0, k4 = 0, c4 = 0, c5 = 0, p5 = 0, k5 = 0;
  for (int v = 0; v < 34; ++v) {
    CHECK(r4.counts(v, 0) == static_cast<std::uint64_t>(g.degree(v)));
    CHECK(r4.counts.row(v) == r5.counts.row(v).head(15));
    deg += r4.counts(v, 0);
    tri += r4.counts(v, 3);
    k4 += r4.counts(v, 14);
    c4 += r4.counts(v, 8);
    c5 += r5.counts(v, 34);
    p5 += r5.counts(v, 17);  // the centre of an induced five-node path
    k5 += r5.counts(v, 72);
  }
  CHECK(deg == 156);
  CHECK(tri == 3 * 45);
  CHECK(k4 == 4 * 11);
  CHECK(c4 == 4 * 36);
  CHECK(c5 == 5 * 20);
  CHECK(p5 == 1583);
  CHECK(k5 == 5 * 2);
  CHECK(r4.counts(0, 3) == 18);  // triangles at the instructor's node
}

TEST_CASE("orbit_counts: every orbit equals the brute force on random graphs") {
  const int seeds = sprig::test::kSanitized ? 12 : 60;
  for (int seed = 1; seed <= seeds; ++seed) {
    const auto s = static_cast<std::uint64_t>(seed);
    const std::int64_t n = 8 + seed % 17;
    // sparse ER, dense ER (with isolated nodes from the sparse ones), BA
    const Graph sparse = sprig::build_csr(sprig::erdos_renyi_gnm({.n = n + 5, .m = n, .seed = s}));
    const Graph dense = sprig::build_csr(sprig::erdos_renyi_gnp({.n = n, .p = 0.55, .seed = s}));
    const Graph ba = sprig::build_csr(sprig::barabasi_albert({.n = n + 10, .m = 1 + seed % 3, .seed = s}));
    for (int k : {4, 5}) {
      check_against_oracle(sparse, k, "sparse ER seed " + std::to_string(seed));
      check_against_oracle(dense, k, "dense ER seed " + std::to_string(seed));
      check_against_oracle(ba, k, "BA seed " + std::to_string(seed));
    }
  }
}

TEST_CASE("orbit_counts: every orbit equals the brute force on real graphs") {
  check_against_oracle(load("karate"), 4, "karate");
  check_against_oracle(load("karate"), 5, "karate");
  check_against_oracle(load("dolphins"), 5, "dolphins");
  check_against_oracle(load("football"), 4, "football");
  check_against_oracle(load("polbooks"), 4, "polbooks");
  check_against_oracle(load("lesmis"), 4, "lesmis (weights ignored)");
  if (!sprig::test::kSanitized) {
    check_against_oracle(load("football"), 5, "football");
    check_against_oracle(load("polbooks"), 5, "polbooks");
    check_against_oracle(load("lesmis"), 5, "lesmis (weights ignored)");
  }
}

TEST_CASE("orbit_counts: directed, duplicates, self-loops, isolated nodes, tiny graphs") {
  // A directed list with both directions of one edge, a duplicate and a self-loop.
  sprig::EdgeList el;
  el.n = 7;
  el.directed = true;
  for (auto [u, v] : std::vector<std::pair<int, int>>{{0, 1}, {1, 0}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {4, 2}, {4, 4},
                                                      {3, 4}, {5, 3}})
    el.add(u, v);
  const Graph directed = sprig::build_csr(el, {.self_loops = sprig::SelfLoops::keep, .duplicates = sprig::Duplicates::keep});
  const Graph clean = sprig::build_csr(el, {.symmetrize = true});
  sprig::EdgeList und = el;
  und.directed = false;
  const Graph multi = sprig::build_csr(und, {.self_loops = sprig::SelfLoops::keep, .duplicates = sprig::Duplicates::keep});
  for (int k : {4, 5})
    for (Per per : {Per::node, Per::edge}) {
      const auto want = sprig::orbit_counts(clean, {.max_size = k, .per = per});
      CHECK(sprig::orbit_counts(directed, {.max_size = k, .per = per}).counts == want.counts);
      CHECK(sprig::orbit_counts(multi, {.max_size = k, .per = per}).counts == want.counts);
      CHECK(sprig::orbit_counts(multi, {.max_size = k, .per = per}).edges == want.edges);
    }
  const auto r = sprig::orbit_counts(clean);
  CHECK(r.counts.rows() == 7);
  CHECK(r.counts.row(6).sum() == 0);  // isolated node
  CHECK(r.counts(0, 3) == 1);
  check_against_oracle(directed, 5, "directed with loops and duplicates");

  const Graph empty;
  for (int k : {4, 5}) {
    CHECK(sprig::orbit_counts(empty, {.max_size = k}).counts.rows() == 0);
    CHECK(sprig::orbit_counts(empty, {.max_size = k, .per = Per::edge}).counts.rows() == 0);
  }
  sprig::EdgeList one;
  one.n = 1;
  const Graph single = sprig::build_csr(one);
  const auto r1 = sprig::orbit_counts(single, {.max_size = 5});
  CHECK(r1.counts.rows() == 1);
  CHECK(r1.counts.cols() == 73);
  CHECK(r1.counts.sum() == 0);
  CHECK(sprig::orbit_counts(single, {.per = Per::edge}).counts.rows() == 0);
}

TEST_CASE("orbit_counts: identical for 1, 2 and 4 threads") {
  const Graph g = sprig::build_csr(sprig::barabasi_albert({.n = sprig::test::kSanitized ? 80 : 250, .m = 4, .seed = 3}));
  for (int k : {4, 5})
    for (Per per : {Per::node, Per::edge}) {
      const OrbitOptions opt{.max_size = k, .per = per};
      const auto a = sprig::with_threads(1, [&] { return sprig::orbit_counts(g, opt); });
      const auto b = sprig::with_threads(2, [&] { return sprig::orbit_counts(g, opt); });
      const auto c = sprig::with_threads(4, [&] { return sprig::orbit_counts(g, opt); });
      CHECK(a.counts == b.counts);
      CHECK(a.counts == c.counts);
      CHECK(a.edges == c.edges);
    }
}

TEST_CASE("orbit_counts: batch equals one by one; progress and cancellation") {
  std::vector<Graph> graphs;
  for (int i = 0; i < 40; ++i)
    graphs.push_back(sprig::build_csr(sprig::erdos_renyi_gnp({.n = 5 + i % 13, .p = 0.3, .seed = 100u + i})));
  graphs.emplace_back();  // an empty graph in the batch
  for (int k : {4, 5})
    for (Per per : {Per::node, Per::edge}) {
      int reports = 0;
      const auto all = sprig::orbit_counts(std::span<const Graph>(graphs),
                                           {.max_size = k, .per = per, .progress = [&](const sprig::Progress& p) {
                                              CHECK(p.stage == "orbits: graphs");
                                              ++reports;
                                              return true;
                                            }});
      REQUIRE(all.size() == graphs.size());
      CHECK(reports > 0);
      for (std::size_t i = 0; i < graphs.size(); ++i) {
        const auto one = sprig::orbit_counts(graphs[i], {.max_size = k, .per = per});
        CHECK(all[i].counts == one.counts);
        CHECK(all[i].edges == one.edges);
      }
    }
  int stages = 0;
  sprig::orbit_counts(graphs[10], {.progress = [&](const sprig::Progress&) {
                                     ++stages;
                                     return true;
                                   }});
  CHECK(stages > 0);
  CHECK_THROWS_AS(sprig::orbit_counts(graphs[10], {.max_size = 5, .progress = [](const sprig::Progress&) { return false; }}),
                  sprig::Cancelled);
}

TEST_CASE("orbit_counts: bad options") {
  const Graph g = load("karate");
  CHECK_THROWS_WITH_AS(sprig::orbit_counts(g, {.max_size = 3}), "orbit_counts: max_size must be 4 or 5 (got 3)",
                       sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::orbit_counts(g, {.max_size = 6, .per = Per::edge}), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::orbit_counts(g, {.per = static_cast<Per>(7)}), sprig::InvalidArgument);
  std::vector<Graph> none;
  CHECK(sprig::orbit_counts(std::span<const Graph>(none)).empty());
  CHECK(sprig::num_orbits(4, Per::node) == 15);
  CHECK(sprig::num_orbits(5, Per::node) == 73);
  CHECK(sprig::num_orbits(4, Per::edge) == 12);
  CHECK(sprig::num_orbits(5, Per::edge) == 68);
}

TEST_CASE("sprig orbits: --format orca and .tsv rows equal the library's counts") {
  const std::string cli = SPRIG_CLI_PATH;
  if (cli.empty()) return;  // built without the CLI
  const std::string data = std::string(SPRIG_DATA_DIR) + "/karate.edges.gz";
  const std::string dir = std::filesystem::temp_directory_path().string();
  const std::string orca = dir + "/sprig_orbits_test_" + std::to_string(::getpid()) + ".orca";
  const std::string tsv = dir + "/sprig_orbits_test_" + std::to_string(::getpid()) + ".tsv";
  const Graph g = load("karate");
  for (const bool edges : {false, true}) {
    const auto r = sprig::orbit_counts(g, {.max_size = 5, .per = edges ? Per::edge : Per::node});
    std::string want, want_tsv = edges ? "u\tv" : "node";
    for (Eigen::Index j = 0; j < r.counts.cols(); ++j) want_tsv += (edges ? "\te" : "\to") + std::to_string(j);
    want_tsv += '\n';
    for (Eigen::Index i = 0; i < r.counts.rows(); ++i) {
      want_tsv += edges ? std::to_string(r.edges[i].first) + "\t" + std::to_string(r.edges[i].second) : std::to_string(i);
      for (Eigen::Index j = 0; j < r.counts.cols(); ++j) {
        want += (j ? " " : "") + std::to_string(r.counts(i, j));
        want_tsv += "\t" + std::to_string(r.counts(i, j));
      }
      want += '\n';
      want_tsv += '\n';
    }
    const std::string flag = edges ? " --edges" : "";
    REQUIRE(std::system((cli + " orbits " + data + " -k 5 -q --format orca -o " + orca + flag).c_str()) == 0);
    REQUIRE(std::system((cli + " orbits " + data + " -k 5 -q -o " + tsv + flag).c_str()) == 0);
    std::ifstream a(orca), b(tsv);
    std::stringstream sa, sb;
    sa << a.rdbuf();
    sb << b.rdbuf();
    CHECK(sa.str() == want);
    CHECK(sb.str() == want_tsv);
  }
  std::remove(orca.c_str());
  std::remove(tsv.c_str());
  CHECK(std::system((cli + " orbits " + data + " -k 6 -q -o " + orca + " 2>/dev/null").c_str()) != 0);
  CHECK(std::system((cli + " orbits " + data + " --edges -q -o " + dir + "/x.h5 2>/dev/null").c_str()) != 0);
}
