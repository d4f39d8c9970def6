// sprig/graph/csr.hpp — the compressed sparse row graph.
//
// Csr<V, E> holds n+1 offsets (E), the targets of every arc (V) sorted within
// each row, optional float weights parallel to the targets, and a directed
// flag. An undirected graph stores both arcs of every edge (a self-loop, when
// kept, once). Immutable once built; cheap to move, explicit to copy.
//
// Invariants (checked by validate(), O(n + m), parallel):
//   offsets.size() == n + 1, offsets[0] == 0, offsets non-decreasing,
//   offsets[n] == targets.size(), weights empty or weights.size() == targets.size(),
//   0 <= target < n, rows sorted (strictly unless duplicates were kept),
//   no self-loops unless kept, weights finite,
//   undirected: the arc multiset is symmetric (u→v present iff v→u present).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <sprig/graph/types.hpp>
#include <sprig/graph/uninit_vector.hpp>

namespace sprig {

struct ValidateOptions {
  bool allow_self_loops = false;
  bool allow_duplicates = false;
  bool check_symmetry = true;  ///< for undirected graphs; costs a binary search per arc
};

template <class V = node_t, class E = edge_t>
class Csr {
 public:
  using node_type = V;
  using edge_type = E;

  Csr() : offsets_(1, 0) {}
  /// Copies the arrays (in parallel); throws InvalidArgument if the sizes
  /// disagree (the full invariants are checked by validate()).
  Csr(const std::vector<E>& offsets, const std::vector<V>& targets, const std::vector<float>& weights, bool directed);
  /// Takes ownership of the arrays without copying; same checks. Readers that
  /// already passed over every target may give the self-loop count, which
  /// spares one more pass (it must be right: num_edges() depends on it).
  static Csr adopt(UninitVector<E> offsets, UninitVector<V> targets, UninitVector<float> weights, bool directed,
                   std::optional<E> self_loops = std::nullopt);

  V num_nodes() const noexcept { return static_cast<V>(offsets_.size() - 1); }
  /// Stored arcs (an undirected edge counts twice, a self-loop once).
  E num_arcs() const noexcept { return static_cast<E>(targets_.size()); }
  /// Edges: arcs for a directed graph; (arcs + self-loops) / 2 for an undirected one.
  E num_edges() const noexcept { return directed_ ? num_arcs() : (num_arcs() + self_loops_) / 2; }
  E num_self_loops() const noexcept { return self_loops_; }
  bool directed() const noexcept { return directed_; }
  bool weighted() const noexcept { return !weights_.empty(); }
  bool empty() const noexcept { return num_nodes() == 0; }

  E degree(V v) const noexcept { return offsets_[v + 1] - offsets_[v]; }
  std::span<const V> neighbors(V v) const noexcept {
    return {targets_.data() + offsets_[v], static_cast<std::size_t>(degree(v))};
  }
  /// Weights of v's arcs, parallel to neighbors(v); empty when unweighted.
  std::span<const float> weights(V v) const noexcept {
    if (weights_.empty()) return {};
    return {weights_.data() + offsets_[v], static_cast<std::size_t>(degree(v))};
  }
  /// Weight of arc e (1 when unweighted).
  float weight(E e) const noexcept { return weights_.empty() ? 1.0f : weights_[e]; }
  /// True when the arc u→v exists (binary search in u's row).
  bool has_arc(V u, V v) const noexcept;

  std::span<const E> offsets() const noexcept { return offsets_; }
  std::span<const V> targets() const noexcept { return targets_; }
  std::span<const float> weights() const noexcept { return weights_; }

  /// Bytes held by the arrays.
  std::size_t memory_bytes() const noexcept {
    return offsets_.capacity() * sizeof(E) + targets_.capacity() * sizeof(V) + weights_.capacity() * sizeof(float);
  }

  /// Checks every invariant above; throws InvalidArgument naming the first broken one.
  void validate(const ValidateOptions& opt = {}) const;

  /// Releases the arrays (for callers that build a new graph from this one).
  UninitVector<E> release_offsets() && { return std::move(offsets_); }
  UninitVector<V> release_targets() && { return std::move(targets_); }
  UninitVector<float> release_weights() && { return std::move(weights_); }

 private:
  void check_and_count(std::optional<E> self_loops);

  UninitVector<E> offsets_;
  UninitVector<V> targets_;
  UninitVector<float> weights_;
  E self_loops_ = 0;
  bool directed_ = false;
};

using Graph = Csr<>;

extern template class Csr<node_t, edge_t>;

}  // namespace sprig
