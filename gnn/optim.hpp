// sprig/gnn/optim.hpp — Adam and AdamW (Kingma & Ba 2015; Loshchilov & Hutter
// 2019) and learning-rate schedules.
//
// Adam (PyTorch's torch.optim.Adam semantics): g ← grad + wd·θ (L2, coupled);
// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − lr·m̂/(√v̂ + ε) with bias
// corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). AdamW (decoupled = true):
// θ ← θ(1 − lr·wd) first, then the Adam step on the plain gradient. Weight decay
// applies only to params with Param::decay (not biases, norms, ε).
// Schedules: constant, step (×gamma every step_size epochs), cosine (to
// min_lr over total epochs), each with an optional linear warm-up.
// Cost O(#params) per step, element-wise in parallel: deterministic for any
// thread count. Not thread-safe per instance.
#pragma once

#include <sprig/gnn/matrix.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sprig::gnn {

struct AdamOptions {
  double lr = 0.01;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
  bool decoupled = false;  ///< true: AdamW
};

class Adam {
 public:
  /// Throws InvalidArgument for lr ≤ 0, betas outside [0, 1), eps ≤ 0, weight_decay < 0 or a null param.
  Adam(std::vector<Param*> params, AdamOptions opt = {});
  /// One update from the current gradients.
  void step();
  /// Zeroes every parameter's gradient.
  void zero_grad();
  void set_lr(double lr);
  double lr() const noexcept { return opt_.lr; }
  std::int64_t steps() const noexcept { return t_; }
  const AdamOptions& options() const noexcept { return opt_; }

 private:
  std::vector<Param*> params_;
  AdamOptions opt_;
  std::vector<Matrix> m_, v_;
  std::int64_t t_ = 0;
};

enum class ScheduleKind { constant, step, cosine };

struct LrSchedule {
  ScheduleKind kind = ScheduleKind::constant;
  int step_size = 50;       ///< step: epochs between decays
  double gamma = 0.5;       ///< step: factor per decay
  double min_lr = 0;        ///< cosine: the final lr
  int total_epochs = 200;   ///< cosine: length of the schedule
  int warmup_epochs = 0;    ///< linear warm-up from lr/warmup to lr
  /// The lr of epoch `epoch` (1-based) for base rate `base`.
  double at(int epoch, double base) const;
};

/// "constant", "step", "cosine"; throws InvalidArgument otherwise.
ScheduleKind parse_schedule(const std::string& name);

}  // namespace sprig::gnn
