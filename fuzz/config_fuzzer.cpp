// libFuzzer target: Config::parse (fuzz/config_checks.h). Run: see fuzz/README.md.
#include "fuzz/checks.h"
#include "fuzz/config_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newswatch::fuzz::run_check(newswatch::fuzz::check_config, data, size);
}
