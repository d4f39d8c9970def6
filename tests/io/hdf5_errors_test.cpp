// HDF5 bad input: every malformed file gives an IoError naming the file and the
// dataset; a fuzz-style test feeds mutated files and expects IoError, never a crash.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include <sys/wait.h>
#include <unistd.h>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/hdf5.hpp>
#include <sprig/io/hdf5_graph.hpp>

#include "io/hdf5_test_util.hpp"

using namespace sprig;
using hdf5_test::io_error_of;
using hdf5_test::random_graph;
using hdf5_test::ScratchDir;

namespace {

// A hand-made sprig-graph file: 3 nodes; the lambda may add or replace anything.
struct Spec {
  std::vector<std::int64_t> offsets{0, 2, 3, 4};
  std::vector<std::int32_t> targets{1, 2, 0, 0};
  std::int64_t num_nodes = 3;
  bool write_targets = true;
};

void make_file(const std::string& p, const Spec& s, const std::function<void(h5::File&)>& extra = {}) {
  h5::File f = h5::File::create(p);
  f.write_attrs({{"format", std::string("sprig-graph")},
                 {"format_version", std::int64_t{1}},
                 {"directed", std::int64_t{1}},
                 {"num_nodes", s.num_nodes}});
  const hsize_t no[1] = {s.offsets.size()}, nt[1] = {s.targets.size()};
  f.create_dataset("/graph/offsets", H5T_NATIVE_INT64, no).write_all<std::int64_t>(s.offsets);
  if (s.write_targets) f.create_dataset("/graph/targets", H5T_NATIVE_INT32, nt).write_all<std::int32_t>(s.targets);
  if (extra) extra(f);
  f.close();
}

std::string read_error(const std::string& p, const Hdf5ReadOptions& opt = {}) {
  return io_error_of([&] { read_hdf5(p, opt); });
}

std::string bytes_of(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void put_bytes(const std::string& p, const std::string& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
}

}  // namespace

TEST_CASE("hdf5 errors: files that are missing, not HDF5, truncated") {
  ScratchDir dir;
  const std::string missing = dir.file("missing.h5");
  CHECK(read_error(missing) == missing + ": no such file");
  const std::string text = dir.file("text.h5");
  put_bytes(text, "0 1\n1 2\n");
  CHECK(read_error(text) == text + ": not an HDF5 file (no HDF5 signature found)");
  CHECK(read_error(dir.path.string()) == dir.path.string() + ": is a directory, not an HDF5 file");

  const std::string good = dir.file("good.h5");
  write_hdf5(good, random_graph(2000, 20000, 1, false, true), {}, {.compression = 0});
  const std::string full = bytes_of(good);
  for (std::size_t keep : {full.size() / 2, full.size() - 100, std::size_t{600}}) {
    CAPTURE(keep);
    const std::string cut = dir.file("cut.h5");
    put_bytes(cut, full.substr(0, keep));
    const std::string err = read_error(cut);
    CHECK(err.rfind(cut, 0) == 0);  // starts with the path
    CHECK(!err.empty());
  }
}

TEST_CASE("hdf5 errors: missing datasets, wrong types and ranks") {
  ScratchDir dir;
  const std::string p = dir.file("g.h5");
  Spec s;
  s.write_targets = false;
  make_file(p, s);
  CHECK(read_error(p) == p + " dataset /graph/targets: missing dataset");

  make_file(p, Spec{}, [](h5::File& f) { f.remove("/graph/offsets"); });
  CHECK(read_error(p) == p + " dataset /graph/offsets: missing dataset");

  s = Spec{};
  s.write_targets = false;
  make_file(p, s, [](h5::File& f) {
    const hsize_t d[1] = {4};
    f.create_dataset("/graph/targets", H5T_NATIVE_FLOAT, d).write_all<float>(std::vector<float>{1, 2, 0, 0});
  });
  CHECK(read_error(p) == p + " dataset /graph/targets: expected an integer dataset, found float32");

  make_file(p, Spec{}, [](h5::File& f) {
    f.remove("/graph/offsets");
    const hsize_t d[2] = {2, 2};
    f.create_dataset("/graph/offsets", H5T_NATIVE_INT64, d)
        .write_all<std::int64_t>(std::vector<std::int64_t>{0, 2, 3, 4});
  });
  CHECK(read_error(p) == p + " dataset /graph/offsets: expected rank 1, found rank 2");

  make_file(p, Spec{}, [](h5::File& f) { h5::write_strings(f, "/graph/weights", {"a", "b", "c", "d"}); });
  CHECK(read_error(p) == p + " dataset /graph/weights: expected a numeric dataset, found string");

  make_file(p, Spec{}, [](h5::File& f) {
    const hsize_t d[2] = {3, 2};
    f.create_dataset("/nodes/labels", H5T_NATIVE_INT32, d).write_all<std::int32_t>(std::vector<std::int32_t>(6, 0));
  });
  CHECK(read_error(p) == p + " dataset /nodes/labels: expected rank 1, found rank 2");

  make_file(p, Spec{}, [](h5::File& f) { f.create_group("/graph/weights"); });
  CHECK(read_error(p) == p + " dataset /graph/weights: is not a dataset");

  make_file(p, Spec{}, [](h5::File& f) { H5Adelete(f.id(), "directed"); });
  CHECK(read_error(p) == p + ": missing attribute directed");

  make_file(p, Spec{}, [](h5::File& f) { f.write_attr("format_version", std::int64_t{2}); });
  CHECK(read_error(p) == p + ": format_version 2 is newer than this reader (1)");

  {
    h5::File f = h5::File::create(p);
    const hsize_t d[1] = {3};
    f.create_dataset("/x", H5T_NATIVE_INT32, d).write_all<std::int32_t>(std::vector<std::int32_t>{1, 2, 3});
  }
  CHECK(read_error(p).find(p + ": no graph found") == 0);
  CHECK(read_error(p + ":/x") == p + " dataset /x: is not a group");
  CHECK(read_error(p + ":/nope") == p + " dataset /nope: missing group");
}

TEST_CASE("hdf5 errors: bad offsets, targets out of range, lengths that disagree") {
  ScratchDir dir;
  const std::string p = dir.file("g.h5");
  Spec s;
  s.offsets = {1, 2, 3, 4};
  make_file(p, s);
  CHECK(read_error(p) == p + " dataset /graph/offsets: offsets[0] = 1 (must be 0)");

  s = Spec{};
  s.offsets = {0, 3, 2, 4};
  make_file(p, s);
  CHECK(read_error(p) == p + " dataset /graph/offsets: offsets decrease at node 1 (3 > 2)");

  s = Spec{};
  s.offsets = {0, 2, 3, 5};
  make_file(p, s);
  CHECK(read_error(p) == p + " dataset /graph/offsets: offsets[n] = 5 but targets has 4 values");

  s = Spec{};
  s.targets = {1, 2, 7, 0};
  make_file(p, s);
  CHECK(read_error(p) == p + " dataset /graph/targets: target 7 at arc 2 (row 1) outside [0, 3)");
  s.targets = {1, -2, 0, 0};
  make_file(p, s);
  CHECK(read_error(p) == p + " dataset /graph/targets: target -2 at arc 1 (row 0) outside [0, 3)");

  s = Spec{};
  s.num_nodes = 4;
  make_file(p, s);
  CHECK(read_error(p) == p + ": num_nodes = 4 but /graph/offsets has 4 values (n + 1 = 5)");

  make_file(p, Spec{}, [](h5::File& f) { f.write_attr("num_edges", std::int64_t{9}); });
  CHECK(read_error(p) == p + ": num_edges = 9 but /graph holds 4 edges");

  make_file(p, Spec{}, [](h5::File& f) {
    const hsize_t d[1] = {3};
    f.create_dataset("/graph/weights", H5T_NATIVE_FLOAT, d).write_all<float>(std::vector<float>{1, 2, 3});
  });
  CHECK(read_error(p) == p + " dataset /graph/weights: has 3 values but targets has 4");

  make_file(p, Spec{}, [](h5::File& f) {
    const hsize_t d[1] = {5};
    f.create_dataset("/graph/edge_time", H5T_NATIVE_INT64, d).write_all<std::int64_t>(std::vector<std::int64_t>(5, 1));
  });
  CHECK(read_error(p) == p + " dataset /graph/edge_time: has 5 values but targets has 4");

  make_file(p, Spec{}, [](h5::File& f) {
    const hsize_t d[2] = {2, 4};
    f.create_dataset("/nodes/features", H5T_NATIVE_FLOAT, d).write_all<float>(std::vector<float>(8, 1.f));
  });
  CHECK(read_error(p) == p + " dataset /nodes/features: has 2 rows but the graph has 3 nodes");

  make_file(p, Spec{}, [](h5::File& f) {
    const hsize_t d[1] = {3};
    f.create_dataset("/nodes/labels", H5T_NATIVE_INT32, d).write_all<std::int32_t>(std::vector<std::int32_t>{0, 2, -1});
    f.open_dataset("/nodes/labels").write_attr("classes", std::vector<std::string>{"x", "y"});
  });
  CHECK(read_error(p) == p + " dataset /nodes/labels: label 2 of node 1 outside [-1, 2)");

  make_file(p, Spec{}, [](h5::File& f) {
    const hsize_t d[1] = {2};
    f.create_dataset("/nodes/split/train", H5T_NATIVE_INT32, d)
        .write_all<std::int32_t>(std::vector<std::int32_t>{0, 3});
  });
  CHECK(read_error(p) == p + " dataset /nodes/split/train: node 3 at position 1 outside [0, 3)");

  make_file(p, Spec{}, [](h5::File& f) {
    const hsize_t d[2] = {1, 3};
    f.create_dataset("/splits/links/test/pos", H5T_NATIVE_INT32, d)
        .write_all<std::int32_t>(std::vector<std::int32_t>{0, 1, 2});
  });
  CHECK(read_error(p) ==
        p + " dataset /splits/links/test/pos: expected a k × 2 array of node pairs, found shape (1, 3)");

  make_file(p, Spec{}, [](h5::File& f) {
    const hsize_t d[2] = {4, 2};
    f.create_dataset("/embeddings/e", H5T_NATIVE_FLOAT, d).write_all<float>(std::vector<float>(8, 0.f));
  });
  CHECK(read_error(p) == p + " dataset /embeddings/e: has 4 rows but the graph has 3 nodes");
}

TEST_CASE("hdf5 errors: foreign CSR groups") {
  ScratchDir dir;
  const std::string p = dir.file("a.h5ad");
  auto csr = [&](const std::vector<std::int64_t>& shape, const std::string& enc) {
    h5::File f = h5::File::create(p);
    h5::Group g = f.create_group("/obsp/connectivities");
    if (!enc.empty()) g.write_attr("encoding-type", enc);
    g.write_attr("shape", shape);
    const hsize_t d3[1] = {3}, d2[1] = {2};
    g.create_dataset("indptr", H5T_NATIVE_INT32, d3).write_all<std::int32_t>(std::vector<std::int32_t>{0, 1, 2});
    g.create_dataset("indices", H5T_NATIVE_INT32, d2).write_all<std::int32_t>(std::vector<std::int32_t>{1, 0});
    g.create_dataset("data", H5T_NATIVE_FLOAT, d2).write_all<float>(std::vector<float>{1, 1});
  };
  csr({2, 2}, "csr_matrix");
  CHECK(read_hdf5(p).graph.num_arcs() == 2);
  csr({2, 3}, "csr_matrix");
  CHECK(read_error(p) ==
        p + " dataset /obsp/connectivities: is a 2 × 3 matrix; a graph needs a square (n × n) adjacency matrix");
  csr({3, 3}, "csr_matrix");
  CHECK(read_error(p) == p + " dataset /obsp/connectivities: shape says 3 rows but indptr has 3 values");
  csr({2, 2}, "csc_matrix");
  CHECK(read_error(p).find("is a csc_matrix") != std::string::npos);
  csr({2, 2, 2}, "");
  CHECK(read_error(p) == p + " dataset /obsp/connectivities: shape has 3 values (a matrix needs 2)");
}

TEST_CASE("hdf5 errors: fuzz — mutated files give IoError or a valid graph, never a crash or a hang") {
  // The mutants are read in a child process (one thread, no TBB workers after
  // fork) so that a crash or an endless loop inside libhdf5 fails this test with
  // the mutant's number instead of killing or hanging the test binary.
  ScratchDir dir;
  const Graph g = random_graph(500, 3000, 77, false, true);
  GraphData d;
  d.nodes.features = FloatMatrix(500, 4, 0.5f);
  d.nodes.labels.assign(500, 1);
  d.nodes.classes = {"zero", "one"};
  d.nodes.names.assign(500, "x");
  std::vector<std::string> originals;
  for (int level : {0, 3}) {
    const std::string p = dir.file("seed" + std::to_string(level) + ".h5");
    write_hdf5(p, g, d, {.compression = level, .chunk_bytes = 2048, .anndata_group = "/obsp/connectivities"});
    originals.push_back(bytes_of(p));
  }
  const std::string p = dir.file("mutant.h5"), log = dir.file("fuzz.log");
  constexpr int kMutants = 400;
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 0;
    with_threads(1, [&] {
      Philox rng(2024, 0);
      int io_errors = 0, ok = 0;
      for (int it = 0; it < kMutants && code == 0; ++it) {
        std::string b = originals[static_cast<std::size_t>(it) % originals.size()];
        const auto kind = rng.bounded(4);
        if (kind == 0) {  // truncate
          b.resize(rng.bounded(static_cast<std::uint32_t>(b.size())));
        } else if (kind == 1) {  // flip a few bytes anywhere
          for (std::uint32_t k = 0, c = 1 + rng.bounded(8); k < c; ++k)
            b[rng.bounded(static_cast<std::uint32_t>(b.size()))] ^= static_cast<char>(1 + rng.bounded(255));
        } else if (kind == 2) {  // overwrite a run with random bytes
          const auto at = rng.bounded(static_cast<std::uint32_t>(b.size()));
          for (std::uint32_t k = 0, c = 1 + rng.bounded(64); k < c && at + k < b.size(); ++k)
            b[at + k] = static_cast<char>(rng.bounded(256));
        } else {  // zero a run
          const auto at = rng.bounded(static_cast<std::uint32_t>(b.size()));
          for (std::uint32_t k = 0, c = 1 + rng.bounded(256); k < c && at + k < b.size(); ++k) b[at + k] = 0;
        }
        put_bytes(p, b);
        put_bytes(log, fmt::format("mutant {} (kind {}): reading\n", it, kind));
        try {
          const Hdf5Graph r = read_hdf5(p, {.validate = (it % 2) == 0});
          ++ok;
          if (r.graph.offsets().front() != 0 || r.graph.offsets().back() != r.graph.num_arcs()) {
            put_bytes(log, fmt::format("mutant {}: read a graph that breaks the CSR invariants\n", it));
            code = 3;
          }
        } catch (const IoError& e) {
          ++io_errors;
          if (std::string(e.what()).rfind(p, 0) != 0) {
            put_bytes(log, fmt::format("mutant {}: IoError without the path: {}\n", it, e.what()));
            code = 4;
          }
        } catch (const std::exception& e) {
          put_bytes(log, fmt::format("mutant {} (kind {}): not an IoError: {}\n", it, kind, e.what()));
          code = 5;
        }
      }
      if (code == 0) put_bytes(log, fmt::format("{} {}\n", io_errors, ok));
    });
    ::_exit(code);
  }
  int status = 0;
  bool done = false;
  for (int tenth = 0; tenth < 3000 && !done; ++tenth) {  // 300 s
    done = ::waitpid(pid, &status, WNOHANG) == pid;
    if (!done) ::usleep(100000);
  }
  if (!done) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL("a mutant hangs the reader: " << bytes_of(log));
  }
  if (WIFSIGNALED(status)) FAIL("a mutant crashes the reader (signal " << WTERMSIG(status) << "): " << bytes_of(log));
  REQUIRE(WIFEXITED(status));
  CHECK_MESSAGE(WEXITSTATUS(status) == 0, bytes_of(log));
  if (WEXITSTATUS(status) == 0) {
    int io_errors = 0, ok = 0;
    std::sscanf(bytes_of(log).c_str(), "%d %d", &io_errors, &ok);
    MESSAGE("fuzz: " << io_errors << " IoErrors, " << ok << " mutants still readable");
    CHECK(io_errors + ok == kMutants);
    CHECK(io_errors > 100);
  }
}
