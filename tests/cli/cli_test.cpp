// The `sprig` command end to end: runs the built binary (SPRIG_CLI_PATH) on the
// bundled graphs and checks its output, its JSON, its exit codes and its files.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <sprig/io/edge_list_io.hpp>

namespace fs = std::filesystem;

namespace {

const std::string kCli = SPRIG_CLI_PATH;
const std::string kData = SPRIG_DATA_DIR;

struct Result {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scratch folder for one test case, removed at the end.
struct Scratch {
  fs::path dir;
  Scratch() {
    dir = fs::temp_directory_path() / ("sprig-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

// Runs `sprig ARGS` through the shell, capturing stdout, stderr and the exit status.
Result run(const std::string& args) {
  Scratch s;
  const std::string out = s / "stdout", err = s / "stderr";
  const std::string cmd = "'" + kCli + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string data(const std::string& name) { return "'" + kData + "/" + name + "'"; }

bool contains_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l))
    if (l == line) return true;
  return false;
}

bool same_graph(const sprig::Graph& a, const sprig::Graph& b) {
  auto eq = [](auto x, auto y) { return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin()); };
  return a.directed() == b.directed() && eq(a.offsets(), b.offsets()) && eq(a.targets(), b.targets()) &&
         eq(a.weights(), b.weights());
}

}  // namespace

TEST_CASE("cli: sprig info on karate prints 34 nodes and 78 edges") {
  REQUIRE_MESSAGE(!kCli.empty(), "SPRIG_CLI_PATH is empty: build with SPRIG_BUILD_CLI=ON");
  const Result r = run("info " + data("karate.edges.gz"));
  CHECK(r.code == 0);
  CHECK(contains_line(r.out, "nodes: 34"));
  CHECK(contains_line(r.out, "edges: 78"));
  CHECK(contains_line(r.out, "directed: no"));
  CHECK(contains_line(r.out, "weighted: no"));
  CHECK(contains_line(r.out, "degree_max: 17"));  // node 33 (Zachary's club president)
  CHECK(contains_line(r.out, "components: 1"));
  CHECK(contains_line(r.out, "largest_component: 34"));
  CHECK(r.err.empty());
}

TEST_CASE("cli: sprig info --json prints exactly one JSON object") {
  const Result r = run("info " + data("karate.edges.gz") + " --json");
  REQUIRE(r.code == 0);
  nlohmann::json j;
  REQUIRE_NOTHROW(j = nlohmann::json::parse(r.out));  // throws on anything after the object
  REQUIRE(j.is_object());
  CHECK(j["nodes"] == 34);
  CHECK(j["edges"] == 78);
  CHECK(j["directed"] == false);
  CHECK(j["isolated_nodes"] == 0);
}

TEST_CASE("cli: weighted and directed bundled graphs") {
  const Result les = run("info " + data("lesmis.edges.gz") + " --json");
  REQUIRE(les.code == 0);
  const auto l = nlohmann::json::parse(les.out);
  CHECK(l["nodes"] == 77);
  CHECK(l["edges"] == 254);
  CHECK(l["weighted"] == true);

  const Result pb = run("info " + data("polblogs.edges.gz") + " --json");
  REQUIRE(pb.code == 0);
  const auto p = nlohmann::json::parse(pb.out);
  CHECK(p["nodes"] == 1490);
  CHECK(p["edges"] == 19022);
  CHECK(p["directed"] == true);
  CHECK(p["largest_component"] == 1222);  // Adamic & Glance's giant (weak) component
}

TEST_CASE("cli: a missing file is an error naming the file, exit 1") {
  const Result r = run("info /nonexistent/missing-graph.edges");
  CHECK(r.code == 1);
  CHECK(r.err.rfind("sprig: error:", 0) == 0);
  CHECK(r.err.find("missing-graph.edges") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("cli: a malformed file names the file and the line, exit 1") {
  Scratch s;
  const std::string bad = s / "bad.edges";
  std::ofstream(bad) << "0 1\n1 x\n";
  const Result r = run("info '" + bad + "'");
  CHECK(r.code == 1);
  CHECK(r.err.rfind("sprig: error:", 0) == 0);
  CHECK(r.err.find("bad.edges") != std::string::npos);
  CHECK(r.err.find("line 2") != std::string::npos);
}

TEST_CASE("cli: usage errors exit 2") {
  CHECK(run("info " + data("karate.edges.gz") + " --no-such-option").code == 2);
  CHECK(run("info").code == 2);                 // missing GRAPH
  CHECK(run("").code == 2);                     // no subcommand
  CHECK(run("frobnicate").code == 2);           // unknown subcommand
  CHECK(run("info x --threads -3").code == 2);  // invalid value
  const Result help = run("info --help");
  CHECK(help.code == 0);
  CHECK(help.out.find("GRAPH") != std::string::npos);
}

TEST_CASE("cli: convert karate to Matrix Market and back gives the same graph") {
  Scratch s;
  const std::string mtx = s / "karate.mtx", back = s / "karate.edges";
  const Result a = run("convert " + data("karate.edges.gz") + " '" + mtx + "' --quiet");
  REQUIRE(a.code == 0);
  REQUIRE(fs::exists(mtx));
  CHECK(slurp(mtx).rfind("%%MatrixMarket", 0) == 0);
  const Result b = run("convert '" + mtx + "' '" + back + "' --quiet");
  REQUIRE(b.code == 0);
  const sprig::Graph orig = sprig::read_graph(kData + "/karate.edges.gz");
  const sprig::Graph via_mtx = sprig::read_graph(mtx);
  const sprig::Graph round = sprig::read_graph(back);
  CHECK(same_graph(orig, via_mtx));
  CHECK(same_graph(orig, round));

  // Weighted and directed graphs survive the round trip too.
  for (const std::string g : {"lesmis", "polblogs"}) {
    const std::string m = s / (g + ".mtx.gz"), e = s / (g + ".tsv");
    REQUIRE(run("convert " + data(g + ".edges.gz") + " '" + m + "'").code == 0);
    REQUIRE(run("convert '" + m + "' '" + e + "'").code == 0);
    CHECK(same_graph(sprig::read_graph(kData + "/" + g + ".edges.gz"), sprig::read_graph(e)));
  }
}

TEST_CASE("cli: convert leaves no file behind when it fails") {
  Scratch s;
  const std::string out = s / "out.mtx";
  const Result r = run("convert /nonexistent/in.edges '" + out + "'");
  CHECK(r.code == 1);
  CHECK_FALSE(fs::exists(out));
  CHECK(fs::is_empty(s.dir));
}

TEST_CASE("cli: generate er writes the requested graph, then info reads it") {
  Scratch s;
  const std::string out = s / "er.edges.gz";
  const Result g = run("generate er --nodes 500 --edges 2000 --seed 5 -o '" + out + "' --json");
  REQUIRE(g.code == 0);
  const auto gj = nlohmann::json::parse(g.out);
  CHECK(gj["nodes"] == 500);
  CHECK(gj["edges"] == 2000);
  const Result i = run("info '" + out + "' --json");
  REQUIRE(i.code == 0);
  const auto ij = nlohmann::json::parse(i.out);
  CHECK(ij["nodes"] == 500);
  CHECK(ij["edges"] == 2000);  // G(n, m) has exactly m distinct edges
  CHECK(ij["self_loops_removed"] == 0);
  CHECK(ij["duplicates_merged"] == 0);

  // Same seed, same bytes; any thread count (same header name: --name er).
  const std::string again = s / "er2.edges.gz";
  REQUIRE(run("generate er --nodes 500 --edges 2000 --seed 5 --threads 1 --name er -o '" + again + "'").code == 0);
  CHECK(slurp(out) == slurp(again));
}

TEST_CASE("cli: generate sbm writes a labels file with one block per node") {
  Scratch s;
  const std::string out = s / "sbm.edges", labels = s / "sbm.labels";
  const Result r = run("generate sbm --blocks 3 --block-size 20 --p-in 0.3 --p-out 0.01 -o '" + out +
                       "' --labels-out '" + labels + "' --quiet");
  REQUIRE(r.code == 0);
  std::ifstream in(labels);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    int node = -1, block = -1;
    fields >> node >> block;
    CHECK(node == rows);
    CHECK(block == rows / 20);  // blocks hold contiguous id ranges
    ++rows;
  }
  CHECK(rows == 60);
  const auto ij = nlohmann::json::parse(run("info '" + out + "' --json").out);
  CHECK(ij["nodes"] == 60);
}

TEST_CASE("cli: other generators run and report their size") {
  Scratch s;
  struct Case {
    std::string args;
    std::int64_t nodes;
  };
  for (const Case& c : {Case{"rmat --scale 8 --edge-factor 4", 256}, Case{"gnp --nodes 300 --p 0.02", 300},
                        Case{"ba --nodes 300 --m 3", 300}, Case{"ws --nodes 300 --k 3 --beta 0.2", 300}}) {
    const std::string out = s / "g.edges";
    const Result r = run("generate " + c.args + " -o '" + out + "' --json");
    REQUIRE_MESSAGE(r.code == 0, c.args << ": " << r.err);
    CHECK(nlohmann::json::parse(r.out)["nodes"] == c.nodes);
    CHECK(nlohmann::json::parse(run("info '" + out + "' --json").out)["nodes"] == c.nodes);
  }
  CHECK(run("generate ba --nodes 10 --m 20 -o '" + (s / "x.edges") + "'").code == 1);  // m ≥ n
  CHECK(run("generate er --nodes 10 -o '" + (s / "x.edges") + "'").code == 2);         // --edges missing
}

TEST_CASE("cli: a generator spec as GRAPH is deterministic for any thread count") {
  const Result a = run("info rmat:10:8 --seed 3");
  const Result b = run("info rmat:10:8 --seed 3");
  REQUIRE(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(contains_line(a.out, "nodes: 1024"));
  const Result t1 = run("info rmat:10:8 --seed 3 --threads 1 --json");
  const Result t2 = run("info rmat:10:8 --seed 3 --threads 2 --json");
  REQUIRE(t1.code == 0);
  CHECK(t1.out == t2.out);
  const Result other = run("info rmat:10:8 --seed 4 --json");
  CHECK(nlohmann::json::parse(other.out)["edges"] != nlohmann::json::parse(t1.out)["edges"]);
  CHECK(run("info er:1000:5000 --json").code == 0);
  CHECK(run("info rmat:x").code == 1);  // a malformed spec names the field
}

TEST_CASE("cli: summary prints one row per bundled graph") {
  const Result r = run("summary " + data("karate.edges.gz") + " " + data("polblogs.edges.gz"));
  REQUIRE(r.code == 0);
  std::istringstream in(r.out);
  std::string header, karate, polblogs, extra;
  std::getline(in, header);
  std::getline(in, karate);
  std::getline(in, polblogs);
  CHECK(header.rfind("graph", 0) == 0);
  CHECK(karate.rfind("karate", 0) == 0);
  CHECK(karate.find(" 34 ") != std::string::npos);
  CHECK(karate.find(" 78 ") != std::string::npos);
  CHECK(polblogs.rfind("polblogs", 0) == 0);
  CHECK_FALSE(std::getline(in, extra));
  const Result j = run("summary " + data("karate.edges.gz") + " " + data("polblogs.edges.gz") + " --json");
  REQUIRE(j.code == 0);
  const auto graphs = nlohmann::json::parse(j.out)["graphs"];
  REQUIRE(graphs.size() == 2);
  CHECK(graphs[0]["name"] == "karate");
  CHECK(graphs[1]["edges"] == 19022);
}

TEST_CASE("cli: --nodes and --directed override the header") {
  const auto j = nlohmann::json::parse(run("info " + data("karate.edges.gz") + " --nodes 40 --json").out);
  CHECK(j["nodes"] == 40);
  CHECK(j["isolated_nodes"] == 6);
  CHECK(j["components"] == 7);
  const auto d = nlohmann::json::parse(run("info " + data("karate.edges.gz") + " --directed --json").out);
  CHECK(d["directed"] == true);
  CHECK(d["edges"] == 78);
  const Result small = run("info " + data("karate.edges.gz") + " --nodes 10");
  CHECK(small.code == 1);  // an id ≥ the declared count is an error, not a skip
  CHECK(small.err.find("karate.edges.gz") != std::string::npos);
}
