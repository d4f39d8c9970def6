// sprig/embed/orbits.hpp — graphlet orbit counts (graphlet degree vectors).
//
// For every node (or every undirected edge) of a graph, the number of induced
// connected graphlets of 2..4 nodes (15 node orbits 0–14, 12 edge orbits 0–11)
// or 2..5 nodes (73 node orbits 0–72, 68 edge orbits 0–67) in which it sits in
// each automorphism orbit, in the Pržulj numbering that ORCA prints
// (Hočevar & Demšar, "A combinatorial approach to graphlet counting",
// Bioinformatics 2014; the tables are in docs/graphlet-orbits.tsv). Node
// orbit 0 is the degree, orbit 3 the number of triangles at the node; edge
// orbit 0 counts induced 3-paths through the edge, edge orbit 1 triangles.
//
// Method: the densest orbits are counted directly (cliques), the rest are
// derived from a linear system over common-neighbour counts (ORCA), over a
// degree-ordered copy of the graph; results are mapped back to the caller's
// ids. Cost: 4-node O(m·d_max) time, 5-node O(m·d_max²)-ish; memory O(n·k + m)
// plus per-thread O(n) scratch.
//
// Input rules: a directed graph is symmetrized, weights are ignored, self-loops
// and parallel arcs (graphs built with SelfLoops::keep / Duplicates::keep) are
// removed before counting, isolated nodes get zero rows. Empty and one-node
// graphs give empty / zero matrices.
//
// Determinism and thread safety: counts are exact 64-bit integers, each written
// by one task to a fixed slot (or added as integers, which is order-free), so
// the output is identical for any thread count. Thread-safe (no shared state);
// the batch overload runs graphs in parallel, each graph sequentially.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

/// What one row of the result describes: a node or an undirected edge.
enum class Per { node, edge };

/// Exact counts, row-major (row = node or edge).
using CountMatrix = Eigen::Matrix<std::uint64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct OrbitOptions {
  int max_size = 4;      ///< largest graphlet: 4 (15 node / 12 edge orbits) or 5 (73 / 68)
  Per per = Per::node;   ///< node orbits or edge orbits
  ProgressFn progress;   ///< stages "orbits: prepare", "orbits: count", "orbits: solve"; batch: "orbits: graphs"
};

struct OrbitCounts {
  /// n × 15 / n × 73 (node mode), m × 12 / m × 68 (edge mode); column j = orbit j.
  CountMatrix counts;
  /// Edge mode only (empty in node mode): row i of counts is the edge
  /// edges[i] = (u, v) with u < v, in the caller's ids, sorted by (u, v) —
  /// the order of the upper triangle of the symmetrized CSR.
  std::vector<std::pair<node_t, node_t>> edges;
};

/// Number of orbit columns for (max_size, per): 15, 73, 12 or 68. Throws InvalidArgument otherwise.
int num_orbits(int max_size, Per per);

/// Orbit counts of g. Throws InvalidArgument when max_size ∉ {4, 5} or g has
/// ≥ 2^31 nodes; Cancelled when the progress callback returns false.
OrbitCounts orbit_counts(const Graph& g, const OrbitOptions& opt = {});

/// Orbit counts of many (small) graphs, in parallel across graphs with no
/// per-graph setup beyond its own arrays; result i belongs to graphs[i]. The
/// progress callback sees stage "orbits: graphs" (done = graphs finished).
std::vector<OrbitCounts> orbit_counts(std::span<const Graph> graphs, const OrbitOptions& opt = {});

}  // namespace sprig
