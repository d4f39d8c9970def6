// Edge-list reading and writing: real graphs with known sizes, separators,
// token ids, every bad-input case with its message, exact round trips, and
// determinism of the parallel parse.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <sprig/graph/build.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/edge_list_io.hpp>

#include "io/io_test_util.hpp"

using namespace sprig;
using sprig_test::contains;
using sprig_test::io_error_of;
using sprig_test::TempDir;

namespace {

const std::string kData = SPRIG_DATA_DIR;

// Parses text and returns the IoError message.
std::string parse_error(const std::string& text, const EdgeListReadOptions& opt = {}) {
  return io_error_of([&] { parse_edge_list(text, opt, "bad.edges"); });
}

EdgeList random_edges(std::int64_t n, std::size_t m, std::uint64_t seed, bool directed, bool weighted, bool timed) {
  EdgeList e;
  e.n = n;
  e.directed = directed;
  Philox rng(seed, 0);
  for (std::size_t i = 0; i < m; ++i) {
    const auto u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    e.add(u, v);
    // Awkward floats: full 24-bit mantissas over many magnitudes.
    if (weighted) e.weight.push_back(std::ldexp(rng.uniform_float() + 0.5f, static_cast<int>(rng.bounded(40)) - 20));
    if (timed) e.time.push_back(static_cast<std::int64_t>(rng.next_u64() >> 1) - (std::int64_t{1} << 62));
  }
  return e;
}

}  // namespace

TEST_CASE("edge list: real graphs read with the sizes their headers declare") {
  SUBCASE("karate: 34 nodes, 78 edges, undirected") {
    const Graph g = read_graph(kData + "/karate.edges.gz");
    CHECK(g.num_nodes() == 34);
    CHECK(g.num_edges() == 78);
    CHECK_FALSE(g.directed());
    CHECK_FALSE(g.weighted());
    const EdgeListFile f = read_edge_list(kData + "/karate.edges.gz");
    CHECK(f.has_header);
    CHECK(f.name == "karate");
    CHECK(f.edges.n == 34);
    CHECK(f.edges.size() == 78);
  }
  SUBCASE("polblogs: directed, 1490 nodes") {
    const Graph g = read_graph(kData + "/polblogs.edges.gz");
    CHECK(g.directed());
    CHECK(g.num_nodes() == 1490);
    CHECK(g.num_edges() == 19022);
  }
  SUBCASE("lesmis: weighted, 77 nodes, 254 edges") {
    const Graph g = read_graph(kData + "/lesmis.edges.gz");
    CHECK(g.weighted());
    CHECK(g.num_nodes() == 77);
    CHECK(g.num_edges() == 254);
    for (float w : g.weights()) CHECK(w > 0.0f);
  }
  SUBCASE("the others") {
    CHECK(read_graph(kData + "/dolphins.edges.gz").num_edges() == 159);
    CHECK(read_graph(kData + "/football.edges.gz").num_nodes() == 115);
    CHECK(read_graph(kData + "/polbooks.edges.gz").num_edges() == 441);
  }
}

TEST_CASE("edge list: separators, comments, line endings") {
  const auto a = parse_edge_list("0,1\n1 , 2\n2,3\n");
  CHECK(a.edges.src == std::vector<node_t>{0, 1, 2});
  CHECK(a.edges.dst == std::vector<node_t>{1, 2, 3});
  CHECK(a.edges.n == 4);
  CHECK_FALSE(a.edges.directed);
  CHECK_FALSE(a.has_header);

  const auto b = parse_edge_list("% a comment\n0\t1\t2.5\r\n\n# another\n  3\t1\t-0.25  \r\n4\t4\t1e-3");
  CHECK(b.edges.src == std::vector<node_t>{0, 3, 4});
  CHECK(b.edges.dst == std::vector<node_t>{1, 1, 4});
  CHECK(b.edges.weight == std::vector<float>{2.5f, -0.25f, 1e-3f});
  CHECK(b.edges.n == 5);

  const auto c = parse_edge_list("0 1 0.5 100\n1 2 1.5 -7\n");
  CHECK(c.edges.weight == std::vector<float>{0.5f, 1.5f});
  CHECK(c.edges.time == std::vector<std::int64_t>{100, -7});
}

