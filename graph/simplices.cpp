// SimplexList: appending and conversion from timestamped edge lists.
#include <sprig/graph/simplices.hpp>

#include <algorithm>

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

SimplexList simplices_from_edges(const EdgeList& edges) {
  SPRIG_EXPECTS(edges.timed(), "simplices_from_edges: the edge list has no time column");
  SimplexList s;
  s.offsets.reserve(edges.size() + 1);
  s.nodes.reserve(2 * edges.size());
  s.times.reserve(edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const node_t e[2] = {edges.src[i], edges.dst[i]};
    s.add(e, edges.time[i]);
  }
  s.num_nodes = std::max(s.num_nodes, static_cast<node_t>(edges.n));
  return s;
}

}  // namespace sprig
