// GNN propagation on the device (see spmm_cuda.hpp): GCN / mean products by
// DeviceSpmm (cuSPARSE), max and softmax reduces by one thread per output
// entry, backward passes by pulls over an explicit transposed CSR.
#include <sprig/gnn/spmm_cuda.hpp>

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

#include <sprig/graph/device_csr.hpp>
#include <sprig/graph/error.hpp>

namespace sprig::gnn {
namespace {

using detail::ArcValues;
using detail::DeviceBuffer;
using detail::to_device;

// A block's transposed arcs: rows = sources, targets = destinations (increasing),
// weights and original arc ids carried along. Counting sort: O(m + n), deterministic.
struct HostTranspose {
  std::vector<edge_t> offsets;
  std::vector<node_t> targets;
  std::vector<float> weights;
  std::vector<edge_t> arcs;
};

HostTranspose transpose_host(const Block& b) {
  HostTranspose t;
  const auto ns = static_cast<std::size_t>(b.num_src);
  t.offsets.assign(ns + 1, 0);
  for (node_t j : b.targets) ++t.offsets[static_cast<std::size_t>(j) + 1];
  for (std::size_t j = 0; j < ns; ++j) t.offsets[j + 1] += t.offsets[j];
  t.targets.resize(b.targets.size());
  t.arcs.resize(b.targets.size());
  if (!b.weights.empty()) t.weights.resize(b.targets.size());
  std::vector<edge_t> pos(t.offsets.begin(), t.offsets.end() - 1);
  for (node_t i = 0; i < b.num_dst; ++i)
    for (edge_t a = b.offsets[i]; a < b.offsets[i + 1]; ++a) {
      const edge_t p = pos[static_cast<std::size_t>(b.targets[a])]++;
      t.targets[p] = i;
      t.arcs[p] = a;
      if (!b.weights.empty()) t.weights[p] = b.weights[a];
    }
  return t;
}

void check_block(const Block& b, const Matrix& x, Eigen::Index need_rows, const char* who) {
  SPRIG_EXPECTS(b.num_dst >= 0 && b.num_src >= 0, "{}: negative block size", who);
  SPRIG_EXPECTS(b.offsets.size() == static_cast<std::size_t>(b.num_dst) + 1, "{}: offsets has {} entries for {} rows",
                who, b.offsets.size(), b.num_dst);
  SPRIG_EXPECTS(b.offsets[0] == 0 && b.offsets[b.num_dst] == b.num_arcs(), "{}: offsets do not span the {} arcs", who,
                b.num_arcs());
  SPRIG_EXPECTS(b.weights.empty() || b.weights.size() == b.targets.size(), "{}: {} weights for {} arcs", who,
                b.weights.size(), b.targets.size());
  for (node_t j : b.targets)
    SPRIG_EXPECTS(j >= 0 && j < b.num_src, "{}: source id {} outside [0, {})", who, j, b.num_src);
  SPRIG_EXPECTS(x.rows() >= need_rows, "{}: input has {} rows, needs {}", who, x.rows(), need_rows);
  SPRIG_EXPECTS(x.cols() > 0, "{}: input has no columns", who);
}

__global__ void self_term(float* y, const float* x, std::int64_t rows, std::int64_t d, float self,
                          const float* in_scale, const float* out_scale) {
  const std::int64_t idx = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= rows * d) return;
  const std::int64_t r = idx / d;
  y[idx] += self * in_scale[r] * out_scale[r] * x[idx];
}

unsigned blocks_for(std::int64_t threads) { return static_cast<unsigned>((threads + 255) / 256); }

// y (rows × d) = diag(out)·(W∘(1·inᵀ))·x + self·diag(in·out)·x[0, min(rows, cols, x rows)):
// the CPU `pull` with arc value w·in[col]·out[row].
Matrix pull_cuda(std::span<const edge_t> offsets, std::span<const node_t> targets, std::span<const float> weights,
                 std::int64_t rows, std::int64_t cols, const Matrix& x, const std::vector<float>& in_scale,
                 const std::vector<float>& out_scale, float self) {
  detail::require_cuda_device("gnn propagation");
  const std::int64_t d = x.cols();
  Matrix y(rows, d);
  if (rows == 0) return y;
  const DeviceBuffer<float> d_x =
      to_device<float>(std::span<const float>(x.data(), static_cast<std::size_t>(cols * d)), "gnn input");
  DeviceBuffer<float> d_y(static_cast<std::size_t>(rows * d), "gnn output");
  const std::vector<float> ones_in(in_scale.empty() ? static_cast<std::size_t>(cols) : 0, 1.f);
  const std::vector<float> ones_out(out_scale.empty() ? static_cast<std::size_t>(rows) : 0, 1.f);
  const DeviceBuffer<float> d_in = to_device<float>(in_scale.empty() ? ones_in : in_scale, "gnn in scale");
  const DeviceBuffer<float> d_out = to_device<float>(out_scale.empty() ? ones_out : out_scale, "gnn out scale");
  detail::CusparseHandle handle;
  detail::SpmmOperand op;
  op.offsets = offsets;
  op.targets = targets;
  op.weights = weights;
  op.cols = cols;
  op.values = ArcValues::sym_norm;
  op.d_row_scale = d_out.data();
  op.d_col_scale = d_in.data();
  if (cols == 0 || targets.empty()) {
    d_y.zero();
  } else {
    detail::DeviceSpmm spmm(handle, op, d, 0);
    spmm.multiply(d_x.data(), d_y.data());
  }
  const std::int64_t nself = std::min<std::int64_t>({rows, cols, static_cast<std::int64_t>(x.rows())});
  if (self != 0.f && nself > 0) {
    self_term<<<blocks_for(nself * d), 256>>>(d_y.data(), d_x.data(), nself, d, self, d_in.data(), d_out.data());
    SPRIG_CUDA_CHECK_KERNEL("gnn self_term");
  }
  SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
  d_y.download(y.data(), static_cast<std::size_t>(rows * d));
  return y;
}

// (weighted) row sums of a CSR + self, to the power −½.
std::vector<float> inv_sqrt_sums(std::span<const edge_t> off, std::span<const float> w, std::int64_t rows, float self) {
  std::vector<float> s(static_cast<std::size_t>(rows));
  for (std::int64_t r = 0; r < rows; ++r) {
    double acc = self;
    for (edge_t a = off[r]; a < off[r + 1]; ++a) acc += w.empty() ? 1.0 : static_cast<double>(w[a]);
    s[r] = acc > 0 ? static_cast<float>(1.0 / std::sqrt(acc)) : 0.f;
  }
  return s;
}

std::vector<float> inv_counts(std::span<const edge_t> off, std::int64_t rows) {
  std::vector<float> s(static_cast<std::size_t>(rows));
  for (std::int64_t r = 0; r < rows; ++r) {
    const edge_t k = off[r + 1] - off[r];
    s[r] = k > 0 ? 1.0f / static_cast<float>(k) : 0.f;
  }
  return s;
}

HostTranspose transposed_of(const Block& b) {
  if (b.transposed == nullptr) return transpose_host(b);
  // Use the caller's transposed structure (weights included); arc ids are not needed by the pulls.
  HostTranspose t;
  const Block& bt = *b.transposed;
  t.offsets.assign(bt.offsets.begin(), bt.offsets.end());
  t.targets.assign(bt.targets.begin(), bt.targets.end());
  t.weights.assign(bt.weights.begin(), bt.weights.end());
  return t;
}

// One thread per (row, feature): max of w·x over the row's arcs, first arc wins ties.
__global__ void max_kernel(const edge_t* off, const node_t* tgt, const float* w, std::int64_t rows, std::int64_t F,
                           const float* x, float* y, edge_t* arg) {
  const std::int64_t idx = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= rows * F) return;
  const std::int64_t i = idx / F, f = idx % F;
  float best = 0.f;
  edge_t am = -1;
  for (edge_t a = off[i]; a < off[i + 1]; ++a) {
    const float m = (w != nullptr ? w[a] : 1.f) * x[static_cast<std::int64_t>(tgt[a]) * F + f];
    if (a == off[i] || m > best) {
      best = m;
      am = a;
    }
  }
  y[idx] = best;
  arg[idx] = am;
}

