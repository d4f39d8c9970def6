// Random graph generators. The parallel ones (G(n,m), G(n,p), SBM, R-MAT)
// split the work into chunks fixed by the options; chunk c draws from
// Philox(seed, c, step) and writes to slots fixed in advance or to its own
// buffer, concatenated in chunk order — so the output never depends on the
// thread count. Barabási–Albert and Watts–Strogatz are inherently sequential
// (each step depends on the graph so far) and use one stream.
#include <sprig/graph/generators.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <tbb/parallel_sort.h>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig {
namespace {

constexpr std::int64_t kMaxNodes = std::numeric_limits<node_t>::max();  // ids must fit node_t

void check_n(const char* who, std::int64_t n) {
  SPRIG_EXPECTS(n >= 0 && n <= kMaxNodes, "{}: n = {} must lie in [0, {}]", who, n, kMaxNodes);
}

// ---------------------------------------------------------------------------
// Pair index spaces. A "segment" is a set of node pairs numbered 0..pairs-1:
//   triangle:  pairs {w < v} inside one block of size s, idx = v(v-1)/2 + w
//   square:    ordered pairs u ≠ v inside one block, idx = u(s-1) + j, v = j + (j ≥ u)
//   rect:      pairs (u in block r, v in block t), idx = u·size_t + v

enum class Kind { triangle, square, rect };

struct Segment {
  Kind kind;
  std::int64_t off_r, off_s;    // first node of each block
  std::int64_t size_r, size_s;  // block sizes (size_s unused for triangle/square)
  double p;
  std::uint64_t pairs;
};

std::uint64_t tri(std::uint64_t v) { return v * (v - 1) / 2; }  // v ≥ 1; pairs below row v

void decode(const Segment& s, std::uint64_t idx, node_t& u, node_t& v) {
  switch (s.kind) {
    case Kind::triangle: {
      // Row r with tri(r) ≤ idx < tri(r + 1): a double estimate, then exact integer correction.
      auto r = static_cast<std::uint64_t>((1.0 + std::sqrt(8.0 * static_cast<double>(idx) + 1.0)) / 2.0);
      if (r < 1) r = 1;
      while (r > 1 && tri(r) > idx) --r;
      while (tri(r + 1) <= idx) ++r;
      u = static_cast<node_t>(s.off_r + static_cast<std::int64_t>(idx - tri(r)));
      v = static_cast<node_t>(s.off_r + static_cast<std::int64_t>(r));
      return;
    }
    case Kind::square: {
      const auto d = static_cast<std::uint64_t>(s.size_r - 1);
      const std::uint64_t a = idx / d, j = idx % d;
      u = static_cast<node_t>(s.off_r + static_cast<std::int64_t>(a));
      v = static_cast<node_t>(s.off_r + static_cast<std::int64_t>(j + (j >= a)));
      return;
    }
    case Kind::rect: {
      const auto d = static_cast<std::uint64_t>(s.size_s);
      u = static_cast<node_t>(s.off_r + static_cast<std::int64_t>(idx / d));
      v = static_cast<node_t>(s.off_s + static_cast<std::int64_t>(idx % d));
      return;
    }
  }
}

// Concatenates per-chunk buffers in chunk order, in parallel.
void concat(std::vector<std::vector<node_t>>& src, std::vector<std::vector<node_t>>& dst, EdgeList& out) {
  std::vector<std::size_t> sizes(src.size());
  for (std::size_t c = 0; c < src.size(); ++c) sizes[c] = src[c].size();
  std::vector<std::size_t> pos;
  exclusive_scan(sizes, pos);
  out.src.resize(pos.back());
  out.dst.resize(pos.back());
  parallel_chunks(src.size(), 1, [&](std::size_t c, std::size_t, std::size_t) {
    std::copy(src[c].begin(), src[c].end(), out.src.begin() + static_cast<std::ptrdiff_t>(pos[c]));
    std::copy(dst[c].begin(), dst[c].end(), out.dst.begin() + static_cast<std::ptrdiff_t>(pos[c]));
    std::vector<node_t>().swap(src[c]);
    std::vector<node_t>().swap(dst[c]);
  });
}

// Every pair of every segment independently with the segment's probability,
// by geometric skipping (Batagelj–Brandes): the gap to the next chosen pair is
// Geometric(p), and since that law is memoryless each chunk of the index range
// can start afresh at its own boundary. Chunks hold about 2^16 expected edges.
void bernoulli_pairs(const std::vector<Segment>& segs, std::uint64_t seed, EdgeList& out) {
  struct Chunk {
    std::size_t seg;
    std::uint64_t begin, end;
  };
  std::vector<Chunk> chunks;
  for (std::size_t s = 0; s < segs.size(); ++s) {
    const Segment& sg = segs[s];
    if (sg.p <= 0.0 || sg.pairs == 0) continue;
    const double want = std::ceil(65536.0 / sg.p);
    const std::uint64_t len =
        want >= 1e18 ? sg.pairs : std::max<std::uint64_t>(std::uint64_t{1} << 20, static_cast<std::uint64_t>(want));
    for (std::uint64_t b = 0; b < sg.pairs; b += std::min(len, sg.pairs - b)) chunks.push_back({s, b, std::min(sg.pairs, b + len)});
  }
  std::vector<std::vector<node_t>> src(chunks.size()), dst(chunks.size());
  parallel_chunks(chunks.size(), 1, [&](std::size_t c, std::size_t, std::size_t) {
    const Chunk& ch = chunks[c];
    const Segment& sg = segs[ch.seg];
    auto& cs = src[c];
    auto& cd = dst[c];
    node_t u, v;
    if (sg.p >= 1.0) {
      cs.reserve(ch.end - ch.begin);
      cd.reserve(ch.end - ch.begin);
      for (std::uint64_t i = ch.begin; i < ch.end; ++i) {
        decode(sg, i, u, v);
        cs.push_back(u);
        cd.push_back(v);
      }
      return;
    }
    Philox rng(seed, c);
    const double lq = std::log1p(-sg.p);
    std::uint64_t cur = ch.begin;
    while (true) {
      const double skip = std::floor(std::log1p(-rng.uniform()) / lq);
      if (skip >= static_cast<double>(ch.end - cur)) break;
      cur += static_cast<std::uint64_t>(skip);
      if (cur >= ch.end) break;
      decode(sg, cur, u, v);
      cs.push_back(u);
      cd.push_back(v);
      ++cur;
    }
  });
  concat(src, dst, out);
}

// k distinct values of [0, N) uniformly at random (k ≤ N/2 in practice, so at
// least half of every batch is fresh), returned sorted. Each round draws a batch
// in fixed chunks (chunk c of round r from Philox(seed, c, r·2^32)), sorts it and
// merges it into the sorted set of distinct values. The last round overshoots a
// little; a uniformly random surplus is then dropped, which leaves a uniformly
// random k-subset. Every step is a function of the seed alone.
std::vector<std::uint64_t> sample_distinct(std::uint64_t N, std::uint64_t k, std::uint64_t seed) {
  constexpr std::size_t kGrain = 1 << 16;
  std::vector<std::uint64_t> set;
  std::uint64_t round = 0;
  for (; set.size() < k; ++round) {
    const std::uint64_t have = set.size(), need = k - have;
    // Oversample by the expected share of fresh draws so one round nearly always suffices.
    const double fresh = static_cast<double>(N - have) / static_cast<double>(N);
    const auto draws = static_cast<std::size_t>(static_cast<double>(need) / fresh * 1.03) + 64;
    set.resize(have + draws);
    parallel_chunks(draws, kGrain, [&](std::size_t c, std::size_t b, std::size_t e) {
      Philox rng(seed, c, round << 32);
      for (std::size_t i = b; i < e; ++i) set[have + i] = rng.bounded64(N);
    });
    const auto mid = set.begin() + static_cast<std::ptrdiff_t>(have);
    tbb::parallel_sort(mid, set.end());
    std::inplace_merge(set.begin(), mid, set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
  }
  if (set.size() > k) {
    // Drop a uniform random subset of the surplus positions (one sequential
    // stream on an item no chunk uses).
    const std::size_t K = set.size(), surplus = K - k;
    std::vector<std::uint8_t> gone(K, 0);
    Philox rng(seed, ~std::uint64_t{0}, round << 32);
    for (std::size_t removed = 0; removed < surplus;) {
      const std::uint64_t i = rng.bounded64(K);
      if (!gone[i]) {
        gone[i] = 1;
        ++removed;
      }
    }
    std::size_t out = 0;
    for (std::size_t i = 0; i < K; ++i)
      if (!gone[i]) set[out++] = set[i];
    set.resize(out);
  }
  return set;
}

// ---------------------------------------------------------------------------
// Spec parsing.

std::int64_t parse_int(std::string_view spec, std::string_view field, const char* name) {
  std::int64_t x = 0;
  const auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), x);
  SPRIG_EXPECTS(ec == std::errc() && p == field.data() + field.size() && !field.empty(),
                "generator spec '{}': {} must be an integer (got '{}')", spec, name, field);
  return x;
}

