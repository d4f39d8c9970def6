// GraphSAGE neighbour sampling: every sampled arc is an arc of the graph, the
// fan-out is respected, all neighbours are taken when deg ≤ fan-out, the
// dst-first convention, uniformity of the draws (frequency test on a star),
// determinism under 1, 2 and 4 threads, independence from the batch's other
// seeds, errors; mini-batch node classification on top of the sampler reaches
// the full-batch accuracy and is reproducible across thread counts.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "test_config.hpp"

#include <sprig/gnn/features.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/gnn/sampler.hpp>
#include <sprig/gnn/train.hpp>
#include <sprig/gnn/train_minibatch.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/labels.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

using namespace sprig;
using namespace sprig::gnn;

namespace {

Graph random_graph(node_t n, std::size_t m, std::uint64_t seed, bool weighted = false) {
  EdgeList e;
  e.n = n;
  Philox rng(seed, 3);
  for (std::size_t i = 0; i < m; ++i) {
    const auto u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    if (weighted)
      e.add(u, v, 1.0f + static_cast<float>(rng.bounded(5)));
    else
      e.add(u, v);
  }
  return build_csr(e);
}

// Checks every structural promise of sample_blocks for one batch.
void check_blocks(const Graph& g, const SampledBlocks& s, const std::vector<int>& fanouts) {
  REQUIRE(s.layers.size() == fanouts.size());
  // The last layer's destinations are the seeds; each layer's sources are the next one's destinations.
  CHECK(std::equal(s.seeds.begin(), s.seeds.end(), s.layers.back().src_nodes.begin()));
  CHECK(s.layers.back().num_dst == static_cast<node_t>(s.seeds.size()));
  for (std::size_t l = 0; l + 1 < s.layers.size(); ++l) {
    CHECK(s.layers[l].num_dst == s.layers[l + 1].num_src());
    CHECK(std::equal(s.layers[l + 1].src_nodes.begin(), s.layers[l + 1].src_nodes.end(),
                     s.layers[l].src_nodes.begin()));
  }
  for (std::size_t l = 0; l < s.layers.size(); ++l) {
    const SampledLayer& L = s.layers[l];
    const Block b = L.block();
    REQUIRE(b.offsets.size() == static_cast<std::size_t>(L.num_dst) + 1);
    CHECK(b.offsets[0] == 0);
    CHECK(static_cast<std::size_t>(b.offsets.back()) == b.targets.size());
    // src_nodes distinct.
    std::set<node_t> distinct(L.src_nodes.begin(), L.src_nodes.end());
    CHECK(distinct.size() == L.src_nodes.size());
    std::vector<char> used(L.src_nodes.size(), 0);
    for (node_t i = 0; i < L.num_dst; ++i) used[static_cast<std::size_t>(i)] = 1;
    for (node_t i = 0; i < L.num_dst; ++i) {
      const node_t v = L.src_nodes[static_cast<std::size_t>(i)];
      const auto row = b.neighbors(i);
      const auto deg = g.degree(v);
      const int k = fanouts[l];
      if (k < 0 || deg <= k) {
        // All neighbours.
        REQUIRE(static_cast<edge_t>(row.size()) == deg);
        std::vector<node_t> got;
        for (node_t t : row) got.push_back(L.src_nodes[static_cast<std::size_t>(t)]);
        std::sort(got.begin(), got.end());
        CHECK(std::equal(got.begin(), got.end(), g.neighbors(v).begin()));
      } else {
        CHECK(static_cast<int>(row.size()) == k);
      }
      CHECK(std::is_sorted(row.begin(), row.end()));
      CHECK(std::adjacent_find(row.begin(), row.end()) == row.end());
      for (std::size_t a = 0; a < row.size(); ++a) {
        REQUIRE(row[a] < b.num_src);
        used[static_cast<std::size_t>(row[a])] = 1;
        const node_t u = L.src_nodes[static_cast<std::size_t>(row[a])];
        CHECK(g.has_arc(v, u));
        if (g.weighted()) {
          const auto nb = g.neighbors(v);
          const auto at = std::lower_bound(nb.begin(), nb.end(), u) - nb.begin();
          CHECK(b.weights[static_cast<std::size_t>(b.offsets[i]) + a] == g.weights(v)[static_cast<std::size_t>(at)]);
        }
      }
    }
    // Every non-destination source is some destination's sampled neighbour.
    CHECK(std::all_of(used.begin(), used.end(), [](char c) { return c == 1; }));
  }
}

bool same(const SampledBlocks& a, const SampledBlocks& b) {
  if (a.layers.size() != b.layers.size()) return false;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    const auto &x = a.layers[l], &y = b.layers[l];
    if (x.offsets != y.offsets || x.targets != y.targets || x.src_nodes != y.src_nodes || x.weights != y.weights ||
        x.num_dst != y.num_dst)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("sampler: blocks hold real arcs, respect fan-outs, dst-first (random graphs)") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Graph g = random_graph(300, 2500, seed, seed % 2 == 0);
    std::vector<node_t> seeds;
    for (node_t v = static_cast<node_t>(seed); v < 300; v += 7) seeds.push_back(v);
    for (const std::vector<int>& fan : {std::vector<int>{5, 3}, std::vector<int>{-1, 2, 4}, std::vector<int>{60}}) {
      SamplerOptions opt;
      opt.fanouts = fan;
      opt.seed = seed * 11;
      const auto s = sample_blocks(g, seeds, opt, seed);
      check_blocks(g, s, fan);
    }
  }
}

