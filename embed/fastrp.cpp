// FastRP: materialise N₀ = diag(D^β)R (+ projected features) in one buffer,
// then k pull iterations alternating between the two buffers; each finished
// row is normalised and added into the output while it is still in cache.
#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/fastrp_projection.hpp>
#include <sprig/embed/fastrp_cuda.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

// One propagation row: dst = inv_deg · Σₑ wₑ·src[tₑ] over a row's arcs (wₑ = 1
// when w is null), returning ‖dst‖². Sums are taken per column in arc order
// (a multiply then an add when weighted, no FMA), so every kernel below gives
// the same dst bits; only ‖dst‖² may round differently.
float pull_row_portable(float* dst, const float* src, const node_t* tg, const float* w, edge_t deg, float inv_deg,
                        std::int64_t d) {
  VecMap acc(dst, d);
  acc.setZero();
  if (w) {
    for (edge_t e = 0; e < deg; ++e) acc.noalias() += w[e] * ConstVecMap(src + tg[e] * d, d);
  } else {
    for (edge_t e = 0; e < deg; ++e) acc.noalias() += ConstVecMap(src + tg[e] * d, d);
  }
  acc *= inv_deg;
  return acc.squaredNorm();
}

#if defined(__x86_64__) && defined(__GNUC__)
// Arcs ahead whose source rows are prefetched: the rows are random gathers
// (a miss to memory on large graphs); targets[] is contiguous across rows, so
// the look-ahead runs into the next rows' arcs too.
constexpr edge_t kPrefetchArcs = 12;

// Columns [j, j + 8R) of dst in R registers; prefetch (whole rows) only in a
// row's first tile, when the later tiles' lines arrive with it.
template <int R>
__attribute__((target("avx2"), always_inline)) inline __m256 pull_tile_avx2(
    float* dst, const float* src, const node_t* tg, const float* w, edge_t deg, edge_t ahead, float inv_deg,
    std::int64_t d, std::int64_t j, bool prefetch) {
  __m256 acc[R];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i) acc[i] = _mm256_setzero_ps();
  for (edge_t e = 0; e < deg; ++e) {
    if (prefetch && e + kPrefetchArcs < ahead) {
      const char* p = reinterpret_cast<const char*>(src + static_cast<std::int64_t>(tg[e + kPrefetchArcs]) * d);
      for (std::int64_t b = 0; b < d * 4; b += 64) _mm_prefetch(p + b, _MM_HINT_T0);
    }
    const float* row = src + static_cast<std::int64_t>(tg[e]) * d + j;
    if (w) {
      const __m256 we = _mm256_set1_ps(w[e]);
#pragma GCC unroll 8
      for (int i = 0; i < R; ++i) acc[i] = _mm256_add_ps(acc[i], _mm256_mul_ps(we, _mm256_loadu_ps(row + 8 * i)));
    } else {
#pragma GCC unroll 8
      for (int i = 0; i < R; ++i) acc[i] = _mm256_add_ps(acc[i], _mm256_loadu_ps(row + 8 * i));
    }
  }
  const __m256 s = _mm256_set1_ps(inv_deg);
  __m256 sq = _mm256_setzero_ps();
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i) {
    const __m256 x = _mm256_mul_ps(acc[i], s);
    _mm256_storeu_ps(dst + j + 8 * i, x);
    sq = _mm256_add_ps(sq, _mm256_mul_ps(x, x));
  }
  return sq;
}

