// `sprig train`: trains a GNN. --task node is full-batch node classification
// (gnn/train); --task link is handed to run_train_link (cli/train_link.cpp).
#include <cmath>
#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

#include <sprig/embed/embedding_file.hpp>
#include <sprig/gnn/features.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/gnn/serialize.hpp>
#include <sprig/gnn/train.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/hdf5_graph.hpp>
#include <sprig/io/labels.hpp>

#include "common.hpp"
#include "train.hpp"

#if __has_include("train_link.hpp")
#include "train_link.hpp"
#define SPRIG_CLI_HAVE_TRAIN_LINK 1
#endif

namespace sprig::cli {

gnn::ModelSpec model_spec(const TrainArgs& a, const gnn::InputFeatures& feat, node_t n, int out_features) {
  return {.kind = a.model,
          .in_features = feat.in_features(n),
          .hidden = a.hidden,
          .out_features = out_features,
          .layers = a.layers,
          .dropout = a.dropout,
          .aggr = a.aggr,
          .identity_input = feat.identity,
          .residual = a.residual,
          .layer_norm = a.layer_norm,
          .virtual_node = a.virtual_node,
          .heads = a.heads,
          .dagnn_k = a.dagnn_k};
}

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int run_train_node(const TrainArgs& a) {
  const auto& c = common();
  // ---- graph, labels, features, split
  Graph g;
  std::vector<std::int32_t> labels;
  std::vector<std::string> class_names;
  gnn::Matrix dataset_features;
  NodeSplit dataset_split;
  if (is_hdf5_path(a.graph)) {
    Hdf5Graph h = read_hdf5(a.graph);
    g = std::move(h.graph);
    labels = std::move(h.data.nodes.labels);
    class_names = std::move(h.data.nodes.classes);
    dataset_split = std::move(h.data.nodes.split);
    const FloatMatrix& f = h.data.nodes.features;
    if (!f.empty() && f.rows > 0) {
      dataset_features.resize(f.rows, f.cols);
      std::copy(f.data.begin(), f.data.end(), dataset_features.data());
    }
  } else {
    g = load_graph(a.graph, source_options(a.graph_flags));
  }
  const node_t n0 = g.num_nodes();
  if (!a.labels.empty()) {
    NodeLabels nl = read_labels(a.labels, LabelReadOptions{.nodes = static_cast<std::int64_t>(n0)});
    labels = std::move(nl.label);
    class_names = std::move(nl.classes);
  }
  if (labels.empty())
    throw InvalidArgument(fmt::format("train: {} has no node labels; give --labels FILE", source_name(a.graph)));
  if (static_cast<node_t>(labels.size()) != n0)
    throw InvalidArgument(fmt::format("train: {} labels for a graph of {} nodes", labels.size(), n0));

  // GCN-style propagation treats the graph as undirected.
  if (g.directed()) g = symmetrize(g);
  std::vector<node_t> old_id;  // node of the trained graph → node of the input
  if (a.largest_component) {
    Subgraph s = largest_component(g);
    g = std::move(s.graph);
    old_id = std::move(s.old_id_of_new);
  } else {
    old_id.resize(static_cast<std::size_t>(n0));
    for (node_t v = 0; v < n0; ++v) old_id[static_cast<std::size_t>(v)] = v;
  }
  const node_t n = g.num_nodes();
  std::vector<std::int32_t> lab(static_cast<std::size_t>(n));
  for (node_t v = 0; v < n; ++v) lab[static_cast<std::size_t>(v)] = labels[static_cast<std::size_t>(old_id[static_cast<std::size_t>(v)])];
  std::int32_t classes = 0;
  for (auto y : lab) classes = std::max(classes, y + 1);
  classes = std::max<std::int32_t>(classes, static_cast<std::int32_t>(class_names.size()));
  if (classes < 2) throw InvalidArgument(fmt::format("train: need at least 2 classes (found {})", classes));

  // Features.
  gnn::InputFeatures feat;
  if (a.features.empty() && dataset_features.rows() > 0) {
    feat.x = std::move(dataset_features);
    if (a.largest_component) {
      gnn::Matrix sub(n, feat.x.cols());
      for (node_t v = 0; v < n; ++v) sub.row(v) = feat.x.row(old_id[static_cast<std::size_t>(v)]);
      feat.x = std::move(sub);
    }
    feat.columns = {"dataset"};
  } else if (ends_with(a.features, ".npy")) {
    gnn::Matrix x = read_embedding_npy(a.features);
    if (x.rows() != n0)
      throw InvalidArgument(fmt::format("train: features {} have {} rows but the graph has {} nodes", a.features,
                                        x.rows(), n0));
    feat.x.resize(n, x.cols());
    for (node_t v = 0; v < n; ++v) feat.x.row(v) = x.row(old_id[static_cast<std::size_t>(v)]);
    feat.columns = {a.features};
  } else {
    feat = gnn::make_features(g, gnn::parse_feature_kinds(a.features.empty() ? "identity" : a.features),
                              gnn::FeatureOptions{.seed = c.seed});
  }
  if (!feat.identity) gnn::check_features(feat.x, n, "train: features");

  gnn::NodeMasks masks;
  if (!dataset_split.empty() && !a.largest_component) {
    masks.train = dataset_split.train;
    masks.valid = dataset_split.valid;
    masks.test = dataset_split.test;
  } else {
    masks = gnn::seeded_split(lab, c.seed);
  }
  if (!a.write_split.empty()) {
    write_text_atomically(a.write_split, [&](TextWriter& w) {
      w.write("# node split (node ids of the input graph)\n");
      for (const auto& [list, name] : {std::pair{&masks.train, "train"}, {&masks.valid, "valid"}, {&masks.test, "test"}})
        for (node_t v : *list) w.write(fmt::format("{} {}\n", old_id[static_cast<std::size_t>(v)], name));
    });
  }

  // ---- model and training
  gnn::ModelSpec spec = model_spec(a, feat, n, classes);
  {  // PNA's δ: mean log(d + 1) over the training nodes.
    double s = 0;
    for (node_t v : masks.train) s += std::log(static_cast<double>(g.neighbors(v).size()) + 1.0);
    if (!masks.train.empty()) spec.avg_log_degree = std::max(1e-6, s / static_cast<double>(masks.train.size()));
  }
  gnn::Model model = gnn::make_model(spec, c.seed);

  const bool show_epochs = !c.quiet;
  std::FILE* epoch_out = c.json ? stderr : stdout;
  const bool bar = !c.json && isatty(fileno(stderr));
  gnn::NodeTrainOptions opt{.epochs = a.epochs,
                            .lr = a.lr,
                            .weight_decay = a.weight_decay,
                            .adamw = a.adamw,
                            .schedule = gnn::LrSchedule{.kind = gnn::parse_schedule(a.schedule), .total_epochs = a.epochs},
                            .patience = a.patience,
                            .seed = c.seed,
                            .progress = progress()};
  if (show_epochs)
    opt.on_epoch = [&](const gnn::EpochStats& st) {
      if (bar) finish_progress();
      std::fprintf(epoch_out, "epoch %4d  loss %.4f  train_acc %.4f  val_acc %.4f\n", st.epoch, st.loss,
                   st.train_accuracy, st.val_accuracy);
      std::fflush(epoch_out);
    };
  const gnn::NodeTrainResult r = gnn::train_node_classifier(model, g, feat.x, lab, masks, opt);
  finish_progress();
  if (!a.output.empty()) gnn::save_model(a.output, model);

  nlohmann::ordered_json rep;
  rep["task"] = "node";
  rep["graph"] = source_name(a.graph);
  rep["model"] = a.model;
  rep["nodes"] = n;
  rep["edges"] = g.num_edges();
  rep["classes"] = classes;
  rep["features"] = feat.identity ? std::string("identity") : fmt::format("{}", fmt::join(feat.columns, "+"));
  rep["train_nodes"] = masks.train.size();
  rep["val_nodes"] = masks.valid.size();
  rep["test_nodes"] = masks.test.size();
  rep["epochs"] = r.epochs;
  rep["best_epoch"] = r.best_epoch;
  rep["final_loss"] = r.final_loss;
  rep["train_accuracy"] = r.train_accuracy;
  rep["val_accuracy"] = r.val_accuracy;
  rep["test_accuracy"] = r.test_accuracy;
  rep["seconds"] = r.seconds;
  rep["seed"] = c.seed;
  if (!a.output.empty()) rep["model_file"] = a.output;
  // --json: one object on one line, the last line of stdout (per-epoch lines went to stderr).
  if (c.json) std::printf("%s\n", rep.dump().c_str());
  else print_report(rep);
  return 0;
}

}  // namespace

