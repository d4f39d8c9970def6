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

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
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

// One non-zero of a sparse layer row.
struct Entry {
  std::uint32_t col;
  float val;
};

// A layer Nᵢ as per-row (column, value) lists: row u is entries[ptr[u], ptr[u] + cnt[u]).
// Rows may leave gaps (a row's slot is sized by an upper bound on its count).
struct SparseLayer {
  std::vector<std::int64_t> ptr;
  std::vector<std::uint32_t> cnt;
  std::unique_ptr<Entry[]> entries;  // default-initialised: no zeroing pass
  bool contiguous = false;           // no gaps: cnt[u] = ptr[u + 1] − ptr[u]
};

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

// Words per buffer a row draw needs: whole eight-block (32-word) batches.
std::int64_t padded_words(std::int64_t count) { return (count + 31) / 32 * 32; }

void philox_words_scalar(std::uint64_t seed, std::uint64_t item, std::int64_t count, std::uint32_t* out) {
  Philox rng(seed, item);
  for (std::int64_t j = 0; j < count; ++j) out[j] = rng();
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

// ‖x‖² in exactly the order pull_row_avx2 sums it (per 64-column tile, then
// across tiles, the lanes folded the same way, then the scalar tail), so a row
// computed by scattering gets the bits the pull would have given it.
__attribute__((target("avx2"))) float row_sq_avx2(const float* x, std::int64_t d) {
  __m256 sq = _mm256_setzero_ps();
  std::int64_t j = 0;
  for (; j + 64 <= d; j += 64) {
    __m256 t = _mm256_setzero_ps();
    for (int i = 0; i < 8; ++i) {
      const __m256 v = _mm256_loadu_ps(x + j + 8 * i);
      t = _mm256_add_ps(t, _mm256_mul_ps(v, v));
    }
    sq = _mm256_add_ps(sq, t);
  }
  const std::int64_t r = (d - j) / 8;
  if (r > 0) {
    __m256 t = _mm256_setzero_ps();
    for (std::int64_t i = 0; i < r; ++i) {
      const __m256 v = _mm256_loadu_ps(x + j + 8 * i);
      t = _mm256_add_ps(t, _mm256_mul_ps(v, v));
    }
    sq = _mm256_add_ps(sq, t);
    j += 8 * r;
  }
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(sq), _mm256_extractf128_ps(sq, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  float total = _mm_cvtss_f32(h);
  for (; j < d; ++j) total += x[j] * x[j];
  return total;
}

constexpr int kPhiloxBatches = 4;

// Philox4x32-10 (Random123's rounds and constants) on eight blocks at once:
// 32×32 → 64-bit products of the even and odd lanes by _mm256_mul_epu32.
__attribute__((target("avx2"), always_inline)) inline void mulhilo8(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

// B batches of eight blocks, interleaved so that the multiply latencies of
// one batch hide behind the others (one batch alone is latency-bound).
template <int B>
__attribute__((target("avx2"), always_inline)) inline void philox_batches_avx2(std::uint64_t b0, __m256i key0,
                                                                              __m256i key1, __m256i c2, __m256i c3,
                                                                              std::uint32_t* out) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  const __m256i w0 = _mm256_set1_epi32(static_cast<int>(0x9E3779B9u));
  const __m256i w1 = _mm256_set1_epi32(static_cast<int>(0xBB67AE85u));
  __m256i x0[B], x1[B], x2[B], x3[B];
#pragma GCC unroll 4
  for (int i = 0; i < B; ++i) {
    alignas(32) std::uint32_t lo[8], hi[8];
    for (int l = 0; l < 8; ++l) {
      const std::uint64_t step = b0 + static_cast<std::uint64_t>(8 * i + l);
      lo[l] = static_cast<std::uint32_t>(step);
      hi[l] = static_cast<std::uint32_t>(step >> 32);
    }
    x0[i] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo));
    x1[i] = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi));
    x2[i] = c2;
    x3[i] = c3;
  }
  __m256i k0 = key0, k1 = key1;
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 = _mm256_add_epi32(k0, w0);
      k1 = _mm256_add_epi32(k1, w1);
    }
#pragma GCC unroll 4
    for (int i = 0; i < B; ++i) {
      __m256i hi0, lo0, hi1, lo1;
      mulhilo8(x0[i], m0, hi0, lo0);
      mulhilo8(x2[i], m1, hi1, lo1);
      x0[i] = _mm256_xor_si256(_mm256_xor_si256(hi1, x1[i]), k0);
      x1[i] = lo1;
      x2[i] = _mm256_xor_si256(_mm256_xor_si256(hi0, x3[i]), k1);
      x3[i] = lo0;
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < B; ++i) {
    // 4 × 8 (word × block) → block-major: words 4b..4b+3 of block b together.
    const __m256i t0 = _mm256_unpacklo_epi32(x0[i], x1[i]), t1 = _mm256_unpackhi_epi32(x0[i], x1[i]);
    const __m256i t2 = _mm256_unpacklo_epi32(x2[i], x3[i]), t3 = _mm256_unpackhi_epi32(x2[i], x3[i]);
    const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    __m256i* o = reinterpret_cast<__m256i*>(out + 32 * i);
    _mm256_storeu_si256(o + 0, _mm256_permute2x128_si256(u0, u1, 0x20));
    _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(u2, u3, 0x20));
    _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(u0, u1, 0x31));
    _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(u2, u3, 0x31));
  }
}

