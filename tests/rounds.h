// How many rounds a test that repeats one scenario runs: it includes nothing, so that any test
// can use it without the names test_support.h brings.
#pragma once

namespace newswatch::test {

// Under AddressSanitizer or ThreadSanitizer, the tests that repeat one scenario many times (kill
// after kill, random pack after random pack) run a quarter of the rounds: a sanitizer looks for
// memory and thread errors, which the first rounds meet as well as the last, and every round
// costs several times what it costs in the release build, whose run keeps every round.
// GCC says so with __SANITIZE_*__, clang (which builds build-asan/) with __has_feature.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NEWSWATCH_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NEWSWATCH_TEST_SANITIZED 1
#endif
#endif
#if defined(NEWSWATCH_TEST_SANITIZED)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
constexpr int rounds(int full) { return kSanitized ? (full + 3) / 4 : full; }

}  // namespace newswatch::test
