#include <sprig/metrics/components.hpp>

#include <algorithm>
#include <utility>

#include <sprig/graph/error.hpp>

namespace sprig {

namespace {
// Renumbers labels so that component ids follow the order of their smallest node.
Components canonical(std::vector<node_t> label, node_t count) {
  std::vector<node_t> map(static_cast<std::size_t>(count), -1);
  Components c;
  c.count = count;
  c.sizes.assign(static_cast<std::size_t>(count), 0);
  node_t next = 0;
  for (std::size_t v = 0; v < label.size(); ++v) {
    node_t& m = map[label[v]];
    if (m < 0) m = next++;
    label[v] = m;
    ++c.sizes[m];
  }
  c.component = std::move(label);
  return c;
}
}  // namespace

Components strong_components(const Graph& g) {
  if (!g.directed()) return weak_components(g);
  const node_t n = g.num_nodes();
  const auto offs = g.offsets();
  const auto tg = g.targets();
  std::vector<node_t> index(static_cast<std::size_t>(n), -1), low(static_cast<std::size_t>(n), 0),
      label(static_cast<std::size_t>(n), -1);
  std::vector<node_t> stack;
  std::vector<std::pair<node_t, edge_t>> calls;  // (node, next arc to look at)
  node_t counter = 0, comps = 0;
  for (node_t s = 0; s < n; ++s) {
    if (index[s] >= 0) continue;
    index[s] = low[s] = counter++;
    stack.push_back(s);
    calls.emplace_back(s, offs[s]);
    while (!calls.empty()) {
      auto& [v, p] = calls.back();
      if (p < offs[v + 1]) {
        const node_t w = tg[p++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          calls.emplace_back(w, offs[w]);  // invalidates v, p: loop again
        } else if (label[w] < 0) {       // w is on the stack
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      const node_t done = v;
      calls.pop_back();
      if (!calls.empty()) {
        const node_t u = calls.back().first;
        low[u] = std::min(low[u], low[done]);
      }
      if (low[done] == index[done]) {
        node_t w;
        do {
          w = stack.back();
          stack.pop_back();
          label[w] = comps;
        } while (w != done);
        ++comps;
      }
    }
  }
  return canonical(std::move(label), comps);
}

Biconnected biconnected_components(const Graph& g) {
  SPRIG_EXPECTS(!g.directed(), "biconnected_components: needs an undirected graph (got a directed one; symmetrize() it first)");
  const node_t n = g.num_nodes();
  const auto offs = g.offsets();
  const auto tg = g.targets();
  std::vector<node_t> disc(static_cast<std::size_t>(n), -1), low(static_cast<std::size_t>(n), 0);
  std::vector<char> art(static_cast<std::size_t>(n), 0);
  std::vector<char> mark(static_cast<std::size_t>(n), 0);
  struct Frame {
    node_t v, parent;
    edge_t p;
    bool parent_skipped;
  };
  std::vector<Frame> calls;
  std::vector<std::pair<node_t, node_t>> estack;
  Biconnected out;
  node_t t = 0;
  for (node_t r = 0; r < n; ++r) {
    if (disc[r] >= 0) continue;
    disc[r] = low[r] = t++;
    int root_children = 0;
    calls.push_back({r, -1, offs[r], false});
    while (!calls.empty()) {
      Frame& f = calls.back();
      const node_t v = f.v;
      if (f.p < offs[v + 1]) {
        const node_t w = tg[f.p++];
        if (w == v) continue;
        if (w == f.parent && !f.parent_skipped) {  // the tree edge back to the parent (once)
          f.parent_skipped = true;
          continue;
        }
        if (disc[w] < 0) {
          estack.emplace_back(v, w);
          disc[w] = low[w] = t++;
          if (v == r) ++root_children;
          calls.push_back({w, v, offs[w], false});
        } else if (disc[w] < disc[v]) {  // back edge to an ancestor
          estack.emplace_back(v, w);
          low[v] = std::min(low[v], disc[w]);
        }
        continue;
      }
      calls.pop_back();
      if (calls.empty()) break;
      const node_t u = calls.back().v;
      low[u] = std::min(low[u], low[v]);
      if (low[v] >= disc[u]) {
        if (u != r) art[u] = 1;
        std::vector<node_t> comp;
        while (true) {
          const auto [a, b] = estack.back();
          estack.pop_back();
          if (!mark[a]) mark[a] = 1, comp.push_back(a);
          if (!mark[b]) mark[b] = 1, comp.push_back(b);
          if (a == u && b == v) break;
        }
        for (node_t x : comp) mark[x] = 0;
        std::sort(comp.begin(), comp.end());
        out.components.push_back(std::move(comp));
      }
    }
    if (root_children >= 2) art[r] = 1;
  }
  std::sort(out.components.begin(), out.components.end());
  for (node_t v = 0; v < n; ++v)
    if (art[v]) out.articulation_points.push_back(v);
  return out;
}

}  // namespace sprig
