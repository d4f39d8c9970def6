// Random walks on the device (see walks_cuda.hpp). walk_one() is the CPU
// path's per-walk code over raw arrays, __host__ __device__ so that the host
// can run it too (random_walks_device_code_on_host) and CI, which has no GPU,
// checks it against the CPU path.
#include <sprig/embed/walks_cuda.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <sprig/graph/device_csr.hpp>
#include <sprig/graph/device_random.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::detail {
namespace {

// Everything a walk reads; pointers are device or host arrays alike.
struct WalkParams {
  CsrView g;
  bool weighted = false;  // use_weights && g weighted
  bool prefix = false;    // WeightedSampling::prefix_sum
  const float* total = nullptr;
  const float* cum = nullptr;
  const float* prob = nullptr;
  const std::int32_t* alias = nullptr;
  std::uint64_t seed = 0;
  std::int64_t n = 0, len = 0;
  bool second_order = false;
  double inv_p = 1, env = 1, outlier_h = 0, lo_bias = 1, hi_bias = 1, inv_q = 1;
};

__host__ __device__ inline std::uint64_t walk_key(node_t start, std::int64_t round) {
  return (static_cast<std::uint64_t>(round) << 32) | static_cast<std::uint32_t>(start);
}

// FirstOrder::sample of the CPU path: an arc of v by weight, −1 when none.
__host__ __device__ inline edge_t sample_first(const WalkParams& P, node_t v, DevPhilox& rng) {
  const edge_t b = P.g.off[v], deg = P.g.off[v + 1] - b;
  if (deg == 0) return -1;
  if (!P.weighted) return b + static_cast<edge_t>(rng.bounded64(static_cast<std::uint64_t>(deg)));
  if (!(P.total[v] > 0.f)) return -1;
  if (P.prefix) {
    const float x = rng.uniform_float() * P.total[v];
    const float* row = P.cum + b;
    edge_t lo = 0, hi = deg;  // upper_bound: first row[k] > x
    while (lo < hi) {
      const edge_t mid = lo + (hi - lo) / 2;
      if (x < row[mid])
        hi = mid;
      else
        lo = mid + 1;
    }
    edge_t k = lo;
    if (k >= deg) k = deg - 1;
    while (k > 0 && row[k] == row[k - 1]) --k;
    return b + k;
  }
  const edge_t k = static_cast<edge_t>(rng.bounded64(static_cast<std::uint64_t>(deg)));
  return rng.uniform_float() < P.prob[b + k] ? b + k : b + P.alias[b + k];
}

__host__ __device__ inline double total_of(const WalkParams& P, node_t v) {
  return P.weighted ? static_cast<double>(P.total[v]) : static_cast<double>(P.g.off[v + 1] - P.g.off[v]);
}

// Walk i into row[0, len): the CPU path's lambda step for step; −1 after a stop.
__host__ __device__ void walk_one(const WalkParams& P, std::int64_t i, node_t* row) {
  const std::int64_t len = P.len;
  const auto start = static_cast<node_t>(i % P.n);
  const std::int64_t round = i / P.n;
  DevPhilox rng(P.seed, walk_key(start, round));
  row[0] = start;
  std::int64_t s = 1;
  if (len > 1) {
    edge_t e = sample_first(P, start, rng);
    if (e >= 0) {
      row[1] = P.g.tgt[e];
      for (s = 2; s < len; ++s) {
        const node_t t = row[s - 2], v = row[s - 1];
        if (!P.second_order) {
          e = sample_first(P, v, rng);
          if (e < 0) break;
          row[s] = P.g.tgt[e];
          continue;
        }
        const double wv = total_of(P, v);
        if (!(wv > 0)) break;
        double out_area = 0;
        if (P.outlier_h > 0) {
          const edge_t it = P.g.lower_bound(v, t);
          if (it < P.g.off[v + 1] && P.g.tgt[it] == t) {
            const double wvt = P.weighted ? static_cast<double>(P.g.w[it]) : 1.0;
            out_area = wvt * P.outlier_h;
          }
        }
        const double main_area = P.env * wv;
        node_t next = -1;
        bool stop = false;
        for (;;) {
          if (out_area > 0 && static_cast<double>(rng.uniform_float()) * (main_area + out_area) >= main_area) {
            next = t;
            break;
          }
          const edge_t c = sample_first(P, v, rng);
          if (c < 0) {
            stop = true;
            break;
          }
          const node_t x = P.g.tgt[c];
          if (x == t) {
            if (P.inv_p >= P.env || static_cast<double>(rng.uniform_float()) * P.env < P.inv_p) {
              next = x;
              break;
            }
            continue;
          }
          const double y = static_cast<double>(rng.uniform_float()) * P.env;
          if (y < P.lo_bias) {
            next = x;
            break;
          }
          if (y >= P.hi_bias) continue;
          // Is t→x an arc? (the CPU searches x's row instead when the graph is
          // undirected and t's row is long: the same answer)
          const edge_t dt = P.g.degree(t);
          const bool adj = (!P.g.directed && dt > 64 && P.g.degree(x) < dt) ? P.g.has_arc(x, t) : P.g.has_arc(t, x);
          if ((adj ? 1.0 : P.inv_q) > y) {
            next = x;
            break;
          }
        }
        if (stop) break;
        row[s] = next;
      }
      if (s > len) s = len;
    } else {
      s = 1;
    }
  }
  for (; s < len; ++s) row[s] = -1;
}

__global__ void walk_kernel(WalkParams P, std::int64_t first, std::int64_t count, node_t* out) {
  const std::int64_t k = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (k < count) walk_one(P, first + k, out + k * P.len);
}

// The CPU path's alias table of one row (Walker/Vose with its rounding rules).
void build_alias_row(node_t v, const edge_t* off, const float* w, float* total, float* prob, std::int32_t* alias,
                     std::vector<double>& scaled, std::vector<std::int32_t>& small, std::vector<std::int32_t>& large) {
  const edge_t b = off[v];
  const auto deg = static_cast<std::int32_t>(off[v + 1] - b);
  double s = 0;
  for (std::int32_t k = 0; k < deg; ++k) s += w[b + k];
  total[v] = static_cast<float>(s);
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
    prob[b + l] = static_cast<float>(scaled[l]);
    alias[b + l] = g;
    scaled[g] -= 1.0 - scaled[l];
    if (scaled[g] < 1.0) {
      large.pop_back();
      small.push_back(g);
    }
  }
  for (std::int32_t k : large) prob[b + k] = 1.f, alias[b + k] = k;
  for (std::int32_t k : small) {
    if (w[b + k] > 0) {
      prob[b + k] = 1.f, alias[b + k] = k;
    } else {
      std::int32_t pos = 0;
      while (!(w[b + pos] > 0)) ++pos;
      prob[b + k] = 0.f, alias[b + k] = pos;
    }
  }
}

