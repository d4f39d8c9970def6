// `sprig linkpred split|score|eval` and `sprig run` end to end: the scores the
// command writes against the library's, eval's numbers against the library's
// metrics, the split file read back, error exits that write nothing.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/hdf5_graph.hpp>
#include <sprig/metrics/linkpred_eval.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

namespace fs = std::filesystem;
using namespace sprig;

namespace {

const std::string kLpCli = SPRIG_CLI_PATH;
const std::string kLpData = SPRIG_DATA_DIR;

struct LpScratch {
  fs::path dir;
  LpScratch() {
    static int c = 0;
    dir = fs::temp_directory_path() / ("sprig-linkpred-test-" + std::to_string(::getpid()) + "-" + std::to_string(c++));
    fs::create_directories(dir);
  }
  ~LpScratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string at(const std::string& name) const { return (dir / name).string(); }
};

std::string lp_slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct LpResult {
  int code = -1;
  std::string out, err;
};

LpResult lp_run(const LpScratch& s, const std::string& args) {
  const std::string out = s.at("stdout"), err = s.at("stderr");
  const int st = std::system(("'" + kLpCli + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null").c_str());
  LpResult r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = lp_slurp(out);
  r.err = lp_slurp(err);
  return r;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

}  // namespace

TEST_CASE("linkpred cli: score keeps input order, names columns, matches the library") {
  if (kLpCli.empty()) return;
  LpScratch s;
  const std::string karate = kLpData + "/karate.edges.gz";
  const Graph g = read_graph(karate);
  const std::vector<NodePair> pairs = {{0, 33}, {5, 2}, {16, 30}, {0, 1}, {33, 2}};
  write_text(s.at("pairs.txt"), "# u v\n0 33\n5 2\n\n16\t30\n0,1\n33 2\n");
  const auto r = lp_run(s, "linkpred score '" + karate + "' --pairs '" + s.at("pairs.txt") +
                               "' --scores cn,aa,katz,ppr -o '" + s.at("out.tsv") + "' --quiet");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const LinkScore sc[] = {LinkScore::common_neighbors, LinkScore::adamic_adar, LinkScore::katz, LinkScore::ppr};
  const auto want = link_scores(g, pairs, sc);
  std::istringstream in(lp_slurp(s.at("out.tsv")));
  std::string line;
  std::getline(in, line);
  CHECK(line == "# u v cn aa katz ppr");
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    REQUIRE(std::getline(in, line));
    std::istringstream ls(line);
    node_t u, v;
    ls >> u >> v;
    CHECK(u == pairs[i].u);
    CHECK(v == pairs[i].v);
    for (std::size_t j = 0; j < 4; ++j) {
      double x;
      ls >> x;
      CHECK(x == want[j][i]);  // full precision: bitwise round trip
    }
  }
  // Bad pairs: the error names the file and line; no output file appears.
  write_text(s.at("bad.txt"), "0 1\n2 34\n");
  const auto b = lp_run(s, "linkpred score '" + karate + "' --pairs '" + s.at("bad.txt") + "' -o '" + s.at("bad.tsv") + "'");
  CHECK(b.code == 1);
  CHECK(b.err.find("bad.txt line 2: node id 34 >= n = 34") != std::string::npos);
  CHECK(!fs::exists(s.at("bad.tsv")));
  const auto u = lp_run(s, "linkpred score '" + karate + "' --pairs '" + s.at("pairs.txt") + "' --scores cn,nope");
  CHECK(u.code == 1);
  CHECK(u.err.find("unknown link score 'nope'") != std::string::npos);
}

TEST_CASE("linkpred cli: eval prints the library's metrics; NaN and bad K are errors") {
  if (kLpCli.empty()) return;
  LpScratch s;
  const std::vector<double> pos = {0.9, 0.8, 0.8, 0.3, 0.1, 0.7};
  const std::vector<double> neg = {0.8, 0.5, 0.3, 0.3, 0.2, 0.1, 0.0, 0.4, 0.9, 0.2, 0.1, 0.6};
  std::string p = "# u v cn score\n", n = "# u v cn score\n";
  for (std::size_t i = 0; i < pos.size(); ++i) p += "1 2 7 " + std::to_string(pos[i]) + "\n";
  for (std::size_t i = 0; i < neg.size(); ++i) n += "3 4 7 " + std::to_string(neg[i]) + "\n";
  write_text(s.at("p.tsv"), p);
  write_text(s.at("n.tsv"), n);
  const auto r = lp_run(s, "linkpred eval --pos '" + s.at("p.tsv") + "' --neg '" + s.at("n.tsv") +
                               "' --column score --negs-per-pos 2 --hits 1,3 --json");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const auto j = nlohmann::json::parse(r.out);
  LinkEvalOptions eo;
  eo.hits_k = {1, 3};
  eo.negs_per_pos = 2;
  const auto want = evaluate_link_prediction(pos, neg, eo);
  CHECK(j["auc"].get<double>() == doctest::Approx(want.auc));
  CHECK(j["ap"].get<double>() == doctest::Approx(want.ap));
  CHECK(j["hits@1"].get<double>() == doctest::Approx(want.hits[0]));
  CHECK(j["hits@3"].get<double>() == doctest::Approx(want.hits[1]));
  CHECK(j["mrr"].get<double>() == doctest::Approx(want.mrr));
  write_text(s.at("nan.tsv"), "0.5\nnan\n");
  const auto bad = lp_run(s, "linkpred eval --pos '" + s.at("nan.tsv") + "' --neg '" + s.at("n.tsv") + "'");
  CHECK(bad.code == 1);
  CHECK(bad.err.find("nan.tsv line 2") != std::string::npos);
  const auto k0 = lp_run(s, "linkpred eval --pos '" + s.at("p.tsv") + "' --neg '" + s.at("n.tsv") + "' --hits 0");
  CHECK(k0.code == 1);
  CHECK(k0.err.find("hits K must be > 0") != std::string::npos);
  const auto col = lp_run(s, "linkpred eval --pos '" + s.at("p.tsv") + "' --neg '" + s.at("n.tsv") + "' --column zz");
  CHECK(col.code == 1);
  CHECK(col.err.find("no column named 'zz'") != std::string::npos);
}

TEST_CASE("linkpred cli: split writes the training graph and the pairs; run prints its table") {
  if (kLpCli.empty()) return;
  LpScratch s;
  const std::string dolphins = kLpData + "/dolphins.edges.gz";
  const auto r = lp_run(s, "linkpred split '" + dolphins + "' --test 0.2 --valid 0.1 --negs-per-pos 3 -o '" +
                               s.at("split.h5") + "' --quiet --json");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const Graph g = read_graph(dolphins);
  const auto h = read_hdf5(s.at("split.h5"));
  const auto& ls = h.data.links;
  CHECK(ls.method == "random");
  CHECK(ls.test.pos.size() / 2 == static_cast<std::size_t>(std::llround(0.2 * static_cast<double>(g.num_edges()))));
  CHECK(ls.test.neg.size() == 3 * ls.test.pos.size());
  CHECK(h.graph.num_edges() == static_cast<std::int64_t>(ls.train.pos.size() / 2));
  CHECK(h.graph.num_edges() + static_cast<std::int64_t>((ls.valid.pos.size() + ls.test.pos.size()) / 2) ==
        g.num_edges());
  for (std::size_t i = 0; i < ls.test.pos.size(); i += 2) {
    CHECK(g.has_arc(ls.test.pos[i], ls.test.pos[i + 1]));
    CHECK(!h.graph.has_arc(ls.test.pos[i], ls.test.pos[i + 1]));
  }
  // run on the split file uses its pairs; --out saves every score.
  const auto run = lp_run(s, "run '" + s.at("split.h5") + "' --methods cn,ra,katz --embeddings none --gnn-epochs 0 --json --quiet --out '" +
                                 s.at("report.h5") + "'");
  REQUIRE_MESSAGE(run.code == 0, run.err);
  const auto j = nlohmann::json::parse(run.out);
  REQUIRE(j["methods"].size() == 3);
  CHECK(j["methods"][1]["method"] == "ra");
  CHECK(j["negs_per_pos"] == 3);
  CHECK(j["methods"][0]["auc"].get<double>() > 0.5);
  CHECK(fs::exists(s.at("report.h5")));
  CHECK(!fs::exists(s.at("report.h5") + ".tmp-run"));
  // A split larger than the graph allows: a clear error and no file.
  const auto big = lp_run(s, "linkpred split '" + dolphins + "' --test 0.9 --valid 0.2 -o '" + s.at("big.h5") + "'");
  CHECK(big.code == 1);
  CHECK(big.err.find("valid_fraction + test_fraction must be < 1") != std::string::npos);
  CHECK(!fs::exists(s.at("big.h5")));
  const auto tmp = lp_run(s, "linkpred split '" + dolphins + "' --method temporal -o '" + s.at("t.h5") + "'");
  CHECK(tmp.code == 1);
  CHECK(tmp.err.find("no time column") != std::string::npos);
  const auto table = lp_run(s, "run '" + kLpData + "/karate.edges.gz' --negs-per-pos 5 --quiet");
  REQUIRE_MESSAGE(table.code == 0, table.err);
  CHECK(table.out.find("method          AUC      AP  Hits@20  Hits@50  Hits@100     MRR  time(s)") != std::string::npos);
  CHECK(table.out.find("\nra ") != std::string::npos);
}
