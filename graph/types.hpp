// sprig/graph/types.hpp — the scalar types every module shares.
//
// Node ids are 32-bit (a partition of a larger graph is itself a Graph), arc
// offsets 64-bit so one machine can hold more than 2^31 arcs.
#pragma once

#include <cstdint>

namespace sprig {

using node_t = std::int32_t;  ///< a node id, 0 ≤ id < n
using edge_t = std::int64_t;  ///< an arc index into targets()

/// Where an algorithm runs. `cuda` throws InvalidArgument when sprig was built without CUDA.
enum class Device { cpu, cuda };

}  // namespace sprig
