// PageRank (declared in centrality.hpp): power iteration for any graph, and
// Chebyshev semi-iteration for undirected ones.
//
// Both solve the same fixed point x = G x with
//   (G x)_v = (1 − d) p_v + d (Σ_{u→v} x_u w_uv / s_u + D(x) q_v),
// D(x) the rank held by dangling nodes, and both stop on the same quantity:
// ‖G x − x‖ for the normalised iterate x, i.e. what one more power step would
// change — so `tolerance` means the same whichever runs.
//
// Chebyshev (Golub & Varga 1961; Saad, "Iterative Methods for Sparse Linear
// Systems", §12.1): when the dangling mass goes where the teleport goes (q = p,
// the default, or no dangling node at all) PageRank is the normalised solution
// y/‖y‖₁ of y = d P y + p, P = A S⁻¹ without dangling columns. On an undirected
// graph A is symmetric, so P is similar to S^{-1/2} A S^{-1/2} and its
// eigenvalues are real, in [−1, 1]. The semi-iteration
//   y_{k+1} = ω_{k+1} (d P y_k + p − y_{k−1}) + y_{k−1},
//   ω_1 = 1, ω_2 = 1/(1 − d²/2), ω_{k+1} = 1/(1 − d² ω_k / 4),
// reduces the error by d / (1 + √(1 − d²)) per step (0.557 at d = 0.85) instead
// of d: email-Enron to 1e-10 takes 39 passes instead of 114. One pass costs
// what a power step costs (one pull over the in-arcs). Should the spectrum not
// be real after all (an "undirected" graph built by hand with asymmetric
// weights), the residual grows and the solve starts again by power iteration.
//
// Each pass runs over fixed chunks of nodes; the chunk partials (change,
// dangling mass, sum) are combined in chunk order, and each node sums its
// in-arcs in CSR order, so the result is bitwise identical for any thread count.
#include <sprig/metrics/centrality.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/transform.hpp>

