// FastRP on the device (see fastrp_cuda.hpp): the projection drawn in place
// from the CPU path's Philox keys by its entry code (embed/fastrp_projection.hpp),
// k cuSPARSE products, one fused scale/normalise/accumulate kernel per product.
#include <sprig/embed/fastrp_cuda.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <sprig/embed/fastrp_projection.hpp>
#include <sprig/graph/device_csr.hpp>
#include <sprig/graph/device_random.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::detail {
namespace {

constexpr int kWarp = 32;
constexpr std::size_t kRowGrain = 256;  // the CPU path's chunks (column statistics)

// N₀[u, j] = deg_scale[u] · R[u, j] for j < dr: thread (u, q) draws the Philox
// block (seed, item = u, step = q) = words 4q..4q+3 of the CPU's stream (seed, u).
__global__ void projection_kernel(float* a, std::int64_t n, std::int64_t d, std::int64_t dr, std::uint64_t seed,
                                  FastRpProjection proj, const float* deg_scale) {
  const std::int64_t quads = (dr + 3) / 4;
  const std::int64_t idx = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= n * quads) return;
  const std::int64_t u = idx / quads, q = idx % quads;
  DevPhilox rng(seed, static_cast<std::uint64_t>(u), static_cast<std::uint64_t>(q));
  const float scale = deg_scale[u];
  for (int k = 0; k < 4; ++k) {
    const std::int64_t j = 4 * q + k;
    const std::uint32_t w = rng.next_u32();
    if (j < dr) a[u * d + j] = scale * proj(w);
  }
}

// N₀[u, dr + j] = Σ_f x[u, f] · P[f, j] over nonzero x[u, f], in f order (as the CPU).
__global__ void feature_kernel(float* a, std::int64_t n, std::int64_t d, std::int64_t dr, std::int64_t dp,
                               const float* x, std::int64_t nf, const float* p) {
  const std::int64_t idx = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= n * dp) return;
  const std::int64_t u = idx / dp, j = idx % dp;
  float part = 0.f;
  for (std::int64_t f = 0; f < nf; ++f) {
    const float xf = x[u * nf + f];
    if (xf != 0.f) part += xf * p[f * dp + j];
  }
  a[u * d + dr + j] = part;
}

// One warp per row u: y[u] *= row_scale[u] (when given); then, when alpha ≠ 0,
// out[u] += alpha / ‖y[u]‖ · y[u] (‖·‖ = 1 without normalize_rows; zero rows skipped).
__global__ void finish_rows(float* y, std::int64_t n, std::int64_t d, const float* row_scale, float alpha,
                            bool normalize, float* out) {
  const std::int64_t u = (blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x) / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (u >= n) return;  // whole warps leave together: n·32 threads are rounded up by whole warps
  float* row = y + u * d;
  const float scale = row_scale != nullptr ? row_scale[u] : 1.f;
  float ss = 0.f;
  for (std::int64_t j = lane; j < d; j += kWarp) {
    const float v = row[j] * scale;
    row[j] = v;
    ss += v * v;
  }
  for (int off = kWarp / 2; off > 0; off /= 2) ss += __shfl_xor_sync(0xffffffffu, ss, off);
  if (alpha == 0.f) return;
  const float norm = normalize ? sqrtf(ss) : 1.f;
  if (!(norm > 0.f)) return;
  const float coef = alpha / norm;
  float* o = out + u * d;
  for (std::int64_t j = lane; j < d; j += kWarp) o[j] += coef * row[j];
}

unsigned blocks_for(std::int64_t threads, unsigned block = 256) {
  return static_cast<unsigned>((threads + block - 1) / block);
}

}  // namespace

float fastrp_projection_entry_device_code(std::uint64_t seed, std::int64_t node, std::int64_t j, double s) {
  return fastrp_entry<DevPhilox>(seed, node, j, FastRpProjection(s));
}

