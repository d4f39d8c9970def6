// sprig/embed/walk_step.hpp — one random walk over raw CSR arrays: the code
// the CPU path (embed/walks.cpp) and the CUDA kernel (embed/walks.cu) share.
//
// walk_one<Rng>(P, i, row) writes walk i (start node i mod n, round i div n,
// RNG stream Rng(seed, round << 32 | start)) into row[0, len), −1 after a stop:
// the first-order step by uniform choice, Walker's alias table or a binary
// search of prefix sums, and node2vec's second-order step by rejection
// sampling (KnightKing, Yang et al. SOSP 2019: an envelope max(1, 1/q) over the
// non-return candidates plus an "outlier" area for the return arc when
// 1/p exceeds it). Rng is sprig::Philox on the host and detail::DevPhilox on
// the device — the same Philox4x32-10 words — so both paths give the same walks.
// build_walk_tables() makes the host tables of the weighted step (alias
// tables after Vose with sprig's rounding rules, or prefix sums), O(m).
// Cost of a walk: O(len) expected steps (node2vec: expected O(max(1, 1/q)·…)
// rejections per step, each an O(log d) membership test). Pure functions of
// their arguments: thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include <sprig/embed/walks.hpp>
#include <sprig/graph/csr.hpp>
#include <sprig/graph/hd.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::detail {

/// Everything one walk reads; pointers to host or device arrays alike.
struct WalkArrays {
  const edge_t* off = nullptr;
  const node_t* tgt = nullptr;
  const float* w = nullptr;  ///< arc weights (node2vec's return arc); null when unweighted
  bool directed = false;
  bool weighted = false;  ///< use_weights && the graph is weighted
  bool prefix = false;    ///< WeightedSampling::prefix_sum (else alias)
  const float* total = nullptr;  ///< Σ weights per node (weighted)
  const float* cum = nullptr;    ///< prefix sums per arc (weighted, prefix)
  const float* prob = nullptr;   ///< alias probabilities per arc (weighted, alias)
  const std::int32_t* alias = nullptr;
  std::uint64_t seed = 0;
  std::int64_t n = 0, len = 0;
  bool second_order = false;  ///< p ≠ 1 or q ≠ 1
  double inv_p = 1, env = 1, outlier_h = 0, lo_bias = 1, hi_bias = 1, inv_q = 1;
};

/// Host tables of the weighted first-order step.
struct WalkTables {
  std::vector<float> total, cum, prob;
  std::vector<std::int32_t> alias;
};

/// The RNG item of a walk: round in the high word, start node in the low word.
SPRIG_HD inline std::uint64_t walk_key(node_t start, std::int64_t round) {
  return (static_cast<std::uint64_t>(round) << 32) | static_cast<std::uint32_t>(start);
}

/// First arc index e of v's row with tgt[e] ≥ x (the row's end when none).
/// Branch-free halving (the compare becomes a conditional move): node2vec's
/// membership tests land on random rows, where a branchy search mispredicts
/// about every other level.
SPRIG_HD inline edge_t walk_lower_bound(const WalkArrays& P, node_t v, node_t x) {
  const edge_t b = P.off[v];
  edge_t n = P.off[v + 1] - b;
  if (n == 0) return b;
  const node_t* a = P.tgt + b;
  while (n > 1) {
    const edge_t half = n / 2;
    a += half & -static_cast<edge_t>(a[half - 1] < x);  // a mask, not a ternary: GCC made that a branch
    n -= half;
  }
  return (a - P.tgt) + (*a < x ? 1 : 0);
}

SPRIG_HD inline bool walk_has_arc(const WalkArrays& P, node_t u, node_t v) {
  const edge_t e = walk_lower_bound(P, u, v);
  return e < P.off[u + 1] && P.tgt[e] == v;
}

/// Σ of v's arc weights (its degree when unweighted).
SPRIG_HD inline double walk_total(const WalkArrays& P, node_t v) {
  return P.weighted ? static_cast<double>(P.total[v]) : static_cast<double>(P.off[v + 1] - P.off[v]);
}

