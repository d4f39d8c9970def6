#include <sprig/metrics/degree.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig {

// ---------------------------------------------------------------- distributions

std::vector<std::int64_t> degrees(const Graph& g, DegreeMode mode) {
  const node_t n = g.num_nodes();
  std::vector<std::int64_t> d(static_cast<std::size_t>(n), 0);
  if (!g.directed() || mode == DegreeMode::out || mode == DegreeMode::total)
    for (node_t v = 0; v < n; ++v) d[v] = g.degree(v);
  if (g.directed() && mode != DegreeMode::out) {
    if (mode == DegreeMode::in) std::fill(d.begin(), d.end(), 0);
    for (node_t t : g.targets()) ++d[t];
  }
  return d;
}

std::vector<double> strengths(const Graph& g, DegreeMode mode) {
  const node_t n = g.num_nodes();
  std::vector<double> s(static_cast<std::size_t>(n), 0.0);
  const auto tg = g.targets();
  const auto offs = g.offsets();
  const bool out = !g.directed() || mode != DegreeMode::in;
  const bool in = g.directed() && mode != DegreeMode::out;
  for (node_t v = 0; v < n; ++v)
    for (edge_t e = offs[v]; e < offs[v + 1]; ++e) {
      const double w = g.weight(e);
      if (out) s[v] += w;
      if (in) s[tg[e]] += w;
    }
  return s;
}

std::vector<std::int64_t> degree_histogram(std::span<const std::int64_t> deg) {
  std::int64_t mx = 0;
  for (auto d : deg) {
    SPRIG_EXPECTS(d >= 0, "degree_histogram: degrees must be >= 0 (got {})", d);
    mx = std::max(mx, d);
  }
  std::vector<std::int64_t> h(deg.empty() ? 0 : static_cast<std::size_t>(mx) + 1, 0);
  for (auto d : deg) ++h[static_cast<std::size_t>(d)];
  return h;
}

Summary summarize(std::span<const double> x) {
  Summary s;
  s.count = static_cast<std::int64_t>(x.size());
  if (x.empty()) return s;
  std::vector<double> v(x.begin(), x.end());
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  double sum = 0;
  for (double a : v) sum += a;
  s.mean = sum / static_cast<double>(v.size());
  double ss = 0;
  for (double a : v) ss += (a - s.mean) * (a - s.mean);
  s.stddev = std::sqrt(ss / static_cast<double>(v.size()));
  const std::size_t h = v.size() / 2;
  s.median = v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
  return s;
}

Summary summarize(std::span<const std::int64_t> x) {
  std::vector<double> v(x.begin(), x.end());
  return summarize(std::span<const double>(v));
}

// ---------------------------------------------------------------- Hurwitz zeta

namespace {
// B_{2j} / (2j)! for j = 1..10
constexpr double kBernoulliOverFactorial[] = {
    1.0 / 6 / 2,
    -1.0 / 30 / 24,
    1.0 / 42 / 720,
    -1.0 / 30 / 40320,
    5.0 / 66 / 3628800,
    -691.0 / 2730 / 479001600,
    7.0 / 6 / 87178291200.0,
    -3617.0 / 510 / 20922789888000.0,
    43867.0 / 798 / 6402373705728000.0,
    -174611.0 / 330 / 2432902008176640000.0,
};
}  // namespace

