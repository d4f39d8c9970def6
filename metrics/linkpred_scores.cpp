// Link-prediction heuristics. Every pair is scored by one thread with a
// thread-local workspace (dense arrays reset through touched lists), so the
// result does not depend on the thread count. PPR groups pairs by source so
// one push serves every target of that source.
#include <sprig/metrics/linkpred_scores.hpp>
#include <sprig/metrics/linkpred_pair.hpp>
#include <sprig/metrics/linkpred_scores_cuda.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include <tbb/enumerable_thread_specific.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig {
namespace {

struct ScoreInfo {
  LinkScore score;
  std::string_view name, formula;
};

constexpr std::array<ScoreInfo, 20> kScores = {{
    {LinkScore::common_neighbors, "cn", "common neighbours |N(u) & N(v)|"},
    {LinkScore::jaccard, "jaccard", "CN / |N(u) | N(v)| (0 if the union is empty)"},
    {LinkScore::sorensen, "sorensen", "2 CN / (k_u + k_v)"},
    {LinkScore::salton, "salton", "CN / sqrt(k_u k_v) (cosine)"},
    {LinkScore::hub_promoted, "hpi", "CN / min(k_u, k_v) (hub promoted)"},
    {LinkScore::hub_depressed, "hdi", "CN / max(k_u, k_v) (hub depressed)"},
    {LinkScore::leicht_holme_newman, "lhn", "CN / (k_u k_v) (Leicht-Holme-Newman)"},
    {LinkScore::preferential_attachment, "pa", "k_u k_v (preferential attachment)"},
    {LinkScore::adamic_adar, "aa", "sum over common w of 1 / ln k_w (Adamic-Adar)"},
    {LinkScore::resource_allocation, "ra", "sum over common w of 1 / k_w (resource allocation)"},
    {LinkScore::local_path, "lp", "(A^2)_uv + eps (A^3)_uv (local path index)"},
    {LinkScore::katz, "katz", "sum_{l<=L} beta^l (A^l)_uv (truncated Katz, walks)"},
    {LinkScore::katz_paths, "katz_paths", "sum_{l<=L} beta^l #simple paths of length l"},
    {LinkScore::ppr, "ppr", "personalized PageRank pi_u(v) by forward push"},
    {LinkScore::ppr_symmetric, "ppr_sym", "pi_u(v) + pi_v(u)"},
    {LinkScore::simrank, "simrank", "SimRank s_K(u,v) = E[C^tau; tau <= K]"},
    {LinkScore::inverse_distance, "inv_dist", "1 / shortest-path distance (0 if unreachable)"},
    {LinkScore::weighted_cn, "wcn", "sum over common w of (w_uw + w_wv)"},
    {LinkScore::weighted_aa, "waa", "sum over common w of (w_uw + w_wv) / ln(1 + s_w)"},
    {LinkScore::weighted_ra, "wra", "sum over common w of (w_uw + w_wv) / s_w"},
}};

constexpr std::array<LinkScore, 20> kAll = [] {
  std::array<LinkScore, 20> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = kScores[i].score;
  return a;
}();

bool is_neighborhood(LinkScore s) {
  switch (s) {
    case LinkScore::common_neighbors:
    case LinkScore::jaccard:
    case LinkScore::sorensen:
    case LinkScore::salton:
    case LinkScore::hub_promoted:
    case LinkScore::hub_depressed:
    case LinkScore::leicht_holme_newman:
    case LinkScore::preferential_attachment:
    case LinkScore::adamic_adar:
    case LinkScore::resource_allocation:
    case LinkScore::weighted_cn:
    case LinkScore::weighted_aa:
    case LinkScore::weighted_ra: return true;
    default: return false;
  }
}

bool is_weighted_score(LinkScore s) {
  return s == LinkScore::weighted_cn || s == LinkScore::weighted_aa || s == LinkScore::weighted_ra;
}

// Sums over the common neighbours of one pair; the formulas and the
// intersection are the code the CUDA kernel runs too (metrics/linkpred_pair.hpp).
using NbrStats = detail::PairSums;

double neighborhood_value(LinkScore s, const NbrStats& st, double ku, double kv) {
  return detail::neighborhood_formula(s, st, ku, kv);
}

// Calls fn(i, j) for every a[i] == b[j] of two sorted lists, in increasing order.
template <class Fn>
void intersect(std::span<const node_t> a, std::span<const node_t> b, Fn&& fn) {
  detail::intersect_sorted(a.data(), a.size(), b.data(), b.size(), fn);
}

// Node-level quantities the neighbourhood scores read.
struct NodeTables {
  std::vector<double> inv_log_deg, inv_deg, strength, inv_log1p_strength, inv_strength;
};

// Unweighted CN of u and v (rows nu, nv) into st, with AA and RA when asked
// (a plain count otherwise: no table lookups).
void add_common_stats(std::span<const node_t> nu, std::span<const node_t> nv, const NodeTables& tab, bool need_aara,
                      NbrStats& st) {
  if (need_aara) {
    intersect(nu, nv, [&](std::size_t a, std::size_t) {
      const node_t x = nu[a];
      st.cn += 1;
      st.aa += tab.inv_log_deg[x];
      st.ra += tab.inv_deg[x];
    });
  } else {
    std::size_t c = 0;
    intersect(nu, nv, [&](std::size_t, std::size_t) { ++c; });
    st.cn = static_cast<double>(c);
  }
}

// The target edge removed for one pair (active only when it is an edge).
struct Mask {
  node_t a = -1, b = -1;
  bool on = false;
  bool blocks(node_t x, node_t y) const noexcept { return on && ((x == a && y == b) || (x == b && y == a)); }
  double deg_drop(node_t x) const noexcept { return on && (x == a || x == b) ? 1.0 : 0.0; }
};

// Walk counts from one source, level by level, in dense arrays with touched lists.
struct WalkSide {
  std::vector<std::vector<double>> cnt;
  std::vector<std::vector<node_t>> touched;
  void run(const Graph& g, node_t s, int h, const Mask& m) {
    const auto n = static_cast<std::size_t>(g.num_nodes());
    if (cnt.size() < static_cast<std::size_t>(h + 1)) {
      cnt.resize(h + 1);
      touched.resize(h + 1);
    }
    for (int k = 0; k <= h; ++k)
      if (cnt[k].size() != n) cnt[k].assign(n, 0.0);
    cnt[0][s] = 1;
    touched[0].push_back(s);
    for (int k = 1; k <= h; ++k) {
      auto& cur = cnt[k];
      for (node_t x : touched[k - 1]) {
        const double c = cnt[k - 1][x];
        for (node_t y : g.neighbors(x)) {
          if (m.blocks(x, y)) continue;
          if (cur[y] == 0) touched[k].push_back(y);
          cur[y] += c;
        }
      }
    }
  }
  void clear() {
    for (std::size_t k = 0; k < touched.size(); ++k) {
      for (node_t x : touched[k]) cnt[k][x] = 0;
      touched[k].clear();
    }
  }
};

// Σ_x U[a][x] · V[b][x] over the shorter touched list.
double meet(const WalkSide& U, int a, const WalkSide& V, int b) {
  const auto& tu = U.touched[a];
  const auto& tv = V.touched[b];
  double s = 0;
  if (tu.size() <= tv.size()) {
    for (node_t x : tu) s += U.cnt[a][x] * V.cnt[b][x];
  } else {
    for (node_t x : tv) s += U.cnt[a][x] * V.cnt[b][x];
  }
  return s;
}

struct Workspace {
  WalkSide wu, wv;
  // BFS / path search
  std::vector<int> du, dv;
  std::vector<node_t> tu, tv, fu, fv, next;
  std::vector<char> on_path;
  std::vector<double> path_count;
  // SimRank
  std::vector<std::pair<std::uint64_t, double>> cur, nxt;
  // PPR
  std::vector<double> p, r;
  std::vector<char> inq, seen;
  std::vector<node_t> queue, ptouched;
};

void ensure(std::vector<int>& d, std::size_t n) {
  if (d.size() != n) d.assign(n, -1);
}

// Shortest-path distance by bidirectional BFS (full levels); -1 when none within max_d.
int distance(const Graph& g, node_t u, node_t v, const Mask& m, int max_d, Workspace& w) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  ensure(w.du, n);
  ensure(w.dv, n);
  w.du[u] = 0;
  w.dv[v] = 0;
  w.tu.assign(1, u);
  w.tv.assign(1, v);
  w.fu.assign(1, u);
  w.fv.assign(1, v);
  int a = 0, b = 0, result = -1;
  while (result < 0 && !w.fu.empty() && !w.fv.empty() && (max_d <= 0 || a + b < max_d)) {
    const bool grow_u = w.fu.size() <= w.fv.size();
    auto& front = grow_u ? w.fu : w.fv;
    auto& mine = grow_u ? w.du : w.dv;
    auto& other = grow_u ? w.dv : w.du;
    auto& touched = grow_u ? w.tu : w.tv;
    const int depth = grow_u ? a : b;
    w.next.clear();
    for (node_t x : front) {
      for (node_t y : g.neighbors(x)) {
        if (m.blocks(x, y) || mine[y] >= 0) continue;
        if (other[y] >= 0) {
          result = depth + 1 + other[y];
          break;
        }
        mine[y] = depth + 1;
        touched.push_back(y);
        w.next.push_back(y);
      }
      if (result >= 0) break;
    }
    front.swap(w.next);
    (grow_u ? a : b) += 1;
  }
  for (node_t x : w.tu) w.du[x] = -1;
  for (node_t x : w.tv) w.dv[x] = -1;
  if (max_d > 0 && result > max_d) return -1;
  return result;
}

