// Which script a text is written in, as far as newswatch tells scripts apart: Arabic (that of
// Arabic and Persian) or Latin (everything else). Folded text (fold.h) keeps Arabic letters in
// the Arabic block, U+0600–U+06FF, whose UTF-8 lead bytes are 0xD8–0xDB: one byte tells.
//
// A seventh language in the Latin or Arabic script needs nothing here. One in another script
// (Cyrillic: U+0400–U+04FF, lead bytes 0xD0–0xD3) adds its Script value and its test in
// script_of(); until then its text counts as Latin, and guess_language() (languages.h) weighs
// it against the Latin-script languages.
#pragma once

#include <cstddef>
#include <string_view>

namespace newswatch {

enum class Script : unsigned char { kLatin, kArabic };

// Whether `byte` starts the UTF-8 of a character of the Arabic block.
constexpr bool is_arabic_lead(unsigned char byte) { return byte >= 0xD8 && byte <= 0xDB; }

// kArabic when `utf8` holds a character of the Arabic block, else kLatin. The last byte is
// not looked at: a lead byte there starts no character.
constexpr Script script_of(std::string_view utf8) {
  for (std::size_t i = 0; i + 1 < utf8.size(); ++i) {
    if (is_arabic_lead(static_cast<unsigned char>(utf8[i]))) return Script::kArabic;
  }
  return Script::kLatin;
}

}  // namespace newswatch
