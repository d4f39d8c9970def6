// FastRP: materialise N₀ = diag(D^β)R (+ projected features) in one buffer,
// then k pull iterations alternating between the two buffers; each finished
// row is normalised and added into the output while it is still in cache.
#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/fastrp_projection.hpp>
#include <sprig/embed/fastrp_cuda.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig {
namespace {

constexpr std::size_t kRowGrain = 256;
constexpr double kPropertySparsity = 3.0;

using VecMap = Eigen::Map<Eigen::VectorXf>;
using ConstVecMap = Eigen::Map<const Eigen::VectorXf>;

// Thresholds on a 32-bit word: w < t → +√s, t ≤ w < 2t → −√s, else 0 (shared with the
// CUDA kernel: embed/fastrp_projection.hpp).
using Projection = detail::FastRpProjection;

// Writes scale · R[v, j] for j in [0, len): word j of the Philox stream (seed, v).
void fill_projection_row(float* out, std::int64_t len, std::uint64_t seed, std::int64_t v, const Projection& proj,
                         float scale) {
  Philox rng(seed, static_cast<std::uint64_t>(v));
  for (std::int64_t j = 0; j < len; ++j) out[j] = scale * proj(rng());
}

std::uint64_t feature_seed(std::uint64_t seed) { return counter_hash(seed, 0x46617374'52500000ull, 1); }

void check_options(const Graph& g, const FastRpOptions& opt) {
  SPRIG_EXPECTS(opt.dim > 0, "fastrp: dim must be > 0 (got {})", opt.dim);
  SPRIG_EXPECTS(!opt.iteration_weights.empty(), "fastrp: iteration_weights must not be empty");
  for (std::size_t i = 0; i < opt.iteration_weights.size(); ++i)
    SPRIG_EXPECTS(std::isfinite(opt.iteration_weights[i]), "fastrp: iteration_weights[{}] must be finite (got {})", i,
                  opt.iteration_weights[i]);
  SPRIG_EXPECTS(std::isfinite(opt.normalization_strength), "fastrp: normalization_strength must be finite (got {})",
                opt.normalization_strength);
  SPRIG_EXPECTS(std::isfinite(opt.node_self_influence), "fastrp: node_self_influence must be finite (got {})",
                opt.node_self_influence);
  SPRIG_EXPECTS(opt.sparsity == 0 || (std::isfinite(opt.sparsity) && opt.sparsity >= 1),
                "fastrp: sparsity must be 0 (√n) or ≥ 1 (got {})", opt.sparsity);
  SPRIG_EXPECTS(opt.property_ratio >= 0.f && opt.property_ratio <= 1.f,
                "fastrp: property_ratio must be in [0, 1] (got {})", opt.property_ratio);
  if (opt.property_ratio > 0.f) {
    SPRIG_EXPECTS(opt.features != nullptr, "fastrp: property_ratio {} > 0 needs features", opt.property_ratio);
    SPRIG_EXPECTS(opt.features->rows() == g.num_nodes(),
                  "fastrp: features must have one row per node ({} rows for n = {})", opt.features->rows(),
                  g.num_nodes());
    SPRIG_EXPECTS(opt.features->cols() > 0, "fastrp: features must have at least one column");
    SPRIG_EXPECTS(opt.features->allFinite(), "fastrp: features must be finite");
  } else if (opt.features != nullptr) {
    SPRIG_EXPECTS(opt.features->rows() == g.num_nodes(),
                  "fastrp: features must have one row per node ({} rows for n = {})", opt.features->rows(),
                  g.num_nodes());
  }
  if (opt.use_weights && g.weighted()) {
    const auto w = g.weights();
    const std::size_t bad = parallel_sum<std::size_t>(
        w.size(), [&](std::size_t i) -> std::size_t { return !(w[i] >= 0.f) ? 1 : 0; }, 1 << 16);
    if (bad != 0) {
      const auto it = std::find_if(w.begin(), w.end(), [](float x) { return !(x >= 0.f); });
      throw InvalidArgument(fmt::format("fastrp: relationship weights must be ≥ 0 (arc {} has weight {})",
                                        it - w.begin(), *it));
    }
  }
}

}  // namespace

double fastrp_sparsity(std::int64_t n, double opt_sparsity) {
  if (opt_sparsity > 0) return opt_sparsity;
  return std::max(1.0, std::sqrt(static_cast<double>(n)));
}

float fastrp_projection_entry(std::uint64_t seed, std::int64_t node, std::int64_t j, double s) {
  return detail::fastrp_entry<Philox>(seed, node, j, Projection(s));
}

float fastrp_feature_projection_entry(std::uint64_t seed, std::int64_t f, std::int64_t j) {
  return fastrp_projection_entry(feature_seed(seed), f, j, kPropertySparsity);
}

Matrix fastrp(const Graph& g, const FastRpOptions& opt) {
  check_options(g, opt);
  if (opt.device == Device::cuda) return detail::fastrp_cuda(g, opt);
  const std::int64_t n = g.num_nodes();
  const std::int64_t d = opt.dim;
  Matrix out = Matrix::Zero(n, d);
  if (n == 0) return out;

  const bool weighted = opt.use_weights && g.weighted();
  const auto offsets = g.offsets();
  const auto targets = g.targets();
  const auto wts = g.weights();
  const double s = fastrp_sparsity(n, opt.sparsity);
  const Projection proj(s);
  const std::int64_t dp =
      opt.property_ratio > 0.f ? static_cast<std::int64_t>(std::floor(static_cast<double>(d) * opt.property_ratio)) : 0;
  const std::int64_t dr = d - dp;  // dimensions from the structural projection
  const std::int64_t k = static_cast<std::int64_t>(opt.iteration_weights.size());

  // 1/D (0 for sinks) and D^β (1 for sinks), D the (weighted) out-degree.
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

  Matrix a(n, d), b(n, d);
  const Projection fproj(kPropertySparsity);
  const std::uint64_t fseed = feature_seed(opt.seed);
  const std::int64_t nf = dp > 0 ? opt.features->cols() : 0;
  std::vector<float> pcols;  // P (nf × dp), small: materialised once
  if (dp > 0) {
    pcols.resize(static_cast<std::size_t>(nf * dp));
    for (std::int64_t f = 0; f < nf; ++f) fill_projection_row(pcols.data() + f * dp, dp, fseed, f, fproj, 1.f);
  }

  // N₀ into `a`; self-influence term into `out`.
  const float alpha0 = opt.node_self_influence;
  parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
    for (std::size_t u = lo; u < hi; ++u) {
      float* row = a.row(u).data();
      fill_projection_row(row, dr, opt.seed, static_cast<std::int64_t>(u), proj, deg_scale[u]);
      if (dp > 0) {
        VecMap part(row + dr, dp);
        part.setZero();
        const float* x = opt.features->row(u).data();
        for (std::int64_t f = 0; f < nf; ++f)
          if (x[f] != 0.f) part.noalias() += x[f] * ConstVecMap(pcols.data() + f * dp, dp);
      }
      if (alpha0 != 0.f) {
        VecMap r(row, d);
        const float norm = opt.normalize_rows ? r.norm() : 1.f;
        if (norm > 0.f) out.row(u) += (alpha0 / norm) * a.row(u);
      }
    }
  });
  report(opt.progress, "fastrp", 0, static_cast<std::uint64_t>(k));

