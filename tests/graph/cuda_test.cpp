// The CUDA switch (Device::cuda) in the normal test binary, which CI runs
// without a GPU:
// - built without CUDA: every Device::cuda path throws InvalidArgument
//   "sprig was built without CUDA";
// - built with CUDA: with no device, Device::cuda throws sprig::Error naming the
//   missing device; the kernels' per-item code (cuRAND's Philox through
//   graph/device_random.hpp, the walk step, the pair intersection), run on the
//   host, gives exactly the CPU path's projection entries, walks and scores.
// The GPU itself is exercised by tests/gpu (sprig_gpu_tests).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/walks.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/gnn/train.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/cuda.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

#ifdef SPRIG_WITH_CUDA
#include <sprig/embed/fastrp_cuda.hpp>
#include <sprig/embed/walks_cuda.hpp>
#include <sprig/gnn/train_cuda.hpp>
#include <sprig/metrics/linkpred_scores_cuda.hpp>
#endif

namespace {

using sprig::Device;
using sprig::Graph;
using sprig::LinkScore;
using sprig::node_t;
using sprig::NodePair;

Graph load(const std::string& name) { return sprig::read_graph(std::string(SPRIG_DATA_DIR) + "/" + name + ".edges.gz"); }

Graph random_graph(std::int64_t n, std::int64_t m, std::uint64_t seed, bool directed, bool weighted) {
  sprig::EdgeList el;
  el.n = n;
  el.directed = directed;
  sprig::Philox rng(seed, 7);
  for (std::int64_t i = 0; i < m; ++i) {
    const auto u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    // a few hubs, so that rows of very different lengths meet (galloping search, long rows)
    const auto v = static_cast<node_t>(rng.bounded(4) == 0 ? rng.bounded(3) : rng.bounded(static_cast<std::uint32_t>(n)));
    if (weighted)
      el.add(u, v, rng.uniform_float() < 0.1f ? 0.f : 0.2f + 3.f * rng.uniform_float());
    else
      el.add(u, v);
  }
  return sprig::build_csr(el);
}

std::vector<NodePair> some_pairs(const Graph& g, std::size_t count, std::uint64_t seed) {
  std::vector<NodePair> p;
  sprig::Philox rng(seed, 3);
  const auto n = static_cast<std::uint32_t>(g.num_nodes());
  while (p.size() < count) {
    const auto u = static_cast<node_t>(rng.bounded(n));
    node_t v = static_cast<node_t>(rng.bounded(n));
    if (rng.bounded(3) == 0 && g.degree(u) > 0) v = g.neighbors(u)[rng.bounded(static_cast<std::uint32_t>(g.degree(u)))];
    if (u != v) p.push_back({u, v});
  }
  return p;
}

const std::vector<LinkScore> kGpuScores = {
    LinkScore::common_neighbors, LinkScore::jaccard,       LinkScore::sorensen,
    LinkScore::salton,           LinkScore::hub_promoted,  LinkScore::hub_depressed,
    LinkScore::leicht_holme_newman, LinkScore::preferential_attachment, LinkScore::adamic_adar,
    LinkScore::resource_allocation};

}  // namespace

