// sprig/embed/orbits_detail.hpp — internals shared by the graphlet orbit
// counters (embed/orbits.cpp: tables, input preparation, dispatch;
// embed/orbits4.cpp: 4-node counts; embed/orbits5.cpp: 5-node counts). Not a
// public header: names live in sprig::detail::orbits and may change.
//
// Determinism and thread safety: everything here is pure or works on
// caller-owned scratch; tables() is built once (thread-safe static).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <sprig/embed/orbits.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig::detail::orbits {

// Pair (i, j) of positions (i ≠ j < 5) → bit j(j−1)/2 + i (i < j): the pairs of
// the first k positions use the first k(k−1)/2 bits.
constexpr int pbit(int i, int j) { return i < j ? j * (j - 1) / 2 + i : i * (i - 1) / 2 + j; }

struct Graphlet {
  int k = 0;
  std::vector<std::pair<int, int>> edges;
  std::array<int, 5> node_orbit{};
  std::array<std::array<int, 5>, 5> edge_orbit{};  // −1: no edge
};

struct Tables {
  std::array<Graphlet, 30> g;
  // [k][mask] → graphlet (−1 disconnected), orbit of each position, orbit of each pair bit.
  std::array<std::array<std::int8_t, 1024>, 6> graphlet{};
  std::array<std::array<std::array<std::int8_t, 5>, 1024>, 6> node_orbit{};
  std::array<std::array<std::array<std::int8_t, 10>, 1024>, 6> edge_orbit{};
  // 4-node systems N = C·O (node: 15 orbits, edge: 12), and solve orders (densest first).
  std::array<std::array<std::uint64_t, 15>, 15> cn{};
  std::array<std::array<std::uint64_t, 12>, 12> ce{};
  std::vector<int> node_order, edge_order;
};

/// Whether the k-node graph with pair-bit mask `mask` is connected.
bool connected(int k, int mask);

/// Graphlet tables (built once, on first use).
const Tables& tables();

// ---------------------------------------------------------------------------
// The simple undirected graph the counters work on: sorted rows, no self-loops,
// no duplicates, both arcs of every edge. A view of g when g already is one.
struct Simple {
  std::vector<edge_t> off_own;
  std::vector<node_t> tgt_own;
  std::span<const edge_t> off;
  std::span<const node_t> tgt;
  node_t n = 0;
  edge_t deg(node_t v) const { return off[v + 1] - off[v]; }
  std::span<const node_t> nb(node_t v) const {
    return {tgt.data() + off[v], static_cast<std::size_t>(off[v + 1] - off[v])};
  }
};

/// The simple undirected view (or copy) of g.
Simple simplify(const Graph& g);

// Edge rows: edge (u < v) sorted by (u, v); arc_row[a] = row of arc a's edge.
struct EdgeIndex {
  std::vector<std::int64_t> arc_row;
  std::vector<std::pair<node_t, node_t>> edges;
};

/// Edge rows of s (edge u < v sorted by (u, v)) and the row of every arc.
EdgeIndex index_edges(const Simple& s);

// Runs body(v) for v in [0, n) in rounds, reporting progress between rounds on
// the calling thread; sequentially when `parallel` is false.
template <class Fn>
void rounds(node_t n, bool parallel, const ProgressFn& progress, std::string_view stage, Fn&& body) {
  constexpr int kRounds = 64;
  const node_t step = std::max<node_t>(1, static_cast<node_t>((static_cast<std::int64_t>(n) + kRounds - 1) / kRounds));
  for (node_t b = 0; b < n; b += step) {
    const node_t e = static_cast<node_t>(std::min<std::int64_t>(n, static_cast<std::int64_t>(b) + step));
    if (parallel)
      tbb::parallel_for(tbb::blocked_range<node_t>(b, e, 1), [&](const tbb::blocked_range<node_t>& r) {
        for (node_t v = r.begin(); v != r.end(); ++v) body(v);
      });
    else
      for (node_t v = b; v < e; ++v) body(v);
    report(progress, stage, static_cast<std::uint64_t>(e), static_cast<std::uint64_t>(n));
  }
}

constexpr std::uint64_t c2(std::uint64_t x) { return x < 2 ? 0 : x * (x - 1) / 2; }
constexpr std::uint64_t c3(std::uint64_t x) { return x < 3 ? 0 : x * (x - 1) * (x - 2) / 6; }
/// Triangles through each arc (merge of the two sorted rows).
std::vector<std::uint32_t> arc_triangles(const Simple& s, bool parallel, const ProgressFn& progress);

// Per-thread scratch of the 4-node counters: common-neighbour counts and marks.
struct Scratch4 {
  std::vector<std::uint32_t> cnt;
  std::vector<node_t> touched;
  std::vector<std::uint8_t> mark;
  std::vector<std::pair<node_t, edge_t>> common;  // (z, arc y→z)
  std::vector<edge_t> common_x;                   // arc x→z of the same z
  explicit Scratch4(node_t n) : cnt(n, 0), mark(n, 0) {}
};

// Solves N = C·O in place (C unit upper triangular in `order`).
template <std::size_t K>
void solve(std::array<std::uint64_t, K>& N, const std::array<std::array<std::uint64_t, K>, K>& C,
           const std::vector<int>& order) {
  for (int o : order) {
    std::uint64_t v = N[o];
    for (int o2 = 0; o2 < static_cast<int>(K); ++o2)
      if (o2 != o && C[o][o2]) v -= C[o][o2] * N[o2];
    N[o] = v;
  }
}
/// Common neighbours of x and y (arc a = x→y): fills sc.common with (z, arc y→z) and sc.common_x with arc x→z.
void common_neighbours(const Simple& s, node_t x, node_t y, Scratch4& sc);

/// Edges among the common neighbours of x and y (= K4s through the edge x–y).
std::uint64_t edges_among_common(const Simple& s, Scratch4& sc);

/// 4-node counts (embed/orbits4.cpp): fills out.counts (ix: edge rows, used in edge mode).
void count4(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix);
/// count4 with 64-bit edge ids, which count4 itself uses only past 2^32 − 1 edges (a test hook).
void count4_wide_ids(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix);

/// 5-node counts (embed/orbits5.cpp): fills out.counts (ix: edge rows, used in edge mode).
void count5(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix);

/// 5-node counts by ESU enumeration (embed/orbits5.cpp), node or edge mode:
/// the edge-mode engine and the reference the combinatorial counter is tested against.
void count5_enum(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix);

/// 5-node node orbits combinatorially (embed/orbits5.cpp): n × 73, columns 0–14 from count4.
/// one_by_one: visit every needed 4-node copy singly instead of summing groups of
/// copies in closed form (slower; the tests check that both give the same counts).
void count5_comb(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, bool one_by_one = false);

}  // namespace sprig::detail::orbits
