// sprig/graph/device_csr.hpp — a Graph on a CUDA device, RAII device buffers,
// error checks, and the row-block sparse × dense product the GPU paths share.
//
// - DeviceBuffer<T>: cudaMalloc'd array (never managed memory), freed by the
//   destructor; upload/download are synchronous and checked.
// - SPRIG_CUDA_CHECK / SPRIG_CUSPARSE_CHECK / SPRIG_CUDA_CHECK_KERNEL turn any
//   failure into sprig::Error naming the call (or kernel), the file and line,
//   and CUDA's error name and string (after cuGraph's error.hpp).
// - DeviceCsr: offsets (int64), targets (int32), weights (float, empty when
//   unweighted) of a Graph; CsrView is the raw-pointer view kernels take, with
//   __host__ __device__ row searches, so host code can run kernel bodies.
// - DeviceSpmm: Y = A·X for a host CSR A (rows × cols) and row-major dense X, Y
//   on the device, by cusparseSpMM (CSR, 32-bit indices, row-major, the
//   non-transposed mode only: deterministic). A is cut into row blocks of at
//   most 2³¹−1 arcs (int32 offsets rebased per block). When the blocks fit in
//   free device memory (cudaMemGetInfo) they stay resident; otherwise they are
//   streamed through two device slots with double-buffered async copies on a
//   copy stream while the other slot multiplies (the host arrays are page-locked
//   with cudaHostRegister for the duration when possible). Arc values are
//   made on the device: ones, the graph's weights, or a symmetric normalisation
//   row_scale[r]·col_scale[c]·w (GCN).
// Include only from .cu files and CUDA-enabled tests. Not thread-safe per object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <cuda_runtime.h>
#include <cusparse.h>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/error.hpp>
#include <sprig/graph/types.hpp>

namespace sprig::detail {

[[noreturn]] void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line);
[[noreturn]] void throw_cusparse_error(cusparseStatus_t st, const char* call, const char* file, int line);

}  // namespace sprig::detail

