// sprig-bench: times one kernel per subcommand (see bench.hpp for how a kernel
// registers itself). Exit status: 0 ok, 1 error, 2 usage error, 130 interrupted.
#include <cstdio>
#include <exception>
#include <optional>

#include <CLI/CLI.hpp>
#include <tbb/global_control.h>

#include <sprig/graph/error.hpp>

#include "bench.hpp"

int main(int argc, char** argv) {
  using namespace sprig::bench;
  CLI::App app{
      "sprig-bench: times sprig's kernels after a warm-up and reports the median and spread over trials.\n"
      "Example: sprig-bench build --graph rmat:22:16 --trials 5 --threads 2 --json",
      "sprig-bench"};
  app.require_subcommand(1);
  app.footer("Peers (igraph, networkx) and the comparison script live in bench/peers/; results in bench/RESULTS.md.");
  setup_kernels(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    std::optional<tbb::global_control> threads;
    if (options().threads > 0)
      threads.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(options().threads));
    if (!run_chosen()) {
      std::fprintf(stderr, "%s", app.help().c_str());
      return 2;
    }
    return 0;
  } catch (const sprig::Cancelled&) {
    std::fprintf(stderr, "sprig-bench: interrupted\n");
    return 130;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sprig-bench: error: %s\n", e.what());
    return 1;
  }
}
