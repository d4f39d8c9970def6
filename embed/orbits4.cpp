// 4-node graphlet orbit counts (see orbits.hpp, orbits_detail.hpp): per node
// / per edge, 15 (12) non-induced counts N from degrees, triangles per edge,
// 4-cycles, triangle-adjacent sums and K4s, then the induced counts from
// N = C·O (ORCA's scheme, Hočevar & Demšar 2014).
//
// What differs from ORCA is how N is gathered. The graph is relabelled by
// degree (id 0 = largest degree) so that every row is sorted by rank, and
// each pattern is enumerated once from one chosen vertex instead of once per
// node:
//  * triangles and K4s along the degree orientation (Chiba & Nishizeki 1985;
//    Latapy 2008): from each node only its higher-degree neighbours ("out",
//    the prefix of its row), at most √(2m) of them, are expanded;
//  * 4-cycles from their highest-degree vertex u through wedges u–v–w with v
//    and w of lower degree (the vertex-local rectangle counting of
//    Sanei-Mehri, Sariyüce & Tirthapura 2018 / Wang et al. 2019), so a hub is
//    never the middle of an expanded wedge: O(Σ_{uv} min(d_u, d_v)) instead
//    of ORCA's O(Σ_v d_v²);
//  * the sums that need a triangle's third edge (node orbit 12, edge orbits
//    7 and 9) are pushed from each triangle to its three corners or edges in
//    a second pass, once the triangle count of every edge is known.
// Per-node and per-edge sums are added into per-thread integer arrays and
// summed afterwards: integer addition is order-free, so the counts are the
// same for any thread count. The rest of N comes from per-arc sums of
// degrees and triangle counts. Results are written back at the caller's ids
// (node mode) or to the edge rows of EdgeIndex (edge mode).
#include <sprig/embed/orbits.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include <tbb/enumerable_thread_specific.h>

#include <sprig/embed/orbits_detail.hpp>

