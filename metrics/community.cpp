#include <sprig/metrics/community.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

#include <tbb/enumerable_thread_specific.h>

namespace sprig {

node_t canonical_membership(std::vector<node_t>& m) {
  node_t mx = 0;
  for (node_t c : m) mx = std::max(mx, c);
  std::vector<node_t> map(static_cast<std::size_t>(mx) + 1, -1);
  node_t next = 0;
  for (node_t& c : m) {
    if (map[c] < 0) map[c] = next++;
    c = map[c];
  }
  return next;
}

double modularity(const Graph& g, std::span<const node_t> membership, double resolution, bool use_weights) {
  const node_t n = g.num_nodes();
  SPRIG_EXPECTS(membership.size() == static_cast<std::size_t>(n), "modularity: {} community ids for {} nodes",
                membership.size(), n);
  node_t mx = 0;
  for (node_t c : membership) {
    SPRIG_EXPECTS(c >= 0, "modularity: community ids must be >= 0 (got {})", c);
    mx = std::max(mx, c);
  }
  const bool w = use_weights && g.weighted();
  const std::size_t C = static_cast<std::size_t>(mx) + 1;
  std::vector<double> kout(C, 0), kin(C, 0);
  double inside = 0, total = 0;
  for (node_t u = 0; u < n; ++u) {
    const auto nb = g.neighbors(u);
    const auto ws = g.weights(u);
    for (std::size_t k = 0; k < nb.size(); ++k) {
      const node_t v = nb[k];
      // an undirected self-loop is stored once but is A_uu = 2w (igraph, networkx)
      const double a = (w ? ws[k] : 1.0) * (!g.directed() && v == u ? 2.0 : 1.0);
      total += a;
      kout[membership[u]] += a;
      kin[membership[v]] += a;
      if (membership[u] == membership[v]) inside += a;
    }
  }
  SPRIG_EXPECTS(total > 0, "modularity: the graph has no edges (or zero total weight)");
  double expected = 0;
  for (std::size_t c = 0; c < C; ++c) expected += kout[c] * kin[c];
  return inside / total - resolution * expected / (total * total);
}

namespace {
// An undirected weighted graph with explicit diagonal A_ii (for the quotient levels).
struct LevelGraph {
  std::vector<std::int64_t> off;
  std::vector<node_t> adj;
  std::vector<double> w;
  std::vector<double> loop;  // A_ii
  std::vector<double> k;     // strength Σ_j A_ij (diagonal included)
  bool unit = false;         // every arc weighs 1 and `w` is left empty (Leiden's level 0 of an unweighted graph)
  node_t n() const { return static_cast<node_t>(loop.size()); }
  double weight(std::int64_t e) const { return unit ? 1.0 : w[static_cast<std::size_t>(e)]; }
};

// The first level: the graph itself, self-loops counted twice in the loop weight
// and the degree (the modularity convention), other arcs as adjacency. Built in
// parallel (count, scan, fill): every value is summed in arc order as in a
// sequential build, so the level graph is the same for any thread count.
LevelGraph level0(const Graph& g, bool weighted, bool allow_unit = false) {
  const node_t n0 = g.num_nodes();
  LevelGraph L;
  L.unit = allow_unit && !weighted;  // then no weights are stored (less memory to stream through)
  L.loop.assign(static_cast<std::size_t>(n0), 0);
  L.k.assign(static_cast<std::size_t>(n0), 0);
  std::vector<std::int64_t> cnt(static_cast<std::size_t>(n0), 0);
  parallel_for(node_t{0}, n0, [&](node_t u) {
    const auto nb = g.neighbors(u);
    const auto ws = g.weights(u);
    double loop = 0, k = 0;
    std::int64_t c = 0;
    for (std::size_t j = 0; j < nb.size(); ++j) {
      const double a = weighted ? ws[j] : 1.0;
      if (nb[j] == u) {
        loop += 2 * a;
        k += 2 * a;
      } else {
        ++c;
        k += a;
      }
    }
    L.loop[u] = loop;
    L.k[u] = k;
    cnt[u] = c;
  }, 2048);
  exclusive_scan(cnt, L.off);
  L.adj.resize(static_cast<std::size_t>(L.off[n0]));
  if (!L.unit) L.w.resize(static_cast<std::size_t>(L.off[n0]));
  parallel_for(node_t{0}, n0, [&](node_t u) {
    const auto nb = g.neighbors(u);
    const auto ws = g.weights(u);
    std::int64_t p = L.off[u];
    for (std::size_t j = 0; j < nb.size(); ++j) {
      if (nb[j] == u) continue;
      L.adj[p] = nb[j];
      if (!L.unit) L.w[p] = weighted ? ws[j] : 1.0;
      ++p;
    }
  }, 2048);
  return L;
}
}  // namespace

CommunityResult louvain(const Graph& g, const LouvainOptions& opt) {
  SPRIG_EXPECTS(!g.directed(), "louvain: needs an undirected graph (got a directed one; symmetrize() it first)");
  SPRIG_EXPECTS(opt.resolution > 0, "louvain: resolution must be > 0 (got {})", opt.resolution);
  const node_t n0 = g.num_nodes();
  const bool weighted = opt.use_weights && g.weighted();
  if (weighted)
    for (float x : g.weights()) SPRIG_EXPECTS(x >= 0, "louvain: weights must be >= 0 (got {})", x);

  LevelGraph L = level0(g, weighted);
  CommunityResult res;
  std::vector<node_t> member(static_cast<std::size_t>(n0));  // original node → current level node
  std::iota(member.begin(), member.end(), node_t{0});
  double two_m = 0;
  for (double x : L.k) two_m += x;
  if (n0 == 0 || two_m <= 0) {
    res.membership = member;
    res.count = canonical_membership(res.membership);
    res.modularity = 0;
    return res;
  }
  const double gamma = opt.resolution;
  const LevelGraph L0 = L;
  CommunityResult best;
  best.modularity = -std::numeric_limits<double>::infinity();
  std::vector<node_t> start;  // round > 0: the previous partition seeds level 0
  int round_offset = 0;
  for (int round = 0; round < opt.max_rounds; ++round) {
  L = L0;
  std::iota(member.begin(), member.end(), node_t{0});
  res = CommunityResult{};
  for (int level = 0; level < opt.max_levels; ++level) {
    const node_t n = L.n();
    std::vector<node_t> comm(static_cast<std::size_t>(n));
    std::iota(comm.begin(), comm.end(), node_t{0});
    if (level == 0 && !start.empty()) comm = start;
    std::vector<double> tot(static_cast<std::size_t>(n), 0.0);  // total strength of each community
    for (node_t v = 0; v < n; ++v) tot[comm[v]] += L.k[v];
    // seeded visiting order
    std::vector<node_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), node_t{0});
    {
      Philox rng(opt.seed, static_cast<std::uint64_t>(round_offset + level));
      for (node_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.bounded(static_cast<std::uint32_t>(i + 1))]);
    }
    std::vector<double> to(static_cast<std::size_t>(n), 0);  // weight from the current node to each community
    std::vector<node_t> touched;
    bool moved_any = false;
    for (int pass = 0; pass < opt.max_passes; ++pass) {
      std::int64_t moves = 0;
      for (node_t i : order) {
        const node_t ci = comm[i];
        const double ki = L.k[i];
        touched.clear();
        for (std::int64_t e = L.off[i]; e < L.off[i + 1]; ++e) {
          const node_t c = comm[L.adj[e]];
          if (to[c] == 0) touched.push_back(c);
          to[c] += L.w[e];
        }
        tot[ci] -= ki;
        // gain of joining c, up to terms that do not depend on c: to[c] − γ tot[c] k_i / 2m
        const double scale = gamma * ki / two_m;
        node_t best = ci;
        double best_gain = to[ci] - scale * tot[ci];
        for (node_t c : touched) {
          const double gain = to[c] - scale * tot[c];
          if (gain > best_gain + opt.min_gain * two_m) {
            best_gain = gain;
            best = c;
          }
        }
        tot[best] += ki;
        for (node_t c : touched) to[c] = 0;
        if (best != ci) {
          comm[i] = best;
          ++moves;
        }
      }
      if (moves == 0) break;
      moved_any = true;
    }
    // compose and aggregate
    std::vector<node_t> cm = comm;
    const node_t nc = canonical_membership(cm);
    for (node_t& m : member) m = cm[m];
    res.level_membership.push_back(member);
    ++res.levels;
    report(opt.progress, "louvain", static_cast<std::uint64_t>(level + 1), 0);
    if ((!moved_any && !(level == 0 && !start.empty())) || nc == n) break;
    LevelGraph Q;
    Q.loop.assign(static_cast<std::size_t>(nc), 0);
    Q.k.assign(static_cast<std::size_t>(nc), 0);
    Q.off.assign(static_cast<std::size_t>(nc) + 1, 0);
    std::vector<std::vector<node_t>> nodes_of(static_cast<std::size_t>(nc));
    for (node_t v = 0; v < n; ++v) nodes_of[cm[v]].push_back(v);
    std::vector<double> acc(static_cast<std::size_t>(nc), 0);
    std::vector<node_t> seen;
    for (node_t c = 0; c < nc; ++c) {
      seen.clear();
      for (node_t v : nodes_of[c]) {
        Q.loop[c] += L.loop[v];
        Q.k[c] += L.k[v];
        for (std::int64_t e = L.off[v]; e < L.off[v + 1]; ++e) {
          const node_t d = cm[L.adj[e]];
          if (d == c) {
            Q.loop[c] += L.w[e];  // each internal edge is met from both ends: A_cc counts it twice
            continue;
          }
          if (acc[d] == 0) seen.push_back(d);
          acc[d] += L.w[e];
        }
      }
      std::sort(seen.begin(), seen.end());
      for (node_t d : seen) {
        Q.adj.push_back(d);
        Q.w.push_back(acc[d]);
        acc[d] = 0;
      }
      Q.off[c + 1] = static_cast<std::int64_t>(Q.adj.size());
    }
    L = std::move(Q);
  }
  res.membership = member;
  res.count = canonical_membership(res.membership);
  res.modularity = modularity(g, res.membership, opt.resolution, opt.use_weights);
  round_offset += res.levels;
  if (res.modularity <= best.modularity + 1e-13) break;  // this round found nothing better
  best = std::move(res);
  start = best.membership;
  }
  return best;
}

