// Model and make_model; see model.hpp.
#include <sprig/gnn/model.hpp>

#include <algorithm>

#include <fmt/format.h>

#include <sprig/gnn/layers.hpp>
#include <sprig/gnn/layers_gat.hpp>
#include <sprig/gnn/layers_lcm.hpp>
#include <sprig/gnn/layers_pna.hpp>
#include <sprig/gnn/layers_sage.hpp>
#include <sprig/graph/error.hpp>

namespace sprig::gnn {

void Model::add(std::unique_ptr<Module> layer, bool message_passing) {
  SPRIG_EXPECTS(layer != nullptr, "Model::add: null layer");
  layers_.push_back(std::move(layer));
  mp_.push_back(message_passing);
}

int Model::num_message_passing() const {
  return static_cast<int>(std::count(mp_.begin(), mp_.end(), true));
}

int Model::out_features() const {
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it)
    if ((*it)->out_features() > 0) return (*it)->out_features();
  return 0;
}

Matrix Model::forward(std::span<const Block> blocks, const Matrix& x, const Context& ctx) {
  SPRIG_EXPECTS(!layers_.empty(), "Model::forward: the model has no layers");
  const int nmp = num_message_passing();
  SPRIG_EXPECTS(!blocks.empty(), "Model::forward: no block given");
  SPRIG_EXPECTS(blocks.size() == 1 || static_cast<int>(blocks.size()) == nmp,
                "Model::forward: {} blocks for {} message-passing layers (give 1 or one per layer)", blocks.size(), nmp);
  used_.assign(layers_.size(), Block{});
  trained_forward_ = false;
  std::size_t next = 0;
  const Block* current = &blocks[0];
  Matrix h;
  const Matrix* in = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (mp_[i]) {
      current = &blocks[blocks.size() == 1 ? 0 : next];
      ++next;
    }
    used_[i] = *current;
    Matrix out = layers_[i]->forward(*current, *in, ctx);
    h = std::move(out);
    in = &h;
  }
  trained_forward_ = ctx.training;
  return h;
}

Matrix Model::backward(const Matrix& grad_out) {
  SPRIG_EXPECTS(trained_forward_ && used_.size() == layers_.size(),
                "Model::backward: needs a forward with ctx.training = true first");
  Matrix g = grad_out;
  for (std::size_t i = layers_.size(); i-- > 0;) g = layers_[i]->backward(used_[i], g);
  trained_forward_ = false;
  return g;
}

std::vector<Param*> Model::parameters() {
  std::vector<Param*> all;
  for (auto& l : layers_)
    for (Param* p : l->parameters()) all.push_back(p);
  return all;
}

void Model::zero_grad() {
  for (Param* p : parameters()) p->zero_grad();
}

