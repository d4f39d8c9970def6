// Generators: exact counts, statistical bounds, brute-force pair frequencies,
// structural properties, spec parsing, and bitwise determinism under 1, 2, 4 threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <sprig/graph/build.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/graph/parallel.hpp>

using namespace sprig;

namespace {

using Pair = std::pair<node_t, node_t>;

bool same(const EdgeList& a, const EdgeList& b) {
  return a.n == b.n && a.directed == b.directed && a.src == b.src && a.dst == b.dst && a.weight == b.weight;
}

// Edges as a set of canonical pairs; checks range, no self-loops, no repeats.
std::set<Pair> simple_edge_set(const EdgeList& e) {
  std::set<Pair> s;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const node_t u = e.src[i], v = e.dst[i];
    REQUIRE(u >= 0);
    REQUIRE(u < e.n);
    REQUIRE(v >= 0);
    REQUIRE(v < e.n);
    CHECK(u != v);
    const Pair p = e.directed ? Pair{u, v} : Pair{std::min(u, v), std::max(u, v)};
    CHECK(s.insert(p).second);
  }
  return s;
}

template <class Gen>
void check_thread_determinism(Gen gen) {
  const EdgeList e1 = with_threads(1, gen);
  CHECK(e1.size() > 0);
  for (int t : {2, 4}) CHECK(same(with_threads(t, gen), e1));
}

// Within `sigmas` standard deviations of a Binomial(trials, p) mean.
void check_binomial(double x, double trials, double p, double sigmas = 6.0) {
  const double mean = trials * p, sd = std::sqrt(trials * p * (1 - p));
  CHECK(std::abs(x - mean) <= sigmas * sd + 1e-9);
}

}  // namespace

TEST_CASE("generators are bitwise identical under 1, 2 and 4 threads") {
  check_thread_determinism([] { return erdos_renyi_gnm({.n = 3000, .m = 300000, .seed = 5}); });
  check_thread_determinism([] { return erdos_renyi_gnm({.n = 700, .m = 200000, .seed = 5}); });  // dense path
  check_thread_determinism([] { return erdos_renyi_gnp({.n = 4000, .p = 0.04, .seed = 6}); });
  check_thread_determinism([] { return erdos_renyi_gnp({.n = 3000, .p = 0.03, .directed = true, .seed = 6}); });
  check_thread_determinism([] { return barabasi_albert({.n = 20000, .m = 3, .seed = 7}); });
  check_thread_determinism([] { return rmat({.scale = 14, .edge_factor = 16, .seed = 8}); });
  check_thread_determinism([] { return watts_strogatz({.n = 5000, .k = 3, .beta = 0.2, .seed = 9}); });
  check_thread_determinism([] {
    return stochastic_block_model(
               {.block_sizes = {1500, 2500}, .probabilities = {0.05, 0.01, 0.01, 0.04}, .seed = 10})
        .edges;
  });
  check_thread_determinism([] { return generate("sbm:3:1000:0.05:0.005", 11); });
}

TEST_CASE("different seeds give different graphs") {
  CHECK_FALSE(same(rmat({.scale = 10, .seed = 1}), rmat({.scale = 10, .seed = 2})));
  CHECK_FALSE(same(erdos_renyi_gnp({.n = 500, .p = 0.05, .seed = 1}), erdos_renyi_gnp({.n = 500, .p = 0.05, .seed = 2})));
  CHECK_FALSE(same(erdos_renyi_gnm({.n = 500, .m = 900, .seed = 1}), erdos_renyi_gnm({.n = 500, .m = 900, .seed = 2})));
}