// Simple paths u → v of each length 1..L (path_count[l]), avoiding the mask;
// the search is pruned by the BFS distance to v.
void simple_paths(const Graph& g, node_t u, node_t v, int L, const Mask& m, Workspace& w) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  ensure(w.dv, n);
  if (w.on_path.size() != n) w.on_path.assign(n, 0);
  w.path_count.assign(static_cast<std::size_t>(L + 1), 0.0);
  // Distances to v up to L - 1.
  w.dv[v] = 0;
  w.tv.assign(1, v);
  for (std::size_t i = 0; i < w.tv.size(); ++i) {
    const node_t x = w.tv[i];
    if (w.dv[x] >= L - 1) continue;
    for (node_t y : g.neighbors(x)) {
      if (m.blocks(x, y) || w.dv[y] >= 0) continue;
      w.dv[y] = w.dv[x] + 1;
      w.tv.push_back(y);
    }
  }
  auto dfs = [&](auto&& self, node_t x, int d) -> void {
    for (node_t y : g.neighbors(x)) {
      if (m.blocks(x, y)) continue;
      if (y == v) {
        w.path_count[static_cast<std::size_t>(d + 1)] += 1;
        continue;
      }
      if (w.on_path[y] || d + 1 >= L || w.dv[y] < 0 || w.dv[y] > L - (d + 1)) continue;
      w.on_path[y] = 1;
      self(self, y, d + 1);
      w.on_path[y] = 0;
    }
  };
  w.on_path[u] = 1;
  dfs(dfs, u, 0);
  w.on_path[u] = 0;
  for (node_t x : w.tv) w.dv[x] = -1;
}

