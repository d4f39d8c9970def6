// Full-batch node-classification training on the device (see train_cuda.hpp).
// The plan (which layers, which parameters) is read from the Model on the host;
// every epoch then runs on the device, and only a few scalars per epoch and the
// final parameters come back.
#include <sprig/gnn/train_cuda.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include <cublas_v2.h>

#include <sprig/gnn/adam_step.hpp>
#include <sprig/gnn/layers.hpp>
#include <sprig/graph/device_csr.hpp>
#include <sprig/graph/device_random.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::gnn::detail {
namespace {

using sprig::detail::ArcValues;
using sprig::detail::DeviceBuffer;
using sprig::detail::DevPhilox;
using sprig::detail::to_device;

[[noreturn]] void throw_cublas(cublasStatus_t st, const char* call, const char* file, int line) {
  throw Error(fmt::format("cuBLAS call failed: {} ({}:{}): {}: {}", call, file, line, cublasGetStatusName(st),
                          cublasGetStatusString(st)));
}
#define SPRIG_CUBLAS_CHECK(call)                                             \
  do {                                                                       \
    const cublasStatus_t sprig_cb_ = (call);                                 \
    if (sprig_cb_ != CUBLAS_STATUS_SUCCESS) [[unlikely]]                     \
      throw_cublas(sprig_cb_, #call, __FILE__, __LINE__);                    \
  } while (0)

// ------------------------------------------------------------------ the plan

// One message-passing layer and what follows it (activation, dropout).
struct LayerPlan {
  bool sage = false;
  bool lin_first = false;  // SAGE: W_l before the mean (SageLayer's rule: mean/sum aggregator and out < in)
  int in = 0, out = 0;
  Param* weight = nullptr;  // GCN weight, SAGE W_l (in × out)
  Param* root = nullptr;    // SAGE W_r (in × out)
  Param* bias = nullptr;    // 1 × out
  bool last = false;
  bool dropout = false;     // a Dropout follows the activation
  std::uint64_t dropout_id = 0;
};

struct Plan {
  std::vector<LayerPlan> layers;
  ActivationKind act = ActivationKind::relu;
  float act_param = 0;
  float p = 0;        // dropout probability as Dropout compares it (float)
  double p_exact = 0;  // and as it scales the kept entries: 1 / (1 − p) in double
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Param* expect_param(const std::vector<Param*>& ps, std::size_t i, const char* suffix, Eigen::Index rows,
                    Eigen::Index cols, const std::string& layer) {
  if (i >= ps.size() || !ends_with(ps[i]->name, suffix) || ps[i]->value.rows() != rows ||
      ps[i]->value.cols() != cols)
    throw InvalidArgument(fmt::format("train: device = cuda: layer {} does not have the parameters make_model gives "
                                      "it (expected '*{}' of {}x{} at position {})",
                                      layer, suffix, rows, cols, i));
  return ps[i];
}

Plan make_plan(Model& model) {
  const ModelSpec& s = model.spec();
  const std::string what = "train: device = cuda supports the gcn and sage (mean aggregator) models of make_model";
  if (s.kind != "gcn" && s.kind != "sage")
    throw InvalidArgument(fmt::format("{} (got model kind '{}')", what, s.kind));
  if (s.kind == "sage" && s.aggr != "mean")
    throw InvalidArgument(fmt::format("{} (got sage aggregator '{}')", what, s.aggr));
  if (s.identity_input) throw InvalidArgument(fmt::format("{}, without identity (one-hot id) input", what));
  if (s.layer_norm) throw InvalidArgument(fmt::format("{}, without layer norm", what));
  if (s.residual) throw InvalidArgument(fmt::format("{}, without residual connections", what));
  if (s.virtual_node) throw InvalidArgument(fmt::format("{}, without a virtual node", what));
  Plan plan;
  plan.act = parse_activation(s.activation);
  plan.act_param = plan.act == ActivationKind::elu ? 1.0f : 0.01f;  // make_model's Activation(act, -1)
  plan.p = static_cast<float>(s.dropout);
  plan.p_exact = s.dropout;
  const std::string act_name = plan.act == ActivationKind::relu         ? "relu"
                               : plan.act == ActivationKind::elu        ? "elu"
                               : plan.act == ActivationKind::leaky_relu ? "leaky_relu"
                                                                        : "identity";
  std::size_t pos = 0;
  auto expect_layer = [&](const std::string& kind, bool mp) -> Module& {
    if (pos >= model.size() || model.layer(pos).kind() != kind || model.message_passing(pos) != mp)
      throw InvalidArgument(fmt::format("{}: layer {} of the model is '{}', make_model would put '{}' there", what,
                                        pos, pos < model.size() ? model.layer(pos).kind() : std::string("(none)"),
                                        kind));
    return model.layer(pos++);
  };
  int in = s.in_features;
  std::uint64_t dropout_id = 0;
  for (int i = 0; i < s.layers; ++i) {
    LayerPlan L;
    L.last = i + 1 == s.layers;
    L.in = in;
    L.out = L.last ? s.out_features : s.hidden;
    L.sage = s.kind == "sage";
    Module& conv = expect_layer(s.kind, true);
    const auto ps = conv.parameters();
    const std::string name = fmt::format("{}{}", s.kind, i);
    L.weight = expect_param(ps, 0, ".weight", L.in, L.out, name);
    if (L.sage) {
      L.lin_first = L.out < L.in;
      L.root = expect_param(ps, 1, ".root_weight", L.in, L.out, name);
      L.bias = expect_param(ps, 2, ".bias", 1, L.out, name);
    } else {
      L.bias = expect_param(ps, 1, ".bias", 1, L.out, name);
    }
    if (ps.size() != (L.sage ? 3u : 2u))
      throw InvalidArgument(fmt::format("{}: layer {} has {} parameters", what, name, ps.size()));
    if (!L.last) {
      expect_layer(act_name, false);
      if (s.dropout > 0) {
        expect_layer("dropout", false);
        L.dropout = true;
        L.dropout_id = dropout_id++;
      }
    }
    plan.layers.push_back(L);
    in = L.out;
  }
  if (pos != model.size())
    throw InvalidArgument(fmt::format("{}: the model has {} layers, make_model would give {}", what, model.size(), pos));
  return plan;
}

// ------------------------------------------------------------------ kernels

constexpr unsigned kThreads = 256;
unsigned blocks_for(std::int64_t threads) { return static_cast<unsigned>((threads + kThreads - 1) / kThreads); }

__global__ void add_bias_kernel(float* y, std::int64_t count, std::int64_t m, const float* b) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i < count) y[i] += b[i % m];
}

// y[r, :] += in[r] · out[r] · x[r, :]: the self-loop term of the GCN propagation.
__global__ void self_term_kernel(float* y, const float* x, std::int64_t rows, std::int64_t d, const float* in_scale,
                                 const float* out_scale) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= rows * d) return;
  const std::int64_t r = i / d;
  y[i] += in_scale[r] * out_scale[r] * x[i];
}

