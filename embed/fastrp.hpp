// sprig/embed/fastrp.hpp — FastRP node embeddings by very sparse random projection.
//
// Follows Chen, Sultan, Tian, Chen, Skiena, "Fast and Accurate Network
// Embeddings via Very Sparse Random Projection" (CIKM 2019) and its reference
// code (GTmac/FastRP, `fastrp_projection` + `fastrp_merge` with
// input_matrix='trans', projection_method='sparse', normalization=True):
//   M  = D⁻¹A                          (row-stochastic; D = out-degree, weighted when the graph is)
//   R  = very sparse random projection (n × d): +√s or −√s with probability 1/(2s) each, else 0;
//        s = √n (sklearn density='auto', the reference) or any s ≥ 1 (Neo4j GDS uses 3)
//   N₀ = diag(D^β) R                   (β = normalization strength, the reference's `alpha`)
//   N₁ = M N₀,  Nᵢ = M Nᵢ₋₁            (i = 2..k, k = iteration_weights.size())
//   U  = α₀·norm(N₀) + Σᵢ αᵢ·norm(Nᵢ)  (norm = row-L2 normalisation; α₀ = node self-influence)
//   optionally each column of U standardised (zero mean, unit variance), as the
//   reference's final sklearn `scale`.
// Neo4j GDS options: node self-influence (α₀), relationship weights, directed
// graphs (propagation pulls over out-arcs, i.e. the graph's orientation), and a
// property ratio: the last ⌊d·ratio⌋ dimensions of N₀ are X·P, a sparse random
// projection (s = 3) of the node features X instead of degree-scaled R.
//
// R is never stored: entry (v, j) is word j of the Philox4x32-10 stream keyed
// by (seed, item = v) — a pure function of (seed, node, dimension) that a GPU
// kernel can evaluate the same way (drawn eight or sixteen blocks at a time
// with AVX2 / AVX-512 where the CPU has them). N₀ has about d/s non-zeros per
// row, so it is kept as per-row (column, value) lists and N₁ is computed by
// scattering them; a later layer stays sparse while scattering it is cheaper
// than a dense pull (sparse_threshold), then the propagation is dense float32,
// each row pulled over its neighbours in fixed blocks of rows in parallel:
// O(k·m·d) work at most, reading the CSR once per iteration. A scatter adds
// each column's non-zeros in the same arc order as the pull, which only adds
// exact zeros besides, so the sums are the same bits either way. Memory: two
// n × d float buffers besides the output (with only the last two iterations
// weighted, the default, the output is written into one of them: 2·n·d·4
// bytes); they get a transparent-huge-page hint on Linux. Every output row is
// computed by one thread in arc order, and the column statistics are summed
// per fixed chunk in chunk order, so the output is bitwise identical for any
// thread count. Thread-safe.
//
// Nodes with zero (weighted) out-degree have a zero row in M; their degree
// scale D^β is taken as 1 (the reference would divide by zero).
#pragma once

#include <cstdint>
#include <vector>

#include <sprig/embed/matrix.hpp>
#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

struct FastRpOptions {
  std::int64_t dim = 128;                                    ///< d, > 0
  std::vector<float> iteration_weights = {0.f, 0.f, 1.f, 6.67f};  ///< α₁..α_k (k ≥ 1), the reference's best
  float normalization_strength = -0.64f;                     ///< β (the reference's `alpha`), usually in [−1, 0]
  float node_self_influence = 0.f;                           ///< α₀, weight of the node's own (normalised) N₀ row
  double sparsity = 0;         ///< s ≥ 1; 0: √n as the reference (sklearn density='auto'); 3: Neo4j GDS
  bool normalize_rows = true;  ///< row-L2-normalise each Nᵢ before the weighted sum (reference: normalization=True)
  bool standardize = false;    ///< finally standardise each column (the reference's sklearn `scale`)
  bool use_weights = true;     ///< use relationship weights when the graph has them
  const Matrix* features = nullptr;  ///< n × f node features for property_ratio (not owned)
  float property_ratio = 0.f;  ///< in [0, 1]: share of the d dimensions projected from `features`
  std::uint64_t seed = 1;
  ProgressFn progress;         ///< stage "fastrp", one report per iteration
  Device device = Device::cpu;  ///< Device::cuda: cuSPARSE path (embed/fastrp_cuda.hpp), same result within rounding
  /// CPU: a layer Nᵢ is kept as per-row (column, value) lists, and the next one computed by
  /// scattering them, when that takes at most this share of a dense pull's m·d additions
  /// (judged by an upper bound on its non-zeros; N₀ by R's density 1/s); 0: always dense.
  /// Speed only — the output is bitwise the same for any value.
  double sparse_threshold = 1.0 / 32;
};

/// The n × d FastRP embedding of g. Throws InvalidArgument when dim ≤ 0,
/// iteration_weights is empty, a weight or β is not finite, sparsity is in
/// (0, 1), an edge weight is negative, property_ratio is outside [0, 1], or
/// features are missing / have a row count other than n; Cancelled when the
/// progress callback asks to stop.
Matrix fastrp(const Graph& g, const FastRpOptions& opt = {});

/// The resolved sparsity s for n nodes (√n when opt_sparsity is 0, at least 1).
double fastrp_sparsity(std::int64_t n, double opt_sparsity);

/// Entry (node, j) of the unscaled random projection R for sparsity s
/// (+√s, −√s or 0); fastrp() uses exactly these values (exposed for tests and GPU twins).
float fastrp_projection_entry(std::uint64_t seed, std::int64_t node, std::int64_t j, double s);

/// Entry (feature f, j) of the feature projection P (s = 3) used for property_ratio.
float fastrp_feature_projection_entry(std::uint64_t seed, std::int64_t f, std::int64_t j);

namespace detail {
/// Words [0, count) of the Philox stream (seed, item), as sprig::Philox draws them,
/// into out[0, count) (AVX2, eight blocks at a time, where the CPU has it). fastrp()
/// draws R's rows with it; exposed so tests can hold it to the scalar Philox.
void fastrp_philox_words(std::uint64_t seed, std::uint64_t item, std::int64_t count, std::uint32_t* out);
}  // namespace detail

}  // namespace sprig
