// Transforms: each gathers the arcs of the result (in parallel, into slots
// fixed by a prefix sum over rows) and hands them to the CSR builder, which
// sorts rows the same way for every graph — so results do not depend on the
// thread count. remove_edges filters rows in place and needs no re-sort.
#include <sprig/graph/transform.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>

#include <tbb/parallel_sort.h>

#include <sprig/graph/components.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig {
namespace {

constexpr std::size_t kRowGrain = 2048;

// Builder options that keep whatever the arcs are: self-loops, parallel arcs.
BuildOptions keep_all() {
  BuildOptions opt;
  opt.self_loops = SelfLoops::keep;
  opt.duplicates = Duplicates::keep;
  opt.validate = false;
  return opt;
}

// src[a] = the source of arc a.
std::vector<node_t> arc_sources(const Graph& g) {
  std::vector<node_t> src(static_cast<std::size_t>(g.num_arcs()));
  const auto off = g.offsets();
  parallel_chunks(static_cast<std::size_t>(g.num_nodes()), kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t u = b; u < e; ++u)
      std::fill(src.begin() + off[u], src.begin() + off[u + 1], static_cast<node_t>(u));
  });
  return src;
}

std::vector<node_t> copy_vector(std::span<const node_t> s) { return {s.begin(), s.end()}; }
std::vector<float> copy_weights(const Graph& g) { return {g.weights().begin(), g.weights().end()}; }

// The graph on n_new nodes whose arcs are (map[u], map[v]) for the arcs u→v
// of g with map[u] ≥ 0 and map[v] ≥ 0 (map has g.num_nodes() entries).
Graph gather_mapped(const Graph& g, node_t n_new, const std::vector<node_t>& map) {
  const auto un = static_cast<std::size_t>(g.num_nodes());
  const auto off = g.offsets();
  const auto tgt = g.targets();
  std::vector<edge_t> count(un, 0);
  parallel_chunks(un, kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t u = b; u < e; ++u) {
      if (map[u] < 0) continue;
      edge_t c = 0;
      for (edge_t a = off[u]; a < off[u + 1]; ++a) c += map[static_cast<std::size_t>(tgt[a])] >= 0;
      count[u] = c;
    }
  });
  std::vector<edge_t> pos;
  exclusive_scan(count, pos);
  const auto m = static_cast<std::size_t>(pos[un]);
  std::vector<node_t> src(m), dst(m);
  std::vector<float> w(g.weighted() ? m : 0);
  parallel_chunks(un, kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t u = b; u < e; ++u) {
      if (map[u] < 0) continue;
      auto p = static_cast<std::size_t>(pos[u]);
      for (edge_t a = off[u]; a < off[u + 1]; ++a) {
        const node_t v = map[static_cast<std::size_t>(tgt[a])];
        if (v < 0) continue;
        src[p] = map[u];
        dst[p] = v;
        if (!w.empty()) w[p] = g.weights()[static_cast<std::size_t>(a)];
        ++p;
      }
    }
  });
  return build_csr_from_arcs(n_new, src, dst, w, g.directed(), keep_all());
}

}  // namespace

Graph symmetrize(const Graph& g, const SymmetrizeOptions& opt) {
  if (!g.directed()) return Graph(g);
  EdgeList el;
  el.n = g.num_nodes();
  el.directed = true;
  el.src = arc_sources(g);
  el.dst = copy_vector(g.targets());
  el.weight = copy_weights(g);
  BuildOptions b;
  b.self_loops = SelfLoops::keep;
  b.duplicates = opt.merge;
  b.symmetrize = true;
  b.validate = false;
  return build_csr(el, b);
}

Graph transpose(const Graph& g) {
  if (!g.directed()) return Graph(g);
  // Up to a few million arcs a counting sort is faster than the builder's
  // parallel sort even on one thread (pgp-strong-2009, 301k arcs: ≈ 5× on one
  // thread, 3× against two): scanning sources in order leaves every row sorted,
  // parallel arcs in their order of appearance — what the builder makes.
  if (g.num_arcs() <= (edge_t{1} << 22)) {
    const auto n = static_cast<std::size_t>(g.num_nodes());
    UninitVector<edge_t> off(n + 1, 0);
    for (node_t t : g.targets()) ++off[static_cast<std::size_t>(t) + 1];
    for (std::size_t v = 0; v < n; ++v) off[v + 1] += off[v];
    std::vector<edge_t> cursor(off.begin(), off.end() - 1);
    UninitVector<node_t> tgt(static_cast<std::size_t>(g.num_arcs()));
    UninitVector<float> w(g.weighted() ? tgt.size() : 0);
    for (node_t u = 0; u < g.num_nodes(); ++u) {
      const auto nb = g.neighbors(u);
      if (g.weighted()) {
        const auto wu = g.weights(u);
        for (std::size_t k = 0; k < nb.size(); ++k) {
          const auto pos = static_cast<std::size_t>(cursor[static_cast<std::size_t>(nb[k])]++);
          tgt[pos] = u;
          w[pos] = wu[k];
        }
      } else {
        for (node_t t : nb) tgt[static_cast<std::size_t>(cursor[static_cast<std::size_t>(t)]++)] = u;
      }
    }
    return Graph::adopt(std::move(off), std::move(tgt), std::move(w), true, g.num_self_loops());
  }
  const std::vector<node_t> src = arc_sources(g);
  const std::vector<node_t> dst = copy_vector(g.targets());
  return build_csr_from_arcs(g.num_nodes(), dst, src, copy_weights(g), true, keep_all());
}

