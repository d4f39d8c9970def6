#include <sprig/metrics/clustering.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig {

namespace detail {
std::vector<std::int64_t> simple_degrees(const Graph& g) {
  const node_t n = g.num_nodes();
  std::vector<std::int64_t> d(static_cast<std::size_t>(n));
  parallel_for(node_t{0}, n, [&](node_t v) {
    std::int64_t k = 0;
    for (node_t w : g.neighbors(v)) k += (w != v);
    d[v] = k;
  });
  return d;
}
}  // namespace detail

namespace {

void require_undirected(const Graph& g, const char* what) {
  SPRIG_EXPECTS(!g.directed(), "{}: needs an undirected graph (got a directed one; symmetrize() it first)", what);
}

// Number of common elements of two sorted ranges, skipping `skip_a` and `skip_b`.
template <class F>
inline void intersect(std::span<const node_t> a, std::span<const node_t> b, F&& on_common) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) ++i;
    else if (b[j] < a[i]) ++j;
    else {
      on_common(i, j);
      ++i;
      ++j;
    }
  }
}

}  // namespace

std::vector<std::int64_t> triangles(const Graph& g, const ProgressFn& progress) {
  require_undirected(g, "triangles");
  const node_t n = g.num_nodes();
  const auto deg = detail::simple_degrees(g);
  // rank order: (degree, id); an arc u→v is kept when v ranks above u.
  auto above = [&](node_t u, node_t v) { return deg[v] > deg[u] || (deg[v] == deg[u] && v > u); };
  std::vector<edge_t> off(static_cast<std::size_t>(n) + 1, 0);
  std::vector<edge_t> cnt(static_cast<std::size_t>(n), 0);
  parallel_for(node_t{0}, n, [&](node_t u) {
    edge_t c = 0;
    for (node_t v : g.neighbors(u)) c += (v != u && above(u, v));
    cnt[u] = c;
  });
  exclusive_scan(cnt, off);
  std::vector<node_t> out(static_cast<std::size_t>(off[n]));
  parallel_for(node_t{0}, n, [&](node_t u) {
    edge_t p = off[u];
    for (node_t v : g.neighbors(u))
      if (v != u && above(u, v)) out[p++] = v;  // stays sorted by id
  });
  auto row = [&](node_t u) {
    return std::span<const node_t>(out.data() + off[u], static_cast<std::size_t>(off[u + 1] - off[u]));
  };
  std::vector<std::int64_t> t(static_cast<std::size_t>(n), 0);
  report(progress, "triangles", 0, static_cast<std::uint64_t>(n));
  parallel_for(
      node_t{0}, n,
      [&](node_t u) {
        const auto ru = row(u);
        std::int64_t tu = 0;
        for (node_t v : ru) {
          std::int64_t tv = 0;
          intersect(ru, row(v), [&](std::size_t i, std::size_t) {
            std::atomic_ref<std::int64_t>(t[ru[i]]).fetch_add(1, std::memory_order_relaxed);
            ++tv;
          });
          if (tv) std::atomic_ref<std::int64_t>(t[v]).fetch_add(tv, std::memory_order_relaxed);
          tu += tv;
        }
        if (tu) std::atomic_ref<std::int64_t>(t[u]).fetch_add(tu, std::memory_order_relaxed);
      },
      256);
  report(progress, "triangles", static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(n));
  return t;
}

std::int64_t triangle_count(const Graph& g) {
  const auto t = triangles(g);
  std::int64_t s = 0;
  for (auto x : t) s += x;
  return s / 3;
}

std::vector<std::int64_t> edge_triangles(const Graph& g) {
  require_undirected(g, "edge_triangles");
  const node_t n = g.num_nodes();
  std::vector<std::int64_t> et(static_cast<std::size_t>(g.num_arcs()), 0);
  const auto offs = g.offsets();
  parallel_for(
      node_t{0}, n,
      [&](node_t u) {
        const auto nu = g.neighbors(u);
        for (std::size_t k = 0; k < nu.size(); ++k) {
          const node_t v = nu[k];
          if (v == u) continue;
          std::int64_t c = 0;
          intersect(nu, g.neighbors(v), [&](std::size_t i, std::size_t) {
            const node_t w = nu[i];
            c += (w != u && w != v);
          });
          et[static_cast<std::size_t>(offs[u]) + k] = c;
        }
      },
      256);
  return et;
}

std::vector<double> local_clustering(const Graph& g, LowDegree low) {
  require_undirected(g, "local_clustering");
  const auto t = triangles(g);
  const auto d = detail::simple_degrees(g);
  std::vector<double> c(t.size());
  const double low_value = low == LowDegree::zero ? 0.0 : std::numeric_limits<double>::quiet_NaN();
  for (std::size_t v = 0; v < t.size(); ++v)
    c[v] = d[v] < 2 ? low_value : 2.0 * static_cast<double>(t[v]) / (static_cast<double>(d[v]) * static_cast<double>(d[v] - 1));
  return c;
}

std::vector<double> barrat_clustering(const Graph& g, LowDegree low) {
  require_undirected(g, "barrat_clustering");
  if (!g.weighted()) return local_clustering(g, low);
  const node_t n = g.num_nodes();
  std::vector<double> c(static_cast<std::size_t>(n));
  const double low_value = low == LowDegree::zero ? 0.0 : std::numeric_limits<double>::quiet_NaN();
  parallel_for(
      node_t{0}, n,
      [&](node_t i) {
        const auto ni = g.neighbors(i);
        const auto wi = g.weights(i);
        double s = 0;
        std::int64_t k = 0;
        for (std::size_t a = 0; a < ni.size(); ++a)
          if (ni[a] != i) {
            s += wi[a];
            ++k;
          }
        if (k < 2) {
          c[i] = low_value;
          return;
        }
        double num = 0;  // Σ over ordered neighbour pairs (j, h) joined by an edge of (w_ij + w_ih) / 2
        for (std::size_t a = 0; a < ni.size(); ++a) {
          const node_t j = ni[a];
          if (j == i) continue;
          const double wij = wi[a];
          intersect(ni, g.neighbors(j), [&](std::size_t b, std::size_t) {
            const node_t h = ni[b];
            if (h != i && h != j) num += (wij + static_cast<double>(wi[b])) / 2.0;
          });
        }
        c[i] = num / (s * static_cast<double>(k - 1));
      },
      256);
  return c;
}

double average_clustering(const Graph& g, bool count_low_degree) {
  const auto c = local_clustering(g, LowDegree::nan);
  double s = 0;
  std::int64_t k = 0;
  for (double x : c) {
    if (std::isnan(x)) {
      if (count_low_degree) ++k;
      continue;
    }
    s += x;
    ++k;
  }
  return k ? s / static_cast<double>(k) : (count_low_degree ? 0.0 : std::numeric_limits<double>::quiet_NaN());
}

double transitivity(const Graph& g) {
  const auto t = triangles(g);
  const auto d = detail::simple_degrees(g);
  double tri = 0, triples = 0;
  for (std::size_t v = 0; v < t.size(); ++v) {
    tri += static_cast<double>(t[v]);
    triples += static_cast<double>(d[v]) * static_cast<double>(d[v] - 1) / 2.0;
  }
  return triples > 0 ? tri / triples : 0.0;
}

}  // namespace sprig
