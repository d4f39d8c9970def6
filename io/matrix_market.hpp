// sprig/io/matrix_market.hpp — Matrix Market coordinate files to and from graphs.
//
// Follows the NIST Matrix Market exchange format (Boisvert, Pozo, Remington,
// "The Matrix Market Exchange Formats: Initial Design", NISTIR 5935, 1996):
// a banner "%%MatrixMarket matrix coordinate FIELD SYMMETRY", '%' comments, a
// size line "rows cols entries", then one 1-based "row col [value]" per entry.
// Supported: FIELD pattern, integer, real; SYMMETRY general (→ directed graph,
// entry i j is the arc i-1 → j-1) and symmetric (→ undirected, each entry one
// edge; the lower triangle is written, either triangle is read). The matrix
// must be square. array format, complex, hermitian and skew-symmetric are
// reported as unsupported. Every bad line is an IoError naming file and line;
// an entry count that differs from the size line is an error.
//
// Cost: O(bytes), the same block reader and parallel scanner as edge lists
// (deterministic for any thread count). Writing goes through AtomicFile;
// ".gz" paths are read and written compressed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sprig/graph/csr.hpp>
#include <sprig/graph/edge_list.hpp>
#include <sprig/graph/progress.hpp>
#include <sprig/io/atomic_file.hpp>

namespace sprig {

enum class MatrixField { pattern, integer, real };
enum class MatrixSymmetry { general, symmetric };

struct MatrixMarketReadOptions {
  std::optional<bool> directed;  ///< overrides the symmetry (general → directed, symmetric → undirected)
  std::size_t block_bytes = std::size_t{64} << 20;
  std::size_t chunk_bytes = std::size_t{1} << 20;
  ProgressFn progress;  ///< stage "read": bytes of the file on disk
};

struct MatrixMarketFile {
  EdgeList edges;  ///< n = rows; weights unless the field is pattern
  MatrixField field = MatrixField::pattern;
  MatrixSymmetry symmetry = MatrixSymmetry::general;
  std::int64_t rows = 0, cols = 0, entries = 0;  ///< from the size line
};

/// Reads a Matrix Market coordinate file (plain or gzip). Throws IoError(path, reason, line).
MatrixMarketFile read_matrix_market(const std::string& path, const MatrixMarketReadOptions& opt = {});

/// Parses Matrix Market text held in memory; `source_name` names it in errors.
MatrixMarketFile parse_matrix_market(std::string_view text, const MatrixMarketReadOptions& opt = {},
                                     std::string_view source_name = "<text>");

struct MatrixMarketWriteOptions {
  /// Unset: real when the graph is weighted, else pattern. integer requires integral weights;
  /// pattern drops the weights.
  std::optional<MatrixField> field;
  std::string comment;  ///< written as "% comment" lines after the banner
  Compression compression = Compression::by_extension;
  int level = 6;        ///< gzip level 0–9
  ProgressFn progress;  ///< stage "write": rows written
};

/// Writes `g` atomically: general for a directed graph, symmetric (lower triangle) for an
/// undirected one. Throws IoError, InvalidArgument.
void write_matrix_market(const std::string& path, const Graph& g, const MatrixMarketWriteOptions& opt = {});

}  // namespace sprig
