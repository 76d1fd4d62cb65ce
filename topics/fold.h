// Text folding for matching: the same function is applied to rules and to item text, so
// "HORMUZ", "Hormûz" and "hormuz" are one term.
#pragma once

#include <string>
#include <string_view>

namespace newswatch {

// NFKC, Unicode case folding, diacritics stripped, Arabic/Persian letter variants unified;
// every character that is not a letter or digit becomes a space, runs of spaces collapse, and
// the ends are trimmed. Words in the result are separated by exactly one ASCII space.
std::string fold(std::string_view utf8);

}  // namespace newswatch