TEST_CASE("G(n, m) has exactly m distinct edges without self-loops") {
  for (bool directed : {false, true}) {
    for (auto [n, m] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {10, 0}, {10, 5}, {10, 44}, {30, 400}, {1000, 5000}, {2, 1}, {0, 0}, {1, 0}}) {
      const std::int64_t pairs = directed ? n * (n - 1) : n * (n - 1) / 2;
      if (m > pairs) continue;
      const EdgeList e = erdos_renyi_gnm({.n = n, .m = m, .directed = directed, .seed = 3});
      CHECK(e.n == n);
      CHECK(e.directed == directed);
      CHECK(simple_edge_set(e).size() == static_cast<std::size_t>(m));
    }
    // m equal to the number of pairs gives the complete graph.
    CHECK(simple_edge_set(erdos_renyi_gnm({.n = 12, .m = directed ? 132 : 66, .directed = directed})).size() ==
          (directed ? 132u : 66u));
  }
  CHECK_THROWS_WITH_AS(erdos_renyi_gnm({.n = 10, .m = 46}), doctest::Contains("m = 46 must lie in [0, 45]"),
                       InvalidArgument);
  CHECK_THROWS_AS(erdos_renyi_gnm({.n = -1, .m = 0}), InvalidArgument);
}

TEST_CASE("G(n, m) and G(n, p) choose every pair equally often") {
  // Brute force over many seeds: each pair's count is Binomial(seeds, P(pair)).
  for (bool directed : {false, true}) {
    const std::int64_t n = 9;
    const double pairs = directed ? 72.0 : 36.0;
    std::map<Pair, int> gnm_count, gnp_count, gnm_dense_count;
    const int seeds = 3000;
    for (int s = 0; s < seeds; ++s) {
      const auto seed = static_cast<std::uint64_t>(s);
      for (const Pair& p : simple_edge_set(erdos_renyi_gnm({.n = n, .m = 10, .directed = directed, .seed = seed})))
        ++gnm_count[p];
      for (const Pair& p : simple_edge_set(erdos_renyi_gnm({.n = n, .m = 30, .directed = directed, .seed = seed})))
        ++gnm_dense_count[p];
      for (const Pair& p : simple_edge_set(erdos_renyi_gnp({.n = n, .p = 0.3, .directed = directed, .seed = seed})))
        ++gnp_count[p];
    }
    CHECK(gnm_count.size() == static_cast<std::size_t>(pairs));
    CHECK(gnp_count.size() == static_cast<std::size_t>(pairs));
    for (const auto& [p, c] : gnm_count) check_binomial(c, seeds, 10.0 / pairs);
    for (const auto& [p, c] : gnm_dense_count) check_binomial(c, seeds, 30.0 / pairs);
    for (const auto& [p, c] : gnp_count) check_binomial(c, seeds, 0.3);
  }
}

TEST_CASE("G(n, p): edge count within a statistical bound; p = 0 and p = 1") {
  for (bool directed : {false, true}) {
    for (double p : {0.001, 0.01, 0.2}) {
      const std::int64_t n = 3000;
      const EdgeList e = erdos_renyi_gnp({.n = n, .p = p, .directed = directed, .seed = 42});
      const double pairs = directed ? double(n) * (n - 1) : double(n) * (n - 1) / 2;
      check_binomial(static_cast<double>(e.size()), pairs, p);
      if (p < 0.1) CHECK(simple_edge_set(e).size() == e.size());
    }
    CHECK(erdos_renyi_gnp({.n = 50, .p = 0.0, .directed = directed}).size() == 0);
    CHECK(simple_edge_set(erdos_renyi_gnp({.n = 50, .p = 1.0, .directed = directed})).size() ==
          (directed ? 2450u : 1225u));
  }
  CHECK_THROWS_WITH_AS(erdos_renyi_gnp({.n = 5, .p = 1.5}), doctest::Contains("p = 1.5 must lie in [0, 1]"),
                       InvalidArgument);
}

