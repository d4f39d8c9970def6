// SGNS trainer shared by skipgram() (walks in memory) and node2vec_embedding()
// (walks streamed in batches): occurrence counts → sub-sampling and noise
// tables, then epochs over the walks, Hogwild or sequential.
#include <sprig/embed/skipgram.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig {
namespace {

constexpr int kExpTableSize = 1000;
constexpr float kMaxExp = 6.f;
constexpr std::uint64_t kInitStream = 0x53474e53'494e4954ull;  // "SGNSINIT"
constexpr std::uint64_t kTrainStream = 0x53474e53'5452414eull;  // "SGNSTRAN"

// The vector kernels of SGNS. One trained pair is an input row l1 against K
// output rows (the word, label 1, and its negatives, label 0). word2vec does
// K sequential (dot, update) steps; here the pair runs in two passes: the K
// dot products l1·l2ₖ together (independent accumulator chains, l1 loaded
// once per column block), then one pass that, per column block, updates every
// l2ₖ ← l2ₖ + gₖ·l1 with the old l1 (as word2vec) and accumulates
// e = Σₖ gₖ·l2ₖ (old rows) in registers, finishing with l1 ← l1 + e — no neu1e
// buffer and one read/write of each row instead of two. The only difference
// from the sequential order: a row drawn twice in one pair has both dot
// products taken before either update. AVX2+FMA versions are picked once at
// run time when the CPU has them (the library is built without -march); the
// results are then the same for any thread count on that machine, but FMA
// rounding differs from the portable loops.
float dot_portable(const float* a, const float* b, std::int64_t d) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::int64_t j = 0;
  for (; j + 4 <= d; j += 4) {
    s0 += a[j] * b[j];
    s1 += a[j + 1] * b[j + 1];
    s2 += a[j + 2] * b[j + 2];
    s3 += a[j + 3] * b[j + 3];
  }
  for (; j < d; ++j) s0 += a[j] * b[j];
  return (s0 + s1) + (s2 + s3);
}

// out[k] = l1·rows[k] for k < K.
void dots_portable(const float* l1, float* const* rows, int K, std::int64_t d, float* out) {
  for (int k = 0; k < K; ++k) out[k] = dot_portable(l1, rows[k], d);
}

// rows[k] += g[k]·l1 (old l1) and l1 += Σₖ g[k]·rows[k] (old rows), k < K,
// over columns [j0, d) (the AVX2 path's scalar tail calls it too).
inline void update_columns(float* l1, float* const* rows, const float* g, int K, std::int64_t j0, std::int64_t d) {
  for (std::int64_t j = j0; j < d; ++j) {
    const float x1 = l1[j];
    float e = 0;
    for (int k = 0; k < K; ++k) {
      const float x = rows[k][j];
      e += g[k] * x;
      rows[k][j] = x + g[k] * x1;
    }
    l1[j] = x1 + e;
  }
}

void update_portable(float* l1, float* const* rows, const float* g, int K, std::int64_t d) {
  update_columns(l1, rows, g, K, 0, d);
}

#if defined(__x86_64__) && defined(__GNUC__)
// Four dot products l1·r0..r3 at once: two accumulator chains per row, l1
// loaded once; the four sums reduced together by a horizontal-add tree.
__attribute__((target("avx2,fma"))) void dot4_avx2(const float* l1, const float* r0, const float* r1,
                                                   const float* r2, const float* r3, std::int64_t d, float* out) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  std::int64_t j = 0;
  for (; j + 16 <= d; j += 16) {
    const __m256 x = _mm256_loadu_ps(l1 + j), y = _mm256_loadu_ps(l1 + j + 8);
    a0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r0 + j), a0);
    a1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r1 + j), a1);
    a2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r2 + j), a2);
    a3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r3 + j), a3);
    b0 = _mm256_fmadd_ps(y, _mm256_loadu_ps(r0 + j + 8), b0);
    b1 = _mm256_fmadd_ps(y, _mm256_loadu_ps(r1 + j + 8), b1);
    b2 = _mm256_fmadd_ps(y, _mm256_loadu_ps(r2 + j + 8), b2);
    b3 = _mm256_fmadd_ps(y, _mm256_loadu_ps(r3 + j + 8), b3);
  }
  for (; j + 8 <= d; j += 8) {
    const __m256 x = _mm256_loadu_ps(l1 + j);
    a0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r0 + j), a0);
    a1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r1 + j), a1);
    a2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r2 + j), a2);
    a3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r3 + j), a3);
  }
  a0 = _mm256_add_ps(a0, b0);
  a1 = _mm256_add_ps(a1, b1);
  a2 = _mm256_add_ps(a2, b2);
  a3 = _mm256_add_ps(a3, b3);
  // hadd tree: lanes [Σa0 Σa1 Σa2 Σa3] of the low half plus the high half.
  const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  alignas(16) float t[4];
  _mm_store_ps(t, s);
  for (; j < d; ++j) {
    t[0] += l1[j] * r0[j];
    t[1] += l1[j] * r1[j];
    t[2] += l1[j] * r2[j];
    t[3] += l1[j] * r3[j];
  }
  out[0] = t[0], out[1] = t[1], out[2] = t[2], out[3] = t[3];
}

