// sprig-bench build: edge-list load and CSR build throughput.
//
// For a file GRAPH each trial times, one after the other:
//   read   the file's bytes into memory (read_text_file; gunzip for .gz)
//   parse  that text into an EdgeList (parse_edge_list)
//   build  the CSR (build_csr)
//   total  read_graph(path) end to end (the way a user loads a graph),
// and the peak resident memory and CPU seconds of the `total` step
// (--total-only skips the separate steps). For a generator spec the
// edge list is generated once, written to a temporary plain-text file (what a
// user would have on disk), and that file is timed the same way; the file is
// removed at the end. --verify (outside the timed trials) validates the CSR's
// invariants, checks that the step-by-step graph equals read_graph's, and for
// a spec that the text round trip equals building the generated list directly.
#include <algorithm>
#include <memory>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/text_source.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

bool same_graph(const Graph& a, const Graph& b) {
  auto eq = [](auto x, auto y) { return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin()); };
  return a.directed() == b.directed() && eq(a.offsets(), b.offsets()) && eq(a.targets(), b.targets()) &&
         eq(a.weights(), b.weights());
}

// CPU seconds (user + system, all threads) of the process so far.
bool g_total_only = false;

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

void run_build() {
  const BenchOptions& o = options();
  nlohmann::ordered_json report;
  report["kernel"] = "build";
  report["graph"] = o.graph;

  EdgeListReadOptions read;
  if (o.directed) read.directed = true;
  if (o.nodes > 0) read.nodes = o.nodes;
  const BuildOptions build;

  // A spec becomes a plain-text file first, so the timed load parses text.
  std::unique_ptr<TempFile> temp;
  std::string path = o.graph;
  const bool generated = is_generated_source(o.graph);
  if (generated) {
    note(fmt::format("generating {} (seed {}) and writing it as text", o.graph, o.seed));
    temp = std::make_unique<TempFile>(".edges");
    EdgeList edges = generate(o.graph, o.seed);
    if (o.directed) edges.directed = true;
    EdgeListWriteOptions w;
    w.name = o.graph;  // "rmat:22:16" → "rmat_22_16": a header name holds no ':'
    std::replace(w.name.begin(), w.name.end(), ':', '_');
    write_edge_list(temp->path(), edges, w);
    path = temp->path();
  }
  report["generated"] = generated;
  report["file_bytes"] = file_size(path);

  std::vector<double> t_read, t_parse, t_build, t_total, t_cpu;
  std::int64_t peak_total = 0, input_edges = 0, text_bytes = 0, nodes = 0, edges_out = 0, arcs = 0;
  bool directed = false, weighted = false;
  BuildStats stats;
  for (int i = 0; i < o.warmup + o.trials; ++i) {
    const bool timed = i >= o.warmup;
    double a = 0, b = 0, c = 0;
    if (!g_total_only) {
    std::string text;
    a = time_once([&] { text = read_text_file(path); });
    text_bytes = static_cast<std::int64_t>(text.size());
    EdgeListFile file;
    b = time_once([&] { file = parse_edge_list(text, read, path); });
    std::string().swap(text);
    input_edges = static_cast<std::int64_t>(file.edges.size());
    Graph g;
    c = time_once([&] { g = build_csr(file.edges, build); });
    file = EdgeListFile{};
    g = Graph{};
    }

    reset_peak_rss();
    Graph h;
    const double cpu0 = process_cpu_seconds();
    const double d = time_once([&] { h = read_graph(path, GraphReadOptions{read, build}, &stats); });
    const double cpu = process_cpu_seconds() - cpu0;
    peak_total = std::max(peak_total, peak_rss_bytes());
    if (g_total_only) input_edges = stats.input_edges;
    nodes = h.num_nodes();
    edges_out = h.num_edges();
    arcs = h.num_arcs();
    directed = h.directed();
    weighted = h.weighted();
    if (timed) {
      if (!g_total_only) {
        t_read.push_back(a);
        t_parse.push_back(b);
        t_build.push_back(c);
      }
      t_total.push_back(d);
      t_cpu.push_back(cpu);
    }
    const std::string steps = g_total_only ? "" : fmt::format("read {:.3f} s, parse {:.3f} s, build {:.3f} s, ", a, b, c);
    note(fmt::format("trial {}{}: {}total {:.3f} s ({:.3f} CPU s)", i + 1, timed ? "" : " (warm-up)", steps, d, cpu));
  }

  if (!g_total_only) report["text_bytes"] = text_bytes;
  report["input_edges"] = input_edges;
  report["nodes"] = nodes;
  report["edges"] = edges_out;
  report["arcs"] = arcs;
  report["directed"] = directed;
  report["weighted"] = weighted;
  report["self_loops_removed"] = stats.self_loops_removed;
  report["duplicates_merged"] = stats.duplicates_merged;
  report["trials"] = o.trials;
  report["warmup"] = o.warmup;
  const TrialStats sr = trial_stats(t_read), sp = trial_stats(t_parse), sb = trial_stats(t_build),
                   st = trial_stats(t_total);
  if (!g_total_only) {
    report["read"] = to_json(sr);
    report["parse"] = to_json(sp);
    report["build"] = to_json(sb);
  }
  report["total"] = to_json(st);
  report["total_cpu"] = to_json(trial_stats(t_cpu));  // user + system seconds, all threads
  nlohmann::ordered_json rate;
  auto per_s = [](double count, double s) { return s > 0 ? count / s : 0.0; };
  if (!g_total_only) {
    rate["read_bytes_per_s"] = per_s(static_cast<double>(text_bytes), sr.median);
    rate["parse_edges_per_s"] = per_s(static_cast<double>(input_edges), sp.median);
    rate["build_arcs_per_s"] = per_s(static_cast<double>(arcs), sb.median);
  }
  rate["total_edges_per_s"] = per_s(static_cast<double>(input_edges), st.median);
  rate["total_arcs_per_s"] = per_s(static_cast<double>(arcs), st.median);
  report["throughput"] = rate;
  report["peak_rss_total_bytes"] = peak_total;
  report["peak_rss_process_bytes"] = peak_rss_bytes();

  if (o.verify) {
    const Graph h = read_graph(path, GraphReadOptions{read, build});
    h.validate();
    const EdgeListFile file = parse_edge_list(read_text_file(path), read, path);
    const Graph g = build_csr(file.edges, build);
    SPRIG_EXPECTS(same_graph(g, h), "verify: read_graph({}) differs from parse_edge_list + build_csr", path);
    if (generated) {
      EdgeList edges = generate(o.graph, o.seed);
      if (o.directed) edges.directed = true;
      SPRIG_EXPECTS(same_graph(build_csr(edges, build), h),
                    "verify: {} read back from text differs from the generated edge list", o.graph);
    }
  }
  finish_report(report, o.verify);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("build", "Edge-list load and CSR build: read, parse, build and total times");
  sub->footer(
      "Times, per trial: reading the file into memory, parsing it (parse_edge_list),\n"
      "building the CSR (build_csr), and read_graph() end to end, with its peak RSS.\n"
      "A generator spec (rmat:22:16) is generated once and written to a temporary\n"
      "text file, which is what gets timed. Reports median, min, max and spread\n"
      "((max-min)/median) over --trials after --warmup untimed trials.\n"
      "Examples:\n"
      "  sprig-bench build --graph rmat:22:16 --trials 5 --threads 2 --json\n"
      "  sprig-bench build --graph data/karate.edges.gz --verify");
  add_bench_flags(sub);
  sub->add_flag("--total-only", g_total_only, "time only read_graph() end to end (skip the separate steps)");
  on_run(sub, run_build);
}

}  // namespace

SPRIG_BENCH_KERNEL(build, setup);

}  // namespace sprig::bench
