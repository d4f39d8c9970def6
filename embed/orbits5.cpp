// 5-node graphlet orbit counts (see orbits.hpp, orbits_detail.hpp).
//  * Node mode: combinatorial (count5_comb below): the 4-node counts, the
//    4-node copies that some orbit's equation needs, and a triangular linear
//    system derived from the graphlet tables at start-up.
//  * Edge mode, and the reference path for the tests: ESU enumeration
//    (count5_enum, embed/orbits5_enum.cpp).
#include <sprig/embed/orbits.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include <tbb/enumerable_thread_specific.h>

#include <sprig/embed/orbits_detail.hpp>
#include <sprig/graph/error.hpp>

namespace sprig::detail::orbits {

// ---------------------------------------------------------------------------
// 5-node node orbits, combinatorially (the scheme of ORCA, Hočevar & Demšar
// 2014, with the equations derived here from the graphlet tables).
//
// For a node x, a "type" t is (p, R): a 4-node graphlet in which x sits in
// 4-node orbit p (canonical labelling kCanon[p], x at position 0) and a
// non-empty set R of its positions. Its value is
//   F_t[x] = Σ over labelled induced copies φ of the type's 4-node graphlet
//            with φ(x-position) = x  of  |{w ∉ φ(S) : w adjacent to all φ(R)}|,
// i.e. each copy extended by a fifth node that is adjacent to at least R.
// Every such (copy, w) spans a connected 5-node set in which x has some
// 5-node orbit O', so F_t[x] = Σ_O' C[t][O'] · orbit_O'[x], where C[t][O'] is
// the number of (w, φ) decompositions of the graphlet of O' (x fixed at a
// position of O'). One type is chosen per 5-node orbit O by deleting a node w
// of O's graphlet (R = the neighbours of w): then C[t][O'] ≠ 0 only for O' = O
// or for graphlets with more edges, so the system is triangular in edge count
// and solved densest first with exact divisions. C is computed at start-up by
// trying every decomposition, and the triangularity is checked there.
//
// Among the deletions available for O, the one with the cheapest evaluation
// is chosen: R = {x} needs no enumeration at all (F = orbit_p[x] · (deg x −
// const), from the 4-node counts); |R| = 1 or R = {x, r} costs O(1) per copy
// (degree, or |N(x) ∩ N(r)| from a per-x array); larger R intersect rows.
// Only the 4-node orbits some chosen type needs are enumerated, each copy once
// (from x, with fixed tie-breaking).
//
// Groups of copies are summed in closed form where the equations allow it
// (EVOKE / ESCAPE style: a sum over all copies of a sparse pattern is a
// per-node or per-edge sum, less the copies that touch N[x], which are denser
// structures the counter visits anyway): paths and claws through (x, a),
// paths per (a, b), paws with x the pendant per (x, a) (from per-node sums
// over the edges of N(a), K4s per edge and the K4s at x), diamonds with x at
// a degree-2 node per (a, b), 4-cycles per (a, c). On polblogs this removed
// the walks over all 3-paths from x (25.6 → 4.7 CPU-s for the 5-node counts).
// count5_comb(..., one_by_one = true) turns every such shortcut off; the tests
// compare both against the enumeration.
namespace {

constexpr int kEdges4[15][7][2] = {
    {}, {}, {}, {},
    {{0, 1}, {1, 2}, {2, 3}, {-1, -1}},                                  // 4: path, x an end
    {{0, 1}, {0, 2}, {2, 3}, {-1, -1}},                                  // 5: path, x inner
    {{0, 1}, {1, 2}, {1, 3}, {-1, -1}},                                  // 6: claw, x a leaf
    {{0, 1}, {0, 2}, {0, 3}, {-1, -1}},                                  // 7: claw, x the centre
    {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {-1, -1}},                          // 8: cycle
    {{0, 1}, {1, 2}, {1, 3}, {2, 3}, {-1, -1}},                          // 9: paw, x the pendant
    {{0, 1}, {0, 2}, {1, 2}, {1, 3}, {-1, -1}},                          // 10: paw, x in the triangle, degree 2
    {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {-1, -1}},                          // 11: paw, x degree 3
    {{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}, {-1, -1}},                  // 12: diamond, x degree 2
    {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {-1, -1}},                  // 13: diamond, x degree 3
    {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}, {-1, -1}},          // 14: K4
};

int canon_mask(int p) {
  int m = 0;
  for (int e = 0; e < 7 && kEdges4[p][e][0] >= 0; ++e) m |= 1 << pbit(kEdges4[p][e][0], kEdges4[p][e][1]);
  return m;
}

bool has(int mask, int i, int j) { return mask >> pbit(i, j) & 1; }

// One image of R in the canonical labelling: positions (bit 0 = x) and the
// number of copy positions outside R adjacent to all of R (they are counted
// by the row intersection but are not a fifth node).
struct Image {
  std::uint8_t rmask = 0;
  std::uint8_t sub = 0;
  // 0: R = {x}; 1: one node r ≠ x (degree); 2: {x, r} (|N(x) ∩ N(r)|); 3: general
  // (intersect rows); 4: adjacent pair {r, r2} without x (triangles on the
  // edge); 5: non-adjacent pair {a, r2} (a = position 1; |N(a) ∩ N(r2)|).
  std::uint8_t kind = 0;
  std::uint8_t r = 0, r2 = 0;
  std::uint8_t mult = 1;  // images with this rmask (automorphisms of the copy)
};

struct Type {
  int p = 0;
  std::vector<Image> img;
  bool closed = false;                                // every image is R = {x}
  std::uint64_t diag = 0;                             // C[t][O]
  std::vector<std::pair<int, std::uint64_t>> coef;    // (O', C[t][O']) for O' ≠ O
};

struct Plan5 {
  std::array<Type, 73> type;                // index = 5-node orbit 15..72
  std::vector<int> order;                   // solve order (densest graphlets first)
  std::array<std::vector<int>, 15> by_p;    // orbits whose type enumerates copies of 4-node orbit p
  std::array<int, 15> canon{};
};

constexpr int kOccWeight[15] = {0, 0, 0, 0, 50, 50, 100, 100, 5, 6, 6, 6, 3, 2, 1};

Plan5 build_plan() {
  const Tables& T = tables();
  Plan5 P;
  for (int p = 4; p < 15; ++p) {
    P.canon[p] = canon_mask(p);
    SPRIG_EXPECTS(T.node_orbit[4][P.canon[p]][0] == p, "orbits: canonical 4-node graphlet of orbit {} is wrong", p);
  }
  std::array<int, 30> mask5{}, nedges{};
  for (int id = 9; id < 30; ++id) {
    for (auto [a, b] : T.g[id].edges) mask5[id] |= 1 << pbit(a, b);
    nedges[id] = static_cast<int>(T.g[id].edges.size());
  }
  std::array<int, 73> graphlet_of{}, pos_of{};
  graphlet_of.fill(-1);
  for (int id = 9; id < 30; ++id)
    for (int q = 0; q < 5; ++q)
      if (graphlet_of[T.g[id].node_orbit[q]] < 0) {
        graphlet_of[T.g[id].node_orbit[q]] = id;
        pos_of[T.g[id].node_orbit[q]] = q;
      }
  // Decompositions of graphlet H (x at q) by deleting w: the 4-node mask over
  // the kept positions (in increasing order), x's index there, and R.
  struct Del { int g4 = 0, px = 0, R = 0; };
  const auto deletion = [&](int id, int q, int w) {
    Del d;
    std::array<int, 4> keep{};
    int k = 0;
    for (int i = 0; i < 5; ++i)
      if (i != w) keep[k++] = i;
    for (int i = 0; i < 4; ++i) {
      if (keep[i] == q) d.px = i;
      if (has(mask5[id], w, keep[i])) d.R |= 1 << i;
      for (int j = i + 1; j < 4; ++j)
        if (has(mask5[id], keep[i], keep[j])) d.g4 |= 1 << pbit(i, j);
    }
    return d;
  };
  for (int O = 15; O < 73; ++O) {
    const int id = graphlet_of[O], q = pos_of[O];
    SPRIG_EXPECTS(id >= 0, "orbits: orbit {} missing from the table", O);
    long best_score = -1;
    Del best_del;
    for (int w = 0; w < 5; ++w) {
      if (w == q) continue;
      const Del d = deletion(id, q, w);
      if (!connected(4, d.g4)) continue;
      const int p = T.node_orbit[4][d.g4][d.px];
      Type t;
      t.p = p;
      std::array<int, 4> psi{};  // psi[i]: canonical position of kept index i
      std::iota(psi.begin(), psi.end(), 0);
      do {
        if (psi[d.px] != 0) continue;
        bool iso = true;
        for (int i = 0; i < 4 && iso; ++i)
          for (int j = i + 1; j < 4 && iso; ++j) iso = has(d.g4, i, j) == has(P.canon[p], psi[i], psi[j]);
        if (!iso) continue;
        Image im;
        for (int i = 0; i < 4; ++i)
          if (d.R >> i & 1) im.rmask |= static_cast<std::uint8_t>(1 << psi[i]);
        for (int s = 0; s < 4; ++s) {
          if (im.rmask >> s & 1) continue;
          bool all = true;
          for (int r = 0; r < 4; ++r)
            if ((im.rmask >> r & 1) && !has(P.canon[p], s, r)) all = false;
          im.sub += all;
        }
        const int pc = std::popcount(static_cast<unsigned>(im.rmask));
        if (im.rmask == 1) {
          im.kind = 0;
        } else if (pc == 1) {
          im.kind = 1;
          im.r = static_cast<std::uint8_t>(std::countr_zero(static_cast<unsigned>(im.rmask)));
        } else if (pc == 2 && (im.rmask & 1)) {
          im.kind = 2;
          im.r = static_cast<std::uint8_t>(std::countr_zero(static_cast<unsigned>(im.rmask & ~1u)));
        } else if (pc == 2) {
          im.r = static_cast<std::uint8_t>(std::countr_zero(static_cast<unsigned>(im.rmask)));
          im.r2 = static_cast<std::uint8_t>(std::countr_zero(static_cast<unsigned>(im.rmask & ~(1u << im.r))));
          if (has(P.canon[p], im.r, im.r2)) im.kind = 4;
          else if (im.r == 1 && p != 7) im.kind = 5;
          else im.kind = 3;
        } else {
          im.kind = 3;
        }
        bool merged = false;
        for (Image& o : t.img)
          if (o.rmask == im.rmask) {
            ++o.mult;
            merged = true;
          }
        if (!merged) t.img.push_back(im);
      } while (std::next_permutation(psi.begin(), psi.end()));
      SPRIG_EXPECTS(!t.img.empty(), "orbits: no isomorphism for a deletion of orbit {}", O);
      long look = 0;
      constexpr long kLook[6] = {0, 1, 1, 0, 2, 2};  // kind 3: 4 per row
      for (const Image& im : t.img)
        look += im.kind == 3 ? 4 * std::popcount(static_cast<unsigned>(im.rmask)) : kLook[im.kind];
      t.closed = look == 0;
      const long score = t.closed ? 0 : kOccWeight[p] * look;
      if (best_score >= 0 && score >= best_score) continue;
      best_score = score;
      best_del = d;
      P.type[O] = std::move(t);
    }
    SPRIG_EXPECTS(best_score >= 0, "orbits: no decomposition for orbit {}", O);
    {
      const Del d = best_del;
      Type& t = P.type[O];
      // C[t][O'] for every 5-node orbit O' (x at one position of O').
      std::array<std::uint64_t, 73> C{};
      std::array<bool, 73> seen{};
      for (int id2 = 9; id2 < 30; ++id2)
        for (int q2 = 0; q2 < 5; ++q2) {
          const int O2 = T.g[id2].node_orbit[q2];
          if (seen[O2]) continue;
          seen[O2] = true;
          std::uint64_t c = 0;
          for (int w2 = 0; w2 < 5; ++w2) {
            if (w2 == q2) continue;
            std::array<int, 4> keep{};
            int k = 0;
            for (int i = 0; i < 5; ++i)
              if (i != w2) keep[k++] = i;
            std::array<int, 4> beta{};  // beta[i]: kept slot of deletion index i
            std::iota(beta.begin(), beta.end(), 0);
            do {
              if (keep[beta[d.px]] != q2) continue;
              bool ok = true;
              for (int i = 0; i < 4 && ok; ++i) {
                if ((d.R >> i & 1) && !has(mask5[id2], w2, keep[beta[i]])) ok = false;
                for (int j = i + 1; j < 4 && ok; ++j)
                  ok = has(d.g4, i, j) == has(mask5[id2], keep[beta[i]], keep[beta[j]]);
              }
              c += ok;
            } while (std::next_permutation(beta.begin(), beta.end()));
          }
          C[O2] = c;
        }
      t.diag = C[O];
      SPRIG_EXPECTS(t.diag > 0, "orbits: zero diagonal for orbit {}", O);
      for (int O2 = 15; O2 < 73; ++O2) {
        if (O2 == O || C[O2] == 0) continue;
        SPRIG_EXPECTS(nedges[graphlet_of[O2]] > nedges[id], "orbits: the system for orbit {} is not triangular", O);
        t.coef.emplace_back(O2, C[O2]);
      }
    }
    if (!P.type[O].closed) P.by_p[P.type[O].p].push_back(O);
  }
  for (int O = 15; O < 73; ++O) P.order.push_back(O);
  std::stable_sort(P.order.begin(), P.order.end(),
                   [&](int a, int b) { return nedges[graphlet_of[a]] > nedges[graphlet_of[b]]; });
  return P;
}

const Plan5& plan5() {
  static const Plan5 p = build_plan();
  return p;
}

// Per-thread scratch of the 5-node counter.
struct Scratch5 {
  std::vector<std::uint64_t> markx, marka, markb, markc;  // stamps: v ∈ N(x), N(a), N(b), N(c)
  std::vector<std::uint32_t> cnt;                  // |N(x) ∩ N(v)|
  std::vector<std::uint32_t> cnta;                 // |N(a) ∩ N(v)|
  std::vector<node_t> touched, toucheda;           // v with cnt[v] > 0, cnta[v] > 0
  std::vector<std::uint32_t> boff;                 // bucket offsets (by touched position)
  std::vector<std::uint32_t> bidx;                 // touched position of v
  std::vector<std::uint32_t> fill;
  std::vector<node_t> bucket;                      // N(x) ∩ N(v) of each touched v ∉ N[x]
  std::vector<node_t> ca, la;                      // N(x) ∩ N(a); N(a) \ N[x]
  std::vector<std::uint32_t> ca_tri;               // |N(a) ∩ N(b)| of each b in ca
  std::vector<std::uint32_t> la_tri;               // |N(a) ∩ N(b)| of each b in la (fast9)
  std::vector<std::uint32_t> cntca;                // |N(v) ∩ ca|
  std::vector<node_t> touchedca;
  std::vector<std::uint32_t> trix;                 // |N(x) ∩ N(v)| for v ∈ N(x) (fast9)
  std::vector<std::uint32_t> tria;                 // |N(a) ∩ N(v)| for v ∈ N(a) (fast12)
  std::vector<edge_t> ca_arc;                      // arc a→b of each b in ca
  // Row intersections of the current copy, candidates for the general lookup:
  // N(a)∩N(b), N(x)∩N(a)∩N(b), N(x)∩N(b), N(a)∩N(c).
  std::vector<node_t> lab, lxab, lxb, lac;
  std::uint64_t stamp = 0;
  explicit Scratch5(node_t n) : markx(n, 0), marka(n, 0), markb(n, 0), markc(n, 0), cnt(n, 0), cnta(n, 0), bidx(n, 0), cntca(n, 0), trix(n, 0), tria(n, 0) {}
};

bool adjacent(const Simple& s, node_t u, node_t v) {
  if (s.deg(u) > s.deg(v)) std::swap(u, v);
  const auto r = s.nb(u);
  return std::binary_search(r.begin(), r.end(), v);
}

// Arc u→v of an edge (binary search in the shorter row).
edge_t arc_of(const Simple& s, node_t u, node_t v) {
  if (s.deg(u) > s.deg(v)) std::swap(u, v);
  const auto r = s.nb(u);
  return s.off[u] + static_cast<edge_t>(std::lower_bound(r.begin(), r.end(), v) - r.begin());
}

}  // namespace

