// Core GNN layers; see layers.hpp for the formulas and the determinism contract.
#include <sprig/gnn/layers.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig::gnn {

namespace {

constexpr std::size_t kRowGrain = 512;  // rows per chunk for dense row-wise work

// Stable 64-bit FNV-1a of a name: the default init key of a standalone layer.
std::uint64_t name_key(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

Matrix glorot(int rows, int cols, const std::string& name) {
  Matrix w(rows, cols);
  glorot_init(w, name_key(name), 0);
  return w;
}

// fn(begin, end) over fixed row chunks in parallel.
template <class Fn>
void for_row_chunks(Eigen::Index rows, Fn&& fn, std::size_t grain = kRowGrain) {
  parallel_chunks(static_cast<std::size_t>(rows), grain, [&](std::size_t, std::size_t b, std::size_t e) {
    fn(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(e - b));
  });
}

void add_bias(Matrix& y, const Matrix& bias) {
  for_row_chunks(y.rows(), [&](Eigen::Index b, Eigen::Index n) { y.middleRows(b, n).rowwise() += bias.row(0); });
}

void check_block(const Block& b, const char* who) {
  SPRIG_EXPECTS(b.offsets.size() == static_cast<std::size_t>(b.num_dst) + 1,
                "{}: block offsets have {} entries, expected num_dst + 1 = {}", who, b.offsets.size(),
                static_cast<std::int64_t>(b.num_dst) + 1);
  SPRIG_EXPECTS(b.weights.empty() || b.weights.size() == b.targets.size(),
                "{}: block has {} weights for {} arcs", who, b.weights.size(), b.targets.size());
}

}  // namespace

void glorot_init(Matrix& w, std::uint64_t seed, std::uint64_t param_index) {
  const double a = std::sqrt(6.0 / static_cast<double>(std::max<Eigen::Index>(1, w.rows() + w.cols())));
  const auto bound = static_cast<float>(a);
  const std::size_t count = static_cast<std::size_t>(w.size());
  float* data = w.data();
  // One Philox block gives four elements: block q covers elements 4q..4q+3.
  const std::size_t quads = (count + 3) / 4;
  parallel_for<std::size_t>(
      0, quads,
      [&](std::size_t q) {
        Philox rng(seed, param_index, q);
        for (std::size_t j = 0; j < 4; ++j) {
          const std::size_t e = 4 * q + j;
          const float u = rng.uniform_float();
          if (e < count) data[e] = (2.0f * u - 1.0f) * bound;
        }
      },
      4096);
}

namespace detail {

Matrix gather_rows(const Matrix& w, std::span<const node_t> ids, Eigen::Index rows) {
  Matrix y(rows, w.cols());
  for_row_chunks(rows, [&](Eigen::Index b, Eigen::Index n) {
    for (Eigen::Index r = b; r < b + n; ++r) {
      const Eigen::Index src = ids.empty() ? r : ids[static_cast<std::size_t>(r)];
      y.row(r) = w.row(src);
    }
  });
  return y;
}

Matrix matmul(const Matrix& x, const Matrix& w) {
  Matrix y(x.rows(), w.cols());
  for_row_chunks(x.rows(), [&](Eigen::Index b, Eigen::Index n) { y.middleRows(b, n).noalias() = x.middleRows(b, n) * w; });
  return y;
}

void add_matmul_tn(Matrix& acc, const Matrix& x, const Matrix& y) {
  const std::size_t rows = static_cast<std::size_t>(x.rows());
  const std::size_t grain = 4096;
  const std::size_t chunks = num_chunks(rows, grain);
  if (chunks <= 1) {
    if (rows > 0) acc.noalias() += x.transpose() * y;
    return;
  }
  std::vector<Matrix> part(chunks);
  parallel_chunks(rows, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    const auto n = static_cast<Eigen::Index>(e - b);
    const auto bi = static_cast<Eigen::Index>(b);
    part[c].noalias() = x.middleRows(bi, n).transpose() * y.middleRows(bi, n);
  });
  for (const Matrix& p : part) acc += p;
}

Matrix matmul_nt(const Matrix& y, const Matrix& w) {
  Matrix x(y.rows(), w.rows());
  for_row_chunks(y.rows(), [&](Eigen::Index b, Eigen::Index n) { x.middleRows(b, n).noalias() = y.middleRows(b, n) * w.transpose(); });
  return x;
}

Matrix column_sums(const Matrix& y) {
  const std::size_t rows = static_cast<std::size_t>(y.rows());
  const std::size_t grain = 8192;
  std::vector<Matrix> part(std::max<std::size_t>(1, num_chunks(rows, grain)), Matrix::Zero(1, y.cols()));
  parallel_chunks(rows, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    part[c] = y.middleRows(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(e - b)).colwise().sum();
  });
  Matrix s = Matrix::Zero(1, y.cols());
  for (const Matrix& p : part) s += p;
  return s;
}

