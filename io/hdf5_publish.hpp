// sprig/io/hdf5_publish.hpp — replace one object inside an HDF5 file so that a
// reader (or a crash) sees the old object or the whole new one, never half.
//
// The new object is written under a hidden temporary link, the file flushed,
// then the target unlinked and the temporary moved onto it, and flushed again.
// A failure while writing deletes the temporary link and rethrows; the target
// is untouched. Cost: one extra flush. Thread-safety: as File (one writer).
#pragma once

#include <string>

#include <sprig/io/hdf5.hpp>

namespace sprig::h5 {

/// Writes with write() under `tmp`, then moves it onto `target` (see above).
template <class Write>
void publish_object(const File& f, const std::string& tmp, const std::string& target, Write&& write) {
  try {
    write();
    f.flush();  // the data is on disk before any link names it
    if (f.exists(target)) f.remove(target);
    f.move(tmp, target);
    f.flush();
  } catch (...) {
    if (f.exists(tmp)) H5Ldelete(f.id(), tmp.c_str(), H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    throw;
  }
}

}  // namespace sprig::h5
