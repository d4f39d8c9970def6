// sprig/io/hdf5_graph.hpp — graphs and their learning data in HDF5: sprig's
// native dataset format (docs/hdf5-layout.md), plus the CSR groups that
// AnnData (.h5ad, e.g. obsp/connectivities) and h5py/scipy users write.
//
// read_hdf5() returns the graph and whatever node data, splits and results
// the file holds; write_hdf5() writes a whole file under a temporary name and
// renames it; append_embedding()/append_orbits() add one result to an existing
// file without rewriting the graph: the dataset is written under a temporary
// link name, flushed, and only then renamed into place, so a failure half-way
// leaves the file as it was (the temporary link is removed, or ignored by
// readers and cleaned by the next append when the process was killed).
//
// Cost: reading is one pass over the bytes (bounded blocks of block_bytes,
// decompressed in parallel) plus one parallel O(n + m) check of the CSR
// invariants; rows found unsorted are sorted (O(d log d) each). Writing
// compresses chunks in parallel. Memory: the result plus one block.
// Determinism: the graph read and the bytes written do not depend on the
// thread count. Thread-safety: HDF5 is not thread-safe; call these from one
// thread at a time (they use TBB internally for zlib work only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/io/hdf5.hpp>

namespace sprig {

/// A dense row-major matrix (rows × cols) as stored in HDF5. A plain struct so
/// that it maps 1:1 onto a dataset; Eigen users wrap `data` in an
/// Eigen::Map<Matrix<T, Dynamic, Dynamic, RowMajor>> without a copy.
template <class T>
struct DenseMatrix {
  std::int64_t rows = 0, cols = 0;
  std::vector<T> data;  ///< rows * cols values, row-major

