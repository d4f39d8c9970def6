// The shared pieces of the `sprig` command: flags, progress bar, Ctrl-C, report printing.
#include "common.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "json_text.hpp"

namespace sprig::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
  g_interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C kills at once
}

std::vector<std::pair<CLI::App*, std::function<void()>>>& commands() {
  static std::vector<std::pair<CLI::App*, std::function<void()>>> list;
  return list;
}

// The progress line's state, shared by every callback of the process (only
// one command runs; callbacks are called on the calling thread only).
struct BarState {
  using Clock = std::chrono::steady_clock;
  Clock::time_point stage_start = Clock::now();
  Clock::time_point last_draw{};
  std::string stage;
  bool drawn = false;
  bool enabled = false;
};

BarState& bar() {
  static BarState state;
  return state;
}

void draw(BarState& s, const Progress& p) {
  std::string line;
  if (p.total > 0) {
    const double frac = std::min(1.0, static_cast<double>(p.done) / static_cast<double>(p.total));
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    line = fmt::format("{:<14} [{}{}] {:5.1f}%", p.stage, std::string(filled, '#'), std::string(kWidth - filled, ' '),
                       100.0 * frac);
  } else {
    line = fmt::format("{:<14} {}", p.stage, p.done);
  }
  if (line.size() < 60) line.resize(60, ' ');
  std::fprintf(stderr, "\r%s", line.c_str());
  std::fflush(stderr);
  s.drawn = true;
}

}  // namespace

CommonOptions& common() {
  static CommonOptions options;
  return options;
}

void add_common_flags(CLI::App* sub) {
  auto& c = common();
  sub->add_option("--threads", c.threads, "worker threads (0: all cores); results do not depend on it")
      ->check(CLI::NonNegativeNumber)
      ->group("Common");
  sub->add_option("--seed", c.seed, "seed for every random step (generators); same seed, same output")
      ->group("Common");
  sub->add_flag("--json", c.json, "print one JSON object on stdout and nothing else")->group("Common");
  sub->add_flag("-q,--quiet", c.quiet, "no progress bar and no notes on stderr")->group("Common");
}

void add_graph_flags(CLI::App* sub, GraphFlags& flags) {
  sub->add_flag("--directed", flags.directed, "read edge-list files as directed (a '# ... directed' header also does)")
      ->group("Reading");
  sub->add_option("--nodes", flags.nodes, "node count of edge-list files (default: from the header, else max id + 1)")
      ->check(CLI::NonNegativeNumber)
      ->group("Reading");
}

GraphSourceOptions source_options(const GraphFlags& flags) {
  GraphSourceOptions opt;
  if (flags.directed) opt.directed = true;
  if (flags.nodes >= 0) opt.nodes = flags.nodes;
  opt.seed = common().seed;
  opt.progress = progress();
  return opt;
}

void on_run(CLI::App* sub, std::function<void()> run) { commands().emplace_back(sub, std::move(run)); }

bool run_chosen(CLI::App& app) {
  (void)app;
  // Registration order is parent before child, so the last parsed match is the deepest.
  std::function<void()>* chosen = nullptr;
  for (auto& [sub, run] : commands())
    if (sub->parsed()) chosen = &run;
  if (!chosen) return false;
  (*chosen)();
  finish_progress();
  return true;
}

ProgressFn progress() {
  auto& s = bar();
  s.enabled = !common().quiet && isatty(STDERR_FILENO) != 0;
  return [](const Progress& p) {
    if (g_interrupted.load()) return false;
    auto& st = bar();
    if (!st.enabled) return true;
    const auto now = BarState::Clock::now();
    if (st.stage != p.stage) {
      st.stage = std::string(p.stage);
      st.stage_start = now;
    }
    // Only steps that last: nothing in the first second, then at most 10 redraws/s.
    if (now - st.stage_start < std::chrono::seconds(1)) return true;
    if (st.drawn && now - st.last_draw < std::chrono::milliseconds(100)) return true;
    st.last_draw = now;
    draw(st, p);
    return true;
  };
}

void finish_progress() {
  auto& s = bar();
  if (!s.drawn) return;
  std::fprintf(stderr, "\r%s\r", std::string(78, ' ').c_str());
  std::fflush(stderr);
  s.drawn = false;
}

void install_interrupt_handler() { std::signal(SIGINT, on_sigint); }

void print_report(const nlohmann::ordered_json& report) {
  finish_progress();
  if (common().json) {
    std::printf("%s\n", report.dump(2).c_str());
  } else {
    tools::print_text(report);
  }
  std::fflush(stdout);
}

void note(const std::string& message) {
  if (common().quiet) return;
  finish_progress();
  std::fprintf(stderr, "sprig: %s\n", message.c_str());
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[u]);
}

}  // namespace sprig::cli
