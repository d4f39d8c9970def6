// Orbit adjacency matrices (see orbit_adjacency.hpp): per-row closed forms
// over pair statistics gathered in a sparse accumulator.
//
// For a source u and a partner v ≠ u let e = [u ~ v], C = N(u) ∩ N(v),
// U = N(u) ∖ (N(v) ∪ {v}), V = N(v) ∖ (N(u) ∪ {u}), c = |C|, pu = |U| =
// deg u − e − c, pv = |V| = deg v − e − c, and E(X, Y) the number of edges
// between (within, for X = Y) those sets. Every induced graphlet on u, v and
// up to two more nodes {w, x} is classified by which sets w and x fall in and
// whether w ~ x (a node Z outside N[u] ∪ N[v] can only hang off w):
//
//   e = 1 (hop 1)                           e = 0
//   ∅          edge           (0,0)   1     {w∈C}      path, ends u,v   (1,1)  c    hop 2
//   {w∈U}      path, u middle (2,1)   pu    C,C  w≁x   4-cycle          (8,8)  C(c,2) − E(C,C)
//   {w∈V}      path, v middle (1,2)   pv    C,C  w~x   diamond, tips    (12,12) E(C,C)
//   {w∈C}      triangle       (3,3)   c     C,U  w≁x   path v-w-u-x     (5,4)  c·pu − E(C,U)
//   U,U w≁x    star, u centre (7,6)   C(pu,2) − E(U,U)        C,U  w~x   paw, v pendant   (10,9) E(C,U)
//   U,U w~x    paw, v pendant (11,9)  E(U,U)                  C,V        mirror images    (4,5) (9,10)
//   V,V        mirror images  (6,7) (9,11)                    C,Z        star, centre w   (6,6)  Z_C
//   C,C w≁x    diamond, uv the chord (13,13)  C(c,2) − E(C,C) U,V  w~x   path u-w-x-v     (4,4)  E(U,V)  hop 3
//   C,C w~x    K4             (14,14) E(C,C)
//   U,V w≁x    path w-u-v-x   (5,5)   pu·pv − E(U,V)
//   U,V w~x    4-cycle        (8,8)   E(U,V)
//   C,U w≁x    paw, x pendant on u (11,10)  c·pu − E(C,U)
//   C,U w~x    diamond, u deg 3    (13,12)  E(C,U)
//   C,V        mirror images  (10,11) (12,13)
//   U,Z        path v-u-w-x   (5,4)   Z_U = Σ_{w∈U} deg w − pu − (2E(U,U) + E(U,V) + E(C,U))
//   V,Z        mirror image   (4,5)   Z_V
//   C,Z        paw, centre w  (10,10) Z_C = Σ_{w∈C} deg w − 2c − (2E(C,C) + E(C,U) + E(C,V))
//
// (o_u, o_v) pairs; all other combinations are disconnected. The E's come from
// quantities one pass around u gathers for every v at once:
//   T1 = Σ_{w∈C} tri(u,w) = 2E(C,C) + E(C,U) + e·c      (tri = common neighbours of an edge)
//   T2 = Σ_{w∈C} tri(w,v) = 2E(C,C) + E(C,V) + e·c
//   P  = #3-paths u-w-x-v with 4 distinct nodes = 2E(C,C) + E(C,U) + E(C,V) + E(U,V)
//      = R − e·(deg v − 1), R = Σ_{x ∈ N(v)∖{u}} |N(u) ∩ N(x)| (row u of A²·A)
//   E(C,C) directly: every triangle (u,w,x) adds 1 to each v ∈ N(w) ∩ N(x) ∖ {u}
//   E(U,U) = t(u) − c − E(C,C) − E(C,U) when e = 1 (t(u) = edges inside N(u)), E(V,V) alike.
#include <sprig/embed/orbit_adjacency.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <sprig/graph/build.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/io/atomic_file.hpp>
#include <sprig/io/hdf5.hpp>
#include <sprig/io/hdf5_publish.hpp>