double parse_double(std::string_view spec, std::string_view field, const char* name) {
  double x = 0;
  const auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), x);
  SPRIG_EXPECTS(ec == std::errc() && p == field.data() + field.size() && !field.empty() && std::isfinite(x),
                "generator spec '{}': {} must be a number (got '{}')", spec, name, field);
  return x;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t b = 0;
  while (true) {
    const std::size_t e = s.find(':', b);
    out.push_back(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
    if (e == std::string_view::npos) return out;
    b = e + 1;
  }
}

constexpr std::string_view kNames[] = {"rmat", "er", "gnp", "ba", "ws", "sbm"};

}  // namespace

// ---------------------------------------------------------------------------

EdgeList erdos_renyi_gnm(const GnmOptions& opt) {
  check_n("erdos_renyi_gnm", opt.n);
  const auto n = static_cast<std::uint64_t>(opt.n);
  const std::uint64_t N = n < 2 ? 0 : (opt.directed ? n * (n - 1) : n * (n - 1) / 2);
  SPRIG_EXPECTS(opt.m >= 0 && static_cast<std::uint64_t>(opt.m) <= N,
                "erdos_renyi_gnm: m = {} must lie in [0, {}] (the node pairs of n = {})", opt.m, N, opt.n);
  EdgeList out;
  out.n = opt.n;
  out.directed = opt.directed;
  const auto m = static_cast<std::uint64_t>(opt.m);
  const Segment seg{opt.directed ? Kind::square : Kind::triangle, 0, 0, opt.n, 0, 1.0, N};
  std::vector<std::uint64_t> idx;
  if (2 * m <= N) {
    idx = sample_distinct(N, m, opt.seed);
  } else {
    // Dense: draw the N - m pairs to leave out and list the rest in index order.
    const std::vector<std::uint64_t> skip = sample_distinct(N, N - m, opt.seed);  // sorted
    idx.reserve(m);
    std::size_t j = 0;
    for (std::uint64_t i = 0; i < N; ++i) {
      if (j < skip.size() && skip[j] == i) {
        ++j;
        continue;
      }
      idx.push_back(i);
    }
  }
  out.src.resize(m);
  out.dst.resize(m);
  parallel_for<std::size_t>(0, idx.size(), [&](std::size_t i) { decode(seg, idx[i], out.src[i], out.dst[i]); },
                            1 << 14);
  return out;
}

