// Differential libFuzzer target: html_to_text against gumbo (tests/html_oracle.h) on valid
// UTF-8 without control characters (where the two handle bad input differently by design) and
// without the documented intended differences. Any disagreement aborts with both outputs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "feeds/encoding.h"
#include "feeds/text.h"
#include "html_oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view html(reinterpret_cast<const char*>(data), size);
  for (std::size_t i = 0; i < html.size();) {
    std::size_t length = newswatch::utf8_sequence_length(html, i);
    if (length == 0) return 0;
    unsigned char c = static_cast<unsigned char>(html[i]);
    // Control characters: gumbo turns them into U+FFFD, html_to_text keeps them.
    bool control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F ||
                   (c == 0xC2 && static_cast<unsigned char>(html[i + 1]) < 0xA0);
    if (control) return 0;
    i += length;
  }
  if (newswatch::test::has_intended_difference(html)) return 0;
  std::string ours = newswatch::html_to_text(html);
  std::string oracle = newswatch::test::gumbo_text(html);
  if (ours != oracle) {
    std::fprintf(stderr, "html_to_text: [%s]\ngumbo:        [%s]\n", ours.c_str(), oracle.c_str());
    std::abort();
  }
  return 0;
}