// Activation of gnn/layers.cpp, element-wise.
__global__ void activation_kernel(const float* x, float* y, std::int64_t count, ActivationKind kind, float p) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  const float v = x[i];
  switch (kind) {
    case ActivationKind::relu: y[i] = v > 0.f ? v : 0.f; break;
    case ActivationKind::elu: y[i] = v > 0.f ? v : p * (expf(v) - 1.0f); break;
    case ActivationKind::leaky_relu: y[i] = v > 0.f ? v : p * v; break;
    default: y[i] = v; break;
  }
}

// g ← dL/d(pre-activation) from dL/d(activation), x = the pre-activation.
__global__ void activation_backward_kernel(const float* x, float* g, std::int64_t count, ActivationKind kind,
                                           float p) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  const float v = x[i], gi = g[i];
  switch (kind) {
    case ActivationKind::relu: g[i] = v > 0.f ? gi : 0.f; break;
    case ActivationKind::elu: g[i] = v > 0.f ? gi : gi * p * expf(v); break;
    case ActivationKind::leaky_relu: g[i] = v > 0.f ? gi : p * gi; break;
    default: break;
  }
}

// Dropout's mask and output: element e uses word e % 4 of the Philox block
// (seed, item = layer_id << 40 | e / 4, step), as Dropout::forward on the CPU.
__global__ void dropout_kernel(const float* x, float* y, float* mask, std::int64_t count, std::uint64_t seed,
                               std::uint64_t base, std::uint64_t step, float p, float keep_scale) {
  const std::int64_t q = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (q * 4 >= count) return;
  DevPhilox rng(seed, base | static_cast<std::uint64_t>(q), step);
  for (int j = 0; j < 4; ++j) {
    const std::int64_t e = 4 * q + j;
    const float u = rng.uniform_float();
    if (e < count) {
      const float m = u >= p ? keep_scale : 0.0f;
      mask[e] = m;
      y[e] = x[e] * m;
    }
  }
}

__global__ void multiply_kernel(float* g, const float* mask, std::int64_t count) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i < count) g[i] *= mask[i];
}

