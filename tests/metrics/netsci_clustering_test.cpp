// Triangles, clustering and transitivity: exact against igraph/networkx on the
// bundled graphs, against brute force on random graphs, and identical under 1/2/4 threads.
#include <cmath>

#include <doctest/doctest.h>

#include <sprig/graph/parallel.hpp>
#include <sprig/metrics/clustering.hpp>

#include "netsci_common.hpp"

using namespace sprig;
using netsci_test::expected;
using netsci_test::load;

namespace {
struct Case {
  std::string name;
  Graph g;
  const nlohmann::json* exp;
};
std::vector<Case> cases() {
  std::vector<Case> out;
  for (const auto& name : netsci_test::undirected_graphs()) out.push_back({name, load(name), &expected(name)});
  out.push_back({"polblogs (symmetrized)", symmetrize(load("polblogs")), &expected("polblogs")["undirected"]});
  return out;
}
}  // namespace

TEST_CASE("netsci clustering: triangles and clustering equal igraph/networkx on the bundled graphs") {
  for (const auto& c : cases()) {
    CAPTURE(c.name);
    const auto& e = *c.exp;
    const auto t = triangles(c.g);
    CHECK(t == e["triangles"].get<std::vector<std::int64_t>>());
    const auto lc = local_clustering(c.g);
    const auto elc = e["local_clustering"].get<std::vector<double>>();
    REQUIRE(lc.size() == elc.size());
    for (std::size_t v = 0; v < lc.size(); ++v) CHECK(netsci_test::rel_err(lc[v], elc[v]) < 1e-14);
    CHECK(netsci_test::rel_err(average_clustering(c.g), e["average_clustering"].get<double>()) < 1e-13);
    CHECK(netsci_test::rel_err(average_clustering(c.g, false), e["average_clustering_igraph"].get<double>()) < 1e-13);
    CHECK(netsci_test::rel_err(transitivity(c.g), e["transitivity"].get<double>()) < 1e-14);
    std::int64_t sum = 0;
    for (auto x : t) sum += x;
    CHECK(triangle_count(c.g) * 3 == sum);
    if (e.contains("barrat")) {
      const auto b = barrat_clustering(c.g);
      const auto eb = e["barrat"].get<std::vector<double>>();
      for (std::size_t v = 0; v < b.size(); ++v) CHECK(netsci_test::rel_err(b[v], eb[v]) < 1e-12);
    }
  }
}

TEST_CASE("netsci clustering: brute force on random graphs") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const int n = 40;
    const Graph g = netsci_test::random_graph(n, 200 + 40 * static_cast<int>(seed), seed);
    std::vector<std::int64_t> bt(n, 0);
    std::vector<std::vector<char>> adj(n, std::vector<char>(n, 0));
    for (node_t u = 0; u < n; ++u)
      for (node_t v : g.neighbors(u)) adj[u][v] = 1;
    for (int a = 0; a < n; ++a)
      for (int b = a + 1; b < n; ++b)
        for (int c = b + 1; c < n; ++c)
          if (adj[a][b] && adj[b][c] && adj[a][c]) ++bt[a], ++bt[b], ++bt[c];
    CHECK(triangles(g) == bt);
    const auto et = edge_triangles(g);
    for (node_t u = 0; u < n; ++u) {
      const auto nb = g.neighbors(u);
      for (std::size_t k = 0; k < nb.size(); ++k) {
        std::int64_t common = 0;
        for (int w = 0; w < n; ++w) common += adj[u][w] && adj[nb[k]][w];
        CHECK(et[g.offsets()[u] + k] == common);
      }
    }
    // Barrat on a weighted copy: the formula summed over ordered neighbour pairs.
    const Graph gw = netsci_test::with_weights(g);
    std::vector<std::vector<double>> W(n, std::vector<double>(n, 0));
    for (node_t u = 0; u < n; ++u)
      for (std::size_t k = 0; k < gw.neighbors(u).size(); ++k) W[u][gw.neighbors(u)[k]] = gw.weights(u)[k];
    const auto bar = barrat_clustering(gw);
    for (int i = 0; i < n; ++i) {
      double s = 0, num = 0;
      int k = 0;
      for (int j = 0; j < n; ++j)
        if (W[i][j] > 0) s += W[i][j], ++k;
      for (int j = 0; j < n; ++j)
        for (int h = 0; h < n; ++h)
          if (j != h && W[i][j] > 0 && W[i][h] > 0 && W[j][h] > 0) num += (W[i][j] + W[i][h]) / 2;
      const double ref = k < 2 ? 0.0 : num / (s * (k - 1));
      CHECK(bar[i] == doctest::Approx(ref).epsilon(1e-12));
    }
  }
}

TEST_CASE("netsci clustering: identical under 1, 2 and 4 threads") {
  const Graph g = symmetrize(load("polblogs"));
  const auto t1 = with_threads(1, [&] { return triangles(g); });
  const auto b1 = with_threads(1, [&] { return barrat_clustering(netsci_test::with_weights(g)); });
  for (int th : {2, 4}) {
    CHECK(with_threads(th, [&] { return triangles(g); }) == t1);
    CHECK(with_threads(th, [&] { return barrat_clustering(netsci_test::with_weights(g)); }) == b1);
  }
}

TEST_CASE("netsci clustering: directed graphs are rejected with a clear message") {
  const Graph g = load("polblogs");
  CHECK_THROWS_WITH_AS(triangles(g), doctest::Contains("undirected"), InvalidArgument);
  CHECK_THROWS_AS(local_clustering(g), InvalidArgument);
  // Degree < 2: 0 by default, NaN on request.
  const Graph path = netsci_test::random_graph(2, 1, 1);
  CHECK(local_clustering(path)[0] == 0.0);
  CHECK(std::isnan(local_clustering(path, LowDegree::nan)[0]));
  CHECK(transitivity(path) == 0.0);
}
