// Neighbourhood link scores on the GPU equal the CPU scores exactly.
#include <doctest/doctest.h>

#include <vector>

#include <sprig/graph/random.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

#include "gpu_common.hpp"

using namespace sprig;

TEST_CASE("gpu link scores: equal to the CPU scores") {
  const std::vector<LinkScore> scores = {LinkScore::common_neighbors, LinkScore::jaccard,
                                         LinkScore::adamic_adar,      LinkScore::resource_allocation,
                                         LinkScore::salton,           LinkScore::preferential_attachment};
  for (int which = 0; which < 2; ++which) {
    const Graph g = which == 0 ? gpu_test::load("football") : gpu_test::rmat(14);
    std::vector<NodePair> pairs;
    Philox rng(4, 2);
    const auto n = static_cast<std::uint32_t>(g.num_nodes());
    while (pairs.size() < 200000) {
      const auto u = static_cast<node_t>(rng.bounded(n));
      auto v = static_cast<node_t>(rng.bounded(n));
      if (rng.bounded(4) == 0 && g.degree(u) > 0) v = g.neighbors(u)[rng.bounded(static_cast<std::uint32_t>(g.degree(u)))];
      if (u != v) pairs.push_back({u, v});
    }
    for (bool exclude : {false, true}) {
      LinkScoreOptions o;
      o.exclude_target_edge = exclude;
      const auto cpu = link_scores(g, pairs, scores, o);
      o.device = Device::cuda;
      const auto gpu = link_scores(g, pairs, scores, o);
      for (std::size_t j = 0; j < scores.size(); ++j) {
        CAPTURE(link_score_name(scores[j]));
        CAPTURE(exclude);
        CHECK(gpu[j] == cpu[j]);
      }
    }
  }
}