EdgeList erdos_renyi_gnp(const GnpOptions& opt) {
  check_n("erdos_renyi_gnp", opt.n);
  SPRIG_EXPECTS(opt.p >= 0.0 && opt.p <= 1.0, "erdos_renyi_gnp: p = {} must lie in [0, 1]", opt.p);
  EdgeList out;
  out.n = opt.n;
  out.directed = opt.directed;
  const auto n = static_cast<std::uint64_t>(opt.n);
  const std::uint64_t N = n < 2 ? 0 : (opt.directed ? n * (n - 1) : n * (n - 1) / 2);
  bernoulli_pairs({Segment{opt.directed ? Kind::square : Kind::triangle, 0, 0, opt.n, 0, opt.p, N}}, opt.seed, out);
  return out;
}

EdgeList barabasi_albert(const BarabasiAlbertOptions& opt) {
  check_n("barabasi_albert", opt.n);
  SPRIG_EXPECTS(opt.m >= 1 && opt.m < opt.n, "barabasi_albert: m = {} must lie in [1, n) with n = {}", opt.m, opt.n);
  const auto n = static_cast<std::size_t>(opt.n);
  const auto m = static_cast<std::size_t>(opt.m);
  EdgeList out;
  out.n = opt.n;
  out.directed = false;
  out.reserve((n - m) * m);
  // Every endpoint of every edge so far: a uniform draw from it is a
  // degree-proportional draw of a node.
  std::vector<node_t> repeated;
  repeated.reserve(2 * (n - m) * m);
  std::vector<node_t> targets(m);
  for (std::size_t i = 0; i < m; ++i) targets[i] = static_cast<node_t>(i);
  std::vector<std::uint8_t> chosen(n, 0);
  Philox rng(opt.seed, 0);
  for (std::size_t s = m; s < n; ++s) {
    for (node_t t : targets) {
      out.add(static_cast<node_t>(s), t);
      repeated.push_back(t);
      repeated.push_back(static_cast<node_t>(s));
    }
    if (s + 1 == n) break;
    // m distinct targets for the next node.
    for (node_t t : targets) chosen[static_cast<std::size_t>(t)] = 0;
    std::size_t got = 0;
    while (got < m) {
      const node_t t = repeated[rng.bounded64(repeated.size())];
      if (chosen[static_cast<std::size_t>(t)]) continue;
      chosen[static_cast<std::size_t>(t)] = 1;
      targets[got++] = t;
    }
  }
  return out;
}

