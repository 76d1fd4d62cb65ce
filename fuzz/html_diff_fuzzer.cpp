// Differential libFuzzer target: html_to_text against gumbo, the oracle the tests use
// (fuzz/html_diff_checks.h). Any disagreement aborts with both outputs. Run: see
// fuzz/README.md.
#include "fuzz/checks.h"
#include "fuzz/html_diff_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newswatch::fuzz::run_check(newswatch::fuzz::check_html_against_gumbo, data, size);
}
