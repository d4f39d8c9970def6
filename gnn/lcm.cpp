// sprig/gnn/lcm.cpp — see lcm.hpp.
#include <sprig/gnn/lcm.hpp>

#include <sprig/gnn/gemm.hpp>
#include <sprig/gnn/layers.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sprig::gnn {
namespace {

constexpr std::size_t kGrain = 256;

template <class Fn>
void for_rows(Eigen::Index n, Fn&& fn) {
  parallel_chunks(static_cast<std::size_t>(n), kGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) fn(static_cast<Eigen::Index>(i));
  });
}

inline float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

void init_uniform(Matrix& m, float bound, std::uint64_t seed, std::uint64_t tensor) {
  for (Eigen::Index e = 0; e < m.size(); ++e) {
    Philox rng(seed, tensor, static_cast<std::uint64_t>(e));
    m.data()[e] = (2.0f * rng.uniform_float() - 1.0f) * bound;
  }
}

// gi = x·W_ih + b_ih, gh = h·W_hh + b_hh (rows × 3F).
void gates(const GruCell& c, const Matrix& x, const Matrix& h, Matrix& gi, Matrix& gh) {
  gi = detail::matmul(x, c.w_ih.value);
  gh = detail::matmul(h, c.w_hh.value);
  for_rows(gi.rows(), [&](Eigen::Index r) {
    gi.row(r) += c.b_ih.value.row(0);
    gh.row(r) += c.b_hh.value.row(0);
  });
}

// One GRU row from its gate pre-activations a = x·W_ih + b_ih, b = h·W_hh + b_hh (3F each).
using ArrMap = Eigen::Map<Eigen::ArrayXf>;
using CArrMap = Eigen::Map<const Eigen::ArrayXf>;

// o = GRU(x; h) for one row from its gate pre-activations gi = x·W_ih + b_ih and
// gh = h·W_hh + b_hh (3F each, gates r|z|n). Eigen's vectorised logistic and
// tanh (its float approximations); tmp holds 2F floats.
inline void gru_point(const float* gi, const float* gh, const float* h, float* o, Eigen::Index F, float* tmp) {
  ArrMap r(tmp, F), z(tmp + F, F);
  r = (CArrMap(gi, F) + CArrMap(gh, F)).logistic();
  z = (CArrMap(gi + F, F) + CArrMap(gh + F, F)).logistic();
  ArrMap(o, F) = (1.0f - z) * (CArrMap(gi + 2 * F, F) + r * CArrMap(gh + 2 * F, F)).tanh() + z * CArrMap(h, F);
}

// Backward of gru_point for dL/do = s·g: adds the gate gradients di (input
// side, 3F) and dhh (hidden side, 3F) and the direct dL/dh term dd = s·g ⊙ z
// into the outputs that are non-null. tmp holds 5F floats.
inline void gru_point_backward(const float* gi, const float* gh, const float* h, const float* g, float s, float* di,
                               float* dhh, float* dd, Eigen::Index F, float* tmp) {
  ArrMap r(tmp, F), z(tmp + F, F), nn(tmp + 2 * F, F), gs(tmp + 3 * F, F), dnp(tmp + 4 * F, F);
  r = (CArrMap(gi, F) + CArrMap(gh, F)).logistic();
  z = (CArrMap(gi + F, F) + CArrMap(gh + F, F)).logistic();
  const CArrMap hn(gh + 2 * F, F);
  nn = (CArrMap(gi + 2 * F, F) + r * hn).tanh();
  gs = s * CArrMap(g, F);
  if (dd != nullptr) ArrMap(dd, F) += gs * z;
  dnp = gs * (1.0f - z) * (1.0f - nn * nn);
  nn = gs * (CArrMap(h, F) - nn) * z * (1.0f - z);  // now dL/d(z pre-activation)
  z = dnp * hn * r * (1.0f - r);                     // now dL/d(r pre-activation)
  if (di != nullptr) {
    ArrMap(di, F) += z;
    ArrMap(di + F, F) += nn;
    ArrMap(di + 2 * F, F) += dnp;
  }
  if (dhh != nullptr) {
    ArrMap(dhh, F) += z;
    ArrMap(dhh + F, F) += nn;
    ArrMap(dhh + 2 * F, F) += dnp * r;
  }
}

}  // namespace

GruCell::GruCell(int features, std::uint64_t seed, const std::string& name)
    : w_ih(name + ".w_ih", Matrix(features, 3 * features)),
      w_hh(name + ".w_hh", Matrix(features, 3 * features)),
      b_ih(name + ".b_ih", Matrix(1, 3 * features), false),
      b_hh(name + ".b_hh", Matrix(1, 3 * features), false) {
  SPRIG_EXPECTS(features > 0, "GruCell: features must be > 0 (got {})", features);
  const float bound = 1.0f / std::sqrt(static_cast<float>(features));
  init_uniform(w_ih.value, bound, seed, 0x6101);
  init_uniform(w_hh.value, bound, seed, 0x6102);
  init_uniform(b_ih.value, bound, seed, 0x6103);
  init_uniform(b_hh.value, bound, seed, 0x6104);
}

