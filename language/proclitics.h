// Proclitics: Arabic writes conjunctions, some prepositions and the article as part of the
// next word ("والقطري" is "wa-" + "al-" + "qatari"), so a phrase in the Arabic script may
// begin inside a word, after them. The phrase automaton (topics/phrase_automaton.h) asks
// may_follow_proclitics() of a phrase's first byte, and is_proclitics() of what precedes a
// match inside a word. Both read folded text (fold.h), where kaf is keheh.
//
// A seventh language that writes words onto the next one (Hebrew's ו ה ב ל: in its own
// script, scripts.h) adds its script to may_follow_proclitics() and its sequences to
// is_proclitics(), and raises kMaxProcliticBytes if they are longer. Persian writes none.
#pragma once

#include <cstdint>
#include <string_view>

#include "language/scripts.h"

namespace newswatch {

// Whether a phrase whose folded text starts with `byte` may begin after proclitics inside a
// word. Inline: the automaton asks it of every byte it scans.
constexpr bool may_follow_proclitics(unsigned char first_byte) {
  return is_arabic_lead(first_byte);
}

// True when `clitics`, folded, is a sequence of proclitics: wa-/fa-, then li- or bi-/ka-, then
// al- ("lil" is li- + al-).
constexpr bool is_proclitics(std::string_view clitics) {
  auto take = [&](std::string_view letter) {
    if (!clitics.starts_with(letter)) return false;
    clitics.remove_prefix(letter.size());
    return true;
  };
  if (clitics.empty()) return false;
  take("\u0648") || take("\u0641");                // wa-, fa-
  bool li = take("\u0644");                        // li-
  if (!li) take("\u0628") || take("\u06A9");       // bi-, ka- (folded kaf)
  take("\u0627\u0644") || (li && take("\u0644"));  // al-, or li- + al- = "lil"
  return clitics.empty();
}

// The longest sequence is_proclitics accepts: wa-/fa-, bi-/ka-, al- (four letters). The
// automaton reads back no further than this from a match inside a word.
constexpr std::uint32_t kMaxProcliticBytes = 8;

}  // namespace newswatch
