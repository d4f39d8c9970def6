// tests/test_config.hpp — facts about the build the tests adapt to.
//
// CI runs every test twice: in release and under ASan+UBSan (5–20× slower).
// Heavy tests (quality on real data, big brute-force sweeps) keep their full
// size in release and shrink under the sanitizers, where the point is memory
// and UB checking, not statistics. Never use this to loosen a bound.
#pragma once

namespace sprig::test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace sprig::test