// Host tables and the parameters that do not depend on where the walk runs.
struct HostTables {
  std::vector<float> total, cum, prob;
  std::vector<std::int32_t> alias;
};

WalkParams make_params(const Graph& g, const WalkOptions& opt, HostTables& tab) {
  WalkParams P;
  P.weighted = opt.use_weights && g.weighted();
  P.prefix = opt.sampling == WeightedSampling::prefix_sum;
  P.seed = opt.seed;
  P.n = g.num_nodes();
  P.len = opt.length;
  P.second_order = opt.p != 1.0 || opt.q != 1.0;
  P.inv_p = 1.0 / opt.p;
  P.inv_q = 1.0 / opt.q;
  P.env = std::max(1.0, P.inv_q);
  P.outlier_h = std::max(0.0, P.inv_p - P.env);
  P.lo_bias = std::min(1.0, P.inv_q);
  P.hi_bias = std::max(1.0, P.inv_q);
  if (!P.weighted) return P;
  const auto off = g.offsets();
  const auto w = g.weights();
  const node_t n = g.num_nodes();
  tab.total.resize(n);
  if (P.prefix) {
    tab.cum.resize(w.size());
    parallel_for<node_t>(
        0, n,
        [&](node_t v) {
          double s = 0;
          for (edge_t e = off[v]; e < off[v + 1]; ++e) {
            s += w[e];
            tab.cum[e] = static_cast<float>(s);
          }
          tab.total[v] = static_cast<float>(s);
        },
        2048);
  } else {
    tab.prob.resize(w.size());
    tab.alias.resize(w.size());
    parallel_chunks(static_cast<std::size_t>(n), 2048, [&](std::size_t, std::size_t lo, std::size_t hi) {
      std::vector<double> scaled;
      std::vector<std::int32_t> small, large;
      for (std::size_t v = lo; v < hi; ++v)
        build_alias_row(static_cast<node_t>(v), off.data(), w.data(), tab.total.data(), tab.prob.data(),
                        tab.alias.data(), scaled, small, large);
    });
  }
  return P;
}

