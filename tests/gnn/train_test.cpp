// Tests of gnn/train, gnn/serialize and `sprig train`: the seeded split,
// accuracy on football and polblogs against the PyTorch reference of issue #7,
// determinism for 1/2/4 threads, bad input, NaN loss, model files.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <sprig/gnn/model.hpp>
#include <sprig/gnn/serialize.hpp>
#include <sprig/gnn/train.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/transform.hpp>
#include <sprig/io/graph_source.hpp>
#include <sprig/io/labels.hpp>

#include "test_config.hpp"

using namespace sprig;
using namespace sprig::gnn;

namespace {

struct Dataset {
  Graph g;
  std::vector<std::int32_t> labels;
  int classes = 0;
};

Dataset load(const std::string& name) {
  Dataset d;
  d.g = load_graph(std::string(SPRIG_DATA_DIR) + "/" + name + ".edges.gz");
  NodeLabels l = read_labels(std::string(SPRIG_DATA_DIR) + "/" + name + ".labels",
                             LabelReadOptions{.nodes = static_cast<std::int64_t>(d.g.num_nodes())});
  d.labels = l.label;
  d.classes = static_cast<int>(l.num_classes());
  return d;
}

ModelSpec gcn_spec(const Dataset& d) {
  return ModelSpec{.kind = "gcn",
                   .in_features = static_cast<int>(d.g.num_nodes()),
                   .hidden = 64,
                   .out_features = d.classes,
                   .layers = 2,
                   .dropout = 0.5,
                   .identity_input = true};
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
}

std::string run_cli(const std::string& args, int* status) {
  const std::string out = temp_path("sprig-train-cli.out");
  const std::string cmd = std::string(SPRIG_CLI_PATH) + " " + args + " > " + out + " 2>&1";
  const int rc = std::system(cmd.c_str());
  *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  std::ifstream f(out);
  std::stringstream ss;
  ss << f.rdbuf();
  std::filesystem::remove(out);
  return ss.str();
}

}  // namespace

TEST_CASE("gnn train: seeded 60/20/20 split") {
  std::vector<std::int32_t> labels(1000, 1);
  for (int i = 0; i < 1000; i += 7) labels[static_cast<std::size_t>(i)] = -1;
  const NodeMasks a = seeded_split(labels, 3), b = seeded_split(labels, 3), c = seeded_split(labels, 4);
  const std::size_t k = 1000 - 143;
  CHECK(a.train.size() == static_cast<std::size_t>(std::llround(0.6 * k)));
  CHECK(a.valid.size() == static_cast<std::size_t>(std::llround(0.2 * k)));
  CHECK(a.train.size() + a.valid.size() + a.test.size() == k);
  CHECK(a.train == b.train);
  CHECK(a.test == b.test);
  CHECK(a.train != c.train);
  std::vector<int> seen(1000, 0);
  for (const auto* l : {&a.train, &a.valid, &a.test})
    for (node_t v : *l) {
      CHECK(labels[static_cast<std::size_t>(v)] >= 0);
      ++seen[static_cast<std::size_t>(v)];
    }
  for (int i = 0; i < 1000; ++i) CHECK(seen[static_cast<std::size_t>(i)] == (labels[static_cast<std::size_t>(i)] >= 0 ? 1 : 0));
  CHECK_THROWS_AS(seeded_split(labels, 1, 0.9, 0.2), InvalidArgument);
}