// Truncated SimRank for one pair: E[C^τ; τ ≤ K] over unordered position pairs.
double simrank_pair(const Graph& g, node_t u, node_t v, double C, int K, const Mask& m, Workspace& w) {
  auto key = [](node_t x, node_t y) {
    if (x > y) std::swap(x, y);
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) << 32) | static_cast<std::uint32_t>(y);
  };
  auto deg = [&](node_t x) { return static_cast<double>(g.degree(x)) - m.deg_drop(x); };
  w.cur.assign(1, {key(u, v), 1.0});
  double s = 0, ct = 1;
  for (int t = 1; t <= K && !w.cur.empty(); ++t) {
    ct *= C;
    w.nxt.clear();
    double met = 0;
    for (const auto& [k, mass] : w.cur) {
      const auto x = static_cast<node_t>(k >> 32), y = static_cast<node_t>(static_cast<std::uint32_t>(k));
      const double dx = deg(x), dy = deg(y);
      if (dx == 0 || dy == 0) continue;
      const double mm = mass / (dx * dy);
      for (node_t a : g.neighbors(x)) {
        if (m.blocks(x, a)) continue;
        for (node_t b : g.neighbors(y)) {
          if (m.blocks(y, b)) continue;
          if (a == b)
            met += mm;
          else if (t < K)
            w.nxt.emplace_back(key(a, b), mm);
        }
      }
    }
    s += ct * met;
    std::sort(w.nxt.begin(), w.nxt.end());
    std::size_t o = 0;
    for (std::size_t i = 0; i < w.nxt.size(); ++i) {
      if (o > 0 && w.nxt[o - 1].first == w.nxt[i].first)
        w.nxt[o - 1].second += w.nxt[i].second;
      else
        w.nxt[o++] = w.nxt[i];
    }
    w.nxt.resize(o);
    w.cur.swap(w.nxt);
  }
  return s;
}

// Forward push from s (Andersen–Chung–Lang, non-lazy): fills w.p (touched in w.ptouched).
void ppr_push(const Graph& g, node_t s, double alpha, double eps, const Mask& m, Workspace& w) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  if (w.p.size() != n) {
    w.p.assign(n, 0.0);
    w.r.assign(n, 0.0);
    w.inq.assign(n, 0);
    w.seen.assign(n, 0);
  }
  auto deg = [&](node_t x) { return static_cast<double>(g.degree(x)) - m.deg_drop(x); };
  w.queue.clear();
  w.ptouched.clear();
  w.r[s] = 1.0;
  w.seen[s] = 1;
  w.ptouched.push_back(s);
  w.queue.push_back(s);
  w.inq[s] = 1;
  for (std::size_t head = 0; head < w.queue.size(); ++head) {
    const node_t x = w.queue[head];
    w.inq[x] = 0;
    const double rx = w.r[x];
    const double dx = deg(x);
    w.p[x] += alpha * rx;
    w.r[x] = 0;
    if (dx == 0) continue;  // absorbing: the walk stops here
    const double share = (1.0 - alpha) * rx / dx;
    for (node_t y : g.neighbors(x)) {
      if (m.blocks(x, y)) continue;
      if (!w.seen[y]) {
        w.seen[y] = 1;
        w.ptouched.push_back(y);
      }
      w.r[y] += share;
      if (!w.inq[y] && w.r[y] > eps * deg(y)) {
        w.inq[y] = 1;
        w.queue.push_back(y);
      }
    }
  }
}

