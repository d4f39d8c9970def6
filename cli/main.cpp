// The `sprig` command: parses the command line, holds the thread limit, runs
// the chosen subcommand, and maps failures to exit codes:
//   0 success, 1 error (`sprig: error: <message>` on stderr),
//   2 usage error (CLI11's message), 130 cancelled (Ctrl-C).
//
// Adding a subcommand: write cli/<name>.cpp defining `void register_<name>(CLI::App&)`
// (add_subcommand, add_common_flags, on_run), declare it below, call it in main().
#include <cstdio>
#include <exception>
#include <optional>

#include <CLI/CLI.hpp>
#include <tbb/global_control.h>

#include <sprig/graph/error.hpp>

#include "common.hpp"

namespace sprig::cli {
void register_info(CLI::App& app);
void register_summary(CLI::App& app);
void register_convert(CLI::App& app);
void register_generate(CLI::App& app);
void register_linkpred(CLI::App& app);
void register_run(CLI::App& app);
void register_embed(CLI::App& app);
void register_walks(CLI::App& app);
void register_stats(CLI::App& app);
void register_centrality(CLI::App& app);
void register_communities(CLI::App& app);
void register_wl(CLI::App& app);
void register_orbits(CLI::App& app);
void register_train(CLI::App& app);
}  // namespace sprig::cli

int main(int argc, char** argv) {
  using namespace sprig::cli;
  CLI::App app{
      "sprig: parallel graph learning and network science.\n"
      "Every command takes --threads N, --seed S, --json, --quiet; results do not depend on --threads.\n"
      "A GRAPH is a file (.edges/.txt/.tsv/.csv, optionally .gz; .mtx) or a generator spec (rmat:20:16).\n"
      "Try: sprig info data/karate.edges.gz",
      "sprig"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");
  app.footer("Exit status: 0 ok, 1 error, 2 usage error, 130 interrupted.");

  register_info(app);
  register_summary(app);
  register_convert(app);
  register_generate(app);
  register_linkpred(app);
  register_run(app);
  register_embed(app);
  register_walks(app);
  register_stats(app);
  register_centrality(app);
  register_communities(app);
  register_wl(app);
  register_orbits(app);
  register_train(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help (stdout) or the usage error (stderr)
    return code == 0 ? 0 : 2;
  }

  try {
    std::optional<tbb::global_control> threads;
    if (common().threads > 0)
      threads.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(common().threads));
    install_interrupt_handler();
    if (!run_chosen(app)) {
      std::fprintf(stderr, "%s", app.help().c_str());
      return 2;
    }
    return 0;
  } catch (const sprig::Cancelled&) {
    finish_progress();
    std::fprintf(stderr, "sprig: interrupted\n");
    return 130;
  } catch (const sprig::Error& e) {
    finish_progress();
    std::fprintf(stderr, "sprig: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    finish_progress();
    std::fprintf(stderr, "sprig: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    finish_progress();
    std::fprintf(stderr, "sprig: error: %s\n", e.what());
    return 1;
  }
}
