// Text folding for matching: the same function is applied to rules and to item text, so
// "HORMUZ", "Hormûz" and "hormuz" are one term. Folded text is what topic packs match and
// what story signatures hash, and both are stored: a change to folding changes what stored
// articles matched and how they cluster (`newswatch rematch` and `recluster` redo them).
//
// A seventh language: Unicode's folding serves every script; one whose script spells a
// letter several ways that its writers mix (as Arabic and Persian do yeh and kaf) adds them
// to unify_letter() in fold.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace newswatch {

// NFKC, Unicode case folding, diacritics stripped, Arabic/Persian letter variants unified;
// every character that is not a letter or digit becomes a space, runs of spaces collapse, and
// the ends are trimmed. Words in the result are separated by exactly one ASCII space.
std::string fold(std::string_view utf8);

// whole_words(fold(utf8), max_bytes), folding no more of `utf8` than that needs: the cost
// depends on the cap, not on how much text follows it (but for a word, or a run of non-ASCII
// text, that crosses the cap: it is read to its end).
std::string fold(std::string_view utf8, std::size_t max_bytes);

// The longest prefix of folded text that is at most `max_bytes` long and ends with a whole
// word: a word the cut would split is left out, so that "iranian" never becomes "iran".
std::string_view whole_words(std::string_view folded, std::size_t max_bytes);

// The words of folded text, in order.
std::vector<std::string_view> words_of(std::string_view folded);

}  // namespace newswatch