Matrix pull(const Block& b, const Matrix& x, std::span<const float> in_scale, std::span<const float> out_scale,
            float self_weight, bool use_weights) {
  check_block(b, "gnn pull");
  SPRIG_EXPECTS(x.rows() >= b.num_src || x.rows() == 0, "gnn pull: input has {} rows, block has {} sources", x.rows(),
                b.num_src);
  const Eigen::Index d = x.cols();
  Matrix y(b.num_dst, d);
  const bool weighted = use_weights && !b.weights.empty();
  parallel_for<node_t>(
      0, b.num_dst,
      [&](node_t r) {
        auto yr = y.row(r);
        yr.setZero();
        const edge_t e0 = b.offsets[static_cast<std::size_t>(r)], e1 = b.offsets[static_cast<std::size_t>(r) + 1];
        for (edge_t k = e0; k < e1; ++k) {
          const node_t t = b.targets[static_cast<std::size_t>(k)];
          float c = weighted ? b.weights[static_cast<std::size_t>(k)] : 1.0f;
          if (!in_scale.empty()) c *= in_scale[static_cast<std::size_t>(t)];
          yr.noalias() += c * x.row(t);
        }
        if (self_weight != 0 && r < x.rows()) {
          const float c = self_weight * (in_scale.empty() ? 1.0f : in_scale[static_cast<std::size_t>(r)]);
          yr.noalias() += c * x.row(r);
        }
        if (!out_scale.empty()) yr *= out_scale[static_cast<std::size_t>(r)];
      },
      64);
  return y;
}

std::unique_ptr<OwnedBlock> transpose_block(const Block& b) {
  check_block(b, "gnn transpose");
  auto o = std::make_unique<OwnedBlock>();
  const auto ns = static_cast<std::size_t>(b.num_src);
  o->offsets.assign(ns + 1, 0);
  for (node_t t : b.targets) {
    SPRIG_EXPECTS(t >= 0 && t < b.num_src, "gnn transpose: source id {} outside [0, {})", t, b.num_src);
    ++o->offsets[static_cast<std::size_t>(t) + 1];
  }
  for (std::size_t i = 0; i < ns; ++i) o->offsets[i + 1] += o->offsets[i];
  std::vector<edge_t> pos(o->offsets.begin(), o->offsets.end() - 1);
  o->targets.resize(b.targets.size());
  if (!b.weights.empty()) o->weights.resize(b.weights.size());
  // Rows are visited in increasing order, so every transposed row comes out sorted.
  for (node_t r = 0; r < b.num_dst; ++r) {
    for (edge_t k = b.offsets[static_cast<std::size_t>(r)]; k < b.offsets[static_cast<std::size_t>(r) + 1]; ++k) {
      const auto t = static_cast<std::size_t>(b.targets[static_cast<std::size_t>(k)]);
      const auto at = static_cast<std::size_t>(pos[t]++);
      o->targets[at] = r;
      if (!b.weights.empty()) o->weights[at] = b.weights[static_cast<std::size_t>(k)];
    }
  }
  o->view.offsets = o->offsets;
  o->view.targets = o->targets;
  o->view.weights = o->weights;
  o->view.num_dst = b.num_src;
  o->view.num_src = b.num_dst;
  return o;
}

