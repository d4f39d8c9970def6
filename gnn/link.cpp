// Link prediction with a GNN encoder and a pair decoder (see link.hpp).
#include <sprig/gnn/link.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <sprig/gnn/layers.hpp>
#include <sprig/gnn/loss.hpp>
#include <sprig/gnn/optim.hpp>
#include <sprig/gnn/train.hpp>  // graph_block
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig::gnn {

LinkDecoderKind parse_link_decoder(std::string_view name) {
  if (name == "dot") return LinkDecoderKind::dot;
  if (name == "mlp") return LinkDecoderKind::mlp;
  if (name == "ncn") return LinkDecoderKind::ncn;
  throw InvalidArgument(fmt::format("unknown link decoder '{}' (expected dot, mlp or ncn)", name));
}

std::string_view link_decoder_name(LinkDecoderKind k) noexcept {
  switch (k) {
    case LinkDecoderKind::dot: return "dot";
    case LinkDecoderKind::mlp: return "mlp";
    case LinkDecoderKind::ncn: return "ncn";
  }
  return "?";
}

namespace {

constexpr std::size_t kPairGrain = 512;

void check_pairs(const Matrix& h, std::span<const NodePair> pairs, const char* who) {
  const auto n = static_cast<node_t>(h.rows());
  for (std::size_t i = 0; i < pairs.size(); ++i)
    SPRIG_EXPECTS(pairs[i].u >= 0 && pairs[i].u < n && pairs[i].v >= 0 && pairs[i].v < n,
                  "{}: pair {} = ({}, {}) has a node outside [0, {})", who, i, pairs[i].u, pairs[i].v, n);
}

class DotDecoder final : public LinkDecoder {
 public:
  Vector forward(const Matrix& h, std::span<const NodePair> pairs, const PairNodeLists*, const Context&) override {
    check_pairs(h, pairs, "dot decoder");
    Vector s(static_cast<Eigen::Index>(pairs.size()));
    parallel_for(std::size_t{0}, pairs.size(), [&](std::size_t i) {
      s(static_cast<Eigen::Index>(i)) = h.row(pairs[i].u).dot(h.row(pairs[i].v));
    }, kPairGrain);
    return s;
  }
  void backward(const Matrix& h, std::span<const NodePair> pairs, const PairNodeLists*, const Vector& g,
                Matrix& dh) override {
    SPRIG_EXPECTS(g.size() == static_cast<Eigen::Index>(pairs.size()), "dot decoder: {} gradients for {} pairs",
                  g.size(), pairs.size());
    // Sequential in pair order: a node in many pairs gets its sum in a fixed order.
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const float gi = g(static_cast<Eigen::Index>(i));
      dh.row(pairs[i].u) += gi * h.row(pairs[i].v);
      dh.row(pairs[i].v) += gi * h.row(pairs[i].u);
    }
  }
  std::vector<Param*> parameters() override { return {}; }
  LinkDecoderKind kind() const override { return LinkDecoderKind::dot; }
};

// MLP over h_u ⊙ h_v, and for NCN also over the sum of the common neighbours' rows.
class MlpDecoder final : public LinkDecoder {
 public:
  MlpDecoder(int d, int hidden, bool ncn, std::uint64_t seed)
      : d_(d), ncn_(ncn),
        w1_(ncn ? "ncn.lin1.weight" : "mlp.lin1.weight", Matrix::Zero(ncn ? 2 * d : d, hidden)),
        b1_(ncn ? "ncn.lin1.bias" : "mlp.lin1.bias", Matrix::Zero(1, hidden), false),
        w2_(ncn ? "ncn.lin2.weight" : "mlp.lin2.weight", Matrix::Zero(hidden, 1)),
        b2_(ncn ? "ncn.lin2.bias" : "mlp.lin2.bias", Matrix::Zero(1, 1), false) {
    glorot_init(w1_.value, seed, 0x1d0);
    glorot_init(w2_.value, seed, 0x1d1);
  }

  Vector forward(const Matrix& h, std::span<const NodePair> pairs, const PairNodeLists* cn,
                 const Context& ctx) override {
    const char* who = ncn_ ? "ncn decoder" : "mlp decoder";
    SPRIG_EXPECTS(h.cols() == d_, "{}: embeddings have {} columns, the decoder expects {}", who, h.cols(), d_);
    check_pairs(h, pairs, who);
    if (ncn_) {
      SPRIG_EXPECTS(cn != nullptr && cn->offsets.size() == pairs.size() + 1,
                    "ncn decoder: needs the common-neighbour lists of the {} pairs", pairs.size());
    }
    Matrix z(static_cast<Eigen::Index>(pairs.size()), w1_.value.rows());
    parallel_for(std::size_t{0}, pairs.size(), [&](std::size_t i) {
      const auto r = static_cast<Eigen::Index>(i);
      z.row(r).head(d_) = h.row(pairs[i].u).cwiseProduct(h.row(pairs[i].v));
      if (ncn_) {
        auto acc = z.row(r).tail(d_);
        acc.setZero();
        for (auto k = cn->offsets[i]; k < cn->offsets[i + 1]; ++k) acc += h.row(cn->nodes[static_cast<std::size_t>(k)]);
      }
    }, kPairGrain);
    Matrix a1 = detail::matmul(z, w1_.value);
    a1.rowwise() += b1_.value.row(0);
    Matrix r1 = a1.cwiseMax(0.0f);
    Matrix s = detail::matmul(r1, w2_.value);
    Vector out = s.col(0).array() + b2_.value(0, 0);
    if (ctx.training) {
      z_ = std::move(z);
      r1_ = std::move(r1);
    } else {
      z_.resize(0, 0);
      r1_.resize(0, 0);
    }
    return out;
  }

  void backward(const Matrix& h, std::span<const NodePair> pairs, const PairNodeLists* cn, const Vector& g,
                Matrix& dh) override {
    const char* who = ncn_ ? "ncn decoder" : "mlp decoder";
    SPRIG_EXPECTS(z_.rows() == static_cast<Eigen::Index>(pairs.size()) && g.size() == z_.rows(),
                  "{}: backward needs the training forward of the same {} pairs", who, pairs.size());
    const Matrix gs = g;  // P × 1
    detail::add_matmul_tn(w2_.grad, r1_, gs);
    b2_.grad(0, 0) += static_cast<float>(g.cast<double>().sum());
    Matrix da = detail::matmul_nt(gs, w2_.value);  // P × hidden
    da = da.cwiseProduct((r1_.array() > 0.0f).cast<float>().matrix());
    detail::add_matmul_tn(w1_.grad, z_, da);
    b1_.grad += detail::column_sums(da);
    const Matrix dz = detail::matmul_nt(da, w1_.value);  // P × in
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      const auto prod = dz.row(r).head(d_);
      dh.row(pairs[i].u) += prod.cwiseProduct(h.row(pairs[i].v));
      dh.row(pairs[i].v) += prod.cwiseProduct(h.row(pairs[i].u));
      if (ncn_)
        for (auto k = cn->offsets[i]; k < cn->offsets[i + 1]; ++k)
          dh.row(cn->nodes[static_cast<std::size_t>(k)]) += dz.row(r).tail(d_);
    }
    z_.resize(0, 0);
    r1_.resize(0, 0);
  }

  std::vector<Param*> parameters() override { return {&w1_, &b1_, &w2_, &b2_}; }
  LinkDecoderKind kind() const override { return ncn_ ? LinkDecoderKind::ncn : LinkDecoderKind::mlp; }

 private:
  int d_;
  bool ncn_;
  Param w1_, b1_, w2_, b2_;
  Matrix z_, r1_;
};

}  // namespace

