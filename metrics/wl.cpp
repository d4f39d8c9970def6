#include <sprig/metrics/wl.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig {

// ---------------------------------------------------------------- BLAKE2b (RFC 7693)

namespace {

constexpr std::uint64_t kIv[8] = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
                                  0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
                                  0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};
constexpr std::uint8_t kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

inline std::uint64_t rotr(std::uint64_t x, int k) { return (x >> k) | (x << (64 - k)); }

void compress(std::uint64_t h[8], const std::uint8_t block[128], std::uint64_t t, bool last) {
  std::uint64_t m[16], v[16];
  for (int i = 0; i < 16; ++i) {
    std::uint64_t w = 0;
    for (int b = 7; b >= 0; --b) w = (w << 8) | block[8 * i + b];  // little endian
    m[i] = w;
  }
  for (int i = 0; i < 8; ++i) {
    v[i] = h[i];
    v[i + 8] = kIv[i];
  }
  v[12] ^= t;  // the high word of the 128-bit counter stays 0 below 2^64 bytes
  if (last) v[14] = ~v[14];
  auto G = [&](int a, int b, int c, int d, std::uint64_t x, std::uint64_t y) {
    v[a] = v[a] + v[b] + x;
    v[d] = rotr(v[d] ^ v[a], 32);
    v[c] = v[c] + v[d];
    v[b] = rotr(v[b] ^ v[c], 24);
    v[a] = v[a] + v[b] + y;
    v[d] = rotr(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = rotr(v[b] ^ v[c], 63);
  };
  for (int r = 0; r < 12; ++r) {
    const std::uint8_t* s = kSigma[r];
    G(0, 4, 8, 12, m[s[0]], m[s[1]]);
    G(1, 5, 9, 13, m[s[2]], m[s[3]]);
    G(2, 6, 10, 14, m[s[4]], m[s[5]]);
    G(3, 7, 11, 15, m[s[6]], m[s[7]]);
    G(0, 5, 10, 15, m[s[8]], m[s[9]]);
    G(1, 6, 11, 12, m[s[10]], m[s[11]]);
    G(2, 7, 8, 13, m[s[12]], m[s[13]]);
    G(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; ++i) h[i] ^= v[i] ^ v[i + 8];
}

}  // namespace

std::string blake2b_hex(std::string_view data, int digest_size) {
  SPRIG_EXPECTS(digest_size >= 1 && digest_size <= 64, "blake2b: digest_size must be in [1, 64] (got {})", digest_size);
  std::uint64_t h[8];
  std::memcpy(h, kIv, sizeof h);
  h[0] ^= 0x01010000ULL ^ static_cast<std::uint64_t>(digest_size);
  const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t left = data.size();
  std::uint64_t t = 0;
  while (left > 128) {
    t += 128;
    compress(h, p, t, false);
    p += 128;
    left -= 128;
  }
  std::uint8_t last[128] = {};
  if (left) std::memcpy(last, p, left);
  t += left;
  compress(h, last, t, true);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * static_cast<std::size_t>(digest_size), '0');
  for (int i = 0; i < digest_size; ++i) {
    const auto byte = static_cast<std::uint8_t>(h[i / 8] >> (8 * (i % 8)));
    out[2 * i] = kHex[byte >> 4];
    out[2 * i + 1] = kHex[byte & 15];
  }
  return out;
}

// ---------------------------------------------------------------- colour refinement

namespace {
inline std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::int64_t count_distinct(std::vector<std::uint64_t> c) {
  std::sort(c.begin(), c.end());
  return static_cast<std::int64_t>(std::unique(c.begin(), c.end()) - c.begin());
}
}  // namespace

WlColors wl_colors(const Graph& g, const WlOptions& opt) {
  SPRIG_EXPECTS(opt.iterations >= 0, "wl_colors: iterations must be >= 0 (got {})", opt.iterations);
  const node_t n = g.num_nodes();
  SPRIG_EXPECTS(opt.labels.empty() || opt.labels.size() == static_cast<std::size_t>(n),
                "wl_colors: {} labels for {} nodes", opt.labels.size(), n);
  WlColors out;
  std::vector<std::uint64_t> c(static_cast<std::size_t>(n));
  for (node_t v = 0; v < n; ++v)
    c[v] = mix(opt.labels.empty() ? static_cast<std::uint64_t>(g.degree(v)) : static_cast<std::uint64_t>(opt.labels[v]) ^ 0x5bd1e995ULL);
  out.rounds.push_back(c);
  out.distinct.push_back(count_distinct(c));
  for (int r = 1; r <= opt.iterations; ++r) {
    const auto& prev = out.rounds.back();
    std::vector<std::uint64_t> next(static_cast<std::size_t>(n));
    parallel_for(
        node_t{0}, n,
        [&](node_t v) {
          std::vector<std::uint64_t> nb;
          nb.reserve(static_cast<std::size_t>(g.degree(v)));
          for (node_t u : g.neighbors(v)) nb.push_back(prev[u]);
          std::sort(nb.begin(), nb.end());
          std::uint64_t h = mix(prev[v] ^ (0xa0761d6478bd642fULL * static_cast<std::uint64_t>(r)));
          for (std::uint64_t x : nb) h = mix(h ^ x) + 0xe7037ed1a0b428dbULL;
          next[v] = mix(h ^ static_cast<std::uint64_t>(nb.size()));
        },
        256);
    out.distinct.push_back(count_distinct(next));
    out.rounds.push_back(std::move(next));
    report(opt.progress, "wl", static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(opt.iterations));
  }
  return out;
}

