// Transforms and weak components against brute-force versions (maps, sets,
// nested loops) on small random graphs, plus round trips and determinism.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include <sprig/graph/build.hpp>
#include <sprig/graph/components.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/transform.hpp>

using namespace sprig;

namespace {

using ArcT = std::tuple<node_t, node_t, float>;

// A random graph; weights are small multiples of 0.5 so sums are exact.
Graph random_graph(std::int64_t n, std::size_t m, std::uint64_t seed, bool directed, bool weighted,
                   BuildOptions opt = {}) {
  EdgeList e;
  e.n = n;
  e.directed = directed;
  Philox rng(seed, 17);
  for (std::size_t i = 0; i < m && n > 0; ++i) {
    const auto u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    if (weighted)
      e.add(u, v, static_cast<float>(rng.bounded(8) + 1) * 0.5f);
    else
      e.add(u, v);
  }
  return build_csr(e, opt);
}

std::vector<ArcT> arcs_of(const Graph& g) {
  std::vector<ArcT> out;
  for (node_t u = 0; u < g.num_nodes(); ++u)
    for (std::size_t k = 0; k < g.neighbors(u).size(); ++k)
      out.emplace_back(u, g.neighbors(u)[k], g.weighted() ? g.weights(u)[k] : 1.0f);
  return out;
}

std::vector<ArcT> sorted(std::vector<ArcT> a) {
  std::sort(a.begin(), a.end());
  return a;
}

bool identical(const Graph& a, const Graph& b) {
  return a.directed() == b.directed() && a.num_nodes() == b.num_nodes() &&
         std::equal(a.offsets().begin(), a.offsets().end(), b.offsets().begin(), b.offsets().end()) &&
         std::equal(a.targets().begin(), a.targets().end(), b.targets().begin(), b.targets().end()) &&
         a.weights().size() == b.weights().size() &&
         (a.weights().empty() || std::memcmp(a.weights().data(), b.weights().data(), a.weights().size_bytes()) == 0);
}

std::vector<node_t> random_permutation(node_t n, std::uint64_t seed) {
  std::vector<node_t> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  Philox rng(seed, 5);
  for (std::size_t i = p.size(); i > 1; --i) std::swap(p[i - 1], p[rng.bounded(static_cast<std::uint32_t>(i))]);
  return p;
}

// Brute-force components: BFS over an undirected adjacency set, numbered by smallest node.
std::vector<node_t> brute_components(const Graph& g) {
  const node_t n = g.num_nodes();
  std::vector<std::set<node_t>> adj(static_cast<std::size_t>(n));
  for (const auto& [u, v, w] : arcs_of(g)) {
    adj[u].insert(v);
    adj[v].insert(u);
  }
  std::vector<node_t> comp(static_cast<std::size_t>(n), -1);
  node_t next = 0;
  for (node_t s = 0; s < n; ++s) {
    if (comp[s] >= 0) continue;
    std::vector<node_t> stack{s};
    comp[s] = next;
    while (!stack.empty()) {
      const node_t u = stack.back();
      stack.pop_back();
      for (node_t v : adj[u])
        if (comp[v] < 0) {
          comp[v] = next;
          stack.push_back(v);
        }
    }
    ++next;
  }
  return comp;
}

}  // namespace

TEST_CASE("transpose matches brute force; twice is the identity") {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const bool directed = seed % 3 != 0;
    const bool weighted = seed % 2 == 0;
    const BuildOptions opt{.self_loops = seed % 4 == 0 ? SelfLoops::keep : SelfLoops::drop,
                           .duplicates = seed % 5 == 0 ? Duplicates::keep : Duplicates::drop};
    const Graph g = random_graph(1 + static_cast<std::int64_t>(seed % 23), seed * 4, seed, directed, weighted, opt);
    const Graph t = transpose(g);
    CHECK(t.directed() == g.directed());
    std::vector<ArcT> expect;
    for (const auto& [u, v, w] : arcs_of(g)) expect.emplace_back(v, u, w);
    CHECK(sorted(arcs_of(t)) == sorted(expect));
    t.validate({.allow_self_loops = true, .allow_duplicates = true});
    CHECK(identical(transpose(t), g));
    if (directed) {  // the counting sort gives what the builder gives (row order of parallel arcs included)
      std::vector<node_t> src, dst;
      std::vector<float> w;
      for (const auto& [u, v, x] : arcs_of(g)) src.push_back(v), dst.push_back(u), w.push_back(x);
      if (!weighted) w.clear();
      CHECK(identical(t, build_csr_from_arcs(g.num_nodes(), src, dst, w, true,
                                             {.self_loops = SelfLoops::keep, .duplicates = Duplicates::keep})));
    }
    if (!directed) CHECK(identical(t, g));
  }
}

