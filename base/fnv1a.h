// FNV-1a: a hash that is the same on every platform, compiler and run, which std::hash is
// not. Story signatures and article content keys are stored in databases, so what these
// return must never change (base_test pins both against known values).
#pragma once

#include <cstdint>
#include <string_view>

namespace newswatch {

constexpr std::uint32_t fnv1a_32(std::string_view bytes) {
  std::uint32_t hash = 2166136261u;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

constexpr std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace newswatch