EdgeList rmat(const RmatOptions& opt) {
  SPRIG_EXPECTS(opt.scale >= 1 && opt.scale <= 30, "rmat: scale = {} must lie in [1, 30]", opt.scale);
  SPRIG_EXPECTS(opt.edge_factor >= 0 && opt.edge_factor <= (std::int64_t{1} << 32),
                "rmat: edge_factor = {} must lie in [0, 2^32]", opt.edge_factor);
  const double d = 1.0 - opt.a - opt.b - opt.c;
  SPRIG_EXPECTS(opt.a >= 0 && opt.b >= 0 && opt.c >= 0 && d >= -1e-12,
                "rmat: a = {}, b = {}, c = {} must be ≥ 0 with a + b + c ≤ 1", opt.a, opt.b, opt.c);
  const std::int64_t n = std::int64_t{1} << opt.scale;
  const auto m = static_cast<std::size_t>(opt.edge_factor << opt.scale);
  EdgeList out;
  out.n = n;
  out.directed = opt.directed;
  out.src.resize(m);
  out.dst.resize(m);
  // Quadrant thresholds on a 32-bit word: a → (0,0), b → (0,1), c → (1,0), else (1,1).
  const auto thr = [](double x) { return static_cast<std::uint64_t>(std::llround(std::min(1.0, x) * 4294967296.0)); };
  const std::uint64_t ta = thr(opt.a), tab = thr(opt.a + opt.b), tabc = thr(opt.a + opt.b + opt.c);
  const int scale = opt.scale;
  constexpr std::size_t kGrain = 1 << 16;
  parallel_chunks(m, kGrain, [&](std::size_t c, std::size_t b, std::size_t e) {
    Philox rng(opt.seed, c);
    for (std::size_t i = b; i < e; ++i) {
      std::uint32_t u = 0, v = 0;
      // Branch-free: the quadrant of a level is unpredictable, so branches would
      // mispredict about once per level. u's bit is set in quadrants c and d
      // (r ≥ a+b); v's in b and d, i.e. an odd number of the three thresholds passed.
      for (int l = 0; l < scale; ++l) {
        const std::uint64_t r = rng.next_u32();
        const std::uint32_t ge_a = r >= ta, ge_ab = r >= tab, ge_abc = r >= tabc;
        u |= ge_ab << l;
        v |= (ge_a ^ ge_ab ^ ge_abc) << l;
      }
      out.src[i] = static_cast<node_t>(u);
      out.dst[i] = static_cast<node_t>(v);
    }
  });
  if (opt.permute) {
    // A seeded random permutation: sort the ids by a counter hash (ties, which
    // are astronomically rare, by id so the order is total). The hash uses
    // counters far from the edge chunks' so the streams do not overlap.
    const auto un = static_cast<std::size_t>(n);
    std::vector<std::pair<std::uint64_t, node_t>> key(un);
    parallel_for<std::size_t>(0, un, [&](std::size_t i) {
      key[i] = {counter_hash(opt.seed, i, std::uint64_t{1} << 63), static_cast<node_t>(i)};
    }, 1 << 14);
    tbb::parallel_sort(key.begin(), key.end());
    std::vector<node_t> perm(un);
    parallel_for<std::size_t>(0, un, [&](std::size_t r) { perm[static_cast<std::size_t>(key[r].second)] = static_cast<node_t>(r); },
                              1 << 16);
    parallel_for<std::size_t>(0, m, [&](std::size_t i) {
      out.src[i] = perm[static_cast<std::size_t>(out.src[i])];
      out.dst[i] = perm[static_cast<std::size_t>(out.dst[i])];
    }, 1 << 16);
  }
  return out;
}