// log Σⱼ exp(zⱼ) of a row of C logits whose maximum is m, in double (as gnn/loss.cpp).
__device__ double row_log_sum_exp(const float* zr, std::int64_t C, float m) {
  double s = 0;
  for (std::int64_t j = 0; j < C; ++j) s += exp(static_cast<double>(zr[j] - m));
  return static_cast<double>(m) + log(s);
}

// softmax_cross_entropy of gnn/loss.cpp for the selected rows: grad rows and loss terms (double).
__global__ void cross_entropy_kernel(const float* z, std::int64_t C, const std::int32_t* labels, const node_t* rows,
                                     std::int64_t count, double inv_n, float* grad, double* terms) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  const std::int64_t r = rows[i];
  const float* zr = z + r * C;
  float m = zr[0];
  for (std::int64_t j = 1; j < C; ++j) m = zr[j] > m ? zr[j] : m;
  const double lse = row_log_sum_exp(zr, C, m);
  const std::int32_t y = labels[r];
  float* gr = grad + r * C;
  for (std::int64_t j = 0; j < C; ++j)
    gr[j] = static_cast<float>((exp(static_cast<double>(zr[j]) - lse) - (j == y ? 1.0 : 0.0)) * inv_n);
  terms[i] = (lse - static_cast<double>(zr[y])) * inv_n;
}

// Accuracy (first arg-max == label) and, when `terms` is given, the loss terms of the selected rows.
__global__ void evaluate_kernel(const float* z, std::int64_t C, const std::int32_t* labels, const node_t* rows,
                                std::int64_t count, double inv_n, double* hits, double* terms) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  const std::int64_t r = rows[i];
  const float* zr = z + r * C;
  std::int64_t best = 0;
  for (std::int64_t j = 1; j < C; ++j)
    if (zr[j] > zr[best]) best = j;
  const std::int32_t y = labels[r];
  hits[i] = best == y ? 1.0 : 0.0;
  if (terms != nullptr) terms[i] = (row_log_sum_exp(zr, C, zr[best]) - static_cast<double>(zr[y])) * inv_n;
}

