// Csr: construction checks and validate().
#include <sprig/graph/csr.hpp>

#include <algorithm>
#include <cmath>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig {

namespace {
// A parallel copy into storage nothing has touched yet (first touch in parallel).
template <class T>
UninitVector<T> copy_in(const std::vector<T>& v) {
  UninitVector<T> out(v.size());
  parallel_chunks(v.size(), std::size_t{1} << 16, [&](std::size_t, std::size_t b, std::size_t e) {
    std::copy(v.begin() + static_cast<std::ptrdiff_t>(b), v.begin() + static_cast<std::ptrdiff_t>(e), out.begin() + static_cast<std::ptrdiff_t>(b));
  });
  return out;
}
}  // namespace

template <class V, class E>
Csr<V, E>::Csr(const std::vector<E>& offsets, const std::vector<V>& targets, const std::vector<float>& weights,
               bool directed)
    : offsets_(copy_in(offsets)), targets_(copy_in(targets)), weights_(copy_in(weights)), directed_(directed) {
  check_and_count(std::nullopt);
}

template <class V, class E>
Csr<V, E> Csr<V, E>::adopt(UninitVector<E> offsets, UninitVector<V> targets, UninitVector<float> weights,
                           bool directed, std::optional<E> self_loops) {
  Csr g;
  g.offsets_ = std::move(offsets);
  g.targets_ = std::move(targets);
  g.weights_ = std::move(weights);
  g.directed_ = directed;
  g.check_and_count(self_loops);
  return g;
}

template <class V, class E>
void Csr<V, E>::check_and_count(std::optional<E> self_loops) {
  if (offsets_.empty()) offsets_.push_back(0);
  SPRIG_EXPECTS(offsets_.back() == static_cast<E>(targets_.size()),
                "csr: offsets[n] = {} but there are {} targets", offsets_.back(), targets_.size());
  SPRIG_EXPECTS(weights_.empty() || weights_.size() == targets_.size(),
                "csr: {} weights for {} targets", weights_.size(), targets_.size());
  SPRIG_EXPECTS(offsets_.size() - 1 <= static_cast<std::size_t>(std::numeric_limits<V>::max()),
                "csr: {} nodes exceed the node id type", offsets_.size() - 1);
  if (self_loops) {
    self_loops_ = *self_loops;
    return;
  }
  const V n = num_nodes();
  self_loops_ = parallel_sum<E>(static_cast<std::size_t>(n), [&](std::size_t u) {
    const E b = offsets_[u], e = offsets_[u + 1];
    if (b > e || b < 0 || e > num_arcs()) return E{0};  // validate() reports it
    E c = 0;
    for (E k = b; k < e; ++k) c += targets_[k] == static_cast<V>(u);
    return c;
  });
}

template <class V, class E>
bool Csr<V, E>::has_arc(V u, V v) const noexcept {
  const auto row = neighbors(u);
  return std::binary_search(row.begin(), row.end(), v);
}

template <class V, class E>
void Csr<V, E>::validate(const ValidateOptions& opt) const {
  const V n = num_nodes();
  SPRIG_EXPECTS(offsets_[0] == 0, "csr: offsets[0] = {} (must be 0)", offsets_[0]);
  for (V u = 0; u < n; ++u)
    SPRIG_EXPECTS(offsets_[u] <= offsets_[u + 1], "csr: offsets decrease at node {} ({} > {})", u, offsets_[u],
                  offsets_[u + 1]);
  SPRIG_EXPECTS(offsets_[n] == num_arcs(), "csr: offsets[n] = {} != {} targets", offsets_[n], num_arcs());
  // Per-row checks in parallel; the first failing row (lowest id) is reported.
  std::vector<V> bad_rows(num_chunks(static_cast<std::size_t>(n), 1024), n);
  parallel_chunks(static_cast<std::size_t>(n), 1024, [&](std::size_t c, std::size_t b, std::size_t e) {
    for (std::size_t uu = b; uu < e; ++uu) {
      const V u = static_cast<V>(uu);
      const auto row = neighbors(u);
      bool ok = true;
      for (std::size_t k = 0; k < row.size() && ok; ++k) {
        const V t = row[k];
        if (t < 0 || t >= n) ok = false;
        else if (!opt.allow_self_loops && t == u) ok = false;
        else if (k > 0 && (opt.allow_duplicates ? row[k - 1] > t : row[k - 1] >= t)) ok = false;
        else if (!weights_.empty() && !std::isfinite(weights_[offsets_[u] + static_cast<E>(k)])) ok = false;
        else if (!directed_ && opt.check_symmetry && !has_arc(t, u)) ok = false;
      }
      if (!ok) {
        bad_rows[c] = u;
        return;
      }
    }
  });
  for (V u : bad_rows) {
    if (u == n) continue;
    const auto row = neighbors(u);
    for (std::size_t k = 0; k < row.size(); ++k) {
      const V t = row[k];
      SPRIG_EXPECTS(t >= 0 && t < n, "csr: node {} has target {} outside [0, {})", u, t, n);
      SPRIG_EXPECTS(opt.allow_self_loops || t != u, "csr: node {} has a self-loop", u);
      if (k > 0) {
        SPRIG_EXPECTS(row[k - 1] <= t, "csr: row {} is not sorted ({} before {})", u, row[k - 1], t);
        SPRIG_EXPECTS(opt.allow_duplicates || row[k - 1] != t, "csr: row {} has target {} twice", u, t);
      }
      if (!weights_.empty()) {
        const float w = weights_[offsets_[u] + static_cast<E>(k)];
        SPRIG_EXPECTS(std::isfinite(w), "csr: arc {}->{} has weight {} (must be finite)", u, t, w);
      }
      SPRIG_EXPECTS(directed_ || !opt.check_symmetry || has_arc(t, u),
                    "csr: undirected graph has arc {}->{} but not {}->{}", u, t, t, u);
    }
  }
}

template class Csr<node_t, edge_t>;

}  // namespace sprig
