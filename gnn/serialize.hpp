// sprig/gnn/serialize.hpp — saving and loading GNN models as HDF5.
//
// Layout: the root group carries the attributes `format` = "sprig-gnn-model",
// `version` = 1 and every ModelSpec field (kind, in_features, hidden, ...);
// /params/NAME is one float32 rows × cols dataset per parameter (NAME as in
// Param::name, e.g. "gcn0.weight"), with an `index` attribute giving its
// position in Model::parameters(). Loading rebuilds the stack with
// make_model(spec) and fills each parameter by name, checking every shape, so
// h5py users can read the weights by name too.
// The file is written under a temporary name and renamed (io/atomic_file).
// Cost O(#params). HDF5 is not thread-safe: one call at a time.
#pragma once

#include <sprig/gnn/model.hpp>

#include <string>

namespace sprig::gnn {

/// Writes `model` (which must carry the spec it was built from) to `path`. Throws IoError.
void save_model(const std::string& path, Model& model);

/// Reads a model written by save_model. Throws IoError naming the file and dataset for a
/// missing or misshapen parameter, a wrong format or version.
Model load_model(const std::string& path);

}  // namespace sprig::gnn
