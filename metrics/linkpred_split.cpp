// Link-prediction splits and negative sampling. Random orders come from
// counter_hash(seed, edge index) sorted with the index as tie-break; every
// negative draws from its own Philox stream (seed, item), so the output does
// not depend on the thread count.
#include <sprig/metrics/linkpred_split.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_sort.h>

#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/transform.hpp>

namespace sprig {
namespace {

// Union–find with path halving (sequential).
struct Dsu {
  std::vector<node_t> parent;
  explicit Dsu(node_t n) : parent(static_cast<std::size_t>(n)) { std::iota(parent.begin(), parent.end(), node_t{0}); }
  node_t find(node_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  bool unite(node_t a, node_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    parent[std::max(a, b)] = std::min(a, b);
    return true;
  }
};

std::uint64_t pair_key(node_t u, node_t v) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(u)) << 32) | static_cast<std::uint32_t>(v);
}

void check_fraction(double f, const char* name) {
  SPRIG_EXPECTS(f >= 0 && f < 1, "random_link_split: {} must be in [0, 1) (got {})", name, f);
}

}  // namespace

Graph graph_from_pairs(node_t n, std::span<const NodePair> pairs, bool directed) {
  EdgeList e;
  e.n = n;
  e.directed = directed;
  e.reserve(pairs.size());
  for (const auto& p : pairs) e.add(p.u, p.v);
  return build_csr(e);
}

LinkSplitResult random_link_split(const Graph& g, const RandomLinkSplitOptions& opt) {
  check_fraction(opt.valid_fraction, "valid_fraction");
  check_fraction(opt.test_fraction, "test_fraction");
  SPRIG_EXPECTS(opt.valid_fraction + opt.test_fraction < 1,
                "random_link_split: valid_fraction + test_fraction must be < 1 (got {} + {})", opt.valid_fraction,
                opt.test_fraction);
  const node_t n = g.num_nodes();
  std::vector<NodePair> edges;
  edges.reserve(static_cast<std::size_t>(g.num_edges()));
  for (node_t u = 0; u < n; ++u)
    for (node_t v : g.neighbors(u))
      if (g.directed() ? v != u : v > u) edges.push_back({u, v});
  const std::size_t m = edges.size();
  std::vector<std::pair<std::uint64_t, std::size_t>> keys(m);
  parallel_for<std::size_t>(0, m, [&](std::size_t i) { keys[i] = {counter_hash(opt.seed, i, 0x5b1u), i}; });
  tbb::parallel_sort(keys.begin(), keys.end());
  report(opt.progress, "split", 1, 3);

  std::vector<char> part(m, 0);  // 0 train, 1 valid, 2 test, 3 protected (train)
  std::size_t protected_count = 0;
  if (opt.keep_connected) {
    Dsu dsu(n);
    for (const auto& [k, i] : keys)
      if (dsu.unite(edges[i].u, edges[i].v)) part[i] = 3, ++protected_count;
  }
  const auto n_test = static_cast<std::size_t>(std::llround(opt.test_fraction * static_cast<double>(m)));
  const auto n_valid = static_cast<std::size_t>(std::llround(opt.valid_fraction * static_cast<double>(m)));
  const std::size_t removable = m - protected_count;
  SPRIG_EXPECTS(n_test + n_valid <= removable,
                "random_link_split: the split asks for {} valid + {} test edges but only {} of the {} edges can be "
                "held out{}",
                n_valid, n_test, removable, m, opt.keep_connected ? " while keeping train connected" : "");
  std::size_t taken = 0;
  for (const auto& [k, i] : keys) {
    if (part[i] == 3) continue;
    if (taken < n_test)
      part[i] = 2;
    else if (taken < n_test + n_valid)
      part[i] = 1;
    else
      break;
    ++taken;
  }
  LinkSplitResult r;
  r.split.method = "random";
  r.split.seed = opt.seed;
  std::vector<std::pair<node_t, node_t>> held;
  for (std::size_t i = 0; i < m; ++i) {
    switch (part[i]) {
      case 1: r.split.valid_pos.push_back(edges[i]); break;
      case 2: r.split.test_pos.push_back(edges[i]); break;
      default: r.split.train_pos.push_back(edges[i]);
    }
    if (part[i] == 1 || part[i] == 2) held.emplace_back(edges[i].u, edges[i].v);
  }
  report(opt.progress, "split", 2, 3);
  r.train = remove_edges(g, held);
  r.full = g;
  report(opt.progress, "split", 3, 3);
  return r;
}

