// `sprig train --task link` and the GNN row of `sprig run` (see train_link.hpp).
#include "train_link.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

#include <sprig/embed/embedding_file.hpp>
#include <sprig/gnn/features.hpp>
#include <sprig/gnn/link.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/gnn/serialize.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/graph/transform.hpp>

#include "common.hpp"
#include "linkpred_common.hpp"

namespace sprig::cli {

namespace {

struct LinkFlags {
  std::string decoder = "dot";
  std::string early_stop = "auc";
  std::size_t negs_per_pos = 100;
  std::size_t valid_negs_per_pos = 20;
  int eval_every = 1;
  double valid = 0.05, test = 0.10;
};

LinkFlags& link_flags() {
  static LinkFlags f;
  return f;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void add_train_link_flags(CLI::App* sub) {
  LinkFlags& f = link_flags();
  sub->add_option("--decoder", f.decoder, "link task: pair decoder dot, mlp or ncn (neural common neighbours)")
      ->check(CLI::IsMember({"dot", "mlp", "ncn"}))
      ->capture_default_str();
  sub->add_option("--early-stop", f.early_stop, "link task: validation metric for early stopping (auc, mrr, hits@50)")
      ->capture_default_str();
  sub->add_option("--negs-per-pos", f.negs_per_pos, "link task: uniform negatives per test positive (MRR, Hits@K)")
      ->capture_default_str();
  sub->add_option("--valid-negs-per-pos", f.valid_negs_per_pos, "link task: negatives per validation positive")
      ->capture_default_str();
  sub->add_option("--eval-every", f.eval_every, "link task: evaluate on validation every k epochs")
      ->capture_default_str();
  sub->add_option("--valid-fraction", f.valid, "link task: fraction of edges held out for validation")
      ->capture_default_str();
  sub->add_option("--test-fraction", f.test, "link task: fraction of edges held out for test")->capture_default_str();
}

int run_train_link(const TrainArgs& a) {
  const auto& c = common();
  const LinkFlags& lf = link_flags();
  SPRIG_EXPECTS(a.labels.empty(), "train: --labels is for --task node (link prediction needs no labels)");
  SPRIG_EXPECTS(!a.largest_component, "train: --largest-component is for --task node");
  SPRIG_EXPECTS(lf.negs_per_pos > 0 && lf.valid_negs_per_pos > 0, "train: --negs-per-pos must be > 0");

  // ---- graph and split
  LinkGraph lg = load_link_graph(a.graph, a.graph_flags);
  LinkTask task = link_task(std::move(lg), a.graph, "train", lf.valid, lf.test, c.seed);
  Graph& train = task.train;
  Graph& full = task.full;
  LinkPredSplit& split = task.split;
  const node_t n = train.num_nodes();
  // Test negatives: the file's per-positive rows, else --negs-per-pos uniform ones (as `sprig run`).
  if (split.negs_per_pos == 0 || split.test_neg.size() != split.negs_per_pos * split.test_pos.size()) {
    NegativeOptions no;
    no.seed = counter_hash(c.seed, 2, 0x11);
    no.per_positive = lf.negs_per_pos;
    no.progress = progress();
    split.test_neg = sample_negatives(train, full, split.test_pos, no);
    split.valid_neg.clear();  // drawn by train_link with --valid-negs-per-pos
    split.negs_per_pos = lf.negs_per_pos;
  }

  // ---- features (of the training graph: held-out edges must not leak into degrees or FastRP)
  gnn::InputFeatures feat;
  if (ends_with(a.features, ".npy")) {
    feat.x = read_embedding_npy(a.features);
    feat.columns = {a.features};
  } else {
    feat = gnn::make_features(train, gnn::parse_feature_kinds(a.features.empty() ? "identity" : a.features),
                              gnn::FeatureOptions{.seed = c.seed, .progress = progress()});
  }
  if (!feat.identity) gnn::check_features(feat.x, n, fmt::format("train: features {}", a.features));

  // ---- model and training
  gnn::ModelSpec spec = model_spec(a, feat, n, a.hidden);
  {  // PNA's δ: mean log(d + 1) over the training graph.
    double s = 0;
    for (node_t v = 0; v < n; ++v) s += std::log(static_cast<double>(train.degree(v)) + 1.0);
    if (n > 0) spec.avg_log_degree = std::max(1e-6, s / static_cast<double>(n));
  }
  gnn::Model model = gnn::make_model(spec, c.seed);
  const auto dk = gnn::parse_link_decoder(lf.decoder);
  auto dec = gnn::make_link_decoder(dk, model.out_features(), {.hidden = a.hidden, .seed = c.seed});

  gnn::LinkTrainOptions to;
  to.epochs = a.epochs;
  to.lr = a.lr;
  to.weight_decay = a.weight_decay;
  to.patience = split.valid_pos.empty() ? 0 : a.patience;
  to.eval_every = lf.eval_every;
  to.early_stop = lf.early_stop;
  to.eval_negs_per_pos = lf.valid_negs_per_pos;
  to.seed = c.seed;
  to.progress = progress();
  const bool bar = !c.json && isatty(fileno(stderr));
  std::FILE* epoch_out = c.json ? stderr : stdout;
  if (!c.quiet)
    to.on_epoch = [&](int epoch, double loss, double metric) {
      if (bar) finish_progress();
      std::fprintf(epoch_out, "epoch %4d  loss %.4f  val_%s %.4f\n", epoch, loss, lf.early_stop.c_str(), metric);
      std::fflush(epoch_out);
    };
  const gnn::LinkTrainResult r = gnn::train_link({&model, dec.get()}, train, full, feat.x, split, to);
  finish_progress();
  if (!a.output.empty()) gnn::save_model(a.output, model);

  auto hits = [&](const LinkEvalResult& e, std::int64_t k) {
    for (std::size_t i = 0; i < e.hits_k.size(); ++i)
      if (e.hits_k[i] == k) return e.hits[i];
    return std::nan("");
  };
  nlohmann::ordered_json rep;
  rep["task"] = "link";
  rep["graph"] = source_name(a.graph);
  rep["model"] = a.model;
  rep["decoder"] = lf.decoder;
  rep["nodes"] = n;
  rep["train_edges"] = train.num_edges();
  rep["features"] = feat.identity ? std::string("identity") : fmt::format("{}", fmt::join(feat.columns, "+"));
  rep["split"] = lg.has_split ? split.method + " (from file)" : std::string("random");
  rep["valid_pos"] = split.valid_pos.size();
  rep["test_pos"] = split.test_pos.size();
  rep["negs_per_pos"] = split.negs_per_pos;
  rep["epochs"] = r.epochs;
  rep["best_epoch"] = r.best_epoch;
  rep["final_loss"] = r.final_loss;
  rep["val_" + lf.early_stop] = r.best_valid;
  rep["auc"] = r.test.auc;
  rep["ap"] = r.test.ap;
  rep["hits@20"] = hits(r.test, 20);
  rep["hits@50"] = hits(r.test, 50);
  rep["hits@100"] = hits(r.test, 100);
  rep["mrr"] = r.test.mrr;
  rep["seconds"] = r.seconds;
  rep["seed"] = c.seed;
  if (!a.output.empty()) rep["model_file"] = a.output;  // the encoder; the decoder's parameters are not saved
  if (c.json) {
    std::printf("%s\n", rep.dump().c_str());  // one line: the last line of stdout is the whole report
    std::fflush(stdout);
  } else {
    print_report(rep);
  }
  return 0;
}

std::vector<double> run_gnn_scores(const Graph& train, const Graph& full, const LinkPredSplit& split,
                                   std::span<const NodePair> pairs, const RunGnnOptions& opt) {
  const node_t n = train.num_nodes();
  gnn::ModelSpec spec{.kind = "gcn", .in_features = n, .hidden = 64, .out_features = 64, .layers = 2, .dropout = 0.0,
                      .identity_input = true};
  gnn::Model model = gnn::make_model(spec, opt.seed);
  auto dec = gnn::make_link_decoder(gnn::LinkDecoderKind::dot, 64, {.seed = opt.seed});
  gnn::LinkTrainOptions to;
  to.epochs = opt.epochs;
  to.lr = 0.01;
  to.patience = split.valid_pos.empty() ? 0 : 4;  // without validation edges: all epochs, last kept
  to.eval_every = 5;
  to.eval_negs_per_pos = 20;
  to.seed = opt.seed;
  to.progress = progress();
  LinkPredSplit s;  // validation only: the test pairs are scored by the caller
  s.valid_pos = split.valid_pos;
  s.test_pos = split.valid_pos.empty() ? split.test_pos : split.valid_pos;
  s.train_pos = split.train_pos;
  (void)gnn::train_link({&model, dec.get()}, train, full, gnn::Matrix(), s, to);
  return gnn::link_predict({&model, dec.get()}, train, gnn::Matrix(), pairs);
}

}  // namespace sprig::cli
