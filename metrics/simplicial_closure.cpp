// Simplicial closure (Benson et al. 2018): candidates, scores, evaluation.
#include <sprig/metrics/simplicial_closure.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/metrics/linkpred_eval.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

namespace sprig {
namespace {

using Triple = std::array<node_t, 3>;

constexpr ClosureScore kAll[] = {
    ClosureScore::harmonic,   ClosureScore::geometric, ClosureScore::arithmetic,
    ClosureScore::generalized, ClosureScore::common_neighbors, ClosureScore::jaccard,
    ClosureScore::adamic_adar, ClosureScore::preferential_attachment, ClosureScore::katz,
    ClosureScore::ppr};
constexpr std::string_view kNames[] = {"harmonic", "geometric", "arithmetic", "generalized", "cn3",
                                       "jaccard3",  "aa3",       "pa3",        "katz",        "ppr"};

void check_options(const ClosureOptions& o) {
  SPRIG_EXPECTS(o.cut_time || (o.past_fraction > 0 && o.past_fraction < 1),
                "simplicial_closure: past_fraction must be in (0, 1) (got {})", o.past_fraction);
  SPRIG_EXPECTS(std::isfinite(o.generalized_p) && o.generalized_p != 0,
                "simplicial_closure: generalized_p must be finite and nonzero (got {})", o.generalized_p);
  SPRIG_EXPECTS(o.katz_beta > 0, "simplicial_closure: katz_beta must be > 0 (got {})", o.katz_beta);
  SPRIG_EXPECTS(o.katz_max_length >= 1 && o.katz_max_length <= 12,
                "simplicial_closure: katz_max_length must be in 1..12 (got {})", o.katz_max_length);
  SPRIG_EXPECTS(o.ppr_alpha > 0 && o.ppr_alpha < 1, "simplicial_closure: ppr_alpha must be in (0, 1) (got {})",
                o.ppr_alpha);
  SPRIG_EXPECTS(o.ppr_epsilon > 0, "simplicial_closure: ppr_epsilon must be > 0 (got {})", o.ppr_epsilon);
}

// Every 3-subset of each selected simplex (nodes are sorted, so each triple is
// sorted), deduplicated and sorted: the set "held by one simplex".
std::vector<Triple> triples_of(const SimplexList& s, const std::vector<std::size_t>& which) {
  std::vector<Triple> out;
  for (std::size_t i : which) {
    const auto x = s.simplex(i);
    const std::size_t k = x.size();
    for (std::size_t a = 0; a + 2 < k; ++a)
      for (std::size_t b = a + 1; b + 1 < k; ++b)
        for (std::size_t c = b + 1; c < k; ++c) out.push_back({x[a], x[b], x[c]});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Triangles of an undirected graph, each once as (a < b < c), sorted. Oriented
// by (degree, id) so every node has O(√m) higher neighbours; per-chunk lists
// concatenated in chunk order, then sorted: independent of the thread count.
std::vector<Triple> graph_triangles(const Graph& g) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  auto higher = [&](node_t u, node_t v) {
    const auto du = g.degree(u), dv = g.degree(v);
    return du < dv || (du == dv && u < v);
  };
  std::vector<edge_t> off(n + 1, 0);
  for (std::size_t u = 0; u < n; ++u) {
    edge_t c = 0;
    for (node_t v : g.neighbors(static_cast<node_t>(u))) c += higher(static_cast<node_t>(u), v);
    off[u + 1] = off[u] + c;
  }
  std::vector<node_t> up(static_cast<std::size_t>(off[n]));
  parallel_for<std::size_t>(0, n, [&](std::size_t u) {
    edge_t k = off[u];
    for (node_t v : g.neighbors(static_cast<node_t>(u)))
      if (higher(static_cast<node_t>(u), v)) up[static_cast<std::size_t>(k++)] = v;  // rows stay sorted by id
  });
  auto row = [&](std::size_t u) {
    return std::span<const node_t>(up).subspan(static_cast<std::size_t>(off[u]),
                                               static_cast<std::size_t>(off[u + 1] - off[u]));
  };
  constexpr std::size_t grain = 256;
  std::vector<std::vector<Triple>> part(num_chunks(n, grain));
  parallel_chunks(n, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    auto& out = part[c];
    for (std::size_t u = b; u < e; ++u) {
      const auto ru = row(u);
      for (node_t v : ru) {
        const auto rv = row(static_cast<std::size_t>(v));
        std::size_t i = 0, j = 0;
        while (i < ru.size() && j < rv.size()) {
          if (ru[i] < rv[j]) ++i;
          else if (rv[j] < ru[i]) ++j;
          else {
            Triple t{static_cast<node_t>(u), v, ru[i]};
            std::sort(t.begin(), t.end());
            out.push_back(t);
            ++i, ++j;
          }
        }
      }
    }
  });
  std::vector<Triple> all;
  std::size_t total = 0;
  for (const auto& p : part) total += p.size();
  all.reserve(total);
  for (auto& p : part) all.insert(all.end(), p.begin(), p.end());
  std::sort(all.begin(), all.end());
  return all;
}

double edge_weight(const Graph& g, node_t a, node_t b) {
  const auto r = g.neighbors(a);
  const auto it = std::lower_bound(r.begin(), r.end(), b);
  return g.weights(a)[static_cast<std::size_t>(it - r.begin())];
}

// |A ∩ B| written into out (sorted).
void intersect_into(std::span<const node_t> a, std::span<const node_t> b, std::vector<node_t>& out) {
  out.clear();
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
}

std::size_t count_common(std::span<const node_t> a, std::span<const node_t> b) {
  std::size_t i = 0, j = 0, c = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) ++i;
    else if (b[j] < a[i]) ++j;
    else ++c, ++i, ++j;
  }
  return c;
}

}  // namespace

