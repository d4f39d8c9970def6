// sprig/graph/device_random.hpp — sprig::Philox's twin for CUDA kernels.
//
// cuRAND's Philox4x32-10 block function (curand_philox4x32_x.h, the same
// function as Random123's Philox4x32_R<10>) with the counter layout of
// curand_init(seed, subsequence = item, offset = 4·step): key = seed (low,
// high words), counter = (step low, step high, item low, item high). Every
// draw (bounded, bounded64, uniform_float) is the same formula as
// graph/random.hpp, so a kernel keyed by (seed, item) reads exactly the words
// and values the CPU path reads. __host__ __device__: the host can run a
// kernel's per-item code to check it against the CPU path without a GPU.
// For .cu files only; do not include graph/random.hpp (Random123) in the same
// translation unit (both define mulhilo32). 32 bytes of state, no shared state.
#pragma once

#include <cstdint>

#ifndef QUALIFIERS
#define QUALIFIERS static __forceinline__ __host__ __device__
#endif
#include <curand_philox4x32_x.h>

namespace sprig::detail {

class DevPhilox {
 public:
  __host__ __device__ DevPhilox(std::uint64_t seed, std::uint64_t item, std::uint64_t step = 0) {
    key_ = make_uint2(static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
    ctr_ = make_uint4(static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(step >> 32),
                      static_cast<std::uint32_t>(item), static_cast<std::uint32_t>(item >> 32));
  }

  /// The next 32-bit word (word used_ of the current block).
  __host__ __device__ std::uint32_t next_u32() {
    if (used_ == 4) {
      block_ = curand_Philox4x32_10(ctr_, key_);
      // counter increment with carry, as Random123's ctr.incr() and cuRAND's Philox_State_Incr
      if (++ctr_.x == 0 && ++ctr_.y == 0 && ++ctr_.z == 0) ++ctr_.w;
      used_ = 0;
    }
    const int k = used_++;
    return k == 0 ? block_.x : k == 1 ? block_.y : k == 2 ? block_.z : block_.w;
  }
  __host__ __device__ std::uint64_t next_u64() {
    const std::uint64_t lo = next_u32();
    return lo | (static_cast<std::uint64_t>(next_u32()) << 32);
  }
  /// Uniform in [0, 1) with 24 bits, as Philox::uniform_float.
  __host__ __device__ float uniform_float() { return static_cast<float>(next_u32() >> 8) * 0x1p-24f; }
  /// Lemire's multiply-shift with rejection, as Philox::bounded; n > 0.
  __host__ __device__ std::uint32_t bounded(std::uint32_t n) {
    std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(0u - n) % n;
      while (low < threshold) {
        m = static_cast<std::uint64_t>(next_u32()) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }
  /// As Philox::bounded64; n > 0.
  __host__ __device__ std::uint64_t bounded64(std::uint64_t n) {
    if (n <= 0xffffffffull) return bounded(static_cast<std::uint32_t>(n));
    const std::uint64_t limit = ~0ull - ~0ull % n;
    std::uint64_t x;
    do x = next_u64();
    while (x >= limit);
    return x % n;
  }

 private:
  uint4 ctr_;
  uint2 key_;
  uint4 block_{};
  int used_ = 4;
};

}  // namespace sprig::detail
