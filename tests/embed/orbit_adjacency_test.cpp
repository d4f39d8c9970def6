// Orbit adjacency against an independent brute force (every connected induced
// 2..4-node subset, orbit of each node from its degree pattern inside the
// subset, distance by Floyd–Warshall on the subset), transposition symmetry,
// row sums against orbit_counts(), thread-count determinism, key selection,
// input cleaning, the writers, and the error paths.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

#include <sprig/embed/orbit_adjacency.hpp>
#include <sprig/embed/orbits.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5.hpp>

#include "test_config.hpp"

namespace {

using sprig::Graph;
using sprig::node_t;
using sprig::OrbitAdjacency;
using sprig::OrbitAdjacencyKey;

using Key = std::tuple<int, int, int>;
using Dense = std::map<Key, std::vector<std::uint64_t>>;  // key → n×n row-major

// Orbit of node i of a connected induced graphlet on k nodes with `edges`
// edges, from its degree (and, for 3-edge 4-node graphlets, the maximum degree):
// the Pržulj numbering of docs/graphlet-orbits.tsv.
int orbit_of(int k, int edges, int deg, int max_deg) {
  if (k == 2) return 0;
  if (k == 3) return edges == 3 ? 3 : (deg == 2 ? 2 : 1);
  switch (edges) {
    case 3:
      if (max_deg == 3) return deg == 3 ? 7 : 6;  // star
      return deg == 1 ? 4 : 5;                    // path
    case 4:
      if (max_deg == 2) return 8;                  // cycle
      return deg == 1 ? 9 : (deg == 2 ? 10 : 11);  // paw
    case 5: return deg == 2 ? 12 : 13;             // diamond
    default: return 14;                            // K4
  }
}

std::vector<std::vector<char>> adjacency(const Graph& g) {
  const node_t n = g.num_nodes();
  std::vector<std::vector<char>> a(n, std::vector<char>(n, 0));
  for (node_t u = 0; u < n; ++u)
    for (node_t v : g.neighbors(u))
      if (u != v) a[u][v] = a[v][u] = 1;
  return a;
}

Dense brute_force(const Graph& g) {
  const int n = g.num_nodes();
  const auto A = adjacency(g);
  Dense out;
  for (const auto& k : sprig::orbit_adjacency_keys())
    out[{k.hop, k.orbit_u, k.orbit_v}].assign(static_cast<std::size_t>(n) * n, 0);
  std::vector<int> s;
  auto visit = [&] {
    const int k = static_cast<int>(s.size());
    int d[4][4];
    int deg[4] = {0, 0, 0, 0}, edges = 0;
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) {
        d[i][j] = i == j ? 0 : (A[s[i]][s[j]] ? 1 : 99);
        if (i < j && A[s[i]][s[j]]) {
          ++edges;
          ++deg[i];
          ++deg[j];
        }
      }
    for (int m = 0; m < k; ++m)
      for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) d[i][j] = std::min(d[i][j], d[i][m] + d[m][j]);
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j)
        if (d[i][j] >= 99) return;  // not connected
    const int max_deg = *std::max_element(deg, deg + k);
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) {
        if (i == j) continue;
        const Key key{d[i][j], orbit_of(k, edges, deg[i], max_deg), orbit_of(k, edges, deg[j], max_deg)};
        auto it = out.find(key);
        REQUIRE_MESSAGE(it != out.end(), "brute force met a key outside the 28: h", std::get<0>(key));
        ++it->second[static_cast<std::size_t>(s[i]) * n + s[j]];
      }
  };
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b) {
      s = {a, b};
      visit();
      for (int c = b + 1; c < n; ++c) {
        s = {a, b, c};
        visit();
        for (int d = c + 1; d < n; ++d) {
          s = {a, b, c, d};
          visit();
        }
      }
    }
  return out;
}

