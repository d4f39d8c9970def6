#include <sprig/metrics/clustering.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include <tbb/enumerable_thread_specific.h>

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
  const std::size_t N = static_cast<std::size_t>(n);
  const auto deg = detail::simple_degrees(g);
  // Nodes renumbered by rank (degree, then id): rank r = position in that
  // order, by a counting sort. Arcs point from lower to higher rank, so every
  // out-list is short (O(√m)) and the hubs, which sit in most out-lists, get
  // neighbouring numbers: the marks and counters touched per triangle stay
  // in a few cache lines (as GAP's tc relabels by degree).
  std::vector<node_t> rank(N), byrank(N);
  {
    std::int64_t maxd = 0;
    for (auto d : deg) maxd = std::max(maxd, d);
    std::vector<std::int64_t> bucket(static_cast<std::size_t>(maxd) + 2, 0);
    for (auto d : deg) ++bucket[static_cast<std::size_t>(d) + 1];
    for (std::size_t d = 0; d + 1 < bucket.size(); ++d) bucket[d + 1] += bucket[d];
    for (node_t u = 0; u < n; ++u) {
      const auto r = static_cast<node_t>(bucket[static_cast<std::size_t>(deg[u])]++);
      rank[u] = r;
      byrank[r] = u;
    }
  }
  std::vector<edge_t> off(N + 1, 0);
  std::vector<edge_t> cnt(N, 0);
  parallel_for(node_t{0}, n, [&](node_t r) {
    const node_t u = byrank[r];
    edge_t c = 0;
    for (node_t v : g.neighbors(u)) c += (rank[v] > r);
    cnt[r] = c;
  });
  exclusive_scan(cnt, off);
  std::vector<node_t> out(static_cast<std::size_t>(off[n]));
  parallel_for(node_t{0}, n, [&](node_t r) {
    edge_t p = off[r];
    for (node_t v : g.neighbors(byrank[r]))
      if (rank[v] > r) out[p++] = rank[v];  // self-loops drop out (rank[v] == r)
  });
  // Each triangle u < v < w (rank order) is found once, from u: mark out(u),
  // then for each v in out(u) scan out(v) for marked w. Marking costs
  // Σ_{u→v} |out(v)| — a sorted merge would add |out(u)| per arc, which on
  // power-law graphs (R-MAT) is most of the work. u's and v's counts are
  // added per row; w's (one per triangle) go to a per-worker array, so no
  // atomic is touched per triangle. The scan is branch-free (t[w] += mark[w]
  // for every w): whether w is marked is close to a coin flip for the branch
  // predictor, and the extra stores land on the hubs' few cache lines —
  // R-MAT scale 20 on one thread 6.9 → 4.5 s, email-Enron 10.7 → 5.0 ms. Integer sums: the result does not depend
  // on how the work was split.
  struct Worker {
    std::vector<std::uint8_t> mark;
    std::vector<std::int64_t> t;
  };
  tbb::enumerable_thread_specific<Worker> workers([N] { return Worker{std::vector<std::uint8_t>(N, 0), std::vector<std::int64_t>(N, 0)}; });
  report(progress, "triangles", 0, static_cast<std::uint64_t>(n));
  parallel_for(
      node_t{0}, n,
      [&](node_t u) {
        const edge_t bu = off[u], eu = off[u + 1];
        if (eu - bu < 2) return;
        Worker& wk = workers.local();
        std::uint8_t* mark = wk.mark.data();
        std::int64_t* t = wk.t.data();
        for (edge_t i = bu; i < eu; ++i) mark[out[i]] = 1;
        std::int64_t tu = 0;
        for (edge_t i = bu; i < eu; ++i) {
          const node_t v = out[i];
          std::int64_t tv = 0;
          for (edge_t j = off[v], ej = off[v + 1]; j < ej; ++j) {
            const node_t w = out[j];
            const std::int64_t hit = mark[w];
            t[w] += hit;
            tv += hit;
          }
          t[v] += tv;
          tu += tv;
        }
        t[u] += tu;
        for (edge_t i = bu; i < eu; ++i) mark[out[i]] = 0;
      },
      64);
  std::vector<std::int64_t> t(N, 0);
  std::vector<Worker*> parts;
  for (Worker& w : workers) parts.push_back(&w);
  parallel_for(
      node_t{0}, n,
      [&](node_t u) {
        const node_t r = rank[u];
        std::int64_t s = 0;
        for (const Worker* w : parts) s += w->t[r];
        t[u] = s;
      },
      1 << 14);
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
