// Feed text quoted in a parser warning or error message. Warnings go to the log and to
// `newswatch parse`, errors to the log and to feeds_v.last_error: what a feed wrote there must
// not act (forge a log line, drive a terminal, reorder the text after it) nor bloat them.
#pragma once

#include <string>
#include <string_view>

#include "feeds/shown_text.h"

namespace newswatch {

// printable() (feeds/shown_text.h) of the first `max_characters` characters of `text`, with
// "…" when there were more: a data: URL or a hostile date may be megabytes.
inline std::string excerpt(std::string_view text, std::size_t max_characters = 100) {
  std::size_t end = 0;
  for (std::size_t characters = 0; end < text.size(); ++end) {
    // Cut only before a character's first byte, never inside one.
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && characters++ == max_characters)
      break;
  }
  return end < text.size() ? printable(text.substr(0, end)) + "…" : printable(text);
}

}  // namespace newswatch
