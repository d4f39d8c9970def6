// sprig/gnn/layers_sage.cpp — see layers_sage.hpp.
#include <sprig/gnn/layers_sage.hpp>

#include <sprig/gnn/layers.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::gnn {
namespace {

void add_row(Matrix& y, const Matrix& b) {
  parallel_chunks(static_cast<std::size_t>(y.rows()), 512, [&](std::size_t, std::size_t s, std::size_t e) {
    for (std::size_t r = s; r < e; ++r) y.row(static_cast<Eigen::Index>(r)) += b.row(0);
  });
}

}  // namespace

SageLayer::SageLayer(int in, int out, SageOptions opt, std::string name)
    : in_(in), out_(out), opt_(std::move(opt)), name_(std::move(name)) {
  SPRIG_EXPECTS(in > 0 && out > 0, "{}: in and out must be > 0 (got {} and {})", name_, in, out);
  const int agg_in = opt_.project ? out : in;
  lin_first_ = !opt_.project && (opt_.aggr == "mean" || opt_.aggr == "sum") && out < in;
  aggr_ = make_aggregator(opt_.aggr, lin_first_ ? out : agg_in, opt_.aggr_options, name_ + "." + opt_.aggr);
  const int agg_out = lin_first_ ? in : aggr_->out_features();
  w_l_ = Param(name_ + ".weight", Matrix(agg_out, out));
  glorot_init(w_l_.value, opt_.seed, 0);
  if (opt_.root_weight) {
    w_r_ = Param(name_ + ".root_weight", Matrix(in, out));
    glorot_init(w_r_.value, opt_.seed, 1);
  }
  if (opt_.bias) bias_ = Param(name_ + ".bias", Matrix::Zero(1, out), false);
  if (opt_.project) {
    w_pre_ = Param(name_ + ".pre_weight", Matrix(in, out));
    glorot_init(w_pre_.value, opt_.seed, 2);
    b_pre_ = Param(name_ + ".pre_bias", Matrix::Zero(1, out), false);
  }
}

std::vector<Param*> SageLayer::parameters() {
  std::vector<Param*> ps{&w_l_};
  if (opt_.root_weight) ps.push_back(&w_r_);
  if (opt_.bias) ps.push_back(&bias_);
  if (opt_.project) {
    ps.push_back(&w_pre_);
    ps.push_back(&b_pre_);
  }
  for (Param* p : aggr_->parameters()) ps.push_back(p);
  return ps;
}

Matrix SageLayer::forward(const Block& block, const Matrix& x, const Context& ctx) {
  SPRIG_EXPECTS(x.cols() == in_, "{}: input has {} columns, the layer expects {}", name_, x.cols(), in_);
  SPRIG_EXPECTS(x.rows() == block.num_src && x.rows() >= block.num_dst,
                "{}: input has {} rows, the block has {} sources and {} destinations (dst-first)", name_, x.rows(),
                block.num_src, block.num_dst);
  Matrix y;
  if (lin_first_) {
    y = aggr_->forward(block, detail::matmul(x, w_l_.value), ctx);
  } else {
    Matrix a;
    if (opt_.project) {
      Matrix h = detail::matmul(x, w_pre_.value);
      add_row(h, b_pre_.value);
      a = aggr_->forward(block, h, ctx);
    } else {
      a = aggr_->forward(block, x, ctx);
    }
    y = detail::matmul(a, w_l_.value);
    if (ctx.training) a_ = std::move(a);
  }
  if (opt_.root_weight) y.noalias() += detail::matmul(x.topRows(block.num_dst), w_r_.value);
  if (opt_.bias) add_row(y, bias_.value);
  trained_ = ctx.training;
  if (ctx.training) x_ = x;
  return y;
}

Matrix SageLayer::backward(const Block& block, const Matrix& g) {
  SPRIG_EXPECTS(trained_ && x_.rows() == block.num_src, "{}: backward needs a training forward on this block", name_);
  SPRIG_EXPECTS(g.rows() == block.num_dst && g.cols() == out_, "{}: backward got {}x{}, expected {}x{}", name_,
                g.rows(), g.cols(), block.num_dst, out_);
  if (opt_.bias) bias_.grad += detail::column_sums(g);
  Matrix dx;
  if (lin_first_) {
    const Matrix dh = aggr_->backward(block, g);
    detail::add_matmul_tn(w_l_.grad, x_, dh);
    dx = detail::matmul_nt(dh, w_l_.value);
  } else {
    detail::add_matmul_tn(w_l_.grad, a_, g);
    const Matrix dh = aggr_->backward(block, detail::matmul_nt(g, w_l_.value));
    if (opt_.project) {
      detail::add_matmul_tn(w_pre_.grad, x_, dh);
      b_pre_.grad += detail::column_sums(dh);
      dx = detail::matmul_nt(dh, w_pre_.value);
    } else {
      dx = dh;
    }
  }
  if (opt_.root_weight) {
    const Matrix xd = x_.topRows(block.num_dst);
    detail::add_matmul_tn(w_r_.grad, xd, g);
    dx.topRows(block.num_dst) += detail::matmul_nt(g, w_r_.value);
  }
  return dx;
}

}  // namespace sprig::gnn