// Checks the CSR invariants and equality with the dense oracle.
void check_equal(const OrbitAdjacency& got, const Dense& want, std::int64_t n, const std::string& what) {
  REQUIRE(got.matrices.size() == 28);
  for (const auto& mat : got.matrices) {
    INFO(what, " ", mat.name());
    const auto& M = mat.matrix;
    REQUIRE(M.rows == n);
    REQUIRE(M.indptr.size() == static_cast<std::size_t>(n) + 1);
    REQUIRE(M.indptr[0] == 0);
    REQUIRE(M.indptr[n] == M.nnz());
    REQUIRE(M.data.size() == M.indices.size());
    const auto& W = want.at({mat.key.hop, mat.key.orbit_u, mat.key.orbit_v});
    std::int64_t mismatches = 0;
    for (std::int64_t u = 0; u < n; ++u) {
      std::vector<std::uint64_t> row(static_cast<std::size_t>(n), 0);
      for (std::int64_t i = M.indptr[u]; i < M.indptr[u + 1]; ++i) {
        REQUIRE(M.indices[i] >= 0);
        REQUIRE(M.indices[i] < n);
        REQUIRE(M.indices[i] != u);
        REQUIRE(M.data[i] > 0);
        if (i > M.indptr[u]) REQUIRE(M.indices[i - 1] < M.indices[i]);
        row[M.indices[i]] = M.data[i];
      }
      for (std::int64_t v = 0; v < n; ++v)
        if (row[v] != W[static_cast<std::size_t>(u * n + v)]) {
          if (mismatches++ < 3)
            FAIL_CHECK("(", u, ", ", v, "): got ", row[v], ", brute force ", W[static_cast<std::size_t>(u * n + v)]);
        }
    }
    CHECK(mismatches == 0);
  }
}

Graph random_er(int n, double p, std::uint64_t seed) {
  sprig::EdgeList el;
  el.n = n;
  sprig::Philox rng(seed, 1);
  for (int u = 0; u < n; ++u)
    for (int v = u + 1; v < n; ++v)
      if (rng.uniform_float() < p) el.add(u, v);
  return sprig::build_csr(el);
}

// Preferential attachment with `k` edges per new node; the last `isolated` nodes get none.
Graph random_ba(int n, int k, int isolated, std::uint64_t seed) {
  sprig::EdgeList el;
  el.n = n;
  sprig::Philox rng(seed, 2);
  std::vector<node_t> ends;
  for (int u = 1; u < n - isolated; ++u)
    for (int j = 0; j < k; ++j) {
      const node_t v = ends.empty() || rng.uniform_float() < 0.2f
                           ? static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(u)))
                           : ends[rng.bounded(static_cast<std::uint32_t>(ends.size()))];
      el.add(u, v);
      ends.push_back(u);
      ends.push_back(v);
    }
  return sprig::build_csr(el);
}

Graph karate() { return sprig::load_graph(std::string(SPRIG_DATA_DIR) + "/karate.edges.gz"); }

// Number of partners b of a node a in orbit o1 with orbit(b) = o2 at distance h
// inside the graphlet: the factor between a row sum of A^h_{o1,o2} and orbit o1.
// Graphlets G0..G8 as in docs/graphlet-orbits.tsv (edges, node orbits).
int partners(int h, int o1, int o2) {
  struct G {
    int k;
    std::vector<std::pair<int, int>> edges;
    std::vector<int> orbit;
  };
  const std::vector<G> gs = {
      {2, {{0, 1}}, {0, 0}},
      {3, {{0, 2}, {1, 2}}, {1, 1, 2}},
      {3, {{0, 1}, {0, 2}, {1, 2}}, {3, 3, 3}},
      {4, {{0, 2}, {1, 3}, {2, 3}}, {4, 4, 5, 5}},
      {4, {{0, 3}, {1, 3}, {2, 3}}, {6, 6, 6, 7}},
      {4, {{0, 1}, {0, 2}, {1, 3}, {2, 3}}, {8, 8, 8, 8}},
      {4, {{0, 3}, {1, 2}, {1, 3}, {2, 3}}, {9, 10, 10, 11}},
      {4, {{0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}, {12, 12, 13, 13}},
      {4, {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}, {14, 14, 14, 14}},
  };
  for (const G& g : gs) {
    int d[4][4];
    for (int i = 0; i < g.k; ++i)
      for (int j = 0; j < g.k; ++j) d[i][j] = i == j ? 0 : 99;
    for (auto [a, b] : g.edges) d[a][b] = d[b][a] = 1;
    for (int m = 0; m < g.k; ++m)
      for (int i = 0; i < g.k; ++i)
        for (int j = 0; j < g.k; ++j) d[i][j] = std::min(d[i][j], d[i][m] + d[m][j]);
    for (int a = 0; a < g.k; ++a) {
      if (g.orbit[a] != o1) continue;
      int cnt = 0;
      for (int b = 0; b < g.k; ++b)
        if (b != a && g.orbit[b] == o2 && d[a][b] == h) ++cnt;
      return cnt;  // the same for every node of the orbit (checked by the test below)
    }
  }
  return -1;
}

std::vector<std::uint64_t> flatten(const OrbitAdjacency& a) {
  std::vector<std::uint64_t> f;
  for (const auto& m : a.matrices) {
    f.insert(f.end(), m.matrix.indptr.begin(), m.matrix.indptr.end());
    f.insert(f.end(), m.matrix.indices.begin(), m.matrix.indices.end());
    f.insert(f.end(), m.matrix.data.begin(), m.matrix.data.end());
  }
  return f;
}

}  // namespace

