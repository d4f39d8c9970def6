// tests/test_graphs.hpp — small fixtures several test files share: a random
// multigraph built the way a user's messy edge list would be, and the message
// of an expected exception.
#pragma once

#include <cstdint>
#include <string>

#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/random.hpp>

namespace sprig::test {

/// m endpoint pairs drawn uniformly from [0, n) by Philox(seed, stream), built
/// by build_csr (so self-loops and repeats are dropped: ≤ m edges).
inline Graph random_multigraph(node_t n, std::size_t m, std::uint64_t seed, std::uint64_t stream = 3) {
  EdgeList e;
  e.n = n;
  Philox rng(seed, stream);
  for (std::size_t i = 0; i < m; ++i)
    e.add(static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n))),
          static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n))));
  return build_csr(e);
}

/// The message of the E that f() throws, or "<nothing thrown>".
template <class E = InvalidArgument, class F>
std::string thrown(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<nothing thrown>";
}

}  // namespace sprig::test