TEST_CASE("symmetrize matches brute force for every merge rule") {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const bool weighted = seed % 2 == 1;
    const bool loops = seed % 3 == 0;
    const Graph g = random_graph(1 + static_cast<std::int64_t>(seed % 19), seed * 3, seed, true, weighted,
                                 {.self_loops = loops ? SelfLoops::keep : SelfLoops::drop});
    for (Duplicates merge : {Duplicates::max, Duplicates::sum, Duplicates::min, Duplicates::drop, Duplicates::keep}) {
      const Graph s = symmetrize(g, {.merge = merge});
      CHECK_FALSE(s.directed());
      s.validate({.allow_self_loops = true, .allow_duplicates = merge == Duplicates::keep});
      // Brute force: weights of both orientations collected per unordered pair.
      std::map<std::pair<node_t, node_t>, std::vector<float>> pair_weights;
      for (const auto& [u, v, w] : arcs_of(g)) pair_weights[{std::min(u, v), std::max(u, v)}].push_back(w);
      std::vector<ArcT> expect;
      for (auto& [p, ws] : pair_weights) {
        std::sort(ws.begin(), ws.end());
        std::vector<float> out;
        if (merge == Duplicates::keep) {
          out = ws;
        } else if (!weighted) {
          out = {1.0f};
        } else if (merge == Duplicates::sum) {
          out = {std::accumulate(ws.begin(), ws.end(), 0.0f)};
        } else if (merge == Duplicates::max) {
          out = {ws.back()};
        } else {
          out = {ws.front()};
        }
        for (float w : out) {
          expect.emplace_back(p.first, p.second, w);
          if (p.first != p.second) expect.emplace_back(p.second, p.first, w);
        }
      }
      CHECK(sorted(arcs_of(s)) == sorted(expect));
    }
  }
}

TEST_CASE("symmetrize of an undirected graph is itself; of a symmetric digraph, the same arcs") {
  const Graph u = random_graph(40, 200, 3, false, true);
  CHECK(identical(symmetrize(u), u));
  // The same graph stored as a directed one (both arcs, equal weights): the default max merge is idempotent.
  EdgeList e;
  e.n = u.num_nodes();
  e.directed = true;
  for (const auto& [a, b, w] : arcs_of(u)) e.add(a, b, w);
  const Graph d = build_csr(e);
  CHECK(identical(symmetrize(d), u));
}

TEST_CASE("relabel matches brute force and round-trips with the inverse permutation") {
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    const bool directed = seed % 2 == 0;
    const Graph g = random_graph(1 + static_cast<std::int64_t>(seed % 31), seed * 5, seed, directed, seed % 3 == 0);
    const std::vector<node_t> p = random_permutation(g.num_nodes(), seed);
    const Graph r = relabel(g, p);
    std::vector<ArcT> expect;
    for (const auto& [u, v, w] : arcs_of(g)) expect.emplace_back(p[u], p[v], w);
    CHECK(sorted(arcs_of(r)) == sorted(expect));
    r.validate();
    std::vector<node_t> inv(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) inv[p[i]] = static_cast<node_t>(i);
    CHECK(identical(relabel(r, inv), g));
  }
}

TEST_CASE("relabel rejects a non-permutation") {
  const Graph g = random_graph(4, 6, 1, false, false);
  const std::vector<node_t> dup{0, 1, 1, 3}, out{0, 1, 2, 4}, shorter{0, 1, 2};
  CHECK_THROWS_WITH_AS(relabel(g, dup), doctest::Contains("new id 1 is given to both node 1 and node 2"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(relabel(g, out), doctest::Contains("new id 4 of node 3 is outside [0, 4)"), InvalidArgument);
  CHECK_THROWS_WITH_AS(relabel(g, shorter), doctest::Contains("3 entries but the graph has 4 nodes"),
                       InvalidArgument);
}

TEST_CASE("degree_order and relabel_by_degree") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Graph g = random_graph(1 + static_cast<std::int64_t>(seed * 7 % 50), seed * 6, seed, seed % 2 == 0, false);
    for (bool desc : {true, false}) {
      std::vector<node_t> expect(static_cast<std::size_t>(g.num_nodes()));
      std::iota(expect.begin(), expect.end(), 0);
      std::stable_sort(expect.begin(), expect.end(), [&](node_t a, node_t b) {
        return desc ? g.degree(a) > g.degree(b) : g.degree(a) < g.degree(b);
      });
      CHECK(degree_order(g, desc) == expect);
      const Relabeled r = relabel_by_degree(g, desc);
      CHECK(r.old_id_of_new == expect);
      for (std::size_t i = 0; i < expect.size(); ++i) CHECK(r.new_id_of_old[expect[i]] == static_cast<node_t>(i));
      CHECK(identical(r.graph, relabel(g, r.new_id_of_old)));
      for (node_t v = 1; v < r.graph.num_nodes(); ++v)
        CHECK((desc ? r.graph.degree(v - 1) >= r.graph.degree(v) : r.graph.degree(v - 1) <= r.graph.degree(v)));
    }
  }
}

