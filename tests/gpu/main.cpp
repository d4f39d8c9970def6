// sprig_gpu_tests' main: skip (exit 77, CTest's SKIP_RETURN_CODE) with a clear
// message when no CUDA device is usable; otherwise run every test case.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include <sprig/graph/cuda.hpp>

int main(int argc, char** argv) {
  const int devices = sprig::cuda_device_count();
  if (devices == 0) {
    std::fprintf(stderr,
                 "sprig_gpu_tests: SKIPPED: no usable CUDA device (cudaGetDeviceCount found none or failed); "
                 "the GPU paths were built but not run\n");
    return 77;
  }
  std::fprintf(stderr, "sprig_gpu_tests: %d CUDA device(s)\n", devices);
  doctest::Context ctx;
  ctx.applyCommandLine(argc, argv);
  return ctx.run();
}
