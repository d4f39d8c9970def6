// FastRP against a dense double-precision brute force of the paper's formulas,
// thread-count determinism, and the error paths.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <sprig/embed/fastrp.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace {

using sprig::FastRpOptions;
using sprig::Graph;
using sprig::Matrix;
using Dense = Eigen::MatrixXd;

Graph random_graph(std::int64_t n, std::int64_t m, std::uint64_t seed, bool directed, bool weighted) {
  sprig::EdgeList el;
  el.n = n;
  el.directed = directed;
  sprig::Philox rng(seed, 0);
  for (std::int64_t i = 0; i < m; ++i) {
    const auto u = static_cast<sprig::node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<sprig::node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    if (weighted)
      el.add(u, v, 0.25f + 2.f * rng.uniform_float());
    else
      el.add(u, v);
  }
  return sprig::build_csr(el);
}

Dense row_normalize(Dense x) {
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double nr = x.row(i).norm();
    if (nr > 0) x.row(i) /= nr;
  }
  return x;
}

// The formulas of the paper / reference code, dense, in double.
Dense brute_force(const Graph& g, const FastRpOptions& o) {
  const std::int64_t n = g.num_nodes(), d = o.dim;
  const bool weighted = o.use_weights && g.weighted();
  Dense A = Dense::Zero(n, n);
  for (std::int64_t u = 0; u < n; ++u) {
    const auto nb = g.neighbors(static_cast<sprig::node_t>(u));
    const auto w = g.weights(static_cast<sprig::node_t>(u));
    for (std::size_t i = 0; i < nb.size(); ++i) A(u, nb[i]) += weighted ? w[i] : 1.0;
  }
  Eigen::VectorXd D = A.rowwise().sum();
  Dense M = A;
  for (std::int64_t u = 0; u < n; ++u) M.row(u) *= D[u] > 0 ? 1.0 / D[u] : 0.0;
  const double s = sprig::fastrp_sparsity(n, o.sparsity);
  const std::int64_t dp = static_cast<std::int64_t>(std::floor(static_cast<double>(d) * o.property_ratio));
  Dense N0 = Dense::Zero(n, d);
  for (std::int64_t u = 0; u < n; ++u) {
    const double scale = D[u] > 0 ? std::pow(D[u], static_cast<double>(o.normalization_strength)) : 1.0;
    for (std::int64_t j = 0; j < d - dp; ++j) N0(u, j) = scale * sprig::fastrp_projection_entry(o.seed, u, j, s);
  }
  if (dp > 0) {
    const Matrix& X = *o.features;
    Dense P(X.cols(), dp);
    for (Eigen::Index f = 0; f < X.cols(); ++f)
      for (std::int64_t j = 0; j < dp; ++j) P(f, j) = sprig::fastrp_feature_projection_entry(o.seed, f, j);
    N0.rightCols(dp) = X.cast<double>() * P;
  }
  auto norm = [&](const Dense& x) { return o.normalize_rows ? row_normalize(x) : x; };
  Dense U = o.node_self_influence * norm(N0);
  Dense N = N0;
  for (float alpha : o.iteration_weights) {
    N = M * N;
    U += alpha * norm(N);
  }
  if (o.standardize) {
    for (std::int64_t j = 0; j < d; ++j) {
      const double mean = U.col(j).mean();
      const double sd = std::sqrt((U.col(j).array() - mean).square().mean());
      U.col(j).array() -= mean;
      if (sd > 1e-12) U.col(j) /= sd;
    }
  }
  return U;
}

double max_abs_diff(const Matrix& a, const Dense& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  return (a.cast<double>() - b).cwiseAbs().maxCoeff();
}

