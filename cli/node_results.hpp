// sprig/cli/node_results.hpp — per-node results of `sprig centrality`,
// `communities` and `wl` written to HDF5 (`-o results.h5`): each measure
// becomes /nodes/<measure>, an n × 1 float64 dataset whose attributes record
// the options that produced it. An existing file (e.g. the graph's own .h5)
// gets the datasets appended (io/hdf5_graph's append: written under a
// temporary name, then renamed; a measure of the same name is replaced); a
// new file is first written with the graph itself (temp file + rename), so
// the results always sit beside the graph they describe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <sprig/graph/csr.hpp>
#include <sprig/io/hdf5_graph.hpp>

namespace sprig::cli {

/// True when `-o path` asks for HDF5 (.h5, .hdf5, .he5).
inline bool wants_hdf5(const std::string& path) { return !path.empty() && is_hdf5_path(path); }

/// Writes `values` (one vector of n values per name) as /nodes/<name> in `path`.
inline void write_node_results(const std::string& path, const Graph& g, const std::vector<std::string>& names,
                               const std::vector<std::vector<double>>& values, const h5::Attributes& attrs) {
  if (!std::filesystem::exists(path)) write_hdf5(path, g);
  for (std::size_t i = 0; i < names.size(); ++i) {
    DenseMatrix<double> m(g.num_nodes(), 1);
    m.data = values[i];
    append_node_values(path, names[i], m, attrs, {.overwrite = true});
  }
}

}  // namespace sprig::cli