TEST_CASE("cuda: Device::cuda without CUDA or without a device") {
  const Graph g = load("karate");
  const std::vector<NodePair> pairs = {{0, 1}, {2, 33}};
  sprig::FastRpOptions fo;
  fo.dim = 8;
  fo.device = Device::cuda;
  sprig::WalkOptions wo;
  wo.walks_per_node = 1;
  wo.length = 5;
  wo.device = Device::cuda;
  sprig::LinkScoreOptions lo;
  lo.device = Device::cuda;
#ifndef SPRIG_WITH_CUDA
  CHECK_FALSE(sprig::built_with_cuda());
  CHECK(sprig::cuda_device_count() == 0);
  CHECK_THROWS_WITH_AS(sprig::fastrp(g, fo), "fastrp: sprig was built without CUDA", sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::random_walks(g, wo), "random_walks: sprig was built without CUDA",
                       sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::link_score(g, pairs, LinkScore::jaccard, lo),
                       "link_scores: sprig was built without CUDA", sprig::InvalidArgument);
#else
  CHECK(sprig::built_with_cuda());
  if (sprig::cuda_device_count() == 0) {
    CHECK_THROWS_AS(sprig::fastrp(g, fo), sprig::Error);
    CHECK_THROWS_AS(sprig::random_walks(g, wo), sprig::Error);
    CHECK_THROWS_AS(sprig::link_score(g, pairs, LinkScore::jaccard, lo), sprig::Error);
    try {
      sprig::fastrp(g, fo);
    } catch (const sprig::Error& e) {
      CHECK(std::string(e.what()).find("fastrp: device = cuda but no CUDA device") != std::string::npos);
    }
  }
  // Scores without a CUDA path are refused by name before any device work.
  CHECK_THROWS_WITH_AS(sprig::detail::link_scores_device_code_on_host(g, pairs, std::vector{LinkScore::katz}, lo),
                       doctest::Contains("score 'katz' has no CUDA path"), sprig::InvalidArgument);
#endif
  // Bad options are reported as on the CPU, before the device is asked for.
  fo.dim = 0;
  CHECK_THROWS_WITH_AS(sprig::fastrp(g, fo), "fastrp: dim must be > 0 (got 0)", sprig::InvalidArgument);
}

TEST_CASE("cuda: GNN training with Device::cuda without CUDA or without a device") {
  const Graph g = load("karate");
  sprig::gnn::Matrix x(g.num_nodes(), 4);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(g.num_nodes()));
  for (node_t i = 0; i < g.num_nodes(); ++i) {
    for (int j = 0; j < 4; ++j) x(i, j) = static_cast<float>((i * 3 + j) % 7) / 7.f;
    labels[static_cast<std::size_t>(i)] = i % 2;
  }
  const auto masks = sprig::gnn::seeded_split(labels, 1);
  sprig::gnn::ModelSpec spec;
  spec.in_features = 4;
  spec.hidden = 8;
  spec.out_features = 2;
  sprig::gnn::NodeTrainOptions o;
  o.epochs = 2;
  o.device = Device::cuda;
  sprig::gnn::Model m = sprig::gnn::make_model(spec, 1);
  const sprig::gnn::Matrix before = m.parameters()[0]->value;
#ifndef SPRIG_WITH_CUDA
  CHECK_THROWS_WITH_AS(sprig::gnn::train_node_classifier(m, g, x, labels, masks, o), "train: sprig was built without CUDA",
                       sprig::InvalidArgument);
#else
  if (sprig::cuda_device_count() == 0)
    CHECK_THROWS_WITH_AS(sprig::gnn::train_node_classifier(m, g, x, labels, masks, o),
                         doctest::Contains("train: device = cuda but no CUDA device"), sprig::Error);
  // Models outside the device path are refused by name, before any device is asked for.
  spec.kind = "gin";
  sprig::gnn::Model gin = sprig::gnn::make_model(spec, 1);
  CHECK_THROWS_WITH_AS(sprig::gnn::train_node_classifier(gin, g, x, labels, masks, o),
                       doctest::Contains("supports the gcn and sage (mean aggregator) models"), sprig::InvalidArgument);
  spec.kind = "sage";
  spec.aggr = "max";
  sprig::gnn::Model sage_max = sprig::gnn::make_model(spec, 1);
  CHECK_THROWS_WITH_AS(sprig::gnn::detail::check_cuda_trainable(sage_max), doctest::Contains("sage aggregator 'max'"),
                       sprig::InvalidArgument);
  spec.aggr = "mean";
  spec.layer_norm = true;
  sprig::gnn::Model normed = sprig::gnn::make_model(spec, 1);
  CHECK_THROWS_WITH_AS(sprig::gnn::detail::check_cuda_trainable(normed), doctest::Contains("without layer norm"),
                       sprig::InvalidArgument);
  spec.layer_norm = false;
  for (const char* kind : {"gcn", "sage"}) {
    spec.kind = kind;
    for (int layers : {1, 2, 3}) {
      spec.layers = layers;
      sprig::gnn::Model ok = sprig::gnn::make_model(spec, 1);
      CHECK_NOTHROW(sprig::gnn::detail::check_cuda_trainable(ok));
    }
  }