/// An arc index of v drawn by weight, or −1 when v has no arc of positive weight.
template <class Rng>
SPRIG_HD inline edge_t walk_sample(const WalkArrays& P, node_t v, Rng& rng) {
  const edge_t b = P.off[v], deg = P.off[v + 1] - b;
  if (deg == 0) return -1;
  if (!P.weighted) return b + static_cast<edge_t>(rng.bounded64(static_cast<std::uint64_t>(deg)));
  if (!(P.total[v] > 0.f)) return -1;
  if (P.prefix) {
    const float x = rng.uniform_float() * P.total[v];
    const float* row = P.cum + b;
    edge_t lo = 0, hi = deg;  // upper bound: the first row[k] > x
    while (lo < hi) {
      const edge_t mid = lo + (hi - lo) / 2;
      if (x < row[mid])
        hi = mid;
      else
        lo = mid + 1;
    }
    edge_t k = lo;
    if (k >= deg) k = deg - 1;                  // x rounded up to the total
    while (k > 0 && row[k] == row[k - 1]) --k;  // never land on a zero-weight arc
    return b + k;
  }
  const edge_t k = static_cast<edge_t>(rng.bounded64(static_cast<std::uint64_t>(deg)));
  return rng.uniform_float() < P.prob[b + k] ? b + k : b + P.alias[b + k];
}

/// Walk i into row[0, len); −1 after a stop (a node without out-arcs of positive weight).
template <class Rng>
SPRIG_HD inline void walk_one(const WalkArrays& P, std::int64_t i, node_t* row) {
  const std::int64_t len = P.len;
  const auto start = static_cast<node_t>(i % P.n);
  Rng rng(P.seed, walk_key(start, i / P.n));
  row[0] = start;
  std::int64_t s = 1;
  if (len > 1) {
    edge_t e = walk_sample(P, start, rng);
    if (e >= 0) {
      row[1] = P.tgt[e];
      for (s = 2; s < len; ++s) {
        const node_t t = row[s - 2], v = row[s - 1];
        if (!P.second_order) {
          e = walk_sample(P, v, rng);
          if (e < 0) break;
          row[s] = P.tgt[e];
          continue;
        }
        const double wv = walk_total(P, v);
        if (!(wv > 0)) break;
        // Outlier area of the return arc v→t (absent in a directed graph without it).
        double out_area = 0;
        if (P.outlier_h > 0 && !P.directed && !P.weighted) {
          out_area = P.outlier_h;  // symmetric graph (a Csr invariant): the arc t→v just taken has its return v→t
        } else if (P.outlier_h > 0) {
          const edge_t it = walk_lower_bound(P, v, t);
          if (it < P.off[v + 1] && P.tgt[it] == t) out_area = (P.weighted ? static_cast<double>(P.w[it]) : 1.0) * P.outlier_h;
        }
        const double main_area = P.env * wv;
        node_t next = -1;
        bool stop = false;
        for (;;) {
          if (out_area > 0 && static_cast<double>(rng.uniform_float()) * (main_area + out_area) >= main_area) {
            next = t;
            break;
          }
          const edge_t c = walk_sample(P, v, rng);
          if (c < 0) {
            stop = true;
            break;
          }
          const node_t x = P.tgt[c];
          if (x == t) {
            if (P.inv_p >= P.env || static_cast<double>(rng.uniform_float()) * P.env < P.inv_p) {
              next = x;
              break;
            }
            continue;
          }
          // The dart's height decides without the membership test when it lies
          // below both possible biases (1, 1/q) or above both.
          const double y = static_cast<double>(rng.uniform_float()) * P.env;
          if (y < P.lo_bias) {
            next = x;
            break;
          }
          if (y >= P.hi_bias) continue;
          // Is t→x an arc? t's row is hot (t was just visited); only when it is
          // long does an undirected graph search x's row instead if that one is shorter.
          const edge_t dt = P.off[t + 1] - P.off[t];
          const bool adj = (!P.directed && dt > 64 && P.off[x + 1] - P.off[x] < dt) ? walk_has_arc(P, x, t)
                                                                                    : walk_has_arc(P, t, x);
          if ((adj ? 1.0 : P.inv_q) > y) {
            next = x;
            break;
          }
        }
        if (stop) break;
        row[s] = next;
      }
    }
  }
  for (; s < len; ++s) row[s] = -1;
}

