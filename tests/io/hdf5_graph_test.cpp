// read_hdf5 / write_hdf5 / append_*: round trips of every part of the layout,
// bounded-block reading, AnnData groups, safe appends.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstring>
#include <fstream>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/hdf5.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "io/hdf5_test_util.hpp"

using namespace sprig;
using hdf5_test::check_same_graph;
using hdf5_test::io_error_of;
using hdf5_test::random_graph;
using hdf5_test::ScratchDir;

namespace {

GraphData full_data(const Graph& g, std::uint64_t seed) {
  const std::int64_t n = g.num_nodes();
  Philox rng(seed, 1);
  GraphData d;
  d.name = "test graph";
  d.edge_time.resize(static_cast<std::size_t>(g.num_arcs()));
  for (auto& t : d.edge_time) t = static_cast<std::int64_t>(rng.next_u64() >> 20) - (std::int64_t{1} << 40);
  d.nodes.features = FloatMatrix(n, 5);
  for (auto& x : d.nodes.features.data) x = static_cast<float>(rng.bounded(1 << 20)) / 1024.0f - 300.0f;
  d.nodes.classes = {"alpha", "beta", "γάμμα"};
  for (std::int64_t i = 0; i < n; ++i) d.nodes.labels.push_back(static_cast<std::int32_t>(rng.bounded(4)) - 1);
  for (std::int64_t i = 0; i < n; ++i) d.nodes.names.push_back("node-" + std::to_string(i * 7 + 3));
  for (node_t i = 0; i < n; ++i)
    (i % 3 == 0 ? d.nodes.split.train : i % 3 == 1 ? d.nodes.split.valid : d.nodes.split.test).push_back(i);
  d.links.seed = 42;
  d.links.method = "random";
  d.links.attributes["neg_ratio"] = 1.0;
  for (LinkPairs* p : {&d.links.train, &d.links.valid, &d.links.test})
    for (int k = 0; k < 10; ++k) {
      p->pos.push_back(static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n))));
      p->pos.push_back(static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n))));
      p->neg.push_back(static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n))));
      p->neg.push_back(static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n))));
    }
  NamedMatrix<float> e{"fastrp", FloatMatrix(n, 8), {{"dim", std::int64_t{8}}, {"seed", std::int64_t{7}}}};
  for (auto& x : e.matrix.data) x = static_cast<float>(rng.next_u32()) / 4294967296.0f;
  d.embeddings.push_back(e);
  NamedMatrix<std::int64_t> o{"nodes", DenseMatrix<std::int64_t>(n, 15), {{"graphlet_size", std::int64_t{4}}}};
  for (auto& x : o.matrix.data) x = rng.bounded(100000);
  d.orbits.push_back(o);
  return d;
}

template <class T>
void check_matrix(const DenseMatrix<T>& a, const DenseMatrix<T>& b) {
  CHECK(a.rows == b.rows);
  CHECK(a.cols == b.cols);
  CHECK(a.data == b.data);
}

void check_same_data(const GraphData& a, const GraphData& b) {
  CHECK(a.name == b.name);
  CHECK(a.edge_time == b.edge_time);
  check_matrix(a.nodes.features, b.nodes.features);
  CHECK(a.nodes.labels == b.nodes.labels);
  CHECK(a.nodes.classes == b.nodes.classes);
  CHECK(a.nodes.names == b.nodes.names);
  CHECK(a.nodes.split.train == b.nodes.split.train);
  CHECK(a.nodes.split.valid == b.nodes.split.valid);
  CHECK(a.nodes.split.test == b.nodes.split.test);
  CHECK(a.links.seed == b.links.seed);
  CHECK(a.links.method == b.links.method);
  CHECK(a.links.attributes == b.links.attributes);
  for (auto [x, y] :
       {std::pair{&a.links.train, &b.links.train}, {&a.links.valid, &b.links.valid}, {&a.links.test, &b.links.test}}) {
    CHECK(x->pos == y->pos);
    CHECK(x->neg == y->neg);
  }
  REQUIRE(a.embeddings.size() == b.embeddings.size());
  for (std::size_t i = 0; i < a.embeddings.size(); ++i) {
    CHECK(a.embeddings[i].name == b.embeddings[i].name);
    check_matrix(a.embeddings[i].matrix, b.embeddings[i].matrix);
    CHECK(a.embeddings[i].attributes == b.embeddings[i].attributes);
  }
  REQUIRE(a.orbits.size() == b.orbits.size());
  for (std::size_t i = 0; i < a.orbits.size(); ++i) {
    CHECK(a.orbits[i].name == b.orbits[i].name);
    check_matrix(a.orbits[i].matrix, b.orbits[i].matrix);
    CHECK(a.orbits[i].attributes == b.orbits[i].attributes);
  }
}

}  // namespace