namespace sprig {
namespace {

constexpr int kNumKeys = 28;

constexpr std::array<OrbitAdjacencyKey, kNumKeys> kKeys{{
    {1, 0, 0},   {1, 1, 2},   {1, 2, 1},   {1, 3, 3},   {1, 4, 5},   {1, 5, 4},   {1, 5, 5},
    {1, 6, 7},   {1, 7, 6},   {1, 8, 8},   {1, 9, 11},  {1, 10, 10}, {1, 10, 11}, {1, 11, 9},
    {1, 11, 10}, {1, 12, 13}, {1, 13, 12}, {1, 13, 13}, {1, 14, 14}, {2, 1, 1},   {2, 4, 5},
    {2, 5, 4},   {2, 6, 6},   {2, 8, 8},   {2, 9, 10},  {2, 10, 9},  {2, 12, 12}, {3, 4, 4},
}};

int key_index(const OrbitAdjacencyKey& k) {
  for (int i = 0; i < kNumKeys; ++i)
    if (kKeys[i] == k) return i;
  return -1;
}

// A graph without self-loops or parallel arcs, undirected: g itself when it
// already is one, else a cleaned copy.
const Graph& clean_graph(const Graph& g, Graph& storage) {
  const node_t n = g.num_nodes();
  const auto off = g.offsets();
  const auto tg = g.targets();
  bool dirty = g.directed() || g.num_self_loops() > 0;
  if (!dirty) {
    std::atomic<bool> bad{false};
    parallel_for<node_t>(0, n, [&](node_t u) {
      for (edge_t a = off[u]; a < off[u + 1]; ++a)
        if (tg[a] == u || (a > off[u] && tg[a] == tg[a - 1])) bad.store(true, std::memory_order_relaxed);
    });
    dirty = bad.load();
  }
  if (!dirty) return g;
  std::vector<node_t> src, dst;
  src.reserve(2 * tg.size());
  dst.reserve(2 * tg.size());
  for (node_t u = 0; u < n; ++u)
    for (edge_t a = off[u]; a < off[u + 1]; ++a)
      if (tg[a] != u) {
        src.push_back(u);
        dst.push_back(tg[a]);
        src.push_back(tg[a]);
        dst.push_back(u);
      }
  BuildOptions bo;
  bo.self_loops = SelfLoops::drop;
  bo.duplicates = Duplicates::drop;
  bo.validate = false;
  storage = build_csr_from_arcs(n, src, dst, {}, false, bo);
  return storage;
}

// Per-partner statistics of the current row.
struct Acc {
  std::int64_t c = 0;    // |N(u) ∩ N(v)|
  std::int64_t sc = 0;   // Σ_{w∈C} deg w
  std::int64_t t1 = 0;   // Σ_{w∈C} tri(u,w)
  std::int64_t t2 = 0;   // Σ_{w∈C} tri(w,v)
  std::int64_t ecc = 0;  // E(C,C)
  std::int64_t r = 0;    // Σ_{x∈N(v)∖{u}} |N(u) ∩ N(x)|
};

struct Scratch {
  std::vector<Acc> acc;
  std::vector<std::uint8_t> seen;
  std::vector<node_t> in_nu;  // in_nu[x] == u  ⇔ x ∈ N(u) (for the row u being built)
  std::vector<node_t> in_nw;  // in_nw[x] == w  ⇔ x ∈ N(w) (stale marks stay true: the graph is fixed)
  std::vector<node_t> touched;
  // The current chunk's entries per selected matrix; capacity is kept across
  // chunks so that the chunk buffers are allocated once, at their exact size.
  std::vector<std::vector<std::int32_t>> stage_cols;
  std::vector<std::vector<std::uint64_t>> stage_vals;
  void init(std::size_t n) {
    if (acc.size() == n) return;
    acc.assign(n, Acc{});
    seen.assign(n, 0);
    in_nu.assign(n, -1);
    in_nw.assign(n, -1);
    touched.clear();
  }
};

// One chunk of rows: for each selected matrix, the entries of its rows in row order.
struct ChunkOut {
  std::vector<std::vector<std::int32_t>> cols;
  std::vector<std::vector<std::uint64_t>> vals;
};

[[noreturn]] void internal_negative(int k, node_t u, node_t v, std::int64_t val) {
  throw Error(fmt::format("orbit_adjacency: internal error: negative count {} for h{}_o{}_o{} at ({}, {})", val,
                          kKeys[k].hop, kKeys[k].orbit_u, kKeys[k].orbit_v, u, v));
}

}  // namespace

std::uint64_t SparseCountMatrix::at(std::int64_t u, std::int64_t v) const {
  if (u < 0 || u >= rows) return 0;
  const auto b = indices.begin() + indptr[u], e = indices.begin() + indptr[u + 1];
  const auto it = std::lower_bound(b, e, static_cast<std::int32_t>(v));
  return it != e && *it == v ? data[static_cast<std::size_t>(it - indices.begin())] : 0;
}

std::uint64_t SparseCountMatrix::row_sum(std::int64_t u) const {
  std::uint64_t s = 0;
  for (std::int64_t i = indptr[u]; i < indptr[u + 1]; ++i) s += data[i];
  return s;
}

std::string OrbitAdjacencyMatrix::name() const { return fmt::format("h{}_o{}_o{}", key.hop, key.orbit_u, key.orbit_v); }

const SparseCountMatrix& OrbitAdjacency::get(int hop, int orbit_u, int orbit_v) const {
  for (const auto& m : matrices)
    if (m.key == OrbitAdjacencyKey{hop, orbit_u, orbit_v}) return m.matrix;
  throw InvalidArgument(fmt::format("orbit_adjacency: matrix (h={}, o1={}, o2={}) was not computed", hop, orbit_u,
                                    orbit_v));
}

std::span<const OrbitAdjacencyKey> orbit_adjacency_keys() { return kKeys; }

OrbitAdjacency orbit_adjacency(const Graph& input, const OrbitAdjacencyOptions& opt) {
  SPRIG_EXPECTS(opt.grain >= 1, "orbit_adjacency: grain must be >= 1 (got {})", opt.grain);
  // Selected matrices: slot[k] = output position of canonical key k, or −1.
  std::array<int, kNumKeys> slot;
  slot.fill(-1);
  std::vector<int> order;  // canonical index of each output slot
  if (opt.keys.empty()) {
    for (int k = 0; k < kNumKeys; ++k) {
      slot[k] = k;
      order.push_back(k);
    }
  } else {
    for (const auto& key : opt.keys) {
      const int k = key_index(key);
      SPRIG_EXPECTS(k >= 0, "orbit_adjacency: (h={}, o1={}, o2={}) is not one of the 28 orbit adjacency keys",
                    key.hop, key.orbit_u, key.orbit_v);
      SPRIG_EXPECTS(slot[k] < 0, "orbit_adjacency: key (h={}, o1={}, o2={}) asked for twice", key.hop, key.orbit_u,
                    key.orbit_v);
      slot[k] = static_cast<int>(order.size());
      order.push_back(k);
    }
  }
  const int nsel = static_cast<int>(order.size());
  // Only the 2- and 3-node keys (canonical 0–3 and 19) can skip the E(C,C) and
  // 3-path passes, which every 4-node count needs.
  bool need_4 = false;
  for (int k : order) need_4 |= !(k <= 3 || k == 19);

  Graph storage;
  const Graph& g = clean_graph(input, storage);
  const node_t n = g.num_nodes();
  const auto off = g.offsets();
  const auto tg = g.targets();
  const std::size_t m = tg.size();

  OrbitAdjacency result;
  result.num_nodes = n;
  result.matrices.resize(static_cast<std::size_t>(nsel));
  for (int s = 0; s < nsel; ++s) {
    result.matrices[s].key = kKeys[order[s]];
    result.matrices[s].matrix.rows = n;
    result.matrices[s].matrix.indptr.assign(static_cast<std::size_t>(n) + 1, 0);
  }
  if (n == 0 || nsel == 0) return result;

  tbb::enumerable_thread_specific<Scratch> scratch;

  // Per-arc triangle counts tri[a] = |N(u) ∩ N(w)| for arc a = u→w; per node
  // Σ deg of neighbours and t(u) = edges inside N(u).
  report(opt.progress, "orbit adjacency: triangles", 0, static_cast<std::uint64_t>(n));
  std::vector<std::int32_t> tri(m, 0);
  std::vector<std::int64_t> sdeg(static_cast<std::size_t>(n), 0), tnode(static_cast<std::size_t>(n), 0);
  auto deg = [&](node_t x) { return static_cast<std::int64_t>(off[x + 1] - off[x]); };
  parallel_for<node_t>(
      0, n,
      [&](node_t u) {
        Scratch& s = scratch.local();
        s.init(static_cast<std::size_t>(n));
        for (edge_t a = off[u]; a < off[u + 1]; ++a) s.in_nu[tg[a]] = u;
        std::int64_t sd = 0, tt = 0;
        for (edge_t a = off[u]; a < off[u + 1]; ++a) {
          const node_t w = tg[a];
          sd += deg(w);
          std::int32_t t = 0;
          for (edge_t b = off[w]; b < off[w + 1]; ++b) t += s.in_nu[tg[b]] == u;
          tri[a] = t;
          tt += t;
        }
        sdeg[u] = sd;
        tnode[u] = tt / 2;
      },
      64);
  // in_nu marks were set with row ids; reset so the row pass starts clean.
  for (Scratch& s : scratch) std::fill(s.in_nu.begin(), s.in_nu.end(), -1);

  const std::int64_t grain = opt.grain;
  const std::size_t chunks = num_chunks(static_cast<std::size_t>(n), static_cast<std::size_t>(grain));
  std::vector<ChunkOut> outs(chunks);
  // row_nnz[s][u]: entries of row u in selected matrix s.
  std::vector<std::vector<std::int32_t>> row_nnz(static_cast<std::size_t>(nsel),
                                                 std::vector<std::int32_t>(static_cast<std::size_t>(n), 0));

  auto do_row = [&](Scratch& s, node_t u) {
    Acc* acc = s.acc.data();
    auto touch = [&](node_t x) {
      if (!s.seen[x]) {
        s.seen[x] = 1;
        s.touched.push_back(x);
      }
    };
    const std::int64_t du = deg(u);
    for (edge_t a = off[u]; a < off[u + 1]; ++a) {
      s.in_nu[tg[a]] = u;
      touch(tg[a]);
    }
    // Wedges u–w–x: c, Σ deg, T1, T2.
    for (edge_t a = off[u]; a < off[u + 1]; ++a) {
      const node_t w = tg[a];
      const std::int64_t dw = deg(w), tuw = tri[a];
      for (edge_t b = off[w]; b < off[w + 1]; ++b) {
        const node_t x = tg[b];
        if (x == u) continue;
        Acc& ax = acc[x];
        ax.c += 1;
        ax.sc += dw;
        ax.t1 += tuw;
        ax.t2 += tri[b];
        touch(x);
      }
    }
    // E(C,C): each triangle (u, w, x), w < x, adds 1 to every v ∈ N(w) ∩ N(x) ∖ {u}.
    if (need_4) {
      for (edge_t a = off[u]; a < off[u + 1]; ++a) {
        const node_t w = tg[a];
        if (tri[a] == 0) continue;
        for (edge_t b = off[w]; b < off[w + 1]; ++b) s.in_nw[tg[b]] = w;
        for (edge_t b = off[w]; b < off[w + 1]; ++b) {
          const node_t x = tg[b];
          if (x <= w || s.in_nu[x] != u) continue;
          for (edge_t q = off[x]; q < off[x + 1]; ++q) {
            const node_t v = tg[q];
            if (v != u && s.in_nw[v] == w) acc[v].ecc += 1;
          }
        }
      }
    }
    // R[v] = Σ_{x ∈ N(v)∖{u}} |N(u) ∩ N(x)|: row u of A²·A over the 2-hop ball.
    if (need_4) {
      const std::size_t ball = s.touched.size();
      for (std::size_t i = 0; i < ball; ++i) {
        const node_t x = s.touched[i];
        const std::int64_t cx = acc[x].c;
        if (cx == 0) continue;
        for (edge_t b = off[x]; b < off[x + 1]; ++b) {
          const node_t v = tg[b];
          if (v == u) continue;
          acc[v].r += cx;
          touch(v);
        }
      }
    }
    // Columns in ascending order: sort a short list, scan the flags for a long one.
    std::vector<node_t>& t = s.touched;
    if (t.size() > static_cast<std::size_t>(n) / 16) {
      t.clear();
      for (node_t v = 0; v < n; ++v)
        if (s.seen[v]) t.push_back(v);
    } else {
      std::sort(t.begin(), t.end());
    }
    const std::int64_t tu = tnode[u], su = sdeg[u];
    std::array<std::int64_t, kNumKeys> val;
    for (const node_t v : t) {
      const Acc av = acc[v];
      acc[v] = Acc{};
      s.seen[v] = 0;
      const std::int64_t e = s.in_nu[v] == u ? 1 : 0;
      const std::int64_t dv = deg(v), c = av.c;
      const std::int64_t pu = du - e - c, pv = dv - e - c;
      const std::int64_t ecc = av.ecc;
      const std::int64_t ecu = av.t1 - 2 * ecc - e * c;
      const std::int64_t ecv = av.t2 - 2 * ecc - e * c;
      const std::int64_t p3 = av.r - e * (dv - 1);
      const std::int64_t euv = p3 - 2 * ecc - ecu - ecv;
      const std::int64_t cc2 = c * (c - 1) / 2;
      const std::int64_t zc = av.sc - 2 * c - (2 * ecc + ecu + ecv);
      val.fill(0);
      if (e) {
        const std::int64_t euu = tu - c - ecc - ecu;
        const std::int64_t evv = tnode[v] - c - ecc - ecv;
        const std::int64_t zu = (su - dv - av.sc) - pu - (2 * euu + euv + ecu);
        const std::int64_t zv = (sdeg[v] - du - av.sc) - pv - (2 * evv + euv + ecv);
        val[0] = 1;
        val[1] = pv;
        val[2] = pu;
        val[3] = c;
        if (need_4) {
          val[4] = zv;
          val[5] = zu;
          val[6] = pu * pv - euv;
          val[7] = pv * (pv - 1) / 2 - evv;
          val[8] = pu * (pu - 1) / 2 - euu;
          val[9] = euv;
          val[10] = evv;
          val[11] = zc;
          val[12] = c * pv - ecv;
          val[13] = euu;
          val[14] = c * pu - ecu;
          val[15] = ecv;
          val[16] = ecu;
          val[17] = cc2 - ecc;
          val[18] = ecc;
        }
      } else {
        val[19] = c;
        if (need_4) {
          val[20] = c * pv - ecv;
          val[21] = c * pu - ecu;
          val[22] = zc;
          val[23] = cc2 - ecc;
          val[24] = ecv;
          val[25] = ecu;
          val[26] = ecc;
          val[27] = euv;
        }
      }
      for (int si = 0; si < nsel; ++si) {
        const int k = order[si];
        const std::int64_t x = val[k];
        if (x == 0) continue;
        if (x < 0) [[unlikely]]
          internal_negative(k, u, v, x);
        s.stage_cols[si].push_back(v);
        s.stage_vals[si].push_back(static_cast<std::uint64_t>(x));
        ++row_nnz[si][u];
      }
    }
    t.clear();
  };

  // Rows in rounds so that progress is reported from the calling thread between rounds.
  const std::size_t rounds = std::min<std::size_t>(chunks, 100);
  const std::size_t per_round = (chunks + rounds - 1) / rounds;
  report(opt.progress, "orbit adjacency: rows", 0, static_cast<std::uint64_t>(n));
  for (std::size_t c0 = 0; c0 < chunks; c0 += per_round) {
    const std::size_t c1 = std::min(chunks, c0 + per_round);
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(c0, c1, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          Scratch& s = scratch.local();
          s.init(static_cast<std::size_t>(n));
          for (std::size_t ch = r.begin(); ch != r.end(); ++ch) {
            ChunkOut& out = outs[ch];
            s.stage_cols.resize(static_cast<std::size_t>(nsel));
            s.stage_vals.resize(static_cast<std::size_t>(nsel));
            for (int si = 0; si < nsel; ++si) {
              s.stage_cols[si].clear();
              s.stage_vals[si].clear();
            }
            const node_t b = static_cast<node_t>(ch * static_cast<std::size_t>(grain));
            const node_t e = static_cast<node_t>(std::min<std::int64_t>(n, static_cast<std::int64_t>(b) + grain));
            for (node_t u = b; u < e; ++u) do_row(s, u);
            out.cols.resize(static_cast<std::size_t>(nsel));
            out.vals.resize(static_cast<std::size_t>(nsel));
            for (int si = 0; si < nsel; ++si) {
              out.cols[si].assign(s.stage_cols[si].begin(), s.stage_cols[si].end());
              out.vals[si].assign(s.stage_vals[si].begin(), s.stage_vals[si].end());
            }
          }
        },
        tbb::simple_partitioner());
    const std::int64_t done = std::min<std::int64_t>(n, static_cast<std::int64_t>(c1) * grain);
    report(opt.progress, "orbit adjacency: rows", static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(n));
  }
  scratch.clear();

