// sprig-bench walks | node2vec: random walks (embed/walks.hpp) and DeepWalk /
// node2vec end to end (walks + SGNS, embed/skipgram.hpp).
//
// walks:    times random_walks() with --walks-per-node/--length/--p/--q and
//           reports steps per second and CPU-seconds (getrusage, all threads);
//           on a weighted graph (or with --random-weights) first-order weighted
//           steps are timed with both alias tables and prefix sums.
// node2vec: times the walks and the skip-gram training separately (CPU-seconds
//           too); --labels scores the embedding by one-vs-rest logistic
//           regression (Micro/Macro-F1, 50% train); --walks-out writes the walks
//           for the gensim peer (bench/peers/embed_gensim.py), which trains
//           Word2Vec on exactly these walks.
// --verify: walks are identical on one thread; every step follows an arc.
#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/embed/embedding_file.hpp>
#include <sprig/embed/skipgram.hpp>
#include <sprig/embed/walks.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/labels.hpp>
#include <sprig/metrics/classification.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct WalkBench {
  std::int64_t walks_per_node = 10, length = 80, dim = 128, window = 10, epochs = 1, negative = 5;
  double p = 1, q = 1;
  bool random_weights = false, deterministic = false, per_pair_negatives = false;
  std::string labels, walks_out, emb_out;
};

WalkBench& wb() {
  static WalkBench o;
  return o;
}

Graph load() {
  const BenchOptions& o = options();
  GraphSourceOptions so;
  so.seed = o.seed;
  if (o.directed) so.directed = true;
  if (o.nodes > 0) so.nodes = o.nodes;
  Graph g = load_graph(o.graph, so);
  if (!wb().random_weights) return g;
  // Weights in [0.5, 2.5) from a hash of the unordered pair (symmetric for undirected graphs).
  const auto off = g.offsets();
  const auto tgt = g.targets();
  std::vector<float> w(tgt.size());
  parallel_for<node_t>(0, g.num_nodes(), [&](node_t u) {
    for (edge_t e = off[u]; e < off[u + 1]; ++e) {
      const auto a = static_cast<std::uint64_t>(std::min(u, tgt[e])), b = static_cast<std::uint64_t>(std::max(u, tgt[e]));
      w[e] = 0.5f + 2.f * static_cast<float>(counter_hash(o.seed, a, b) >> 40) * 0x1p-24f;
    }
  });
  return Graph(std::vector<edge_t>(off.begin(), off.end()), std::vector<node_t>(tgt.begin(), tgt.end()), std::move(w),
               g.directed());
}

std::int64_t total_steps(const Walks& w) {
  std::int64_t s = 0;
  for (std::int64_t i = 0; i < w.count; ++i) s += w.walk_length(i) - 1;
  return s;
}

nlohmann::ordered_json time_walks(const Graph& g, const WalkOptions& wo, Walks* keep) {
  const BenchOptions& o = options();
  Walks w;
  for (int i = 0; i < o.warmup; ++i) w = random_walks(g, wo);
  std::vector<double> secs, cpus;
  for (int i = 0; i < o.trials; ++i) {
    const double c0 = process_cpu_seconds();
    secs.push_back(time_once([&] { w = random_walks(g, wo); }));
    cpus.push_back(process_cpu_seconds() - c0);
  }
  const TrialStats st = trial_stats(secs);
  std::sort(cpus.begin(), cpus.end());
  const std::int64_t steps = total_steps(w);
  nlohmann::ordered_json r;
  r["time"] = to_json(st);
  r["cpu_s"] = cpus[cpus.size() / 2];
  r["steps"] = steps;
  r["steps_per_s"] = static_cast<double>(steps) / st.median;
  if (keep) *keep = std::move(w);
  return r;
}

void verify_walks(const Graph& g, const WalkOptions& wo, const Walks& w) {
  const Walks one = with_threads(1, [&] { return random_walks(g, wo); });
  if (one.nodes != w.nodes) throw Error("walks: result differs from the 1-thread result");
  for (std::int64_t i = 0; i < w.count; ++i) {
    const auto row = w.walk(i);
    for (std::int64_t s = 1; s < w.walk_length(i); ++s)
      if (!g.has_arc(row[s - 1], row[s])) throw Error(fmt::format("walks: walk {} steps along a non-arc", i));
  }
}

void run_walks() {
  const BenchOptions& o = options();
  const Graph g = load();
  WalkOptions wo{.walks_per_node = wb().walks_per_node, .length = wb().length, .p = wb().p, .q = wb().q,
                 .seed = o.seed};
  nlohmann::ordered_json r;
  r["kernel"] = "walks";
  r["graph"] = o.graph;
  r["nodes"] = g.num_nodes();
  r["arcs"] = g.num_arcs();
  r["weighted"] = g.weighted();
  r["walks_per_node"] = wo.walks_per_node;
  r["length"] = wo.length;
  r["p"] = wo.p;
  r["q"] = wo.q;
  Walks w;
  reset_peak_rss();
  if (g.weighted()) {
    wo.sampling = WeightedSampling::alias;
    r["alias"] = time_walks(g, wo, &w);
    r["alias"]["sampler_bytes"] = walk_sampler_bytes(g, WeightedSampling::alias);
    wo.sampling = WeightedSampling::prefix_sum;
    r["prefix_sum"] = time_walks(g, wo, nullptr);
    r["prefix_sum"]["sampler_bytes"] = walk_sampler_bytes(g, WeightedSampling::prefix_sum);
    wo.sampling = WeightedSampling::alias;
  } else {
    r["uniform"] = time_walks(g, wo, &w);
  }
  r["peak_rss_bytes"] = peak_rss_bytes();
  if (o.verify) {
    verify_walks(g, wo, w);
    r["verify"] = true;
  }
  r["environment"] = environment();
  emit(r);
}

