// sprig/embed/embedding_file.hpp — writing embeddings and walks to files that
// other tools read: text (`node v1 v2 …`, optionally with word2vec's "n d"
// header line, so gensim's KeyedVectors.load_word2vec_format reads it), NumPy
// .npy (format 1.0: magic, little-endian header dict, C-order float32 data;
// numpy.load reads it), and walk text (one walk per line, ids separated by
// spaces, padding dropped), and walks as HDF5 (dataset /walks: n_walks ×
// length int32, −1 padding, the walk options as its attributes; h5py reads it).
//
// Every file is written to a temporary name and renamed when complete
// (io/atomic_file.hpp), gzip-compressed when the text path ends in ".gz".
// Floats are printed in the shortest form that reads back to the same float.
// Cost O(n·d). Output does not depend on the thread count.
#pragma once

#include <string>
#include <vector>

#include <sprig/embed/matrix.hpp>
#include <sprig/embed/walks.hpp>
#include <sprig/io/hdf5.hpp>

namespace sprig {

struct EmbeddingTextOptions {
  bool word2vec_header = false;      ///< first line "n d"
  const std::vector<std::string>* names = nullptr;  ///< row i's label (default: i); size must be n
};

/// Writes `x` as text rows "node v1 … vd". Throws IoError, InvalidArgument on a names size mismatch.
void write_embedding_text(const std::string& path, const Matrix& x, const EmbeddingTextOptions& opt = {});

/// Writes `x` as a NumPy .npy file (float32, shape (n, d), C order). Throws IoError.
void write_embedding_npy(const std::string& path, const Matrix& x);

/// Reads a float32 C-order 2-D .npy file (what write_embedding_npy writes). Throws IoError.
Matrix read_embedding_npy(const std::string& path);

/// Writes walks as text, one walk per line. Throws IoError.
void write_walks_text(const std::string& path, const Walks& walks);

/// Writes walks to a new HDF5 file: dataset /walks (count × length int32, −1
/// padding, deflate), `attrs` plus "first" (index of the first walk) as its
/// attributes. Written beside `path` and renamed when complete. Throws IoError.
void write_walks_hdf5(const std::string& path, const Walks& walks, const h5::Attributes& attrs = {});

/// Reads /walks of an HDF5 file (what write_walks_hdf5 writes); its attributes
/// into *attrs when given. Throws IoError naming the file and dataset when it is
/// missing, not a 2-D integer dataset, or holds an id < −1 or a node after −1.
Walks read_walks_hdf5(const std::string& path, h5::Attributes* attrs = nullptr);

}  // namespace sprig