const Block& TransposeCache::get(const Block& b) {
  if (b.transposed) return *b.transposed;
  if (owned_ && key_offsets_ == b.offsets.data() && key_targets_ == b.targets.data() &&
      key_arcs_ == b.targets.size() && key_dst_ == b.num_dst && key_src_ == b.num_src)
    return owned_->view;
  owned_ = transpose_block(b);
  key_offsets_ = b.offsets.data();
  key_targets_ = b.targets.data();
  key_arcs_ = b.targets.size();
  key_dst_ = b.num_dst;
  key_src_ = b.num_src;
  return owned_->view;
}

}  // namespace detail

// ---------------------------------------------------------------- Linear

Linear::Linear(int in, int out, LinearOptions opt, std::string name) : in_(in), out_(out), opt_(opt) {
  SPRIG_EXPECTS(in > 0 && out > 0, "Linear {}: in and out must be > 0 (got {}, {})", name, in, out);
  weight_ = Param(name + ".weight", glorot(in, out, name));
  if (opt.bias) bias_ = Param(name + ".bias", Matrix::Zero(1, out), false);
}

std::vector<Param*> Linear::parameters() {
  if (opt_.bias) return {&weight_, &bias_};
  return {&weight_};
}

Matrix Linear::forward(const Block& block, const Matrix& x, const Context& ctx) {
  Matrix y;
  if (opt_.identity_input) {
    rows_ = ids_.empty() ? static_cast<Eigen::Index>(block.num_src) : static_cast<Eigen::Index>(ids_.size());
    SPRIG_EXPECTS(rows_ <= in_ || !ids_.empty(), "{}: {} rows of one-hot ids but only {} ids", weight_.name, rows_, in_);
    for (node_t id : ids_)
      SPRIG_EXPECTS(id >= 0 && id < in_, "{}: input id {} outside [0, {})", weight_.name, id, in_);
    y = detail::gather_rows(weight_.value, ids_, rows_);
  } else {
    SPRIG_EXPECTS(x.cols() == in_, "{}: input has {} columns, expected {}", weight_.name, x.cols(), in_);
    y = detail::matmul(x, weight_.value);
    rows_ = x.rows();
    if (ctx.training) x_ = x;
  }
  if (opt_.bias) add_bias(y, bias_.value);
  return y;
}

Matrix Linear::backward(const Block&, const Matrix& grad_out) {
  SPRIG_EXPECTS(grad_out.rows() == rows_ && grad_out.cols() == out_, "{}: backward got {}x{}, expected {}x{}",
                weight_.name, grad_out.rows(), grad_out.cols(), rows_, out_);
  if (opt_.bias) bias_.grad += detail::column_sums(grad_out);
  if (opt_.identity_input) {
    if (ids_.empty()) {
      for_row_chunks(rows_, [&](Eigen::Index b, Eigen::Index n) { weight_.grad.middleRows(b, n) += grad_out.middleRows(b, n); });
    } else {
      // Ids may repeat in a caller's list: add serially, in row order.
      for (Eigen::Index r = 0; r < rows_; ++r) weight_.grad.row(ids_[static_cast<std::size_t>(r)]) += grad_out.row(r);
    }
    return Matrix(rows_, 0);
  }
  SPRIG_EXPECTS(x_.rows() == rows_, "{}: backward without a training forward", weight_.name);
  detail::add_matmul_tn(weight_.grad, x_, grad_out);
  return detail::matmul_nt(grad_out, weight_.value);
}

// ---------------------------------------------------------------- activations

ActivationKind parse_activation(const std::string& name) {
  if (name == "relu") return ActivationKind::relu;
  if (name == "elu") return ActivationKind::elu;
  if (name == "leaky_relu" || name == "leakyrelu") return ActivationKind::leaky_relu;
  if (name == "none" || name == "identity") return ActivationKind::identity;
  throw InvalidArgument(fmt::format("unknown activation '{}' (expected relu, elu, leaky_relu or none)", name));
}

Activation::Activation(ActivationKind kind, float param, int width) : kind_(kind), param_(param), width_(width) {
  if (param_ < 0) param_ = kind == ActivationKind::elu ? 1.0f : 0.01f;
}

std::string Activation::kind() const {
  switch (kind_) {
    case ActivationKind::relu: return "relu";
    case ActivationKind::elu: return "elu";
    case ActivationKind::leaky_relu: return "leaky_relu";
    default: return "identity";
  }
}