// Words [0, padded_words(count)) of the stream (seed, item) into out: block b
// (counter (b, item)) gives words 4b..4b+3, as sprig::Philox draws them.
__attribute__((target("avx2"))) void philox_words_avx2(std::uint64_t seed, std::uint64_t item, std::int64_t count,
                                                      std::uint32_t* out) {
  const __m256i key0 = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(seed)));
  const __m256i key1 = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(seed >> 32)));
  const __m256i c2 = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(item)));
  const __m256i c3 = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(item >> 32)));
  const std::int64_t nblocks = padded_words(count) / 4;
  std::int64_t b = 0;
  for (; b + 8 * kPhiloxBatches <= nblocks; b += 8 * kPhiloxBatches)
    philox_batches_avx2<kPhiloxBatches>(static_cast<std::uint64_t>(b), key0, key1, c2, c3, out + 4 * b);
  for (; b < nblocks; b += 8) philox_batches_avx2<1>(static_cast<std::uint64_t>(b), key0, key1, c2, c3, out + 4 * b);
}

// Appends the non-zeros scale·R[v, j], j < len, of a row's words in column order;
// the words must be readable up to padded_words(len). proj.t ≥ 1.
__attribute__((target("avx2"))) std::uint32_t extract_projection_avx2(const std::uint32_t* words, std::int64_t len,
                                                                     const Projection& proj, float scale, Entry* out) {
  // w < 2t ⟺ max(w, 2t − 1) = 2t − 1 (unsigned); likewise w < t for the sign.
  const __m256i nz_top = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(2 * proj.t - 1)));
  const __m256i pos_top = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(proj.t - 1)));
  const float pv = scale * proj.value, nv = scale * -proj.value;
  std::uint32_t k = 0;
  for (std::int64_t j = 0; j < len; j += 8) {
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(words + j));
    unsigned nz = static_cast<unsigned>(
        _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_max_epu32(w, nz_top), nz_top))));
    if (nz == 0) continue;
    if (len - j < 8) nz &= (1u << (len - j)) - 1;
    const unsigned pos = static_cast<unsigned>(
        _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_max_epu32(w, pos_top), pos_top))));
    while (nz != 0) {
      const int bit = __builtin_ctz(nz);
      nz &= nz - 1;
      out[k++] = Entry{static_cast<std::uint32_t>(j + bit), (pos >> bit) & 1u ? pv : nv};
    }
  }
  return k;
}

// The non-zero columns of x[0, d) into out, in column order; returns their count.
__attribute__((target("avx2"))) std::uint32_t compress_row_avx2(const float* x, std::int64_t d, Entry* out) {
  std::uint32_t k = 0;
  std::int64_t j = 0;
  const __m256 zero = _mm256_setzero_ps();
  for (; j + 8 <= d; j += 8) {
    unsigned nz =
        static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + j), zero, _CMP_NEQ_UQ)));
    while (nz != 0) {
      const int bit = __builtin_ctz(nz);
      nz &= nz - 1;
      out[k++] = Entry{static_cast<std::uint32_t>(j + bit), x[j + bit]};
    }
  }
  for (; j < d; ++j)
    if (x[j] != 0.f) out[k++] = Entry{static_cast<std::uint32_t>(j), x[j]};
  return k;
}

