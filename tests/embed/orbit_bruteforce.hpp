// tests/embed/orbit_bruteforce.hpp — the independent oracle for graphlet orbits.
//
// Enumerates every connected induced subset of 2..k nodes (k = 4 or 5) with
// ESU (Wernicke 2006: each connected subset is reached exactly once), takes the
// adjacency mask of the subset in enumeration order and looks up the orbit of
// each position and each edge in tables built from tests/data/graphlet-orbits.tsv
// by trying all k! relabellings of every graphlet. Shares no code with
// embed/orbits*.cpp. Exponential in k and in local density: small graphs only
// (karate-sized graphs take well under a second for k = 5 in release).
//
// Input rules mirror orbit_counts(): the graph is symmetrized, self-loops and
// duplicate arcs are ignored, weights ignored. Edge rows are the undirected
// edges (u < v) sorted by (u, v).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <sprig/embed/orbits.hpp>
#include <sprig/graph/csr.hpp>

namespace sprig::test {

/// Pair (i, j), i < j < 5, → bit index j(j−1)/2 + i; the pairs of the first k
/// nodes take the first k(k−1)/2 bits.
inline constexpr int pair_bit(int i, int j) { return i < j ? j * (j - 1) / 2 + i : i * (i - 1) / 2 + j; }

/// For k = 2..5 and every adjacency mask of k labelled nodes: the graphlet (−1:
/// disconnected), the node orbit of each position and the edge orbit of each pair (−1: no edge).
struct OrbitTable {
  std::array<std::array<int, 1024>, 6> graphlet{};
  std::array<std::array<std::array<int, 5>, 1024>, 6> node_orbit{};
  std::array<std::array<std::array<int, 10>, 1024>, 6> edge_orbit{};
  std::array<int, 30> graphlet_size{};
};

/// The table, parsed once from SPRIG_TEST_DATA_DIR/graphlet-orbits.tsv.
inline const OrbitTable& orbit_table() {
  static const OrbitTable table = [] {
    OrbitTable t;
    for (auto& a : t.graphlet) a.fill(-1);
    for (auto& a : t.node_orbit)
      for (auto& b : a) b.fill(-1);
    for (auto& a : t.edge_orbit)
      for (auto& b : a) b.fill(-1);
    const std::string path = std::string(SPRIG_TEST_DATA_DIR) + "/graphlet-orbits.tsv";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::string line;
    int seen = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string x; std::getline(ss, x, '\t');) f.push_back(x);
      if (f.size() != 5) throw std::runtime_error("bad line in graphlet-orbits.tsv: " + line);
      const int gid = std::stoi(f[0].substr(1));
      const int k = std::stoi(f[1]);
      t.graphlet_size[gid] = k;
      std::array<std::array<int, 5>, 5> eorb{};
      for (auto& r : eorb) r.fill(-1);
      {
        std::stringstream es(f[2]);
        for (std::string e; es >> e;) eorb[e[0] - '0'][e[1] - '0'] = eorb[e[1] - '0'][e[0] - '0'] = -2;
      }
      if (f[4] != "-") {
        std::stringstream es(f[4]);
        for (std::string e; es >> e;) {
          const int a = e[0] - '0', b = e[1] - '0', o = std::stoi(e.substr(3));
          eorb[a][b] = eorb[b][a] = o;
        }
      }
      std::array<int, 5> norb{};
      {
        std::stringstream ns(f[3]);
        int i = 0;
        for (std::string x; std::getline(ns, x, ',');) norb[i++] = std::stoi(x);
      }
      // Position p holds graphlet node perm[p]: every relabelling of the graphlet.
      std::array<int, 5> perm{};
      std::iota(perm.begin(), perm.begin() + k, 0);
      do {
        int mask = 0;
        for (int j = 1; j < k; ++j)
          for (int i = 0; i < j; ++i)
            if (eorb[perm[i]][perm[j]] != -1) mask |= 1 << pair_bit(i, j);
        if (t.graphlet[k][mask] != -1 && t.graphlet[k][mask] != gid)
          throw std::runtime_error("graphlet-orbits.tsv: two graphlets share a mask");
        t.graphlet[k][mask] = gid;
        for (int p = 0; p < k; ++p) t.node_orbit[k][mask][p] = norb[perm[p]];
        for (int j = 1; j < k; ++j)
          for (int i = 0; i < j; ++i) {
            const int o = eorb[perm[i]][perm[j]];
            t.edge_orbit[k][mask][pair_bit(i, j)] = o >= 0 ? o : -1;
          }
      } while (std::next_permutation(perm.begin(), perm.begin() + k));
      ++seen;
    }
    if (seen != 30) throw std::runtime_error("graphlet-orbits.tsv: expected 30 graphlets");
    return t;
  }();
  return table;
}

