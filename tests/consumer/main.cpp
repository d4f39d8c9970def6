// Reads a graph with an installed sprig and prints its size.
#include <cstdio>

#include <sprig/graph/build.hpp>
#include <sprig/io/edge_list_io.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const sprig::Graph g = sprig::read_graph(argv[1]);
  std::printf("%d nodes, %lld edges\n", g.num_nodes(), static_cast<long long>(g.num_edges()));
  return g.num_nodes() > 0 ? 0 : 1;
}