// out[slot] = Σ v[0, n) in one block, in a fixed order (deterministic).
__global__ void sum_kernel(const double* v, std::int64_t n, double* out, int slot) {
  __shared__ double part[1024];
  double acc = 0;
  for (std::int64_t i = threadIdx.x; i < n; i += blockDim.x) acc += v[i];
  part[threadIdx.x] = acc;
  __syncthreads();
  for (unsigned w = blockDim.x / 2; w > 0; w /= 2) {
    if (threadIdx.x < w) part[threadIdx.x] += part[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[slot] = part[0];
}

// Adam::step of gnn/optim.cpp, element-wise, in the same float operations.
__global__ void adam_kernel(float* th, const float* gr, float* m, float* v, std::int64_t count,
                            AdamStepScalars sc) {
  const std::int64_t e = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (e >= count) return;
  adam_update(th[e], m[e], v[e], gr[e], sc);
}

// ------------------------------------------------------------------ host helpers

class Cublas {
 public:
  Cublas() {
    SPRIG_CUBLAS_CHECK(cublasCreate(&h_));
    // FP32 products stay FP32 (no TF32 down-conversion), as the CPU path computes them.
    SPRIG_CUBLAS_CHECK(cublasSetMathMode(h_, CUBLAS_DEFAULT_MATH));
  }
  ~Cublas() {
    if (h_ != nullptr) (void)cublasDestroy(h_);
  }
  Cublas(const Cublas&) = delete;
  Cublas& operator=(const Cublas&) = delete;
  cublasHandle_t get() const noexcept { return h_; }

 private:
  cublasHandle_t h_ = nullptr;
};

int to_int(std::int64_t v, const char* what) {
  SPRIG_EXPECTS(v >= 0 && v <= 0x7fffffff, "train (cuda): {} = {} exceeds cuBLAS's 32-bit dimensions", what, v);
  return static_cast<int>(v);
}

// Row-major products through column-major cuBLAS (a row-major M is column-major Mᵀ).
// C (n × m) = A (n × k) · B (k × m) + beta · C
void gemm_nn(const Cublas& h, std::int64_t n, std::int64_t k, std::int64_t m, const float* A, const float* B, float* C,
             float beta) {
  const float one = 1.f;
  SPRIG_CUBLAS_CHECK(cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_N, to_int(m, "m"), to_int(n, "n"), to_int(k, "k"),
                                 &one, B, to_int(m, "m"), A, to_int(k, "k"), &beta, C, to_int(m, "m")));
}
// C (k × m) = Aᵀ (A: n × k) · B (n × m) + beta · C
void gemm_tn(const Cublas& h, std::int64_t n, std::int64_t k, std::int64_t m, const float* A, const float* B, float* C,
             float beta) {
  const float one = 1.f;
  SPRIG_CUBLAS_CHECK(cublasSgemm(h.get(), CUBLAS_OP_N, CUBLAS_OP_T, to_int(m, "m"), to_int(k, "k"), to_int(n, "n"),
                                 &one, B, to_int(m, "m"), A, to_int(k, "k"), &beta, C, to_int(m, "m")));
}
// C (n × k) = A (n × m) · Bᵀ (B: k × m) + beta · C
void gemm_nt(const Cublas& h, std::int64_t n, std::int64_t m, std::int64_t k, const float* A, const float* B, float* C,
             float beta) {
  const float one = 1.f;
  SPRIG_CUBLAS_CHECK(cublasSgemm(h.get(), CUBLAS_OP_T, CUBLAS_OP_N, to_int(k, "k"), to_int(n, "n"), to_int(m, "m"),
                                 &one, B, to_int(m, "m"), A, to_int(m, "m"), &beta, C, to_int(k, "k")));
}
// c (1 × m) = column sums of A (n × m), by Aᵀ·1.
void column_sums(const Cublas& h, std::int64_t n, std::int64_t m, const float* A, const float* ones, float* c) {
  const float one = 1.f, zero = 0.f;
  SPRIG_CUBLAS_CHECK(cublasSgemv(h.get(), CUBLAS_OP_N, to_int(m, "m"), to_int(n, "n"), &one, A, to_int(m, "m"), ones,
                                 1, &zero, c, 1));
}

// 1/sqrt(weighted row sum + 1) per row (GcnLayer's inv_sqrt_degrees with self-loops), in double.
std::vector<float> inv_sqrt_degrees(std::span<const edge_t> off, std::span<const float> w, node_t rows) {
  std::vector<float> s(static_cast<std::size_t>(rows));
  parallel_for<node_t>(
      0, rows,
      [&](node_t r) {
        double deg = 1.0;
        if (w.empty())
          deg += static_cast<double>(off[r + 1] - off[r]);
        else
          for (edge_t k = off[r]; k < off[r + 1]; ++k) deg += w[k];
        s[static_cast<std::size_t>(r)] = deg > 0 ? static_cast<float>(1.0 / std::sqrt(deg)) : 0.0f;
      },
      1024);
  return s;
}

// Device copies of one Param: value, gradient, Adam moments, best snapshot.
struct DevParam {
  Param* host = nullptr;
  DeviceBuffer<float> value, grad, m, v, best;
  std::int64_t size() const { return static_cast<std::int64_t>(value.size()); }
};

// Per-layer activations kept from the forward for the backward.
struct DevLayer {
  DeviceBuffer<float> h;     // n × out: x·W (GCN, SAGE lin_first)
  DeviceBuffer<float> y;     // n × out: the layer's output (pre-activation)
  DeviceBuffer<float> a;     // n × in: mean(x) (SAGE, not lin_first)
  DeviceBuffer<float> z;     // n × out: activation output (hidden layers)
  DeviceBuffer<float> d;     // n × out: dropout output (hidden layers with dropout)
  DeviceBuffer<float> mask;  // n × out
  DevParam* weight = nullptr;
  DevParam* root = nullptr;
  DevParam* bias = nullptr;
};

class DeviceTrainer {
 public:
  DeviceTrainer(Plan plan, std::vector<Param*> params, const Graph& g, const Matrix& x,
                std::span<const std::int32_t> labels, const NodeMasks& masks)
      : plan_(std::move(plan)), n_(g.num_nodes()) {
    const Block block = graph_block(g);
    trans_ = gnn::detail::transpose_block(block);
    const bool sage = plan_.layers.front().sage;
    const auto nz = static_cast<std::size_t>(n_);
    std::int64_t maxw = x.cols();
    for (const LayerPlan& L : plan_.layers) maxw = std::max<std::int64_t>({maxw, L.in, L.out});
    maxw_ = maxw;

    // Parameters, in Model::parameters() order.
    dev_params_.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      DevParam& p = dev_params_[i];
      p.host = params[i];
      const auto cnt = static_cast<std::size_t>(p.host->value.size());
      p.value = to_device<float>(std::span<const float>(p.host->value.data(), cnt), "parameter");
      p.grad.allocate(cnt, "parameter gradient");
      p.grad.zero();
      p.m.allocate(cnt, "Adam first moment");
      p.m.zero();
      p.v.allocate(cnt, "Adam second moment");
      p.v.zero();
      p.best.allocate(cnt, "best parameters");
    }
    auto find = [&](Param* q) -> DevParam* {
      for (DevParam& p : dev_params_)
        if (p.host == q) return &p;
      throw Error("train (cuda): a layer parameter is not among the model's parameters");
    };

    // Inputs, labels, masks.
    x_ = to_device<float>(std::span<const float>(x.data(), static_cast<std::size_t>(x.size())), "features");
    labels_ = to_device<std::int32_t>(labels, "labels");
    train_ = to_device<node_t>(masks.train, "training nodes");
    valid_ = to_device<node_t>(masks.valid, "validation nodes");
    test_ = to_device<node_t>(masks.test, "test nodes");
    n_train_ = static_cast<std::int64_t>(masks.train.size());
    n_valid_ = static_cast<std::int64_t>(masks.valid.size());
    n_test_ = static_cast<std::int64_t>(masks.test.size());
    const std::size_t rows_max = std::max<std::size_t>({masks.train.size(), masks.valid.size(), masks.test.size(), 1});
    terms_.allocate(rows_max, "loss terms");
    hits_.allocate(rows_max, "hits");
    scalars_.allocate(4, "epoch scalars");
    const std::vector<float> ones(nz, 1.f);
    ones_ = to_device<float>(ones, "ones");

    // Per-layer buffers and gradient scratch.
    layers_.resize(plan_.layers.size());
    for (std::size_t l = 0; l < plan_.layers.size(); ++l) {
      const LayerPlan& L = plan_.layers[l];
      DevLayer& D = layers_[l];
      const auto out = static_cast<std::size_t>(L.out), in = static_cast<std::size_t>(L.in);
      D.y.allocate(nz * out, "layer output");
      if (!L.sage || L.lin_first) D.h.allocate(nz * out, "layer x·W");
      if (L.sage && !L.lin_first) D.a.allocate(nz * in, "layer mean aggregation");
      if (!L.last) D.z.allocate(nz * out, "activation output");
      if (L.dropout && plan_.p > 0) {
        D.d.allocate(nz * out, "dropout output");
        D.mask.allocate(nz * out, "dropout mask");
      }
      D.weight = find(L.weight);
      D.root = L.root != nullptr ? find(L.root) : nullptr;
      D.bias = find(L.bias);
    }
    const auto wz = nz * static_cast<std::size_t>(maxw_);
    ga_.allocate(wz, "gradient scratch");
    gb_.allocate(wz, "gradient scratch");
    gt_.allocate(wz, "gradient scratch");

    // The sparse operands: Â (GCN) or D⁻¹A (SAGE mean) and their transposes.
    const auto off = g.offsets();
    const auto tgt = g.targets();
    const std::span<const float> w = sage ? std::span<const float>() : g.weights();
    const std::span<const float> tw = sage ? std::span<const float>() : std::span<const float>(trans_->weights);
    if (sage) {
      std::vector<float> inv(nz);
      for (node_t r = 0; r < n_; ++r) {
        const edge_t k = off[r + 1] - off[r];
        inv[static_cast<std::size_t>(r)] = k > 0 ? 1.0f / static_cast<float>(k) : 0.f;  // SpMM Reduce::mean
      }
      row_scale_ = to_device<float>(inv, "mean scale");
      col_scale_ = to_device<float>(ones, "ones");
    } else {
      row_scale_ = to_device<float>(inv_sqrt_degrees(off, w, n_), "GCN destination scale");
      col_scale_ = to_device<float>(inv_sqrt_degrees(trans_->offsets, tw, n_), "GCN source scale");
    }
    sprig::detail::SpmmOperand fwd;
    fwd.offsets = off;
    fwd.targets = tgt;
    fwd.weights = w;
    fwd.cols = n_;
    sprig::detail::SpmmOperand bwd;
    bwd.offsets = trans_->offsets;
    bwd.targets = trans_->targets;
    bwd.weights = tw;
    bwd.cols = n_;
    if (sage) {
      fwd.values = ArcValues::row_norm;  // (1/k_r)·1
      fwd.d_row_scale = row_scale_.data();
      bwd.values = ArcValues::sym_norm;  // 1 · (1/k_c) for the transposed arc j → c
      bwd.d_row_scale = col_scale_.data();
      bwd.d_col_scale = row_scale_.data();
    } else {
      fwd.values = ArcValues::sym_norm;  // dst[r] · src[c] · w
      fwd.d_row_scale = row_scale_.data();
      fwd.d_col_scale = col_scale_.data();
      bwd.values = ArcValues::sym_norm;  // src[j] · dst[c] · w
      bwd.d_row_scale = col_scale_.data();
      bwd.d_col_scale = row_scale_.data();
    }
    const auto m = static_cast<std::size_t>(g.num_arcs());
    const std::size_t other = m * (sizeof(node_t) + 2 * sizeof(float)) + (nz + 1) * 12;  // the second operand
    fwd_ = std::make_unique<sprig::detail::DeviceSpmm>(cusparse_, fwd, maxw_, other);
    bwd_ = std::make_unique<sprig::detail::DeviceSpmm>(cusparse_, bwd, maxw_, 0);
  }

  // Forward through every layer; returns the logits (n × classes, device).
  const float* forward(bool training, std::uint64_t seed, std::uint64_t step) {
    const float* in = x_.data();
    const std::int64_t n = n_;
    for (std::size_t l = 0; l < plan_.layers.size(); ++l) {
      const LayerPlan& L = plan_.layers[l];
      DevLayer& D = layers_[l];
      const std::int64_t cnt = n * L.out;
      if (!L.sage) {
        gemm_nn(cublas_, n, L.in, L.out, in, D.weight->value.data(), D.h.data(), 0.f);
        propagate(*fwd_, D.h.data(), D.y.data(), L.out, true);
      } else if (L.lin_first) {
        gemm_nn(cublas_, n, L.in, L.out, in, D.weight->value.data(), D.h.data(), 0.f);
        propagate(*fwd_, D.h.data(), D.y.data(), L.out, false);
      } else {
        propagate(*fwd_, in, D.a.data(), L.in, false);
        gemm_nn(cublas_, n, L.in, L.out, D.a.data(), D.weight->value.data(), D.y.data(), 0.f);
      }
      if (L.sage) gemm_nn(cublas_, n, L.in, L.out, in, D.root->value.data(), D.y.data(), 1.f);
      add_bias_kernel<<<blocks_for(cnt), kThreads>>>(D.y.data(), cnt, L.out, D.bias->value.data());
      SPRIG_CUDA_CHECK_KERNEL("add_bias_kernel");
      if (L.last) return D.y.data();
      activation_kernel<<<blocks_for(cnt), kThreads>>>(D.y.data(), D.z.data(), cnt, plan_.act, plan_.act_param);
      SPRIG_CUDA_CHECK_KERNEL("activation_kernel");
      in = D.z.data();
      if (training && L.dropout && plan_.p > 0) {
        const float keep = static_cast<float>(1.0 / (1.0 - plan_.p_exact));
        dropout_kernel<<<blocks_for((cnt + 3) / 4), kThreads>>>(D.z.data(), D.d.data(), D.mask.data(), cnt, seed,
                                                                L.dropout_id << 40, step, plan_.p, keep);
        SPRIG_CUDA_CHECK_KERNEL("dropout_kernel");
        in = D.d.data();
      }
    }
    return nullptr;  // not reached: the last layer returns
  }

  // Loss and gradient of the logits over the training rows (into ga_); returns the loss.
  double loss(const float* logits) {
    const std::int64_t C = plan_.layers.back().out;
    SPRIG_CUDA_CHECK(cudaMemset(ga_.data(), 0, static_cast<std::size_t>(n_ * C) * sizeof(float)));
    cross_entropy_kernel<<<blocks_for(n_train_), kThreads>>>(logits, C, labels_.data(), train_.data(), n_train_,
                                                             1.0 / static_cast<double>(n_train_), ga_.data(),
                                                             terms_.data());
    SPRIG_CUDA_CHECK_KERNEL("cross_entropy_kernel");
    sum_kernel<<<1, 1024>>>(terms_.data(), n_train_, scalars_.data(), 0);
    SPRIG_CUDA_CHECK_KERNEL("sum_kernel");
    double v = 0;
    scalars_.download(&v, 1, 0);
    return v;
  }

  // Backward from ga_ (dL/dlogits); writes every parameter's gradient (overwritten, not accumulated).
  void backward() {
    const std::int64_t n = n_;
    float* g = ga_.data();    // dL/d(output of layer l)
    float* spare = gb_.data();
    for (std::size_t l = plan_.layers.size(); l-- > 0;) {
      const LayerPlan& L = plan_.layers[l];
      DevLayer& D = layers_[l];
      const float* in = l == 0 ? x_.data() : input_of(l - 1);
      const bool need_dx = l > 0;
      column_sums(cublas_, n, L.out, g, ones_.data(), D.bias->grad.data());
      if (!L.sage || L.lin_first) {
        // dH = Âᵀ g (GCN, self term included) or meanᵀ g; dW = xᵀ dH; dx = dH Wᵀ.
        propagate(*bwd_, g, gt_.data(), L.out, !L.sage);
        gemm_tn(cublas_, n, L.in, L.out, in, gt_.data(), D.weight->grad.data(), 0.f);
        if (need_dx) gemm_nt(cublas_, n, L.out, L.in, gt_.data(), D.weight->value.data(), spare, 0.f);
      } else {
        // dW_l = aᵀ g; dx = meanᵀ(g W_lᵀ).
        gemm_tn(cublas_, n, L.in, L.out, D.a.data(), g, D.weight->grad.data(), 0.f);
        if (need_dx) {
          gemm_nt(cublas_, n, L.out, L.in, g, D.weight->value.data(), gt_.data(), 0.f);
          propagate(*bwd_, gt_.data(), spare, L.in, false);
        }
      }
      if (L.sage) {
        gemm_tn(cublas_, n, L.in, L.out, in, g, D.root->grad.data(), 0.f);
        if (need_dx) gemm_nt(cublas_, n, L.out, L.in, g, D.root->value.data(), spare, 1.f);
      }
      if (!need_dx) break;
      // Through the previous layer's dropout and activation.
      const LayerPlan& P = plan_.layers[l - 1];
      DevLayer& PD = layers_[l - 1];
      const std::int64_t cnt = n * P.out;
      if (P.dropout && plan_.p > 0) {
        multiply_kernel<<<blocks_for(cnt), kThreads>>>(spare, PD.mask.data(), cnt);
        SPRIG_CUDA_CHECK_KERNEL("multiply_kernel");
      }
      activation_backward_kernel<<<blocks_for(cnt), kThreads>>>(PD.y.data(), spare, cnt, plan_.act, plan_.act_param);
      SPRIG_CUDA_CHECK_KERNEL("activation_backward_kernel");
      std::swap(g, spare);
    }
  }

  void adam_step(const AdamOptions& o, std::int64_t t) {
    for (DevParam& p : dev_params_) {
      adam_kernel<<<blocks_for(p.size()), kThreads>>>(p.value.data(), p.grad.data(), p.m.data(), p.v.data(), p.size(),
                                                      adam_step_scalars(o, t, p.host->decay));
      SPRIG_CUDA_CHECK_KERNEL("adam_kernel");
    }
  }

  // Accuracy over a node list (0 for none) and, when `loss` is given, the mean loss there.
  double evaluate(const float* logits, int which, double* loss) {
    const DeviceBuffer<node_t>& rows = which == 0 ? train_ : which == 1 ? valid_ : test_;
    const std::int64_t count = which == 0 ? n_train_ : which == 1 ? n_valid_ : n_test_;
    if (loss != nullptr) *loss = 0;
    if (count == 0) return 0;
    const std::int64_t C = plan_.layers.back().out;
    evaluate_kernel<<<blocks_for(count), kThreads>>>(logits, C, labels_.data(), rows.data(), count,
                                                     1.0 / static_cast<double>(count), hits_.data(),
                                                     loss != nullptr ? terms_.data() : nullptr);
    SPRIG_CUDA_CHECK_KERNEL("evaluate_kernel");
    sum_kernel<<<1, 1024>>>(hits_.data(), count, scalars_.data(), 1);
    SPRIG_CUDA_CHECK_KERNEL("sum_kernel");
    if (loss != nullptr) {
      sum_kernel<<<1, 1024>>>(terms_.data(), count, scalars_.data(), 2);
      SPRIG_CUDA_CHECK_KERNEL("sum_kernel");
    }
    double s[3] = {0, 0, 0};
    scalars_.download(s, 3, 0);
    if (loss != nullptr) *loss = s[2];
    return s[1] / static_cast<double>(count);
  }

  void snapshot() {
    for (DevParam& p : dev_params_)
      SPRIG_CUDA_CHECK(cudaMemcpy(p.best.data(), p.value.data(), p.value.size() * sizeof(float),
                                  cudaMemcpyDeviceToDevice));
  }
  void restore_best() {
    for (DevParam& p : dev_params_)
      SPRIG_CUDA_CHECK(cudaMemcpy(p.value.data(), p.best.data(), p.value.size() * sizeof(float),
                                  cudaMemcpyDeviceToDevice));
  }
  // Copies the device parameters into the model's.
  void download_parameters() {
    SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
    for (DevParam& p : dev_params_) {
      p.value.download(p.host->value.data(), p.value.size());
      p.host->zero_grad();
    }
  }

 private:
  // y = A x (fwd or bwd operand) with `cols` columns, plus the GCN self term when asked.
  void propagate(sprig::detail::DeviceSpmm& a, const float* x, float* y, std::int64_t cols, bool self) {
    a.multiply(x, y, cols);
    if (self) {
      self_term_kernel<<<blocks_for(n_ * cols), kThreads>>>(y, x, n_, cols, row_scale_.data(), col_scale_.data());
      SPRIG_CUDA_CHECK_KERNEL("self_term_kernel");
    }
  }
  // The input the forward gave layer l + 1 (the output of layer l's activation or dropout).
  const float* input_of(std::size_t l) const {
    const DevLayer& D = layers_[l];
    return plan_.layers[l].dropout && plan_.p > 0 && last_training_ ? D.d.data() : D.z.data();
  }

 public:
  bool last_training_ = true;  // backward follows a training forward (dropout outputs are current)

 private:
  Plan plan_;
  std::int64_t n_ = 0, maxw_ = 0;
  std::unique_ptr<gnn::detail::OwnedBlock> trans_;
  Cublas cublas_;
  sprig::detail::CusparseHandle cusparse_;
  std::vector<DevParam> dev_params_;
  std::vector<DevLayer> layers_;
  DeviceBuffer<float> x_, ones_, row_scale_, col_scale_, ga_, gb_, gt_;
  DeviceBuffer<std::int32_t> labels_;
  DeviceBuffer<node_t> train_, valid_, test_;
  std::int64_t n_train_ = 0, n_valid_ = 0, n_test_ = 0;
  DeviceBuffer<double> terms_, hits_, scalars_;
  std::unique_ptr<sprig::detail::DeviceSpmm> fwd_, bwd_;
};

}  // namespace