void register_train(CLI::App& app) {
  static TrainArgs a;
  auto* sub = app.add_subcommand("train", "train a GNN (node classification or link prediction)");
  sub->add_option("GRAPH", a.graph, kGraphHelp)->required();
  add_graph_flags(sub, a.graph_flags);
  sub->add_option("--labels", a.labels, "node label file (\"node label\" lines); default: the .h5 dataset's labels");
  sub->add_option("--features", a.features,
                  "input features: identity, degree, log_degree, fastrp, orbits (join with +) or a .npy file "
                  "(default: the dataset's features, else identity = one-hot ids, done sparsely)");
  sub->add_option("--task", a.task, "node or link")->check(CLI::IsMember({"node", "link"}))->capture_default_str();
  sub->add_option("--model", a.model, "gcn, sage, gin, gat, pna, dagnn or lcm")
      ->check(CLI::IsMember(gnn::model_kinds()))
      ->capture_default_str();
  sub->add_option("--aggr", a.aggr, "SAGE aggregator (mean, sum, max, min, std, softmax, powermean, lcm, gru); PNA: list")
      ->capture_default_str();
  sub->add_option("--hidden", a.hidden, "hidden width")->capture_default_str();
  sub->add_option("--layers", a.layers, "message-passing layers (DAGNN: MLP layers)")->capture_default_str();
  sub->add_option("--epochs", a.epochs, "maximum epochs")->capture_default_str();
  sub->add_option("--lr", a.lr, "learning rate (> 0)")->capture_default_str();
  sub->add_option("--weight-decay", a.weight_decay, "weight decay (L2 for Adam, decoupled with --adamw)")
      ->capture_default_str();
  sub->add_option("--dropout", a.dropout, "dropout between layers")->capture_default_str();
  sub->add_option("--patience", a.patience, "early stopping: epochs without a better validation score (0: off)")
      ->capture_default_str();
  sub->add_option("--heads", a.heads, "GAT attention heads")->capture_default_str();
  sub->add_option("--dagnn-k", a.dagnn_k, "DAGNN propagation hops")->capture_default_str();
  sub->add_flag("--adamw", a.adamw, "AdamW (decoupled weight decay) instead of Adam");
  sub->add_option("--schedule", a.schedule, "lr schedule: constant, step or cosine")->capture_default_str();
  sub->add_flag("--residual", a.residual, "residual connections around equal-width layers");
  sub->add_flag("--layer-norm", a.layer_norm, "layer norm after each hidden layer");
  sub->add_flag("--virtual-node", a.virtual_node, "a virtual node in each message-passing layer");
  sub->add_flag("--largest-component", a.largest_component, "node task: train on the largest connected component");
  sub->add_option("--write-split", a.write_split, "node task: write the split as \"node train|valid|test\" lines");
  sub->add_option("-o,--output", a.output, "save the trained model (HDF5)");
  add_common_flags(sub);
#ifdef SPRIG_CLI_HAVE_TRAIN_LINK
  add_train_link_flags(sub);  // --decoder, --early-stop, --negs-per-pos, ... (cli/train_link.cpp)
#endif
  on_run(sub, [] {
    if (a.task == "link") {
#ifdef SPRIG_CLI_HAVE_TRAIN_LINK
      run_train_link(a);
      return;
#else
      throw InvalidArgument("train: --task link is not available in this build yet");
#endif
    }
    run_train_node(a);
  });
}

}  // namespace sprig::cli
