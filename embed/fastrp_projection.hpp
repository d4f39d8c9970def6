// sprig/embed/fastrp_projection.hpp — FastRP's sparse random projection entry,
// shared by the CPU path (embed/fastrp.cpp) and the CUDA kernel (embed/fastrp.cu).
//
// Achlioptas / Li, Hastie & Church (2006) very sparse projections, as FastRP
// (Chen et al. 2019) uses them: entry R[v, j] = +√s with probability 1/(2s),
// −√s with probability 1/(2s), 0 otherwise, from word j of the Philox stream
// (seed, item = v): a 32-bit word w gives +√s when w < t, −√s when
// t ≤ w < 2t, else 0, with t = ⌊2³² / (2s)⌋. Word j is word j mod 4 of the
// Philox block (seed, v, step = j div 4), so any entry can be drawn on its own
// (the device draws four per thread; the CPU fills a row from one stream).
// O(1) per entry; pure: thread-safe.
#pragma once

#include <cmath>
#include <cstdint>

#include <sprig/graph/hd.hpp>

namespace sprig::detail {

/// The thresholds of one sparsity s ≥ 1.
struct FastRpProjection {
  std::uint64_t t = 0;
  float value = 0;
  FastRpProjection() = default;
  explicit FastRpProjection(double s)
      : t(static_cast<std::uint64_t>(std::floor(4294967296.0 / (2.0 * s)))), value(static_cast<float>(std::sqrt(s))) {}
  /// The entry a Philox word gives.
  SPRIG_HD float operator()(std::uint32_t w) const noexcept {
    if (w < t) return value;
    if (w < 2 * t) return -value;
    return 0.f;
  }
};

/// R[node, j] drawn on its own; Rng = sprig::Philox (host) or detail::DevPhilox (device).
template <class Rng>
SPRIG_HD inline float fastrp_entry(std::uint64_t seed, std::int64_t node, std::int64_t j, const FastRpProjection& p) {
  Rng rng(seed, static_cast<std::uint64_t>(node), static_cast<std::uint64_t>(j / 4));
  for (std::int64_t skip = 0; skip < j % 4; ++skip) (void)rng.next_u32();
  return p(rng.next_u32());
}

}  // namespace sprig::detail
