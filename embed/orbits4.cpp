// 4-node graphlet orbit counts (see orbits.hpp, orbits_detail.hpp): per node
// / per edge, 15 (12) non-induced counts N from degrees, triangles per arc,
// common-neighbour counts and K4s, then the induced counts from N = C·O
// (ORCA's scheme, Hočevar & Demšar 2014).
#include <sprig/embed/orbits.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include <tbb/enumerable_thread_specific.h>

#include <sprig/embed/orbits_detail.hpp>

namespace sprig::detail::orbits {

void count4(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix) {
  const Tables& T = tables();
  const node_t n = s.n;
  const auto tri = arc_triangles(s, parallel, opt.progress);
  std::vector<std::uint64_t> t(n, 0), sdeg(n, 0);  // triangles at v; Σ_{z∈N(v)} (deg z − 1)
  for (node_t v = 0; v < n; ++v) {
    std::uint64_t a = 0, b = 0;
    for (edge_t e = s.off[v]; e < s.off[v + 1]; ++e) {
      a += tri[e];
      b += static_cast<std::uint64_t>(s.deg(s.tgt[e]) - 1);
    }
    t[v] = a / 2;
    sdeg[v] = b;
  }
  tbb::enumerable_thread_specific<Scratch4> scratch([n] { return Scratch4(n); });
  // cnt[z] = |N(x) ∩ N(z)| for z ≠ x at distance ≤ 2.
  const auto fill_common = [&](node_t x, Scratch4& sc) {
    for (node_t y : s.nb(x))
      for (node_t z : s.nb(y)) {
        if (z == x) continue;
        if (sc.cnt[z]++ == 0) sc.touched.push_back(z);
      }
  };
  const auto clear_common = [](Scratch4& sc) {
    for (node_t z : sc.touched) sc.cnt[z] = 0;
    sc.touched.clear();
  };

  if (opt.per == Per::node) {
    out.counts = CountMatrix::Zero(n, 15);
    rounds(n, parallel, opt.progress, "orbits: count", [&](node_t x) {
      Scratch4& sc = scratch.local();
      const std::uint64_t d = static_cast<std::uint64_t>(s.deg(x));
      if (d == 0) return;
      std::array<std::uint64_t, 15> N{};
      N[0] = d;
      N[2] = c2(d);
      N[3] = t[x];
      N[7] = c3(d);
      N[11] = d >= 2 ? t[x] * (d - 2) : 0;
      std::uint64_t k4x3 = 0;
      for (edge_t a = s.off[x]; a < s.off[x + 1]; ++a) {
        const node_t y = s.tgt[a];
        const std::uint64_t dy = static_cast<std::uint64_t>(s.deg(y)), ta = tri[a];
        N[1] += dy - 1;
        N[4] += sdeg[y] - (d - 1) - ta;
        N[5] += (d - 1) * (dy - 1) - ta;
        N[6] += c2(dy - 1);
        N[9] += t[y] - ta;
        N[10] += ta * (dy >= 2 ? dy - 2 : 0);
        N[13] += c2(ta);
        if (ta == 0) continue;
        common_neighbours(s, x, y, sc);
        for (auto [z, ayz] : sc.common)
          if (z > y) N[12] += tri[ayz] - 1;
        if (ta >= 2) k4x3 += edges_among_common(s, sc);
      }
      N[14] = k4x3 / 3;
      fill_common(x, sc);
      for (node_t z : sc.touched) N[8] += c2(sc.cnt[z]);
      clear_common(sc);
      solve(N, T.cn, T.node_order);
      for (int o = 0; o < 15; ++o) out.counts(x, o) = N[o];
    });
    return;
  }
  const auto m = static_cast<Eigen::Index>(ix->edges.size());
  out.counts = CountMatrix::Zero(m, 12);
  rounds(n, parallel, opt.progress, "orbits: count", [&](node_t x) {
    Scratch4& sc = scratch.local();
    const std::uint64_t dx = static_cast<std::uint64_t>(s.deg(x));
    bool filled = false;
    for (edge_t a = s.off[x]; a < s.off[x + 1]; ++a) {
      const node_t y = s.tgt[a];
      if (y < x) continue;  // the edge belongs to its smaller end
      if (!filled) {
        fill_common(x, sc);
        filled = true;
      }
      const std::uint64_t dy = static_cast<std::uint64_t>(s.deg(y)), ta = tri[a];
      std::array<std::uint64_t, 12> N{};
      N[0] = (dx - 1) + (dy - 1);
      N[1] = ta;
      N[2] = (sdeg[y] - (dx - 1) - ta) + (sdeg[x] - (dy - 1) - ta);
      N[3] = (dx - 1) * (dy - 1) - ta;
      N[4] = c2(dx - 1) + c2(dy - 1);
      for (node_t z : s.nb(y))
        if (z != x) N[5] += sc.cnt[z] - 1;
      N[6] = (t[y] - ta) + (t[x] - ta);
      N[8] = ta * ((dy - 2) + (dx - 2));
      N[10] = c2(ta);
      if (ta > 0) {
        common_neighbours(s, x, y, sc);
        for (std::size_t i = 0; i < sc.common.size(); ++i) {
          const auto [z, ayz] = sc.common[i];
          N[7] += static_cast<std::uint64_t>(s.deg(z)) - 2;
          N[9] += (tri[ayz] - 1) + (tri[sc.common_x[i]] - 1);
        }
        if (ta >= 2) N[11] = edges_among_common(s, sc);
      }
      solve(N, T.ce, T.edge_order);
      const auto row = static_cast<Eigen::Index>(ix->arc_row[a]);
      for (int o = 0; o < 12; ++o) out.counts(row, o) = N[o];
    }
    if (filled) clear_common(sc);
  });
}

}  // namespace sprig::detail::orbits
