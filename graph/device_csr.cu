// Device buffers, error checks and the row-block cuSPARSE product (see device_csr.hpp).
#include <sprig/graph/device_csr.hpp>

#include <algorithm>
#include <limits>

#include <sprig/graph/cuda.hpp>

namespace sprig::detail {

void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  (void)cudaGetLastError();  // clear a non-sticky error so later calls report their own
  throw Error(fmt::format("CUDA call failed: {} ({}:{}): {}: {}", call, file, line, cudaGetErrorName(err),
                          cudaGetErrorString(err)));
}

void throw_cusparse_error(cusparseStatus_t st, const char* call, const char* file, int line) {
  throw Error(fmt::format("cuSPARSE call failed: {} ({}:{}): {}: {}", call, file, line, cusparseGetErrorName(st),
                          cusparseGetErrorString(st)));
}

void check_kernel(const char* name, const char* file, int line) {
  const cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess)
    throw Error(fmt::format("CUDA kernel launch failed: {} ({}:{}): {}: {}", name, file, line, cudaGetErrorName(err),
                            cudaGetErrorString(err)));
}

CsrView host_view(const Graph& g) {
  CsrView v;
  v.off = g.offsets().data();
  v.tgt = g.targets().data();
  v.w = g.weighted() ? g.weights().data() : nullptr;
  v.n = g.num_nodes();
  v.directed = g.directed();
  return v;
}

DeviceCsr::DeviceCsr(const Graph& g, bool with_weights)
    : offsets_(to_device(g.offsets(), "CSR offsets")),
      targets_(to_device(g.targets(), "CSR targets")),
      n_(g.num_nodes()),
      directed_(g.directed()) {
  if (with_weights && g.weighted()) weights_ = to_device(g.weights(), "CSR weights");
}

CsrView DeviceCsr::view() const noexcept {
  CsrView v;
  v.off = offsets_.data();
  v.tgt = targets_.data();
  v.w = weights_.empty() ? nullptr : weights_.data();
  v.n = n_;
  v.directed = directed_;
  return v;
}

CusparseHandle::CusparseHandle() { SPRIG_CUSPARSE_CHECK(cusparseCreate(&h_)); }
CusparseHandle::~CusparseHandle() {
  if (h_ != nullptr) (void)cusparseDestroy(h_);
}
Stream::Stream() { SPRIG_CUDA_CHECK(cudaStreamCreate(&s_)); }
Stream::~Stream() {
  if (s_ != nullptr) (void)cudaStreamDestroy(s_);
}
Event::Event() { SPRIG_CUDA_CHECK(cudaEventCreateWithFlags(&e_, cudaEventDisableTiming)); }
Event::~Event() {
  if (e_ != nullptr) (void)cudaEventDestroy(e_);
}

std::size_t device_free_bytes() {
  std::size_t free_b = 0, total_b = 0;
  SPRIG_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
  return free_b;
}

namespace {

constexpr int kWarp = 32;
constexpr std::size_t kMargin = std::size_t{256} << 20;  // for cuSPARSE workspaces and the runtime

// off32[i] = off64[i] − base for the rows + 1 offsets of one block.
__global__ void rebase_offsets(const edge_t* off64, std::int64_t count, edge_t base, std::int32_t* off32) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i < count) off32[i] = static_cast<std::int32_t>(off64[i] - base);
}

// One warp per row of the block: val[e] for the row's arcs.
__global__ void make_values(const std::int32_t* off32, const node_t* tgt, const float* w, std::int64_t r0,
                            std::int64_t rows, ArcValues kind, const float* row_scale, const float* col_scale,
                            float* val) {
  const std::int64_t warp = (blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x) / kWarp;
  const int lane = static_cast<int>(threadIdx.x % kWarp);
  if (warp >= rows) return;
  const float rs = (kind == ArcValues::sym_norm || kind == ArcValues::row_norm) ? row_scale[r0 + warp] : 1.f;
  for (std::int32_t e = off32[warp] + lane; e < off32[warp + 1]; e += kWarp) {
    float v = w != nullptr ? w[e] : 1.f;
    if (kind == ArcValues::sym_norm)
      v = rs * col_scale[tgt[e]] * v;
    else if (kind == ArcValues::row_norm)
      v = rs * v;
    val[e] = v;
  }
}

