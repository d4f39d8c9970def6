// build_csr: count degrees, scan, scatter with per-node atomic cursors, sort
// each row by (target, weight bits), then drop self-loops / merge duplicates
// in place and compact only if something was removed.
#include <sprig/graph/build.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <limits>
#include <span>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig {
namespace {

constexpr std::size_t kEdgeGrain = 1 << 16;
constexpr std::size_t kRowGrain = 2048;
constexpr std::size_t kSerialEdges = 1 << 20;  // below this, count and scatter on one thread

std::uint64_t pack(node_t t, float w) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(t)) << 32) | std::bit_cast<std::uint32_t>(w);
}

// Sorts one row by (target, weight bits); rows are usually short, so a small
// thread-local buffer serves the weighted case.
void sort_row(node_t* t, float* w, std::size_t len, std::vector<std::uint64_t>& buf) {
  if (len < 2) return;
  if (!w) {
    std::sort(t, t + len);
    return;
  }
  buf.resize(len);
  for (std::size_t i = 0; i < len; ++i) buf[i] = pack(t[i], w[i]);
  std::sort(buf.begin(), buf.end());
  for (std::size_t i = 0; i < len; ++i) {
    t[i] = static_cast<node_t>(buf[i] >> 32);
    w[i] = std::bit_cast<float>(static_cast<std::uint32_t>(buf[i]));
  }
}

// Compacts one sorted row in place; returns the new length.
std::size_t clean_row(node_t u, node_t* t, float* w, std::size_t len, const BuildOptions& opt) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < len; ++i) {
    if (opt.self_loops == SelfLoops::drop && t[i] == u) continue;
    if (out > 0 && t[out - 1] == t[i] && opt.duplicates != Duplicates::keep) {
      if (w) {
        switch (opt.duplicates) {
          case Duplicates::sum: w[out - 1] += w[i]; break;
          case Duplicates::max: w[out - 1] = std::max(w[out - 1], w[i]); break;
          case Duplicates::min:
          case Duplicates::drop: w[out - 1] = std::min(w[out - 1], w[i]); break;
          case Duplicates::keep: break;
        }
      }
      continue;
    }
    t[out] = t[i];
    if (w) w[out] = w[i];
    ++out;
  }
  return out;
}