LinkSplitResult temporal_link_split(const EdgeList& edges, const TemporalLinkSplitOptions& opt) {
  SPRIG_EXPECTS(edges.timed(), "temporal_link_split: the edge list has no time column (a temporal split needs edge times)");
  edges.validate();
  SPRIG_EXPECTS(opt.valid_quantile >= 0 && opt.valid_quantile <= 1,
                "temporal_link_split: valid_quantile must be in [0, 1] (got {})", opt.valid_quantile);
  SPRIG_EXPECTS(opt.test_quantile >= 0 && opt.test_quantile <= 1,
                "temporal_link_split: test_quantile must be in [0, 1] (got {})", opt.test_quantile);
  const std::size_t m = edges.size();
  SPRIG_EXPECTS(m > 0, "temporal_link_split: the edge list is empty");
  std::vector<std::int64_t> times(edges.time.begin(), edges.time.end());
  tbb::parallel_sort(times.begin(), times.end());
  auto at_quantile = [&](double q) {
    const auto i = static_cast<std::size_t>(std::floor(q * static_cast<double>(m)));
    return i >= m ? times.back() + 1 : times[i];
  };
  const std::int64_t tv = opt.valid_time ? *opt.valid_time : at_quantile(opt.valid_quantile);
  const std::int64_t tt = opt.test_time ? *opt.test_time : at_quantile(opt.test_quantile);
  SPRIG_EXPECTS(tv <= tt, "temporal_link_split: valid time {} is after test time {}", tv, tt);
  const bool directed = edges.directed && !opt.undirected;
  const auto n = static_cast<node_t>(edges.n);

  // Training graph: edges before tv (self-loops dropped; repeated interactions
  // merged, their weights summed).
  EdgeList tr;
  tr.n = edges.n;
  tr.directed = directed;
  for (std::size_t i = 0; i < m; ++i) {
    if (edges.time[i] >= tv) continue;
    if (edges.weighted())
      tr.add(edges.src[i], edges.dst[i], edges.weight[i]);
    else
      tr.add(edges.src[i], edges.dst[i]);
  }
  BuildOptions bo;
  bo.duplicates = edges.weighted() ? Duplicates::sum : Duplicates::drop;
  LinkSplitResult r;
  r.train = build_csr(tr, bo);
  r.split.method = "temporal";
  r.split.valid_time = tv;
  r.split.test_time = tt;
  for (node_t u = 0; u < n; ++u)
    for (node_t v : r.train.neighbors(u))
      if (directed ? v != u : v > u) r.split.train_pos.push_back({u, v});

  // Held-out parts in time order (stable by input position).
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < m; ++i)
    if (edges.time[i] >= tv) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return edges.time[a] < edges.time[b]; });
  // A node is known when it has a training edge (either end of an arc).
  std::vector<char> known(static_cast<std::size_t>(n), 0);
  for (node_t u = 0; u < n; ++u)
    for (node_t v : r.train.neighbors(u)) known[u] = known[v] = 1;
  std::vector<char> new_node(static_cast<std::size_t>(n), 0);
  std::vector<std::uint64_t> taken;
  for (std::size_t i : order) {
    node_t u = edges.src[i], v = edges.dst[i];
    if (u == v) continue;
    if (!directed && u > v) std::swap(u, v);
    if (!known[u] || !known[v]) {
      if (!known[u]) new_node[u] = 1;
      if (!known[v]) new_node[v] = 1;
      ++r.split.dropped_edges;
      continue;
    }
    if (r.train.has_arc(u, v)) {
      ++r.split.repeated_edges;
      continue;
    }
    taken.push_back(pair_key(u, v));
    (edges.time[i] < tt ? r.split.valid_pos : r.split.test_pos).push_back({u, v});
  }
  // Deduplicate held-out pairs: keep the first occurrence (valid before test).
  {
    std::vector<std::pair<std::uint64_t, std::size_t>> ks(taken.size());
    for (std::size_t i = 0; i < taken.size(); ++i) ks[i] = {taken[i], i};
    std::sort(ks.begin(), ks.end());
    std::vector<char> keep(taken.size(), 1);
    for (std::size_t i = 1; i < ks.size(); ++i)
      if (ks[i].first == ks[i - 1].first) keep[ks[i].second] = 0;
    std::vector<NodePair> va, te;
    const std::size_t nv = r.split.valid_pos.size();
    for (std::size_t i = 0; i < taken.size(); ++i) {
      const NodePair p = i < nv ? r.split.valid_pos[i] : r.split.test_pos[i - nv];
      if (!keep[i]) {
        ++r.split.repeated_edges;
        continue;
      }
      (i < nv ? va : te).push_back(p);
    }
    r.split.valid_pos = std::move(va);
    r.split.test_pos = std::move(te);
  }
  for (char c : new_node) r.split.dropped_nodes += c;
  std::vector<NodePair> all = r.split.train_pos;
  all.insert(all.end(), r.split.valid_pos.begin(), r.split.valid_pos.end());
  all.insert(all.end(), r.split.test_pos.begin(), r.split.test_pos.end());
  r.full = graph_from_pairs(n, all, directed);
  report(opt.progress, "split", 1, 1);
  return r;
}

