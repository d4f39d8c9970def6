// sprig-bench orbits: graphlet orbit counts (embed/orbits.hpp).
//
// Times orbit_counts() with -k 4|5 and --edges, reporting the median wall time
// and the CPU seconds (getrusage, all threads) of the timed trials. --orca-out
// writes the last result in ORCA's text format (one line per node or edge,
// space-separated counts) so bench/peers/compare_orbits.sh can diff it with
// ORCA's output. --verify checks column 0 against the degrees (node mode) and
// that the result is identical on one thread.
#include <sys/resource.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/embed/orbits.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/graph_source.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct OrbitBench {
  int k = 4;
  bool edges = false;
  std::string orca_out;
};

OrbitBench& ob() {
  static OrbitBench o;
  return o;
}

void run() {
  const BenchOptions& o = options();
  GraphSourceOptions so;
  so.seed = o.seed;
  if (o.directed) so.directed = true;
  if (o.nodes > 0) so.nodes = o.nodes;
  const Graph g = load_graph(o.graph, so);
  const OrbitOptions opt{.max_size = ob().k, .per = ob().edges ? Per::edge : Per::node};
  OrbitCounts r;
  std::vector<double> times, cpu;
  with_threads(o.threads, [&] {
    for (int t = 0; t < o.warmup; ++t) r = orbit_counts(g, opt);
    for (int t = 0; t < o.trials; ++t) {
      const double c0 = process_cpu_seconds();
      times.push_back(time_once([&] { r = orbit_counts(g, opt); }));
      cpu.push_back(process_cpu_seconds() - c0);
    }
  });
  nlohmann::ordered_json rep;
  rep["kernel"] = "orbits";
  rep["graph"] = o.graph;
  rep["nodes"] = g.num_nodes();
  rep["edges"] = g.num_edges();
  rep["graphlet_size"] = ob().k;
  rep["per"] = ob().edges ? "edge" : "node";
  rep["threads"] = o.threads > 0 ? o.threads : current_threads();
  rep["time"] = to_json(trial_stats(times));
  rep["cpu_seconds"] = to_json(trial_stats(cpu));
  rep["peak_rss_bytes"] = peak_rss_bytes();
  if (o.verify) {
    bool ok = true;
    if (!ob().edges && !g.directed())
      for (node_t v = 0; v < g.num_nodes(); ++v) ok = ok && r.counts(v, 0) == static_cast<std::uint64_t>(g.degree(v));
    const OrbitCounts one = with_threads(1, [&] { return orbit_counts(g, opt); });
    ok = ok && one.counts == r.counts;
    rep["verified"] = ok;
    if (!ok) throw Error("sprig-bench orbits: verification failed");
  }
  if (!ob().orca_out.empty()) {
    write_text_atomically(ob().orca_out, [&](TextWriter& w) {
      std::string line;
      for (Eigen::Index i = 0; i < r.counts.rows(); ++i) {
        line.clear();
        for (Eigen::Index j = 0; j < r.counts.cols(); ++j) {
          if (j) line += ' ';
          line += fmt::format("{}", r.counts(i, j));
        }
        line += '\n';
        w.write(line);
      }
    });
    rep["orca_out"] = ob().orca_out;
  }
  rep["environment"] = environment();
  emit(rep);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("orbits", "graphlet orbit counts (orbit_counts, -k 4|5, --edges)");
  add_bench_flags(sub);
  sub->add_option("-k", ob().k, "largest graphlet: 4 or 5")->check(CLI::IsMember({4, 5}));
  sub->add_flag("--edges", ob().edges, "edge orbits instead of node orbits");
  sub->add_option("--orca-out", ob().orca_out, "write the counts in ORCA's text format here");
  on_run(sub, run);
}

}  // namespace
SPRIG_BENCH_KERNEL(orbits, setup);
}  // namespace sprig::bench