TEST_CASE("hdf5 graph: round trip of graph and every kind of node data") {
  ScratchDir dir;
  for (bool directed : {false, true})
    for (bool weighted : {false, true})
      for (int level : {0, 1, 6}) {
        CAPTURE(directed);
        CAPTURE(weighted);
        CAPTURE(level);
        const Graph g = random_graph(300, 2000, 11 + level, directed, weighted);
        const GraphData d = full_data(g, 5);
        const std::string p = dir.file("g.h5");
        // tiny chunks and blocks: many chunks per dataset, several blocks per read
        write_hdf5(p, g, d, {.compression = level, .chunk_bytes = 512, .block_bytes = 2048});
        for (bool par : {true, false})
          for (std::size_t block : {std::size_t{1}, std::size_t{3000}, std::size_t{64} << 20}) {
            CAPTURE(par);
            CAPTURE(block);
            const Hdf5Graph r = read_hdf5(p, {.block_bytes = block, .parallel_filters = par});
            check_same_graph(g, r.graph);
            check_same_data(d, r.data);
            CHECK(r.format == "sprig-graph");
            CHECK(r.notes.empty());
          }
      }
}

TEST_CASE("hdf5 graph: contiguous uncompressed layout, empty graph, isolated nodes") {
  ScratchDir dir;
  const Graph g = random_graph(1000, 3000, 3, false, true);
  write_hdf5(dir.file("c.h5"), g, {}, {.compression = 0, .chunked = false});
  check_same_graph(g, read_hdf5(dir.file("c.h5")).graph);
  h5::File f = h5::File::open(dir.file("c.h5"));
  CHECK(f.open_dataset("/graph/targets").chunk_dims().empty());
  CHECK(f.open_dataset("/graph/targets").filters().empty());

  const Graph empty;
  write_hdf5(dir.file("e.h5"), empty);
  const Hdf5Graph r = read_hdf5(dir.file("e.h5"));
  CHECK(r.graph.num_nodes() == 0);
  CHECK(r.graph.num_arcs() == 0);

  EdgeList el;
  el.n = 10;
  el.add(2, 3);
  const Graph iso = build_csr(el);
  write_hdf5(dir.file("i.h5"), iso, {}, {.compression = 9});
  check_same_graph(iso, read_hdf5(dir.file("i.h5")).graph);
}