SbmGraph stochastic_block_model(const SbmOptions& opt) {
  const std::size_t k = opt.block_sizes.size();
  SPRIG_EXPECTS(opt.probabilities.size() == k * k,
                "stochastic_block_model: {} blocks need a {}x{} = {} probability matrix (got {} entries)", k, k, k,
                k * k, opt.probabilities.size());
  std::int64_t n = 0;
  std::vector<std::int64_t> off(k + 1, 0);
  for (std::size_t r = 0; r < k; ++r) {
    SPRIG_EXPECTS(opt.block_sizes[r] >= 0, "stochastic_block_model: block {} has size {} (must be ≥ 0)", r,
                  opt.block_sizes[r]);
    n += opt.block_sizes[r];
    SPRIG_EXPECTS(n <= kMaxNodes, "stochastic_block_model: {} nodes in all exceed the 32-bit id range", n);
    off[r + 1] = n;
  }
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t s = 0; s < k; ++s) {
      const double p = opt.probabilities[r * k + s];
      SPRIG_EXPECTS(p >= 0.0 && p <= 1.0, "stochastic_block_model: probability [{}][{}] = {} must lie in [0, 1]", r,
                    s, p);
      SPRIG_EXPECTS(opt.directed || p == opt.probabilities[s * k + r],
                    "stochastic_block_model: undirected needs a symmetric matrix ([{}][{}] = {} but [{}][{}] = {})", r,
                    s, p, s, r, opt.probabilities[s * k + r]);
    }
  std::vector<Segment> segs;
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t s = opt.directed ? 0 : r; s < k; ++s) {
      const auto sr = static_cast<std::uint64_t>(opt.block_sizes[r]);
      const auto ss = static_cast<std::uint64_t>(opt.block_sizes[s]);
      const double p = opt.probabilities[r * k + s];
      if (r == s) {
        const std::uint64_t pairs = sr < 2 ? 0 : (opt.directed ? sr * (sr - 1) : sr * (sr - 1) / 2);
        segs.push_back({opt.directed ? Kind::square : Kind::triangle, off[r], off[r], opt.block_sizes[r], 0, p, pairs});
      } else {
        segs.push_back({Kind::rect, off[r], off[s], opt.block_sizes[r], opt.block_sizes[s], p, sr * ss});
      }
    }
  SbmGraph g;
  g.edges.n = n;
  g.edges.directed = opt.directed;
  bernoulli_pairs(segs, opt.seed, g.edges);
  g.labels.resize(static_cast<std::size_t>(n));
  for (std::size_t r = 0; r < k; ++r)
    std::fill(g.labels.begin() + off[r], g.labels.begin() + off[r + 1], static_cast<std::int32_t>(r));
  return g;
}

EdgeList watts_strogatz(const WattsStrogatzOptions& opt) {
  check_n("watts_strogatz", opt.n);
  SPRIG_EXPECTS(opt.k >= 1 && 2 * opt.k < opt.n, "watts_strogatz: k = {} must satisfy 1 ≤ k and 2k < n = {}", opt.k,
                opt.n);
  SPRIG_EXPECTS(opt.beta >= 0.0 && opt.beta <= 1.0, "watts_strogatz: beta = {} must lie in [0, 1]", opt.beta);
  const auto n = static_cast<std::size_t>(opt.n);
  const auto k = static_cast<std::size_t>(opt.k);
  // Adjacency as small vectors: degrees stay near 2k, so linear scans are cheap.
  std::vector<std::vector<node_t>> adj(n);
  for (std::size_t u = 0; u < n; ++u) adj[u].reserve(2 * k + 2);
  for (std::size_t u = 0; u < n; ++u)
    for (std::size_t j = 1; j <= k; ++j) {
      const std::size_t v = (u + j) % n;
      adj[u].push_back(static_cast<node_t>(v));
      adj[v].push_back(static_cast<node_t>(u));
    }
  const auto has = [&](std::size_t u, node_t v) { return std::find(adj[u].begin(), adj[u].end(), v) != adj[u].end(); };
  const auto erase = [&](std::size_t u, node_t v) { adj[u].erase(std::find(adj[u].begin(), adj[u].end(), v)); };
  // networkx's order: for each offset j, for each node u, maybe rewire u–(u+j).
  Philox rng(opt.seed, 0);
  if (opt.beta > 0.0)
    for (std::size_t j = 1; j <= k; ++j)
      for (std::size_t u = 0; u < n; ++u) {
        if (rng.uniform() >= opt.beta) continue;
        const auto v = static_cast<node_t>((u + j) % n);
        if (!has(u, v)) continue;  // already rewired away from u's side
        if (adj[u].size() >= n - 1) continue;  // u is adjacent to every node
        node_t w;
        do w = static_cast<node_t>(rng.bounded64(n));
        while (static_cast<std::size_t>(w) == u || has(u, w));
        erase(u, v);
        erase(static_cast<std::size_t>(v), static_cast<node_t>(u));
        adj[u].push_back(w);
        adj[static_cast<std::size_t>(w)].push_back(static_cast<node_t>(u));
      }
  EdgeList out;
  out.n = opt.n;
  out.directed = false;
  out.reserve(n * k);
  for (std::size_t u = 0; u < n; ++u) {
    std::sort(adj[u].begin(), adj[u].end());
    for (node_t v : adj[u])
      if (static_cast<std::size_t>(v) > u) out.add(static_cast<node_t>(u), v);
  }
  return out;
}

