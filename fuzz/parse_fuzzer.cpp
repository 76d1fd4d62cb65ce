// libFuzzer target: any bytes through the whole feed parser, with and without a base URL
// and an HTTP charset. Crashes, leaks, sanitizer reports and hangs are bugs; errors and
// warnings are fine. Run: see fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "feeds/parser.h"
#include "feeds/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  newswatch::ParseOptions options;
  // The first byte picks the options, so the corpus explores them too.
  if (size > 0 && (data[0] & 1)) options.base_url = "http://example.com/feeds/rss.xml";
  if (size > 0 && (data[0] & 2)) options.http_charset = "windows-1252";
  auto feed = newswatch::parse_feed(bytes, options);
  if (feed) {
    for (const auto& item : feed->items) {
      // Every text the parser returns must be valid UTF-8 in NFC.
      if (newswatch::to_nfc(item.title) != item.title) __builtin_trap();
    }
  }
  (void)newswatch::html_to_text(bytes);
  return 0;
}
