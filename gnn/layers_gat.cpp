// sprig/gnn/layers_gat.cpp — see layers_gat.hpp.
#include <sprig/gnn/layers_gat.hpp>

#include <sprig/gnn/layers.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include <algorithm>

namespace sprig::gnn {
namespace {

template <class Fn>
void for_rows(Eigen::Index n, Fn&& fn) {
  parallel_chunks(static_cast<std::size_t>(n), 256, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) fn(static_cast<Eigen::Index>(i));
  });
}

}  // namespace

Block GatLayer::Aug::view() const {
  Block b;
  b.offsets = offsets;
  b.targets = targets;
  b.num_dst = num_dst;
  b.num_src = num_src;
  return b;
}

GatLayer::GatLayer(int in, int out, GatOptions opt, std::string name)
    : in_(in), out_(out), opt_(opt), name_(std::move(name)) {
  SPRIG_EXPECTS(in > 0 && out > 0, "{}: in and out must be > 0 (got {} and {})", name_, in, out);
  SPRIG_EXPECTS(opt.heads >= 1, "{}: heads must be ≥ 1 (got {})", name_, opt.heads);
  SPRIG_EXPECTS(opt.negative_slope >= 0, "{}: negative_slope must be ≥ 0 (got {})", name_, opt.negative_slope);
  const int H = opt.heads;
  w_ = Param(name_ + ".weight", Matrix(in, H * out));
  glorot_init(w_.value, opt.seed, 0);
  att_src_ = Param(name_ + ".att_src_weight", Matrix(H, out));
  att_dst_ = Param(name_ + ".att_dst_weight", Matrix(H, out));
  glorot_init(att_src_.value, opt.seed, 1);
  glorot_init(att_dst_.value, opt.seed, 2);
  if (opt.bias) bias_ = Param(name_ + ".bias", Matrix::Zero(1, out_features()), false);
}

std::vector<Param*> GatLayer::parameters() {
  std::vector<Param*> ps{&w_, &att_src_, &att_dst_};
  if (opt_.bias) ps.push_back(&bias_);
  return ps;
}

Matrix GatLayer::forward(const Block& block, const Matrix& x, const Context& ctx) {
  validate_block(block, name_.c_str());
  SPRIG_EXPECTS(x.cols() == in_, "{}: input has {} columns, the layer expects {}", name_, x.cols(), in_);
  SPRIG_EXPECTS(x.rows() == block.num_src, "{}: input has {} rows, the block has {} sources", name_, x.rows(),
                block.num_src);
  SPRIG_EXPECTS(!opt_.add_self_loops || block.num_src >= block.num_dst,
                "{}: self-loops need dst-first blocks (num_src {} < num_dst {})", name_, block.num_src, block.num_dst);
  // The block with self-loops: drop i ← i, add one i ← i per row (rows stay sorted).
  aug_.num_dst = block.num_dst;
  aug_.num_src = block.num_src;
  aug_.offsets.assign(static_cast<std::size_t>(block.num_dst) + 1, 0);
  aug_.targets.clear();
  aug_.targets.reserve(static_cast<std::size_t>(block.num_arcs() + block.num_dst));
  for (node_t i = 0; i < block.num_dst; ++i) {
    bool placed = !opt_.add_self_loops;
    for (node_t j : block.neighbors(i)) {
      if (opt_.add_self_loops && j == i) continue;
      if (!placed && j > i) {
        aug_.targets.push_back(i);
        placed = true;
      }
      aug_.targets.push_back(j);
    }
    if (!placed) aug_.targets.push_back(i);
    aug_.offsets[i + 1] = static_cast<edge_t>(aug_.targets.size());
  }
  const Block ab = aug_.view();
  const int H = opt_.heads;
  const Eigen::Index C = out_;
  Matrix h = detail::matmul(x, w_.value);
  Matrix ss(block.num_src, H), sd(block.num_dst, H);
  for_rows(block.num_src, [&](Eigen::Index j) {
    for (int k = 0; k < H; ++k) {
      ss(j, k) = h.row(j).segment(k * C, C).dot(att_src_.value.row(k));
      if (j < block.num_dst) sd(j, k) = h.row(j).segment(k * C, C).dot(att_dst_.value.row(k));
    }
  });
  Matrix epre = sddmm_add(ab, sd, ss);
  Matrix e = epre;
  for (Eigen::Index k = 0; k < e.size(); ++k)
    if (e.data()[k] < 0) e.data()[k] *= opt_.negative_slope;
  Matrix alpha = edge_softmax(ab, e);
  Matrix o = spmm(ab, h, {Reduce::sum, Message::edge, &alpha});
  Matrix y;
  if (opt_.concat || H == 1) {
    y = std::move(o);
  } else {
    y = Matrix::Zero(block.num_dst, C);
    for (int k = 0; k < H; ++k) y += o.middleCols(k * C, C);
    y /= static_cast<float>(H);
  }
  if (opt_.bias)
    for_rows(y.rows(), [&](Eigen::Index r) { y.row(r) += bias_.value.row(0); });
  trained_ = ctx.training;
  if (ctx.training) {
    x_ = x;
    h_ = std::move(h);
    epre_ = std::move(epre);
    alpha_ = std::move(alpha);
    aug_t_ = transpose(ab);
  }
  return y;
}