// dX[j, f] = Σ over transposed arcs (j → i, original arc a) with arg[i, f] == a of w_a · g[i, f].
__global__ void max_backward_kernel(const edge_t* toff, const node_t* ttgt, const edge_t* tarc, const float* w,
                                    std::int64_t rows, std::int64_t F, const edge_t* arg, const float* g, float* dx) {
  const std::int64_t idx = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= rows * F) return;
  const std::int64_t j = idx / F, f = idx % F;
  float acc = 0.f;
  for (edge_t k = toff[j]; k < toff[j + 1]; ++k) {
    const std::int64_t i = ttgt[k];
    const edge_t a = tarc[k];
    if (arg[i * F + f] == a) acc += (w != nullptr ? w[a] : 1.f) * g[i * F + f];
  }
  dx[idx] = acc;
}

// Softmax aggregation per (row, feature): max, Σ exp, Σ exp·x; y = Σ exp·x / Σ exp.
__global__ void softmax_kernel(const edge_t* off, const node_t* tgt, std::int64_t rows, std::int64_t F, const float* x,
                               float t, float* y, float* mx, float* sum) {
  const std::int64_t idx = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= rows * F) return;
  const std::int64_t i = idx / F, f = idx % F;
  float m = -INFINITY;
  for (edge_t a = off[i]; a < off[i + 1]; ++a) m = fmaxf(m, t * x[static_cast<std::int64_t>(tgt[a]) * F + f]);
  float s = 0.f, acc = 0.f;
  for (edge_t a = off[i]; a < off[i + 1]; ++a) {
    const float v = x[static_cast<std::int64_t>(tgt[a]) * F + f];
    const float e = expf(t * v - m);
    s += e;
    acc += e * v;
  }
  y[idx] = s > 0.f ? acc / s : 0.f;
  if (mx != nullptr) mx[idx] = m;
  if (sum != nullptr) sum[idx] = s;
}