void Model::initialize(std::uint64_t seed) {
  const auto params = parameters();
  for (std::size_t i = 0; i < params.size(); ++i) {
    Param& p = *params[i];
    const std::string& n = p.name;
    const std::string suffix = "weight";
    if (n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
      glorot_init(p.value, seed, i);
    p.zero_grad();
  }
}

void Model::set_input_ids(std::span<const node_t> ids) {
  for (auto& l : layers_) {
    if (auto* p = dynamic_cast<IdentityInput*>(l.get()); p && p->identity_input()) {
      p->set_input_ids(ids);
      return;
    }
  }
}

std::vector<std::string> model_kinds() { return {"gcn", "sage", "gin", "gat", "pna", "dagnn", "lcm"}; }

namespace {

bool own_kind(const std::string& k) { return k == "gcn" || k == "gin"; }

std::unique_ptr<Module> make_conv(const ModelSpec& s, int index, int in, int out, bool identity, bool last) {
  const std::string name = fmt::format("{}{}", s.kind, index);
  if (s.kind == "gcn") return std::make_unique<GcnLayer>(in, out, GcnOptions{.identity_input = identity}, name);
  if (s.kind == "gin") return std::make_unique<GinLayer>(in, out, GinOptions{.identity_input = identity}, name);
  if (s.kind == "sage") {
    SageOptions o;
    o.aggr = s.aggr;
    o.aggr_options.delta = static_cast<float>(s.avg_log_degree);
    return std::make_unique<SageLayer>(in, out, o, name);
  }
  if (s.kind == "pna") {
    PnaOptions o;
    o.delta = static_cast<float>(s.avg_log_degree);
    return std::make_unique<PnaLayer>(in, out, o, name);
  }
  if (s.kind == "gat") {
    // Hidden layers concatenate the heads (width heads·hidden); the last averages them.
    GatOptions o;
    o.heads = s.heads;
    o.concat = !last;
    return std::make_unique<GatLayer>(in, out, o, name);
  }
  if (s.kind == "lcm") return std::make_unique<LcmLayer>(in, out, LcmLayerOptions{}, name);
  throw InvalidArgument(fmt::format("make_model: model kind '{}' is not yet available in this build", s.kind));
}

}  // namespace

Model make_model(const ModelSpec& s, std::uint64_t seed) {
  const auto kinds = model_kinds();
  SPRIG_EXPECTS(std::find(kinds.begin(), kinds.end(), s.kind) != kinds.end(),
                "make_model: unknown model kind '{}' (expected gcn, sage, gin, gat, pna, dagnn or lcm)", s.kind);
  SPRIG_EXPECTS(s.in_features > 0, "make_model: in_features must be > 0 (got {})", s.in_features);
  SPRIG_EXPECTS(s.hidden > 0, "make_model: hidden must be > 0 (got {})", s.hidden);
  SPRIG_EXPECTS(s.out_features > 0, "make_model: out_features must be > 0 (got {})", s.out_features);
  SPRIG_EXPECTS(s.layers >= 1, "make_model: layers must be ≥ 1 (got {})", s.layers);
  SPRIG_EXPECTS(s.dropout >= 0 && s.dropout < 1, "make_model: dropout must be in [0, 1) (got {})", s.dropout);
  SPRIG_EXPECTS(s.heads >= 1, "make_model: heads must be ≥ 1 (got {})", s.heads);
  SPRIG_EXPECTS(s.dagnn_k >= 0, "make_model: dagnn_k must be ≥ 0 (got {})", s.dagnn_k);
  const ActivationKind act = parse_activation(s.activation);
  Model m;
  std::uint64_t dropout_id = 0;
  auto add_between = [&](int width, int index) {
    if (s.layer_norm) m.add(std::make_unique<LayerNorm>(width, 1e-5f, fmt::format("norm{}", index)), false);
    m.add(std::make_unique<Activation>(act, -1.0f, width), false);
    if (s.dropout > 0) m.add(std::make_unique<Dropout>(s.dropout, dropout_id++, width), false);
  };

  if (s.kind == "dagnn") {
    // MLP: Linear(in→h) … Linear(h→out), then adaptive propagation.
    for (int i = 0; i < s.layers; ++i) {
      const int in = i == 0 ? s.in_features : s.hidden;
      const int out = i + 1 == s.layers ? s.out_features : s.hidden;
      m.add(std::make_unique<Linear>(in, out, LinearOptions{.bias = true, .identity_input = s.identity_input && i == 0},
                                     fmt::format("mlp{}", i)),
            false);
      if (i + 1 < s.layers) add_between(out, i);
    }
    m.add(std::make_unique<DagnnLayer>(s.out_features, DagnnOptions{.k = s.dagnn_k}, "dagnn"), true);
  } else {
    int in = s.in_features;
    bool identity_first = s.identity_input;
    if (s.identity_input && !own_kind(s.kind)) {
      m.add(std::make_unique<Linear>(s.in_features, s.hidden, LinearOptions{.bias = false, .identity_input = true},
                                     "embed"),
            false);
      in = s.hidden;
      identity_first = false;
    }
    for (int i = 0; i < s.layers; ++i) {
      const bool last = i + 1 == s.layers;
      const int out = last ? s.out_features : s.hidden;
      const bool identity = identity_first && i == 0;
      std::unique_ptr<Module> conv = make_conv(s, i, in, out, identity, last);
      if (s.virtual_node && !identity) conv = std::make_unique<VirtualNode>(std::move(conv), in, fmt::format("vn{}", i));
      if (s.residual && in == conv->out_features() && !identity) conv = std::make_unique<Residual>(std::move(conv));
      const int width = conv->out_features();
      m.add(std::move(conv), true);
      if (!last) add_between(width, i);
      in = width;
    }
  }
  m.set_spec(s);
  m.initialize(seed);
  return m;
}

}  // namespace sprig::gnn
