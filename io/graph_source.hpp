// sprig/io/graph_source.hpp — turns a GRAPH argument into a graph: either a
// file path (any format read_graph() knows) or a generator spec such as
// "rmat:20:16" or "er:100000:1000000" (see graph/generators.hpp).
//
// Resolution rule: an existing file wins; otherwise a string that
// is_generator_spec() accepts is generated with the given seed; otherwise it
// is read as a file (so a missing file reports "no such file" by name).
// Cost: that of the reader or generator, then build_csr(). Deterministic: a
// spec and a seed give the same graph for any thread count. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sprig/graph/build.hpp>
#include <sprig/graph/edge_list.hpp>
#include <sprig/graph/progress.hpp>

namespace sprig {

struct GraphSourceOptions {
  /// Files: overrides the header's direction (no header: undirected). Generator
  /// specs: true keeps the generated pairs as arcs of a directed graph.
  std::optional<bool> directed;
  /// Files only: the declared node count (overrides the header's; else max id + 1).
  std::optional<std::int64_t> nodes;
  std::uint64_t seed = 1;    ///< seed for generator specs
  BuildOptions build{};      ///< how the CSR is built (self-loops, duplicates, ...)
  ProgressFn progress;       ///< reported by the reader/generator and the build
};

/// True when `source` names a generator (and no file of that name exists).
bool is_generated_source(std::string_view source);

/// The edge list of `source` (a generator spec with opt.seed, or a file read with
/// opt.directed / opt.nodes). `labels`, if given, receives an sbm spec's blocks
/// (cleared otherwise). Throws IoError for unreadable or malformed files,
/// InvalidArgument for a malformed spec or --nodes with a spec.
EdgeList load_edge_list(std::string_view source, const GraphSourceOptions& opt = {},
                        std::vector<std::int32_t>* labels = nullptr);

/// The graph of `source`, built with opt.build; `stats` (if not null) receives
/// what the build removed. Throws as load_edge_list() and build_csr().
Graph load_graph(std::string_view source, const GraphSourceOptions& opt = {}, BuildStats* stats = nullptr);

/// A short display name: the file name without directory and extensions
/// ("data/karate.edges.gz" → "karate"), or the spec itself for generators.
std::string source_name(std::string_view source);

}  // namespace sprig
