// sprig/metrics/distance.hpp — unweighted distances: BFS, eccentricity,
// exact diameter without all-pairs BFS, and the effective diameter.
//
// Exact diameter of an undirected graph by iFUB (Crescenzi, Grossi, Habib,
// Lanzi, Marino, "On computing the diameter of real-world undirected graphs",
// TCS 514, 2013): a 4-sweep picks a central node u; nodes are then taken by
// decreasing distance from u, and once the best eccentricity found exceeds
// 2·(level − 1) no farther-level node can beat it. Run per connected component
// (the diameter of a disconnected graph is the largest component diameter, as
// igraph's diameter(unconn=True)). Typically a few dozen BFS on real graphs;
// worst case n. A directed graph falls back to one BFS per node (parallel).
// Effective diameter (Leskovec, Kleinberg, Faloutsos 2005; SNAP's
// interpolation): the smallest d, linearly interpolated, such that 90% of the
// connected ordered pairs lie within distance d, from BFS over all sources or
// a seeded sample of them.
//
// Cost: BFS O(n + m). Parallel work writes to fixed slots and sums integers,
// so every result is identical for any thread count. Thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

/// Hop distances from `source` (-1 for unreachable nodes), following arcs.
std::vector<std::int64_t> bfs_distances(const Graph& g, node_t source);

/// Largest finite hop distance from v.
std::int64_t eccentricity(const Graph& g, node_t v);

struct DiameterResult {
  std::int64_t diameter = 0;  ///< 0 for a graph without edges
  node_t from = -1, to = -1;  ///< a pair at that distance
  std::int64_t bfs_runs = 0;  ///< BFS traversals used
};

/// Exact (hop) diameter: iFUB per component for undirected graphs, all-sources BFS for directed ones.
DiameterResult diameter(const Graph& g, const ProgressFn& progress = {});

struct DistanceDistributionOptions {
  node_t samples = 0;        ///< BFS sources; 0: every node (exact)
  std::uint64_t seed = 1;    ///< for the sampled sources
  ProgressFn progress;
};

/// counts[d] = number of ordered pairs (s, t), s a source, t ≠ s, at distance d (counts[0] = 0).
std::vector<std::int64_t> distance_distribution(const Graph& g, const DistanceDistributionOptions& opt = {});

/// Effective diameter at quantile q (default 0.9) from a distance distribution.
double effective_diameter(const std::vector<std::int64_t>& counts, double q = 0.9);

}  // namespace sprig
