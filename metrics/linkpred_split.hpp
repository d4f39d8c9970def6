// sprig/metrics/linkpred_split.hpp — link-prediction splits and negative pairs.
//
// - random_link_split: the edges (u < v for an undirected graph; self-loops
//   always stay in train) in a random order keyed by (seed, edge index); the
//   first test_fraction·m are test positives, the next valid_fraction·m valid
//   positives, the rest train. With keep_connected, a random spanning forest
//   (Kruskal over that order) stays in train, so the training graph has the
//   same connected components as g and no node loses all of its edges.
// - temporal_link_split: edges with time < t_valid train, t_valid ≤ time <
//   t_test valid, time ≥ t_test test; cut at given times or at quantiles of the
//   edge times. Held-out pairs are deduplicated, pairs already in train (or in
//   valid, for test) are dropped as repeats, and pairs touching a node with no
//   training edge ("new nodes") are dropped and counted.
// - sample_negatives: uniform non-edges; degree-matched pairs (each endpoint
//   drawn with probability proportional to its training degree, like the
//   endpoints of a uniformly random edge); or HeaRT-style hard negatives (Li et
//   al., "Evaluating Graph Neural Networks for Link Prediction: Current
//   Pitfalls and New Benchmarking", NeurIPS 2023): per positive (a, b), k
//   corruptions of the tail (a, x) and k of the head (x, b), with x the top
//   candidates of a (resp. b) by resource allocation and by personalized
//   PageRank (push, teleport 0.15) taken alternately by rank, never a true
//   neighbour (in `exclude`), filled with uniform non-neighbours when short.
//
// Cost: random split O(m log m); temporal O(m log m); uniform/degree negatives
// O(#negatives) expected draws (each a binary search in a row); HeaRT
// O(#distinct endpoints · (2-hop work + 1/(α ε))). Determinism: draws are keyed
// by (seed, part, item), never by thread; identical output for any thread
// count. Thread-safe. Errors: fractions out of range, a split larger than the
// graph allows, a temporal split without times, a graph too dense to find
// non-edges: InvalidArgument naming the argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/edge_list.hpp>
#include <sprig/graph/progress.hpp>
#include <sprig/metrics/linkpred_scores.hpp>

namespace sprig {

/// Positive and negative pairs of each part, with how they were made.
struct LinkPredSplit {
  std::string method;  ///< "random" or "temporal"
  std::uint64_t seed = 0;
  std::vector<NodePair> train_pos, valid_pos, test_pos;
  std::vector<NodePair> train_neg, valid_neg, test_neg;
  /// > 0: valid_neg and test_neg hold negs_per_pos rows per positive, in the positives' order (for MRR).
  std::size_t negs_per_pos = 0;
  std::int64_t dropped_nodes = 0;   ///< temporal: distinct held-out nodes without a training edge
  std::int64_t dropped_edges = 0;   ///< temporal: held-out pairs dropped because of such nodes
  std::int64_t repeated_edges = 0;  ///< temporal: held-out pairs dropped as already seen (or duplicated)
  std::int64_t valid_time = 0, test_time = 0;  ///< temporal: the cut times used
};

/// A split and the training graph it implies.
struct LinkSplitResult {
  LinkPredSplit split;
  Graph train;  ///< the training graph (weights kept)
  Graph full;   ///< every positive of every part (what negatives must avoid)
};

struct RandomLinkSplitOptions {
  double valid_fraction = 0.05;  ///< of the edges, in [0, 1)
  double test_fraction = 0.10;   ///< of the edges, in [0, 1); valid + test < 1
  std::uint64_t seed = 1;
  bool keep_connected = false;   ///< keep a random spanning forest in train
  ProgressFn progress;
};

/// Random edge split of g (positives only; add negatives with sample_negatives).
/// Throws InvalidArgument on bad fractions, or when keep_connected leaves too
/// few removable edges (naming both counts).
LinkSplitResult random_link_split(const Graph& g, const RandomLinkSplitOptions& opt = {});

struct TemporalLinkSplitOptions {
  std::optional<std::int64_t> valid_time;  ///< first time of valid; unset: from valid_quantile
  std::optional<std::int64_t> test_time;   ///< first time of test; unset: from test_quantile
  double valid_quantile = 0.85;            ///< the time at this quantile of the edge times starts valid
  double test_quantile = 0.95;
  bool undirected = true;  ///< treat edges as undirected pairs (the scores need an undirected graph)
  ProgressFn progress;
};

/// Temporal split of a timed edge list. Throws InvalidArgument when the list has
/// no times, quantiles lie outside [0, 1], or valid time > test time.
LinkSplitResult temporal_link_split(const EdgeList& edges, const TemporalLinkSplitOptions& opt = {});

enum class NegativeMethod { uniform, degree, heart };

/// "uniform", "degree", "heart"; throws InvalidArgument otherwise.
NegativeMethod parse_negative_method(std::string_view name);

struct NegativeOptions {
  NegativeMethod method = NegativeMethod::uniform;
  std::uint64_t seed = 1;
  /// 0: pooled, `count` pairs (uniform / degree). > 0: that many per positive,
  /// row i for positive i (uniform / degree corrupt the tail: (u_i, x)). HeaRT
  /// always works per positive with 2 · heart_k rows and ignores this.
  std::size_t per_positive = 0;
  std::size_t count = 0;              ///< pooled mode: how many (0: as many as positives)
  std::size_t heart_k = 250;          ///< HeaRT: corruptions of each side
  double ppr_alpha = 0.15, ppr_epsilon = 1e-4;  ///< HeaRT's PPR push
  bool active_nodes_only = false;     ///< draw only nodes with a training edge
  int max_draws = 1000;               ///< draws per negative before giving up (graph too dense)
  ProgressFn progress;
};

/// Negative pairs for `positives`: never an edge of `exclude` (pass the full
/// graph) and never u == v. `train` gives degrees and HeaRT's heuristics. Both
/// graphs must have the same node count. Throws InvalidArgument when no
/// non-edge is found within max_draws for some item (naming it).
std::vector<NodePair> sample_negatives(const Graph& train, const Graph& exclude, std::span<const NodePair> positives,
                                       const NegativeOptions& opt = {});

/// The undirected (or directed) graph with n nodes whose edges are `pairs` (weights 1).
Graph graph_from_pairs(node_t n, std::span<const NodePair> pairs, bool directed = false);

}  // namespace sprig