TEST_CASE("Barabási–Albert: node count, edge count, degree sum, distinct targets, skew") {
  for (std::int64_t m : {1, 2, 5}) {
    const std::int64_t n = 5000;
    const EdgeList e = barabasi_albert({.n = n, .m = m, .seed = 4});
    CHECK(e.n == n);
    CHECK_FALSE(e.directed);
    CHECK(static_cast<std::int64_t>(e.size()) == (n - m) * m);
    const std::set<Pair> s = simple_edge_set(e);  // no self-loops, no repeated edges
    CHECK(s.size() == e.size());
    const Graph g = build_csr(e);
    CHECK(g.num_edges() * 2 == 2 * m * (n - m));  // degree sum
    std::int64_t max_deg = 0;
    for (node_t v = 0; v < g.num_nodes(); ++v) {
      max_deg = std::max<std::int64_t>(max_deg, g.degree(v));
      if (v >= m) CHECK(g.degree(v) >= m);  // every added node brings m edges
    }
    CHECK(max_deg > 10 * 2 * m);  // a heavy tail: hubs far above the mean degree 2m
    // Node m links to all initial nodes.
    for (node_t t = 0; t < m; ++t) CHECK(g.has_arc(static_cast<node_t>(m), t));
  }
  CHECK_THROWS_WITH_AS(barabasi_albert({.n = 5, .m = 5}), doctest::Contains("m = 5 must lie in [1, n)"),
                       InvalidArgument);
}

TEST_CASE("R-MAT: size, scale, degree skew, permutation") {
  const RmatOptions opt{.scale = 14, .edge_factor = 8, .permute = false, .seed = 12};
  const EdgeList e = rmat(opt);
  CHECK(e.n == (1 << 14));
  CHECK(e.size() == (std::size_t{8} << 14));
  for (std::size_t i = 0; i < e.size(); ++i) {
    REQUIRE(e.src[i] >= 0);
    REQUIRE(e.src[i] < e.n);
    REQUIRE(e.dst[i] >= 0);
    REQUIRE(e.dst[i] < e.n);
  }
  const Graph g = build_csr(e);
  // Unpermuted, quadrant a = (0, 0) dominates: node 0 is the hub.
  std::vector<edge_t> deg(static_cast<std::size_t>(g.num_nodes()));
  for (node_t v = 0; v < g.num_nodes(); ++v) deg[v] = g.degree(v);
  CHECK(deg[0] == *std::max_element(deg.begin(), deg.end()));
  const double mean = 2.0 * static_cast<double>(g.num_edges()) / static_cast<double>(g.num_nodes());
  CHECK(static_cast<double>(deg[0]) > 20 * mean);
  // Many isolated nodes, as expected from R-MAT's skew.
  CHECK(std::count(deg.begin(), deg.end(), 0) > g.num_nodes() / 10);
  // Quadrant frequencies at the top level match a, b, c, d.
  const std::uint32_t top = 1u << 13;
  double qa = 0, qb = 0, qc = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const bool hi_u = e.src[i] & top, hi_v = e.dst[i] & top;
    qa += !hi_u && !hi_v;
    qb += !hi_u && hi_v;
    qc += hi_u && !hi_v;
  }
  check_binomial(qa, static_cast<double>(e.size()), 0.57);
  check_binomial(qb, static_cast<double>(e.size()), 0.19);
  check_binomial(qc, static_cast<double>(e.size()), 0.19);
  // Permuted: the same edges renamed by a bijection, so the degree sequences agree as multisets.
  RmatOptions popt = opt;
  popt.permute = true;
  const EdgeList p = rmat(popt);
  std::map<node_t, node_t> ren;
  for (std::size_t i = 0; i < e.size(); ++i) {
    for (auto [a, b] : {Pair{e.src[i], p.src[i]}, Pair{e.dst[i], p.dst[i]}}) {
      const auto [it, fresh] = ren.emplace(a, b);
      REQUIRE(it->second == b);
    }
  }
  std::set<node_t> images;
  for (const auto& [a, b] : ren) images.insert(b);
  CHECK(images.size() == ren.size());  // injective
  CHECK(ren.at(0) != 0);               // the hub moved (probability 2^-14 of a false failure)
  CHECK_THROWS_WITH_AS(rmat({.scale = 31}), doctest::Contains("scale = 31 must lie in [1, 30]"), InvalidArgument);
  CHECK_THROWS_AS(rmat({.scale = 4, .a = 0.6, .b = 0.3, .c = 0.3}), InvalidArgument);
}

