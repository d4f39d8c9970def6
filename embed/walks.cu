// Random walks on the device (see walks_cuda.hpp). Each thread runs
// walk_one() of embed/walk_step.hpp — the very code the CPU path runs — with
// DevPhilox (cuRAND's Philox4x32-10) in place of sprig::Philox; the host can
// run the same instantiation (random_walks_device_code_on_host), so CI, which
// has no GPU, checks the device draws against the CPU path.
#include <sprig/embed/walks_cuda.hpp>

#include <algorithm>
#include <vector>

#include <sprig/embed/walk_step.hpp>
#include <sprig/graph/device_csr.hpp>
#include <sprig/graph/device_random.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/parallel.hpp>

namespace sprig::detail {
namespace {

__global__ void walk_kernel(WalkArrays P, std::int64_t first, std::int64_t count, node_t* out) {
  const std::int64_t k = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (k < count) walk_one<DevPhilox>(P, first + k, out + k * P.len);
}

Walks empty_walks(const WalkOptions& opt, std::int64_t begin, std::int64_t end) {
  Walks out;
  out.first = begin;
  out.count = end - begin;
  out.length = opt.length;
  out.nodes.resize(static_cast<std::size_t>(out.count * out.length));
  return out;
}

}  // namespace

Walks random_walks_device_code_on_host(const Graph& g, const WalkOptions& opt, std::int64_t begin, std::int64_t end) {
  Walks out = empty_walks(opt, begin, end);
  if (out.count == 0) return out;
  WalkTables tab;
  const WalkArrays P = make_walk_arrays(g, opt, tab);
  parallel_for<std::int64_t>(
      0, out.count, [&](std::int64_t k) { walk_one<DevPhilox>(P, begin + k, out.nodes.data() + k * out.length); }, 512);
  return out;
}

Walks random_walks_cuda(const Graph& g, const WalkOptions& opt, std::int64_t begin, std::int64_t end) {
  require_cuda_device("random_walks");
  Walks out = empty_walks(opt, begin, end);
  report(opt.progress, "walks", 0, static_cast<std::uint64_t>(out.count));
  if (out.count == 0) return out;
  WalkTables tab;
  WalkArrays P = make_walk_arrays(g, opt, tab);
  // Weights are read on the device only by node2vec's return-arc weight.
  const DeviceCsr dg(g, P.weighted && P.second_order);
  const CsrView view = dg.view();
  P.off = view.off;
  P.tgt = view.tgt;
  P.w = view.w;
  const DeviceBuffer<float> d_total = to_device<float>(tab.total, "walk totals");
  const DeviceBuffer<float> d_cum = to_device<float>(tab.cum, "walk prefix sums");
  const DeviceBuffer<float> d_prob = to_device<float>(tab.prob, "walk alias probabilities");
  const DeviceBuffer<std::int32_t> d_alias = to_device<std::int32_t>(tab.alias, "walk alias targets");
  P.total = d_total.data();
  P.cum = d_cum.data();
  P.prob = d_prob.data();
  P.alias = d_alias.data();

  // Batches of walks whose rows take at most a quarter of free memory (≤ 1 GiB).
  const std::size_t row_bytes = static_cast<std::size_t>(opt.length) * sizeof(node_t);
  const std::size_t budget = std::min<std::size_t>(device_free_bytes() / 4, std::size_t{1} << 30);
  const std::int64_t batch = std::max<std::int64_t>(1, static_cast<std::int64_t>(budget / row_bytes));
  const std::int64_t per = std::min(batch, out.count);
  DeviceBuffer<node_t> rows(static_cast<std::size_t>(per * opt.length), "walk rows");
  for (std::int64_t b0 = 0; b0 < out.count; b0 += per) {
    const std::int64_t cnt = std::min(per, out.count - b0);
    walk_kernel<<<static_cast<unsigned>((cnt + 255) / 256), 256>>>(P, begin + b0, cnt, rows.data());
    SPRIG_CUDA_CHECK_KERNEL("walk_kernel");
    SPRIG_CUDA_CHECK(cudaDeviceSynchronize());
    rows.download(out.nodes.data() + b0 * opt.length, static_cast<std::size_t>(cnt * opt.length));
    report(opt.progress, "walks", static_cast<std::uint64_t>(b0 + cnt), static_cast<std::uint64_t>(out.count));
  }
  return out;
}

}  // namespace sprig::detail
