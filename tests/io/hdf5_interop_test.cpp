// HDF5 interop with h5py (Debian's python3-h5py): files h5py writes are read by
// sprig, files sprig writes are read by h5py, every array compared. Skipped,
// saying why, where /usr/bin/python3 or h5py is missing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "io/hdf5_test_util.hpp"

using namespace sprig;
using hdf5_test::random_graph;
using hdf5_test::ScratchDir;
using nlohmann::json;

namespace {

const std::string kPython = "/usr/bin/python3";
const std::string kScript = std::string(SPRIG_TEST_DATA_DIR) + "/../interop/h5py_interop.py";

// Why the interop tests cannot run here ("" when they can).
std::string why_no_h5py() {
  static const std::string why = [] {
    if (!std::filesystem::exists(kPython)) return kPython + " not found";
    if (std::system((kPython + " -c 'import h5py, numpy, scipy' >/dev/null 2>&1").c_str()) != 0)
      return kPython + " cannot import h5py, numpy and scipy (install python3-h5py python3-scipy)";
    if (!std::filesystem::exists(kScript)) return kScript + " not found";
    return std::string();
  }();
  return why;
}

#define SKIP_WITHOUT_H5PY()                                    \
  do {                                                         \
    if (const std::string why = why_no_h5py(); !why.empty()) { \
      MESSAGE("skipped: " << why);                             \
      return;                                                  \
    }                                                          \
  } while (0)

int run(const std::string& cmd) {
  return std::system(cmd.c_str());
}

template <class T>
std::vector<T> vec(const json& j) {
  return j.get<std::vector<T>>();
}

template <class T>
std::vector<T> as_vec(std::span<const T> s) {
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("hdf5 interop: sprig reads what h5py writes") {
  SKIP_WITHOUT_H5PY();
  ScratchDir dir;
  REQUIRE(run(kPython + " " + kScript + " write " + dir.path.string()) == 0);
  std::ifstream in(dir.file("expected.json"));
  const json exp = json::parse(in);

  SUBCASE("AnnData .h5ad: obsp/connectivities, obsm/X_pca, obs/_index") {
    const json& e = exp["cells"];
    const Hdf5Graph r = read_hdf5(dir.file("cells.h5ad") + ":/obsp/connectivities", {.features = "/obsm/X_pca"});
    CHECK(r.format == "anndata csr_matrix");
    CHECK(r.graph.num_nodes() == e["n"].get<int>());
    CHECK(r.graph.directed() == e["directed"].get<bool>());
    CHECK(as_vec(r.graph.offsets()) == vec<edge_t>(e["offsets"]));
    CHECK(as_vec(r.graph.targets()) == vec<node_t>(e["targets"]));
    CHECK(as_vec(r.graph.weights()) == vec<float>(e["weights"]));
    CHECK(r.data.nodes.features.rows == e["features_shape"][0].get<int>());
    CHECK(r.data.nodes.features.cols == e["features_shape"][1].get<int>());
    CHECK(r.data.nodes.features.data == vec<float>(e["features"]));
    CHECK(r.data.nodes.names == vec<std::string>(e["names"]));
    // the same without naming the group: found at /obsp/connectivities
    CHECK(as_vec(read_hdf5(dir.file("cells.h5ad")).graph.targets()) == vec<node_t>(e["targets"]));
  }
  SUBCASE("scipy-style groups: shape attribute or dataset, int64 indices, float64 data, unsorted rows") {
    const json& e = exp["scipy"];
    for (const char* group : {"/adj", "/adj_unsorted"}) {
      CAPTURE(group);
      const Hdf5Graph r = read_hdf5(dir.file("scipy.h5") + ":" + group);
      CHECK(r.format == "scipy csr");
      CHECK(r.graph.directed() == e["directed"].get<bool>());
      CHECK(as_vec(r.graph.offsets()) == vec<edge_t>(e["offsets"]));
      CHECK(as_vec(r.graph.targets()) == vec<node_t>(e["targets"]));
      CHECK(as_vec(r.graph.weights()) == vec<float>(e["weights"]));
      const bool unsorted = std::string(group) == "/adj_unsorted";
      bool noted = false;
      for (const auto& note : r.notes) noted |= note.find("rows were not sorted") != std::string::npos;
      CHECK(noted == unsorted);
    }
    REQUIRE(exp["scipy"]["unsorted_rows"].get<int>() > 0);
    CHECK_THROWS_AS(read_hdf5(dir.file("scipy.h5") + ":/adj_unsorted", {.validate = true}), IoError);
  }
  SUBCASE("the sprig-graph layout written by h5py (bool attributes and masks, fixed strings, gzip chunks)") {
    const json& e = exp["sprig"];
    for (bool par : {true, false}) {
      CAPTURE(par);
      const Hdf5Graph r = read_hdf5(dir.file("sprig_by_h5py.h5"), {.block_bytes = 1000, .parallel_filters = par});
      CHECK(r.format == "sprig-graph");
      CHECK(r.notes.empty());
      CHECK(r.data.name == e["name"].get<std::string>());
      CHECK(r.graph.directed() == false);
      CHECK(as_vec(r.graph.offsets()) == vec<edge_t>(e["offsets"]));
      CHECK(as_vec(r.graph.targets()) == vec<node_t>(e["targets"]));
      CHECK(as_vec(r.graph.weights()) == vec<float>(e["weights"]));
      CHECK(r.data.nodes.features.data == vec<float>(e["features"]));
      CHECK(r.data.nodes.features.cols == e["features_shape"][1].get<int>());
      CHECK(r.data.nodes.labels == vec<std::int32_t>(e["labels"]));
      CHECK(r.data.nodes.classes == vec<std::string>(e["classes"]));
      CHECK(r.data.nodes.names == vec<std::string>(e["names"]));
      CHECK(r.data.nodes.split.train == vec<node_t>(e["train"]));
      CHECK(r.data.nodes.split.valid == vec<node_t>(e["valid"]));
      CHECK(r.data.nodes.split.test == vec<node_t>(e["test"]));
      CHECK(r.data.links.seed == e["link_seed"].get<std::uint64_t>());
      CHECK(r.data.links.method == e["link_method"].get<std::string>());
      CHECK(r.data.links.test.pos == vec<node_t>(e["test_pos"]));
      CHECK(r.data.links.test.neg == vec<node_t>(e["test_neg"]));
      CHECK(r.data.links.train.pos.empty());
      REQUIRE(r.data.embeddings.size() == 1);
      CHECK(r.data.embeddings[0].name == "spectral");
      CHECK(r.data.embeddings[0].matrix.data == vec<float>(e["embedding"]));
      CHECK(std::get<std::int64_t>(r.data.embeddings[0].attributes.at("dim")) == 3);
      CHECK(std::get<std::string>(r.data.embeddings[0].attributes.at("normalized")) == "yes");
    }
  }
}

TEST_CASE("hdf5 interop: h5py reads what sprig writes") {
  SKIP_WITHOUT_H5PY();
  ScratchDir dir;
  for (int level : {0, 5}) {
    CAPTURE(level);
    const Graph g = random_graph(700, 5000, 21, false, true);
    const std::int64_t n = g.num_nodes();
    GraphData d;
    d.name = "sprig → h5py";
    d.nodes.features = FloatMatrix(n, 3);
    for (std::size_t i = 0; i < d.nodes.features.data.size(); ++i)
      d.nodes.features.data[i] = static_cast<float>(i % 1000) / 16.0f - 20.0f;
    for (std::int64_t i = 0; i < n; ++i) d.nodes.labels.push_back(static_cast<std::int32_t>(i % 5) - 1);
    d.nodes.classes = {"a", "b", "c", "d"};
    for (std::int64_t i = 0; i < n; ++i) d.nodes.names.push_back("n" + std::to_string(i) + "-é");
    for (node_t i = 0; i < n; i += 3) d.nodes.split.train.push_back(i);
    d.edge_time.resize(static_cast<std::size_t>(g.num_arcs()));
    for (std::size_t i = 0; i < d.edge_time.size(); ++i) d.edge_time[i] = static_cast<std::int64_t>(i) * 1000003 - 7;
    d.links.seed = 5;
    d.links.method = "random";
    d.links.test.pos = {1, 2, 3, 4};
    d.links.test.neg = {5, 6, 7, 8};
    NamedMatrix<float> e{"fastrp", FloatMatrix(n, 4), {{"dim", std::int64_t{4}}, {"note", std::string("x")}}};
    for (std::size_t i = 0; i < e.matrix.data.size(); ++i) e.matrix.data[i] = static_cast<float>(i) * 0.25f;
    d.embeddings.push_back(e);
    const std::string p = dir.file("out" + std::to_string(level) + ".h5");
    write_hdf5(p, g, d, {.compression = level, .chunk_bytes = 1024, .anndata_group = "/obsp/connectivities"});
    DenseMatrix<std::int64_t> orb(n, 2, 9);
    append_orbits(p, "edges", orb, {{"size", std::int64_t{5}}});

    json x;
    x["anndata_group"] = "/obsp/connectivities";
    x["attrs"] = {{"format", "sprig-graph"}, {"format_version", 1},        {"name", d.name},       {"directed", 0},
                  {"num_nodes", n},          {"num_edges", g.num_edges()}, {"created_by", "sprig"}};
    auto ds = [&](const std::string& name, const std::string& dtype, std::vector<std::uint64_t> shape, auto data) {
      x["datasets"][name] = {{"dtype", dtype}, {"shape", shape}, {"data", data}};
    };
    const auto m = static_cast<std::uint64_t>(g.num_arcs());
    const auto un = static_cast<std::uint64_t>(n);
    ds("/graph/offsets", "int64", {un + 1}, as_vec(g.offsets()));
    ds("/graph/targets", "int32", {m}, as_vec(g.targets()));
    ds("/graph/weights", "float32", {m}, as_vec(g.weights()));
    ds("/graph/edge_time", "int64", {m}, d.edge_time);
    ds("/nodes/features", "float32", {un, 3}, d.nodes.features.data);
    ds("/nodes/labels", "int32", {un}, d.nodes.labels);
    x["datasets"]["/nodes/labels"]["attrs"] = {{"classes", d.nodes.classes}};
    x["datasets"]["/nodes/names"] = {{"dtype", "str"}, {"data", d.nodes.names}};
    ds("/nodes/split/train", "int32", {d.nodes.split.train.size()}, d.nodes.split.train);
    ds("/splits/links/test/pos", "int32", {2, 2}, d.links.test.pos);
    ds("/splits/links/test/neg", "int32", {2, 2}, d.links.test.neg);
    ds("/embeddings/fastrp", "float32", {un, 4}, e.matrix.data);
    x["datasets"]["/embeddings/fastrp"]["attrs"] = {{"dim", 4}, {"note", "x"}};
    ds("/orbits/edges", "int64", {un, 2}, orb.data);
    x["datasets"]["/orbits/edges"]["attrs"] = {{"size", 5}};
    ds("/obsp/connectivities/indptr", "int64", {un + 1}, as_vec(g.offsets()));
    ds("/obsp/connectivities/indices", "int32", {m}, as_vec(g.targets()));
    ds("/obsp/connectivities/data", "float32", {m}, as_vec(g.weights()));
    {
      std::ofstream out(dir.file("expected.json"));
      out << x.dump();
    }
    CHECK(run(kPython + " " + kScript + " check " + p + " " + dir.file("expected.json")) == 0);
  }
}
