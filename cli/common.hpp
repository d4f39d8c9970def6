// sprig/cli/common.hpp — what every `sprig` subcommand shares: the common
// flags (--threads, --seed, --json, --quiet), the graph-reading flags
// (--directed, --nodes), the progress bar, and the report printer.
//
// A subcommand lives in one file and registers itself from main.cpp through a
// `void register_<name>(CLI::App&)` function that adds a CLI11 subcommand and
// attaches the code to run with on_run(). main() parses, then runs the one
// subcommand that was chosen, so parse errors (exit 2) never mix with runtime
// errors (exit 1) or cancellation (exit 130).
//
// Threading: the CLI holds one tbb::global_control for the process (set from
// --threads in main.cpp); the library itself never sets a thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sprig/graph/progress.hpp>
#include <sprig/io/graph_source.hpp>

namespace sprig::cli {

/// Flags every subcommand accepts.
struct CommonOptions {
  int threads = 0;            ///< 0: all hardware threads
  std::uint64_t seed = 1;     ///< seed of every randomized step (generators, sampling)
  bool json = false;          ///< print one JSON object on stdout, nothing else
  bool quiet = false;         ///< no progress bar, no notes on stderr
};

/// Flags of subcommands that read a GRAPH argument.
struct GraphFlags {
  bool directed = false;      ///< read an edge-list file as directed (absent: the header says)
  std::int64_t nodes = -1;    ///< declared node count (-1: from the header, else max id + 1)
};

/// The one CommonOptions instance of this process (only one subcommand runs).
CommonOptions& common();

/// Adds --threads, --seed, --json, --quiet to `sub`, bound to common().
void add_common_flags(CLI::App* sub);

/// Adds --directed and --nodes to `sub`, bound to `flags`.
void add_graph_flags(CLI::App* sub, GraphFlags& flags);

/// The text shown in --help for a GRAPH argument.
inline constexpr const char* kGraphHelp =
    "a graph file (.edges/.txt/.tsv/.csv, optionally .gz; .mtx) or a generator spec such as "
    "rmat:20:16 (scale, edge factor), er:100000:1000000 (nodes, edges), gnp:1000:0.01, ba:1000:3, ws:1000:10:0.1";

/// Options for load_graph() from the common and graph flags.
GraphSourceOptions source_options(const GraphFlags& flags);

/// Attaches the code to run when `sub` is the subcommand chosen on the command line.
void on_run(CLI::App* sub, std::function<void()> run);

/// Runs the deepest parsed subcommand that has code attached; returns false if none.
bool run_chosen(CLI::App& app);

/// A progress callback: draws a bar on stderr (only when stderr is a terminal,
/// not --quiet, and a step has run for about a second), and turns a Ctrl-C
/// into Cancelled. Call finish_progress() before printing results.
ProgressFn progress();

/// Erases the progress line if one was drawn.
void finish_progress();

/// Installs the SIGINT handler used by progress(): the first Ctrl-C asks the
/// running step to stop (exit 130); a second one kills the process.
void install_interrupt_handler();

/// Prints `report` as one JSON object (with --json) or as `key: value` lines
/// (booleans as yes/no, nested objects as `key.sub: value`).
void print_report(const nlohmann::ordered_json& report);

/// A note on stderr (`sprig: <message>`) unless --quiet; stdout stays clean for --json.
void note(const std::string& message);

/// "1.5 MiB" style byte counts.
std::string human_bytes(double bytes);

}  // namespace sprig::cli
