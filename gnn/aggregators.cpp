// sprig/gnn/aggregators.cpp — see aggregators.hpp.
#include <sprig/gnn/aggregators.hpp>

#include <sprig/gnn/lcm.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sprig::gnn {
namespace {

constexpr std::size_t kRowGrain = 128;
constexpr float kStdFloor = 1e-5f;
constexpr float kPowLo = 1e-6f, kPowHi = 100.0f;

template <class Fn>
void for_rows(node_t n, Fn&& fn) {
  parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) fn(static_cast<node_t>(i));
  });
}

// Σ_i f(i) over rows in double, per fixed chunk, chunks added in order: deterministic.
template <class Fn>
double row_sum(node_t n, Fn&& f) {
  return parallel_sum<double>(static_cast<std::size_t>(n), [&](std::size_t i) { return f(static_cast<node_t>(i)); },
                              kRowGrain);
}

// A transpose for backward passes: none needed when the caller attached one and
// no arc indices are required; otherwise the module's cache.
const Transposed* transpose_for(const Block& block, TransposeCache& cache, bool needs_arcs) {
  if (!needs_arcs && block.transposed != nullptr) return nullptr;
  return &cache.get(block);
}

void check_x(const Block& block, const Matrix& x, int features, const std::string& who) {
  SPRIG_EXPECTS(x.rows() == block.num_src, "{}: features have {} rows, the block has {} source nodes", who, x.rows(),
                block.num_src);
  SPRIG_EXPECTS(x.cols() == features, "{}: features have {} columns, the aggregator was built for {}", who,
                x.cols(), features);
}

void check_grad(const Block& block, const Matrix& g, int cols, const std::string& who) {
  SPRIG_EXPECTS(g.rows() == block.num_dst && g.cols() == cols,
                "{}: gradient is {}x{}, expected num_dst x out_features = {}x{}", who, g.rows(), g.cols(),
                block.num_dst, cols);
}

}  // namespace

const std::vector<std::string>& aggregator_names() {
  static const std::vector<std::string> names = {"sum", "mean",      "max", "min", "var", "std",
                                                 "softmax", "powermean", "pna", "lcm", "gru", "lstm"};
  return names;
}

float pna_delta(const Block& block) {
  validate_block(block, "pna_delta");
  if (block.num_dst == 0) return 1.0f;
  double s = 0;
  for (node_t i = 0; i < block.num_dst; ++i) s += std::log(static_cast<double>(block.offsets[i + 1] - block.offsets[i]) + 1.0);
  return static_cast<float>(s / block.num_dst);
}

std::unique_ptr<Module> make_aggregator(const std::string& kind, int features, const AggregatorOptions& opt,
                                        const std::string& name) {
  SPRIG_EXPECTS(features > 0, "make_aggregator: features must be > 0 (got {})", features);
  if (kind == "sum" || kind == "mean" || kind == "max" || kind == "min" || kind == "var" || kind == "std")
    return std::make_unique<SimpleAggregator>(kind, features);
  if (kind == "softmax") return std::make_unique<SoftmaxAggregator>(features, opt.temperature, opt.learn, name);
  if (kind == "powermean") return std::make_unique<PowerMeanAggregator>(features, opt.power, opt.learn, name);
  if (kind == "pna") return std::make_unique<PnaAggregator>(features, opt, name);
  if (kind == "lcm") return std::make_unique<LcmAggregator>(features, LcmOptions{.seed = opt.seed, .assoc_lambda = opt.assoc_lambda, .assoc_triples = opt.assoc_triples}, name);
  if (kind == "gru") return std::make_unique<GruSequenceAggregator>(features, opt.seed, name);
  if (kind == "lstm") return std::make_unique<GruSequenceAggregator>(features, opt.seed, name, true);
  std::string known;
  for (const auto& n : aggregator_names()) known += (known.empty() ? "" : ", ") + n;
  throw InvalidArgument(fmt::format("make_aggregator: unknown aggregator '{}' (known: {})", kind, known));
}

// ---------------------------------------------------------------- simple

