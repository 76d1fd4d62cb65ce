// The languages of the news being watched: English, French, German, Spanish, Arabic and
// Persian, each with its code, its script, its function words and the commonest of them; and
// guess_language(), which tells them apart in a text. Story signatures store the code
// (StorySignature::language) and clustering compares it.
//
// A seventh language's code goes in this folder alone:
// - its row in kLanguages (languages.cpp): code, script, function words and commonest words,
//   written as people write them (they are folded when read). Rows are weighed in order: of
//   two languages with as many common words in a text, the first is guessed.
// - its script, when it is neither Latin nor Arabic: scripts.h.
// - when its script spells one letter several ways: unify_letter() in fold.cpp; when it
//   writes words onto the next: proclitics.h; when it has digits of its own: digits.h; the
//   kickers of its headlines ("Exclusive:"): function_words.cpp.
// Outside it: tests in tests/language_test.cpp; phrases in its words in the topic packs
// (topics/packs/), and labeled items in it for `newswatch eval`. Articles stored before keep
// the signatures they were given (until `newswatch recluster`).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "language/scripts.h"

namespace newswatch {

struct Language {
  const char* code;  // ISO 639-1
  Script script;
  const char* function_words;  // words that say nothing about which event a text reports
  const char* common_words;    // its commonest words, which tell it from the others
};

// Every language, in the order guess_language() weighs them.
std::span<const Language> languages();

// The code of the language `folded_words` (a text's words, folded) are in, "" when unknown:
// among the languages of `raw`'s script, the one with most of its common words there. Text in
// the Arabic script with none of them is "ar". `raw` is the text before folding (its first
// few hundred bytes suffice).
std::string guess_language(const std::vector<std::string_view>& folded_words, std::string_view raw);

}  // namespace newswatch
