// sprig/gnn/adam_step.hpp — one Adam (or AdamW) step written once for the CPU
// optimiser (gnn/optim.cpp) and the GPU training epoch (gnn/train.cu), so both
// apply the same float formulas: the step's scalars are computed in double from
// AdamOptions and step t, then each element is updated in float by
// adam_update (SPRIG_HD: the kernel calls the same code).
#pragma once

#include <cmath>
#include <cstdint>

#include <sprig/gnn/optim.hpp>
#include <sprig/graph/hd.hpp>

namespace sprig::gnn::detail {

/// The float scalars of step t (≥ 1) for one parameter (`decay`: its weight decay applies).
struct AdamStepScalars {
  float b1 = 0, b2 = 0, step_size = 0, inv_sqrt_bc2 = 0, eps = 0, wd = 0, decay_factor = 1;
  bool coupled = false;  ///< L2 decay added to the gradient (Adam); AdamW scales the value instead
};

inline AdamStepScalars adam_step_scalars(const AdamOptions& o, std::int64_t t, bool decay) {
  AdamStepScalars s;
  const double bc1 = 1.0 - std::pow(o.beta1, static_cast<double>(t));
  const double bc2 = 1.0 - std::pow(o.beta2, static_cast<double>(t));
  s.b1 = static_cast<float>(o.beta1);
  s.b2 = static_cast<float>(o.beta2);
  s.step_size = static_cast<float>(o.lr / bc1);
  s.inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
  s.eps = static_cast<float>(o.eps);
  s.wd = decay ? static_cast<float>(o.weight_decay) : 0.0f;
  s.decay_factor = o.decoupled ? static_cast<float>(1.0 - o.lr * s.wd) : 1.0f;
  s.coupled = !o.decoupled && s.wd != 0;
  return s;
}

/// One element: value th, moments m and v, gradient g.
SPRIG_HD inline void adam_update(float& th, float& m, float& v, float g, const AdamStepScalars& s) {
  if (s.coupled) g += s.wd * th;
  m = s.b1 * m + (1 - s.b1) * g;
  v = s.b2 * v + (1 - s.b2) * g * g;
  const float denom = sqrtf(v) * s.inv_sqrt_bc2 + s.eps;
  th = th * s.decay_factor - s.step_size * m / denom;
}

}  // namespace sprig::gnn::detail