TEST_CASE("edge list: direction and node count") {
  SUBCASE("no header: undirected, n = largest id + 1") {
    const auto f = parse_edge_list("0 5\n");
    CHECK_FALSE(f.edges.directed);
    CHECK(f.edges.n == 6);
  }
  SUBCASE("options") {
    EdgeListReadOptions opt;
    opt.directed = true;
    opt.nodes = 10;
    const auto f = parse_edge_list("0 5\n", opt);
    CHECK(f.edges.directed);
    CHECK(f.edges.n == 10);
  }
  SUBCASE("header gives direction and trailing isolated nodes") {
    const auto f = parse_edge_list("# toy: directed, 9 nodes, 1 edges\n0 5\n");
    CHECK(f.has_header);
    CHECK(f.name == "toy");
    CHECK(f.edges.directed);
    CHECK(f.edges.n == 9);
    EdgeListReadOptions opt;
    opt.directed = false;  // an explicit option wins
    CHECK_FALSE(parse_edge_list("# toy: directed, 9 nodes, 1 edges\n0 5\n", opt).edges.directed);
  }
  SUBCASE("nodes option below the header's N is fine while ids fit") {
    EdgeListReadOptions opt;
    opt.nodes = 6;
    CHECK(parse_edge_list("# toy: undirected, 9 nodes, 1 edges\n0 5\n", opt).edges.n == 6);
  }
  SUBCASE("a comment line that is not a header") {
    const auto f = parse_edge_list("# just words: here\n# toy: directed, 9 nodes\n0 5\n");
    CHECK_FALSE(f.has_header);  // only the first non-blank line can be the header
    CHECK(f.edges.n == 6);
  }
  SUBCASE("empty input") {
    const auto e = parse_edge_list("");
    CHECK(e.edges.n == 0);
    CHECK(e.edges.size() == 0);
    EdgeListReadOptions opt;
    opt.nodes = 4;
    CHECK(parse_edge_list("", opt).edges.n == 4);
    CHECK(parse_edge_list("# only: undirected, 3 nodes, 0 edges\n").edges.n == 3);
    CHECK(parse_edge_list("\n\n# nothing\n").edges.n == 0);
  }
}

