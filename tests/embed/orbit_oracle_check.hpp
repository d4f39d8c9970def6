// check_against_oracle: every node and edge orbit count of orbit_counts()
// against the brute-force oracle (orbit_bruteforce.hpp), naming the first
// mismatch; shared by the orbit test files.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include <sprig/embed/orbits.hpp>

#include "embed/orbit_bruteforce.hpp"

namespace sprig::test {

inline void check_against_oracle(const sprig::Graph& g, int max_size, const std::string& what) {
  const auto b = sprig::test::brute_force_orbits(g, max_size);
  using sprig::Per;
  for (Per per : {Per::node, Per::edge}) {
    const auto r = sprig::orbit_counts(g, {.max_size = max_size, .per = per});
    const sprig::CountMatrix& want = per == Per::node ? b.node : b.edge;
    REQUIRE_MESSAGE(r.counts.rows() == want.rows(), what);
    REQUIRE_MESSAGE(r.counts.cols() == want.cols(), what);
    bool same = true;
    for (Eigen::Index i = 0; i < want.rows() && same; ++i)
      for (Eigen::Index j = 0; j < want.cols() && same; ++j)
        if (r.counts(i, j) != want(i, j)) {
          same = false;
          FAIL_CHECK(what << " k=" << max_size << (per == Per::node ? " node " : " edge ") << i << " orbit " << j
                          << ": got " << r.counts(i, j) << ", oracle " << want(i, j));
        }
    if (per == Per::edge) CHECK_MESSAGE(r.edges == b.edges, what);
    else CHECK(r.edges.empty());
  }
}

}  // namespace sprig::test
