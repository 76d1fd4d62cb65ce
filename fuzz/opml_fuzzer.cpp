// libFuzzer target: parse_opml (fuzz/opml_checks.h). Run: see fuzz/README.md.
#include "fuzz/checks.h"
#include "fuzz/opml_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newswatch::fuzz::run_check(newswatch::fuzz::check_opml, data, size);
}
