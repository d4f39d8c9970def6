// GNN link prediction: decoder backward passes (dot, MLP, NCN) by finite
// differences against h and every parameter; the BCE loss against its formula;
// training negatives never edges and identical under 1, 2 and 4 threads;
// end-to-end training on real graphs beating chance by a wide margin and
// reproducible across thread counts; the error paths; `sprig train --task link --json`.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "gnn/gradcheck.hpp"
#include "test_config.hpp"

#include <sprig/gnn/features.hpp>
#include <sprig/gnn/link.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/metrics/linkpred_split.hpp>

#include "test_graphs.hpp"

using namespace sprig;
using namespace sprig::gnn;

namespace {

std::vector<NodePair> random_pairs(node_t n, std::size_t count, std::uint64_t seed) {
  std::vector<NodePair> p;
  Philox rng(seed, 5);
  while (p.size() < count) {
    const auto u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    if (u != v) p.push_back({u, v});
  }
  return p;
}

// Finite-difference check of a decoder: inputs are h and then every parameter.
void check_decoder(LinkDecoderKind kind) {
  const node_t n = 30;
  const int d = 6;
  const Graph g = test::random_multigraph(n, 120, 17);
  auto pairs = random_pairs(n, 25, 4);
  pairs.push_back({3, 4});
  pairs.push_back(pairs[0]);  // a repeated pair: gradients add up
  const PairNodeLists cn = common_neighbor_lists(g, pairs);
  REQUIRE(cn.nodes.size() > 10);  // NCN sums must matter
  auto dec = make_link_decoder(kind, d, {.hidden = 5, .seed = 3});
  const auto params = dec->parameters();
  std::vector<Matrix> inputs = {test::random_features(n, d, 8)};
  for (Param* p : params) {
    // Biases off zero, so the ReLU sees both signs and every entry matters.
    if (!p->decay) p->value = test::random_features(p->value.rows(), p->value.cols(), 99, -0.3f, 0.3f);
    inputs.push_back(p->value);
  }
  const Context ctx{.training = true, .seed = 1, .step = 0};
  auto set_params = [&](const std::vector<Matrix>& in) {
    for (std::size_t k = 0; k < params.size(); ++k) params[k]->value = in[k + 1];
  };
  auto fwd = [&](const std::vector<Matrix>& in) -> Matrix {
    set_params(in);
    return Matrix(dec->forward(in[0], pairs, &cn, ctx));
  };
  auto bwd = [&](const std::vector<Matrix>& in, const Matrix& gout) {
    set_params(in);
    for (Param* p : params) p->zero_grad();
    (void)dec->forward(in[0], pairs, &cn, ctx);
    Matrix dh = Matrix::Zero(in[0].rows(), in[0].cols());
    dec->backward(in[0], pairs, &cn, Vector(gout.col(0)), dh);
    std::vector<Matrix> out = {dh};
    for (Param* p : params) out.push_back(p->grad);
    return out;
  };
  test::GradcheckOptions go;
  go.eps = 5e-3;
  go.max_entries = 64;
  const auto r = test::gradcheck_fn(fwd, bwd, inputs, go);
  INFO(std::string(link_decoder_name(kind)) << ": " << r.report);
  CHECK(r.ok);
  CHECK(r.checked >= 64);
}

Graph data_graph(const std::string& name) {
  return read_graph(std::string(SPRIG_DATA_DIR) + "/" + name + ".edges.gz");
}

struct TrainRun {
  LinkTrainResult result;
  std::vector<double> scores;
};

TrainRun train_on(const Graph& g, const std::string& model_kind, LinkDecoderKind dk, int epochs,
                  std::uint64_t seed, const std::string& features = "identity") {
  RandomLinkSplitOptions so;
  so.valid_fraction = 0.1;
  so.test_fraction = 0.2;
  so.seed = seed;
  auto sp = random_link_split(g, so);
  const auto feats = make_features(sp.train, parse_feature_kinds(features), {.seed = seed});
  ModelSpec spec;
  spec.kind = model_kind;
  spec.in_features = feats.in_features(sp.train.num_nodes());
  spec.identity_input = feats.identity;
  spec.hidden = 32;
  spec.out_features = 32;
  spec.layers = 2;
  spec.dropout = 0.0;
  Model enc = make_model(spec, seed);
  auto dec = make_link_decoder(dk, 32, {.hidden = 32, .seed = seed});
  LinkTrainOptions to;
  to.epochs = epochs;
  to.lr = 0.01;
  to.patience = 0;
  to.eval_every = 5;
  to.eval_negs_per_pos = 20;
  to.seed = seed;
  TrainRun run;
  run.result = train_link({&enc, dec.get()}, sp.train, sp.full, feats.x, sp.split, to);
  run.scores = link_predict({&enc, dec.get()}, sp.train, feats.x, sp.split.test_pos);
  return run;
}

}  // namespace

TEST_CASE("link decoders: backward matches finite differences (dot, mlp, ncn)") {
  check_decoder(LinkDecoderKind::dot);
  check_decoder(LinkDecoderKind::mlp);
  check_decoder(LinkDecoderKind::ncn);
}