std::unique_ptr<LinkDecoder> make_link_decoder(LinkDecoderKind kind, int in_features, const LinkDecoderOptions& opt) {
  SPRIG_EXPECTS(in_features > 0, "make_link_decoder: in_features must be > 0 (got {})", in_features);
  if (kind == LinkDecoderKind::dot) return std::make_unique<DotDecoder>();
  SPRIG_EXPECTS(opt.hidden > 0, "make_link_decoder: hidden must be > 0 (got {})", opt.hidden);
  return std::make_unique<MlpDecoder>(in_features, opt.hidden, kind == LinkDecoderKind::ncn, opt.seed);
}

double link_bce_loss(const Vector& pos, const Vector& neg, Vector& dpos, Vector& dneg) {
  const auto np = pos.size(), nn = neg.size();
  SPRIG_EXPECTS(np + nn > 0, "link_bce_loss: no scores");
  Matrix scores(np + nn, 1);
  std::vector<float> target(static_cast<std::size_t>(np + nn), 0.0f);
  for (Eigen::Index i = 0; i < np; ++i) {
    SPRIG_EXPECTS(!std::isnan(pos(i)), "link_bce_loss: positive score {} is NaN", i);
    scores(i, 0) = pos(i);
    target[static_cast<std::size_t>(i)] = 1.0f;
  }
  for (Eigen::Index i = 0; i < nn; ++i) {
    SPRIG_EXPECTS(!std::isnan(neg(i)), "link_bce_loss: negative score {} is NaN", i);
    scores(np + i, 0) = neg(i);
  }
  const LossResult r = bce_with_logits(scores, target);
  dpos = r.grad.col(0).head(np);
  dneg = r.grad.col(0).tail(nn);
  return r.loss;
}

