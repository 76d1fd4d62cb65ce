// The shipped pack, parsed from topics/packs/iran-us.toml when the project was built
// (pack_compiler): decoding it at start-up takes a fraction of parsing its TOML.
#include "topics/builtin_pack.h"

#include "topics/pack_codec.h"
#include "topics/topic_pack.h"

namespace newswatch {

TopicPack TopicPack::builtin() { return decode_pack(kBuiltinPack); }

}  // namespace newswatch