TEST_CASE("link decoders: dot is the inner product; ncn sees common neighbours") {
  Matrix h(4, 2);
  h << 1, 2, 3, 4, -1, 0.5f, 0, 0;
  auto dot = make_link_decoder(LinkDecoderKind::dot, 2);
  const std::vector<NodePair> pairs = {{0, 1}, {1, 2}, {3, 0}};
  const Vector s = dot->forward(h, pairs, nullptr, {});
  CHECK(s(0) == doctest::Approx(11));
  CHECK(s(1) == doctest::Approx(-1));
  CHECK(s(2) == doctest::Approx(0));
  // NCN: the same pair with and without a common neighbour scores differently.
  auto ncn = make_link_decoder(LinkDecoderKind::ncn, 2, {.hidden = 4, .seed = 2});
  PairNodeLists none{{0, 0}, {}}, one{{0, 1}, {2}};
  const std::vector<NodePair> p01 = {{0, 1}};
  CHECK(ncn->forward(h, p01, &none, {})(0) != ncn->forward(h, p01, &one, {})(0));
  CHECK(test::thrown<Error>([&] { ncn->forward(h, p01, nullptr, {}); }).find("common-neighbour") != std::string::npos);
  const std::vector<NodePair> bad = {{0, 4}};
  CHECK(test::thrown<Error>([&] { dot->forward(h, bad, nullptr, {}); }).find("outside [0, 4)") != std::string::npos);
  CHECK(test::thrown<Error>([] { parse_link_decoder("cosine"); }).find("dot, mlp or ncn") != std::string::npos);
}

TEST_CASE("link loss: BCE with logits over positives and negatives") {
  Vector pos(3), neg(2);
  pos << 2.0f, -1.0f, 0.0f;
  neg << 0.5f, -3.0f;
  Vector dp, dn;
  const double l = link_bce_loss(pos, neg, dp, dn);
  auto sp = [](double x) { return std::log1p(std::exp(x)); };
  const double expect = (sp(-2) + sp(1) + sp(0) + sp(0.5) + sp(-3)) / 5;
  CHECK(l == doctest::Approx(expect).epsilon(1e-6));
  auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
  CHECK(dp(0) == doctest::Approx((sig(2) - 1) / 5).epsilon(1e-5));
  CHECK(dn(1) == doctest::Approx(sig(-3) / 5).epsilon(1e-5));
  Vector bad(1);
  bad << std::nanf("");
  CHECK(test::thrown<Error>([&] { link_bce_loss(bad, neg, dp, dn); }).find("NaN") != std::string::npos);
}

TEST_CASE("link negatives: never an arc or a self-pair; identical for 1, 2, 4 threads") {
  const Graph g = test::random_multigraph(500, 4000, 2);
  const auto ref = with_threads(1, [&] { return sample_training_negatives(g, 20000, 7, 3); });
  REQUIRE(ref.size() == 20000);
  for (const auto& p : ref) {
    REQUIRE(p.u != p.v);
    REQUIRE(!g.has_arc(p.u, p.v));
  }
  for (int t : {2, 4}) CHECK(ref == with_threads(t, [&] { return sample_training_negatives(g, 20000, 7, 3); }));
  CHECK(ref != sample_training_negatives(g, 20000, 7, 4));
  // Roughly uniform endpoints: every node appears as u about 40 times.
  std::vector<int> cnt(500, 0);
  for (const auto& p : ref) ++cnt[static_cast<std::size_t>(p.u)];
  CHECK(*std::min_element(cnt.begin(), cnt.end()) > 10);
  CHECK(*std::max_element(cnt.begin(), cnt.end()) < 80);
}

TEST_CASE("link training: GCN + dot / MLP / NCN on polbooks well above chance") {
  const Graph g = data_graph("polbooks");
  const int epochs = test::kSanitized ? 20 : 100;
  for (LinkDecoderKind dk : {LinkDecoderKind::dot, LinkDecoderKind::mlp, LinkDecoderKind::ncn}) {
    const auto run = train_on(g, "gcn", dk, epochs, 3);
    INFO(link_decoder_name(dk) << " test AUC " << run.result.test.auc << ", loss " << run.result.final_loss);
    CHECK(run.result.epochs == epochs);
    CHECK(run.result.loss_history.back() < run.result.loss_history.front());
    if (!test::kSanitized) CHECK(run.result.test.auc > 0.80);
  }
}

TEST_CASE("link training: identical results for 1, 2 and 4 threads") {
  const Graph g = data_graph("karate");
  const auto a = with_threads(1, [&] { return train_on(g, "gcn", LinkDecoderKind::ncn, 15, 5, "degree+fastrp"); });
  for (int t : {2, 4}) {
    const auto b = with_threads(t, [&] { return train_on(g, "gcn", LinkDecoderKind::ncn, 15, 5, "degree+fastrp"); });
    CHECK(a.scores == b.scores);
    CHECK(a.result.loss_history == b.result.loss_history);
    CHECK(a.result.test.auc == b.result.test.auc);
  }
}

