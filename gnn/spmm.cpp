// sprig/gnn/spmm.cpp — see spmm.hpp. Every loop is over rows of its output,
// each row written by one thread in arc order: deterministic for any thread count.
#include <sprig/gnn/spmm.hpp>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sprig::gnn {
namespace {

// Rows per parallel chunk: small enough to balance skewed degrees, large
// enough that scheduling stays cheap. Fixed, so chunking never depends on threads.
constexpr std::size_t kRowGrain = 128;

template <class Fn>
void for_rows(node_t n, Fn&& fn) {
  parallel_chunks(static_cast<std::size_t>(n), kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) fn(static_cast<node_t>(i));
  });
}

// Software prefetch of a feature row a few arcs ahead: source rows are random
// gathers that the hardware prefetcher cannot predict (large graphs are
// latency-bound without it). Harmless past the end of a chunk.
constexpr edge_t kPrefetchAhead = 8;
inline void prefetch_row(const float* p, Eigen::Index F) {
  for (Eigen::Index k = 0; k < F; k += 16) __builtin_prefetch(p + k);
}

std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Number of heads of a spec and the per-arc scale of head h.
struct Scale {
  Message message;
  const float* w = nullptr;  // block weights (weighted) or edge values (edge)
  int heads = 1;
  float operator()(edge_t a, int h) const {
    if (message == Message::source || w == nullptr) return 1.0f;
    if (message == Message::weighted) return w[a];
    return w[a * heads + h];
  }
};

Scale make_scale(const Block& block, const SpmmSpec& spec, Eigen::Index cols, const char* who) {
  Scale s{spec.message};
  if (spec.message == Message::weighted) {
    if (!block.weights.empty()) s.w = block.weights.data();
  } else if (spec.message == Message::edge) {
    SPRIG_EXPECTS(spec.edge != nullptr, "{}: Message::edge needs edge values", who);
    SPRIG_EXPECTS(spec.edge->rows() == block.num_arcs(), "{}: edge values have {} rows, the block has {} arcs", who,
                  spec.edge->rows(), block.num_arcs());
    SPRIG_EXPECTS(spec.edge->cols() >= 1 && cols % spec.edge->cols() == 0,
                  "{}: {} feature columns are not divisible by {} heads", who, cols, spec.edge->cols());
    s.w = spec.edge->data();
    s.heads = static_cast<int>(spec.edge->cols());
  }
  return s;
}

const Transposed& transposed_or_build(const Block& block, const Transposed* t, Transposed& local) {
  if (t != nullptr) {
    SPRIG_EXPECTS(t->num_rows == block.num_src && t->num_cols == block.num_dst &&
                      static_cast<edge_t>(t->arcs.size()) == block.num_arcs(),
                  "spmm: the transpose given does not match the block ({}x{} with {} arcs vs {}x{} with {})",
                  t->num_cols, t->num_rows, t->arcs.size(), block.num_dst, block.num_src, block.num_arcs());
    return *t;
  }
  local = transpose(block);
  return local;
}

}  // namespace

void validate_block(const Block& block, const char* who) {
  SPRIG_EXPECTS(block.num_dst >= 0 && block.num_src >= 0, "{}: negative block size ({} x {})", who, block.num_dst,
                block.num_src);
  SPRIG_EXPECTS(block.offsets.size() == static_cast<std::size_t>(block.num_dst) + 1,
                "{}: block offsets have {} entries, expected num_dst + 1 = {}", who, block.offsets.size(),
                static_cast<std::size_t>(block.num_dst) + 1);
  SPRIG_EXPECTS(block.offsets[0] == 0 && block.offsets[block.num_dst] == block.num_arcs(),
                "{}: block offsets must run from 0 to the number of arcs {} (got {}..{})", who, block.num_arcs(),
                block.offsets[0], block.offsets[block.num_dst]);
  SPRIG_EXPECTS(block.weights.empty() || block.weights.size() == block.targets.size(),
                "{}: block has {} weights for {} arcs", who, block.weights.size(), block.targets.size());
}