Matrix gru_forward(const GruCell& c, const Matrix& x, const Matrix& h) {
  const Eigen::Index F = c.features();
  SPRIG_EXPECTS(x.cols() == F && h.cols() == F && x.rows() == h.rows(),
                "gru: x is {}x{} and h is {}x{}, expected equal rows and {} columns", x.rows(), x.cols(), h.rows(),
                h.cols(), F);
  Matrix gi, gh;
  gates(c, x, h, gi, gh);
  Matrix out(x.rows(), F);
  parallel_chunks(static_cast<std::size_t>(x.rows()), kGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    std::vector<float> tmp(static_cast<std::size_t>(2 * F));
    for (std::size_t r = b; r < e; ++r)
      gru_point(gi.data() + r * 3 * F, gh.data() + r * 3 * F, h.data() + r * F, out.data() + r * F, F, tmp.data());
  });
  return out;
}

void gru_backward(GruCell& c, const Matrix& x, const Matrix& h, const Matrix& g, Matrix& dx, Matrix& dh) {
  const Eigen::Index F = c.features();
  SPRIG_EXPECTS(g.rows() == x.rows() && g.cols() == F, "gru backward: gradient is {}x{}, expected {}x{}", g.rows(),
                g.cols(), x.rows(), F);
  Matrix gi, gh;
  gates(c, x, h, gi, gh);
  Matrix dgi = Matrix::Zero(x.rows(), 3 * F), dgh = Matrix::Zero(x.rows(), 3 * F), dhd = Matrix::Zero(x.rows(), F);
  parallel_chunks(static_cast<std::size_t>(x.rows()), kGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    std::vector<float> tmp(static_cast<std::size_t>(5 * F));
    for (std::size_t r = b; r < e; ++r)
      gru_point_backward(gi.data() + r * 3 * F, gh.data() + r * 3 * F, h.data() + r * F, g.data() + r * F, 1.0f,
                         dgi.data() + r * 3 * F, dgh.data() + r * 3 * F, dhd.data() + r * F, F, tmp.data());
  });
  dx = detail::matmul_nt(dgi, c.w_ih.value);
  dh = detail::matmul_nt(dgh, c.w_hh.value);
  dh += dhd;
  detail::add_matmul_tn(c.w_ih.grad, x, dgi);
  detail::add_matmul_tn(c.w_hh.grad, h, dgh);
  c.b_ih.grad += detail::column_sums(dgi);
  c.b_hh.grad += detail::column_sums(dgh);
}

Matrix lcm_combine(const GruCell& c, const Matrix& a, const Matrix& b) {
  SPRIG_EXPECTS(a.rows() == b.rows() && a.cols() == b.cols(), "lcm: operands are {}x{} and {}x{}", a.rows(),
                a.cols(), b.rows(), b.cols());
  const Eigen::Index P = a.rows();
  Matrix x(2 * P, a.cols()), h(2 * P, a.cols());
  x.topRows(P) = a;
  x.bottomRows(P) = b;
  h.topRows(P) = b;
  h.bottomRows(P) = a;
  const Matrix g = gru_forward(c, x, h);
  return 0.5f * (g.topRows(P) + g.bottomRows(P));
}

void lcm_combine_backward(GruCell& c, const Matrix& a, const Matrix& b, const Matrix& grad_out, Matrix& da,
                          Matrix& db) {
  const Eigen::Index P = a.rows();
  Matrix x(2 * P, a.cols()), h(2 * P, a.cols()), g(2 * P, a.cols());
  x.topRows(P) = a;
  x.bottomRows(P) = b;
  h.topRows(P) = b;
  h.bottomRows(P) = a;
  g.topRows(P) = 0.5f * grad_out;
  g.bottomRows(P) = 0.5f * grad_out;
  Matrix dx, dh;
  gru_backward(c, x, h, g, dx, dh);
  da = dx.topRows(P) + dh.bottomRows(P);
  db = dx.bottomRows(P) + dh.topRows(P);
}

// ---------------------------------------------------------------- LSTM cell

LstmCell::LstmCell(int features, std::uint64_t seed, const std::string& name)
    : w_ih(name + ".w_ih", Matrix(features, 4 * features)),
      w_hh(name + ".w_hh", Matrix(features, 4 * features)),
      b_ih(name + ".b_ih", Matrix(1, 4 * features), false),
      b_hh(name + ".b_hh", Matrix(1, 4 * features), false) {
  SPRIG_EXPECTS(features > 0, "LstmCell: features must be > 0 (got {})", features);
  const float bound = 1.0f / std::sqrt(static_cast<float>(features));
  init_uniform(w_ih.value, bound, seed, 0x7101);
  init_uniform(w_hh.value, bound, seed, 0x7102);
  init_uniform(b_ih.value, bound, seed, 0x7103);
  init_uniform(b_hh.value, bound, seed, 0x7104);
}

