// sprig-bench gnn: time per full-batch training epoch (forward + softmax
// cross-entropy + backward + Adam step) of a GNN built by gnn::make_model, on
// a graph (file, .h5, or generator spec; directed graphs are symmetrised) with
// random features (--features wide) and random labels (--classes).
// Reports wall and CPU seconds per epoch (median over --trials after --warmup).
// --verify: the epoch's loss and parameters after one step on 1 thread must be
// bitwise identical to those on the chosen thread count.
// Peer: bench/peers/gnn_torch.py speed (bench/peers/compare_gnn.sh runs both).
#include <ctime>
#include <cstring>

#include <fmt/format.h>

#include <sprig/gnn/loss.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/gnn/optim.hpp>
#include <sprig/gnn/train.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct GnnBench {
  std::string model = "gcn";
  std::string aggr = "mean";
  int features = 64;
  int hidden = 64;
  int layers = 2;
  int classes = 16;
  int heads = 1;
  double dropout = 0.5;
};

GnnBench& go() {
  static GnnBench o;
  return o;
}

struct Run {
  double loss = 0;
  gnn::Matrix first_param;
};

void run() {
  const BenchOptions& o = options();
  Graph g;
  const double t_load = time_once([&] {
    if (is_hdf5_path(o.graph)) {
      g = read_hdf5(o.graph).graph;
    } else {
      GraphSourceOptions so;
      so.seed = o.seed;
      if (o.directed) so.directed = true;
      if (o.nodes > 0) so.nodes = o.nodes;
      g = load_graph(o.graph, so);
    }
    if (g.directed()) g = symmetrize(g);
  });
  const node_t n = g.num_nodes();
  const GnnBench& b = go();
  gnn::Matrix x(n, b.features);
  parallel_for<node_t>(0, n, [&](node_t v) {
    Philox rng(o.seed, static_cast<std::uint64_t>(v), 0x66);
    for (int j = 0; j < b.features; ++j) x(v, j) = 2.0f * rng.uniform_float() - 1.0f;
  });
  std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
  std::vector<node_t> all(static_cast<std::size_t>(n));
  for (node_t v = 0; v < n; ++v) {
    labels[static_cast<std::size_t>(v)] = static_cast<std::int32_t>(counter_hash(o.seed, static_cast<std::uint64_t>(v), 0x6c) %
                                                                   static_cast<std::uint64_t>(b.classes));
    all[static_cast<std::size_t>(v)] = v;
  }
  const gnn::Block block = gnn::graph_block(g);
  double avg_log_degree = 0;
  for (node_t v = 0; v < n; ++v) avg_log_degree += std::log(1.0 + static_cast<double>(g.neighbors(v).size()));
  avg_log_degree = n > 0 ? avg_log_degree / n : 1.0;
  const gnn::ModelSpec spec{.kind = b.model,
                            .in_features = b.features,
                            .hidden = b.hidden,
                            .out_features = b.classes,
                            .layers = b.layers,
                            .dropout = b.dropout,
                            .aggr = b.aggr,
                            .heads = b.heads,
                            .avg_log_degree = std::max(1e-6, avg_log_degree)};

  auto make = [&] {
    gnn::Model m = gnn::make_model(spec, o.seed);
    return m;
  };
  gnn::Model model = make();
  gnn::Adam adam(model.parameters(), gnn::AdamOptions{.lr = 0.01, .weight_decay = 5e-4});
  std::uint64_t step = 0;
  auto epoch = [&](gnn::Model& m, gnn::Adam& opt) {
    gnn::Matrix logits = m.forward(block, x, gnn::Context{.training = true, .seed = o.seed, .step = ++step});
    gnn::LossResult l = gnn::softmax_cross_entropy(logits, labels, all);
    opt.zero_grad();
    m.backward(l.grad);
    opt.step();
    return l.loss;
  };
  for (int i = 0; i < o.warmup; ++i) epoch(model, adam);
  reset_peak_rss();
  std::vector<double> secs, cpu;
  for (int i = 0; i < o.trials; ++i) {
    const std::clock_t c0 = std::clock();
    secs.push_back(time_once([&] { epoch(model, adam); }));
    cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
  }
  const TrialStats st = trial_stats(secs);
  const TrialStats cst = trial_stats(cpu);

  nlohmann::ordered_json r;
  r["kernel"] = "gnn";
  r["model"] = b.model;
  if (b.model == "sage") r["aggr"] = b.aggr;
  r["graph"] = o.graph;
  r["nodes"] = n;
  r["arcs"] = g.num_arcs();
  r["features"] = b.features;
  r["hidden"] = b.hidden;
  r["layers"] = b.layers;
  r["classes"] = b.classes;
  r["load_seconds"] = t_load;
  r["epoch_seconds"] = st.median;
  r["epoch_cpu_seconds"] = cst.median;
  r["time"] = to_json(st);
  r["peak_rss_bytes"] = peak_rss_bytes();
  if (o.verify) {
    auto one_epoch = [&] {
      gnn::Model m = make();
      gnn::Adam a(m.parameters(), gnn::AdamOptions{.lr = 0.01, .weight_decay = 5e-4});
      step = 0;
      Run res;
      res.loss = epoch(m, a);
      res.first_param = m.parameters()[0]->value;
      return res;
    };
    const Run here = one_epoch();
    const Run one = with_threads(1, one_epoch);
    const bool same = here.loss == one.loss && here.first_param == one.first_param;
    r["verify_same_as_1_thread"] = same;
    if (!same) throw Error("gnn: an epoch differs from the 1-thread result");
  }
  r["environment"] = environment();
  emit(r);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("gnn", "GNN training epoch (forward + backward + Adam), full batch");
  add_bench_flags(sub);
  sub->add_option("--model", go().model, "gcn, sage, gin, gat, pna, dagnn or lcm")
      ->check(CLI::IsMember(gnn::model_kinds()))
      ->capture_default_str();
  sub->add_option("--aggr", go().aggr, "SAGE aggregator")->capture_default_str();
  sub->add_option("--features", go().features, "input width (random features)")->capture_default_str();
  sub->add_option("--hidden", go().hidden, "hidden width")->capture_default_str();
  sub->add_option("--layers", go().layers, "message-passing layers")->capture_default_str();
  sub->add_option("--classes", go().classes, "output classes (random labels)")->capture_default_str();
  sub->add_option("--heads", go().heads, "GAT heads")->capture_default_str();
  sub->add_option("--dropout", go().dropout, "dropout")->capture_default_str();
  on_run(sub, run);
}

}  // namespace
SPRIG_BENCH_KERNEL(gnn, setup);
}  // namespace sprig::bench
