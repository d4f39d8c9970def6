#include <sprig/metrics/centrality.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <queue>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/transform.hpp>

namespace sprig {

// ---------------------------------------------------------------- shortest paths

namespace {

inline bool same_length(double a, double b) {
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::abs(a - b) <= 1e-10 * std::max(std::abs(a), std::abs(b));
}

void check_lengths(const Graph& g, const char* what) {
  for (float w : g.weights())
    SPRIG_EXPECTS(w > 0 && std::isfinite(w), "{}: weights are path lengths and must be finite and > 0 (got {})", what, w);
}

// Single-source shortest paths; `order` receives the reached nodes in
// non-decreasing distance (the source first). dist is -1 (unweighted) / +inf
// for unreached nodes; the caller resets the entries of `order` after use.
struct Sssp {
  std::vector<double> dist;
  std::vector<node_t> order;
  std::vector<double> sigma, delta;
  explicit Sssp(std::size_t n) : dist(n, std::numeric_limits<double>::infinity()), sigma(n, 0), delta(n, 0) {
    order.reserve(n);
  }
  void run(const Graph& g, node_t s, bool weighted) {
    order.clear();
    dist[s] = 0;
    order.push_back(s);
    if (!weighted) {
      for (std::size_t i = 0; i < order.size(); ++i) {
        const node_t v = order[i];
        const double dv = dist[v] + 1;
        for (node_t w : g.neighbors(v))
          if (std::isinf(dist[w])) {
            dist[w] = dv;
            order.push_back(w);
          }
      }
      return;
    }
    order.clear();
    using Item = std::pair<double, node_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    heap.emplace(0.0, s);
    std::vector<char>& done = done_;
    if (done.size() < dist.size()) done.assign(dist.size(), 0);
    while (!heap.empty()) {
      const auto [dv, v] = heap.top();
      heap.pop();
      if (done[v] || dv > dist[v]) continue;
      done[v] = 1;
      order.push_back(v);
      const auto nb = g.neighbors(v);
      const auto wt = g.weights(v);
      for (std::size_t k = 0; k < nb.size(); ++k) {
        const node_t w = nb[k];
        if (done[w]) continue;
        const double alt = dv + static_cast<double>(wt[k]);
        if (alt < dist[w] && !same_length(alt, dist[w])) {
          dist[w] = alt;
          heap.emplace(alt, w);
        }
      }
    }
    for (node_t v : order) done[v] = 0;
  }
  void reset() {
    for (node_t v : order) {
      dist[v] = std::numeric_limits<double>::infinity();
      sigma[v] = 0;
      delta[v] = 0;
    }
  }

