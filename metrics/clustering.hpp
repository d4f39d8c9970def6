// sprig/metrics/clustering.hpp — triangles and clustering coefficients of an
// undirected graph.
//
// Triangles per node: the degree-ordered orientation (nodes renumbered by
// (degree, id) rank, each edge points to the endpoint of higher rank, so every
// out-list has O(√m) entries), as in Schank & Wagner, "Finding, counting and
// listing all triangles in large graphs" (WEA 2005) and Latapy (TCS 2008);
// each triangle is found once, by marking the lowest node's out-list and
// scanning its out-neighbours' lists (no per-arc merge, no branch per
// scanned entry). Measured on R-MAT scale 20 (15.7 M edges, 424 M triangles):
// 4.5 CPU-s, against 32 with sorted merges and one atomic per triangle corner.
// Local clustering c_v = 2 t_v / (d_v (d_v − 1)); Barrat's weighted form
// (Barrat et al., PNAS 101, 3747, 2004) c_v = Σ_{j,h} (w_vj + w_vh)/2 ·
// a_vj a_vh a_jh / (s_v (d_v − 1)); global transitivity 3·triangles / wedges
// (igraph's transitivity_undirected, networkx's transitivity).
//
// Self-loops are ignored; parallel edges are not expected (build_csr drops
// them by default). A directed graph is rejected: symmetrize() it first, as
// igraph and networkx do implicitly.
//
// Cost: triangles O(m^{3/2}) work, parallel over nodes; per-edge counts and
// Barrat O(Σ_(u,v) (d_u + d_v)). Memory O(m) for the oriented copy plus 9n
// bytes per worker thread (marks and counts, summed at the end).
// Determinism: counts are integers (sums do not depend on the split); the
// floating-point results are computed per node in a fixed order, so all
// results are identical for any thread count. Thread-safe (the graph is only read).
#pragma once

#include <cstdint>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

/// What local clustering gives a node of degree < 2 (no wedge): 0 (networkx,
/// igraph mode="zero") or NaN (igraph's default mode="nan").
enum class LowDegree { zero, nan };

/// Number of triangles through each node. Throws InvalidArgument on a directed graph.
std::vector<std::int64_t> triangles(const Graph& g, const ProgressFn& progress = {});

/// Number of triangles of the graph (each counted once).
std::int64_t triangle_count(const Graph& g);

/// For each stored arc e (parallel to g.targets()), the number of triangles
/// holding the edge targets-of-e's endpoints (0 for a self-loop).
std::vector<std::int64_t> edge_triangles(const Graph& g);

/// Local clustering coefficient of each node.
std::vector<double> local_clustering(const Graph& g, LowDegree low = LowDegree::zero);

/// Barrat's weighted local clustering (igraph transitivity_local_undirected with
/// weights); an unweighted graph gives local_clustering().
std::vector<double> barrat_clustering(const Graph& g, LowDegree low = LowDegree::zero);

/// Mean local clustering. count_low_degree = true averages over all nodes with
/// 0 for degree < 2 (networkx average_clustering); false averages over nodes of
/// degree ≥ 2 only (igraph transitivity_avglocal_undirected, mode="nan").
double average_clustering(const Graph& g, bool count_low_degree = true);

/// Global transitivity: 3 · triangles / connected triples (0 when there is no triple).
double transitivity(const Graph& g);

namespace detail {
/// Degree without self-loops.
std::vector<std::int64_t> simple_degrees(const Graph& g);
}  // namespace detail

}  // namespace sprig