// dX[j, f] = Σ_{arcs j → i} a_ij (1 + t (x_j − y_i)) g_i, a_ij = exp(t x_j − m_i) / s_i.
__global__ void softmax_backward_kernel(const edge_t* toff, const node_t* ttgt, std::int64_t rows, std::int64_t F,
                                        const float* x, float t, const float* y, const float* mx, const float* sum,
                                        const float* g, float* dx) {
  const std::int64_t idx = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= rows * F) return;
  const std::int64_t j = idx / F, f = idx % F;
  const float xj = x[idx];
  float acc = 0.f;
  for (edge_t k = toff[j]; k < toff[j + 1]; ++k) {
    const std::int64_t o = static_cast<std::int64_t>(ttgt[k]) * F + f;
    const float a = expf(t * xj - mx[o]) / sum[o];
    acc += a * (1.f + t * (xj - y[o])) * g[o];
  }
  dx[idx] = acc;
}

}  // namespace

Matrix gcn_propagate_cuda(const Block& b, const Matrix& x, bool self_loops) {
  check_block(b, x, b.num_src, "gcn_propagate_cuda");
  const float self = self_loops ? 1.f : 0.f;
  const HostTranspose t = transposed_of(b);
  const auto out = inv_sqrt_sums(b.offsets, b.weights, b.num_dst, self);
  const auto in = inv_sqrt_sums(t.offsets, t.weights, b.num_src, self);
  return pull_cuda(b.offsets, b.targets, b.weights, b.num_dst, b.num_src, x, in, out, self);
}

Matrix gcn_propagate_backward_cuda(const Block& b, const Matrix& g, bool self_loops) {
  check_block(b, g, b.num_dst, "gcn_propagate_backward_cuda");
  const float self = self_loops ? 1.f : 0.f;
  const HostTranspose t = transposed_of(b);
  const auto dst = inv_sqrt_sums(b.offsets, b.weights, b.num_dst, self);
  const auto src = inv_sqrt_sums(t.offsets, t.weights, b.num_src, self);
  return pull_cuda(t.offsets, t.targets, t.weights, b.num_src, b.num_dst, g, dst, src, self);
}

