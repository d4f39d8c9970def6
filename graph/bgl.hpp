// sprig/graph/bgl.hpp — a sprig::Csr is a Boost.Graph graph, with no copy.
//
// Specialises boost::graph_traits for Csr<V, E> and supplies the free
// functions BGL looks up by ADL, so Boost algorithms (BFS, DFS,
// connected_components, dijkstra_shortest_paths, brandes_betweenness_centrality,
// ...) run directly on a Graph:
//   concepts      IncidenceGraph, AdjacencyGraph, VertexListGraph, EdgeListGraph
//   vertex        V (the node id); null_vertex() = -1
//   edge          sprig::bgl::Arc{source, index}: index is the arc's position in
//                 targets(), so edge properties are arrays indexed by it
//   out_edges(u)  the arcs of u's row (counting iterator over [offsets[u], offsets[u+1]))
//   properties    get(vertex_index, g) (identity), get(edge_index, g) (arc index),
//                 get(edge_weight, g) (the weight, 1 when unweighted), all read-only
//
// directed_category is directed_tag: the CSR holds arcs, and an undirected
// Graph (both arcs stored) is seen as its symmetric digraph — which is what
// BFS, DFS, components (boost::connected_components without named parameters),
// shortest paths and Brandes betweenness need; each undirected edge then
// appears as two arcs in edges(g) and num_edges(g) counts arcs. Algorithms that
// insist on undirected_tag, or need one descriptor per undirected edge (e.g.
// biconnected_components), are not served by this view. For a directed Graph,
// in-edges come from transpose(g).
//
// Cost: O(1) per descriptor and iterator step. Thread-safety: read-only views;
// concurrent algorithms on one Graph are safe. Include this header only where
// Boost.Graph is available (sprig itself links Boost privately).
#pragma once

#include <cstddef>
#include <iterator>
#include <utility>

#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>

#include <sprig/graph/csr.hpp>

namespace sprig::bgl {

/// An arc as a BGL edge descriptor: its source and its index in targets().
template <class V, class E>
struct Arc {
  V source = -1;
  E index = -1;
  friend bool operator==(const Arc& a, const Arc& b) { return a.index == b.index; }
  friend bool operator!=(const Arc& a, const Arc& b) { return a.index != b.index; }
  friend bool operator<(const Arc& a, const Arc& b) { return a.index < b.index; }
};

/// The arcs of one row: a random-access iterator yielding Arc by value.
template <class V, class E>
class OutArcIterator
    : public boost::iterator_facade<OutArcIterator<V, E>, Arc<V, E>, boost::random_access_traversal_tag, Arc<V, E>,
                                    std::ptrdiff_t> {
 public:
  OutArcIterator() = default;
  OutArcIterator(V source, E index) : source_(source), index_(index) {}

 private:
  friend class boost::iterator_core_access;
  Arc<V, E> dereference() const { return {source_, index_}; }
  bool equal(const OutArcIterator& o) const { return index_ == o.index_; }
  void increment() { ++index_; }
  void decrement() { --index_; }
  void advance(std::ptrdiff_t k) { index_ += static_cast<E>(k); }
  std::ptrdiff_t distance_to(const OutArcIterator& o) const { return static_cast<std::ptrdiff_t>(o.index_ - index_); }
  V source_ = -1;
  E index_ = 0;
};

/// All arcs in CSR order (edges(g)); keeps the source row in step with the index.
template <class V, class E>
class ArcIterator
    : public boost::iterator_facade<ArcIterator<V, E>, Arc<V, E>, boost::forward_traversal_tag, Arc<V, E>> {
 public:
  ArcIterator() = default;
  ArcIterator(const Csr<V, E>* g, V source, E index) : g_(g), source_(source), index_(index) { skip_empty_rows(); }

 private:
  friend class boost::iterator_core_access;
  void skip_empty_rows() {
    if (!g_) return;
    const auto off = g_->offsets();
    while (source_ < g_->num_nodes() && index_ >= off[static_cast<std::size_t>(source_) + 1]) ++source_;
  }
  Arc<V, E> dereference() const { return {source_, index_}; }
  bool equal(const ArcIterator& o) const { return index_ == o.index_; }
  void increment() {
    ++index_;
    skip_empty_rows();
  }
  const Csr<V, E>* g_ = nullptr;
  V source_ = 0;
  E index_ = 0;
};

struct TraversalCategory : boost::incidence_graph_tag,
                           boost::adjacency_graph_tag,
                           boost::vertex_list_graph_tag,
                           boost::edge_list_graph_tag {};

/// get(edge_index, g): the arc index of an edge.
template <class V, class E>
struct ArcIndexMap {
  using key_type = Arc<V, E>;
  using value_type = E;
  using reference = E;
  using category = boost::readable_property_map_tag;
  E operator[](const Arc<V, E>& a) const { return a.index; }
  friend E get(const ArcIndexMap&, const Arc<V, E>& a) { return a.index; }
};

/// get(edge_weight, g): the arc's weight (1 when the graph is unweighted).
template <class V, class E>
struct ArcWeightMap {
  const Csr<V, E>* g = nullptr;
  using key_type = Arc<V, E>;
  using value_type = float;
  using reference = float;
  using category = boost::readable_property_map_tag;
  float operator[](const Arc<V, E>& a) const { return g->weight(a.index); }
  friend float get(const ArcWeightMap& m, const Arc<V, E>& a) { return m[a]; }
};

}  // namespace sprig::bgl