void ppr_clear(Workspace& w) {
  for (node_t x : w.ptouched) {
    w.p[x] = 0;
    w.r[x] = 0;
    w.seen[x] = 0;
  }
  w.ptouched.clear();
}

void check_graph(const Graph& g, const char* fn) {
  SPRIG_EXPECTS(!g.directed(), "{}: the graph is directed; link-prediction scores need an undirected graph "
                               "(symmetrize it first)", fn);
}

void check_pairs(const Graph& g, std::span<const NodePair> pairs, const char* fn) {
  const node_t n = g.num_nodes();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [u, v] = pairs[i];
    SPRIG_EXPECTS(u >= 0 && u < n, "{}: pair {} has node id {} outside [0, n = {})", fn, i, u, n);
    SPRIG_EXPECTS(v >= 0 && v < n, "{}: pair {} has node id {} outside [0, n = {})", fn, i, v, n);
    SPRIG_EXPECTS(u != v, "{}: pair {} is ({}, {}); a node is not a candidate link to itself", fn, i, u, v);
  }
}

void check_options(const LinkScoreOptions& o) {
  const char* fn = "link_scores";
  SPRIG_EXPECTS(o.lp_epsilon >= 0 && std::isfinite(o.lp_epsilon), "{}: lp_epsilon must be >= 0 (got {})", fn,
                o.lp_epsilon);
  SPRIG_EXPECTS(o.katz_beta > 0 && std::isfinite(o.katz_beta), "{}: katz_beta must be > 0 (got {})", fn, o.katz_beta);
  SPRIG_EXPECTS(o.katz_max_length >= 1 && o.katz_max_length <= 12, "{}: katz_max_length must be in 1..12 (got {})",
                fn, o.katz_max_length);
  SPRIG_EXPECTS(o.ppr_alpha > 0 && o.ppr_alpha < 1, "{}: ppr_alpha must be in (0, 1) (got {})", fn, o.ppr_alpha);
  SPRIG_EXPECTS(o.ppr_epsilon > 0 && std::isfinite(o.ppr_epsilon), "{}: ppr_epsilon must be > 0 (got {})", fn,
                o.ppr_epsilon);
  SPRIG_EXPECTS(o.simrank_c > 0 && o.simrank_c < 1, "{}: simrank_c must be in (0, 1) (got {})", fn, o.simrank_c);
  SPRIG_EXPECTS(o.simrank_iterations >= 1 && o.simrank_iterations <= 10,
                "{}: simrank_iterations must be in 1..10 (got {})", fn, o.simrank_iterations);
  SPRIG_EXPECTS(o.max_distance >= 0, "{}: max_distance must be >= 0 (got {})", fn, o.max_distance);
}

NodeTables make_tables(const Graph& g, bool plain, bool weighted) {
  NodeTables t;
  const auto n = static_cast<std::size_t>(g.num_nodes());
  if (plain) {
    t.inv_log_deg.resize(n);
    t.inv_deg.resize(n);
  }
  if (weighted) {
    t.strength.resize(n);
    t.inv_log1p_strength.resize(n);
    t.inv_strength.resize(n);
  }
  parallel_for<std::size_t>(0, n, [&](std::size_t x) {
    const auto k = static_cast<double>(g.degree(static_cast<node_t>(x)));
    if (plain) {
      t.inv_log_deg[x] = k > 1 ? 1.0 / std::log(k) : 0.0;
      t.inv_deg[x] = k > 0 ? 1.0 / k : 0.0;
    }
    if (weighted) {
      double s = 0;
      if (g.weighted())
        for (float w : g.weights(static_cast<node_t>(x))) s += w;
      else
        s = k;
      t.strength[x] = s;
      t.inv_log1p_strength[x] = s > 0 ? 1.0 / std::log1p(s) : 0.0;
      t.inv_strength[x] = s > 0 ? 1.0 / s : 0.0;
    }
  });
  return t;
}

constexpr std::size_t kBlock = std::size_t{1} << 16;