  // Assemble: each matrix appends its chunks in row order into arrays reserved
  // (not touched) at their final size, freeing every chunk buffer right after
  // its copy, so the peak stays near the size of the output rather than twice it.
  report(opt.progress, "orbit adjacency: assemble", 0, static_cast<std::uint64_t>(nsel));
  tbb::parallel_for(
      tbb::blocked_range<int>(0, nsel, 1),
      [&](const tbb::blocked_range<int>& r) {
        for (int si = r.begin(); si != r.end(); ++si) {
          SparseCountMatrix& M = result.matrices[si].matrix;
          exclusive_scan(row_nnz[si], M.indptr);
          std::vector<std::int32_t>().swap(row_nnz[si]);
          const auto nnz = static_cast<std::size_t>(M.indptr.back());
          M.indices.reserve(nnz);
          M.data.reserve(nnz);
          std::size_t freed = 0;
          for (std::size_t ch = 0; ch < chunks; ++ch) {
            auto& cols = outs[ch].cols[si];
            auto& vals = outs[ch].vals[si];
            M.indices.insert(M.indices.end(), cols.begin(), cols.end());
            M.data.insert(M.data.end(), vals.begin(), vals.end());
            freed += cols.size() * sizeof(std::int32_t) + vals.size() * sizeof(std::uint64_t);
            std::vector<std::int32_t>().swap(cols);
            std::vector<std::uint64_t>().swap(vals);
#if defined(__GLIBC__)
            // glibc keeps freed heap blocks (its mmap threshold rises as large
            // blocks are freed), so without handing the pages back the peak
            // would be buffers + final arrays, twice the output.
            if (freed > (std::size_t{256} << 20)) {
              malloc_trim(0);
              freed = 0;
            }
#endif
          }
        }
      },
      tbb::simple_partitioner());
  report(opt.progress, "orbit adjacency: assemble", static_cast<std::uint64_t>(nsel),
         static_cast<std::uint64_t>(nsel));
  return result;
}