unsigned grid_for(std::int64_t threads, unsigned block = 256) {
  return static_cast<unsigned>((threads + block - 1) / block);
}

bool try_register(const void* p, std::size_t bytes) {
  if (p == nullptr || bytes == 0) return false;
  if (cudaHostRegister(const_cast<void*>(p), bytes, cudaHostRegisterDefault) != cudaSuccess) {
    (void)cudaGetLastError();  // e.g. already registered or memlock limit: copies stay pageable
    return false;
  }
  return true;
}

}  // namespace

DeviceSpmm::DeviceSpmm(const CusparseHandle& handle, const SpmmOperand& a, std::int64_t dense_cols,
                       std::size_t reserve_bytes)
    : handle_(handle), a_(a), rows_(static_cast<std::int64_t>(a.offsets.size()) - 1), d_(dense_cols) {
  SPRIG_EXPECTS(rows_ >= 0, "DeviceSpmm: offsets must have rows + 1 entries");
  SPRIG_EXPECTS(d_ > 0, "DeviceSpmm: dense_cols must be > 0 (got {})", d_);
  SPRIG_EXPECTS(a.cols >= 0 && a.cols <= std::numeric_limits<std::int32_t>::max(),
                "DeviceSpmm: cols {} outside the 32-bit column index range", a.cols);
  SPRIG_EXPECTS(a.weights.empty() || a.weights.size() == a.targets.size(),
                "DeviceSpmm: {} weights for {} arcs", a.weights.size(), a.targets.size());
  SPRIG_EXPECTS(a.values != ArcValues::weights || !a.weights.empty(), "DeviceSpmm: ArcValues::weights needs weights");
  SPRIG_EXPECTS((a.values != ArcValues::sym_norm && a.values != ArcValues::row_norm) || a.d_row_scale != nullptr,
                "DeviceSpmm: normalised values need d_row_scale");
  SPRIG_EXPECTS(a.values != ArcValues::sym_norm || a.d_col_scale != nullptr, "DeviceSpmm: sym_norm needs d_col_scale");
  const auto& off = a.offsets;
  const edge_t m = rows_ > 0 ? off[rows_] - off[0] : 0;
  SPRIG_EXPECTS(rows_ == 0 || off[0] == 0, "DeviceSpmm: offsets[0] must be 0 (got {})", off[0]);

  const bool has_w = !a.weights.empty();
  const std::size_t per_arc = sizeof(node_t) + sizeof(float) + (has_w ? sizeof(float) : 0);
  const std::size_t per_row = sizeof(edge_t) + sizeof(std::int32_t);
  const std::size_t free_b = device_free_bytes();
  const std::size_t avail = free_b > reserve_bytes + kMargin ? free_b - reserve_bytes - kMargin : 0;

  std::int64_t max_arcs = std::numeric_limits<std::int32_t>::max();
  const std::int64_t cap = cuda_max_block_arcs();
  if (cap > 0) max_arcs = std::min(max_arcs, cap);
  bool streamed = cap > 0 && m > cap;
  if (!streamed && static_cast<std::size_t>(m) * per_arc + static_cast<std::size_t>(rows_ + 1) * per_row > avail) {
    streamed = true;
    // Two slots share what is free.
    const std::size_t slot = avail / 2;
    const auto by_mem = static_cast<std::int64_t>(slot / (per_arc + per_row));
    max_arcs = std::min<std::int64_t>(max_arcs, by_mem);
    if (max_arcs < 1)
      throw Error(fmt::format("DeviceSpmm: {} bytes of free device memory ({} reserved) leave no room to stream "
                              "CSR row blocks",
                              free_b, reserve_bytes));
  }
  // Greedy row blocks of at most max_arcs arcs (and, when streamed, rows).
  std::int64_t r0 = 0;
  while (r0 < rows_) {
    // Largest r1 with off[r1] − off[r0] ≤ max_arcs.
    const edge_t limit = off[r0] + max_arcs;
    std::int64_t r1 = std::upper_bound(off.begin() + r0 + 1, off.end(), limit) - off.begin() - 1;
    if (streamed) r1 = std::min<std::int64_t>(r1, r0 + std::max<std::int64_t>(max_arcs, 1 << 20));
    if (r1 <= r0)
      throw Error(fmt::format("DeviceSpmm: row {} has {} arcs, more than one block of {} arcs holds", r0,
                              off[r0 + 1] - off[r0], max_arcs));
    blocks_.push_back({r0, r1, off[r0], off[r1]});
    r0 = r1;
  }
  streamed_ = streamed && blocks_.size() > 1;

  std::int64_t max_rows = 0;
  edge_t max_blk_arcs = 0;
  for (const Block& b : blocks_) {
    max_rows = std::max(max_rows, b.r1 - b.r0);
    max_blk_arcs = std::max(max_blk_arcs, b.e1 - b.e0);
  }
  auto alloc_slot = [&](Slot& s, std::int64_t rows, edge_t arcs) {
    s.off64.allocate(static_cast<std::size_t>(rows + 1), "SpMM block offsets");
    s.off32.allocate(static_cast<std::size_t>(rows + 1), "SpMM block offsets (int32)");
    s.tgt.allocate(static_cast<std::size_t>(arcs), "SpMM block targets");
    if (has_w) s.wts.allocate(static_cast<std::size_t>(arcs), "SpMM block weights");
    s.val.allocate(static_cast<std::size_t>(arcs), "SpMM block values");
  };
  if (streamed_) {
    slots_.resize(2);
    for (Slot& s : slots_) alloc_slot(s, max_rows, max_blk_arcs);
    registered_off_ = try_register(off.data(), off.size_bytes());
    registered_tgt_ = try_register(a.targets.data(), a.targets.size_bytes());
    registered_w_ = try_register(a.weights.data(), a.weights.size_bytes());
  } else {
    // Resident: every block's arrays stay on the device; values are made once.
    slots_.resize(blocks_.size());
    for (std::size_t k = 0; k < blocks_.size(); ++k) {
      const Block& b = blocks_[k];
      alloc_slot(slots_[k], b.r1 - b.r0, b.e1 - b.e0);
      fill_slot(slots_[k], b, compute_.get(), compute_.get(), copied_[0].get());
      Slot& s = slots_[k];
      const std::int64_t rows = b.r1 - b.r0;
      rebase_offsets<<<grid_for(rows + 1), 256, 0, compute_.get()>>>(s.off64.data(), rows + 1, b.e0, s.off32.data());
      SPRIG_CUDA_CHECK_KERNEL("rebase_offsets");
      make_values<<<grid_for(rows * kWarp), 256, 0, compute_.get()>>>(
          s.off32.data(), s.tgt.data(), has_w ? s.wts.data() : nullptr, b.r0, rows, a_.values, a_.d_row_scale,
          a_.d_col_scale, s.val.data());
      SPRIG_CUDA_CHECK_KERNEL("make_values");
      SPRIG_CUDA_CHECK(cudaStreamSynchronize(compute_.get()));
      s.off64 = {};  // only the int32 offsets and the values are needed from now on
      s.wts = {};
    }
  }

  size_workspace(d_);
}