std::string_view closure_score_name(ClosureScore s) noexcept { return kNames[static_cast<int>(s)]; }

std::vector<ClosureScore> parse_closure_scores(std::string_view list) {
  std::vector<ClosureScore> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const auto comma = list.find(',', pos);
    const auto name = list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (name == "all") {
      out.insert(out.end(), std::begin(kAll), std::end(kAll));
    } else if (name == "default") {
      for (auto s : kAll)
        if (s != ClosureScore::katz && s != ClosureScore::ppr) out.push_back(s);
    } else {
      const auto it = std::find(std::begin(kNames), std::end(kNames), name);
      if (it == std::end(kNames)) {
        std::string valid;
        for (auto n : kNames) valid += fmt::format("{}{}", valid.empty() ? "" : ", ", n);
        throw InvalidArgument(
            fmt::format("simplicial_closure: unknown score '{}' (valid: {}, all, default)", name, valid));
      }
      out.push_back(kAll[it - std::begin(kNames)]);
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::size_t ClosureCandidates::positives() const noexcept {
  return static_cast<std::size_t>(std::count(closes.begin(), closes.end(), std::uint8_t{1}));
}

ClosureCandidates open_triangles(const SimplexList& s, const ClosureOptions& opt) {
  check_options(opt);
  SPRIG_EXPECTS(s.size() > 0, "simplicial_closure: no simplices");
  SPRIG_EXPECTS(s.offsets.size() == s.size() + 1 && s.offsets.back() == static_cast<std::int64_t>(s.nodes.size()),
                "simplicial_closure: offsets ({}) do not match {} simplices of {} nodes in all", s.offsets.size(),
                s.size(), s.nodes.size());
  for (std::size_t i = 0; i < s.nodes.size(); ++i)
    SPRIG_EXPECTS(s.nodes[i] >= 0 && s.nodes[i] < s.num_nodes,
                  "simplicial_closure: node id {} outside [0, {}) in the simplex list", s.nodes[i], s.num_nodes);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto x = s.simplex(i);
    SPRIG_EXPECTS(std::adjacent_find(x.begin(), x.end(), [](node_t a, node_t b) { return a >= b; }) == x.end(),
                  "simplicial_closure: simplex {} is not sorted without repeats (build it with SimplexList::add)", i);
  }

  ClosureCandidates c;
  if (opt.cut_time) {
    c.cut_time = *opt.cut_time;
  } else {
    std::vector<std::int64_t> t = s.times;
    std::sort(t.begin(), t.end());
    const auto k = static_cast<std::size_t>(std::floor(opt.past_fraction * static_cast<double>(t.size() - 1)));
    c.cut_time = t[k];
  }
  std::vector<std::size_t> past, future;
  for (std::size_t i = 0; i < s.size(); ++i) (s.times[i] <= c.cut_time ? past : future).push_back(i);
  c.past_simplices = past.size();
  c.future_simplices = future.size();
  report(opt.progress, "project", 0, 3);

  EdgeList el;
  el.n = s.num_nodes;
  for (std::size_t i : past) {
    const auto x = s.simplex(i);
    for (std::size_t a = 0; a < x.size(); ++a)
      for (std::size_t b = a + 1; b < x.size(); ++b) el.add(x[a], x[b], 1.0f);
  }
  BuildOptions bo;
  bo.duplicates = Duplicates::sum;
  c.projected = build_csr(el, bo);
  const auto past_triples = triples_of(s, past);
  const auto future_triples = triples_of(s, future);
  report(opt.progress, "triangles", 1, 3);

  auto tri = graph_triangles(c.projected);
  std::size_t kept = 0;
  for (const Triple& t : tri) {
    if (std::binary_search(past_triples.begin(), past_triples.end(), t)) {
      ++c.closed_triangles;
      continue;
    }
    tri[kept++] = t;
  }
  tri.resize(kept);
  c.triangles = std::move(tri);
  c.closes.resize(c.triangles.size());
  parallel_for<std::size_t>(0, c.triangles.size(), [&](std::size_t i) {
    c.closes[i] = std::binary_search(future_triples.begin(), future_triples.end(), c.triangles[i]) ? 1 : 0;
  });
  report(opt.progress, "triangles", 3, 3);
  return c;
}

std::vector<double> closure_scores(const ClosureCandidates& c, ClosureScore score, const ClosureOptions& opt) {
  check_options(opt);
  const Graph& g = c.projected;
  const std::size_t T = c.triangles.size();
  std::vector<double> out(T, 0.0);
  if (T == 0) return out;

  if (score == ClosureScore::katz || score == ClosureScore::ppr) {
    std::vector<NodePair> pairs(3 * T);
    for (std::size_t i = 0; i < T; ++i) {
      const auto& t = c.triangles[i];
      pairs[3 * i] = {t[0], t[1]};
      pairs[3 * i + 1] = {t[0], t[2]};
      pairs[3 * i + 2] = {t[1], t[2]};
    }
    LinkScoreOptions lo;
    lo.katz_beta = opt.katz_beta;
    lo.katz_max_length = opt.katz_max_length;
    lo.ppr_alpha = opt.ppr_alpha;
    lo.ppr_epsilon = opt.ppr_epsilon;
    lo.progress = opt.progress;
    const auto v =
        link_score(g, pairs, score == ClosureScore::katz ? LinkScore::katz : LinkScore::ppr_symmetric, lo);
    for (std::size_t i = 0; i < T; ++i) out[i] = v[3 * i] + v[3 * i + 1] + v[3 * i + 2];
    return out;
  }

  const double p = opt.generalized_p;
  constexpr std::size_t grain = 1024;
  parallel_chunks(T, grain, [&](std::size_t, std::size_t b, std::size_t e) {
    std::vector<node_t> ab;
    for (std::size_t i = b; i < e; ++i) {
      const auto [x, y, z] = c.triangles[i];
      switch (score) {
        case ClosureScore::harmonic:
        case ClosureScore::geometric:
        case ClosureScore::arithmetic:
        case ClosureScore::generalized: {
          const double w1 = edge_weight(g, x, y), w2 = edge_weight(g, x, z), w3 = edge_weight(g, y, z);
          if (score == ClosureScore::harmonic) out[i] = 3.0 / (1.0 / w1 + 1.0 / w2 + 1.0 / w3);
          else if (score == ClosureScore::geometric) out[i] = std::cbrt(w1 * w2 * w3);
          else if (score == ClosureScore::arithmetic) out[i] = (w1 + w2 + w3) / 3.0;
          else out[i] = std::pow((std::pow(w1, p) + std::pow(w2, p) + std::pow(w3, p)) / 3.0, 1.0 / p);
          break;
        }
        case ClosureScore::preferential_attachment:
          out[i] = static_cast<double>(g.degree(x)) * static_cast<double>(g.degree(y)) *
                   static_cast<double>(g.degree(z));
          break;
        default: {
          const auto nx = g.neighbors(x), ny = g.neighbors(y), nz = g.neighbors(z);
          intersect_into(nx, ny, ab);
          if (score == ClosureScore::adamic_adar) {
            double s = 0;
            std::size_t i2 = 0, j2 = 0;
            while (i2 < ab.size() && j2 < nz.size()) {
              if (ab[i2] < nz[j2]) ++i2;
              else if (nz[j2] < ab[i2]) ++j2;
              else {
                s += 1.0 / std::log(static_cast<double>(g.degree(ab[i2])));  // degree ≥ 3: joined to x, y, z
                ++i2, ++j2;
              }
            }
            out[i] = s;
            break;
          }
          const double all3 = static_cast<double>(count_common(ab, nz));
          if (score == ClosureScore::common_neighbors) {
            out[i] = all3;
          } else {  // jaccard: inclusion–exclusion for the union
            const double uni = static_cast<double>(nx.size() + ny.size() + nz.size()) -
                               static_cast<double>(ab.size() + count_common(nx, nz) + count_common(ny, nz)) + all3;
            out[i] = uni > 0 ? all3 / uni : 0.0;
          }
        }
      }
    }
  });
  return out;
}

ClosureReport simplicial_closure(const SimplexList& simplices, std::span<const ClosureScore> scores,
                                 const ClosureOptions& opt) {
  ClosureReport r;
  r.candidates = open_triangles(simplices, opt);
  const auto& c = r.candidates;
  const std::size_t T = c.triangles.size(), P = c.positives();
  r.positive_rate = T ? static_cast<double>(P) / static_cast<double>(T) : std::numeric_limits<double>::quiet_NaN();
  for (ClosureScore s : scores) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto v = closure_scores(c, s, opt);
    ClosureEval e{s};
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (P == 0) {
      e.ap = e.ap_ratio = std::numeric_limits<double>::quiet_NaN();
    } else {
      std::vector<double> pos, neg;
      pos.reserve(P);
      neg.reserve(T - P);
      for (std::size_t i = 0; i < T; ++i) (c.closes[i] ? pos : neg).push_back(v[i]);
      e.ap = average_precision(pos, neg);
      e.ap_ratio = e.ap / r.positive_rate;
    }
    r.rows.push_back(e);
  }
  return r;
}

}  // namespace sprig
