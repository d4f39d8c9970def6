// Adam/AdamW and schedules; see optim.hpp.
#include <sprig/gnn/optim.hpp>
#include <sprig/gnn/adam_step.hpp>

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
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Param& p = *params_[i];
    SPRIG_EXPECTS(p.grad.rows() == p.value.rows() && p.grad.cols() == p.value.cols(),
                  "Adam: gradient of {} is {}x{}, value is {}x{}", p.name, p.grad.rows(), p.grad.cols(),
                  p.value.rows(), p.value.cols());
    const detail::AdamStepScalars sc = detail::adam_step_scalars(opt_, t_, p.decay);
    float* th = p.value.data();
    const float* gr = p.grad.data();
    float* m = m_[i].data();
    float* v = v_[i].data();
    parallel_for<std::size_t>(
        0, static_cast<std::size_t>(p.value.size()),
        [&](std::size_t e) { detail::adam_update(th[e], m[e], v[e], gr[e], sc); }, 16384);
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
