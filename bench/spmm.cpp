// sprig-bench spmm: the GNN kernels of gnn/spmm and the aggregation-heavy
// layers, on a graph (file or generator spec; directed graphs symmetrised) with
// --features random columns.
//   spmm_sum      forward SpMM, sum of source rows (the GCN/SAGE pull)
//   spmm_mean_bwd backward of a mean SpMM w.r.t. x (pull over the transpose)
//   layer_<kind>  one forward + backward of a layer of width features → features
//                 (--layers, default sage-mean,lcm,gat,pna)
// Reports wall and CPU seconds (median over --trials after --warmup) and, for
// the SpMM rows, the effective bandwidth: bytes of gathered source rows +
// written output rows + the CSR arrays, divided by the wall time.
// --verify: the SpMM result on the chosen threads equals the 1-thread result bitwise.
// Peer: bench/peers/spmm_torch.py (torch.sparse.mm on the same CSR); both run
// from bench/peers/compare_spmm.sh.
#include <ctime>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include <sprig/gnn/layers_gat.hpp>
#include <sprig/gnn/layers_lcm.hpp>
#include <sprig/gnn/layers_pna.hpp>
#include <sprig/gnn/layers_sage.hpp>
#include <sprig/gnn/spmm.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/graph_source.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct SpmmBench {
  int features = 64;
  std::string layers = "sage-mean,lcm,gat,pna";
};

SpmmBench& so() {
  static SpmmBench o;
  return o;
}

double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// Median wall and CPU seconds of fn over the trials.
std::pair<TrialStats, double> measure(const BenchOptions& o, const std::function<void()>& fn) {
  for (int i = 0; i < o.warmup; ++i) fn();
  std::vector<double> wall, cpu;
  for (int i = 0; i < o.trials; ++i) {
    const double c0 = cpu_now();
    wall.push_back(time_once(fn));
    cpu.push_back(cpu_now() - c0);
  }
  std::sort(cpu.begin(), cpu.end());
  return {trial_stats(wall), cpu[cpu.size() / 2]};
}

std::unique_ptr<gnn::Module> make_layer(const std::string& kind, int f, double delta) {
  if (kind == "sage-mean") return std::make_unique<gnn::SageLayer>(f, f, gnn::SageOptions{.aggr = "mean"}, "sage");
  if (kind == "sage-max") return std::make_unique<gnn::SageLayer>(f, f, gnn::SageOptions{.aggr = "max"}, "sage");
  if (kind == "lcm") return std::make_unique<gnn::LcmLayer>(f, f, gnn::LcmLayerOptions{}, "lcm");
  if (kind == "gat") return std::make_unique<gnn::GatLayer>(f, f / 4, gnn::GatOptions{.heads = 4}, "gat");
  if (kind == "pna") return std::make_unique<gnn::PnaLayer>(f, f, gnn::PnaOptions{.delta = static_cast<float>(delta)}, "pna");
  if (kind == "gru") return std::make_unique<gnn::SageLayer>(f, f, gnn::SageOptions{.aggr = "gru", .project = true}, "gru");
  throw InvalidArgument(fmt::format("sprig-bench spmm: unknown layer '{}' (sage-mean, sage-max, lcm, gat, pna, gru)", kind));
}

void run() {
  const BenchOptions& o = options();
  const SpmmBench& b = so();
  SPRIG_EXPECTS(b.features > 0, "sprig-bench spmm: --features must be > 0 (got {})", b.features);
  Graph g;
  GraphSourceOptions gso;
  gso.seed = o.seed;
  if (o.directed) gso.directed = true;
  if (o.nodes > 0) gso.nodes = o.nodes;
  const double t_load = time_once([&] {
    g = load_graph(o.graph, gso);
    if (g.directed()) g = symmetrize(g);
  });
  const node_t n = g.num_nodes();
  const edge_t m = static_cast<edge_t>(g.targets().size());
  gnn::Block block;
  block.offsets = g.offsets();
  block.targets = g.targets();
  block.num_dst = n;
  block.num_src = n;
  const int F = b.features;
  gnn::Matrix x(n, F);
  parallel_for<node_t>(0, n, [&](node_t v) {
    Philox rng(o.seed, static_cast<std::uint64_t>(v), 0x5b);
    for (int j = 0; j < F; ++j) x(v, j) = 2.0f * rng.uniform_float() - 1.0f;
  });
  double delta = 0;
  for (node_t v = 0; v < n; ++v) delta += std::log(1.0 + static_cast<double>(g.neighbors(v).size()));
  delta = n > 0 ? std::max(1e-6, delta / n) : 1.0;

  nlohmann::ordered_json rep;
  rep["kernel"] = "spmm";
  rep["graph"] = o.graph;
  rep["nodes"] = n;
  rep["arcs"] = m;
  rep["features"] = F;
  rep["load_seconds"] = t_load;
  rep["environment"] = environment();
  const double bytes = static_cast<double>(m) * F * 4 + static_cast<double>(n) * F * 4 + static_cast<double>(m) * 4 +
                       static_cast<double>(n + 1) * 8;
  auto body = [&] {
    nlohmann::ordered_json rows = nlohmann::ordered_json::object();
    gnn::Matrix y;
    auto [s1, c1] = measure(o, [&] { y = gnn::spmm(block, x, {gnn::Reduce::sum, gnn::Message::source}); });
    rows["spmm_sum"] = {{"wall", to_json(s1)}, {"cpu_seconds", c1}, {"gbytes_per_s", bytes / s1.median / 1e9}};
    const gnn::Transposed t = gnn::transpose(block);
    auto [s2, c2] = measure(o, [&] { y = gnn::spmm_backward_x(block, x, {gnn::Reduce::mean, gnn::Message::source}, nullptr, &t); });
    rows["spmm_mean_bwd"] = {{"wall", to_json(s2)}, {"cpu_seconds", c2}, {"gbytes_per_s", bytes / s2.median / 1e9}};
    std::stringstream ss(b.layers);
    std::string kind;
    while (std::getline(ss, kind, ',')) {
      auto layer = make_layer(kind, F, delta);
      std::uint64_t step = 0;
      auto [s, c] = measure(o, [&] {
        const gnn::Matrix out = layer->forward(block, x, {.training = true, .seed = o.seed, .step = ++step});
        const gnn::Matrix dx = layer->backward(block, out);
        for (gnn::Param* p : layer->parameters()) p->zero_grad();
      });
      rows["layer_" + kind] = {{"wall", to_json(s)}, {"cpu_seconds", c}};
    }
    return rows;
  };
  rep["threads"] = o.threads;
  rep["results"] = with_threads(o.threads, body);
  if (o.verify) {
    const gnn::Matrix y1 = with_threads(1, [&] { return gnn::spmm(block, x, {gnn::Reduce::mean, gnn::Message::source}); });
    const gnn::Matrix yt = with_threads(o.threads, [&] { return gnn::spmm(block, x, {gnn::Reduce::mean, gnn::Message::source}); });
    rep["verified"] = y1 == yt;
    SPRIG_EXPECTS(y1 == yt, "sprig-bench spmm --verify: the {}-thread result differs from the 1-thread result", o.threads);
  }
  emit(rep);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("spmm", "GNN sparse kernels (SpMM forward/backward) and aggregation layers");
  add_bench_flags(sub);
  sub->add_option("--features", so().features, "feature columns");
  sub->add_option("--layers", so().layers, "comma-separated layers to time: sage-mean, sage-max, lcm, gat, pna, gru");
  on_run(sub, run);
}

}  // namespace
SPRIG_BENCH_KERNEL(spmm, setup);
}  // namespace sprig::bench
