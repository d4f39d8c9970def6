// Label files: real ones with known class counts, class numbering, node-name
// ids, round trip, and the bad-input messages.
#include <doctest/doctest.h>

#include <sprig/io/edge_list_io.hpp>
#include <sprig/io/labels.hpp>

#include "io/io_test_util.hpp"

using namespace sprig;
using sprig_test::contains;
using sprig_test::TempDir;

namespace {
std::string label_error(const std::string& text, const LabelReadOptions& opt = {}) {
  return sprig_test::io_error_of([&] { parse_labels(text, opt, "x.labels"); });
}
}  // namespace

TEST_CASE("labels: real files") {
  const std::string data = SPRIG_DATA_DIR;
  const NodeLabels books = read_labels(data + "/polbooks.labels");
  CHECK(books.label.size() == 105);
  CHECK(books.num_classes() == 3);
  CHECK(books.classes == std::vector<std::string>{"c", "l", "n"});
  CHECK(books.num_labelled() == 105);
  CHECK(books.label[0] == 2);  // "0 n"
  CHECK(books.label[1] == 0);  // "1 c"
  const NodeLabels football = read_labels(data + "/football.labels");
  CHECK(football.label.size() == 115);
  CHECK(football.num_classes() == 12);
  CHECK(football.label[0] == 7);  // integer labels 0..11 keep their values
  CHECK(football.classes[7] == "7");
  const NodeLabels blogs = read_labels(data + "/polblogs.labels");
  CHECK(blogs.label.size() == 1490);
  CHECK(blogs.num_classes() == 2);
}

TEST_CASE("labels: numbering, unknown nodes, node count") {
  const auto a = parse_labels("0 10\n3 2\n4 -1\n# c\n5 10\n");
  CHECK(a.classes == std::vector<std::string>{"-1", "2", "10"});  // numeric order, not text order
  CHECK(a.label == std::vector<std::int32_t>{2, -1, -1, 1, 0, 2});
  CHECK(a.num_labelled() == 4);
  LabelReadOptions opt;
  opt.nodes = 8;
  CHECK(parse_labels("1 x\n", opt).label == std::vector<std::int32_t>{-1, 0, -1, -1, -1, -1, -1, -1});
  CHECK(parse_labels("").label.empty());
  const std::vector<std::string> names{"alice", "bob", "carol"};
  LabelReadOptions by_name;
  by_name.node_names = &names;
  const auto b = parse_labels("carol red\nalice blue\n", by_name);
  CHECK(b.label == std::vector<std::int32_t>{0, -1, 1});
  CHECK(b.classes == std::vector<std::string>{"blue", "red"});
  CHECK(contains(label_error("dave red\n", by_name), "x.labels line 1: node 'dave' is not a node of the graph"));
}

TEST_CASE("labels: bad input") {
  CHECK(contains(label_error("0 a\n1\n"), "x.labels line 2: missing column"));
  CHECK(contains(label_error("0 a b\n"), "x.labels line 1: extra column"));
  CHECK(contains(label_error("0 a\nq a\n"), "line 2: node 'q' is not an integer node id"));
  CHECK(contains(label_error("-2 a\n"), "line 1: negative node id -2"));
  CHECK(contains(label_error("0 a\n\n0 b\n"), "line 3: node 0 is labelled twice (first on line 1)"));
  LabelReadOptions opt;
  opt.nodes = 3;
  CHECK(contains(label_error("3 a\n", opt), "line 1: node id 3 >= n = 3"));
  TempDir dir;
  CHECK(contains(sprig_test::io_error_of([&] { read_labels(dir.file("none.labels")); }), "cannot open"));
}

TEST_CASE("labels: round trip") {
  TempDir dir;
  const NodeLabels books = read_labels(std::string(SPRIG_DATA_DIR) + "/polbooks.labels");
  for (const char* name : {"b.labels", "b.labels.gz"}) {
    write_labels(dir.file(name), books);
    const NodeLabels back = read_labels(dir.file(name), {.nodes = 105});
    CHECK(back.label == books.label);
    CHECK(back.classes == books.classes);
  }
  NodeLabels partial;
  partial.classes = {"x", "y"};
  partial.label = {-1, 1, -1, 0, -1};
  write_labels(dir.file("p.labels"), partial);
  const NodeLabels back = read_labels(dir.file("p.labels"), {.nodes = 5});
  CHECK(back.label == partial.label);
  partial.classes = {"x y", "z"};
  CHECK_THROWS_AS(write_labels(dir.file("q.labels"), partial), InvalidArgument);
  partial.classes = {"x", "z"};
  partial.label[0] = 2;
  CHECK_THROWS_AS(write_labels(dir.file("q.labels"), partial), InvalidArgument);
}
