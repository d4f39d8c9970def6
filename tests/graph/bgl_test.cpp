// Boost.Graph on a sprig::Graph through graph/bgl.hpp: concept checks, and
// BGL as an oracle for weak_components, BFS distances and Brandes betweenness.
#include <doctest/doctest.h>

#include <cmath>
#include <deque>
#include <limits>
#include <queue>
#include <string>

#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <boost/property_map/property_map.hpp>
#include <boost/property_map/vector_property_map.hpp>
#include <zlib.h>

#include <sprig/graph/bgl.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/components.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/graph/transform.hpp>

using namespace sprig;

namespace {

// Reads "u v [w]" lines (comments '#') of a gzip edge list: enough for the
// repo's data files without depending on the io module.
EdgeList read_gz_edges(const std::string& path, std::int64_t n, bool directed) {
  gzFile f = gzopen(path.c_str(), "rb");
  REQUIRE_MESSAGE(f != nullptr, "cannot open " << path);
  EdgeList e;
  e.n = n;
  e.directed = directed;
  char line[512];
  while (gzgets(f, line, sizeof line)) {
    if (line[0] == '#' || line[0] == '\n') continue;
    long u = 0, v = 0;
    float w = 1;
    const int got = std::sscanf(line, "%ld %ld %f", &u, &v, &w);
    REQUIRE(got >= 2);
    if (got == 3)
      e.add(static_cast<node_t>(u), static_cast<node_t>(v), w);
    else
      e.add(static_cast<node_t>(u), static_cast<node_t>(v));
  }
  gzclose(f);
  return e;
}

Graph karate() { return build_csr(read_gz_edges(std::string(SPRIG_DATA_DIR) + "/karate.edges.gz", 34, false)); }

// Textbook BFS over the CSR.
std::vector<std::int64_t> bfs_distances(const Graph& g, node_t s) {
  std::vector<std::int64_t> d(static_cast<std::size_t>(g.num_nodes()), -1);
  std::deque<node_t> q{s};
  d[s] = 0;
  while (!q.empty()) {
    const node_t u = q.front();
    q.pop_front();
    for (node_t v : g.neighbors(u))
      if (d[v] < 0) {
        d[v] = d[u] + 1;
        q.push_back(v);
      }
  }
  return d;
}

// Brandes (2001) for unweighted graphs, O(nm): every ordered (s, t) pair, like BGL
// (an undirected graph's values are twice networkx's).
std::vector<double> brandes(const Graph& g) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  std::vector<double> bc(n, 0.0);
  for (node_t s = 0; s < g.num_nodes(); ++s) {
    std::vector<std::int64_t> dist(n, -1);
    std::vector<double> sigma(n, 0.0), delta(n, 0.0);
    std::vector<node_t> order;
    std::deque<node_t> q{s};
    dist[s] = 0;
    sigma[s] = 1;
    while (!q.empty()) {
      const node_t u = q.front();
      q.pop_front();
      order.push_back(u);
      for (node_t v : g.neighbors(u)) {
        if (dist[v] < 0) {
          dist[v] = dist[u] + 1;
          q.push_back(v);
        }
        if (dist[v] == dist[u] + 1) sigma[v] += sigma[u];
      }
    }
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      const node_t w = *it;
      for (node_t v : g.neighbors(w))  // predecessors of w: v with dist[v] + 1 == dist[w] (needs symmetry or transpose)
        if (dist[v] >= 0 && dist[v] + 1 == dist[w]) delta[v] += sigma[v] / sigma[w] * (1 + delta[w]);
      if (w != s) bc[w] += delta[w];
    }
  }
  return bc;
}

Graph random_graph(std::int64_t n, std::int64_t m, std::uint64_t seed, bool directed) {
  return build_csr(erdos_renyi_gnm({.n = n, .m = m, .directed = directed, .seed = seed}));
}

}  // namespace

TEST_CASE("bgl: a Graph models the Boost.Graph concepts") {
  BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<Graph>));
  BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<Graph>));
  BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<Graph>));
  BOOST_CONCEPT_ASSERT((boost::EdgeListGraphConcept<Graph>));
  BOOST_CONCEPT_ASSERT(
      (boost::ReadablePropertyMapConcept<boost::property_map<Graph, boost::vertex_index_t>::type, node_t>));
  BOOST_CONCEPT_ASSERT((boost::ReadablePropertyMapConcept<boost::property_map<Graph, boost::edge_weight_t>::type,
                                                          boost::graph_traits<Graph>::edge_descriptor>));

  const Graph g = random_graph(50, 120, 3, true);
  CHECK(num_vertices(g) == 50u);
  CHECK(num_edges(g) == 120u);
  // edges(g) visits every arc once, in CSR order, with the right source and target.
  std::size_t count = 0;
  auto [ei, ee] = edges(g);
  for (; ei != ee; ++ei, ++count) {
    const auto e = *ei;
    CHECK(e.index == static_cast<edge_t>(count));
    CHECK(g.offsets()[source(e, g)] <= e.index);
    CHECK(e.index < g.offsets()[source(e, g) + 1]);
    CHECK(target(e, g) == g.targets()[count]);
    CHECK(get(boost::edge_index, g)[e] == e.index);
  }
  CHECK(count == 120u);
  for (node_t u = 0; u < 50; ++u) {
    CHECK(out_degree(u, g) == static_cast<std::size_t>(g.degree(u)));
    std::size_t k = 0;
    auto [oi, oe] = out_edges(u, g);
    CHECK(oe - oi == static_cast<std::ptrdiff_t>(g.degree(u)));
    for (; oi != oe; ++oi, ++k) {
      CHECK(source(*oi, g) == u);
      CHECK(target(*oi, g) == g.neighbors(u)[k]);
    }
  }
  // An empty graph and one with isolated nodes at both ends.
  CHECK(edges(Graph()).first == edges(Graph()).second);
  EdgeList e;
  e.n = 5;
  e.add(2, 3);
  const Graph h = build_csr(e);
  std::vector<std::pair<node_t, node_t>> seen;
  for (auto [a, b] = edges(h); a != b; ++a) seen.emplace_back(source(*a, h), target(*a, h));
  CHECK(seen == std::vector<std::pair<node_t, node_t>>{{2, 3}, {3, 2}});
}

