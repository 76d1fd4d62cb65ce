// libFuzzer target: html_to_text and the other text functions of feeds/text.h
// (fuzz/html_text_checks.h). Run: see fuzz/README.md.
#include "fuzz/checks.h"
#include "fuzz/html_text_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newswatch::fuzz::run_check(newswatch::fuzz::check_text_conversion, data, size);
}
