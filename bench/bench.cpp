// The shared frame of sprig-bench: flags, registry, statistics, memory, reports.
#include "bench.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>

#include "json_text.hpp"

namespace sprig::bench {
namespace {

std::map<std::string, void (*)(CLI::App&)>& registry() {
  static std::map<std::string, void (*)(CLI::App&)> kernels;
  return kernels;
}

std::vector<std::pair<CLI::App*, std::function<void()>>>& runs() {
  static std::vector<std::pair<CLI::App*, std::function<void()>>> list;
  return list;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto s = line.substr(colon + 1);
        s.erase(0, s.find_first_not_of(" \t"));
        return s;
      }
    }
  }
  return "unknown";
}

}  // namespace

BenchOptions& options() {
  static BenchOptions o;
  return o;
}

void add_bench_flags(CLI::App* sub) {
  auto& o = options();
  sub->add_option("--graph", o.graph,
                  "a graph file (.edges/.txt/.tsv/.csv, .gz, .mtx) or a generator spec (rmat:22:16, er:N:M, ...)")
      ->capture_default_str();
  sub->add_option("--trials", o.trials, "timed trials (the report gives their median and spread)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--warmup", o.warmup, "untimed trials first")->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--threads", o.threads, "worker threads (0: all cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--seed", o.seed, "seed of generator specs")->capture_default_str();
  sub->add_flag("--json", o.json, "print one JSON object on stdout and nothing else");
  sub->add_flag("--verify", o.verify, "check the result (validate the graph, compare the load paths)");
  sub->add_flag("--directed", o.directed, "read edge-list files as directed");
  sub->add_option("--nodes", o.nodes, "node count of edge-list files (0: header, else max id + 1)")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("-q,--quiet", o.quiet, "no notes on stderr");
}

bool register_kernel(const char* name, void (*setup)(CLI::App&)) {
  registry()[name] = setup;
  return true;
}

void setup_kernels(CLI::App& app) {
  for (const auto& [name, setup] : registry()) setup(app);
}

void on_run(CLI::App* sub, std::function<void()> run) { runs().emplace_back(sub, std::move(run)); }

bool run_chosen() {
  std::function<void()>* chosen = nullptr;
  for (auto& [sub, run] : runs())
    if (sub->parsed()) chosen = &run;
  if (!chosen) return false;
  (*chosen)();
  return true;
}

TrialStats trial_stats(std::vector<double> seconds) {
  TrialStats s;
  s.seconds = seconds;
  if (seconds.empty()) return s;
  std::sort(seconds.begin(), seconds.end());
  const std::size_t k = seconds.size();
  s.median = k % 2 ? seconds[k / 2] : 0.5 * (seconds[k / 2 - 1] + seconds[k / 2]);
  s.min = seconds.front();
  s.max = seconds.back();
  s.mean = std::accumulate(seconds.begin(), seconds.end(), 0.0) / static_cast<double>(k);
  s.spread = s.median > 0 ? (s.max - s.min) / s.median : 0.0;
  return s;
}

nlohmann::ordered_json to_json(const TrialStats& s) {
  nlohmann::ordered_json j;
  j["median_s"] = s.median;
  j["min_s"] = s.min;
  j["max_s"] = s.max;
  j["mean_s"] = s.mean;
  j["spread"] = s.spread;
  j["trials_s"] = s.seconds;
  return j;
}

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

std::int64_t peak_rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6) * 1024;
  }
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) return static_cast<std::int64_t>(ru.ru_maxrss) * 1024;
  return 0;
}

bool reset_peak_rss() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

TempFile::TempFile(const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/sprig-bench-XXXXXX" + suffix;
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const int fd = mkstemps(buf.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw IoError(pattern, "cannot create a temporary file");
  close(fd);
  path_ = buf.data();
}

TempFile::~TempFile() {
  if (!path_.empty()) std::remove(path_.c_str());
}

void finish_report(nlohmann::ordered_json& report, bool verified) {
  report["verified"] = verified;
  report["environment"] = environment();
  emit(report);
}

void emit(const nlohmann::ordered_json& report) {
  if (options().json)
    std::printf("%s\n", report.dump(2).c_str());
  else
    tools::print_text(report);
  std::fflush(stdout);
}

void note(const std::string& message) {
  if (!options().quiet) std::fprintf(stderr, "sprig-bench: %s\n", message.c_str());
}

nlohmann::ordered_json environment() {
  nlohmann::ordered_json j;
  j["cpu"] = cpu_model();
  j["cores"] = std::thread::hardware_concurrency();
  j["threads"] = options().threads;
  char date[32] = {};
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
  j["date"] = date;
  return j;
}

}  // namespace sprig::bench