 private:
  std::vector<char> done_;
};

// Is w a successor of v on a shortest path (d(w) = d(v) + len(v, w))?
inline bool successor(const Sssp& s, node_t v, node_t w, double len, bool weighted) {
  if (!weighted) return s.dist[w] == s.dist[v] + 1;
  return !std::isinf(s.dist[w]) && s.dist[w] > s.dist[v] && same_length(s.dist[v] + len, s.dist[w]);
}

}  // namespace

// ---------------------------------------------------------------- betweenness

std::vector<node_t> sample_sources(node_t n, node_t k, std::uint64_t seed) {
  SPRIG_EXPECTS(k >= 0 && k <= n, "sample_sources: k must be in [0, n = {}] (got {})", n, k);
  std::vector<node_t> ids(static_cast<std::size_t>(n));
  std::iota(ids.begin(), ids.end(), node_t{0});
  Philox rng(seed, 0);
  for (node_t i = 0; i < k; ++i) {
    const node_t j = i + static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n - i)));
    std::swap(ids[i], ids[j]);
  }
  ids.resize(static_cast<std::size_t>(k));
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {
// The arrays the unweighted kernel runs on: the graph itself, or its
// degree-1 fold (below).
struct Adjacency {
  const edge_t* offs = nullptr;
  const node_t* targets = nullptr;
  std::size_t n = 0;
  std::size_t arcs = 0;
};

// One thread's buffers, reused across sources. A node's level and path
// count share one 16-byte slot (one cache line per arc visit in the forward
// pass). `succ` holds, per source, the shortest-path DAG's arcs in BFS order
// (each node's successors contiguous, from `first[i]` for the i-th node of
// `order`), so the backward pass reads only DAG arcs, sequentially, with no
// level test: memory O(n + m) per thread.
struct BrandesNode {
  double sigma;
  std::int32_t dist;
};
struct BrandesWork {
  std::vector<BrandesNode> node;
  std::vector<double> coef;
  std::vector<node_t> order, succ;
  std::vector<edge_t> first;
  explicit BrandesWork(const Adjacency& a)
      : node(a.n, BrandesNode{0.0, -1}), coef(a.n, 0.0), order(a.n + 1), succ(a.arcs + 1), first(a.n + 1) {}
};

// Unweighted Brandes for a list of sources, adding each node's dependency to
// `part`. `reach` (null: all 1) weights the pairs: pair (s, t) counts
// reach[s]·reach[t] (the degree-1 fold's trees, see fold_degree_one), so
//   δ(v) = σ(v) Σ_{w succ of v} (reach(w) + δ(w)) / σ(w),  part[v] += reach(s) δ(v).
// Forward: path counts summed during the BFS itself (one scan of the arcs),
// 32-bit levels, and branch-free bookkeeping — every arc stores its target's
// level, adds σ(v) masked to 0 or itself to σ(w), and appends w to `succ`
// and `order` with the cursors moved only for DAG arcs and new nodes — since
// whether an arc is a DAG arc is close to a coin flip on small-world graphs
// (adding +0.0 leaves σ exactly unchanged). Backward: pull over the BFS
// order in reverse, adding per successor the precomputed
// coef[w] = (reach(w) + δ(w)) / σ(w) — no division per arc, no scattered
// writes. The per-source work is the same sequence of floating-point
// operations whoever runs it (deterministic).
[[gnu::noinline]] void brandes_unweighted(const Adjacency& a, const double* reach, std::span<const node_t> sources, BrandesWork& ws,
                        double* part) {
  const edge_t* __restrict offs = a.offs;
  const node_t* __restrict tg = a.targets;
  BrandesNode* __restrict nd = ws.node.data();
  double* __restrict coef = ws.coef.data();
  node_t* __restrict order = ws.order.data();
  node_t* __restrict succ = ws.succ.data();
  edge_t* __restrict first = ws.first.data();
  for (const node_t s : sources) {
    std::size_t tail = 1;
    edge_t ns = 0;
    order[0] = s;
    nd[s].dist = 0;
    nd[s].sigma = 1;
    for (std::size_t i = 0; i < tail; ++i) {  // BFS, path counts in level order
      const node_t v = order[i];
      const std::int32_t dv1 = nd[v].dist + 1;
      const std::uint64_t sv = std::bit_cast<std::uint64_t>(nd[v].sigma);
      first[i] = ns;
      for (edge_t k = offs[v], ke = offs[v + 1]; k < ke; ++k) {
        const node_t w = tg[k];
        BrandesNode& x = nd[w];
        const std::int32_t dw = x.dist;
        const std::uint32_t fresh = static_cast<std::uint32_t>(dw) >> 31;  // unreached: level −1
        const std::uint32_t on = fresh | static_cast<std::uint32_t>(dw == dv1);
        x.dist = fresh ? dv1 : dw;
        x.sigma += std::bit_cast<double>(sv & (std::uint64_t{0} - on));
        order[tail] = w;
        tail += fresh;
        succ[ns] = w;
        ns += on;
      }
    }
    first[tail] = ns;
    const double rs = reach ? reach[s] : 1.0;
    for (std::size_t j = tail; j-- > 1;) {  // dependencies, farthest first (the source last, skipped)
      const node_t v = order[j];
      double acc = 0;
      for (edge_t k = first[j], ke = first[j + 1]; k < ke; ++k) acc += coef[succ[k]];
      const double sv = nd[v].sigma;
      coef[v] = (reach ? reach[v] : 1.0) / sv + acc;
      part[v] += rs * (sv * acc);
    }
    for (std::size_t j = 0; j < tail; ++j) nd[order[j]] = BrandesNode{0.0, -1};
  }
}

// Degree-1 folding (Baglioni, Geraci, Pellegrini & Lastres, "Fast exact
// computation of betweenness centrality in social networks", ASONAM 2012;
// Sariyüce, Saule, Kaya & Çatalyürek, "Shattering and compressing networks
// for betweenness centrality", SDM 2013), undirected graphs: repeatedly
// remove a node u with one neighbour p (self-loops never lie on a shortest
// path and are not counted); p absorbs u's tree, reach(p) += reach(u). Every
// path between u's tree and the rest crosses the bridge u–p, so for the
// ordered pairs (s, t) of u's component (size N), with c_i the sizes of the
// parts of the component without u:
//   folded u:  bc(u) = Σ_{i≠j} c_i c_j = (N − 1)² − Σ c_i²,
//              parts: u's children's trees (Σ their reach² kept as sq(u))
//              and the rest, N − reach(u);
//   kept x:    bc(x) = Brandes on the kept graph with pair weights
//              reach(a)·reach(b)  +  2 (reach(x) − 1)(N − reach(x))  [one end
//              in x's tree]  +  (reach(x) − 1)² − sq(x)  [both ends in x's
//              tree, different children].
// The kept graph's distances and path counts between kept nodes are the
// original ones (trees never shortcut), so the result is exact. The closed
// forms are integers, computed in 64 bits.
struct Fold {
  std::vector<node_t> kept;      // kept node (compact id) -> original id
  std::vector<edge_t> offs;      // the kept graph, compact ids, arcs in the original order
  std::vector<node_t> targets;
  std::vector<double> reach;     // per compact id
  std::vector<double> closed;    // per original id: the closed-form ordered-pair counts above
};

Fold fold_degree_one(const Graph& g) {
  const std::size_t N = static_cast<std::size_t>(g.num_nodes());
  const auto offs = g.offsets();
  const node_t* tg = g.targets().data();
  std::vector<std::int64_t> deg(N, 0), reach(N, 1), sq(N, 0);
  std::vector<node_t> parent(N, -1), stack, removed;
  std::vector<char> gone(N, 0);
  for (std::size_t v = 0; v < N; ++v) {
    for (edge_t k = offs[v]; k < offs[v + 1]; ++k) deg[v] += tg[k] != static_cast<node_t>(v);
    if (deg[v] == 1) stack.push_back(static_cast<node_t>(v));
  }
  while (!stack.empty()) {
    const node_t u = stack.back();
    stack.pop_back();
    if (gone[u] || deg[u] != 1) continue;  // its partner went first: u is a tree's last node, kept
    node_t p = -1;
    for (edge_t k = offs[u]; k < offs[u + 1] && p < 0; ++k)
      if (tg[k] != u && !gone[tg[k]]) p = tg[k];
    gone[u] = 1;
    parent[u] = p;
    removed.push_back(u);
    reach[p] += reach[u];
    sq[p] += reach[u] * reach[u];
    deg[u] = 0;
    if (--deg[p] == 1) stack.push_back(p);
  }
  // Kept nodes renumbered by decreasing degree (ties by id): the hubs most
  // BFS visits touch share cache lines (5–15% less time on R-MAT and Enron).
  Fold f;
  std::vector<node_t> id(N, -1);
  std::vector<edge_t> kdeg(N, 0);
  for (std::size_t v = 0; v < N; ++v)
    if (!gone[v]) {
      f.kept.push_back(static_cast<node_t>(v));
      for (edge_t k = offs[v]; k < offs[v + 1]; ++k) kdeg[v] += !gone[tg[k]];
    }
  std::stable_sort(f.kept.begin(), f.kept.end(), [&](node_t a, node_t b) { return kdeg[a] > kdeg[b]; });
  const std::size_t K = f.kept.size();
  for (std::size_t c = 0; c < K; ++c) id[f.kept[c]] = static_cast<node_t>(c);
  f.offs.assign(K + 1, 0);
  f.reach.resize(K);
  for (std::size_t c = 0; c < K; ++c) {
    const node_t v = f.kept[c];
    for (edge_t k = offs[v]; k < offs[v + 1]; ++k)
      if (!gone[tg[k]]) f.targets.push_back(id[tg[k]]);
    f.offs[c + 1] = static_cast<edge_t>(f.targets.size());
    std::sort(f.targets.begin() + f.offs[c], f.targets.end());
    f.reach[c] = static_cast<double>(reach[v]);
  }
  // Component sizes (in original nodes) of the kept graph.
  std::vector<node_t> comp(K, -1), queue;
  std::vector<std::int64_t> size;
  for (std::size_t c0 = 0; c0 < K; ++c0) {
    if (comp[c0] >= 0) continue;
    const node_t label = static_cast<node_t>(size.size());
    std::int64_t total = 0;
    queue.assign(1, static_cast<node_t>(c0));
    comp[c0] = label;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const node_t c = queue[i];
      total += reach[f.kept[c]];
      for (edge_t k = f.offs[c]; k < f.offs[c + 1]; ++k)
        if (comp[f.targets[k]] < 0) {
          comp[f.targets[k]] = label;
          queue.push_back(f.targets[k]);
        }
    }
    size.push_back(total);
  }
  // Each folded node's kept root, in reverse removal order (a parent is
  // removed after its children, or kept).
  std::vector<node_t> root(N, -1);
  for (std::size_t c = 0; c < K; ++c) root[f.kept[c]] = f.kept[c];
  for (std::size_t i = removed.size(); i-- > 0;) root[removed[i]] = root[parent[removed[i]]];
  f.closed.assign(N, 0.0);
  for (std::size_t v = 0; v < N; ++v) {
    const std::int64_t n = size[comp[id[root[v]]]], r = reach[v];
    const std::int64_t c = gone[v] ? (n - 1) * (n - 1) - sq[v] - (n - r) * (n - r)
                                   : 2 * (r - 1) * (n - r) + (r - 1) * (r - 1) - sq[v];
    f.closed[v] = static_cast<double>(c);
  }
  return f;
}
}  // namespace