__attribute__((target("avx2,fma"))) void dots_avx2(const float* l1, float* const* rows, int K, std::int64_t d,
                                                   float* out) {
  int k = 0;
  for (; k + 4 <= K; k += 4) dot4_avx2(l1, rows[k], rows[k + 1], rows[k + 2], rows[k + 3], d, out + k);
  if (k < K) {  // 1–3 left: pad the group with l1 itself (a valid row; the extra sums are dropped)
    const float* r[4] = {l1, l1, l1, l1};
    for (int i = 0; k + i < K; ++i) r[i] = rows[k + i];
    float t[4];
    dot4_avx2(l1, r[0], r[1], r[2], r[3], d, t);
    for (int i = 0; k + i < K; ++i) out[k + i] = t[i];
  }
}

__attribute__((target("avx2,fma"))) void update_avx2(float* l1, float* const* rows, const float* g, int K,
                                                     std::int64_t d) {
  std::int64_t j = 0;
  for (; j + 8 <= d; j += 8) {
    const __m256 x1 = _mm256_loadu_ps(l1 + j);
    __m256 e = _mm256_setzero_ps();
    for (int k = 0; k < K; ++k) {
      const __m256 gk = _mm256_broadcast_ss(g + k);
      const __m256 x = _mm256_loadu_ps(rows[k] + j);
      e = _mm256_fmadd_ps(gk, x, e);
      _mm256_storeu_ps(rows[k] + j, _mm256_fmadd_ps(gk, x1, x));
    }
    _mm256_storeu_ps(l1 + j, _mm256_add_ps(x1, e));
  }
  update_columns(l1, rows, g, K, j, d);
}
#endif

struct Kernels {
  void (*dots)(const float*, float* const*, int, std::int64_t, float*) = dots_portable;
  void (*update)(float*, float* const*, const float*, int, std::int64_t) = update_portable;
};

Kernels pick_kernels() {
  Kernels k;
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    k.dots = dots_avx2;
    k.update = update_avx2;
  }
#endif
  return k;
}

// The draws inside one walk's training: SplitMix64 (Steele, Lea, Flood 2014)
// seeded from the Philox stream keyed by (seed, walk, epoch), so every walk's
// randomness is still a pure function of (seed, walk, epoch) — never of the
// thread — while a draw costs a few instructions instead of a quarter Philox
// block (SGNS draws ≈ 11 words per trained pair).
class WalkRng {
 public:
  explicit WalkRng(Philox& key) : s_(key.next_u64()) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1) with 24 bits.
  float uniform_float() noexcept { return static_cast<float>(next() >> 40) * 0x1p-24f; }
  /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift with rejection: unbiased).
  std::uint32_t bounded(std::uint32_t n) noexcept {
    for (;;) {
      const std::uint64_t m = (next() >> 32) * n;
      if (static_cast<std::uint32_t>(m) >= static_cast<std::uint32_t>(-n) % n) return static_cast<std::uint32_t>(m >> 32);
    }
  }
  /// An index in [0, n) (from the high word) and a coin in [0, 1) (from the low 24 bits) from one draw.
  std::uint32_t index_and_coin(std::uint32_t n, float& coin) noexcept {
    for (;;) {
      const std::uint64_t x = next();
      const std::uint64_t m = (x >> 32) * n;
      if (static_cast<std::uint32_t>(m) >= static_cast<std::uint32_t>(-n) % n) {
        coin = static_cast<float>(x & 0xffffff) * 0x1p-24f;
        return static_cast<std::uint32_t>(m >> 32);
      }
    }
  }

 private:
  std::uint64_t s_;
};

// Brings a row of d floats towards the cache before it is used.
inline void prefetch_row(const float* p, std::int64_t d) {
  for (std::int64_t j = 0; j < d; j += 16) __builtin_prefetch(p + j, 1, 3);
}

