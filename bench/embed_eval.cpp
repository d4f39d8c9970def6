// sprig-bench embed-eval: embedding quality on the two tasks of issue 4, for
// sprig's embeddings and for any peer's, with sprig's evaluators — so the
// numbers in bench/RESULTS.md compare embeddings, not evaluators.
//
// --task linkpred (cond-mat): 10% of the edges held out at random (split seed
//   1, as tests/embed/embed_linkpred_test.cpp), as many uniform non-edges as
//   negatives (seed 2); embeddings are trained on the rest; ROC-AUC of the dot
//   products (metrics/classification dot_product_auc).
// --task classify (polblogs): the largest component of the symmetrised graph,
//   one-vs-rest logistic regression, 50% train, 5 splits (Micro/Macro-F1).
// --export-dir D writes what peers need, in their input formats: D/graph.edges
//   (the training graph / the component, "u v" per line, 0-based, with the
//   "# name: undirected, N nodes, M edges" header), D/test_pos.txt and
//   D/test_neg.txt (linkpred), D/labels.txt (classify, relabelled ids).
// --eval FILE (repeatable) scores a peer's embedding of that graph: .npy
//   (n × d float32) or text rows "node v1 … vd" (word2vec / SNAP .emb: a first
//   line "n d" is skipped); nodes a text file lacks (isolated in the training
//   graph: SNAP skips them) get a zero vector.
// --methods fastrp,node2vec,deepwalk: sprig's own embeddings (with timings,
//   wall and CPU-seconds; node2vec uses --p/--q and the SGNS flags).
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/embed/embedding_file.hpp>
#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/skipgram.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/labels.hpp>
#include <sprig/metrics/classification.hpp>
#include <sprig/metrics/linkpred_split.hpp>

#include "bench.hpp"

