// sprig-bench gpu: CPU vs GPU (Device::cuda) on one graph, for bench/gpu_check.sh.
//
// Times, after one untimed warm-up per device (CUDA context, cuSPARSE handle):
//   fastrp      FastRP (dim --dim, the default 4 iterations) end to end, host result included
//   spmm        one DeviceSpmm product A·X (X n × dim, resident CSR) — achieved bandwidth by the
//               compulsory-traffic model (CSR indices + values + X read once + Y written), against
//               the card's peak from its memory clock and bus width
//   gcnprop     GCN propagation forward + backward with --features columns (GPU: host↔device copies
//               included; CPU: gnn::spmm sum forward + spmm_backward_x, the same arithmetic)
//   gcn         one epoch of train_node_classifier (2-layer GCN, --features random features, hidden 64,
//               16 random classes, dropout 0.5, Adam; an epoch = training forward + backward + Adam
//               step + the evaluation forward and accuracies), on --gcn-graph (default the issue's
//               1M nodes / 10M arcs: er:1000000:5000000): median of the intervals between epochs
//               (setup excluded); the GPU model after 2 epochs is checked against the CPU's (1e-4)
//   walks       uniform walks (1 per node, --length), steps per second
//   pairs       CN, Jaccard, AA, RA for --pairs random pairs
// and checks each GPU result against the CPU's (walks and pair scores equal,
// FastRP within 1e-5 relative per row). CPU-seconds are reported beside wall time.
// --dump-csr DIR writes the GCN graph's CSR (offsets.i64, targets.i32, raw
// little-endian) and sprig_gcn.json (sprig's epoch seconds) for the PyG peer
// (bench/peers/gcn_pyg.py). Built without CUDA, the kernel exits with an error.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/walks.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/gnn/spmm.hpp>
#include <sprig/gnn/train.hpp>
#include <sprig/graph/cuda.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

#ifdef SPRIG_WITH_CUDA
#include <sprig/gnn/spmm_cuda.hpp>
#include <sprig/graph/device_csr.hpp>
#endif

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct GpuBench {
  std::int64_t dim = 128, features = 64, length = 80, pairs = 10'000'000;
  std::string gcn_graph = "er:1000000:5000000";  // the GCN epoch's graph (issue 9: 1M nodes, 10M arcs)
  int gcn_cpu_epochs = 3, gcn_gpu_epochs = 12;
  std::string dump_csr;  // folder for the PyG peer's copy of the GCN graph
  std::string only;  // comma list of kernels (empty: all)
  bool table = false;  // print markdown table rows instead of the report
};
GpuBench& gb() {
  static GpuBench o;
  return o;
}

// Median wall time and mean CPU-seconds of `trials` runs, after one warm-up
// when `warm` (the GPU's: context, cuSPARSE handle; the CPU runs go cold, which
// at R-MAT 24 saves minutes and costs little).
template <class Fn>
std::pair<double, double> timed(int trials, bool warm, Fn&& fn) {
  if (warm) fn();
  std::vector<double> wall;
  double cpu = 0;
  for (int t = 0; t < std::max(trials, 1); ++t) {
    const double c0 = process_cpu_seconds();
    wall.push_back(time_once(fn));
    cpu += process_cpu_seconds() - c0;
  }
  std::sort(wall.begin(), wall.end());
  return {wall[wall.size() / 2], cpu / static_cast<double>(wall.size())};
}

double row_relative_error(const Matrix& a, const Matrix& b) {
  std::vector<double> worst(static_cast<std::size_t>(b.rows()), 0.0);
  parallel_for<Eigen::Index>(0, b.rows(), [&](Eigen::Index i) {
    const double nb = b.row(i).cast<double>().norm();
    const double diff = (a.row(i).cast<double>() - b.row(i).cast<double>()).norm();
    worst[static_cast<std::size_t>(i)] = nb > 0 ? diff / nb : diff;
  });
  return worst.empty() ? 0.0 : *std::max_element(worst.begin(), worst.end());
}

bool wanted(const std::string& k) {
  const std::string& only = gb().only;
  return only.empty() || ("," + only + ",").find("," + k + ",") != std::string::npos;
}

#ifdef SPRIG_WITH_CUDA
// Epoch seconds of train_node_classifier: the median interval between on_epoch calls.
double epoch_seconds(gnn::Model& m, const Graph& g, const Matrix& x, const std::vector<std::int32_t>& labels,
                     const gnn::NodeMasks& masks, Device dev, int epochs) {
  gnn::NodeTrainOptions o;
  o.epochs = epochs;
  o.patience = 0;
  o.device = dev;
  std::vector<double> stamps;
  o.on_epoch = [&](const gnn::EpochStats&) {
    stamps.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count());
  };
  gnn::train_node_classifier(m, g, x, labels, masks, o);
  std::vector<double> d;
  for (std::size_t i = 1; i < stamps.size(); ++i) d.push_back(stamps[i] - stamps[i - 1]);
  if (d.empty()) return 0;
  std::sort(d.begin(), d.end());
  return d[d.size() / 2];
}