TEST_CASE("stochastic block model: labels and densities within bounds") {
  for (bool directed : {false, true}) {
    const std::int64_t n0 = 300, n1 = 500;
    const double p00 = 0.08, p01 = directed ? 0.01 : 0.005, p10 = 0.005, p11 = 0.05;
    const SbmGraph g = stochastic_block_model({.block_sizes = {n0, n1},
                                               .probabilities = {p00, p01, p10, p11},
                                               .directed = directed,
                                               .seed = 13});
    CHECK(g.edges.n == n0 + n1);
    REQUIRE(g.labels.size() == static_cast<std::size_t>(n0 + n1));
    for (std::size_t v = 0; v < g.labels.size(); ++v) CHECK(g.labels[v] == (v < 300 ? 0 : 1));
    simple_edge_set(g.edges);
    double c00 = 0, c01 = 0, c10 = 0, c11 = 0;
    for (std::size_t i = 0; i < g.edges.size(); ++i) {
      const int a = g.labels[g.edges.src[i]], b = g.labels[g.edges.dst[i]];
      if (a == 0 && b == 0) ++c00;
      if (a == 1 && b == 1) ++c11;
      if (a == 0 && b == 1) ++c01;
      if (a == 1 && b == 0) ++c10;
    }
    if (directed) {
      check_binomial(c00, double(n0) * (n0 - 1), p00);
      check_binomial(c11, double(n1) * (n1 - 1), p11);
      check_binomial(c01, double(n0) * n1, p01);
      check_binomial(c10, double(n0) * n1, p10);
    } else {
      check_binomial(c00, double(n0) * (n0 - 1) / 2, p00);
      check_binomial(c11, double(n1) * (n1 - 1) / 2, p11);
      check_binomial(c01 + c10, double(n0) * n1, p01);
    }
  }
  // No edges between blocks when the off-diagonal is 0; complete blocks when 1.
  const SbmGraph g = stochastic_block_model({.block_sizes = {4, 0, 3}, .probabilities = {1, 0, 0, 0, 1, 0, 0, 0, 1}});
  CHECK(simple_edge_set(g.edges).size() == 6u + 3u);
  for (std::size_t i = 0; i < g.edges.size(); ++i) CHECK(g.labels[g.edges.src[i]] == g.labels[g.edges.dst[i]]);
  CHECK_THROWS_WITH_AS(stochastic_block_model({.block_sizes = {2, 2}, .probabilities = {0.1, 0.2, 0.3, 0.1}}),
                       doctest::Contains("symmetric"), InvalidArgument);
  CHECK_THROWS_WITH_AS(stochastic_block_model({.block_sizes = {2, 2}, .probabilities = {0.1}}),
                       doctest::Contains("probability matrix"), InvalidArgument);
}

TEST_CASE("Watts–Strogatz: ring lattice at beta = 0, n·k simple edges after rewiring") {
  const std::int64_t n = 200, k = 3;
  const EdgeList ring = watts_strogatz({.n = n, .k = k, .beta = 0.0});
  const std::set<Pair> s = simple_edge_set(ring);
  CHECK(s.size() == static_cast<std::size_t>(n * k));
  for (node_t u = 0; u < n; ++u)
    for (node_t j = 1; j <= k; ++j) {
      const node_t v = static_cast<node_t>((u + j) % n);
      CHECK(s.count({std::min(u, v), std::max(u, v)}));
    }
  const Graph g = build_csr(ring);
  for (node_t v = 0; v < n; ++v) CHECK(g.degree(v) == 2 * k);
  for (double beta : {0.2, 1.0}) {
    const EdgeList e = watts_strogatz({.n = n, .k = k, .beta = beta, .seed = 3});
    const std::set<Pair> r = simple_edge_set(e);
    CHECK(r.size() == static_cast<std::size_t>(n * k));
    std::size_t kept = 0;
    for (const Pair& p : r) kept += s.count(p);
    // The share of ring edges that survive is about 1 - beta (plus the few a rewiring
    // happens to land on again, about 2k/n of them): ±0.08 is over 5 standard deviations.
    const double share = static_cast<double>(kept) / static_cast<double>(n * k);
    CHECK(share >= 1 - beta - 0.08);
    CHECK(share <= 1 - beta + 0.08);
  }
  CHECK_THROWS_WITH_AS(watts_strogatz({.n = 6, .k = 3}), doctest::Contains("2k < n"), InvalidArgument);
}