TEST_CASE("edge list: bad input is reported with file, line and reason") {
  SUBCASE("non-numeric token") {
    const auto msg = parse_error("0 1\n1 x\n");
    CHECK(contains(msg, "bad.edges line 2: "));
    CHECK(contains(msg, "target 'x' is not an integer node id"));
    CHECK(contains(parse_error("0 1\n1.5 2\n"), "line 2: source '1.5' is not an integer"));
  }
  SUBCASE("negative id") {
    CHECK(contains(parse_error("0 1\n\n-3 2\n"), "bad.edges line 3: negative node id -3"));
  }
  SUBCASE("id >= declared n (header)") {
    const auto msg = parse_error("# g: undirected, 3 nodes, 2 edges\n0 1\n1 3\n");
    CHECK(contains(msg, "bad.edges line 3: node id 3 >= n = 3"));
  }
  SUBCASE("id >= declared n (option)") {
    EdgeListReadOptions opt;
    opt.nodes = 2;
    CHECK(contains(parse_error("0 1\n1 2\n", opt), "line 2: node id 2 >= n = 2"));
    // An option smaller than the header's N is an error once an id exceeds it.
    CHECK(contains(parse_error("# g: undirected, 9 nodes, 1 edges\n0 5\n", opt), "line 2: node id 5 >= n = 2"));
  }
  SUBCASE("id beyond 32 bits") {
    CHECK(contains(parse_error("0 2147483647\n"), "32-bit"));
    CHECK(contains(parse_error("0 99999999999999999999999\n"), "32-bit"));
  }
  SUBCASE("non-finite weights") {
    for (const char* w : {"nan", "NaN", "inf", "-inf", "infinity"}) {
      const auto msg = parse_error(std::string("0 1 1.0\n1 2 ") + w + "\n");
      CHECK_MESSAGE(contains(msg, "line 2: weight '" + std::string(w) + "' is not finite"), msg);
    }
    CHECK(contains(parse_error("0 1 1e60\n"), "line 1: weight '1e60' is outside the float range"));
    CHECK(contains(parse_error("0 1 abc\n"), "line 1: weight 'abc' is not a number"));
  }
  SUBCASE("missing column") {
    CHECK(contains(parse_error("7\n"), "bad.edges line 1: missing column"));
    CHECK(contains(parse_error("0 1\n2\n"), "bad.edges line 2: missing column"));
  }
  SUBCASE("inconsistent column counts") {
    const auto msg = parse_error("0 1 1.5\n1 2 2.5\n2 3\n");
    CHECK(contains(msg, "line 3: missing column: found 2 columns where 3 were expected (as on line 1"));
    CHECK(contains(msg, "consistent"));
    CHECK(contains(parse_error("# c\n0 1\n1 2 2.5\n"),
                   "line 3: extra column: found 3 columns where 2 were expected (as on line 2"));
  }
  SUBCASE("extra and empty columns") {
    CHECK(contains(parse_error("0 1 2 3 4\n"), "line 1: extra column: found 5 columns"));
    EdgeListReadOptions opt;
    opt.ignore_extra_columns = true;
    CHECK(parse_edge_list("0 1 2 3 4\n", opt).edges.size() == 1);
    CHECK(contains(parse_error("0,,1\n"), "line 1: empty column"));
    CHECK(contains(parse_error("0 1\n0,1,\n"), "line 2: empty column"));
  }
  SUBCASE("bad time") {
    CHECK(contains(parse_error("0 1 1 2.5\n"), "line 1: time '2.5' is not an integer"));
  }
  SUBCASE("bad options") {
    EdgeListReadOptions opt;
    opt.nodes = -1;
    CHECK_THROWS_AS(parse_edge_list("0 1\n", opt), InvalidArgument);
    EdgeListReadOptions o2;
    o2.weight_column = 1;
    CHECK_THROWS_AS(parse_edge_list("0 1\n", o2), InvalidArgument);
  }
  SUBCASE("what() is '<path> line <L>: <reason>' and the fields are set") {
    try {
      parse_edge_list("0 1\n0 y\n", {}, "g.txt");
      FAIL("no throw");
    } catch (const IoError& e) {
      CHECK(e.path() == "g.txt");
      CHECK(e.line() == 2);
      CHECK(std::string(e.what()) == "g.txt line 2: " + e.reason());
    }
  }
}