namespace sprig::bench {
namespace {

struct EvalBench {
  std::string task = "linkpred", labels, export_dir, methods = "fastrp";
  std::vector<std::string> eval;
  std::int64_t dim = 128, walks_per_node = 10, length = 80, window = 10, negative = 5, epochs = 1;
  double p = 1, q = 1;
  bool deterministic = false;
  std::uint64_t fastrp_seed = 7;
};

EvalBench& eb() {
  static EvalBench o;
  return o;
}

using Pairs = std::vector<std::pair<node_t, node_t>>;

struct Task {
  Graph graph;                 // what embeddings are trained on
  Pairs pos, neg;              // linkpred
  std::vector<std::int32_t> labels;  // classify
};

Task make_task() {
  const BenchOptions& o = options();
  GraphSourceOptions so;
  so.build.symmetrize = true;
  Graph g = load_graph(o.graph, so);
  Task t;
  if (eb().task == "linkpred") {
    auto split = random_link_split(g, {.valid_fraction = 0, .test_fraction = 0.10, .seed = 1});
    NegativeOptions no;
    no.seed = 2;
    const auto neg = sample_negatives(split.train, split.full, split.split.test_pos, no);
    for (const auto& p : split.split.test_pos) t.pos.emplace_back(p.u, p.v);
    for (const auto& p : neg) t.neg.emplace_back(p.u, p.v);
    t.graph = std::move(split.train);
  } else {
    SPRIG_EXPECTS(eb().task == "classify", "embed-eval: --task must be linkpred or classify (got '{}')", eb().task);
    SPRIG_EXPECTS(!eb().labels.empty(), "embed-eval: --task classify needs --labels");
    const std::int64_t n0 = g.num_nodes();
    Subgraph lcc = largest_component(g);
    const NodeLabels all = read_labels(eb().labels, {.nodes = n0});
    for (node_t old : lcc.old_id_of_new) t.labels.push_back(all.label[old]);
    t.graph = std::move(lcc.graph);
  }
  return t;
}

void write_pairs(const std::string& path, const Pairs& pairs) {
  std::ofstream f(path);
  if (!f) throw IoError(path, "cannot open for writing");
  for (const auto& [u, v] : pairs) f << u << ' ' << v << '\n';
}

void export_task(const Task& t, const std::string& dir) {
  std::filesystem::create_directories(dir);
  {
    const std::string path = dir + "/graph.edges";
    std::ofstream f(path);
    if (!f) throw IoError(path, "cannot open for writing");
    f << "# " << eb().task << ": undirected, " << t.graph.num_nodes() << " nodes, " << t.graph.num_edges()
      << " edges, 0-based ids\n";
    for (node_t u = 0; u < t.graph.num_nodes(); ++u)
      for (node_t v : t.graph.neighbors(u))
        if (u < v) f << u << ' ' << v << '\n';
  }
  if (eb().task == "linkpred") {
    write_pairs(dir + "/test_pos.txt", t.pos);
    write_pairs(dir + "/test_neg.txt", t.neg);
  } else {
    std::ofstream f(dir + "/labels.txt");
    for (std::size_t v = 0; v < t.labels.size(); ++v)
      if (t.labels[v] >= 0) f << v << ' ' << t.labels[v] << '\n';
  }
}

// A peer's embedding: .npy, or text rows "node v1 … vd" (first line "n d" skipped).
Matrix read_embedding(const std::string& path, std::int64_t n) {
  if (path.ends_with(".npy")) {
    Matrix x = read_embedding_npy(path);
    if (x.rows() != n) throw IoError(path, fmt::format("{} rows, the graph has {} nodes", x.rows(), n));
    return x;
  }
  std::ifstream f(path);
  if (!f) throw IoError(path, "cannot open");
  std::string line;
  std::vector<std::vector<float>> rows(static_cast<std::size_t>(n));
  std::int64_t d = -1, lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    std::istringstream in(line);
    std::vector<double> vals;
    double x;
    while (in >> x) vals.push_back(x);
    if (vals.empty()) continue;
    if (lineno == 1 && vals.size() == 2) continue;  // word2vec header
    const auto id = static_cast<std::int64_t>(vals[0]);
    if (id < 0 || id >= n) throw IoError(path, fmt::format("node id {} outside [0, {})", id, n), lineno);
    if (d < 0) d = static_cast<std::int64_t>(vals.size()) - 1;
    if (static_cast<std::int64_t>(vals.size()) - 1 != d)
      throw IoError(path, fmt::format("{} values, expected {}", vals.size() - 1, d), lineno);
    rows[id].assign(vals.begin() + 1, vals.end());
  }
  if (d <= 0) throw IoError(path, "no embedding rows");
  Matrix out = Matrix::Zero(n, d);
  for (std::int64_t v = 0; v < n; ++v)
    for (std::size_t j = 0; j < rows[v].size(); ++j) out(v, static_cast<Eigen::Index>(j)) = rows[v][j];
  return out;
}

nlohmann::ordered_json score(const Task& t, const Matrix& x) {
  nlohmann::ordered_json r;
  if (eb().task == "linkpred") {
    r["auc"] = dot_product_auc(x, t.pos, t.neg);
  } else {
    const auto res = evaluate_node_classification(x, t.labels, {.train_ratio = 0.5, .repeats = 5, .seed = 1});
    r["micro_f1"] = res.micro_f1;
    r["macro_f1"] = res.macro_f1;
  }
  return r;
}

void run() {
  const BenchOptions& o = options();
  const Task t = make_task();
  nlohmann::ordered_json r;
  r["kernel"] = "embed-eval";
  r["task"] = eb().task;
  r["graph"] = o.graph;
  r["nodes"] = t.graph.num_nodes();
  r["edges"] = t.graph.num_edges();
  if (eb().task == "linkpred") r["test_pos"] = t.pos.size();
  if (!eb().export_dir.empty()) {
    export_task(t, eb().export_dir);
    r["exported"] = eb().export_dir;
  }
  auto& rows = r["rows"] = nlohmann::ordered_json::array();
  std::stringstream ms(eb().methods);
  std::string m;
  while (std::getline(ms, m, ',')) {
    if (m.empty()) continue;
    Matrix x;
    const double c0 = process_cpu_seconds();
    double secs = 0;
    if (m == "fastrp") {
      FastRpOptions fo;
      fo.dim = eb().dim;
      fo.use_weights = false;
      fo.standardize = true;
      fo.seed = eb().fastrp_seed;
      secs = time_once([&] { x = fastrp(t.graph, fo); });
    } else if (m == "node2vec" || m == "deepwalk") {
      WalkOptions wo{.walks_per_node = eb().walks_per_node, .length = eb().length,
                     .p = m == "node2vec" ? eb().p : 1.0, .q = m == "node2vec" ? eb().q : 1.0,
                     .use_weights = false, .seed = o.seed};
      SkipGramOptions so{.dim = eb().dim, .window = eb().window, .negative = eb().negative, .epochs = eb().epochs,
                         .deterministic = eb().deterministic, .seed = o.seed};
      secs = time_once([&] { x = node2vec_embedding(t.graph, wo, so); });
    } else {
      throw InvalidArgument(fmt::format("embed-eval: unknown method '{}' (fastrp, node2vec, deepwalk)", m));
    }
    auto row = score(t, x);
    row["method"] = "sprig " + m;
    row["seconds"] = secs;
    row["cpu_s"] = process_cpu_seconds() - c0;
    rows.push_back(std::move(row));
  }
  for (const std::string& path : eb().eval) {
    auto row = score(t, read_embedding(path, t.graph.num_nodes()));
    row["method"] = path;
    rows.push_back(std::move(row));
  }
  r["environment"] = environment();
  emit(r);
}

void setup(CLI::App& app) {
  auto* sub = app.add_subcommand("embed-eval", "embedding quality (link-prediction AUC / Micro-F1), sprig's and peers'");
  add_bench_flags(sub);
  sub->add_option("--task", eb().task, "linkpred or classify")->capture_default_str();
  sub->add_option("--labels", eb().labels, "classify: node labels of the full graph");
  sub->add_option("--export-dir", eb().export_dir, "write the training graph, test pairs / labels for peers");
  sub->add_option("--eval", eb().eval, "score this embedding (.npy or text rows) of the exported graph");
  sub->add_option("--methods", eb().methods, "sprig's embeddings: fastrp,node2vec,deepwalk (empty: none)")
      ->capture_default_str();
  sub->add_option("--dim", eb().dim, "embedding dimension")->capture_default_str();
  sub->add_option("--fastrp-seed", eb().fastrp_seed, "FastRP projection seed")->capture_default_str();
  sub->add_option("--walks-per-node", eb().walks_per_node, "walks per node (r)")->capture_default_str();
  sub->add_option("--length", eb().length, "nodes per walk (l)")->capture_default_str();
  sub->add_option("--p", eb().p, "node2vec return parameter")->capture_default_str();
  sub->add_option("--q", eb().q, "node2vec in-out parameter")->capture_default_str();
  sub->add_option("--window", eb().window, "skip-gram window")->capture_default_str();
  sub->add_option("--negative", eb().negative, "negatives per pair")->capture_default_str();
  sub->add_option("--epochs", eb().epochs, "skip-gram epochs")->capture_default_str();
  sub->add_flag("--deterministic", eb().deterministic, "single-threaded reproducible training");
  on_run(sub, run);
}

}  // namespace
SPRIG_BENCH_KERNEL(embed_eval, setup);
}  // namespace sprig::bench
