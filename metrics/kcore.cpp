#include <sprig/metrics/kcore.hpp>

#include <algorithm>
#include <cstddef>
#include <limits>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/uninit_vector.hpp>

namespace sprig {

namespace {

constexpr node_t kNoLevel = std::numeric_limits<node_t>::max();

// Self-loop-free degree of every node (multi-edges count with multiplicity).
// Without self-loops that is the row length, read from the offsets alone.
std::vector<node_t> loop_free_degrees(const Graph& g) {
  const node_t n = g.num_nodes();
  const auto off = g.offsets();
  if (g.num_arcs() > static_cast<edge_t>(kNoLevel - 1)) {
    // A row longer than node_t can count would wrap the degree; only possible
    // with multi-edges on a huge graph, so checked only when it could happen.
    for (node_t v = 0; v < n; ++v)
      SPRIG_EXPECTS(off[v + 1] - off[v] < static_cast<edge_t>(kNoLevel - 1),
                    "core_decomposition: a node has more arcs than node_t can count");
  }
  std::vector<node_t> deg(static_cast<std::size_t>(n));
  const std::size_t grain = std::size_t{1} << 16;  // one chunk (no task) below 65,536 nodes
  if (g.num_self_loops() == 0) {
    parallel_chunks(static_cast<std::size_t>(n), grain, [&](std::size_t, std::size_t b, std::size_t e) {
      for (std::size_t v = b; v < e; ++v) deg[v] = static_cast<node_t>(off[v + 1] - off[v]);
    });
  } else {
    const auto tgt = g.targets();
    parallel_chunks(static_cast<std::size_t>(n), grain, [&](std::size_t, std::size_t b, std::size_t e) {
      for (std::size_t v = b; v < e; ++v) {
        node_t k = 0;
        for (edge_t a = off[v]; a < off[v + 1]; ++a) k += (tgt[a] != static_cast<node_t>(v));
        deg[v] = k;
      }
    });
  }
  return deg;
}

// Level-by-level peeling. At level k every remaining node has deg ≥ k; the
// nodes with deg == k are queued in `order` and removed one by one: each
// neighbour above k loses one, and joins the queue when it reaches k. Nodes
// at or below k (removed ones, the node itself through a self-loop) are left
// alone, so deg[] ends as the core numbers and `order` as the removal order.
//
// Why not Batagelj–Zaversnik's bucket swaps: each decrement there moves the
// neighbour between buckets (four dependent loads and stores through
// bin/pos/vert). Here a decrement is one store, and the inner loop has no
// data-dependent branch (about half the neighbours are already removed, a
// coin flip for the branch predictor): the update and the queue append are
// written unconditionally and only the counters move.
//
// Finding the next level scans the remaining nodes instead: after level k
// one pass drops the nodes at or below k from `alive` and queues those at
// k + 1 (the least possible next level); only when there are none does a
// second pass look for the minimum. A node stays in `alive` for at most
// core(v) + 1 ≤ deg(v) + 1 levels that have nodes, so the scans cost
// O(n + m) in all, and on real graphs well under the peel itself.
//
// deg: loop-free degrees in, core numbers out (size n). order: n + 1 slots
// (the extra slot takes the unconditional append when the queue is full).
void peel(const Graph& g, std::vector<node_t>& deg, node_t* order) {
  const node_t n = g.num_nodes();
  const edge_t* off = g.offsets().data();
  const node_t* tgt = g.targets().data();
  node_t* d_ = deg.data();
  node_t* q = order;
  node_t k = kNoLevel;
  for (node_t v = 0; v < n; ++v) k = std::min(k, d_[v]);
  std::size_t head = 0, tail = 0;
  for (node_t v = 0; v < n; ++v) {
    q[tail] = v;
    tail += (d_[v] == k);
  }
  UninitVector<node_t> alive(static_cast<std::size_t>(n));
  std::size_t na = 0;  // alive[0, na): the nodes not yet queued (after the first level)
  bool first = true;
  for (;;) {
    const node_t k1 = k + 1;
    while (head < tail) {
      const node_t v = q[head++];
#if defined(__GNUC__)
      // The rows of queued nodes lie anywhere in targets; fetching one a few
      // removals ahead hides most of that miss (about 15% of the peel).
      if (head + 3 < tail) __builtin_prefetch(tgt + off[q[head + 3]]);
#endif
      for (edge_t a = off[v], end = off[v + 1]; a < end; ++a) {
        const node_t u = tgt[a];
        const node_t du = d_[u];
        d_[u] = du - (du > k);
        q[tail] = u;
        tail += (du == k1);
      }
    }
    if (tail == static_cast<std::size_t>(n)) break;
    const std::size_t level_start = tail;
    std::size_t w = 0;
    if (first) {  // the first compaction reads the ids directly
      for (node_t v = 0; v < n; ++v) {
        const node_t dv = d_[v];
        alive[w] = v;
        w += (dv > k);
        q[tail] = v;
        tail += (dv == k1);
      }
      first = false;
    } else {
      for (std::size_t i = 0; i < na; ++i) {
        const node_t v = alive[i], dv = d_[v];
        alive[w] = v;
        w += (dv > k);
        q[tail] = v;
        tail += (dv == k1);
      }
    }
    na = w;
    // Every queued node is removed exactly once, so a level with nodes left
    // always finds some; an empty `alive` here would be a bug, not a hang.
    SPRIG_EXPECTS(na > 0, "core_decomposition: internal error (no node left to peel)");
    if (tail > level_start) {
      k = k1;
    } else {  // no node at k + 1: jump to the least remaining degree
      node_t m = kNoLevel;
      for (std::size_t i = 0; i < na; ++i) m = std::min(m, d_[alive[i]]);
      k = m;
      for (std::size_t i = 0; i < na; ++i) {
        const node_t v = alive[i];
        q[tail] = v;
        tail += (d_[v] == k);
      }
    }
  }
}

}  // namespace

CoreDecomposition core_decomposition(const Graph& g) {
  SPRIG_EXPECTS(!g.directed(), "core_decomposition: needs an undirected graph (got a directed one; symmetrize() it first)");
  const node_t n = g.num_nodes();
  CoreDecomposition r;
  if (n == 0) return r;
  r.core = loop_free_degrees(g);
  r.order.resize(static_cast<std::size_t>(n) + 1);
  peel(g, r.core, r.order.data());
  r.order.pop_back();
  r.degeneracy = *std::max_element(r.core.begin(), r.core.end());
  return r;
}

std::vector<node_t> core_numbers(const Graph& g) {
  SPRIG_EXPECTS(!g.directed(), "core_numbers: needs an undirected graph (got a directed one; symmetrize() it first)");
  const node_t n = g.num_nodes();
  if (n == 0) return {};
  std::vector<node_t> core = loop_free_degrees(g);
  UninitVector<node_t> order(static_cast<std::size_t>(n) + 1);  // the queue; not returned
  peel(g, core, order.data());
  return core;
}

}  // namespace sprig
