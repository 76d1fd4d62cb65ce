#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "language/digits.h"
#include "language/fold.h"
#include "language/function_words.h"
#include "language/languages.h"
#include "language/proclitics.h"
#include "language/scripts.h"

using namespace newswatch;

namespace {

std::string guess(std::string_view text) {
  std::string folded = fold(text);
  return guess_language(words_of(folded), text);
}

}  // namespace

TEST_CASE("the script of a text is Arabic when it holds an Arabic letter") {
  CHECK(script_of("Strait of Hormuz") == Script::kLatin);
  CHECK(script_of("Téhéran") == Script::kLatin);
  CHECK(script_of("مضيق هرمز") == Script::kArabic);
  CHECK(script_of("Hormuz هرمز") == Script::kArabic);
  CHECK(script_of("") == Script::kLatin);
}

TEST_CASE("Arabic proclitics are recognised in sequence, other letters are not") {
  CHECK(is_proclitics("\u0648\u0627\u0644"));  // wa- + al-
  CHECK(is_proclitics("\u0644\u0644"));        // li- + al-: "lil"
  CHECK(is_proclitics("\u0628"));              // bi-
  CHECK(is_proclitics("\u0641\u06A9"));        // fa- + ka- (folded kaf)
  CHECK_FALSE(is_proclitics(""));
  CHECK_FALSE(is_proclitics("\u0628\u0644"));  // bi- then li-: the wrong order
  CHECK_FALSE(is_proclitics("\u0642\u0637"));
  CHECK(may_follow_proclitics(static_cast<unsigned char>(fold("قطري")[0])));
  CHECK_FALSE(may_follow_proclitics('q'));
}

TEST_CASE("Arabic-Indic and Persian digits read as ASCII digits") {
  std::string buffer;
  CHECK(ascii_digits("١٤", buffer) == "14");
  CHECK(ascii_digits("۱۴", buffer) == "14");
  CHECK(ascii_digits("a١b", buffer) == "a1b");
  CHECK(ascii_digits("قطر", buffer) == "قطر");
  std::string_view ascii = "2026";
  CHECK(ascii_digits(ascii, buffer).data() == ascii.data());  // left as it is, uncopied
}

TEST_CASE("function words and headline kickers are known folded, content words are not") {
  CHECK(is_function_word("the"));
  CHECK(is_function_word(fold("après")));
  CHECK(is_function_word(fold("für")));
  CHECK(is_function_word(fold("según")));
  CHECK(is_function_word(fold("إلى")));
  CHECK(is_function_word(fold("برای")));
  CHECK(is_function_word("exclusive"));
  CHECK_FALSE(is_function_word("hormuz"));
  CHECK_FALSE(is_function_word(fold("هرمز")));
}

TEST_CASE("every language's common words are function words of its script") {
  for (const Language& language : languages()) {
    INFO(language.code);
    CHECK(std::string_view(language.code).size() == 2);
    CHECK(script_of(language.function_words) == language.script);
    std::string common = fold(language.common_words);
    for (auto word : words_of(common)) CHECK(is_function_word(word));
  }
}

TEST_CASE("the language of a text is guessed from its script and commonest words") {
  CHECK(guess("Iran says talks with the United States will resume in Oman") == "en");
  CHECK(guess("L'Iran annonce la reprise des pourparlers avec les États-Unis") == "fr");
  CHECK(guess("Iran und die USA verhandeln in Oman über das Atomprogramm") == "de");
  CHECK(guess("Irán y Estados Unidos reanudan las negociaciones en Omán") == "es");
  CHECK(guess("إيران تعلن استئناف المحادثات مع الولايات المتحدة في عمان") == "ar");
  CHECK(guess("ایران از ازسرگیری مذاکرات با آمریکا در عمان خبر داد") == "fa");
  CHECK(guess("هرمز") == "ar");  // Arabic script, no common word
  CHECK(guess("Hormuz Oman Muscat") == "");
}