namespace sprig {

namespace {

constexpr std::size_t kGrain = 2048;

// What both solvers read: the in-arcs, 1 / out-strength (0 marks a dangling
// node), the teleport p and the dangling jump q (both sum to 1).
struct Problem {
  const Graph& in;  // in-arcs: the graph itself if undirected, else its transpose
  bool weighted;
  const std::vector<double>& p;
  const std::vector<double>& q;
  std::vector<double> inv;  // 1 / out-strength, 0 for dangling nodes
  const PageRankOptions& opt;
  std::size_t n() const { return inv.size(); }
  bool dangling(std::size_t u) const { return inv[u] == 0; }
};

// Σ_{u→v} z_u (w_uv): four partial sums, so that the additions of a row do not
// form one chain of dependent adds (rows are short; the order is fixed).
inline double pull(const Problem& pb, std::size_t v, const double* z) {
  const node_t vv = static_cast<node_t>(v);
  const auto nb = pb.in.neighbors(vv);
  const std::size_t len = nb.size();
  const node_t* t = nb.data();
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t k = 0;
  if (pb.weighted) {
    const float* w = pb.in.weights(vv).data();
    for (; k + 4 <= len; k += 4) {
      s0 += z[t[k]] * static_cast<double>(w[k]);
      s1 += z[t[k + 1]] * static_cast<double>(w[k + 1]);
      s2 += z[t[k + 2]] * static_cast<double>(w[k + 2]);
      s3 += z[t[k + 3]] * static_cast<double>(w[k + 3]);
    }
    for (; k < len; ++k) s0 += z[t[k]] * static_cast<double>(w[k]);
  } else {
    for (; k + 4 <= len; k += 4) {
      s0 += z[t[k]];
      s1 += z[t[k + 1]];
      s2 += z[t[k + 2]];
      s3 += z[t[k + 3]];
    }
    for (; k < len; ++k) s0 += z[t[k]];
  }
  return (s0 + s1) + (s2 + s3);
}

template <Norm N>
inline void accumulate(double& acc, double diff) {
  if constexpr (N == Norm::l1) acc += std::abs(diff);
  else if constexpr (N == Norm::l2) acc += diff * diff;
  else acc = std::max(acc, std::abs(diff));
}

double combine(const std::vector<double>& part, Norm norm) {
  double c = 0;
  for (double v : part) c = norm == Norm::linf ? std::max(c, v) : c + v;
  return norm == Norm::l2 ? std::sqrt(c) : c;
}

// Runs fn.template operator()<N>() with the norm as a compile-time constant,
// so the per-node loop carries no switch.
template <class Fn>
void with_norm(Norm norm, Fn&& fn) {
  switch (norm) {
    case Norm::l1: fn.template operator()<Norm::l1>(); break;
    case Norm::l2: fn.template operator()<Norm::l2>(); break;
    case Norm::linf: fn.template operator()<Norm::linf>(); break;
  }
}

// z = x / out-strength over one chunk of nodes, and the chunk's shares of the
// dangling mass and of the sum of x.
void scale_chunk(const Problem& pb, const std::vector<double>& x, std::vector<double>& z, std::size_t c,
                 std::size_t lo, std::size_t hi, std::vector<double>& part_dangling, std::vector<double>& part_sum) {
  double dm = 0, sm = 0;
  for (std::size_t u = lo; u < hi; ++u) {
    z[u] = x[u] * pb.inv[u];
    if (pb.dangling(u)) dm += x[u];
    sm += x[u];
  }
  part_dangling[c] = dm;
  part_sum[c] = sm;
}

// Power iteration from the uniform vector; adds its passes to r.
void power_iteration(const Problem& pb, PageRankResult& r) {
  const std::size_t N = pb.n();
  const std::size_t C = num_chunks(N, kGrain);
  const double d = pb.opt.damping;
  // x and y = x / out-strength, and their next values (other chunks still
  // read y while a chunk writes ny). One fused pass per iteration.
  std::vector<double> x(N, 1.0 / static_cast<double>(N)), y(N), nx(N), ny(N);
  std::vector<double> part_change(C), part_dangling(C), part_sum(C);
  parallel_chunks(N, kGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    scale_chunk(pb, x, y, c, lo, hi, part_dangling, part_sum);
  });
  const int first = r.iterations;
  for (int it = 1; it <= pb.opt.max_iterations; ++it) {
    double D = 0;
    for (double v : part_dangling) D += v;
    with_norm(pb.opt.norm, [&]<Norm Nm>() {
      parallel_chunks(N, kGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
        double ch = 0, dm = 0;
        for (std::size_t v = lo; v < hi; ++v) {
          const double xv = (1 - d) * pb.p[v] + d * (pull(pb, v, y.data()) + D * pb.q[v]);
          accumulate<Nm>(ch, xv - x[v]);
          nx[v] = xv;
          ny[v] = xv * pb.inv[v];
          if (pb.dangling(v)) dm += xv;
        }
        part_change[c] = ch;
        part_dangling[c] = dm;
      });
    });
    const double change = combine(part_change, pb.opt.norm);
    x.swap(nx);
    y.swap(ny);
    r.iterations = first + it;
    r.change = change;
    report(pb.opt.progress, "pagerank", static_cast<std::uint64_t>(it), static_cast<std::uint64_t>(pb.opt.max_iterations));
    if (change < pb.opt.tolerance) {
      r.converged = true;
      break;
    }
  }
  const double total = parallel_sum<double>(N, [&](std::size_t i) { return x[i]; });
  for (double& v : x) v /= total;
  r.rank = std::move(x);
}

