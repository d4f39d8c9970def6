// Random walks on the GPU are the CPU path's walks, bit for bit: uniform,
// weighted (alias and prefix sums), node2vec, directed, ranges, many walks.
#include <doctest/doctest.h>

#include <sprig/embed/walks.hpp>

#include "gpu_common.hpp"

using namespace sprig;

TEST_CASE("gpu walks: identical to the CPU walks") {
  for (const char* name : {"karate", "lesmis", "polblogs"}) {
    const Graph g = gpu_test::load(name);
    for (auto [p, q] : {std::pair{1.0, 1.0}, std::pair{0.25, 4.0}, std::pair{4.0, 0.5}}) {
      for (auto sampling : {WeightedSampling::alias, WeightedSampling::prefix_sum}) {
        WalkOptions o;
        o.walks_per_node = 4;
        o.length = 30;
        o.p = p;
        o.q = q;
        o.sampling = sampling;
        o.seed = 3;
        const Walks cpu = random_walks(g, o);
        o.device = Device::cuda;
        const Walks gpu = random_walks(g, o);
        CAPTURE(name);
        CAPTURE(p);
        CAPTURE(q);
        REQUIRE(gpu.count == cpu.count);
        CHECK(gpu.nodes == cpu.nodes);
        const Walks part = random_walks_range(g, o, 7, 7 + g.num_nodes());
        CHECK(std::equal(part.nodes.begin(), part.nodes.end(), cpu.nodes.begin() + 7 * o.length));
      }
    }
  }
}

TEST_CASE("gpu walks: R-MAT scale 14, uniform and node2vec") {
  const Graph g = gpu_test::rmat(14);
  for (double q : {1.0, 2.0}) {
    WalkOptions o;
    o.walks_per_node = 2;
    o.length = 40;
    o.q = q;
    o.seed = 99;
    const Walks cpu = random_walks(g, o);
    o.device = Device::cuda;
    CHECK(random_walks(g, o).nodes == cpu.nodes);
  }
}