TEST_CASE("hdf5 graph: written bytes identical for 1, 2 and 4 threads and to HDF5's own filters") {
  ScratchDir dir;
  const Graph g = random_graph(5000, 40000, 9, true, true);
  std::vector<std::string> bytes;
  for (int threads : {1, 2, 4}) {
    const std::string p = dir.file("t" + std::to_string(threads) + ".h5");
    with_threads(threads, [&] { write_hdf5(p, g, {}, {.chunk_bytes = 4096}); });
    std::ifstream in(p, std::ios::binary);
    bytes.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  CHECK(bytes[0] == bytes[1]);
  CHECK(bytes[0] == bytes[2]);
  // HDF5's own filter pipeline reads what the parallel path wrote, and vice versa
  write_hdf5(dir.file("serial.h5"), g, {}, {.chunk_bytes = 4096, .parallel_filters = false});
  check_same_graph(g, read_hdf5(dir.file("t1.h5"), {.parallel_filters = false}).graph);
  check_same_graph(g, read_hdf5(dir.file("serial.h5"), {.parallel_filters = true}).graph);
}

TEST_CASE("hdf5 graph: AnnData csr_matrix group shares the CSR arrays by hard link") {
  ScratchDir dir;
  for (bool weighted : {false, true}) {
    const Graph g = random_graph(200, 900, 4, false, weighted);
    const std::string p = dir.file("a.h5ad");
    write_hdf5(p, g, {}, {.anndata_group = "/obsp/connectivities"});
    h5::File f = h5::File::open(p);
    h5::Group a = f.open_group("/obsp/connectivities");
    CHECK(std::get<std::string>(a.read_attr("encoding-type")) == "csr_matrix");
    CHECK(std::get<std::vector<std::int64_t>>(a.read_attr("shape")) == std::vector<std::int64_t>{200, 200});
    const Hdf5Graph r = read_hdf5(p + ":/obsp/connectivities");
    CHECK(r.format == "anndata csr_matrix");
    CHECK(!r.graph.directed());  // detected as symmetric
    CHECK(r.graph.weighted());   // `data` holds ones when the graph is unweighted
    CHECK(std::equal(g.offsets().begin(), g.offsets().end(), r.graph.offsets().begin(), r.graph.offsets().end()));
    CHECK(std::equal(g.targets().begin(), g.targets().end(), r.graph.targets().begin(), r.graph.targets().end()));
    if (weighted) CHECK(std::equal(g.weights().begin(), g.weights().end(), r.graph.weights().begin()));
    CHECK(read_hdf5(p, {.group = "/obsp/connectivities", .weights = false}).graph.weighted() == false);
  }
}

TEST_CASE("hdf5 graph: CSR groups written field by field (scipy style), unsorted and duplicate entries") {
  ScratchDir dir;
  const std::string p = dir.file("s.h5");
  {
    h5::File f = h5::File::create(p);
    h5::Group g = f.create_group("/adj");
    // 3 × 3: row 0 → {2, 1}, row 1 → {0, 0 (duplicate)}, row 2 → {0}
    const std::vector<std::int64_t> indptr{0, 2, 4, 5};
    const std::vector<std::int64_t> indices{2, 1, 0, 0, 0};
    const std::vector<double> data{0.5, 1.5, 1.0, 0.5, 0.25};
    const hsize_t d4[1] = {4}, d5[1] = {5};
    g.create_dataset("indptr", H5T_NATIVE_INT64, d4).write_all<std::int64_t>(indptr);
    g.create_dataset("indices", H5T_NATIVE_INT64, d5).write_all<std::int64_t>(indices);
    g.create_dataset("data", H5T_NATIVE_DOUBLE, d5).write_all<double>(data);
    g.write_attr("shape", std::vector<std::int64_t>{3, 3});
  }
  const Hdf5Graph r = read_hdf5(p + ":/adj");
  CHECK(r.format == "scipy csr");
  CHECK(r.graph.directed());
  CHECK(std::vector<edge_t>(r.graph.offsets().begin(), r.graph.offsets().end()) == std::vector<edge_t>{0, 2, 3, 4});
  CHECK(std::vector<node_t>(r.graph.targets().begin(), r.graph.targets().end()) == std::vector<node_t>{1, 2, 0, 0});
  CHECK(std::vector<float>(r.graph.weights().begin(), r.graph.weights().end()) ==
        std::vector<float>{1.5f, 0.5f, 1.5f, 0.25f});  // weights differ across 0–2: directed
  REQUIRE(r.notes.size() >= 2);
  CHECK(r.notes[0].find("1 rows were not sorted") != std::string::npos);
  CHECK(r.notes[1].find("1 duplicate entries summed") != std::string::npos);
  const std::string err = io_error_of([&] { read_hdf5(p + ":/adj", {.validate = true}); });
  CHECK(err.find("dataset /adj/indices") != std::string::npos);
  CHECK(err.find("row 0 is not sorted") != std::string::npos);
  CHECK(io_error_of([&] { read_hdf5(p + ":/adj", {.directed = false}); }).find("not symmetric") != std::string::npos);
}

TEST_CASE("hdf5 graph: unsorted rows in a sprig file are sorted with a note, or rejected under validate") {
  ScratchDir dir;
  const std::string p = dir.file("u.h5");
  {
    h5::File f = h5::File::create(p);
    f.write_attrs({{"format", std::string("sprig-graph")},
                   {"format_version", std::int64_t{1}},
                   {"directed", std::int64_t{1}},
                   {"num_nodes", std::int64_t{3}}});
    const std::vector<std::int64_t> off{0, 3, 3, 4};
    const std::vector<std::int32_t> tg{2, 0, 1, 1};
    const std::vector<float> w{2.f, 0.f, 1.f, 5.f};
    const std::vector<std::int64_t> tm{20, 0, 10, 50};
    const hsize_t d4[1] = {4}, d3[1] = {4};
    f.create_dataset("/graph/offsets", H5T_NATIVE_INT64, d4).write_all<std::int64_t>(off);
    f.create_dataset("/graph/targets", H5T_NATIVE_INT32, d3).write_all<std::int32_t>(tg);
    f.create_dataset("/graph/weights", H5T_NATIVE_FLOAT, d3).write_all<float>(w);
    f.create_dataset("/graph/edge_time", H5T_NATIVE_INT64, d3).write_all<std::int64_t>(tm);
  }
  const Hdf5Graph r = read_hdf5(p);
  CHECK(std::vector<node_t>(r.graph.targets().begin(), r.graph.targets().end()) == std::vector<node_t>{0, 1, 2, 1});
  CHECK(std::vector<float>(r.graph.weights().begin(), r.graph.weights().end()) == std::vector<float>{0, 1, 2, 5});
  CHECK(r.data.edge_time == std::vector<std::int64_t>{0, 10, 20, 50});
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0] == "/graph/targets: 1 rows were not sorted by target; sorted on load");
  CHECK(io_error_of([&] { read_hdf5(p, {.validate = true}); }) ==
        p + " dataset /graph/targets: row 0 is not sorted (1 rows unsorted; read without validate to sort them)");
}

