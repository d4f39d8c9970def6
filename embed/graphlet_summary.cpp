// Graphlet counts, GDDA and GDV similarity (see graphlet_summary.hpp).
#include <sprig/embed/graphlet_summary.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include <sprig/graph/error.hpp>

namespace sprig {
namespace {

// For each node orbit: its graphlet and how many nodes of that graphlet are in
// the orbit (docs/graphlet-orbits.tsv).
struct OrbitPlace {
  int graphlet;
  int multiplicity;
};
constexpr std::array<OrbitPlace, 73> kPlace{{
    {0, 2},  {1, 2},  {1, 1},  {2, 3},  {3, 2},  {3, 2},  {4, 3},  {4, 1},  {5, 4},  {6, 1},  {6, 2},  {6, 1},
    {7, 2},  {7, 2},  {8, 4},  {9, 2},  {9, 2},  {9, 1},  {10, 1}, {10, 2}, {10, 1}, {10, 1}, {11, 4}, {11, 1},
    {12, 2}, {12, 1}, {12, 2}, {13, 1}, {13, 1}, {13, 2}, {13, 1}, {14, 2}, {14, 2}, {14, 1}, {15, 5}, {16, 1},
    {16, 1}, {16, 2}, {16, 1}, {17, 1}, {17, 2}, {17, 1}, {17, 1}, {18, 4}, {18, 1}, {19, 1}, {19, 1}, {19, 1},
    {19, 2}, {20, 3}, {20, 2}, {21, 2}, {21, 1}, {21, 2}, {22, 3}, {22, 2}, {23, 1}, {23, 3}, {23, 1}, {24, 2},
    {24, 2}, {24, 1}, {25, 1}, {25, 2}, {25, 2}, {26, 1}, {26, 2}, {26, 2}, {27, 4}, {27, 1}, {28, 2}, {28, 3},
    {29, 5},
}};

// o_i: orbits affecting orbit i, itself included (Milenković & Pržulj 2008; the
// table GraphCrunch and libgraphlet distribute).
constexpr std::array<int, 73> kDependencies{{
    1, 2, 2, 2, 3, 4, 3, 3, 4, 3, 4, 4, 4, 4, 3, 4, 6, 5, 4, 5, 6, 6, 4, 4, 4, 5, 7, 4, 6, 6, 7, 4, 6, 6, 6, 5, 6,
    7, 7, 5, 7, 6, 7, 6, 5, 5, 6, 8, 7, 6, 6, 8, 6, 9, 5, 6, 4, 6, 6, 7, 8, 6, 6, 8, 7, 6, 7, 7, 8, 5, 6, 6, 4,
}};

// Sorted (k, nodes touching the orbit k times) of one column, k ≥ 1.
std::vector<std::pair<std::uint64_t, std::uint64_t>> distribution(const CountMatrix& m, Eigen::Index j) {
  std::vector<std::uint64_t> v;
  v.reserve(static_cast<std::size_t>(m.rows()));
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    if (m(i, j) > 0) v.push_back(m(i, j));
  std::sort(v.begin(), v.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> d;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t e = i;
    while (e < v.size() && v[e] == v[i]) ++e;
    d.emplace_back(v[i], e - i);
    i = e;
  }
  return d;
}

// T = Σ_k d(k)/k, summed in increasing k (fixed order).
double total(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& d) {
  double t = 0;
  for (auto [k, c] : d) t += static_cast<double>(c) / static_cast<double>(k);
  return t;
}

}  // namespace

std::vector<std::uint64_t> graphlet_counts(const CountMatrix& node_orbits) {
  const auto k = node_orbits.cols();
  SPRIG_EXPECTS(k == 15 || k == 73, "graphlet_counts: node orbit counts need 15 or 73 columns (got {})", k);
  const int graphlets = k == 15 ? 9 : 30;
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(k), 0);
  for (Eigen::Index i = 0; i < node_orbits.rows(); ++i)
    for (Eigen::Index j = 0; j < k; ++j) sums[j] += node_orbits(i, j);
  std::vector<std::uint64_t> count(static_cast<std::size_t>(graphlets), 0);
  std::vector<int> first(static_cast<std::size_t>(graphlets), -1);
  for (int o = 0; o < k; ++o) {
    const auto [g, mult] = kPlace[o];
    SPRIG_EXPECTS(sums[o] % static_cast<std::uint64_t>(mult) == 0,
                  "graphlet_counts: orbit {} sums to {}, not a multiple of its {} nodes in G{}: not node orbit counts",
                  o, sums[o], mult, g);
    const std::uint64_t c = sums[o] / static_cast<std::uint64_t>(mult);
    if (first[g] < 0) {
      first[g] = o;
      count[g] = c;
    } else {
      SPRIG_EXPECTS(count[g] == c,
                    "graphlet_counts: G{} counted {} times from orbit {} but {} times from orbit {}: not node orbit "
                    "counts of one graph",
                    g, count[g], first[g], c, o);
    }
  }
  return count;
}