namespace {

// Pre-activations x·W_ih + b_ih + h·W_hh + b_hh (rows × 4F).
Matrix lstm_gates(const LstmCell& c, const Matrix& x, const Matrix& h) {
  Matrix gt = detail::matmul(x, c.w_ih.value);
  gt.noalias() += detail::matmul(h, c.w_hh.value);
  for_rows(gt.rows(), [&](Eigen::Index r) { gt.row(r) += c.b_ih.value.row(0) + c.b_hh.value.row(0); });
  return gt;
}

void lstm_step(const LstmCell& cell, const Matrix& x, const Matrix& h, const Matrix& c, Matrix& h2, Matrix& c2) {
  const Matrix gt = lstm_gates(cell, x, h);
  const Eigen::Index F = x.cols();
  h2.resize(x.rows(), F);
  c2.resize(x.rows(), F);
  for_rows(x.rows(), [&](Eigen::Index r) {
    const float* a = gt.data() + r * 4 * F;
    for (Eigen::Index f = 0; f < F; ++f) {
      const float i = sigmoid(a[f]), fg = sigmoid(a[F + f]), g = std::tanh(a[2 * F + f]), o = sigmoid(a[3 * F + f]);
      const float cn = fg * c(r, f) + i * g;
      c2(r, f) = cn;
      h2(r, f) = o * std::tanh(cn);
    }
  });
}

// Backward of one step given dL/dh2 and dL/dc2: dx, dh, dc; adds parameter gradients.
void lstm_step_backward(LstmCell& cell, const Matrix& x, const Matrix& h, const Matrix& c, const Matrix& dh2,
                        const Matrix& dc2, Matrix& dx, Matrix& dh, Matrix& dc) {
  const Matrix gt = lstm_gates(cell, x, h);
  const Eigen::Index F = x.cols();
  Matrix dg(x.rows(), 4 * F);
  dc.resize(x.rows(), F);
  for_rows(x.rows(), [&](Eigen::Index r) {
    const float* a = gt.data() + r * 4 * F;
    float* d = dg.data() + r * 4 * F;
    for (Eigen::Index f = 0; f < F; ++f) {
      const float i = sigmoid(a[f]), fg = sigmoid(a[F + f]), g = std::tanh(a[2 * F + f]), o = sigmoid(a[3 * F + f]);
      const float cn = fg * c(r, f) + i * g;
      const float tc = std::tanh(cn);
      const float dct = dc2(r, f) + dh2(r, f) * o * (1.0f - tc * tc);
      d[f] = dct * g * i * (1.0f - i);
      d[F + f] = dct * c(r, f) * fg * (1.0f - fg);
      d[2 * F + f] = dct * i * (1.0f - g * g);
      d[3 * F + f] = dh2(r, f) * tc * o * (1.0f - o);
      dc(r, f) = dct * fg;
    }
  });
  dx = detail::matmul_nt(dg, cell.w_ih.value);
  dh = detail::matmul_nt(dg, cell.w_hh.value);
  detail::add_matmul_tn(cell.w_ih.grad, x, dg);
  detail::add_matmul_tn(cell.w_hh.grad, h, dg);
  const Matrix cs = detail::column_sums(dg);
  cell.b_ih.grad += cs;
  cell.b_hh.grad += cs;
}

}  // namespace

// ---------------------------------------------------------------- LCM tree

namespace {

// [W_ih | W_hh] (F × 6F), its transpose and [b_ih | b_hh]: one GEMM projects an
// operand through both sides of the GRU, which is what ⊕ needs of it (it is the
// input of one of the two GRU evaluations and the hidden state of the other).
struct PackedGru {
  Matrix w, wt, b;
  explicit PackedGru(const GruCell& c) {
    const Eigen::Index F = c.features();
    w.resize(F, 6 * F);
    w.leftCols(3 * F) = c.w_ih.value;
    w.rightCols(3 * F) = c.w_hh.value;
    wt = w.transpose();
    b.resize(1, 6 * F);
    b.leftCols(3 * F) = c.b_ih.value;
    b.rightCols(3 * F) = c.b_hh.value;
  }
};

constexpr Eigen::Index kBlockPairs = 128;  // pairs (2 operand rows each) per GEMM block
constexpr std::size_t kMaxRanges = 256;    // per-range partial weight gradients (fixed count, any thread count)

// Grain of the fixed ranges over `count` items: at most kMaxRanges ranges, so the
// per-range F × 6F gradient partials stay small; depends on count only.
std::size_t range_grain(std::size_t count) {
  return std::max<std::size_t>(static_cast<std::size_t>(kBlockPairs), (count + kMaxRanges - 1) / kMaxRanges);
}

// Adds the per-range partials in range order (deterministic) into the cell's gradients.
void add_partials(GruCell& c, const std::vector<Matrix>& dw, const std::vector<Matrix>& db) {
  const Eigen::Index F = c.features();
  Matrix w = Matrix::Zero(F, 6 * F), b = Matrix::Zero(1, 6 * F);
  for (std::size_t r = 0; r < dw.size(); ++r) {
    if (dw[r].size() == 0) continue;
    w += dw[r];
    b += db[r];
  }
  c.w_ih.grad += w.leftCols(3 * F);
  c.w_hh.grad += w.rightCols(3 * F);
  c.b_ih.grad += b.leftCols(3 * F);
  c.b_hh.grad += b.rightCols(3 * F);
}

// G = Z·W + b for the first `rows` rows (row-major, contiguous).
void project(const PackedGru& pk, const float* z, Eigen::Index rows, Matrix& g) {
  const Eigen::Index F = pk.w.rows();
  detail::gemm(rows, 6 * F, F, z, F, 1, pk.w.data(), 6 * F, g.data(), 6 * F, false);
  g.topRows(rows).rowwise() += pk.b.row(0);
}

// Pairs [s, s + k) of a tree level: rows 2i and 2i + 1 of z ← the rows of `prev`
// holding pair s + i's operands, then g ← their projections (the forward, and
// the backward again, since it recomputes the gates rather than storing them).
template <class Level>
void project_pairs(const PackedGru& pk, const Matrix& prev, const Level& lv, std::size_t s, Eigen::Index k, Matrix& z,
                   Matrix& g) {
  for (Eigen::Index i = 0; i < k; ++i) {
    z.row(2 * i) = prev.row(lv.left[s + i]);
    z.row(2 * i + 1) = prev.row(lv.right[s + i]);
  }
  project(pk, z.data(), 2 * k, g);
}

// C (rows × F) += dG (rows × 6F) · Wᵀ.
void back_project(const PackedGru& pk, const Matrix& dg, Eigen::Index rows, float* c) {
  const Eigen::Index F = pk.w.rows();
  detail::gemm(rows, F, 6 * F, dg.data(), 6 * F, 1, pk.wt.data(), F, c, F, true);
}

// dW (F × 6F) += Zᵀ (F × rows) · dG (rows × 6F), Z row-major rows × F read in place.
void add_weight_grad(const float* z, const Matrix& dg, Eigen::Index rows, Matrix& dw) {
  const Eigen::Index F = dw.rows();
  detail::gemm(F, 6 * F, rows, z, 1, F, dg.data(), 6 * F, dw.data(), 6 * F, true);
}

// out = a ⊕ b from the projected rows ga, gb (6F: input side | hidden side) and the operands.
inline void pair_point(const float* ga, const float* gb, const float* a, const float* b, float* out, Eigen::Index F,
                       float* tmp) {
  gru_point(ga, gb + 3 * F, b, tmp, F, tmp + F);      // GRU(a; b)
  gru_point(gb, ga + 3 * F, a, out, F, tmp + F);      // GRU(b; a)
  ArrMap(out, F) = 0.5f * (ArrMap(out, F) + ArrMap(tmp, F));
}

}  // namespace

