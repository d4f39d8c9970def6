// FastRP's row kernels (see embed/fastrp_kernels.hpp): Philox draws of R's
// rows, the sparse-row extraction and scatter, the dense pull, and the row
// norms, each in a portable form and AVX2 / AVX-512 forms chosen at run time.
// Every form gives the same bits (the driver, embed/fastrp.cpp, relies on it).
#include <sprig/embed/fastrp_kernels.hpp>

#include <algorithm>
#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <Eigen/Core>

#include <sprig/graph/random.hpp>

namespace sprig::detail::frp {
namespace {

using Projection = FastRpProjection;
using VecMap = Eigen::Map<Eigen::VectorXf>;
using ConstVecMap = Eigen::Map<const Eigen::VectorXf>;

void philox_words_scalar(std::uint64_t seed, std::uint64_t item, std::int64_t count, std::uint32_t* out) {
  Philox rng(seed, item);
  for (std::int64_t j = 0; j < count; ++j) out[j] = rng();
}

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
#endif

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__)
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

// Words per buffer a row draw needs: whole eight-block (32-word) batches.
std::int64_t padded_words(std::int64_t count) { return (count + 31) / 32 * 32; }

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

float pull_row(float* dst, const float* src, const node_t* tg, const float* w, edge_t deg, edge_t ahead,
               float inv_deg, std::int64_t d, bool avx2) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (avx2) return pull_row_avx2(dst, src, tg, w, deg, ahead, inv_deg, d);
#endif
  (void)avx2;
  (void)ahead;
  return pull_row_portable(dst, src, tg, w, deg, inv_deg, d);
}

}  // namespace sprig::detail::frp