Transposed transpose(const Block& block) {
  validate_block(block, "transpose");
  Transposed t;
  t.num_rows = block.num_src;
  t.num_cols = block.num_dst;
  const edge_t m = block.num_arcs();
  std::vector<edge_t> count(static_cast<std::size_t>(block.num_src) + 1, 0);
  for (edge_t a = 0; a < m; ++a) {
    const node_t j = block.targets[a];
    SPRIG_EXPECTS(j >= 0 && j < block.num_src, "transpose: arc {} has source {} outside [0, {})", a, j,
                  block.num_src);
    ++count[static_cast<std::size_t>(j) + 1];
  }
  for (node_t j = 0; j < block.num_src; ++j) count[j + 1] += count[j];
  t.offsets = count;
  t.targets.resize(static_cast<std::size_t>(m));
  t.arcs.resize(static_cast<std::size_t>(m));
  // Destinations visited in increasing order, so each transposed row is sorted.
  for (node_t i = 0; i < block.num_dst; ++i) {
    for (edge_t a = block.offsets[i]; a < block.offsets[i + 1]; ++a) {
      const edge_t p = count[block.targets[a]]++;
      t.targets[p] = i;
      t.arcs[p] = a;
    }
  }
  return t;
}

const Transposed& TransposeCache::get(const Block& block) {
  validate_block(block, "TransposeCache");
  const std::size_t m = block.targets.size();
  std::uint64_t fp = mix64(static_cast<std::uint64_t>(block.num_dst)) ^
                     mix64(static_cast<std::uint64_t>(block.num_src) + 0x1234567ULL) ^ mix64(m + 0x777ULL);
  // Integer sums are associative: the fingerprint is the same for any chunking.
  fp += parallel_sum<std::uint64_t>(m, [&](std::size_t k) {
    return mix64((static_cast<std::uint64_t>(k) << 32) ^ static_cast<std::uint32_t>(block.targets[k]));
  });
  fp += parallel_sum<std::uint64_t>(block.offsets.size(), [&](std::size_t k) {
    return mix64(static_cast<std::uint64_t>(block.offsets[k]) * 0x2545F4914F6CDD1DULL + k);
  });
  if (!valid_ || fp != fingerprint_ || t_.num_rows != block.num_src || t_.num_cols != block.num_dst) {
    t_ = transpose(block);
    fingerprint_ = fp;
    valid_ = true;
  }
  return t_;
}

Vector in_degrees(const Block& block) {
  validate_block(block, "in_degrees");
  Vector d(block.num_dst);
  for (node_t i = 0; i < block.num_dst; ++i) d[i] = static_cast<float>(block.offsets[i + 1] - block.offsets[i]);
  return d;
}

