// cli/train.hpp — the parsed flags of `sprig train` (cli/train.cpp), shared with
// the link-prediction half (cli/train_link.{hpp,cpp}, which declares
// `int run_train_link(const TrainArgs& args);` and is called for --task link).
#pragma once

#include <cstdint>
#include <string>

#include <sprig/gnn/features.hpp>
#include <sprig/gnn/model.hpp>

#include "common.hpp"

namespace sprig::cli {

struct TrainArgs {
  std::string graph;            ///< GRAPH argument (file, .h5, or generator spec)
  GraphFlags graph_flags;
  std::string labels;           ///< --labels file ("" : the .h5 dataset's /nodes/labels)
  std::string features;         ///< --features: identity|degree|log_degree|fastrp|orbits (joined with +), a .npy file, or "" (dataset features, else identity)
  std::string task = "node";    ///< node | link
  std::string model = "gcn";    ///< gcn|sage|gin|gat|pna|dagnn|lcm
  std::string aggr = "mean";
  int hidden = 64;
  int layers = 2;
  int epochs = 200;
  double lr = 0.01;
  double weight_decay = 5e-4;
  double dropout = 0.5;
  int patience = 100;
  int heads = 1;
  int dagnn_k = 10;
  bool adamw = false;
  std::string schedule = "constant";
  bool residual = false;
  bool layer_norm = false;
  bool virtual_node = false;
  bool largest_component = false;  ///< node task: keep the largest connected component
  std::string write_split;         ///< node task: write "node split" lines (original ids)
  std::string output;              ///< -o model.h5
};

/// The model the shared --model/--hidden/--layers/... flags describe, for input
/// `feat` on n nodes and `out_features` outputs (classes, or the link task's
/// embedding width); PNA's avg_log_degree is left to the caller.
gnn::ModelSpec model_spec(const TrainArgs& a, const gnn::InputFeatures& feat, node_t n, int out_features);

}  // namespace sprig::cli