TEST_CASE("hdf5 graph: foreign features and names (obsm/X_pca, obs/_index)") {
  ScratchDir dir;
  const std::string p = dir.file("cells.h5ad");
  const Graph g = random_graph(50, 200, 8, false, true);
  write_hdf5(p, g, {}, {.anndata_group = "/obsp/connectivities"});
  {
    h5::File f = h5::File::open(p, h5::File::Mode::read_write);
    FloatMatrix x(50, 3);
    for (std::size_t i = 0; i < x.data.size(); ++i) x.data[i] = static_cast<float>(i) * 0.5f;
    const hsize_t d[2] = {50, 3};
    f.create_dataset("/obsm/X_pca", H5T_NATIVE_DOUBLE, d).write_all<float>(x.data);
    std::vector<std::string> names;
    for (int i = 0; i < 50; ++i) names.push_back("cell" + std::to_string(i));
    f.create_group("/obs").write_attr("_index", std::string("_index"));
    h5::write_strings(f, "/obs/_index", names);
  }
  // a file that is not sprig-graph: the CSR group is found at /obsp/connectivities
  h5::File(h5::File::open(p, h5::File::Mode::read_write)).write_attr("format", std::string("anndata"));
  const Hdf5Graph r = read_hdf5(p, {.features = "/obsm/X_pca"});
  CHECK(r.group == "/obsp/connectivities");
  REQUIRE(r.data.nodes.features.rows == 50);
  CHECK(r.data.nodes.features.cols == 3);
  CHECK(r.data.nodes.features(49, 2) == 74.5f);
  REQUIRE(r.data.nodes.names.size() == 50);
  CHECK(r.data.nodes.names[7] == "cell7");
}