Matrix spmm(const Block& block, const Matrix& x, const SpmmSpec& spec, std::vector<edge_t>* arg) {
  validate_block(block, "spmm");
  SPRIG_EXPECTS(x.rows() == block.num_src, "spmm: features have {} rows, the block has {} source nodes", x.rows(),
                block.num_src);
  const Eigen::Index F = x.cols();
  const Scale scale = make_scale(block, spec, F, "spmm");
  const Eigen::Index Fh = F / scale.heads;
  const bool extreme = spec.reduce == Reduce::max || spec.reduce == Reduce::min;
  std::vector<edge_t> local_arg;
  std::vector<edge_t>& am = arg != nullptr ? *arg : local_arg;
  if (extreme) am.assign(static_cast<std::size_t>(block.num_dst) * static_cast<std::size_t>(F), -1);
  Matrix out(block.num_dst, F);
  const float* xd = x.data();
  const edge_t m = block.num_arcs();
  for_rows(block.num_dst, [&](node_t i) {
    float* o = out.data() + static_cast<std::ptrdiff_t>(i) * F;
    const edge_t b = block.offsets[i], e = block.offsets[i + 1];
    if (!extreme) {
      std::fill(o, o + F, 0.0f);
      for (edge_t a = b; a < e; ++a) {
        if (a + kPrefetchAhead < m) prefetch_row(xd + static_cast<std::ptrdiff_t>(block.targets[a + kPrefetchAhead]) * F, F);
        const float* xr = xd + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
        for (int h = 0; h < scale.heads; ++h) {
          const float s = scale(a, h);
          const Eigen::Index f0 = h * Fh, f1 = f0 + Fh;
          for (Eigen::Index f = f0; f < f1; ++f) o[f] += s * xr[f];
        }
      }
      if (spec.reduce == Reduce::mean && e > b) {
        const float inv = 1.0f / static_cast<float>(e - b);
        for (Eigen::Index f = 0; f < F; ++f) o[f] *= inv;
      }
      return;
    }
    edge_t* ar = am.data() + static_cast<std::ptrdiff_t>(i) * F;
    if (e == b) {
      std::fill(o, o + F, 0.0f);
      return;
    }
    const bool is_max = spec.reduce == Reduce::max;
    for (edge_t a = b; a < e; ++a) {
      const float* xr = xd + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
      for (int h = 0; h < scale.heads; ++h) {
        const float s = scale(a, h);
        const Eigen::Index f0 = h * Fh, f1 = f0 + Fh;
        for (Eigen::Index f = f0; f < f1; ++f) {
          const float m = s * xr[f];
          // Strict comparison: the first arc wins ties, as in a sequential scan.
          if (a == b || (is_max ? m > o[f] : m < o[f])) {
            o[f] = m;
            ar[f] = a;
          }
        }
      }
    }
  });
  return out;
}

