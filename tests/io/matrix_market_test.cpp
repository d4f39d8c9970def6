// Matrix Market: hand-written files for each field × symmetry, round trips,
// and the bad-input messages.
#include <doctest/doctest.h>

#include <sprig/graph/build.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/matrix_market.hpp>

#include "io/io_test_util.hpp"

using namespace sprig;
using sprig_test::contains;
using sprig_test::TempDir;

namespace {

std::string mm_error(const std::string& text) {
  return sprig_test::io_error_of([&] { parse_matrix_market(text, {}, "m.mtx"); });
}

}  // namespace

TEST_CASE("matrix market: pattern, integer, real × general, symmetric") {
  SUBCASE("pattern general → directed, 1-based") {
    const auto m =
        parse_matrix_market("%%MatrixMarket matrix coordinate pattern general\n% comment\n%\n4 4 3\n1 2\n2 3\n4 1\n");
    CHECK(m.field == MatrixField::pattern);
    CHECK(m.symmetry == MatrixSymmetry::general);
    CHECK(m.rows == 4);
    CHECK(m.entries == 3);
    CHECK(m.edges.directed);
    CHECK(m.edges.n == 4);
    CHECK(m.edges.src == std::vector<node_t>{0, 1, 3});
    CHECK(m.edges.dst == std::vector<node_t>{1, 2, 0});
    CHECK(m.edges.weight.empty());
  }
  SUBCASE("integer symmetric → undirected, weighted") {
    const auto m =
        parse_matrix_market("%%MatrixMarket matrix coordinate integer symmetric\n3 3 3\n2 1 5\n3 1 -2\n3 3 7\n");
    CHECK_FALSE(m.edges.directed);
    CHECK(m.edges.src == std::vector<node_t>{1, 2, 2});
    CHECK(m.edges.dst == std::vector<node_t>{0, 0, 2});
    CHECK(m.edges.weight == std::vector<float>{5, -2, 7});
    const Graph g = build_csr(m.edges, {.self_loops = SelfLoops::keep});
    CHECK(g.num_edges() == 3);
    CHECK(g.has_arc(0, 1));
    CHECK(g.has_arc(1, 0));
  }
  SUBCASE("real general, case-insensitive banner, blank lines, trailing isolated rows") {
    const auto m = parse_matrix_market("%%matrixmarket MATRIX Coordinate Real General\n\n6 6 2\n1 1 0.5\n\n2 6 1e-3\n");
    CHECK(m.field == MatrixField::real);
    CHECK(m.edges.n == 6);
    CHECK(m.edges.weight == std::vector<float>{0.5f, 1e-3f});
  }
  SUBCASE("real symmetric, option overrides direction") {
    MatrixMarketReadOptions opt;
    opt.directed = true;
    const auto m = parse_matrix_market("%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n2 1 3.25\n", opt);
    CHECK(m.edges.directed);
    CHECK(m.edges.weight == std::vector<float>{3.25f});
  }
  SUBCASE("empty matrix") {
    const auto m = parse_matrix_market("%%MatrixMarket matrix coordinate pattern symmetric\n5 5 0\n");
    CHECK(m.edges.n == 5);
    CHECK(m.edges.size() == 0);
  }
}