// The core: arcs come from (src[i], dst[i]) and, when `mirror`, also from
// (dst[i], src[i]) for i with src[i] != dst[i] — so an undirected graph is built
// without materialising the doubled arc list.
Graph build_core(node_t n, std::span<const node_t> src, std::span<const node_t> dst, std::span<const float> weights,
                 bool mirror, bool directed, const BuildOptions& opt, BuildStats* stats) {
  SPRIG_EXPECTS(src.size() == dst.size(), "build: {} sources but {} targets", src.size(), dst.size());
  const bool weighted = opt.keep_weights && !weights.empty();
  const std::size_t m = src.size();
  const auto un = static_cast<std::size_t>(n);

  report(opt.progress, "count degrees", 0, 4);
  std::vector<edge_t> cursor(un, 0);
  // Small inputs, or a single thread, take the plain (non-atomic) loops: a
  // locked increment costs several times a plain one and there is nothing to
  // share. The result is the same either way: rows are sorted afterwards.
  const bool serial = m < kSerialEdges || current_threads() == 1;
  const auto bump = [&](node_t v) {
    return serial ? cursor[v]++ : std::atomic_ref<edge_t>(cursor[v]).fetch_add(1, std::memory_order_relaxed);
  };
  const auto over_edges = [&](auto&& body) {
    if (serial)
      body(std::size_t{0}, m);
    else
      parallel_chunks(m, kEdgeGrain, [&](std::size_t, std::size_t b, std::size_t e) { body(b, e); });
  };
  over_edges([&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      bump(src[i]);
      if (mirror && src[i] != dst[i]) bump(dst[i]);
    }
  });
  UninitVector<edge_t> offsets;
  exclusive_scan(cursor, offsets);
  std::copy(offsets.begin(), offsets.end() - 1, cursor.begin());
  const auto arcs = static_cast<std::size_t>(offsets[un]);

  report(opt.progress, "scatter", 1, 4);
  UninitVector<node_t> targets(arcs);  // every slot is written by the scatter below
  UninitVector<float> w(weighted ? arcs : 0);
  over_edges([&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      edge_t pos = bump(src[i]);
      targets[pos] = dst[i];
      if (weighted) w[pos] = weights[i];
      if (mirror && src[i] != dst[i]) {
        pos = bump(dst[i]);
        targets[pos] = src[i];
        if (weighted) w[pos] = weights[i];
      }
    }
  });

  report(opt.progress, "sort rows", 2, 4);
  const bool clean = opt.self_loops == SelfLoops::drop || opt.duplicates != Duplicates::keep;
  // cursor[u] becomes the cleaned length of row u.
  parallel_chunks(un, kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
    std::vector<std::uint64_t> buf;
    for (std::size_t u = b; u < e; ++u) {
      const edge_t off = offsets[u];
      const auto len = static_cast<std::size_t>(offsets[u + 1] - off);
      float* wp = weighted ? w.data() + off : nullptr;
      sort_row(targets.data() + off, wp, len, buf);
      cursor[u] = clean ? static_cast<edge_t>(clean_row(static_cast<node_t>(u), targets.data() + off, wp, len, opt))
                        : static_cast<edge_t>(len);
    }
  });

  report(opt.progress, "compact", 3, 4);
  const edge_t kept = parallel_sum<edge_t>(un, [&](std::size_t u) { return cursor[u]; });
  if (stats) {
    stats->input_edges = static_cast<std::int64_t>(m);
    stats->self_loops_removed =
        opt.self_loops == SelfLoops::drop
            ? parallel_sum<edge_t>(m, [&](std::size_t i) { return edge_t{src[i] == dst[i]}; })
            : 0;
  }
  if (kept != static_cast<edge_t>(arcs)) {
    UninitVector<edge_t> new_offsets;
    exclusive_scan(cursor, new_offsets);
    UninitVector<node_t> new_targets(static_cast<std::size_t>(kept));
    UninitVector<float> new_w(weighted ? static_cast<std::size_t>(kept) : 0);
    parallel_chunks(un, kRowGrain, [&](std::size_t, std::size_t b, std::size_t e) {
      for (std::size_t u = b; u < e; ++u) {
        const auto len = static_cast<std::size_t>(cursor[u]);
        if (len == 0) continue;  // memcpy with a null pointer (an empty result) is UB even for 0 bytes
        std::memcpy(new_targets.data() + new_offsets[u], targets.data() + offsets[u], len * sizeof(node_t));
        if (weighted) std::memcpy(new_w.data() + new_offsets[u], w.data() + offsets[u], len * sizeof(float));
      }
    });
    targets = std::move(new_targets);
    w = std::move(new_w);
    offsets = std::move(new_offsets);
  }
  report(opt.progress, "compact", 4, 4);
  // Dropped self-loops leave none to count.
  const auto loops = opt.self_loops == SelfLoops::drop ? std::optional<edge_t>(0) : std::nullopt;
  Graph g = Graph::adopt(std::move(offsets), std::move(targets), std::move(w), directed, loops);
  // Edges the input had, less the self-loops dropped, less what survives: merged duplicates.
  if (stats) stats->duplicates_merged = static_cast<std::int64_t>(m) - stats->self_loops_removed - g.num_edges();
  return g;
}

}  // namespace

Graph build_csr_from_arcs(node_t n, const std::vector<node_t>& src, const std::vector<node_t>& dst,
                          const std::vector<float>& weights, bool directed, const BuildOptions& opt,
                          BuildStats* stats) {
  return build_core(n, src, dst, weights, false, directed, opt, stats);
}

Graph build_csr(const EdgeList& edges, const BuildOptions& opt, BuildStats* stats) {
  if (opt.validate) edges.validate();
  SPRIG_EXPECTS(edges.n <= std::numeric_limits<node_t>::max(), "build: n = {} exceeds the 32-bit node id range",
                edges.n);
  const bool directed = edges.directed && !opt.symmetrize;
  return build_core(static_cast<node_t>(edges.n), edges.src, edges.dst, edges.weight, !directed, directed, opt, stats);
}

}  // namespace sprig
