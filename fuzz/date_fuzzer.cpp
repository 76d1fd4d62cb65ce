// libFuzzer target: parse_date and format_iso8601 (fuzz/date_checks.h). Run: see fuzz/README.md.
#include "fuzz/checks.h"
#include "fuzz/date_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newswatch::fuzz::run_check(newswatch::fuzz::check_date_parsing, data, size);
}
