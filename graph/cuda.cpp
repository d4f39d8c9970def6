// The device count and the "built without CUDA" errors; compiled in every
// build (the CUDA runtime is called only when SPRIG_WITH_CUDA is defined).
#include <sprig/graph/cuda.hpp>

#include <atomic>
#include <string>

#include <sprig/graph/error.hpp>

#ifdef SPRIG_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

namespace sprig {
namespace {
std::atomic<std::int64_t> g_max_block_arcs{0};
}  // namespace

int cuda_device_count() noexcept {
#ifdef SPRIG_WITH_CUDA
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();  // clear the sticky "no device / no driver" error
    return 0;
  }
  return count;
#else
  return 0;
#endif
}

namespace detail {

void throw_without_cuda(std::string_view fn) {
  throw InvalidArgument(fmt::format("{}: sprig was built without CUDA", fn));
}

void require_cuda_device(std::string_view fn) {
#ifdef SPRIG_WITH_CUDA
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();
    throw Error(fmt::format("{}: device = cuda but no CUDA device is usable (cudaGetDeviceCount: {}: {})", fn,
                            cudaGetErrorName(err), cudaGetErrorString(err)));
  }
  if (count == 0) throw Error(fmt::format("{}: device = cuda but no CUDA device is present", fn));
#else
  throw_without_cuda(fn);
#endif
}

void set_cuda_max_block_arcs(std::int64_t arcs) noexcept { g_max_block_arcs.store(arcs < 0 ? 0 : arcs); }
std::int64_t cuda_max_block_arcs() noexcept { return g_max_block_arcs.load(); }

}  // namespace detail
}  // namespace sprig