/// Row v's alias table (Walker/Vose): prob and alias of its arcs and total[v];
/// rounding leftovers keep zero-weight arcs unreachable. Host only.
inline void build_alias_row(node_t v, const edge_t* off, const float* w, float* total, float* prob,
                            std::int32_t* alias, std::vector<double>& scaled, std::vector<std::int32_t>& small,
                            std::vector<std::int32_t>& large) {
  const edge_t b = off[v];
  const auto deg = static_cast<std::int32_t>(off[v + 1] - b);
  double s = 0;
  for (std::int32_t k = 0; k < deg; ++k) s += w[b + k];
  total[v] = static_cast<float>(s);
  if (deg == 0 || !(s > 0)) return;
  scaled.resize(static_cast<std::size_t>(deg));
  small.clear();
  large.clear();
  for (std::int32_t k = 0; k < deg; ++k) {
    scaled[k] = w[b + k] * deg / s;
    (scaled[k] < 1.0 ? small : large).push_back(k);
  }
  while (!small.empty() && !large.empty()) {
    const std::int32_t l = small.back(), g = large.back();
    small.pop_back();
    prob[b + l] = static_cast<float>(scaled[l]);
    alias[b + l] = g;
    scaled[g] -= 1.0 - scaled[l];
    if (scaled[g] < 1.0) {
      large.pop_back();
      small.push_back(g);
    }
  }
  for (std::int32_t k : large) prob[b + k] = 1.f, alias[b + k] = k;
  for (std::int32_t k : small) {
    if (w[b + k] > 0) {
      prob[b + k] = 1.f, alias[b + k] = k;
    } else {
      std::int32_t pos = 0;
      while (!(w[b + pos] > 0)) ++pos;  // exists: s > 0
      prob[b + k] = 0.f, alias[b + k] = pos;
    }
  }
}

/// The walk parameters of `opt` on g, with the weighted step's tables built into
/// `tab`; the pointers are g's and tab's host arrays (a device path swaps them). Host only.
inline WalkArrays make_walk_arrays(const Graph& g, const WalkOptions& opt, WalkTables& tab) {
  WalkArrays P;
  P.off = g.offsets().data();
  P.tgt = g.targets().data();
  P.directed = g.directed();
  P.weighted = opt.use_weights && g.weighted();
  P.w = P.weighted ? g.weights().data() : nullptr;
  P.prefix = opt.sampling == WeightedSampling::prefix_sum;
  P.seed = opt.seed;
  P.n = g.num_nodes();
  P.len = opt.length;
  P.second_order = opt.p != 1.0 || opt.q != 1.0;
  P.inv_p = 1.0 / opt.p;
  P.inv_q = 1.0 / opt.q;
  P.env = std::max(1.0, P.inv_q);                   // envelope over non-return candidates
  P.outlier_h = std::max(0.0, P.inv_p - P.env);     // return-arc excess above it
  P.lo_bias = std::min(1.0, P.inv_q);
  P.hi_bias = std::max(1.0, P.inv_q);
  if (!P.weighted) return P;
  const auto off = g.offsets();
  const auto w = g.weights();
  const node_t n = g.num_nodes();
  tab.total.resize(static_cast<std::size_t>(n));
  if (P.prefix) {
    tab.cum.resize(w.size());
    parallel_for<node_t>(
        0, n,
        [&](node_t v) {
          double s = 0;
          for (edge_t e = off[v]; e < off[v + 1]; ++e) {
            s += w[e];
            tab.cum[static_cast<std::size_t>(e)] = static_cast<float>(s);
          }
          tab.total[static_cast<std::size_t>(v)] = static_cast<float>(s);
        },
        2048);
  } else {
    tab.prob.resize(w.size());
    tab.alias.resize(w.size());
    parallel_chunks(static_cast<std::size_t>(n), 2048, [&](std::size_t, std::size_t lo, std::size_t hi) {
      std::vector<double> scaled;
      std::vector<std::int32_t> small, large;
      for (std::size_t v = lo; v < hi; ++v)
        build_alias_row(static_cast<node_t>(v), off.data(), w.data(), tab.total.data(), tab.prob.data(),
                        tab.alias.data(), scaled, small, large);
    });
  }
  P.total = tab.total.data();
  P.cum = tab.cum.data();
  P.prob = tab.prob.data();
  P.alias = tab.alias.data();
  return P;
}

}  // namespace sprig::detail