LcmAggregator::LcmAggregator(int features, const LcmOptions& opt, const std::string& name)
    : features_(features), opt_(opt), cell_(features, opt.seed, name + ".gru") {
  SPRIG_EXPECTS(opt.assoc_lambda >= 0, "lcm: assoc_lambda must be ≥ 0 (got {})", opt.assoc_lambda);
  SPRIG_EXPECTS(opt.assoc_triples >= 0, "lcm: assoc_triples must be ≥ 0 (got {})", opt.assoc_triples);
}

Matrix LcmAggregator::forward(const Block& block, const Matrix& x, const Context& ctx) {
  validate_block(block, "lcm aggregator");
  SPRIG_EXPECTS(x.rows() == block.num_src && x.cols() == features_,
                "lcm aggregator: features are {}x{}, expected num_src x {} = {}x{}", x.rows(), x.cols(), features_,
                block.num_src, features_);
  const node_t n = block.num_dst;
  const Eigen::Index F = features_;
  levels_.clear();
  final_kind_.assign(static_cast<std::size_t>(n), 0);
  final_level_.assign(static_cast<std::size_t>(n), 0);
  final_index_.assign(static_cast<std::size_t>(n), 0);
  // Current items of each active row: [start, start + count) in the current level's item space.
  std::vector<node_t> active;
  std::vector<std::int64_t> start, count;
  for (node_t i = 0; i < n; ++i) {
    const edge_t d = block.offsets[i + 1] - block.offsets[i];
    if (d == 1) {
      final_kind_[i] = 1;
      final_index_[i] = block.offsets[i];
    } else if (d >= 2) {
      active.push_back(i);
      start.push_back(block.offsets[i]);
      count.push_back(d);
    }
  }
  const PackedGru pk(cell_);
  std::vector<float> ws;
  while (!active.empty()) {
    const std::size_t l = levels_.size();
    Level lv;
    std::vector<node_t> nactive;
    std::vector<std::int64_t> nstart, ncount;
    std::int64_t cursor = 0;
    for (std::size_t k = 0; k < active.size(); ++k) {
      const std::int64_t s = start[k], c = count[k];
      const std::int64_t ns = cursor;
      for (std::int64_t q = 0; q + 1 < c; q += 2) {
        lv.left.push_back(s + q);
        lv.right.push_back(s + q + 1);
        lv.pair_to.push_back(cursor++);
      }
      if (c % 2 == 1) {
        lv.carry_from.push_back(s + c - 1);
        lv.carry_to.push_back(cursor++);
      }
      const std::int64_t nc = cursor - ns;
      if (nc == 1) {
        final_kind_[active[k]] = 2;
        final_level_[active[k]] = static_cast<std::int32_t>(l + 1);
        final_index_[active[k]] = ns;
      } else {
        nactive.push_back(active[k]);
        nstart.push_back(ns);
        ncount.push_back(nc);
      }
    }
    lv.next.resize(cursor, F);
    const std::size_t P = lv.pair_to.size();
    if (l == 0) {
      // Level 0 combines source rows, which many arcs share: each source row is
      // projected once (G0 = x·[W_ih | W_hh] + b, num_src × 6F, kept for the
      // backward), then every pair is pointwise.
      g0_.resize(block.num_src, 6 * F);
      parallel_chunks(static_cast<std::size_t>(block.num_src), 512, [&](std::size_t, std::size_t b, std::size_t e) {
        const auto r0 = static_cast<Eigen::Index>(b), rn = static_cast<Eigen::Index>(e - b);
        detail::gemm(rn, 6 * F, F, x.data() + r0 * F, F, 1, pk.w.data(), 6 * F, g0_.data() + r0 * 6 * F, 6 * F, false);
        g0_.middleRows(r0, rn).rowwise() += pk.b.row(0);
      });
      parallel_chunks(P, 1024, [&](std::size_t, std::size_t b, std::size_t e) {
        std::vector<float> tmp(static_cast<std::size_t>(4 * F));
        for (std::size_t p = b; p < e; ++p) {
          const std::ptrdiff_t ja = block.targets[lv.left[p]], jb = block.targets[lv.right[p]];
          pair_point(g0_.data() + ja * 6 * F, g0_.data() + jb * 6 * F, x.data() + ja * F, x.data() + jb * F,
                     lv.next.data() + lv.pair_to[p] * F, F, tmp.data());
        }
      });
    } else {
      // One GEMM per block of pairs over the stacked operands (2 rows per pair),
      // then the pointwise GRUs; nothing per pair is kept for the backward.
      const Matrix& prev = levels_[l - 1].next;
      parallel_chunks(P, range_grain(P), [&](std::size_t, std::size_t b, std::size_t e) {
        Matrix z(2 * kBlockPairs, F), g(2 * kBlockPairs, 6 * F);
        std::vector<float> tmp(static_cast<std::size_t>(4 * F));
        for (std::size_t s = b; s < e; s += kBlockPairs) {
          const auto k = static_cast<Eigen::Index>(std::min<std::size_t>(kBlockPairs, e - s));
          project_pairs(pk, prev, lv, s, k, z, g);
          for (Eigen::Index i = 0; i < k; ++i)
            pair_point(g.data() + 2 * i * 6 * F, g.data() + (2 * i + 1) * 6 * F, z.data() + 2 * i * F,
                       z.data() + (2 * i + 1) * F, lv.next.data() + lv.pair_to[s + i] * F, F, tmp.data());
        }
      });
    }
    parallel_for<std::size_t>(0, lv.carry_to.size(), [&](std::size_t k) {
      if (l == 0) lv.next.row(lv.carry_to[k]) = x.row(block.targets[lv.carry_from[k]]);
      else lv.next.row(lv.carry_to[k]) = levels_[l - 1].next.row(lv.carry_from[k]);
    }, 512);
    levels_.push_back(std::move(lv));
    active.swap(nactive);
    start.swap(nstart);
    count.swap(ncount);
  }
  Matrix out(n, F);
  for_rows(n, [&](Eigen::Index i) {
    switch (final_kind_[i]) {
      case 0: out.row(i).setZero(); break;
      case 1: out.row(i) = x.row(block.targets[final_index_[i]]); break;
      default: out.row(i) = levels_[final_level_[i] - 1].next.row(final_index_[i]); break;
    }
  });

  penalty_ = 0;
  ta_.clear();
  tb_.clear();
  tc_.clear();
  if (ctx.training && opt_.assoc_lambda > 0 && opt_.assoc_triples > 0) {
    std::vector<node_t> rich;
    for (node_t i = 0; i < n; ++i)
      if (block.offsets[i + 1] - block.offsets[i] >= 3) rich.push_back(i);
    if (!rich.empty()) {
      for (int k = 0; k < opt_.assoc_triples; ++k) {
        Philox rng(opt_.seed ^ 0xa55ec1a7e5ULL, static_cast<std::uint64_t>(k), ctx.step);
        const node_t i = rich[rng.bounded(static_cast<std::uint32_t>(rich.size()))];
        const auto d = static_cast<std::uint32_t>(block.offsets[i + 1] - block.offsets[i]);
        std::uint32_t p = rng.bounded(d), q = rng.bounded(d - 1), r = rng.bounded(d - 2);
        // Three distinct positions: q skips p, r skips both.
        if (q >= p) ++q;
        const std::uint32_t lo = std::min(p, q), hi = std::max(p, q);
        if (r >= lo) ++r;
        if (r >= hi) ++r;
        ta_.push_back(block.targets[block.offsets[i] + p]);
        tb_.push_back(block.targets[block.offsets[i] + q]);
        tc_.push_back(block.targets[block.offsets[i] + r]);
      }
      const Eigen::Index T = static_cast<Eigen::Index>(ta_.size());
      Matrix A(T, F), B(T, F), C(T, F);
      for (Eigen::Index k = 0; k < T; ++k) {
        A.row(k) = x.row(ta_[k]);
        B.row(k) = x.row(tb_[k]);
        C.row(k) = x.row(tc_[k]);
      }
      const Matrix left = lcm_combine(cell_, lcm_combine(cell_, A, B), C);
      const Matrix right = lcm_combine(cell_, A, lcm_combine(cell_, B, C));
      penalty_ = opt_.assoc_lambda * static_cast<double>((left - right).squaredNorm()) / static_cast<double>(T);
    }
  }
  depth_ = static_cast<int>(levels_.size());
  trained_ = ctx.training;
  if (ctx.training) {
    x_ = x;
  } else {
    levels_.clear();
    g0_.resize(0, 0);
  }
  return out;
}

