// GraphSAGE neighbour sampling (see sampler.hpp).
#include <sprig/gnn/sampler.hpp>

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <utility>

#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/graph/random.hpp>

namespace sprig::gnn {

Block SampledLayer::block() const noexcept {
  Block b;
  b.offsets = offsets;
  b.targets = targets;
  b.weights = weights;
  b.num_dst = num_dst;
  b.num_src = num_src();
  return b;
}

std::vector<Block> SampledBlocks::blocks() const {
  std::vector<Block> out;
  out.reserve(layers.size());
  for (const auto& l : layers) out.push_back(l.block());
  return out;
}

namespace {

// Floyd's selection is O(k²) with a linear membership test; beyond this k a
// partial Fisher–Yates over the d positions (O(d)) is cheaper.
constexpr int kFloydMax = 48;

// The positions (in [0, d), increasing) of the k neighbours drawn for one row.
void choose_positions(Philox& rng, std::int64_t d, int k, std::vector<std::int64_t>& pos) {
  pos.clear();
  if (k < 0 || d <= k) {
    pos.resize(static_cast<std::size_t>(d));
    std::iota(pos.begin(), pos.end(), std::int64_t{0});
    return;
  }
  if (k <= kFloydMax) {
    for (std::int64_t j = d - k; j < d; ++j) {
      const auto t = static_cast<std::int64_t>(rng.bounded64(static_cast<std::uint64_t>(j + 1)));
      pos.push_back(std::find(pos.begin(), pos.end(), t) == pos.end() ? t : j);
    }
  } else {
    std::vector<std::int64_t> idx(static_cast<std::size_t>(d));
    std::iota(idx.begin(), idx.end(), std::int64_t{0});
    for (int i = 0; i < k; ++i) {
      const auto j = i + static_cast<std::int64_t>(rng.bounded64(static_cast<std::uint64_t>(d - i)));
      std::swap(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(j)]);
    }
    pos.assign(idx.begin(), idx.begin() + k);
  }
  std::sort(pos.begin(), pos.end());
}

Philox row_rng(std::uint64_t seed, std::uint64_t step, int layer, node_t v) {
  return Philox(counter_hash(seed, step, static_cast<std::uint64_t>(layer)), static_cast<std::uint64_t>(v));
}

}  // namespace

std::vector<node_t> sample_neighbors(const Graph& g, node_t v, int fanout, std::uint64_t seed, std::uint64_t step,
                                     int layer) {
  SPRIG_EXPECTS(v >= 0 && v < g.num_nodes(), "sample_neighbors: node {} outside [0, {})", v, g.num_nodes());
  SPRIG_EXPECTS(fanout != 0, "sample_neighbors: fanout must be != 0");
  Philox rng = row_rng(seed, step, layer, v);
  std::vector<std::int64_t> pos;
  choose_positions(rng, g.degree(v), fanout, pos);
  const auto nb = g.neighbors(v);
  std::vector<node_t> out;
  out.reserve(pos.size());
  for (auto p : pos) out.push_back(nb[static_cast<std::size_t>(p)]);
  return out;
}

