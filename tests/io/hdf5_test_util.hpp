// Helpers shared by the HDF5 tests: scratch folders, random graphs with data.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

#include <sprig/graph/build.hpp>
#include <sprig/graph/random.hpp>
#include <sprig/io/hdf5_graph.hpp>

namespace hdf5_test {

/// A fresh folder under the system temp dir, removed at scope exit.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    static std::atomic<int> counter{0};
    path = std::filesystem::temp_directory_path() /
           ("sprig-hdf5-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

inline sprig::Graph random_graph(std::int64_t n, std::size_t m, std::uint64_t seed, bool directed, bool weighted) {
  sprig::EdgeList e;
  e.n = n;
  e.directed = directed;
  sprig::Philox rng(seed, 0);
  for (std::size_t i = 0; i < m; ++i) {
    const auto u = static_cast<sprig::node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    const auto v = static_cast<sprig::node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
    if (weighted) e.add(u, v, static_cast<float>(rng.bounded(1000) + 1) * 0.125f);
    else e.add(u, v);
  }
  return sprig::build_csr(e);
}

inline void check_same_graph(const sprig::Graph& a, const sprig::Graph& b) {
  REQUIRE(a.num_nodes() == b.num_nodes());
  REQUIRE(a.num_arcs() == b.num_arcs());
  CHECK(a.directed() == b.directed());
  CHECK(std::equal(a.offsets().begin(), a.offsets().end(), b.offsets().begin()));
  CHECK(std::equal(a.targets().begin(), a.targets().end(), b.targets().begin()));
  REQUIRE(a.weights().size() == b.weights().size());
  CHECK(std::equal(a.weights().begin(), a.weights().end(), b.weights().begin()));
}

/// Runs fn and returns the IoError's message ("" when nothing was thrown).
template <class Fn>
std::string io_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const sprig::IoError& e) {
    return e.what();
  }
  return "";
}

}  // namespace hdf5_test