std::vector<std::pair<std::uint64_t, std::int64_t>> wl_features(const WlColors& c) {
  std::vector<std::uint64_t> all;
  for (const auto& r : c.rounds) all.insert(all.end(), r.begin(), r.end());
  std::sort(all.begin(), all.end());
  std::vector<std::pair<std::uint64_t, std::int64_t>> f;
  for (std::uint64_t x : all) {
    if (f.empty() || f.back().first != x) f.emplace_back(x, 0);
    ++f.back().second;
  }
  return f;
}

double wl_kernel(std::span<const std::pair<std::uint64_t, std::int64_t>> a,
                 std::span<const std::pair<std::uint64_t, std::int64_t>> b) {
  double k = 0;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].first < b[j].first) ++i;
    else if (b[j].first < a[i].first) ++j;
    else k += static_cast<double>(a[i++].second) * static_cast<double>(b[j++].second);
  }
  return k;
}

// ---------------------------------------------------------------- networkx mode

namespace {
std::vector<std::vector<std::string>> nx_rounds(const Graph& g, int iterations, int digest_size) {
  SPRIG_EXPECTS(iterations >= 0, "wl (networkx): iterations must be >= 0 (got {})", iterations);
  SPRIG_EXPECTS(digest_size >= 1 && digest_size <= 64, "wl (networkx): digest_size must be in [1, 64] (got {})", digest_size);
  const node_t n = g.num_nodes();
  std::vector<std::int64_t> deg(static_cast<std::size_t>(n), 0);
  for (node_t v = 0; v < n; ++v)
    for (node_t u : g.neighbors(v)) {
      deg[v] += 1;
      if (g.directed()) deg[u] += 1;
      else if (u == v) deg[v] += 1;  // networkx counts a self-loop twice
    }
  std::vector<std::vector<std::string>> rounds;
  std::vector<std::string> labels(static_cast<std::size_t>(n));
  for (node_t v = 0; v < n; ++v) labels[v] = std::to_string(deg[v]);
  rounds.push_back(labels);
  for (int r = 0; r < iterations; ++r) {
    const auto& prev = rounds.back();
    std::vector<std::string> next(static_cast<std::size_t>(n));
    parallel_for(
        node_t{0}, n,
        [&](node_t v) {
          std::vector<const std::string*> nb;
          for (node_t u : g.neighbors(v)) nb.push_back(&prev[u]);
          std::sort(nb.begin(), nb.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
          std::string s = prev[v];
          for (const auto* x : nb) s += *x;
          next[v] = blake2b_hex(s, digest_size);
        },
        64);
    rounds.push_back(std::move(next));
  }
  return rounds;
}
}  // namespace

std::vector<std::vector<std::string>> wl_subgraph_hashes_networkx(const Graph& g, int iterations, int digest_size) {
  const auto rounds = nx_rounds(g, iterations, digest_size);
  const node_t n = g.num_nodes();
  std::vector<std::vector<std::string>> out(static_cast<std::size_t>(n));
  for (node_t v = 0; v < n; ++v)
    for (int r = 1; r <= iterations; ++r) out[v].push_back(rounds[r][v]);
  return out;
}

std::string wl_graph_hash_networkx(const Graph& g, int iterations, int digest_size) {
  const auto rounds = nx_rounds(g, iterations, digest_size);
  // str(tuple(list of (label, count))) exactly as Python prints it.
  std::vector<std::string> items;
  for (int r = 1; r <= iterations; ++r) {
    std::map<std::string, std::int64_t> counts;
    for (const auto& s : rounds[r]) ++counts[s];
    for (const auto& [s, c] : counts) items.push_back("('" + s + "', " + std::to_string(c) + ")");
  }
  std::string repr = "(";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) repr += ", ";
    repr += items[i];
  }
  if (items.size() == 1) repr += ",";
  repr += ")";
  return blake2b_hex(repr, digest_size);
}

}  // namespace sprig
