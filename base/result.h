// Errors as values. Every module returns Result<T> from operations that can fail on bad input
// or a bad network; exceptions are reserved for the edges (CLI, config load).
//
// Result<T> is std::expected<T, Error> where the standard library has it. Clang 14 (the
// Debian 12 compiler with libFuzzer) cannot use libstdc++ 12's <expected>, so the fuzzing
// build gets a minimal stand-in with the same interface.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <version>

#if defined(__cpp_lib_expected)
#include <expected>
#else
#include <stdexcept>
#include <variant>
#endif

namespace newswatch {

// A place in a file: what a message about that file begins with ("feeds.toml:3:7").
struct SourcePosition {
  std::string file;
  std::size_t line = 0;    // from 1
  std::size_t column = 0;  // from 1, as the file's reader counts (characters, or bytes)

  std::string text() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

// What a caller may do differently about a failure; the message is for people only, and no
// caller reads it back.
enum class ErrorKind {
  general,
  // The database refused a write as a whole (full, read-only, locked, its log held by a
  // reader's snapshot): nothing of it is stored, and the same write may succeed later.
  not_stored,
};

// A failure a person can act on: what went wrong, and where when there is a place
// ("feeds.toml:3:7: ..."). `position` and `cause` repeat, for code, what the message says.
struct Error {
  Error() = default;
  Error(std::string message, ErrorKind kind = ErrorKind::general, std::string cause = {})
      : message(std::move(message)), kind(kind), cause(std::move(cause)) {}
  Error(std::string message, SourcePosition position)
      : message(std::move(message)), position(std::move(position)) {}

  std::string message;
  ErrorKind kind = ErrorKind::general;
  std::optional<SourcePosition> position;  // the place the message begins with, if any
  // The failure without its context (which feed, which file): for not_stored, the database's
  // words, the same for every feed of the write ("database or disk is full").
  std::string cause;
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

// "file:line:column: what": an error at a place in a file.
inline Error error_at(SourcePosition position, const std::string& what) {
  std::string message = position.text() + ": " + what;
  return Error(std::move(message), std::move(position));
}

}  // namespace newswatch
