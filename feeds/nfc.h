// Unicode NFC for every text a parsed feed carries. The text is put in Unicode's Stream-Safe
// Text Format first (UAX #15, section 13): after 30 combining marks in a row (non-starters,
// counted in NFKD) a COMBINING GRAPHEME JOINER (U+034F) is inserted, so that normalising, now
// and later, takes time linear in the length (Zalgo text would make it quadratic). Other text
// is unchanged.
#pragma once

#include <string>
#include <string_view>

namespace newswatch {

// True when `utf8` is valid UTF-8 that NFC certainly leaves unchanged (a cheap check; false
// means "maybe not").
bool is_quick_nfc(std::string_view utf8);
// The same for one code point: NFC leaves it unchanged wherever it stands. Text is quick NFC
// exactly when each of its code points is, so text written piece by piece can be checked so.
bool is_quick_nfc(char32_t code_point);

// Unicode NFC of valid UTF-8, in the Stream-Safe Text Format; invalid sequences become U+FFFD
// first.
std::string to_nfc(std::string_view utf8);

}  // namespace newswatch
