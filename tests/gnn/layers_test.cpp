// Tests of gnn/layers: finite-difference gradients of every layer, GCN on a
// hand-computed graph, one-hot ids gathered = dense identity input,
// determinism under 1/2/4 threads, error messages.
#include <doctest/doctest.h>

#include <cmath>

#include <sprig/gnn/layers.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include "gnn/gradcheck.hpp"

using namespace sprig;
using namespace sprig::gnn;
using sprig::test::gradcheck_module;
using sprig::test::random_block;
using sprig::test::random_features;

namespace {

// An undirected random graph as a square block (symmetric arcs), optionally weighted.
sprig::test::OwnedBlock random_square(node_t n, int max_deg, std::uint64_t seed, bool weighted) {
  auto b = random_block(n, n, max_deg, seed, weighted);
  std::vector<std::vector<node_t>> rows(static_cast<std::size_t>(n));
  std::vector<std::vector<float>> w(static_cast<std::size_t>(n));
  for (node_t i = 0; i < n; ++i)
    for (auto k = b.offsets[static_cast<std::size_t>(i)]; k < b.offsets[static_cast<std::size_t>(i) + 1]; ++k) {
      const node_t j = b.targets[static_cast<std::size_t>(k)];
      if (j == i) continue;
      const float wt = weighted ? b.weights[static_cast<std::size_t>(k)] : 1.0f;
      auto add = [&](node_t a, node_t c) {
        auto& r = rows[static_cast<std::size_t>(a)];
        if (std::find(r.begin(), r.end(), c) == r.end()) {
          r.push_back(c);
          w[static_cast<std::size_t>(a)].push_back(wt);
        }
      };
      add(i, j);
      add(j, i);
    }
  return sprig::test::block_from_lists(rows, n, weighted ? w : std::vector<std::vector<float>>{});
}

void require_ok(const sprig::test::GradcheckResult& r) {
  INFO(r.report);
  CHECK(r.checked > 0);
  CHECK(r.ok);
}

}  // namespace

TEST_CASE("gnn layers: gradients by finite differences") {
  const auto sq = random_square(14, 4, 3, true);
  const auto bip = random_block(9, 15, 4, 5, true);
  sprig::test::GradcheckOptions opt;

  SUBCASE("Linear") {
    Linear lin(5, 3, {}, "lin");
    require_ok(gradcheck_module(lin, bip.view(), random_features(15, 5, 1), opt));
  }
  SUBCASE("GCN square weighted") {
    GcnLayer l(6, 4, {}, "gcn");
    require_ok(gradcheck_module(l, sq.view(), random_features(14, 6, 2), opt));
  }
  SUBCASE("GCN bipartite") {
    GcnLayer l(5, 3, {}, "gcn");
    require_ok(gradcheck_module(l, bip.view(), random_features(15, 5, 3), opt));
  }
  SUBCASE("GCN without normalisation or self-loops") {
    GcnLayer l(5, 3, GcnOptions{.self_loops = false, .normalize = false}, "gcn");
    require_ok(gradcheck_module(l, bip.view(), random_features(15, 5, 4), opt));
  }
  SUBCASE("GCN with one-hot ids") {
    GcnLayer l(14, 3, GcnOptions{.identity_input = true}, "gcn");
    require_ok(gradcheck_module(l, sq.view(), Matrix(14, 0), opt, /*check_input=*/false));
  }
  SUBCASE("GIN") {
    GinLayer l(5, 4, GinOptions{.eps = 0.3f}, "gin");
    opt.eps = 1e-3;
    opt.atol = 5e-3;
    require_ok(gradcheck_module(l, bip.view(), random_features(15, 5, 5), opt));
  }
  SUBCASE("DAGNN") {
    DagnnLayer l(4, DagnnOptions{.k = 3}, "dagnn");
    require_ok(gradcheck_module(l, sq.view(), random_features(14, 4, 6), opt));
  }
  SUBCASE("activations") {
    for (auto k : {ActivationKind::elu, ActivationKind::leaky_relu, ActivationKind::relu}) {
      Activation a(k, -1, 4);
      sprig::test::GradcheckOptions o = opt;
      o.eps = 1e-3;
      // Keep inputs away from the kink at 0 so central differences are valid.
      Matrix x = random_features(15, 4, 7, 0.1f, 1.0f);
      for (Eigen::Index i = 0; i < x.size(); i += 2) x.data()[i] = -x.data()[i];
      require_ok(gradcheck_module(a, bip.view(), x, o));
    }
  }
  SUBCASE("dropout") {
    Dropout d(0.4, 3, 4);
    require_ok(gradcheck_module(d, bip.view(), random_features(15, 4, 8), opt));
  }
  SUBCASE("layer norm") {
    LayerNorm ln(5, 1e-5f, "ln");
    ln.parameters()[0]->value = random_features(1, 5, 9, 0.5f, 1.5f);
    ln.parameters()[1]->value = random_features(1, 5, 10);
    opt.eps = 1e-3;
    opt.atol = 5e-3;
    require_ok(gradcheck_module(ln, bip.view(), random_features(15, 5, 11), opt));
  }
  SUBCASE("residual around GCN") {
    Residual r(std::make_unique<GcnLayer>(4, 4, GcnOptions{}, "gcn"));
    require_ok(gradcheck_module(r, sq.view(), random_features(14, 4, 12), opt));
  }
  SUBCASE("virtual node around GCN") {
    VirtualNode v(std::make_unique<GcnLayer>(4, 3, GcnOptions{}, "gcn"), 4, "vn");
    // A positive bias keeps the virtual node's ReLU away from its kink.
    v.parameters()[1]->value.setConstant(2.0f);
    opt.eps = 1e-3;
    opt.atol = 5e-3;
    require_ok(gradcheck_module(v, sq.view(), random_features(14, 4, 13, -0.3f, 0.3f), opt));
  }
}