namespace sprig::detail::orbits {
namespace {

// Runs body(v) for v in [0, n), in parallel unless `parallel` is false, in a
// few rounds (more for bigger graphs) with a progress report after each.
// Small graphs take one round: a TBB fork-join costs microseconds, which the
// batch API (thousands of small graphs) and polblogs-size graphs notice.
template <class Fn>
void sweep(node_t n, std::uint64_t arcs, bool parallel, const ProgressFn& progress, std::string_view stage,
           std::uint64_t done0, std::uint64_t total, Fn&& body) {
  const std::int64_t r = std::clamp<std::int64_t>(static_cast<std::int64_t>(arcs >> 17), 1, 32);
  const std::int64_t step = std::max<std::int64_t>(1, (static_cast<std::int64_t>(n) + r - 1) / r);
  for (std::int64_t b = 0; b < n; b += step) {
    const auto e = static_cast<node_t>(std::min<std::int64_t>(n, b + step));
    if (parallel)
      tbb::parallel_for(tbb::blocked_range<node_t>(static_cast<node_t>(b), e, 16),
                        [&](const tbb::blocked_range<node_t>& rg) {
                          for (node_t v = rg.begin(); v != rg.end(); ++v) body(v);
                        });
    else
      for (auto v = static_cast<node_t>(b); v < e; ++v) body(v);
    report(progress, stage, done0 + static_cast<std::uint64_t>(e), total);
  }
}

// N = C·O with the zero coefficients dropped: C is 15×15 (12×12) but has few
// nonzeros off the diagonal, and the solve runs once per node (edge).
template <std::size_t K>
struct SparseSystem {
  std::array<std::uint8_t, K> order{};
  std::array<std::uint16_t, K + 1> start{};
  std::array<std::uint8_t, K * K> col{};
  std::array<std::uint64_t, K * K> coef{};
  SparseSystem(const std::array<std::array<std::uint64_t, K>, K>& C, const std::vector<int>& ord) {
    std::size_t t = 0;
    for (std::size_t i = 0; i < K; ++i) {
      const int o = ord[i];
      order[i] = static_cast<std::uint8_t>(o);
      start[i] = static_cast<std::uint16_t>(t);
      for (std::size_t o2 = 0; o2 < K; ++o2)
        if (static_cast<int>(o2) != o && C[o][o2] != 0) {
          col[t] = static_cast<std::uint8_t>(o2);
          coef[t++] = C[o][o2];
        }
    }
    start[K] = static_cast<std::uint16_t>(t);
  }
  // Same arithmetic as solve() in orbits_detail.hpp (exact mod 2^64).
  void solve(std::array<std::uint64_t, K>& N) const {
    for (std::size_t i = 0; i < K; ++i) {
      std::uint64_t v = N[order[i]];
      for (std::size_t t = start[i]; t < start[i + 1]; ++t) v -= coef[t] * N[col[t]];
      N[order[i]] = v;
    }
  }
};

const SparseSystem<15>& node_system() {
  static const SparseSystem<15> s(tables().cn, tables().node_order);
  return s;
}
const SparseSystem<12>& edge_system() {
  static const SparseSystem<12> s(tables().ce, tables().edge_order);
  return s;
}

// The degree-ordered copy: new id 0 has the largest degree (ties: smaller
// caller id first), rows sorted ascending, so the neighbours of higher degree
// ("out") are the prefix [off[v], off[v] + out[v]). Edges are numbered
// 0..m−1 in (a, b) order of new ids a < b; eid[p] is the edge of arc p (both
// arcs of an edge share it). E: the edge-id type (32-bit when m allows).
template <class E>
struct Ranked {
  node_t n = 0;
  std::vector<node_t> perm;  // new → caller id
  std::vector<edge_t> off;
  std::vector<node_t> tgt;
  std::vector<E> eid;
  std::vector<node_t> out;  // number of neighbours with a smaller new id
  std::vector<std::int64_t> erow;  // edge mode: edge → row of EdgeIndex
  E m = 0;
  std::int64_t deg(node_t v) const { return off[v + 1] - off[v]; }
};

template <class E>
Ranked<E> rank_by_degree(const Simple& s, const EdgeIndex* ix) {
  Ranked<E> R;
  const node_t n = s.n;
  R.n = n;
  // Counting sort by degree, descending, stable in caller ids.
  edge_t dmax = 0;
  for (node_t v = 0; v < n; ++v) dmax = std::max(dmax, s.deg(v));
  std::vector<node_t> start(static_cast<std::size_t>(dmax) + 2, 0);
  for (node_t v = 0; v < n; ++v) ++start[static_cast<std::size_t>(dmax - s.deg(v)) + 1];
  for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  R.perm.resize(n);
  std::vector<node_t> inv(n);
  for (node_t v = 0; v < n; ++v) {
    const node_t a = start[static_cast<std::size_t>(dmax - s.deg(v))]++;
    R.perm[a] = v;
    inv[v] = a;
  }
  R.off.assign(static_cast<std::size_t>(n) + 1, 0);
  for (node_t a = 0; a < n; ++a) R.off[a + 1] = R.off[a] + s.deg(R.perm[a]);
  // Transpose fill: visiting c in increasing new id and appending c to the
  // row of each neighbour leaves every row sorted without a sort.
  const auto arcs = static_cast<std::size_t>(R.off[n]);
  R.tgt.resize(arcs);
  R.out.assign(n, 0);
  std::vector<edge_t> pos(R.off.begin(), R.off.end() - 1);
  const bool edges = ix != nullptr;
  std::vector<edge_t> oldarc(edges ? arcs : 0);
  for (node_t c = 0; c < n; ++c) {
    const node_t u = R.perm[c];
    for (edge_t o = s.off[u]; o < s.off[u + 1]; ++o) {
      const node_t a = inv[s.tgt[o]];
      const edge_t p = pos[a]++;
      R.tgt[p] = c;
      if (c < a) ++R.out[a];
      if (edges) oldarc[p] = o;
    }
  }
  // Edge ids: edge (a, b), a < b, is arc p of row a's suffix; its twin is the
  // next unfilled slot of row b's prefix (row b lists a's in increasing order).
  R.eid.resize(arcs);
  std::vector<node_t> fill(n, 0);
  if (edges) R.erow.resize(arcs / 2);
  E k = 0;
  for (node_t a = 0; a < n; ++a)
    for (edge_t p = R.off[a] + R.out[a]; p < R.off[a + 1]; ++p) {
      const node_t b = R.tgt[p];
      R.eid[p] = k;
      R.eid[R.off[b] + fill[b]++] = k;
      if (edges) R.erow[k] = ix->arc_row[oldarc[p]];
      ++k;
    }
  R.m = k;
  return R;
}

// dst[i] += src[i] (same sizes), in parallel blocks when allowed.
template <class T>
void add_into(std::vector<T>& dst, const std::vector<T>& src, bool parallel) {
  const auto body = [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) dst[i] += src[i];
  };
  if (parallel && dst.size() > (1u << 16))
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, dst.size(), 1u << 14),
                      [&](const tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); });
  else
    body(0, dst.size());
}

