#include "language/languages.h"

#include <cstddef>
#include <cstdint>
#include <iterator>

#include "language/fold.h"
#include "language/word_lookup.h"

namespace newswatch {
namespace {

constexpr Language kLanguages[] = {
    {"en", Script::kLatin,
     "a an the of in on at to for from by with and or as is are was were be been has have "
     "had it its this that these those he she they we you his her their our who what which "
     "when where why how not no but if than then so will would could can may might after "
     "before over into about amid against between during up down out off more most also "
     "just new says said say told",
     "the of and to in on for with is at by from as says after"},
    {"fr", Script::kLatin,
     "le la les des du de et un une en pour sur dans est au aux par avec qui que se ne pas "
     "sa son ses plus il elle ils ont a été selon après",
     "le la les des du et une pour sur dans est au aux par avec selon"},
    {"de", Script::kLatin,
     "der die das und den dem des ein eine einer im in zu mit von für auf ist nicht sich "
     "auch an nach aus bei über sei hat wird werden vor",
     "der die das und den dem des ein eine im zu mit von für auf ist nicht nach"},
    {"es", Script::kLatin,
     "el la los las del de y en un una por con para al que se su sus es como más tras sobre "
     "ha según",
     "el los las del y en una por con para al que su tras sobre según"},
    {"ar", Script::kArabic,
     "في من على إلى أن عن مع هذا هذه التي الذي قال وقال بعد قبل بين كان ما لا",
     "في من على إلى أن عن مع التي الذي قال"},
    {"fa", Script::kArabic, "در از به که این با را است و آن برای شد می کرد گفت پس تا",
     "در از به که این با را است برای شد"}};

// A bit per language: a word's languages are one lookup, not one a language.
using LanguageBits = std::uint32_t;
static_assert(std::size(kLanguages) <= 32, "LanguageBits holds a bit per language");

using CommonWords = WordMap<LanguageBits>;

// Which languages' common words each folded word is (bit i for kLanguages[i]).
const CommonWords& common_words() {
  static const auto words = [] {
    CommonWords map;
    for (std::size_t i = 0; i < std::size(kLanguages); ++i) {
      std::string folded = fold(kLanguages[i].common_words);
      for (auto word : words_of(folded)) map[std::string(word)] |= LanguageBits{1} << i;
    }
    return map;
  }();
  return words;
}

}  // namespace

std::span<const Language> languages() { return kLanguages; }

std::string guess_language(const std::vector<std::string_view>& folded_words,
                           std::string_view raw) {
  int counts[std::size(kLanguages)] = {};
  const auto& known = common_words();
  for (auto word : folded_words) {
    auto it = known.find(word);
    if (it == known.end()) continue;
    for (std::size_t i = 0; i < std::size(kLanguages); ++i) counts[i] += (it->second >> i) & 1;
  }
  Script script = script_of(raw);
  std::string best;
  int best_count = 0;
  for (std::size_t i = 0; i < std::size(kLanguages); ++i) {
    if (kLanguages[i].script != script) continue;
    if (counts[i] > best_count) {
      best = kLanguages[i].code;
      best_count = counts[i];
    }
  }
  if (best.empty() && script == Script::kArabic) return "ar";
  return best;
}

}  // namespace newswatch
