// sprig/gnn/link.hpp — link prediction with a GNN: encoder + pair decoder,
// binary cross-entropy over positives and sampled negatives, evaluation by
// sprig's link-prediction metrics, full-batch training with early stopping.
//
// Decoders (score = logit of "u–v is an edge", from node embeddings h):
//   dot  s = ⟨h_u, h_v⟩                                     (GAE, Kipf & Welling 2016)
//   mlp  s = MLP(h_u ⊙ h_v), MLP = Linear–ReLU–Linear(→1)    (PyG's link_pred examples)
//   ncn  s = MLP([h_u ⊙ h_v ‖ Σ_{w ∈ Γ(u)∩Γ(v)} h_w])        (Wang, Yang, Zhang, "Neural Common
//        Neighbor with Completion for Link Prediction", ICLR 2024 — NCN without the completion),
//        the common neighbours taken in the message-passing (training) graph.
// Loss: mean over P positives and N negatives of BCE-with-logits,
//   L = (Σ_p softplus(−s_p) + Σ_n softplus(s_n)) / (P + N)   (PyTorch's BCEWithLogitsLoss on the concatenation).
// Training negatives: uniform random pairs (u ≠ v, not an arc of the training
// graph), one draw stream per (seed, epoch, pair index) → thread-count independent.
//
// Cost per epoch: encoder fwd+bwd, plus O((P+N)·d·hidden) for the MLP decoders
// and O(Σ|CN|·d) for NCN's sums. Backward scatters into dL/dh sequentially in
// pair order (no atomics), so results are bitwise identical for any thread count.
// Decoders cache their activations between forward and backward: not thread-safe per instance.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/model.hpp>
#include <sprig/gnn/module.hpp>
#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>
#include <sprig/metrics/linkpred_eval.hpp>
#include <sprig/metrics/linkpred_scores.hpp>
#include <sprig/metrics/linkpred_split.hpp>

namespace sprig::gnn {

enum class LinkDecoderKind { dot, mlp, ncn };

/// "dot", "mlp", "ncn"; throws InvalidArgument listing the names otherwise.
LinkDecoderKind parse_link_decoder(std::string_view name);
std::string_view link_decoder_name(LinkDecoderKind k) noexcept;

/// Scores node pairs from node embeddings. `cn` (NCN only) holds the common
/// neighbours of each pair as a CSR over the pairs (metrics' common_neighbor_lists).
class LinkDecoder {
 public:
  virtual ~LinkDecoder() = default;
  /// Logits of `pairs` (one per pair). Caches what backward needs when ctx.training.
  virtual Vector forward(const Matrix& h, std::span<const NodePair> pairs, const PairNodeLists* cn,
                         const Context& ctx) = 0;
  /// Given dL/d(logits) of the last training forward (same h, pairs, cn), adds
  /// dL/dh into `dh` (h's shape) and dL/dparam into each Param::grad.
  virtual void backward(const Matrix& h, std::span<const NodePair> pairs, const PairNodeLists* cn,
                        const Vector& grad_scores, Matrix& dh) = 0;
  virtual std::vector<Param*> parameters() = 0;
  virtual LinkDecoderKind kind() const = 0;
  bool needs_common_neighbors() const { return kind() == LinkDecoderKind::ncn; }
};

struct LinkDecoderOptions {
  int hidden = 64;           ///< MLP width (mlp, ncn)
  std::uint64_t seed = 1;    ///< Glorot initialisation
};

/// A decoder for embeddings of width `in_features`. Throws InvalidArgument on widths ≤ 0.
std::unique_ptr<LinkDecoder> make_link_decoder(LinkDecoderKind kind, int in_features,
                                               const LinkDecoderOptions& opt = {});

/// BCE with logits (gnn/loss's bce_with_logits on the concatenation), mean over
/// all P + N scores; writes dL/ds into dpos, dneg (resized). Throws
/// InvalidArgument when both are empty or a score is NaN.
double link_bce_loss(const Vector& pos, const Vector& neg, Vector& dpos, Vector& dneg);

/// `count` uniform negatives for training at `step`: pair i from Philox keyed by
/// (seed, step, i); u ≠ v and u–v not an arc of `graph` (up to 100 redraws, then
/// the last draw with u ≠ v is kept — only for near-complete graphs). Needs n ≥ 2.
std::vector<NodePair> sample_training_negatives(const Graph& graph, std::size_t count, std::uint64_t seed,
                                                std::uint64_t step);

/// Encoder (any Model: maps input features over the message-passing graph to
/// node embeddings; it sees the whole training graph as one square block) and
/// decoder. Not owned.
struct LinkModel {
  Model* encoder = nullptr;
  LinkDecoder* decoder = nullptr;
};

struct LinkTrainOptions {
  int epochs = 200;
  double lr = 0.01;
  double weight_decay = 0;          ///< AdamW-style, on Params with decay = true
  int patience = 30;                ///< stop after this many evaluations without a better validation metric (0: never)
  int eval_every = 1;               ///< evaluate on validation every k epochs
  std::string early_stop = "auc";   ///< "auc" or "hits@K" (e.g. "hits@50"), on validation
  std::size_t train_negs_per_pos = 1;  ///< uniform training negatives per training positive, redrawn each epoch
  std::size_t eval_negs_per_pos = 100; ///< validation/test negatives per positive when the split has none
  std::vector<std::int64_t> hits_k = {20, 50, 100};
  std::uint64_t seed = 1;
  ProgressFn progress;              ///< stage "train": epochs done
  /// Called after each evaluated epoch (epoch, loss, validation metric).
  std::function<void(int, double, double)> on_epoch;
};

struct LinkTrainResult {
  int epochs = 0;            ///< epochs run
  int best_epoch = 0;        ///< 1-based epoch whose parameters were kept
  double best_valid = 0;     ///< its validation metric
  double final_loss = 0;
  LinkEvalResult valid, test;  ///< with the kept parameters
  std::vector<double> loss_history;
  double seconds = 0;
};

/// Node embeddings of `x` (features; for one-hot ids the encoder's first layer
/// gathers its weight rows and x may be empty) over `graph` (square block).
Matrix link_encode(Model& encoder, const Graph& graph, const Matrix& x, const Context& ctx);

/// Scores pairs with a trained model (inference: no caching). Common neighbours
/// (NCN) are taken in `graph`.
std::vector<double> link_predict(const LinkModel& model, const Graph& graph, const Matrix& x,
                                 std::span<const NodePair> pairs);

/// Evaluates a model on positives and per-positive negatives (k per positive, row-major).
LinkEvalResult link_evaluate(const LinkModel& model, const Graph& graph, const Matrix& x,
                             std::span<const NodePair> pos, std::span<const NodePair> neg, std::size_t negs_per_pos,
                             std::span<const std::int64_t> hits_k);

/// Full-batch training: message passing over `split_graph` (the training graph),
/// supervision = the training positives (`split.train_pos`, or the arcs of the
/// training graph when empty) against fresh uniform negatives each epoch; Adam
/// (AdamW when weight_decay > 0); early stopping on the validation metric with
/// the best parameters restored. Validation/test negatives: the split's when it
/// holds per-positive rows, else uniform per positive (seeded; never an edge of `full`).
/// Throws InvalidArgument on bad options, no validation positives (when
/// patience > 0), no test positives, x's row count ≠ n (unless empty); a NaN
/// loss stops with an Error naming the epoch.
LinkTrainResult train_link(const LinkModel& model, const Graph& train_graph, const Graph& full, const Matrix& x,
                           const LinkPredSplit& split, const LinkTrainOptions& opt = {});

}  // namespace sprig::gnn