TEST_CASE("hdf5 graph: append_embedding adds a dataset without touching the graph") {
  ScratchDir dir;
  const std::string p = dir.file("g.h5");
  const Graph g = random_graph(400, 3000, 2, false, false);
  write_hdf5(p, g);
  FloatMatrix e(400, 16);
  for (std::size_t i = 0; i < e.data.size(); ++i) e.data[i] = static_cast<float>(i % 97) / 7.0f;
  append_embedding(p, "fastrp", e, {{"dim", std::int64_t{16}}, {"method", std::string("fastrp")}});
  Hdf5Graph r = read_hdf5(p);
  check_same_graph(g, r.graph);
  REQUIRE(r.data.embeddings.size() == 1);
  CHECK(r.data.embeddings[0].matrix == e);
  CHECK(std::get<std::string>(r.data.embeddings[0].attributes.at("method")) == "fastrp");

  // never silently replaced
  FloatMatrix e2(400, 4, 1.0f);
  CHECK(io_error_of([&] { append_embedding(p, "fastrp", e2); }) ==
        p + " dataset /embeddings/fastrp: already exists (pass overwrite to replace it)");
  CHECK(read_hdf5(p).data.embeddings[0].matrix == e);
  append_embedding(p, "fastrp", e2, {}, {.overwrite = true});
  r = read_hdf5(p);
  REQUIRE(r.data.embeddings.size() == 1);
  CHECK(r.data.embeddings[0].matrix == e2);
  CHECK(r.data.embeddings[0].attributes.empty());

  CHECK(io_error_of([&] { append_embedding(p, "bad", FloatMatrix(399, 2)); }) ==
        p + " dataset /embeddings/bad: has 399 rows but the graph has 400 nodes");
  CHECK_THROWS_AS(append_embedding(p, "a/b", e2), InvalidArgument);
  CHECK_THROWS_AS(append_embedding(p, ".tmp-x", e2), InvalidArgument);

  DenseMatrix<std::int64_t> orb(400, 11, 3);
  append_orbits(p, "nodes", orb, {{"graphlet_size", std::int64_t{4}}});
  r = read_hdf5(p);
  REQUIRE(r.data.orbits.size() == 1);
  CHECK(r.data.orbits[0].matrix == orb);
}