Matrix Activation::forward(const Block&, const Matrix& x, const Context& ctx) {
  Matrix y(x.rows(), x.cols());
  const float p = param_;
  for_row_chunks(x.rows(), [&](Eigen::Index b, Eigen::Index n) {
    auto xi = x.middleRows(b, n).array();
    auto yo = y.middleRows(b, n).array();
    switch (kind_) {
      case ActivationKind::relu: yo = xi.max(0.0f); break;
      case ActivationKind::elu: yo = (xi > 0).select(xi, p * (xi.exp() - 1.0f)); break;
      case ActivationKind::leaky_relu: yo = (xi > 0).select(xi, p * xi); break;
      default: yo = xi; break;
    }
  });
  if (ctx.training) x_ = x;
  return y;
}

Matrix Activation::backward(const Block&, const Matrix& g) {
  SPRIG_EXPECTS(x_.rows() == g.rows() && x_.cols() == g.cols(), "{}: backward without a matching training forward",
                kind());
  Matrix dx(g.rows(), g.cols());
  const float p = param_;
  for_row_chunks(g.rows(), [&](Eigen::Index b, Eigen::Index n) {
    auto xi = x_.middleRows(b, n).array();
    auto gi = g.middleRows(b, n).array();
    auto d = dx.middleRows(b, n).array();
    switch (kind_) {
      case ActivationKind::relu: d = (xi > 0).select(gi, 0.0f); break;
      case ActivationKind::elu: d = (xi > 0).select(gi, gi * p * xi.exp()); break;
      case ActivationKind::leaky_relu: d = (xi > 0).select(gi, p * gi); break;
      default: d = gi; break;
    }
  });
  return dx;
}

// ---------------------------------------------------------------- dropout

Dropout::Dropout(double p, std::uint64_t layer_id, int width) : p_(p), layer_id_(layer_id), width_(width) {
  SPRIG_EXPECTS(p >= 0 && p < 1, "dropout: p must be in [0, 1) (got {})", p);
}

Matrix Dropout::forward(const Block&, const Matrix& x, const Context& ctx) {
  if (!ctx.training || p_ == 0) {
    mask_.resize(0, 0);
    return x;
  }
  mask_.resize(x.rows(), x.cols());
  const std::size_t count = static_cast<std::size_t>(x.size());
  const std::size_t quads = (count + 3) / 4;
  const float keep_scale = static_cast<float>(1.0 / (1.0 - p_));
  const float p = static_cast<float>(p_);
  float* m = mask_.data();
  // Item = (layer id, element quad): 24 bits of layer id, 40 bits of quad index.
  const std::uint64_t base = layer_id_ << 40;
  parallel_for<std::size_t>(
      0, quads,
      [&](std::size_t q) {
        Philox rng(ctx.seed, base | q, ctx.step);
        for (std::size_t j = 0; j < 4; ++j) {
          const std::size_t e = 4 * q + j;
          const float u = rng.uniform_float();
          if (e < count) m[e] = u >= p ? keep_scale : 0.0f;
        }
      },
      8192);
  Matrix y(x.rows(), x.cols());
  for_row_chunks(x.rows(), [&](Eigen::Index b, Eigen::Index n) {
    y.middleRows(b, n).array() = x.middleRows(b, n).array() * mask_.middleRows(b, n).array();
  });
  return y;
}

Matrix Dropout::backward(const Block&, const Matrix& g) {
  if (mask_.size() == 0) return g;
  SPRIG_EXPECTS(mask_.rows() == g.rows() && mask_.cols() == g.cols(), "dropout: backward shape {}x{} != {}x{}",
                g.rows(), g.cols(), mask_.rows(), mask_.cols());
  Matrix dx(g.rows(), g.cols());
  for_row_chunks(g.rows(), [&](Eigen::Index b, Eigen::Index n) {
    dx.middleRows(b, n).array() = g.middleRows(b, n).array() * mask_.middleRows(b, n).array();
  });
  return dx;
}

// ---------------------------------------------------------------- layer norm