SimpleAggregator::SimpleAggregator(std::string kind, int features) : kind_(std::move(kind)), features_(features) {
  SPRIG_EXPECTS(features > 0, "{} aggregator: features must be > 0 (got {})", kind_, features);
  if (kind_ == "sum") reduce_ = Reduce::sum;
  else if (kind_ == "mean") reduce_ = Reduce::mean;
  else if (kind_ == "max") reduce_ = Reduce::max;
  else if (kind_ == "min") reduce_ = Reduce::min;
  else if (kind_ == "var") is_var_ = true;
  else if (kind_ == "std") is_std_ = true;
  else throw InvalidArgument(fmt::format("SimpleAggregator: unknown kind '{}'", kind_));
}

Matrix SimpleAggregator::forward(const Block& block, const Matrix& x, const Context& ctx) {
  check_x(block, x, features_, kind_ + " aggregator");
  if (!is_var_ && !is_std_) {
    Matrix out = spmm(block, x, {reduce_, Message::source}, ctx.training ? &arg_ : nullptr);
    return out;
  }
  Matrix mean, msq;
  spmm_moments(block, x, mean, msq);
  Matrix out = (msq - mean.cwiseProduct(mean)).cwiseMax(0.0f);
  if (is_std_) {
    out = out.cwiseMax(kStdFloor).cwiseSqrt();
    // A row without neighbours has no spread: 0, like every other aggregator (not √1e-5).
    for (node_t i = 0; i < block.num_dst; ++i)
      if (block.offsets[i + 1] == block.offsets[i]) out.row(i).setZero();
  }
  if (ctx.training) {
    x_ = x;
    mean_ = std::move(mean);
    out_ = out;
  }
  return out;
}

Matrix SimpleAggregator::backward(const Block& block, const Matrix& grad_out) {
  check_grad(block, grad_out, features_, kind_ + " aggregator");
  if (!is_var_ && !is_std_) {
    const bool extreme = reduce_ == Reduce::max || reduce_ == Reduce::min;
    SPRIG_EXPECTS(!extreme || arg_.size() == static_cast<std::size_t>(block.num_dst) * features_,
                  "{} aggregator: backward without a training forward on this block", kind_);
    return spmm_backward_x(block, grad_out, {reduce_, Message::source}, extreme ? &arg_ : nullptr,
                           transpose_for(block, tcache_, extreme));
  }
  SPRIG_EXPECTS(out_.rows() == block.num_dst && x_.rows() == block.num_src,
                "{} aggregator: backward without a training forward on this block", kind_);
  // d var / d x_k (row i) = 2 (x_k − mean_i) / d_i, gated by the clamps.
  Matrix dvar(grad_out.rows(), grad_out.cols());
  for (Eigen::Index k = 0; k < dvar.size(); ++k) {
    const float v = out_.data()[k];
    if (is_var_) dvar.data()[k] = v > 0.0f ? grad_out.data()[k] : 0.0f;
    else dvar.data()[k] = v * v > kStdFloor ? grad_out.data()[k] * 0.5f / v : 0.0f;
  }
  const Transposed* t = transpose_for(block, tcache_, false);
  const SpmmSpec spec{Reduce::mean, Message::source};
  const Matrix b1 = spmm_backward_x(block, dvar, spec, nullptr, t);
  const Matrix b2 = spmm_backward_x(block, dvar.cwiseProduct(mean_), spec, nullptr, t);
  return 2.0f * (x_.cwiseProduct(b1) - b2);
}

// ---------------------------------------------------------------- softmax

SoftmaxAggregator::SoftmaxAggregator(int features, float t0, bool learn, const std::string& name)
    : features_(features), learn_(learn), t_(name + ".t", Matrix::Constant(1, 1, t0), false) {
  SPRIG_EXPECTS(features > 0, "softmax aggregator: features must be > 0 (got {})", features);
  SPRIG_EXPECTS(std::isfinite(t0), "softmax aggregator: temperature must be finite (got {})", t0);
}

std::vector<Param*> SoftmaxAggregator::parameters() {
  if (learn_) return {&t_};
  return {};
}

