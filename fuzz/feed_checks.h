// parse_fuzzer's properties: any bytes through the whole feed parser. Errors and warnings are
// fine; every text an item carries must be valid UTF-8 in NFC (feeds/item.h: plain UTF-8).
#pragma once

#include <string>
#include <string_view>

#include "feeds/parser.h"
#include "feeds/text.h"
#include "fuzz/checks.h"

namespace newswatch::fuzz {

inline std::string check_feed_parsing(std::string_view bytes) {
  ParseOptions options;
  // The first byte picks the options, so the corpus explores them too.
  unsigned char selector = bytes.empty() ? 0 : static_cast<unsigned char>(bytes[0]);
  if (selector & 1) options.base_url = "http://example.com/feeds/rss.xml";
  if (selector & 2) options.http_charset = "windows-1252";
  auto feed = parse_feed(bytes, options);
  if (feed) {
    if (auto broken = check_plain_text("the feed title", feed->title); !broken.empty())
      return broken;
    for (const auto& item : feed->items) {
      for (auto [what, text] : {std::pair{"an item title", &item.title},
                                std::pair{"an item summary", &item.summary},
                                std::pair{"an item content", &item.content}}) {
        if (auto broken = check_plain_text(what, *text); !broken.empty()) return broken;
      }
      for (const auto& category : item.categories) {
        if (auto broken = check_plain_text("a category", category); !broken.empty())
          return broken;
      }
      if (item.author) {
        if (auto broken = check_plain_text("an author", *item.author); !broken.empty())
          return broken;
      }
    }
  }
  (void)html_to_text(bytes);
  return {};
}

}  // namespace newswatch::fuzz