bool bitwise_equal(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

TEST_CASE("fastrp: projection entries have density 1/s and values ±√s") {
  for (double s : {3.0, 30.0}) {
    std::int64_t pos = 0, neg = 0, total = 0;
    for (std::int64_t v = 0; v < 400; ++v)
      for (std::int64_t j = 0; j < 64; ++j) {
        const float x = sprig::fastrp_projection_entry(9, v, j, s);
        ++total;
        if (x > 0) {
          ++pos;
          CHECK(x == doctest::Approx(std::sqrt(s)));
        } else if (x < 0) {
          ++neg;
          CHECK(x == doctest::Approx(-std::sqrt(s)));
        }
      }
    const double expect = total / (2 * s);
    const double sd = std::sqrt(expect);
    CHECK(std::abs(pos - expect) < 5 * sd);
    CHECK(std::abs(neg - expect) < 5 * sd);
  }
  CHECK(sprig::fastrp_sparsity(1222, 0) == doctest::Approx(std::sqrt(1222.0)));
  CHECK(sprig::fastrp_sparsity(1222, 3) == 3.0);
}

TEST_CASE("fastrp: matches the dense brute force of the paper's formulas") {
  struct Case {
    std::string name;
    bool directed, weighted;
    FastRpOptions opt;
  };
  std::vector<Case> cases;
  cases.push_back({"default, undirected", false, false, FastRpOptions{.dim = 24}});
  cases.push_back({"s = 3, beta 0, three iterations", false, false,
                   FastRpOptions{.dim = 16, .iteration_weights = {1.f, 0.5f, 2.f}, .normalization_strength = 0.f,
                                 .sparsity = 3, .seed = 5}});
  cases.push_back({"weighted, self influence", false, true,
                   FastRpOptions{.dim = 20, .iteration_weights = {0.f, 1.f, 1.f}, .node_self_influence = 0.7f,
                                 .sparsity = 3, .seed = 11}});
  cases.push_back({"weighted graph, weights ignored", false, true,
                   FastRpOptions{.dim = 12, .sparsity = 2, .use_weights = false, .seed = 3}});
  cases.push_back({"directed, weighted, standardized", true, true,
                   FastRpOptions{.dim = 32, .iteration_weights = {0.3f, 1.f, 1.f, 6.67f}, .standardize = true,
                                 .seed = 17}});
  cases.push_back({"directed, no row normalization", true, false,
                   FastRpOptions{.dim = 8, .iteration_weights = {1.f, 1.f}, .normalize_rows = false, .seed = 2}});
  // Wider than one 64-column register tile with a remainder tile and 5 scalar
  // columns; a trailing zero-weight iteration (skipped) and an all-zero case.
  cases.push_back({"dim 77, weighted, trailing zero weight", false, true,
                   FastRpOptions{.dim = 77, .iteration_weights = {0.5f, 2.f, 0.f}, .seed = 23}});
  cases.push_back({"dim 130, directed", true, false,
                   FastRpOptions{.dim = 130, .iteration_weights = {1.f, 0.f, 3.f}, .seed = 29}});
  cases.push_back({"all weights zero", false, false, FastRpOptions{.dim = 9, .iteration_weights = {0.f, 0.f}}});
  for (std::uint64_t gseed = 1; gseed <= 3; ++gseed) {
    for (const Case& c : cases) {
      CAPTURE(c.name);
      CAPTURE(gseed);
      const Graph g = random_graph(60, 150, gseed, c.directed, c.weighted);
      const Matrix got = sprig::fastrp(g, c.opt);
      const Dense want = brute_force(g, c.opt);
      // Unnormalised iterations shrink with D^β; compare relative to the scale.
      const double scale = std::max(1.0, want.cwiseAbs().maxCoeff());
      CHECK(max_abs_diff(got, want) < 2e-5 * scale);
    }
  }
}

TEST_CASE("fastrp: property ratio mixes a projection of the node features") {
  const Graph g = random_graph(50, 140, 4, false, false);
  Matrix X(50, 5);
  sprig::Philox rng(3, 3);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = rng.uniform_float() - 0.5f;
  FastRpOptions o{.dim = 20, .iteration_weights = {1.f, 1.f}, .node_self_influence = 0.5f, .features = &X,
                  .property_ratio = 0.4f, .seed = 21};
  const Matrix got = sprig::fastrp(g, o);
  CHECK(max_abs_diff(got, brute_force(g, o)) < 2e-5);
  // Without row normalisation the two parts are independent: the structural
  // dimensions ignore X and the feature dimensions depend on it.
  Matrix X2 = X;
  X2.col(0).setZero();
  o.normalize_rows = false;
  const Matrix raw = sprig::fastrp(g, o);
  FastRpOptions o2 = o;
  o2.features = &X2;
  const Matrix raw2 = sprig::fastrp(g, o2);
  CHECK((raw2.leftCols(12) - raw.leftCols(12)).cwiseAbs().maxCoeff() == 0.f);
  CHECK((raw2.rightCols(8) - raw.rightCols(8)).cwiseAbs().maxCoeff() > 1e-3);
}

TEST_CASE("fastrp: the vectorised Philox words are the scalar stream's") {
  for (std::uint64_t seed : {0ull, 1ull, 0x0123456789abcdefull})
    for (std::uint64_t item : {0ull, 5ull, (1ull << 32) + 7, ~0ull})
      for (std::int64_t count : {0, 1, 3, 4, 31, 32, 33, 127, 128, 129, 300}) {
        CAPTURE(seed);
        CAPTURE(item);
        CAPTURE(count);
        std::vector<std::uint32_t> got(static_cast<std::size_t>(count) + 1, 0xdeadbeefu);
        sprig::detail::fastrp_philox_words(seed, item, count, got.data());
        sprig::Philox rng(seed, item);
        bool same = true;
        for (std::int64_t j = 0; j < count; ++j) same = same && got[static_cast<std::size_t>(j)] == rng();
        CHECK(same);
        CHECK(got.back() == 0xdeadbeefu);  // nothing written past count
      }
}

TEST_CASE("fastrp: sparse and dense propagation give the same bits") {
  // Sparse layers (per-row lists, scattered) only skip additions of exact zeros:
  // any sparse_threshold must give the all-dense result bit for bit, including
  // zero-weight arcs, sinks, self-influence, odd widths and an all-zero R.
  sprig::EdgeList el;
  el.n = 1500;
  el.directed = true;
  sprig::Philox rng(77, 0);
  for (int i = 0; i < 9000; ++i) {
    const auto u = static_cast<sprig::node_t>(rng.bounded(1400));  // nodes 1400.. are sinks
    const auto v = static_cast<sprig::node_t>(rng.bounded(1500));
    el.add(u, v, i % 7 == 0 ? 0.f : 0.25f + rng.uniform_float());
  }
  const std::vector<Graph> graphs = {random_graph(2000, 12000, 3, false, false),
                                     random_graph(2000, 12000, 4, false, true), sprig::build_csr(el)};
  std::vector<FastRpOptions> opts = {
      FastRpOptions{.dim = 128, .seed = 5},
      FastRpOptions{.dim = 77, .iteration_weights = {0.5f, 1.f, 2.f, 3.f, 1.f}, .node_self_influence = 0.7f,
                    .sparsity = 400, .seed = 6},
      FastRpOptions{.dim = 130, .iteration_weights = {1.f, 1.f}, .sparsity = 100, .normalize_rows = false, .seed = 7},
      FastRpOptions{.dim = 16, .sparsity = 3, .standardize = true, .seed = 8},
      FastRpOptions{.dim = 8, .node_self_influence = 1.f, .sparsity = 1e12, .seed = 9},  // R = 0
  };
  for (std::size_t gi = 0; gi < graphs.size(); ++gi)
    for (std::size_t oi = 0; oi < opts.size(); ++oi) {
      CAPTURE(gi);
      CAPTURE(oi);
      FastRpOptions o = opts[oi];
      o.sparse_threshold = 0;
      const Matrix dense = sprig::fastrp(graphs[gi], o);
      for (double t : {1.0 / 32, 0.25, 1e9}) {
        CAPTURE(t);
        o.sparse_threshold = t;
        CHECK(bitwise_equal(sprig::fastrp(graphs[gi], o), dense));
      }
    }
}

TEST_CASE("fastrp: isolated nodes and empty graphs") {
  sprig::EdgeList el;
  el.n = 5;
  el.add(0, 1);
  el.add(1, 2);
  const Graph g = sprig::build_csr(el);
  const Matrix u = sprig::fastrp(g, {.dim = 8});
  CHECK(u.allFinite());
  CHECK(u.row(4).isZero());
  const Matrix self = sprig::fastrp(g, {.dim = 8, .node_self_influence = 1.f});
  CHECK(self.row(4).norm() == doctest::Approx(1.0));  // only its own normalised vector
  const Matrix e = sprig::fastrp(Graph{}, {.dim = 4});
  CHECK(e.rows() == 0);
  CHECK(e.cols() == 4);
}

TEST_CASE("fastrp: identical output for 1, 2 and 4 threads") {
  const Graph g = random_graph(3000, 20000, 8, false, true);
  for (bool standardize : {false, true}) {
    FastRpOptions o{.dim = 64, .standardize = standardize, .seed = 99};
    const Matrix r1 = sprig::with_threads(1, [&] { return sprig::fastrp(g, o); });
    const Matrix r2 = sprig::with_threads(2, [&] { return sprig::fastrp(g, o); });
    const Matrix r4 = sprig::with_threads(4, [&] { return sprig::fastrp(g, o); });
    CHECK(bitwise_equal(r1, r2));
    CHECK(bitwise_equal(r1, r4));
  }
  // A different seed gives a different embedding.
  const Matrix a = sprig::fastrp(g, {.dim = 16, .seed = 1});
  const Matrix b = sprig::fastrp(g, {.dim = 16, .seed = 2});
  CHECK(!bitwise_equal(a, b));
}

TEST_CASE("fastrp: progress and cancellation") {
  const Graph g = random_graph(100, 300, 1, false, false);
  std::vector<std::uint64_t> seen;
  sprig::fastrp(g, {.dim = 8, .progress = [&](const sprig::Progress& p) {
                      CHECK(p.stage == "fastrp");
                      CHECK(p.total == 4);
                      seen.push_back(p.done);
                      return true;
                    }});
  CHECK(seen == std::vector<std::uint64_t>{0, 1, 2, 3, 4});
  CHECK_THROWS_AS(sprig::fastrp(g, {.dim = 8, .progress = [](const sprig::Progress& p) { return p.done < 2; }}),
                  sprig::Cancelled);
}

TEST_CASE("fastrp: bad input gives clear errors") {
  const Graph g = random_graph(10, 20, 1, false, false);
  CHECK_THROWS_WITH_AS(sprig::fastrp(g, {.dim = 0}), "fastrp: dim must be > 0 (got 0)", sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::fastrp(g, {.dim = -3}), "fastrp: dim must be > 0 (got -3)", sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::fastrp(g, {.dim = 8, .iteration_weights = {}}),
                       "fastrp: iteration_weights must not be empty", sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::fastrp(g, {.dim = 8, .iteration_weights = {1.f, NAN}}), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::fastrp(g, {.dim = 8, .sparsity = 0.5}), sprig::InvalidArgument);
  CHECK_THROWS_AS(sprig::fastrp(g, {.dim = 8, .property_ratio = 1.5f}), sprig::InvalidArgument);
  CHECK_THROWS_WITH_AS(sprig::fastrp(g, {.dim = 8, .property_ratio = 0.5f}),
                       "fastrp: property_ratio 0.5 > 0 needs features", sprig::InvalidArgument);
  Matrix X = Matrix::Ones(9, 3);
  CHECK_THROWS_WITH_AS(sprig::fastrp(g, {.dim = 8, .features = &X, .property_ratio = 0.5f}),
                       "fastrp: features must have one row per node (9 rows for n = 10)", sprig::InvalidArgument);
  sprig::EdgeList el;
  el.n = 3;
  el.add(0, 1, 1.f);
  el.add(1, 2, -2.f);
  const Graph neg = sprig::build_csr(el);
  CHECK_THROWS_AS(sprig::fastrp(neg, {.dim = 4}), sprig::InvalidArgument);
  CHECK_NOTHROW(sprig::fastrp(neg, {.dim = 4, .use_weights = false}));
}