TEST_CASE("edge list: files — missing, empty, gzip truncated or corrupt") {
  TempDir dir;
  SUBCASE("missing file") {
    const auto msg = io_error_of([&] { read_edge_list(dir.file("nope.edges")); });
    CHECK(contains(msg, dir.file("nope.edges") + ": cannot open"));
    CHECK_THROWS_AS(read_graph(dir.file("nope.edges")), IoError);
  }
  SUBCASE("empty file, plain and gzip") {
    sprig_test::write_raw(dir.file("e.edges"), "");
    CHECK(read_graph(dir.file("e.edges")).num_nodes() == 0);
    sprig_test::write_raw(dir.file("e.edges.gz"), sprig_test::gzip_bytes(""));
    CHECK(read_graph(dir.file("e.edges.gz")).num_nodes() == 0);
    GraphReadOptions opt;
    opt.read.nodes = 5;
    CHECK(read_graph(dir.file("e.edges"), opt).num_nodes() == 5);
  }
  // A gzip file large enough to span several deflate blocks.
  std::string text = "# big: undirected, 3000 nodes, 2999 edges\n";
  for (int i = 0; i + 1 < 3000; ++i) text += std::to_string(i) + " " + std::to_string((i * 7919) % 3000) + "\n";
  const std::string gz = sprig_test::gzip_bytes(text);
  SUBCASE("gzip detected by magic bytes, not by name") {
    sprig_test::write_raw(dir.file("big.txt"), gz);
    const auto f = read_edge_list(dir.file("big.txt"));
    CHECK(f.edges.n == 3000);
    CHECK(f.edges.size() == 2999);
    CHECK(f.edges.dst[5] == (5 * 7919) % 3000);
  }
  SUBCASE("truncated gzip") {
    for (std::size_t keep : {gz.size() - 1, gz.size() - 8, gz.size() / 2, std::size_t{12}}) {
      sprig_test::write_raw(dir.file("t.edges.gz"), gz.substr(0, keep));
      const auto msg = io_error_of([&] { read_edge_list(dir.file("t.edges.gz")); });
      CHECK_MESSAGE(contains(msg, dir.file("t.edges.gz") + ": "), msg);
      CHECK_MESSAGE(contains(msg, "gzip"), msg);
    }
  }
  SUBCASE("corrupt gzip") {
    for (std::size_t at : {std::size_t{3}, gz.size() / 3, gz.size() / 2, gz.size() - 6}) {
      std::string bad = gz;
      for (std::size_t i = at; i < at + 4 && i < bad.size(); ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
      sprig_test::write_raw(dir.file("c.edges.gz"), bad);
      const auto msg = io_error_of([&] { read_edge_list(dir.file("c.edges.gz")); });
      CHECK_MESSAGE(contains(msg, dir.file("c.edges.gz")), msg);
    }
  }
}

TEST_CASE("edge list: token ids are remapped in first-appearance order") {
  EdgeListReadOptions opt;
  opt.ids = IdFormat::tokens;
  const auto f = parse_edge_list("alice bob 2\nbob carol 1.5\n# c\ncarol alice 3\ndave dave 1\n", opt);
  CHECK(f.node_names == std::vector<std::string>{"alice", "bob", "carol", "dave"});
  CHECK(f.edges.src == std::vector<node_t>{0, 1, 2, 3});
  CHECK(f.edges.dst == std::vector<node_t>{1, 2, 0, 3});
  CHECK(f.edges.n == 4);
  CHECK(f.edges.weight == std::vector<float>{2, 1.5f, 3, 1});

  // Integers are tokens too: "10" first gets id 0.
  CHECK(parse_edge_list("10 20\n20 5\n", opt).node_names == std::vector<std::string>{"10", "20", "5"});

  // More names than the declared n.
  EdgeListReadOptions small = opt;
  small.nodes = 2;
  CHECK(contains(io_error_of([&] { parse_edge_list("a b\nb c\n", small, "t.edges"); }), "t.edges line 2: node 'c'"));

  SUBCASE("names round trip through write_edge_list and write_node_names") {
    TempDir dir;
    write_edge_list(dir.file("names.edges"), f.edges, {.node_names = &f.node_names});
    const auto back = read_edge_list(dir.file("names.edges"), opt);
    CHECK(back.node_names == f.node_names);
    CHECK(back.edges.src == f.edges.src);
    CHECK(back.edges.dst == f.edges.dst);
    CHECK(back.edges.weight == f.edges.weight);
    write_node_names(dir.file("names.map"), f.node_names);
    CHECK(read_node_names(dir.file("names.map")) == f.node_names);
    const std::vector<std::string> bad{"a b"};
    CHECK_THROWS_AS(write_node_names(dir.file("bad.map"), bad), InvalidArgument);
    sprig_test::write_raw(dir.file("dup.map"), "0 a\n0 b\n");
    CHECK(contains(io_error_of([&] { read_node_names(dir.file("dup.map")); }), "line 2: id 0 appears twice"));
  }
}

TEST_CASE("edge list: column meaning from '# columns:' and from options") {
  const auto a = parse_edge_list("# columns: source target time\n0 1 17\n1 2 18\n");
  CHECK(a.edges.time == std::vector<std::int64_t>{17, 18});
  CHECK(a.edges.weight.empty());
  EdgeListReadOptions opt;
  opt.weight_column = 3;
  opt.time_column = 2;
  const auto b = parse_edge_list("0 1 17 0.5\n", opt);
  CHECK(b.edges.time == std::vector<std::int64_t>{17});
  CHECK(b.edges.weight == std::vector<float>{0.5f});
  EdgeListReadOptions none;
  none.weight_column = -1;
  none.time_column = -1;
  CHECK(contains(io_error_of([&] { parse_edge_list("0 1 2\n", none, "x"); }), "extra column"));
  EdgeListReadOptions need;
  need.weight_column = 2;
  CHECK(contains(io_error_of([&] { parse_edge_list("0 1\n", need, "x"); }),
                 "x line 1: missing column: the weight column"));
}

TEST_CASE("edge list: errors name the right line across chunks and blocks") {
  std::string text = "# g: undirected, 1000 nodes, 999 edges\n";
  for (int i = 1; i < 1000; ++i) text += std::to_string(i - 1) + " " + std::to_string(i) + "\n";
  // Line 777 holds edge 775 → 776; break it.
  const std::string good = "775 776\n";
  const auto at = text.find("\n" + good);
  REQUIRE(at != std::string::npos);
  std::string bad = text;
  bad.replace(at + 1, good.size(), "775 abc\n");
  for (std::size_t chunk : {std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
    for (std::size_t block : {std::size_t{50}, std::size_t{333}, std::size_t{1} << 20}) {
      EdgeListReadOptions opt;
      opt.chunk_bytes = chunk;
      opt.block_bytes = block;
      const auto msg = io_error_of([&] { parse_edge_list(bad, opt, "g"); });
      CHECK_MESSAGE(contains(msg, "g line 777: target 'abc'"), msg);
      const auto ok = parse_edge_list(text, opt);
      CHECK(ok.edges.size() == 999);
      CHECK(ok.edges.src[776] == 776);
    }
  }
  TempDir dir;
  sprig_test::write_raw(dir.file("bad.edges.gz"), sprig_test::gzip_bytes(bad));
  EdgeListReadOptions opt;
  opt.chunk_bytes = 100;
  opt.block_bytes = 256;
  CHECK(contains(io_error_of([&] { read_edge_list(dir.file("bad.edges.gz"), opt); }), "bad.edges.gz line 777: target"));
}

TEST_CASE("edge list: parallel parse is identical for 1, 2 and 4 threads") {
  const EdgeList e = random_edges(5000, 40000, 11, true, true, true);
  TempDir dir;
  write_edge_list(dir.file("r.edges"), e);
  const std::string text = sprig_test::read_raw(dir.file("r.edges"));
  EdgeListReadOptions opt;
  opt.chunk_bytes = 4096;
  opt.block_bytes = 100000;
  const auto ref = with_threads(1, [&] { return parse_edge_list(text, opt); });
  for (int t : {2, 4}) {
    const auto got = with_threads(t, [&] { return parse_edge_list(text, opt); });
    CHECK(got.edges.src == ref.edges.src);
    CHECK(got.edges.dst == ref.edges.dst);
    CHECK(sprig_test::same_bits(got.edges.weight, ref.edges.weight));
    CHECK(got.edges.time == ref.edges.time);
  }
  CHECK(ref.edges.src == e.src);
  CHECK(ref.edges.dst == e.dst);
}

TEST_CASE("edge list: round trips are exact") {
  TempDir dir;
  SUBCASE("random graphs: directed, undirected, weighted, trailing isolated nodes, gzip, csv") {
    for (const bool directed : {false, true}) {
      for (const bool weighted : {false, true}) {
        for (const char* ext : {".edges", ".edges.gz", ".csv"}) {
          CAPTURE(directed);
          CAPTURE(weighted);
          CAPTURE(ext);
          EdgeList e = random_edges(300, 2000, 5 + directed * 2 + weighted, directed, weighted, false);
          e.n = 320;  // trailing isolated nodes
          BuildOptions bo;
          bo.duplicates = Duplicates::sum;
          const Graph g = build_csr(e, bo);
          const std::string path = dir.file(std::string("g") + ext);
          EdgeListWriteOptions wo;
          if (std::string(ext) == ".csv") wo.separator = ',';
          write_edge_list(path, g, wo);
          CHECK(sprig_test::read_raw(path).substr(0, 2) == (std::string(ext) == ".edges.gz" ? "\x1f\x8b" : "# "));
          const Graph back = read_graph(path);
          sprig_test::check_same_graph(g, back);
          const auto f = read_edge_list(path);
          CHECK(f.name == "g");
          CHECK(f.has_header);
        }
      }
    }
  }
  SUBCASE("the header line") {
    EdgeList e;
    e.n = 5;
    e.add(0, 1);
    e.add(1, 1);
    e.add(3, 2);
    const Graph g = build_csr(e, {.self_loops = SelfLoops::keep});
    write_edge_list(dir.file("toy.edges"), g, {.name = "toy"});
    CHECK(sprig_test::read_raw(dir.file("toy.edges")) ==
          "# toy: undirected, 5 nodes, 3 edges\n# columns: source target\n0 1\n1 1\n2 3\n");
    GraphReadOptions ro;
    ro.build.self_loops = SelfLoops::keep;
    sprig_test::check_same_graph(g, read_graph(dir.file("toy.edges"), ro));
  }
  SUBCASE("EdgeList with times, with and without weights") {
    for (const bool weighted : {false, true}) {
      const EdgeList e = random_edges(50, 500, 3, false, weighted, true);
      write_edge_list(dir.file("t.edges.gz"), e, {.level = 9});
      const auto f = read_edge_list(dir.file("t.edges.gz"));
      CHECK(f.edges.n == e.n);
      CHECK(f.edges.directed == e.directed);
      CHECK(f.edges.src == e.src);
      CHECK(f.edges.dst == e.dst);
      CHECK(f.edges.time == e.time);
      REQUIRE(f.edges.weight.size() == e.weight.size());
      CHECK(sprig_test::same_bits(f.edges.weight, e.weight));
    }
  }
  SUBCASE("write_graph dispatches by extension") {
    const Graph g = read_graph(kData + "/lesmis.edges.gz");
    write_graph(dir.file("l.mtx"), g);
    CHECK(sprig_test::read_raw(dir.file("l.mtx")).starts_with("%%MatrixMarket matrix coordinate real symmetric"));
    sprig_test::check_same_graph(g, read_graph(dir.file("l.mtx")));
    write_graph(dir.file("l.tsv"), g, {.edge_list = {.separator = '\t'}});
    sprig_test::check_same_graph(g, read_graph(dir.file("l.tsv")));
  }
  SUBCASE("bad write options") {
    const Graph g = read_graph(kData + "/karate.edges.gz");
    CHECK_THROWS_AS(write_edge_list(dir.file("x"), g, {.separator = ';'}), InvalidArgument);
    CHECK_THROWS_AS(write_edge_list(dir.file("x.gz"), g, {.level = 10}), InvalidArgument);
    const std::vector<std::string> few{"a"};
    CHECK_THROWS_AS(write_edge_list(dir.file("x"), g, {.node_names = &few}), InvalidArgument);
    CHECK(dir.entries().empty());
  }
}

TEST_CASE("edge list: progress is reported per block and can cancel") {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  int calls = 0;
  std::uint64_t last = 0;
  EdgeListReadOptions opt;
  opt.block_bytes = 1000;
  opt.progress = [&](const Progress& p) {
    ++calls;
    CHECK(p.done >= last);
    CHECK(p.done <= p.total);
    last = p.done;
    return true;
  };
  parse_edge_list(text, opt);
  CHECK(calls >= static_cast<int>(text.size() / 1000));
  CHECK(last == text.size());
  TempDir dir;
  sprig_test::write_raw(dir.file("p.edges"), text);
  calls = 0;
  last = 0;
  read_edge_list(dir.file("p.edges"), opt);
  CHECK(calls >= static_cast<int>(text.size() / 1000));
  CHECK(last == text.size());
  opt.progress = [&](const Progress&) { return false; };
  CHECK_THROWS_AS(read_edge_list(dir.file("p.edges"), opt), Cancelled);
}

TEST_CASE("edge list: file_stem and dispatch helpers") {
  CHECK(file_stem("/a/b/karate.edges.gz") == "karate");
  CHECK(file_stem("g.mtx") == "g");
  CHECK(file_stem("plain") == "plain");
  CHECK(file_stem("dir.x/.hidden") == ".hidden");
  CHECK(is_matrix_market_path("a.mtx"));
  CHECK(is_matrix_market_path("a.mtx.gz"));
  CHECK_FALSE(is_matrix_market_path("a.edges"));
}

TEST_CASE("edge list: random spellings parse to the values written; a damaged line is reported at its number") {
  Philox rng(77, 0);
  const char* seps[] = {" ", "\t", ",", " , ", "  \t", "\t,"};
  for (int round = 0; round < 60; ++round) {
    const int cols = 2 + static_cast<int>(rng.bounded(3));
    std::string text;
    EdgeList want;
    std::vector<std::size_t> data_line_start;  // offset of each data line
    std::vector<std::int64_t> data_line_no;
    std::int64_t line = 0;
    auto id_text = [&](node_t x) {
      switch (rng.bounded(4)) {
        case 0: return "00" + std::to_string(x);
        case 1: return "+" + std::to_string(x);
        default: return std::to_string(x);
      }
    };
    for (int i = 0; i < 300; ++i) {
      if (rng.bounded(10) == 0) {
        text += rng.bounded(2) ? "# comment 1 2\n" : "\n";
        ++line;
        continue;
      }
      const auto u = static_cast<node_t>(rng.bounded(1000)), v = static_cast<node_t>(rng.bounded(1000));
      const std::string sep = seps[rng.bounded(6)];
      data_line_start.push_back(text.size());
      data_line_no.push_back(++line);
      if (rng.bounded(4) == 0) text += " ";
      text += id_text(u) + sep + id_text(v);
      want.add(u, v);
      if (cols >= 3) {
        const float w = std::ldexp(rng.uniform_float() - 0.5f, static_cast<int>(rng.bounded(60)) - 30);
        want.weight.push_back(w);
        text += sep + (rng.bounded(2) ? fmt::format("{:.9g}", w) : fmt::format("{}", w));
      }
      if (cols == 4) {
        const auto t = static_cast<std::int64_t>(rng.next_u64());
        want.time.push_back(t);
        text += sep + std::to_string(t);
      }
      if (rng.bounded(4) == 0) text += "  ";
      text += rng.bounded(3) == 0 ? "\r\n" : "\n";
    }
    EdgeListReadOptions opt;
    opt.chunk_bytes = 1 + rng.bounded(2000);
    opt.block_bytes = 1 + rng.bounded(5000);
    const auto got = parse_edge_list(text, opt);
    REQUIRE(got.edges.src == want.src);
    REQUIRE(got.edges.dst == want.dst);
    REQUIRE(got.edges.weight.size() == want.weight.size());
    CHECK(sprig_test::same_bits(got.edges.weight, want.weight));
    CHECK(got.edges.time == want.time);

    // Damage one data line (not the first, which sets the column count).
    const std::size_t k = 1 + rng.bounded(static_cast<std::uint32_t>(data_line_start.size() - 1));
    std::string bad = text;
    const std::size_t at = bad.find_first_not_of(' ', data_line_start[k]);
    const std::size_t eol = bad.find('\n', at);
    std::string expect;
    switch (rng.bounded(4)) {
      case 0:
        bad.insert(at, "x");
        expect = "is not an integer node id";
        break;
      case 1:
        bad.insert(eol, " 5");
        expect = "extra column";
        break;
      case 2:
        bad.replace(at, eol - at, "7");
        expect = "missing column";
        break;
      default:
        bad.insert(at, "-");
        expect = "negative node id";
        break;
    }
    CAPTURE(bad.substr(at, eol - at + 2));
    const auto msg = io_error_of([&] { parse_edge_list(bad, opt, "r"); });
    CHECK_MESSAGE(contains(msg, fmt::format("r line {}: ", data_line_no[k])), msg);
    CHECK_MESSAGE(contains(msg, expect), msg);
  }
}