// Chebyshev semi-iteration (see the top of the file). Returns false, with r's
// iteration count advanced and nothing else set, if the residual grew a
// hundredfold over its best value (a spectrum that is not real).
bool chebyshev(const Problem& pb, PageRankResult& r) {
  const std::size_t N = pb.n();
  const std::size_t C = num_chunks(N, kGrain);
  const double d = pb.opt.damping;
  // cur = y_k, old = y_{k-1} (overwritten in place by y_{k+1}: each node reads
  // only its own entry of it); z = y_k / out-strength is read by every chunk,
  // so z_{k+1} goes to a second buffer.
  std::vector<double> cur(pb.p), old(N), z(N), nz(N);
  std::vector<double> part_change(C), part_dangling(C), part_sum(C);
  parallel_chunks(N, kGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
    scale_chunk(pb, cur, z, c, lo, hi, part_dangling, part_sum);
  });
  double best = INFINITY, omega = 1;
  for (int it = 1; it <= pb.opt.max_iterations; ++it) {
    double D = 0, S = 0;  // dangling mass and sum of y_k, from the pass that made it
    for (std::size_t c = 0; c < C; ++c) D += part_dangling[c], S += part_sum[c];
    // The residual of x = y_k / S under G, times S: d (P y_k)_v + (d D + (1 − d) S) p_v − y_k,v.
    const double teleport = d * D + (1 - d) * S;
    omega = it == 1 ? 1.0 : it == 2 ? 1 / (1 - d * d / 2) : 1 / (1 - d * d * omega / 4);
    const bool first = it == 1;
    with_norm(pb.opt.norm, [&]<Norm Nm>() {
      parallel_chunks(N, kGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
        double ch = 0, dm = 0, sm = 0;
        for (std::size_t v = lo; v < hi; ++v) {
          const double dpy = d * pull(pb, v, z.data());
          accumulate<Nm>(ch, dpy + teleport * pb.p[v] - cur[v]);
          const double t = dpy + pb.p[v];
          const double next = first ? t : omega * (t - old[v]) + old[v];
          old[v] = next;
          nz[v] = next * pb.inv[v];
          if (pb.dangling(v)) dm += next;
          sm += next;
        }
        part_change[c] = ch;
        part_dangling[c] = dm;
        part_sum[c] = sm;
      });
    });
    const double change = combine(part_change, pb.opt.norm) / S;
    r.iterations = it;
    r.change = change;
    report(pb.opt.progress, "pagerank", static_cast<std::uint64_t>(it), static_cast<std::uint64_t>(pb.opt.max_iterations));
    if (change < pb.opt.tolerance) {  // y_k passed: return it (y_{k+1} is discarded)
      r.converged = true;
      for (double& v : cur) v /= S;
      r.rank = std::move(cur);
      return true;
    }
    if (!(change <= 100 * best)) return false;  // growing (or NaN): not a real spectrum
    best = std::min(best, change);
    cur.swap(old);  // cur = y_{k+1}, old = y_k
    z.swap(nz);
  }
  // Out of iterations: the last y_{k+1} is the best we have.
  const double S = parallel_sum<double>(N, [&](std::size_t i) { return cur[i]; });
  for (double& v : cur) v /= S;
  r.rank = std::move(cur);
  return true;
}

// Anderson acceleration (Anderson 1965; Walker & Ni, "Anderson acceleration
// for fixed-point iterations", SIAM J. Numer. Anal. 2011) of the power step
// x ↦ G(x), window kWindow: x_{k+1} = G(x_k) − ΔG γ with γ the least-squares
// fit min ‖f_k − ΔF γ‖₂ of the residual f_k = G(x_k) − x_k by the last
// differences ΔF of residuals (ΔG of G's values). On directed graphs it takes
// about 45% fewer passes over the arcs than the power iteration (pgp-strong-
// 2009 to 1e-10: 57 instead of 101). Each iteration is one pull pass (which
// also accumulates the dot products of the normal equations) and one
// streaming pass that forms x_{k+1}. The window is restarted, as a plain power
// step, when the normal equations turn singular or the residual grows tenfold
// over its best. Memory 2·kWindow + 4 n-vectors.
constexpr int kWindow = 3;

