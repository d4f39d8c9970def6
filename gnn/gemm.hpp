// sprig/gnn/gemm.hpp — the dense product kernel of the GNN layers' hot loops.
//
// C = A·B or C += A·B for float32, with A addressed by strides (so Aᵀ of a
// row-major block is read in place) and B, C row-major. The library is built
// without -march, so Eigen's products use SSE2 only; on a CPU with AVX2 and FMA
// (checked once at run time) this uses a register-blocked 6 × 16 AVX2/FMA
// micro-kernel instead (the BLIS/GotoBLAS layout without packing: the operands
// here are small — K ≤ a few hundred — and stay in L1/L2). Elsewhere, or when
// N is not a multiple of 8, Eigen computes it.
// Results depend on the machine (FMA rounding) but never on the thread count:
// the kernel is serial and its summation order (k ascending per output) is
// fixed; callers parallelise over fixed row blocks.
#pragma once

#include <Eigen/Core>

namespace sprig::gnn::detail {

/// C (M × N, row stride ldc) = A·B, or += with `accumulate`. A(i, k) is a[i·rsa + k·csa]
/// (row-major A: rsa = K, csa = 1; Aᵀ of a row-major K × M block: rsa = 1, csa = M's row stride);
/// B is K × N row-major with row stride ldb. Serial.
void gemm(Eigen::Index M, Eigen::Index N, Eigen::Index K, const float* a, Eigen::Index rsa, Eigen::Index csa,
          const float* b, Eigen::Index ldb, float* c, Eigen::Index ldc, bool accumulate);

/// Whether gemm uses the AVX2/FMA kernel on this CPU (for benchmarks' reports).
bool gemm_uses_avx2();

}  // namespace sprig::gnn::detail