template <class Row>
void gcn_epoch_row(Row&& row) {
  const BenchOptions& o = options();
  GraphSourceOptions so;
  so.seed = o.seed;
  note("loading " + gb().gcn_graph);
  const Graph g = load_graph(gb().gcn_graph, so);
  const std::int64_t n = g.num_nodes(), f = gb().features;
  const int classes = 16;
  Matrix x(n, f);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
  parallel_for<node_t>(0, static_cast<node_t>(n), [&](node_t i) {
    Philox rng(o.seed, static_cast<std::uint64_t>(i));
    for (std::int64_t j = 0; j < f; ++j) x(i, j) = rng.uniform_float() - 0.5f;
    labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(rng.bounded(classes));
  });
  const gnn::NodeMasks masks = gnn::seeded_split(labels, o.seed);
  gnn::ModelSpec spec;
  spec.kind = "gcn";
  spec.in_features = static_cast<int>(f);
  spec.hidden = 64;
  spec.out_features = classes;
  // Equality: the same initial model, 2 epochs on each device.
  gnn::Model mc = gnn::make_model(spec, o.seed), mg = gnn::make_model(spec, o.seed);
  (void)epoch_seconds(mc, g, x, labels, masks, Device::cpu, 2);
  (void)epoch_seconds(mg, g, x, labels, masks, Device::cuda, 2);
  double worst = 0;
  const auto pc = mc.parameters(), pg = mg.parameters();
  for (std::size_t i = 0; i < pc.size(); ++i) {
    const double nb = pc[i]->value.cast<double>().norm();
    const double d = (pg[i]->value.cast<double>() - pc[i]->value.cast<double>()).norm();
    worst = std::max(worst, nb > 0 ? d / nb : d);
  }
  const double c0 = process_cpu_seconds();
  gnn::Model m1 = gnn::make_model(spec, o.seed);
  const double cpu_epoch = epoch_seconds(m1, g, x, labels, masks, Device::cpu, gb().gcn_cpu_epochs);
  const double cpu_cpu = (process_cpu_seconds() - c0) / gb().gcn_cpu_epochs;
  gnn::Model m2 = gnn::make_model(spec, o.seed);
  const double gpu_epoch = epoch_seconds(m2, g, x, labels, masks, Device::cuda, gb().gcn_gpu_epochs);
  nlohmann::ordered_json extra;
  extra["graph"] = gb().gcn_graph;
  extra["nodes"] = n;
  extra["arcs"] = g.num_arcs();
  extra["param_rel_err"] = worst;
  row(fmt::format("gcn epoch ({} nodes, {} features, hidden 64, 16 classes)", n, f),
      {cpu_epoch, cpu_cpu}, {gpu_epoch, 0.0},
      fmt::format("{} (params after 2 epochs: rel err {:.1e})", worst < 1e-4 ? "ok" : "FAIL", worst), extra);
  if (!gb().dump_csr.empty()) {
    const std::string dir = gb().dump_csr;
    auto write = [&](const std::string& name, const void* data, std::size_t bytes) {
      std::ofstream out(dir + "/" + name, std::ios::binary);
      out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
      if (!out) throw IoError(dir + "/" + name, "cannot write the CSR dump");
    };
    write("offsets.i64", g.offsets().data(), g.offsets().size_bytes());
    write("targets.i32", g.targets().data(), g.targets().size_bytes());
    nlohmann::ordered_json j;
    j["graph"] = gb().gcn_graph;
    j["features"] = f;
    j["classes"] = classes;
    j["sprig_gpu_epoch_s"] = gpu_epoch;
    j["sprig_cpu_epoch_s"] = cpu_epoch;
    const std::string js = j.dump();
    write("sprig_gcn.json", js.data(), js.size());
  }
}
#endif