Matrix spmm_mean_cuda(const Block& b, const Matrix& x) {
  check_block(b, x, b.num_src, "spmm_mean_cuda");
  return pull_cuda(b.offsets, b.targets, b.weights, b.num_dst, b.num_src, x, {}, inv_counts(b.offsets, b.num_dst), 0.f);
}

Matrix spmm_mean_backward_cuda(const Block& b, const Matrix& g) {
  check_block(b, g, b.num_dst, "spmm_mean_backward_cuda");
  const HostTranspose t = transposed_of(b);
  return pull_cuda(t.offsets, t.targets, t.weights, b.num_src, b.num_dst, g, inv_counts(b.offsets, b.num_dst), {},
                   0.f);
}

Matrix spmm_max_cuda(const Block& b, const Matrix& x, std::vector<edge_t>* arg) {
  check_block(b, x, b.num_src, "spmm_max_cuda");
  SPRIG_EXPECTS(arg != nullptr, "spmm_max_cuda: arg must not be null");
  detail::require_cuda_device("spmm_max_cuda");
  const std::int64_t F = x.cols(), rows = b.num_dst;
  Matrix y(rows, F);
  arg->assign(static_cast<std::size_t>(rows * F), -1);
  if (rows == 0) return y;
  const auto d_off = to_device(b.offsets, "block offsets");
  const auto d_tgt = to_device(b.targets, "block targets");
  const auto d_w = to_device(b.weights, "block weights");
  const auto d_x = to_device<float>(std::span<const float>(x.data(), static_cast<std::size_t>(b.num_src * F)), "x");
  DeviceBuffer<float> d_y(static_cast<std::size_t>(rows * F), "max output");
  DeviceBuffer<edge_t> d_arg(static_cast<std::size_t>(rows * F), "max arg");
  max_kernel<<<blocks_for(rows * F), 256>>>(d_off.data(), d_tgt.data(), d_w.empty() ? nullptr : d_w.data(), rows, F,
                                            d_x.data(), d_y.data(), d_arg.data());
  SPRIG_CUDA_CHECK_KERNEL("max_kernel");
  SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
  d_y.download(y.data(), static_cast<std::size_t>(rows * F));
  d_arg.download(arg->data(), arg->size());
  return y;
}

Matrix spmm_max_backward_cuda(const Block& b, const Matrix& g, const std::vector<edge_t>& arg) {
  check_block(b, g, b.num_dst, "spmm_max_backward_cuda");
  const std::int64_t F = g.cols(), rows = b.num_src;
  SPRIG_EXPECTS(arg.size() == static_cast<std::size_t>(b.num_dst) * static_cast<std::size_t>(F),
                "spmm_max_backward_cuda: arg has {} entries, expected {} x {}", arg.size(), b.num_dst, F);
  detail::require_cuda_device("spmm_max_backward_cuda");
  Matrix dx(rows, F);
  if (rows == 0) return dx;
  const HostTranspose t = transpose_host(b);  // needs the arc ids
  const auto d_off = to_device<edge_t>(t.offsets, "transposed offsets");
  const auto d_tgt = to_device<node_t>(t.targets, "transposed targets");
  const auto d_arc = to_device<edge_t>(t.arcs, "transposed arc ids");
  const auto d_w = to_device(b.weights, "block weights");  // indexed by original arc
  const auto d_arg = to_device<edge_t>(arg, "max arg");
  const auto d_g =
      to_device<float>(std::span<const float>(g.data(), static_cast<std::size_t>(b.num_dst * F)), "grad_out");
  DeviceBuffer<float> d_dx(static_cast<std::size_t>(rows * F), "max dx");
  max_backward_kernel<<<blocks_for(rows * F), 256>>>(d_off.data(), d_tgt.data(), d_arc.data(),
                                                     d_w.empty() ? nullptr : d_w.data(), rows, F, d_arg.data(),
                                                     d_g.data(), d_dx.data());
  SPRIG_CUDA_CHECK_KERNEL("max_backward_kernel");
  SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
  d_dx.download(dx.data(), static_cast<std::size_t>(rows * F));
  return dx;
}

