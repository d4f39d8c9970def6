// Random walks: a first-order sampler (uniform, alias or prefix sums), the
// node2vec rejection step, and temporal walks over a time-sorted adjacency.
#include <sprig/embed/walks.hpp>
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

std::uint64_t walk_key(node_t start, std::int64_t round) {
  return (static_cast<std::uint64_t>(round) << 32) | static_cast<std::uint32_t>(start);
}

// First-order step distribution of every node.
class FirstOrder {
 public:
  FirstOrder(const Graph& g, bool weighted, WeightedSampling sampling)
      : off_(g.offsets()), tgt_(g.targets()), weighted_(weighted), sampling_(sampling) {
    if (!weighted_) return;
    const auto w = g.weights();
    const node_t n = g.num_nodes();
    total_.resize(n);
    if (sampling_ == WeightedSampling::prefix_sum) {
      cum_.resize(w.size());
      parallel_for<node_t>(
          0, n,
          [&](node_t v) {
            double s = 0;
            for (edge_t e = off_[v]; e < off_[v + 1]; ++e) {
              s += w[e];
              cum_[e] = static_cast<float>(s);
            }
            total_[v] = static_cast<float>(s);
          },
          2048);
    } else {
      prob_.resize(w.size());
      alias_.resize(w.size());
      parallel_chunks(static_cast<std::size_t>(n), 2048, [&](std::size_t, std::size_t lo, std::size_t hi) {
        std::vector<double> scaled;
        std::vector<std::int32_t> small, large;
        for (std::size_t v = lo; v < hi; ++v) build_alias(static_cast<node_t>(v), w, scaled, small, large);
      });
    }
  }

  // Σ of v's arc weights (its degree when unweighted).
  double total(node_t v) const {
    return weighted_ ? static_cast<double>(total_[v]) : static_cast<double>(off_[v + 1] - off_[v]);
  }

  // An arc index of v drawn by weight, or −1 when v has no arc of positive weight.
  edge_t sample(node_t v, Philox& rng) const {
    const edge_t b = off_[v], deg = off_[v + 1] - b;
    if (deg == 0) return -1;
    if (!weighted_) return b + static_cast<edge_t>(rng.bounded64(static_cast<std::uint64_t>(deg)));
    if (!(total_[v] > 0.f)) return -1;
    if (sampling_ == WeightedSampling::prefix_sum) {
      const float x = rng.uniform_float() * total_[v];
      const float* row = cum_.data() + b;
      edge_t k = std::upper_bound(row, row + deg, x) - row;
      if (k >= deg) k = deg - 1;  // x rounded up to the total
      while (k > 0 && row[k] == row[k - 1]) --k;  // never land on a zero-weight arc
      return b + k;
    }
    const edge_t k = static_cast<edge_t>(rng.bounded64(static_cast<std::uint64_t>(deg)));
    return rng.uniform_float() < prob_[b + k] ? b + k : b + alias_[b + k];
  }

 private:
  void build_alias(node_t v, std::span<const float> w, std::vector<double>& scaled, std::vector<std::int32_t>& small,
                   std::vector<std::int32_t>& large) {
    const edge_t b = off_[v];
    const auto deg = static_cast<std::int32_t>(off_[v + 1] - b);
    double s = 0;
    for (std::int32_t k = 0; k < deg; ++k) s += w[b + k];
    total_[v] = static_cast<float>(s);
    if (deg == 0 || !(s > 0)) return;
    scaled.resize(deg);
    small.clear();
    large.clear();
    for (std::int32_t k = 0; k < deg; ++k) {
      scaled[k] = w[b + k] * deg / s;
      (scaled[k] < 1.0 ? small : large).push_back(k);
    }
    while (!small.empty() && !large.empty()) {
      const std::int32_t l = small.back(), g = large.back();
      small.pop_back();
      prob_[b + l] = static_cast<float>(scaled[l]);
      alias_[b + l] = g;
      scaled[g] -= 1.0 - scaled[l];
      if (scaled[g] < 1.0) {
        large.pop_back();
        small.push_back(g);
      }
    }
    for (std::int32_t k : large) prob_[b + k] = 1.f, alias_[b + k] = k;
    for (std::int32_t k : small) {  // rounding leftovers: keep zero-weight arcs unreachable
      if (w[b + k] > 0) {
        prob_[b + k] = 1.f, alias_[b + k] = k;
      } else {
        std::int32_t pos = 0;
        while (!(w[b + pos] > 0)) ++pos;  // exists: s > 0
        prob_[b + k] = 0.f, alias_[b + k] = pos;
      }
    }
  }

