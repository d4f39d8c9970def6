// Link-prediction splits and negatives: partition invariants against the
// edge set, connectivity against weak_components, a hand-made temporal list,
// negatives never edges, degree-matched frequencies, HeaRT candidates against
// the RA / PPR rankings, determinism under 1, 2 and 4 threads, error messages.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

#include <sprig/graph/build.hpp>
#include <sprig/graph/components.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/metrics/linkpred_split.hpp>

#include "test_graphs.hpp"

using namespace sprig;

namespace {

std::set<std::pair<node_t, node_t>> edge_set(const Graph& g) {
  std::set<std::pair<node_t, node_t>> s;
  for (node_t u = 0; u < g.num_nodes(); ++u)
    for (node_t v : g.neighbors(u))
      if (u < v) s.insert({u, v});
  return s;
}

}  // namespace

TEST_CASE("linkpred split: random split partitions the edges; train graph = g minus held-out") {
  const Graph g = test::random_multigraph(200, 900, 1);
  RandomLinkSplitOptions opt;
  opt.valid_fraction = 0.1;
  opt.test_fraction = 0.2;
  opt.seed = 42;
  const auto r = random_link_split(g, opt);
  const auto all = edge_set(g);
  const std::size_t m = all.size();
  CHECK(r.split.test_pos.size() == static_cast<std::size_t>(std::llround(0.2 * static_cast<double>(m))));
  CHECK(r.split.valid_pos.size() == static_cast<std::size_t>(std::llround(0.1 * static_cast<double>(m))));
  std::set<std::pair<node_t, node_t>> seen;
  for (const auto* part : {&r.split.train_pos, &r.split.valid_pos, &r.split.test_pos})
    for (const auto& p : *part) {
      CHECK(all.count({p.u, p.v}) == 1);
      CHECK(seen.insert({p.u, p.v}).second);
    }
  CHECK(seen.size() == m);
  std::set<std::pair<node_t, node_t>> tr;
  for (const auto& p : r.split.train_pos) tr.insert({p.u, p.v});
  CHECK(edge_set(r.train) == tr);
  CHECK(r.full.num_edges() == g.num_edges());
  // Thread count and seed.
  for (int t : {1, 2, 4}) {
    const auto rt = with_threads(t, [&] { return random_link_split(g, opt); });
    CHECK(rt.split.test_pos == r.split.test_pos);
    CHECK(rt.split.valid_pos == r.split.valid_pos);
  }
  opt.seed = 43;
  CHECK(random_link_split(g, opt).split.test_pos != r.split.test_pos);
}

TEST_CASE("linkpred split: keep_connected keeps the components of g in train") {
  const Graph g = test::random_multigraph(300, 700, 5);
  RandomLinkSplitOptions opt;
  opt.test_fraction = 0.25;
  opt.valid_fraction = 0.05;
  opt.keep_connected = true;
  const auto r = random_link_split(g, opt);
  const auto a = weak_components(g), b = weak_components(r.train);
  CHECK(a.count == b.count);
  CHECK(a.component == b.component);
  for (node_t v = 0; v < g.num_nodes(); ++v)
    if (g.degree(v) > 0) CHECK(r.train.degree(v) > 0);
  // A path graph has no removable edge under keep_connected.
  EdgeList path;
  path.n = 10;
  for (node_t v = 0; v + 1 < 10; ++v) path.add(v, v + 1);
  const Graph p = build_csr(path);
  opt.test_fraction = 0.2;
  opt.valid_fraction = 0;
  CHECK(test::thrown([&] { random_link_split(p, opt); }).find("only 0 of the 9 edges can be held out while keeping train") !=
        std::string::npos);
  opt.test_fraction = 0.7;
  opt.valid_fraction = 0.4;
  CHECK(test::thrown([&] { random_link_split(p, opt); }).find("valid_fraction + test_fraction must be < 1") != std::string::npos);
  opt.test_fraction = -0.1;
  CHECK(test::thrown([&] { random_link_split(p, opt); }).find("test_fraction must be in [0, 1)") != std::string::npos);
}

TEST_CASE("linkpred split: temporal split on a hand-made list") {
  EdgeList e;
  e.n = 8;
  auto add = [&](node_t u, node_t v, std::int64_t t) {
    e.add(u, v);
    e.time.push_back(t);
  };
  add(0, 1, 1);
  add(1, 2, 2);
  add(2, 3, 3);
  add(3, 4, 4);
  add(0, 2, 5);  // valid
  add(1, 0, 6);  // valid time, repeat of a train edge
  add(4, 5, 7);  // valid, 5 is new → dropped
  add(1, 3, 8);  // test
  add(3, 1, 9);  // test, duplicate of (1, 3) → repeat
  add(0, 2, 9);  // test, already in valid → repeat
  add(6, 7, 9);  // test, both new → dropped
  TemporalLinkSplitOptions opt;
  opt.valid_time = 5;
  opt.test_time = 8;
  const auto r = temporal_link_split(e, opt);
  CHECK(r.split.train_pos == std::vector<NodePair>{{0, 1}, {1, 2}, {2, 3}, {3, 4}});
  CHECK(r.split.valid_pos == std::vector<NodePair>{{0, 2}});
  CHECK(r.split.test_pos == std::vector<NodePair>{{1, 3}});
  CHECK(r.split.dropped_edges == 2);
  CHECK(r.split.dropped_nodes == 3);
  CHECK(r.split.repeated_edges == 3);
  CHECK(r.train.num_edges() == 4);
  CHECK(r.full.num_edges() == 6);
  // Quantiles: 11 times, q = 4/11 → the 5th smallest time (5) starts valid.
  TemporalLinkSplitOptions q;
  q.valid_quantile = 4.0 / 11.0 + 1e-9;
  q.test_quantile = 7.0 / 11.0 + 1e-9;
  const auto rq = temporal_link_split(e, q);
  CHECK(rq.split.valid_time == 5);
  CHECK(rq.split.test_time == 8);
  EdgeList untimed;
  untimed.n = 3;
  untimed.add(0, 1);
  CHECK(test::thrown([&] { temporal_link_split(untimed); }).find("no time column") != std::string::npos);
  opt.valid_time = 9;
  CHECK(test::thrown([&] { temporal_link_split(e, opt); }).find("valid time 9 is after test time 8") != std::string::npos);
}