Matrix LcmAggregator::backward(const Block& block, const Matrix& grad_out) {
  SPRIG_EXPECTS(trained_ && x_.rows() == block.num_src && grad_out.rows() == block.num_dst &&
                    grad_out.cols() == features_ && static_cast<node_t>(final_kind_.size()) == block.num_dst,
                "lcm aggregator: backward needs a training forward on this block and a {}x{} gradient (got {}x{})",
                block.num_dst, features_, grad_out.rows(), grad_out.cols());
  const node_t n = block.num_dst;
  const std::size_t L = levels_.size();
  const Eigen::Index F = features_;
  const PackedGru pk(cell_);
  // dv[l]: gradients of the values levels_[l−1].next (l ≥ 1), seeded by the rows that end there.
  std::vector<Matrix> dv(L + 1);
  for (std::size_t l = 1; l <= L; ++l) dv[l] = Matrix::Zero(levels_[l - 1].next.rows(), F);
  for (node_t i = 0; i < n; ++i)
    if (final_kind_[i] == 2) dv[final_level_[i]].row(final_index_[i]) += grad_out.row(i);

  // Levels L−1 … 1, batched like the forward: per block of pairs, re-project the
  // operands (one GEMM), pointwise backward of both GRUs into the gate gradients
  // dG (2 rows × 6F per pair), then dZ = dG·Wᵀ + the direct z ⊙ g terms, and the
  // weight gradient Zᵀ·dG into a fixed per-range partial.
  for (std::size_t l = L; l-- > 1;) {
    const Level& lv = levels_[l];
    const Matrix& prev = levels_[l - 1].next;
    const Matrix& gnext = dv[l + 1];
    Matrix& gcur = dv[l];
    const std::size_t P = lv.pair_to.size();
    const std::size_t grain = range_grain(P);
    std::vector<Matrix> pw(num_chunks(P, grain)), pb(num_chunks(P, grain));
    parallel_chunks(P, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
      Matrix z(2 * kBlockPairs, F), g(2 * kBlockPairs, 6 * F), dg(2 * kBlockPairs, 6 * F), dz(2 * kBlockPairs, F);
      std::vector<float> tmp(static_cast<std::size_t>(6 * F));
      pw[c] = Matrix::Zero(F, 6 * F);
      pb[c] = Matrix::Zero(1, 6 * F);
      for (std::size_t s = b; s < e; s += kBlockPairs) {
        const auto k = static_cast<Eigen::Index>(std::min<std::size_t>(kBlockPairs, e - s));
        project_pairs(pk, prev, lv, s, k, z, g);
        dg.topRows(2 * k).setZero();
        dz.topRows(2 * k).setZero();
        for (Eigen::Index i = 0; i < k; ++i) {
          const float* gy = gnext.data() + lv.pair_to[s + i] * F;
          float* ga = g.data() + 2 * i * 6 * F;
          float* gb = ga + 6 * F;
          float* dga = dg.data() + 2 * i * 6 * F;
          float* dgb = dga + 6 * F;
          const float* a = z.data() + 2 * i * F;
          const float* bb = a + F;
          // GRU(a; b): a's input side, b's hidden side and direct term; GRU(b; a) mirrored.
          gru_point_backward(ga, gb + 3 * F, bb, gy, 0.5f, dga, dgb + 3 * F, dz.data() + (2 * i + 1) * F, F, tmp.data());
          gru_point_backward(gb, ga + 3 * F, a, gy, 0.5f, dgb, dga + 3 * F, dz.data() + 2 * i * F, F, tmp.data());
        }
        back_project(pk, dg, 2 * k, dz.data());
        add_weight_grad(z.data(), dg, 2 * k, pw[c]);
        pb[c] += dg.topRows(2 * k).colwise().sum();
        // Every item of a level is the operand of exactly one pair or carried once: no write conflicts.
        for (Eigen::Index i = 0; i < k; ++i) {
          gcur.row(lv.left[s + i]) += dz.row(2 * i);
          gcur.row(lv.right[s + i]) += dz.row(2 * i + 1);
        }
      }
    });
    add_partials(cell_, pw, pb);
    parallel_for<std::size_t>(0, lv.carry_from.size(), [&](std::size_t k) {
      gcur.row(lv.carry_from[k]) += gnext.row(lv.carry_to[k]);
    }, 512);
    dv[l + 1].resize(0, 0);
    levels_[l].next.resize(0, 0);
  }

  // Level 0 and the rows with one neighbour: pull per source over the transpose.
  // Each arc of source j knows its role (operand of a level-0 pair, carried, or
  // a row's only neighbour); a pair's GRUs are re-evaluated pointwise from the
  // stored per-source projections G0, adding j's gate gradients (its input side
  // in GRU(j; partner), its hidden side in GRU(partner; j)) into dG0[j]; then
  // dx = dG0·Wᵀ + direct terms and dW += xᵀ·dG0, per fixed block of sources.
  const edge_t m = block.num_arcs();
  std::vector<std::int8_t> arc_kind(static_cast<std::size_t>(m), 0);  // 1 left, 2 right, 3 carried, 4 only neighbour
  std::vector<std::int64_t> arc_row(static_cast<std::size_t>(m), 0);
  parallel_for<node_t>(0, n, [&](node_t i) {
    if (final_kind_[i] == 1) {
      arc_kind[final_index_[i]] = 4;
      arc_row[final_index_[i]] = i;
    }
  }, 4096);
  static const Matrix kNoGrad;
  const Matrix& dv1 = L > 0 ? dv[1] : kNoGrad;
  if (L > 0) {
    const Level& lv = levels_[0];
    parallel_for<std::size_t>(0, lv.pair_to.size(), [&](std::size_t p) {
      arc_kind[lv.left[p]] = 1;
      arc_row[lv.left[p]] = static_cast<std::int64_t>(p);
      arc_kind[lv.right[p]] = 2;
      arc_row[lv.right[p]] = static_cast<std::int64_t>(p);
    }, 4096);
    parallel_for<std::size_t>(0, lv.carry_from.size(), [&](std::size_t k) {
      arc_kind[lv.carry_from[k]] = 3;
      arc_row[lv.carry_from[k]] = lv.carry_to[k];
    }, 4096);
  }
  const Transposed& tr = tcache_.get(block);
  const std::size_t ns = static_cast<std::size_t>(block.num_src);
  const std::size_t grain = range_grain(ns);
  Matrix dx(block.num_src, F);
  std::vector<Matrix> pw(num_chunks(ns, grain)), pb(num_chunks(ns, grain));
  const Level* lv0 = L > 0 ? &levels_[0] : nullptr;
  parallel_chunks(ns, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    Matrix dg(kBlockPairs, 6 * F);
    std::vector<float> tmp(static_cast<std::size_t>(6 * F));
    if (lv0 != nullptr) {
      pw[c] = Matrix::Zero(F, 6 * F);
      pb[c] = Matrix::Zero(1, 6 * F);
    }
    for (std::size_t s = b; s < e; s += kBlockPairs) {
      const auto k = static_cast<Eigen::Index>(std::min<std::size_t>(kBlockPairs, e - s));
      dg.topRows(k).setZero();
      dx.middleRows(static_cast<Eigen::Index>(s), k).setZero();
      bool any_pair = false;
      for (Eigen::Index i = 0; i < k; ++i) {
        const auto j = static_cast<std::ptrdiff_t>(s) + i;
        float* d = dx.data() + j * F;
        for (edge_t t = tr.offsets[j]; t < tr.offsets[j + 1]; ++t) {
          const edge_t a = tr.arcs[t];
          const std::int64_t r = arc_row[a];
          switch (arc_kind[a]) {
            case 1:
            case 2: {
              const std::ptrdiff_t v = block.targets[arc_kind[a] == 1 ? lv0->right[r] : lv0->left[r]];
              const float* gy = dv1.data() + lv0->pair_to[r] * F;
              const float* gj = g0_.data() + j * 6 * F;
              const float* gv = g0_.data() + v * 6 * F;
              float* dgj = dg.data() + i * 6 * F;
              gru_point_backward(gj, gv + 3 * F, x_.data() + v * F, gy, 0.5f, dgj, nullptr, nullptr, F, tmp.data());
              gru_point_backward(gv, gj + 3 * F, x_.data() + j * F, gy, 0.5f, nullptr, dgj + 3 * F, d, F, tmp.data());
              any_pair = true;
              break;
            }
            case 3: ArrMap(d, F) += CArrMap(dv1.data() + r * F, F); break;
            case 4: ArrMap(d, F) += CArrMap(grad_out.data() + r * F, F); break;
            default: break;
          }
        }
      }
      if (any_pair) {
        back_project(pk, dg, k, dx.data() + static_cast<Eigen::Index>(s) * F);
        add_weight_grad(x_.data() + static_cast<Eigen::Index>(s) * F, dg, k, pw[c]);
        pb[c] += dg.topRows(k).colwise().sum();
      }
    }
  });
  if (lv0 != nullptr) add_partials(cell_, pw, pb);
  levels_.clear();
  g0_.resize(0, 0);
  dv.clear();
  // The associativity regulariser: d/dθ and d/dx of λ/T Σ ‖(a⊕b)⊕c − a⊕(b⊕c)‖².
  if (!ta_.empty()) {
    const Eigen::Index T = static_cast<Eigen::Index>(ta_.size());
    Matrix A(T, F), B(T, F), C(T, F);
    for (Eigen::Index k = 0; k < T; ++k) {
      A.row(k) = x_.row(ta_[k]);
      B.row(k) = x_.row(tb_[k]);
      C.row(k) = x_.row(tc_[k]);
    }
    const Matrix ab = lcm_combine(cell_, A, B), bc = lcm_combine(cell_, B, C);
    const Matrix diff = lcm_combine(cell_, ab, C) - lcm_combine(cell_, A, bc);
    const Matrix gl = (2.0f * opt_.assoc_lambda / static_cast<float>(T)) * diff;
    const Matrix gr = -gl;
    Matrix dab, dc1, da2, dbc, da1, db1, db2, dc2;
    lcm_combine_backward(cell_, ab, C, gl, dab, dc1);
    lcm_combine_backward(cell_, A, bc, gr, da2, dbc);
    lcm_combine_backward(cell_, A, B, dab, da1, db1);
    lcm_combine_backward(cell_, B, C, dbc, db2, dc2);
    for (Eigen::Index k = 0; k < T; ++k) {
      dx.row(ta_[k]) += da1.row(k) + da2.row(k);
      dx.row(tb_[k]) += db1.row(k) + db2.row(k);
      dx.row(tc_[k]) += dc1.row(k) + dc2.row(k);
    }
  }
  trained_ = false;
  return dx;
}
// ---------------------------------------------------------------- sequential GRU