TEST_CASE("sampler: draws match sample_neighbors and do not depend on the batch") {
  const Graph g = random_graph(200, 3000, 9);
  SamplerOptions opt;
  opt.fanouts = {4, 6};
  opt.seed = 5;
  const std::vector<node_t> a = {3, 17, 40}, b = {40, 99, 3, 150};
  const auto sa = sample_blocks(g, a, opt, 7), sb = sample_blocks(g, b, opt, 7);
  // Node 40's last-layer row is the same in both batches and equals sample_neighbors.
  auto row_of = [](const SampledBlocks& s, node_t v) {
    const SampledLayer& L = s.layers.back();
    const auto i = std::find(L.src_nodes.begin(), L.src_nodes.begin() + L.num_dst, v) - L.src_nodes.begin();
    std::vector<node_t> out;
    for (node_t t : L.block().neighbors(static_cast<node_t>(i))) out.push_back(L.src_nodes[static_cast<std::size_t>(t)]);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(row_of(sa, 40) == row_of(sb, 40));
  CHECK(row_of(sa, 40) == sample_neighbors(g, 40, 6, 5, 7, 1));
  CHECK(row_of(sa, 3) == sample_neighbors(g, 3, 6, 5, 7, 1));
  // Another step draws differently (degree 30 ≫ 6: equal draws would be a 1-in-593,775 event).
  CHECK(g.degree(40) > 12);
  CHECK(sample_neighbors(g, 40, 6, 5, 8, 1) != sample_neighbors(g, 40, 6, 5, 7, 1));
  CHECK(sample_neighbors(g, 40, 6, 5, 7, 0) != sample_neighbors(g, 40, 6, 5, 7, 1));
}

TEST_CASE("sampler: uniform without replacement (frequencies on a star)") {
  // Centre 0 with 40 leaves, fan-out 5 (Floyd) and 45 of 100 leaves (Fisher–Yates):
  // each leaf is drawn with probability k/d.
  for (const auto [leaves, k] : {std::pair{40, 5}, std::pair{100, 60}}) {
    EdgeList e;
    e.n = leaves + 1;
    for (node_t v = 1; v <= leaves; ++v) e.add(0, v);
    const Graph g = build_csr(e);
    const int trials = 4000;
    std::vector<int> hits(static_cast<std::size_t>(leaves) + 1, 0);
    for (int t = 0; t < trials; ++t) {
      const auto nb = sample_neighbors(g, 0, k, 3, static_cast<std::uint64_t>(t), 0);
      REQUIRE(static_cast<int>(nb.size()) == k);
      REQUIRE(std::adjacent_find(nb.begin(), nb.end()) == nb.end());
      for (node_t v : nb) ++hits[static_cast<std::size_t>(v)];
    }
    const double p = static_cast<double>(k) / leaves;
    const double mean = trials * p, sd = std::sqrt(trials * p * (1 - p));
    for (node_t v = 1; v <= leaves; ++v) CHECK(std::abs(hits[static_cast<std::size_t>(v)] - mean) < 5 * sd);
  }
}

TEST_CASE("sampler: identical blocks for 1, 2 and 4 threads") {
  const Graph g = random_graph(3000, 30000, 21, true);
  std::vector<node_t> seeds;
  for (node_t v = 0; v < 3000; v += 3) seeds.push_back(v);
  SamplerOptions opt;
  opt.fanouts = {7, 5, 3};
  opt.seed = 77;
  const auto ref = with_threads(1, [&] { return sample_blocks(g, seeds, opt, 4); });
  check_blocks(g, ref, opt.fanouts);
  for (int t : {2, 4}) CHECK(same(ref, with_threads(t, [&] { return sample_blocks(g, seeds, opt, 4); })));
  const auto sh1 = with_threads(1, [&] { return shuffled_nodes(seeds, 3, 2); });
  CHECK(sh1 == with_threads(4, [&] { return shuffled_nodes(seeds, 3, 2); }));
  auto sorted = sh1;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == seeds);
  CHECK(sh1 != seeds);
  CHECK(sh1 != shuffled_nodes(seeds, 3, 3));
}

