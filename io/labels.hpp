// sprig/io/labels.hpp — node label files: "node label" per line.
//
// Node ids are integers (or, with node_names, the tokens an edge list was read
// with); labels are integers or arbitrary tokens. Each distinct label becomes
// a class id 0..k-1 in sorted order — numeric when every label is an integer,
// else lexicographic — so dense integer labels 0..k-1 keep their values and
// the numbering never depends on line order. Nodes without a line get -1.
// '#' and '%' lines are comments. A node listed twice, an id outside the
// node count, a missing or extra column are IoErrors naming file and line.
//
// Cost: O(bytes + k log k). Sequential (label files are small next to graphs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sprig {

struct NodeLabels {
  std::vector<std::int32_t> label;   ///< per node: class id, or -1 when unknown
  std::vector<std::string> classes;  ///< class id → the label as written in the file

  std::size_t num_classes() const noexcept { return classes.size(); }
  /// Nodes with a known label.
  std::int64_t num_labelled() const noexcept;
};

struct LabelReadOptions {
  /// Node count; unset: node_names->size() when given, else the largest id + 1.
  std::optional<std::int64_t> nodes;
  /// Node ids in the file are these names (what read_edge_list returns with ids = tokens).
  const std::vector<std::string>* node_names = nullptr;
};

/// Reads a label file (plain or gzip). Throws IoError(path, reason, line), InvalidArgument.
NodeLabels read_labels(const std::string& path, const LabelReadOptions& opt = {});

/// Parses label text held in memory; `source_name` names it in errors.
NodeLabels parse_labels(std::string_view text, const LabelReadOptions& opt = {},
                        std::string_view source_name = "<text>");

/// Writes "node label" lines for the labelled nodes, atomically (.gz compressed).
/// Throws InvalidArgument if a class name is not a token or a label is out of range.
void write_labels(const std::string& path, const NodeLabels& labels);

}  // namespace sprig
