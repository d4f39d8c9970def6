// weak_components: concurrent union-find where a root only hooks under a
// smaller root, so every final root is its component's smallest node.
#include <sprig/graph/components.hpp>

#include <atomic>

#include <sprig/graph/parallel.hpp>

namespace sprig {
namespace {

constexpr std::size_t kRowGrain = 1024;

// Root of x with path halving. Parents only ever point to smaller ids and
// every store writes an ancestor, so concurrent halving keeps the forest valid.
node_t find_root(std::vector<node_t>& parent, node_t x) {
  while (true) {
    std::atomic_ref<node_t> px(parent[x]);
    const node_t p = px.load(std::memory_order_relaxed);
    if (p == x) return x;
    const node_t gp = std::atomic_ref<node_t>(parent[p]).load(std::memory_order_relaxed);
    // gp is an ancestor of x; a racing halving may have stored another ancestor, either is valid.
    if (gp != p) px.store(gp, std::memory_order_relaxed);
    x = gp;
  }
}

void unite(std::vector<node_t>& parent, node_t u, node_t v) {
  while (true) {
    node_t ru = find_root(parent, u);
    node_t rv = find_root(parent, v);
    if (ru == rv) return;
    if (ru < rv) std::swap(ru, rv);  // ru is the larger root; hook it under rv
    node_t expected = ru;
    if (std::atomic_ref<node_t>(parent[ru]).compare_exchange_strong(expected, rv, std::memory_order_acq_rel)) return;
    // ru got hooked by someone else meanwhile; retry from the new roots.
    u = ru;
    v = rv;
  }
}

}  // namespace

Components weak_components(const Graph& g) {
  const node_t n = g.num_nodes();
  const auto un = static_cast<std::size_t>(n);
  std::vector<node_t> parent(un);
  parallel_for<std::size_t>(0, un, [&](std::size_t v) { parent[v] = static_cast<node_t>(v); }, 1 << 16);

  const auto offsets = g.offsets();
  const auto targets = g.targets();
  const bool directed = g.directed();
  parallel_chunks(un, kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t u = b; u < e; ++u) {
      for (edge_t a = offsets[u]; a < offsets[u + 1]; ++a) {
        const node_t v = targets[a];
        // Undirected graphs store both arcs; one is enough.
        if (!directed && static_cast<std::size_t>(v) >= u) continue;
        if (static_cast<std::size_t>(v) == u) continue;
        unite(parent, static_cast<node_t>(u), v);
      }
    }
  });

  // Full compression: parent[v] = root = the smallest node of v's component.
  parallel_for<std::size_t>(0, un, [&](std::size_t v) { parent[v] = find_root(parent, static_cast<node_t>(v)); },
                            1 << 14);

  // Number the roots in id order.
  std::vector<node_t> is_root(un);
  parallel_for<std::size_t>(0, un, [&](std::size_t v) { is_root[v] = parent[v] == static_cast<node_t>(v); }, 1 << 16);
  std::vector<node_t> rank;
  exclusive_scan(is_root, rank);

  Components out;
  out.count = un ? rank[un] : 0;
  out.component.resize(un);
  parallel_for<std::size_t>(0, un, [&](std::size_t v) { out.component[v] = rank[static_cast<std::size_t>(parent[v])]; },
                            1 << 16);
  out.sizes.assign(static_cast<std::size_t>(out.count), 0);
  for (std::size_t v = 0; v < un; ++v) ++out.sizes[static_cast<std::size_t>(out.component[v])];
  return out;
}

}  // namespace sprig