// `ahead`: arcs from this row's first one to the end of the CSR (bounds the look-ahead).
__attribute__((target("avx2"))) float pull_row_avx2(float* dst, const float* src, const node_t* tg, const float* w,
                                                    edge_t deg, edge_t ahead, float inv_deg, std::int64_t d) {
  __m256 sq = _mm256_setzero_ps();
  std::int64_t j = 0;
  bool first = true;
  for (; j + 64 <= d; j += 64, first = false)
    sq = _mm256_add_ps(sq, pull_tile_avx2<8>(dst, src, tg, w, deg, ahead, inv_deg, d, j, first));
  switch ((d - j) / 8) {
    case 7: sq = _mm256_add_ps(sq, pull_tile_avx2<7>(dst, src, tg, w, deg, ahead, inv_deg, d, j, first)); break;
    case 6: sq = _mm256_add_ps(sq, pull_tile_avx2<6>(dst, src, tg, w, deg, ahead, inv_deg, d, j, first)); break;
    case 5: sq = _mm256_add_ps(sq, pull_tile_avx2<5>(dst, src, tg, w, deg, ahead, inv_deg, d, j, first)); break;
    case 4: sq = _mm256_add_ps(sq, pull_tile_avx2<4>(dst, src, tg, w, deg, ahead, inv_deg, d, j, first)); break;
    case 3: sq = _mm256_add_ps(sq, pull_tile_avx2<3>(dst, src, tg, w, deg, ahead, inv_deg, d, j, first)); break;
    case 2: sq = _mm256_add_ps(sq, pull_tile_avx2<2>(dst, src, tg, w, deg, ahead, inv_deg, d, j, first)); break;
    case 1: sq = _mm256_add_ps(sq, pull_tile_avx2<1>(dst, src, tg, w, deg, ahead, inv_deg, d, j, first)); break;
    default: break;
  }
  j += (d - j) / 8 * 8;
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(sq), _mm256_extractf128_ps(sq, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  float total = _mm_cvtss_f32(h);
  for (; j < d; ++j) {  // the last d mod 8 columns
    float a = 0;
    for (edge_t e = 0; e < deg; ++e) a += (w ? w[e] : 1.f) * src[static_cast<std::int64_t>(tg[e]) * d + j];
    dst[j] = a * inv_deg;
    total += dst[j] * dst[j];
  }
  return total;
}

bool has_avx2() { return __builtin_cpu_supports("avx2"); }
#else
bool has_avx2() { return false; }
#endif

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
  if (n == 0) return Matrix::Zero(n, d);
  // `out` is written (not added to) by the first pass with a non-zero
  // weight, so it needs no zeroing pass; zeroed at the end only if no pass wrote it.
  Matrix out(n, d);
  bool out_written = false;

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

  // out_row ← (or +=) (α/‖x‖)·x; a zero row when x = 0 (nothing to normalise).
  auto accumulate = [&](float* out_row, const float* x, float alpha, float sq) {
    const float norm = opt.normalize_rows ? std::sqrt(sq) : 1.f;
    const float c = norm > 0.f ? alpha / norm : 0.f;
    if (out_written) {
      for (std::int64_t j = 0; j < d; ++j) out_row[j] += c * x[j];
    } else {
      for (std::int64_t j = 0; j < d; ++j) out_row[j] = c * x[j];
    }
  };

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
      if (alpha0 != 0.f) accumulate(out.row(u).data(), row, alpha0, VecMap(row, d).squaredNorm());
    }
  });
  if (alpha0 != 0.f) out_written = true;
  report(opt.progress, "fastrp", 0, static_cast<std::uint64_t>(k));

  // Iterations after the last non-zero weight change nothing: skipped.
  std::int64_t needed = k;
  while (needed > 0 && opt.iteration_weights[needed - 1] == 0.f) --needed;
  const bool avx2 = has_avx2();
  const node_t* tg = targets.data();
  const edge_t m = static_cast<edge_t>(targets.size());
  Matrix* src = &a;
  Matrix* dst = &b;
  for (std::int64_t it = 0; it < k; ++it) {
    if (it >= needed) {
      report(opt.progress, "fastrp", static_cast<std::uint64_t>(it + 1), static_cast<std::uint64_t>(k));
      continue;
    }
    const float alpha = opt.iteration_weights[it];
    // The last pass needed only feeds `out`: its rows go to a per-chunk scratch row, not to a buffer.
    const bool to_scratch = it + 1 == needed;
    const float* sp = src->data();
    float* dpp = dst->data();
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
      std::vector<float> scratch(to_scratch ? static_cast<std::size_t>(d) : 0);
      for (std::size_t u = lo; u < hi; ++u) {
        float* x = to_scratch ? scratch.data() : dpp + u * d;
        const edge_t e0 = offsets[u], deg = offsets[u + 1] - e0;
        const float* w = weighted ? wts.data() + e0 : nullptr;
        float sq;
#if defined(__x86_64__) && defined(__GNUC__)
        if (avx2)
          sq = pull_row_avx2(x, sp, tg + e0, w, deg, m - e0, inv_deg[u], d);
        else
#endif
          sq = pull_row_portable(x, sp, tg + e0, w, deg, inv_deg[u], d);
        if (alpha != 0.f) accumulate(out.row(u).data(), x, alpha, sq);
      }
    });
    if (alpha != 0.f) out_written = true;
    std::swap(src, dst);
    report(opt.progress, "fastrp", static_cast<std::uint64_t>(it + 1), static_cast<std::uint64_t>(k));
  }
  if (!out_written) out.setZero();

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