TEST_CASE("linkpred split: uniform and degree-matched negatives avoid edges; deterministic") {
  const Graph g = test::random_multigraph(150, 600, 8);
  const auto r = random_link_split(g, {});
  for (auto method : {NegativeMethod::uniform, NegativeMethod::degree}) {
    NegativeOptions no;
    no.method = method;
    no.seed = 3;
    no.count = 5000;
    const auto neg = sample_negatives(r.train, r.full, r.split.test_pos, no);
    REQUIRE(neg.size() == 5000);
    for (const auto& p : neg) {
      CHECK(p.u != p.v);
      CHECK(!g.has_arc(p.u, p.v));
    }
    for (int t : {2, 4}) CHECK(with_threads(t, [&] { return sample_negatives(r.train, r.full, r.split.test_pos, no); }) == neg);
    no.per_positive = 7;
    const auto per = sample_negatives(r.train, r.full, r.split.test_pos, no);
    REQUIRE(per.size() == 7 * r.split.test_pos.size());
    for (std::size_t i = 0; i < per.size(); ++i) {
      CHECK(per[i].u == r.split.test_pos[i / 7].u);
      CHECK(!g.has_arc(per[i].u, per[i].v));
    }
  }
}

TEST_CASE("linkpred split: degree-matched endpoints follow the degree distribution") {
  // A star (hub 0 with 50 leaves) plus a sparse ring: the hub is an endpoint of
  // about deg(0) / (2m) of the draws; edges to the hub are excluded, so count
  // over draws where the hub can appear: look at the first endpoint frequency.
  EdgeList e;
  e.n = 400;
  for (node_t v = 1; v <= 50; ++v) e.add(0, v);
  for (node_t v = 51; v < 400; ++v) e.add(v, v == 399 ? 51 : v + 1);
  const Graph g = build_csr(e);
  NegativeOptions no;
  no.method = NegativeMethod::degree;
  no.count = 40000;
  const auto neg = sample_negatives(g, g, {}, no);
  std::size_t hub = 0, ring = 0;
  for (const auto& p : neg) hub += p.u == 0, ring += p.u == 200;
  // P(u = 0) before rejection = 50/798; accepted pairs with u = 0 need v outside the star.
  const double expect_hub = 50.0 / 798.0;
  CHECK(static_cast<double>(hub) / 40000.0 == doctest::Approx(expect_hub).epsilon(0.25));
  CHECK(static_cast<double>(ring) / 40000.0 == doctest::Approx(2.0 / 798.0).epsilon(0.35));
}

TEST_CASE("linkpred split: HeaRT negatives are hard, never neighbours, per positive") {
  const Graph g = test::random_multigraph(120, 500, 12);
  const auto r = random_link_split(g, {});
  NegativeOptions no;
  no.method = NegativeMethod::heart;
  no.heart_k = 6;
  std::vector<NodePair> pos(r.split.test_pos.begin(), r.split.test_pos.begin() + 20);
  const auto neg = sample_negatives(r.train, r.full, pos, no);
  REQUIRE(neg.size() == pos.size() * 12);
  for (std::size_t i = 0; i < pos.size(); ++i) {
    std::set<node_t> tails, heads;
    for (std::size_t j = 0; j < 6; ++j) {
      const auto t = neg[i * 12 + j], h = neg[i * 12 + 6 + j];
      CHECK(t.u == pos[i].u);
      CHECK(h.v == pos[i].v);
      CHECK(!g.has_arc(t.u, t.v));
      CHECK(t.u != t.v);
      CHECK(!g.has_arc(h.u, h.v));
      CHECK(tails.insert(t.v).second);
      CHECK(heads.insert(h.u).second);
    }
    // The first tail is the best RA candidate of u that is not a true neighbour.
    const node_t u = pos[i].u;
    const node_t src[] = {u};
    const auto ra = top_k_candidates(r.train, LinkScore::resource_allocation, 1000, src);
    for (auto o = ra.offsets[0]; o < ra.offsets[1]; ++o)
      if (!g.has_arc(u, ra.targets[o])) {
        CHECK(neg[i * 12].v == ra.targets[o]);
        break;
      }
  }
  for (int t : {1, 4}) CHECK(with_threads(t, [&] { return sample_negatives(r.train, r.full, pos, no); }) == neg);
  no.heart_k = 500;
  CHECK(test::thrown([&] { sample_negatives(r.train, r.full, pos, no); }).find("fewer than heart_k = 500") != std::string::npos);
}

TEST_CASE("linkpred split: a graph too dense for negatives") {
  EdgeList e;
  e.n = 5;
  for (node_t u = 0; u < 5; ++u)
    for (node_t v = u + 1; v < 5; ++v) e.add(u, v);
  const Graph k5 = build_csr(e);
  NegativeOptions no;
  no.count = 3;
  no.max_draws = 50;
  CHECK(test::thrown([&] { sample_negatives(k5, k5, {}, no); }).find("no non-edge found for negative 0") != std::string::npos);
  CHECK(test::thrown([] { parse_negative_method("hard"); }).find("unknown negative sampling method 'hard'") != std::string::npos);
}
