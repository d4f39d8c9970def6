// Graphlet orbit counts (see orbits.hpp).
//
// Two engines share one set of graphlet tables:
//  * 4-node graphlets (node and edge mode): per node / per edge, 15 (12)
//    "non-induced" counts N are computed from degrees, triangle counts per
//    arc, common-neighbour counts of the pairs at distance ≤ 2 and the K4s;
//    the induced orbit counts O follow from N = C·O, where C[o][o'] is the
//    number of spanning connected subgraphs of the graphlet of orbit o' that
//    put the node (edge) in orbit o. C is derived at start-up from the
//    graphlet table by trying every edge subset, so no coefficient is typed
//    by hand; it is unit upper triangular in order of edge count, and the
//    system is solved by back substitution in exact (mod 2^64) integers.
//    This is the combinatorial scheme of ORCA (Hočevar & Demšar 2014).
//  * 5-node graphlets, node mode: combinatorially (orbits5.cpp): per node,
//    sums over its 4-node copies of "fifth node adjacent to a set R" counts,
//    and a triangular system derived from the same tables.
//  * 5-node graphlets, edge mode: every connected induced subset of 2..5
//    nodes is enumerated once (ESU, Wernicke 2006, rooted at its smallest
//    id), its adjacency mask looked up in the table, and the orbit of each
//    edge incremented with a relaxed atomic add — integer addition commutes,
//    so the result does not depend on the schedule.
//
// Shared internals are declared in orbits_detail.hpp; count4 lives in
// orbits4.cpp, count5 in orbits5.cpp.
#include <sprig/embed/orbits.hpp>

#include <algorithm>
#include <array>
#include <numeric>
#include <sstream>
#include <string>
#include <string_view>

#include <tbb/parallel_for.h>