void check(std::int64_t n, const SkipGramOptions& o) {
  SPRIG_EXPECTS(n >= 0, "skipgram: n must be ≥ 0 (got {})", n);
  SPRIG_EXPECTS(o.dim > 0, "skipgram: dim must be > 0 (got {})", o.dim);
  SPRIG_EXPECTS(o.window >= 1, "skipgram: window must be ≥ 1 (got {})", o.window);
  SPRIG_EXPECTS(o.negative >= 1, "skipgram: negative must be ≥ 1 (got {})", o.negative);
  SPRIG_EXPECTS(o.learning_rate > 0 && std::isfinite(o.learning_rate), "skipgram: learning_rate must be > 0 (got {})",
                o.learning_rate);
  SPRIG_EXPECTS(o.min_learning_rate >= 0 && o.min_learning_rate <= o.learning_rate,
                "skipgram: min_learning_rate must be in [0, learning_rate] (got {})", o.min_learning_rate);
  SPRIG_EXPECTS(o.epochs >= 1, "skipgram: epochs must be ≥ 1 (got {})", o.epochs);
  SPRIG_EXPECTS(o.sample >= 0 && std::isfinite(o.sample), "skipgram: sample must be ≥ 0 (got {})", o.sample);
  SPRIG_EXPECTS(std::isfinite(o.ns_exponent), "skipgram: ns_exponent must be finite (got {})", o.ns_exponent);
}

void count_walks(const Walks& w, std::int64_t n, std::vector<std::int64_t>& counts) {
  for (std::int64_t i = 0; i < w.count; ++i) {
    for (node_t v : w.walk(i)) {
      if (v < 0) break;
      SPRIG_EXPECTS(v < n, "skipgram: walk {} holds node {} ≥ n = {}", w.first + i, v, n);
      ++counts[v];
    }
  }
}

class Trainer {
 public:
  Trainer(std::int64_t n, const std::vector<std::int64_t>& counts, const SkipGramOptions& o)
      : o_(o), n_(n), d_(o.dim), syn0_(n, o.dim), syn1_(Matrix::Zero(n, o.dim)) {
    for (std::int64_t c : counts) total_ += c;
    // Sub-sampling: keep probability per node (word2vec's formula).
    keep_.assign(static_cast<std::size_t>(n), 1.f);
    if (o.sample > 0 && total_ > 0) {
      const double thr = o.sample * static_cast<double>(total_);
      for (std::int64_t v = 0; v < n; ++v)
        if (counts[v] > 0) {
          const double c = static_cast<double>(counts[v]);
          keep_[v] = static_cast<float>(std::min(1.0, (std::sqrt(c / thr) + 1.0) * thr / c));
        }
    }
    // Noise distribution ∝ count^ns_exponent as an alias table.
    noise_.assign(static_cast<std::size_t>(n), NoiseEntry{});
    std::vector<double> w(static_cast<std::size_t>(n));
    double s = 0;
    for (std::int64_t v = 0; v < n; ++v) s += w[v] = counts[v] > 0 ? std::pow(static_cast<double>(counts[v]), o.ns_exponent) : 0.0;
    if (s > 0) {
      std::vector<std::int64_t> small, large;
      for (std::int64_t v = 0; v < n; ++v) {
        w[v] = w[v] * static_cast<double>(n) / s;
        (w[v] < 1.0 ? small : large).push_back(v);
      }
      while (!small.empty() && !large.empty()) {
        const std::int64_t l = small.back(), g = large.back();
        small.pop_back();
        noise_[l] = {static_cast<float>(w[l]), static_cast<node_t>(g)};
        w[g] -= 1.0 - w[l];
        if (w[g] < 1.0) {
          large.pop_back();
          small.push_back(g);
        }
      }
      for (std::int64_t v : large) noise_[v] = {1.f, static_cast<node_t>(v)};
      std::int64_t any = 0;
      while (counts[any] == 0) ++any;
      for (std::int64_t v : small) {
        if (counts[v] > 0)
          noise_[v] = {1.f, static_cast<node_t>(v)};
        else
          noise_[v] = {0.f, static_cast<node_t>(any)};
      }
    }
    for (int i = 0; i < kExpTableSize; ++i) {
      const double e = std::exp((2.0 * i / kExpTableSize - 1.0) * kMaxExp);
      exp_table_[i] = static_cast<float>(e / (e + 1.0));
    }
    // syn0 uniform in [−0.5/d, 0.5/d), keyed by (seed, node).
    const std::uint64_t init_seed = counter_hash(o.seed, kInitStream);
    parallel_for<std::int64_t>(
        0, n,
        [&](std::int64_t v) {
          Philox rng(init_seed, static_cast<std::uint64_t>(v));
          float* row = syn0_.row(v).data();
          for (std::int64_t j = 0; j < d_; ++j) row[j] = (rng.uniform_float() - 0.5f) / static_cast<float>(d_);
        },
        1024);
    train_seed_ = counter_hash(o.seed, kTrainStream);
  }