void run() {
#ifndef SPRIG_WITH_CUDA
  throw InvalidArgument("sprig-bench gpu: sprig was built without CUDA");
#else
  const BenchOptions& o = options();
  detail::require_cuda_device("sprig-bench gpu");
  GraphSourceOptions so;
  so.seed = o.seed;
  // The --graph graph serves every kernel but gcn (which loads --gcn-graph).
  const bool need_graph = wanted("fastrp") || wanted("spmm") || wanted("gcnprop") || wanted("walks") || wanted("pairs");
  Graph g;
  if (need_graph) {
    note("loading " + o.graph);
    g = load_graph(o.graph, so);
  }
  nlohmann::ordered_json rep;
  rep["kernel"] = "gpu";
  rep["graph"] = o.graph;
  rep["nodes"] = g.num_nodes();
  rep["arcs"] = g.num_arcs();
  rep["environment"] = environment();
  {
    int dev = 0, clock_khz = 0, bus_bits = 0;
    cudaDeviceProp prop{};
    SPRIG_CUDA_CHECK(cudaGetDevice(&dev));
    SPRIG_CUDA_CHECK(cudaGetDeviceProperties(&prop, dev));
    rep["device"] = prop.name;
    rep["device_memory_bytes"] = prop.totalGlobalMem;
    if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, dev) == cudaSuccess &&
        cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, dev) == cudaSuccess)
      rep["peak_bandwidth_gbs"] = 2.0 * clock_khz * 1e3 * (bus_bits / 8.0) / 1e9;
    else
      (void)cudaGetLastError();
  }
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  auto row = [&](const std::string& name, std::pair<double, double> cpu, std::pair<double, double> gpu,
                 const std::string& check, nlohmann::ordered_json extra = {}) {
    nlohmann::ordered_json r;
    r["kernel"] = name;
    r["cpu_s"] = cpu.first;
    r["cpu_cpu_s"] = cpu.second;
    r["gpu_s"] = gpu.first;
    r["speedup"] = gpu.first > 0 ? cpu.first / gpu.first : 0.0;
    r["check"] = check;
    for (auto& [k, v] : extra.items()) r[k] = v;
    rows.push_back(r);
    note(fmt::format("{}: cpu {:.3f} s, gpu {:.3f} s, {}", name, cpu.first, gpu.first, check));
  };
  const int trials = o.trials;

  if (wanted("fastrp")) {
    FastRpOptions fo;
    fo.dim = gb().dim;
    Matrix cpu_out, gpu_out;
    fo.device = Device::cpu;
    const auto c = timed(trials, false, [&] { cpu_out = fastrp(g, fo); });
    fo.device = Device::cuda;
    const auto d = timed(trials, true, [&] { gpu_out = fastrp(g, fo); });
    const double err = row_relative_error(gpu_out, cpu_out);
    row("fastrp", c, d, fmt::format("{} (row rel err {:.2e})", err < 1e-5 ? "ok" : "FAIL", err));
  }
  if (wanted("spmm")) {
    const std::int64_t n = g.num_nodes(), d = gb().dim;
    detail::DeviceBuffer<float> x(static_cast<std::size_t>(n * d), "bench X"), y(static_cast<std::size_t>(n * d), "bench Y");
    x.zero();
    detail::CusparseHandle h;
    detail::SpmmOperand op;
    op.offsets = g.offsets();
    op.targets = g.targets();
    op.cols = n;
    detail::DeviceSpmm spmm(h, op, d, 0);
    const auto t = timed(trials, true, [&] { spmm.multiply(x.data(), y.data()); });
    const double bytes = static_cast<double>(g.num_arcs()) * 8.0 + static_cast<double>(n + 1) * 4.0 +
                         2.0 * static_cast<double>(n) * static_cast<double>(d) * 4.0;
    nlohmann::ordered_json extra;
    extra["gbs"] = bytes / t.first / 1e9;
    extra["streamed"] = spmm.streamed();
    row("spmm (dim " + std::to_string(d) + ")", {0.0, 0.0}, t,
        fmt::format("{:.0f} GB/s compulsory traffic", bytes / t.first / 1e9), extra);
  }
  if (wanted("gcn")) gcn_epoch_row(row);
  if (wanted("gcnprop")) {
    const std::int64_t f = gb().features;
    Matrix x(g.num_nodes(), f);
    parallel_for<node_t>(0, g.num_nodes(), [&](node_t i) {
      Philox rng(o.seed, static_cast<std::uint64_t>(i));
      for (std::int64_t j = 0; j < f; ++j) x(i, j) = rng.uniform_float() - 0.5f;
    });
    gnn::Block b;
    b.offsets = g.offsets();
    b.targets = g.targets();
    b.weights = g.weights();
    b.num_dst = b.num_src = g.num_nodes();
    const gnn::SpmmSpec sum{gnn::Reduce::sum, gnn::Message::weighted, nullptr};
    const auto c = timed(trials, false, [&] {
      const Matrix y = gnn::spmm(b, x, sum);
      const Matrix gx = gnn::spmm_backward_x(b, y, sum);
    });
    const auto d = timed(trials, true, [&] {
      const Matrix y = gnn::gcn_propagate_cuda(b, x);
      const Matrix gx = gnn::gcn_propagate_backward_cuda(b, y);
    });
    row("gcn propagation fwd+bwd (" + std::to_string(f) + " features)", c, d, "timing only");
  }
  if (wanted("walks")) {
    WalkOptions wo;
    wo.walks_per_node = 1;
    wo.length = gb().length;
    Walks cpu_w, gpu_w;
    const auto c = timed(trials, false, [&] { cpu_w = random_walks(g, wo); });
    wo.device = Device::cuda;
    const auto d = timed(trials, true, [&] { gpu_w = random_walks(g, wo); });
    std::int64_t steps = 0;
    for (std::int64_t i = 0; i < gpu_w.count; ++i) steps += std::max<std::int64_t>(gpu_w.walk_length(i) - 1, 0);
    nlohmann::ordered_json extra;
    extra["steps"] = steps;
    extra["gpu_steps_per_s"] = static_cast<double>(steps) / d.first;
    row("walks (uniform, length " + std::to_string(wo.length) + ")", c, d,
        fmt::format("{}; {:.2f} G steps/s incl. copy to host", gpu_w.nodes == cpu_w.nodes ? "identical" : "FAIL: differ",
                    static_cast<double>(steps) / d.first / 1e9),
        extra);
  }
  if (wanted("pairs")) {
    std::vector<NodePair> pairs(static_cast<std::size_t>(gb().pairs));
    const auto n = static_cast<std::uint32_t>(g.num_nodes());
    parallel_for<std::size_t>(0, pairs.size(), [&](std::size_t i) {
      Philox rng(o.seed + 1, i);
      const auto u = static_cast<node_t>(rng.bounded(n));
      auto v = static_cast<node_t>(rng.bounded(n));
      if (v == u) v = static_cast<node_t>((static_cast<std::uint32_t>(u) + 1) % n);
      pairs[i] = {u, v};
    });
    const std::vector<LinkScore> s = {LinkScore::common_neighbors, LinkScore::jaccard, LinkScore::adamic_adar,
                                      LinkScore::resource_allocation};
    LinkScoreOptions lo;
    std::vector<std::vector<double>> cpu_s, gpu_s;
    const auto c = timed(trials, false, [&] { cpu_s = link_scores(g, pairs, s, lo); });
    lo.device = Device::cuda;
    const auto d = timed(trials, true, [&] { gpu_s = link_scores(g, pairs, s, lo); });
    row("pair scores cn,jaccard,aa,ra (" + std::to_string(pairs.size()) + " pairs)", c, d,
        cpu_s == gpu_s ? "equal" : "FAIL: differ");
  }
  rep["rows"] = rows;
  if (!gb().table) {
    emit(rep);
    return;
  }
  for (const auto& r : rows) {
    const double c = r["cpu_s"].get<double>();
    const bool own = r.contains("graph");  // the gcn row's own graph
    fmt::print("| {} | {} ({} arcs) | {} | {} | {} | {:.3f} | {} | {} |\n", rep["device"].get<std::string>(),
               own ? r["graph"].get<std::string>() : o.graph,
               own ? r["arcs"].get<std::int64_t>() : static_cast<std::int64_t>(g.num_arcs()), r["kernel"].get<std::string>(), c > 0 ? fmt::format("{:.3f}", c) : "-",
               c > 0 ? fmt::format("{:.1f}", r["cpu_cpu_s"].get<double>()) : "-", r["gpu_s"].get<double>(),
               c > 0 ? fmt::format("{:.1f}x", r["speedup"].get<double>()) : "-", r["check"].get<std::string>());
  }