// The issue quotes 0.913 for a PyTorch GCN on football; the plain-PyTorch reference of
// bench/peers/gnn_torch.py, run on exactly these five seeded splits (written by
// `sprig train --write-split`), measured 0.870, 0.826, 0.783, 0.957, 0.913 (mean
// 0.8696): with 23 test nodes a split moves the mean by several points. sprig must
// reach the reference measured on the same splits within 1.5 points (CHECK); the
// issue's figure is reported (WARN) — see bench/RESULTS.md "## GNN quality".
TEST_CASE("gnn train: GCN on football reaches the PyTorch reference within 1.5 points") {
  const Dataset d = load("football");
  REQUIRE(d.g.num_nodes() == 115);
  double sum = 0;
  const int seeds = 5;
  for (int s = 1; s <= seeds; ++s) {
    const NodeMasks m = seeded_split(d.labels, static_cast<std::uint64_t>(s));
    Model model = make_model(gcn_spec(d), static_cast<std::uint64_t>(s));
    const NodeTrainResult r = train_node_classifier(model, d.g, Matrix(), d.labels, m,
                                                    NodeTrainOptions{.epochs = 200, .seed = static_cast<std::uint64_t>(s)});
    MESSAGE("seed " << s << ": test " << r.test_accuracy << " val " << r.val_accuracy << " best epoch " << r.best_epoch);
    sum += r.test_accuracy;
  }
  const double mean = sum / seeds;
  MESSAGE("football GCN mean test accuracy over " << seeds << " seeds: " << mean);
  constexpr double kTorchSameSplits = 0.8696;
  CHECK(mean >= kTorchSameSplits - 0.015);
  WARN(mean >= 0.913 - 0.015);
}

// Polblogs, largest component (1222 nodes), identity features, 2 layers, hidden 64,
// 200 epochs: the splits and seeds `sprig train --largest-component --seed S` uses,
// on which bench/peers/gnn_torch.py (plain PyTorch 1.13, same architecture) measured
// the per-seed test accuracies below (bench/RESULTS.md "## GNN quality"). sprig's mean
// over the same seeds must be within 1.5 points of torch's mean over them; under the
// sanitizers fewer seeds run (the bound is the same, on the same seeds).
namespace {

struct Lcc {
  Graph g;
  std::vector<std::int32_t> labels;
  int classes = 0;
};

Lcc polblogs_lcc() {
  Dataset d = load("polblogs");
  Graph g = d.g.directed() ? symmetrize(d.g) : std::move(d.g);
  Subgraph s = largest_component(g);
  Lcc r;
  r.g = std::move(s.graph);
  r.labels.resize(static_cast<std::size_t>(r.g.num_nodes()));
  for (node_t v = 0; v < r.g.num_nodes(); ++v)
    r.labels[static_cast<std::size_t>(v)] = d.labels[static_cast<std::size_t>(s.old_id_of_new[static_cast<std::size_t>(v)])];
  r.classes = d.classes;
  return r;
}

double polblogs_accuracy(const Lcc& p, const std::string& kind, int seed) {
  const NodeMasks m = seeded_split(p.labels, static_cast<std::uint64_t>(seed));
  double s = 0;
  for (node_t v : m.train) s += std::log(static_cast<double>(p.g.neighbors(v).size()) + 1.0);
  const ModelSpec spec{.kind = kind,
                       .in_features = static_cast<int>(p.g.num_nodes()),
                       .hidden = 64,
                       .out_features = p.classes,
                       .layers = 2,
                       .dropout = 0.5,
                       .identity_input = true,
                       .avg_log_degree = std::max(1e-6, s / static_cast<double>(m.train.size()))};
  Model model = make_model(spec, static_cast<std::uint64_t>(seed));
  const NodeTrainResult r = train_node_classifier(model, p.g, Matrix(), p.labels, m,
                                                  NodeTrainOptions{.epochs = 200, .seed = static_cast<std::uint64_t>(seed)});
  return r.test_accuracy;
}

void check_polblogs(const std::string& kind, const std::vector<double>& torch, double issue_value) {
  const Lcc p = polblogs_lcc();
  REQUIRE(p.g.num_nodes() == 1222);
  const int seeds = sprig::test::kSanitized ? 2 : static_cast<int>(torch.size());
  double ours = 0, ref = 0;
  for (int s = 1; s <= seeds; ++s) {
    const double a = polblogs_accuracy(p, kind, s);
    MESSAGE(kind << " seed " << s << ": sprig " << a << ", torch " << torch[static_cast<std::size_t>(s - 1)]);
    ours += a;
    ref += torch[static_cast<std::size_t>(s - 1)];
  }
  ours /= seeds;
  ref /= seeds;
  MESSAGE("polblogs " << kind << " mean test accuracy over " << seeds << " seeds: sprig " << ours << ", torch " << ref);
  CHECK(ours >= ref - 0.015);
  if (!sprig::test::kSanitized) WARN(ours >= issue_value - 0.015);
}

}  // namespace

