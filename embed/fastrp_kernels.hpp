// sprig/embed/fastrp_kernels.hpp — FastRP's row kernels (internal to
// embed/fastrp.cpp; embed/fastrp_kernels.cpp), one idea each: draw a row of
// the projection R (Philox4x32-10 words, vectorised), keep a row's non-zeros,
// scatter a sparse layer's rows into one output row, pull a dense layer's rows
// into one, and the row norm. Each takes `avx2` (the caller checks has_avx2()
// once); the vector forms give bit-identical results to the portable ones.
// Thread-safety: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <sprig/embed/fastrp_projection.hpp>
#include <sprig/graph/types.hpp>

namespace sprig::detail::frp {

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

bool has_avx2();
bool has_avx512();

/// Words per buffer a row draw needs: whole eight-block (32-word) batches.
std::int64_t padded_words(std::int64_t count);
/// Words [0, count) of the Philox stream (seed, item) into out (room for padded_words(count)).
void philox_words(std::uint64_t seed, std::uint64_t item, std::int64_t count, std::uint32_t* out, bool avx2);
/// The non-zeros scale·R[·, j] of a row's words, in column order; returns how many.
std::uint32_t extract_projection(const std::uint32_t* words, std::int64_t len, const FastRpProjection& proj,
                                 float scale, Entry* out, bool avx2);
/// The non-zeros of a dense row x (d floats), in column order; returns how many.
std::uint32_t compress_row(const float* x, std::int64_t d, Entry* out, bool avx2);
/// ‖x‖² summed in the order the pull kernel of the same machine sums it.
float row_sq(const float* x, std::int64_t d, bool avx2);
/// x = inv_deg · Σₑ wₑ·p[tₑ] from a sparse layer (acc: d zero floats, left zero); returns ‖x‖².
float scatter_row(float* x, float* acc, const SparseLayer& p, const node_t* tg, const float* w, edge_t deg,
                  float inv_deg, std::int64_t d, bool avx2);
/// dst = inv_deg · Σₑ wₑ·src[tₑ] from a dense layer; `ahead`: arcs from the row's first to the
/// end of the CSR (bounds the prefetch look-ahead); returns ‖dst‖².
float pull_row(float* dst, const float* src, const node_t* tg, const float* w, edge_t deg, edge_t ahead,
               float inv_deg, std::int64_t d, bool avx2);
#if defined(__x86_64__) && defined(__GNUC__)
/// The non-zeros ±√s of R's row `item` (columns < len, unscaled), straight from the
/// vector registers; needs has_avx512().
__attribute__((target("avx512f"))) std::uint32_t philox_extract_avx512(std::uint64_t seed, std::uint64_t item,
                                                                      std::int64_t len, const FastRpProjection& proj,
                                                                      Entry* out);
#endif

}  // namespace sprig::detail::frp
