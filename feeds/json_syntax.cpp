#include "feeds/json_syntax.h"

#include <cstring>

#include "base/text_position.h"

namespace newswatch {

bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::string line_and_column(std::string_view text, std::size_t offset) {
  auto at = line_column_at(text, offset, ColumnUnit::characters);
  return "line " + std::to_string(at.line) + ", column " + std::to_string(at.column);
}

std::optional<JsonFlaw> find_json_flaw(std::string_view text) {
  std::string open;  // the brackets open, innermost last
  bool root_closed = false;
  std::size_t string_start = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (string_start != std::string_view::npos) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        string_start = std::string_view::npos;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        return JsonFlaw{simdjson::UNESCAPED_CHARS, i};
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (root_closed) return JsonFlaw{simdjson::TRAILING_CONTENT, i};
    if (c == '"') {
      string_start = i;
    } else if (c == '{' || c == '[') {
      open.push_back(c);
    } else if (c == '}' || c == ']') {
      if (open.empty() || open.back() != (c == '}' ? '{' : '['))
        return JsonFlaw{simdjson::TAPE_ERROR, i};
      open.pop_back();
      root_closed = open.empty();
    }
  }
  if (string_start != std::string_view::npos)
    return JsonFlaw{simdjson::UNCLOSED_STRING, string_start};
  if (!open.empty()) return JsonFlaw{simdjson::INCOMPLETE_ARRAY_OR_OBJECT, text.size()};
  return std::nullopt;
}

std::size_t replace_lone_surrogates(char* text, std::size_t size) {
  auto surrogate = [&](std::size_t at, char32_t low, char32_t high) {
    if (at + 6 > size || text[at] != '\\' || text[at + 1] != 'u') return false;
    char32_t value = 0;
    for (std::size_t k = at + 2; k < at + 6; ++k) {
      char c = text[k];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) return false;
      value = value * 16 + static_cast<char32_t>(digit);
    }
    return value >= low && value <= high;
  };
  std::size_t count = 0;
  for (char* at = static_cast<char*>(std::memchr(text, '\\', size)); at != nullptr;) {
    auto i = static_cast<std::size_t>(at - text);
    std::size_t next = i + 2;  // past \n, \\, \", ...
    if (surrogate(i, 0xD800, 0xDBFF) && surrogate(i + 6, 0xDC00, 0xDFFF)) {
      next = i + 12;
    } else if (surrogate(i, 0xD800, 0xDFFF)) {
      std::memcpy(at, "\\uFFFD", 6);
      next = i + 6;
      ++count;
    }
    at = next < size ? static_cast<char*>(std::memchr(text + next, '\\', size - next)) : nullptr;
  }
  return count;
}

std::string describe_json_error(simdjson::error_code code) {
  switch (code) {
    case simdjson::TAPE_ERROR:
      return "a comma, colon, bracket or brace missing or out of place";
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "the document ends inside an array or object";
    case simdjson::INCORRECT_TYPE:
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "not a JSON value";
    case simdjson::STRING_ERROR:
      return "invalid escape in a string";
    case simdjson::NUMBER_ERROR:
      return "invalid number";
    case simdjson::UNCLOSED_STRING:
      return "unclosed string";
    case simdjson::UNESCAPED_CHARS:
      return "control character in a string";
    case simdjson::DEPTH_ERROR:
      return "nested more than " + std::to_string(kMaxJsonDepth) + " levels deep";
    case simdjson::TRAILING_CONTENT:
      return "more after the end of the document";
    default:
      return simdjson::error_message(code);
  }
}

}  // namespace newswatch
