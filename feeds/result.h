// Errors as values. Every module returns Result<T> from operations that can fail on bad input
// or a bad network; exceptions are reserved for the edges (CLI, config load).
#pragma once

#include <expected>
#include <string>

namespace newswatch {

// A failure a person can act on: what went wrong, and where when there is a place
// ("feeds.toml:3:7: ...").
struct Error {
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

}  // namespace newswatch