void run_node2vec() {
  const BenchOptions& o = options();
  const Graph g = load();
  WalkOptions wo{.walks_per_node = wb().walks_per_node, .length = wb().length, .p = wb().p, .q = wb().q,
                 .seed = o.seed};
  SkipGramOptions so{.dim = wb().dim, .window = wb().window, .negative = wb().negative, .epochs = wb().epochs,
                     .share_negatives = !wb().per_pair_negatives, .deterministic = wb().deterministic,
                     .seed = o.seed};
  nlohmann::ordered_json r;
  r["kernel"] = "node2vec";
  r["graph"] = o.graph;
  r["nodes"] = g.num_nodes();
  r["arcs"] = g.num_arcs();
  r["p"] = wo.p;
  r["q"] = wo.q;
  r["dim"] = so.dim;
  r["window"] = so.window;
  r["epochs"] = so.epochs;
  r["share_negatives"] = so.share_negatives;
  std::vector<double> walk_s, walk_cpu, train_s, train_cpu;
  Walks w;
  Matrix emb;
  for (int i = 0; i < o.trials; ++i) {
    double c0 = process_cpu_seconds();
    walk_s.push_back(time_once([&] { w = random_walks(g, wo); }));
    walk_cpu.push_back(process_cpu_seconds() - c0);
    c0 = process_cpu_seconds();
    train_s.push_back(time_once([&] { emb = skipgram(w, g.num_nodes(), so); }));
    train_cpu.push_back(process_cpu_seconds() - c0);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  r["walk_s"] = median(walk_s);
  r["walk_cpu_s"] = median(walk_cpu);
  r["train_s"] = median(train_s);
  r["train_cpu_s"] = median(train_cpu);
  r["total_s"] = median(walk_s) + median(train_s);
  r["total_cpu_s"] = median(walk_cpu) + median(train_cpu);
  r["tokens"] = total_steps(w) + w.count;
  if (!wb().labels.empty()) {
    const NodeLabels lab = read_labels(wb().labels, {.nodes = g.num_nodes()});
    const auto res = evaluate_node_classification(emb, lab.label, {.train_ratio = 0.5, .repeats = 5, .seed = o.seed});
    r["micro_f1"] = res.micro_f1;
    r["macro_f1"] = res.macro_f1;
  }
  if (!wb().walks_out.empty()) write_walks_text(wb().walks_out, w);
  if (!wb().emb_out.empty()) write_embedding_npy(wb().emb_out, emb);
  r["environment"] = environment();
  emit(r);
}

void common_flags(CLI::App* sub) {
  add_bench_flags(sub);
  sub->add_option("--walks-per-node", wb().walks_per_node, "walks per node (r)")->capture_default_str();
  sub->add_option("--length", wb().length, "nodes per walk (l)")->capture_default_str();
  sub->add_option("--p", wb().p, "node2vec return parameter")->capture_default_str();
  sub->add_option("--q", wb().q, "node2vec in-out parameter")->capture_default_str();
  sub->add_flag("--random-weights", wb().random_weights, "give every edge a hashed weight in [0.5, 2.5)");
}

void setup_walks(CLI::App& app) {
  auto* sub = app.add_subcommand("walks", "random walks: steps/s, CPU-seconds, alias vs prefix sums");
  common_flags(sub);
  on_run(sub, run_walks);
}

void setup_node2vec(CLI::App& app) {
  auto* sub = app.add_subcommand("node2vec", "DeepWalk/node2vec end to end: walks + skip-gram");
  common_flags(sub);
  sub->add_option("--dim", wb().dim, "embedding dimension")->capture_default_str();
  sub->add_option("--window", wb().window, "skip-gram window")->capture_default_str();
  sub->add_option("--negative", wb().negative, "negatives per pair")->capture_default_str();
  sub->add_option("--epochs", wb().epochs, "skip-gram epochs")->capture_default_str();
  sub->add_flag("--deterministic", wb().deterministic, "single-threaded reproducible training");
  sub->add_flag("--per-pair-negatives", wb().per_pair_negatives, "fresh negatives per pair (word2vec) instead of per centre word");
  sub->add_option("--labels", wb().labels, "node labels: report Micro/Macro-F1");
  sub->add_option("--walks-out", wb().walks_out, "write the walks (text) for the gensim peer");
  sub->add_option("--emb-out", wb().emb_out, "write the embedding (.npy) for scoring next to the peer's");
  on_run(sub, run_node2vec);
}

}  // namespace
SPRIG_BENCH_KERNEL(walks, setup_walks);
SPRIG_BENCH_KERNEL(node2vec, setup_node2vec);
}  // namespace sprig::bench
