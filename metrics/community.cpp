#include <sprig/metrics/community.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>

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
  node_t n() const { return static_cast<node_t>(loop.size()); }
};
}  // namespace

CommunityResult louvain(const Graph& g, const LouvainOptions& opt) {
  SPRIG_EXPECTS(!g.directed(), "louvain: needs an undirected graph (got a directed one; symmetrize() it first)");
  SPRIG_EXPECTS(opt.resolution > 0, "louvain: resolution must be > 0 (got {})", opt.resolution);
  const node_t n0 = g.num_nodes();
  const bool weighted = opt.use_weights && g.weighted();
  if (weighted)
    for (float x : g.weights()) SPRIG_EXPECTS(x >= 0, "louvain: weights must be >= 0 (got {})", x);

  LevelGraph L;
  L.off.assign(static_cast<std::size_t>(n0) + 1, 0);
  L.loop.assign(static_cast<std::size_t>(n0), 0);
  L.k.assign(static_cast<std::size_t>(n0), 0);
  for (node_t u = 0; u < n0; ++u) {
    const auto nb = g.neighbors(u);
    const auto ws = g.weights(u);
    for (std::size_t j = 0; j < nb.size(); ++j) {
      const double a = weighted ? ws[j] : 1.0;
      if (nb[j] == u) {
        L.loop[u] += 2 * a;
        L.k[u] += 2 * a;
      } else {
        L.adj.push_back(nb[j]);
        L.w.push_back(a);
        L.k[u] += a;
      }
    }
    L.off[u + 1] = static_cast<std::int64_t>(L.adj.size());
  }
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

}  // namespace sprig