#endif
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("gpu", "CPU vs GPU (Device::cuda): fastrp, spmm, gcn, gcnprop, walks, pairs");
  add_bench_flags(sub);
  sub->add_option("--dim", gb().dim, "FastRP / SpMM dimension");
  sub->add_option("--features", gb().features, "GCN feature columns");
  sub->add_option("--length", gb().length, "walk length");
  sub->add_option("--pairs", gb().pairs, "number of random pairs to score");
  sub->add_option("--only", gb().only, "comma list of kernels: fastrp,spmm,gcn,gcnprop,walks,pairs");
  sub->add_option("--gcn-graph", gb().gcn_graph, "graph of the GCN epoch (file or generator spec)")->capture_default_str();
  sub->add_option("--gcn-cpu-epochs", gb().gcn_cpu_epochs, "CPU epochs timed for the GCN row")->capture_default_str();
  sub->add_option("--gcn-gpu-epochs", gb().gcn_gpu_epochs, "GPU epochs timed for the GCN row")->capture_default_str();
  sub->add_option("--dump-csr", gb().dump_csr, "write the GCN graph's CSR and sprig's epoch time here (PyG peer)");
  sub->add_flag("--table", gb().table, "print markdown table rows (device, graph, kernel, CPU s, CPU-s, GPU s, speedup, check)");
  on_run(sub, [] { run(); });
}

}  // namespace
SPRIG_BENCH_KERNEL(gpu, setup);
}  // namespace sprig::bench
