// sprig/io/simplices_io.hpp — reading timestamped simplices.
//
// Benson's three-file format (the datasets of "Simplicial closure and
// higher-order link prediction", cs.cornell.edu/~arb/data): PREFIX-nverts.txt
// gives each simplex's size, PREFIX-simplices.txt its nodes one per line
// (1-based ids, converted to 0-based), PREFIX-times.txt one integer time per
// simplex. Sequential, O(total size); files may be gzipped.
#pragma once

#include <string>

#include <sprig/graph/simplices.hpp>

namespace sprig {

/// Reads PREFIX-{nverts,simplices,times}.txt. Throws IoError naming the file,
/// the line and the reason (missing file, non-integer, size ≤ 0, id < 1 or
/// beyond 2^31 − 1, counts that disagree between the files).
SimplexList read_benson_simplices(const std::string& prefix);

}  // namespace sprig