namespace boost {

template <class V, class E>
struct graph_traits<sprig::Csr<V, E>> {
  using vertex_descriptor = V;
  using edge_descriptor = sprig::bgl::Arc<V, E>;
  using directed_category = directed_tag;
  using edge_parallel_category = allow_parallel_edge_tag;
  using traversal_category = sprig::bgl::TraversalCategory;

  using vertex_iterator = counting_iterator<V>;
  using out_edge_iterator = sprig::bgl::OutArcIterator<V, E>;
  using adjacency_iterator = const V*;
  using edge_iterator = sprig::bgl::ArcIterator<V, E>;

  using vertices_size_type = std::size_t;
  using edges_size_type = std::size_t;
  using degree_size_type = std::size_t;


  static vertex_descriptor null_vertex() { return static_cast<V>(-1); }
};

// Some algorithms ask for the traits of `const Graph`.
template <class V, class E>
struct graph_traits<const sprig::Csr<V, E>> : graph_traits<sprig::Csr<V, E>> {};

template <class V, class E>
struct property_map<sprig::Csr<V, E>, vertex_index_t> {
  using type = typed_identity_property_map<V>;
  using const_type = type;
};
template <class V, class E>
struct property_map<sprig::Csr<V, E>, edge_index_t> {
  using type = sprig::bgl::ArcIndexMap<V, E>;
  using const_type = type;
};
template <class V, class E>
struct property_map<sprig::Csr<V, E>, edge_weight_t> {
  using type = sprig::bgl::ArcWeightMap<V, E>;
  using const_type = type;
};

}  // namespace boost

namespace sprig {

// The BGL free functions, found by argument-dependent lookup on Csr.

template <class V, class E>
std::size_t num_vertices(const Csr<V, E>& g) {
  return static_cast<std::size_t>(g.num_nodes());
}
template <class V, class E>
std::pair<boost::counting_iterator<V>, boost::counting_iterator<V>> vertices(const Csr<V, E>& g) {
  return {boost::counting_iterator<V>(0), boost::counting_iterator<V>(g.num_nodes())};
}
template <class V, class E>
std::pair<bgl::OutArcIterator<V, E>, bgl::OutArcIterator<V, E>> out_edges(V u, const Csr<V, E>& g) {
  const auto off = g.offsets();
  return {bgl::OutArcIterator<V, E>(u, off[static_cast<std::size_t>(u)]),
          bgl::OutArcIterator<V, E>(u, off[static_cast<std::size_t>(u) + 1])};
}
template <class V, class E>
std::size_t out_degree(V u, const Csr<V, E>& g) {
  return static_cast<std::size_t>(g.degree(u));
}
template <class V, class E>
std::pair<const V*, const V*> adjacent_vertices(V u, const Csr<V, E>& g) {
  const auto row = g.neighbors(u);
  return {row.data(), row.data() + row.size()};
}
template <class V, class E>
V source(const bgl::Arc<V, E>& a, const Csr<V, E>&) {
  return a.source;
}
template <class V, class E>
V target(const bgl::Arc<V, E>& a, const Csr<V, E>& g) {
  return g.targets()[static_cast<std::size_t>(a.index)];
}
template <class V, class E>
std::size_t num_edges(const Csr<V, E>& g) {
  return static_cast<std::size_t>(g.num_arcs());
}
template <class V, class E>
std::pair<bgl::ArcIterator<V, E>, bgl::ArcIterator<V, E>> edges(const Csr<V, E>& g) {
  return {bgl::ArcIterator<V, E>(&g, 0, 0), bgl::ArcIterator<V, E>(nullptr, g.num_nodes(), g.num_arcs())};
}

template <class V, class E>
boost::typed_identity_property_map<V> get(boost::vertex_index_t, const Csr<V, E>&) {
  return {};
}
template <class V, class E>
V get(boost::vertex_index_t, const Csr<V, E>&, V v) {
  return v;
}
template <class V, class E>
bgl::ArcIndexMap<V, E> get(boost::edge_index_t, const Csr<V, E>&) {
  return {};
}
template <class V, class E>
bgl::ArcWeightMap<V, E> get(boost::edge_weight_t, const Csr<V, E>& g) {
  return {&g};
}

}  // namespace sprig