// scatter_row for AVX2 machines: the neighbours' non-zeros are summed into
// `acc` (all zero on entry and again on return), then one pass scales each
// column by inv_deg into x and sums ‖x‖² in pull_row_avx2's order.
// cnt == nullptr: the rows are contiguous (row t ends where t + 1 starts), one
// array to read per arc instead of two.
__attribute__((target("avx2"))) float scatter_row_avx2(float* x, float* acc, const Entry* ent,
                                                      const std::int64_t* ptr, const std::uint32_t* cnt,
                                                      const node_t* tg, const float* w, edge_t deg, float inv_deg,
                                                      std::int64_t d) {
  for (edge_t e = 0; e < deg; ++e) {
    const node_t t = tg[e];
    const Entry* r = ent + ptr[t];
    const std::uint32_t c = cnt ? cnt[t] : static_cast<std::uint32_t>(ptr[t + 1] - ptr[t]);
    if (w) {
      const float we = w[e];
      for (std::uint32_t i = 0; i < c; ++i) acc[r[i].col] += we * r[i].val;
    } else {
      for (std::uint32_t i = 0; i < c; ++i) acc[r[i].col] += r[i].val;
    }
  }
  const __m256 s = _mm256_set1_ps(inv_deg);
  const __m256 zero = _mm256_setzero_ps();
  __m256 sq = zero;
  std::int64_t j = 0;
  const std::int64_t tiles = d / 64, rem = (d % 64) / 8;
  for (std::int64_t tile = 0; tile <= tiles; ++tile) {
    const std::int64_t r = tile < tiles ? 8 : rem;
    if (r == 0) break;
    __m256 t = zero;
    for (std::int64_t i = 0; i < r; ++i, j += 8) {
      const __m256 y = _mm256_mul_ps(_mm256_loadu_ps(acc + j), s);
      _mm256_storeu_ps(acc + j, zero);
      _mm256_storeu_ps(x + j, y);
      t = _mm256_add_ps(t, _mm256_mul_ps(y, y));
    }
    sq = _mm256_add_ps(sq, t);
  }
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(sq), _mm256_extractf128_ps(sq, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  float total = _mm_cvtss_f32(h);
  for (; j < d; ++j) {
    const float y = acc[j] * inv_deg;
    acc[j] = 0.f;
    x[j] = y;
    total += y * y;
  }
  return total;
}

// AVX-512: sixteen Philox blocks per register, two registers interleaved, and
// R's non-zeros read off the words in registers (w < 2t as a compare mask),
// without storing them: one row of d = 128 is one loop trip. Entries come out
// by word slot then block, not by column — no consumer depends on the order.
__attribute__((target("avx512f"), always_inline)) inline void mulhilo16(__m512i a, __m512i m, __m512i& hi,
                                                                       __m512i& lo) {
  // maskz forms with a full mask: the plain ones pass GCC 12 an "undefined"
  // source it then warns about (-Wmaybe-uninitialized); same instructions.
  constexpr __mmask8 all = 0xFF;
  const __m512i even = _mm512_maskz_mul_epu32(all, a, m);
  const __m512i odd = _mm512_maskz_mul_epu32(all, _mm512_maskz_srli_epi64(all, a, 32), m);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(all, odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_maskz_srli_epi64(all, even, 32), odd);
}

template <int B>
__attribute__((target("avx512f"), always_inline)) inline std::uint32_t philox_extract_batches_avx512(
    std::uint64_t b0, std::uint64_t seed, std::uint64_t item, std::int64_t len, const Projection& proj, Entry* out) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(0xCD9E8D57u));
  const __m512i w0 = _mm512_set1_epi32(static_cast<int>(0x9E3779B9u));
  const __m512i w1 = _mm512_set1_epi32(static_cast<int>(0xBB67AE85u));
  __m512i x0[B], x1[B], x2[B], x3[B];
#pragma GCC unroll 4
  for (int i = 0; i < B; ++i) {
    alignas(64) std::uint32_t lo[16], hi[16];
    for (int l = 0; l < 16; ++l) {
      const std::uint64_t step = b0 + static_cast<std::uint64_t>(16 * i + l);
      lo[l] = static_cast<std::uint32_t>(step);
      hi[l] = static_cast<std::uint32_t>(step >> 32);
    }
    x0[i] = _mm512_load_si512(lo);
    x1[i] = _mm512_load_si512(hi);
    x2[i] = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(item)));
    x3[i] = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(item >> 32)));
  }
  __m512i k0 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(seed)));
  __m512i k1 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(seed >> 32)));
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 = _mm512_add_epi32(k0, w0);
      k1 = _mm512_add_epi32(k1, w1);
    }
#pragma GCC unroll 4
    for (int i = 0; i < B; ++i) {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo16(x0[i], m0, hi0, lo0);
      mulhilo16(x2[i], m1, hi1, lo1);
      x0[i] = _mm512_xor_si512(_mm512_xor_si512(hi1, x1[i]), k0);
      x1[i] = lo1;
      x2[i] = _mm512_xor_si512(_mm512_xor_si512(hi0, x3[i]), k1);
      x3[i] = lo0;
    }
  }
  const __m512i nz_top = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(2 * proj.t - 1)));
  const __m512i pos_top = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(proj.t - 1)));
  std::uint32_t k = 0;