bool is_generator_spec(std::string_view spec) {
  for (std::string_view name : kNames)
    if (spec.size() > name.size() && spec.substr(0, name.size()) == name && spec[name.size()] == ':') return true;
  return false;
}

EdgeList generate(std::string_view spec, std::uint64_t seed, std::vector<std::int32_t>* labels) {
  SPRIG_EXPECTS(is_generator_spec(spec),
                "generator spec '{}': unknown generator (expected rmat:, er:, gnp:, ba:, ws: or sbm:)", spec);
  const std::vector<std::string_view> f = split(spec);
  const std::string_view name = f[0];
  const auto arity = [&](std::size_t lo, std::size_t hi, const char* form) {
    SPRIG_EXPECTS(f.size() - 1 >= lo && f.size() - 1 <= hi, "generator spec '{}': expected {}", spec, form);
  };
  if (labels) labels->clear();
  try {
    if (name == "rmat") {
      arity(1, 2, "rmat:SCALE[:EDGEFACTOR]");
      RmatOptions o;
      const std::int64_t scale = parse_int(spec, f[1], "scale");
      SPRIG_EXPECTS(scale >= 1 && scale <= 30, "generator spec '{}': scale must lie in [1, 30] (got {})", spec, scale);
      o.scale = static_cast<int>(scale);
      if (f.size() > 2) o.edge_factor = parse_int(spec, f[2], "edge factor");
      o.seed = seed;
      return rmat(o);
    }
    if (name == "er") {
      arity(2, 2, "er:N:M");
      return erdos_renyi_gnm({.n = parse_int(spec, f[1], "N"), .m = parse_int(spec, f[2], "M"), .seed = seed});
    }
    if (name == "gnp") {
      arity(2, 2, "gnp:N:P");
      return erdos_renyi_gnp({.n = parse_int(spec, f[1], "N"), .p = parse_double(spec, f[2], "P"), .seed = seed});
    }
    if (name == "ba") {
      arity(2, 2, "ba:N:M");
      return barabasi_albert({.n = parse_int(spec, f[1], "N"), .m = parse_int(spec, f[2], "M"), .seed = seed});
    }
    if (name == "ws") {
      arity(3, 3, "ws:N:K:BETA");
      return watts_strogatz({.n = parse_int(spec, f[1], "N"),
                             .k = parse_int(spec, f[2], "K"),
                             .beta = parse_double(spec, f[3], "BETA"),
                             .seed = seed});
    }
    // sbm
    arity(4, 4, "sbm:BLOCKS:SIZE:PIN:POUT");
    const std::int64_t blocks = parse_int(spec, f[1], "BLOCKS");
    const std::int64_t size = parse_int(spec, f[2], "SIZE");
    const double pin = parse_double(spec, f[3], "PIN"), pout = parse_double(spec, f[4], "POUT");
    SPRIG_EXPECTS(blocks >= 1 && blocks <= 100000, "generator spec '{}': BLOCKS must lie in [1, 100000] (got {})",
                  spec, blocks);
    SbmOptions o;
    o.block_sizes.assign(static_cast<std::size_t>(blocks), size);
    const auto kb = static_cast<std::size_t>(blocks);
    o.probabilities.assign(kb * kb, pout);
    for (std::size_t r = 0; r < kb; ++r) o.probabilities[r * kb + r] = pin;
    o.seed = seed;
    SbmGraph g = stochastic_block_model(o);
    if (labels) *labels = std::move(g.labels);
    return std::move(g.edges);
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    if (what.rfind("generator spec", 0) == 0) throw;
    throw InvalidArgument(fmt::format("generator spec '{}': {}", spec, what));
  }
}

}  // namespace sprig
