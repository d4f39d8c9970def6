// sprig-bench netsci: the first measures a network scientist computes —
// triangles, local clustering, k-core, components, PageRank, betweenness,
// Louvain, Leiden, power-law fit — each timed (warm-up, then trials, median) on one
// graph; undirected measures run on the symmetrized graph.
// Peer: bench/peers/netsci_igraph.py runs the same workloads through
// python-igraph on the same file; RESULTS.md puts both side by side.
// Betweenness on large graphs: --betweenness-sources K times K fixed sources
// (the first K node ids, so the peer can time the same work through
// igraph's exact betweenness with a time cap and scale).
// --verify: every measure run again on 1 thread must give identical results.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/graph/components.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/metrics/centrality.hpp>
#include <sprig/metrics/clustering.hpp>
#include <sprig/metrics/community.hpp>
#include <sprig/metrics/components.hpp>
#include <sprig/metrics/degree.hpp>
#include <sprig/metrics/kcore.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct NetsciBench {
  std::string measures = "triangles,clustering,kcore,components,pagerank,betweenness,louvain,leiden,powerlaw";
  node_t betweenness_sources = 0;  // 0: exact (all sources)
  int louvain_rounds = 1;          // 1: one multilevel run, as igraph's community_multilevel
  int powerlaw_samples = 0;        // bootstrap replicates of the p-value (igraph's p_precision p: ⌈0.25/p²⌉)
};

NetsciBench& no() {
  static NetsciBench o;
  return o;
}

void run() {
  const BenchOptions& o = options();
  GraphSourceOptions so;
  so.seed = o.seed;
  if (o.directed) so.directed = true;
  if (o.nodes > 0) so.nodes = o.nodes;
  const Graph g = load_graph(o.graph, so);
  Graph sym;
  if (g.directed()) sym = symmetrize(g);
  const Graph& u = g.directed() ? sym : g;

  std::vector<std::string> list;
  {
    std::stringstream ss(no().measures);
    std::string item;
    while (std::getline(ss, item, ',')) list.push_back(item);
  }
  nlohmann::ordered_json r;
  r["kernel"] = "netsci";
  r["graph"] = o.graph;
  r["nodes"] = g.num_nodes();
  r["edges"] = g.num_edges();
  r["directed"] = g.directed();
  r["threads"] = o.threads;
  nlohmann::ordered_json times;
  std::vector<node_t> bsrc;
  if (no().betweenness_sources > 0) {
    bsrc.resize(static_cast<std::size_t>(std::min(no().betweenness_sources, g.num_nodes())));
    std::iota(bsrc.begin(), bsrc.end(), node_t{0});
  }
  for (const auto& m : list) {
    double quality = std::numeric_limits<double>::quiet_NaN();  // modularity of the last run (Louvain, Leiden)
    double fit_alpha = std::numeric_limits<double>::quiet_NaN();  // power-law fit of the last run
    std::int64_t fit_xmin = 0;
    std::function<std::string()> fn;  // returns a digest of the result for --verify
    auto digest = [](const auto& v) {
      std::string s;
      s.reserve(v.size() * 8);
      for (const auto& x : v) s.append(reinterpret_cast<const char*>(&x), sizeof(x));
      return s;
    };
    if (m == "triangles") fn = [&] { return digest(triangles(u)); };
    else if (m == "clustering") fn = [&] { return digest(local_clustering(u)); };
    else if (m == "kcore") fn = [&] { return digest(core_numbers(u)); };
    else if (m == "components") fn = [&] {
      auto w = weak_components(g);
      auto s = digest(w.component);
      if (g.directed()) s += digest(strong_components(g).component);
      return s;
    };
    else if (m == "pagerank") fn = [&] { return digest(pagerank(g, {.tolerance = 1e-10}).rank); };
    else if (m == "betweenness") fn = [&] { return digest(betweenness(g, {.sources = bsrc})); };
    else if (m == "louvain") fn = [&] {
      const auto c = louvain(u, {.seed = o.seed, .max_rounds = no().louvain_rounds});
      quality = c.modularity;
      return digest(c.membership);
    };
    else if (m == "leiden") fn = [&] {
      const auto c = leiden(u, {.seed = o.seed, .iterations = 2});  // igraph's default n_iterations
      quality = c.modularity;
      return digest(c.membership);
    };
    else if (m == "powerlaw") fn = [&] {
      const auto d = degrees(g, DegreeMode::total);
      const auto f = power_law_fit(d, {.p_value_samples = no().powerlaw_samples, .compare_alternatives = false, .seed = o.seed});
      fit_alpha = f.alpha;
      fit_xmin = f.xmin;
      return digest(std::vector<double>{f.alpha, static_cast<double>(f.xmin)});
    };
    else throw InvalidArgument(fmt::format("netsci: unknown measure '{}'", m));
    std::string out;
    for (int i = 0; i < o.warmup; ++i) out = fn();
    std::vector<double> secs, cpu;
    for (int i = 0; i < o.trials; ++i) {
      const double c0 = process_cpu_seconds();
      secs.push_back(time_once([&] { out = fn(); }));
      cpu.push_back(process_cpu_seconds() - c0);
    }
    nlohmann::ordered_json t = to_json(trial_stats(secs));
    t["cpu_median_s"] = trial_stats(cpu).median;  // user + system seconds, all threads (the machine is shared)
    if (!std::isnan(quality)) t["modularity"] = quality;
    if (!std::isnan(fit_alpha)) {
      t["alpha"] = fit_alpha;
      t["xmin"] = fit_xmin;
    }
    if (o.verify) {
      const bool same = with_threads(1, fn) == out;
      t["verify_same_as_1_thread"] = same;
      if (!same) throw Error(fmt::format("netsci: {} differs from the 1-thread result", m));
    }
    times[m] = t;
  }
  if (!bsrc.empty()) r["betweenness_sources"] = bsrc.size();
  r["louvain_rounds"] = no().louvain_rounds;
  r["powerlaw_samples"] = no().powerlaw_samples;
  r["time"] = times;
  r["peak_rss_bytes"] = peak_rss_bytes();
  emit(r);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("netsci", "Network-science measures (triangles ... power-law fit), igraph peer");
  add_bench_flags(sub);
  sub->add_option("--measures", no().measures, "comma-separated list")->capture_default_str();
  sub->add_option("--betweenness-sources", no().betweenness_sources, "betweenness from the first K nodes as sources (0: exact)")
      ->capture_default_str();
  sub->add_option("--louvain-rounds", no().louvain_rounds,
                  "Louvain rounds, each from the previous partition (1: plain Louvain, igraph's equal; library default 10)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--powerlaw-samples", no().powerlaw_samples, "bootstrap replicates of the power-law p-value (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  on_run(sub, run);
}

}  // namespace
SPRIG_BENCH_KERNEL(netsci, setup);
}  // namespace sprig::bench
