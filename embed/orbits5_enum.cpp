// 5-node (and smaller) graphlet orbits by enumeration: ESU (Wernicke 2006)
// over the connected induced subsets of 2..5 nodes, each looked up in the
// graphlet tables. Used for edge mode at k = 5 and as the reference the tests
// hold the combinatorial node-mode counter (embed/orbits5.cpp) to.
#include <sprig/embed/orbits.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include <tbb/enumerable_thread_specific.h>

#include <sprig/embed/orbits_detail.hpp>
#include <sprig/graph/error.hpp>

namespace sprig::detail::orbits {

namespace {
struct ScratchEsu {
  std::vector<std::uint8_t> bits;  // bits[u]: positions of the current subset adjacent to u
  std::vector<std::uint8_t> in_sub;
  std::array<std::vector<node_t>, 6> ext;
  explicit ScratchEsu(node_t n) : bits(n, 0), in_sub(n, 0) {}
};
}  // namespace

void count5_enum(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix) {
  const Tables& T = tables();
  const node_t n = s.n;
  const bool edges = opt.per == Per::edge;
  const int cols = num_orbits(5, opt.per);
  out.counts = CountMatrix::Zero(edges ? static_cast<Eigen::Index>(ix->edges.size()) : n, cols);
  std::uint64_t* data = out.counts.data();
  const auto add = [&](std::int64_t row, int col) {
    if (parallel)
      std::atomic_ref<std::uint64_t>(data[row * cols + col]).fetch_add(1, std::memory_order_relaxed);
    else
      ++data[row * cols + col];
  };
  tbb::enumerable_thread_specific<ScratchEsu> scratch([n] { return ScratchEsu(n); });
  // Pair bits of position p with the earlier positions set in `adj`.
  std::array<std::array<int, 32>, 5> pairmask{};
  for (int p = 0; p < 5; ++p)
    for (int a = 0; a < 32; ++a)
      for (int q = 0; q < p; ++q)
        if (a >> q & 1) pairmask[p][a] |= 1 << pbit(q, p);

  rounds(n, parallel, opt.progress, "orbits: count", [&](node_t root) {
    ScratchEsu& sc = scratch.local();
    std::array<node_t, 5> sub{};
    std::array<std::array<std::int64_t, 5>, 5> erow{};  // erow[q][p]: edge row of positions q < p
    const auto place = [&](node_t w, int p) {
      sub[p] = w;
      sc.in_sub[w] = 1;
      const auto r = s.nb(w);
      for (std::size_t i = 0; i < r.size(); ++i) {
        const node_t u = r[i];
        if (edges && sc.in_sub[u])
          for (int q = 0; q < p; ++q)
            if (sub[q] == u) erow[q][p] = ix->arc_row[s.off[w] + static_cast<edge_t>(i)];
        sc.bits[u] |= static_cast<std::uint8_t>(1u << p);
      }
    };
    const auto unplace = [&](node_t w, int p) {
      sc.in_sub[w] = 0;
      for (node_t u : s.nb(w)) sc.bits[u] &= static_cast<std::uint8_t>(~(1u << p));
    };
    const auto record = [&](int k, int mask) {
      if (!edges) {
        const auto& no = T.node_orbit[k][mask];
        for (int p = 0; p < k; ++p) add(sub[p], no[p]);
      } else {
        const auto& eo = T.edge_orbit[k][mask];
        for (int p = 1; p < k; ++p)
          for (int q = 0; q < p; ++q) {
            const int o = eo[pbit(q, p)];
            if (o >= 0) add(erow[q][p], o);
          }
      }
    };
    // extend: subset of `size` nodes with mask; candidates in sc.ext[size].
    const auto extend = [&](auto&& self, int size, int mask) -> void {
      if (size >= 2) record(size, mask);
      if (size == 5) return;
      auto& ext = sc.ext[size];
      while (!ext.empty()) {
        const node_t w = ext.back();
        ext.pop_back();
        if (size + 1 < 5) {  // ESU: remaining candidates + exclusive neighbours of w
          auto& next = sc.ext[size + 1];
          next.assign(ext.begin(), ext.end());
          for (node_t u : s.nb(w))
            if (u > root && !sc.in_sub[u] && sc.bits[u] == 0) next.push_back(u);
        }
        const int nmask = mask | pairmask[size][sc.bits[w] & ((1 << size) - 1)];
        place(w, size);
        self(self, size + 1, nmask);
        unplace(w, size);
      }
    };
    sc.ext[1].clear();
    for (node_t u : s.nb(root))
      if (u > root) sc.ext[1].push_back(u);
    if (sc.ext[1].empty()) return;
    place(root, 0);
    extend(extend, 1, 0);
    unplace(root, 0);
  });
}

}  // namespace sprig::detail::orbits
