// sprig/embed/graphlet_summary.hpp — comparing networks and nodes by graphlets:
// graphlet counts, graphlet degree distribution agreement (GDDA), GDV similarity.
//
// All three read node orbit counts (orbit_counts(g, {.max_size = 4 | 5}), an
// n × 15 or n × 73 CountMatrix in the Pržulj numbering, docs/graphlet-orbits.tsv).
//
// Graphlet counts: the number of induced copies of G_i is
//   count(G_i) = Σ_v orbit_o(v) / |{nodes of G_i in orbit o}|
// for any orbit o of G_i (each copy is seen once from each of its nodes in
// orbit o). 15 columns → G0..G8, 73 columns → G0..G29. Every orbit of a
// graphlet must give the same count; a matrix where they disagree is not a
// node orbit matrix of one graph and is rejected.
//
// GDDA (Pržulj, "Biological network comparison using graphlet degree
// distribution", Bioinformatics 23(2), 2007): for orbit j let d^j(k) be the
// number of nodes touching orbit j exactly k ≥ 1 times; S^j(k) = d^j(k)/k,
// T^j = Σ_k S^j(k), N^j(k) = S^j(k)/T^j; the agreement of G and H on orbit j is
//   A^j = 1 − (1/√2)·( Σ_k (N_G^j(k) − N_H^j(k))² )^{1/2}
// and GDDA is the arithmetic mean of A^j over the orbits (also given: the
// geometric mean). Convention for an orbit no node touches (T^j = 0, which
// the paper does not cover): its N^j is the zero vector, so two networks that
// both lack the orbit agree fully (A^j = 1), and one that lacks it against one
// that has it gets A^j = 1 − ‖N^j‖/√2.
//
// GDV similarity (Milenković & Pržulj, "Uncovering biological network function
// via graphlet degree signatures", Cancer Informatics 6, 2008): orbit weights
//   w_i = 1 − log(o_i) / log(73),
// o_i = the number of orbits that affect orbit i (itself included), the table
// of the paper as distributed with GraphCrunch/libgraphlet
// (orbit_dependency_counts()); per orbit
//   D_i = w_i · |log(u_i + 1) − log(v_i + 1)| / log(max(u_i, v_i) + 2),
// and similarity = 1 − Σ_i D_i / Σ_i w_i ∈ [0, 1]. For 15-orbit (4-node) GDVs the
// first 15 weights are used unchanged (log base 73 kept), i.e. the 73-orbit
// formula restricted to orbits 0–14.
//
// Cost: graphlet counts and GDDA O(n·k) (GDDA sorts each column: O(n·k·log n));
// GDV similarity O(k). Deterministic (sequential sums in a fixed order);
// thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <sprig/embed/orbits.hpp>
#include <sprig/graph/csr.hpp>

namespace sprig {

/// The number of induced copies of each graphlet (9 for 15 columns, 30 for 73),
/// from node orbit counts. Throws InvalidArgument for another column count or
/// when the orbits of one graphlet disagree (naming the graphlet and orbits).
std::vector<std::uint64_t> graphlet_counts(const CountMatrix& node_orbits);

/// Convenience: graphlet_counts(orbit_counts(g, {.max_size = max_size}).counts).
std::vector<std::uint64_t> graphlet_counts(const Graph& g, int max_size = 4);

/// GDDA between two networks, with the per-orbit agreements.
struct Gdda {
  double arithmetic = 1;          ///< mean of per_orbit (the GDDA of the paper)
  double geometric = 1;           ///< geometric mean of per_orbit (0 if any is 0)
  std::vector<double> per_orbit;  ///< A^j for each orbit column j
};

/// GDDA of two node orbit matrices with the same number of columns (≥ 1; any
/// row counts, including 0). Throws InvalidArgument when the column counts differ.
Gdda gdda(const CountMatrix& a, const CountMatrix& b);

/// The 73 dependency counts o_i of the GDV similarity weights (Milenković & Pržulj 2008).
std::span<const int> orbit_dependency_counts();

/// The weights w_i = 1 − log(o_i)/log(73) of the first `orbits` orbits (1 ≤ orbits ≤ 73).
std::vector<double> gdv_weights(int orbits);

/// GDV similarity of two graphlet degree vectors of equal length (1..73). Throws InvalidArgument otherwise.
double gdv_similarity(std::span<const std::uint64_t> gdv_u, std::span<const std::uint64_t> gdv_v);

/// GDV similarity of row u of `a` and row v of `b` (the same matrix for two nodes of one network).
/// Throws InvalidArgument for rows out of range or different column counts.
double gdv_similarity(const CountMatrix& a, std::int64_t u, const CountMatrix& b, std::int64_t v);

}  // namespace sprig
