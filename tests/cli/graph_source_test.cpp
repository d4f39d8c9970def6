// load_graph(): a GRAPH argument as a file or a generator spec.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <sprig/graph/error.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/graph_source.hpp>

using namespace sprig;
namespace fs = std::filesystem;

namespace {

const std::string kData = SPRIG_DATA_DIR;

bool same_graph(const Graph& a, const Graph& b) {
  auto eq = [](auto x, auto y) { return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin()); };
  return a.directed() == b.directed() && eq(a.offsets(), b.offsets()) && eq(a.targets(), b.targets()) &&
         eq(a.weights(), b.weights());
}

}  // namespace

TEST_CASE("graph_source: a file path reads the file") {
  BuildStats stats;
  const Graph g = load_graph(kData + "/karate.edges.gz", {}, &stats);
  CHECK(g.num_nodes() == 34);
  CHECK(g.num_edges() == 78);
  CHECK(stats.input_edges == 78);
  CHECK(same_graph(g, read_graph(kData + "/karate.edges.gz")));
  CHECK(source_name(kData + "/karate.edges.gz") == "karate");
  CHECK_FALSE(is_generated_source(kData + "/karate.edges.gz"));
}

TEST_CASE("graph_source: --directed and --nodes reach the reader") {
  GraphSourceOptions opt;
  opt.directed = true;
  opt.nodes = 50;
  const Graph g = load_graph(kData + "/karate.edges.gz", opt);
  CHECK(g.directed());
  CHECK(g.num_nodes() == 50);
  CHECK(g.num_arcs() == 78);
}

TEST_CASE("graph_source: a generator spec generates with the seed, same for any thread count") {
  CHECK(is_generated_source("rmat:8:4"));
  CHECK(source_name("rmat:8:4") == "rmat:8:4");
  GraphSourceOptions opt;
  opt.seed = 9;
  const Graph a = with_threads(1, [&] { return load_graph("rmat:8:4", opt); });
  const Graph b = with_threads(2, [&] { return load_graph("rmat:8:4", opt); });
  CHECK(a.num_nodes() == 256);
  CHECK(same_graph(a, b));
  CHECK(same_graph(a, build_csr(generate("rmat:8:4", 9))));
  opt.seed = 10;
  CHECK_FALSE(same_graph(a, load_graph("rmat:8:4", opt)));

  std::vector<std::int32_t> labels{1, 2, 3};
  const EdgeList sbm = load_edge_list("sbm:2:5:0.5:0.1", opt, &labels);
  CHECK(sbm.n == 10);
  CHECK(labels == std::vector<std::int32_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
}

TEST_CASE("graph_source: errors name the file or the spec") {
  try {
    (void)load_graph("/nonexistent/nothing.edges");
    FAIL("no exception");
  } catch (const IoError& e) {
    CHECK(std::string(e.what()).find("nothing.edges") != std::string::npos);
  }
  CHECK_THROWS_AS((void)load_graph("rmat:x"), InvalidArgument);
  GraphSourceOptions opt;
  opt.nodes = 10;
  CHECK_THROWS_WITH_AS((void)load_graph("er:100:200", opt),
                       doctest::Contains("--nodes applies to files only"), InvalidArgument);
}

TEST_CASE("graph_source: an existing file wins over a spec of the same name") {
  const fs::path dir = fs::temp_directory_path() / ("sprig-gs-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);
  { std::ofstream("er:5:3") << "0 1\n1 2\n"; }
  CHECK_FALSE(is_generated_source("er:5:3"));
  const Graph g = load_graph("er:5:3");
  CHECK(g.num_nodes() == 3);
  CHECK(g.num_edges() == 2);
  fs::current_path(cwd);
  fs::remove_all(dir);
}
