#include "topics/fold.h"

#include <catch2/catch.hpp>

using newswatch::fold;

TEST_CASE("folding removes case and diacritics") {
  CHECK(fold("HORMUZ") == "hormuz");
  CHECK(fold("Hormûz") == "hormuz");
  CHECK(fold("Téhéran") == "teheran");
  CHECK(fold("Straße") == "strasse");
}

TEST_CASE("punctuation becomes word boundaries") {
  CHECK(fold("Détroit d'Ormuz") == "detroit d ormuz");
  CHECK(fold("Iran-US talks, again!") == "iran us talks again");
  CHECK(fold("  U.S.  Navy ") == "u s navy");
  CHECK(fold("d’Ormuz") == "d ormuz");  // typographic apostrophe
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