// Per-thread state: marks and counters over nodes, and the per-thread partial
// sums that are added together after each pass.
template <class E>
struct Local {
  std::vector<E> mark_u;              // out(u): edge id + 1 (pass 1), position + 1 (pass 2)
  std::vector<std::uint32_t> cnt;     // wedge counts u–·–w
  std::vector<node_t> touched;
  struct Sub {
    std::uint32_t j;  // position of w in out(u)
    E e_vw;
  };
  std::vector<std::uint32_t> sub_off, lmark;  // pass 2: restricted rows, marks by position
  std::vector<Sub> sub;
  std::vector<std::uint64_t> acc_a, acc_b, acc_d;  // pass 2: sums by position in out(u)
  std::vector<std::uint32_t> tri;  // per edge
  // node mode: per node; edge mode: per edge
  std::vector<std::uint64_t> c4, n12, k4, e7, e9;
};

template <class E>
void count4_ranked(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix) {
  const auto& SN = node_system();
  const auto& SE = edge_system();
  const bool edge_mode = opt.per == Per::edge;
  const Ranked<E> R = rank_by_degree<E>(s, edge_mode ? ix : nullptr);
  const node_t n = R.n;
  const auto m = static_cast<std::size_t>(R.m);
  const std::uint64_t arcs = static_cast<std::uint64_t>(R.off[n]);
  // Progress: prepare = triangles; count = the triangle pass and the 4-cycle
  // pass (2n); solve = the per-row equations.
  const std::size_t slots = edge_mode ? m : static_cast<std::size_t>(n);
  tbb::enumerable_thread_specific<Local<E>> locals([&] {
    Local<E> l;
    l.mark_u.assign(n, 0);
    l.cnt.assign(n, 0);
    return l;
  });
  const node_t* tgt = R.tgt.data();
  const E* eid = R.eid.data();
  const edge_t* off = R.off.data();
  const node_t* outd = R.out.data();

  // Pass 1: triangles per edge. Triangle w < v < u is found once, at u.
  sweep(n, arcs, parallel, opt.progress, "orbits: prepare", 0, static_cast<std::uint64_t>(n), [&](node_t u) {
    const edge_t b = off[u], e = b + outd[u];
    if (e - b < 2) return;
    Local<E>& L = locals.local();
    if (L.tri.empty()) L.tri.assign(m, 0);
    E* mark = L.mark_u.data();
    std::uint32_t* tri = L.tri.data();
    for (edge_t p = b; p < e; ++p) mark[tgt[p]] = eid[p] + 1;
    for (edge_t p = b + 1; p < e; ++p) {
      const node_t v = tgt[p];
      const E e_uv = eid[p];
      std::uint32_t c = 0;
      for (edge_t q = off[v], qe = off[v] + outd[v]; q < qe; ++q)
        if (const E mu = mark[tgt[q]]) {
          ++c;
          ++tri[eid[q]];
          ++tri[mu - 1];
        }
      tri[e_uv] += c;
    }
    for (edge_t p = b; p < e; ++p) mark[tgt[p]] = 0;
  });
  std::vector<std::uint32_t> tri;
  for (Local<E>& L : locals) {
    if (L.tri.empty()) continue;
    if (tri.empty()) {
      tri.swap(L.tri);
    } else {
      add_into(tri, L.tri, parallel);
      std::vector<std::uint32_t>().swap(L.tri);
    }
  }
  if (tri.empty()) tri.assign(m, 0);
  const std::uint32_t* tr = tri.data();

  // Triangles at each node and Σ_{y∈N(v)} (deg y − 1).
  std::vector<std::uint64_t> t(n), sdeg(n);
  const auto per_node = [&](node_t v) {
    std::uint64_t a = 0, d = 0;
    for (edge_t p = off[v]; p < off[v + 1]; ++p) {
      a += tr[eid[p]];
      d += static_cast<std::uint64_t>(off[tgt[p] + 1] - off[tgt[p]] - 1);
    }
    t[v] = a / 2;
    sdeg[v] = d;
  };
  if (parallel)
    tbb::parallel_for(tbb::blocked_range<node_t>(0, n, 256), [&](const tbb::blocked_range<node_t>& rg) {
      for (node_t v = rg.begin(); v != rg.end(); ++v) per_node(v);
    });
  else
    for (node_t v = 0; v < n; ++v) per_node(v);

  const std::uint64_t count_total = 2 * static_cast<std::uint64_t>(n);
  const auto deg = [&](node_t v) { return static_cast<std::uint64_t>(off[v + 1] - off[v]); };
  const auto ensure = [&](Local<E>& L) {
    if (!L.c4.empty()) return;
    L.c4.assign(slots, 0);
    L.k4.assign(slots, 0);
    if (edge_mode) {
      L.e7.assign(slots, 0);
      L.e9.assign(slots, 0);
    } else {
      L.n12.assign(slots, 0);
    }
  };

  // Pass 2: every triangle w < v < u again, now with the triangle counts of
  // its edges, and the K4s x < w < v < u. For each u the out-neighbourhood
  // is first restricted to itself: row i (the i-th out-neighbour v) lists the
  // positions j of the common out-neighbours w of u and v (the triangles on
  // u–v), so a K4 is a j in row i and an l in both row j and row i — all
  // inside arrays of size out(u) ≤ √(2m) instead of the global rows (the
  // per-vertex subgraph of kClist, Danisch, Balalau & Sozio 2018). Sums for
  // u's own edges and out-neighbours are gathered by position and pushed once.
  sweep(n, arcs, parallel, opt.progress, "orbits: count", 0, count_total, [&](node_t u) {
    const edge_t b = off[u];
    const auto k = static_cast<std::uint32_t>(outd[u]);
    if (k < 2) return;
    Local<E>& L = locals.local();
    ensure(L);
    E* mark = L.mark_u.data();
    auto& so = L.sub_off;
    auto& sub = L.sub;
    for (std::uint32_t i = 0; i < k; ++i) mark[tgt[b + i]] = static_cast<E>(i + 1);
    so.resize(k + 1);
    so[0] = so[1] = 0;
    sub.clear();
    for (std::uint32_t i = 1; i < k; ++i) {
      const node_t v = tgt[b + i];
      for (edge_t q = off[v], qe = off[v] + outd[v]; q < qe; ++q)
        if (const E j = mark[tgt[q]]) sub.push_back({static_cast<std::uint32_t>(j - 1), eid[q]});
      so[i + 1] = static_cast<std::uint32_t>(sub.size());
    }
    for (std::uint32_t i = 0; i < k; ++i) mark[tgt[b + i]] = 0;
    if (sub.empty()) return;
    // By position in out(u): node mode A = orbit-12 sums, B = K4s of the
    // out-neighbour; edge mode A = edge orbit 7, B = K4s, D = edge orbit 9 of
    // the edge u–(out-neighbour).
    auto& A = L.acc_a;
    auto& B = L.acc_b;
    auto& D = L.acc_d;
    A.assign(k, 0);
    B.assign(k, 0);
    if (edge_mode) D.assign(k, 0);
    auto& lm = L.lmark;
    if (lm.size() < k) lm.resize(k, 0);
    std::uint64_t a_u = 0, k4u = 0;
    std::uint64_t* k4 = L.k4.data();
    const std::uint64_t du = deg(u);
    for (std::uint32_t i = 1; i < k; ++i) {
      const std::uint32_t cb = so[i], ce = so[i + 1];
      if (cb == ce) continue;
      const E e_uv = eid[b + i];
      const std::uint64_t t_uv = tr[e_uv];
      if (!edge_mode) {
        for (std::uint32_t c = cb; c < ce; ++c) {
          const std::uint32_t j = sub[c].j;
          a_u += tr[sub[c].e_vw] - 1;
          A[i] += tr[eid[b + j]] - 1;
          A[j] += t_uv - 1;
        }
      } else {
        std::uint64_t* e7 = L.e7.data();
        std::uint64_t* e9 = L.e9.data();
        const std::uint64_t dv = deg(tgt[b + i]);
        for (std::uint32_t c = cb; c < ce; ++c) {
          const std::uint32_t j = sub[c].j;
          const E e_vw = sub[c].e_vw;
          const std::uint64_t t_vw = tr[e_vw], t_uw = tr[eid[b + j]];
          A[i] += deg(tgt[b + j]) - 2;
          D[i] += t_uw + t_vw - 2;
          A[j] += dv - 2;
          D[j] += t_uv + t_vw - 2;
          e7[e_vw] += du - 2;
          e9[e_vw] += t_uv + t_uw - 2;
        }
      }
      if (ce - cb < 2) continue;
      for (std::uint32_t c = cb; c < ce; ++c) lm[sub[c].j] = c + 1;
      std::uint64_t k4v = 0;
      for (std::uint32_t c = cb; c < ce; ++c) {
        const std::uint32_t j = sub[c].j;
        for (std::uint32_t d = so[j], de = so[j + 1]; d < de; ++d)
          if (const std::uint32_t cx = lm[sub[d].j]) {
            // K4 {u, v = out[i], w = out[j], x = out[l]}
            const std::uint32_t l = sub[d].j;
            ++k4v;
            ++B[j];
            ++B[l];
            if (edge_mode) {
              ++k4[sub[c].e_vw];       // v–w
              ++k4[sub[cx - 1].e_vw];  // v–x
              ++k4[sub[d].e_vw];       // w–x
            }
          }
      }
      for (std::uint32_t c = cb; c < ce; ++c) lm[sub[c].j] = 0;
      B[i] += k4v;
      k4u += k4v;
    }
    if (!edge_mode) {
      std::uint64_t* n12 = L.n12.data();
      for (std::uint32_t i = 0; i < k; ++i) {
        const node_t v = tgt[b + i];
        n12[v] += A[i];
        k4[v] += B[i];
      }
      n12[u] += a_u;
      k4[u] += k4u;
    } else {
      std::uint64_t* e7 = L.e7.data();
      std::uint64_t* e9 = L.e9.data();
      for (std::uint32_t i = 0; i < k; ++i) {
        const E e_ui = eid[b + i];
        e7[e_ui] += A[i];
        e9[e_ui] += D[i];
        k4[e_ui] += B[i];
      }
    }
  });

  // Pass 3: 4-cycles from their highest-degree vertex u (smallest new id):
  // wedges u–v–w with v, w > u; c = cnt[w] wedges close c(c−1)/2 cycles with
  // u and w opposite, and each wedge through v lies on c − 1 of them.
  sweep(n, arcs, parallel, opt.progress, "orbits: count", static_cast<std::uint64_t>(n), count_total, [&](node_t u) {
    const edge_t b = off[u] + outd[u], e = off[u + 1];
    if (e - b < 2) return;
    Local<E>& L = locals.local();
    ensure(L);
    std::uint32_t* cnt = L.cnt.data();
    auto& touched = L.touched;
    std::uint64_t* c4 = L.c4.data();
    for (edge_t p = b; p < e; ++p) {
      const node_t v = tgt[p];
      for (edge_t q = off[v + 1] - 1; tgt[q] > u; --q) {
        const node_t w = tgt[q];
        if (cnt[w]++ == 0) touched.push_back(w);
      }
    }
    std::uint64_t sum_u = 0;
    for (node_t w : touched) {
      const std::uint64_t c = c2(cnt[w]);
      sum_u += c;
      if (!edge_mode) c4[w] += c;
    }
    if (sum_u != 0) {  // else every cnt[w] ≤ 1: no 4-cycle has u on top
      for (edge_t p = b; p < e; ++p) {
        const node_t v = tgt[p];
        std::uint64_t sv = 0;
        for (edge_t q = off[v + 1] - 1; tgt[q] > u; --q) {
          const std::uint64_t c = cnt[tgt[q]] - 1;
          sv += c;
          if (edge_mode) c4[eid[q]] += c;
        }
        c4[edge_mode ? static_cast<std::size_t>(eid[p]) : static_cast<std::size_t>(v)] += sv;
      }
    }
    if (!edge_mode) c4[u] += sum_u;
    for (node_t w : touched) cnt[w] = 0;
    touched.clear();
  });

  // Sum the per-thread partials (integers: any order gives the same sums).
  std::vector<std::uint64_t> c4, n12, k4, e7, e9;
  const auto take = [&](std::vector<std::uint64_t>& dst, std::vector<std::uint64_t>& src) {
    if (src.empty()) return;
    if (dst.empty()) {
      dst.swap(src);
      return;
    }
    add_into(dst, src, parallel);
    std::vector<std::uint64_t>().swap(src);
  };
  for (Local<E>& L : locals) {
    take(c4, L.c4);
    take(n12, L.n12);
    take(k4, L.k4);
    take(e7, L.e7);
    take(e9, L.e9);
  }
  for (auto* v : {&c4, &n12, &k4, &e7, &e9})
    if (v->empty()) v->assign(slots, 0);

  // Solve: N from the sums above, then N = C·O for every node / edge.
  if (!edge_mode) {
    out.counts.resize(n, 15);  // every row is written below (zeros for isolated nodes)
    sweep(n, arcs, parallel, opt.progress, "orbits: solve", 0, static_cast<std::uint64_t>(n), [&](node_t x) {
      const std::uint64_t d = deg(x);
      if (d == 0) {
        out.counts.row(R.perm[x]).setZero();
        return;
      }
      std::array<std::uint64_t, 15> N{};
      std::uint64_t st = 0, s6 = 0, s10 = 0, s13 = 0, ss = 0;
      for (edge_t p = off[x]; p < off[x + 1]; ++p) {
        const node_t y = tgt[p];
        const std::uint64_t dy = deg(y), ta = tr[eid[p]];
        ss += sdeg[y];
        st += t[y];
        s6 += c2(dy - 1);
        s10 += ta * (dy - 2);  // ta > 0 ⇒ dy ≥ 2
        s13 += c2(ta);
      }
      const std::uint64_t tx = t[x];
      N[0] = d;
      N[1] = sdeg[x];
      N[2] = c2(d);
      N[3] = tx;
      N[4] = ss - d * (d - 1) - 2 * tx;
      N[5] = (d - 1) * sdeg[x] - 2 * tx;
      N[6] = s6;
      N[7] = c3(d);
      N[8] = c4[x];
      N[9] = st - 2 * tx;
      N[10] = s10;
      N[11] = d >= 2 ? tx * (d - 2) : 0;
      N[12] = n12[x];
      N[13] = s13;
      N[14] = k4[x];
      SN.solve(N);
      const auto row = static_cast<Eigen::Index>(R.perm[x]);
      for (int o = 0; o < 15; ++o) out.counts(row, o) = N[o];
    });
    return;
  }
  out.counts.resize(static_cast<Eigen::Index>(ix->edges.size()), 12);  // every row is written below
  sweep(n, arcs, parallel, opt.progress, "orbits: solve", 0, static_cast<std::uint64_t>(n), [&](node_t a) {
    const std::uint64_t dx = deg(a);
    for (edge_t p = off[a] + outd[a]; p < off[a + 1]; ++p) {
      const node_t b = tgt[p];
      const E e = eid[p];
      const std::uint64_t dy = deg(b), ta = tr[e];
      std::array<std::uint64_t, 12> N{};
      N[0] = (dx - 1) + (dy - 1);
      N[1] = ta;
      N[2] = (sdeg[b] - (dx - 1) - ta) + (sdeg[a] - (dy - 1) - ta);
      N[3] = (dx - 1) * (dy - 1) - ta;
      N[4] = c2(dx - 1) + c2(dy - 1);
      N[5] = c4[e];
      N[6] = (t[b] - ta) + (t[a] - ta);
      N[7] = e7[e];
      N[8] = ta * ((dy - 2) + (dx - 2));  // ta > 0 ⇒ dx, dy ≥ 2
      N[9] = e9[e];
      N[10] = c2(ta);
      N[11] = k4[e];
      SE.solve(N);
      const auto row = static_cast<Eigen::Index>(R.erow[e]);
      for (int o = 0; o < 12; ++o) out.counts(row, o) = N[o];
    }
  });
}

}  // namespace

void count4(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix) {
  // 32-bit edge ids (half the memory traffic of the inner loops) whenever the
  // edge count and the marks (id + 1) fit.
  const auto edges = s.off.empty() ? 0 : static_cast<std::uint64_t>(s.off[s.n]) / 2;
  if (edges < std::numeric_limits<std::uint32_t>::max())
    count4_ranked<std::uint32_t>(s, opt, parallel, out, ix);
  else
    count4_ranked<std::uint64_t>(s, opt, parallel, out, ix);
}

void count4_wide_ids(const Simple& s, const OrbitOptions& opt, bool parallel, OrbitCounts& out, const EdgeIndex* ix) {
  count4_ranked<std::uint64_t>(s, opt, parallel, out, ix);
}

}  // namespace sprig::detail::orbits
