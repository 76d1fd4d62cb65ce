// libFuzzer target: any bytes through the whole feed parser, with and without a base URL and
// an HTTP charset (fuzz/feed_checks.h). Run: see fuzz/README.md.
#include "fuzz/checks.h"
#include "fuzz/feed_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newswatch::fuzz::run_check(newswatch::fuzz::check_feed_parsing, data, size);
}