// Euler–Maclaurin with N direct terms and 10 correction terms, everything
// scaled by a^s so that large a and s do not underflow:
//   ζ(s,a) a^s = Σ_{k<N} (1+k/a)^{-s} + [x^{1-s}/(s-1) + x^{-s}/2 + Σ_j c_j P_j(s) x^{1-s-2j}] a^s,  x = a+N.
void log_hurwitz_zeta(double s, double a, double* value, double* derivative) {
  const int N = a >= 20 ? 0 : static_cast<int>(std::ceil(20 - a));
  double S = 0, dS = 0;  // scaled sum and its s-derivative (of the unscaled terms times a^s)
  const double la = std::log(a);
  for (int k = 0; k < N; ++k) {
    const double l = std::log(a + k);
    const double t = std::exp(-s * (l - la));
    S += t;
    dS -= l * t;
  }
  const double x = a + N, lx = std::log(x);
  const double base = std::exp(-s * (lx - la));  // (x/a)^{-s} = x^{-s} a^{s}
  // x^{1-s}/(s-1)
  const double t1 = x * base / (s - 1);
  S += t1;
  dS += -lx * t1 - t1 / (s - 1);
  // x^{-s}/2
  S += 0.5 * base;
  dS += -lx * 0.5 * base;
  // corrections
  double P = s;      // s (s+1) ... (s+2j-2)
  double dlogP = 1 / s;
  double xp = base / x;  // x^{-s-1} a^s
  for (int j = 1; j <= 10; ++j) {
    const double t = kBernoulliOverFactorial[j - 1] * P * xp;
    S += t;
    dS += t * (dlogP - lx);
    P *= (s + 2 * j - 1) * (s + 2 * j);
    dlogP += 1 / (s + 2 * j - 1) + 1 / (s + 2 * j);
    xp /= x * x;
  }
  // ζ = S a^{-s}: ln ζ = ln S − s ln a; d ln ζ/ds = (dS − S ln a)/S, where dS is d(ζ a^s)/ds minus
  // the a^s factor's own derivative: each scaled term t a^s has derivative (t' a^s) = dS-term
  // as accumulated (−ln(a+k) t), so d ln ζ / ds = dS / S.
  if (value) *value = std::log(S) - s * la;
  if (derivative) *derivative = dS / S;
}

double hurwitz_zeta(double s, double a) {
  SPRIG_EXPECTS(s > 1 && a > 0, "hurwitz_zeta: needs s > 1 and a > 0 (got s = {}, a = {})", s, a);
  double v;
  log_hurwitz_zeta(s, a, &v, nullptr);
  return std::exp(v);
}

// ---------------------------------------------------------------- power-law fit