/// Throws sprig::Error "CUDA call failed: <call> (<file>:<line>): <name>: <string>".
#define SPRIG_CUDA_CHECK(call)                                                    \
  do {                                                                            \
    const cudaError_t sprig_err_ = (call);                                        \
    if (sprig_err_ != cudaSuccess) [[unlikely]]                                   \
      ::sprig::detail::throw_cuda_error(sprig_err_, #call, __FILE__, __LINE__);  \
  } while (0)
#define SPRIG_CUSPARSE_CHECK(call)                                                   \
  do {                                                                               \
    const cusparseStatus_t sprig_st_ = (call);                                       \
    if (sprig_st_ != CUSPARSE_STATUS_SUCCESS) [[unlikely]]                           \
      ::sprig::detail::throw_cusparse_error(sprig_st_, #call, __FILE__, __LINE__);  \
  } while (0)

namespace sprig::detail {

/// Launch check (cudaGetLastError) naming the kernel; use SPRIG_CUDA_CHECK_KERNEL("name").
void check_kernel(const char* name, const char* file, int line);
#define SPRIG_CUDA_CHECK_KERNEL(name) ::sprig::detail::check_kernel(name, __FILE__, __LINE__)

/// Device memory: cudaMalloc'd, not managed; move-only; freed on destruction.
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  /// Allocates n elements (uninitialised); `what` names the buffer in an out-of-memory error.
  explicit DeviceBuffer(std::size_t n, const char* what = "buffer") { allocate(n, what); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      release();
      p_ = o.p_, n_ = o.n_;
      o.p_ = nullptr, o.n_ = 0;
    }
    return *this;
  }
  ~DeviceBuffer() { release(); }

  void allocate(std::size_t n, const char* what = "buffer") {
    release();
    if (n == 0) return;
    void* p = nullptr;
    const cudaError_t err = cudaMalloc(&p, n * sizeof(T));
    if (err != cudaSuccess) {
      (void)cudaGetLastError();
      throw Error(fmt::format("cudaMalloc of {} bytes for {} failed: {}: {}", n * sizeof(T), what,
                              cudaGetErrorName(err), cudaGetErrorString(err)));
    }
    p_ = static_cast<T*>(p);
    n_ = n;
  }
  T* data() noexcept { return p_; }
  const T* data() const noexcept { return p_; }
  std::size_t size() const noexcept { return n_; }
  bool empty() const noexcept { return n_ == 0; }

  /// Copies host[0, count) to elements [offset, offset + count).
  void upload(const T* host, std::size_t count, std::size_t offset = 0) {
    if (count == 0) return;
    SPRIG_EXPECTS(offset + count <= n_, "DeviceBuffer::upload: {} + {} elements > size {}", offset, count, n_);
    SPRIG_CUDA_CHECK(cudaMemcpy(p_ + offset, host, count * sizeof(T), cudaMemcpyHostToDevice));
  }
  void upload(std::span<const T> host) { upload(host.data(), host.size()); }
  /// Copies elements [offset, offset + count) to host[0, count).
  void download(T* host, std::size_t count, std::size_t offset = 0) const {
    if (count == 0) return;
    SPRIG_EXPECTS(offset + count <= n_, "DeviceBuffer::download: {} + {} elements > size {}", offset, count, n_);
    SPRIG_CUDA_CHECK(cudaMemcpy(host, p_ + offset, count * sizeof(T), cudaMemcpyDeviceToHost));
  }
  std::vector<T> to_host() const {
    std::vector<T> v(n_);
    download(v.data(), n_);
    return v;
  }
  void zero() {
    if (n_ != 0) SPRIG_CUDA_CHECK(cudaMemset(p_, 0, n_ * sizeof(T)));
  }

 private:
  void release() noexcept {
    if (p_ != nullptr) (void)cudaFree(p_);
    p_ = nullptr;
    n_ = 0;
  }
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

/// Uploads a host array into a new device buffer.
template <class T>
DeviceBuffer<T> to_device(std::span<const T> host, const char* what = "buffer") {
  DeviceBuffer<T> b(host.size(), what);
  b.upload(host);
  return b;
}

/// Raw view of a CSR for kernels (device pointers), or for host runs of kernel code (host pointers).
struct CsrView {
  const edge_t* off = nullptr;
  const node_t* tgt = nullptr;
  const float* w = nullptr;  ///< nullptr when unweighted
  node_t n = 0;
  bool directed = false;

  __host__ __device__ edge_t degree(node_t v) const { return off[v + 1] - off[v]; }
  /// First arc index e in [off[v], off[v+1]) with tgt[e] >= x (off[v+1] when none).
  __host__ __device__ edge_t lower_bound(node_t v, node_t x) const {
    edge_t lo = off[v], hi = off[v + 1];
    while (lo < hi) {
      const edge_t mid = lo + (hi - lo) / 2;
      if (tgt[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }
  __host__ __device__ bool has_arc(node_t u, node_t v) const {
    const edge_t e = lower_bound(u, v);
    return e < off[u + 1] && tgt[e] == v;
  }
};

/// Host view of a Graph (for host runs of kernel code).
CsrView host_view(const Graph& g);

/// A Graph's arrays on the device.
class DeviceCsr {
 public:
  DeviceCsr() = default;
  /// Uploads g (weights only when `with_weights` and g has them).
  explicit DeviceCsr(const Graph& g, bool with_weights = true);
  CsrView view() const noexcept;
  node_t num_nodes() const noexcept { return n_; }
  edge_t num_arcs() const noexcept { return static_cast<edge_t>(targets_.size()); }
  bool weighted() const noexcept { return !weights_.empty(); }
  std::size_t bytes() const noexcept {
    return offsets_.size() * sizeof(edge_t) + targets_.size() * sizeof(node_t) + weights_.size() * sizeof(float);
  }

 private:
  DeviceBuffer<edge_t> offsets_;
  DeviceBuffer<node_t> targets_;
  DeviceBuffer<float> weights_;
  node_t n_ = 0;
  bool directed_ = false;
};

/// cusparseHandle_t, created and destroyed with the object.
class CusparseHandle {
 public:
  CusparseHandle();
  ~CusparseHandle();
  CusparseHandle(const CusparseHandle&) = delete;
  CusparseHandle& operator=(const CusparseHandle&) = delete;
  cusparseHandle_t get() const noexcept { return h_; }

 private:
  cusparseHandle_t h_ = nullptr;
};

/// cudaStream_t / cudaEvent_t owners.
class Stream {
 public:
  Stream();
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const noexcept { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};
class Event {
 public:
  Event();
  ~Event();
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  cudaEvent_t get() const noexcept { return e_; }

 private:
  cudaEvent_t e_ = nullptr;
};

/// Free device memory in bytes (cudaMemGetInfo).
std::size_t device_free_bytes();

/// How DeviceSpmm makes the value of arc e = (r → c).
enum class ArcValues {
  ones,      ///< 1
  weights,   ///< the host weights[e]
  sym_norm,  ///< row_scale[r] · col_scale[c] · (weights[e] or 1): D^-½ A D^-½ (GCN)
  row_norm,  ///< row_scale[r] · (weights[e] or 1): D^-1 A (SAGE mean)
};

/// The sparse operand of DeviceSpmm: a host CSR (kept alive by the caller).
struct SpmmOperand {
  std::span<const edge_t> offsets;  ///< rows + 1
  std::span<const node_t> targets;  ///< column ids < cols
  std::span<const float> weights;   ///< empty: 1
  std::int64_t cols = 0;
  ArcValues values = ArcValues::ones;
  const float* d_row_scale = nullptr;  ///< device, rows entries (sym_norm, row_norm)
  const float* d_col_scale = nullptr;  ///< device, cols entries (sym_norm)
};

/// Y = A·X on the device, resident or streamed in row blocks (see the header comment).
class DeviceSpmm {
 public:
  /// `dense_cols` = columns of X and Y; `reserve_bytes` = device memory the
  /// caller still needs after this object is built (kept free). The block cap
  /// is min(2³¹−1, detail::cuda_max_block_arcs() when set, what memory allows).
  DeviceSpmm(const CusparseHandle& handle, const SpmmOperand& a, std::int64_t dense_cols, std::size_t reserve_bytes);
  ~DeviceSpmm();
  DeviceSpmm(const DeviceSpmm&) = delete;
  DeviceSpmm& operator=(const DeviceSpmm&) = delete;

  /// Y (rows × dense_cols) = A X (cols × dense_cols), both row-major device arrays; Y may not alias X.
  void multiply(const float* d_x, float* d_y) { multiply(d_x, d_y, d_); }
  /// The same with another dense width (one CSR serves the layers of a GNN, whose widths differ);
  /// the cuSPARSE workspace grows on the first call with a new width.
  void multiply(const float* d_x, float* d_y, std::int64_t dense_cols);
  bool streamed() const noexcept { return streamed_; }
  std::size_t num_blocks() const noexcept { return blocks_.size(); }
  std::int64_t rows() const noexcept { return rows_; }

 private:
  struct Block {
    std::int64_t r0, r1;  // rows [r0, r1)
    edge_t e0, e1;        // arcs [e0, e1)
  };
  struct Slot {  // device arrays of one block (resident: one per block; streamed: two)
    DeviceBuffer<edge_t> off64;
    DeviceBuffer<std::int32_t> off32;
    DeviceBuffer<node_t> tgt;
    DeviceBuffer<float> wts;  // host weights (when any)
    DeviceBuffer<float> val;
  };
  void fill_slot(Slot& s, const Block& b, cudaStream_t copy, cudaStream_t compute, cudaEvent_t copied);
  void run_block(Slot& s, const Block& b, const float* d_x, float* d_y, std::int64_t cols, cudaStream_t compute);
  void size_workspace(std::int64_t cols);

  const CusparseHandle& handle_;
  SpmmOperand a_;
  std::int64_t rows_ = 0, d_ = 0;
  std::vector<Block> blocks_;
  std::vector<Slot> slots_;
  bool streamed_ = false;
  bool registered_off_ = false, registered_tgt_ = false, registered_w_ = false;
  cusparseSpMMAlg_t alg_ = CUSPARSE_SPMM_CSR_ALG2;
  DeviceBuffer<unsigned char> work_;
  std::vector<std::int64_t> sized_cols_;  // dense widths the workspace was sized for
  Stream compute_, copy_;
  Event copied_[2], free_[2];
};

}  // namespace sprig::detail