// ---------------------------------------------------------------- Leiden

namespace {

// Per-thread scratch of the parallel phases: a dense accumulator indexed by
// community, −1 (weights are ≥ 0) for a community not met yet — no separate
// flag array to read per arc — and the touched list. Every user leaves acc
// all −1, so nothing a thread did before can show in a result.
struct Scratch {
  std::vector<double> acc;
  std::vector<node_t> touched;
  std::vector<node_t> order;
  std::vector<double> weight;
  void fit(std::size_t n) {
    if (acc.size() < n) acc.resize(n, -1.0);
  }
};
using ScratchPool = tbb::enumerable_thread_specific<Scratch>;

// Nodes grouped by community (counting sort, stable in node id): the nodes of
// community c are nodes[start[c] .. start[c + 1]), in increasing id.
struct Groups {
  std::vector<std::int64_t> start;
  std::vector<node_t> nodes;
};
Groups group_by(const std::vector<node_t>& cm, node_t nc) {
  Groups G;
  G.start.assign(static_cast<std::size_t>(nc) + 1, 0);
  for (node_t c : cm) ++G.start[c + 1];
  for (node_t c = 0; c < nc; ++c) G.start[c + 1] += G.start[c];
  G.nodes.resize(cm.size());
  std::vector<std::int64_t> pos(G.start.begin(), G.start.end() - 1);
  for (node_t v = 0; v < static_cast<node_t>(cm.size()); ++v) G.nodes[pos[cm[v]]++] = v;
  return G;
}

// The quotient of L by the partition cm (ids 0..nc-1): node c = the nodes of
// community c, with internal weight on the diagonal; rows sorted. Rows are
// built in parallel, each from its community's nodes in id order (the same
// sums as a sequential build), in fixed chunks of communities whose pieces are
// then copied into place — the same graph for any thread count.
LevelGraph aggregate(const LevelGraph& L, const std::vector<node_t>& cm, node_t nc, ScratchPool& pool) {
  const Groups G = group_by(cm, nc);
  LevelGraph Q;
  Q.loop.assign(static_cast<std::size_t>(nc), 0);
  Q.k.assign(static_cast<std::size_t>(nc), 0);
  Q.off.assign(static_cast<std::size_t>(nc) + 1, 0);
  constexpr std::size_t grain = 256;
  const std::size_t chunks = num_chunks(static_cast<std::size_t>(nc), grain);
  std::vector<std::vector<node_t>> cadj(chunks);
  std::vector<std::vector<double>> cw(chunks);
  parallel_chunks(static_cast<std::size_t>(nc), grain, [&](std::size_t ch, std::size_t b, std::size_t e) {
    Scratch& s = pool.local();
    s.fit(static_cast<std::size_t>(nc));
    auto& ra = cadj[ch];
    auto& rw = cw[ch];
    // raw pointers in locals (through the vectors, stores may force reloads of their data pointers)
    const std::int64_t* off = L.off.data();
    const node_t* adj = L.adj.data();
    const double* wt = L.w.data();
    const node_t* cmp = cm.data();
    const bool unit = L.unit;
    double* acc = s.acc.data();
    for (std::size_t cc = b; cc < e; ++cc) {
      const node_t c = static_cast<node_t>(cc);
      s.touched.clear();
      double loop = 0, k = 0;
      for (std::int64_t i = G.start[c]; i < G.start[c + 1]; ++i) {
        const node_t v = G.nodes[i];
        loop += L.loop[v];
        k += L.k[v];
        for (std::int64_t a = off[v]; a < off[v + 1]; ++a) {
          const node_t d = cmp[adj[a]];
          const double x = unit ? 1.0 : wt[a];
          if (d == c) {
            loop += x;  // met from both ends: A_cc counts an internal edge twice
            continue;
          }
          if (acc[d] < 0) {
            acc[d] = x;  // the same bits as 0 + x
            s.touched.push_back(d);
          } else {
            acc[d] += x;
          }
        }
      }
      std::sort(s.touched.begin(), s.touched.end());
      for (node_t d : s.touched) {
        ra.push_back(d);
        rw.push_back(acc[d]);
        acc[d] = -1.0;
      }
      Q.loop[c] = loop;
      Q.k[c] = k;
      Q.off[c + 1] = static_cast<std::int64_t>(s.touched.size());  // row length; prefix-summed below
    }
  });
  for (node_t c = 0; c < nc; ++c) Q.off[c + 1] += Q.off[c];
  Q.adj.resize(static_cast<std::size_t>(Q.off[nc]));
  Q.w.resize(static_cast<std::size_t>(Q.off[nc]));
  parallel_for(std::size_t{0}, chunks, [&](std::size_t ch) {
    const std::int64_t at = Q.off[ch * grain];
    std::copy(cadj[ch].begin(), cadj[ch].end(), Q.adj.begin() + at);
    std::copy(cw[ch].begin(), cw[ch].end(), Q.w.begin() + at);
  }, 1);
  return Q;
}

// Modularity of the partition cm (ids 0..nc-1) of a level graph: the
// modularity of the original graph's partition it stands for (the quotient
// keeps internal weights and strengths). Fixed-chunk sums: any thread count
// gives the same bits.
double level_modularity(const LevelGraph& L, const std::vector<node_t>& cm, node_t nc, double gamma, double two_m) {
  const node_t n = L.n();
  std::vector<double> K(static_cast<std::size_t>(nc), 0.0);
  for (node_t v = 0; v < n; ++v) K[cm[v]] += L.k[v];
  const double inside = parallel_sum<double>(static_cast<std::size_t>(n), [&](std::size_t i) {
    const node_t v = static_cast<node_t>(i);
    double s = L.loop[v];
    for (std::int64_t a = L.off[v]; a < L.off[v + 1]; ++a)
      if (cm[L.adj[a]] == cm[v]) s += L.weight(a);
    return s;
  });
  double expected = 0;
  for (double x : K) expected += x * x;
  return inside / two_m - gamma * expected / (two_m * two_m);
}

// A seeded random permutation of 0..n-1 (Fisher–Yates on one Philox stream).
std::vector<node_t> random_order(node_t n, std::uint64_t seed, std::uint64_t stream) {
  std::vector<node_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), node_t{0});
  Philox rng(seed, stream);
  for (node_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.bounded(static_cast<std::uint32_t>(i + 1))]);
  return order;
}

