// The doctest main. The determinism tests compare 1, 2 and 4 threads; on a
// 2-core machine oneTBB would cap an arena of 4 at the core count, so the test
// process raises the soft limit to 4 to run 4 threads for real.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <tbb/global_control.h>

int main(int argc, char** argv) {
  tbb::global_control allow_four(tbb::global_control::max_allowed_parallelism, 4);
  doctest::Context context(argc, argv);
  return context.run();
}
