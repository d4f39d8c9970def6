#include <sprig/metrics/kcore.hpp>

#include <algorithm>

#include <sprig/graph/error.hpp>

namespace sprig {

CoreDecomposition core_decomposition(const Graph& g) {
  SPRIG_EXPECTS(!g.directed(), "core_decomposition: needs an undirected graph (got a directed one; symmetrize() it first)");
  const node_t n = g.num_nodes();
  CoreDecomposition r;
  if (n == 0) return r;
  std::vector<node_t> deg(static_cast<std::size_t>(n));
  node_t md = 0;
  for (node_t v = 0; v < n; ++v) {
    node_t k = 0;
    for (node_t w : g.neighbors(v)) k += (w != v);
    deg[v] = k;
    md = std::max(md, k);
  }
  // bin[d] = first position of degree-d nodes in vert; pos[v] = position of v.
  std::vector<node_t> bin(static_cast<std::size_t>(md) + 2, 0), vert(static_cast<std::size_t>(n)), pos(static_cast<std::size_t>(n));
  for (node_t v = 0; v < n; ++v) ++bin[deg[v] + 1];
  for (node_t d = 0; d <= md; ++d) bin[d + 1] += bin[d];
  {
    std::vector<node_t> next(bin.begin(), bin.end() - 1);
    for (node_t v = 0; v < n; ++v) {
      pos[v] = next[deg[v]]++;
      vert[pos[v]] = v;
    }
  }
  for (node_t i = 0; i < n; ++i) {
    const node_t v = vert[i];
    for (node_t u : g.neighbors(v)) {
      if (u == v || deg[u] <= deg[v]) continue;
      // move u to the front of its bucket, then shrink the bucket by one
      const node_t du = deg[u], pu = pos[u], pw = bin[du], w = vert[pw];
      if (u != w) {
        pos[u] = pw;
        vert[pw] = u;
        pos[w] = pu;
        vert[pu] = w;
      }
      ++bin[du];
      --deg[u];
    }
  }
  r.core = std::move(deg);
  r.order = std::move(vert);
  r.degeneracy = *std::max_element(r.core.begin(), r.core.end());
  return r;
}

}  // namespace sprig
