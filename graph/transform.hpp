// sprig/graph/transform.hpp — graphs made from graphs: symmetrize, transpose,
// relabel (and degree ordering), induced subgraph, edge removal, largest
// connected component.
//
// Every transform returns a new, valid Graph (see csr.hpp) and keeps the
// input's weights; self-loops and parallel arcs the input kept are kept unless
// the function says otherwise. Rows of the result are sorted by
// (target, weight bits), exactly as build_csr sorts them.
//
// Cost: O(n + m) work plus the row sorts of build_csr (O(m log d_max)),
// parallel over arcs and rows; peak memory about 2-3x the result's arrays.
// Determinism: results are a pure function of the input (identical for any
// thread count). Thread-safety: the input is only read, so concurrent calls
// on the same graph are safe.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <sprig/graph/build.hpp>
#include <sprig/graph/csr.hpp>
#include <sprig/graph/types.hpp>

namespace sprig {

struct SymmetrizeOptions {
  /// How the weights of u→v and v→u (and of any parallel arcs) combine into the
  /// one undirected edge u–v. The default `max` makes symmetrize idempotent on a
  /// directed graph that already holds both arcs with equal weights (the common
  /// "undirected graph stored as a directed one" case, where networkx's
  /// to_undirected keeps one of the two equal weights); `sum` gives A + Aᵀ,
  /// `min`/`drop` keep the smaller weight; `keep` keeps both as parallel edges.
  Duplicates merge = Duplicates::max;
};

/// Directed → undirected: u–v exists iff u→v or v→u exists; weights combine as
/// opt.merge says; self-loops are kept if present. An undirected input is returned as a copy.
Graph symmetrize(const Graph& g, const SymmetrizeOptions& opt = {});

/// The reverse graph: v→u for every arc u→v, weights and parallel arcs kept.
/// An undirected input is returned as a copy. transpose(transpose(g)) == g.
Graph transpose(const Graph& g);

/// Renames node u to new_id_of_old[u]. Throws InvalidArgument unless new_id_of_old
/// is a permutation of [0, n) (naming the first repeated or out-of-range id).
Graph relabel(const Graph& g, std::span<const node_t> new_id_of_old);

/// Node ids sorted by (out-)degree, descending by default; ties by ascending node id.
/// The result lists old ids in their new order, i.e. it is old_id_of_new.
std::vector<node_t> degree_order(const Graph& g, bool descending = true);

/// A graph with its node renaming in both directions.
struct Relabeled {
  Graph graph;
  std::vector<node_t> new_id_of_old;  ///< new_id_of_old[u] = id of old node u in graph
  std::vector<node_t> old_id_of_new;  ///< the inverse permutation
};

/// relabel(g, ·) by degree_order(g, descending): node 0 of the result has the largest degree (or smallest).
Relabeled relabel_by_degree(const Graph& g, bool descending = true);

/// A subgraph with the map back to the nodes of the graph it came from.
struct Subgraph {
  Graph graph;
  std::vector<node_t> old_id_of_new;  ///< old_id_of_new[i] = the original id of node i
};

/// The subgraph induced by `nodes`: new node i is nodes[i]; arcs between listed
/// nodes are kept with their weights. Throws InvalidArgument on an id outside
/// [0, n) or a repeated id (naming it).
Subgraph induced_subgraph(const Graph& g, std::span<const node_t> nodes);

struct RemoveEdgesOptions {
  /// false (default): a listed pair that is not an edge of g throws InvalidArgument
  /// naming the pair, because in a link-prediction split that means the split is wrong.
  /// true: such pairs are skipped.
  bool ignore_missing = false;
};

/// g without the listed edges (src[i], dst[i]). Undirected: both arcs of u–v are
/// removed and (u, v), (v, u) name the same edge. The list is treated as a set
/// (a repeated pair is removed once, not an error); parallel arcs u→v are all
/// removed. Throws InvalidArgument if src and dst differ in length, an id lies
/// outside [0, n), or (unless opt.ignore_missing) a pair is absent.
Graph remove_edges(const Graph& g, std::span<const node_t> src, std::span<const node_t> dst,
                   const RemoveEdgesOptions& opt = {});
/// The same with the edges given as pairs.
Graph remove_edges(const Graph& g, std::span<const std::pair<node_t, node_t>> edges,
                   const RemoveEdgesOptions& opt = {});

/// The largest connected component (weakly connected for a directed graph) as a
/// subgraph; its nodes keep their relative order (old_id_of_new is increasing).
/// Ties between equal-size components go to the one holding the smallest node id.
/// An empty graph gives an empty subgraph.
Subgraph largest_component(const Graph& g);

}  // namespace sprig
