// tests/gnn/layers_aggr_test.cpp — SAGE, GAT, PNA and LCM layers: finite
// differences (full and dst-first bipartite blocks), GAT against a brute-force
// double implementation, thread-count determinism, errors.
#include <doctest/doctest.h>

#include <sprig/gnn/layers_gat.hpp>
#include <sprig/gnn/layers_lcm.hpp>
#include <sprig/gnn/layers_pna.hpp>
#include <sprig/gnn/layers_sage.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include "gnn/gradcheck.hpp"
#include "test_config.hpp"

#include <cmath>
#include <memory>

using namespace sprig;
using namespace sprig::gnn;
using sprig::test::block_from_lists;
using sprig::test::gradcheck_module;
using sprig::test::random_block;
using sprig::test::random_features;

namespace {

std::vector<std::unique_ptr<Module>> all_layers(int in, int out) {
  std::vector<std::unique_ptr<Module>> ls;
  for (const char* a : {"mean", "sum", "max", "std", "softmax", "pna", "lcm"})
    ls.push_back(std::make_unique<SageLayer>(in, out, SageOptions{.aggr = a}, std::string("sage_") + a));
  ls.push_back(std::make_unique<SageLayer>(in, out, SageOptions{.aggr = "mean", .root_weight = false, .project = true}, "sage_proj"));
  ls.push_back(std::make_unique<GatLayer>(in, out, GatOptions{.heads = 2, .concat = true}, "gat_cat"));
  ls.push_back(std::make_unique<GatLayer>(in, out, GatOptions{.heads = 3, .concat = false}, "gat_mean"));
  ls.push_back(std::make_unique<PnaLayer>(in, out, PnaOptions{}, "pna"));
  ls.push_back(std::make_unique<LcmLayer>(in, out, LcmLayerOptions{.assoc_lambda = 0.0f}, "lcm"));
  return ls;
}

}  // namespace

TEST_CASE("layers_aggr: gradients of SAGE (several aggregators), GAT, PNA, LCM by finite differences") {
  // A full square block with a self-loop, isolated rows and multi-degree rows; and a dst-first bipartite block.
  auto sq = random_block(14, 14, 5, 3);
  sq.targets[0] = 0;  // row 0 (if non-empty) gets a self-loop: GAT must drop and re-add it
  const auto sq_sorted = block_from_lists([&] {
    std::vector<std::vector<node_t>> rows(14);
    for (node_t i = 0; i < 14; ++i)
      for (edge_t a = sq.offsets[i]; a < sq.offsets[i + 1]; ++a)
        if (std::find(rows[i].begin(), rows[i].end(), sq.targets[a]) == rows[i].end()) rows[i].push_back(sq.targets[a]);
    return rows;
  }(), 14);
  const auto bip = random_block(6, 15, 4, 5);
  for (const auto* ob : {&sq_sorted, &bip}) {
    const Block b = ob->view();
    for (int in_out : {0, 1}) {
      const int in = in_out ? 5 : 3, out = in_out ? 3 : 4;  // in > out takes SAGE's transform-first path
      for (auto& layer : all_layers(in, out)) {
        CAPTURE(layer->kind());
        CAPTURE(b.num_src);
        CAPTURE(in);
        const Matrix x = random_features(b.num_src, in, 7);
        const bool kinked = layer->kind() == "pna" || layer->kind() == "sage";  // max/min/std kinks
        auto res = gradcheck_module(*layer, b, x, {.eps = kinked ? 1e-3 : 1e-2, .rtol = 3e-2, .atol = 3e-3});
        INFO(res.report);
        CHECK(res.ok);
        CHECK(layer->forward(b, x, {}).cols() == layer->out_features());
      }
    }
  }
}

TEST_CASE("layers_aggr: GAT equals a brute-force double implementation (self-loops, heads, concat and mean)") {
  const auto ob = block_from_lists({{1, 2}, {0, 1, 3}, {}, {0, 1, 2}}, 4);  // row 1 has a self-loop
  const Block b = ob.view();
  const int in = 3, C = 2, H = 2;
  const Matrix x = random_features(4, in, 8);
  for (bool concat : {true, false}) {
    GatLayer gat(in, C, {.heads = H, .concat = concat, .seed = 9}, "gat");
    auto ps = gat.parameters();
    ps[3]->value = random_features(1, gat.out_features(), 10);  // a non-zero bias
    const Matrix y = gat.forward(b, x, {});
    const Matrix& W = ps[0]->value;
    const Matrix& as = ps[1]->value;
    const Matrix& ad = ps[2]->value;
    const Matrix h = (x.cast<double>() * W.cast<double>()).cast<float>();
    for (node_t i = 0; i < 4; ++i) {
      std::vector<node_t> nb;
      for (node_t j : b.neighbors(i))
        if (j != i) nb.push_back(j);
      nb.push_back(i);
      std::vector<double> outv(static_cast<std::size_t>(H * C), 0.0);
      for (int k = 0; k < H; ++k) {
        auto score = [&](node_t j) {
          double s = 0;
          for (int c = 0; c < C; ++c) s += static_cast<double>(h(j, k * C + c)) * as(k, c) + static_cast<double>(h(i, k * C + c)) * ad(k, c);
          return s > 0 ? s : 0.2 * s;
        };
        double z = 0;
        for (node_t j : nb) z += std::exp(score(j));
        for (node_t j : nb)
          for (int c = 0; c < C; ++c) outv[k * C + c] += std::exp(score(j)) / z * h(j, k * C + c);
      }
      for (int c = 0; c < gat.out_features(); ++c) {
        const double want = concat ? outv[c] : 0.5 * (outv[c] + outv[C + c]);
        CHECK(y(i, c) == doctest::Approx(want + ps[3]->value(0, c)).epsilon(1e-4));
      }
    }
    // Attention sums to 1 over each row of the self-loop block.
    gat.forward(b, x, {.training = true});
    const Matrix& al = gat.attention();
    CHECK(al.rows() == 3 + 3 + 1 + 4);
  }
}

