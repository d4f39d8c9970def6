#include <sprig/metrics/wl.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

#include <blake2.h>

namespace sprig {

// ---------------------------------------------------------------- BLAKE2b (libb2)

std::string blake2b_hex(std::string_view data, int digest_size) {
  SPRIG_EXPECTS(digest_size >= 1 && digest_size <= 64, "blake2b: digest_size must be in [1, 64] (got {})", digest_size);
  std::uint8_t digest[64];
  // unkeyed BLAKE2b with the requested output length: hashlib.blake2b(data, digest_size=k)
  const int rc = ::blake2b(digest, data.data(), nullptr, static_cast<std::size_t>(digest_size), data.size(), 0);
  SPRIG_EXPECTS(rc == 0, "blake2b: libb2 failed ({})", rc);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * static_cast<std::size_t>(digest_size), '0');
  for (int i = 0; i < digest_size; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
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
