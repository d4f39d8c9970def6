// sprig/gnn/spmm_cuda.hpp — GNN propagation on a CUDA device (spmm.cu): the
// sparse products of GCN and SAGE-mean layers (cuSPARSE) and the max / softmax
// reduces (custom kernels), forward and backward, on host matrices.
//
// Same formulas as the CPU kernels (gnn/layers.cpp `pull`, gnn/spmm.hpp,
// gnn/aggregators.hpp), equal within float rounding (the products sum in
// another order; ~1e-6 relative):
//   gcn   y_r = out_r · (Σ_a w_a · in_{t_a} · x_{t_a} + self · in_r · x_r),
//         out = (weighted row sums + self)^-½, in = (weighted column sums + self)^-½
//         (GcnLayer with normalize; the self term for r < min(rows, x rows))
//   mean  y_r = (1/k_r) Σ_a w_a x_{t_a}  (Reduce::mean, Message::weighted; 0 for an empty row)
//   max   y_rf = max_a w_a x_{t_a f}, arg = the first arc attaining it (−1: empty row, y = 0)
//   softmax  y_rf = Σ_a softmax_a(t · x_{t_a f}) · x_{t_a f}  (PyG SoftmaxAggregation, weights ignored)
// Backward passes pull over an explicit transposed CSR (the block's own
// `transposed` when given, else built on the host in O(m)), never cuSPARSE's
// transpose mode, which sums in a run-dependent order: every result here is
// bitwise reproducible on a given device. Products stream CSR row blocks when
// the graph does not fit in device memory (graph/device_csr.hpp); the dense
// matrices must fit. Each call uploads its operands and downloads its result.
//
// These are per-call kernels (operands uploaded, result downloaded each call).
// Full-batch training on the device (gnn/train_cuda.hpp) keeps everything
// resident instead and drives the same DeviceSpmm products itself. The softmax
// temperature's own gradient is not computed here.
#pragma once

#include <cstdint>
#include <vector>

#include <sprig/gnn/matrix.hpp>
#include <sprig/gnn/module.hpp>
#include <sprig/graph/cuda.hpp>

namespace sprig::gnn {

#ifdef SPRIG_WITH_CUDA
/// GCN propagation Â·x (see above); x has ≥ num_src rows. Throws InvalidArgument on shape mismatches,
/// sprig::Error when no device is usable.
Matrix gcn_propagate_cuda(const Block& block, const Matrix& x, bool self_loops = true);
/// dL/dx = Âᵀ·grad_out (num_src rows).
Matrix gcn_propagate_backward_cuda(const Block& block, const Matrix& grad_out, bool self_loops = true);
/// SAGE mean aggregation (num_dst rows) and its backward (num_src rows).
Matrix spmm_mean_cuda(const Block& block, const Matrix& x);
Matrix spmm_mean_backward_cuda(const Block& block, const Matrix& grad_out);
/// Max aggregation; `arg` receives num_dst·F arc indices (−1 for an empty row).
Matrix spmm_max_cuda(const Block& block, const Matrix& x, std::vector<edge_t>* arg);
Matrix spmm_max_backward_cuda(const Block& block, const Matrix& grad_out, const std::vector<edge_t>& arg);
/// Softmax aggregation with temperature t, and dL/dx for it (x = the forward's input).
Matrix softmax_aggregate_cuda(const Block& block, const Matrix& x, float t = 1.0f);
Matrix softmax_aggregate_backward_cuda(const Block& block, const Matrix& x, const Matrix& grad_out, float t = 1.0f);
#endif

}  // namespace sprig::gnn
