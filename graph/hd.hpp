// sprig/graph/hd.hpp — SPRIG_HD: code shared by a CPU path and its CUDA kernel.
//
// A per-item function (one walk, one pair's intersection, one projection
// entry) written once in an `inline` header and marked SPRIG_HD is compiled as
// `__host__ __device__` by nvcc (the .cu kernels call it) and as plain C++ by
// the host compiler (the CPU path calls it), so both paths run the same code
// and give the same bits. Such functions take raw arrays, use no exceptions,
// no std algorithms that lack device versions, and reach random numbers through
// a template parameter (sprig::Philox on the host, detail::DevPhilox on the
// device: the same Philox4x32-10 stream). No CUDA headers are included here.
#pragma once

#if defined(__CUDACC__)
#define SPRIG_HD __host__ __device__
#else
#define SPRIG_HD
#endif
