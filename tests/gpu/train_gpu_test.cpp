// GNN training on the GPU (gnn/train_cuda.hpp) against the CPU path: GCN and
// SAGE-mean, hidden layers with dropout, weighted and directed graphs; the
// parameters after a few epochs within 1e-4 relative of the CPU model, the
// per-epoch losses too; runs repeat bitwise; the streamed CSR (forced small
// row blocks) gives the resident result.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <sprig/gnn/model.hpp>
#include <sprig/gnn/train.hpp>
#include <sprig/graph/cuda.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>

#include "gpu_common.hpp"

using namespace sprig;

namespace {

struct Problem {
  Graph g;
  Matrix x;
  std::vector<std::int32_t> labels;
  gnn::NodeMasks masks;
};

// Features from Philox; labels from the sign pattern of two feature sums (learnable), a few unlabelled.
Problem problem(Graph g, int features, int classes, std::uint64_t seed) {
  Problem p;
  p.g = std::move(g);
  const node_t n = p.g.num_nodes();
  p.x.resize(n, features);
  p.labels.resize(static_cast<std::size_t>(n));
  for (node_t i = 0; i < n; ++i) {
    Philox rng(seed, static_cast<std::uint64_t>(i));
    for (int j = 0; j < features; ++j) p.x(i, j) = 2.f * rng.uniform_float() - 1.f;
    const float s = p.x.row(i).head(features / 2).sum();
    p.labels[static_cast<std::size_t>(i)] = i % 17 == 5 ? -1 : static_cast<std::int32_t>((s > 0 ? 1 : 0) + 2 * (i % 2)) % classes;
  }
  p.masks = gnn::seeded_split(p.labels, seed);
  return p;
}

double rel(const Matrix& a, const Matrix& b) {
  const double nb = b.cast<double>().norm();
  const double d = (a.cast<double>() - b.cast<double>()).norm();
  return nb > 0 ? d / nb : d;
}

gnn::NodeTrainResult train(gnn::Model& m, const Problem& p, Device dev, int epochs) {
  gnn::NodeTrainOptions o;
  o.epochs = epochs;
  o.patience = 0;
  o.seed = 9;
  o.device = dev;
  return gnn::train_node_classifier(m, p.g, p.x, p.labels, p.masks, o);
}

gnn::ModelSpec spec(const std::string& kind, int in, int classes, int layers, double dropout) {
  gnn::ModelSpec s;
  s.kind = kind;
  s.in_features = in;
  s.hidden = 16;
  s.out_features = classes;
  s.layers = layers;
  s.dropout = dropout;
  return s;
}

}  // namespace

TEST_CASE("gpu train: GCN and SAGE-mean give the CPU model within 1e-4") {
  for (const char* name : {"karate", "lesmis", "polblogs"}) {
    const Problem p = problem(gpu_test::load(name), 12, 4, 3);
    for (const char* kind : {"gcn", "sage"})
      for (int layers : {1, 2, 3}) {
        CAPTURE(name);
        CAPTURE(kind);
        CAPTURE(layers);
        // 12 features in, hidden 16: SAGE's first layer takes the mean first, its last layer (out 4 < 16)
        // applies W_l before the mean.
        const auto s = spec(kind, 12, 4, layers, layers > 1 ? 0.5 : 0.0);
        gnn::Model cpu = gnn::make_model(s, 5), gpu = gnn::make_model(s, 5);
        const auto rc = train(cpu, p, Device::cpu, 6);
        const auto rg = train(gpu, p, Device::cuda, 6);
        REQUIRE(rg.epochs == rc.epochs);
        for (std::size_t e = 0; e < rc.history.size(); ++e)
          CHECK(std::abs(rg.history[e].loss - rc.history[e].loss) <= 1e-4 * std::abs(rc.history[e].loss));
        const auto pc = cpu.parameters(), pg = gpu.parameters();
        REQUIRE(pc.size() == pg.size());
        for (std::size_t i = 0; i < pc.size(); ++i) {
          CAPTURE(pc[i]->name);
          CHECK(rel(pg[i]->value, pc[i]->value) < 1e-4);
        }
      }
  }
}

TEST_CASE("gpu train: SAGE with W_l before the mean (out < in), ELU, no dropout") {
  const Problem p = problem(gpu_test::load("football"), 40, 3, 4);
  auto s = spec("sage", 40, 3, 2, 0.0);
  s.activation = "elu";
  gnn::Model cpu = gnn::make_model(s, 2), gpu = gnn::make_model(s, 2);
  train(cpu, p, Device::cpu, 5);
  train(gpu, p, Device::cuda, 5);
  const auto pc = cpu.parameters(), pg = gpu.parameters();
  for (std::size_t i = 0; i < pc.size(); ++i) {
    CAPTURE(pc[i]->name);
    CHECK(rel(pg[i]->value, pc[i]->value) < 1e-4);
  }
}

TEST_CASE("gpu train: bitwise repeatable; streamed row blocks give the resident model") {
  const Problem p = problem(gpu_test::rmat(13), 16, 4, 7);
  for (const char* kind : {"gcn", "sage"}) {
    CAPTURE(kind);
    const auto s = spec(kind, 16, 4, 2, 0.5);
    gnn::Model a = gnn::make_model(s, 3), b = gnn::make_model(s, 3), c = gnn::make_model(s, 3);
    const auto ra = train(a, p, Device::cuda, 4);
    const auto rb = train(b, p, Device::cuda, 4);
    detail::set_cuda_max_block_arcs(p.g.num_arcs() / 6 + 1);  // ~6 row blocks through two device slots
    const auto rc = train(c, p, Device::cuda, 4);
    detail::set_cuda_max_block_arcs(0);
    const auto pa = a.parameters(), pb = b.parameters(), pc = c.parameters();
    for (std::size_t i = 0; i < pa.size(); ++i) {
      CAPTURE(pa[i]->name);
      CHECK((pa[i]->value.array() == pb[i]->value.array()).all());
      CHECK(rel(pc[i]->value, pa[i]->value) < 1e-5);
    }
    CHECK(ra.history.back().loss == rb.history.back().loss);
    CHECK(std::abs(rc.history.back().loss - ra.history.back().loss) <= 1e-5 * ra.history.back().loss);
  }
}

TEST_CASE("gpu train: unsupported models are refused by name") {
  const Problem p = problem(gpu_test::load("karate"), 8, 2, 1);
  gnn::Model m = gnn::make_model(spec("gin", 8, 2, 2, 0.5), 1);
  CHECK_THROWS_WITH_AS(train(m, p, Device::cuda, 2), doctest::Contains("supports the gcn and sage"),
                       InvalidArgument);
}
