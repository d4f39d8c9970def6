// Weisfeiler–Lehman: BLAKE2b against hashlib, networkx-exact graph and
// subgraph hashes on the bundled graphs, colour refinement invariants.
#include <algorithm>
#include <numeric>

#include <doctest/doctest.h>

#include <sprig/graph/parallel.hpp>
#include <sprig/metrics/wl.hpp>

#include "netsci_common.hpp"

using namespace sprig;
using netsci_test::expected;
using netsci_test::load;

TEST_CASE("netsci wl: BLAKE2b equals Python's hashlib.blake2b") {
  // hashlib.blake2b(data, digest_size=16).hexdigest() and blake2b(data).hexdigest()[:32]
  CHECK(blake2b_hex("", 16) == "cae66941d9efbd404e4d88758ea67670");
  CHECK(blake2b_hex("abc", 16) == "cf4ab791c62b8d2b2109c90275287816");
  CHECK(blake2b_hex(std::string(127, 'x'), 16) == "faeac286ccce46d5273182d599dd943b");
  CHECK(blake2b_hex(std::string(128, 'y'), 16) == "ecaaf4a7e55c8dacadb2769cf8264a31");
  CHECK(blake2b_hex(std::string(129, 'z'), 16) == "775c9dd6c48b9173f6f3f9d39fb96a90");
  std::string bytes;
  for (int r = 0; r < 3; ++r)
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  CHECK(blake2b_hex(bytes, 16) == "e0892860f9fc0da273b9db57e857c19a");
  CHECK(blake2b_hex("", 64).substr(0, 32) == "786a02f742015903c6c6fd852552d272");
  CHECK(blake2b_hex("abc", 64).substr(0, 32) == "ba80a53f981c4d0d6a2797b69f12f6e9");
  CHECK_THROWS_AS(blake2b_hex("a", 0), InvalidArgument);
}

TEST_CASE("netsci wl: graph and subgraph hashes equal networkx's") {
  auto check = [](const Graph& g, const nlohmann::json& e) {
    const int it = e["iterations"].get<int>();
    CHECK(wl_graph_hash_networkx(g, it) == e["graph_hash"].get<std::string>());
    CHECK(wl_subgraph_hashes_networkx(g, it) == e["subgraph_hashes"].get<std::vector<std::vector<std::string>>>());
  };
  for (const auto& name : netsci_test::undirected_graphs()) {
    CAPTURE(name);
    check(load(name), expected(name)["wl"]);
  }
  check(symmetrize(load("polblogs")), expected("polblogs")["undirected"]["wl"]);
}

TEST_CASE("netsci wl: colour refinement is invariant under relabelling and deterministic") {
  const Graph g = load("football");
  std::vector<node_t> perm(g.num_nodes());
  std::iota(perm.begin(), perm.end(), 0);
  std::reverse(perm.begin(), perm.end());
  std::rotate(perm.begin(), perm.begin() + 17, perm.end());
  const Graph h = relabel(g, perm);
  const auto cg = wl_colors(g, {.iterations = 4});
  const auto ch = wl_colors(h, {.iterations = 4});
  REQUIRE(cg.rounds.size() == 5);
  for (int r = 0; r <= 4; ++r)
    for (node_t v = 0; v < g.num_nodes(); ++v) CHECK(cg.rounds[r][v] == ch.rounds[r][perm[v]]);
  CHECK(cg.distinct == ch.distinct);
  const auto fg = wl_features(cg), fh = wl_features(ch);
  CHECK(fg == fh);
  CHECK(wl_kernel(fg, fh) == wl_kernel(fg, fg));
  CHECK(wl_graph_hash_networkx(g) == wl_graph_hash_networkx(h));
  const auto c1 = with_threads(1, [&] { return wl_subgraph_hashes_networkx(g); });
  CHECK(with_threads(4, [&] { return wl_subgraph_hashes_networkx(g); }) == c1);
  // colour classes only split: distinct counts never decrease
  for (std::size_t r = 1; r < cg.distinct.size(); ++r) CHECK(cg.distinct[r] >= cg.distinct[r - 1]);
  CHECK_THROWS_AS(wl_colors(g, {.iterations = -1}), InvalidArgument);
  CHECK_THROWS_AS(wl_colors(g, {.labels = {1, 2}}), InvalidArgument);
}