Matrix spmm_backward_x(const Block& block, const Matrix& grad_out, const SpmmSpec& spec,
                       const std::vector<edge_t>* arg, const Transposed* t) {
  validate_block(block, "spmm_backward_x");
  SPRIG_EXPECTS(grad_out.rows() == block.num_dst, "spmm_backward_x: gradient has {} rows, expected num_dst = {}",
                grad_out.rows(), block.num_dst);
  const Eigen::Index F = grad_out.cols();
  const Scale scale = make_scale(block, spec, F, "spmm_backward_x");
  const Eigen::Index Fh = F / scale.heads;
  const bool extreme = spec.reduce == Reduce::max || spec.reduce == Reduce::min;
  if (extreme) {
    SPRIG_EXPECTS(arg != nullptr && arg->size() == static_cast<std::size_t>(block.num_dst) * F,
                  "spmm_backward_x: max/min needs the forward's arg indices ({} x {})", block.num_dst, F);
  }
  const bool mean = spec.reduce == Reduce::mean;
  Matrix gx(block.num_src, F);
  const float* g = grad_out.data();
  // 1/d per destination, once (the pulls below would otherwise divide per arc).
  std::vector<float> inv_deg;
  if (mean) {
    inv_deg.resize(static_cast<std::size_t>(block.num_dst));
    for_rows(block.num_dst, [&](node_t i) {
      const edge_t d = block.offsets[i + 1] - block.offsets[i];
      inv_deg[i] = d > 0 ? 1.0f / static_cast<float>(d) : 0.0f;
    });
  }

  // Fast path: a sum/mean of source or weighted messages needs no arc indices,
  // so a transposed block supplied by the caller serves directly.
  if (!extreme && spec.message != Message::edge && t == nullptr && block.transposed != nullptr) {
    const Block& bt = *block.transposed;
    SPRIG_EXPECTS(bt.num_dst == block.num_src && bt.num_src == block.num_dst && bt.num_arcs() == block.num_arcs(),
                  "spmm_backward_x: block.transposed does not match the block");
    const bool use_w = spec.message == Message::weighted && !bt.weights.empty();
    for_rows(bt.num_dst, [&](node_t j) {
      float* o = gx.data() + static_cast<std::ptrdiff_t>(j) * F;
      std::fill(o, o + F, 0.0f);
      for (edge_t k = bt.offsets[j]; k < bt.offsets[j + 1]; ++k) {
        if (k + kPrefetchAhead < bt.num_arcs()) prefetch_row(g + static_cast<std::ptrdiff_t>(bt.targets[k + kPrefetchAhead]) * F, F);
        const node_t i = bt.targets[k];
        float s = use_w ? bt.weights[k] : 1.0f;
        if (mean) s *= inv_deg[i];
        const float* gr = g + static_cast<std::ptrdiff_t>(i) * F;
        for (Eigen::Index f = 0; f < F; ++f) o[f] += s * gr[f];
      }
    });
    return gx;
  }

  Transposed local;
  const Transposed& tr = transposed_or_build(block, t, local);
  const edge_t* am = extreme ? arg->data() : nullptr;
  if (!extreme && spec.message == Message::source) {
    // The common case (SAGE/GCN-style pulls): no arc indices, no per-arc scale.
    const edge_t mt = static_cast<edge_t>(tr.targets.size());
    for_rows(block.num_src, [&](node_t j) {
      float* o = gx.data() + static_cast<std::ptrdiff_t>(j) * F;
      std::fill(o, o + F, 0.0f);
      for (edge_t k = tr.offsets[j]; k < tr.offsets[j + 1]; ++k) {
        if (k + kPrefetchAhead < mt) prefetch_row(g + static_cast<std::ptrdiff_t>(tr.targets[k + kPrefetchAhead]) * F, F);
        const node_t i = tr.targets[k];
        const float s = mean ? inv_deg[i] : 1.0f;
        const float* gr = g + static_cast<std::ptrdiff_t>(i) * F;
        for (Eigen::Index f = 0; f < F; ++f) o[f] += s * gr[f];
      }
    });
    return gx;
  }
  for_rows(block.num_src, [&](node_t j) {
    float* o = gx.data() + static_cast<std::ptrdiff_t>(j) * F;
    std::fill(o, o + F, 0.0f);
    for (edge_t k = tr.offsets[j]; k < tr.offsets[j + 1]; ++k) {
      if (k + kPrefetchAhead < static_cast<edge_t>(tr.targets.size()))
        prefetch_row(g + static_cast<std::ptrdiff_t>(tr.targets[k + kPrefetchAhead]) * F, F);
      const node_t i = tr.targets[k];
      const edge_t a = tr.arcs[k];
      const float* gr = g + static_cast<std::ptrdiff_t>(i) * F;
      const float inv = mean ? inv_deg[i] : 1.0f;
      for (int h = 0; h < scale.heads; ++h) {
        const float s = scale(a, h) * inv;
        const Eigen::Index f0 = h * Fh, f1 = f0 + Fh;
        if (!extreme) {
          for (Eigen::Index f = f0; f < f1; ++f) o[f] += s * gr[f];
        } else {
          const edge_t* ar = am + static_cast<std::ptrdiff_t>(i) * F;
          for (Eigen::Index f = f0; f < f1; ++f)
            if (ar[f] == a) o[f] += s * gr[f];
        }
      }
    }
  });
  return gx;
}