LayerNorm::LayerNorm(int width, float eps, std::string name) : width_(width), eps_(eps) {
  SPRIG_EXPECTS(width > 0, "LayerNorm {}: width must be > 0 (got {})", name, width);
  gain_ = Param(name + ".gain", Matrix::Ones(1, width), false);
  bias_ = Param(name + ".bias", Matrix::Zero(1, width), false);
}

Matrix LayerNorm::forward(const Block&, const Matrix& x, const Context& ctx) {
  SPRIG_EXPECTS(x.cols() == width_, "{}: input has {} columns, expected {}", gain_.name, x.cols(), width_);
  Matrix xhat(x.rows(), x.cols());
  Vector inv(x.rows());
  for_row_chunks(x.rows(), [&](Eigen::Index b, Eigen::Index n) {
    for (Eigen::Index r = b; r < b + n; ++r) {
      const float mu = x.row(r).mean();
      const float var = (x.row(r).array() - mu).square().mean();
      inv(r) = 1.0f / std::sqrt(var + eps_);
      xhat.row(r) = (x.row(r).array() - mu) * inv(r);
    }
  });
  Matrix y(x.rows(), x.cols());
  for_row_chunks(x.rows(), [&](Eigen::Index b, Eigen::Index n) {
    y.middleRows(b, n) = (xhat.middleRows(b, n).array().rowwise() * gain_.value.row(0).array()).rowwise() +
                         bias_.value.row(0).array();
  });
  if (ctx.training) {
    xhat_ = std::move(xhat);
    inv_std_ = std::move(inv);
  }
  return y;
}

Matrix LayerNorm::backward(const Block&, const Matrix& g) {
  SPRIG_EXPECTS(xhat_.rows() == g.rows() && g.cols() == width_, "{}: backward without a matching training forward",
                gain_.name);
  Matrix gx = g.cwiseProduct(xhat_);
  gain_.grad += detail::column_sums(gx);
  bias_.grad += detail::column_sums(g);
  Matrix dx(g.rows(), g.cols());
  const float d = static_cast<float>(width_);
  for_row_chunks(g.rows(), [&](Eigen::Index b, Eigen::Index n) {
    for (Eigen::Index r = b; r < b + n; ++r) {
      Eigen::RowVectorXf dxhat = g.row(r).cwiseProduct(gain_.value.row(0));
      const float s1 = dxhat.sum();
      const float s2 = dxhat.dot(xhat_.row(r));
      dx.row(r) = (inv_std_(r) / d) * (d * dxhat.array() - s1 - xhat_.row(r).array() * s2).matrix();
    }
  });
  return dx;
}

// ---------------------------------------------------------------- GCN

namespace {
// 1/sqrt(weighted row sum + self) per row of b (0 for a row of degree 0).
std::vector<float> inv_sqrt_degrees(const Block& b, float self) {
  std::vector<float> s(static_cast<std::size_t>(b.num_dst));
  parallel_for<node_t>(
      0, b.num_dst,
      [&](node_t r) {
        double deg = self;
        const auto e0 = static_cast<std::size_t>(b.offsets[static_cast<std::size_t>(r)]);
        const auto e1 = static_cast<std::size_t>(b.offsets[static_cast<std::size_t>(r) + 1]);
        if (b.weights.empty()) deg += static_cast<double>(e1 - e0);
        else
          for (std::size_t k = e0; k < e1; ++k) deg += b.weights[k];
        s[static_cast<std::size_t>(r)] = deg > 0 ? static_cast<float>(1.0 / std::sqrt(deg)) : 0.0f;
      },
      1024);
  return s;
}
}  // namespace

GcnLayer::GcnLayer(int in, int out, GcnOptions opt, std::string name) : in_(in), out_(out), opt_(opt) {
  SPRIG_EXPECTS(in > 0 && out > 0, "GcnLayer {}: in and out must be > 0 (got {}, {})", name, in, out);
  weight_ = Param(name + ".weight", glorot(in, out, name));
  if (opt.bias) bias_ = Param(name + ".bias", Matrix::Zero(1, out), false);
}

std::vector<Param*> GcnLayer::parameters() {
  if (opt_.bias) return {&weight_, &bias_};
  return {&weight_};
}