TEST_CASE("gnn layers: GCN matches the hand-computed normalised adjacency") {
  // Path 0-1-2: degrees with self-loops 2, 3, 2.
  auto b = sprig::test::block_from_lists({{1}, {0, 2}, {1}}, 3);
  GcnLayer l(3, 3, GcnOptions{.bias = false}, "gcn");
  l.parameters()[0]->value = Matrix::Identity(3, 3);
  const Matrix y = l.forward(b.view(), Matrix::Identity(3, 3), Context{});
  const double s6 = 1.0 / std::sqrt(6.0);
  const double expect[3][3] = {{0.5, s6, 0}, {s6, 1.0 / 3, s6}, {0, s6, 0.5}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) CHECK(y(i, j) == doctest::Approx(expect[i][j]).epsilon(1e-6));

  // Weighted: row sums + 1.
  auto bw = sprig::test::block_from_lists({{1}, {0}}, 2, {{3.0f}, {3.0f}});
  GcnLayer lw(2, 2, GcnOptions{.bias = false}, "gcn");
  lw.parameters()[0]->value = Matrix::Identity(2, 2);
  const Matrix yw = lw.forward(bw.view(), Matrix::Identity(2, 2), Context{});
  CHECK(yw(0, 0) == doctest::Approx(0.25));
  CHECK(yw(0, 1) == doctest::Approx(0.75));
}

TEST_CASE("gnn layers: one-hot ids gathered equal a dense identity input") {
  const auto sq = random_square(20, 5, 21, false);
  for (const char* kind : {"gcn", "gin"}) {
    CAPTURE(kind);
    std::unique_ptr<Module> a, d;
    if (std::string(kind) == "gcn") {
      a = std::make_unique<GcnLayer>(20, 4, GcnOptions{.identity_input = true}, "l");
      d = std::make_unique<GcnLayer>(20, 4, GcnOptions{}, "l");
    } else {
      a = std::make_unique<GinLayer>(20, 4, GinOptions{.identity_input = true}, "l");
      d = std::make_unique<GinLayer>(20, 4, GinOptions{}, "l");
    }
    // Same names → same default init; make sure anyway.
    for (std::size_t i = 0; i < a->parameters().size(); ++i) d->parameters()[i]->value = a->parameters()[i]->value;
    const Context ctx{.training = true};
    const Matrix ya = a->forward(sq.view(), Matrix(20, 0), ctx);
    const Matrix yd = d->forward(sq.view(), Matrix::Identity(20, 20), ctx);
    CHECK((ya - yd).cwiseAbs().maxCoeff() < 1e-5f);
    const Matrix g = random_features(20, 4, 3);
    a->backward(sq.view(), g);
    d->backward(sq.view(), g);
    for (std::size_t i = 0; i < a->parameters().size(); ++i)
      CHECK((a->parameters()[i]->grad - d->parameters()[i]->grad).cwiseAbs().maxCoeff() < 1e-5f);
  }
  // With explicit ids (a sampled block's sources), rows are gathered by id.
  Linear emb(50, 3, LinearOptions{.bias = false, .identity_input = true}, "emb");
  const std::vector<node_t> ids{7, 3, 49};
  emb.set_input_ids(ids);
  auto b = sprig::test::block_from_lists({{1, 2}}, 3);
  const Matrix y = emb.forward(b.view(), Matrix(), Context{});
  for (int r = 0; r < 3; ++r) CHECK(y.row(r) == emb.weight().value.row(ids[static_cast<std::size_t>(r)]));
}