Graph relabel(const Graph& g, std::span<const node_t> new_id_of_old) {
  const node_t n = g.num_nodes();
  SPRIG_EXPECTS(new_id_of_old.size() == static_cast<std::size_t>(n),
                "relabel: the permutation has {} entries but the graph has {} nodes", new_id_of_old.size(), n);
  std::vector<node_t> old_of_new(static_cast<std::size_t>(n), -1);
  for (node_t u = 0; u < n; ++u) {
    const node_t v = new_id_of_old[static_cast<std::size_t>(u)];
    SPRIG_EXPECTS(v >= 0 && v < n, "relabel: new id {} of node {} is outside [0, {})", v, u, n);
    SPRIG_EXPECTS(old_of_new[static_cast<std::size_t>(v)] < 0,
                  "relabel: new id {} is given to both node {} and node {} (not a permutation)", v,
                  old_of_new[static_cast<std::size_t>(v)], u);
    old_of_new[static_cast<std::size_t>(v)] = u;
  }
  return gather_mapped(g, n, std::vector<node_t>(new_id_of_old.begin(), new_id_of_old.end()));
}

std::vector<node_t> degree_order(const Graph& g, bool descending) {
  const auto un = static_cast<std::size_t>(g.num_nodes());
  std::vector<node_t> order(un);
  parallel_for<std::size_t>(0, un, [&](std::size_t v) { order[v] = static_cast<node_t>(v); }, 1 << 16);
  // (degree, id) is a total order, so the unstable parallel sort is deterministic.
  if (descending)
    tbb::parallel_sort(order.begin(), order.end(), [&](node_t a, node_t b) {
      const edge_t da = g.degree(a), db = g.degree(b);
      return da != db ? da > db : a < b;
    });
  else
    tbb::parallel_sort(order.begin(), order.end(), [&](node_t a, node_t b) {
      const edge_t da = g.degree(a), db = g.degree(b);
      return da != db ? da < db : a < b;
    });
  return order;
}

Relabeled relabel_by_degree(const Graph& g, bool descending) {
  Relabeled r;
  r.old_id_of_new = degree_order(g, descending);
  r.new_id_of_old.resize(r.old_id_of_new.size());
  parallel_for<std::size_t>(0, r.old_id_of_new.size(), [&](std::size_t i) {
    r.new_id_of_old[static_cast<std::size_t>(r.old_id_of_new[i])] = static_cast<node_t>(i);
  }, 1 << 16);
  r.graph = gather_mapped(g, g.num_nodes(), r.new_id_of_old);
  return r;
}

Subgraph induced_subgraph(const Graph& g, std::span<const node_t> nodes) {
  const node_t n = g.num_nodes();
  SPRIG_EXPECTS(nodes.size() <= static_cast<std::size_t>(n), "induced_subgraph: {} nodes listed but the graph has {}",
                nodes.size(), n);
  std::vector<node_t> map(static_cast<std::size_t>(n), -1);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const node_t v = nodes[i];
    SPRIG_EXPECTS(v >= 0 && v < n, "induced_subgraph: node {} (entry {}) is outside [0, {})", v, i, n);
    SPRIG_EXPECTS(map[static_cast<std::size_t>(v)] < 0, "induced_subgraph: node {} is listed twice (entries {} and {})",
                  v, map[static_cast<std::size_t>(v)], i);
    map[static_cast<std::size_t>(v)] = static_cast<node_t>(i);
  }
  Subgraph s;
  s.graph = gather_mapped(g, static_cast<node_t>(nodes.size()), map);
  s.old_id_of_new.assign(nodes.begin(), nodes.end());
  return s;
}