Matrix spmm_backward_edge(const Block& block, const Matrix& x, const Matrix& grad_out, const SpmmSpec& spec,
                          const std::vector<edge_t>* arg) {
  validate_block(block, "spmm_backward_edge");
  SPRIG_EXPECTS(spec.message != Message::source, "spmm_backward_edge: source messages have no edge values");
  SPRIG_EXPECTS(x.rows() == block.num_src && grad_out.rows() == block.num_dst && x.cols() == grad_out.cols(),
                "spmm_backward_edge: shapes x {}x{}, grad {}x{} do not match the block {}x{}", x.rows(), x.cols(),
                grad_out.rows(), grad_out.cols(), block.num_dst, block.num_src);
  const Eigen::Index F = x.cols();
  const int heads = spec.message == Message::edge ? static_cast<int>(spec.edge ? spec.edge->cols() : 1) : 1;
  make_scale(block, spec, F, "spmm_backward_edge");  // shape checks
  const Eigen::Index Fh = F / heads;
  const bool extreme = spec.reduce == Reduce::max || spec.reduce == Reduce::min;
  if (extreme) {
    SPRIG_EXPECTS(arg != nullptr && arg->size() == static_cast<std::size_t>(block.num_dst) * F,
                  "spmm_backward_edge: max/min needs the forward's arg indices");
  }
  Matrix ge(block.num_arcs(), heads);
  for_rows(block.num_dst, [&](node_t i) {
    const edge_t b = block.offsets[i], e = block.offsets[i + 1];
    const float inv = spec.reduce == Reduce::mean && e > b ? 1.0f / static_cast<float>(e - b) : 1.0f;
    const float* gr = grad_out.data() + static_cast<std::ptrdiff_t>(i) * F;
    for (edge_t a = b; a < e; ++a) {
      const float* xr = x.data() + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
      for (int h = 0; h < heads; ++h) {
        float s = 0.0f;
        const Eigen::Index f0 = h * Fh, f1 = f0 + Fh;
        if (!extreme) {
          for (Eigen::Index f = f0; f < f1; ++f) s += xr[f] * gr[f];
        } else {
          const edge_t* ar = arg->data() + static_cast<std::ptrdiff_t>(i) * F;
          for (Eigen::Index f = f0; f < f1; ++f)
            if (ar[f] == a) s += xr[f] * gr[f];
        }
        ge(a, h) = s * inv;
      }
    }
  });
  return ge;
}

void spmm_moments(const Block& block, const Matrix& x, Matrix& mean, Matrix& mean_sq) {
  validate_block(block, "spmm_moments");
  SPRIG_EXPECTS(x.rows() == block.num_src, "spmm_moments: features have {} rows, the block has {} source nodes",
                x.rows(), block.num_src);
  const Eigen::Index F = x.cols();
  mean.resize(block.num_dst, F);
  mean_sq.resize(block.num_dst, F);
  for_rows(block.num_dst, [&](node_t i) {
    float* o1 = mean.data() + static_cast<std::ptrdiff_t>(i) * F;
    float* o2 = mean_sq.data() + static_cast<std::ptrdiff_t>(i) * F;
    std::fill(o1, o1 + F, 0.0f);
    std::fill(o2, o2 + F, 0.0f);
    const edge_t b = block.offsets[i], e = block.offsets[i + 1];
    for (edge_t a = b; a < e; ++a) {
      const float* xr = x.data() + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
      for (Eigen::Index f = 0; f < F; ++f) {
        o1[f] += xr[f];
        o2[f] += xr[f] * xr[f];
      }
    }
    if (e > b) {
      const float inv = 1.0f / static_cast<float>(e - b);
      for (Eigen::Index f = 0; f < F; ++f) {
        o1[f] *= inv;
        o2[f] *= inv;
      }
    }
  });
}

Matrix sddmm_dot(const Block& block, const Matrix& u, const Matrix& v, int heads) {
  validate_block(block, "sddmm_dot");
  SPRIG_EXPECTS(u.rows() == block.num_dst && v.rows() == block.num_src && u.cols() == v.cols(),
                "sddmm_dot: u is {}x{} and v is {}x{}, expected num_dst = {} and num_src = {} rows of equal width",
                u.rows(), u.cols(), v.rows(), v.cols(), block.num_dst, block.num_src);
  SPRIG_EXPECTS(heads >= 1 && u.cols() % heads == 0, "sddmm_dot: {} columns are not divisible by {} heads",
                u.cols(), heads);
  const Eigen::Index F = u.cols(), Fh = F / heads;
  Matrix e(block.num_arcs(), heads);
  for_rows(block.num_dst, [&](node_t i) {
    const float* ur = u.data() + static_cast<std::ptrdiff_t>(i) * F;
    for (edge_t a = block.offsets[i]; a < block.offsets[i + 1]; ++a) {
      const float* vr = v.data() + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
      for (int h = 0; h < heads; ++h) {
        float s = 0.0f;
        for (Eigen::Index f = h * Fh; f < (h + 1) * Fh; ++f) s += ur[f] * vr[f];
        e(a, h) = s;
      }
    }
  });
  return e;
}