TEST_CASE("gnn layers: glorot init is bounded and reproducible") {
  Matrix a(30, 20), b(30, 20), c(30, 20);
  glorot_init(a, 5, 2);
  glorot_init(b, 5, 2);
  glorot_init(c, 5, 3);
  CHECK(a == b);
  CHECK(a != c);
  const float bound = std::sqrt(6.0f / 50.0f);
  CHECK(a.cwiseAbs().maxCoeff() <= bound);
  CHECK(std::abs(a.mean()) < 0.05f);
}

TEST_CASE("gnn layers: a model's forward and backward are identical for 1, 2 and 4 threads") {
  const auto sq = random_square(3000, 8, 31, true);
  const Matrix x = random_features(3000, 16, 32);
  for (const char* kind : {"gcn", "gin", "dagnn"}) {
    CAPTURE(kind);
    std::vector<Matrix> outs, grads;
    for (int threads : {1, 2, 4}) {
      with_threads(threads, [&] {
        Model m = make_model(ModelSpec{.kind = kind, .in_features = 16, .hidden = 32, .out_features = 5,
                                       .layers = 2, .dropout = 0.3, .layer_norm = true},
                             9);
        const Matrix y = m.forward(sq.view(), x, Context{.training = true, .seed = 4, .step = 2});
        m.backward(random_features(y.rows(), y.cols(), 5));
        outs.push_back(y);
        grads.push_back(m.parameters()[0]->grad);
      });
    }
    CHECK(outs[0] == outs[1]);
    CHECK(outs[0] == outs[2]);
    CHECK(grads[0] == grads[1]);
    CHECK(grads[0] == grads[2]);
  }
}

TEST_CASE("gnn layers: dropout keeps about 1 − p of the entries and is keyed by step") {
  Dropout d(0.5, 0, 8);
  const Matrix x = Matrix::Ones(1000, 8);
  auto b = sprig::test::block_from_lists({}, 0);
  const Matrix y1 = d.forward(b.view(), x, Context{.training = true, .seed = 1, .step = 1});
  const Matrix y2 = d.forward(b.view(), x, Context{.training = true, .seed = 1, .step = 2});
  const Matrix y1b = d.forward(b.view(), x, Context{.training = true, .seed = 1, .step = 1});
  const double kept = (y1.array() > 0).cast<double>().mean();
  CHECK(kept == doctest::Approx(0.5).epsilon(0.05));
  CHECK(y1.maxCoeff() == doctest::Approx(2.0));
  CHECK(y1 == y1b);
  CHECK(y1 != y2);
  CHECK(d.forward(b.view(), x, Context{}) == x);  // eval: identity
}

TEST_CASE("gnn layers: errors name the layer and the rule") {
  auto b = sprig::test::block_from_lists({{1}, {0}}, 2);
  GcnLayer l(4, 2, {}, "gcn7");
  CHECK_THROWS_WITH_AS(l.forward(b.view(), Matrix::Zero(2, 3), Context{}),
                       doctest::Contains("gcn7.weight: input has 3 columns, expected 4"), InvalidArgument);
  CHECK_THROWS_AS(Dropout(1.0, 0), InvalidArgument);
  CHECK_THROWS_AS(parse_activation("tanhh"), InvalidArgument);
  CHECK_THROWS_WITH_AS(make_model(ModelSpec{.kind = "mlp", .in_features = 3}), doctest::Contains("unknown model kind 'mlp'"),
                       InvalidArgument);
  CHECK_THROWS_AS(make_model(ModelSpec{.kind = "gcn", .in_features = 0}), InvalidArgument);
  Linear lin(3, 2, {}, "lin");
  CHECK_THROWS_WITH_AS(lin.backward(b.view(), Matrix::Zero(2, 2)), doctest::Contains("lin.weight: backward got 2x2, expected 0x2"),
                       InvalidArgument);
}