TEST_CASE("gnn train: SAGE (mean) on polblogs reaches the PyTorch reference within 1.5 points") {
  // bench/peers/gnn_torch.py on the splits of seeds 1..5 (mean 0.9592; the issue quotes 0.953).
  check_polblogs("sage", {0.96327, 0.97143, 0.96327, 0.93878, 0.95918}, 0.953);
}

TEST_CASE("gnn train: GIN on polblogs reaches the PyTorch reference within 1.5 points") {
  // bench/peers/gnn_torch.py on the same splits (mean 0.8629: its seed-4 run collapses to
  // 0.502, the other four average 0.953; the issue quotes 0.945).
  check_polblogs("gin", {0.95918, 0.95918, 0.95102, 0.50204, 0.94286}, 0.945);
}

TEST_CASE("gnn train: identical results for 1, 2 and 4 threads") {
  const Dataset d = load("polbooks");
  const NodeMasks m = seeded_split(d.labels, 2);
  std::vector<NodeTrainResult> rs;
  std::vector<Matrix> w;
  for (int t : {1, 2, 4}) {
    with_threads(t, [&] {
      for (const char* kind : {"gcn", "gin"}) {
        ModelSpec spec = gcn_spec(d);
        spec.kind = kind;
        Model model = make_model(spec, 5);
        rs.push_back(train_node_classifier(model, d.g, Matrix(), d.labels, m, NodeTrainOptions{.epochs = 15, .seed = 5}));
        w.push_back(model.parameters()[0]->value);
      }
    });
  }
  for (std::size_t i = 2; i < rs.size(); ++i) {
    CHECK(rs[i].final_loss == rs[i % 2].final_loss);
    CHECK(rs[i].test_accuracy == rs[i % 2].test_accuracy);
    CHECK(w[i] == w[i % 2]);
  }
}

TEST_CASE("gnn train: dense features, DAGNN, AdamW with a cosine schedule, early stopping") {
  const Dataset d = load("football");
  const NodeMasks m = seeded_split(d.labels, 1);
  Matrix x = Matrix::Identity(115, 115);
  Model model = make_model(ModelSpec{.kind = "dagnn", .in_features = 115, .out_features = d.classes, .dagnn_k = 4}, 1);
  const NodeTrainResult r =
      train_node_classifier(model, d.g, x, d.labels, m,
                            NodeTrainOptions{.epochs = 300, .adamw = true,
                                             .schedule = LrSchedule{.kind = ScheduleKind::cosine, .total_epochs = 300},
                                             .patience = 30});
  CHECK(r.epochs < 300);  // stopped early
  CHECK(r.epochs - r.best_epoch == 30);
  CHECK(r.test_accuracy > 0.7);
}

TEST_CASE("gnn train: bad input is a clear error") {
  const Dataset d = load("football");
  const NodeMasks m = seeded_split(d.labels, 1);
  ModelSpec dense{.kind = "gcn", .in_features = 4, .out_features = d.classes};
  SUBCASE("feature rows") {
    Model model = make_model(dense, 1);
    CHECK_THROWS_WITH_AS(train_node_classifier(model, d.g, Matrix::Zero(100, 4), d.labels, m),
                         doctest::Contains("features have 100 rows but the graph has 115 nodes"), InvalidArgument);
  }
  SUBCASE("NaN features") {
    Model model = make_model(dense, 1);
    Matrix x = Matrix::Zero(115, 4);
    x(17, 2) = std::nanf("");
    CHECK_THROWS_WITH_AS(train_node_classifier(model, d.g, x, d.labels, m),
                         doctest::Contains("NaN or infinite values (1 rows, first at node 17)"), InvalidArgument);
  }
  SUBCASE("labels out of range") {
    Model model = make_model(dense, 1);
    auto bad = d.labels;
    bad[5] = 40;
    CHECK_THROWS_WITH_AS(train_node_classifier(model, d.g, Matrix::Zero(115, 4), bad, m),
                         doctest::Contains("label 40 of node 5 is out of range"), InvalidArgument);
  }
  SUBCASE("empty train mask") {
    Model model = make_model(dense, 1);
    NodeMasks e = m;
    e.train.clear();
    CHECK_THROWS_WITH_AS(train_node_classifier(model, d.g, Matrix::Zero(115, 4), d.labels, e),
                         doctest::Contains("training mask is empty"), InvalidArgument);
  }
  SUBCASE("learning rate") {
    Model model = make_model(dense, 1);
    CHECK_THROWS_WITH_AS(train_node_classifier(model, d.g, Matrix::Zero(115, 4), d.labels, m, NodeTrainOptions{.lr = 0}),
                         doctest::Contains("learning rate must be > 0"), InvalidArgument);
  }
  SUBCASE("a loss that becomes NaN names the epoch") {
    Model model = make_model(dense, 1);
    // An absurd learning rate: the first step makes the weights ~1e30, the second
    // forward overflows float and the loss is no longer finite.
    Matrix x = Matrix::Ones(115, 4);
    CHECK_THROWS_WITH_AS(train_node_classifier(model, d.g, x, d.labels, m, NodeTrainOptions{.lr = 1e30}),
                         doctest::Contains("epoch 2: training loss is"), Error);
  }
}

