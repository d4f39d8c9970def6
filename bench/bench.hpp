// sprig/bench/bench.hpp — the frame every `sprig-bench` kernel shares: the
// common flags, kernel registration, trial timing with a warm-up, median and
// spread, peak memory, and the report (text or one JSON object).
//
// Adding a kernel: write bench/<kernel>.cpp with
//
//   namespace sprig::bench {
//   namespace {
//   void setup(CLI::App& app) {
//     auto* sub = app.add_subcommand("mykernel", "what it times");
//     add_bench_flags(sub);                 // --graph --trials --warmup --threads --json --seed --verify ...
//     on_run(sub, [] { ...; emit(report); });
//   }
//   }  // namespace
//   SPRIG_BENCH_KERNEL(mykernel, setup);
//   }  // namespace sprig::bench
//
// No other file changes: bench/*.cpp are globbed into sprig-bench and the macro
// registers the kernel from a static initializer (kernels are listed by name).
//
// Timing: steady_clock wall time; each kernel runs `warmup` untimed trials,
// then `trials` timed ones; the report gives the median, min, max and the
// spread (max − min) / median. Peak memory is Linux's VmHWM (peak resident set),
// reset before a measured step by writing "5" to /proc/self/clear_refs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace sprig::bench {

/// Flags every kernel accepts.
struct BenchOptions {
  std::string graph = "rmat:16:16";  ///< a file or a generator spec (see sprig info --help)
  int trials = 5;
  int warmup = 1;
  int threads = 0;            ///< 0: all cores
  std::uint64_t seed = 1;
  bool json = false;          ///< one JSON object on stdout, nothing else
  bool verify = false;        ///< check the kernel's result
  bool directed = false;      ///< read edge-list files as directed
  std::int64_t nodes = 0;     ///< node count of edge-list files (0: header or max id + 1)
  bool quiet = false;
};

/// The options of this process (one kernel runs per process).
BenchOptions& options();

/// Adds the common flags, bound to options().
void add_bench_flags(CLI::App* sub);

/// Registers a kernel's setup function; use SPRIG_BENCH_KERNEL.
bool register_kernel(const char* name, void (*setup)(CLI::App&));

/// Calls every registered setup, in name order.
void setup_kernels(CLI::App& app);

/// Attaches the code to run when `sub` is chosen.
void on_run(CLI::App* sub, std::function<void()> run);

/// Runs the chosen kernel; false if none was chosen.
bool run_chosen();

/// Summary of a set of trial times (seconds).
struct TrialStats {
  std::vector<double> seconds;
  double median = 0, min = 0, max = 0, mean = 0;
  double spread = 0;  ///< (max − min) / median
};
TrialStats trial_stats(std::vector<double> seconds);
nlohmann::ordered_json to_json(const TrialStats& s);

/// Wall-clock seconds of fn().
template <class Fn>
double time_once(Fn&& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Peak resident set size of the process so far (VmHWM), in bytes; 0 if unknown.
/// User + system CPU seconds of this process so far (all threads), from getrusage.
double process_cpu_seconds();

std::int64_t peak_rss_bytes();
/// Resets the peak to the current RSS (Linux ≥ 4.0); returns false if not possible.
bool reset_peak_rss();

/// A fresh path in $TMPDIR (or /tmp) ending in `suffix`; the file is removed by the destructor.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/// Prints the report: one JSON object with --json, else `key: value` lines.
void emit(const nlohmann::ordered_json& report);

/// The end of a kernel: adds "verified" (its checks throw on failure, so reaching here
/// with them run means they held) and "environment", then emit()s the report.
void finish_report(nlohmann::ordered_json& report, bool verified);

/// A note on stderr (`sprig-bench: ...`) unless --quiet.
void note(const std::string& message);

/// Machine and run description for reports: cpu model, cores, threads, date.
nlohmann::ordered_json environment();

}  // namespace sprig::bench

#define SPRIG_BENCH_KERNEL(name, setup) \
  [[maybe_unused]] static const bool sprig_bench_kernel_##name = ::sprig::bench::register_kernel(#name, setup)