Matrix softmax_aggregate_cuda(const Block& b, const Matrix& x, float t) {
  check_block(b, x, b.num_src, "softmax_aggregate_cuda");
  SPRIG_EXPECTS(std::isfinite(t), "softmax_aggregate_cuda: temperature must be finite (got {})", t);
  detail::require_cuda_device("softmax_aggregate_cuda");
  const std::int64_t F = x.cols(), rows = b.num_dst;
  Matrix y(rows, F);
  if (rows == 0) return y;
  const auto d_off = to_device(b.offsets, "block offsets");
  const auto d_tgt = to_device(b.targets, "block targets");
  const auto d_x = to_device<float>(std::span<const float>(x.data(), static_cast<std::size_t>(b.num_src * F)), "x");
  DeviceBuffer<float> d_y(static_cast<std::size_t>(rows * F), "softmax output");
  softmax_kernel<<<blocks_for(rows * F), 256>>>(d_off.data(), d_tgt.data(), rows, F, d_x.data(), t, d_y.data(),
                                                nullptr, nullptr);
  SPRIG_CUDA_CHECK_KERNEL("softmax_kernel");
  SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
  d_y.download(y.data(), static_cast<std::size_t>(rows * F));
  return y;
}

Matrix softmax_aggregate_backward_cuda(const Block& b, const Matrix& x, const Matrix& g, float t) {
  check_block(b, x, b.num_src, "softmax_aggregate_backward_cuda");
  SPRIG_EXPECTS(g.rows() == b.num_dst && g.cols() == x.cols(),
                "softmax_aggregate_backward_cuda: grad_out is {}x{}, expected {}x{}", g.rows(), g.cols(), b.num_dst,
                x.cols());
  detail::require_cuda_device("softmax_aggregate_backward_cuda");
  const std::int64_t F = x.cols(), rows = b.num_dst, ns = b.num_src;
  Matrix dx(ns, F);
  if (ns == 0) return dx;
  const auto d_off = to_device(b.offsets, "block offsets");
  const auto d_tgt = to_device(b.targets, "block targets");
  const auto d_x = to_device<float>(std::span<const float>(x.data(), static_cast<std::size_t>(ns * F)), "x");
  const auto d_g = to_device<float>(std::span<const float>(g.data(), static_cast<std::size_t>(rows * F)), "grad_out");
  const std::size_t nd = static_cast<std::size_t>(std::max<std::int64_t>(rows * F, 1));
  DeviceBuffer<float> d_y(nd, "softmax y"), d_m(nd, "softmax max"), d_s(nd, "softmax sum");
  if (rows > 0) {
    softmax_kernel<<<blocks_for(rows * F), 256>>>(d_off.data(), d_tgt.data(), rows, F, d_x.data(), t, d_y.data(),
                                                  d_m.data(), d_s.data());
    SPRIG_CUDA_CHECK_KERNEL("softmax_kernel");
  }
  const HostTranspose tr = transpose_host(b);
  const auto d_toff = to_device<edge_t>(tr.offsets, "transposed offsets");
  const auto d_ttgt = to_device<node_t>(tr.targets, "transposed targets");
  DeviceBuffer<float> d_dx(static_cast<std::size_t>(ns * F), "softmax dx");
  softmax_backward_kernel<<<blocks_for(ns * F), 256>>>(d_toff.data(), d_ttgt.data(), ns, F, d_x.data(), t, d_y.data(),
                                                       d_m.data(), d_s.data(), d_g.data(), d_dx.data());
  SPRIG_CUDA_CHECK_KERNEL("softmax_backward_kernel");
  SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
  d_dx.download(dx.data(), static_cast<std::size_t>(ns * F));
  return dx;
}

}  // namespace sprig::gnn
