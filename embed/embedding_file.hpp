// sprig/embed/embedding_file.hpp — writing embeddings and walks to files that
// other tools read: text (`node v1 v2 …`, optionally with word2vec's "n d"
// header line, so gensim's KeyedVectors.load_word2vec_format reads it), NumPy
// .npy (format 1.0: magic, little-endian header dict, C-order float32 data;
// numpy.load reads it), and walk text (one walk per line, ids separated by
// spaces, padding dropped).
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

}  // namespace sprig
