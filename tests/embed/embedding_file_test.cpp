// Embedding and walk files: .npy header layout and round trip, text rows with
// the optional word2vec header, walk text; the CLI end to end.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sprig/embed/embedding_file.hpp>
#include <sprig/graph/error.hpp>

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("sprig_embed_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

}  // namespace

TEST_CASE("embedding files: .npy layout and round trip") {
  sprig::Matrix x(3, 2);
  x << 1.5f, -2.f, 0.f, 3.25f, 1e-8f, -7.f;
  const std::string path = temp_path("a.npy");
  sprig::write_embedding_npy(path, x);
  const std::string bytes = slurp(path);
  REQUIRE(bytes.size() > 10);
  CHECK(bytes.compare(0, 6, "\x93NUMPY") == 0);
  CHECK(bytes[6] == 1);
  CHECK(bytes[7] == 0);
  const std::size_t hlen = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  CHECK((10 + hlen) % 64 == 0);
  const std::string dict = bytes.substr(10, hlen);
  CHECK(dict.find("'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }") == 1);
  CHECK(dict.back() == '\n');
  CHECK(bytes.size() == 10 + hlen + 6 * sizeof(float));
  const sprig::Matrix y = sprig::read_embedding_npy(path);
  CHECK(y == x);
  std::remove(path.c_str());
  CHECK_THROWS_AS(sprig::read_embedding_npy(path), sprig::IoError);
}

TEST_CASE("embedding files: text rows, word2vec header, walks") {
  sprig::Matrix x(2, 3);
  x << 0.5f, -1.f, 0.1f, 2.f, 0.f, 1e-3f;
  const std::string path = temp_path("a.txt");
  sprig::write_embedding_text(path, x, {.word2vec_header = true});
  CHECK(slurp(path) == "2 3\n0 0.5 -1 0.1\n1 2 0 0.001\n");
  const std::vector<std::string> names{"alice", "bob"};
  sprig::write_embedding_text(path, x, {.names = &names});
  CHECK(slurp(path) == "alice 0.5 -1 0.1\nbob 2 0 0.001\n");
  const std::vector<std::string> one{"a"};
  CHECK_THROWS_AS(sprig::write_embedding_text(path, x, {.names = &one}), sprig::InvalidArgument);
  sprig::Walks w;
  w.count = 2;
  w.length = 3;
  w.nodes = {4, 5, 6, 7, -1, -1};
  sprig::write_walks_text(path, w);
  CHECK(slurp(path) == "4 5 6\n7\n");
  std::remove(path.c_str());
}

TEST_CASE("embedding files: sprig embed and sprig walks end to end") {
  const std::string cli = SPRIG_CLI_PATH;
  if (cli.empty()) return;  // built without the CLI
  const std::string data = std::string(SPRIG_DATA_DIR) + "/karate.edges.gz";
  const std::string npy = temp_path("k.npy"), txt = temp_path("k.txt"), walks = temp_path("w.txt");
  CHECK(std::system((cli + " embed " + data + " --dim 8 -q -o " + npy).c_str()) == 0);
  const sprig::Matrix x = sprig::read_embedding_npy(npy);
  CHECK(x.rows() == 34);
  CHECK(x.cols() == 8);
  CHECK(std::system((cli + " embed " + data + " --method deepwalk --dim 4 --walks-per-node 2 --walk-length 10 "
                                               "--word2vec-header -q -o " + txt).c_str()) == 0);
  CHECK(slurp(txt).rfind("34 4\n0 ", 0) == 0);
  CHECK(std::system((cli + " walks " + data + " --walks-per-node 1 --length 5 --p 0.5 -q -o " + walks).c_str()) == 0);
  std::istringstream lines(slurp(walks));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) ++count;
  CHECK(count == 34);
  // Bad input exits 1 with a message, writes nothing.
  const std::string bad = temp_path("bad.txt");
  CHECK(std::system((cli + " embed " + data + " --dim 0 -q -o " + bad + " 2>/dev/null").c_str()) != 0);
  CHECK(!std::filesystem::exists(bad));
  CHECK(std::system((cli + " walks " + data + " --q -1 -q -o " + bad + " 2>/dev/null").c_str()) != 0);
  for (const auto& p : {npy, txt, walks}) std::remove(p.c_str());
}

TEST_CASE("embedding files: walks to HDF5 and back, through the library and sprig walks") {
  sprig::Walks w;
  w.first = 3;
  w.count = 3;
  w.length = 4;
  w.nodes = {4, 5, 6, 7, 7, -1, -1, -1, 0, 1, 2, -1};
  const std::string path = temp_path("w.h5");
  sprig::write_walks_hdf5(path, w, {{"p", 0.5}, {"method", std::string("node2vec")}});
  sprig::h5::Attributes attrs;
  const sprig::Walks r = sprig::read_walks_hdf5(path, &attrs);
  CHECK(r.first == 3);
  CHECK(r.count == 3);
  CHECK(r.length == 4);
  CHECK(r.nodes == w.nodes);
  CHECK(r.walk_length(1) == 1);
  CHECK(std::get<double>(attrs.at("p")) == 0.5);
  CHECK(std::get<std::string>(attrs.at("method")) == "node2vec");
  // Empty walks round-trip too.
  sprig::write_walks_hdf5(path, sprig::Walks{});
  CHECK(sprig::read_walks_hdf5(path).count == 0);
  // Padding followed by a node, or an id below −1: errors naming the dataset.
  w.nodes[6] = 9;
  sprig::write_walks_hdf5(path, w);
  CHECK_THROWS_WITH_AS(sprig::read_walks_hdf5(path), doctest::Contains("/walks"), sprig::IoError);
  w.nodes[6] = -1;
  w.nodes[0] = -7;
  sprig::write_walks_hdf5(path, w);
  CHECK_THROWS_AS(sprig::read_walks_hdf5(path), sprig::IoError);
  CHECK_THROWS_AS(sprig::read_walks_hdf5(temp_path("missing.h5")), sprig::IoError);
  std::remove(path.c_str());

  const std::string cli = SPRIG_CLI_PATH;
  if (cli.empty()) return;  // built without the CLI
  const std::string data = std::string(SPRIG_DATA_DIR) + "/karate.edges.gz";
  const std::string txt = temp_path("cw.txt"), h5 = temp_path("cw.h5");
  const std::string args = " walks " + data + " --walks-per-node 2 --length 7 --p 0.5 --q 2 --seed 4 -q -o ";
  REQUIRE(std::system((cli + args + txt).c_str()) == 0);
  REQUIRE(std::system((cli + args + h5).c_str()) == 0);
  const sprig::Walks hw = sprig::read_walks_hdf5(h5, &attrs);
  CHECK(hw.count == 68);
  CHECK(hw.length == 7);
  CHECK(std::get<double>(attrs.at("q")) == 2.0);
  CHECK(std::get<std::int64_t>(attrs.at("seed")) == 4);
  CHECK(std::get<std::string>(attrs.at("method")) == "node2vec");
  // The same walks as the text output.
  std::ostringstream text;
  for (std::int64_t i = 0; i < hw.count; ++i) {
    for (std::int64_t s = 0; s < hw.walk_length(i); ++s) text << (s ? " " : "") << hw.walk(i)[s];
    text << '\n';
  }
  CHECK(text.str() == slurp(txt));
  for (const auto& p : {txt, h5}) std::remove(p.c_str());
}
