// sprig/graph/parallel.hpp — deterministic parallel loops over oneTBB.
//
// Chunking never depends on the thread count: loops split [begin, end) into
// fixed chunks of `grain` items (simple_partitioner), so a computation that
// writes per-chunk results to fixed slots and combines them in chunk order
// gives bitwise-identical results for any number of threads. The library
// never sets a global thread count; callers use with_threads().
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace sprig {

/// Runs fn() in an arena of n threads (n ≤ 0: all available).
template <class Fn>
decltype(auto) with_threads(int n, Fn&& fn) {
  if (n <= 0) return fn();
  tbb::task_arena arena(n);
  return arena.execute(std::forward<Fn>(fn));
}

/// Number of threads the current arena may use.
inline int current_threads() { return tbb::this_task_arena::max_concurrency(); }

/// fn(i) for i in [begin, end), in parallel; chunks of at most `grain` items.
template <class I, class Fn>
void parallel_for(I begin, I end, Fn&& fn, std::size_t grain = 1024) {
  if (end <= begin) return;
  tbb::parallel_for(
      tbb::blocked_range<I>(begin, end, grain),
      [&](const tbb::blocked_range<I>& r) {
        for (I i = r.begin(); i != r.end(); ++i) fn(i);
      },
      tbb::simple_partitioner());
}

/// Number of fixed chunks of `grain` items in [0, count).
inline std::size_t num_chunks(std::size_t count, std::size_t grain) { return (count + grain - 1) / grain; }

/// fn(chunk, begin, end) over fixed chunks [c·grain, min((c+1)·grain, count)),
/// in parallel. The chunk index is a stable slot for per-chunk partial results.
template <class Fn>
void parallel_chunks(std::size_t count, std::size_t grain, Fn&& fn) {
  const std::size_t chunks = num_chunks(count, grain);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, chunks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c) {
          const std::size_t b = c * grain;
          const std::size_t e = b + grain < count ? b + grain : count;
          fn(c, b, e);
        }
      },
      tbb::simple_partitioner());
}

/// Deterministic sum: per-chunk partials of f(i), added in chunk order.
template <class T, class Fn>
T parallel_sum(std::size_t count, Fn&& f, std::size_t grain = 4096) {
  std::vector<T> part(num_chunks(count, grain), T{});
  parallel_chunks(count, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    T s{};
    for (std::size_t i = b; i < e; ++i) s += f(i);
    part[c] = s;
  });
  T total{};
  for (const T& p : part) total += p;
  return total;
}

/// Exclusive prefix sum of `in` into `out` (out.size() == in.size() + 1), in parallel.
template <class T, class U, class AU, class AT>
void exclusive_scan(const std::vector<U, AU>& in, std::vector<T, AT>& out, std::size_t grain = 1 << 16) {
  const std::size_t n = in.size();
  out.resize(n + 1);
  const std::size_t chunks = num_chunks(n, grain);
  std::vector<T> part(chunks + 1, T{});
  parallel_chunks(n, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    T s{};
    for (std::size_t i = b; i < e; ++i) s += static_cast<T>(in[i]);
    part[c + 1] = s;
  });
  for (std::size_t c = 0; c < chunks; ++c) part[c + 1] += part[c];
  parallel_chunks(n, grain, [&](std::size_t c, std::size_t b, std::size_t e) {
    T s = part[c];
    for (std::size_t i = b; i < e; ++i) {
      out[i] = s;
      s += static_cast<T>(in[i]);
    }
  });
  out[n] = part[chunks];
}

}  // namespace sprig