void anderson(const Problem& pb, PageRankResult& r) {
  const std::size_t N = pb.n();
  const std::size_t C = num_chunks(N, kGrain);
  const double d = pb.opt.damping;
  constexpr int M = kWindow;
  constexpr std::size_t K = 2 * M + 3;  // per chunk: a_j (M), b_j (M), c, e, change
  std::vector<double> x(N, 1.0 / static_cast<double>(N)), z(N), f_prev(N), g_prev(N);
  std::vector<std::vector<double>> dF(M, std::vector<double>(N)), dG(M, std::vector<double>(N));
  std::vector<double> part(C * K), part_dangling(C), part_sum(C), change_part(C);
  auto finish_x = [&](std::size_t c, std::size_t lo, std::size_t hi) {
    scale_chunk(pb, x, z, c, lo, hi, part_dangling, part_sum);
  };
  parallel_chunks(N, kGrain, finish_x);
  double H[M][M] = {};        // Gram matrix of the ΔF columns, by slot
  int used = 0;               // slots holding a column
  int next_slot = 0;          // where the next column goes (the oldest when full)
  double best = INFINITY;
  const int first = r.iterations;  // passes a failed Chebyshev solve already made
  for (int it = 1; it <= pb.opt.max_iterations; ++it) {
    double D = 0, S = 0;
    for (std::size_t c = 0; c < C; ++c) D += part_dangling[c], S += part_sum[c];
    const bool have_prev = it > 1;
    const int slot = next_slot;
    bool survivor[M] = {};
    for (int j = 0; j < used; ++j) survivor[j] = !(used == M && j == slot);  // the oldest column leaves
    // Dot products with every slot, used or not (unused ones hold zeros or
    // stale finite values and are ignored below): no branch per node.
    const double* cols[M];
    for (int j = 0; j < M; ++j) cols[j] = dF[static_cast<std::size_t>(j)].data();
    double* const dF_new = dF[static_cast<std::size_t>(slot)].data();
    double* const dG_new = dG[static_cast<std::size_t>(slot)].data();
    double* const fp = f_prev.data();
    double* const gp = g_prev.data();
    const double* const xs = x.data();
    with_norm(pb.opt.norm, [&]<Norm Nm>() {
      parallel_chunks(N, kGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
        double a[M] = {}, b[M] = {}, cc = 0, e = 0, ch = 0;
        for (std::size_t v = lo; v < hi; ++v) {
          const double g = (1 - d) * pb.p[v] + d * (pull(pb, v, z.data()) + D * pb.q[v]);
          const double fv = g - xs[v];
          // The change of a power step from the normalised x / S.
          accumulate<Nm>(ch, fv + (1 - d) * (S - 1) * pb.p[v]);
          if (have_prev) {
            const double dfn = fv - fp[v];
            for (int j = 0; j < M; ++j) {
              const double col = cols[j][v];
              a[j] += col * fv;
              b[j] += col * dfn;
            }
            cc += dfn * dfn;
            e += dfn * fv;
            dF_new[v] = dfn;
            dG_new[v] = g - gp[v];
          }
          fp[v] = fv;
          gp[v] = g;
        }
        double* out = part.data() + c * K;
        for (int j = 0; j < M; ++j) out[j] = a[j], out[M + j] = b[j];
        out[2 * M] = cc;
        out[2 * M + 1] = e;
        out[2 * M + 2] = ch;
      });
    });
    double tot[K] = {};
    for (std::size_t c = 0; c < C; ++c) {
      for (std::size_t k = 0; k + 1 < K; ++k) tot[k] += part[c * K + k];
      change_part[c] = part[c * K + K - 1];
    }
    const double change = combine(change_part, pb.opt.norm) / S;
    r.iterations = first + it;
    r.change = change;
    report(pb.opt.progress, "pagerank", static_cast<std::uint64_t>(it), static_cast<std::uint64_t>(pb.opt.max_iterations));
    if (change < pb.opt.tolerance) {  // return G(x_k), one power step past the x_k that passed
      r.converged = true;
      break;
    }
    // Take in the new column, then solve (ΔFᵀΔF) γ = ΔFᵀ f_k over the active slots.
    double gamma[M] = {};
    bool restart = !(change <= 10 * best);
    best = std::min(best, change);
    if (have_prev && !restart) {
      for (int j = 0; j < M; ++j)
        if (survivor[j]) H[slot][j] = H[j][slot] = tot[M + j];
      H[slot][slot] = tot[2 * M];
      used = std::min(used + 1, M);
      next_slot = (slot + 1) % M;
      int act[M], na = 0;
      double rhs[M];
      for (int j = 0; j < used; ++j) {
        act[na] = j;
        rhs[na++] = j == slot ? tot[2 * M + 1] : tot[j];
      }
      // Cholesky of the na × na Gram matrix; a pivot below 1e-12 of its
      // diagonal entry means dependent columns: restart instead.
      double L[M][M] = {};
      for (int i = 0; i < na && !restart; ++i)
        for (int j = 0; j <= i; ++j) {
          double s = H[act[i]][act[j]];
          for (int k = 0; k < j; ++k) s -= L[i][k] * L[j][k];
          if (i == j) {
            if (!(s > 1e-12 * H[act[i]][act[i]])) {
              restart = true;
              break;
            }
            L[i][i] = std::sqrt(s);
          } else {
            L[i][j] = s / L[j][j];
          }
        }
      if (!restart) {
        double w[M];
        for (int i = 0; i < na; ++i) {
          double s = rhs[i];
          for (int k = 0; k < i; ++k) s -= L[i][k] * w[k];
          w[i] = s / L[i][i];
        }
        for (int i = na - 1; i >= 0; --i) {
          double s = w[i];
          for (int k = i + 1; k < na; ++k) s -= L[k][i] * gamma[act[k]];
          gamma[act[i]] = s / L[i][i];
        }
      }
    }
    if (restart) {  // forget the window: this step is a plain power step
      used = 0;
      next_slot = 0;
      std::fill(gamma, gamma + M, 0.0);
    }
    const double* gcols[M];
    for (int j = 0; j < M; ++j) gcols[j] = dG[static_cast<std::size_t>(j)].data();
    parallel_chunks(N, kGrain, [&](std::size_t c, std::size_t lo, std::size_t hi) {
      for (std::size_t v = lo; v < hi; ++v) {  // γ_j = 0 for the unused slots
        double xv = g_prev[v];
        for (int j = 0; j < M; ++j) xv -= gamma[j] * gcols[j][v];
        x[v] = xv;
      }
      finish_x(c, lo, hi);
    });
  }
  // g_prev holds G(x_k) of the last pass.
  const double total = parallel_sum<double>(N, [&](std::size_t i) { return g_prev[i]; });
  for (double& v : g_prev) v /= total;
  r.rank = std::move(g_prev);
}

}  // namespace

