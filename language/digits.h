// Digits other than ASCII's. Folding (fold.h) keeps them as they are written; story
// signatures compare a headline's numbers, and "١٤" (Arabic-Indic, U+0660–U+0669) and "۱۴"
// (Persian, U+06F0–U+06F9) are 14 as much as "14" is.
//
// A seventh language with digits of its own (Devanagari's, U+0966–U+096F) adds them to
// ascii_digits() in digits.cpp, with the lead bytes it looks for before converting.
#pragma once

#include <string>
#include <string_view>

namespace newswatch {

// `word` with its Arabic-Indic and Persian digits written as ASCII digits, in `buffer` when
// it has any, else `word` itself.
std::string_view ascii_digits(std::string_view word, std::string& buffer);

}  // namespace newswatch