struct BruteOrbits {
  CountMatrix node;                                ///< n × 15 / 73
  CountMatrix edge;                                ///< m × 12 / 68
  std::vector<std::pair<node_t, node_t>> edges;    ///< row order of `edge`: (u < v) sorted
  std::array<std::uint64_t, 30> graphlets{};       ///< induced copies of each graphlet G0..G29
};

/// Brute-force orbit counts of g for graphlets of 2..max_size nodes (4 or 5).
inline BruteOrbits brute_force_orbits(const Graph& g, int max_size) {
  const OrbitTable& t = orbit_table();
  const int n = g.num_nodes();
  // Simple undirected adjacency, independent of the CSR's flags.
  std::vector<std::vector<int>> nb(n);
  for (int u = 0; u < n; ++u)
    for (node_t v : g.neighbors(u))
      if (v != u) {
        nb[u].push_back(v);
        nb[v].push_back(u);
      }
  for (auto& r : nb) {
    std::sort(r.begin(), r.end());
    r.erase(std::unique(r.begin(), r.end()), r.end());
  }
  std::vector<char> adj(static_cast<std::size_t>(n) * n, 0);
  std::vector<int> eid(static_cast<std::size_t>(n) * n, -1);
  BruteOrbits out;
  for (int u = 0; u < n; ++u)
    for (int v : nb[u]) {
      adj[static_cast<std::size_t>(u) * n + v] = 1;
      if (u < v) {
        eid[static_cast<std::size_t>(u) * n + v] = eid[static_cast<std::size_t>(v) * n + u] =
            static_cast<int>(out.edges.size());
        out.edges.emplace_back(u, v);
      }
    }
  out.node = CountMatrix::Zero(n, max_size == 4 ? 15 : 73);
  out.edge = CountMatrix::Zero(static_cast<Eigen::Index>(out.edges.size()), max_size == 4 ? 12 : 68);
  const auto A = [&](int a, int b) { return adj[static_cast<std::size_t>(a) * n + b] != 0; };

  std::array<int, 5> sub{};
  const auto record = [&](int k) {
    int mask = 0;
    for (int j = 1; j < k; ++j)
      for (int i = 0; i < j; ++i)
        if (A(sub[i], sub[j])) mask |= 1 << pair_bit(i, j);
    const int gid = t.graphlet[k][mask];
    if (gid < 0) throw std::logic_error("oracle: ESU produced a disconnected subset");
    ++out.graphlets[gid];
    for (int p = 0; p < k; ++p) ++out.node(sub[p], t.node_orbit[k][mask][p]);
    for (int j = 1; j < k; ++j)
      for (int i = 0; i < j; ++i) {
        const int o = t.edge_orbit[k][mask][pair_bit(i, j)];
        if (o >= 0) ++out.edge(eid[static_cast<std::size_t>(sub[i]) * n + sub[j]], o);
      }
  };
  // ESU: extend(size, ext, root); `ext` holds candidates > root in the exclusive neighbourhood.
  std::vector<char> in_sub(n, 0);
  auto extend = [&](auto&& self, int size, std::vector<int> ext, int root) -> void {
    record(size);
    if (size == max_size) return;
    while (!ext.empty()) {
      const int w = ext.back();
      ext.pop_back();
      std::vector<int> next = ext;
      // exclusive neighbours of w: not in sub, not adjacent to any node of sub
      for (int u : nb[w]) {
        if (u <= root || in_sub[u]) continue;
        bool excl = true;
        for (int p = 0; p < size; ++p)
          if (A(sub[p], u) || sub[p] == u) {
            excl = false;
            break;
          }
        if (excl && std::find(next.begin(), next.end(), u) == next.end()) next.push_back(u);
      }
      sub[size] = w;
      in_sub[w] = 1;
      self(self, size + 1, std::move(next), root);
      in_sub[w] = 0;
    }
  };
  for (int v = 0; v < n; ++v) {
    sub[0] = v;
    in_sub[v] = 1;
    std::vector<int> ext;
    for (int u : nb[v])
      if (u > v) ext.push_back(u);
    // a lone node is not a graphlet: start recording at size 2
    while (!ext.empty()) {
      const int w = ext.back();
      ext.pop_back();
      std::vector<int> next = ext;
      for (int u : nb[w])
        if (u > v && !A(v, u) && u != v && std::find(next.begin(), next.end(), u) == next.end()) next.push_back(u);
      sub[1] = w;
      in_sub[w] = 1;
      extend(extend, 2, std::move(next), v);
      in_sub[w] = 0;
    }
    in_sub[v] = 0;
  }
  return out;
}

}  // namespace sprig::test