// Streams of the Philox generator used by one Leiden level (never reused).
constexpr std::uint64_t kStreamsPerLevel = 4;

// Leiden's fast local moving (Algorithm A.2, MoveNodesFast): a queue that
// starts with every node in random order; a node moves to the neighbouring or
// empty community of largest gain (ties keep the current one, then the first
// met), and its neighbours outside the new community re-enter the queue.
// Returns the number of moves.
std::int64_t move_nodes_fast(const LevelGraph& L, std::vector<node_t>& comm_v, double gamma, double two_m, double min_gain,
                             std::uint64_t seed, std::uint64_t stream) {
  const node_t n = L.n();
  const std::size_t N = static_cast<std::size_t>(n);
  std::vector<double> tot_v(N, 0.0);
  std::vector<node_t> size_v(N, 0);
  for (node_t v = 0; v < n; ++v) {
    tot_v[comm_v[v]] += L.k[v];
    ++size_v[comm_v[v]];
  }
  std::vector<node_t> empty;  // ids of empty communities, reused last-in first-out
  for (node_t c = n; c-- > 0;)
    if (size_v[c] == 0) empty.push_back(c);
  // circular queue of capacity n: a node is in it at most once
  std::vector<node_t> queue_v = random_order(n, seed, stream);
  std::vector<char> queued_v(N, 1);
  std::size_t head = 0, count = N;
  // weight from the current node to each community; −1 (weights are ≥ 0)
  // marks a community not met yet, so no separate flag array is read per arc
  std::vector<double> to_v(N, -1.0);
  std::vector<node_t> touched_v(N);
  // raw pointers in locals: the char stores below (queued) may alias any
  // memory, so through the vectors every access would reload their data pointers
  const std::int64_t* off = L.off.data();
  const node_t* adj = L.adj.data();
  const double* wt = L.w.data();
  const double* kk = L.k.data();
  node_t* comm = comm_v.data();
  double* tot = tot_v.data();
  node_t* size = size_v.data();
  node_t* queue = queue_v.data();
  char* queued = queued_v.data();
  double* to = to_v.data();
  node_t* touched = touched_v.data();
  const bool unit = L.unit;
  std::int64_t moves = 0;
  while (count > 0) {
    const node_t v = queue[head];
    head = head + 1 == N ? 0 : head + 1;
    --count;
    queued[v] = 0;
    const node_t cv = comm[v];
    const double kv = kk[v];
    std::size_t nt = 0;
    const std::int64_t eb = off[v], ee = off[v + 1];
    auto gather = [&](auto weight) {
      for (std::int64_t e = eb; e < ee; ++e) {
        const node_t c = comm[adj[e]];
        if (to[c] < 0) {
          to[c] = weight(e);  // the same bits as 0 + w
          touched[nt++] = c;
        } else {
          to[c] += weight(e);
        }
      }
    };
    if (unit)
      gather([](std::int64_t) { return 1.0; });
    else
      gather([&](std::int64_t e) { return wt[e]; });
    tot[cv] -= kv;
    --size[cv];
    const double scale = gamma * kv / two_m;
    node_t best = cv;
    double best_gain = (to[cv] < 0 ? 0.0 : to[cv]) - scale * tot[cv];
    for (std::size_t i = 0; i < nt; ++i) {
      const node_t c = touched[i];
      const double gain = to[c] - scale * tot[c];
      if (gain > best_gain + min_gain) {
        best_gain = gain;
        best = c;
      }
    }
    // an empty community gains 0 (v alone); only worth it when v's own is not empty
    if (size[cv] > 0 && 0.0 > best_gain + min_gain && !empty.empty()) {
      best = empty.back();
      empty.pop_back();
    }
    for (std::size_t i = 0; i < nt; ++i) to[touched[i]] = -1.0;
    tot[best] += kv;
    ++size[best];
    if (best == cv) continue;
    if (size[cv] == 0) empty.push_back(cv);
    comm[v] = best;
    ++moves;
    for (std::int64_t e = eb; e < ee; ++e) {
      const node_t u = adj[e];
      if (!queued[u] && comm[u] != best) {
        queued[u] = 1;
        std::size_t tail = head + count;
        if (tail >= N) tail -= N;
        queue[tail] = u;
        ++count;
      }
    }
  }
  return moves;
}