  Matrix* src = &a;
  Matrix* dst = &b;
  for (std::int64_t it = 0; it < k; ++it) {
    const float alpha = opt.iteration_weights[it];
    const float* sp = src->data();
    float* dpp = dst->data();
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
      for (std::size_t u = lo; u < hi; ++u) {
        VecMap acc(dpp + u * d, d);
        acc.setZero();
        const edge_t e0 = offsets[u], e1 = offsets[u + 1];
        if (weighted) {
          for (edge_t e = e0; e < e1; ++e) acc.noalias() += wts[e] * ConstVecMap(sp + targets[e] * d, d);
        } else {
          for (edge_t e = e0; e < e1; ++e) acc.noalias() += ConstVecMap(sp + targets[e] * d, d);
        }
        acc *= inv_deg[u];
        if (alpha != 0.f) {
          const float norm = opt.normalize_rows ? acc.norm() : 1.f;
          if (norm > 0.f) VecMap(out.row(u).data(), d).noalias() += (alpha / norm) * acc;
        }
      }
    });
    std::swap(src, dst);
    report(opt.progress, "fastrp", static_cast<std::uint64_t>(it + 1), static_cast<std::uint64_t>(k));
  }

  if (opt.standardize) {
    // Column means and population variances (sklearn `scale`), summed in
    // double per fixed chunk and combined in chunk order.
    const std::size_t chunks = num_chunks(static_cast<std::size_t>(n), kRowGrain);
    std::vector<Eigen::VectorXd> s1(chunks), s2(chunks);
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
      Eigen::VectorXd a1 = Eigen::VectorXd::Zero(d), a2 = Eigen::VectorXd::Zero(d);
      for (std::size_t u = lo; u < hi; ++u) {
        const Eigen::VectorXd x = out.row(u).transpose().cast<double>();
        a1 += x;
        a2 += x.cwiseProduct(x);
      }
      s1[c] = std::move(a1);
      s2[c] = std::move(a2);
    });
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d), sq = Eigen::VectorXd::Zero(d);
    for (std::size_t c = 0; c < chunks; ++c) {
      mean += s1[c];
      sq += s2[c];
    }
    mean /= static_cast<double>(n);
    Eigen::VectorXf meanf(d), inv_std(d);
    for (std::int64_t j = 0; j < d; ++j) {
      const double var = std::max(0.0, sq[j] / static_cast<double>(n) - mean[j] * mean[j]);
      const double sd = std::sqrt(var);
      meanf[j] = static_cast<float>(mean[j]);
      // sklearn leaves a constant column's scale at 1; tiny variances are rounding noise.
      inv_std[j] = sd > 1e-12 * std::max(1.0, std::abs(mean[j])) ? static_cast<float>(1.0 / sd) : 1.f;
    }
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
      for (std::size_t u = lo; u < hi; ++u) {
        VecMap r(out.row(u).data(), d);
        r = (r - meanf).cwiseProduct(inv_std);
      }
    });
  }
  return out;
}

}  // namespace sprig