// Workspace: the largest cuSPARSE asks for over the blocks for `cols` dense
// columns; CSR_ALG2 (row-major) when supported, else the default algorithm.
void DeviceSpmm::size_workspace(std::int64_t cols) {
  if (std::find(sized_cols_.begin(), sized_cols_.end(), cols) != sized_cols_.end()) return;
  std::size_t work = work_.size();
  DeviceBuffer<float> probe_x(1, "SpMM probe"), probe_y(1, "SpMM probe");
  for (std::size_t k = 0; k < blocks_.size(); ++k) {
    const Block& b = blocks_[k];
    if (b.e1 == b.e0) continue;
    Slot& s = slots_[streamed_ ? 0 : k];
    cusparseSpMatDescr_t A = nullptr;
    cusparseDnMatDescr_t X = nullptr, Y = nullptr;
    SPRIG_CUSPARSE_CHECK(cusparseCreateCsr(&A, b.r1 - b.r0, a_.cols, b.e1 - b.e0, s.off32.data(), s.tgt.data(),
                                           s.val.data(), CUSPARSE_INDEX_32I, CUSPARSE_INDEX_32I,
                                           CUSPARSE_INDEX_BASE_ZERO, CUDA_R_32F));
    SPRIG_CUSPARSE_CHECK(cusparseCreateDnMat(&X, a_.cols, cols, cols, probe_x.data(), CUDA_R_32F, CUSPARSE_ORDER_ROW));
    SPRIG_CUSPARSE_CHECK(cusparseCreateDnMat(&Y, b.r1 - b.r0, cols, cols, probe_y.data(), CUDA_R_32F, CUSPARSE_ORDER_ROW));
    const float one = 1.f, zero = 0.f;
    std::size_t need = 0;
    cusparseStatus_t st = cusparseSpMM_bufferSize(handle_.get(), CUSPARSE_OPERATION_NON_TRANSPOSE,
                                                  CUSPARSE_OPERATION_NON_TRANSPOSE, &one, A, X, &zero, Y, CUDA_R_32F,
                                                  alg_, &need);
    if (st != CUSPARSE_STATUS_SUCCESS && alg_ != CUSPARSE_SPMM_ALG_DEFAULT) {  // not for this shape: default
      alg_ = CUSPARSE_SPMM_ALG_DEFAULT;
      st = cusparseSpMM_bufferSize(handle_.get(), CUSPARSE_OPERATION_NON_TRANSPOSE, CUSPARSE_OPERATION_NON_TRANSPOSE,
                                   &one, A, X, &zero, Y, CUDA_R_32F, alg_, &need);
    }
    (void)cusparseDestroyDnMat(X);
    (void)cusparseDestroyDnMat(Y);
    (void)cusparseDestroySpMat(A);
    SPRIG_CUSPARSE_CHECK(st);
    work = std::max(work, need);
  }
  if (work > work_.size()) {
    SPRIG_CUDA_CHECK(cudaDeviceSynchronize());  // the old workspace may still be in use
    work_.allocate(work, "cusparseSpMM workspace");
  }
  sized_cols_.push_back(cols);
}

