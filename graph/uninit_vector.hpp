// UninitVector<T>: a std::vector whose resize() leaves trivial elements
// uninitialised, for the CSR arrays that are always filled right after.
//
// Why: std::vector<int>(m) zero-fills with one thread before anything is read
// into it. For a 0.5 GiB target array that one serial pass (plus a page fault per
// 4 KiB, taken by that one thread) cost more than reading the whole HDF5 file.
// With this allocator the pages are first touched by the parallel loop that
// fills them, and large blocks ask the kernel for transparent huge pages
// (madvise), so 0.5 GiB takes 256 faults instead of 131,072.
//
// Only default-initialisation changes: value-initialisation with an explicit
// value (resize(n, x), assign, insert) behaves as for std::vector. Thread-safe
// as std::allocator; no state.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace sprig {

template <class T>
struct DefaultInitAllocator {
  using value_type = T;
  /// Blocks at least this large are 2 MiB-aligned and advised for huge pages.
  static constexpr std::size_t kHugeBytes = std::size_t{32} << 20;
  static constexpr std::size_t kHugeAlign = std::size_t{2} << 20;

  DefaultInitAllocator() noexcept = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= kHugeBytes) {
      const std::size_t rounded = (bytes + kHugeAlign - 1) / kHugeAlign * kHugeAlign;
      void* p = std::aligned_alloc(kHugeAlign, rounded);
      if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
      ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure changes nothing but speed
#endif
      return static_cast<T*>(p);
    }
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) >= kHugeBytes)
      std::free(p);
    else
      std::allocator<T>().deallocate(p, n);
  }

  /// Default-initialise (no zeroing for trivial types) instead of value-initialise.
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    std::construct_at(p, std::forward<Args>(args)...);
  }

  friend bool operator==(const DefaultInitAllocator&, const DefaultInitAllocator&) noexcept { return true; }
};

/// A std::vector that does not zero its elements on resize (see above).
template <class T>
using UninitVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace sprig
