#include <sprig/metrics/distance.hpp>

#include <algorithm>

#include <tbb/enumerable_thread_specific.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/metrics/centrality.hpp>

namespace sprig {

namespace {
// BFS reusing buffers; returns the last node reached (a farthest one) and its distance.
struct Bfs {
  std::vector<std::int64_t> dist;
  std::vector<node_t> queue;
  explicit Bfs(std::size_t n) : dist(n, -1) { queue.reserve(n); }
  std::pair<node_t, std::int64_t> run(const Graph& g, node_t s) {
    for (node_t v : queue) dist[v] = -1;
    queue.clear();
    dist[s] = 0;
    queue.push_back(s);
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const node_t v = queue[i];
      for (node_t w : g.neighbors(v))
        if (dist[w] < 0) {
          dist[w] = dist[v] + 1;
          queue.push_back(w);
        }
    }
    return {queue.back(), dist[queue.back()]};
  }
};
}  // namespace

std::vector<std::int64_t> bfs_distances(const Graph& g, node_t source) {
  SPRIG_EXPECTS(source >= 0 && source < g.num_nodes(), "bfs_distances: source {} outside [0, n = {})", source, g.num_nodes());
  Bfs b(static_cast<std::size_t>(g.num_nodes()));
  b.run(g, source);
  return std::move(b.dist);
}

std::int64_t eccentricity(const Graph& g, node_t v) {
  SPRIG_EXPECTS(v >= 0 && v < g.num_nodes(), "eccentricity: node {} outside [0, n = {})", v, g.num_nodes());
  Bfs b(static_cast<std::size_t>(g.num_nodes()));
  return b.run(g, v).second;
}

DiameterResult diameter(const Graph& g, const ProgressFn& progress) {
  const node_t n = g.num_nodes();
  DiameterResult r;
  if (n == 0) return r;
  const std::size_t N = static_cast<std::size_t>(n);
  if (g.directed()) {
    std::vector<std::int64_t> ecc(N);
    std::vector<node_t> far(N);
    tbb::enumerable_thread_specific<Bfs> work([N] { return Bfs(N); });
    const node_t block = std::max<node_t>(1, n / 100 + 1);
    for (node_t b = 0; b < n; b += block) {
      const node_t e = std::min(n, b + block);
      parallel_for(b, e, [&](node_t v) {
        auto [f, d] = work.local().run(g, v);
        ecc[v] = d;
        far[v] = f;
      }, 4);
      report(progress, "diameter", static_cast<std::uint64_t>(e), static_cast<std::uint64_t>(n));
    }
    for (node_t v = 0; v < n; ++v)
      if (ecc[v] > r.diameter) r.diameter = ecc[v], r.from = v, r.to = far[v];
    r.bfs_runs = n;
    return r;
  }
  Bfs a(N), b(N);
  std::vector<char> done(N, 0);
  std::vector<node_t> comp;
  for (node_t root = 0; root < n; ++root) {
    if (done[root]) continue;
    // 4-sweep: root → a1 (farthest) → b1; middle of the a1–b1 path → a2 → b2; centre = middle of a2–b2.
    auto [a1, d0] = a.run(g, root);
    ++r.bfs_runs;
    comp = a.queue;
    for (node_t v : comp) done[v] = 1;
    if (comp.size() <= 1) continue;
    std::int64_t lb = d0;
    auto keep = [&](node_t s, node_t t, std::int64_t d) {
      if (d > r.diameter) r.diameter = d, r.from = s, r.to = t;
      lb = std::max(lb, d);
    };
    keep(root, a1, d0);
    auto middle = [&](Bfs& from_src, node_t target, std::int64_t len) {
      // walk back from target along decreasing distance to the node at len/2
      node_t v = target;
      while (from_src.dist[v] > len / 2)
        for (node_t w : g.neighbors(v))
          if (from_src.dist[w] == from_src.dist[v] - 1) {
            v = w;
            break;
          }
      return v;
    };
    auto [b1, d1] = a.run(g, a1);
    ++r.bfs_runs;
    keep(a1, b1, d1);
    const node_t r2 = middle(a, b1, d1);
    auto [a2, d2] = b.run(g, r2);
    ++r.bfs_runs;
    keep(r2, a2, d2);
    auto [b2, d3] = b.run(g, a2);
    ++r.bfs_runs;
    keep(a2, b2, d3);
    const node_t u = middle(b, b2, d3);
    auto [uf, ecc_u] = a.run(g, u);  // a.dist: distances from the centre
    ++r.bfs_runs;
    keep(u, uf, ecc_u);
    // nodes by level
    std::vector<std::vector<node_t>> level(static_cast<std::size_t>(ecc_u) + 1);
    for (node_t v : a.queue) level[a.dist[v]].push_back(v);
    for (std::int64_t i = ecc_u; i > 0; --i) {
      if (lb >= 2 * i) break;  // every pair left has both ends within distance i of u
      for (node_t v : level[i]) {
        auto [f, d] = b.run(g, v);
        ++r.bfs_runs;
        keep(v, f, d);
      }
      if (lb >= 2 * (i - 1)) break;
    }
    report(progress, "diameter", static_cast<std::uint64_t>(root), static_cast<std::uint64_t>(n));
  }
  return r;
}

std::vector<std::int64_t> distance_distribution(const Graph& g, const DistanceDistributionOptions& opt) {
  const node_t n = g.num_nodes();
  SPRIG_EXPECTS(opt.samples >= 0 && opt.samples <= n, "distance_distribution: samples must be in [0, n = {}] (got {})", n,
                opt.samples);
  std::vector<node_t> sources;
  if (opt.samples == 0) {
    sources.resize(static_cast<std::size_t>(n));
    for (node_t v = 0; v < n; ++v) sources[v] = v;
  } else {
    sources = sample_sources(n, opt.samples, opt.seed);
  }
  const std::size_t N = static_cast<std::size_t>(n);
  const std::size_t S = sources.size();
  const std::size_t grain = 64;
  std::vector<std::vector<std::int64_t>> part(num_chunks(S, grain));
  parallel_chunks(S, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    Bfs bfs(N);
    auto& h = part[c];
    for (std::size_t i = b; i < e; ++i) {
      bfs.run(g, sources[i]);
      for (node_t v : bfs.queue) {
        const auto d = static_cast<std::size_t>(bfs.dist[v]);
        if (h.size() <= d) h.resize(d + 1, 0);
        if (d > 0) ++h[d];
      }
    }
  });
  std::vector<std::int64_t> counts(1, 0);
  for (const auto& h : part) {
    if (counts.size() < h.size()) counts.resize(h.size(), 0);
    for (std::size_t d = 0; d < h.size(); ++d) counts[d] += h[d];
  }
  return counts;
}

double effective_diameter(const std::vector<std::int64_t>& counts, double q) {
  SPRIG_EXPECTS(q > 0 && q <= 1, "effective_diameter: q must be in (0, 1] (got {})", q);
  double total = 0;
  for (auto c : counts) total += static_cast<double>(c);
  if (total == 0) return 0;
  // cumulative fraction F(d) of pairs within distance d; interpolate between d−1 and d
  double prev = 0;
  for (std::size_t d = 1; d < counts.size(); ++d) {
    const double cur = prev + static_cast<double>(counts[d]) / total;
    if (cur >= q) {
      if (cur == prev) return static_cast<double>(d);
      return static_cast<double>(d - 1) + (q - prev) / (cur - prev);
    }
    prev = cur;
  }
  return static_cast<double>(counts.size() - 1);
}

}  // namespace sprig