Matrix SoftmaxAggregator::forward(const Block& block, const Matrix& x, const Context& ctx) {
  validate_block(block, "softmax aggregator");
  check_x(block, x, features_, "softmax aggregator");
  const float t = t_.value(0, 0);
  const Eigen::Index F = x.cols();
  Matrix out = Matrix::Zero(block.num_dst, F), mx(block.num_dst, F), z = Matrix::Ones(block.num_dst, F);
  for_rows(block.num_dst, [&](node_t i) {
    const edge_t b = block.offsets[i], e = block.offsets[i + 1];
    float* m = mx.data() + i * F;
    float* zz = z.data() + i * F;
    float* o = out.data() + i * F;
    std::fill(m, m + F, -std::numeric_limits<float>::infinity());
    if (b == e) {
      std::fill(m, m + F, 0.0f);
      return;
    }
    for (edge_t a = b; a < e; ++a) {
      const float* xr = x.data() + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
      for (Eigen::Index f = 0; f < F; ++f) m[f] = std::max(m[f], t * xr[f]);
    }
    std::fill(zz, zz + F, 0.0f);
    for (edge_t a = b; a < e; ++a) {
      const float* xr = x.data() + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
      for (Eigen::Index f = 0; f < F; ++f) {
        const float ex = std::exp(t * xr[f] - m[f]);
        zz[f] += ex;
        o[f] += ex * xr[f];
      }
    }
    for (Eigen::Index f = 0; f < F; ++f) o[f] /= zz[f];
  });
  if (ctx.training) {
    x_ = x;
    rowmax_ = std::move(mx);
    z_ = std::move(z);
    out_ = out;
  }
  return out;
}

Matrix SoftmaxAggregator::backward(const Block& block, const Matrix& grad_out) {
  check_grad(block, grad_out, features_, "softmax aggregator");
  SPRIG_EXPECTS(out_.rows() == block.num_dst && x_.rows() == block.num_src,
                "softmax aggregator: backward without a training forward on this block");
  const float t = t_.value(0, 0);
  const Eigen::Index F = grad_out.cols();
  const Transposed& tr = tcache_.get(block);
  Matrix dx(block.num_src, F);
  // dy_i/dx_k = α_ik (1 + t (x_k − y_i)), per channel.
  for_rows(block.num_src, [&](node_t k) {
    float* o = dx.data() + k * F;
    std::fill(o, o + F, 0.0f);
    const float* xr = x_.data() + k * F;
    for (edge_t q = tr.offsets[k]; q < tr.offsets[k + 1]; ++q) {
      const node_t i = tr.targets[q];
      const float* g = grad_out.data() + i * F;
      const float* m = rowmax_.data() + i * F;
      const float* zz = z_.data() + i * F;
      const float* y = out_.data() + i * F;
      for (Eigen::Index f = 0; f < F; ++f) {
        const float al = std::exp(t * xr[f] - m[f]) / zz[f];
        o[f] += g[f] * al * (1.0f + t * (xr[f] - y[f]));
      }
    }
  });
  if (learn_) {
    // dy/dt = Σ_j α_j x_j² − y².
    const double dt = row_sum(block.num_dst, [&](node_t i) {
      const edge_t b = block.offsets[i], e = block.offsets[i + 1];
      if (b == e) return 0.0;
      const float* g = grad_out.data() + i * F;
      const float* m = rowmax_.data() + i * F;
      const float* zz = z_.data() + i * F;
      const float* y = out_.data() + i * F;
      double s = 0;
      for (Eigen::Index f = 0; f < F; ++f) {
        double ax2 = 0;
        for (edge_t a = b; a < e; ++a) {
          const float xv = x_(block.targets[a], f);
          ax2 += std::exp(t * xv - m[f]) / zz[f] * xv * xv;
        }
        s += g[f] * (ax2 - static_cast<double>(y[f]) * y[f]);
      }
      return s;
    });
    t_.grad(0, 0) += static_cast<float>(dt);
  }
  return dx;
}

// ---------------------------------------------------------------- power mean

PowerMeanAggregator::PowerMeanAggregator(int features, float p0, bool learn, const std::string& name)
    : features_(features), learn_(learn), p_(name + ".p", Matrix::Constant(1, 1, p0), false) {
  SPRIG_EXPECTS(features > 0, "powermean aggregator: features must be > 0 (got {})", features);
  SPRIG_EXPECTS(std::isfinite(p0) && p0 != 0.0f, "powermean aggregator: p must be finite and non-zero (got {})", p0);
}

