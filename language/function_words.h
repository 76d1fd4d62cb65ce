// Function words: the words that say nothing about which event a text reports, those of each
// language (languages.h: "the", "selon", "في") and the kickers and attributions of headlines
// ("Exclusive:", "..., officials say"). Story signatures leave them out.
//
// A seventh language adds its function words to its row in languages.cpp, and its headline
// kickers to kHeadlineWords in function_words.cpp.
#pragma once

#include <string_view>

namespace newswatch {

// Whether `folded_word`, one word of folded text (fold.h), is a function word.
bool is_function_word(std::string_view folded_word);

}  // namespace newswatch