// ------------------------------------------------------------------ output

namespace {

void write_matrices(const h5::Location& root, const std::string& group, const OrbitAdjacency& adj) {
  h5::DatasetCreate dc;
  h5::Group grp = root.create_group(group);
  grp.write_attr("num_nodes", adj.num_nodes);
  grp.write_attr("reference", std::string("Windels, Malod-Dognin, Przulj: orbit adjacency of 2-4 node graphlets"));
  for (const auto& mat : adj.matrices) {
    const SparseCountMatrix& M = mat.matrix;
    h5::Group g = grp.create_group(mat.name());
    g.write_attrs({{"encoding-type", std::string("csr_matrix")},
                   {"encoding-version", std::string("0.1.0")},
                   {"shape", std::vector<std::int64_t>{M.rows, M.rows}},
                   {"hop", std::int64_t{mat.key.hop}},
                   {"orbit_u", std::int64_t{mat.key.orbit_u}},
                   {"orbit_v", std::int64_t{mat.key.orbit_v}}});
    auto vec = [&](const char* name, auto span) {
      using T = typename decltype(span)::element_type;
      const hsize_t dims[1] = {span.size()};
      h5::Dataset d = g.create_dataset(name, h5::native_type<std::remove_const_t<T>>(), dims, dc);
      d.write_all<std::remove_const_t<T>>(span);
    };
    vec("indptr", std::span<const std::int64_t>(M.indptr));
    vec("indices", std::span<const std::int32_t>(M.indices));
    vec("data", std::span<const std::uint64_t>(M.data));
  }
}

}  // namespace