TEST_CASE("bgl: boost::connected_components agrees with weak_components") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const bool directed = seed % 2 == 0;
    const std::int64_t n = 20 + static_cast<std::int64_t>(seed * 37 % 300);
    const Graph g = random_graph(n, n * static_cast<std::int64_t>(seed % 5) / 4, seed, directed);
    // BGL's DFS needs both arcs for weak connectivity.
    const Graph u = symmetrize(g);
    std::vector<int> comp(static_cast<std::size_t>(n));
    const int count = boost::connected_components(u, comp.data());
    const Components c = weak_components(g);
    CHECK(c.count == count);
    // Both number components in the order of their smallest node (BGL's DFS
    // starts from vertices in id order), so the labels agree exactly.
    for (std::size_t v = 0; v < comp.size(); ++v) CHECK(c.component[v] == comp[v]);
  }
  const Graph k = karate();
  std::vector<int> comp(34);
  CHECK(boost::connected_components(k, comp.data()) == 1);
  CHECK(weak_components(k).count == 1);
}

TEST_CASE("bgl: breadth_first_search distances equal a BFS over the CSR") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const bool directed = seed % 2 == 1;
    const Graph g = random_graph(200, 300 + static_cast<std::int64_t>(seed) * 40, seed, directed);
    for (node_t s : {0, 7, 199}) {
      std::vector<std::int64_t> dist(200, -1);
      dist[s] = 0;
      boost::breadth_first_search(
          g, s,
          boost::visitor(boost::make_bfs_visitor(boost::record_distances(dist.data(), boost::on_tree_edge()))));
      // record_distances leaves unreached nodes untouched (-1), as our BFS does.
      CHECK(dist == bfs_distances(g, s));
    }
  }
}

TEST_CASE("bgl: Brandes betweenness on karate") {
  const Graph g = karate();
  REQUIRE(g.num_edges() == 78);
  std::vector<double> bc(34, 0.0);
  boost::brandes_betweenness_centrality(
      g, boost::make_iterator_property_map(bc.begin(), get(boost::vertex_index, g)));
  const std::vector<double> ours = brandes(g);
  for (std::size_t v = 0; v < 34; ++v) CHECK(bc[v] == doctest::Approx(ours[v]).epsilon(1e-12));
  // Node 0 (the instructor) has the largest betweenness, node 33 the second.
  CHECK(std::max_element(bc.begin(), bc.end()) - bc.begin() == 0);
  // networkx.betweenness_centrality(normalized=False) counts unordered pairs: half of BGL's values.
  CHECK(bc[0] / 2 == doctest::Approx(231.071429).epsilon(1e-6));
  CHECK(bc[33] / 2 == doctest::Approx(160.551587).epsilon(1e-6));
  CHECK(bc[32] / 2 == doctest::Approx(76.690476).epsilon(1e-6));
}

TEST_CASE("bgl: dijkstra_shortest_paths with the edge weight map") {
  // Weighted random graph: Dijkstra through BGL vs a plain binary-heap Dijkstra.
  EdgeList e = erdos_renyi_gnm({.n = 300, .m = 1500, .directed = true, .seed = 21});
  for (std::size_t i = 0; i < e.size(); ++i) e.weight.push_back(static_cast<float>(1 + (i * 7919) % 13) * 0.25f);
  const Graph g = build_csr(e);
  std::vector<float> d(300);
  boost::dijkstra_shortest_paths(
      g, node_t{0},
      boost::distance_map(boost::make_iterator_property_map(d.begin(), get(boost::vertex_index, g)))
          .weight_map(get(boost::edge_weight, g)));
  std::vector<float> ref(300, std::numeric_limits<float>::infinity());
  using Item = std::pair<float, node_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
  ref[0] = 0;
  pq.push({0, 0});
  while (!pq.empty()) {
    const auto [du, u] = pq.top();
    pq.pop();
    if (du > ref[u]) continue;
    for (std::size_t k = 0; k < g.neighbors(u).size(); ++k) {
      const node_t v = g.neighbors(u)[k];
      const float nd = du + g.weights(u)[k];
      if (nd < ref[v]) {
        ref[v] = nd;
        pq.push({nd, v});
      }
    }
  }
  for (std::size_t v = 0; v < 300; ++v) {
    if (std::isinf(ref[v]))
      CHECK(d[v] == std::numeric_limits<float>::max());  // BGL's "infinity"
    else
      CHECK(d[v] == ref[v]);  // quarter multiples: exact in float
  }
}
