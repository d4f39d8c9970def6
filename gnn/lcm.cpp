// sprig/gnn/lcm.cpp — see lcm.hpp.
#include <sprig/gnn/lcm.hpp>

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
inline void gru_row(const float* a, const float* b, const float* hr, float* o, Eigen::Index F) {
  for (Eigen::Index f = 0; f < F; ++f) {
    const float rg = sigmoid(a[f] + b[f]);
    const float z = sigmoid(a[F + f] + b[F + f]);
    const float n = std::tanh(a[2 * F + f] + rg * b[2 * F + f]);
    o[f] = (1.0f - z) * n + z * hr[f];
  }
}

// Its backward for dL/dout = gr: gate gradients di (input side), dhh (hidden side), and the direct dL/dh term dd.
inline void gru_row_backward(const float* a, const float* b, const float* hr, const float* gr, float* di, float* dhh,
                             float* dd, Eigen::Index F) {
  for (Eigen::Index f = 0; f < F; ++f) {
    const float rg = sigmoid(a[f] + b[f]);
    const float z = sigmoid(a[F + f] + b[F + f]);
    const float n = std::tanh(a[2 * F + f] + rg * b[2 * F + f]);
    const float dn = gr[f] * (1.0f - z);
    const float dz = gr[f] * (hr[f] - n);
    dd[f] = gr[f] * z;
    const float dnp = dn * (1.0f - n * n);
    const float drp = dnp * b[2 * F + f] * rg * (1.0f - rg);
    const float dzp = dz * z * (1.0f - z);
    di[f] = drp;
    di[F + f] = dzp;
    di[2 * F + f] = dnp;
    dhh[f] = drp;
    dhh[F + f] = dzp;
    dhh[2 * F + f] = dnp * rg;
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
  for_rows(x.rows(), [&](Eigen::Index r) {
    gru_row(gi.data() + r * 3 * F, gh.data() + r * 3 * F, h.data() + r * F, out.data() + r * F, F);
  });
  return out;
}

void gru_backward(GruCell& c, const Matrix& x, const Matrix& h, const Matrix& g, Matrix& dx, Matrix& dh) {
  const Eigen::Index F = c.features();
  SPRIG_EXPECTS(g.rows() == x.rows() && g.cols() == F, "gru backward: gradient is {}x{}, expected {}x{}", g.rows(),
                g.cols(), x.rows(), F);
  Matrix gi, gh;
  gates(c, x, h, gi, gh);
  Matrix dgi(x.rows(), 3 * F), dgh(x.rows(), 3 * F), dhd(x.rows(), F);
  for_rows(x.rows(), [&](Eigen::Index r) {
    gru_row_backward(gi.data() + r * 3 * F, gh.data() + r * 3 * F, h.data() + r * F, g.data() + r * F,
                     dgi.data() + r * 3 * F, dgh.data() + r * 3 * F, dhd.data() + r * F, F);
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

LcmAggregator::LcmAggregator(int features, const LcmOptions& opt, const std::string& name)
    : features_(features), opt_(opt), cell_(features, opt.seed, name + ".gru") {
  SPRIG_EXPECTS(opt.assoc_lambda >= 0, "lcm: assoc_lambda must be ≥ 0 (got {})", opt.assoc_lambda);
  SPRIG_EXPECTS(opt.assoc_triples >= 0, "lcm: assoc_triples must be ≥ 0 (got {})", opt.assoc_triples);
}

Matrix LcmAggregator::gather(std::size_t level, const std::vector<std::int64_t>& items, const Block& block,
                             const Matrix& x) const {
  Matrix out(static_cast<Eigen::Index>(items.size()), features_);
  for_rows(out.rows(), [&](Eigen::Index r) {
    if (level == 0) out.row(r) = x.row(block.targets[items[r]]);
    else out.row(r) = levels_[level - 1].next.row(items[r]);
  });
  return out;
}

Matrix LcmAggregator::forward(const Block& block, const Matrix& x, const Context& ctx) {
  validate_block(block, "lcm aggregator");
  SPRIG_EXPECTS(x.rows() == block.num_src && x.cols() == features_,
                "lcm aggregator: features are {}x{}, expected num_src x {} = {}x{}", x.rows(), x.cols(), features_,
                block.num_src, features_);
  const node_t n = block.num_dst;
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
    lv.next.resize(cursor, features_);
    if (l == 0) {
      // Level 0 combines source rows, which many arcs share: the gate
      // pre-activations are computed once per source row (2 GEMMs over num_src
      // rows instead of 4 over the pairs), then each pair is pointwise.
      Matrix gi, gh;
      gates(cell_, x, x, gi, gh);
      const Eigen::Index F = features_;
      Matrix y2(static_cast<Eigen::Index>(lv.pair_to.size()), F);
      for_rows(y2.rows(), [&](Eigen::Index p) {
        const std::ptrdiff_t ja = block.targets[lv.left[p]], jb = block.targets[lv.right[p]];
        float* o = lv.next.data() + lv.pair_to[p] * F;
        float* o2 = y2.data() + p * F;
        gru_row(gi.data() + ja * 3 * F, gh.data() + jb * 3 * F, x.data() + jb * F, o, F);   // GRU(a; b)
        gru_row(gi.data() + jb * 3 * F, gh.data() + ja * 3 * F, x.data() + ja * F, o2, F);  // GRU(b; a)
        for (Eigen::Index f = 0; f < F; ++f) o[f] = 0.5f * (o[f] + o2[f]);
      });
    } else {
      const Matrix a = gather(l, lv.left, block, x);
      const Matrix b = gather(l, lv.right, block, x);
      const Matrix y = lcm_combine(cell_, a, b);
      for_rows(static_cast<Eigen::Index>(lv.pair_to.size()), [&](Eigen::Index p) { lv.next.row(lv.pair_to[p]) = y.row(p); });
    }
    const Matrix cv = gather(l, lv.carry_from, block, x);
    for_rows(static_cast<Eigen::Index>(lv.carry_to.size()), [&](Eigen::Index k) { lv.next.row(lv.carry_to[k]) = cv.row(k); });
    levels_.push_back(std::move(lv));
    active.swap(nactive);
    start.swap(nstart);
    count.swap(ncount);
  }
  Matrix out(n, features_);
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
      Matrix A(T, features_), B(T, features_), C(T, features_);
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
  if (ctx.training) x_ = x;
  else levels_.clear();
  return out;
}

Matrix LcmAggregator::backward(const Block& block, const Matrix& grad_out) {
  SPRIG_EXPECTS(trained_ && x_.rows() == block.num_src && grad_out.rows() == block.num_dst &&
                    grad_out.cols() == features_ && static_cast<node_t>(final_kind_.size()) == block.num_dst,
                "lcm aggregator: backward needs a training forward on this block and a {}x{} gradient (got {}x{})",
                block.num_dst, features_, grad_out.rows(), grad_out.cols());
  const node_t n = block.num_dst;
  const std::size_t L = levels_.size();
  // Gradients of each level's values: dv[l] for the values levels_[l−1].next (l ≥ 1).
  std::vector<Matrix> dv(L + 1);
  for (std::size_t l = 1; l <= L; ++l) dv[l] = Matrix::Zero(levels_[l - 1].next.rows(), features_);
  for (node_t i = 0; i < n; ++i)
    if (final_kind_[i] == 2) dv[final_level_[i]].row(final_index_[i]) += grad_out.row(i);

  // Per arc of level 0: where its gradient lives (kind 0 none, 1 da row, 2 db row, 3 dv[1] row, 4 grad_out row).
  const edge_t m = block.num_arcs();
  std::vector<std::int8_t> arc_kind(static_cast<std::size_t>(m), 0);
  std::vector<std::int64_t> arc_row(static_cast<std::size_t>(m), 0);
  for (node_t i = 0; i < n; ++i)
    if (final_kind_[i] == 1) {
      arc_kind[final_index_[i]] = 4;
      arc_row[final_index_[i]] = i;
    }
  Matrix gi0, gh0, dgi1, dgh1, dgi2, dgh2, dd1, dd2;  // level 0, per pair
  for (std::size_t l = L; l-- > 0;) {
    const Level& lv = levels_[l];
    const Eigen::Index P = static_cast<Eigen::Index>(lv.pair_to.size());
    Matrix gy(P, features_);
    for_rows(P, [&](Eigen::Index p) { gy.row(p) = dv[l + 1].row(lv.pair_to[p]); });
    if (l == 0) {
      // Pointwise backward of both orders per pair, against the per-source gates (see forward).
      const Eigen::Index F = features_;
      gates(cell_, x_, x_, gi0, gh0);
      dgi1.resize(P, 3 * F), dgh1.resize(P, 3 * F), dgi2.resize(P, 3 * F), dgh2.resize(P, 3 * F);
      dd1.resize(P, F), dd2.resize(P, F);
      for_rows(P, [&](Eigen::Index p) {
        const std::ptrdiff_t ja = block.targets[lv.left[p]], jb = block.targets[lv.right[p]];
        // dL/d(each GRU output) = ½ dL/d(a ⊕ b): scale after, so the helpers read gy directly.
        gru_row_backward(gi0.data() + ja * 3 * F, gh0.data() + jb * 3 * F, x_.data() + jb * F, gy.data() + p * F,
                         dgi1.data() + p * 3 * F, dgh1.data() + p * 3 * F, dd1.data() + p * F, F);
        gru_row_backward(gi0.data() + jb * 3 * F, gh0.data() + ja * 3 * F, x_.data() + ja * F, gy.data() + p * F,
                         dgi2.data() + p * 3 * F, dgh2.data() + p * 3 * F, dd2.data() + p * F, F);
      });
      for (Eigen::Index p = 0; p < P; ++p) {
        arc_kind[lv.left[p]] = 1;
        arc_row[lv.left[p]] = p;
        arc_kind[lv.right[p]] = 2;
        arc_row[lv.right[p]] = p;
      }
      for (std::size_t k = 0; k < lv.carry_from.size(); ++k) {
        arc_kind[lv.carry_from[k]] = 3;
        arc_row[lv.carry_from[k]] = lv.carry_to[k];
      }
      continue;
    }
    const Matrix a = gather(l, lv.left, block, x_);
    const Matrix b = gather(l, lv.right, block, x_);
    Matrix da, db;
    lcm_combine_backward(cell_, a, b, gy, da, db);
    if (l >= 1) {
      Matrix& d = dv[l];
      // Every item of a level is the operand of exactly one pair or carried once: no write conflicts.
      for_rows(P, [&](Eigen::Index p) {
        d.row(lv.left[p]) += da.row(p);
        d.row(lv.right[p]) += db.row(p);
      });
      for_rows(static_cast<Eigen::Index>(lv.carry_from.size()),
               [&](Eigen::Index k) { d.row(lv.carry_from[k]) += dv[l + 1].row(lv.carry_to[k]); });
    }
    if (l + 1 <= L && l >= 1) dv[l + 1].resize(0, 0);
  }
  // dx: pull over the transpose, each source adding the gradients of its arcs:
  // gate gradients (dGI, dGH: 3F each, × ½ for the two orders) and direct ones.
  const Transposed& tr = tcache_.get(block);
  const Eigen::Index F = features_;
  Matrix dgi(block.num_src, 3 * F), dgh(block.num_src, 3 * F), dx(block.num_src, F);
  for_rows(block.num_src, [&](Eigen::Index j) {
    float* gi = dgi.data() + j * 3 * F;
    float* gh = dgh.data() + j * 3 * F;
    float* d = dx.data() + j * F;
    std::fill(gi, gi + 3 * F, 0.0f);
    std::fill(gh, gh + 3 * F, 0.0f);
    std::fill(d, d + F, 0.0f);
    auto acc = [](float* o, const float* v, Eigen::Index k, float s) {
      for (Eigen::Index q = 0; q < k; ++q) o[q] += s * v[q];
    };
    for (edge_t k = tr.offsets[j]; k < tr.offsets[j + 1]; ++k) {
      const edge_t a = tr.arcs[k];
      const std::int64_t r = arc_row[a];
      switch (arc_kind[a]) {
        case 1:  // a, the input of GRU(a; b) and the hidden state of GRU(b; a)
          acc(gi, dgi1.data() + r * 3 * F, 3 * F, 0.5f);
          acc(gh, dgh2.data() + r * 3 * F, 3 * F, 0.5f);
          acc(d, dd2.data() + r * F, F, 0.5f);
          break;
        case 2:  // b
          acc(gi, dgi2.data() + r * 3 * F, 3 * F, 0.5f);
          acc(gh, dgh1.data() + r * 3 * F, 3 * F, 0.5f);
          acc(d, dd1.data() + r * F, F, 0.5f);
          break;
        case 3: acc(d, dv[1].data() + r * F, F, 1.0f); break;
        case 4: acc(d, grad_out.data() + r * F, F, 1.0f); break;
        default: break;
      }
    }
  });
  if (L > 0) {
    dx += detail::matmul_nt(dgi, cell_.w_ih.value);
    dx += detail::matmul_nt(dgh, cell_.w_hh.value);
    detail::add_matmul_tn(cell_.w_ih.grad, x_, dgi);
    detail::add_matmul_tn(cell_.w_hh.grad, x_, dgh);
    cell_.b_ih.grad += detail::column_sums(dgi);
    cell_.b_hh.grad += detail::column_sums(dgh);
  }
  dgi1.resize(0, 0), dgh1.resize(0, 0), dgi2.resize(0, 0), dgh2.resize(0, 0), dd1.resize(0, 0), dd2.resize(0, 0);
  gi0.resize(0, 0), gh0.resize(0, 0);
  // The associativity regulariser: d/dθ and d/dx of λ/T Σ ‖(a⊕b)⊕c − a⊕(b⊕c)‖².
  if (!ta_.empty()) {
    const Eigen::Index T = static_cast<Eigen::Index>(ta_.size());
    Matrix A(T, features_), B(T, features_), C(T, features_);
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
