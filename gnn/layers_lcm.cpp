// sprig/gnn/layers_lcm.cpp — see layers_lcm.hpp.
#include <sprig/gnn/layers_lcm.hpp>

namespace sprig::gnn {

LcmLayer::LcmLayer(int in, int out, const LcmLayerOptions& opt, std::string name)
    : SageLayer(in, out,
                SageOptions{.aggr = "lcm",
                            .aggr_options = AggregatorOptions{.seed = opt.seed,
                                                              .assoc_lambda = opt.assoc_lambda,
                                                              .assoc_triples = opt.assoc_triples},
                            .root_weight = true,
                            .bias = opt.bias,
                            .project = true,
                            .seed = opt.seed},
                std::move(name)) {
  kind_ = "lcm";
}

}  // namespace sprig::gnn