  std::int64_t total() const { return total_; }

  // One epoch over a batch of walks (walk indices w.first … for the RNG keys).
  void train(const Walks& w, std::int64_t epoch) {
    const std::int64_t all = total_ * o_.epochs;
    const std::int64_t rounds = std::min<std::int64_t>(w.count, 100);
    for (std::int64_t r = 0; r < rounds; ++r) {
      const std::int64_t lo = w.count * r / rounds, hi = w.count * (r + 1) / rounds;
      if (o_.deterministic) {
        Scratch sc(o_.negative);
        for (std::int64_t i = lo; i < hi; ++i) train_walk(w, i, epoch, sc);
      } else {
        tbb::parallel_for(tbb::blocked_range<std::int64_t>(lo, hi, 16), [&](const tbb::blocked_range<std::int64_t>& br) {
          Scratch sc(o_.negative);
          for (std::int64_t i = br.begin(); i != br.end(); ++i) train_walk(w, i, epoch, sc);
        });
      }
      report(o_.progress, "skipgram", static_cast<std::uint64_t>(processed_.load(std::memory_order_relaxed)),
             static_cast<std::uint64_t>(all));
    }
  }

  Matrix release() && { return std::move(syn0_); }

 private:
  struct Scratch {
    Scratch(std::int64_t negative)
        : cur(negative), next(negative), rows(negative + 1), f(negative + 4), g(negative + 1) {}
    std::vector<node_t> sentence;
    std::vector<node_t> cur, next;  // negatives of this pair and of the next one (prefetched)
    std::vector<float*> rows;       // output rows of one pair: the word's, then the negatives'
    std::vector<float> f, g;        // their dot products (padded to a multiple of 4) and gradients
  };

  void train_walk(const Walks& w, std::int64_t i, std::int64_t epoch, Scratch& sc) {
    const std::uint64_t key = static_cast<std::uint64_t>(w.first + i);
    Philox key_rng(train_seed_, key, static_cast<std::uint64_t>(epoch) << 40);
    WalkRng rng(key_rng);
    const auto walk = w.walk(i);
    auto& sent = sc.sentence;
    sent.clear();
    std::int64_t seen = 0;
    for (node_t v : walk) {
      if (v < 0) break;
      ++seen;
      if (keep_[v] < 1.f && rng.uniform_float() >= keep_[v]) continue;
      sent.push_back(v);
    }
    // Learning rate from the words processed before this walk (exact when sequential).
    const std::int64_t done = processed_.fetch_add(seen, std::memory_order_relaxed);
    const double frac = static_cast<double>(done) / static_cast<double>(std::max<std::int64_t>(1, total_ * o_.epochs));
    const float alpha = static_cast<float>(
        std::max(o_.min_learning_rate, o_.learning_rate - (o_.learning_rate - o_.min_learning_rate) * frac));
    const auto len = static_cast<std::int64_t>(sent.size());
    if (len < 2) return;
    const bool share = o_.share_negatives;
    draw_negatives(rng, sc.next);  // the first pair's (position's), prefetched while its rows are found
    for (std::int64_t pos = 0; pos < len; ++pos) {
      // The next position's output row and the input row that enters the
      // window next (the others were used a position ago and are cached).
      if (pos + 1 < len) prefetch_row(syn1_.row(sent[pos + 1]).data(), d_);
      if (pos + o_.window + 1 < len) prefetch_row(syn0_.row(sent[pos + o_.window + 1]).data(), d_);
      const std::int64_t reach = o_.window - static_cast<std::int64_t>(rng.bounded(static_cast<std::uint32_t>(o_.window)));
      const std::int64_t a = std::max<std::int64_t>(0, pos - reach), b = std::min(len - 1, pos + reach);
      if (share) {  // one draw per position, shared by its contexts; the next position's drawn ahead
        std::swap(sc.cur, sc.next);
        if (pos + 1 < len) draw_negatives(rng, sc.next);
      }
      for (std::int64_t c = a; c <= b; ++c) {
        if (c == pos) continue;
        if (!share) {
          std::swap(sc.cur, sc.next);
          draw_negatives(rng, sc.next);
        }
        train_pair(sent[c], sent[pos], alpha, sc);
      }
    }
  }