DeviceSpmm::~DeviceSpmm() {
  if (registered_off_) (void)cudaHostUnregister(const_cast<edge_t*>(a_.offsets.data()));
  if (registered_tgt_) (void)cudaHostUnregister(const_cast<node_t*>(a_.targets.data()));
  if (registered_w_) (void)cudaHostUnregister(const_cast<float*>(a_.weights.data()));
}

void DeviceSpmm::fill_slot(Slot& s, const Block& b, cudaStream_t copy, cudaStream_t, cudaEvent_t copied) {
  const std::int64_t rows = b.r1 - b.r0;
  const edge_t arcs = b.e1 - b.e0;
  SPRIG_CUDA_CHECK(cudaMemcpyAsync(s.off64.data(), a_.offsets.data() + b.r0,
                                   static_cast<std::size_t>(rows + 1) * sizeof(edge_t), cudaMemcpyHostToDevice,
                                   copy));
  if (arcs > 0) {
    SPRIG_CUDA_CHECK(cudaMemcpyAsync(s.tgt.data(), a_.targets.data() + b.e0, static_cast<std::size_t>(arcs) * 4,
                                     cudaMemcpyHostToDevice, copy));
    if (!a_.weights.empty())
      SPRIG_CUDA_CHECK(cudaMemcpyAsync(s.wts.data(), a_.weights.data() + b.e0, static_cast<std::size_t>(arcs) * 4,
                                       cudaMemcpyHostToDevice, copy));
  }
  SPRIG_CUDA_CHECK(cudaEventRecord(copied, copy));
}