void GcnLayer::prepare(const Block& b) {
  check_block(b, "gcn");
  const float self = opt_.self_loops ? 1.0f : 0.0f;
  if (!opt_.normalize) {
    dst_scale_.clear();
    src_scale_.clear();
    return;
  }
  dst_scale_ = inv_sqrt_degrees(b, self);
  src_scale_ = inv_sqrt_degrees(transpose_.get(b), self);
}

Matrix GcnLayer::forward(const Block& b, const Matrix& x, const Context& ctx) {
  prepare(b);
  Matrix h;
  if (opt_.identity_input) {
    src_rows_ = ids_.empty() ? static_cast<Eigen::Index>(b.num_src) : static_cast<Eigen::Index>(ids_.size());
    SPRIG_EXPECTS(src_rows_ == b.num_src, "{}: {} input ids for a block of {} sources", weight_.name, src_rows_,
                  b.num_src);
    SPRIG_EXPECTS(!ids_.empty() || b.num_src <= in_, "{}: {} sources but only {} one-hot ids", weight_.name, b.num_src,
                  in_);
    for (node_t id : ids_) SPRIG_EXPECTS(id >= 0 && id < in_, "{}: input id {} outside [0, {})", weight_.name, id, in_);
    h = detail::gather_rows(weight_.value, ids_, src_rows_);
  } else {
    SPRIG_EXPECTS(x.cols() == in_, "{}: input has {} columns, expected {}", weight_.name, x.cols(), in_);
    SPRIG_EXPECTS(x.rows() == b.num_src, "{}: input has {} rows, block has {} sources", weight_.name, x.rows(), b.num_src);
    h = detail::matmul(x, weight_.value);
    src_rows_ = x.rows();
    if (ctx.training) x_ = x;
  }
  Matrix y = detail::pull(b, h, src_scale_, dst_scale_, opt_.self_loops ? 1.0f : 0.0f);
  if (opt_.bias) add_bias(y, bias_.value);
  return y;
}

Matrix GcnLayer::backward(const Block& b, const Matrix& g) {
  SPRIG_EXPECTS(g.rows() == b.num_dst && g.cols() == out_, "{}: backward got {}x{}, expected {}x{}", weight_.name,
                g.rows(), g.cols(), b.num_dst, out_);
  if (opt_.bias) bias_.grad += detail::column_sums(g);
  const Block& t = transpose_.get(b);
  Matrix dh = detail::pull(t, g, dst_scale_, src_scale_, opt_.self_loops ? 1.0f : 0.0f);
  if (opt_.identity_input) {
    if (ids_.empty()) {
      for_row_chunks(dh.rows(), [&](Eigen::Index s, Eigen::Index n) { weight_.grad.middleRows(s, n) += dh.middleRows(s, n); });
    } else {
      for (Eigen::Index r = 0; r < dh.rows(); ++r) weight_.grad.row(ids_[static_cast<std::size_t>(r)]) += dh.row(r);
    }
    return Matrix(dh.rows(), 0);
  }
  SPRIG_EXPECTS(x_.rows() == src_rows_, "{}: backward without a training forward", weight_.name);
  detail::add_matmul_tn(weight_.grad, x_, dh);
  return detail::matmul_nt(dh, weight_.value);
}

// ---------------------------------------------------------------- GIN

GinLayer::GinLayer(int in, int out, GinOptions opt, std::string name)
    : in_(in),
      out_(out),
      opt_(opt),
      lin1_(in, out, LinearOptions{.bias = false, .identity_input = opt.identity_input}, name + ".lin1"),
      b1_(name + ".lin1.bias", Matrix::Zero(1, out), false),
      eps_(name + ".eps", Matrix::Constant(1, 1, opt.eps), false),
      lin2_(out, out, LinearOptions{.bias = true}, name + ".lin2") {}

std::vector<Param*> GinLayer::parameters() {
  std::vector<Param*> p = lin1_.parameters();
  p.push_back(&b1_);
  if (opt_.train_eps) p.push_back(&eps_);
  for (Param* q : lin2_.parameters()) p.push_back(q);
  return p;
}