  // `negative` draws from the noise distribution (alias table), their output
  // rows prefetched: they are random rows of syn1neg, the cache misses that
  // dominate SGNS, so they are drawn one pair ahead of their use.
  void draw_negatives(WalkRng& rng, std::vector<node_t>& out) {
    for (node_t& t : out) {
      float coin;
      const auto u = static_cast<node_t>(rng.index_and_coin(static_cast<std::uint32_t>(n_), coin));
      const NoiseEntry ne = noise_[u];  // one cache line for both halves of the alias entry
      t = coin < ne.prob ? u : ne.alias;
      prefetch_row(syn1_.row(t).data(), d_);
    }
  }

  // 1/(1 + e^−f) from the table, clamped at ±kMaxExp as word2vec.
  float gradient(float f, float label, float alpha) const {
    if (f >= kMaxExp) return (label - 1.f) * alpha;
    if (f <= -kMaxExp) return label * alpha;
    // f just below kMaxExp can round to index kExpTableSize: clamp (word2vec keeps one spare entry).
    const int idx = std::min(kExpTableSize - 1, static_cast<int>((f + kMaxExp) * (kExpTableSize / kMaxExp / 2)));
    return (label - exp_table_[idx]) * alpha;
  }

  // Input vector syn0[context] against syn1neg[word] (label 1) and the
  // negatives sc.cur (label 0; one equal to the word is skipped, as word2vec).
  void train_pair(node_t context, node_t word, float alpha, Scratch& sc) {
    float* l1 = syn0_.row(context).data();
    int K = 0;
    sc.rows[K++] = syn1_.row(word).data();
    for (const node_t target : sc.cur)
      if (target != word) sc.rows[K++] = syn1_.row(target).data();
    k_.dots(l1, sc.rows.data(), K, d_, sc.f.data());
    sc.g[0] = gradient(sc.f[0], 1.f, alpha);
    for (int k = 1; k < K; ++k) sc.g[k] = gradient(sc.f[k], 0.f, alpha);
    k_.update(l1, sc.rows.data(), sc.g.data(), K, d_);
  }

  const SkipGramOptions& o_;
  std::int64_t n_, d_;
  Matrix syn0_, syn1_;
  std::int64_t total_ = 0;
  struct NoiseEntry {
    float prob = 0;
    node_t alias = 0;
  };
  std::vector<float> keep_;
  std::vector<NoiseEntry> noise_;  // alias table of the noise distribution
  float exp_table_[kExpTableSize];
  std::uint64_t train_seed_ = 0;
  std::atomic<std::int64_t> processed_{0};
  Kernels k_ = pick_kernels();
};

}  // namespace

Matrix skipgram(const Walks& walks, std::int64_t n, const SkipGramOptions& opt) {
  check(n, opt);
  std::vector<std::int64_t> counts(static_cast<std::size_t>(n), 0);
  count_walks(walks, n, counts);
  Trainer t(n, counts, opt);
  if (t.total() > 0)
    for (std::int64_t e = 0; e < opt.epochs; ++e) t.train(walks, e);
  return std::move(t).release();
}

Matrix node2vec_embedding(const Graph& g, const WalkOptions& walk_opt, const SkipGramOptions& sgns_opt,
                          std::int64_t batch_walks) {
  check(g.num_nodes(), sgns_opt);
  SPRIG_EXPECTS(batch_walks >= 0, "node2vec_embedding: batch_walks must be ≥ 0 (got {})", batch_walks);
  const std::int64_t n = g.num_nodes();
  WalkOptions wo = walk_opt;
  wo.progress = nullptr;  // the walk batches report as part of the SGNS progress
  const std::int64_t total = walk_opt.walks_per_node * n;
  const std::int64_t batch = batch_walks == 0 ? std::max<std::int64_t>(total, 1) : batch_walks;
  std::vector<std::int64_t> counts(static_cast<std::size_t>(n), 0);
  Walks kept;  // the only batch, when everything fits in one
  for (std::int64_t b = 0; b < total; b += batch) {
    Walks w = random_walks_range(g, wo, b, std::min(total, b + batch));
    count_walks(w, n, counts);
    if (batch >= total) kept = std::move(w);
    report(walk_opt.progress, "walks", static_cast<std::uint64_t>(std::min(total, b + batch)),
           static_cast<std::uint64_t>(total));
  }
  Trainer t(n, counts, sgns_opt);
  if (t.total() == 0) return std::move(t).release();
  for (std::int64_t e = 0; e < sgns_opt.epochs; ++e) {
    if (batch >= total) {
      t.train(kept, e);
      continue;
    }
    for (std::int64_t b = 0; b < total; b += batch) t.train(random_walks_range(g, wo, b, std::min(total, b + batch)), e);
  }
  return std::move(t).release();
}

}  // namespace sprig