#endif
  // A failed call leaves the model as it was; bad options are reported as on the CPU.
  CHECK((m.parameters()[0]->value.array() == before.array()).all());
  o.epochs = 0;
  CHECK_THROWS_WITH_AS(sprig::gnn::train_node_classifier(m, g, x, labels, masks, o),
                       doctest::Contains("epochs must be"), sprig::InvalidArgument);
}

#ifdef SPRIG_WITH_CUDA

TEST_CASE("cuda: cuRAND Philox draws the CPU's FastRP projection entries") {
  for (std::uint64_t seed : {1ull, 42ull, 0x123456789abcdefull})
    for (double s : {1.0, 3.0, 5.83, 100.0})
      for (std::int64_t node : {0ll, 1ll, 77ll, 4000000000ll})
        for (std::int64_t j = 0; j < 37; ++j)
          REQUIRE(sprig::detail::fastrp_projection_entry_device_code(seed, node, j, s) ==
                  sprig::fastrp_projection_entry(seed, node, j, s));
}

TEST_CASE("cuda: the walk kernel's code gives the CPU path's walks exactly") {
  struct Case {
    std::string name;
    Graph g;
  };
  std::vector<Case> graphs;
  graphs.push_back({"karate", load("karate")});
  graphs.push_back({"lesmis (weighted)", load("lesmis")});
  graphs.push_back({"polblogs (directed)", load("polblogs")});
  graphs.push_back({"random weighted with zero weights", random_graph(300, 2000, 5, false, true)});
  graphs.push_back({"random directed weighted", random_graph(200, 1500, 6, true, true)});
  for (const auto& [name, g] : graphs) {
    for (auto [p, q] : {std::pair{1.0, 1.0}, std::pair{0.25, 4.0}, std::pair{4.0, 0.5}, std::pair{0.5, 0.5}}) {
      for (auto sampling : {sprig::WeightedSampling::alias, sprig::WeightedSampling::prefix_sum}) {
        sprig::WalkOptions o;
        o.walks_per_node = 2;
        o.length = 16;
        o.p = p;
        o.q = q;
        o.sampling = sampling;
        o.seed = 11;
        CAPTURE(name);
        CAPTURE(p);
        CAPTURE(q);
        const auto cpu = sprig::random_walks(g, o);
        const auto dev = sprig::detail::random_walks_device_code_on_host(g, o, 0, cpu.count);
        REQUIRE(dev.count == cpu.count);
        CHECK(dev.nodes == cpu.nodes);
        // a range in the middle, as batches are cut
        const std::int64_t b = cpu.count / 3, e = 2 * cpu.count / 3;
        const auto part = sprig::detail::random_walks_device_code_on_host(g, o, b, e);
        CHECK(std::equal(part.nodes.begin(), part.nodes.end(), cpu.nodes.begin() + b * o.length));
      }
    }
  }
}

TEST_CASE("cuda: the pair kernel's code gives the CPU path's scores exactly") {
  std::vector<std::pair<std::string, Graph>> graphs;
  graphs.emplace_back("karate", load("karate"));
  graphs.emplace_back("football", load("football"));
  graphs.emplace_back("random with hubs", random_graph(2000, 12000, 9, false, false));
  for (const auto& [name, g] : graphs) {
    const auto pairs = some_pairs(g, 3000, 17);
    for (bool exclude : {false, true}) {
      sprig::LinkScoreOptions o;
      o.exclude_target_edge = exclude;
      CAPTURE(name);
      CAPTURE(exclude);
      const auto cpu = sprig::link_scores(g, pairs, kGpuScores, o);
      const auto dev = sprig::detail::link_scores_device_code_on_host(g, pairs, kGpuScores, o);
      REQUIRE(dev.size() == cpu.size());
      for (std::size_t j = 0; j < cpu.size(); ++j) {
        CAPTURE(sprig::link_score_name(kGpuScores[j]));
        CHECK(dev[j] == cpu[j]);
      }
      // one score alone (CN without the AA/RA tables)
      const auto cn = sprig::detail::link_scores_device_code_on_host(g, pairs, std::vector{LinkScore::common_neighbors}, o);
      CHECK(cn[0] == cpu[0]);
    }
  }
}

#endif
