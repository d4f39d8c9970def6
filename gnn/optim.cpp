// Adam/AdamW and schedules; see optim.hpp.
#include <sprig/gnn/optim.hpp>

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::gnn {

Adam::Adam(std::vector<Param*> params, AdamOptions opt) : params_(std::move(params)), opt_(opt) {
  SPRIG_EXPECTS(opt.lr > 0 && std::isfinite(opt.lr), "Adam: learning rate must be > 0 (got {})", opt.lr);
  SPRIG_EXPECTS(opt.beta1 >= 0 && opt.beta1 < 1, "Adam: beta1 must be in [0, 1) (got {})", opt.beta1);
  SPRIG_EXPECTS(opt.beta2 >= 0 && opt.beta2 < 1, "Adam: beta2 must be in [0, 1) (got {})", opt.beta2);
  SPRIG_EXPECTS(opt.eps > 0, "Adam: eps must be > 0 (got {})", opt.eps);
  SPRIG_EXPECTS(opt.weight_decay >= 0, "Adam: weight_decay must be ≥ 0 (got {})", opt.weight_decay);
  for (Param* p : params_) {
    SPRIG_EXPECTS(p != nullptr, "Adam: null parameter");
    m_.push_back(Matrix::Zero(p->value.rows(), p->value.cols()));
    v_.push_back(Matrix::Zero(p->value.rows(), p->value.cols()));
  }
}

void Adam::set_lr(double lr) {
  SPRIG_EXPECTS(lr > 0 && std::isfinite(lr), "Adam: learning rate must be > 0 (got {})", lr);
  opt_.lr = lr;
}

void Adam::zero_grad() {
  for (Param* p : params_) p->zero_grad();
}

void Adam::step() {
  ++t_;
  const double bc1 = 1.0 - std::pow(opt_.beta1, static_cast<double>(t_));
  const double bc2 = 1.0 - std::pow(opt_.beta2, static_cast<double>(t_));
  const auto b1 = static_cast<float>(opt_.beta1), b2 = static_cast<float>(opt_.beta2);
  const auto step_size = static_cast<float>(opt_.lr / bc1);
  const auto inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
  const auto eps = static_cast<float>(opt_.eps);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Param& p = *params_[i];
    SPRIG_EXPECTS(p.grad.rows() == p.value.rows() && p.grad.cols() == p.value.cols(),
                  "Adam: gradient of {} is {}x{}, value is {}x{}", p.name, p.grad.rows(), p.grad.cols(),
                  p.value.rows(), p.value.cols());
    const float wd = p.decay ? static_cast<float>(opt_.weight_decay) : 0.0f;
    const float decay_factor = opt_.decoupled ? static_cast<float>(1.0 - opt_.lr * wd) : 1.0f;
    const bool coupled = !opt_.decoupled && wd != 0;
    float* th = p.value.data();
    const float* gr = p.grad.data();
    float* m = m_[i].data();
    float* v = v_[i].data();
    parallel_for<std::size_t>(
        0, static_cast<std::size_t>(p.value.size()),
        [&](std::size_t e) {
          float g = gr[e];
          if (coupled) g += wd * th[e];
          m[e] = b1 * m[e] + (1 - b1) * g;
          v[e] = b2 * v[e] + (1 - b2) * g * g;
          const float denom = std::sqrt(v[e]) * inv_sqrt_bc2 + eps;
          th[e] = th[e] * decay_factor - step_size * m[e] / denom;
        },
        16384);
  }
}

double LrSchedule::at(int epoch, double base) const {
  double lr = base;
  switch (kind) {
    case ScheduleKind::constant: break;
    case ScheduleKind::step:
      if (step_size > 0) lr = base * std::pow(gamma, (epoch - 1) / step_size);
      break;
    case ScheduleKind::cosine: {
      const double t = std::min(1.0, static_cast<double>(epoch - 1) / std::max(1, total_epochs - 1));
      lr = min_lr + 0.5 * (base - min_lr) * (1 + std::cos(std::numbers::pi * t));
      break;
    }
  }
  if (warmup_epochs > 0 && epoch <= warmup_epochs) lr *= static_cast<double>(epoch) / warmup_epochs;
  return lr;
}

ScheduleKind parse_schedule(const std::string& name) {
  if (name == "constant" || name == "none") return ScheduleKind::constant;
  if (name == "step") return ScheduleKind::step;
  if (name == "cosine") return ScheduleKind::cosine;
  throw InvalidArgument(fmt::format("unknown lr schedule '{}' (expected constant, step or cosine)", name));
}

}  // namespace sprig::gnn
