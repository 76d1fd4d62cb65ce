// parse_fuzzer's properties: any bytes through the whole feed parser. Errors and warnings are
// fine; every text a feed or an item carries must be valid UTF-8 in NFC (feeds/item.h: plain
// UTF-8) with no control a terminal would act on (it is stored, and shown by sqlite3 as it
// is), and every warning must be shown printable (it goes to logs and terminals).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feeds/parser.h"
#include "feeds/shown_text.h"
#include "feeds/text.h"
#include "fuzz/checks.h"

namespace newswatch::fuzz {

// Where `text` holds NUL, a C0 control other than tab and LF, DEL or a C1 control
// (U+0080-U+009F), or npos. Tab and LF are left to the whitespace rules, not this property.
inline std::size_t find_control(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) return i;
    // Valid UTF-8 (checked first): 0xC2 is always a lead byte, and 0x80-0x9F after it is C1.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0)
      return i;
  }
  return std::string_view::npos;
}

inline std::string check_text_field(std::string_view what, std::string_view text) {
  if (auto broken = check_plain_text(what, text); !broken.empty()) return broken;
  if (std::size_t at = find_control(text); at != std::string_view::npos)
    return std::string(what) + " holds a control character at byte " + std::to_string(at) + ": " +
           printable(text);
  return {};
}

// The text of an optional field, empty when there is none.
inline std::string_view optional_text(const std::optional<std::string>& text) {
  return text ? std::string_view(*text) : std::string_view();
}

inline std::string check_feed_parsing(std::string_view bytes) {
  ParseOptions options;
  // The first byte picks the options, so the corpus explores them too.
  unsigned char selector = bytes.empty() ? 0 : static_cast<unsigned char>(bytes[0]);
  if (selector & 1) options.base_url = "http://example.com/feeds/rss.xml";
  if (selector & 2) options.http_charset = "windows-1252";
  auto feed = parse_feed(bytes, options);
  if (!feed) {
    // Errors go to logs and feeds_v.last_error, warnings to logs: no control, no bidi.
    const std::string& message = feed.error().message;
    if (newswatch::printable(message) != message)
      return "an error is not shown printable: " + printable(message);
  } else {
    for (const auto& warning : feed->warnings) {
      if (newswatch::printable(warning) != warning)
        return "a warning is not shown printable: " + printable(warning);
    }
    std::vector<std::pair<const char*, std::string_view>> fields = {
        {"the feed title", feed->title},
        {"the feed link", optional_text(feed->link)},
        {"the feed language", optional_text(feed->language)}};
    for (const auto& item : feed->items) {
      fields.insert(fields.end(), {{"an item title", item.title},
                                   {"an item summary", item.summary},
                                   {"an item content", item.content},
                                   {"an author", optional_text(item.author)},
                                   {"a GUID", optional_text(item.guid)},
                                   {"an item link", optional_text(item.link)},
                                   {"a source outlet", optional_text(item.source_outlet)}});
      for (const auto& category : item.categories) fields.emplace_back("a category", category);
    }
    for (auto [what, text] : fields) {
      if (auto broken = check_text_field(what, text); !broken.empty()) return broken;
    }
  }
  return check_text_field("html_to_text's text", html_to_text(bytes));
}

}  // namespace newswatch::fuzz