std::vector<Param*> PowerMeanAggregator::parameters() {
  if (learn_) return {&p_};
  return {};
}

Matrix PowerMeanAggregator::forward(const Block& block, const Matrix& x, const Context& ctx) {
  validate_block(block, "powermean aggregator");
  check_x(block, x, features_, "powermean aggregator");
  const float p = p_.value(0, 0);
  SPRIG_EXPECTS(std::isfinite(p) && p != 0.0f, "powermean aggregator: p became {} (must be finite, non-zero)", p);
  const Eigen::Index F = x.cols();
  Matrix out = Matrix::Zero(block.num_dst, F), M = Matrix::Zero(block.num_dst, F), L = Matrix::Zero(block.num_dst, F);
  for_rows(block.num_dst, [&](node_t i) {
    const edge_t b = block.offsets[i], e = block.offsets[i + 1];
    if (b == e) return;
    float* mm = M.data() + i * F;
    float* ll = L.data() + i * F;
    for (edge_t a = b; a < e; ++a) {
      const float* xr = x.data() + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
      for (Eigen::Index f = 0; f < F; ++f) {
        const float c = std::clamp(xr[f], kPowLo, kPowHi);
        const float cp = std::pow(c, p);
        mm[f] += cp;
        ll[f] += cp * std::log(c);
      }
    }
    const float inv = 1.0f / static_cast<float>(e - b);
    float* o = out.data() + i * F;
    for (Eigen::Index f = 0; f < F; ++f) {
      mm[f] *= inv;
      ll[f] *= inv;
      o[f] = std::pow(mm[f], 1.0f / p);
    }
  });
  if (ctx.training) {
    x_ = x;
    m_ = std::move(M);
    mlog_ = std::move(L);
    out_ = out;
  }
  return out;
}

Matrix PowerMeanAggregator::backward(const Block& block, const Matrix& grad_out) {
  check_grad(block, grad_out, features_, "powermean aggregator");
  SPRIG_EXPECTS(out_.rows() == block.num_dst && x_.rows() == block.num_src,
                "powermean aggregator: backward without a training forward on this block");
  const float p = p_.value(0, 0);
  const Eigen::Index F = grad_out.cols();
  // Per row: G_i = g_i · M_i^{1/p − 1} / d_i, then dx_k = Σ_i G_i c_k^{p−1} [x_k inside the clamp].
  Matrix G = Matrix::Zero(block.num_dst, F);
  for_rows(block.num_dst, [&](node_t i) {
    const edge_t d = block.offsets[i + 1] - block.offsets[i];
    if (d == 0) return;
    for (Eigen::Index f = 0; f < F; ++f)
      G(i, f) = grad_out(i, f) * std::pow(m_(i, f), 1.0f / p - 1.0f) / static_cast<float>(d);
  });
  const Transposed* t = transpose_for(block, tcache_, false);
  Matrix dx = spmm_backward_x(block, G, {Reduce::sum, Message::source}, nullptr, t);
  for (Eigen::Index k = 0; k < dx.size(); ++k) {
    const float xv = x_.data()[k];
    dx.data()[k] = (xv >= kPowLo && xv <= kPowHi) ? dx.data()[k] * std::pow(xv, p - 1.0f) : 0.0f;
  }
  if (learn_) {
    // d out / dp = out · (L / (M p) − ln M / p²), L = mean c^p ln c.
    const double dp = row_sum(block.num_dst, [&](node_t i) {
      if (block.offsets[i + 1] == block.offsets[i]) return 0.0;
      double s = 0;
      for (Eigen::Index f = 0; f < F; ++f) {
        const double M = m_(i, f), L = mlog_(i, f);
        s += grad_out(i, f) * out_(i, f) * (L / (M * p) - std::log(M) / (static_cast<double>(p) * p));
      }
      return s;
    });
    p_.grad(0, 0) += static_cast<float>(dp);
  }
  return dx;
}

// ---------------------------------------------------------------- PNA

