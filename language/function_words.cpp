#include "language/function_words.h"

#include <string>

#include "language/fold.h"
#include "language/languages.h"
#include "language/word_lookup.h"

namespace newswatch {
namespace {

// The kickers and attributions of headlines; English ones so far.
constexpr const char* kHeadlineWords =
    "exclusive watch live update updates analysis explainer latest breaking video opinion "
    "report reports official officials source sources according what know far today "
    "monday tuesday wednesday thursday friday saturday sunday week";

// Kept folded, as text is compared.
const WordSet& function_words() {
  static const WordSet words = [] {
    WordSet set;
    auto add = [&](const char* list) {
      std::string folded = fold(list);
      for (auto word : words_of(folded)) set.emplace(word);
    };
    for (const Language& language : languages()) add(language.function_words);
    add(kHeadlineWords);
    return set;
  }();
  return words;
}

}  // namespace

bool is_function_word(std::string_view folded_word) {
  return function_words().count(folded_word) != 0;
}

}  // namespace newswatch