TEST_CASE("link training: errors name the argument") {
  const Graph g = data_graph("karate");
  auto sp = random_link_split(g, {.valid_fraction = 0.1, .test_fraction = 0.2, .seed = 1});
  ModelSpec spec;
  spec.kind = "gcn";
  spec.in_features = 3;
  spec.out_features = 8;
  spec.hidden = 8;
  Model enc = make_model(spec, 1);
  auto dec = make_link_decoder(LinkDecoderKind::dot, 8);
  Matrix x = Matrix::Ones(g.num_nodes(), 3);
  LinkTrainOptions to;
  to.epochs = 3;
  to.lr = 0;
  CHECK(test::thrown<Error>([&] { train_link({&enc, dec.get()}, sp.train, sp.full, x, sp.split, to); }).find("learning rate") !=
        std::string::npos);
  to.lr = 0.01;
  Matrix short_x = Matrix::Ones(5, 3);
  CHECK(test::thrown<Error>([&] { train_link({&enc, dec.get()}, sp.train, sp.full, short_x, sp.split, to); }).find("5 rows") !=
        std::string::npos);
  to.early_stop = "hits@7";
  CHECK(test::thrown<Error>([&] { train_link({&enc, dec.get()}, sp.train, sp.full, x, sp.split, to); }).find("hits@7") !=
        std::string::npos);
  to.early_stop = "auc";
  Matrix nan_x = x;
  nan_x(4, 1) = std::nanf("");
  CHECK(test::thrown<Error>([&] { train_link({&enc, dec.get()}, sp.train, sp.full, nan_x, sp.split, to); }).find("epoch 1") !=
        std::string::npos);
  CHECK(test::thrown<Error>([&] { train_link({nullptr, dec.get()}, sp.train, sp.full, x, sp.split, to); }).find("encoder") !=
        std::string::npos);
}

TEST_CASE("link training: early stopping keeps the best validation epoch") {
  const Graph g = data_graph("football");
  auto sp = random_link_split(g, {.valid_fraction = 0.1, .test_fraction = 0.2, .seed = 2});
  ModelSpec spec;
  spec.kind = "gcn";
  spec.in_features = g.num_nodes();
  spec.identity_input = true;
  spec.hidden = 16;
  spec.out_features = 16;
  spec.dropout = 0;
  Model enc = make_model(spec, 2);
  auto dec = make_link_decoder(LinkDecoderKind::dot, 16);
  LinkTrainOptions to;
  to.epochs = test::kSanitized ? 30 : 300;
  to.lr = 0.05;  // fast enough to overfit and trigger the patience
  to.patience = 10;
  to.eval_negs_per_pos = 10;
  std::vector<double> seen;
  to.on_epoch = [&](int, double, double m) { seen.push_back(m); };
  const auto r = train_link({&enc, dec.get()}, sp.train, sp.full, Matrix(), sp.split, to);
  REQUIRE(!seen.empty());
  CHECK(r.best_valid == *std::max_element(seen.begin(), seen.end()));
  CHECK(r.valid.auc == doctest::Approx(r.best_valid));  // the best parameters were restored
  if (r.epochs < to.epochs) CHECK(r.epochs - r.best_epoch == 10);
}

TEST_CASE("link cli: sprig train --task link --json ends with one JSON line") {
  const std::string cli = SPRIG_CLI_PATH;
  if (cli.empty()) return;
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sprig-link-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto run = [&](const std::string& args, std::string& out, std::string& err) {
    const std::string o = (dir / "out").string(), e = (dir / "err").string();
    const int st = std::system(("'" + cli + "' " + args + " >'" + o + "' 2>'" + e + "' </dev/null").c_str());
    std::stringstream so, se;
    so << std::ifstream(o).rdbuf();
    se << std::ifstream(e).rdbuf();
    out = so.str();
    err = se.str();
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  };
  const std::string karate = std::string(SPRIG_DATA_DIR) + "/karate.edges.gz";
  std::string out, err;
  const int code = run("train '" + karate +
                           "' --task link --decoder ncn --epochs 8 --eval-every 2 --negs-per-pos 10 --json --threads 2",
                       out, err);
  INFO(out << err);
  REQUIRE(code == 0);
  REQUIRE(!out.empty());
  out.pop_back();  // the final newline
  const auto j = nlohmann::json::parse(out.substr(out.rfind('\n') + 1));
  for (const char* key : {"auc", "hits@50", "mrr", "epochs", "seconds"}) CHECK(j.contains(key));
  CHECK(j["epochs"] == 8);
  CHECK(j["decoder"] == "ncn");
  CHECK(err.find("epoch    2") != std::string::npos);  // per-epoch lines go to stderr with --json
  CHECK(run("train '" + karate + "' --task link --decoder cosine", out, err) == 2);
  CHECK(run("train '" + karate + "' --task link --lr 0", out, err) == 1);
  CHECK(err.find("learning rate") != std::string::npos);
  std::error_code ec;
  fs::remove_all(dir, ec);
}