TEST_CASE("orbit_adjacency: 28 keys, as listed in the issue") {
  const auto keys = sprig::orbit_adjacency_keys();
  REQUIRE(keys.size() == 28);
  std::set<Key> unordered;
  for (const auto& k : keys) {
    unordered.insert({k.hop, std::min(k.orbit_u, k.orbit_v), std::max(k.orbit_u, k.orbit_v)});
    // the transpose is present too
    CHECK(std::find(keys.begin(), keys.end(), OrbitAdjacencyKey{k.hop, k.orbit_v, k.orbit_u}) != keys.end());
  }
  const std::set<Key> issue = {{1, 0, 0},   {1, 1, 2},   {1, 3, 3},   {1, 4, 5},   {1, 5, 5},  {1, 6, 7},  {1, 8, 8},
                               {1, 9, 11},  {1, 10, 10}, {1, 10, 11}, {1, 12, 13}, {1, 13, 13}, {1, 14, 14}, {2, 1, 1},
                               {2, 4, 5},   {2, 6, 6},   {2, 8, 8},   {2, 9, 10},  {2, 12, 12}, {3, 4, 4}};
  CHECK(unordered == issue);
}

TEST_CASE("orbit_adjacency: hand-computed path, star, cycle, paw, diamond, K4") {
  auto graph = [](int n, std::vector<std::pair<int, int>> e) {
    sprig::EdgeList el;
    el.n = n;
    for (auto [a, b] : e) el.add(a, b);
    return sprig::build_csr(el);
  };
  {  // path 0-1-2-3
    const auto a = sprig::orbit_adjacency(graph(4, {{0, 1}, {1, 2}, {2, 3}}));
    CHECK(a.get(3, 4, 4).at(0, 3) == 1);
    CHECK(a.get(3, 4, 4).at(3, 0) == 1);
    CHECK(a.get(1, 4, 5).at(0, 1) == 1);
    CHECK(a.get(2, 4, 5).at(0, 2) == 1);
    CHECK(a.get(1, 5, 5).at(1, 2) == 1);
    CHECK(a.get(1, 1, 2).at(0, 1) == 1);  // the 3-path 0-1-2
    CHECK(a.get(1, 2, 1).at(1, 0) == 1);
    CHECK(a.get(2, 1, 1).at(0, 2) == 1);
    CHECK(a.get(1, 0, 0).nnz() == 6);
  }
  {  // K4: every pair in 1 K4 and 2 triangles
    const auto a = sprig::orbit_adjacency(graph(4, {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}));
    CHECK(a.get(1, 14, 14).at(0, 1) == 1);
    CHECK(a.get(1, 3, 3).at(2, 3) == 2);
    CHECK(a.get(1, 13, 13).nnz() == 0);
  }
  {  // paw: triangle 0-1-2, pendant 3 on 0
    const auto a = sprig::orbit_adjacency(graph(4, {{0, 1}, {0, 2}, {1, 2}, {0, 3}}));
    CHECK(a.get(1, 9, 11).at(3, 0) == 1);
    CHECK(a.get(1, 11, 9).at(0, 3) == 1);
    CHECK(a.get(2, 9, 10).at(3, 1) == 1);
    CHECK(a.get(1, 10, 10).at(1, 2) == 1);
    CHECK(a.get(1, 10, 11).at(1, 0) == 1);
    CHECK(a.get(1, 6, 7).nnz() == 0);
  }
}

TEST_CASE("orbit_adjacency: equals the brute force on random graphs") {
  const int graphs = sprig::test::kSanitized ? 60 : 300;
  for (int t = 0; t < graphs; ++t) {
    const int n = 2 + t % 19;
    Graph g;
    std::string what;
    switch (t % 3) {
      case 0: {
        const double p = 0.05 + 0.9 * ((t * 37) % 100) / 100.0;
        g = random_er(n, p, 1000 + t);
        what = "ER n=" + std::to_string(n) + " p=" + std::to_string(p);
        break;
      }
      case 1:
        g = random_ba(n, 1 + t % 3, t % 4, 2000 + t);
        what = "BA n=" + std::to_string(n);
        break;
      default:
        g = random_er(n, 0.15, 3000 + t);
        what = "sparse ER n=" + std::to_string(n);
    }
    INFO(what, " seed ", t);
    check_equal(sprig::orbit_adjacency(g, {.grain = 1 + t % 5}), brute_force(g), n, what);
  }
}

