// What simdjson leaves to its caller and a feed reader needs, for json_feed.cpp: RFC 8259's
// number grammar (On Demand checks a number only when asked to convert it), the lone surrogate
// escapes RFC 8259 allows and simdjson refuses, a depth limit, and where invalid JSON went
// wrong (simdjson says what, not where).
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace newswatch {

// Deeper documents are refused (simdjson's DOM parser refused those past 1024 levels). On
// Demand leaves the limit to its caller, and checking a value recurses; its development
// checks, on in debug builds, assert that its iterator stays under the parser's 1024.
constexpr int kMaxJsonDepth = 1000;
static_assert(kMaxJsonDepth + 1 < simdjson::DEFAULT_MAX_DEPTH);

// True when `token` is a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, of any
// size or precision.
bool is_json_number(std::string_view token);

// Rewrites in place each \uXXXX escape of a surrogate without its other half as \uFFFD, as
// WHATWG's decoders read one; returns how many there were. The text keeps its length.
std::size_t replace_lone_surrogates(char* text, std::size_t size);

// Where an invalid document's strings and brackets go wrong: a control character in a string,
// a string never closed, a bracket closing what it did not open, an array or object the
// document ends inside, or more after the root value. nullopt when they are sound (the error
// is then in a value, where simdjson's iterator stopped). What simdjson's first pass and its
// check of the root report without a place.
struct JsonFlaw {
  simdjson::error_code code;
  std::size_t offset;
};
std::optional<JsonFlaw> find_json_flaw(std::string_view text);

// "line 3, column 7" of a byte offset in `text`; columns count characters.
std::string line_and_column(std::string_view text, std::size_t offset);

// What a simdjson error means, in words for someone looking at the document.
std::string describe_json_error(simdjson::error_code code);

}  // namespace newswatch