void sddmm_dot_backward(const Block& block, const Matrix& u, const Matrix& v, const Matrix& grad_e, Matrix* du,
                        Matrix* dv, const Transposed* t) {
  validate_block(block, "sddmm_dot_backward");
  SPRIG_EXPECTS(grad_e.rows() == block.num_arcs() && grad_e.cols() >= 1 && u.cols() % grad_e.cols() == 0 &&
                    u.rows() == block.num_dst && v.rows() == block.num_src && u.cols() == v.cols(),
                "sddmm_dot_backward: shapes do not match (grad {}x{}, u {}x{}, v {}x{}, block {}x{} with {} arcs)",
                grad_e.rows(), grad_e.cols(), u.rows(), u.cols(), v.rows(), v.cols(), block.num_dst, block.num_src,
                block.num_arcs());
  const int heads = static_cast<int>(grad_e.cols());
  const Eigen::Index F = u.cols(), Fh = F / heads;
  if (du != nullptr) {
    du->resize(block.num_dst, F);
    for_rows(block.num_dst, [&](node_t i) {
      float* o = du->data() + static_cast<std::ptrdiff_t>(i) * F;
      std::fill(o, o + F, 0.0f);
      for (edge_t a = block.offsets[i]; a < block.offsets[i + 1]; ++a) {
        const float* vr = v.data() + static_cast<std::ptrdiff_t>(block.targets[a]) * F;
        for (int h = 0; h < heads; ++h) {
          const float s = grad_e(a, h);
          for (Eigen::Index f = h * Fh; f < (h + 1) * Fh; ++f) o[f] += s * vr[f];
        }
      }
    });
  }
  if (dv != nullptr) {
    Transposed local;
    const Transposed& tr = transposed_or_build(block, t, local);
    dv->resize(block.num_src, F);
    for_rows(block.num_src, [&](node_t j) {
      float* o = dv->data() + static_cast<std::ptrdiff_t>(j) * F;
      std::fill(o, o + F, 0.0f);
      for (edge_t k = tr.offsets[j]; k < tr.offsets[j + 1]; ++k) {
        const float* ur = u.data() + static_cast<std::ptrdiff_t>(tr.targets[k]) * F;
        const edge_t a = tr.arcs[k];
        for (int h = 0; h < heads; ++h) {
          const float s = grad_e(a, h);
          for (Eigen::Index f = h * Fh; f < (h + 1) * Fh; ++f) o[f] += s * ur[f];
        }
      }
    });
  }
}

Matrix sddmm_add(const Block& block, const Matrix& u, const Matrix& v) {
  validate_block(block, "sddmm_add");
  SPRIG_EXPECTS(u.rows() == block.num_dst && v.rows() == block.num_src && u.cols() == v.cols() && u.cols() >= 1,
                "sddmm_add: u is {}x{} and v is {}x{}, expected num_dst = {} and num_src = {} rows of equal width",
                u.rows(), u.cols(), v.rows(), v.cols(), block.num_dst, block.num_src);
  const Eigen::Index H = u.cols();
  Matrix e(block.num_arcs(), H);
  for_rows(block.num_dst, [&](node_t i) {
    for (edge_t a = block.offsets[i]; a < block.offsets[i + 1]; ++a) {
      const node_t j = block.targets[a];
      for (Eigen::Index h = 0; h < H; ++h) e(a, h) = u(i, h) + v(j, h);
    }
  });
  return e;
}