// Fast path for the unweighted neighbourhood scores alone (the common case:
// CN, Jaccard, AA, RA of many pairs). The work per pair is a short merge; the
// cost is the random reads of two rows, so the offsets of the pair 12 ahead and
// the rows of the pair 6 ahead are prefetched and several pairs' reads overlap
// (2.4x fewer CPU-seconds on email-Enron than without). Same merge, same order
// of additions as the general path: bitwise the same values.
void streamed_neighborhood_scores(const Graph& g, std::span<const NodePair> pairs, std::span<const LinkScore> scores,
                                  const NodeTables& tab, bool need_aara, bool exclude_target,
                                  std::vector<std::vector<double>>& out, const ProgressFn& progress) {
  const std::size_t np = pairs.size();
  const auto off = g.offsets();
  const node_t* tg = g.targets().data();
  for (std::size_t b0 = 0; b0 < np; b0 += kBlock) {
    const std::size_t b1 = std::min(np, b0 + kBlock);
    parallel_chunks(b1 - b0, 2048, [&](std::size_t, std::size_t cb, std::size_t ce) {
      const std::size_t b = b0 + cb, e = b0 + ce;
      for (std::size_t i = b; i < e; ++i) {
        if (i + 12 < e) {
          __builtin_prefetch(&off[static_cast<std::size_t>(pairs[i + 12].u)]);
          __builtin_prefetch(&off[static_cast<std::size_t>(pairs[i + 12].v)]);
        }
        if (i + 6 < e) {
          __builtin_prefetch(tg + off[static_cast<std::size_t>(pairs[i + 6].u)]);
          __builtin_prefetch(tg + off[static_cast<std::size_t>(pairs[i + 6].v)]);
        }
        const auto [u, v] = pairs[i];
        const auto nu = g.neighbors(u), nv = g.neighbors(v);
        NbrStats st;
        add_common_stats(nu, nv, tab, need_aara, st);
        const double drop = exclude_target && g.has_arc(u, v) ? 1.0 : 0.0;
        const double ku = static_cast<double>(nu.size()) - drop, kv = static_cast<double>(nv.size()) - drop;
        for (std::size_t j = 0; j < scores.size(); ++j) out[j][i] = neighborhood_value(scores[j], st, ku, kv);
      }
    });
    report(progress, "score", b1, np);
  }
}

}  // namespace

std::span<const LinkScore> all_link_scores() noexcept { return kAll; }

std::string_view link_score_name(LinkScore s) noexcept {
  for (const auto& i : kScores)
    if (i.score == s) return i.name;
  return "?";
}

std::string_view link_score_formula(LinkScore s) noexcept {
  for (const auto& i : kScores)
    if (i.score == s) return i.formula;
  return "?";
}

LinkScore parse_link_score(std::string_view name) {
  for (const auto& i : kScores)
    if (i.name == name) return i.score;
  std::string names;
  for (const auto& i : kScores) names += (names.empty() ? "" : ", ") + std::string(i.name);
  throw InvalidArgument(fmt::format("unknown link score '{}' (valid: {})", name, names));
}

std::vector<LinkScore> parse_link_scores(std::string_view list) {
  if (list == "all") return {kAll.begin(), kAll.end()};
  std::vector<LinkScore> out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t c = list.find(',', pos);
    const std::string_view tok = list.substr(pos, c == std::string_view::npos ? std::string_view::npos : c - pos);
    SPRIG_EXPECTS(!tok.empty(), "empty name in link score list '{}'", list);
    out.push_back(parse_link_score(tok));
    if (c == std::string_view::npos) break;
    pos = c + 1;
  }
  return out;
}