std::vector<double> betweenness(const Graph& g, const BetweennessOptions& opt) {
  const node_t n = g.num_nodes();
  const std::size_t N = static_cast<std::size_t>(n);
  const bool weighted = opt.use_weights && g.weighted();
  if (weighted) check_lengths(g, "betweenness");
  for (node_t s : opt.sources) SPRIG_EXPECTS(s >= 0 && s < n, "betweenness: source {} outside [0, n = {})", s, n);

  // Exact unweighted undirected: Brandes on the degree-1 fold, from its
  // nodes that have an arc (the others reach nobody). Otherwise on the graph
  // itself, from every node or the given ones.
  const bool fold_it = !weighted && !g.directed() && opt.sources.empty();
  Fold fold;
  Adjacency adj;
  const double* reach = nullptr;
  std::vector<node_t> all;
  if (fold_it) {
    fold = fold_degree_one(g);
    adj = {fold.offs.data(), fold.targets.data(), fold.kept.size(), fold.targets.size()};
    reach = fold.reach.data();
    for (std::size_t c = 0; c < adj.n; ++c)
      if (fold.offs[c + 1] > fold.offs[c]) all.push_back(static_cast<node_t>(c));
  } else {
    adj = {g.offsets().data(), g.targets().data(), N, g.targets().size()};
    if (opt.sources.empty()) {
      all.resize(N);
      std::iota(all.begin(), all.end(), node_t{0});
    }
  }
  const std::vector<node_t>& sources = opt.sources.empty() ? all : opt.sources;
  const std::size_t M = weighted ? N : adj.n;  // length of the partial sums
  std::vector<double> sum(M, 0.0);
  const std::size_t S = sources.size();

  // Fixed chunks of sources (independent of the thread count), run in waves;
  // each chunk has its own partial array, added in chunk order.
  constexpr std::size_t kWave = 16;
  const std::size_t chunk = std::max<std::size_t>(1, (S + 255) / 256);
  const std::size_t chunks = (S + chunk - 1) / chunk;
  std::vector<std::vector<double>> partial(std::min(kWave, chunks));
  tbb::enumerable_thread_specific<std::unique_ptr<BrandesWork>> work;
  for (std::size_t w0 = 0; w0 < chunks; w0 += kWave) {
    const std::size_t w1 = std::min(chunks, w0 + kWave);
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(w0, w1, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          for (std::size_t c = r.begin(); c != r.end(); ++c) {
            auto& part = partial[c - w0];
            part.assign(M, 0.0);
            const std::size_t b = c * chunk, e = std::min(S, b + chunk);
            if (!weighted) {
              auto& ws = work.local();
              if (!ws) ws = std::make_unique<BrandesWork>(adj);
              brandes_unweighted(adj, reach, std::span<const node_t>(sources).subspan(b, e - b), *ws, part.data());
              continue;
            }
            Sssp sp(N);
            for (std::size_t i = b; i < e; ++i) {
              const node_t s = sources[i];
              sp.run(g, s, weighted);
              sp.sigma[s] = 1;
              for (node_t v : sp.order) {  // path counts in distance order
                const auto nb = g.neighbors(v);
                const auto wt = g.weights(v);
                for (std::size_t k = 0; k < nb.size(); ++k)
                  if (successor(sp, v, nb[k], weighted ? wt[k] : 1.0, weighted)) sp.sigma[nb[k]] += sp.sigma[v];
              }
              for (std::size_t j = sp.order.size(); j-- > 0;) {  // dependencies, farthest first
                const node_t v = sp.order[j];
                const auto nb = g.neighbors(v);
                const auto wt = g.weights(v);
                double acc = 0;
                for (std::size_t k = 0; k < nb.size(); ++k) {
                  const node_t w = nb[k];
                  if (successor(sp, v, w, weighted ? wt[k] : 1.0, weighted)) acc += (1.0 + sp.delta[w]) / sp.sigma[w];
                }
                sp.delta[v] = sp.sigma[v] * acc;
                if (v != s) part[v] += sp.delta[v];
              }
              sp.reset();
            }
          }
        },
        tbb::simple_partitioner());
    for (std::size_t c = w0; c < w1; ++c) {
      const auto& part = partial[c - w0];
      for (std::size_t v = 0; v < M; ++v) sum[v] += part[v];
    }
    report(opt.progress, "betweenness", static_cast<std::uint64_t>(std::min(S, w1 * chunk)), static_cast<std::uint64_t>(S));
  }
  std::vector<double> bc;
  if (fold_it) {
    bc = std::move(fold.closed);
    for (std::size_t c = 0; c < adj.n; ++c) bc[fold.kept[c]] += sum[c];
  } else {
    bc = std::move(sum);
  }
  double scale = 1.0;
  if (!g.directed()) scale *= 0.5;
  if (!opt.sources.empty()) scale *= static_cast<double>(n) / static_cast<double>(S);
  if (opt.normalized && n > 2) {
    const double pairs = static_cast<double>(n - 1) * static_cast<double>(n - 2);
    scale /= g.directed() ? pairs : pairs / 2;
  }
  if (scale != 1.0)
    for (double& v : bc) v *= scale;
  return bc;
}