void count5_comb(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, bool one_by_one) {
  const Plan5& P = plan5();
  const node_t n = s.n;
  OrbitCounts o4;
  OrbitOptions opt4 = opt;
  opt4.max_size = 4;
  opt4.per = Per::node;
  count4(s, opt4, parallel, o4, nullptr);
  out.counts = CountMatrix::Zero(n, 73);
  out.counts.leftCols(15) = o4.counts;
  const auto tri = arc_triangles(s, parallel, opt.progress);
  std::vector<std::uint64_t> tv(n, 0);  // triangles at v
  for (node_t v = 0; v < n; ++v) {
    std::uint64_t a = 0;
    for (edge_t e = s.off[v]; e < s.off[v + 1]; ++e) a += tri[e];
    tv[v] = a / 2;
  }
  // Flattened (orbit, image) lists per 4-node orbit; which copies to enumerate;
  // whether |N(a) ∩ N(·)| is needed; whether p = 5 / 6 depend on (x, a) only
  // (then their copies are counted per (x, a), not enumerated).
  struct Entry { int O; Image im; };
  std::array<std::vector<Entry>, 15> ent;
  std::array<bool, 15> need{}, per_a{};
  bool need_cnta = false;
  for (int p = 4; p < 15; ++p) {
    per_a[p] = !one_by_one && (p == 5 || p == 6);
    for (int O : P.by_p[p])
      for (const Image& im : P.type[O].img) {
        ent[p].push_back({O, im});
        if (!((im.kind == 1 || im.kind == 2) && im.r == 1)) per_a[p] = false;
      }
    need[p] = !ent[p].empty();
    if (!need[p]) per_a[p] = false;
  }
  for (int p = 4; p < 15; ++p)
    if (need[p] && !per_a[p])
      for (const Entry& e : ent[p]) need_cnta |= e.im.kind == 5;
  // Paw copies (x, a, b, c ∈ la \ N(b)) summed per (a, b) when every quantity
  // that involves c is deg c, |N(x) ∩ N(c)| or |N(b) ∩ N(c)|.
  bool fast10 = need[10] && !one_by_one;
  for (const Entry& e : ent[10]) {
    const Image& im = e.im;
    if (!(im.rmask & 8)) continue;
    fast10 = fast10 && ((im.kind == 1 && im.r == 3) || (im.kind == 2 && im.r == 3) || im.rmask == 0b1100);
  }
  need_cnta |= fast10;
  // p = 13, 14 are emitted with x, a, b marked: general entries that all
  // contain c are evaluated by one pass over N(c) when there are several.
  std::array<bool, 15> hist3{};
  for (int p : {13, 14}) {
    int general = 0;
    bool all_c = true;
    for (const Entry& e : ent[p])
      if (e.im.kind == 3) {
        ++general;
        all_c = all_c && (e.im.rmask & 8);
      }
    hist3[p] = general >= 2 && all_c && !one_by_one;
  }
  // Path copies x–a–b–c summed per (a, b) when every quantity that involves
  // c is deg c, |N(x) ∩ N(c)|, triangles on b–c or |N(a) ∩ N(c)|.
  bool fast4 = !one_by_one;
  for (const Entry& e : ent[4]) {
    const Image& im = e.im;
    if (!(im.rmask & 8)) continue;
    fast4 = fast4 && ((im.kind == 1 && im.r == 3) || (im.kind == 2 && im.r == 3) ||
                      (im.kind == 4 && im.r == 2 && im.r2 == 3) || (im.kind == 5 && im.r2 == 3));
  }

  // Paws with x the pendant (p = 9: x–a, an edge b–c inside N(a) \ N[x])
  // are not enumerated when every quantity their equations use is one of:
  // a function of a (deg a, |N(x) ∩ N(a)|), the same function of b and of c
  // (deg, |N(x) ∩ N(·)|, triangles on a–·; images come in b ↔ c pairs), the
  // triangles on b–c, or |N(a) ∩ N(b) ∩ N(c)|. Per (x, a) these are sums over
  // b ∈ la of m_b = |N(b) ∩ la| = t_ab − |N(b) ∩ ca| (the edges of la seen
  // from one end), and two sums over the edges of la obtained as a sum over
  // all edges of N(a) (per-node precomputation) minus the edges that touch
  // N[x] — those are triangles and K4s at x, which the counter visits anyway.
  // This removes the walk over N(b) for every b ∈ N(a) outside N[x], i.e.
  // over all 3-paths from x, which dominated on graphs with hubs.
  bool fast9 = need[9] && need[14] && hist3[14];
  for (const Entry& e : ent[9]) {
    const Image& im = e.im;
    const int bc = im.rmask & 0b1100;
    if (bc == 0) {
      fast9 = fast9 && (im.kind == 1 || im.kind == 2) && im.r == 1;
    } else if (bc == 0b1100) {
      fast9 = fast9 && ((im.rmask == 0b1100 && im.kind == 4) || (im.rmask == 0b1110 && im.kind == 3));
    } else {
      const int pos = bc == 0b0100 ? 2 : 3;
      const bool ok = ((im.kind == 1 || im.kind == 2) && im.r == pos) || (im.kind == 4 && im.r == 1 && im.r2 == pos);
      const int swapped = (im.rmask & 0b0011) | (bc ^ 0b1100);
      bool partner = false;
      for (const Entry& f : ent[9]) partner = partner || (f.O == e.O && f.im.rmask == swapped && f.im.mult == im.mult);
      fast9 = fast9 && ok && partner;
    }
  }
  // Diamonds with x at a degree-2 node (p = 12: a, b ∈ N(x) adjacent, c ∈
  // N(a) ∩ N(b) \ N[x]) are summed per (a, b) instead of per c when every
  // quantity that involves c is deg c, |N(x) ∩ N(c)|, triangles on a–c or
  // b–c (sums gathered while N(b) is marked) or |N(a) ∩ N(b) ∩ N(c)|, whose
  // sum over c is 2·K4(a–b) − |N(x) ∩ N(a) ∩ N(b)| − Σ_{c ∈ N(x)∩N(a)∩N(b)}
  // |N(a) ∩ N(b) ∩ N(c)|; the last part is a K4-at-x quantity (q3 below).
  bool fast12 = need[12] && need[14] && hist3[14];
  for (const Entry& e : ent[12]) {
    const Image& im = e.im;
    if (!(im.rmask & 8)) continue;
    fast12 = fast12 && ((im.rmask == 0b1000 && im.kind == 1) || (im.rmask == 0b1001 && im.kind == 2) ||
                        (im.rmask == 0b1100 && im.kind == 4) || (im.rmask == 0b1010 && im.kind == 4) ||
                        (im.rmask == 0b1110 && im.kind == 3));
  }
  // Induced 4-cycles x–a–c–b (p = 8) are visited per (a, c) with all their
  // b at once when the quantities that involve b are deg b, |N(x) ∩ N(b)|,
  // |N(a) ∩ N(b)| or |N(a) ∩ N(b) ∩ N(c)| (the only one that needs a row
  // intersection per b; the rest are per-(a, c) constants).
  bool fast8 = need[8] && !one_by_one;
  for (const Entry& e : ent[8]) {
    const Image& im = e.im;
    if (!(im.rmask & 4)) continue;
    fast8 = fast8 && ((im.rmask == 0b0100 && im.kind == 1) || (im.rmask == 0b0101 && im.kind == 2) ||
                      (im.rmask == 0b0110 && im.kind == 5) || (im.rmask == 0b1110 && im.kind == 3));
  }
  // fast9 / fast12 need, per arc, the K4s through its edge and (fast9), per
  // node a, the sum of |N(b) ∩ N(c)| over the edges b–c inside N(a).
  std::vector<std::uint32_t> k4e;
  std::vector<std::uint64_t> t1;
  if (fast9 || fast12) {
    k4e.assign(s.tgt.size(), 0);
    t1.assign(static_cast<std::size_t>(n), 0);
    struct Marks {
      std::vector<std::uint64_t> ma, mb;
      std::vector<node_t> common;
      std::uint64_t stamp = 0;
    };
    tbb::enumerable_thread_specific<Marks> marks([n] {
      Marks m;
      m.ma.assign(static_cast<std::size_t>(n), 0);
      m.mb.assign(static_cast<std::size_t>(n), 0);
      return m;
    });
    rounds(n, parallel, opt.progress, "orbits: prepare", [&](node_t a) {
      Marks& m = marks.local();
      const std::uint64_t sa = ++m.stamp;
      for (node_t v : s.nb(a)) m.ma[v] = sa;
      std::uint64_t acc = 0;
      for (edge_t ab = s.off[a]; ab < s.off[a + 1]; ++ab) {
        const node_t b = s.tgt[ab];
        const std::uint64_t sb = ++m.stamp;
        m.common.clear();
        for (edge_t bc = s.off[b]; bc < s.off[b + 1]; ++bc) {
          const node_t c = s.tgt[bc];
          m.mb[c] = sb;
          if (m.ma[c] == sa) {
            m.common.push_back(c);
            if (c > b) acc += tri[bc];
          }
        }
        std::uint64_t e2 = 0;
        for (node_t z : m.common)
          for (node_t w : s.nb(z)) e2 += (m.ma[w] == sa && m.mb[w] == sb) ? 1 : 0;
        k4e[ab] = static_cast<std::uint32_t>(e2 / 2);
      }
      t1[a] = acc;
    });
  }

  tbb::enumerable_thread_specific<Scratch5> scratch([n] { return Scratch5(n); });
  rounds(n, parallel, opt.progress, "orbits: count", [&](node_t x) {
    const std::uint64_t d = static_cast<std::uint64_t>(s.deg(x));
    if (d == 0) return;
    Scratch5& sc = scratch.local();
    std::array<std::uint64_t, 73> F{};
    // Closed forms: R = {x}.
    for (int O = 15; O < 73; ++O) {
      const Type& t = P.type[O];
      if (!t.closed) continue;
      std::uint64_t per = 0;
      for (const Image& im : t.img) per += im.mult * (d - im.sub);
      F[O] = o4.counts(x, t.p) * per;
    }
    const std::uint64_t sx = ++sc.stamp;
    for (node_t v : s.nb(x)) sc.markx[v] = sx;
    const auto inx = [&](node_t v) { return sc.markx[v] == sx; };
    // cnt[v] = |N(x) ∩ N(v)| for every v ≠ x within distance 2.
    for (node_t a : s.nb(x))
      for (node_t v : s.nb(a))
        if (v != x && sc.cnt[v]++ == 0) sc.touched.push_back(v);
    std::uint64_t q3 = 0;  // fast9 / fast12: Σ over K4s {x, a, b, c} of |N(a) ∩ N(b) ∩ N(c)|
    if (fast9)
      for (edge_t xv = s.off[x]; xv < s.off[x + 1]; ++xv) sc.trix[s.tgt[xv]] = tri[xv];
    std::int64_t q = 0;  // Σ_{b ∈ N(x)} (deg b − 1 − |N(x) ∩ N(b)|)
    for (node_t b : s.nb(x)) q += static_cast<std::int64_t>(s.deg(b)) - 1 - sc.cnt[b];

    std::array<node_t, 4> nd{};
    // Stamps of the rows marked for positions 0..3 of the current copy (0: not marked).
    std::array<std::uint64_t, 4> pst{sx, 0, 0, 0};
    std::array<const std::uint64_t*, 4> pmark{sc.markx.data(), sc.marka.data(), sc.markb.data(), sc.markc.data()};
    // Which candidate lists are valid for the current copy: bit i set = the
    // list's rows are those of positions i (lab 0b0110, lxab 0b0111, lxb
    // 0b0101, lac 0b1010, ca 0b0011); a list is valid when all its bits are.
    int lists = 0;
    const auto look = [&](const Image& im) -> std::uint64_t {
      switch (im.kind) {
        case 1: return static_cast<std::uint64_t>(s.deg(nd[im.r])) - im.sub;
        case 2: return static_cast<std::uint64_t>(sc.cnt[nd[im.r]]) - im.sub;
        case 4: return static_cast<std::uint64_t>(tri[arc_of(s, nd[im.r], nd[im.r2])]) - im.sub;
        case 5: return static_cast<std::uint64_t>(sc.cnta[nd[im.r2]]) - im.sub;
        default: break;
      }
      // General: iterate the shortest candidate list — a row of R, or an
      // intersection of rows of R built by the loops — and test the members
      // of R it does not cover (marked rows in O(1), others by binary search).
      std::span<const node_t> cand;
      int cover = 0;
      for (int i = 0; i < 4; ++i) {
        if (!(im.rmask >> i & 1)) continue;
        const auto r = s.nb(nd[i]);
        if (cover == 0 || r.size() < cand.size() || (r.size() == cand.size() && pst[i] == 0)) {
          cand = r;
          cover = 1 << i;
        }
      }
      const auto consider = [&](int cm, const std::vector<node_t>& l) {
        if ((lists & cm) == cm && (cm & ~im.rmask) == 0 && (cm >> 4) == 0 && l.size() < cand.size()) {
          cand = l;
          cover = cm;
        }
      };
      if (lists) {
        consider(0b0110, sc.lab);
        consider(0b0111, sc.lxab);
        consider(0b0101, sc.lxb);
        consider(0b1010, sc.lac);
        consider(0b0011, sc.ca);
      }
      std::uint64_t c = 0;
      const int rest = im.rmask & ~cover;
      for (node_t u : cand) {
        bool ok = true;
        for (int i = 0; i < 4 && ok; ++i) {
          if (!(rest >> i & 1)) continue;
          ok = pst[i] ? pmark[i][u] == pst[i] : adjacent(s, u, nd[i]);
        }
        c += ok;
      }
      return c - im.sub;
    };
    const auto emit = [&](int p, node_t a, node_t b, node_t c) {
      nd = {x, a, b, c};
      if (hist3[p]) {
        // Rows of x, a, b are marked: one pass over N(c) classifies each
        // neighbour by which of them it is adjacent to; every general entry
        // (R ∋ c) is then a sum of those classes.
        std::array<std::uint64_t, 8> h{};
        for (node_t u : s.nb(c))
          ++h[(sc.markx[u] == pst[0] ? 1 : 0) | (sc.marka[u] == pst[1] ? 2 : 0) | (sc.markb[u] == pst[2] ? 4 : 0)];
        if (p == 14 && (fast9 || fast12)) q3 += h[6] + h[7];
        for (const Entry& e : ent[p]) {
          if (e.im.kind != 3) {
            F[e.O] += e.im.mult * look(e.im);
            continue;
          }
          const int need_bits = e.im.rmask & 7;
          std::uint64_t v = 0;
          for (int m = 0; m < 8; ++m)
            if ((m & need_bits) == need_bits) v += h[m];
          F[e.O] += e.im.mult * (v - e.im.sub);
        }
        return;
      }
      for (const Entry& e : ent[p]) F[e.O] += e.im.mult * look(e.im);
    };
    // Copies of p counted per (x, a): `copies` of them, each with the same value.
    const auto emit_per_a = [&](int p, node_t a, std::int64_t copies) {
      nd = {x, a, a, a};
      for (const Entry& e : ent[p]) F[e.O] += static_cast<std::uint64_t>(copies) * e.im.mult * look(e.im);
    };

    if (need[8]) {
      // Buckets: for each v ∉ N[x] at distance 2, its common neighbours with x.
      std::uint32_t tot = 0;
      sc.boff.clear();
      for (std::size_t i = 0; i < sc.touched.size(); ++i) {
        const node_t v = sc.touched[i];
        sc.bidx[v] = static_cast<std::uint32_t>(i);
        sc.boff.push_back(tot);
        if (!inx(v)) tot += sc.cnt[v];
      }
      sc.boff.push_back(tot);
      sc.bucket.resize(tot);
      sc.fill.assign(sc.boff.begin(), sc.boff.end() - 1);
      for (node_t a : s.nb(x))
        for (node_t v : s.nb(a))
          if (v != x && !inx(v)) sc.bucket[sc.fill[sc.bidx[v]]++] = a;
    }
    if (need[7]) {
      const auto r = s.nb(x);
      for (std::size_t i = 0; i < r.size(); ++i)
        for (std::size_t j = i + 1; j < r.size(); ++j) {
          if (adjacent(s, r[i], r[j])) continue;
          for (std::size_t k = j + 1; k < r.size(); ++k)
            if (!adjacent(s, r[i], r[k]) && !adjacent(s, r[j], r[k])) emit(7, r[i], r[j], r[k]);
        }
    }
    for (edge_t xa = s.off[x]; xa < s.off[x + 1]; ++xa) {
      const node_t a = s.tgt[xa];
      const std::uint64_t sa = ++sc.stamp;
      for (node_t v : s.nb(a)) sc.marka[v] = sa;
      const auto ina = [&](node_t v) { return sc.marka[v] == sa; };
      pst[1] = sa;
      sc.ca.clear();
      sc.la.clear();
      sc.ca_tri.clear();
      sc.la_tri.clear();
      sc.ca_arc.clear();
      if (fast12)
        for (edge_t av = s.off[a]; av < s.off[a + 1]; ++av) sc.tria[s.tgt[av]] = tri[av];
      std::uint64_t k4_ca = 0, trix_ca = 0;  // fast9: Σ_{b∈ca} K4s on a–b; Σ_{b∈ca} t_xb
      std::int64_t sum_ca = 0, sum_la = 0;  // Σ_{b∈ca} (deg b − 1 − cnt b − t_ab + 1); Σ_{c∈la} (cnt c − 1)
      for (edge_t ab = s.off[a]; ab < s.off[a + 1]; ++ab) {
        const node_t v = s.tgt[ab];
        if (inx(v)) {
          sc.ca.push_back(v);
          sc.ca_tri.push_back(tri[ab]);
          sc.ca_arc.push_back(ab);
          sum_ca += static_cast<std::int64_t>(s.deg(v)) - 1 - sc.cnt[v] - (static_cast<std::int64_t>(tri[ab]) - 1);
          if (fast9) {
            k4_ca += k4e[ab];
            trix_ca += sc.trix[v];
          }
        } else if (v != x) {
          sc.la.push_back(v);
          if (fast9) sc.la_tri.push_back(tri[ab]);
          sum_la += static_cast<std::int64_t>(sc.cnt[v]) - 1;
        }
      }
      const auto& ca = sc.ca;
      const auto& la = sc.la;
      lists = 0b0011;
      std::uint64_t sla_deg = 0, sla_cnt = 0;
      if (fast10 || fast9) {
        for (node_t c : la) {
          sla_deg += static_cast<std::uint64_t>(s.deg(c));
          sla_cnt += sc.cnt[c];
        }
        for (node_t c : ca)
          for (node_t v : s.nb(c))
            if (sc.cntca[v]++ == 0) sc.touchedca.push_back(v);
      }
      // Marks N(b) and builds N(a)∩N(b), N(x)∩N(a)∩N(b), N(x)∩N(b).
      // fast9, b ∈ ca: Σ t_bc over c ∈ N(a) ∩ N(b) \ N[x] (tri_out) and over c ∈ N(a) ∩ N(b) ∩ N(x) (tri_in).
      std::uint64_t tri_out = 0, tri_in = 0;
      // fast12, b ∈ ca: over c ∈ N(a) ∩ N(b) \ N[x], their number and Σ deg c, |N(x) ∩ N(c)|, t_bc, t_ac.
      std::uint64_t c12 = 0, c12_deg = 0, c12_cnt = 0, c12_tb = 0, c12_ta = 0;
      const auto mark_b = [&](node_t b, std::uint64_t sb) {
        sc.lab.clear();
        sc.lxab.clear();
        sc.lxb.clear();
        c12 = c12_deg = c12_cnt = c12_tb = c12_ta = 0;
        for (edge_t bu = s.off[b]; bu < s.off[b + 1]; ++bu) {
          const node_t v = s.tgt[bu];
          sc.markb[v] = sb;
          const bool vx = inx(v), va = ina(v);
          if (va) {
            sc.lab.push_back(v);
            if (fast9 && v != x) (vx ? tri_in : tri_out) += tri[bu];
            if (fast12 && !vx && v != x) {
              ++c12;
              c12_deg += static_cast<std::uint64_t>(s.deg(v));
              c12_cnt += sc.cnt[v];
              c12_tb += tri[bu];
              c12_ta += sc.tria[v];
            }
          }
          if (vx) sc.lxb.push_back(v);
          if (vx && va) sc.lxab.push_back(v);
        }
      };
      if (need_cnta)
        for (node_t b : s.nb(a))
          for (node_t v : s.nb(b))
            if (v != a && sc.cnta[v]++ == 0) sc.toucheda.push_back(v);
      std::int64_t eca = 0;  // edges among ca (K4s through x–a)
      for (std::size_t i = 0; i < ca.size(); ++i) {
        const node_t b = ca[i];
        const std::uint64_t sb = ++sc.stamp;
        mark_b(b, sb);
        const auto inb = [&](node_t v) { return sc.markb[v] == sb; };
        pst[2] = sb;
        lists = 0b0111;
        for (std::size_t j = i + 1; j < ca.size(); ++j) {
          const node_t c = ca[j];
          if (inb(c)) {
            ++eca;
            if (need[14] && b > a) emit(14, a, b, c);
          } else if (need[13]) {
            emit(13, a, b, c);
          }
        }
        if (need[12] && b > a && fast12) {
          nd = {x, a, b, b};
          const std::uint64_t q = 2 * static_cast<std::uint64_t>(k4e[sc.ca_arc[i]]) - sc.lxab.size();
          for (const Entry& e : ent[12]) {
            const Image& im = e.im;
            std::uint64_t v = 0;
            switch (im.rmask) {
              case 0b1000: v = c12_deg; break;
              case 0b1001: v = c12_cnt; break;
              case 0b1100: v = c12_tb; break;
              case 0b1010: v = c12_ta; break;
              case 0b1110: v = q; break;
              default: v = c12 * look(im); break;
            }
            if (im.rmask & 8) v -= c12 * im.sub;
            F[e.O] += im.mult * v;
          }
        } else if (need[12] && b > a)  // c ∈ N(a) ∩ N(b) \ N[x]
          for (node_t c : sc.lab)
            if (c != x && !inx(c)) emit(12, a, b, c);
        if (need[11] && b > a)
          for (node_t c : s.nb(x))
            if (c != a && c != b && !ina(c) && !inb(c)) emit(11, a, b, c);
        if (need[10] && fast10) {
          // Ends c ∈ la \ N(b): totals over la minus the part in N(b).
          std::uint64_t m = 0, sdeg = 0, scnt = 0, stri = 0, sg = 0;
          for (edge_t bu = s.off[b]; bu < s.off[b + 1]; ++bu) {
            const node_t u = s.tgt[bu];
            if (u == a) {
              sg += la.size();
              continue;
            }
            if (u == x) continue;
            // |N(u) ∩ la| = |N(u) ∩ N(a)| − |N(u) ∩ ca| − [u ∈ N(x)]
            sg += sc.cnta[u] - sc.cntca[u] - (inx(u) ? 1u : 0u);
            if (ina(u) && !inx(u)) {
              ++m;
              sdeg += static_cast<std::uint64_t>(s.deg(u));
              scnt += sc.cnt[u];
              stri += tri[bu];
            }
          }
          const std::uint64_t k = la.size() - m;
          if (k > 0) {
            nd = {x, a, b, b};
            for (const Entry& e : ent[10]) {
              const Image& im = e.im;
              std::uint64_t v = 0;
              if (!(im.rmask & 8)) v = k * look(im);
              else if (im.kind == 1) v = (sla_deg - sdeg) - k * im.sub;
              else if (im.kind == 2) v = (sla_cnt - scnt) - k * im.sub;
              else v = (sg - stri) - k * im.sub;
              F[e.O] += im.mult * v;
            }
          }
        } else if (need[10]) {
          for (node_t c : la)
            if (!inb(c)) emit(10, a, b, c);
        }
      }
      pst[2] = 0;
      lists = 0b0011;
      if (need[9] && fast9) {
        // Sums over the edges b–c of la (see fast9 above).
        std::uint64_t m2 = 0, sdeg = 0, stri = 0, scnt = 0;
        for (std::size_t i = 0; i < la.size(); ++i) {
          const node_t b = la[i];
          const std::uint64_t mb = static_cast<std::uint64_t>(sc.la_tri[i]) - sc.cntca[b];
          m2 += mb;
          sdeg += mb * static_cast<std::uint64_t>(s.deg(b));
          stri += mb * sc.la_tri[i];
          scnt += mb * sc.cnt[b];
        }
        const std::uint64_t m = m2 / 2;  // copies (edges inside la)
        // Σ over edges of la of t_bc: all edges of N(a), less those at x and those touching ca.
        const std::uint64_t tb = t1[a] - trix_ca - tri_out - tri_in / 2;
        // Σ over edges of la of |N(a) ∩ N(b) ∩ N(c)| = Σ over K4s at a of C(k, 2), k = its
        // other nodes outside N[x]: 3·K4(a) − 2·Σ_K4 j + Σ_K4 C(j, 2), j = 3 − k; the last
        // sum's part inside ca is added per x (q3).
        const std::uint64_t qb = 3 * o4.counts(a, 14) - 2 * (k4e[xa] + k4_ca) + 2 * static_cast<std::uint64_t>(eca);
        if (m > 0 || qb != 0) {
          nd = {x, a, a, a};
          for (const Entry& e : ent[9]) {
            const Image& im = e.im;
            const int bc = im.rmask & 0b1100;
            std::uint64_t v = 0;
            if (bc == 0) {
              v = m * look(im);
            } else if (bc == 0b1100) {
              v = (im.kind == 4 ? tb : qb) - m * im.sub;
            } else {
              const std::uint64_t sum = im.kind == 1 ? sdeg : im.kind == 2 ? scnt : stri;
              v = (bc == 0b0100 ? sum : 0) - m * im.sub;  // the b ↔ c partner image adds nothing
            }
            F[e.O] += im.mult * v;
          }
        }
      } else if (need[9]) {
        for (node_t b : la) {
          const std::uint64_t sb = ++sc.stamp;
          mark_b(b, sb);
          pst[2] = sb;
          lists = 0b0111;
          for (node_t c : s.nb(b))
            if (c > b && ina(c) && !inx(c) && c != x) emit(9, a, b, c);
        }
      }
      pst[2] = 0;
      lists = 0b0011;
      if (need[8])
        for (node_t c : la) {
          if (fast8) {
            // All b of (a, c) at once: b ∈ N(x) ∩ N(c) (c's bucket, sorted), b > a, b ∉ N(a).
            const std::uint32_t bi = sc.bidx[c];
            const node_t* const b1 = sc.bucket.data() + sc.boff[bi + 1];
            const node_t* const first = std::upper_bound(static_cast<const node_t*>(sc.bucket.data() + sc.boff[bi]), b1, a);
            std::uint64_t k = 0, sdeg = 0, scnt = 0, scna = 0, sq = 0;
            for (const node_t* u = first; u != b1; ++u) {
              const node_t b = *u;
              if (ina(b)) continue;
              ++k;
              sdeg += static_cast<std::uint64_t>(s.deg(b));
              scnt += sc.cnt[b];
              scna += sc.cnta[b];
            }
            if (k == 0) continue;
            const std::uint64_t s3 = ++sc.stamp;
            sc.lac.clear();
            for (node_t v : s.nb(c)) {
              sc.markc[v] = s3;
              if (ina(v)) sc.lac.push_back(v);
            }
            // |N(b) ∩ N(a) ∩ N(c)| per b: the shorter of N(b) (rows a, c marked)
            // and N(a) ∩ N(c) (binary search in N(b)).
            for (const node_t* u = first; u != b1; ++u) {
              const node_t b = *u;
              if (ina(b)) continue;
              const auto rb = s.nb(b);
              if (rb.size() <= 8 * sc.lac.size()) {
                for (node_t w : rb) sq += (sc.marka[w] == sa && sc.markc[w] == s3) ? 1 : 0;
              } else {
                for (node_t w : sc.lac) sq += std::binary_search(rb.begin(), rb.end(), w) ? 1 : 0;
              }
            }
            pst[3] = s3;
            lists = 0b1011;
            nd = {x, a, a, c};
            for (const Entry& e : ent[8]) {
              const Image& im = e.im;
              std::uint64_t v = 0;
              switch (im.rmask & 4 ? im.rmask : 0) {
                case 0b0100: v = sdeg; break;
                case 0b0101: v = scnt; break;
                case 0b0110: v = scna; break;
                case 0b1110: v = sq; break;
                default: v = k * look(im); break;
              }
              if (im.rmask & 4) v -= k * im.sub;
              F[e.O] += im.mult * v;
            }
            continue;
          }
          const std::uint64_t s3 = ++sc.stamp;
          sc.lac.clear();
          for (node_t v : s.nb(c)) {
            sc.markc[v] = s3;
            if (ina(v)) sc.lac.push_back(v);
          }
          pst[3] = s3;
          lists = 0b1011;
          const std::uint32_t i = sc.bidx[c];
          for (std::uint32_t u = sc.boff[i]; u < sc.boff[i + 1]; ++u) {
            const node_t b = sc.bucket[u];
            if (b > a && !ina(b)) emit(8, a, b, c);
          }
        }
      pst[3] = 0;
      lists = 0b0011;
      if (need[6]) {
        if (per_a[6]) {
          // Independent pairs in la: C(|la|, 2) − edges among N(a) \ N[x].
          std::int64_t tri_ca = 0;
          for (std::uint32_t t : sc.ca_tri) tri_ca += static_cast<std::int64_t>(t) - 1;
          const auto nla = static_cast<std::int64_t>(la.size());
          const std::int64_t ela = static_cast<std::int64_t>(tv[a]) - static_cast<std::int64_t>(ca.size()) - tri_ca + eca;
          emit_per_a(6, a, nla * (nla - 1) / 2 - ela);
        } else {
          for (std::size_t i = 0; i < la.size(); ++i) {
            const std::uint64_t sb = ++sc.stamp;
            for (node_t v : s.nb(la[i])) sc.markb[v] = sb;
            for (std::size_t j = i + 1; j < la.size(); ++j)
              if (sc.markb[la[j]] != sb) emit(6, a, la[i], la[j]);
          }
        }
      }
      if (need[5]) {
        if (per_a[5]) {
          // Induced paths a–x–b–c: Σ_{b ∈ N(x) \ N[a]} |N(b) \ (N[x] ∪ N(a))|.
          const std::int64_t copies = q - (static_cast<std::int64_t>(s.deg(a)) - 1 - sc.cnt[a]) - sum_ca - sum_la - 2 * eca;
          emit_per_a(5, a, copies);
        } else {
          for (node_t b : s.nb(x)) {
            if (b == a || ina(b)) continue;
            for (node_t c : s.nb(b))
              if (c != x && !inx(c) && !ina(c)) emit(5, a, b, c);
          }
        }
      }
      if (need[4] && fast4) {
        // Induced paths x–a–b–c: per (a, b), the number of ends c and the sums
        // over them of the few per-c quantities the equations use.
        for (node_t b : la) {
          std::uint64_t k = 0, sdeg = 0, stri = 0, scnt = 0, scna = 0;
          for (edge_t bc = s.off[b]; bc < s.off[b + 1]; ++bc) {
            const node_t c = s.tgt[bc];
            if (c == a || c == x || inx(c) || ina(c)) continue;
            ++k;
            sdeg += static_cast<std::uint64_t>(s.deg(c));
            stri += tri[bc];
            scnt += sc.cnt[c];
            scna += sc.cnta[c];
          }
          if (k == 0) continue;
          nd = {x, a, b, b};
          for (const Entry& e : ent[4]) {
            const Image& im = e.im;
            std::uint64_t v = 0;
            if (!(im.rmask & 8)) v = k * look(im);
            else if (im.kind == 1) v = sdeg - k * im.sub;
            else if (im.kind == 2) v = scnt - k * im.sub;
            else if (im.kind == 4) v = stri - k * im.sub;
            else v = scna - k * im.sub;
            F[e.O] += im.mult * v;
          }
        }
      } else if (need[4]) {
        for (node_t b : la)
          for (node_t c : s.nb(b))
            if (c != a && c != x && !inx(c) && !ina(c)) emit(4, a, b, c);
      }
      pst[1] = 0;
      lists = 0;
      for (node_t v : sc.touchedca) sc.cntca[v] = 0;
      sc.touchedca.clear();
      if (need_cnta) {
        for (node_t v : sc.toucheda) sc.cnta[v] = 0;
        sc.toucheda.clear();
      }
    }
    for (node_t v : sc.touched) sc.cnt[v] = 0;
    sc.touched.clear();

    if (fast9)  // the K4 part of the |N(a) ∩ N(b) ∩ N(c)| sums: each K4 at x serves three a
      for (const Entry& e : ent[9])
        if (e.im.rmask == 0b1110) F[e.O] += e.im.mult * 3 * q3;
    if (fast12)  // ... and three pairs (a, b)
      for (const Entry& e : ent[12])
        if (e.im.rmask == 0b1110) F[e.O] -= e.im.mult * 3 * q3;
    std::array<std::uint64_t, 73> orb{};
    for (int O : P.order) {
      const Type& t = P.type[O];
      std::uint64_t v = F[O];
      for (auto [O2, c] : t.coef) v -= c * orb[O2];
      orb[O] = v / t.diag;
    }
    for (int O = 15; O < 73; ++O) out.counts(x, O) = orb[O];
  });
}

void count5(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix) {
  if (opt.per == Per::node)
    count5_comb(s, opt, parallel, out);
  else
    count5_enum(s, opt, parallel, out, ix);
}

}  // namespace sprig::detail::orbits
