// sprig/embed/orbit_adjacency.hpp — orbit adjacency matrices of 2..4-node graphlets.
//
// What: for nodes u ≠ v, A^h_{o1,o2}[u, v] = the number of induced connected
// 2-, 3- and 4-node graphlets containing both u and v, with u in node orbit o1,
// v in node orbit o2 (Pržulj numbering, docs/graphlet-orbits.tsv) and distance
// h between u and v inside the graphlet. Windels, Malod-Dognin & Pržulj,
// "Graphlets correct for the topological information missed by random walks"
// (2021). 20 unordered (h, o1, o2) combinations occur; with both orders of
// o1 ≠ o2 that gives 28 matrices (orbit_adjacency_keys()), and
// A^h_{o2,o1} = (A^h_{o1,o2})ᵀ.
//
// Method (no enumeration of 4-node graphlets, no dense n×n array): row u is
// built from per-pair statistics gathered around u in a per-thread sparse
// accumulator: for every v within distance 3 with C = N(u)∩N(v),
// U = N(u)∖N[v], V = N(v)∖N[u]: c = |C|, Σ_{w∈C} deg w, Σ_{w∈C} tri(u,w),
// Σ_{w∈C} tri(w,v) (tri = triangles on an edge, precomputed), the edges
// inside C (one pass over the triangles at u), and the number of 3-paths
// u–w–x–v (row u of A²·A, done as a sparse product). From them the edge
// counts E(C,C), E(C,U), E(C,V), E(U,V), E(U,U), E(V,V) and every one of the
// 28 counts follow in closed form (orbit_adjacency.cpp lists each case).
// Cost: O(Σ_u Σ_{x within 2 hops of u} deg x) time (the sparse product
// dominates), plus the output; memory: the output (12 bytes per stored
// entry), O(m) per-arc triangle counts, O(n) scratch per thread. Rows are
// first kept in exact-size per-chunk buffers, then appended into the final
// arrays with each buffer freed after its copy, so the peak stays near the
// output size (cond-mat: 7 M entries, 0.19 GB peak; email-Enron: 462 M
// entries, 5.5 GB of output — the hop-3 matrix holds 301 M of them).
//
// Values are exact uint64 counts, CSR with int64 offsets and sorted int32
// column ids (scipy/AnnData `indptr/indices/data`). Only non-zero entries are
// stored; the diagonal is always empty.
//
// Input rules as orbit_counts(): a directed graph is symmetrized, weights are
// ignored, self-loops and parallel arcs are removed first; isolated nodes give
// empty rows; node ids are the caller's.
//
// Determinism and thread safety: each row is computed by one task with
// integer arithmetic, chunks of rows are fixed independently of the thread
// count, so the output is identical for any number of threads. Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

/// (h, o1, o2): u in orbit o1, v in orbit o2, distance h inside the graphlet.
struct OrbitAdjacencyKey {
  int hop = 1;
  int orbit_u = 0;
  int orbit_v = 0;
  friend bool operator==(const OrbitAdjacencyKey&, const OrbitAdjacencyKey&) = default;
};

/// A square sparse matrix of exact counts in CSR (scipy's csr_matrix layout).
struct SparseCountMatrix {
  std::int64_t rows = 0;                 ///< = cols = number of nodes
  std::vector<std::int64_t> indptr{0};   ///< rows + 1 offsets
  std::vector<std::int32_t> indices;     ///< column ids, sorted within each row
  std::vector<std::uint64_t> data;       ///< the counts (all > 0)

  std::int64_t nnz() const noexcept { return static_cast<std::int64_t>(indices.size()); }
  /// Entry (u, v), 0 when not stored (binary search in row u).
  std::uint64_t at(std::int64_t u, std::int64_t v) const;
  /// Sum of row u.
  std::uint64_t row_sum(std::int64_t u) const;
  /// Bytes held by the arrays.
  std::size_t memory_bytes() const noexcept {
    return indptr.capacity() * 8 + indices.capacity() * 4 + data.capacity() * 8;
  }
};

/// One orbit adjacency matrix with its key.
struct OrbitAdjacencyMatrix {
  OrbitAdjacencyKey key;
  SparseCountMatrix matrix;
  /// "h{hop}_o{orbit_u}_o{orbit_v}", the name used in files (e.g. "h1_o4_o5").
  std::string name() const;
};

/// The matrices asked for, in the order of orbit_adjacency_keys() (or of OrbitAdjacencyOptions::keys).
struct OrbitAdjacency {
  std::int64_t num_nodes = 0;
  std::vector<OrbitAdjacencyMatrix> matrices;
  /// The matrix of (hop, o1, o2); throws InvalidArgument when it was not computed.
  const SparseCountMatrix& get(int hop, int orbit_u, int orbit_v) const;
};

struct OrbitAdjacencyOptions {
  /// Which matrices to compute (each must be one of orbit_adjacency_keys()); empty: all 28.
  std::vector<OrbitAdjacencyKey> keys;
  /// Rows per work chunk (fixed, so the output does not depend on the thread count).
  std::int64_t grain = 64;
  /// Stages "orbit adjacency: triangles", "orbit adjacency: rows" (done = rows), "orbit adjacency: assemble".
  ProgressFn progress;
};

/// The 28 ordered keys: hop 1 (19), hop 2 (8), hop 3 (1), each sorted by (o1, o2).
std::span<const OrbitAdjacencyKey> orbit_adjacency_keys();

/// The orbit adjacency matrices of g. Throws InvalidArgument for a key that is
/// not one of the 28 (naming it) or grain < 1; Cancelled when progress returns false.
OrbitAdjacency orbit_adjacency(const Graph& g, const OrbitAdjacencyOptions& opt = {});

/// Writes the matrices into an HDF5 file, one group per matrix
/// `/orbits/adjacency/h{h}_o{o1}_o{o2}` holding `indptr` (int64), `indices` (int32)
/// and `data` (uint64) with AnnData's csr_matrix attributes (encoding-type,
/// encoding-version, shape), so `anndata.experimental.read_elem` or
/// `scipy.sparse.csr_matrix((data, indices, indptr))` open them. A new file is
/// written to a temporary name and renamed; an existing HDF5 file gets the group
/// added (replacing an older /orbits/adjacency, swapped in by one link move).
/// Throws IoError naming the file and dataset.
void write_orbit_adjacency_hdf5(const std::string& path, const OrbitAdjacency& adjacency);

/// Writes the matrices as text: per matrix a line `# h{h}_o{o1}_o{o2} nnz=K`
/// followed by K lines `u v count` (row-major, columns ascending); gzip when the
/// path ends in .gz. Written to a temporary file and renamed. Throws IoError.
void write_orbit_adjacency_text(const std::string& path, const OrbitAdjacency& adjacency);

}  // namespace sprig
