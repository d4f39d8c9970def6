// Input features for featureless graphs: bucketed degree one-hot and
// log-degree against hand counts, FastRP columns standardised and equal to
// embed/fastrp, orbit counts log1p-scaled (orbit 0 = degree), one-hot ids
// handled sparsely (a GCN with identity_input equals the same GCN on a dense
// identity matrix), combinations, thread-count determinism, errors.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <sprig/embed/fastrp.hpp>
#include <sprig/gnn/features.hpp>
#include <sprig/gnn/layers.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/edge_list_io.hpp>

#include "test_graphs.hpp"

using namespace sprig;
using namespace sprig::gnn;

namespace {

Graph karate() { return read_graph(std::string(SPRIG_DATA_DIR) + "/karate.edges.gz"); }

}  // namespace

TEST_CASE("features: degree one-hot buckets and log-degree") {
  // Star with 6 leaves plus an isolated node: centre degree 6 → ⌊log₂ 7⌋ = 2; leaves 1 → 1; isolated 0 → 0.
  EdgeList e;
  e.n = 8;
  for (node_t v = 1; v <= 6; ++v) e.add(0, v);
  const Graph g = build_csr(e);
  const Matrix x = degree_onehot_features(g, 4);
  CHECK(x.rows() == 8);
  CHECK(x.cols() == 4);
  CHECK(x.rowwise().sum().isOnes());
  CHECK(x(0, 2) == 1);
  CHECK(x(1, 1) == 1);
  CHECK(x(7, 0) == 1);
  const Matrix capped = degree_onehot_features(g, 2);
  CHECK(capped(0, 1) == 1);  // bucket 2 capped at buckets − 1
  const Matrix ld = log_degree_features(g);
  CHECK(ld(0, 0) == doctest::Approx(std::log(7.0)));
  CHECK(ld(7, 0) == 0);
  CHECK(test::thrown([&] { degree_onehot_features(g, 0); }).find("buckets") != std::string::npos);
}

TEST_CASE("features: fastrp and orbits") {
  const Graph g = karate();
  const Matrix f = fastrp_features(g, 16, 3);
  FastRpOptions o;
  o.dim = 16;
  o.seed = 3;
  o.standardize = true;
  CHECK(f == fastrp(g, o));
  for (Eigen::Index c = 0; c < f.cols(); ++c) CHECK(std::abs(f.col(c).mean()) < 1e-4);
  const Matrix orb = orbit_features(g);
  CHECK(orb.rows() == 34);
  CHECK(orb.cols() == 15);
  for (node_t v = 0; v < 34; ++v) CHECK(orb(v, 0) == doctest::Approx(std::log1p(static_cast<double>(g.degree(v)))));
  // Node 0 of karate sits in 18 triangles (orbit 3).
  CHECK(orb(0, 3) == doctest::Approx(std::log1p(18.0)));
  const auto a = with_threads(1, [&] { return make_features(g, parse_feature_kinds("degree+fastrp+orbits")); });
  const auto b = with_threads(4, [&] { return make_features(g, parse_feature_kinds("degree+fastrp+orbits")); });
  CHECK(a.x == b.x);
  CHECK(a.x.cols() == 16 + 64 + 15);
  CHECK(a.columns.size() == 3);
  CHECK(!a.identity);
}

TEST_CASE("features: one-hot ids are gathered, equal to a dense identity input") {
  const Graph g = karate();
  const auto f = make_features(g, {FeatureKind::identity});
  CHECK(f.identity);
  CHECK(f.x.size() == 0);
  CHECK(f.in_features(34) == 34);
  GcnLayer sparse(34, 5, {.identity_input = true}), dense(34, 5);
  glorot_init(sparse.parameters()[0]->value, 4, 0);
  dense.parameters()[0]->value = sparse.parameters()[0]->value;
  Block b;
  b.offsets = g.offsets();
  b.targets = g.targets();
  b.num_dst = b.num_src = 34;
  const Matrix ys = sparse.forward(b, Matrix(), {});
  const Matrix yd = dense.forward(b, Matrix::Identity(34, 34), {});
  CHECK((ys - yd).cwiseAbs().maxCoeff() < 1e-5f);
}

TEST_CASE("features: parsing and checks") {
  CHECK(parse_feature_kinds("onehot") == std::vector<FeatureKind>{FeatureKind::identity});
  CHECK(parse_feature_kinds("degree+log_degree").size() == 2);
  CHECK(test::thrown([] { parse_feature_kinds("identity+degree"); }).find("cannot be combined") != std::string::npos);
  CHECK(test::thrown([] { parse_feature_kinds("degree+"); }).find("empty name") != std::string::npos);
  CHECK(test::thrown([] { parse_feature_kind("pagerank"); }).find("unknown feature kind 'pagerank'") != std::string::npos);
  Matrix x = Matrix::Ones(4, 2);
  CHECK(test::thrown([&] { check_features(x, 5, "x.npy"); }).find("x.npy: 4 rows for a graph of 5 nodes") !=
        std::string::npos);
  x(2, 1) = std::nanf("");
  CHECK(test::thrown([&] { check_features(x, 4, "x.npy"); }).find("row 2, column 1") != std::string::npos);
}
