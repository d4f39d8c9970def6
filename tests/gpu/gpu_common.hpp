// Helpers of sprig_gpu_tests: data graphs, R-MAT graphs, row-relative error.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include <sprig/embed/matrix.hpp>
#include <sprig/graph/build.hpp>
#include <sprig/graph/generators.hpp>
#include <sprig/io/edge_list_io.hpp>

namespace sprig::gpu_test {

inline Graph load(const std::string& name) {
  return read_graph(std::string(SPRIG_DATA_DIR) + "/" + name + ".edges.gz");
}

inline Graph rmat(int scale, std::uint64_t seed = 3) {
  return build_csr(generate("rmat:" + std::to_string(scale), seed));
}

/// max over rows of ‖a_i − b_i‖ / ‖b_i‖ (rows where b_i = 0 count ‖a_i‖ instead).
inline double row_relative_error(const Matrix& a, const Matrix& b) {
  double worst = 0;
  for (Eigen::Index i = 0; i < b.rows(); ++i) {
    const double nb = b.row(i).cast<double>().norm();
    const double diff = (a.row(i).cast<double>() - b.row(i).cast<double>()).norm();
    worst = std::max(worst, nb > 0 ? diff / nb : diff);
  }
  return worst;
}

}  // namespace sprig::gpu_test
