// sprig/graph/random.hpp — counter-based random numbers (Random123 Philox4x32-10).
//
// Randomness is keyed by (seed, work item) and a step counter, never by thread,
// so parallel results do not depend on the thread count. The layout matches
// cuRAND's curand_init(seed, subsequence = item, offset = 0) for Philox4_32_10:
// key = seed (low, high words), counter = (step low, step high, item low,
// item high). A GPU kernel that draws with the same (seed, item) sees the same
// stream of 32-bit words.
#pragma once

#include <cstdint>
#include <limits>

#include <Random123/philox.h>

namespace sprig {

/// A stream of random words for one (seed, item); cheap to create, 32 bytes.
class Philox {
 public:
  using result_type = std::uint32_t;

  Philox(std::uint64_t seed, std::uint64_t item, std::uint64_t step = 0) noexcept {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(step >> 32),
             static_cast<std::uint32_t>(item), static_cast<std::uint32_t>(item >> 32)}};
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  /// The next 32-bit word.
  result_type operator()() noexcept {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }
  std::uint32_t next_u32() noexcept { return (*this)(); }
  std::uint64_t next_u64() noexcept {
    const std::uint64_t lo = next_u32();
    return lo | (static_cast<std::uint64_t>(next_u32()) << 32);
  }
  /// Uniform in [0, 1) with 24 bits (float) — the same formula a GPU kernel uses.
  float uniform_float() noexcept { return static_cast<float>(next_u32() >> 8) * 0x1p-24f; }
  /// Uniform in [0, 1) with 53 bits.
  double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1p-53; }
  /// Uniform integer in [0, n) by Lemire's multiply-shift with rejection (unbiased); n > 0.
  std::uint32_t bounded(std::uint32_t n) noexcept {
    std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
      while (low < threshold) {
        m = static_cast<std::uint64_t>(next_u32()) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }
  /// Uniform integer in [0, n) for 64-bit n > 0 (rejection on the top multiple).
  std::uint64_t bounded64(std::uint64_t n) noexcept {
    if (n <= std::numeric_limits<std::uint32_t>::max()) return bounded(static_cast<std::uint32_t>(n));
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
    std::uint64_t x;
    do x = next_u64();
    while (x >= limit);
    return x % n;
  }

 private:
  void refill() noexcept {
    block_ = r123::Philox4x32_R<10>()(ctr_, key_);
    ctr_.incr();
    used_ = 0;
  }
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::ctr_type block_{};
  int used_ = 4;
};

/// A 64-bit hash of (seed, a, b): one Philox block, for values that are a pure
/// function of their indices (e.g. the entries of a random projection).
inline std::uint64_t counter_hash(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) noexcept {
  Philox rng(seed, a, b);
  return rng.next_u64();
}

}  // namespace sprig
