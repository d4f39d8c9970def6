// `sprig stats / centrality / communities / wl` end to end on the bundled graphs.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sprig/io/hdf5.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "netsci_common.hpp"

namespace fs = std::filesystem;

namespace {
struct CliResult {
  int code = -1;
  std::string out, err;
};
std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
struct Dir {
  fs::path dir = fs::temp_directory_path() / ("sprig-netsci-cli-" + std::to_string(::getpid()));
  Dir() { fs::create_directories(dir); }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string operator/(const std::string& n) const { return (dir / n).string(); }
};
CliResult sprig_cli(const Dir& d, const std::string& args) {
  const std::string cmd = std::string("'") + SPRIG_CLI_PATH + "' " + args + " >'" + d / "out" + "' 2>'" + d / "err" + "' </dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_all(d / "out"), read_all(d / "err")};
}
std::string data(const std::string& name) { return std::string("'") + SPRIG_DATA_DIR + "/" + name + "'"; }
}  // namespace

TEST_CASE("netsci cli: sprig stats --json gives the summary and writes the CCDF plot") {
  REQUIRE_MESSAGE(std::string(SPRIG_CLI_PATH).size() > 0, "built without the CLI");
  Dir d;
  const auto r = sprig_cli(d, "stats " + data("karate.edges.gz") + " --json --quiet --p-samples 20 --ci-samples 20 --plot '" +
                                 d / "ccdf.svg" + "'");
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["nodes"] == 34);
  CHECK(j["edges"] == 78);
  CHECK(j["power_law"]["xmin"] == netsci_test::expected("karate")["power_law"]["xmin"].get<int>());
  CHECK(j["clustering"]["triangles"] == 45);
  CHECK(j["distances"]["diameter"] == 5);
  CHECK(j["components"]["weak"] == 1);
  CHECK(j["communities"]["modularity"].get<double>() > 0.4);
  const std::string svg = read_all(d / "ccdf.svg");
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("<path") != std::string::npos);  // the fitted line
  // same output for any --threads
  const auto r1 = sprig_cli(d, "stats " + data("karate.edges.gz") + " --json --quiet --p-samples 20 --ci-samples 20 --threads 1");
  const auto r2 = sprig_cli(d, "stats " + data("karate.edges.gz") + " --json --quiet --p-samples 20 --ci-samples 20 --threads 2");
  CHECK(r1.out == r2.out);
}

TEST_CASE("netsci cli: centrality, communities and wl write per-node files") {
  Dir d;
  auto r = sprig_cli(d, "centrality " + data("karate.edges.gz") + " --pagerank --betweenness -o '" + d / "c.tsv" + "'");
  REQUIRE(r.code == 0);
  const std::string c = read_all(d / "c.tsv");
  CHECK(c.rfind("node\tpagerank\tbetweenness\n", 0) == 0);
  CHECK(c.find("\n0\t") != std::string::npos);
  // --power-iteration: the plain solver, same fixed point, more passes
  r = sprig_cli(d, "centrality " + data("dolphins.edges.gz") + " --pagerank --tolerance 1e-13 --json -o '" + d / "a.tsv" + "'");
  REQUIRE(r.code == 0);
  const auto fast_passes = nlohmann::json::parse(r.out)["pagerank_iterations"].get<int>();
  r = sprig_cli(d, "centrality " + data("dolphins.edges.gz") + " --pagerank --tolerance 1e-13 --power-iteration --json -o '" + d / "b.tsv" + "'");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["pagerank_iterations"].get<int>() > fast_passes);
  {
    std::istringstream a(read_all(d / "a.tsv")), b(read_all(d / "b.tsv"));
    std::string la, lb;
    std::getline(a, la), std::getline(b, lb);
    double diff = 0;
    for (int node, node2; a >> node && b >> node2;) {
      double x, y;
      a >> x, b >> y;
      diff += std::abs(x - y);
    }
    CHECK(diff < 1e-9);
  }
  r = sprig_cli(d, "communities " + data("football.edges.gz") + " -o '" + d / "m.txt" + "'");
  REQUIRE(r.code == 0);
  CHECK(read_all(d / "m.txt").find("\n114 ") != std::string::npos);
  r = sprig_cli(d, "wl " + data("karate.edges.gz") + " --networkx --json");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["graph_hash"] == netsci_test::expected("karate")["wl"]["graph_hash"]);
  r = sprig_cli(d, "centrality " + data("karate.edges.gz"));
  CHECK(r.code == 1);
  CHECK(r.err.find("choose at least one") != std::string::npos);
  r = sprig_cli(d, "communities " + data("karate.edges.gz") + " --method leiden --json --seed 3");
  REQUIRE(r.code == 0);
  const auto lj = nlohmann::json::parse(r.out);
  CHECK(lj["method"] == "leiden");
  CHECK(lj["modularity"].get<double>() == doctest::Approx(0.41979).epsilon(1e-4));
  CHECK(lj["membership"].size() == 34);
  r = sprig_cli(d, "communities " + data("karate.edges.gz") + " --method infomap");
  CHECK(r.code == 2);
}