  std::span<const edge_t> off_;
  std::span<const node_t> tgt_;
  bool weighted_;
  WeightedSampling sampling_;
  std::vector<float> total_, cum_, prob_;
  std::vector<std::int32_t> alias_;
};

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

  const bool weighted = opt.use_weights && g.weighted();
  const FirstOrder first(g, weighted, opt.sampling);
  const auto off = g.offsets();
  const auto tgt = g.targets();
  const auto wts = g.weights();
  const bool second_order = opt.p != 1.0 || opt.q != 1.0;
  const double inv_p = 1.0 / opt.p, inv_q = 1.0 / opt.q;
  const double env = std::max(1.0, inv_q);        // envelope over non-return candidates
  const double outlier_h = std::max(0.0, inv_p - env);  // return-edge excess above it
  const std::int64_t len = opt.length;
  const double lo_bias = std::min(1.0, inv_q), hi_bias = std::max(1.0, inv_q);
  // Is t→x an arc? t's row is hot (t was just visited); only when it is long
  // does an undirected graph search x's row instead if that one is shorter.
  const bool undirected = !g.directed();
  auto neighbours_of_t = [&](node_t t, node_t x) {
    const edge_t dt = off[t + 1] - off[t];
    if (undirected && dt > 64 && off[x + 1] - off[x] < dt) return g.has_arc(x, t);
    return g.has_arc(t, x);
  };

  run_walks(out, begin, end, opt.progress, "walks", [&](std::int64_t i, node_t* row) {
    const auto start = static_cast<node_t>(i % n);
    const std::int64_t round = i / n;
    Philox rng(opt.seed, walk_key(start, round));
    row[0] = start;
    if (len == 1) return;
    edge_t e = first.sample(start, rng);
    if (e < 0) return;
    row[1] = tgt[e];
    for (std::int64_t s = 2; s < len; ++s) {
      const node_t t = row[s - 2], v = row[s - 1];
      if (!second_order) {
        e = first.sample(v, rng);
        if (e < 0) return;
        row[s] = tgt[e];
        continue;
      }
      const double wv = first.total(v);
      if (!(wv > 0)) return;
      // Outlier area of the return arc v→t (absent in a directed graph without it).
      double out_area = 0;
      if (outlier_h > 0) {
        const auto nb = g.neighbors(v);
        const auto it = std::lower_bound(nb.begin(), nb.end(), t);
        if (it != nb.end() && *it == t) {
          const double wvt = weighted ? wts[off[v] + (it - nb.begin())] : 1.0;
          out_area = wvt * outlier_h;
        }
      }
      const double main_area = env * wv;
      node_t next = -1;
      for (;;) {
        if (out_area > 0 && static_cast<double>(rng.uniform_float()) * (main_area + out_area) >= main_area) {
          next = t;
          break;
        }
        const edge_t c = first.sample(v, rng);
        if (c < 0) return;
        const node_t x = tgt[c];
        if (x == t) {
          if (inv_p >= env || static_cast<double>(rng.uniform_float()) * env < inv_p) {
            next = x;
            break;
          }
          continue;
        }
        // The dart's height decides without the membership test when it lies
        // below both possible biases (1, 1/q) or above both.
        const double y = static_cast<double>(rng.uniform_float()) * env;
        if (y < lo_bias) {
          next = x;
          break;
        }
        if (y >= hi_bias) continue;
        if ((neighbours_of_t(t, x) ? 1.0 : inv_q) > y) {
          next = x;
          break;
        }
      }
      row[s] = next;
    }
  });
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
