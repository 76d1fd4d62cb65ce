// A compiled topic pack as bytes and back: the shipped pack is parsed from TOML when the
// project is built (pack_compiler) and decoded at start-up, which costs a few million
// instructions where toml11 took some 250 million (about 50 ms of every start).
#pragma once

#include <string>
#include <string_view>

#include "topics/topic_pack.h"

namespace newswatch {

std::string encode_pack(const TopicPack& pack);
// Throws std::runtime_error on bytes encode_pack() did not write.
TopicPack decode_pack(std::string_view bytes);

}  // namespace newswatch
