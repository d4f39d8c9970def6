// sprig/embed/fastrp_cuda.hpp — FastRP on a CUDA device (fastrp.cu), reached
// through fastrp(g, {.device = Device::cuda}).
//
// The same embedding as the CPU path (within float rounding: the products'
// summation order differs; relative error ~1e-6): N₀ = diag(D^β)R with R drawn
// on the device from the same Philox keys (seed, node) as the CPU (cuRAND's
// Philox4x32-10, graph/device_random.hpp), the feature part X·P from the same
// P; then k products D⁻¹A·N by cusparseSpMM (CSR, row-major dense, deterministic
// non-transposed mode; graph/device_csr.hpp), each followed by one kernel that
// scales, row-normalises and accumulates. The three n × d buffers live on the
// device; the CSR stays resident or streams in row blocks when it does not
// fit. Column standardisation runs on the host. Bitwise identical from run to
// run on the same device. Cost: O(k·m·d) on the device, plus copies of the
// CSR (once, or k times when streamed) and of the n × d result.
#pragma once

#include <cstdint>

#include <sprig/embed/fastrp.hpp>
#include <sprig/graph/cuda.hpp>

namespace sprig::detail {

#ifdef SPRIG_WITH_CUDA
/// fastrp(g, opt) on the device (opt already checked). Throws sprig::Error when no device is usable or
/// the n × d buffers do not fit in device memory.
Matrix fastrp_cuda(const Graph& g, const FastRpOptions& opt);
/// Entry (node, j) of R computed by the device code path run on the host (tests: equals fastrp_projection_entry).
float fastrp_projection_entry_device_code(std::uint64_t seed, std::int64_t node, std::int64_t j, double s);
#else
[[noreturn]] inline Matrix fastrp_cuda(const Graph&, const FastRpOptions&) { throw_without_cuda("fastrp"); }
#endif

}  // namespace sprig::detail
