// cli/train_link.hpp — `sprig train --task link` (called from cli/train.cpp)
// and the GNN row of `sprig run` (cli/run.cpp), both in cli/train_link.cpp.
//
// --task link: the graph's edges are split at random (--valid-fraction,
// --test-fraction, --seed; or the split an .h5 file from `sprig linkpred split`
// holds), a GNN encoder (--model …, as the node task) with a pair decoder
// (--decoder dot|mlp|ncn) is trained full-batch on the training graph with
// uniform negatives, early stopping on the validation metric (--early-stop
// auc|hits@50|mrr), and the test pairs are scored with OGB's Hits@K and MRR
// (each positive against its own --negs-per-pos negatives) and ROC-AUC.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <sprig/graph/csr.hpp>
#include <sprig/metrics/linkpred_split.hpp>

#include "train.hpp"

namespace sprig::cli {

/// Runs `sprig train --task link` with the shared flags and the link flags; returns 0.
int run_train_link(const TrainArgs& args);

/// Adds the link-only flags (--decoder, --early-stop, --negs-per-pos, --valid-fraction, --test-fraction).
void add_train_link_flags(CLI::App* sub);

/// What the GNN row of `sprig run` trains: GCN (2 layers, hidden 64, one-hot
/// ids, no dropout) + dot decoder, Adam lr 0.01, at most `epochs` epochs with
/// validation AUC every 5 epochs (20 negatives per validation positive) and
/// patience 4 evaluations (no early stopping when the split has no validation edges).
struct RunGnnOptions {
  int epochs = 100;
  std::uint64_t seed = 1;
};

/// Scores `pairs` with a GNN trained on `train` (supervision: split.train_pos;
/// validation: split.valid_pos; negatives never edges of `full`).
std::vector<double> run_gnn_scores(const Graph& train, const Graph& full, const LinkPredSplit& split,
                                   std::span<const NodePair> pairs, const RunGnnOptions& opt);

}  // namespace sprig::cli
