// sprig/metrics/degree.hpp — degree and strength distributions, summary
// statistics, and the discrete power-law fit of Clauset, Shalizi & Newman,
// "Power-law distributions in empirical data" (SIAM Review 51, 2009).
//
// Power-law fit. For a candidate x_min, α maximises the discrete likelihood
//   L(α) = −n ln ζ(α, x_min) − α Σ ln x_i   (x_i ≥ x_min, ζ the Hurwitz zeta),
// found here as the root of L'(α) (bisection on the analytic derivative, to
// machine precision). x_min minimises the Kolmogorov–Smirnov distance D
// between the tail's empirical CDF and the fitted one. Two rules for D:
//  - KsPoints::observed (default): igraph's power_law_fit (the plfit library,
//    Nepusz): candidates and evaluation points are the observed values, the
//    largest value is never a candidate, and for fewer than 50
//    data points the finite-size correction α ← α(n−1)/n + 1/n is applied.
//    This is the rule the tests check against igraph (α to 1e-6, same x_min).
//  - KsPoints::all_integers: CSN's reference MATLAB code: D is evaluated at
//    every integer in [x_min, max], which can change x_min on real data.
// Standard error (α − 1)/√n_tail. Optional: the semi-parametric bootstrap
// p-value of CSN §4.1 (each replicate draws n values: from the observed values
// below x_min with probability 1 − n_tail/n, else from the fitted power law;
// refits x_min and α; p = share of replicates with D larger than observed);
// a percentile bootstrap confidence interval for α (resampling with
// replacement, refitting both parameters); Vuong likelihood-ratio tests
// against a discrete exponential and a discretised log-normal fitted to the
// same tail (CSN §5; R > 0 favours the power law, p its two-sided significance).
//
// Cost: the fit is O(n log n + u · n_tail) for u distinct values (each
// candidate costs a root search of ~60 Hurwitz-zeta evaluations, plus the KS
// pass); each bootstrap replicate costs one fit. Replicates run in parallel,
// each with its own Philox stream keyed by (seed, replicate), results in
// fixed slots — identical for any thread count. Thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

/// Which degree of a directed graph (undirected graphs: all the same).
enum class DegreeMode { out, in, total };

/// Degree of each node (self-loops count once per stored arc).
std::vector<std::int64_t> degrees(const Graph& g, DegreeMode mode = DegreeMode::out);

/// Weighted degree (sum of arc weights; the degree when unweighted).
std::vector<double> strengths(const Graph& g, DegreeMode mode = DegreeMode::out);

/// hist[k] = number of nodes of degree k, for k in [0, max degree].
std::vector<std::int64_t> degree_histogram(std::span<const std::int64_t> deg);

struct Summary {
  std::int64_t count = 0;
  double min = 0, max = 0, mean = 0, stddev = 0, median = 0;  ///< stddev: population (÷ n)
};

/// Summary statistics of a sample (all 0 for an empty one).
Summary summarize(std::span<const double> x);
Summary summarize(std::span<const std::int64_t> x);

/// Hurwitz zeta ζ(s, a) = Σ_{k≥0} (a + k)^{−s}, s > 1, a > 0 (Euler–Maclaurin, ~1e-15 relative).
double hurwitz_zeta(double s, double a);
/// ln ζ(s, a) and its derivative with respect to s.
void log_hurwitz_zeta(double s, double a, double* value, double* derivative);

enum class KsPoints { observed, all_integers };
enum class FiniteSizeCorrection { automatic, on, off };  ///< automatic: on when fewer than 50 data points (igraph)

struct PowerLawOptions {
  std::int64_t xmin = 0;          ///< > 0: fixed x_min (no search); 0: choose by KS
  KsPoints ks = KsPoints::observed;
  FiniteSizeCorrection finite_size = FiniteSizeCorrection::automatic;
  int p_value_samples = 0;        ///< bootstrap replicates for the p-value (0: skip)
  int ci_samples = 0;             ///< bootstrap replicates for the α interval (0: skip)
  double ci_level = 0.95;
  bool compare_alternatives = true;  ///< likelihood ratios vs exponential and log-normal
  std::uint64_t seed = 1;
  ProgressFn progress;            ///< stage "power-law bootstrap", between batches of replicates
};

struct LikelihoodRatio {
  double R = std::numeric_limits<double>::quiet_NaN();  ///< Σ ln(p_powerlaw / p_alt) over the tail
  double p = std::numeric_limits<double>::quiet_NaN();  ///< Vuong's two-sided significance of R's sign
};

struct PowerLawFit {
  double alpha = std::numeric_limits<double>::quiet_NaN();
  std::int64_t xmin = 0;
  std::int64_t n = 0;        ///< data points (values ≥ 1)
  std::int64_t n_tail = 0;   ///< data points ≥ xmin
  double ks = std::numeric_limits<double>::quiet_NaN();              ///< D at the chosen x_min
  double log_likelihood = std::numeric_limits<double>::quiet_NaN();  ///< of the tail at α
  double sigma = std::numeric_limits<double>::quiet_NaN();           ///< standard error of α
  double p_value = std::numeric_limits<double>::quiet_NaN();
  double ci_low = std::numeric_limits<double>::quiet_NaN(), ci_high = std::numeric_limits<double>::quiet_NaN();
  LikelihoodRatio vs_exponential, vs_lognormal;
};

/// Discrete power-law fit of integer data (values < 1 are ignored, like
/// degree-0 nodes). Throws InvalidArgument when fewer than 2 values ≥ 1 exist,
/// when all are equal, or on bad options.
PowerLawFit power_law_fit(std::span<const std::int64_t> data, const PowerLawOptions& opt = {});

}  // namespace sprig
