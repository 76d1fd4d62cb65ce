// opml_fuzzer's properties. parse_opml on any bytes either fails with an error naming
// "origin:line:column" (or that the document is not OPML at all), or lists feeds that each
// have a URL (daemon/opml.h).
#pragma once

#include <string>
#include <string_view>

#include "daemon/opml.h"
#include "fuzz/checks.h"

namespace newswatch::fuzz {

inline const std::string kOpmlOrigin = "fuzz.opml";

inline std::string check_opml(std::string_view bytes) {
  auto feeds = parse_opml(std::string(bytes), kOpmlOrigin);
  if (!feeds) {
    const std::string& message = feeds.error().message;
    if (names_place(message, kOpmlOrigin) ||
        message == kOpmlOrigin + ": not an OPML file (no <opml><body>)")
      return {};
    return "an OPML error without " + kOpmlOrigin + ":line:column: '" + printable(message) + "'";
  }
  for (const auto& feed : *feeds) {
    if (feed.url.empty()) return "a feed without a URL";
  }
  return {};
}

}  // namespace newswatch::fuzz
