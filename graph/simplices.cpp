// SimplexList: appending and conversion from timestamped edge lists.
#include <sprig/graph/simplices.hpp>

#include <algorithm>
#include <numeric>

#include <sprig/graph/error.hpp>

namespace sprig {

void SimplexList::add(std::span<const node_t> s, std::int64_t time) {
  const auto first = nodes.size();
  nodes.insert(nodes.end(), s.begin(), s.end());
  std::sort(nodes.begin() + static_cast<std::ptrdiff_t>(first), nodes.end());
  nodes.erase(std::unique(nodes.begin() + static_cast<std::ptrdiff_t>(first), nodes.end()), nodes.end());
  offsets.push_back(static_cast<std::int64_t>(nodes.size()));
  times.push_back(time);
  for (auto it = nodes.begin() + static_cast<std::ptrdiff_t>(first); it != nodes.end(); ++it)
    num_nodes = std::max(num_nodes, static_cast<node_t>(*it + 1));
}

SimplexList simplices_from_edges(const EdgeList& edges, EdgeSimplices mode) {
  SPRIG_EXPECTS(edges.timed(), "simplices_from_edges: the edge list has no time column");
  const std::size_t m = edges.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return edges.time[a] < edges.time[b]; });
  SimplexList s;
  s.offsets.reserve(m + 1);
  s.nodes.reserve(2 * m);
  s.times.reserve(m);
  if (mode == EdgeSimplices::each_edge) {
    for (std::size_t i : order) {
      const node_t e[2] = {edges.src[i], edges.dst[i]};
      s.add(e, edges.time[i]);
    }
  } else {
    // Union–find over the endpoints of one instant's edges (path halving).
    std::vector<node_t> ids, parent;
    auto find = [&](std::size_t x) {
      while (parent[x] != static_cast<node_t>(x)) x = static_cast<std::size_t>(parent[x] = parent[parent[x]]);
      return x;
    };
    std::vector<std::pair<std::size_t, node_t>> by_root;
    std::vector<node_t> buf;
    for (std::size_t b = 0; b < m;) {
      std::size_t e = b;
      while (e < m && edges.time[order[e]] == edges.time[order[b]]) ++e;
      ids.clear();
      for (std::size_t k = b; k < e; ++k) ids.push_back(edges.src[order[k]]), ids.push_back(edges.dst[order[k]]);
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      parent.resize(ids.size());
      std::iota(parent.begin(), parent.end(), node_t{0});
      auto local = [&](node_t v) { return static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), v) - ids.begin()); };
      for (std::size_t k = b; k < e; ++k) {
        const std::size_t x = find(local(edges.src[order[k]])), y = find(local(edges.dst[order[k]]));
        if (x != y) parent[std::max(x, y)] = static_cast<node_t>(std::min(x, y));
      }
      by_root.clear();
      for (std::size_t k = 0; k < ids.size(); ++k) by_root.push_back({find(k), ids[k]});
      std::sort(by_root.begin(), by_root.end());  // components by their smallest node (the root is the smallest index)
      for (std::size_t k = 0; k < by_root.size();) {
        std::size_t j = k;
        buf.clear();
        while (j < by_root.size() && by_root[j].first == by_root[k].first) buf.push_back(by_root[j++].second);
        s.add(buf, edges.time[order[b]]);
        k = j;
      }
      b = e;
    }
  }
  s.num_nodes = std::max(s.num_nodes, static_cast<node_t>(edges.n));
  return s;
}

}  // namespace sprig