// ---------------------------------------------------------------- sampled betweenness

namespace {
// Upper bound on the vertex diameter (see the header).
std::int64_t vertex_diameter_bound(const Graph& g, bool weighted) {
  const node_t n = g.num_nodes();
  const std::size_t N = static_cast<std::size_t>(n);
  std::vector<node_t> comp(N, -1), queue;
  std::vector<std::int64_t> dist(N, 0);
  std::int64_t bound = 0;
  const Graph* und = &g;
  Graph sym;
  if (g.directed()) {
    sym = symmetrize(g);
    und = &sym;
  }
  for (node_t s = 0; s < n; ++s) {
    if (comp[s] >= 0) continue;
    comp[s] = s;
    dist[s] = 0;
    queue.assign(1, s);
    std::int64_t ecc = 0;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const node_t v = queue[i];
      for (node_t w : und->neighbors(v))
        if (comp[w] < 0) {
          comp[w] = s;
          dist[w] = dist[v] + 1;
          ecc = std::max(ecc, dist[w]);
          queue.push_back(w);
        }
    }
    const auto size = static_cast<std::int64_t>(queue.size());
    bound = std::max(bound, g.directed() || weighted ? size : std::min(size, 2 * ecc + 1));
  }
  return bound;
}
}  // namespace

SampledBetweenness sampled_betweenness(const Graph& g, const SampledBetweennessOptions& opt) {
  SPRIG_EXPECTS(opt.epsilon > 0 && opt.epsilon < 1, "sampled_betweenness: epsilon must be in (0, 1) (got {})", opt.epsilon);
  SPRIG_EXPECTS(opt.delta > 0 && opt.delta < 1, "sampled_betweenness: delta must be in (0, 1) (got {})", opt.delta);
  SPRIG_EXPECTS(opt.c > 0, "sampled_betweenness: c must be > 0 (got {})", opt.c);
  const node_t n = g.num_nodes();
  const std::size_t N = static_cast<std::size_t>(n);
  const bool weighted = opt.use_weights && g.weighted();
  if (weighted) check_lengths(g, "sampled_betweenness");
  SampledBetweenness res;
  res.epsilon = opt.epsilon;
  res.delta = opt.delta;
  res.value.assign(N, 0.0);
  if (n < 3) return res;
  const std::int64_t vd = vertex_diameter_bound(g, weighted);
  res.vertex_diameter_bound = vd;
  // ⌊log₂(VD − 2)⌋ + 1 (VD ≤ 2: no path has an interior node; keep the term at 1)
  const double log_term = vd > 2 ? std::floor(std::log2(static_cast<double>(vd - 2))) + 1 : 1;
  const double rr = std::ceil(opt.c / (opt.epsilon * opt.epsilon) * (log_term + std::log(1 / opt.delta)));
  SPRIG_EXPECTS(rr < 4e18, "sampled_betweenness: epsilon {} needs too many samples", opt.epsilon);
  const auto r = static_cast<std::int64_t>(rr);
  res.samples = r;
  Graph gt;
  if (g.directed()) gt = transpose(g);
  const Graph& back = g.directed() ? gt : g;  // predecessors of w are among back.neighbors(w)

  struct Worker {
    Sssp sp;
    std::vector<std::int64_t> count;
    explicit Worker(std::size_t n) : sp(n), count(n, 0) {}
  };
  tbb::enumerable_thread_specific<Worker> workers([N] { return Worker(N); });
  const std::int64_t block = std::max<std::int64_t>(1024, r / 200 + 1);
  for (std::int64_t b0 = 0; b0 < r; b0 += block) {
    const std::int64_t b1 = std::min(r, b0 + block);
    parallel_for(
        b0, b1,
        [&](std::int64_t i) {
          Worker& wk = workers.local();
          Sssp& sp = wk.sp;
          Philox rng(opt.seed, static_cast<std::uint64_t>(i));
          const node_t u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
          node_t v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n - 1)));
          if (v >= u) ++v;
          // shortest-path counts from u (unweighted: stop after the target's level)
          sp.order.clear();
          if (!weighted) {
            sp.dist[u] = 0;
            sp.order.push_back(u);
            double stop = std::numeric_limits<double>::infinity();
            for (std::size_t k = 0; k < sp.order.size(); ++k) {
              const node_t x = sp.order[k];
              if (sp.dist[x] >= stop) break;
              const double dx = sp.dist[x] + 1;
              for (node_t y : g.neighbors(x))
                if (std::isinf(sp.dist[y])) {
                  sp.dist[y] = dx;
                  sp.order.push_back(y);
                  if (y == v) stop = dx;
                }
            }
          } else {
            sp.run(g, u, true);
          }
          if (!std::isinf(sp.dist[v])) {
            sp.sigma[u] = 1;
            for (node_t x : sp.order) {
              if (x == u) continue;
              // σ_ux = Σ over predecessors; predecessors come earlier in `order`
              const auto nb = back.neighbors(x);
              const auto wt = back.weights(x);
              double s = 0;
              for (std::size_t k = 0; k < nb.size(); ++k)
                if (successor(sp, nb[k], x, weighted ? wt[k] : 1.0, weighted)) s += sp.sigma[nb[k]];
              sp.sigma[x] = s;
            }
            // walk back from v, drawing each predecessor with probability σ_up / σ_uw
            node_t w = v;
            while (true) {
              const auto nb = back.neighbors(w);
              const auto wt = back.weights(w);
              const double target = rng.uniform() * sp.sigma[w];
              double acc = 0;
              node_t pick = -1;
              for (std::size_t k = 0; k < nb.size(); ++k) {
                const node_t p = nb[k];
                if (!successor(sp, p, w, weighted ? wt[k] : 1.0, weighted)) continue;
                pick = p;  // the last predecessor absorbs rounding
                acc += sp.sigma[p];
                if (target < acc) break;
              }
              if (pick == u || pick < 0) break;
              ++wk.count[pick];
              w = pick;
            }
          }
          // reset what this sample touched: every node given a distance is in `order`
          for (node_t x : sp.order) {
            sp.dist[x] = std::numeric_limits<double>::infinity();
            sp.sigma[x] = 0;
          }
        },
        64);
    report(opt.progress, "betweenness-sample", static_cast<std::uint64_t>(b1), static_cast<std::uint64_t>(r));
  }
  std::vector<const Worker*> parts;
  for (const Worker& w : workers) parts.push_back(&w);
  const double inv = 1.0 / static_cast<double>(r);
  parallel_for(std::size_t{0}, N, [&](std::size_t x) {
    std::int64_t c = 0;
    for (const Worker* w : parts) c += w->count[x];
    res.value[x] = static_cast<double>(c) * inv;
  });
  return res;
}