PageRankResult pagerank(const Graph& g, const PageRankOptions& opt) {
  SPRIG_EXPECTS(opt.damping >= 0 && opt.damping < 1, "pagerank: damping must be in [0, 1) (got {})", opt.damping);
  SPRIG_EXPECTS(opt.tolerance > 0, "pagerank: tolerance must be > 0 (got {})", opt.tolerance);
  SPRIG_EXPECTS(opt.max_iterations > 0, "pagerank: max_iterations must be > 0 (got {})", opt.max_iterations);
  const node_t n = g.num_nodes();
  PageRankResult r;
  if (n == 0) {
    r.converged = true;
    return r;
  }
  const std::size_t N = static_cast<std::size_t>(n);
  const bool weighted = opt.use_weights && g.weighted();
  if (weighted)
    for (float w : g.weights()) SPRIG_EXPECTS(w >= 0, "pagerank: weights must be >= 0 (got {})", w);

  std::vector<double> p(N, 1.0 / static_cast<double>(n));
  if (!opt.personalization.empty()) {
    SPRIG_EXPECTS(opt.personalization.size() == N, "pagerank: personalization has {} values, the graph {} nodes",
                  opt.personalization.size(), n);
    double s = 0;
    for (double x : opt.personalization) {
      SPRIG_EXPECTS(x >= 0 && std::isfinite(x), "pagerank: personalization values must be finite and >= 0 (got {})", x);
      s += x;
    }
    SPRIG_EXPECTS(s > 0, "pagerank: personalization must not be all zero");
    for (std::size_t i = 0; i < N; ++i) p[i] = opt.personalization[i] / s;
  }
  const bool uniform_q = opt.dangling == Dangling::uniform && !opt.personalization.empty();
  const std::vector<double> q_uniform = uniform_q ? std::vector<double>(N, 1.0 / n) : std::vector<double>{};

  Graph transposed;
  if (g.directed()) transposed = transpose(g);
  Problem pb{g.directed() ? transposed : g, weighted, p, uniform_q ? q_uniform : p, std::vector<double>(N), opt};
  parallel_for(node_t{0}, n, [&](node_t u) {
    double s = 0;
    if (weighted)
      for (float w : g.weights(u)) s += w;
    else
      s = static_cast<double>(g.degree(u));
    pb.inv[u] = s > 0 ? 1.0 / s : 0.0;
  });

  // Chebyshev needs a real spectrum (undirected) and the dangling mass to go
  // where the teleport goes, so that the solve is one linear system.
  const bool any_dangling = std::find(pb.inv.begin(), pb.inv.end(), 0.0) != pb.inv.end();
  if (opt.accelerate && !g.directed() && (!uniform_q || !any_dangling) && chebyshev(pb, r)) return r;
  if (opt.accelerate) anderson(pb, r);
  else power_iteration(pb, r);
  return r;
}

}  // namespace sprig
