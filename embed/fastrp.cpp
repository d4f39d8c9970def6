// FastRP: N₀ = diag(D^β)R (+ projected features), then k propagation passes;
// each finished row is normalised and added into the output while it is still
// in cache. A layer with few non-zeros (N₀ has d/s per row, N₁ ≈ deg·d/s) is
// kept as per-row (column, value) lists and the next layer is computed by
// scattering them into a zeroed row; dense layers are pulled over the
// neighbours' rows. Both give the same sums in the same order per column —
// the scatter only skips additions of exact zeros — so the output does not
// depend on which layers were sparse.
#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/fastrp_projection.hpp>
#include <sprig/embed/fastrp_cuda.hpp>
#include <sprig/embed/fastrp_kernels.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig {
namespace {

using namespace detail::frp;

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

// Asks the kernel to back the 2 MiB-aligned interior of a fresh n × d buffer
// with transparent huge pages: first touches then fault once per 2 MiB instead
// of once per 4 KiB (a third of cond-mat's time went to page faults), and the
// random row gathers of large graphs miss the TLB less. Only a hint.
void advise_huge_pages([[maybe_unused]] void* p, [[maybe_unused]] std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  const std::uintptr_t lo = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t hi = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (hi > lo) (void)madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
#endif
}

void advise_huge_pages(Matrix& x) { advise_huge_pages(x.data(), sizeof(float) * static_cast<std::size_t>(x.size())); }

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

void detail::fastrp_philox_words(std::uint64_t seed, std::uint64_t item, std::int64_t count, std::uint32_t* out) {
  SPRIG_EXPECTS(count >= 0, "fastrp_philox_words: count must be ≥ 0 (got {})", count);
  std::vector<std::uint32_t> buf(static_cast<std::size_t>(padded_words(count)));
  philox_words(seed, item, count, buf.data(), has_avx2());
  std::copy(buf.begin(), buf.begin() + count, out);
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
  advise_huge_pages(out);
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

  // 1/D (0 for sinks), D the (weighted) out-degree; D^β (1 for sinks) by
  // deg_scale(u), drawn only for rows of N₀ that have a non-zero (a pow each).
  std::vector<float> inv_deg(n);
  std::vector<double> degree(n);
  parallel_for<std::int64_t>(
      0, n,
      [&](std::int64_t u) {
        double D = 0;
        if (weighted) {
          for (edge_t e = offsets[u]; e < offsets[u + 1]; ++e) D += wts[e];
        } else {
          D = static_cast<double>(offsets[u + 1] - offsets[u]);
        }
        degree[u] = D;
        inv_deg[u] = D > 0 ? static_cast<float>(1.0 / D) : 0.f;
      },
      4096);
  auto deg_scale = [&](std::size_t u) {
    const double D = degree[u];
    return D > 0 ? static_cast<float>(std::pow(D, static_cast<double>(opt.normalization_strength))) : 1.f;
  };

  const Projection fproj(kPropertySparsity);
  const std::uint64_t fseed = feature_seed(opt.seed);
  const std::int64_t nf = dp > 0 ? opt.features->cols() : 0;
  std::vector<float> pcols;  // P (nf × dp), small: materialised once
  if (dp > 0) {
    pcols.resize(static_cast<std::size_t>(nf * dp));
    for (std::int64_t f = 0; f < nf; ++f) fill_projection_row(pcols.data() + f * dp, dp, fseed, f, fproj, 1.f);
  }

  // out_row ← (or +=) (α/‖x‖)·x; a zero row when x = 0 (nothing to normalise).
  auto accumulate = [&](float* out_row, const float* x, float alpha, float sq, bool add) {
    const float norm = opt.normalize_rows ? std::sqrt(sq) : 1.f;
    const float c = norm > 0.f ? alpha / norm : 0.f;
    if (add) {
      for (std::int64_t j = 0; j < d; ++j) out_row[j] += c * x[j];
    } else {
      for (std::int64_t j = 0; j < d; ++j) out_row[j] = c * x[j];
    }
  };

  const bool avx2 = has_avx2();
  const bool avx512 = avx2 && has_avx512();
  const double n_d = static_cast<double>(n) * static_cast<double>(d);
  // A layer is kept sparse when scattering it costs at most sparse_threshold of a dense pull's m·d additions.
  const double max_work = std::max(0.0, opt.sparse_threshold) * static_cast<double>(targets.size()) * static_cast<double>(d);
  // Two dense buffers, allocated when a dense layer first needs one.
  Matrix dense[2];
  int dense_cur = -1;  // the buffer holding the current layer when it is dense
  SparseLayer sparse;  // the current layer when it is sparse
  bool cur_sparse = false;

  // N₀ (self-influence term into `out`): sparse when R is (and no feature columns).
  const float alpha0 = opt.node_self_influence;
  const double r_density = 2.0 * static_cast<double>(proj.t) / 4294967296.0;
  const std::int64_t wpad = padded_words(dr);
  if (dp == 0 && r_density <= opt.sparse_threshold) {
    cur_sparse = true;
    const std::size_t chunks = num_chunks(static_cast<std::size_t>(n), kRowGrain);
    std::vector<std::vector<Entry>> part(chunks);  // each chunk's rows, joined below
    sparse.ptr.resize(static_cast<std::size_t>(n) + 1);
    sparse.cnt.resize(static_cast<std::size_t>(n));
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
      std::vector<std::uint32_t> words(proj.t > 0 ? static_cast<std::size_t>(wpad) : 0);
      std::vector<float> row(alpha0 != 0.f ? static_cast<std::size_t>(d) : 0);
      std::vector<Entry>& mine = part[c];
      std::vector<Entry> buf(static_cast<std::size_t>(dr));
      for (std::size_t u = lo; u < hi; ++u) {
        std::uint32_t k = 0;
        if (proj.t > 0) {
#if defined(__x86_64__) && defined(__GNUC__)
          if (avx512) {
            k = philox_extract_avx512(opt.seed, u, dr, proj, buf.data());
          } else
#endif
          {
            philox_words(opt.seed, u, dr, words.data(), avx2);
            k = extract_projection(words.data(), dr, proj, 1.f, buf.data(), avx2);
          }
          if (k > 0) {  // scale·(±√s): the products the dense fill forms
            const float scale = deg_scale(u);
            for (std::uint32_t i = 0; i < k; ++i) buf[i].val = scale * buf[i].val;
          }
        }
        sparse.ptr[u] = static_cast<std::int64_t>(mine.size());  // local until joined
        sparse.cnt[u] = k;
        mine.insert(mine.end(), buf.begin(), buf.begin() + k);
        if (alpha0 != 0.f) {  // the dense row, normalised as the dense path does it
          std::fill(row.begin(), row.end(), 0.f);
          for (std::uint32_t i = 0; i < k; ++i) row[buf[i].col] = buf[i].val;
          accumulate(out.row(u).data(), row.data(), alpha0, VecMap(row.data(), d).squaredNorm(), false);
        }
      }
    });
    std::vector<std::int64_t> base(chunks + 1, 0);
    for (std::size_t c = 0; c < chunks; ++c) base[c + 1] = base[c] + static_cast<std::int64_t>(part[c].size());
    sparse.entries.reset(new Entry[static_cast<std::size_t>(std::max<std::int64_t>(base[chunks], 1))]);
    sparse.ptr[static_cast<std::size_t>(n)] = base[chunks];
    sparse.contiguous = true;
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
      for (std::size_t u = lo; u < hi; ++u) sparse.ptr[u] += base[c];
      std::copy(part[c].begin(), part[c].end(), sparse.entries.get() + base[c]);
    });
  } else {
    dense[0].resize(n, d);
    advise_huge_pages(dense[0]);
    dense_cur = 0;
    Matrix& a = dense[0];
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
      std::vector<std::uint32_t> words(static_cast<std::size_t>(wpad));
      for (std::size_t u = lo; u < hi; ++u) {
        float* row = a.row(u).data();
        philox_words(opt.seed, u, dr, words.data(), avx2);
        const float scale = deg_scale(u);
        for (std::int64_t j = 0; j < dr; ++j) row[j] = scale * proj(words[j]);
        if (dp > 0) {
          VecMap part(row + dr, dp);
          part.setZero();
          const float* x = opt.features->row(u).data();
          for (std::int64_t f = 0; f < nf; ++f)
            if (x[f] != 0.f) part.noalias() += x[f] * ConstVecMap(pcols.data() + f * dp, dp);
        }
        if (alpha0 != 0.f) accumulate(out.row(u).data(), row, alpha0, VecMap(row, d).squaredNorm(), false);
      }
    });
  }
  if (alpha0 != 0.f) out_written = true;
  report(opt.progress, "fastrp", 0, static_cast<std::uint64_t>(k));

  // Iterations after the last non-zero weight change nothing: skipped.
  std::int64_t needed = k;
  while (needed > 0 && opt.iteration_weights[needed - 1] == 0.f) --needed;
  const node_t* tg = targets.data();
  const edge_t m = static_cast<edge_t>(targets.size());
  // Deferred output: when only the last two passes needed carry weight (the
  // default [0, 0, 1, 6.67]) and N₀ none, the last pass writes each output row
  // whole, c·N_{k−1}[u] (its source row, ‖·‖² kept from the pass before) then
  // + c'·N_k[u], the same operations in the same order as two accumulations, into
  // the buffer of the layer before N_{k−1}, dead by then: two n × d buffers, not three.
  bool defer = needed >= 2 && alpha0 == 0.f;
  for (std::int64_t it = 0; it + 2 < needed; ++it) defer = defer && opt.iteration_weights[it] == 0.f;
  std::vector<float> prev_sq;  // ‖N_{k−1}[u]‖² when deferred
  float prev_alpha = 0.f;
  for (std::int64_t it = 0; it < k; ++it) {
    if (it >= needed) {
      report(opt.progress, "fastrp", static_cast<std::uint64_t>(it + 1), static_cast<std::uint64_t>(k));
      continue;
    }
    const float alpha = opt.iteration_weights[it];
    // The last pass needed only feeds `out`: its rows go to a per-chunk scratch row, not to a layer.
    const bool store = it + 1 < needed;
    // The new layer is sparse when the current one is and an upper bound on its
    // non-zeros (per row: min(d, the neighbours' counts summed)) is small enough.
    SparseLayer next;
    bool next_sparse = false;
    // A cheap estimate first (any choice gives the same bits): arc (u, t) reads
    // about min(d, deg(t)·c̄) non-zeros, c̄ the current mean per row.
    bool try_sparse = store && cur_sparse && max_work > 0;
    if (try_sparse) {
      const double mean_cnt =
          static_cast<double>(sparse.ptr[static_cast<std::size_t>(n)]) / static_cast<double>(n);
      const double est = parallel_sum<double>(
          static_cast<std::size_t>(n),
          [&](std::size_t t) {
            const double deg = static_cast<double>(offsets[t + 1] - offsets[t]);
            return deg * std::min(static_cast<double>(d), deg * mean_cnt);
          },
          1 << 14);
      try_sparse = est <= 2 * max_work;
    }
    if (try_sparse) {
      std::vector<std::uint32_t> cap(static_cast<std::size_t>(n));
      parallel_for<std::int64_t>(
          0, n,
          [&](std::int64_t u) {
            std::int64_t c = 0;
            for (edge_t e = offsets[u]; e < offsets[u + 1]; ++e) c += sparse.cnt[static_cast<std::size_t>(tg[e])];
            cap[static_cast<std::size_t>(u)] = static_cast<std::uint32_t>(std::min<std::int64_t>(c, d));
          },
          4096);
      next.ptr.resize(static_cast<std::size_t>(n) + 1);
      exclusive_scan(cap, next.ptr);
      const std::int64_t total = next.ptr[static_cast<std::size_t>(n)];
      // Scatter work of the pass after this one (an upper bound): every arc reads its target's list.
      const double work = static_cast<double>(parallel_sum<std::int64_t>(
          static_cast<std::size_t>(n),
          [&](std::size_t u) -> std::int64_t {
            std::int64_t c = 0;
            for (edge_t e = offsets[u]; e < offsets[u + 1]; ++e) c += cap[static_cast<std::size_t>(tg[e])];
            return c;
          },
          4096));
      if (work <= max_work && static_cast<double>(total) <= 0.5 * n_d) {
        next_sparse = true;
        next.cnt.resize(static_cast<std::size_t>(n));
        next.entries.reset(new Entry[static_cast<std::size_t>(std::max<std::int64_t>(total, 1))]);
      } else {
        next.ptr = {};
      }
    }
    const bool next_dense = store && !next_sparse;
    if (defer && it + 2 == needed && !next_dense) defer = false;  // the last pass's source must be a dense buffer
    const bool keep_sq = defer && it + 2 == needed && alpha != 0.f;
    const bool final_deferred = defer && it + 1 == needed;
    if (keep_sq) prev_sq.resize(static_cast<std::size_t>(n));
    if (final_deferred && dense[dense_cur == 0 ? 1 : 0].rows() != n) {
      dense[dense_cur == 0 ? 1 : 0].resize(n, d);
      advise_huge_pages(dense[dense_cur == 0 ? 1 : 0]);
    }
    const int dense_next = dense_cur == 0 ? 1 : 0;
    if (next_dense && dense[dense_next].rows() != n) {
      dense[dense_next].resize(n, d);
      advise_huge_pages(dense[dense_next]);
    }
    const float* sp = cur_sparse ? nullptr : dense[dense_cur].data();
    float* dpp = next_dense ? dense[dense_next].data() : nullptr;
    float* deferred_out = final_deferred ? dense[dense_next].data() : nullptr;
    parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t, std::size_t lo, std::size_t hi) {
      std::vector<float> scratch(next_dense ? 0 : static_cast<std::size_t>(d));
      std::vector<float> acc(cur_sparse ? static_cast<std::size_t>(d) : 0, 0.f);
      for (std::size_t u = lo; u < hi; ++u) {
        float* x = next_dense ? dpp + u * d : scratch.data();
        const edge_t e0 = offsets[u], deg = offsets[u + 1] - e0;
        const float* w = weighted ? wts.data() + e0 : nullptr;
        float sq;
        if (cur_sparse) {
          sq = scatter_row(x, acc.data(), sparse, tg + e0, w, deg, inv_deg[u], d, avx2);
        } else {
          sq = pull_row(x, sp, tg + e0, w, deg, m - e0, inv_deg[u], d, avx2);
        }
        if (final_deferred) {
          float* o = deferred_out + u * d;
          if (prev_alpha != 0.f) {
            accumulate(o, sp + u * d, prev_alpha, prev_sq[u], false);
            accumulate(o, x, alpha, sq, true);
          } else {
            accumulate(o, x, alpha, sq, false);
          }
        } else if (keep_sq) {
          prev_sq[u] = sq;
        } else if (alpha != 0.f) {
          accumulate(out.row(u).data(), x, alpha, sq, out_written);
        }
        if (next_sparse) next.cnt[u] = compress_row(x, d, next.entries.get() + next.ptr[u], avx2);
      }
    });
    if (keep_sq) prev_alpha = alpha;
    else if (alpha != 0.f) out_written = true;
    if (final_deferred) out = std::move(dense[dense_next]);
    if (next_sparse) {
      sparse = std::move(next);
    } else if (next_dense) {
      sparse = SparseLayer{};
      cur_sparse = false;
      dense_cur = dense_next;
    }
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