namespace {

double lnz(double s, double a) {
  double v;
  log_hurwitz_zeta(s, a, &v, nullptr);
  return v;
}

// MLE of α for a tail with m values ≥ xmin and mean log `mlog`: the root of
// mlog + d ln ζ(α, xmin)/dα (increasing in α), by bisection to machine precision.
double mle_alpha(double mlog, double xmin) {
  auto f = [&](double a) {
    double v, d;
    log_hurwitz_zeta(a, xmin, &v, &d);
    return mlog + d;
  };
  double lo = 1.0, hi = 2.0;
  while (f(hi) < 0 && hi < 1e4) {
    lo = hi;
    hi *= 2;
  }
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

struct Candidate {
  double alpha, D;
  std::size_t pos;  // tail = xs[pos..]
  double xmin;
};

// KS distance of the sorted tail [b, e) against the fit (α, xmin).
double ks_distance(const double* b, const double* e, double alpha, double xmin, KsPoints mode) {
  const double n = static_cast<double>(e - b);
  const double l0 = lnz(alpha, xmin);
  double D = 0;
  if (mode == KsPoints::observed) {  // plfit: at each distinct value x, |F_emp(<x) − F_fit(<x)|
    std::size_t m = 0;
    for (const double* p = b; p < e;) {
      const double x = *p;
      D = std::max(D, std::abs(std::expm1(lnz(alpha, x) - l0) + static_cast<double>(m) / n));
      do {
        ++p;
        ++m;
      } while (p < e && *p == x);
    }
    return D;
  }
  // CSN: at every integer x in [xmin, max], |F_emp(≤x) − F_fit(≤x)|; the fitted tail
  // S(x) = P(X ≥ x) by recurrence S(x+1) = S(x) − x^{−α}/ζ(α, xmin).
  const double z0 = std::exp(l0);
  double S = 1;
  std::size_t m = 0;
  const double* p = b;
  const double mx = *(e - 1);
  for (double x = xmin; x <= mx; x += 1) {
    while (p < e && *p <= x) {
      ++p;
      ++m;
    }
    S -= std::pow(x, -alpha) / z0;
    if ((static_cast<std::int64_t>(x - xmin) & 1023) == 1023) S = std::exp(lnz(alpha, x + 1) - l0);  // refresh
    D = std::max(D, std::abs(static_cast<double>(m) / n - (1 - S)));
  }
  return D;
}

// logx: ln of each xs value (computed once per search instead of once per candidate;
// the same values, added in the same order, so the sums are unchanged).
Candidate fit_at(const std::vector<double>& xs, std::size_t pos, KsPoints mode, const double* logx = nullptr) {
  const double* b = xs.data() + pos;
  const double* e = xs.data() + xs.size();
  double logsum = 0;
  if (logx)
    for (std::size_t i = pos; i < xs.size(); ++i) logsum += logx[i];
  else
    for (const double* p = b; p < e; ++p) logsum += std::log(*p);
  const double xmin = *b;
  const double n = static_cast<double>(e - b);
  Candidate c;
  c.pos = pos;
  c.xmin = xmin;
  c.alpha = logsum / n > std::log(xmin) ? mle_alpha(logsum / n, xmin) : std::numeric_limits<double>::infinity();
  c.D = std::isfinite(c.alpha) ? ks_distance(b, e, c.alpha, xmin, mode) : std::numeric_limits<double>::infinity();
  return c;
}

// Best candidate over x_min (xs sorted, all ≥ 1). The candidate positions are
// listed first, fitted in parallel (each fit is independent and computed the
// same way on any thread), then the first smallest D is taken in candidate
// order — the serial loop's choice, for any thread count.
Candidate search_xmin(const std::vector<double>& xs, KsPoints mode) {
  const std::size_t n = xs.size();
  Candidate best{1, std::numeric_limits<double>::max(), 0, xs.front()};
  bool any = false;
  std::vector<std::size_t> cand;
  if (mode == KsPoints::observed) {
    // The loop of plfit as bundled with igraph 0.10, reproduced position for
    // position: candidates start before the last run of the largest value.
    std::size_t end_xmin = n - 1;
    const double prev_top = xs[end_xmin];
    while (xs[end_xmin] == prev_top && end_xmin > 0) --end_xmin;
    double prev;
    std::size_t px = 0;
    prev = 0;
    while (px < end_xmin) {
      while (px < end_xmin && xs[px] == prev) ++px;
      cand.push_back(px);
      prev = xs[px];
      ++px;
    }
  } else {
    // every distinct value but the largest
    for (std::size_t px = 0; px < n; ++px) {
      if (px > 0 && xs[px] == xs[px - 1]) continue;
      if (xs[px] == xs.back()) break;
      cand.push_back(px);
    }
  }
  std::vector<double> logx(n);
  parallel_for(std::size_t{0}, n, [&](std::size_t i) { logx[i] = std::log(xs[i]); }, 1 << 14);
  std::vector<Candidate> fits(cand.size());
  // grain 1: the early candidates (long tails) cost the most
  parallel_for(std::size_t{0}, cand.size(), [&](std::size_t i) { fits[i] = fit_at(xs, cand[i], mode, logx.data()); }, 1);
  for (const Candidate& c : fits)
    if (c.D < best.D) best = c, any = true;
  if (!any) best = fit_at(xs, 0, mode);
  return best;
}

bool use_finite_size(const PowerLawOptions& opt, std::size_t n) {
  return opt.finite_size == FiniteSizeCorrection::on || (opt.finite_size == FiniteSizeCorrection::automatic && n < 50);
}

struct Fit {
  double alpha, D, xmin;
  std::size_t pos;
};

Fit fit_sorted(const std::vector<double>& xs, const PowerLawOptions& opt) {
  Candidate c;
  if (opt.xmin > 0) {
    const auto it = std::lower_bound(xs.begin(), xs.end(), static_cast<double>(opt.xmin));
    SPRIG_EXPECTS(xs.end() - it >= 2, "power_law_fit: fewer than 2 values >= xmin = {}", opt.xmin);
    const std::size_t pos = static_cast<std::size_t>(it - xs.begin());
    c = fit_at(xs, pos, opt.ks);
    c.xmin = static_cast<double>(opt.xmin);
    // fit_at used the smallest tail value as xmin; redo with the requested one
    double logsum = 0;
    for (std::size_t i = pos; i < xs.size(); ++i) logsum += std::log(xs[i]);
    const double m = static_cast<double>(xs.size() - pos);
    c.alpha = mle_alpha(logsum / m, c.xmin);
    c.D = ks_distance(xs.data() + pos, xs.data() + xs.size(), c.alpha, c.xmin, opt.ks);
  } else {
    c = search_xmin(xs, opt.ks);
  }
  Fit f{c.alpha, c.D, c.xmin, c.pos};
  const std::size_t tail = xs.size() - c.pos;
  if (use_finite_size(opt, xs.size()) && std::isfinite(f.alpha))
    f.alpha = f.alpha * static_cast<double>(tail - 1) / static_cast<double>(tail) + 1.0 / static_cast<double>(tail);
  return f;
}

// Sampler of the discrete power law P(X = x) ∝ x^{−α}, x ≥ xmin: inverse CDF
// from a table of S(x) = P(X ≥ x), then the continuous approximation of CSN
// (eq. D.6) beyond the table.
struct ZetaSampler {
  double alpha, xmin;
  std::vector<double> S;  // S[i] = P(X ≥ xmin + i)
  static constexpr std::size_t kGuide = 4096;
  std::vector<std::size_t> guide;
  // The table holds S up to and including the first value below 1e-12, at most
  // 2^16 entries. Each entry is its own ζ evaluation (no recurrence, so no
  // drift), computed in parallel a block at a time: the same values as a
  // serial loop, without its cost (≈ 2^16 ζ's for α near 2, a few ms).
  ZetaSampler(double a, double xm) : alpha(a), xmin(xm) {
    const double l0 = lnz(a, xm);
    constexpr std::size_t kMax = std::size_t{1} << 16, kBlock = 4096;
    bool done = false;
    for (std::size_t b = 0; b < kMax && !done; b += kBlock) {
      S.resize(b + kBlock);
      parallel_for(b, b + kBlock, [&](std::size_t i) { S[i] = std::exp(lnz(a, xm + static_cast<double>(i)) - l0); }, 256);
      for (std::size_t i = b; i < b + kBlock; ++i)
        if (S[i] < 1e-12) {
          S.resize(i + 1);
          done = true;
          break;
        }
    }
    // guide[j] = largest i with S[i] ≥ j / kGuide (S is non-increasing from 1):
    // a draw u in [j, j+1) / kGuide lies between guide[j + 1] and guide[j], a
    // step or two apart instead of a 16-step binary search over the table.
    guide.resize(kGuide + 1);
    std::size_t i = S.size() - 1;
    for (std::size_t j = 0; j <= kGuide; ++j) {
      const double t = static_cast<double>(j) / static_cast<double>(kGuide);
      while (i > 0 && S[i] < t) --i;
      guide[j] = i;
    }
  }
  double operator()(Philox& rng) const {
    const double u = 1.0 - rng.uniform();  // (0, 1]
    if (u >= S.back()) {
      // largest i with S[i] ≥ u, searched between the guide's bounds (checked,
      // so that rounding in u·kGuide cannot cut the answer off)
      const auto j = std::min(kGuide, static_cast<std::size_t>(u * static_cast<double>(kGuide)));
      std::size_t lo = guide[std::min(kGuide, j + 1)], hi = guide[j];
      if (S[lo] < u) lo = 0;
      if (hi + 1 < S.size() && S[hi + 1] >= u) hi = S.size() - 1;
      while (lo < hi) {
        const std::size_t mid = (lo + hi + 1) / 2;
        if (S[mid] >= u) lo = mid;
        else hi = mid - 1;
      }
      return xmin + static_cast<double>(lo);
    }
    const double x = std::floor((xmin - 0.5) * std::pow(u, -1.0 / (alpha - 1.0)) + 0.5);
    return std::max(x, xmin + static_cast<double>(S.size()));
  }
};

// Standard normal upper tail.
double Q(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// Vuong's test from per-point log-ratios.
LikelihoodRatio vuong(const std::vector<double>& l) {
  LikelihoodRatio r;
  const double n = static_cast<double>(l.size());
  double R = 0;
  for (double x : l) R += x;
  const double mean = R / n;
  double ss = 0;
  for (double x : l) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / n);
  r.R = R;
  r.p = sd > 0 ? std::erfc(std::abs(R) / (sd * std::sqrt(2.0 * n))) : std::numeric_limits<double>::quiet_NaN();
  return r;
}

// Discretised log-normal on x ≥ xmin: P(x) ∝ Q((ln(x−½)−μ)/σ) − Q((ln(x+½)−μ)/σ).
double lognormal_loglik(const double* b, const double* e, double mu, double sigma, double xmin, std::vector<double>* per) {
  const double norm = Q((std::log(xmin - 0.5) - mu) / sigma);
  if (!(norm > 0)) return -std::numeric_limits<double>::infinity();
  const double lnorm = std::log(norm);
  double L = 0;
  for (const double* p = b; p < e; ++p) {
    const double pr = Q((std::log(*p - 0.5) - mu) / sigma) - Q((std::log(*p + 0.5) - mu) / sigma);
    const double l = (pr > 0 ? std::log(pr) : -745.0) - lnorm;
    if (per) per->push_back(l);
    L += l;
  }
  return L;
}

// Nelder–Mead on (μ, ln σ).
void fit_lognormal(const double* b, const double* e, double xmin, double* mu_out, double* sigma_out) {
  double m = 0, s2 = 0;
  const double n = static_cast<double>(e - b);
  for (const double* p = b; p < e; ++p) m += std::log(*p);
  m /= n;
  for (const double* p = b; p < e; ++p) s2 += (std::log(*p) - m) * (std::log(*p) - m);
  const double s0 = std::max(std::sqrt(s2 / n), 0.1);
  auto f = [&](const std::array<double, 2>& v) { return -lognormal_loglik(b, e, v[0], std::exp(v[1]), xmin, nullptr); };
  std::array<std::array<double, 2>, 3> x{{{m, std::log(s0)}, {m + 0.5, std::log(s0)}, {m, std::log(s0) + 0.5}}};
  std::array<double, 3> fx{f(x[0]), f(x[1]), f(x[2])};
  for (int it = 0; it < 2000; ++it) {
    std::array<int, 3> idx{0, 1, 2};
    std::sort(idx.begin(), idx.end(), [&](int i, int j) { return fx[i] < fx[j]; });
    const auto best = x[idx[0]], mid = x[idx[1]], worst = x[idx[2]];
    const double fb = fx[idx[0]], fm = fx[idx[1]], fw = fx[idx[2]];
    if (std::abs(fw - fb) <= 1e-12 * (std::abs(fb) + 1e-12)) break;
    const std::array<double, 2> c{(best[0] + mid[0]) / 2, (best[1] + mid[1]) / 2};
    auto at = [&](double t) { return std::array<double, 2>{c[0] + t * (worst[0] - c[0]), c[1] + t * (worst[1] - c[1])}; };
    const auto r = at(-1);
    const double fr = f(r);
    std::array<std::array<double, 2>, 3> nx{best, mid, worst};
    std::array<double, 3> nf{fb, fm, fw};
    if (fr < fb) {
      const auto ex = at(-2);
      const double fe = f(ex);
      if (fe < fr) nx[2] = ex, nf[2] = fe;
      else nx[2] = r, nf[2] = fr;
    } else if (fr < fm) {
      nx[2] = r, nf[2] = fr;
    } else {
      const auto co = at(0.5);
      const double fc = f(co);
      if (fc < fw) nx[2] = co, nf[2] = fc;
      else {
        for (int k = 1; k < 3; ++k) {
          nx[k] = {best[0] + 0.5 * (nx[k][0] - best[0]), best[1] + 0.5 * (nx[k][1] - best[1])};
          nf[k] = f(nx[k]);
        }
      }
    }
    x = nx;
    fx = nf;
  }
  const int bi = static_cast<int>(std::min_element(fx.begin(), fx.end()) - fx.begin());
  *mu_out = x[bi][0];
  *sigma_out = std::exp(x[bi][1]);
}

}  // namespace

PowerLawFit power_law_fit(std::span<const std::int64_t> data, const PowerLawOptions& opt) {
  SPRIG_EXPECTS(opt.xmin >= 0, "power_law_fit: xmin must be >= 0 (got {})", opt.xmin);
  SPRIG_EXPECTS(opt.p_value_samples >= 0 && opt.ci_samples >= 0, "power_law_fit: bootstrap sample counts must be >= 0");
  SPRIG_EXPECTS(opt.ci_level > 0 && opt.ci_level < 1, "power_law_fit: ci_level must be in (0, 1) (got {})", opt.ci_level);
  std::vector<double> xs;
  xs.reserve(data.size());
  for (auto v : data)
    if (v >= 1) xs.push_back(static_cast<double>(v));
  tbb::parallel_sort(xs.begin(), xs.end());  // a sorted vector is unique: same for any thread count
  SPRIG_EXPECTS(xs.size() >= 2, "power_law_fit: needs at least 2 values >= 1 (got {})", xs.size());
  SPRIG_EXPECTS(xs.front() != xs.back(), "power_law_fit: all values are equal ({}); no power law can be fitted", xs.front());

  const Fit f = fit_sorted(xs, opt);
  PowerLawFit r;
  r.n = static_cast<std::int64_t>(xs.size());
  r.alpha = f.alpha;
  r.xmin = static_cast<std::int64_t>(f.xmin);
  r.n_tail = static_cast<std::int64_t>(xs.size() - f.pos);
  r.ks = f.D;
  const double* tb = xs.data() + f.pos;
  const double* te = xs.data() + xs.size();
  const double nt = static_cast<double>(r.n_tail);
  double logsum = 0;
  for (const double* p = tb; p < te; ++p) logsum += std::log(*p);
  r.log_likelihood = -r.alpha * logsum - nt * lnz(r.alpha, f.xmin);
  r.sigma = (r.alpha - 1) / std::sqrt(nt);

  if (opt.compare_alternatives && r.n_tail >= 2) {
    std::vector<double> lpl;
    lpl.reserve(static_cast<std::size_t>(r.n_tail));
    const double lz = lnz(r.alpha, f.xmin);
    for (const double* p = tb; p < te; ++p) lpl.push_back(-r.alpha * std::log(*p) - lz);
    // discrete exponential on x ≥ xmin: P(x) = (1 − e^{−λ}) e^{−λ (x − xmin)}
    double mean = 0;
    for (const double* p = tb; p < te; ++p) mean += *p;
    mean /= nt;
    if (mean > f.xmin) {
      const double lambda = std::log1p(1.0 / (mean - f.xmin));
      std::vector<double> l;
      for (std::size_t i = 0; i < lpl.size(); ++i) l.push_back(lpl[i] - (std::log(-std::expm1(-lambda)) - lambda * (tb[i] - f.xmin)));
      r.vs_exponential = vuong(l);
    }
    double mu, sigma;
    fit_lognormal(tb, te, f.xmin, &mu, &sigma);
    std::vector<double> lln;
    lognormal_loglik(tb, te, mu, sigma, f.xmin, &lln);
    for (std::size_t i = 0; i < lln.size(); ++i) lln[i] = lpl[i] - lln[i];
    r.vs_lognormal = vuong(lln);
  }

  // Bootstrap replicates: replicate i uses Philox(seed, i) for the p-value and
  // Philox(seed, 2^32 + i) for the interval; results land in slot i.
  PowerLawOptions inner = opt;
  inner.p_value_samples = inner.ci_samples = 0;
  inner.compare_alternatives = false;
  inner.progress = nullptr;
  const std::size_t n = xs.size();
  auto run = [&](int count, const char* stage, auto&& one) {
    std::vector<double> out(static_cast<std::size_t>(count));
    const int batch = std::max(1, count / 50);
    for (int b = 0; b < count; b += batch) {
      const int e = std::min(count, b + batch);
      tbb::parallel_for(tbb::blocked_range<int>(b, e, 1), [&](const tbb::blocked_range<int>& rr) {
        for (int i = rr.begin(); i != rr.end(); ++i) out[static_cast<std::size_t>(i)] = one(i);
      }, tbb::simple_partitioner());
      report(opt.progress, stage, static_cast<std::uint64_t>(e), static_cast<std::uint64_t>(count));
    }
    return out;
  };
  if (opt.p_value_samples > 0) {
    const ZetaSampler sampler(f.alpha, f.xmin);
    const std::size_t head = f.pos;  // values below xmin
    const double p_tail = nt / static_cast<double>(n);
    const auto D = run(opt.p_value_samples, "power-law p-value", [&](int i) {
      Philox rng(opt.seed, static_cast<std::uint64_t>(i));
      std::vector<double> ys(n);
      for (auto& y : ys) y = (head == 0 || rng.uniform() < p_tail) ? sampler(rng) : xs[rng.bounded(static_cast<std::uint32_t>(head))];
      tbb::parallel_sort(ys.begin(), ys.end());
      if (ys.front() == ys.back()) return 0.0;
      return fit_sorted(ys, inner).D;
    });
    std::int64_t larger = 0;
    for (double d : D) larger += d > r.ks;
    r.p_value = static_cast<double>(larger) / static_cast<double>(opt.p_value_samples);
  }
  if (opt.ci_samples > 0) {
    auto A = run(opt.ci_samples, "power-law interval", [&](int i) {
      Philox rng(opt.seed, (std::uint64_t{1} << 32) + static_cast<std::uint64_t>(i));
      std::vector<double> ys(n);
      for (auto& y : ys) y = xs[rng.bounded(static_cast<std::uint32_t>(n))];
      tbb::parallel_sort(ys.begin(), ys.end());
      if (ys.front() == ys.back()) return std::numeric_limits<double>::quiet_NaN();
      return fit_sorted(ys, inner).alpha;
    });
    std::erase_if(A, [](double a) { return !std::isfinite(a); });
    std::sort(A.begin(), A.end());
    if (!A.empty()) {
      const double lo = (1 - opt.ci_level) / 2, hi = 1 - lo;
      auto quantile = [&](double q) {  // linear interpolation (numpy's default)
        const double pos = q * static_cast<double>(A.size() - 1);
        const std::size_t k = static_cast<std::size_t>(pos);
        const double fr = pos - static_cast<double>(k);
        return k + 1 < A.size() ? A[k] * (1 - fr) + A[k + 1] * fr : A[k];
      };
      r.ci_low = quantile(lo);
      r.ci_high = quantile(hi);
    }
  }
  return r;
}

}  // namespace sprig
