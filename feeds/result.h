// Errors as values. Every module returns Result<T> from operations that can fail on bad input
// or a bad network; exceptions are reserved for the edges (CLI, config load).
//
// Result<T> is std::expected<T, Error> where the standard library has it. Clang 14 (the
// Debian 12 compiler with libFuzzer) cannot use libstdc++ 12's <expected>, so the fuzzing
// build gets a minimal stand-in with the same interface.
#pragma once

#include <string>
#include <utility>
#include <version>

#if defined(__cpp_lib_expected)
#include <expected>
#else
#include <optional>
#include <stdexcept>
#include <variant>
#endif

namespace newswatch {

// A failure a person can act on: what went wrong, and where when there is a place
// ("feeds.toml:3:7: ...").
struct Error {
  std::string message;
};

#if defined(__cpp_lib_expected)

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Error error) { return std::unexpected<Error>(std::move(error)); }

#else

struct Failure {
  Error error;
};

inline Failure fail(Error error) { return Failure{std::move(error)}; }

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Failure> &&
           !std::is_same_v<std::decay_t<U>, Result>) Result(U&& value)
      : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}
  Result(Failure failure) : state_(std::in_place_index<1>, std::move(failure.error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return std::get<0>(state_); }
  const T& operator*() const { return std::get<0>(state_); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  T& value() {
    if (!has_value()) throw std::runtime_error(error().message);
    return std::get<0>(state_);
  }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class Result<void> {
 public:
  Result() = default;
  Result(Failure failure) : error_(std::move(failure.error)) {}
  bool has_value() const { return !error_; }
  explicit operator bool() const { return has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

#endif

inline auto fail(std::string message) { return fail(Error{std::move(message)}); }

}  // namespace newswatch
