// libFuzzer target: TopicPack::parse, then a Matcher of the pack on the pack's own text
// (fuzz/topic_pack_checks.h). Run: see fuzz/README.md.
#include "fuzz/checks.h"
#include "fuzz/topic_pack_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return newswatch::fuzz::run_check(newswatch::fuzz::check_topic_pack, data, size);
}
