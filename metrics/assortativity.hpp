// sprig/metrics/assortativity.hpp — degree and attribute assortativity, and
// homophily measures for node-labelled graphs.
//
// Assortativity: Newman, "Assortative mixing in networks" (PRL 89, 2002) and
// "Mixing patterns in networks" (PRE 67, 2003): the Pearson correlation of a
// value at the two ends of every arc (degree: for a directed graph the
// source's out-degree against the target's in-degree, igraph's
// assortativity_degree(directed=True)); nominal assortativity
// r = (Σ_i e_ii − Σ_i a_i b_i) / (1 − Σ_i a_i b_i) (igraph's assortativity_nominal).
// Homophily: edge homophily (Zhu et al., NeurIPS 2020) = share of edges whose
// ends share a label; node homophily (Pei et al., ICLR 2020) = mean over nodes
// with neighbours of the share of same-label neighbours; class-insensitive
// homophily (Lim et al., NeurIPS 2021) = 1/(C−1) Σ_k max(0, h_k − |C_k|/n).
//
// Cost O(n + m), sequential sums in arc order: deterministic. Thread-safe.
#pragma once

#include <span>
#include <vector>

#include <sprig/graph/csr.hpp>

namespace sprig {

/// Degree assortativity (NaN when all ends have the same degree).
double degree_assortativity(const Graph& g);

/// Assortativity of a numeric node value (Pearson correlation over arcs).
double numeric_assortativity(const Graph& g, std::span<const double> value);

/// Nominal (categorical) assortativity of integer labels ≥ 0.
double nominal_assortativity(const Graph& g, std::span<const node_t> label);

struct Homophily {
  double edge = 0;               ///< share of arcs joining equal labels
  double node = 0;               ///< mean over nodes with neighbours
  double class_insensitive = 0;  ///< Lim et al.'s measure (0 with fewer than 2 classes)
};

/// Homophily measures for integer labels ≥ 0 (a label < 0 marks an unlabelled node, skipped).
Homophily homophily(const Graph& g, std::span<const node_t> label);

}  // namespace sprig