void write_orbit_adjacency_hdf5(const std::string& path, const OrbitAdjacency& adj) {
  namespace fs = std::filesystem;
  const std::string target = "/orbits/adjacency";
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!h5::is_hdf5_file(path)) throw IoError(path, "exists and is not an HDF5 file");
    h5::File f = h5::File::open(path, h5::File::Mode::read_write);
    if (f.has_attr("num_nodes")) {
      const h5::AttrValue nv = f.read_attr("num_nodes");
      if (const auto* nn = std::get_if<std::int64_t>(&nv); nn && *nn != adj.num_nodes)
        throw IoError(path, fmt::format("holds a graph of {} nodes, the matrices have {}", *nn, adj.num_nodes), 0,
                      target);
    }
    h5::Group orbits = f.require_group("/orbits");
    const std::string tmp = "/orbits/.tmp-adjacency-" + std::to_string(::getpid());
    if (f.exists(tmp)) f.remove(tmp);
    h5::publish_object(f, tmp, target, [&] { write_matrices(f, tmp, adj); });
    orbits = h5::Group();
    f.close();
    return;
  }
  const fs::path p(path);
  const std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid());
  const std::string temp = (p.parent_path().empty() ? fs::path(name) : p.parent_path() / name).string();
  try {
    {
      h5::File f = h5::File::create(temp);
      f.write_attr("num_nodes", adj.num_nodes);
      write_matrices(f, target, adj);
      f.close();
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0)
      throw IoError(path, std::string("cannot rename temporary file into place: ") + std::strerror(errno));
  } catch (...) {
    fs::remove(temp, ec);
    throw;
  }
}

void write_orbit_adjacency_text(const std::string& path, const OrbitAdjacency& adj) {
  write_text_atomically(path, [&](TextWriter& w) {
    for (const auto& mat : adj.matrices) {
      const SparseCountMatrix& M = mat.matrix;
      w.write(fmt::format("# {} nnz={}\n", mat.name(), M.nnz()));
      for (std::int64_t u = 0; u < M.rows; ++u)
        for (std::int64_t i = M.indptr[u]; i < M.indptr[u + 1]; ++i) {
          char* buf = w.reserve(64);
          const auto r = fmt::format_to_n(buf, 64, "{} {} {}\n", u, M.indices[i], M.data[i]);
          w.commit(r.size);
        }
    }
  });
}

}  // namespace sprig
