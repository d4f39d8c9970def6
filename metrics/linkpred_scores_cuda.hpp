// sprig/metrics/linkpred_scores_cuda.hpp — neighbourhood link scores for many
// pairs on a CUDA device (linkpred_scores.cu), reached through
// link_scores(g, pairs, scores, {.device = Device::cuda}).
//
// One thread per pair intersects the two sorted neighbour lists with the CPU
// path's code (branch-free merge, galloping when one list is ≥ 32× the other),
// summing AA / RA terms in the same (increasing node) order from the same
// host-computed tables, so cn, jaccard, sorensen, salton, hpi, hdi, lhn, pa,
// aa and ra equal the CPU values exactly (kernels use --fmad=false; the final
// formulas run on the host). Other scores (walk, path, PPR, SimRank, weighted)
// have no CUDA path and throw InvalidArgument. exclude_target_edge is honoured.
// Pairs go through in batches of at most 2²⁴. Cost: O(Σ (k_u + k_v)) on the
// device, plus uploading the graph and the pairs.
#pragma once

#include <span>
#include <vector>

#include <sprig/graph/cuda.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

namespace sprig::detail {

#ifdef SPRIG_WITH_CUDA
/// link_scores on the device (graph, options and pairs already checked).
std::vector<std::vector<double>> link_scores_cuda(const Graph& g, std::span<const NodePair> pairs,
                                                  std::span<const LinkScore> scores, const LinkScoreOptions& opt);
/// The same by the device code run on the host (tests: equals the CPU path, without a GPU).
std::vector<std::vector<double>> link_scores_device_code_on_host(const Graph& g, std::span<const NodePair> pairs,
                                                                 std::span<const LinkScore> scores,
                                                                 const LinkScoreOptions& opt);
#else
[[noreturn]] inline std::vector<std::vector<double>> link_scores_cuda(const Graph&, std::span<const NodePair>,
                                                                      std::span<const LinkScore>,
                                                                      const LinkScoreOptions&) {
  throw_without_cuda("link_scores");
}
#endif

}  // namespace sprig::detail