SampledBlocks sample_blocks(const Graph& g, std::span<const node_t> seeds, const SamplerOptions& opt,
                            std::uint64_t step) {
  SPRIG_EXPECTS(!opt.fanouts.empty(), "sample_blocks: fanouts must list one fan-out per layer (got none)");
  for (std::size_t l = 0; l < opt.fanouts.size(); ++l)
    SPRIG_EXPECTS(opt.fanouts[l] != 0, "sample_blocks: fanouts[{}] is 0 (use < 0 for all neighbours)", l);
  SPRIG_EXPECTS(!seeds.empty(), "sample_blocks: no seed nodes");
  const node_t n = g.num_nodes();
  const bool weighted = opt.keep_weights && g.weighted();
  const int num_layers = static_cast<int>(opt.fanouts.size());

  SampledBlocks out;
  out.seeds.assign(seeds.begin(), seeds.end());
  out.layers.resize(static_cast<std::size_t>(num_layers));

  std::vector<node_t> dst(seeds.begin(), seeds.end());
  for (std::size_t i = 0; i < dst.size(); ++i)
    SPRIG_EXPECTS(dst[i] >= 0 && dst[i] < n, "sample_blocks: seed {} (position {}) outside [0, {})", dst[i], i, n);

  for (int layer = num_layers - 1; layer >= 0; --layer) {
    const int k = opt.fanouts[static_cast<std::size_t>(layer)];
    SampledLayer& L = out.layers[static_cast<std::size_t>(layer)];
    const auto nd = static_cast<std::size_t>(dst.size());
    L.num_dst = static_cast<node_t>(nd);

    // Row sizes are known without drawing; the draws fill fixed slots.
    std::vector<edge_t> count(nd);
    for (std::size_t i = 0; i < nd; ++i) {
      const edge_t d = g.degree(dst[i]);
      count[i] = (k < 0 || d <= k) ? d : static_cast<edge_t>(k);
    }
    exclusive_scan(count, L.offsets);
    std::vector<node_t> global(static_cast<std::size_t>(L.offsets[nd]));
    if (weighted) L.weights.resize(global.size());
    parallel_chunks(nd, 64, [&](std::size_t, std::size_t b, std::size_t e) {
      std::vector<std::int64_t> pos;
      for (std::size_t i = b; i < e; ++i) {
        const node_t v = dst[i];
        Philox rng = row_rng(opt.seed, step, layer, v);
        choose_positions(rng, g.degree(v), k, pos);
        const auto nb = g.neighbors(v);
        const auto w = g.weights(v);
        auto at = static_cast<std::size_t>(L.offsets[i]);
        for (auto p : pos) {
          global[at] = nb[static_cast<std::size_t>(p)];
          if (weighted) L.weights[at] = w[static_cast<std::size_t>(p)];
          ++at;
        }
      }
    });

    // Local ids: destinations first, then new sources by first appearance.
    std::unordered_map<node_t, node_t> local;
    local.reserve(nd + global.size());
    L.src_nodes = dst;
    for (std::size_t i = 0; i < nd; ++i) {
      const bool fresh = local.emplace(dst[i], static_cast<node_t>(i)).second;
      SPRIG_EXPECTS(fresh || layer != num_layers - 1, "sample_blocks: seed {} is repeated (position {})", dst[i], i);
    }
    L.targets.resize(global.size());
    for (std::size_t a = 0; a < global.size(); ++a) {
      auto [it, fresh] = local.emplace(global[a], static_cast<node_t>(L.src_nodes.size()));
      if (fresh) L.src_nodes.push_back(global[a]);
      L.targets[a] = it->second;
    }
    // Rows sorted by local id (Block's contract), weights moved along.
    parallel_chunks(nd, 256, [&](std::size_t, std::size_t b, std::size_t e) {
      std::vector<std::pair<node_t, float>> tmp;
      for (std::size_t i = b; i < e; ++i) {
        const auto lo = static_cast<std::size_t>(L.offsets[i]), hi = static_cast<std::size_t>(L.offsets[i + 1]);
        if (!weighted) {
          std::sort(L.targets.begin() + static_cast<std::ptrdiff_t>(lo), L.targets.begin() + static_cast<std::ptrdiff_t>(hi));
          continue;
        }
        tmp.clear();
        for (std::size_t a = lo; a < hi; ++a) tmp.emplace_back(L.targets[a], L.weights[a]);
        std::sort(tmp.begin(), tmp.end());
        for (std::size_t a = lo; a < hi; ++a) std::tie(L.targets[a], L.weights[a]) = tmp[a - lo];
      }
    });
    dst = L.src_nodes;
  }
  return out;
}

std::vector<node_t> shuffled_nodes(std::span<const node_t> nodes, std::uint64_t seed, std::uint64_t epoch) {
  // A key of its own, so the order is unrelated to the neighbour draws.
  const std::uint64_t shuffle_key = counter_hash(seed, 0x5b0ffe1eULL);
  std::vector<std::pair<std::uint64_t, node_t>> key(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    key[i] = {counter_hash(shuffle_key, epoch, static_cast<std::uint64_t>(nodes[i])), nodes[i]};
  std::sort(key.begin(), key.end());
  std::vector<node_t> out(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) out[i] = key[i].second;
  return out;
}

}  // namespace sprig::gnn
