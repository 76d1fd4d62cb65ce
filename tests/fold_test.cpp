#include "language/fold.h"

#include <utf8proc.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using newswatch::fold;

TEST_CASE("folding removes case and diacritics") {
  CHECK(fold("HORMUZ") == "hormuz");
  CHECK(fold("Hormûz") == "hormuz");
  CHECK(fold("Téhéran") == "teheran");
  CHECK(fold("Straße") == "strasse");
}

TEST_CASE("punctuation becomes word boundaries") {
  CHECK(fold("Détroit d'Ormuz") == "detroit d ormuz");
  CHECK(fold("Iran-US talks, again!") == "iran u s talks again");
  CHECK(fold("  U.S.  Navy ") == "u s navy");
  CHECK(fold("d’Ormuz") == "d ormuz");  // typographic apostrophe
}

TEST_CASE("capital US is the United States and the pronoun us is not") {
  CHECK(fold("US") == "u s");
  CHECK(fold("US-Präsident") == "u s prasident");
  CHECK(fold("the US, Iran") == "the u s iran");
  CHECK(fold("give us time") == "give us time");
  CHECK(fold("Us and them") == "us and them");
  CHECK(fold("USS Lincoln") == "uss lincoln");  // not a separate word
  CHECK(fold("BUS") == "bus");
  CHECK(fold("USé") == "use");                      // a longer word that goes on in another script
  CHECK(fold("US/US/US/US") == "u s u s u s u s");  // longer than the text it came from
}

TEST_CASE("compatibility forms fold to their plain letters") {
  CHECK(fold("ＩＲＧＣ") == "irgc");  // full-width
  CHECK(fold("ﬁnal") == "final");     // ligature
}

TEST_CASE("Arabic and Persian spellings of the same word fold alike") {
  // Arabic yeh/kaf vs Persian yeh/keheh: "ایران" spelled with Arabic yeh.
  CHECK(fold("\u0627\u064A\u0631\u0627\u0646") == fold("\u0627\u06CC\u0631\u0627\u0646"));
  CHECK(fold("\u0643") == fold("\u06A9"));
  CHECK(fold("تنگه هرمز") == "تنگه هرمز");
}

TEST_CASE("the ASCII fast path folds exactly as the Unicode path does") {
  // "é" sends the second string down utf8proc's path; the ASCII parts must come out alike.
  for (std::string text : {"Strait of HORMUZ: tankers (2025) -- 5th Fleet!", "  a-b_c.D  ",
                           "\t\nIRGC\x7f navy", "", "...", "x"}) {
    std::string unicode = fold(text + " \xC3\xA9");  // ends in "e", after a space if any word
    REQUIRE(unicode.ends_with("e"));
    std::string expected = unicode == "e" ? "" : unicode.substr(0, unicode.size() - 2);
    CHECK(fold(text) == expected);
  }
}

// The whole string through utf8proc at once, then words split and spaces collapsed: the
// definition fold() must keep while it takes shortcuts.
static std::string reference_fold(const std::string& text) {
  utf8proc_uint8_t* mapped = nullptr;
  auto options =
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                     UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                        static_cast<utf8proc_ssize_t>(text.size()), &mapped, options);
  std::string words;
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp;
    i += utf8proc_iterate(mapped + i, n - i, &cp);
    auto category = utf8proc_category(cp);
    bool word = (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
                (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO);
    if (!word) {
      words += ' ';
      continue;
    }
    utf8proc_uint8_t buf[4];
    words.append(reinterpret_cast<char*>(buf),
                 static_cast<std::size_t>(utf8proc_encode_char(cp, buf)));
  }
  std::free(mapped);
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += words[i];
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

TEST_CASE("folding agrees with whole-string utf8proc folding on random text") {
  const std::vector<std::string> pieces = {"Hormuz",
                                           " ",
                                           "TEHRAN",
                                           "é",
                                           "e\xCC\x81",
                                           "-",
                                           "’",
                                           "Straße",
                                           "ﬁ",
                                           "Ⅻ",
                                           "ＩＲＧＣ",
                                           "\xC2\xA0",
                                           "d'",
                                           "A\xCC\x8A",
                                           "\xEA\xB0\x80",
                                           "\xE1\x84\x80\xE1\x85\xA1",
                                           "Ω",
                                           "١٢",
                                           "x",
                                           "."};
  std::mt19937 random(7);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (int k = static_cast<int>(random() % 12); k > 0; --k)
      text += pieces[random() % pieces.size()];
    INFO("text: " << text);
    REQUIRE(fold(text) == reference_fold(text));
  }
}