TEST_CASE("orbit_adjacency: equals the brute force on karate; symmetric under transposition") {
  const Graph g = karate();
  const auto a = sprig::orbit_adjacency(g);
  check_equal(a, brute_force(g), g.num_nodes(), "karate");
  for (const auto& m : a.matrices) {
    const auto& T = a.get(m.key.hop, m.key.orbit_v, m.key.orbit_u);
    for (std::int64_t u = 0; u < m.matrix.rows; ++u)
      for (std::int64_t i = m.matrix.indptr[u]; i < m.matrix.indptr[u + 1]; ++i)
        REQUIRE(T.at(m.matrix.indices[i], u) == m.matrix.data[i]);
    CHECK(T.nnz() == m.matrix.nnz());
  }
}

TEST_CASE("orbit_adjacency: transposition symmetry and row sums vs orbit_counts on a larger graph") {
  const Graph g = random_ba(sprig::test::kSanitized ? 300 : 1000, 4, 20, 77);
  const auto a = sprig::orbit_adjacency(g);
  const auto oc = sprig::orbit_counts(g, {.max_size = 4});
  for (const auto& m : a.matrices) {
    INFO(m.name());
    const auto& T = a.get(m.key.hop, m.key.orbit_v, m.key.orbit_u);
    CHECK(T.nnz() == m.matrix.nnz());
    std::int64_t bad = 0;
    for (std::int64_t u = 0; u < m.matrix.rows; ++u)
      for (std::int64_t i = m.matrix.indptr[u]; i < m.matrix.indptr[u + 1]; ++i)
        bad += T.at(m.matrix.indices[i], u) != m.matrix.data[i];
    CHECK(bad == 0);
    // Σ_v A^h_{o1,o2}[u, v] = (partners in orbit o2 at distance h of a node in orbit o1) · orbit_{o1}(u)
    const int k = partners(m.key.hop, m.key.orbit_u, m.key.orbit_v);
    REQUIRE(k > 0);
    std::int64_t wrong = 0;
    for (std::int64_t u = 0; u < m.matrix.rows; ++u)
      wrong += m.matrix.row_sum(u) != static_cast<std::uint64_t>(k) * oc.counts(u, m.key.orbit_u);
    CHECK(wrong == 0);
  }
  // The documented examples: orbit 3 = rowsum(A¹_{3,3}) / 2, orbit 14 = rowsum(A¹_{14,14}) / 3.
  CHECK(partners(1, 3, 3) == 2);
  CHECK(partners(1, 14, 14) == 3);
  CHECK(partners(3, 4, 4) == 1);
  CHECK(partners(2, 6, 6) == 2);
}

TEST_CASE("orbit_adjacency: identical under 1, 2 and 4 threads") {
  const Graph g = random_ba(sprig::test::kSanitized ? 400 : 1000, 5, 10, 5);
  const auto one = sprig::with_threads(1, [&] { return flatten(sprig::orbit_adjacency(g)); });
  const auto two = sprig::with_threads(2, [&] { return flatten(sprig::orbit_adjacency(g)); });
  const auto four = sprig::with_threads(4, [&] { return flatten(sprig::orbit_adjacency(g)); });
  CHECK(one == two);
  CHECK(one == four);
}

TEST_CASE("orbit_adjacency: a selection of keys gives the same matrices in the asked order") {
  const Graph g = karate();
  const auto all = sprig::orbit_adjacency(g);
  const auto some = sprig::orbit_adjacency(g, {.keys = {{3, 4, 4}, {1, 0, 0}, {2, 1, 1}}});
  REQUIRE(some.matrices.size() == 3);
  CHECK(some.matrices[0].name() == "h3_o4_o4");
  CHECK(some.matrices[1].name() == "h1_o0_o0");
  CHECK(some.matrices[2].name() == "h2_o1_o1");
  for (const auto& m : some.matrices) {
    const auto& f = all.get(m.key.hop, m.key.orbit_u, m.key.orbit_v);
    CHECK(m.matrix.indptr == f.indptr);
    CHECK(m.matrix.indices == f.indices);
    CHECK(m.matrix.data == f.data);
  }
  // only 2- and 3-node keys skip the 4-node passes
  const auto small = sprig::orbit_adjacency(g, {.keys = {{1, 3, 3}, {2, 1, 1}}});
  CHECK(small.matrices[0].matrix.data == all.get(1, 3, 3).data);
  CHECK(small.matrices[1].matrix.data == all.get(2, 1, 1).data);
  CHECK_THROWS_AS(some.get(1, 14, 14), sprig::InvalidArgument);
}