TEST_CASE("gnn serialize: a saved model predicts the same after loading") {
  const Dataset d = load("polbooks");
  const NodeMasks m = seeded_split(d.labels, 1);
  for (const char* kind : {"gcn", "gin", "dagnn"}) {
    CAPTURE(kind);
    ModelSpec spec = gcn_spec(d);
    spec.kind = kind;
    spec.layer_norm = std::string(kind) == "gin";
    Model model = make_model(spec, 3);
    train_node_classifier(model, d.g, Matrix(), d.labels, m, NodeTrainOptions{.epochs = 10});
    const std::string path = temp_path("sprig-model.h5");
    save_model(path, model);
    Model back = load_model(path);
    std::filesystem::remove(path);
    CHECK(back.spec().kind == spec.kind);
    CHECK(back.spec().layer_norm == spec.layer_norm);
    const auto pa = model.parameters(), pb = back.parameters();
    REQUIRE(pa.size() == pb.size());
    for (std::size_t i = 0; i < pa.size(); ++i) {
      CHECK(pa[i]->name == pb[i]->name);
      CHECK(pa[i]->value == pb[i]->value);
    }
    CHECK(predict_nodes(model, d.g, Matrix()) == predict_nodes(back, d.g, Matrix()));
  }
  CHECK_THROWS_AS(load_model(std::string(SPRIG_DATA_DIR) + "/karate.edges.gz"), IoError);
}

TEST_CASE("sprig train: node task end to end") {
  if (std::string(SPRIG_CLI_PATH).empty()) return;
  const std::string data = SPRIG_DATA_DIR;
  const std::string model = temp_path("sprig-cli-model.h5"), split = temp_path("sprig-cli-split.txt");
  int status = 0;
  const std::string out = run_cli("train " + data + "/football.edges.gz --labels " + data +
                                      "/football.labels --task node --model gcn --hidden 32 --layers 2 --epochs 30 "
                                      "--lr 0.01 --seed 3 --json -o " + model + " --write-split " + split,
                                  &status);
  CHECK(status == 0);
  const auto last = out.substr(out.rfind('{'));
  const auto j = nlohmann::json::parse(last);
  CHECK(j["epochs"].get<int>() == 30);
  CHECK(j["test_accuracy"].get<double>() > 0.3);
  CHECK(j.contains("val_accuracy"));
  CHECK(j.contains("seconds"));
  CHECK(std::filesystem::exists(model));
  std::ifstream sf(split);
  int lines = 0;
  for (std::string line; std::getline(sf, line);)
    if (!line.empty() && line[0] != '#') ++lines;
  CHECK(lines == 115);
  Model back = load_model(model);
  CHECK(back.spec().out_features == 12);
  std::filesystem::remove(model);
  std::filesystem::remove(split);

  const std::string bad = run_cli("train " + data + "/football.edges.gz --labels " + data + "/football.labels --lr 0", &status);
  CHECK(status == 1);
  CHECK(bad.find("learning rate must be > 0") != std::string::npos);
  const std::string nolabels = run_cli("train " + data + "/football.edges.gz", &status);
  CHECK(status == 1);
  CHECK(nolabels.find("no node labels") != std::string::npos);
}