// Leiden's refinement (Algorithm A.2, RefinePartition / MergeNodesSubset):
// inside each community S of `cm` (ids 0..nc-1), start from singletons and
// visit S's nodes in random order; a node that is well connected to S and
// still a singleton joins a well-connected refined community T ⊆ S with
// ΔH(v → T) ≥ 0, drawn with probability ∝ exp(ΔH / θ) (its own singleton
// included, ΔH = 0). Every refined community is connected (a node only joins
// a community it has an edge to). Communities are independent, so they are
// refined in parallel, each with its own Philox stream keyed by (stream, S)
// for its visiting order and its draws: the result does not depend on the
// thread count. Returns the refined ids (node ids, not canonical).
std::vector<node_t> refine(const LevelGraph& L, const std::vector<node_t>& cm, node_t nc, double gamma, double two_m,
                           double theta, std::uint64_t seed, std::uint64_t stream, ScratchPool& pool) {
  const node_t n = L.n();
  const double g2m = gamma / two_m;
  const Groups G = group_by(cm, nc);
  std::vector<node_t> ref(static_cast<std::size_t>(n));
  std::iota(ref.begin(), ref.end(), node_t{0});
  // per node (a refined community is named by a node of S): only S's entries
  // are touched while S is refined
  std::vector<double> rk = L.k;                               // strength of each refined community
  std::vector<double> ext(static_cast<std::size_t>(n), 0.0);  // E(T, S − T) of each refined community
  std::vector<node_t> rsize(static_cast<std::size_t>(n), 1);
  parallel_for(node_t{0}, nc, [&](node_t s) {
    const std::int64_t b = G.start[s], e = G.start[s + 1];
    if (e - b < 2) return;  // a singleton community stays as it is
    Scratch& sc = pool.local();
    sc.fit(static_cast<std::size_t>(n));
    double Ks = 0;  // strength of S
    for (std::int64_t i = b; i < e; ++i) {
      const node_t v = G.nodes[i];
      Ks += L.k[v];
      double x = 0;
      for (std::int64_t a = L.off[v]; a < L.off[v + 1]; ++a)
        if (cm[L.adj[a]] == s) x += L.weight(a);
      ext[v] = x;
    }
    Philox rng(seed, (stream << 32) | static_cast<std::uint32_t>(s));
    auto& order = sc.order;
    order.assign(G.nodes.begin() + b, G.nodes.begin() + e);
    for (std::size_t i = order.size() - 1; i > 0; --i)
      std::swap(order[i], order[rng.bounded(static_cast<std::uint32_t>(i + 1))]);
    // raw pointers in locals (through the vectors, stores may force reloads of their data pointers)
    double* to = sc.acc.data();
    auto& touched = sc.touched;
    auto& weight = sc.weight;
    const std::int64_t* off = L.off.data();
    const node_t* adj = L.adj.data();
    const double* wt = L.w.data();
    const node_t* cmp = cm.data();
    node_t* refp = ref.data();
    const bool unit = L.unit;
    for (node_t v : order) {
      if (rsize[ref[v]] != 1) continue;  // only singletons move
      const double kv = L.k[v];
      // v must be well connected to S: E(v, S − v) ≥ γ k_v (K_S − k_v) / 2m
      if (ext[v] < g2m * kv * (Ks - kv)) continue;
      touched.clear();
      for (std::int64_t a = off[v]; a < off[v + 1]; ++a) {
        const node_t u = adj[a];
        if (cmp[u] != s) continue;
        const node_t t = refp[u];
        const double x = unit ? 1.0 : wt[a];
        if (to[t] < 0) {
          to[t] = x;  // the same bits as 0 + x
          touched.push_back(t);
        } else {
          to[t] += x;
        }
      }
      // candidates: v's own singleton (ΔH = 0) and the well-connected T with ΔH ≥ 0
      const node_t own = ref[v];
      std::size_t cands = 0;
      double best = 0;
      for (node_t t : touched) {
        if (t == own) continue;
        const double dh = to[t] - g2m * kv * rk[t];
        const bool well = ext[t] >= g2m * rk[t] * (Ks - rk[t]);
        if (dh >= 0 && well) {
          touched[cands++] = t;  // compact the candidates to the front (t already visited)
          best = std::max(best, dh);
        } else {
          to[t] = -1.0;
        }
      }
      // touched[0..cands) are candidates; the others were cleared above
      node_t chosen = own;
      if (cands > 0) {
        weight.assign(cands + 1, 0.0);
        double total = std::exp((0.0 - best) / theta);
        weight[0] = total;
        for (std::size_t i = 0; i < cands; ++i) {
          const node_t t = touched[i];
          total += std::exp((to[t] - g2m * kv * rk[t] - best) / theta);
          weight[i + 1] = total;
        }
        const double r = rng.uniform() * total;
        std::size_t pick = 0;
        while (pick < cands && weight[pick] <= r) ++pick;
        if (pick > 0) chosen = touched[pick - 1];
      }
      if (chosen != own) {
        const double w_vt = to[chosen];
        ext[chosen] = ext[chosen] + ext[v] - 2 * w_vt;
        rk[chosen] += kv;
        ++rsize[chosen];
        rk[own] = 0;
        rsize[own] = 0;
        ext[own] = 0;
        ref[v] = chosen;
      }
      for (std::size_t i = 0; i < cands; ++i) to[touched[i]] = -1.0;
    }
  }, 4);
  return ref;
}