NegativeMethod parse_negative_method(std::string_view name) {
  if (name == "uniform") return NegativeMethod::uniform;
  if (name == "degree") return NegativeMethod::degree;
  if (name == "heart") return NegativeMethod::heart;
  throw InvalidArgument(fmt::format("unknown negative sampling method '{}' (valid: uniform, degree, heart)", name));
}

std::vector<NodePair> sample_negatives(const Graph& train, const Graph& exclude, std::span<const NodePair> positives,
                                       const NegativeOptions& opt) {
  const char* fn = "sample_negatives";
  const node_t n = train.num_nodes();
  SPRIG_EXPECTS(exclude.num_nodes() == n, "{}: train has {} nodes but exclude has {}", fn, n, exclude.num_nodes());
  SPRIG_EXPECTS(opt.max_draws > 0, "{}: max_draws must be > 0 (got {})", fn, opt.max_draws);
  for (std::size_t i = 0; i < positives.size(); ++i) {
    SPRIG_EXPECTS(positives[i].u >= 0 && positives[i].u < n && positives[i].v >= 0 && positives[i].v < n,
                  "{}: positive {} = ({}, {}) has an id outside [0, n = {})", fn, i, positives[i].u, positives[i].v, n);
  }
  SPRIG_EXPECTS(n >= 2, "{}: the graph needs at least 2 nodes (got {})", fn, n);

  std::vector<node_t> active;
  if (opt.active_nodes_only)
    for (node_t x = 0; x < n; ++x)
      if (train.degree(x) > 0) active.push_back(x);
  SPRIG_EXPECTS(!opt.active_nodes_only || active.size() >= 2, "{}: fewer than 2 nodes have a training edge", fn);
  const auto targets = train.targets();
  auto draw_node = [&](Philox& rng) -> node_t {
    if (opt.method == NegativeMethod::degree) return targets[rng.bounded64(targets.size())];
    if (opt.active_nodes_only) return active[rng.bounded(static_cast<std::uint32_t>(active.size()))];
    return static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
  };
  auto ok = [&](node_t u, node_t v) { return u != v && !exclude.has_arc(u, v); };

  if (opt.method != NegativeMethod::heart) {
    if (opt.method == NegativeMethod::degree)
      SPRIG_EXPECTS(!targets.empty(), "{}: degree-matched negatives need a training graph with edges", fn);
    const bool per = opt.per_positive > 0;
    const std::size_t total = per ? positives.size() * opt.per_positive : (opt.count ? opt.count : positives.size());
    std::vector<NodePair> out(total);
    std::vector<std::int64_t> failed(num_chunks(total, 4096), -1);
    parallel_chunks(total, 4096, [&](std::size_t c, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        Philox rng(opt.seed, i);
        bool found = false;
        for (int t = 0; t < opt.max_draws && !found; ++t) {
          const node_t u = per ? positives[i / opt.per_positive].u : draw_node(rng);
          const node_t v = draw_node(rng);
          if (ok(u, v)) out[i] = {u, v}, found = true;
        }
        if (!found && failed[c] < 0) failed[c] = static_cast<std::int64_t>(i);
      }
    });
    for (auto f : failed)
      SPRIG_EXPECTS(f < 0, "{}: no non-edge found for negative {} after max_draws = {} draws (graph too dense{})", fn, f,
                    opt.max_draws, per ? " around that positive's node" : "");
    report(opt.progress, "negatives", total, total);
    return out;
  }

  // HeaRT: per distinct endpoint, up to k hard candidates.
  SPRIG_EXPECTS(opt.heart_k > 0, "{}: heart_k must be > 0", fn);
  SPRIG_EXPECTS(!train.directed(), "{}: HeaRT negatives need an undirected training graph", fn);
  const std::size_t K = opt.heart_k;
  std::vector<node_t> nodes;
  for (const auto& p : positives) nodes.push_back(p.u), nodes.push_back(p.v);
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  const auto ra = top_k_candidates(train, LinkScore::resource_allocation, static_cast<std::int64_t>(2 * K), nodes);
  std::vector<std::vector<node_t>> cand(nodes.size());
  std::vector<char> is_short(nodes.size(), 0);
  tbb::enumerable_thread_specific<std::vector<char>> tls_flag;
  const std::size_t block = 1024;
  for (std::size_t b0 = 0; b0 < nodes.size(); b0 += block) {
    const std::size_t b1 = std::min(nodes.size(), b0 + block);
    parallel_for<std::size_t>(
        b0, b1,
        [&](std::size_t ni) {
          const node_t x = nodes[ni];
          auto& flag = tls_flag.local();
          if (flag.size() != static_cast<std::size_t>(n)) flag.assign(static_cast<std::size_t>(n), 0);
          auto ppr = personalized_pagerank_push(train, x, opt.ppr_alpha, opt.ppr_epsilon);
          std::sort(ppr.begin(), ppr.end(), [](const auto& a, const auto& b) {
            return a.second > b.second || (a.second == b.second && a.first < b.first);
          });
          auto& c = cand[ni];
          auto take = [&](node_t y) {
            if (c.size() < K && ok(x, y) && !flag[y]) flag[y] = 1, c.push_back(y);
          };
          const auto r0 = static_cast<std::size_t>(ra.offsets[ni]), r1 = static_cast<std::size_t>(ra.offsets[ni + 1]);
          for (std::size_t r = 0; c.size() < K && (r0 + r < r1 || r < ppr.size()); ++r) {
            if (r0 + r < r1) take(ra.targets[r0 + r]);
            if (r < ppr.size()) take(ppr[r].first);
          }
          Philox rng(opt.seed, static_cast<std::uint64_t>(x), 1);
          for (std::size_t t = 0; c.size() < K && t < K * static_cast<std::size_t>(opt.max_draws); ++t)
            take(static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n))));
          for (node_t y : c) flag[y] = 0;
          is_short[ni] = c.size() < K;
        },
        1);
    report(opt.progress, "negatives", b1, nodes.size());
  }
  for (std::size_t ni = 0; ni < nodes.size(); ++ni)
    SPRIG_EXPECTS(!is_short[ni], "{}: node {} has fewer than heart_k = {} non-neighbours to corrupt with", fn,
                  nodes[ni], K);
  auto list_of = [&](node_t x) -> const std::vector<node_t>& {
    return cand[static_cast<std::size_t>(std::lower_bound(nodes.begin(), nodes.end(), x) - nodes.begin())];
  };
  std::vector<NodePair> out(positives.size() * 2 * K);
  parallel_for<std::size_t>(0, positives.size(), [&](std::size_t i) {
    const auto [a, b] = positives[i];
    const auto& ca = list_of(a);
    const auto& cb = list_of(b);
    for (std::size_t j = 0; j < K; ++j) {
      out[i * 2 * K + j] = {a, ca[j]};
      out[i * 2 * K + K + j] = {cb[j], b};
    }
  });
  return out;
}

}  // namespace sprig
