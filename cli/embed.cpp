// `sprig embed GRAPH --method fastrp|deepwalk|node2vec -o OUT`: node embeddings
// written as text (`node v1 … vd`, --word2vec-header for gensim's
// load_word2vec_format), NumPy .npy, or HDF5 (/embeddings/METHOD, appended to
// an existing sprig .h5 file or written with the graph into a new one).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sprig/embed/embedding_file.hpp>
#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/skipgram.hpp>
#include <sprig/embed/walks.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "common.hpp"

namespace sprig::cli {
namespace {

struct EmbedArgs {
  std::string source, out, method = "fastrp", sampling = "alias";
  GraphFlags flags;
  std::int64_t dim = 128;
  bool word2vec_header = false;
  // FastRP
  std::vector<float> iteration_weights{0.f, 0.f, 1.f, 6.67f};
  float beta = -0.64f, self_influence = 0.f;
  double sparsity = 0;
  bool standardize = false, no_row_normalize = false, unweighted = false;
  // walks + SGNS
  std::int64_t walks_per_node = 10, length = 80, window = 10, negative = 5, epochs = 1, batch_walks = 0;
  double p = 1, q = 1, lr = 0.025, sample = 1e-3;
  bool deterministic = false;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void write_output(const EmbedArgs& a, const Graph& g, const Matrix& x, const h5::Attributes& attrs) {
  if (ends_with(a.out, ".npy")) return write_embedding_npy(a.out, x);
  if (is_hdf5_path(a.out)) {
    FloatMatrix m(x.rows(), x.cols());
    std::copy(x.data(), x.data() + x.size(), m.data.begin());
    const Hdf5Path hp = split_hdf5_path(a.out);
    if (std::FILE* f = std::fopen(hp.file.c_str(), "rb")) {
      std::fclose(f);
      append_embedding(hp.file, a.method, m, attrs, {.overwrite = true});
    } else {
      GraphData data;
      data.embeddings.push_back({a.method, std::move(m), attrs});
      write_hdf5(hp.file, g, data);
    }
    return;
  }
  write_embedding_text(a.out, x, {.word2vec_header = a.word2vec_header});
}

}  // namespace

void register_embed(CLI::App& app) {
  auto* sub = app.add_subcommand("embed", "Node embeddings: FastRP, DeepWalk, node2vec");
  sub->footer(
      "FastRP (Chen et al. 2019): very sparse random projection propagated along\n"
      "the transition matrix, iterations weighted by --iteration-weights, degree\n"
      "normalisation --beta. DeepWalk / node2vec: random walks (node2vec with\n"
      "--p/--q) then skip-gram with negative sampling (word2vec defaults).\n"
      "Output by extension: .npy (numpy.load), .h5 (/embeddings/METHOD), else text\n"
      "`node v1 … vd` (optionally gzip with .gz; --word2vec-header for gensim).\n"
      "Examples:\n"
      "  sprig embed data/karate.edges.gz --dim 16 -o karate.txt\n"
      "  sprig embed data/polblogs.edges.gz --method node2vec --p 0.5 --q 2 -o pb.npy\n"
      "  sprig embed rmat:16:16 --method fastrp --dim 64 -o emb.h5 --json");
  auto a = std::make_shared<EmbedArgs>();
  sub->add_option("GRAPH", a->source, kGraphHelp)->required();
  sub->add_option("-o,--output", a->out, "output file: .txt[.gz] / .npy / .h5")->required();
  sub->add_option("--method", a->method, "fastrp, deepwalk or node2vec")
      ->check(CLI::IsMember({"fastrp", "deepwalk", "node2vec"}))
      ->capture_default_str();
  sub->add_option("--dim", a->dim, "embedding dimension")->capture_default_str();
  sub->add_flag("--word2vec-header", a->word2vec_header, "text output: first line `n d`");
  sub->add_option("--iteration-weights", a->iteration_weights, "fastrp: weight of each power of the transition matrix")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--beta", a->beta, "fastrp: normalization strength (degree^beta)")->capture_default_str();
  sub->add_option("--self-influence", a->self_influence, "fastrp: weight of the node's own random vector")
      ->capture_default_str();
  sub->add_option("--sparsity", a->sparsity, "fastrp: projection sparsity s (0: sqrt(n); 3: Neo4j GDS)")
      ->capture_default_str();
  sub->add_flag("--standardize", a->standardize, "fastrp: standardise each column (the reference's final scale)");
  sub->add_flag("--no-row-normalize", a->no_row_normalize, "fastrp: do not L2-normalise each iteration's rows");
  sub->add_flag("--unweighted", a->unweighted, "ignore edge weights");
  sub->add_option("--walks-per-node", a->walks_per_node, "walks: walks started from each node")->capture_default_str();
  sub->add_option("--walk-length", a->length, "walks: nodes per walk")->capture_default_str();
  sub->add_option("--p", a->p, "node2vec: return parameter")->capture_default_str();
  sub->add_option("--q", a->q, "node2vec: in-out parameter")->capture_default_str();
  sub->add_option("--sampling", a->sampling, "weighted steps: alias or prefix")
      ->check(CLI::IsMember({"alias", "prefix"}))
      ->capture_default_str();
  sub->add_option("--window", a->window, "skip-gram: context window")->capture_default_str();
  sub->add_option("--negative", a->negative, "skip-gram: negatives per pair")->capture_default_str();
  sub->add_option("--epochs", a->epochs, "skip-gram: passes over the walks")->capture_default_str();
  sub->add_option("--lr", a->lr, "skip-gram: initial learning rate")->capture_default_str();
  sub->add_option("--sample", a->sample, "skip-gram: sub-sampling threshold (0: off)")->capture_default_str();
  sub->add_option("--batch-walks", a->batch_walks, "walks generated per batch (0: all at once)")->capture_default_str();
  sub->add_flag("--deterministic", a->deterministic, "skip-gram: single-threaded, bitwise reproducible");
  add_graph_flags(sub, a->flags);
  add_common_flags(sub);
  on_run(sub, [a] {
    const auto t0 = std::chrono::steady_clock::now();
    const Graph g = load_graph(a->source, source_options(a->flags));
    const auto t1 = std::chrono::steady_clock::now();
    Matrix x;
    h5::Attributes attrs{{"method", a->method}, {"dim", a->dim}, {"seed", static_cast<std::int64_t>(common().seed)}};
    if (a->method == "fastrp") {
      FastRpOptions o;
      o.dim = a->dim;
      o.iteration_weights = a->iteration_weights;
      o.normalization_strength = a->beta;
      o.node_self_influence = a->self_influence;
      o.sparsity = a->sparsity;
      o.standardize = a->standardize;
      o.normalize_rows = !a->no_row_normalize;
      o.use_weights = !a->unweighted;
      o.seed = common().seed;
      o.progress = progress();
      x = fastrp(g, o);
      attrs["iteration_weights"] = std::vector<double>(a->iteration_weights.begin(), a->iteration_weights.end());
      attrs["normalization_strength"] = static_cast<double>(a->beta);
    } else {
      if (a->method == "deepwalk" && (a->p != 1 || a->q != 1))
        throw InvalidArgument("embed: --p/--q are node2vec options (use --method node2vec)");
      if (g.num_arcs() == 0) note("the graph has no edges: every walk has length 1 and the vectors stay at their initial values");
      WalkOptions wo{.walks_per_node = a->walks_per_node, .length = a->length, .p = a->p, .q = a->q,
                     .use_weights = !a->unweighted,
                     .sampling = a->sampling == "alias" ? WeightedSampling::alias : WeightedSampling::prefix_sum,
                     .seed = common().seed, .progress = progress()};
      SkipGramOptions so{.dim = a->dim, .window = a->window, .negative = a->negative, .learning_rate = a->lr,
                         .epochs = a->epochs, .sample = a->sample, .deterministic = a->deterministic,
                         .seed = common().seed, .progress = progress()};
      x = node2vec_embedding(g, wo, so, a->batch_walks);
      attrs["p"] = a->p;
      attrs["q"] = a->q;
      attrs["walks_per_node"] = a->walks_per_node;
      attrs["walk_length"] = a->length;
      attrs["window"] = a->window;
    }
    const auto t2 = std::chrono::steady_clock::now();
    write_output(*a, g, x, attrs);
    const auto t3 = std::chrono::steady_clock::now();
    finish_progress();
    auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
    nlohmann::ordered_json report;
    report["graph"] = a->source;
    report["method"] = a->method;
    report["nodes"] = g.num_nodes();
    report["edges"] = g.num_edges();
    report["dim"] = a->dim;
    report["output"] = a->out;
    report["load_seconds"] = secs(t1 - t0);
    report["embed_seconds"] = secs(t2 - t1);
    report["write_seconds"] = secs(t3 - t2);
    print_report(report);
  });
}

}  // namespace sprig::cli
