// sprig/gnn/gemm.cpp — see gemm.hpp.
#include <sprig/gnn/gemm.hpp>

#include <algorithm>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SPRIG_GEMM_X86 1
#endif

namespace sprig::gnn::detail {
namespace {

using Index = Eigen::Index;

void gemm_eigen(Index M, Index N, Index K, const float* a, Index rsa, Index csa, const float* b, Index ldb, float* c,
                Index ldc, bool accumulate) {
  using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Strided = Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>;
  // A row-major map with outer stride rsa and inner stride csa.
  const Eigen::Map<const RowMat, 0, Strided> A(a, M, K, Strided(rsa, csa));
  const Eigen::Map<const RowMat, 0, Eigen::OuterStride<>> B(b, K, N, Eigen::OuterStride<>(ldb));
  Eigen::Map<RowMat, 0, Eigen::OuterStride<>> C(c, M, N, Eigen::OuterStride<>(ldc));
  if (accumulate) C.noalias() += A * B;
  else C.noalias() = A * B;
}

#ifdef SPRIG_GEMM_X86
// MR rows × 8·NV columns of C, k ascending; accumulators stay in registers.
template <int MR, int NV>
__attribute__((target("avx2,fma"))) inline void tile(Index K, const float* a, Index rsa, Index csa, const float* b,
                                                     Index ldb, float* c, Index ldc, bool accumulate) {
  __m256 acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_setzero_ps();
  for (Index k = 0; k < K; ++k) {
    const float* bk = b + k * ldb;
    __m256 bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_ps(bk + 8 * v);
    const float* ak = a + k * csa;
    for (int r = 0; r < MR; ++r) {
      const __m256 av = _mm256_broadcast_ss(ak + r * rsa);
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) {
      float* cp = c + r * ldc + 8 * v;
      if (accumulate) _mm256_storeu_ps(cp, _mm256_add_ps(_mm256_loadu_ps(cp), acc[r][v]));
      else _mm256_storeu_ps(cp, acc[r][v]);
    }
}

template <int NV>
__attribute__((target("avx2,fma"))) void tile_rows(int mr, Index K, const float* a, Index rsa, Index csa,
                                                   const float* b, Index ldb, float* c, Index ldc, bool accumulate) {
  switch (mr) {
    case 6: tile<6, NV>(K, a, rsa, csa, b, ldb, c, ldc, accumulate); break;
    case 5: tile<5, NV>(K, a, rsa, csa, b, ldb, c, ldc, accumulate); break;
    case 4: tile<4, NV>(K, a, rsa, csa, b, ldb, c, ldc, accumulate); break;
    case 3: tile<3, NV>(K, a, rsa, csa, b, ldb, c, ldc, accumulate); break;
    case 2: tile<2, NV>(K, a, rsa, csa, b, ldb, c, ldc, accumulate); break;
    default: tile<1, NV>(K, a, rsa, csa, b, ldb, c, ldc, accumulate); break;
  }
}

__attribute__((target("avx2,fma"))) void gemm_avx2(Index M, Index N, Index K, const float* a, Index rsa, Index csa,
                                                   const float* b, Index ldb, float* c, Index ldc, bool accumulate) {
  // Column panels of 16 (one of 8 at the end) outside, row tiles of 6 inside:
  // the K × 16 panel of B stays in L1 while the tiles of A stream past it.
  for (Index j = 0; j < N; j += 16) {
    const bool wide = j + 16 <= N;
    for (Index i = 0; i < M; i += 6) {
      const int mr = static_cast<int>(std::min<Index>(6, M - i));
      if (wide) tile_rows<2>(mr, K, a + i * rsa, rsa, csa, b + j, ldb, c + i * ldc + j, ldc, accumulate);
      else tile_rows<1>(mr, K, a + i * rsa, rsa, csa, b + j, ldb, c + i * ldc + j, ldc, accumulate);
    }
  }
}

bool cpu_has_avx2() {
  static const bool ok = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return ok;
}
#endif

}  // namespace

bool gemm_uses_avx2() {
#ifdef SPRIG_GEMM_X86
  return cpu_has_avx2();
#else
  return false;
#endif
}

void gemm(Index M, Index N, Index K, const float* a, Index rsa, Index csa, const float* b, Index ldb, float* c,
          Index ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (Index i = 0; i < M; ++i) std::fill(c + i * ldc, c + i * ldc + N, 0.0f);
    return;
  }
#ifdef SPRIG_GEMM_X86
  if (N % 8 == 0 && cpu_has_avx2()) {
    gemm_avx2(M, N, K, a, rsa, csa, b, ldb, c, ldc, accumulate);
    return;
  }
#endif
  gemm_eigen(M, N, K, a, rsa, csa, b, ldb, c, ldc, accumulate);
}

}  // namespace sprig::gnn::detail
