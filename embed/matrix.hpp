// sprig/embed/matrix.hpp — the dense matrix type of sprig's embeddings.
//
// One row per node, float32, row-major (Eigen 3.4), so a node's vector is
// contiguous: propagation kernels gather whole rows, writers stream rows, and
// numpy reads the buffer as C order. Not thread-safe to write concurrently to
// the same row; distinct rows are independent.
#pragma once

#include <Eigen/Core>

namespace sprig {

/// n × d float32 row-major matrix (row i = the vector of node i).
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace sprig