  DenseMatrix() = default;
  DenseMatrix(std::int64_t r, std::int64_t c, T fill = T{})
      : rows(r), cols(c), data(static_cast<std::size_t>(r * c), fill) {}
  bool empty() const noexcept { return data.empty() && rows == 0; }
  T& operator()(std::int64_t r, std::int64_t c) noexcept { return data[static_cast<std::size_t>(r * cols + c)]; }
  const T& operator()(std::int64_t r, std::int64_t c) const noexcept {
    return data[static_cast<std::size_t>(r * cols + c)];
  }
  friend bool operator==(const DenseMatrix&, const DenseMatrix&) = default;
};
using FloatMatrix = DenseMatrix<float>;

/// A result stored beside the graph (/embeddings/NAME, /orbits/NAME) with the
/// options that produced it as attributes.
template <class T>
struct NamedMatrix {
  std::string name;
  DenseMatrix<T> matrix;
  h5::Attributes attributes;
};

/// Node classification split, as sorted index arrays (files may hold masks or indices).
struct NodeSplit {
  std::vector<node_t> train, valid, test;
  bool empty() const noexcept { return train.empty() && valid.empty() && test.empty(); }
};

/// Positive and negative node pairs of one link-prediction part, k × 2 row-major (u0, v0, u1, v1, ...).
struct LinkPairs {
  std::vector<node_t> pos, neg;
};

/// Link-prediction split (/splits/links), with how it was made.
struct LinkSplit {
  LinkPairs train, valid, test;
  std::uint64_t seed = 0;
  std::string method;         ///< e.g. "random", "temporal"
  h5::Attributes attributes;  ///< any further attributes of /splits/links
  bool empty() const noexcept {
    return train.pos.empty() && train.neg.empty() && valid.pos.empty() && valid.neg.empty() && test.pos.empty() &&
           test.neg.empty();
  }
};

/// Per-node data (/nodes). Every field is optional (empty when absent).
struct NodeData {
  FloatMatrix features;               ///< n × d
  std::vector<std::int32_t> labels;   ///< n values, -1 = unknown
  std::vector<std::string> classes;   ///< names of label values 0, 1, ...
  std::vector<std::string> names;     ///< original node ids
  NodeSplit split;
};

/// Everything a file holds beside the CSR arrays.
struct GraphData {
  std::string name;
  std::vector<std::int64_t> edge_time;  ///< parallel to targets(), or empty
  NodeData nodes;
  LinkSplit links;
  std::vector<NamedMatrix<float>> embeddings;
  std::vector<NamedMatrix<std::int64_t>> orbits;
};

struct Hdf5ReadOptions {
  /// The graph's group. "": "/graph" in a sprig file; otherwise a CSR group is
  /// looked for at "/obsp/connectivities", "/obsp/distances", then the root.
  std::string group;
  /// A dense n × d dataset read as node features ("": /nodes/features when present),
  /// e.g. "/obsm/X_pca" of an .h5ad file.
  std::string features;
  /// Foreign CSR groups only: nullopt = undirected iff the matrix is symmetric.
  std::optional<bool> directed;
  bool weights = true;    ///< read weights (sprig /graph/weights, CSR `data`)
  bool node_data = true;  ///< read /nodes and /splits
  bool results = true;    ///< read /embeddings and /orbits
  /// Unsorted rows (and duplicate entries in foreign CSR) are errors instead of
  /// being fixed with a note; an undirected sprig graph's symmetry is checked.
  bool validate = false;
  std::size_t block_bytes = std::size_t{64} << 20;  ///< bytes per HDF5 read (bounded memory)
  bool parallel_filters = true;                     ///< decompress shuffle+deflate chunks in parallel
};

/// What read_hdf5() returns.
struct Hdf5Graph {
  Graph graph;
  GraphData data;
  std::string format;              ///< "sprig-graph", "anndata csr_matrix" or "scipy csr"
  std::string group;               ///< the group the graph came from
  std::vector<std::string> notes;  ///< what was fixed on load ("12 rows were not sorted; sorted")
};

/// Reads a graph from `path` ("file.h5" or "file.h5ad:/obsp/connectivities"; a group
/// in the path overrides opt.group). Throws IoError naming the file and dataset for
/// a missing dataset, wrong type or rank, bad offsets, targets out of range,
/// disagreeing lengths, unsorted rows under opt.validate, corrupt or non-HDF5 files.
Hdf5Graph read_hdf5(const std::string& path, const Hdf5ReadOptions& opt = {});

struct Hdf5WriteOptions {
  int compression = 4;                              ///< deflate level 0–9 (0: no filters)
  bool chunked = true;                              ///< with compression 0: false writes contiguous datasets
  std::size_t chunk_bytes = std::size_t{1} << 20;   ///< chunk size of large datasets
  std::size_t block_bytes = std::size_t{64} << 20;  ///< bytes per HDF5 write
  bool parallel_filters = true;                     ///< compress chunks in parallel (same bytes as HDF5's filters)
  /// Also write the graph as an AnnData csr_matrix group here (e.g. "/obsp/connectivities");
  /// indptr/indices are hard links to /graph/offsets and /graph/targets (no extra space).
  std::string anndata_group;
  std::string created_by = "sprig";
  /// Test hook: called after each block of bulk data is written; throwing aborts the write.
  std::function<void(std::size_t)> after_block;
};

/// Writes `g` and `data` to `path` as a sprig-graph file (docs/hdf5-layout.md): to a
/// temporary file in the same folder, renamed onto `path` when complete (an existing
/// file is replaced only then). Throws IoError, or InvalidArgument when `data`'s sizes
/// disagree with the graph.
void write_hdf5(const std::string& path, const Graph& g, const GraphData& data = {},
                const Hdf5WriteOptions& opt = {});

struct Hdf5AppendOptions {
  bool overwrite = false;  ///< replace an existing dataset of that name (else IoError)
  int compression = 4;
  std::size_t chunk_bytes = std::size_t{1} << 20;
  std::size_t block_bytes = std::size_t{64} << 20;
  bool parallel_filters = true;
  std::function<void(std::size_t)> after_block;  ///< test hook, as in Hdf5WriteOptions
};

/// Adds /embeddings/NAME (rows must equal the file's num_nodes) with `attributes`
/// to an existing file, without rewriting anything else. Throws IoError if the
/// dataset exists and !opt.overwrite; on any failure the file is left as it was.
void append_embedding(const std::string& path, const std::string& name, const FloatMatrix& matrix,
                      const h5::Attributes& attributes = {}, const Hdf5AppendOptions& opt = {});

/// Adds /orbits/NAME (e.g. "nodes" n × 73 graphlet-orbit counts), as append_embedding().
void append_orbits(const std::string& path, const std::string& name, const DenseMatrix<std::int64_t>& counts,
                   const h5::Attributes& attributes = {}, const Hdf5AppendOptions& opt = {});

/// Adds /nodes/NAME, an n × k per-node result (e.g. a centrality from `sprig
/// centrality -o file.h5`), as append_embedding(). The names of /nodes that
/// read_hdf5() loads (features, labels, classes, names) are refused.
void append_node_values(const std::string& path, const std::string& name, const DenseMatrix<double>& values,
                        const h5::Attributes& attributes = {}, const Hdf5AppendOptions& opt = {});
/// The same for integer results (n × k, e.g. Weisfeiler–Lehman colours per round).
void append_node_values(const std::string& path, const std::string& name, const DenseMatrix<std::int64_t>& values,
                        const h5::Attributes& attributes = {}, const Hdf5AppendOptions& opt = {});

/// "file.h5ad:/obsp/connectivities" → {"file.h5ad", "/obsp/connectivities"}; no ":/" → group "".
struct Hdf5Path {
  std::string file, group;
};
Hdf5Path split_hdf5_path(std::string_view spec);

/// True for paths ending in .h5, .hdf5, .he5 or .h5ad, optionally followed by ":/group".
bool is_hdf5_path(std::string_view spec);

/// One object of a file, for `sprig info`.
struct Hdf5Entry {
  std::string path;
  bool is_group = false;
  std::vector<std::uint64_t> dims;  ///< datasets only
  std::string type;                 ///< "int32", "float32", "string", ...
  std::vector<std::string> filters;
  std::uint64_t stored_bytes = 0;
  h5::Attributes attributes;
};

/// Every group and dataset of the file, depth first in name order (hidden ".tmp-" links skipped).
std::vector<Hdf5Entry> list_hdf5(const std::string& path);

/// A human-readable listing of list_hdf5(): one line per object with shape, type, filters, size.
std::string describe_hdf5(const std::string& path);

}  // namespace sprig