#include <sprig/embed/orbits_detail.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig {
namespace detail::orbits {

bool connected(int k, int mask) {
  int seen = 1, frontier = 1;
  while (frontier) {
    int next = 0;
    for (int a = 0; a < k; ++a)
      if (frontier >> a & 1)
        for (int b = 0; b < k; ++b)
          if (b != a && (mask >> pbit(a, b) & 1) && !(seen >> b & 1)) next |= 1 << b;
    seen |= next;
    frontier = next;
  }
  return seen == (1 << k) - 1;
}

namespace {

// ---------------------------------------------------------------------------
// Graphlet table: docs/graphlet-orbits.tsv (ORCA's numbering). Nodes of each
// graphlet are 0..k−1; "ab" is the edge a–b; then the orbit of each node and
// the edge orbit of each edge.
constexpr std::string_view kGraphlets[30][4] = {
    {"01", "0,0", "-"},
    {"02 12", "1,1,2", "02:0 12:0"},
    {"01 02 12", "3,3,3", "01:1 02:1 12:1"},
    {"02 13 23", "4,4,5,5", "02:2 13:2 23:3"},
    {"03 13 23", "6,6,6,7", "03:4 13:4 23:4"},
    {"01 02 13 23", "8,8,8,8", "01:5 02:5 13:5 23:5"},
    {"03 12 13 23", "9,10,10,11", "03:6 12:7 13:8 23:8"},
    {"02 03 12 13 23", "12,12,13,13", "02:9 03:9 12:9 13:9 23:10"},
    {"01 02 03 12 13 23", "14,14,14,14", "01:11 02:11 03:11 12:11 13:11 23:11"},
    {"02 13 24 34", "15,15,16,16,17", "02:12 13:12 24:13 34:13"},
    {"03 14 24 34", "18,19,19,20,21", "03:14 14:15 24:15 34:16"},
    {"04 14 24 34", "22,22,22,22,23", "04:17 14:17 24:17 34:17"},
    {"03 14 23 24 34", "24,24,25,26,26", "03:18 14:18 23:19 24:19 34:20"},
    {"01 14 23 24 34", "27,28,29,29,30", "01:21 14:22 23:23 24:24 34:24"},
    {"04 14 23 24 34", "31,31,32,32,33", "04:25 14:25 23:26 24:27 34:27"},
    {"01 02 13 24 34", "34,34,34,34,34", "01:28 02:28 13:28 24:28 34:28"},
    {"04 12 13 24 34", "35,36,37,37,38", "04:29 12:30 13:30 24:31 34:31"},
    {"04 13 14 23 24 34", "39,40,40,41,42", "04:32 13:33 14:34 23:33 24:34 34:35"},
    {"01 04 14 23 24 34", "43,43,43,43,44", "01:36 04:37 14:37 23:36 24:37 34:37"},
    {"02 13 14 23 24 34", "45,46,47,48,48", "02:38 13:39 14:39 23:40 24:40 34:41"},
    {"03 04 13 14 23 24", "49,49,49,50,50", "03:42 04:42 13:42 14:42 23:42 24:42"},
    {"01 03 14 23 24 34", "51,51,52,53,53", "01:43 03:44 14:44 23:45 24:45 34:46"},
    {"03 04 13 14 23 24 34", "54,54,54,55,55", "03:47 04:47 13:47 14:47 23:47 24:47 34:48"},
    {"04 12 13 14 23 24 34", "56,57,57,57,58", "04:49 12:50 13:50 14:51 23:50 24:51 34:51"},
    {"02 04 13 14 23 24 34", "59,59,60,60,61", "02:52 04:53 13:52 14:53 23:54 24:55 34:55"},
    {"01 02 13 14 23 24 34", "62,63,63,64,64", "01:56 02:56 13:57 14:57 23:57 24:57 34:58"},
    {"03 04 12 13 14 23 24 34", "65,66,66,67,67", "03:59 04:59 12:60 13:61 14:61 23:61 24:61 34:62"},
    {"01 02 04 13 14 23 24 34", "68,68,68,68,69", "01:63 02:63 04:64 13:63 14:64 23:63 24:64 34:64"},
    {"02 03 04 12 13 14 23 24 34", "70,70,71,71,71", "02:65 03:65 04:65 12:65 13:65 14:65 23:66 24:66 34:66"},
    {"01 02 03 04 12 13 14 23 24 34", "72,72,72,72,72",
     "01:67 02:67 03:67 04:67 12:67 13:67 14:67 23:67 24:67 34:67"},
};


Tables build_tables() {
  Tables t;
  for (auto& a : t.graphlet) a.fill(-1);
  for (auto& a : t.node_orbit)
    for (auto& b : a) b.fill(-1);
  for (auto& a : t.edge_orbit)
    for (auto& b : a) b.fill(-1);
  for (int id = 0; id < 30; ++id) {
    Graphlet& G = t.g[id];
    for (auto& r : G.edge_orbit) r.fill(-1);
    std::istringstream es{std::string(kGraphlets[id][0])};
    int k = 0;
    for (std::string e; es >> e;) {
      const int a = e[0] - '0', b = e[1] - '0';
      G.edges.emplace_back(a, b);
      G.edge_orbit[a][b] = G.edge_orbit[b][a] = -2;
      k = std::max({k, a + 1, b + 1});
    }
    G.k = k;
    std::istringstream ns{std::string(kGraphlets[id][1])};
    int i = 0;
    for (std::string x; std::getline(ns, x, ',');) G.node_orbit[i++] = std::stoi(x);
    if (kGraphlets[id][2] != "-") {
      std::istringstream os{std::string(kGraphlets[id][2])};
      for (std::string x; os >> x;) {
        const int a = x[0] - '0', b = x[1] - '0';
        G.edge_orbit[a][b] = G.edge_orbit[b][a] = std::stoi(x.substr(3));
      }
    }
    std::array<int, 5> perm{};  // position p holds graphlet node perm[p]
    std::iota(perm.begin(), perm.begin() + k, 0);
    do {
      int mask = 0;
      for (auto [a, b] : G.edges) {
        int pa = 0, pb = 0;
        for (int p = 0; p < k; ++p) {
          if (perm[p] == a) pa = p;
          if (perm[p] == b) pb = p;
        }
        mask |= 1 << pbit(pa, pb);
      }
      t.graphlet[k][mask] = static_cast<std::int8_t>(id);
      for (int p = 0; p < k; ++p) t.node_orbit[k][mask][p] = static_cast<std::int8_t>(G.node_orbit[perm[p]]);
      for (int q = 1; q < k; ++q)
        for (int p = 0; p < q; ++p) {
          const int o = G.edge_orbit[perm[p]][perm[q]];
          t.edge_orbit[k][mask][pbit(p, q)] = static_cast<std::int8_t>(o >= 0 ? o : -1);
        }
    } while (std::next_permutation(perm.begin(), perm.begin() + k));
  }
  // C[o][o'] for graphlets of ≤ 4 nodes: spanning connected subgraphs of the
  // graphlet of o' (node / edge fixed at a position of orbit o') in orbit o.
  for (int id = 0; id < 9; ++id) {
    const Graphlet& G = t.g[id];
    const int k = G.k, ne = static_cast<int>(G.edges.size());
    std::array<bool, 73> done_node{};
    for (int p = 0; p < k; ++p) {
      const int o2 = G.node_orbit[p];
      if (done_node[o2]) continue;
      done_node[o2] = true;
      for (int s = 1; s < (1 << ne); ++s) {
        int mask = 0;
        for (int e = 0; e < ne; ++e)
          if (s >> e & 1) mask |= 1 << pbit(G.edges[e].first, G.edges[e].second);
        if (!connected(k, mask)) continue;
        ++t.cn[t.node_orbit[k][mask][p]][o2];
      }
    }
    std::array<bool, 68> done_edge{};
    for (int e0 = 0; e0 < ne; ++e0) {
      const auto [a, b] = G.edges[e0];
      const int o2 = G.edge_orbit[a][b];
      if (o2 < 0 || done_edge[o2]) continue;
      done_edge[o2] = true;
      for (int s = 1; s < (1 << ne); ++s) {
        if (!(s >> e0 & 1)) continue;
        int mask = 0;
        for (int e = 0; e < ne; ++e)
          if (s >> e & 1) mask |= 1 << pbit(G.edges[e].first, G.edges[e].second);
        if (!connected(k, mask)) continue;
        ++t.ce[t.edge_orbit[k][mask][pbit(a, b)]][o2];
      }
    }
  }
  // Solve orders: orbits of graphlets with more edges first.
  std::array<int, 15> node_edges{};
  std::array<int, 12> edge_edges{};
  for (int id = 0; id < 9; ++id) {
    const Graphlet& G = t.g[id];
    for (int p = 0; p < G.k; ++p) node_edges[G.node_orbit[p]] = static_cast<int>(G.edges.size());
    for (auto [a, b] : G.edges)
      if (G.edge_orbit[a][b] >= 0) edge_edges[G.edge_orbit[a][b]] = static_cast<int>(G.edges.size());
  }
  t.node_order.resize(15);
  std::iota(t.node_order.begin(), t.node_order.end(), 0);
  std::stable_sort(t.node_order.begin(), t.node_order.end(),
                   [&](int a, int b) { return node_edges[a] > node_edges[b]; });
  t.edge_order.resize(12);
  std::iota(t.edge_order.begin(), t.edge_order.end(), 0);
  std::stable_sort(t.edge_order.begin(), t.edge_order.end(),
                   [&](int a, int b) { return edge_edges[a] > edge_edges[b]; });
  return t;
}
}  // namespace

const Tables& tables() {
  static const Tables t = build_tables();
  return t;
}

Simple simplify(const Graph& g) {
  Simple s;
  s.n = g.num_nodes();
  bool clean = !g.directed();
  if (clean) {
    for (node_t v = 0; v < s.n && clean; ++v) {
      const auto r = g.neighbors(v);
      for (std::size_t i = 0; i < r.size(); ++i)
        if (r[i] == v || (i > 0 && r[i] <= r[i - 1])) {
          clean = false;
          break;
        }
    }
  }
  if (clean) {
    s.off = g.offsets();
    s.tgt = g.targets();
    return s;
  }
  // Rebuild: both directions of every arc, then sort and deduplicate each row.
  std::vector<edge_t> cnt(static_cast<std::size_t>(s.n) + 1, 0);
  for (node_t v = 0; v < s.n; ++v)
    for (node_t u : g.neighbors(v))
      if (u != v) {
        ++cnt[v + 1];
        ++cnt[u + 1];
      }
  for (node_t v = 0; v < s.n; ++v) cnt[v + 1] += cnt[v];
  std::vector<node_t> tmp(static_cast<std::size_t>(cnt[s.n]));
  std::vector<edge_t> pos(cnt.begin(), cnt.end() - 1);
  for (node_t v = 0; v < s.n; ++v)
    for (node_t u : g.neighbors(v))
      if (u != v) {
        tmp[pos[v]++] = u;
        tmp[pos[u]++] = v;
      }
  s.off_own.assign(static_cast<std::size_t>(s.n) + 1, 0);
  s.tgt_own.reserve(tmp.size() / 2 + 1);
  for (node_t v = 0; v < s.n; ++v) {
    auto b = tmp.begin() + cnt[v], e = tmp.begin() + cnt[v + 1];
    std::sort(b, e);
    e = std::unique(b, e);
    s.tgt_own.insert(s.tgt_own.end(), b, e);
    s.off_own[v + 1] = static_cast<edge_t>(s.tgt_own.size());
  }
  s.off = s.off_own;
  s.tgt = s.tgt_own;
  return s;
}

EdgeIndex index_edges(const Simple& s) {
  EdgeIndex ix;
  ix.arc_row.assign(s.tgt.size(), -1);
  for (node_t u = 0; u < s.n; ++u)
    for (edge_t a = s.off[u]; a < s.off[u + 1]; ++a)
      if (s.tgt[a] > u) {
        ix.arc_row[a] = static_cast<std::int64_t>(ix.edges.size());
        ix.edges.emplace_back(u, s.tgt[a]);
      }
  for (node_t u = 0; u < s.n; ++u)
    for (edge_t a = s.off[u]; a < s.off[u + 1]; ++a) {
      const node_t v = s.tgt[a];
      if (v < u) {
        const auto r = s.nb(v);
        const edge_t b = s.off[v] + (std::lower_bound(r.begin(), r.end(), u) - r.begin());
        ix.arc_row[a] = ix.arc_row[b];
      }
    }
  return ix;
}
// Triangles through each arc (merge of the two sorted rows).
std::vector<std::uint32_t> arc_triangles(const Simple& s, bool parallel, const ProgressFn& progress) {
  std::vector<std::uint32_t> tri(s.tgt.size(), 0);
  rounds(s.n, parallel, progress, "orbits: prepare", [&](node_t x) {
    const auto rx = s.nb(x);
    for (edge_t a = s.off[x]; a < s.off[x + 1]; ++a) {
      const auto ry = s.nb(s.tgt[a]);
      std::uint32_t c = 0;
      for (std::size_t i = 0, j = 0; i < rx.size() && j < ry.size();) {
        if (rx[i] == ry[j]) {
          ++c;
          ++i;
          ++j;
        } else if (rx[i] < ry[j]) {
          ++i;
        } else {
          ++j;
        }
      }
      tri[a] = c;
    }
  });
  return tri;
}
// Common neighbours of x and y (arc a = x→y): fills sc.common with (z, arc y→z) and sc.common_x with arc x→z.
void common_neighbours(const Simple& s, node_t x, node_t y, Scratch4& sc) {
  sc.common.clear();
  sc.common_x.clear();
  const auto rx = s.nb(x), ry = s.nb(y);
  for (std::size_t i = 0, j = 0; i < rx.size() && j < ry.size();) {
    if (rx[i] == ry[j]) {
      sc.common.emplace_back(rx[i], s.off[y] + static_cast<edge_t>(j));
      sc.common_x.push_back(s.off[x] + static_cast<edge_t>(i));
      ++i;
      ++j;
    } else if (rx[i] < ry[j]) {
      ++i;
    } else {
      ++j;
    }
  }
}

// Edges among the common neighbours of x and y (= K4s through the edge x–y).
std::uint64_t edges_among_common(const Simple& s, Scratch4& sc) {
  for (auto [z, a] : sc.common) sc.mark[z] = 1;
  std::uint64_t e2 = 0;
  for (auto [z, a] : sc.common)
    for (node_t w : s.nb(z)) e2 += sc.mark[w];
  for (auto [z, a] : sc.common) sc.mark[z] = 0;
  return e2 / 2;
}
}  // namespace detail::orbits