TEST_CASE("orbit_adjacency: directed input, self-loops and duplicates are cleaned; empty graphs") {
  sprig::EdgeList el;
  el.n = 7;
  el.directed = true;
  for (auto [a, b] : std::vector<std::pair<int, int>>{{0, 1}, {1, 0}, {1, 2}, {2, 3}, {3, 0}, {0, 2}, {4, 4}, {3, 4}})
    el.add(a, b);
  sprig::BuildOptions keep;
  keep.self_loops = sprig::SelfLoops::keep;
  keep.duplicates = sprig::Duplicates::keep;
  const Graph d = sprig::build_csr(el, keep);
  el.directed = false;
  const Graph u = sprig::build_csr(el);
  const auto a = sprig::orbit_adjacency(d);
  check_equal(a, brute_force(u), 7, "directed with loops");
  CHECK(flatten(a) == flatten(sprig::orbit_adjacency(u)));

  const auto e = sprig::orbit_adjacency(Graph{});
  CHECK(e.matrices.size() == 28);
  CHECK(e.matrices[0].matrix.indptr.size() == 1);
  sprig::EdgeList one;
  one.n = 1;
  const auto o = sprig::orbit_adjacency(sprig::build_csr(one));
  CHECK(o.matrices[5].matrix.nnz() == 0);
  CHECK(o.matrices[5].matrix.indptr.size() == 2);
}

TEST_CASE("orbit_adjacency: bad options name the value") {
  const Graph g = karate();
  try {
    (void)sprig::orbit_adjacency(g, {.keys = {{2, 3, 3}}});
    FAIL("no throw");
  } catch (const sprig::InvalidArgument& e) {
    CHECK(std::string(e.what()).find("(h=2, o1=3, o2=3) is not one of the 28") != std::string::npos);
  }
  CHECK_THROWS_AS((void)sprig::orbit_adjacency(g, {.keys = {{1, 0, 0}, {1, 0, 0}}}), sprig::InvalidArgument);
  CHECK_THROWS_AS((void)sprig::orbit_adjacency(g, {.grain = 0}), sprig::InvalidArgument);
  int calls = 0;
  CHECK_THROWS_AS((void)sprig::orbit_adjacency(g, {.progress = [&](const sprig::Progress&) { return ++calls < 3; }}),
                  sprig::Cancelled);
}

TEST_CASE("orbit_adjacency: HDF5 (AnnData CSR) and text writers round-trip") {
  const Graph g = karate();
  const auto a = sprig::orbit_adjacency(g);
  const auto dir = std::filesystem::temp_directory_path() / ("sprig_oa_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string h5path = (dir / "adj.h5").string();
  sprig::write_orbit_adjacency_hdf5(h5path, a);
  sprig::write_orbit_adjacency_hdf5(h5path, a);  // into an existing file: replaces the group
  {
    auto f = sprig::h5::File::open(h5path);
    CHECK(f.children().size() == 1);
    for (const auto& m : a.matrices) {
      const std::string grp = "/orbits/adjacency/" + m.name();
      INFO(grp);
      auto gr = f.open_group(grp);
      CHECK(std::get<std::string>(gr.read_attr("encoding-type")) == "csr_matrix");
      CHECK(std::get<std::vector<std::int64_t>>(gr.read_attr("shape")) == std::vector<std::int64_t>{34, 34});
      CHECK(f.open_dataset(grp + "/indptr").read_all<std::int64_t>() == m.matrix.indptr);
      CHECK(f.open_dataset(grp + "/indices").read_all<std::int32_t>() == m.matrix.indices);
      CHECK(f.open_dataset(grp + "/data").read_all<std::uint64_t>() == m.matrix.data);
    }
    CHECK(f.open_group("/orbits").children() == std::vector<std::string>{"adjacency"});
  }
  const std::string txt = (dir / "adj.txt").string();
  sprig::write_orbit_adjacency_text(txt, a);
  std::ifstream in(txt);
  std::string line;
  std::size_t mat = 0;
  std::int64_t entries = 0, total = 0;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      CHECK(line.find(a.matrices.at(mat).name() + " nnz=") == 2);
      ++mat;
      continue;
    }
    std::istringstream ss(line);
    std::int64_t u = 0, v = 0;
    std::uint64_t c = 0;
    ss >> u >> v >> c;
    REQUIRE(mat >= 1);
    CHECK(a.matrices[mat - 1].matrix.at(u, v) == c);
    ++entries;
  }
  for (const auto& m : a.matrices) total += m.matrix.nnz();
  CHECK(mat == 28);
  CHECK(entries == total);
  std::filesystem::remove_all(dir);
}