std::vector<std::vector<double>> link_scores(const Graph& g, std::span<const NodePair> pairs,
                                             std::span<const LinkScore> scores, const LinkScoreOptions& opt) {
  check_graph(g, "link_scores");
  check_options(opt);
  if (opt.validate) check_pairs(g, pairs, "link_scores");
  if (opt.device == Device::cuda) return detail::link_scores_cuda(g, pairs, scores, opt);
  const std::size_t np = pairs.size();
  std::vector<std::vector<double>> out(scores.size(), std::vector<double>(np, 0.0));

  bool need_nbr = false, need_w = false, need_plain = false, need_walks = false, need_paths = false,
       need_sim = false, need_dist = false, need_ppr = false, need_ppr_back = false;
  int walk_len = 0;
  for (LinkScore s : scores) {
    if (is_neighborhood(s)) {
      need_nbr = true;
      (is_weighted_score(s) ? need_w : need_plain) = true;
    }
    if (s == LinkScore::local_path) walk_len = std::max(walk_len, 3), need_walks = true;
    if (s == LinkScore::katz) walk_len = std::max(walk_len, opt.katz_max_length), need_walks = true;
    if (s == LinkScore::katz_paths) {
      SPRIG_EXPECTS(opt.katz_max_length <= 8, "link_scores: katz_paths needs katz_max_length <= 8 (got {})",
                    opt.katz_max_length);
      need_paths = true;
    }
    if (s == LinkScore::simrank) need_sim = true;
    if (s == LinkScore::inverse_distance) need_dist = true;
    if (s == LinkScore::ppr) need_ppr = true;
    if (s == LinkScore::ppr_symmetric) need_ppr = need_ppr_back = true;
  }
  bool need_aara = false;
  for (LinkScore s : scores)
    need_aara = need_aara || s == LinkScore::adamic_adar || s == LinkScore::resource_allocation;
  const NodeTables tab = need_nbr ? make_tables(g, need_plain && need_aara, need_w) : NodeTables{};
  tbb::enumerable_thread_specific<Workspace> tls;
  const bool heavy = need_walks || need_paths || need_sim || need_dist;
  const bool per_pair = need_nbr || heavy;

  auto mask_of = [&](const NodePair& p) {
    Mask m;
    if (opt.exclude_target_edge && g.has_arc(p.u, p.v)) m = Mask{p.u, p.v, true};
    return m;
  };

  if (need_nbr && !need_w && !heavy) {
    std::vector<LinkScore> nbr_scores;
    std::vector<std::vector<double>> cols;
    std::vector<std::size_t> where;
    for (std::size_t j = 0; j < scores.size(); ++j)
      if (is_neighborhood(scores[j])) nbr_scores.push_back(scores[j]), where.push_back(j);
    cols.resize(nbr_scores.size());
    for (std::size_t j = 0; j < where.size(); ++j) cols[j] = std::move(out[where[j]]);
    streamed_neighborhood_scores(g, pairs, nbr_scores, tab, need_aara, opt.exclude_target_edge, cols, opt.progress);
    for (std::size_t j = 0; j < where.size(); ++j) out[where[j]] = std::move(cols[j]);
  } else if (per_pair) {
    for (std::size_t b0 = 0; b0 < np; b0 += kBlock) {
      const std::size_t b1 = std::min(np, b0 + kBlock);
      parallel_for<std::size_t>(
          b0, b1,
          [&](std::size_t i) {
            const auto [u, v] = pairs[i];
            const Mask m = mask_of(pairs[i]);
            const double ku = static_cast<double>(g.degree(u)) - m.deg_drop(u);
            const double kv = static_cast<double>(g.degree(v)) - m.deg_drop(v);
            NbrStats st;
            if (need_nbr) {
              const auto nu = g.neighbors(u), nv = g.neighbors(v);
              if (need_w) {
                const auto wu = g.weights(u), wv = g.weights(v);
                const bool gw = g.weighted();
                intersect(nu, nv, [&](std::size_t a, std::size_t b) {
                  const node_t x = nu[a];
                  st.cn += 1;
                  if (need_aara) {
                    st.aa += tab.inv_log_deg[x];
                    st.ra += tab.inv_deg[x];
                  }
                  const double ws = gw ? static_cast<double>(wu[a]) + static_cast<double>(wv[b]) : 2.0;
                  st.wcn += ws;
                  st.waa += ws * tab.inv_log1p_strength[x];
                  st.wra += ws * tab.inv_strength[x];
                });
              } else {
                add_common_stats(nu, nv, tab, need_aara, st);
              }
            }
            Workspace* w = heavy ? &tls.local() : nullptr;
            std::vector<double> walks;
            if (need_walks) {
              const int h1 = (walk_len + 1) / 2, h2 = walk_len / 2;
              w->wu.run(g, u, h1, m);
              w->wv.run(g, v, h2, m);
              walks.assign(static_cast<std::size_t>(walk_len + 1), 0.0);
              for (int l = 1; l <= walk_len; ++l) {
                const int a = std::min(l, h1);
                walks[l] = meet(w->wu, a, w->wv, l - a);
              }
              w->wu.clear();
              w->wv.clear();
            }
            for (std::size_t j = 0; j < scores.size(); ++j) {
              const LinkScore s = scores[j];
              double val = 0;
              if (is_neighborhood(s)) {
                val = neighborhood_value(s, st, ku, kv);
              } else if (s == LinkScore::local_path) {
                val = walks[2] + opt.lp_epsilon * walks[3];
              } else if (s == LinkScore::katz) {
                double bl = 1;
                for (int l = 1; l <= opt.katz_max_length; ++l) {
                  bl *= opt.katz_beta;
                  val += bl * walks[l];
                }
              } else if (s == LinkScore::katz_paths) {
                simple_paths(g, u, v, opt.katz_max_length, m, *w);
                double bl = 1;
                for (int l = 1; l <= opt.katz_max_length; ++l) {
                  bl *= opt.katz_beta;
                  val += bl * w->path_count[l];
                }
              } else if (s == LinkScore::simrank) {
                val = simrank_pair(g, u, v, opt.simrank_c, opt.simrank_iterations, m, *w);
              } else if (s == LinkScore::inverse_distance) {
                const int d = distance(g, u, v, m, opt.max_distance, *w);
                val = d > 0 ? 1.0 / d : 0.0;
              } else {
                continue;  // PPR below
              }
              out[j][i] = val;
            }
          },
          heavy ? 16 : 1024);
      report(opt.progress, "score", b1, np);
    }
  }

  if (need_ppr) {
    // Requests: (source → target) per pair, and the reverse for ppr_sym. Unmasked
    // requests with the same source share one push; masked ones push alone.
    const std::size_t nreq = need_ppr_back ? 2 * np : np;
    auto req_src = [&](std::size_t r) { return r < np ? pairs[r].u : pairs[r - np].v; };
    auto req_dst = [&](std::size_t r) { return r < np ? pairs[r].v : pairs[r - np].u; };
    auto req_pair = [&](std::size_t r) { return r < np ? pairs[r] : pairs[r - np]; };
    std::vector<char> masked(nreq);
    parallel_for<std::size_t>(0, nreq, [&](std::size_t r) { masked[r] = mask_of(req_pair(r)).on; });
    std::vector<std::size_t> order(nreq);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (masked[a] != masked[b]) return masked[a] < masked[b];
      return req_src(a) < req_src(b);
    });
    std::vector<std::size_t> group_start;
    for (std::size_t k = 0; k < nreq; ++k)
      if (k == 0 || masked[order[k]] || req_src(order[k]) != req_src(order[k - 1])) group_start.push_back(k);
    group_start.push_back(nreq);
    std::vector<double> res(nreq, 0.0);
    const std::size_t ng = group_start.size() - 1;
    const std::size_t gblock = 4096;
    for (std::size_t g0 = 0; g0 < ng; g0 += gblock) {
      const std::size_t g1 = std::min(ng, g0 + gblock);
      parallel_for<std::size_t>(
          g0, g1,
          [&](std::size_t gi) {
            Workspace& w = tls.local();
            const std::size_t first = order[group_start[gi]];
            const Mask m = masked[first] ? mask_of(req_pair(first)) : Mask{};
            ppr_push(g, req_src(first), opt.ppr_alpha, opt.ppr_epsilon, m, w);
            for (std::size_t k = group_start[gi]; k < group_start[gi + 1]; ++k) res[order[k]] = w.p[req_dst(order[k])];
            ppr_clear(w);
          },
          1);
      report(opt.progress, "ppr", g1, ng);
    }
    for (std::size_t j = 0; j < scores.size(); ++j) {
      if (scores[j] == LinkScore::ppr)
        parallel_for<std::size_t>(0, np, [&](std::size_t i) { out[j][i] = res[i]; });
      else if (scores[j] == LinkScore::ppr_symmetric)
        parallel_for<std::size_t>(0, np, [&](std::size_t i) { out[j][i] = res[i] + res[np + i]; });
    }
  }
  return out;
}