TEST_CASE("hdf5 graph: a failure half-way through an append leaves the file as it was") {
  ScratchDir dir;
  const std::string p = dir.file("g.h5");
  const Graph g = random_graph(2000, 10000, 6, true, true);
  write_hdf5(p, g);
  FloatMatrix first(2000, 8, 0.25f);
  append_embedding(p, "first", first);
  FloatMatrix big(2000, 64);
  for (std::size_t i = 0; i < big.data.size(); ++i) big.data[i] = static_cast<float>(i);
  for (bool par : {true, false}) {
    for (bool overwrite : {false, true}) {
      CAPTURE(par);
      CAPTURE(overwrite);
      int blocks_seen = 0;
      auto fail_at_3 = [&](std::size_t b) {
        blocks_seen = static_cast<int>(b);
        if (b == 3) throw std::runtime_error("injected failure");
      };
      const std::string name = overwrite ? "first" : "second";
      CHECK_THROWS_WITH(append_embedding(p, name, big, {},
                                         {.overwrite = overwrite,
                                          .chunk_bytes = 4096,
                                          .block_bytes = 8192,
                                          .parallel_filters = par,
                                          .after_block = fail_at_3}),
                        "injected failure");
      CHECK(blocks_seen == 3);
      const Hdf5Graph r = read_hdf5(p);
      check_same_graph(g, r.graph);
      REQUIRE(r.data.embeddings.size() == 1);
      CHECK(r.data.embeddings[0].name == "first");
      CHECK(r.data.embeddings[0].matrix == first);
      h5::File f = h5::File::open(p);
      CHECK(f.open_group("/embeddings").children() == std::vector<std::string>{"first"});
    }
  }
  // a failing whole-file write leaves the previous file and no temporary behind
  const Graph g2 = random_graph(100, 300, 1, false, false);
  CHECK_THROWS_WITH(write_hdf5(p, g2, {},
                               {.chunk_bytes = 64,
                                .block_bytes = 64,
                                .after_block =
                                    [](std::size_t b) {
                                      if (b == 2) throw std::runtime_error("boom");
                                    }}),
                    "boom");
  check_same_graph(g, read_hdf5(p).graph);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("hdf5 graph: a writer killed half-way through an append leaves a readable file") {
  ScratchDir dir;
  const std::string p = dir.file("g.h5");
  const Graph g = random_graph(3000, 20000, 12, false, true);
  write_hdf5(p, g);
  FloatMatrix big(3000, 32, 2.0f);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // child: no TBB (forked), die without closing the file after two blocks
    try {
      append_embedding(
          p, "killed", big, {},
          {.chunk_bytes = 4096, .block_bytes = 16384, .parallel_filters = false, .after_block = [](std::size_t b) {
             if (b == 2) ::_exit(7);
           }});
    } catch (...) {
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 7);
  const Hdf5Graph r = read_hdf5(p);
  check_same_graph(g, r.graph);
  CHECK(r.data.embeddings.empty());
  // the next append works and cleans any temporary link left behind
  append_embedding(p, "ok", big);
  const Hdf5Graph r2 = read_hdf5(p);
  REQUIRE(r2.data.embeddings.size() == 1);
  CHECK(r2.data.embeddings[0].matrix == big);
  h5::File f = h5::File::open(p);
  CHECK(f.open_group("/embeddings").children() == std::vector<std::string>{"ok"});
}

TEST_CASE("hdf5 graph: paths with a group, listing") {
  CHECK(split_hdf5_path("a/b.h5ad:/obsp/connectivities").file == "a/b.h5ad");
  CHECK(split_hdf5_path("a/b.h5ad:/obsp/connectivities").group == "/obsp/connectivities");
  CHECK(split_hdf5_path("c:/x/g.h5").file == "c:/x/g.h5");
  CHECK(split_hdf5_path("g.h5").group.empty());
  CHECK(is_hdf5_path("g.h5"));
  CHECK(is_hdf5_path("x.h5ad:/obsp/distances"));
  CHECK(is_hdf5_path("x.hdf5"));
  CHECK(!is_hdf5_path("g.edges.gz"));
  CHECK(!is_hdf5_path("g.h5.gz"));

  ScratchDir dir;
  const Graph g = random_graph(30, 60, 1, false, false);
  write_hdf5(dir.file("l.h5"), g, full_data(g, 2), {.anndata_group = "/obsp/connectivities"});
  const auto entries = list_hdf5(dir.file("l.h5"));
  auto find = [&](const std::string& path) {
    return std::find_if(entries.begin(), entries.end(), [&](const Hdf5Entry& e) { return e.path == path; });
  };
  REQUIRE(find("/graph/targets") != entries.end());
  CHECK(find("/graph/targets")->type == "int32");
  CHECK(find("/graph/targets")->dims == std::vector<std::uint64_t>{static_cast<std::uint64_t>(g.num_arcs())});
  CHECK(find("/graph/offsets")->type == "int64");
  CHECK(find("/nodes/features")->dims == std::vector<std::uint64_t>{30, 5});
  CHECK(find("/embeddings/fastrp") != entries.end());
  CHECK(find("/obsp/connectivities/indices") != entries.end());
  CHECK(std::get<std::string>(entries[0].attributes.at("format")) == "sprig-graph");
  const std::string text = describe_hdf5(dir.file("l.h5"));
  CHECK(text.find("/graph/targets  int32[") != std::string::npos);
  CHECK(text.find("@format = \"sprig-graph\"") != std::string::npos);
  CHECK(text.find("shuffle+deflate(4)") != std::string::npos);
}

TEST_CASE("hdf5 graph: read_graph / write_graph dispatch .h5 and file.h5ad:/group paths") {
  ScratchDir dir;
  const Graph g = random_graph(120, 500, 31, false, true);
  write_graph(dir.file("g.h5"), g);
  check_same_graph(g, read_graph(dir.file("g.h5")));
  write_hdf5(dir.file("c.h5ad"), g, {}, {.anndata_group = "/obsp/connectivities"});
  BuildStats stats;
  const Graph r = read_graph(dir.file("c.h5ad") + ":/obsp/connectivities", {}, &stats);
  CHECK(r.num_arcs() == g.num_arcs());
  CHECK(!r.directed());
  CHECK(stats.input_edges == g.num_edges());
  // sprig convert / info through the CLI, when it is built
  const std::string cli = SPRIG_CLI_PATH;
  if (cli.empty() || !std::filesystem::exists(cli)) {
    MESSAGE("skipped the CLI part: the sprig command is not built");
    return;
  }
  const std::string out = dir.file("football.h5");
  REQUIRE(std::system((cli + " convert " + SPRIG_DATA_DIR + "/football.edges.gz " + out + " --labels " +
                       SPRIG_DATA_DIR + "/football.labels -q > /dev/null")
                          .c_str()) == 0);
  const Hdf5Graph f = read_hdf5(out);
  CHECK(f.graph.num_nodes() == 115);
  CHECK(f.graph.num_edges() == 613);
  REQUIRE(f.data.nodes.labels.size() == 115);
  CHECK(!f.data.nodes.classes.empty());
  REQUIRE(std::system((cli + " convert " + out + " " + dir.file("back.edges.gz") + " -q > /dev/null").c_str()) == 0);
  check_same_graph(f.graph, read_graph(dir.file("back.edges.gz")));
  REQUIRE(std::system((cli + " info " + out + " > " + dir.file("info.txt")).c_str()) == 0);
  std::ifstream in(dir.file("info.txt"));
  const std::string info((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(info.find("hdf5./nodes/labels: int32[115]") != std::string::npos);
}

// read_hdf5 checks the targets block by block as they arrive (range, order,
// self-loops) and only falls back to a full pass when something is off; tiny
// blocks put many seams inside rows, including an unsorted pair on a seam.
TEST_CASE("hdf5 graph: block-by-block target checks agree with the full pass at every block size") {
  ScratchDir dir;
  BuildOptions keep;
  keep.self_loops = SelfLoops::keep;
  EdgeList el;
  el.n = 300;
  Philox rng(11, 0);
  for (int i = 0; i < 2000; ++i)
    el.add(static_cast<node_t>(rng.bounded(300)), static_cast<node_t>(rng.bounded(300)));
  for (node_t v = 0; v < 300; v += 7) el.add(v, v);
  const Graph g = build_csr(el, keep);
  REQUIRE(g.num_self_loops() > 0);
  for (const bool chunked : {false, true}) {
    const std::string p = dir.file(chunked ? "k.h5" : "c.h5");
    write_hdf5(p, g, {}, {.compression = chunked ? 4 : 0, .chunked = chunked, .chunk_bytes = 256});
    for (const std::size_t block : {std::size_t{4}, std::size_t{12}, std::size_t{100}, std::size_t{64} << 20}) {
      CAPTURE(chunked);
      CAPTURE(block);
      const Hdf5Graph r = read_hdf5(p, {.block_bytes = block});
      check_same_graph(g, r.graph);
      CHECK(r.graph.num_self_loops() == g.num_self_loops());
      CHECK(r.graph.num_edges() == g.num_edges());
      CHECK(r.notes.empty());
    }
  }

  // Row 0 = {0, 1, 2, 5, 3, 6}: with 16-byte blocks, 5 ends one block and 3
  // begins the next, so only the seam check can see it.
  const std::string p = dir.file("seam.h5");
  {
    h5::File f = h5::File::create(p);
    f.write_attrs({{"format", std::string("sprig-graph")},
                   {"format_version", std::int64_t{1}},
                   {"directed", std::int64_t{1}},
                   {"num_nodes", std::int64_t{7}}});
    const std::vector<std::int64_t> off{0, 6, 6, 6, 6, 6, 6, 7};
    const std::vector<std::int32_t> tg{0, 1, 2, 5, 3, 6, 6};
    const hsize_t d8[1] = {8}, d7[1] = {7};
    f.create_dataset("/graph/offsets", H5T_NATIVE_INT64, d8).write_all<std::int64_t>(off);
    f.create_dataset("/graph/targets", H5T_NATIVE_INT32, d7).write_all<std::int32_t>(tg);
  }
  for (const std::size_t block : {std::size_t{16}, std::size_t{64} << 20}) {
    CAPTURE(block);
    const Hdf5Graph r = read_hdf5(p, {.block_bytes = block});
    CHECK(std::vector<node_t>(r.graph.targets().begin(), r.graph.targets().end()) ==
          std::vector<node_t>{0, 1, 2, 3, 5, 6, 6});
    CHECK(r.graph.num_self_loops() == 2);  // 0 -> 0 and 6 -> 6
    REQUIRE(r.notes.size() == 1);
    CHECK(r.notes[0] == "/graph/targets: 1 rows were not sorted by target; sorted on load");
    CHECK(io_error_of([&] { read_hdf5(p, {.validate = true, .block_bytes = block}); }) ==
          p + " dataset /graph/targets: row 0 is not sorted (1 rows unsorted; read without validate to sort them)");
  }
}