TEST_CASE("matrix market: bad input") {
  CHECK(contains(mm_error(""), "m.mtx: empty file"));
  CHECK(contains(mm_error("1 2\n"), "m.mtx line 1: not a Matrix Market file"));
  CHECK(contains(mm_error("%%MatrixMarket matrix array real general\n2 2\n"), "line 1: unsupported format 'array'"));
  CHECK(
      contains(mm_error("%%MatrixMarket matrix coordinate complex general\n"), "line 1: unsupported field 'complex'"));
  CHECK(contains(mm_error("%%MatrixMarket matrix coordinate real hermitian\n"), "line 1: unsupported symmetry"));
  CHECK(contains(mm_error("%%MatrixMarket matrix coordinate real skew-symmetric\n"), "unsupported symmetry"));
  CHECK(contains(mm_error("%%MatrixMarket matrix coordinate real general\n% c\n"), "missing size line"));
  CHECK(contains(mm_error("%%MatrixMarket matrix coordinate real general\n3 4 1\n"), "line 2: the matrix is 3 x 4"));
  CHECK(contains(mm_error("%%MatrixMarket matrix coordinate real general\n3 3\n"), "line 2: size line"));
  CHECK(contains(mm_error("%%MatrixMarket matrix coordinate real general\n3 3 x\n"), "line 2: size line: 'x'"));
  const std::string h = "%%MatrixMarket matrix coordinate real general\n3 3 2\n";
  CHECK(contains(mm_error(h + "1 2 1\n0 1 1\n"), "m.mtx line 4: row index 0 is below 1"));
  CHECK(contains(mm_error(h + "1 4 1\n"), "m.mtx line 3: column index 4 > 3"));
  CHECK(contains(mm_error(h + "1 2 nan\n"), "line 3: weight 'nan' is not finite"));
  CHECK(contains(mm_error(h + "1 2\n"), "line 3: missing column"));
  CHECK(contains(mm_error(h + "1 2 1 1\n"), "line 3: extra column"));
  CHECK(contains(mm_error(h + "1 2 1\n"), "declares 2 entries but the file has 1"));
  CHECK(contains(mm_error(h + "1 2 1\n2 3 1\n3 1 1\n"), "declares 2 entries but the file has 3"));
  CHECK(contains(mm_error("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 2 1.5\n"),
                 "line 3: value '1.5' is not an integer"));
  CHECK(contains(mm_error("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 2 1\n"), "line 3: extra column"));
}

TEST_CASE("matrix market: round trips are exact") {
  TempDir dir;
  const Graph karate = read_graph(std::string(SPRIG_DATA_DIR) + "/karate.edges.gz");
  const Graph polblogs = read_graph(std::string(SPRIG_DATA_DIR) + "/polblogs.edges.gz");
  const Graph lesmis = read_graph(std::string(SPRIG_DATA_DIR) + "/lesmis.edges.gz");
  for (const Graph* g : {&karate, &polblogs, &lesmis}) {
    for (const char* name : {"g.mtx", "g.mtx.gz"}) {
      const std::string path = dir.file(name);
      write_matrix_market(path, *g, {.comment = "a test\nsecond line"});
      const auto m = read_matrix_market(path);
      CHECK(m.symmetry == (g->directed() ? MatrixSymmetry::general : MatrixSymmetry::symmetric));
      CHECK(m.field == (g->weighted() ? MatrixField::real : MatrixField::pattern));
      sprig_test::check_same_graph(*g, read_graph(path));
    }
  }
  // Symmetric files hold the lower triangle.
  write_matrix_market(dir.file("k.mtx"), karate);
  const auto m = read_matrix_market(dir.file("k.mtx"));
  for (std::size_t i = 0; i < m.edges.size(); ++i) CHECK(m.edges.src[i] >= m.edges.dst[i]);
  CHECK(m.entries == 78);
  // integer field with integral weights; pattern drops weights.
  write_matrix_market(dir.file("i.mtx"), lesmis, {.field = MatrixField::integer});
  sprig_test::check_same_graph(lesmis, read_graph(dir.file("i.mtx")));
  write_matrix_market(dir.file("p.mtx"), lesmis, {.field = MatrixField::pattern});
  CHECK_FALSE(read_graph(dir.file("p.mtx")).weighted());
  EdgeList half;
  half.n = 2;
  half.add(0, 1, 0.5f);
  CHECK_THROWS_AS(write_matrix_market(dir.file("bad.mtx"), build_csr(half), {.field = MatrixField::integer}),
                  InvalidArgument);
  CHECK_FALSE(std::filesystem::exists(dir.file("bad.mtx")));
}