TEST_CASE("induced_subgraph matches brute force") {
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    const bool directed = seed % 2 == 1;
    const Graph g = random_graph(2 + static_cast<std::int64_t>(seed % 29), seed * 5, seed, directed, seed % 3 == 1,
                                 {.self_loops = seed % 4 == 0 ? SelfLoops::keep : SelfLoops::drop});
    std::vector<node_t> nodes = random_permutation(g.num_nodes(), seed + 100);
    nodes.resize(nodes.size() / 2 + 1);
    const Subgraph s = induced_subgraph(g, nodes);
    CHECK(s.old_id_of_new == nodes);
    CHECK(s.graph.directed() == directed);
    CHECK(s.graph.num_nodes() == static_cast<node_t>(nodes.size()));
    std::map<node_t, node_t> pos;
    for (std::size_t i = 0; i < nodes.size(); ++i) pos[nodes[i]] = static_cast<node_t>(i);
    std::vector<ArcT> expect;
    for (const auto& [u, v, w] : arcs_of(g))
      if (pos.count(u) && pos.count(v)) expect.emplace_back(pos[u], pos[v], w);
    CHECK(sorted(arcs_of(s.graph)) == sorted(expect));
    s.graph.validate({.allow_self_loops = true});
  }
  const Graph g = random_graph(5, 8, 1, false, false);
  const std::vector<node_t> twice{1, 3, 1}, out{0, 7};
  CHECK_THROWS_WITH_AS(induced_subgraph(g, twice), doctest::Contains("node 1 is listed twice (entries 0 and 2)"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(induced_subgraph(g, out), doctest::Contains("node 7 (entry 1) is outside [0, 5)"),
                       InvalidArgument);
}

TEST_CASE("remove_edges matches brute force") {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const bool directed = seed % 2 == 0;
    const Graph g = random_graph(2 + static_cast<std::int64_t>(seed % 21), seed * 6, seed, directed, seed % 3 == 0);
    // Remove about a third of the edges, listing undirected ones in a random orientation.
    std::vector<node_t> src, dst;
    std::set<std::pair<node_t, node_t>> removed;
    Philox rng(seed, 99);
    for (const auto& [u, v, w] : arcs_of(g)) {
      if (!directed && u > v) continue;
      if (rng.bounded(3) != 0) continue;
      const bool flip = !directed && rng.bounded(2) == 1;
      src.push_back(flip ? v : u);
      dst.push_back(flip ? u : v);
      removed.insert({u, v});
      if (!directed) removed.insert({v, u});
      if (rng.bounded(5) == 0) {  // a repeat is harmless
        src.push_back(u);
        dst.push_back(v);
      }
    }
    const Graph r = remove_edges(g, src, dst);
    std::vector<ArcT> expect;
    for (const auto& a : arcs_of(g))
      if (!removed.count({std::get<0>(a), std::get<1>(a)})) expect.push_back(a);
    CHECK(arcs_of(r) == expect);
    r.validate();
    CHECK(r.directed() == directed);
    // Pair overload gives the same graph.
    std::vector<std::pair<node_t, node_t>> pairs;
    for (std::size_t i = 0; i < src.size(); ++i) pairs.emplace_back(src[i], dst[i]);
    CHECK(identical(remove_edges(g, pairs), r));
  }
}

TEST_CASE("remove_edges: absent edges throw naming the pair, or are ignored on request") {
  EdgeList e;
  e.n = 4;
  e.add(0, 1);
  e.add(1, 2);
  const Graph g = build_csr(e);
  const std::vector<node_t> src{1, 2}, dst{0, 3};
  CHECK_THROWS_WITH_AS(remove_edges(g, src, dst), doctest::Contains("edge (2, 3) (pair 1) is not in the graph"),
                       InvalidArgument);
  const Graph r = remove_edges(g, src, dst, {.ignore_missing = true});
  CHECK(r.num_edges() == 1);
  CHECK(r.has_arc(1, 2));
  CHECK(r.has_arc(2, 1));
  CHECK_FALSE(r.has_arc(0, 1));
  const std::vector<node_t> bad{9};
  CHECK_THROWS_WITH_AS(remove_edges(g, bad, bad), doctest::Contains("outside [0, 4)"), InvalidArgument);
  e.directed = true;
  const Graph d = build_csr(e);
  const std::vector<node_t> s1{1}, d1{0};
  CHECK_THROWS_WITH_AS(remove_edges(d, s1, d1), doctest::Contains("edge (1, 0)"), InvalidArgument);
}

