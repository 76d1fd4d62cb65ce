// A minimal JSON writer for one line of output. `newswatch parse` prints megabytes of text
// fields; a general JSON library validating and re-escaping every byte cost more than the
// parsing itself (17% of `parse` time over the bench corpus).
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/utf8.h"

namespace newswatch {

class JsonLine {
 public:
  JsonLine& begin_object() { return open('{'); }
  JsonLine& end_object() { return close('}'); }
  JsonLine& begin_array() { return open('['); }
  JsonLine& end_array() { return close(']'); }

  JsonLine& key(std::string_view name) {
    comma();
    quoted(name);
    out_.push_back(':');
    first_ = true;  // the value that follows needs no comma
    return *this;
  }
  JsonLine& value(std::string_view s) {
    comma();
    quoted(s);
    return *this;
  }
  JsonLine& nullable(const std::optional<std::string>& s) {
    if (!s) return null();
    return value(std::string_view(*s));
  }
  JsonLine& null() {
    comma();
    out_ += "null";
    return *this;
  }
  JsonLine& strings(const std::vector<std::string>& list) {
    begin_array();
    for (const auto& s : list) value(s);
    return end_array();
  }

  // The finished line, with its newline; the writer starts a new one.
  std::string take_line() {
    out_.push_back('\n');
    first_ = true;
    return std::exchange(out_, {});
  }

 private:
  JsonLine& open(char c) {
    comma();
    out_.push_back(c);
    first_ = true;
    return *this;
  }
  JsonLine& close(char c) {
    out_.push_back(c);
    first_ = false;
    return *this;
  }
  void comma() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  // A JSON string: '"', '\\' and control characters escaped, invalid UTF-8 replaced by
  // U+FFFD, everything else copied as runs.
  void quoted(std::string_view s) {
    out_.reserve(out_.size() + s.size() + 2);
    out_.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size();) {
      if (i + 8 <= s.size() && plain_word(s.data() + i)) {
        i += 8;
        continue;
      }
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (kPlain[c]) {
        ++i;
        continue;
      }
      std::size_t length = c >= 0x80 ? utf8_sequence_length(s, i) : 0;
      if (length > 0) {
        i += length;
        continue;
      }
      out_.append(s.substr(run, i - run));
      if (c == '"' || c == '\\') {
        out_.push_back('\\');
        out_.push_back(static_cast<char>(c));
      } else if (c < 0x20) {
        char escape[8];
        std::snprintf(escape, sizeof escape, "\\u%04x", c);
        out_ += escape;
      } else {
        out_ += "\xEF\xBF\xBD";
      }
      run = ++i;
    }
    out_.append(s.substr(run));
    out_.push_back('"');
  }

  // Whether eight bytes are all printable ASCII other than '"' and '\\' (SWAR: a byte of
  // `v ^ broadcast(c)` is zero exactly where v has c).
  static bool plain_word(const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    auto has_below_0x20 = (v - kOnes * 0x20) & ~v & kHigh;
    return ((v & kHigh) | has_below_0x20 | has_zero(v ^ (kOnes * '"')) |
            has_zero(v ^ (kOnes * '\\'))) == 0;
  }

  // Bytes copied as they are: printable ASCII other than '"' and '\\'.
  static constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();

  std::string out_;
  bool first_ = true;
};

}  // namespace newswatch