void DeviceSpmm::run_block(Slot& s, const Block& b, const float* d_x, float* d_y, std::int64_t cols,
                           cudaStream_t compute) {
  const std::int64_t rows = b.r1 - b.r0;
  const edge_t arcs = b.e1 - b.e0;
  float* y = d_y + b.r0 * cols;
  if (arcs == 0) {
    SPRIG_CUDA_CHECK(cudaMemsetAsync(y, 0, static_cast<std::size_t>(rows * cols) * sizeof(float), compute));
    return;
  }
  if (streamed_) {
    rebase_offsets<<<grid_for(rows + 1), 256, 0, compute>>>(s.off64.data(), rows + 1, b.e0, s.off32.data());
    SPRIG_CUDA_CHECK_KERNEL("rebase_offsets");
    make_values<<<grid_for(rows * kWarp), 256, 0, compute>>>(s.off32.data(), s.tgt.data(),
                                                             a_.weights.empty() ? nullptr : s.wts.data(), b.r0, rows,
                                                             a_.values, a_.d_row_scale, a_.d_col_scale, s.val.data());
    SPRIG_CUDA_CHECK_KERNEL("make_values");
  }
  cusparseSpMatDescr_t A = nullptr;
  cusparseDnMatDescr_t X = nullptr, Y = nullptr;
  SPRIG_CUSPARSE_CHECK(cusparseCreateCsr(&A, rows, a_.cols, arcs, s.off32.data(), s.tgt.data(), s.val.data(),
                                         CUSPARSE_INDEX_32I, CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO,
                                         CUDA_R_32F));
  SPRIG_CUSPARSE_CHECK(
      cusparseCreateDnMat(&X, a_.cols, cols, cols, const_cast<float*>(d_x), CUDA_R_32F, CUSPARSE_ORDER_ROW));
  SPRIG_CUSPARSE_CHECK(cusparseCreateDnMat(&Y, rows, cols, cols, y, CUDA_R_32F, CUSPARSE_ORDER_ROW));
  const float one = 1.f, zero = 0.f;
  const cusparseStatus_t st =
      cusparseSpMM(handle_.get(), CUSPARSE_OPERATION_NON_TRANSPOSE, CUSPARSE_OPERATION_NON_TRANSPOSE, &one, A, X,
                   &zero, Y, CUDA_R_32F, alg_, work_.empty() ? nullptr : work_.data());
  (void)cusparseDestroyDnMat(X);
  (void)cusparseDestroyDnMat(Y);
  (void)cusparseDestroySpMat(A);
  SPRIG_CUSPARSE_CHECK(st);
}

void DeviceSpmm::multiply(const float* d_x, float* d_y, std::int64_t cols) {
  SPRIG_EXPECTS(cols > 0, "DeviceSpmm::multiply: dense_cols must be > 0 (got {})", cols);
  size_workspace(cols);
  SPRIG_CUSPARSE_CHECK(cusparseSetStream(handle_.get(), compute_.get()));
  if (!streamed_) {
    for (std::size_t k = 0; k < blocks_.size(); ++k) run_block(slots_[k], blocks_[k], d_x, d_y, cols, compute_.get());
  } else {
    // Copy block k+1 into the other slot while block k multiplies.
    for (std::size_t k = 0; k < blocks_.size(); ++k) {
      const std::size_t s = k % 2;
      SPRIG_CUDA_CHECK(cudaStreamWaitEvent(copy_.get(), free_[s].get(), 0));  // its previous block is done
      fill_slot(slots_[s], blocks_[k], copy_.get(), compute_.get(), copied_[s].get());
      SPRIG_CUDA_CHECK(cudaStreamWaitEvent(compute_.get(), copied_[s].get(), 0));
      run_block(slots_[s], blocks_[k], d_x, d_y, cols, compute_.get());
      SPRIG_CUDA_CHECK(cudaEventRecord(free_[s].get(), compute_.get()));
    }
  }
  SPRIG_CUDA_CHECK(cudaStreamSynchronize(compute_.get()));
}

}  // namespace sprig::detail
