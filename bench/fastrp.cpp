// sprig-bench fastrp: the FastRP embedding step (embed/fastrp.hpp) on a graph,
// against the machine's memory-bandwidth bound measured in the same run.
//
// Bound: each propagation iteration must read the CSR once (offsets and
// targets, weights when used), gather d floats per arc, and write and
// re-read the n × d result rows (new buffer and output accumulation); the
// bytes divided by the measured parallel read bandwidth (a sum over a 1 GiB
// array, same threads) give the time no implementation can beat from memory.
// The projection step (n·d Philox draws) is reported in the total. fastrp()
// keeps layers with few non-zeros sparse (N₀, and N₁ when cheap), so it can do
// less traffic than this bound assumes; the bound stays the definition.
// cpu_s: median CPU-seconds (user + sys, all threads) of one run.
// --verify: the same embedding on one thread must be bitwise identical.
// Peer: bench/peers/embed_fastrp_ref.py (the reference formulas through scikit-learn).
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include <sprig/embed/fastrp.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/graph_source.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct FastRpBench {
  std::int64_t dim = 128;
  std::vector<float> weights{0.f, 0.f, 1.f, 6.67f};
  double sparsity = 0;
  std::int64_t bandwidth_mib = 1024;
};

FastRpBench& fo() {
  static FastRpBench o;
  return o;
}

// Read bandwidth (bytes/s): parallel sum over a large array, best of 3.
double read_bandwidth(std::int64_t mib) {
  const std::size_t count = static_cast<std::size_t>(mib) << 18;  // floats
  std::vector<float> a(count);
  parallel_for<std::size_t>(0, count, [&](std::size_t i) { a[i] = static_cast<float>(i & 7); }, 1 << 16);
  double best = 1e300;
  volatile double sink = 0;
  for (int r = 0; r < 3; ++r) {
    const double t = time_once([&] {
      sink = parallel_sum<double>(
          count / 16,
          [&](std::size_t c) {
            const float* p = a.data() + c * 16;
            float s = 0;
            for (int k = 0; k < 16; ++k) s += p[k];
            return static_cast<double>(s);
          },
          1 << 14);
    });
    best = std::min(best, t);
  }
  (void)sink;
  return static_cast<double>(count * sizeof(float)) / best;
}

void run() {
  const BenchOptions& o = options();
  GraphSourceOptions so;
  so.seed = o.seed;
  if (o.directed) so.directed = true;
  if (o.nodes > 0) so.nodes = o.nodes;
  const Graph g = load_graph(o.graph, so);
  FastRpOptions opt;
  opt.dim = fo().dim;
  opt.iteration_weights = fo().weights;
  opt.sparsity = fo().sparsity;
  opt.seed = o.seed;

  Matrix out;
  for (int i = 0; i < o.warmup; ++i) out = fastrp(g, opt);
  reset_peak_rss();
  std::vector<double> secs, cpus;
  for (int i = 0; i < o.trials; ++i) {
    const double c0 = process_cpu_seconds();
    secs.push_back(time_once([&] { out = fastrp(g, opt); }));
    cpus.push_back(process_cpu_seconds() - c0);
  }
  const TrialStats st = trial_stats(secs);
  std::sort(cpus.begin(), cpus.end());

  const double n = g.num_nodes(), m = static_cast<double>(g.num_arcs()), d = static_cast<double>(opt.dim);
  const double k = static_cast<double>(opt.iteration_weights.size());
  const double csr_bytes = 8.0 * (n + 1) + 4.0 * m + (g.weighted() ? 4.0 * m : 0.0);
  const double iter_bytes = csr_bytes + 4.0 * d * m + 3.0 * 4.0 * d * n;
  const double bw = read_bandwidth(fo().bandwidth_mib);
  const double bound = k * iter_bytes / bw;

  nlohmann::ordered_json r;
  r["kernel"] = "fastrp";
  r["graph"] = o.graph;
  r["nodes"] = g.num_nodes();
  r["arcs"] = g.num_arcs();
  r["dim"] = opt.dim;
  r["iterations"] = opt.iteration_weights.size();
  r["time"] = to_json(st);
  r["cpu_s"] = cpus.empty() ? 0.0 : cpus[cpus.size() / 2];  // median CPU-seconds of a run, all threads
  r["peak_rss_bytes"] = peak_rss_bytes();
  r["read_bandwidth_gbs"] = bw / 1e9;
  r["bandwidth_bound_s"] = bound;
  r["ratio_to_bound"] = st.median / bound;
  if (o.verify) {
    const Matrix one = with_threads(1, [&] { return fastrp(g, opt); });
    const bool same = one.size() == out.size() &&
                      std::memcmp(one.data(), out.data(), sizeof(float) * static_cast<std::size_t>(out.size())) == 0;
    r["verify_same_as_1_thread"] = same;
    if (!same) throw Error("fastrp: result differs from the 1-thread result");
  }
  r["environment"] = environment();
  emit(r);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("fastrp", "FastRP embedding vs the memory-bandwidth bound");
  add_bench_flags(sub);
  sub->add_option("--dim", fo().dim, "embedding dimension")->capture_default_str();
  sub->add_option("--iteration-weights", fo().weights, "one weight per iteration")->delimiter(',');
  sub->add_option("--sparsity", fo().sparsity, "projection sparsity (0: sqrt(n))")->capture_default_str();
  sub->add_option("--bandwidth-mib", fo().bandwidth_mib, "array size of the bandwidth probe")->capture_default_str();
  on_run(sub, run);
}

}  // namespace
SPRIG_BENCH_KERNEL(fastrp, setup);
}  // namespace sprig::bench