// ---------------------------------------------------------------- closeness

namespace {
template <class F>
void for_each_source(const Graph& g, bool weighted, const ProgressFn& progress, const char* stage, F&& f) {
  const node_t n = g.num_nodes();
  const std::size_t N = static_cast<std::size_t>(n);
  tbb::enumerable_thread_specific<Sssp> work([N] { return Sssp(N); });
  const node_t block = std::max<node_t>(1, n / 100 + 1);
  for (node_t b = 0; b < n; b += block) {
    const node_t e = std::min(n, b + block);
    parallel_for(
        b, e,
        [&](node_t v) {
          Sssp& sp = work.local();
          sp.run(g, v, weighted);
          f(v, sp);
          sp.reset();
        },
        4);
    report(progress, stage, static_cast<std::uint64_t>(e), static_cast<std::uint64_t>(n));
  }
}
}  // namespace

std::vector<double> closeness(const Graph& g, const ClosenessOptions& opt) {
  const node_t n = g.num_nodes();
  const bool weighted = opt.use_weights && g.weighted();
  if (weighted) check_lengths(g, "closeness");
  std::vector<double> c(static_cast<std::size_t>(n));
  for_each_source(g, weighted, opt.progress, "closeness", [&](node_t v, const Sssp& sp) {
    double sum = 0;
    for (node_t u : sp.order) sum += sp.dist[u];
    const double r = static_cast<double>(sp.order.size());
    if (r <= 1) {
      c[v] = std::numeric_limits<double>::quiet_NaN();
      return;
    }
    double x = (r - 1) / sum;
    if (opt.wf_improved) x *= (r - 1) / static_cast<double>(n - 1);
    c[v] = x;
  });
  return c;
}

std::vector<double> harmonic_centrality(const Graph& g, const HarmonicOptions& opt) {
  const node_t n = g.num_nodes();
  const bool weighted = opt.use_weights && g.weighted();
  if (weighted) check_lengths(g, "harmonic_centrality");
  std::vector<double> h(static_cast<std::size_t>(n));
  for_each_source(g, weighted, opt.progress, "harmonic", [&](node_t v, const Sssp& sp) {
    double sum = 0;
    for (std::size_t i = 1; i < sp.order.size(); ++i) sum += 1.0 / sp.dist[sp.order[i]];
    if (opt.normalized && n > 1) sum /= static_cast<double>(n - 1);
    h[v] = sum;
  });
  return h;
}

}  // namespace sprig