GruSequenceAggregator::GruSequenceAggregator(int features, std::uint64_t seed, const std::string& name, bool lstm)
    : features_(features), seed_(seed), lstm_(lstm) {
  if (lstm) lcell_ = LstmCell(features, seed, name + ".lstm");
  else cell_ = GruCell(features, seed, name + ".gru");
}

Matrix GruSequenceAggregator::forward(const Block& block, const Matrix& x, const Context& ctx) {
  validate_block(block, lstm_ ? "lstm aggregator" : "gru aggregator");
  SPRIG_EXPECTS(x.rows() == block.num_src && x.cols() == features_,
                "gru aggregator: features are {}x{}, expected num_src x {} = {}x{}", x.rows(), x.cols(), features_,
                block.num_src, features_);
  const node_t n = block.num_dst;
  auto deg = [&](node_t i) { return block.offsets[i + 1] - block.offsets[i]; };
  order_.resize(static_cast<std::size_t>(n));
  std::iota(order_.begin(), order_.end(), 0);
  std::stable_sort(order_.begin(), order_.end(), [&](node_t a, node_t b) { return deg(a) > deg(b); });
  const edge_t T = n > 0 ? deg(order_[0]) : 0;
  // Each row's arcs in a seeded random order (Fisher–Yates keyed by (seed, row)), in one flat array.
  std::vector<edge_t> perm(static_cast<std::size_t>(block.num_arcs()));
  parallel_for(node_t{0}, n, [&](node_t i) {
    edge_t* p = perm.data() + block.offsets[i];
    const edge_t d = deg(i);
    std::iota(p, p + d, block.offsets[i]);
    Philox rng(seed_, static_cast<std::uint64_t>(i), 0x5e9);
    for (edge_t k = d; k > 1; --k) std::swap(p[k - 1], p[rng.bounded(static_cast<std::uint32_t>(k))]);
  }, 256);
  step_arcs_.assign(static_cast<std::size_t>(T), {});
  h_.assign(1, Matrix::Zero(0, features_));
  std::size_t alive = static_cast<std::size_t>(n);
  Matrix h = Matrix::Zero(static_cast<Eigen::Index>(std::count_if(order_.begin(), order_.end(), [&](node_t i) { return deg(i) > 0; })), features_);
  h_[0] = h;
  c_.assign(1, h);
  for (edge_t t = 0; t < T; ++t) {
    while (alive > 0 && deg(order_[alive - 1]) <= t) --alive;
    auto& arcs = step_arcs_[t];
    arcs.resize(alive);
    Matrix xs(static_cast<Eigen::Index>(alive), features_);
    for (std::size_t k = 0; k < alive; ++k) {
      arcs[k] = perm[block.offsets[order_[k]] + t];
      xs.row(static_cast<Eigen::Index>(k)) = x.row(block.targets[arcs[k]]);
    }
    const Matrix hp = h_.back().topRows(static_cast<Eigen::Index>(alive));
    if (lstm_) {
      const Matrix cp = c_.back().topRows(static_cast<Eigen::Index>(alive));
      Matrix h2, c2;
      lstm_step(lcell_, xs, hp, cp, h2, c2);
      h_.push_back(std::move(h2));
      c_.push_back(std::move(c2));
    } else {
      h_.push_back(gru_forward(cell_, xs, hp));
    }
  }
  Matrix out = Matrix::Zero(n, features_);
  // Row order_[k] finishes at step deg − 1: its state is row k of h_[deg].
  for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k) {
    const edge_t d = deg(order_[k]);
    if (d > 0) out.row(order_[k]) = h_[d].row(static_cast<Eigen::Index>(k));
  }
  trained_ = ctx.training;
  if (ctx.training) x_ = x;
  else h_.clear(), c_.clear();
  return out;
}