std::vector<double> link_score(const Graph& g, std::span<const NodePair> pairs, LinkScore score,
                               const LinkScoreOptions& opt) {
  const LinkScore s[1] = {score};
  return std::move(link_scores(g, pairs, s, opt)[0]);
}

CandidateLinks top_k_candidates(const Graph& g, LinkScore score, std::int64_t k, const LinkScoreOptions& opt) {
  std::vector<node_t> all(static_cast<std::size_t>(g.num_nodes()));
  std::iota(all.begin(), all.end(), node_t{0});
  return top_k_candidates(g, score, k, all, opt);
}

CandidateLinks top_k_candidates(const Graph& g, LinkScore score, std::int64_t k, std::span<const node_t> sources,
                                const LinkScoreOptions& opt) {
  check_graph(g, "top_k_candidates");
  for (std::size_t i = 0; i < sources.size(); ++i)
    SPRIG_EXPECTS(sources[i] >= 0 && sources[i] < g.num_nodes(),
                  "top_k_candidates: sources[{}] = {} is outside [0, n = {})", i, sources[i], g.num_nodes());
  SPRIG_EXPECTS(k > 0, "top_k_candidates: k must be > 0 (got {})", k);
  SPRIG_EXPECTS(is_neighborhood(score),
                "top_k_candidates: score '{}' is not a neighbourhood score (use cn, jaccard, sorensen, salton, hpi, "
                "hdi, lhn, pa, aa, ra, wcn, waa or wra)",
                link_score_name(score));
  const node_t n = g.num_nodes();
  const bool w_score = is_weighted_score(score);
  const NodeTables tab = make_tables(g, !w_score, w_score);
  struct Local {
    std::vector<NbrStats> st;
    std::vector<char> adj;
    std::vector<node_t> touched;
    std::vector<std::pair<double, node_t>> cand;
  };
  tbb::enumerable_thread_specific<Local> tls;
  const std::size_t ns = sources.size();
  std::vector<std::vector<std::pair<double, node_t>>> per(ns);
  const std::size_t block = 1 << 14;
  for (std::size_t b0 = 0; b0 < ns; b0 += block) {
    const std::size_t b1 = std::min<std::size_t>(ns, b0 + block);
    parallel_for<std::size_t>(
        b0, b1,
        [&](std::size_t ui) {
          const node_t u = sources[ui];
          Local& L = tls.local();
          if (L.st.size() != static_cast<std::size_t>(n)) {
            L.st.assign(n, NbrStats{});
            L.adj.assign(n, 0);
          }
          const auto nu = g.neighbors(u);
          const auto wu = g.weights(u);
          for (node_t x : nu) L.adj[x] = 1;
          for (std::size_t a = 0; a < nu.size(); ++a) {
            const node_t w = nu[a];
            if (w == u) continue;
            const auto nw = g.neighbors(w);
            const auto ww = g.weights(w);
            for (std::size_t b = 0; b < nw.size(); ++b) {
              const node_t x = nw[b];
              if (x == u || L.adj[x]) continue;
              NbrStats& s = L.st[x];
              if (s.cn == 0) L.touched.push_back(x);
              s.cn += 1;
              if (!w_score) {
                s.aa += tab.inv_log_deg[w];
                s.ra += tab.inv_deg[w];
              } else {
                const double ws = g.weighted() ? static_cast<double>(wu[a]) + static_cast<double>(ww[b]) : 2.0;
                s.wcn += ws;
                s.waa += ws * tab.inv_log1p_strength[w];
                s.wra += ws * tab.inv_strength[w];
              }
            }
          }
          L.cand.clear();
          const double ku = static_cast<double>(g.degree(u));
          for (node_t x : L.touched) {
            L.cand.emplace_back(neighborhood_value(score, L.st[x], ku, static_cast<double>(g.degree(x))), x);
            L.st[x] = NbrStats{};
          }
          L.touched.clear();
          for (node_t x : nu) L.adj[x] = 0;
          auto better = [](const std::pair<double, node_t>& a, const std::pair<double, node_t>& b) {
            return a.first > b.first || (a.first == b.first && a.second < b.second);
          };
          const std::size_t keep = std::min<std::size_t>(L.cand.size(), static_cast<std::size_t>(k));
          std::partial_sort(L.cand.begin(), L.cand.begin() + static_cast<std::ptrdiff_t>(keep), L.cand.end(), better);
          per[ui].assign(L.cand.begin(), L.cand.begin() + static_cast<std::ptrdiff_t>(keep));
        },
        64);
    report(opt.progress, "candidates", b1, ns);
  }
  CandidateLinks out;
  std::vector<std::int64_t> counts(ns);
  for (std::size_t u = 0; u < ns; ++u) counts[u] = static_cast<std::int64_t>(per[u].size());
  exclusive_scan(counts, out.offsets);
  out.targets.resize(static_cast<std::size_t>(out.offsets.back()));
  out.scores.resize(out.targets.size());
  parallel_for<std::size_t>(0, ns, [&](std::size_t u) {
    std::size_t o = static_cast<std::size_t>(out.offsets[u]);
    for (const auto& [s, x] : per[u]) {
      out.targets[o] = x;
      out.scores[o++] = s;
    }
  });
  return out;
}