void sddmm_add_backward(const Block& block, const Matrix& grad_e, Matrix* du, Matrix* dv, const Transposed* t) {
  validate_block(block, "sddmm_add_backward");
  SPRIG_EXPECTS(grad_e.rows() == block.num_arcs(), "sddmm_add_backward: gradient has {} rows for {} arcs",
                grad_e.rows(), block.num_arcs());
  const Eigen::Index H = grad_e.cols();
  if (du != nullptr) {
    du->resize(block.num_dst, H);
    for_rows(block.num_dst, [&](node_t i) {
      for (Eigen::Index h = 0; h < H; ++h) {
        float s = 0.0f;
        for (edge_t a = block.offsets[i]; a < block.offsets[i + 1]; ++a) s += grad_e(a, h);
        (*du)(i, h) = s;
      }
    });
  }
  if (dv != nullptr) {
    Transposed local;
    const Transposed& tr = transposed_or_build(block, t, local);
    dv->resize(block.num_src, H);
    for_rows(block.num_src, [&](node_t j) {
      for (Eigen::Index h = 0; h < H; ++h) {
        float s = 0.0f;
        for (edge_t k = tr.offsets[j]; k < tr.offsets[j + 1]; ++k) s += grad_e(tr.arcs[k], h);
        (*dv)(j, h) = s;
      }
    });
  }
}

Matrix edge_softmax(const Block& block, const Matrix& scores) {
  validate_block(block, "edge_softmax");
  SPRIG_EXPECTS(scores.rows() == block.num_arcs() && scores.cols() >= 1,
                "edge_softmax: scores have {} rows, the block has {} arcs", scores.rows(), block.num_arcs());
  const Eigen::Index H = scores.cols();
  Matrix alpha(scores.rows(), H);
  for_rows(block.num_dst, [&](node_t i) {
    const edge_t b = block.offsets[i], e = block.offsets[i + 1];
    if (b == e) return;
    for (Eigen::Index h = 0; h < H; ++h) {
      float mx = -std::numeric_limits<float>::infinity();
      for (edge_t a = b; a < e; ++a) mx = std::max(mx, scores(a, h));
      float sum = 0.0f;
      for (edge_t a = b; a < e; ++a) {
        const float ex = std::exp(scores(a, h) - mx);
        alpha(a, h) = ex;
        sum += ex;
      }
      const float inv = 1.0f / sum;
      for (edge_t a = b; a < e; ++a) alpha(a, h) *= inv;
    }
  });
  return alpha;
}

Matrix edge_softmax_backward(const Block& block, const Matrix& alpha, const Matrix& grad_alpha) {
  validate_block(block, "edge_softmax_backward");
  SPRIG_EXPECTS(alpha.rows() == block.num_arcs() && grad_alpha.rows() == alpha.rows() &&
                    grad_alpha.cols() == alpha.cols(),
                "edge_softmax_backward: alpha {}x{} and gradient {}x{} must both be num_arcs ({}) x heads",
                alpha.rows(), alpha.cols(), grad_alpha.rows(), grad_alpha.cols(), block.num_arcs());
  const Eigen::Index H = alpha.cols();
  Matrix gs(alpha.rows(), H);
  for_rows(block.num_dst, [&](node_t i) {
    const edge_t b = block.offsets[i], e = block.offsets[i + 1];
    for (Eigen::Index h = 0; h < H; ++h) {
      float s = 0.0f;
      for (edge_t a = b; a < e; ++a) s += alpha(a, h) * grad_alpha(a, h);
      for (edge_t a = b; a < e; ++a) gs(a, h) = alpha(a, h) * (grad_alpha(a, h) - s);
    }
  });
  return gs;
}

}  // namespace sprig::gnn
