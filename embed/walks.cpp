// Random walks: the first-order sampler (uniform, alias or prefix sums) and the
// node2vec rejection step of embed/walk_step.hpp (shared with the CUDA kernel),
// and temporal walks over a time-sorted adjacency.
#include <sprig/embed/walks.hpp>
#include <sprig/embed/walk_step.hpp>
#include <sprig/embed/walks_cuda.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig {
namespace {

constexpr std::size_t kWalkGrain = 512;

using detail::walk_key;

void check(const Graph& g, const WalkOptions& opt) {
  SPRIG_EXPECTS(opt.p > 0 && std::isfinite(opt.p), "random_walks: p must be > 0 (got {})", opt.p);
  SPRIG_EXPECTS(opt.q > 0 && std::isfinite(opt.q), "random_walks: q must be > 0 (got {})", opt.q);
  SPRIG_EXPECTS(opt.length >= 1, "random_walks: length must be ≥ 1 (got {})", opt.length);
  SPRIG_EXPECTS(opt.walks_per_node >= 0, "random_walks: walks_per_node must be ≥ 0 (got {})", opt.walks_per_node);
  if (opt.use_weights && g.weighted()) {
    const auto w = g.weights();
    for (std::size_t e = 0; e < w.size(); ++e)
      SPRIG_EXPECTS(w[e] >= 0 && std::isfinite(w[e]), "random_walks: weights must be finite and ≥ 0 (arc {} has {})",
                    e, w[e]);
  }
}

void report_walks(const ProgressFn& fn, std::string_view stage, std::int64_t done, std::int64_t total) {
  report(fn, stage, static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(total));
}

// Runs fill(i, row) for walks [begin, end) in parallel over fixed blocks,
// reporting progress between rounds of ≈ 1/200 of the walks.
template <class Fill>
void run_walks(Walks& out, std::int64_t begin, std::int64_t end, const ProgressFn& progress, std::string_view stage,
               Fill&& fill) {
  const std::int64_t count = end - begin;
  const std::int64_t round = std::max<std::int64_t>(static_cast<std::int64_t>(kWalkGrain) * 8, count / 200 + 1);
  report_walks(progress, stage, 0, count);
  for (std::int64_t lo = 0; lo < count; lo += round) {
    const std::int64_t hi = std::min(count, lo + round);
    parallel_for<std::int64_t>(
        lo, hi, [&](std::int64_t i) { fill(begin + i, out.nodes.data() + i * out.length); }, kWalkGrain);
    report_walks(progress, stage, hi, count);
  }
}

}  // namespace

std::int64_t Walks::walk_length(std::int64_t i) const {
  const auto w = walk(i);
  return std::find(w.begin(), w.end(), node_t{-1}) - w.begin();
}

Walks random_walks(const Graph& g, const WalkOptions& opt) {
  check(g, opt);
  return random_walks_range(g, opt, 0, opt.walks_per_node * g.num_nodes());
}

Walks random_walks_range(const Graph& g, const WalkOptions& opt, std::int64_t begin, std::int64_t end) {
  check(g, opt);
  const std::int64_t n = g.num_nodes();
  const std::int64_t total = opt.walks_per_node * n;
  SPRIG_EXPECTS(0 <= begin && begin <= end && end <= total, "random_walks: range [{}, {}) outside [0, {}]", begin, end,
                total);
  if (opt.device == Device::cuda) return detail::random_walks_cuda(g, opt, begin, end);
  Walks out;
  out.first = begin;
  out.count = end - begin;
  out.length = opt.length;
  out.nodes.assign(static_cast<std::size_t>(out.count * out.length), -1);
  if (out.count == 0) return out;

  // One walk per item, by the code the CUDA kernel runs too (embed/walk_step.hpp).
  detail::WalkTables tables;
  const detail::WalkArrays arrays = detail::make_walk_arrays(g, opt, tables);
  run_walks(out, begin, end, opt.progress, "walks",
            [&](std::int64_t i, node_t* row) { detail::walk_one<Philox>(arrays, i, row); });
  return out;
}

Walks temporal_random_walks(const EdgeList& edges, const TemporalWalkOptions& opt) {
  SPRIG_EXPECTS(edges.timed(), "temporal_random_walks: the edge list has no time column");
  SPRIG_EXPECTS(opt.length >= 1, "temporal_random_walks: length must be ≥ 1 (got {})", opt.length);
  SPRIG_EXPECTS(opt.walks_per_node >= 0, "temporal_random_walks: walks_per_node must be ≥ 0 (got {})",
                opt.walks_per_node);
  edges.validate();
  const std::int64_t n = edges.n;
  const std::size_t m = edges.size();
  // Time-sorted adjacency: arcs by source, each row sorted by (time, target).
  std::vector<edge_t> off(static_cast<std::size_t>(n) + 1, 0);
  for (std::size_t i = 0; i < m; ++i) {
    ++off[edges.src[i] + 1];
    if (!edges.directed && edges.src[i] != edges.dst[i]) ++off[edges.dst[i] + 1];
  }
  for (std::int64_t v = 0; v < n; ++v) off[v + 1] += off[v];
  struct Arc {
    std::int64_t time;
    node_t to;
  };
  std::vector<Arc> arcs(static_cast<std::size_t>(off[n]));
  {
    std::vector<edge_t> cur(off.begin(), off.end() - 1);
    for (std::size_t i = 0; i < m; ++i) {
      arcs[cur[edges.src[i]]++] = {edges.time[i], edges.dst[i]};
      if (!edges.directed && edges.src[i] != edges.dst[i]) arcs[cur[edges.dst[i]]++] = {edges.time[i], edges.src[i]};
    }
  }
  parallel_for<std::int64_t>(
      0, n,
      [&](std::int64_t v) {
        std::sort(arcs.begin() + off[v], arcs.begin() + off[v + 1],
                  [](const Arc& a, const Arc& b) { return a.time != b.time ? a.time < b.time : a.to < b.to; });
      },
      2048);

  Walks out;
  out.count = opt.walks_per_node * n;
  out.length = opt.length;
  out.nodes.assign(static_cast<std::size_t>(out.count * out.length), -1);
  if (out.count == 0) return out;
  run_walks(out, 0, out.count, opt.progress, "temporal walks", [&](std::int64_t i, node_t* row) {
    const auto start = static_cast<node_t>(i % n);
    Philox rng(opt.seed, walk_key(start, i / n));
    row[0] = start;
    node_t v = start;
    bool any_time = true;
    std::int64_t now = 0;
    for (std::int64_t s = 1; s < opt.length; ++s) {
      const Arc* b = arcs.data() + off[v];
      const Arc* e = arcs.data() + off[v + 1];
      if (!any_time) {
        b = opt.strict ? std::upper_bound(b, e, now, [](std::int64_t t, const Arc& a) { return t < a.time; })
                       : std::lower_bound(b, e, now, [](const Arc& a, std::int64_t t) { return a.time < t; });
      }
      if (b == e) return;
      const Arc& a = b[rng.bounded64(static_cast<std::uint64_t>(e - b))];
      row[s] = a.to;
      v = a.to;
      now = a.time;
      any_time = false;
    }
  });
  return out;
}

std::size_t walk_sampler_bytes(const Graph& g, WeightedSampling sampling) {
  if (!g.weighted()) return 0;
  const std::size_t m = static_cast<std::size_t>(g.num_arcs()), n = static_cast<std::size_t>(g.num_nodes());
  return sampling == WeightedSampling::alias ? m * 8 + n * 4 : m * 4 + n * 4;
}

}  // namespace sprig
