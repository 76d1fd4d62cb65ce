#include "feeds/shown_text.h"

#include <catch2/catch.hpp>

using namespace newswatch;

TEST_CASE("printable leaves text in any script as it is") {
  CHECK(printable("Strait of Hormuz: تنگه هرمز, Straße, 霍尔木兹") ==
        "Strait of Hormuz: تنگه هرمز, Straße, 霍尔木兹");
  CHECK(printable("a \\ b") == "a \\ b");
}

TEST_CASE("printable shows a newline and a carriage return as escapes, so no line is forged") {
  CHECK(printable("Tue, 1 Dec\n2026-12-06 info forged") == "Tue, 1 Dec\\n2026-12-06 info forged");
  CHECK(printable("a\rb\tc") == "a\\rb\\tc");
}

TEST_CASE("printable shows escape sequences and C1 controls instead of sending them") {
  // ESC ] 0 ; title BEL sets a terminal's title; ESC [ 2 J clears the screen.
  CHECK(printable("\x1b]0;owned\x07\x1b[2J") == "\\x1b]0;owned\\x07\\x1b[2J");
  CHECK(printable("\x7f") == "\\x7f");
  CHECK(printable("\xc2\x9b"
                  "31m") == "\\u009b31m");  // CSI as a C1 control
}

TEST_CASE("printable shows bidi controls and line separators as escapes") {
  CHECK(printable("abc\u202Edcba") == "abc\\u202edcba");
  CHECK(printable("\u2066x\u2069\u200f\u061c") == "\\u2066x\\u2069\\u200f\\u061c");
  CHECK(printable("a\u2028b") == "a\\u2028b");
}

TEST_CASE("printable shows bytes that are not UTF-8 as hex escapes") {
  CHECK(printable("caf\xe9") == "caf\\xe9");
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");           // overlong '/'
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
  CHECK(printable("\xe2\x82") == "\\xe2\\x82");           // cut short
}

TEST_CASE("without_credentials hides the user information of every URL in a text") {
  CHECK(without_credentials("feed http://alice:s3cret@example.com/rss: timeout") ==
        "feed http://***@example.com/rss: timeout");
  CHECK(without_credentials("https://token@a.example/x and ftp://b:c@d.example") ==
        "https://***@a.example/x and ftp://***@d.example");
  CHECK(without_credentials("https://example.com/path@handle?q=a@b") ==
        "https://example.com/path@handle?q=a@b");
  CHECK(without_credentials("mail me at a@b.example; see https://example.com") ==
        "mail me at a@b.example; see https://example.com");
  CHECK(without_credentials("https://u:p@") == "https://***@");
}

TEST_CASE("url_origin keeps the scheme and host of a URL, nothing of its path or credentials") {
  CHECK(url_origin("https://hooks.example.com/services/T000/B000/XXXX") ==
        "https://hooks.example.com/…");
  CHECK(url_origin("http://user:pw@127.0.0.1:8080") == "http://127.0.0.1:8080");
  CHECK(url_origin("not a url") == "…");
}