Graph remove_edges(const Graph& g, std::span<const node_t> src, std::span<const node_t> dst,
                   const RemoveEdgesOptions& opt) {
  SPRIG_EXPECTS(src.size() == dst.size(), "remove_edges: {} sources but {} targets", src.size(), dst.size());
  const node_t n = g.num_nodes();
  const auto off = g.offsets();
  const auto tgt = g.targets();
  const std::size_t k = src.size();
  // Mark the arcs to drop. Marks are idempotent byte stores through atomic_ref,
  // so repeated pairs and the two orientations of an undirected edge are harmless.
  std::vector<std::uint8_t> drop(static_cast<std::size_t>(g.num_arcs()), 0);
  constexpr std::size_t kPairGrain = 1 << 14;
  std::vector<std::size_t> first_bad(num_chunks(k, kPairGrain), k);
  auto mark = [&](node_t u, node_t v) {
    const auto row_b = tgt.begin() + off[static_cast<std::size_t>(u)];
    const auto row_e = tgt.begin() + off[static_cast<std::size_t>(u) + 1];
    auto [lo, hi] = std::equal_range(row_b, row_e, v);
    for (auto it = lo; it != hi; ++it)
      std::atomic_ref<std::uint8_t>(drop[static_cast<std::size_t>(it - tgt.begin())]).store(1, std::memory_order_relaxed);
    return lo != hi;
  };
  parallel_chunks(k, kPairGrain, [&](std::size_t c, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const node_t u = src[i], v = dst[i];
      if (u < 0 || u >= n || v < 0 || v >= n || (!mark(u, v) && !opt.ignore_missing)) {
        first_bad[c] = i;
        return;
      }
      if (!g.directed() && u != v) mark(v, u);
    }
  });
  for (std::size_t bad : first_bad) {
    if (bad == k) continue;
    const node_t u = src[bad], v = dst[bad];
    SPRIG_EXPECTS(u >= 0 && u < n && v >= 0 && v < n, "remove_edges: pair {} = ({}, {}) has a node outside [0, {})",
                  bad, u, v, n);
    throw InvalidArgument(fmt::format("remove_edges: edge ({}, {}) (pair {}) is not in the graph", u, v, bad));
  }

  const auto un = static_cast<std::size_t>(n);
  std::vector<edge_t> count(un, 0);
  parallel_chunks(un, kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t u = b; u < e; ++u) {
      edge_t c = 0;
      for (edge_t a = off[u]; a < off[u + 1]; ++a) c += !drop[static_cast<std::size_t>(a)];
      count[u] = c;
    }
  });
  UninitVector<edge_t> new_off;
  exclusive_scan(count, new_off);
  const auto m = static_cast<std::size_t>(new_off[un]);
  UninitVector<node_t> new_tgt(m);  // every slot is written below
  UninitVector<float> new_w(g.weighted() ? m : 0);
  const auto w = g.weights();
  parallel_chunks(un, kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t u = b; u < e; ++u) {
      auto p = static_cast<std::size_t>(new_off[u]);
      for (edge_t a = off[u]; a < off[u + 1]; ++a) {
        if (drop[static_cast<std::size_t>(a)]) continue;
        new_tgt[p] = tgt[static_cast<std::size_t>(a)];
        if (!new_w.empty()) new_w[p] = w[static_cast<std::size_t>(a)];
        ++p;
      }
    }
  });
  return Graph::adopt(std::move(new_off), std::move(new_tgt), std::move(new_w), g.directed());
}

Graph remove_edges(const Graph& g, std::span<const std::pair<node_t, node_t>> edges, const RemoveEdgesOptions& opt) {
  std::vector<node_t> src(edges.size()), dst(edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    src[i] = edges[i].first;
    dst[i] = edges[i].second;
  }
  return remove_edges(g, src, dst, opt);
}

Subgraph largest_component(const Graph& g) {
  const Components cc = weak_components(g);
  Subgraph s;
  if (cc.count == 0) return s;
  // Components are numbered by their smallest node, so a strict > keeps the
  // smallest-id component among equal sizes.
  std::size_t best = 0;
  for (std::size_t c = 1; c < cc.sizes.size(); ++c)
    if (cc.sizes[c] > cc.sizes[best]) best = c;
  std::vector<node_t> nodes;
  nodes.reserve(static_cast<std::size_t>(cc.sizes[best]));
  for (std::size_t v = 0; v < cc.component.size(); ++v)
    if (static_cast<std::size_t>(cc.component[v]) == best) nodes.push_back(static_cast<node_t>(v));
  if (nodes.size() == cc.component.size()) {
    s.graph = Graph(g);
    s.old_id_of_new = std::move(nodes);
    return s;
  }
  return induced_subgraph(g, nodes);
}

}  // namespace sprig