Matrix fastrp_cuda(const Graph& g, const FastRpOptions& opt) {
  require_cuda_device("fastrp");
  const std::int64_t n = g.num_nodes();
  const std::int64_t d = opt.dim;
  Matrix out = Matrix::Zero(n, d);
  if (n == 0) return out;

  const bool weighted = opt.use_weights && g.weighted();
  const auto offsets = g.offsets();
  const auto wts = g.weights();
  const double s = fastrp_sparsity(n, opt.sparsity);
  const std::int64_t dp =
      opt.property_ratio > 0.f ? static_cast<std::int64_t>(std::floor(static_cast<double>(d) * opt.property_ratio)) : 0;
  const std::int64_t dr = d - dp;
  const std::int64_t k = static_cast<std::int64_t>(opt.iteration_weights.size());

  // 1/D and D^β exactly as the CPU path computes them (host, double).
  std::vector<float> inv_deg(n), deg_scale(n);
  parallel_for<std::int64_t>(
      0, n,
      [&](std::int64_t u) {
        double D = 0;
        if (weighted) {
          for (edge_t e = offsets[u]; e < offsets[u + 1]; ++e) D += wts[e];
        } else {
          D = static_cast<double>(offsets[u + 1] - offsets[u]);
        }
        inv_deg[u] = D > 0 ? static_cast<float>(1.0 / D) : 0.f;
        deg_scale[u] = D > 0 ? static_cast<float>(std::pow(D, static_cast<double>(opt.normalization_strength))) : 1.f;
      },
      4096);

  const std::size_t dense = static_cast<std::size_t>(n) * static_cast<std::size_t>(d);
  const std::size_t dense_bytes = 3 * dense * sizeof(float);
  const std::size_t free_b = device_free_bytes();
  if (dense_bytes + (std::size_t{512} << 20) > free_b)
    throw Error(fmt::format("fastrp: device = cuda needs 3 n × d float buffers ({} bytes for n = {}, d = {}) but only "
                            "{} bytes of device memory are free",
                            dense_bytes, n, d, free_b));
  DeviceBuffer<float> a(dense, "fastrp N (a)"), b(dense, "fastrp N (b)"), o(dense, "fastrp output");
  o.zero();
  const DeviceBuffer<float> d_inv_deg = to_device<float>(inv_deg, "fastrp 1/D");
  {
    const DeviceBuffer<float> d_scale = to_device<float>(deg_scale, "fastrp D^beta");
    if (dr > 0) {
      const std::int64_t quads = (dr + 3) / 4;
      projection_kernel<<<blocks_for(n * quads), 256>>>(a.data(), n, d, dr, opt.seed, FastRpProjection(s),
                                                         d_scale.data());
      SPRIG_CUDA_CHECK_KERNEL("fastrp projection_kernel");
    }
    if (dp > 0) {
      const std::int64_t nf = opt.features->cols();
      // P (nf × dp, small) from the CPU path's own entry function: no key is duplicated here.
      std::vector<float> p(static_cast<std::size_t>(nf * dp));
      parallel_for<std::int64_t>(0, nf, [&](std::int64_t f) {
        for (std::int64_t j = 0; j < dp; ++j)
          p[static_cast<std::size_t>(f * dp + j)] = fastrp_feature_projection_entry(opt.seed, f, j);
      });
      const DeviceBuffer<float> d_p = to_device<float>(p, "fastrp feature projection");
      const DeviceBuffer<float> d_x = to_device<float>(
          std::span<const float>(opt.features->data(), static_cast<std::size_t>(opt.features->size())),
          "fastrp features");
      feature_kernel<<<blocks_for(n * dp), 256>>>(a.data(), n, d, dr, dp, d_x.data(), nf, d_p.data());
      SPRIG_CUDA_CHECK_KERNEL("fastrp feature_kernel");
    }
    if (opt.node_self_influence != 0.f) {
      finish_rows<<<blocks_for(n * kWarp), 256>>>(a.data(), n, d, nullptr, opt.node_self_influence,
                                                  opt.normalize_rows, o.data());
      SPRIG_CUDA_CHECK_KERNEL("fastrp finish_rows (self influence)");
    }
    SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
  }
  report(opt.progress, "fastrp", 0, static_cast<std::uint64_t>(k));

  CusparseHandle handle;
  SpmmOperand op;
  op.offsets = offsets;
  op.targets = g.targets();
  if (weighted) op.weights = wts;
  op.cols = n;
  op.values = weighted ? ArcValues::weights : ArcValues::ones;
  DeviceSpmm spmm(handle, op, d, 0);

  float* src = a.data();
  float* dst = b.data();
  for (std::int64_t it = 0; it < k; ++it) {
    spmm.multiply(src, dst);  // dst = A·src (sum, then 1/D below: the CPU's order)
    finish_rows<<<blocks_for(n * kWarp), 256>>>(dst, n, d, d_inv_deg.data(), opt.iteration_weights[it],
                                                opt.normalize_rows, o.data());
    SPRIG_CUDA_CHECK_KERNEL("fastrp finish_rows");
    SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
    std::swap(src, dst);
    report(opt.progress, "fastrp", static_cast<std::uint64_t>(it + 1), static_cast<std::uint64_t>(k));
  }
  o.download(out.data(), dense);

  if (opt.standardize) {
    // The CPU path's column statistics: double sums per fixed chunk, combined in chunk order.
    const std::size_t chunks = num_chunks(static_cast<std::size_t>(n), kRowGrain);
    std::vector<std::vector<double>> s1(chunks), s2(chunks);
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
      std::vector<double> a1(static_cast<std::size_t>(d), 0.0), a2(static_cast<std::size_t>(d), 0.0);
      for (std::size_t u = lo; u < hi; ++u)
        for (std::int64_t j = 0; j < d; ++j) {
          const double x = out(static_cast<std::int64_t>(u), j);
          a1[j] += x;
          a2[j] += x * x;
        }
      s1[c] = std::move(a1);
      s2[c] = std::move(a2);
    });
    std::vector<double> mean(static_cast<std::size_t>(d), 0.0), sq(static_cast<std::size_t>(d), 0.0);
    for (std::size_t c = 0; c < chunks; ++c)
      for (std::int64_t j = 0; j < d; ++j) {
        mean[j] += s1[c][j];
        sq[j] += s2[c][j];
      }
    std::vector<float> meanf(static_cast<std::size_t>(d)), inv_std(static_cast<std::size_t>(d));
    for (std::int64_t j = 0; j < d; ++j) {
      mean[j] /= static_cast<double>(n);
      const double var = std::max(0.0, sq[j] / static_cast<double>(n) - mean[j] * mean[j]);
      const double sd = std::sqrt(var);
      meanf[j] = static_cast<float>(mean[j]);
      inv_std[j] = sd > 1e-12 * std::max(1.0, std::abs(mean[j])) ? static_cast<float>(1.0 / sd) : 1.f;
    }
    parallel_for<std::int64_t>(0, n, [&](std::int64_t u) {
      for (std::int64_t j = 0; j < d; ++j) out(u, j) = (out(u, j) - meanf[j]) * inv_std[j];
    });
  }
  return out;
}

}  // namespace sprig::detail