Matrix GatLayer::backward(const Block& block, const Matrix& g) {
  SPRIG_EXPECTS(trained_ && x_.rows() == block.num_src && aug_.num_dst == block.num_dst,
                "{}: backward needs a training forward on this block", name_);
  SPRIG_EXPECTS(g.rows() == block.num_dst && g.cols() == out_features(), "{}: backward got {}x{}, expected {}x{}",
                name_, g.rows(), g.cols(), block.num_dst, out_features());
  const Block ab = aug_.view();
  const int H = opt_.heads;
  const Eigen::Index C = out_;
  if (opt_.bias) bias_.grad += detail::column_sums(g);
  Matrix go;
  if (opt_.concat || H == 1) {
    go = g;
  } else {
    go.resize(block.num_dst, H * C);
    for (int k = 0; k < H; ++k) go.middleCols(k * C, C) = g / static_cast<float>(H);
  }
  const SpmmSpec spec{Reduce::sum, Message::edge, &alpha_};
  Matrix dh = spmm_backward_x(ab, go, spec, nullptr, &aug_t_);
  const Matrix dalpha = spmm_backward_edge(ab, h_, go, spec);
  Matrix de = edge_softmax_backward(ab, alpha_, dalpha);
  for (Eigen::Index k = 0; k < de.size(); ++k)
    if (epre_.data()[k] < 0) de.data()[k] *= opt_.negative_slope;
  Matrix dsd, dss;
  sddmm_add_backward(ab, de, &dsd, &dss, &aug_t_);
  // s_src(j,k) = h_j^k · a_src^k, s_dst(i,k) = h_i^k · a_dst^k.
  for_rows(block.num_src, [&](Eigen::Index j) {
    for (int k = 0; k < H; ++k) {
      dh.block(j, k * C, 1, C) += dss(j, k) * att_src_.value.row(k);
      if (j < block.num_dst) dh.block(j, k * C, 1, C) += dsd(j, k) * att_dst_.value.row(k);
    }
  });
  // Attention vectors: sums over rows, in fixed row order (H × C values).
  for (int k = 0; k < H; ++k) {
    Matrix hs = h_.middleCols(k * C, C);
    Matrix ds = dss.col(k);
    Matrix acc = Matrix::Zero(1, C);
    detail::add_matmul_tn(acc, ds, hs);
    att_src_.grad.row(k) += acc.row(0);
    Matrix hd = h_.block(0, k * C, block.num_dst, C);
    Matrix dd = dsd.col(k);
    acc.setZero();
    detail::add_matmul_tn(acc, dd, hd);
    att_dst_.grad.row(k) += acc.row(0);
  }
  detail::add_matmul_tn(w_.grad, x_, dh);
  return detail::matmul_nt(dh, w_.value);
}

}  // namespace sprig::gnn
