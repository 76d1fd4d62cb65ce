// libFuzzer target: resolve_url, canonical_article_url and without_tracking
// (fuzz/url_checks.h). Run: see fuzz/README.md.
#include "fuzz/checks.h"
#include "fuzz/url_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newswatch::fuzz::run_check(newswatch::fuzz::check_url_handling, data, size);
}