TEST_CASE("sampler: isolated seeds and errors") {
  EdgeList e;
  e.n = 5;
  e.add(0, 1);
  const Graph g = build_csr(e);
  SamplerOptions opt;
  opt.fanouts = {2, 2};
  const std::vector<node_t> seeds = {4, 0};
  const auto s = sample_blocks(g, seeds, opt);
  CHECK(s.layers[1].block().neighbors(0).empty());
  CHECK(s.layers[1].num_src() == 3);  // 4, 0, 1
  const std::vector<node_t> bad = {0, 5}, dup = {1, 1};
  auto thrown = [&](auto&& f) -> std::string {
    try {
      f();
    } catch (const InvalidArgument& ex) {
      return ex.what();
    }
    return "<nothing thrown>";
  };
  CHECK(thrown([&] { sample_blocks(g, bad, opt); }).find("seed 5") != std::string::npos);
  CHECK(thrown([&] { sample_blocks(g, dup, opt); }).find("repeated") != std::string::npos);
  opt.fanouts = {};
  CHECK(thrown([&] { sample_blocks(g, seeds, opt); }).find("fanouts") != std::string::npos);
  opt.fanouts = {3, 0};
  CHECK(thrown([&] { sample_blocks(g, seeds, opt); }).find("fanouts[1]") != std::string::npos);
}

namespace {

struct Dataset {
  Graph g;
  std::vector<std::int32_t> labels;
};

Dataset football() {
  Dataset d;
  d.g = read_graph(std::string(SPRIG_DATA_DIR) + "/football.edges.gz");
  d.labels = read_labels(std::string(SPRIG_DATA_DIR) + "/football.labels",
                         LabelReadOptions{.nodes = static_cast<std::int64_t>(d.g.num_nodes())})
                 .label;
  return d;
}

ModelSpec football_spec(const std::string& kind, const Dataset& d, int classes) {
  ModelSpec spec;
  spec.kind = kind;
  spec.in_features = d.g.num_nodes();
  spec.identity_input = true;
  spec.hidden = 32;
  spec.out_features = classes;
  spec.layers = 2;
  spec.dropout = 0.5;
  return spec;
}

}  // namespace

TEST_CASE("mini-batch training: football reaches the full-batch accuracy (GCN, GIN)") {
  const Dataset d = football();
  const int classes = *std::max_element(d.labels.begin(), d.labels.end()) + 1;
  const int seeds = test::kSanitized ? 1 : 3;
  for (const std::string kind : {"gcn", "gin"}) {
    double full_acc = 0, mb_acc = 0;
    for (int s = 1; s <= seeds; ++s) {
      const auto masks = seeded_split(d.labels, static_cast<std::uint64_t>(s));
      Model a = make_model(football_spec(kind, d, classes), static_cast<std::uint64_t>(s));
      NodeTrainOptions fo;
      fo.epochs = test::kSanitized ? 10 : 100;
      fo.seed = static_cast<std::uint64_t>(s);
      full_acc += train_node_classifier(a, d.g, Matrix(), d.labels, masks, fo).test_accuracy;
      Model b = make_model(football_spec(kind, d, classes), static_cast<std::uint64_t>(s));
      MiniBatchOptions mo;
      mo.fanouts = {5, 5};
      mo.batch_size = 16;
      mo.epochs = test::kSanitized ? 3 : 60;
      mo.patience = 30;
      mo.seed = static_cast<std::uint64_t>(s);
      mb_acc += train_node_minibatch(b, d.g, Matrix(), d.labels, masks, mo).test_accuracy;
    }
    full_acc /= seeds;
    mb_acc /= seeds;
    INFO(kind << ": full-batch " << full_acc << ", mini-batch " << mb_acc);
    if (!test::kSanitized) {
      CHECK(mb_acc > 0.75);
      CHECK(mb_acc > full_acc - 0.08);
    }
  }
}

TEST_CASE("mini-batch training: dense features, identical for 1, 2 and 4 threads; errors") {
  const Dataset d = football();
  const int classes = *std::max_element(d.labels.begin(), d.labels.end()) + 1;
  const auto masks = seeded_split(d.labels, 4);
  const Matrix x = make_features(d.g, parse_feature_kinds("degree+fastrp"), {.fastrp_dim = 16, .seed = 4}).x;
  auto run = [&] {
    ModelSpec spec = football_spec("gcn", d, classes);
    spec.identity_input = false;
    spec.in_features = static_cast<int>(x.cols());
    Model m = make_model(spec, 4);
    MiniBatchOptions mo;
    mo.fanouts = {4, 3};
    mo.batch_size = 20;
    mo.epochs = 4;
    mo.seed = 4;
    const auto r = train_node_minibatch(m, d.g, x, d.labels, masks, mo);
    std::vector<double> out;
    for (const auto& h : r.history) out.push_back(h.loss);
    out.push_back(r.test_accuracy);
    for (Param* p : m.parameters()) out.push_back(p->value.cast<double>().sum());
    return out;
  };
  const auto ref = with_threads(1, run);
  for (int t : {2, 4}) CHECK(ref == with_threads(t, run));

  Model m = make_model(football_spec("gcn", d, classes), 1);
  MiniBatchOptions mo;
  mo.fanouts = {5};
  auto msg = [&] {
    try {
      train_node_minibatch(m, d.g, Matrix(), d.labels, masks, mo);
    } catch (const InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("<nothing thrown>");
  };
  CHECK(msg().find("1 fan-outs for a model with 2") != std::string::npos);
  mo.fanouts = {5, 5};
  mo.batch_size = 0;
  CHECK(msg().find("batch_size") != std::string::npos);
}
