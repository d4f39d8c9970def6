// sprig/graph/progress.hpp — progress reporting as a callback with a contract.
//
// An algorithm calls the callback only on the calling thread, between rounds
// of parallel work, a few hundred times per run at most. Returning false
// cancels: the algorithm throws sprig::Cancelled. An empty callback costs a branch.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include <sprig/graph/error.hpp>

namespace sprig {

struct Progress {
  std::string_view stage;  ///< e.g. "parse", "sort rows"
  std::uint64_t done = 0;
  std::uint64_t total = 0;  ///< 0 when unknown
};

using ProgressFn = std::function<bool(const Progress&)>;

/// Reports to fn (if set) and throws Cancelled when it asks to stop.
inline void report(const ProgressFn& fn, std::string_view stage, std::uint64_t done, std::uint64_t total) {
  if (fn && !fn(Progress{stage, done, total})) throw Cancelled();
}

}  // namespace sprig