#pragma GCC unroll 4
  for (int i = 0; i < B; ++i) {
    const __m512i words[4] = {x0[i], x1[i], x2[i], x3[i]};
    for (int slot = 0; slot < 4; ++slot) {
      unsigned nz = _mm512_cmple_epu32_mask(words[slot], nz_top);
      if (nz == 0) continue;
      const unsigned pos = _mm512_cmple_epu32_mask(words[slot], pos_top);
      while (nz != 0) {
        const int lane = __builtin_ctz(nz);
        nz &= nz - 1;
        const std::int64_t col = 4 * static_cast<std::int64_t>(b0 + static_cast<std::uint64_t>(16 * i + lane)) + slot;
        if (col < len) out[k++] = Entry{static_cast<std::uint32_t>(col), (pos >> lane) & 1u ? proj.value : -proj.value};
      }
    }
  }
  return k;
}

// The non-zeros ±√s of R's row `item` (columns < len, unscaled); proj.t ≥ 1.
__attribute__((target("avx512f"))) std::uint32_t philox_extract_avx512(std::uint64_t seed, std::uint64_t item,
                                                                      std::int64_t len, const Projection& proj,
                                                                      Entry* out) {
  const std::int64_t nblocks = (len + 3) / 4;
  std::uint32_t k = 0;
  std::int64_t b = 0;
  for (; b + 32 <= nblocks; b += 32)
    k += philox_extract_batches_avx512<2>(static_cast<std::uint64_t>(b), seed, item, len, proj, out + k);
  for (; b < nblocks; b += 16)
    k += philox_extract_batches_avx512<1>(static_cast<std::uint64_t>(b), seed, item, len, proj, out + k);
  return k;
}

bool has_avx2() { return __builtin_cpu_supports("avx2"); }
bool has_avx512() { return __builtin_cpu_supports("avx512f"); }
#else
bool has_avx2() { return false; }
bool has_avx512() { return false; }
#endif

void philox_words(std::uint64_t seed, std::uint64_t item, std::int64_t count, std::uint32_t* out, bool avx2) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (avx2) return philox_words_avx2(seed, item, count, out);
#endif
  (void)avx2;
  philox_words_scalar(seed, item, count, out);
}

std::uint32_t extract_projection(const std::uint32_t* words, std::int64_t len, const Projection& proj, float scale,
                                 Entry* out, bool avx2) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (avx2) return extract_projection_avx2(words, len, proj, scale, out);
#endif
  (void)avx2;
  std::uint32_t k = 0;
  for (std::int64_t j = 0; j < len; ++j) {
    const float r = proj(words[j]);
    if (r != 0.f) out[k++] = Entry{static_cast<std::uint32_t>(j), scale * r};
  }
  return k;
}

std::uint32_t compress_row(const float* x, std::int64_t d, Entry* out, bool avx2) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (avx2) return compress_row_avx2(x, d, out);
#endif
  (void)avx2;
  std::uint32_t k = 0;
  for (std::int64_t j = 0; j < d; ++j)
    if (x[j] != 0.f) out[k++] = Entry{static_cast<std::uint32_t>(j), x[j]};
  return k;
}

// ‖x‖² as the pull kernel of the same machine returns it for the same row.
float row_sq(const float* x, std::int64_t d, bool avx2) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (avx2) return row_sq_avx2(x, d);
#endif
  (void)avx2;
  return ConstVecMap(x, d).squaredNorm();
}

// One propagation row from a sparse layer: x = inv_deg · Σₑ wₑ·p[tₑ] by
// scattering each neighbour's non-zeros into a zeroed row, arcs in order, so
// every column gets the pull's sums less its additions of exact zeros (which
// change nothing). Plain multiply and add, as in the pull. acc: d floats, all
// zero, left zero (the AVX2 path sums there; the portable one in x).
float scatter_row(float* x, float* acc, const SparseLayer& p, const node_t* tg, const float* w, edge_t deg,
                  float inv_deg, std::int64_t d, bool avx2) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (avx2)
    return scatter_row_avx2(x, acc, p.entries.get(), p.ptr.data(), p.contiguous ? nullptr : p.cnt.data(), tg, w, deg,
                            inv_deg, d);
#endif
  (void)acc;
  std::fill(x, x + d, 0.f);
  const Entry* ent = p.entries.get();
  for (edge_t e = 0; e < deg; ++e) {
    const node_t t = tg[e];
    const Entry* r = ent + p.ptr[t];
    const std::uint32_t c = p.cnt[t];
    if (w) {
      const float we = w[e];
      for (std::uint32_t i = 0; i < c; ++i) x[r[i].col] += we * r[i].val;
    } else {
      for (std::uint32_t i = 0; i < c; ++i) x[r[i].col] += r[i].val;
    }
  }
  for (std::int64_t j = 0; j < d; ++j) x[j] *= inv_deg;
  return row_sq(x, d, avx2);
}

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
#if defined(__x86_64__) && defined(__GNUC__)
          if (avx2)
            sq = pull_row_avx2(x, sp, tg + e0, w, deg, m - e0, inv_deg[u], d);
          else
#endif
            sq = pull_row_portable(x, sp, tg + e0, w, deg, inv_deg[u], d);
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