Walks empty_walks(const WalkOptions& opt, std::int64_t begin, std::int64_t end) {
  Walks out;
  out.first = begin;
  out.count = end - begin;
  out.length = opt.length;
  out.nodes.resize(static_cast<std::size_t>(out.count * out.length));
  return out;
}

}  // namespace

Walks random_walks_device_code_on_host(const Graph& g, const WalkOptions& opt, std::int64_t begin, std::int64_t end) {
  Walks out = empty_walks(opt, begin, end);
  if (out.count == 0) return out;
  HostTables tab;
  WalkParams P = make_params(g, opt, tab);
  P.g = host_view(g);
  P.total = tab.total.data();
  P.cum = tab.cum.data();
  P.prob = tab.prob.data();
  P.alias = tab.alias.data();
  parallel_for<std::int64_t>(0, out.count,
                             [&](std::int64_t k) { walk_one(P, begin + k, out.nodes.data() + k * out.length); }, 512);
  return out;
}

Walks random_walks_cuda(const Graph& g, const WalkOptions& opt, std::int64_t begin, std::int64_t end) {
  require_cuda_device("random_walks");
  Walks out = empty_walks(opt, begin, end);
  report(opt.progress, "walks", 0, static_cast<std::uint64_t>(out.count));
  if (out.count == 0) return out;
  HostTables tab;
  WalkParams P = make_params(g, opt, tab);
  // Weights are read on the device only by node2vec's return-edge weight.
  const DeviceCsr dg(g, P.weighted && P.second_order);
  P.g = dg.view();
  const DeviceBuffer<float> d_total = to_device<float>(tab.total, "walk totals");
  const DeviceBuffer<float> d_cum = to_device<float>(tab.cum, "walk prefix sums");
  const DeviceBuffer<float> d_prob = to_device<float>(tab.prob, "walk alias probabilities");
  const DeviceBuffer<std::int32_t> d_alias = to_device<std::int32_t>(tab.alias, "walk alias targets");
  P.total = d_total.data();
  P.cum = d_cum.data();
  P.prob = d_prob.data();
  P.alias = d_alias.data();

  // Batches of walks whose rows take at most a quarter of free memory (≤ 1 GiB).
  const std::size_t row_bytes = static_cast<std::size_t>(opt.length) * sizeof(node_t);
  const std::size_t budget = std::min<std::size_t>(device_free_bytes() / 4, std::size_t{1} << 30);
  const std::int64_t batch = std::max<std::int64_t>(1, static_cast<std::int64_t>(budget / row_bytes));
  const std::int64_t per = std::min(batch, out.count);
  DeviceBuffer<node_t> rows(static_cast<std::size_t>(per * opt.length), "walk rows");
  for (std::int64_t b0 = 0; b0 < out.count; b0 += per) {
    const std::int64_t cnt = std::min(per, out.count - b0);
    walk_kernel<<<static_cast<unsigned>((cnt + 255) / 256), 256>>>(P, begin + b0, cnt, rows.data());
    SPRIG_CUDA_CHECK_KERNEL("walk_kernel");
    SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
    rows.download(out.nodes.data() + b0 * opt.length, static_cast<std::size_t>(cnt * opt.length));
    report(opt.progress, "walks", static_cast<std::uint64_t>(b0 + cnt), static_cast<std::uint64_t>(out.count));
  }
  return out;
}

}  // namespace sprig::detail
