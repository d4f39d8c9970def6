// sprig/gnn/layers_pna.hpp — the PNA layer (Corso et al., "Principal
// Neighbourhood Aggregation for Graph Nets", 2020), single tower:
//   h = x W_pre + b_pre;  x'_i = W_post · [⊕_{s ∈ scalers} ⊕_{a ∈ aggregators} s(d_i) a_{j∈N(i)}(h_j)] + W_r x_i + b
// aggregators mean, min, max, std and scalers identity, amplification,
// attenuation by default, δ = mean log(d+1) over the training graph (set it in
// the options, e.g. from the model spec; when 0 it is taken from the first
// block seen). PyG's PNAConv adds towers and edge features; this is its
// towers = 1, no-edge-feature form with a linear post-transform.
// Cost: 4 aggregations of width out plus dense products. Deterministic.
#pragma once

#include <sprig/gnn/layers_sage.hpp>

namespace sprig::gnn {

struct PnaOptions {
  std::vector<std::string> aggregators = {"mean", "min", "max", "std"};
  std::vector<std::string> scalers = {"identity", "amplification", "attenuation"};
  float delta = 0.0f;  ///< average log(d+1) of the training graph; 0: from the first block
  bool bias = true;
  std::uint64_t seed = 1;
};

/// PNA layer: a SageLayer with projection and the "pna" aggregator; kind() "pna".
class PnaLayer final : public SageLayer {
 public:
  PnaLayer(int in, int out, const PnaOptions& opt = {}, std::string name = "pna");
};

}  // namespace sprig::gnn