std::vector<NodePair> sample_training_negatives(const Graph& graph, std::size_t count, std::uint64_t seed,
                                                std::uint64_t step) {
  const node_t n = graph.num_nodes();
  SPRIG_EXPECTS(n >= 2, "sample_training_negatives: the graph needs at least 2 nodes (got {})", n);
  const std::uint64_t key = counter_hash(seed, step, 0x9e6a71e5ULL);
  std::vector<NodePair> out(count);
  parallel_for(std::size_t{0}, count, [&](std::size_t i) {
    Philox rng(key, i);
    NodePair p;
    for (int tries = 0; tries < 100; ++tries) {
      p.u = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n)));
      p.v = static_cast<node_t>(rng.bounded(static_cast<std::uint32_t>(n - 1)));
      if (p.v >= p.u) ++p.v;  // uniform over v ≠ u
      if (!graph.has_arc(p.u, p.v)) break;
    }
    out[i] = p;
  }, 2048);
  return out;
}

namespace {

void check_model(const LinkModel& m, const char* who) {
  SPRIG_EXPECTS(m.encoder != nullptr && m.decoder != nullptr, "{}: the model needs an encoder and a decoder", who);
}

void check_input(const Graph& g, const Matrix& x, const char* who) {
  SPRIG_EXPECTS(x.size() == 0 || x.rows() == g.num_nodes(), "{}: features have {} rows, the graph has {} nodes", who,
                x.rows(), g.num_nodes());
}

PairNodeLists cn_lists(const LinkDecoder& d, const Graph& g, std::span<const NodePair> pairs) {
  if (!d.needs_common_neighbors()) return {};
  return common_neighbor_lists(g, pairs);
}

// Decoder scores in inference mode, in slices so NCN's lists and the MLP's activations stay small.
std::vector<double> score_pairs(LinkDecoder& dec, const Matrix& h, const Graph& g, std::span<const NodePair> pairs) {
  std::vector<double> out(pairs.size());
  constexpr std::size_t kSlice = 1 << 16;
  const Context ctx{.training = false};
  for (std::size_t b = 0; b < pairs.size(); b += kSlice) {
    const auto part = pairs.subspan(b, std::min(kSlice, pairs.size() - b));
    const PairNodeLists cn = cn_lists(dec, g, part);
    const Vector s = dec.forward(h, part, dec.needs_common_neighbors() ? &cn : nullptr, ctx);
    for (std::size_t i = 0; i < part.size(); ++i) out[b + i] = s(static_cast<Eigen::Index>(i));
  }
  return out;
}

// Early-stopping metric: "auc" or "hits@K".
double pick_metric(const std::string& name, const LinkEvalResult& e) {
  if (name == "auc") return e.auc;
  if (name == "mrr") return e.mrr;
  for (std::size_t i = 0; i < e.hits_k.size(); ++i)
    if (name == fmt::format("hits@{}", e.hits_k[i])) return e.hits[i];
  throw InvalidArgument(fmt::format("train_link: early_stop '{}' is not auc, mrr or hits@K for a K in hits_k", name));
}

}  // namespace

Matrix link_encode(Model& encoder, const Graph& graph, const Matrix& x, const Context& ctx) {
  check_input(graph, x, "link_encode");
  Block b = graph_block(graph);
  if (!graph.directed()) b.transposed = &b;
  encoder.set_input_ids({});
  return encoder.forward(b, x, ctx);
}

std::vector<double> link_predict(const LinkModel& model, const Graph& graph, const Matrix& x,
                                 std::span<const NodePair> pairs) {
  check_model(model, "link_predict");
  const Matrix h = link_encode(*model.encoder, graph, x, Context{.training = false});
  return score_pairs(*model.decoder, h, graph, pairs);
}