Matrix GinLayer::forward(const Block& b, const Matrix& x, const Context& ctx) {
  check_block(b, "gin");
  Matrix h = lin1_.forward(b, x, ctx);
  SPRIG_EXPECTS(h.rows() >= b.num_dst && h.rows() == b.num_src, "{}: input has {} rows, block has {} sources",
                eps_.name, h.rows(), b.num_src);
  Matrix a = detail::pull(b, h, {}, {}, 1.0f + eps_.value(0, 0), /*use_weights=*/false);
  add_bias(a, b1_.value);
  Matrix r = a.cwiseMax(0.0f);
  if (ctx.training) {
    h_ = std::move(h);
    pre_ = std::move(a);
  }
  return lin2_.forward(b, r, ctx);
}

Matrix GinLayer::backward(const Block& b, const Matrix& g) {
  SPRIG_EXPECTS(pre_.rows() == g.rows(), "{}: backward without a training forward", eps_.name);
  Matrix dr = lin2_.backward(b, g);
  Matrix da = (pre_.array() > 0).select(dr, 0.0f);
  if (opt_.train_eps) {
    const auto nd = static_cast<std::size_t>(da.rows());
    eps_.grad(0, 0) += static_cast<float>(parallel_sum<double>(
        nd, [&](std::size_t r) { return static_cast<double>(da.row(static_cast<Eigen::Index>(r)).dot(h_.row(static_cast<Eigen::Index>(r)))); },
        1024));
  }
  const Block& t = transpose_.get(b);
  b1_.grad += detail::column_sums(da);
  // dh = Aᵀ·da + (1+ε)·da on the destination rows (pulled over the transpose).
  Matrix dh = detail::pull(t, da, {}, {}, 1.0f + eps_.value(0, 0), false);
  return lin1_.backward(b, dh);
}

// ---------------------------------------------------------------- DAGNN

DagnnLayer::DagnnLayer(int width, DagnnOptions opt, std::string name) : width_(width), opt_(opt) {
  SPRIG_EXPECTS(width > 0, "DagnnLayer {}: width must be > 0", name);
  SPRIG_EXPECTS(opt.k >= 0, "DagnnLayer {}: k must be ≥ 0 (got {})", name, opt.k);
  w_ = Param(name + ".weight", glorot(width, 1, name));
  b_ = Param(name + ".bias", Matrix::Zero(1, 1), false);
}

Matrix DagnnLayer::forward(const Block& b, const Matrix& x, const Context& ctx) {
  check_block(b, "dagnn");
  SPRIG_EXPECTS(b.num_dst == b.num_src, "{}: needs a square block (got {} × {})", w_.name, b.num_dst, b.num_src);
  SPRIG_EXPECTS(x.rows() == b.num_src && x.cols() == width_, "{}: input is {}x{}, expected {}x{}", w_.name, x.rows(),
                x.cols(), b.num_src, width_);
  scale_ = inv_sqrt_degrees(b, 1.0f);
  std::vector<Matrix> h;
  std::vector<Vector> s;
  h.reserve(static_cast<std::size_t>(opt_.k) + 1);
  h.push_back(x);
  for (int k = 1; k <= opt_.k; ++k) h.push_back(detail::pull(b, h.back(), scale_, scale_, 1.0f));
  Matrix out = Matrix::Zero(x.rows(), x.cols());
  const float bias = b_.value(0, 0);
  for (const Matrix& hk : h) {
    Vector sk(hk.rows());
    for_row_chunks(hk.rows(), [&](Eigen::Index r0, Eigen::Index n) {
      for (Eigen::Index r = r0; r < r0 + n; ++r) {
        const float z = hk.row(r).dot(w_.value.col(0).transpose()) + bias;
        sk(r) = 1.0f / (1.0f + std::exp(-z));
        out.row(r) += sk(r) * hk.row(r);
      }
    });
    s.push_back(std::move(sk));
  }
  if (ctx.training) {
    h_ = std::move(h);
    s_ = std::move(s);
  }
  return out;
}

