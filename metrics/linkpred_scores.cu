// Neighbourhood link scores on the device (see linkpred_scores_cuda.hpp).
// pair_stats() runs the CPU path's intersection (metrics/linkpred_pair.hpp),
// __host__ __device__ so the host can run it too (link_scores_device_code_on_host).
#include <sprig/metrics/linkpred_scores_cuda.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include <sprig/graph/device_csr.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>
#include <sprig/metrics/linkpred_pair.hpp>

namespace sprig::detail {
namespace {

struct PairOut {
  double cn, aa, ra;
  int is_edge;  // (u, v) is an arc (for exclude_target_edge)
};

// CN and the AA / RA sums of one pair, in increasing common-neighbour order, by
// the CPU path's intersection (metrics/linkpred_pair.hpp).
__host__ __device__ PairOut pair_stats(const CsrView& g, const double* inv_log_deg, const double* inv_deg, node_t u,
                                       node_t v, bool aara) {
  PairOut r{0, 0, 0, 0};
  const node_t* a = g.tgt + g.off[u];
  const node_t* b = g.tgt + g.off[v];
  const auto na = static_cast<std::size_t>(g.off[u + 1] - g.off[u]);
  const auto nb = static_cast<std::size_t>(g.off[v + 1] - g.off[v]);
  {
    const std::size_t k = sorted_lower_index(a, 0, na, v);
    r.is_edge = k < na && a[k] == v;
  }
  std::size_t count = 0;
  double aa = 0, ra = 0;
  intersect_sorted(a, na, b, nb, [&](std::size_t i, std::size_t) {
    ++count;
    if (aara) {
      const node_t x = a[i];
      aa += inv_log_deg[x];
      ra += inv_deg[x];
    }
  });
  r.cn = static_cast<double>(count);
  r.aa = aa;
  r.ra = ra;
  return r;
}

__global__ void pair_kernel(CsrView g, const double* inv_log_deg, const double* inv_deg, const NodePair* pairs,
                            std::int64_t count, bool aara, PairOut* out) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i < count) out[i] = pair_stats(g, inv_log_deg, inv_deg, pairs[i].u, pairs[i].v, aara);
}

bool has_cuda_path(LinkScore s) {
  switch (s) {
    case LinkScore::common_neighbors:
    case LinkScore::jaccard:
    case LinkScore::sorensen:
    case LinkScore::salton:
    case LinkScore::hub_promoted:
    case LinkScore::hub_depressed:
    case LinkScore::leicht_holme_newman:
    case LinkScore::preferential_attachment:
    case LinkScore::adamic_adar:
    case LinkScore::resource_allocation: return true;
    default: return false;
  }
}

// The CPU path's formulas (metrics/linkpred_pair.hpp), on the host.
double final_value(LinkScore s, const PairOut& st, double ku, double kv) {
  PairSums sums;
  sums.cn = st.cn;
  sums.aa = st.aa;
  sums.ra = st.ra;
  return neighborhood_formula(s, sums, ku, kv);
}

struct Prepared {
  bool aara = false;
  std::vector<double> inv_log_deg, inv_deg;
};

Prepared prepare(const Graph& g, std::span<const LinkScore> scores) {
  Prepared p;
  for (LinkScore s : scores) {
    if (!has_cuda_path(s))
      throw InvalidArgument(fmt::format("link_scores: score '{}' has no CUDA path (device = cuda supports cn, "
                                        "jaccard, sorensen, salton, hpi, hdi, lhn, pa, aa, ra)",
                                        link_score_name(s)));
    p.aara = p.aara || s == LinkScore::adamic_adar || s == LinkScore::resource_allocation;
  }
  if (p.aara) {
    const auto n = static_cast<std::size_t>(g.num_nodes());
    p.inv_log_deg.resize(n);
    p.inv_deg.resize(n);
    parallel_for<std::size_t>(0, n, [&](std::size_t x) {  // the CPU path's make_tables
      const auto k = static_cast<double>(g.degree(static_cast<node_t>(x)));
      p.inv_log_deg[x] = k > 1 ? 1.0 / std::log(k) : 0.0;
      p.inv_deg[x] = k > 0 ? 1.0 / k : 0.0;
    });
  }
  return p;
}

void finish(const Graph& g, std::span<const NodePair> pairs, std::span<const LinkScore> scores,
            const LinkScoreOptions& opt, const std::vector<PairOut>& st, std::size_t b0,
            std::vector<std::vector<double>>& out) {
  parallel_for<std::size_t>(0, st.size(), [&](std::size_t k) {
    const std::size_t i = b0 + k;
    const auto [u, v] = pairs[i];
    const double drop = opt.exclude_target_edge && st[k].is_edge ? 1.0 : 0.0;
    const double ku = static_cast<double>(g.degree(u)) - drop;
    const double kv = static_cast<double>(g.degree(v)) - drop;
    for (std::size_t j = 0; j < scores.size(); ++j) out[j][i] = final_value(scores[j], st[k], ku, kv);
  });
}

constexpr std::size_t kBatch = std::size_t{1} << 24;

}  // namespace

std::vector<std::vector<double>> link_scores_device_code_on_host(const Graph& g, std::span<const NodePair> pairs,
                                                                 std::span<const LinkScore> scores,
                                                                 const LinkScoreOptions& opt) {
  const Prepared p = prepare(g, scores);
  std::vector<std::vector<double>> out(scores.size(), std::vector<double>(pairs.size(), 0.0));
  const CsrView view = host_view(g);
  std::vector<PairOut> st(pairs.size());
  parallel_for<std::size_t>(0, pairs.size(), [&](std::size_t i) {
    st[i] = pair_stats(view, p.inv_log_deg.data(), p.inv_deg.data(), pairs[i].u, pairs[i].v, p.aara);
  });
  finish(g, pairs, scores, opt, st, 0, out);
  return out;
}

std::vector<std::vector<double>> link_scores_cuda(const Graph& g, std::span<const NodePair> pairs,
                                                  std::span<const LinkScore> scores, const LinkScoreOptions& opt) {
  const Prepared p = prepare(g, scores);
  require_cuda_device("link_scores");
  const std::size_t np = pairs.size();
  std::vector<std::vector<double>> out(scores.size(), std::vector<double>(np, 0.0));
  if (np == 0) return out;
  const DeviceCsr dg(g, false);
  const DeviceBuffer<double> d_ilog = to_device<double>(p.inv_log_deg, "inverse log degrees");
  const DeviceBuffer<double> d_ideg = to_device<double>(p.inv_deg, "inverse degrees");
  const std::size_t per = std::min(np, kBatch);
  DeviceBuffer<NodePair> d_pairs(per, "pairs");
  DeviceBuffer<PairOut> d_out(per, "pair statistics");
  std::vector<PairOut> st;
  for (std::size_t b0 = 0; b0 < np; b0 += per) {
    const std::size_t cnt = std::min(per, np - b0);
    d_pairs.upload(pairs.data() + b0, cnt);
    pair_kernel<<<static_cast<unsigned>((cnt + 255) / 256), 256>>>(dg.view(), d_ilog.data(), d_ideg.data(),
                                                                    d_pairs.data(), static_cast<std::int64_t>(cnt),
                                                                    p.aara, d_out.data());
    SPRIG_CUDA_CHECK_KERNEL("pair_kernel");
    SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
    st.resize(cnt);
    d_out.download(st.data(), cnt);
    finish(g, pairs, scores, opt, st, b0, out);
    report(opt.progress, "score", b0 + cnt, np);
  }
  return out;
}

}  // namespace sprig::detail