Matrix GruSequenceAggregator::backward(const Block& block, const Matrix& grad_out) {
  SPRIG_EXPECTS(trained_ && x_.rows() == block.num_src && grad_out.rows() == block.num_dst &&
                    grad_out.cols() == features_,
                "gru aggregator: backward needs a training forward on this block and a {}x{} gradient", block.num_dst,
                features_);
  const edge_t T = static_cast<edge_t>(step_arcs_.size());
  auto deg = [&](node_t i) { return block.offsets[i + 1] - block.offsets[i]; };
  Matrix dx = Matrix::Zero(block.num_src, features_);
  Matrix dh, dc;  // gradients of h_t (and the LSTM's c_t) for the alive prefix of step t
  for (edge_t t = T; t-- > 0;) {
    const Eigen::Index alive = static_cast<Eigen::Index>(step_arcs_[t].size());
    Matrix g = Matrix::Zero(alive, features_);
    if (dh.rows() > 0) g.topRows(dh.rows()) = dh;
    for (Eigen::Index k = 0; k < alive; ++k)
      if (deg(order_[k]) == t + 1) g.row(k) += grad_out.row(order_[k]);
    Matrix xs(alive, features_);
    for (Eigen::Index k = 0; k < alive; ++k) xs.row(k) = x_.row(block.targets[step_arcs_[t][k]]);
    const Matrix hp = h_[t].topRows(alive);
    Matrix dxs, dhp;
    if (lstm_) {
      Matrix gc = Matrix::Zero(alive, features_);
      if (dc.rows() > 0) gc.topRows(dc.rows()) = dc;
      Matrix dcp;
      lstm_step_backward(lcell_, xs, hp, c_[t].topRows(alive), g, gc, dxs, dhp, dcp);
      dc = std::move(dcp);
    } else {
      gru_backward(cell_, xs, hp, g, dxs, dhp);
    }
    // Serial scatter in a fixed order: deterministic.
    for (Eigen::Index k = 0; k < alive; ++k) dx.row(block.targets[step_arcs_[t][k]]) += dxs.row(k);
    dh = std::move(dhp);
  }
  return dx;
}

}  // namespace sprig::gnn