LinkEvalResult link_evaluate(const LinkModel& model, const Graph& graph, const Matrix& x,
                             std::span<const NodePair> pos, std::span<const NodePair> neg, std::size_t negs_per_pos,
                             std::span<const std::int64_t> hits_k) {
  check_model(model, "link_evaluate");
  const Matrix h = link_encode(*model.encoder, graph, x, Context{.training = false});
  const auto ps = score_pairs(*model.decoder, h, graph, pos);
  const auto ns = score_pairs(*model.decoder, h, graph, neg);
  LinkEvalOptions eo;
  eo.hits_k.assign(hits_k.begin(), hits_k.end());
  eo.negs_per_pos = negs_per_pos;
  return evaluate_link_prediction(ps, ns, eo);
}

LinkTrainResult train_link(const LinkModel& model, const Graph& train_graph, const Graph& full, const Matrix& x,
                           const LinkPredSplit& split, const LinkTrainOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  check_model(model, "train_link");
  check_input(train_graph, x, "train_link");
  SPRIG_EXPECTS(opt.epochs >= 1, "train_link: epochs must be >= 1 (got {})", opt.epochs);
  SPRIG_EXPECTS(opt.lr > 0 && std::isfinite(opt.lr), "train_link: learning rate must be > 0 (got {})", opt.lr);
  SPRIG_EXPECTS(opt.weight_decay >= 0, "train_link: weight_decay must be >= 0 (got {})", opt.weight_decay);
  SPRIG_EXPECTS(opt.eval_every >= 1, "train_link: eval_every must be >= 1 (got {})", opt.eval_every);
  SPRIG_EXPECTS(opt.patience >= 0, "train_link: patience must be >= 0 (got {})", opt.patience);
  SPRIG_EXPECTS(opt.train_negs_per_pos >= 1, "train_link: train_negs_per_pos must be >= 1");
  SPRIG_EXPECTS(opt.eval_negs_per_pos >= 1, "train_link: eval_negs_per_pos must be >= 1");
  SPRIG_EXPECTS(full.num_nodes() == train_graph.num_nodes(), "train_link: full graph has {} nodes, training graph {}",
                full.num_nodes(), train_graph.num_nodes());
  SPRIG_EXPECTS(!split.test_pos.empty(), "train_link: the split has no test positives");
  const bool validate = !split.valid_pos.empty();
  SPRIG_EXPECTS(validate || opt.patience == 0,
                "train_link: early stopping (patience {}) needs validation positives; the split has none",
                opt.patience);
  {
    LinkEvalResult probe;
    probe.hits_k = opt.hits_k;
    probe.hits.assign(opt.hits_k.size(), 0.0);
    (void)pick_metric(opt.early_stop, probe);  // rejects an unknown name before training
  }
  Model& enc = *model.encoder;
  LinkDecoder& dec = *model.decoder;

  // Supervision positives: the split's training pairs, else every edge of the training graph.
  std::vector<NodePair> pos = split.train_pos;
  if (pos.empty())
    for (node_t u = 0; u < train_graph.num_nodes(); ++u)
      for (node_t v : train_graph.neighbors(u))
        if (train_graph.directed() || u < v) pos.push_back({u, v});
  SPRIG_EXPECTS(!pos.empty(), "train_link: no training positives (the training graph has no edges)");

  // Held-out negatives: the split's per-positive rows, else uniform per positive.
  auto held_out = [&](const std::vector<NodePair>& p, const std::vector<NodePair>& neg, std::uint64_t part,
                      std::size_t& k) {
    if (split.negs_per_pos > 0 && neg.size() == split.negs_per_pos * p.size()) {
      k = split.negs_per_pos;
      return neg;
    }
    NegativeOptions no;
    no.seed = counter_hash(opt.seed, part, 0x11ULL);
    no.per_positive = opt.eval_negs_per_pos;
    k = opt.eval_negs_per_pos;
    return sample_negatives(train_graph, full, p, no);
  };
  std::size_t k_valid = 0, k_test = 0;
  const std::vector<NodePair> valid_neg =
      validate ? held_out(split.valid_pos, split.valid_neg, 1, k_valid) : std::vector<NodePair>{};
  const std::vector<NodePair> test_neg = held_out(split.test_pos, split.test_neg, 2, k_test);

  Block block = graph_block(train_graph);
  if (!train_graph.directed()) block.transposed = &block;

  std::vector<Param*> params = enc.parameters();
  for (Param* p : dec.parameters()) params.push_back(p);
  AdamOptions ao;
  ao.lr = opt.lr;
  ao.weight_decay = opt.weight_decay;
  ao.decoupled = opt.weight_decay > 0;
  Adam adam(params, ao);

  LinkTrainResult res;
  std::vector<Matrix> best(params.size());
  auto snapshot = [&] {
    for (std::size_t i = 0; i < params.size(); ++i) best[i] = params[i]->value;
  };
  snapshot();
  double best_metric = -std::numeric_limits<double>::infinity();
  int bad = 0;
  const PairNodeLists pos_cn = cn_lists(dec, train_graph, pos);
  std::vector<NodePair> pairs;
  for (int epoch = 1; epoch <= opt.epochs; ++epoch) {
    const Context ctx{.training = true, .seed = opt.seed, .step = static_cast<std::uint64_t>(epoch)};
    adam.zero_grad();
    enc.set_input_ids({});
    const Matrix h = enc.forward(block, x, ctx);
    const auto neg = sample_training_negatives(train_graph, pos.size() * opt.train_negs_per_pos, opt.seed,
                                               static_cast<std::uint64_t>(epoch));
    pairs.assign(pos.begin(), pos.end());
    pairs.insert(pairs.end(), neg.begin(), neg.end());
    PairNodeLists cn;
    if (dec.needs_common_neighbors()) {
      const PairNodeLists neg_cn = common_neighbor_lists(train_graph, neg);
      cn.offsets = pos_cn.offsets;
      cn.nodes = pos_cn.nodes;
      const std::int64_t base = cn.offsets.back();
      for (std::size_t i = 1; i < neg_cn.offsets.size(); ++i) cn.offsets.push_back(base + neg_cn.offsets[i]);
      cn.nodes.insert(cn.nodes.end(), neg_cn.nodes.begin(), neg_cn.nodes.end());
    }
    const PairNodeLists* cnp = dec.needs_common_neighbors() ? &cn : nullptr;
    const Vector s = dec.forward(h, pairs, cnp, ctx);
    for (Eigen::Index i = 0; i < s.size(); ++i)
      if (!std::isfinite(s(i)))
        throw Error(fmt::format("train_link: the scores became {} at epoch {} (try a lower learning rate)",
                                s(i), epoch));
    const auto np = static_cast<Eigen::Index>(pos.size());
    const Vector sp = s.head(np), sn = s.tail(s.size() - np);
    Vector dp, dn;
    const double loss = link_bce_loss(sp, sn, dp, dn);
    if (!std::isfinite(loss))
      throw Error(fmt::format("train_link: the loss became {} at epoch {} (try a lower learning rate)", loss, epoch));
    Vector ds(s.size());
    ds << dp, dn;
    Matrix dh = Matrix::Zero(h.rows(), h.cols());
    dec.backward(h, pairs, cnp, ds, dh);
    enc.backward(dh);
    adam.step();
    res.loss_history.push_back(loss);
    res.final_loss = loss;
    res.epochs = epoch;
    report(opt.progress, "train", static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(opt.epochs));
    if (!validate) continue;
    if (epoch % opt.eval_every != 0 && epoch != opt.epochs) continue;
    const auto ev = link_evaluate(model, train_graph, x, split.valid_pos, valid_neg, k_valid, opt.hits_k);
    const double metric = pick_metric(opt.early_stop, ev);
    if (opt.on_epoch) opt.on_epoch(epoch, loss, metric);
    if (metric > best_metric) {
      best_metric = metric;
      res.best_epoch = epoch;
      snapshot();
      bad = 0;
    } else if (opt.patience > 0 && ++bad >= opt.patience) {
      break;
    }
  }
  if (validate) {
    for (std::size_t i = 0; i < params.size(); ++i) params[i]->value = best[i];
    res.best_valid = best_metric;
    res.valid = link_evaluate(model, train_graph, x, split.valid_pos, valid_neg, k_valid, opt.hits_k);
  } else {
    res.best_epoch = res.epochs;
    res.best_valid = std::numeric_limits<double>::quiet_NaN();
  }
  res.test = link_evaluate(model, train_graph, x, split.test_pos, test_neg, k_test, opt.hits_k);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace sprig::gnn
