#include "feeds/shown_text.h"

#include <cstdint>
#include <cstdio>

#include "base/utf8.h"

namespace newswatch {
namespace {

bool acts_on_display(char32_t code) {
  return (code >= 0x80 && code <= 0x9F) ||      // C1 controls (CSI, OSC, ...)
         code == 0x061C ||                      // Arabic letter mark
         code == 0x200E || code == 0x200F ||    // left-to-right and right-to-left marks
         (code >= 0x202A && code <= 0x202E) ||  // embeddings and overrides
         (code >= 0x2066 && code <= 0x2069) ||  // isolates
         code == 0x2028 || code == 0x2029;      // line and paragraph separators
}

void append_escape(std::string& out, const char* format, unsigned value) {
  char escape[16];
  std::snprintf(escape, sizeof escape, format, value);
  out += escape;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t code = 0;
    std::size_t length = decode_utf8(text, i, code);
    if (length == 0) {
      append_escape(out, "\\x%02x", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (code == '\n') {
      out += "\\n";
    } else if (code == '\r') {
      out += "\\r";
    } else if (code == '\t') {
      out += "\\t";
    } else if (code < 0x20 || code == 0x7F) {
      append_escape(out, "\\x%02x", static_cast<unsigned>(code));
    } else if (acts_on_display(code)) {
      append_escape(out, "\\u%04x", static_cast<unsigned>(code));
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string without_credentials(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (std::size_t scheme_end = text.find("://"); scheme_end != std::string_view::npos;
       scheme_end = text.find("://", scheme_end + 3)) {
    std::size_t authority = scheme_end + 3;
    std::size_t end = text.find_first_of("/?#\\ \t\r\n\"'<>", authority);
    if (end == std::string_view::npos) end = text.size();
    std::size_t at = text.rfind('@', end == authority ? authority : end - 1);
    if (at == std::string_view::npos || at < authority || at >= end) continue;
    out.append(text.substr(copied, authority - copied));
    out += "***";
    copied = at;  // from the '@' on
  }
  out.append(text.substr(copied));
  return out;
}

std::string url_origin(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "…";
  std::size_t authority = scheme_end + 3;
  std::size_t end = url.find_first_of("/?#", authority);
  if (end == std::string_view::npos) end = url.size();
  std::string_view host = url.substr(authority, end - authority);
  if (std::size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  std::string origin(url.substr(0, authority));
  origin += host;
  if (end < url.size()) origin += "/…";
  return origin;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace newswatch