Matrix DagnnLayer::backward(const Block& b, const Matrix& g) {
  SPRIG_EXPECTS(!h_.empty() && h_[0].rows() == g.rows() && g.cols() == width_,
                "{}: backward without a matching training forward", w_.name);
  const Block& t = transpose_.get(b);
  const int K = opt_.k;
  Matrix carry;  // gradient reaching H_k from H_{k+1}
  for (int k = K; k >= 0; --k) {
    const Matrix& hk = h_[static_cast<std::size_t>(k)];
    const Vector& sk = s_[static_cast<std::size_t>(k)];
    Vector dz(hk.rows());
    Matrix gk(hk.rows(), hk.cols());
    for_row_chunks(hk.rows(), [&](Eigen::Index r0, Eigen::Index n) {
      for (Eigen::Index r = r0; r < r0 + n; ++r) {
        const float ds = g.row(r).dot(hk.row(r));
        dz(r) = ds * sk(r) * (1.0f - sk(r));
        gk.row(r) = sk(r) * g.row(r) + dz(r) * w_.value.col(0).transpose();
      }
    });
    if (k < K) gk += carry;
    Matrix dzm = Eigen::Map<const Matrix>(dz.data(), dz.rows(), 1);
    detail::add_matmul_tn(w_.grad, hk, dzm);
    b_.grad(0, 0) += detail::column_sums(dzm)(0, 0);
    if (k == 0) return gk;
    carry = detail::pull(t, gk, scale_, scale_, 1.0f);
  }
  return {};
}

// ---------------------------------------------------------------- residual, virtual node

Residual::Residual(std::unique_ptr<Module> inner) : inner_(std::move(inner)) {
  SPRIG_EXPECTS(inner_ != nullptr, "Residual: inner module is null");
}

void Residual::set_input_ids(std::span<const node_t> ids) {
  if (auto* p = dynamic_cast<IdentityInput*>(inner_.get())) p->set_input_ids(ids);
}

bool Residual::identity_input() const {
  auto* p = dynamic_cast<const IdentityInput*>(inner_.get());
  return p && p->identity_input();
}

Matrix Residual::forward(const Block& b, const Matrix& x, const Context& ctx) {
  Matrix y = inner_->forward(b, x, ctx);
  SPRIG_EXPECTS(x.cols() == y.cols() && x.rows() >= y.rows(),
                "residual around {}: input {}x{} cannot be added to output {}x{}", inner_->kind(), x.rows(), x.cols(),
                y.rows(), y.cols());
  y += x.topRows(y.rows());
  return y;
}

Matrix Residual::backward(const Block& b, const Matrix& g) {
  Matrix dx = inner_->backward(b, g);
  dx.topRows(g.rows()) += g;
  return dx;
}

VirtualNode::VirtualNode(std::unique_ptr<Module> inner, int in_features, std::string name)
    : inner_(std::move(inner)), in_(in_features) {
  SPRIG_EXPECTS(inner_ != nullptr && in_features > 0, "VirtualNode {}: needs an inner module and in_features > 0", name);
  weight_ = Param(name + ".weight", glorot(in_features, in_features, name));
  bias_ = Param(name + ".bias", Matrix::Zero(1, in_features), false);
}

std::vector<Param*> VirtualNode::parameters() {
  std::vector<Param*> p{&weight_, &bias_};
  for (Param* q : inner_->parameters()) p.push_back(q);
  return p;
}

Matrix VirtualNode::forward(const Block& b, const Matrix& x, const Context& ctx) {
  SPRIG_EXPECTS(x.cols() == in_, "{}: input has {} columns, expected {}", weight_.name, x.cols(), in_);
  Matrix sum = detail::column_sums(x);
  Matrix pre = sum * weight_.value + bias_.value;
  Matrix v = pre.cwiseMax(0.0f);
  Matrix xv = x;
  add_bias(xv, v);
  if (ctx.training) {
    sum_ = std::move(sum);
    pre_ = std::move(pre);
  }
  return inner_->forward(b, xv, ctx);
}

Matrix VirtualNode::backward(const Block& b, const Matrix& g) {
  SPRIG_EXPECTS(pre_.size() == in_, "{}: backward without a training forward", weight_.name);
  Matrix dx = inner_->backward(b, g);
  Matrix dv = detail::column_sums(dx);
  Matrix dpre = (pre_.array() > 0).select(dv, 0.0f);
  weight_.grad.noalias() += sum_.transpose() * dpre;
  bias_.grad += dpre;
  Matrix dsum = dpre * weight_.value.transpose();
  add_bias(dx, dsum);
  return dx;
}

}  // namespace sprig::gnn