PnaAggregator::PnaAggregator(int features, const AggregatorOptions& opt, const std::string& name)
    : features_(features), delta_(opt.delta > 0 ? opt.delta : 0.0f) {
  (void)name;
  SPRIG_EXPECTS(features > 0, "pna aggregator: features must be > 0 (got {})", features);
  SPRIG_EXPECTS(!opt.pna_aggregators.empty() && !opt.pna_scalers.empty(),
                "pna aggregator: needs at least one aggregator and one scaler");
  for (const auto& a : opt.pna_aggregators) {
    SPRIG_EXPECTS(a != "pna" && a != "lcm" && a != "gru" && a != "lstm", "pna aggregator: '{}' cannot be nested in PNA", a);
    aggs_.push_back(make_aggregator(a, features, opt, name + "." + a));
  }
  for (const auto& s : opt.pna_scalers) {
    if (s == "identity") alphas_.push_back(0.0f);
    else if (s == "amplification") alphas_.push_back(1.0f);
    else if (s == "attenuation") alphas_.push_back(-1.0f);
    else throw InvalidArgument(fmt::format("pna aggregator: unknown scaler '{}' (known: identity, amplification, attenuation)", s));
  }
}

std::vector<Param*> PnaAggregator::parameters() {
  std::vector<Param*> ps;
  for (auto& a : aggs_)
    for (Param* p : a->parameters()) ps.push_back(p);
  return ps;
}

void PnaAggregator::set_delta(float d) {
  SPRIG_EXPECTS(d > 0 && std::isfinite(d), "pna aggregator: delta must be > 0 (got {})", d);
  delta_ = d;
}

Matrix PnaAggregator::forward(const Block& block, const Matrix& x, const Context& ctx) {
  validate_block(block, "pna aggregator");
  check_x(block, x, features_, "pna aggregator");
  if (!(delta_ > 0)) {
    const float d = pna_delta(block);
    delta_ = d > 0 ? d : 1.0f;  // a graph without arcs: any δ > 0 gives the same zero output
  }
  const float delta = delta_;
  const Eigen::Index F = features_, A = static_cast<Eigen::Index>(aggs_.size());
  Vector ld(block.num_dst);
  for (node_t i = 0; i < block.num_dst; ++i)
    ld[i] = std::log(static_cast<float>(std::max<edge_t>(block.offsets[i + 1] - block.offsets[i], 1)) + 1.0f);
  Matrix out(block.num_dst, out_features());
  for (Eigen::Index a = 0; a < A; ++a) {
    const Matrix y = aggs_[a]->forward(block, x, ctx);
    for (std::size_t s = 0; s < alphas_.size(); ++s) {
      const Eigen::Index c0 = (static_cast<Eigen::Index>(s) * A + a) * F;
      for (node_t i = 0; i < block.num_dst; ++i) {
        const float sc = alphas_[s] == 0 ? 1.0f : alphas_[s] > 0 ? ld[i] / delta : delta / ld[i];
        out.block(i, c0, 1, F) = sc * y.row(i);
      }
    }
  }
  if (ctx.training) scale_cache_ = ld;
  return out;
}

Matrix PnaAggregator::backward(const Block& block, const Matrix& grad_out) {
  check_grad(block, grad_out, out_features(), "pna aggregator");
  SPRIG_EXPECTS(scale_cache_.size() == block.num_dst, "pna aggregator: backward without a training forward on this block");
  const float delta = delta_;
  const Eigen::Index F = features_, A = static_cast<Eigen::Index>(aggs_.size());
  Matrix dx = Matrix::Zero(block.num_src, F);
  for (Eigen::Index a = 0; a < A; ++a) {
    Matrix ga = Matrix::Zero(block.num_dst, F);
    for (std::size_t s = 0; s < alphas_.size(); ++s) {
      const Eigen::Index c0 = (static_cast<Eigen::Index>(s) * A + a) * F;
      for (node_t i = 0; i < block.num_dst; ++i) {
        const float ld = scale_cache_[i];
        const float sc = alphas_[s] == 0 ? 1.0f : alphas_[s] > 0 ? ld / delta : delta / ld;
        ga.row(i) += sc * grad_out.block(i, c0, 1, F);
      }
    }
    dx += aggs_[a]->backward(block, ga);
  }
  return dx;
}

}  // namespace sprig::gnn
