#include <sprig/graph/edge_list.hpp>

#include <cmath>
#include <limits>

#include <sprig/graph/error.hpp>

namespace sprig {

void EdgeList::validate() const {
  SPRIG_EXPECTS(n >= 0, "edge list: n = {} (must be >= 0)", n);
  SPRIG_EXPECTS(n <= std::numeric_limits<node_t>::max(), "edge list: n = {} exceeds the 32-bit node id range", n);
  SPRIG_EXPECTS(src.size() == dst.size(), "edge list: {} sources but {} targets", src.size(), dst.size());
  SPRIG_EXPECTS(weight.empty() || weight.size() == src.size(), "edge list: {} weights for {} edges", weight.size(),
                src.size());
  SPRIG_EXPECTS(time.empty() || time.size() == src.size(), "edge list: {} times for {} edges", time.size(),
                src.size());
  for (std::size_t i = 0; i < src.size(); ++i) {
    SPRIG_EXPECTS(src[i] >= 0 && src[i] < n, "edge list: edge {} has source {} outside [0, {})", i, src[i], n);
    SPRIG_EXPECTS(dst[i] >= 0 && dst[i] < n, "edge list: edge {} has target {} outside [0, {})", i, dst[i], n);
  }
  for (std::size_t i = 0; i < weight.size(); ++i)
    SPRIG_EXPECTS(std::isfinite(weight[i]), "edge list: edge {} has weight {} (must be finite)", i, weight[i]);
}

}  // namespace sprig