TEST_CASE("generate parses specs and matches the direct calls") {
  CHECK(same(generate("rmat:10", 3), rmat({.scale = 10, .edge_factor = 16, .seed = 3})));
  CHECK(same(generate("rmat:10:4", 3), rmat({.scale = 10, .edge_factor = 4, .seed = 3})));
  CHECK(same(generate("er:100:300", 4), erdos_renyi_gnm({.n = 100, .m = 300, .seed = 4})));
  CHECK(same(generate("gnp:100:0.05", 5), erdos_renyi_gnp({.n = 100, .p = 0.05, .seed = 5})));
  CHECK(same(generate("ba:100:3", 6), barabasi_albert({.n = 100, .m = 3, .seed = 6})));
  CHECK(same(generate("ws:100:2:0.1", 7), watts_strogatz({.n = 100, .k = 2, .beta = 0.1, .seed = 7})));
  std::vector<std::int32_t> labels{9};
  const EdgeList s = generate("sbm:3:20:0.5:0.01", 8, &labels);
  const SbmGraph direct = stochastic_block_model(
      {.block_sizes = {20, 20, 20}, .probabilities = {0.5, 0.01, 0.01, 0.01, 0.5, 0.01, 0.01, 0.01, 0.5}, .seed = 8});
  CHECK(same(s, direct.edges));
  CHECK(labels == direct.labels);
  generate("er:10:5", 1, &labels);
  CHECK(labels.empty());

  CHECK(is_generator_spec("rmat:20"));
  CHECK(is_generator_spec("sbm:x"));
  CHECK(is_generator_spec("er:"));
  CHECK_FALSE(is_generator_spec("rmat"));
  CHECK_FALSE(is_generator_spec("karate.edges.gz"));
  CHECK_FALSE(is_generator_spec("data/rmat:20"));
  CHECK_FALSE(is_generator_spec("erdos:1:2"));

  CHECK_THROWS_WITH_AS(generate("rmat:x", 1), doctest::Contains("generator spec 'rmat:x': scale must be an integer"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("rmat:", 1), doctest::Contains("scale must be an integer (got '')"), InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("rmat:10:16:3", 1), doctest::Contains("expected rmat:SCALE[:EDGEFACTOR]"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("gnp:10:abc", 1), doctest::Contains("P must be a number (got 'abc')"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("er:10", 1), doctest::Contains("generator spec 'er:10': expected er:N:M"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("er:10:99", 1), doctest::Contains("generator spec 'er:10:99': erdos_renyi_gnm: m = 99"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("rmat:40", 1), doctest::Contains("generator spec 'rmat:40': scale must lie in [1, 30] (got 40)"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("gnp:10:2", 1), doctest::Contains("p = 2 must lie in [0, 1]"), InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("ws:10:1:0.5x", 1), doctest::Contains("BETA must be a number"), InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("sbm:0:10:0.1:0.1", 1), doctest::Contains("BLOCKS must lie in"), InvalidArgument);
  CHECK_THROWS_WITH_AS(generate("foo:1", 1), doctest::Contains("unknown generator"), InvalidArgument);
}