TEST_CASE("weak_components matches brute force on random graphs") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const bool directed = seed % 2 == 0;
    const auto n = static_cast<std::int64_t>(seed * 13 % 97);
    const Graph g = random_graph(n, static_cast<std::size_t>(n * (seed % 4) / 3), seed, directed, false);
    const Components c = weak_components(g);
    const std::vector<node_t> expect = brute_components(g);
    CHECK(c.component == expect);
    const node_t count = expect.empty() ? 0 : *std::max_element(expect.begin(), expect.end()) + 1;
    CHECK(c.count == count);
    std::vector<std::int64_t> sizes(static_cast<std::size_t>(count), 0);
    for (node_t x : expect) ++sizes[x];
    CHECK(c.sizes == sizes);
  }
}

TEST_CASE("weak_components and transforms are identical under 1, 2 and 4 threads") {
  // Sparse enough for many components; large enough for many chunks.
  const Graph g = random_graph(200000, 150000, 7, true, true);
  const Components c1 = with_threads(1, [&] { return weak_components(g); });
  const Graph s1 = with_threads(1, [&] { return symmetrize(g, {.merge = Duplicates::sum}); });
  const Relabeled r1 = with_threads(1, [&] { return relabel_by_degree(g); });
  const Subgraph l1 = with_threads(1, [&] { return largest_component(g); });
  CHECK(c1.component == brute_components(g));
  for (int t : {2, 4}) {
    const Components ct = with_threads(t, [&] { return weak_components(g); });
    CHECK(ct.component == c1.component);
    CHECK(ct.sizes == c1.sizes);
    CHECK(identical(with_threads(t, [&] { return symmetrize(g, {.merge = Duplicates::sum}); }), s1));
    const Relabeled rt = with_threads(t, [&] { return relabel_by_degree(g); });
    CHECK(rt.new_id_of_old == r1.new_id_of_old);
    CHECK(identical(rt.graph, r1.graph));
    const Subgraph lt = with_threads(t, [&] { return largest_component(g); });
    CHECK(lt.old_id_of_new == l1.old_id_of_new);
    CHECK(identical(lt.graph, l1.graph));
  }
}

TEST_CASE("largest_component: two components, ties, and brute force") {
  // Component {0,1,2} (path) and {3,4,5,6} (star on 4): the second is larger.
  EdgeList e;
  e.n = 8;  // node 7 isolated
  e.add(0, 1);
  e.add(1, 2);
  e.add(4, 3);
  e.add(4, 5);
  e.add(4, 6);
  const Subgraph s = largest_component(build_csr(e));
  CHECK(s.old_id_of_new == std::vector<node_t>{3, 4, 5, 6});
  CHECK(s.graph.num_nodes() == 4);
  CHECK(s.graph.num_edges() == 3);
  CHECK(s.graph.degree(1) == 3);  // node 4
  // A tie: {0,1,2} vs {3,4,5} — the one holding node 0 wins.
  EdgeList t;
  t.n = 6;
  t.add(5, 4);
  t.add(4, 3);
  t.add(2, 1);
  t.add(1, 0);
  CHECK(largest_component(build_csr(t)).old_id_of_new == std::vector<node_t>{0, 1, 2});
  // Directed: weak connectivity joins 0→1←2.
  EdgeList d;
  d.n = 5;
  d.directed = true;
  d.add(0, 1);
  d.add(2, 1);
  d.add(3, 4);
  const Subgraph sd = largest_component(build_csr(d));
  CHECK(sd.old_id_of_new == std::vector<node_t>{0, 1, 2});
  CHECK(sd.graph.directed());
  CHECK(sd.graph.has_arc(2, 1));
  CHECK(largest_component(Graph()).graph.num_nodes() == 0);

  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Graph g = random_graph(1 + static_cast<std::int64_t>(seed * 5 % 60), seed * 2, seed, seed % 2 == 0, true);
    const std::vector<node_t> comp = brute_components(g);
    std::map<node_t, std::int64_t> size;
    for (node_t c : comp) ++size[c];
    node_t best = 0;  // comps are numbered by smallest node, so the first max wins ties
    for (const auto& [c, sz] : size)
      if (sz > size[best]) best = c;
    std::vector<node_t> nodes;
    for (std::size_t v = 0; v < comp.size(); ++v)
      if (comp[v] == best) nodes.push_back(static_cast<node_t>(v));
    const Subgraph l = largest_component(g);
    CHECK(l.old_id_of_new == nodes);
    CHECK(identical(l.graph, induced_subgraph(g, nodes).graph));
  }
}
