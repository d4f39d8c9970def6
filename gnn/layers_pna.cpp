// sprig/gnn/layers_pna.cpp — see layers_pna.hpp.
#include <sprig/gnn/layers_pna.hpp>

namespace sprig::gnn {

PnaLayer::PnaLayer(int in, int out, const PnaOptions& opt, std::string name)
    : SageLayer(in, out,
                SageOptions{.aggr = "pna",
                            .aggr_options = AggregatorOptions{.pna_aggregators = opt.aggregators,
                                                              .pna_scalers = opt.scalers,
                                                              .delta = opt.delta},
                            .root_weight = true,
                            .bias = opt.bias,
                            .project = true,
                            .seed = opt.seed},
                std::move(name)) {
  kind_ = "pna";
}

}  // namespace sprig::gnn