// Connected pieces of each community of comm (for the fallback aggregation).
std::vector<node_t> split_components(const LevelGraph& L, const std::vector<node_t>& comm) {
  const node_t n = L.n();
  std::vector<node_t> piece(static_cast<std::size_t>(n), -1), stack;
  node_t next = 0;
  for (node_t s = 0; s < n; ++s) {
    if (piece[s] >= 0) continue;
    piece[s] = next;
    stack.assign(1, s);
    while (!stack.empty()) {
      const node_t v = stack.back();
      stack.pop_back();
      for (std::int64_t e = L.off[v]; e < L.off[v + 1]; ++e) {
        const node_t u = L.adj[e];
        if (piece[u] < 0 && comm[u] == comm[v]) {
          piece[u] = next;
          stack.push_back(u);
        }
      }
    }
    ++next;
  }
  return piece;
}

}  // namespace

CommunityResult leiden(const Graph& g, const LeidenOptions& opt) {
  SPRIG_EXPECTS(!g.directed(), "leiden: needs an undirected graph (got a directed one; symmetrize() it first)");
  SPRIG_EXPECTS(opt.resolution > 0, "leiden: resolution must be > 0 (got {})", opt.resolution);
  SPRIG_EXPECTS(opt.randomness > 0, "leiden: randomness must be > 0 (got {})", opt.randomness);
  SPRIG_EXPECTS(opt.iterations != 0, "leiden: iterations must be > 0, or < 0 for until stable (got 0)");
  const node_t n0 = g.num_nodes();
  const bool weighted = opt.use_weights && g.weighted();
  if (weighted)
    for (float x : g.weights()) SPRIG_EXPECTS(x >= 0 && std::isfinite(x), "leiden: weights must be finite and >= 0 (got {})", x);
  const LevelGraph L0 = level0(g, weighted, /*allow_unit=*/true);
  double two_m = 0;
  for (double x : L0.k) two_m += x;
  CommunityResult best;
  best.membership.resize(static_cast<std::size_t>(n0));
  std::iota(best.membership.begin(), best.membership.end(), node_t{0});
  if (n0 == 0 || two_m <= 0) {
    best.count = canonical_membership(best.membership);
    return best;
  }
  const double gamma = opt.resolution;
  // modularities are computed on the level graphs (the same value as
  // modularity(g, ·) up to rounding, at a fraction of the cost)
  best.modularity = level_modularity(L0, best.membership, n0, gamma, two_m);
  const double min_gain = opt.min_gain * two_m;
  ScratchPool pool;
  std::uint64_t stream = 0;
  std::vector<node_t> start = best.membership;  // partition the next iteration starts from
  const int max_iter = opt.iterations > 0 ? opt.iterations : std::numeric_limits<int>::max();
  for (int it = 0; it < max_iter; ++it) {
    const LevelGraph* L = &L0;  // the current level; level 0 is L0 itself (not copied)
    LevelGraph coarse;
    std::vector<node_t> comm = start;     // the partition P of the current level's nodes
    std::vector<node_t> member(static_cast<std::size_t>(n0));  // original node → current level node
    std::iota(member.begin(), member.end(), node_t{0});
    CommunityResult res;
    std::int64_t moves_total = 0;
    std::vector<node_t> cm;
    node_t nc = 0;
    for (int level = 0;; ++level) {
      const node_t n = L->n();
      moves_total += move_nodes_fast(*L, comm, gamma, two_m, min_gain, opt.seed, stream);
      cm = comm;
      nc = canonical_membership(cm);
      {
        std::vector<node_t> m(member.size());
        parallel_for(std::size_t{0}, member.size(), [&](std::size_t i) { m[i] = cm[member[i]]; }, 8192);
        res.level_membership.push_back(std::move(m));
      }
      ++res.levels;
      report(opt.progress, "leiden", static_cast<std::uint64_t>(level + 1), 0);
      if (nc == n) break;  // every community is one aggregated node: a refined (connected) set
      std::vector<node_t> ref = refine(*L, cm, nc, gamma, two_m, opt.randomness, opt.seed, stream + 2, pool);
      node_t nr = canonical_membership(ref);
      if (nr == n) {
        // refinement merged nothing: aggregate the connected pieces of P's communities
        // instead (still connected sets, so the guarantee holds; as igraph, which
        // aggregates on P itself here)
        ref = split_components(*L, cm);
        nr = canonical_membership(ref);
        if (nr == n) break;
      }
      stream += kStreamsPerLevel;
      // the next level: nodes = refined communities, starting in their P community
      std::vector<node_t> next_comm(static_cast<std::size_t>(nr));
      for (node_t v = 0; v < n; ++v) next_comm[ref[v]] = cm[v];
      coarse = aggregate(*L, ref, nr, pool);
      L = &coarse;
      parallel_for(std::size_t{0}, member.size(), [&](std::size_t i) { member[i] = ref[member[i]]; }, 8192);
      comm = std::move(next_comm);
    }
    stream += kStreamsPerLevel;
    res.membership = res.level_membership.back();
    res.count = canonical_membership(res.membership);
    res.modularity = level_modularity(*L, cm, nc, gamma, two_m);
    const bool better = res.modularity > best.modularity + 1e-13;
    if (better || it == 0) best = std::move(res);
    // until stable: stop at the first iteration that does not improve (an
    // iteration may lower modularity: the refinement is randomized)
    if (!better || moves_total == 0) break;
    start = best.membership;
  }
  return best;
}

}  // namespace sprig
