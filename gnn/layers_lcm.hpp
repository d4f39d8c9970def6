// sprig/gnn/layers_lcm.hpp — the LCM layer (Ong & Veličković 2022):
//   h = x W_pre + b_pre;  x'_i = W_l · ⊕_{j ∈ N(i)} h_j + W_r x_i + b
// where ⊕ is the learnable commutative monoid of gnn/lcm.hpp reduced as a
// balanced binary tree per row (batched by level), with the optional
// associativity regulariser. The GRU runs at width `out`.
// Cost: O(m · out²) for the tree plus dense products. Deterministic.
#pragma once

#include <sprig/gnn/layers_sage.hpp>

namespace sprig::gnn {

struct LcmLayerOptions {
  float assoc_lambda = 0.0f;  ///< associativity regulariser weight (0 = off)
  int assoc_triples = 256;
  bool bias = true;
  std::uint64_t seed = 1;
};

/// LCM layer: a SageLayer with projection and the "lcm" aggregator; kind() "lcm".
class LcmLayer final : public SageLayer {
 public:
  LcmLayer(int in, int out, const LcmLayerOptions& opt = {}, std::string name = "lcm");
};

}  // namespace sprig::gnn
