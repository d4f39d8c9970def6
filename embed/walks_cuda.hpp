// sprig/embed/walks_cuda.hpp — random walks on a CUDA device (walks.cu),
// reached through random_walks(g, {.device = Device::cuda}).
//
// One thread per walk runs the CPU path's step code (uniform, alias or
// prefix-sum weighted, node2vec rejection with the return-edge outlier) with
// the same Philox stream (seed, item = round·2³² + start) drawn through cuRAND's
// Philox4x32-10 (graph/device_random.hpp): the walks are identical to the CPU
// path's, not merely equally distributed. Kernels are compiled with
// --fmad=false so the double/float comparisons round as on the host. The
// alias / prefix tables are built on the host by the CPU path's algorithm and
// uploaded. Walks are produced in batches that fit in device memory and copied
// into the Walks result. Cost: O(walks · length) expected steps on the device.
#pragma once

#include <cstdint>

#include <sprig/embed/walks.hpp>
#include <sprig/graph/cuda.hpp>

namespace sprig::detail {

#ifdef SPRIG_WITH_CUDA
/// random_walks_range(g, opt, begin, end) on the device (arguments already checked).
Walks random_walks_cuda(const Graph& g, const WalkOptions& opt, std::int64_t begin, std::int64_t end);
/// The same walks by the device code run on the host, one walk per task (tests check it equals the CPU path
/// without a GPU).
Walks random_walks_device_code_on_host(const Graph& g, const WalkOptions& opt, std::int64_t begin, std::int64_t end);
#else
[[noreturn]] inline Walks random_walks_cuda(const Graph&, const WalkOptions&, std::int64_t, std::int64_t) {
  throw_without_cuda("random_walks");
}
#endif

}  // namespace sprig::detail
