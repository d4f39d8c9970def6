// sprig/graph/cuda.hpp — whether sprig has its CUDA paths, and the device count.
//
// Plain C++ (no CUDA headers): any code may ask. The GPU paths themselves are
// reached through the algorithms' options (`opt.device = Device::cuda`); when
// sprig was built without CUDA (SPRIG_WITH_CUDA undefined in <sprig/config.hpp>) they throw
// InvalidArgument("<function>: sprig was built without CUDA"), and when it was
// built with CUDA but no device is usable they throw sprig::Error naming the
// CUDA error. Thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include <sprig/config.hpp>  // SPRIG_WITH_CUDA (generated)

namespace sprig {

/// True when this sprig was compiled with its CUDA paths.
constexpr bool built_with_cuda() noexcept {
#ifdef SPRIG_WITH_CUDA
  return true;
#else
  return false;
#endif
}

/// Number of CUDA devices usable now: 0 without CUDA support, a driver or a GPU. Never throws.
int cuda_device_count() noexcept;

namespace detail {
/// Throws InvalidArgument("<fn>: sprig was built without CUDA").
[[noreturn]] void throw_without_cuda(std::string_view fn);
/// Throws sprig::Error("<fn>: device = cuda but no CUDA device is usable (...)") when there is none;
/// InvalidArgument as throw_without_cuda when built without CUDA.
void require_cuda_device(std::string_view fn);
/// Test and benchmark hook: cap the arcs of one CSR row block the GPU SpMM holds
/// at once (0: automatic, from free device memory). A cap below the graph's arc
/// count makes FastRP / GCN propagation stream row blocks. Not thread-safe.
void set_cuda_max_block_arcs(std::int64_t arcs) noexcept;
std::int64_t cuda_max_block_arcs() noexcept;
}  // namespace detail

}  // namespace sprig