TEST_CASE("netsci cli: -o FILE.h5 writes /nodes/<measure> beside the graph; values equal the text output") {
  Dir d;
  const std::string h5 = d / "k.h5";
  auto r = sprig_cli(d, "centrality " + data("karate.edges.gz") + " --pagerank --betweenness --degree -o '" + h5 + "' --quiet");
  REQUIRE(r.code == 0);
  r = sprig_cli(d, "communities " + data("karate.edges.gz") + " --method leiden --seed 2 -o '" + h5 + "' --quiet");
  REQUIRE(r.code == 0);
  r = sprig_cli(d, "wl " + data("karate.edges.gz") + " --iterations 2 -o '" + h5 + "' --quiet");
  REQUIRE(r.code == 0);
  // the same measures as text
  r = sprig_cli(d, "centrality " + data("karate.edges.gz") + " --pagerank --betweenness --degree -o '" + d / "c.tsv" + "'");
  REQUIRE(r.code == 0);
  r = sprig_cli(d, "communities " + data("karate.edges.gz") + " --method leiden --seed 2 --json");
  REQUIRE(r.code == 0);
  const auto comm = nlohmann::json::parse(r.out)["membership"].get<std::vector<double>>();
  {
    auto f = sprig::h5::File::open(h5);
    std::istringstream tsv(read_all(d / "c.tsv"));
    std::string line;
    std::getline(tsv, line);
    CHECK(line == "node\tdegree\tpagerank\tbetweenness");
    const auto deg = f.open_dataset("/nodes/degree").read_all<double>();
    const auto pr = f.open_dataset("/nodes/pagerank").read_all<double>();
    const auto bc = f.open_dataset("/nodes/betweenness").read_all<double>();
    REQUIRE(pr.size() == 34);
    for (int v = 0; v < 34; ++v) {
      std::getline(tsv, line);
      std::istringstream ls(line);
      double node, a, b, c;
      ls >> node >> a >> b >> c;
      CHECK(deg[v] == a);
      CHECK(pr[v] == b);  // text is written with shortest round-trip formatting
      CHECK(bc[v] == c);
    }
    CHECK(f.open_dataset("/nodes/community").read_all<double>() == comm);
    const auto attrs = f.open_dataset("/nodes/pagerank").read_attrs();
    CHECK(std::get<double>(attrs.at("pagerank_damping")) == 0.85);
    CHECK(std::get<std::string>(f.open_dataset("/nodes/community").read_attr("method")) == "leiden");
    const auto wl = f.open_dataset("/nodes/wl_colors");
    CHECK(wl.dims() == std::vector<hsize_t>{34, 3});
  }
  // the file still reads as the graph it describes
  const auto back = sprig::read_hdf5(h5);
  CHECK(back.graph.num_nodes() == 34);
  CHECK(back.graph.num_edges() == 78);
  // a rerun replaces the dataset; a graph of another size is refused with the file named
  r = sprig_cli(d, "centrality " + data("karate.edges.gz") + " --pagerank --damping 0.5 -o '" + h5 + "' --quiet");
  REQUIRE(r.code == 0);
  CHECK(std::get<double>(sprig::h5::File::open(h5).open_dataset("/nodes/pagerank").read_attr("pagerank_damping")) == 0.5);
  r = sprig_cli(d, "centrality " + data("dolphins.edges.gz") + " --pagerank -o '" + h5 + "' --quiet");
  CHECK(r.code == 1);
  CHECK(r.err.find("k.h5") != std::string::npos);
  r = sprig_cli(d, "wl " + data("karate.edges.gz") + " --networkx -o '" + h5 + "'");
  CHECK(r.code == 1);
}

TEST_CASE("netsci cli: sampled betweenness with --epsilon/--delta") {
  Dir d;
  auto r = sprig_cli(d, "centrality " + data("polbooks.edges.gz") + " --betweenness --json --quiet");
  REQUIRE(r.code == 0);
  const auto exact = nlohmann::json::parse(r.out)["betweenness"].get<std::vector<double>>();
  r = sprig_cli(d, "centrality " + data("polbooks.edges.gz") + " --betweenness --epsilon 0.02 --delta 0.1 --json --quiet");
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto est = j["betweenness"].get<std::vector<double>>();
  const double bound = j["betweenness_error_bound"].get<double>();
  CHECK(j["betweenness_samples"].get<long>() > 1000);
  REQUIRE(est.size() == exact.size());
  for (std::size_t v = 0; v < est.size(); ++v) CHECK(std::abs(est[v] - exact[v]) <= bound);
  r = sprig_cli(d, "centrality " + data("polbooks.edges.gz") + " --betweenness --epsilon 0.02 --samples 10");
  CHECK(r.code == 1);
}

TEST_CASE("netsci cli: sprig stats --plot writes a PNG (cairo) of the right size") {
  Dir d;
  const auto r = sprig_cli(d, "stats " + data("polbooks.edges.gz") + " --quiet --p-samples 10 --ci-samples 10 --plot '" +
                                 d / "ccdf.png" + "'");
  REQUIRE(r.code == 0);
  const std::string png = read_all(d / "ccdf.png");
  REQUIRE(png.size() > 33);
  CHECK(png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) == 0);
  CHECK(png.compare(12, 4, "IHDR") == 0);
  auto be32 = [&](std::size_t i) {
    return (static_cast<unsigned>(static_cast<unsigned char>(png[i])) << 24) | (static_cast<unsigned char>(png[i + 1]) << 16) |
           (static_cast<unsigned char>(png[i + 2]) << 8) | static_cast<unsigned char>(png[i + 3]);
  };
  CHECK(be32(16) == 640);  // width
  CHECK(be32(20) == 480);  // height
  CHECK(!fs::exists(d / "ccdf.png.tmp-0"));
  const auto bad = sprig_cli(d, "stats " + data("karate.edges.gz") + " --quiet --plot '" + d / "ccdf.gif" + "'");
  CHECK(bad.code == 1);
  CHECK(bad.err.find(".svg or .png") != std::string::npos);
}