std::vector<std::pair<node_t, double>> personalized_pagerank_push(const Graph& g, node_t source, double alpha,
                                                                  double epsilon) {
  check_graph(g, "personalized_pagerank_push");
  SPRIG_EXPECTS(source >= 0 && source < g.num_nodes(), "personalized_pagerank_push: source {} is outside [0, n = {})",
                source, g.num_nodes());
  SPRIG_EXPECTS(alpha > 0 && alpha < 1, "personalized_pagerank_push: alpha must be in (0, 1) (got {})", alpha);
  SPRIG_EXPECTS(epsilon > 0 && std::isfinite(epsilon), "personalized_pagerank_push: epsilon must be > 0 (got {})",
                epsilon);
  Workspace w;
  ppr_push(g, source, alpha, epsilon, Mask{}, w);
  std::vector<std::pair<node_t, double>> out;
  for (node_t x : w.ptouched)
    if (w.p[x] > 0) out.emplace_back(x, w.p[x]);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

template <bool Difference>
PairNodeLists pair_lists(const Graph& g, std::span<const NodePair> pairs, const char* fn) {
  check_graph(g, fn);
  check_pairs(g, pairs, fn);
  const std::size_t np = pairs.size();
  auto visit = [&](const NodePair& p, auto&& emit) {
    const auto nu = g.neighbors(p.u), nv = g.neighbors(p.v);
    if constexpr (!Difference) {
      intersect(nu, nv, [&](std::size_t a, std::size_t) { emit(nu[a]); });
    } else {
      std::size_t j = 0;
      for (node_t x : nu) {
        while (j < nv.size() && nv[j] < x) ++j;
        if ((j < nv.size() && nv[j] == x) || x == p.v) continue;
        emit(x);
      }
    }
  };
  std::vector<std::int64_t> counts(np);
  parallel_for<std::size_t>(0, np, [&](std::size_t i) {
    std::int64_t c = 0;
    visit(pairs[i], [&](node_t) { ++c; });
    counts[i] = c;
  });
  PairNodeLists out;
  exclusive_scan(counts, out.offsets);
  out.nodes.resize(static_cast<std::size_t>(out.offsets.back()));
  parallel_for<std::size_t>(0, np, [&](std::size_t i) {
    std::size_t o = static_cast<std::size_t>(out.offsets[i]);
    visit(pairs[i], [&](node_t x) { out.nodes[o++] = x; });
  });
  return out;
}

}  // namespace

PairNodeLists common_neighbor_lists(const Graph& g, std::span<const NodePair> pairs) {
  return pair_lists<false>(g, pairs, "common_neighbor_lists");
}

PairNodeLists neighbor_difference_lists(const Graph& g, std::span<const NodePair> pairs) {
  return pair_lists<true>(g, pairs, "neighbor_difference_lists");
}

}  // namespace sprig