void check_cuda_trainable(Model& model) { (void)make_plan(model); }

NodeTrainResult train_node_classifier_cuda(Model& model, const Graph& g, const Matrix& features,
                                           std::span<const std::int32_t> labels, const NodeMasks& masks,
                                           const NodeTrainOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  Plan plan = make_plan(model);
  sprig::detail::require_cuda_device("train");
  auto params = model.parameters();
  DeviceTrainer dev(std::move(plan), params, g, features, labels, masks);
  AdamOptions adam{.lr = opt.lr, .weight_decay = opt.weight_decay, .decoupled = opt.adamw};
  // Adam's own checks (as the CPU path, which constructs one).
  Adam check_adam({}, adam);
  (void)check_adam;

  NodeTrainResult res;
  EpochKeeper keeper;
  std::int64_t t = 0;
  for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
    const double lr = opt.schedule.at(epoch, opt.lr);
    SPRIG_EXPECTS(lr > 0 && std::isfinite(lr), "Adam: learning rate must be > 0 (got {})", lr);
    adam.lr = lr;
    dev.last_training_ = true;
    const float* logits = dev.forward(true, opt.seed, static_cast<std::uint64_t>(epoch));
    const double loss = dev.loss(logits);
    if (!std::isfinite(loss))
      throw Error(fmt::format("train: epoch {}: training loss is {} (diverged; try a lower learning rate, now {})",
                              epoch, std::isnan(loss) ? "NaN" : "infinite", lr));
    dev.backward();
    dev.adam_step(adam, ++t);

    dev.last_training_ = false;
    const float* eval = dev.forward(false, opt.seed, 0);
    double val_loss = 0;
    EpochStats st{.epoch = epoch, .loss = loss, .lr = lr};
    st.train_accuracy = dev.evaluate(eval, 0, nullptr);
    st.val_accuracy = dev.evaluate(eval, 1, masks.valid.empty() ? nullptr : &val_loss);
    if (keeper.record(res, st, val_loss, !masks.valid.empty(), opt)) dev.snapshot();
    if (EpochKeeper::stop(res, opt)) break;
  }
  dev.restore_best();
  const float* eval = dev.forward(false, opt.seed, 0);
  res.train_accuracy = dev.evaluate(eval, 0, nullptr);
  res.val_accuracy = dev.evaluate(eval, 1, nullptr);
  res.test_accuracy = dev.evaluate(eval, 2, nullptr);
  dev.download_parameters();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace sprig::gnn::detail