namespace {
using namespace detail::orbits;

OrbitCounts count_one(const Graph& g, const OrbitOptions& opt, bool parallel) {
  const int cols = num_orbits(opt.max_size, opt.per);
  SPRIG_EXPECTS(g.num_nodes() >= 0, "orbit_counts: the graph has more than 2^31 nodes");
  OrbitCounts out;
  const Simple s = simplify(g);
  EdgeIndex ix;
  if (opt.per == Per::edge) ix = index_edges(s);
  if (s.n == 0 || s.tgt.empty()) {
    out.counts = CountMatrix::Zero(opt.per == Per::node ? s.n : 0, cols);
    return out;
  }
  if (opt.max_size == 4)
    count4(s, opt, parallel, out, &ix);
  else
    count5(s, opt, parallel, out, &ix);
  out.edges = std::move(ix.edges);
  return out;
}

}  // namespace

int num_orbits(int max_size, Per per) {
  SPRIG_EXPECTS(max_size == 4 || max_size == 5, "orbit_counts: max_size must be 4 or 5 (got {})", max_size);
  SPRIG_EXPECTS(per == Per::node || per == Per::edge, "orbit_counts: per must be Per::node or Per::edge");
  if (per == Per::node) return max_size == 4 ? 15 : 73;
  return max_size == 4 ? 12 : 68;
}

OrbitCounts orbit_counts(const Graph& g, const OrbitOptions& opt) { return count_one(g, opt, true); }

std::vector<OrbitCounts> orbit_counts(std::span<const Graph> graphs, const OrbitOptions& opt) {
  (void)num_orbits(opt.max_size, opt.per);
  (void)tables();
  std::vector<OrbitCounts> out(graphs.size());
  OrbitOptions inner = opt;
  inner.progress = nullptr;
  // Parallel across graphs in fixed rounds; each graph counted sequentially.
  const std::size_t total = graphs.size(), step = std::max<std::size_t>(1, (total + 63) / 64);
  for (std::size_t b = 0; b < total; b += step) {
    const std::size_t e = std::min(total, b + step);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(b, e, 1), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) out[i] = count_one(graphs[i], inner, false);
    });
    report(opt.progress, "orbits: graphs", e, total);
  }
  return out;
}

}  // namespace sprig
