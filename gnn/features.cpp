// Input features for featureless graphs (see features.hpp).
#include <sprig/gnn/features.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <sprig/embed/fastrp.hpp>
#include <sprig/embed/orbits.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::gnn {

FeatureKind parse_feature_kind(std::string_view name) {
  if (name == "identity" || name == "onehot" || name == "id") return FeatureKind::identity;
  if (name == "degree") return FeatureKind::degree;
  if (name == "log_degree" || name == "logdegree") return FeatureKind::log_degree;
  if (name == "fastrp") return FeatureKind::fastrp;
  if (name == "orbits") return FeatureKind::orbits;
  throw InvalidArgument(
      fmt::format("unknown feature kind '{}' (expected identity, degree, log_degree, fastrp or orbits)", name));
}

std::vector<FeatureKind> parse_feature_kinds(std::string_view plus_list) {
  std::vector<FeatureKind> out;
  std::size_t start = 0;
  while (start <= plus_list.size()) {
    const auto end = plus_list.find('+', start);
    const auto part = plus_list.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    SPRIG_EXPECTS(!part.empty(), "features: empty name in '{}'", plus_list);
    out.push_back(parse_feature_kind(part));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (out.size() > 1)
    for (FeatureKind k : out)
      SPRIG_EXPECTS(k != FeatureKind::identity, "features: identity cannot be combined with other kinds in '{}'",
                    plus_list);
  return out;
}

Matrix degree_onehot_features(const Graph& g, int buckets) {
  SPRIG_EXPECTS(buckets >= 1, "degree features: buckets must be >= 1 (got {})", buckets);
  const node_t n = g.num_nodes();
  Matrix x = Matrix::Zero(n, buckets);
  parallel_for(node_t{0}, n, [&](node_t v) {
    const auto d = static_cast<std::uint64_t>(g.degree(v)) + 1;
    int b = 0;
    while ((d >> (b + 1)) != 0) ++b;  // ⌊log₂(deg + 1)⌋
    x(v, std::min(b, buckets - 1)) = 1.0f;
  });
  return x;
}

Matrix log_degree_features(const Graph& g) {
  const node_t n = g.num_nodes();
  Matrix x(n, 1);
  parallel_for(node_t{0}, n, [&](node_t v) {
    double d = 0;
    if (g.weighted()) {
      for (float w : g.weights(v)) d += w;  // row order: deterministic
    } else {
      d = static_cast<double>(g.degree(v));
    }
    x(v, 0) = static_cast<float>(std::log1p(std::max(d, 0.0)));
  });
  return x;
}

Matrix fastrp_features(const Graph& g, std::int64_t dim, std::uint64_t seed, const ProgressFn& progress) {
  FastRpOptions o;
  o.dim = dim;
  o.seed = seed;
  o.standardize = true;
  o.progress = progress;
  return fastrp(g, o);
}

Matrix orbit_features(const Graph& g, const ProgressFn& progress) {
  OrbitOptions o;
  o.max_size = 4;
  o.progress = progress;
  const OrbitCounts c = orbit_counts(g, o);
  Matrix x(c.counts.rows(), c.counts.cols());
  for (Eigen::Index i = 0; i < x.size(); ++i)
    x.data()[i] = static_cast<float>(std::log1p(static_cast<double>(c.counts.data()[i])));
  return x;
}

InputFeatures make_features(const Graph& g, const std::vector<FeatureKind>& kinds, const FeatureOptions& opt) {
  SPRIG_EXPECTS(!kinds.empty(), "make_features: no feature kind given");
  InputFeatures f;
  if (kinds.size() == 1 && kinds[0] == FeatureKind::identity) {
    f.identity = true;
    f.columns.push_back(fmt::format("identity[{}]", g.num_nodes()));
    return f;
  }
  std::vector<Matrix> parts;
  for (FeatureKind k : kinds) {
    switch (k) {
      case FeatureKind::identity:
        throw InvalidArgument("make_features: identity cannot be combined with other kinds");
      case FeatureKind::degree:
        parts.push_back(degree_onehot_features(g, opt.degree_buckets));
        f.columns.push_back(fmt::format("degree[{}]", opt.degree_buckets));
        break;
      case FeatureKind::log_degree:
        parts.push_back(log_degree_features(g));
        f.columns.push_back("log_degree[1]");
        break;
      case FeatureKind::fastrp:
        parts.push_back(fastrp_features(g, opt.fastrp_dim, opt.seed, opt.progress));
        f.columns.push_back(fmt::format("fastrp[{}]", opt.fastrp_dim));
        break;
      case FeatureKind::orbits:
        parts.push_back(orbit_features(g, opt.progress));
        f.columns.push_back(fmt::format("orbits[{}]", parts.back().cols()));
        break;
    }
  }
  Eigen::Index cols = 0;
  for (const auto& p : parts) cols += p.cols();
  f.x.resize(g.num_nodes(), cols);
  Eigen::Index at = 0;
  for (const auto& p : parts) {
    f.x.middleCols(at, p.cols()) = p;
    at += p.cols();
  }
  return f;
}

void check_features(const Matrix& x, node_t n, std::string_view what) {
  SPRIG_EXPECTS(x.rows() == n, "{}: {} rows for a graph of {} nodes", what, x.rows(), n);
  SPRIG_EXPECTS(x.cols() > 0, "{}: no columns", what);
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      SPRIG_EXPECTS(std::isfinite(x(r, c)), "{}: entry (row {}, column {}) is {}", what, r, c, x(r, c));
}

}  // namespace sprig::gnn