std::vector<std::uint64_t> graphlet_counts(const Graph& g, int max_size) {
  return graphlet_counts(orbit_counts(g, {.max_size = max_size, .per = Per::node}).counts);
}

Gdda gdda(const CountMatrix& a, const CountMatrix& b) {
  SPRIG_EXPECTS(a.cols() == b.cols(), "gdda: the orbit matrices have {} and {} columns", a.cols(), b.cols());
  SPRIG_EXPECTS(a.cols() >= 1, "gdda: the orbit matrices have no columns");
  Gdda r;
  r.per_orbit.resize(static_cast<std::size_t>(a.cols()));
  for (Eigen::Index j = 0; j < a.cols(); ++j) {
    const auto da = distribution(a, j), db = distribution(b, j);
    const double ta = total(da), tb = total(db);
    // Merge the two sorted supports; an empty distribution is the zero vector.
    double sq = 0;
    std::size_t i = 0, l = 0;
    while (i < da.size() || l < db.size()) {
      double na = 0, nb = 0;
      std::uint64_t k;
      if (l == db.size() || (i < da.size() && da[i].first < db[l].first)) {
        k = da[i].first;
        na = static_cast<double>(da[i++].second) / static_cast<double>(k) / ta;
      } else if (i == da.size() || db[l].first < da[i].first) {
        k = db[l].first;
        nb = static_cast<double>(db[l++].second) / static_cast<double>(k) / tb;
      } else {
        k = da[i].first;
        na = static_cast<double>(da[i++].second) / static_cast<double>(k) / ta;
        nb = static_cast<double>(db[l++].second) / static_cast<double>(k) / tb;
      }
      sq += (na - nb) * (na - nb);
    }
    r.per_orbit[j] = 1.0 - std::sqrt(sq) / std::sqrt(2.0);
  }
  double sum = 0, logsum = 0;
  bool zero = false;
  for (double x : r.per_orbit) {
    sum += x;
    if (x <= 0)
      zero = true;
    else
      logsum += std::log(x);
  }
  const double k = static_cast<double>(r.per_orbit.size());
  r.arithmetic = sum / k;
  r.geometric = zero ? 0.0 : std::exp(logsum / k);
  return r;
}

std::span<const int> orbit_dependency_counts() { return kDependencies; }

std::vector<double> gdv_weights(int orbits) {
  SPRIG_EXPECTS(orbits >= 1 && orbits <= 73, "gdv_weights: orbits must be in [1, 73] (got {})", orbits);
  std::vector<double> w(static_cast<std::size_t>(orbits));
  for (int i = 0; i < orbits; ++i) w[i] = 1.0 - std::log(static_cast<double>(kDependencies[i])) / std::log(73.0);
  return w;
}

double gdv_similarity(std::span<const std::uint64_t> u, std::span<const std::uint64_t> v) {
  SPRIG_EXPECTS(u.size() == v.size(), "gdv_similarity: the vectors have {} and {} orbits", u.size(), v.size());
  SPRIG_EXPECTS(!u.empty() && u.size() <= 73, "gdv_similarity: vectors need 1..73 orbits (got {})", u.size());
  const auto w = gdv_weights(static_cast<int>(u.size()));
  double dist = 0, wsum = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    const double a = static_cast<double>(u[i]), b = static_cast<double>(v[i]);
    dist += w[i] * std::abs(std::log(a + 1) - std::log(b + 1)) / std::log(std::max(a, b) + 2);
    wsum += w[i];
  }
  return 1.0 - dist / wsum;
}

double gdv_similarity(const CountMatrix& a, std::int64_t u, const CountMatrix& b, std::int64_t v) {
  SPRIG_EXPECTS(u >= 0 && u < a.rows(), "gdv_similarity: row {} outside [0, {})", u, a.rows());
  SPRIG_EXPECTS(v >= 0 && v < b.rows(), "gdv_similarity: row {} outside [0, {})", v, b.rows());
  SPRIG_EXPECTS(a.cols() == b.cols(), "gdv_similarity: the orbit matrices have {} and {} columns", a.cols(), b.cols());
  const auto k = static_cast<std::size_t>(a.cols());
  return gdv_similarity(std::span<const std::uint64_t>(a.data() + u * a.cols(), k),
                        std::span<const std::uint64_t>(b.data() + v * b.cols(), k));
}

}  // namespace sprig
