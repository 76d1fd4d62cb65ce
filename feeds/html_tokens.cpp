// Each step is a loop over the bytes with the states the HTML5 specification names for it;
// no token is built.
#include "feeds/html_tokens.h"

#include <algorithm>
#include <string>

#include "feeds/ascii.h"

namespace newswatch {
namespace {

std::size_t find_case_insensitive(std::string_view haystack, std::string_view needle,
                                  std::size_t from) {
  if (needle.empty()) return from;
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && ascii_lower(haystack[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// Where "<script" or "</script" at html[at] is a whole tag name (followed by a space, '/' or
// '>'), the position after the name; else npos.
std::size_t after_script_name(std::string_view html, std::size_t at) {
  std::size_t after = at + (html[at + 1] == '/' ? 8 : 7);
  if (after >= html.size()) return std::string_view::npos;
  std::string_view name = html.substr(at + (html[at + 1] == '/' ? 2 : 1), 6);
  bool is_script = std::equal(name.begin(), name.end(), "script",
                              [](char a, char b) { return ascii_lower(a) == b; });
  if (!is_script || !(is_html_space(html[after]) || html[after] == '/' || html[after] == '>'))
    return std::string_view::npos;
  return after;
}

// The "</script" that ends a script's text, from `from` on, or npos. HTML5's script data
// states: after "<!--" a "<script" starts a nested (double-escaped) script whose "</script>"
// does not end the outer one; "-->" leaves the escape. Old pages wrap document.write() so.
std::size_t find_script_end(std::string_view html, std::size_t from) {
  enum class State { kData, kEscaped, kDoubleEscaped } state = State::kData;
  for (std::size_t at = html.find_first_of("<-", from); at != std::string_view::npos;
       at = html.find_first_of("<-", at + 1)) {
    if (html[at] == '-') {
      if (state != State::kData && html.substr(at, 3) == "-->") state = State::kData;
      continue;
    }
    if (state == State::kData && html.substr(at, 4) == "<!--") {
      state = State::kEscaped;
      ++at;  // the next look is at its dashes: "<!-->" escapes and leaves at once
      continue;
    }
    if (at + 1 >= html.size()) break;
    bool closing = html[at + 1] == '/';
    if (after_script_name(html, at) == std::string_view::npos) continue;
    if (closing && state != State::kDoubleEscaped) return at;
    if (closing)
      state = State::kEscaped;
    else if (state == State::kEscaped)
      state = State::kDoubleEscaped;
  }
  return std::string_view::npos;
}

// Where the end tag of a raw-text element `name` starts: "</name" followed by a space, '/'
// or '>' ("</scripts>" does not end a script).
std::size_t find_end_tag(std::string_view html, std::string_view name, std::size_t from) {
  if (name == "script") return find_script_end(html, from);
  std::string opening = "</";
  opening += name;
  for (std::size_t at = find_case_insensitive(html, opening, from); at != std::string_view::npos;
       at = find_case_insensitive(html, opening, at + 1)) {
    std::size_t after = at + opening.size();
    // At the end of the text "</name" is text (HTML5: no end tag without what ends its name).
    if (after < html.size() &&
        (is_html_space(html[after]) || html[after] == '/' || html[after] == '>'))
      return at;
  }
  return std::string_view::npos;
}

}  // namespace

std::size_t comment_end(std::string_view html, std::size_t at) {
  std::string_view rest = html.substr(at + 4);
  if (rest.starts_with(">")) return at + 5;
  if (rest.starts_with("->")) return at + 6;
  std::size_t end = std::min(html.find("-->", at + 4), html.find("--!>", at + 4));
  if (end == std::string_view::npos) return html.size();
  return end + (html[end + 2] == '!' ? 4 : 3);
}

bool opens_declaration(std::string_view rest) {
  if (rest.starts_with("--") || rest.starts_with("[CDATA[")) return true;
  return rest.size() >= 7 && (rest.substr(0, 7) == "DOCTYPE" || rest.substr(0, 7) == "doctype");
}

std::size_t skip_tag_rest(std::string_view html, std::size_t i) {
  enum class State { kBeforeName, kName, kAfterName, kBeforeValue, kQuoted, kUnquoted };
  State state = State::kBeforeName;
  char quote = 0;
  for (; i < html.size(); ++i) {
    char c = html[i];
    switch (state) {
      case State::kQuoted:
        if (c == quote) state = State::kBeforeName;
        continue;
      case State::kUnquoted:
        if (is_html_space(c)) state = State::kBeforeName;
        break;
      case State::kBeforeValue:
        if (is_html_space(c)) continue;
        if (c == '"' || c == '\'') {
          quote = c;
          state = State::kQuoted;
          continue;
        }
        if (c != '>') state = State::kUnquoted;
        break;
      case State::kBeforeName:
        if (!is_html_space(c) && c != '/' && c != '>') state = State::kName;
        break;
      case State::kName:
      case State::kAfterName:
        if (c == '=') {
          state = State::kBeforeValue;
          continue;
        }
        if (is_html_space(c)) {
          state = State::kAfterName;
        } else if (c == '/') {
          state = State::kBeforeName;
        } else if (state == State::kAfterName && c != '>') {
          state = State::kName;
        }
        break;
    }
    if (c == '>') return i + 1;
  }
  return html.size();
}

RawText raw_text(std::string_view html, std::string_view name, std::size_t from) {
  std::size_t end = find_end_tag(html, name, from);
  if (end == std::string_view::npos) return {html.substr(from), html.size()};
  return {html.substr(from, end - from), skip_tag_rest(html, end + 2 + name.size())};
}

}  // namespace newswatch
