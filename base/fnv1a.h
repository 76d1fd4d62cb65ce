// FNV-1a: a hash that is the same on every platform, compiler and run, which std::hash is
// not. Story signatures and article content keys are stored in databases, so what these
// return must never change (base_test pins both against known values).
#pragma once

#include <cstdint>
#include <string_view>

namespace newswatch {

// One loop for both widths; only the offset basis and the prime differ.
template <typename Hash, Hash kOffsetBasis, Hash kPrime>
constexpr Hash fnv1a(std::string_view bytes) {
  Hash hash = kOffsetBasis;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kPrime;
  }
  return hash;
}

constexpr std::uint32_t fnv1a_32(std::string_view bytes) {
  return fnv1a<std::uint32_t, 2166136261u, 16777619u>(bytes);
}

constexpr std::uint64_t fnv1a_64(std::string_view bytes) {
  return fnv1a<std::uint64_t, 14695981039346656037ull, 1099511628211ull>(bytes);
}

}  // namespace newswatch
