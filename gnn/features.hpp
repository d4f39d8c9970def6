// sprig/gnn/features.hpp — input features for graphs that have none.
//
//   identity   one-hot node ids, never materialised: the result carries no
//              matrix and `identity = true`; the first layer (gnn/layers'
//              `identity_input`) gathers rows of its n × out weight instead of
//              multiplying by an n × n identity (the "featureless" GCN of Kipf &
//              Welling 2017). Sampled blocks pass their source ids (set_input_ids).
//   degree     one-hot bucketed degree: bucket ⌊log₂(deg + 1)⌋, capped at
//              buckets − 1 (the OGB/PyG OneHotDegree idea with log buckets, so a
//              power-law tail shares few columns).
//   log_degree one column log(1 + deg) (weighted degree when the graph has weights).
//   fastrp     FastRP embeddings (embed/fastrp; Chen et al. CIKM 2019), each column
//              standardised (the reference's final scaling).
//   orbits     graphlet-orbit counts up to 4 nodes (embed/orbits, 15 columns; Pržulj
//              numbering, orbit 0 = degree), log1p-scaled: counts span many orders.
// Kinds combine with '+' ("degree+fastrp"): columns concatenated in the order named.
//
// Cost: identity O(1); degree O(n·buckets); fastrp O(k·m·d); orbits O(m·d_max).
// Deterministic for a seed and any thread count (FastRP and orbit counts are);
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sprig/gnn/matrix.hpp>
#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig::gnn {

enum class FeatureKind { identity, degree, log_degree, fastrp, orbits };

/// "identity" (or "onehot", "id"), "degree", "log_degree", "fastrp", "orbits";
/// throws InvalidArgument listing the names otherwise.
FeatureKind parse_feature_kind(std::string_view name);
/// Parses "degree+fastrp"; identity may not be combined with others (it has no matrix).
std::vector<FeatureKind> parse_feature_kinds(std::string_view plus_list);

struct FeatureOptions {
  int degree_buckets = 16;      ///< degree one-hot width, ≥ 1
  std::int64_t fastrp_dim = 64; ///< FastRP width
  std::uint64_t seed = 1;       ///< FastRP projection
  ProgressFn progress;
};

/// Input features of one graph.
struct InputFeatures {
  Matrix x;               ///< n × f; empty when identity
  bool identity = false;  ///< one-hot ids: the first layer takes in_features = n and gathers weight rows
  std::vector<std::string> columns;  ///< a short description per block of columns, e.g. "degree[16]"
  /// Width the first layer must accept.
  int in_features(node_t n) const { return identity ? static_cast<int>(n) : static_cast<int>(x.cols()); }
};

/// Bucketed one-hot degree (n × buckets). Throws InvalidArgument when buckets < 1.
Matrix degree_onehot_features(const Graph& g, int buckets);
/// log(1 + degree) as one column (weighted degree when g has weights).
Matrix log_degree_features(const Graph& g);
/// FastRP, dimension `dim`, columns standardised.
Matrix fastrp_features(const Graph& g, std::int64_t dim, std::uint64_t seed, const ProgressFn& progress = {});
/// log(1 + c) of the 15 node-orbit counts of graphlets up to 4 nodes (n × 15).
Matrix orbit_features(const Graph& g, const ProgressFn& progress = {});

/// The features for `kinds` (concatenated). Throws InvalidArgument for an
/// empty list or identity combined with another kind.
InputFeatures make_features(const Graph& g, const std::vector<FeatureKind>& kinds, const FeatureOptions& opt = {});

/// Checks user-given features: n rows, no NaN/Inf. Throws InvalidArgument naming
/// `what`, the shapes or the first bad entry (row, column).
void check_features(const Matrix& x, node_t n, std::string_view what);

}  // namespace sprig::gnn