TEST_CASE("layers_aggr: SAGE-mean equals W_l·mean + W_r·x + b") {
  const auto ob = random_block(10, 10, 4, 12);
  const Block b = ob.view();
  const Matrix x = random_features(10, 6, 13);
  for (int out : {3, 8}) {  // transform-first (out < in) and aggregate-first paths
    SageLayer sage(6, out, {.aggr = "mean"}, "s");
    auto ps = sage.parameters();
    ps[2]->value = random_features(1, out, 14);
    const Matrix y = sage.forward(b, x, {});
    const Matrix mean = make_aggregator("mean", 6)->forward(b, x, {});
    const Matrix want = mean * ps[0]->value + x * ps[1]->value + Matrix::Ones(10, 1) * ps[2]->value;
    CHECK((y - want).cwiseAbs().maxCoeff() < 1e-5f);
  }
}

TEST_CASE("layers_aggr: identical bits under 1, 2 and 4 threads") {
  const node_t n = sprig::test::kSanitized ? 200 : 1200;
  const auto ob = random_block(n, n, 25, 21);
  const Block b = ob.view();
  const Matrix x = random_features(n, 16, 22);
  const Matrix g = random_features(n, 8, 23);
  auto run = [&] {
    std::vector<Matrix> r;
    std::vector<std::unique_ptr<Module>> ls;
    ls.push_back(std::make_unique<SageLayer>(16, 8, SageOptions{.aggr = "max"}, "s"));
    ls.push_back(std::make_unique<GatLayer>(16, 4, GatOptions{.heads = 2}, "g"));
    ls.push_back(std::make_unique<PnaLayer>(16, 8, PnaOptions{}, "p"));
    ls.push_back(std::make_unique<LcmLayer>(16, 8, LcmLayerOptions{.assoc_lambda = 0.1f}, "l"));
    for (auto& l : ls) {
      r.push_back(l->forward(b, x, {.training = true, .seed = 1, .step = 2}));
      r.push_back(l->backward(b, g));
      for (Param* p : l->parameters()) r.push_back(p->grad);
    }
    return r;
  };
  const auto r1 = with_threads(1, run);
  for (int t : {2, 4}) {
    const auto rt = with_threads(t, run);
    REQUIRE(rt.size() == r1.size());
    for (std::size_t q = 0; q < r1.size(); ++q) CHECK(r1[q] == rt[q]);
  }
}

TEST_CASE("layers_aggr: errors name the layer and the shapes") {
  const auto ob = random_block(5, 5, 3, 1);
  const Block b = ob.view();
  SageLayer sage(4, 2, {}, "sage0");
  CHECK_THROWS_WITH_AS(sage.forward(b, Matrix::Zero(5, 3), {}), "sage0: input has 3 columns, the layer expects 4",
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(sage.backward(b, Matrix::Zero(5, 2)), "sage0: backward needs a training forward on this block",
                       InvalidArgument);
  sage.forward(b, Matrix::Zero(5, 4), {.training = true});
  CHECK_THROWS_WITH_AS(sage.backward(b, Matrix::Zero(5, 3)), "sage0: backward got 5x3, expected 5x2", InvalidArgument);
  GatLayer gat(4, 2, {.heads = 2}, "gat1");
  CHECK_THROWS_WITH_AS(gat.forward(b, Matrix::Zero(4, 4), {}), "gat1: input has 4 rows, the block has 5 sources",
                       InvalidArgument);
  CHECK_THROWS_AS(GatLayer(4, 2, {.heads = 0}), InvalidArgument);
  CHECK_THROWS_AS(SageLayer(4, 2, {.aggr = "median"}), InvalidArgument);
  CHECK_THROWS_AS(SageLayer(0, 2), InvalidArgument);
}
