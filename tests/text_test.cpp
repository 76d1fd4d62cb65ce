#include "feeds/text.h"

#include <utf8proc.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "feeds/url.h"

using newswatch::clean_text;
using newswatch::html_to_text;
using newswatch::resolve_url;

TEST_CASE("tags are removed and block elements separate words") {
  CHECK(html_to_text("<p>Tankers</p><p>slow</p>") == "Tankers slow");
  CHECK(html_to_text("Hor<b>muz</b> strait") == "Hormuz strait");
  CHECK(html_to_text("one<br>two<br/>three") == "one two three");
  CHECK(html_to_text("<ul><li>a</li><li>b</li></ul>") == "a b");
}

TEST_CASE("script, style and other invisible elements are dropped with their contents") {
  CHECK(html_to_text("a<script>alert('<p>x</p>')</script>b") == "a b");
  CHECK(html_to_text("a<STYLE type=\"text/css\">p { color: red }</STYLE>b") == "a b");
  CHECK(html_to_text("<noscript>enable js</noscript>text") == "text");
}

TEST_CASE("character references are decoded, named and numeric") {
  CHECK(html_to_text("AT&amp;T &eacute;t&eacute; &#8217; &#x2014;") == "AT&T été ’ —");
  CHECK(html_to_text("caf&eacute") == "café");  // missing semicolon
  CHECK(html_to_text("&#150;") == "–");         // windows-1252 code point in a reference
  CHECK(html_to_text("a &unknown; b & c") == "a &unknown; b & c");
}

TEST_CASE("whitespace is collapsed, including no-break spaces, and trimmed") {
  CHECK(html_to_text("  a \n\t b&nbsp;&nbsp;c  ") == "a b c");
  CHECK(clean_text("\n  Strait   of\tHormuz \n") == "Strait of Hormuz");
}

TEST_CASE("a '<' that opens no tag is text, comments and CDATA are handled") {
  CHECK(html_to_text("1 < 2 and 3 > 2") == "1 < 2 and 3 > 2");
  CHECK(html_to_text("a<!-- hidden <p> -->b") == "ab");
  CHECK(html_to_text("<![CDATA[x < y]]>") == "x < y");
  CHECK(html_to_text("<a href=\"x>y\" title='>'>link</a>") == "link");
}

TEST_CASE("text comes out NFC and invalid UTF-8 is repaired") {
  CHECK(clean_text("e\xCC\x81") == "\xC3\xA9");  // e + combining acute -> é
  CHECK(clean_text("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("unterminated markup does not lose the text before it") {
  CHECK(html_to_text("text <b unclosed") == "text");
  CHECK(html_to_text("text <script>never closed") == "text");
}

TEST_CASE("relative links resolve against their base, absolute ones are kept as published") {
  CHECK(resolve_url("http://example.com/feeds/rss.xml", "../news/1") ==
        "http://example.com/news/1");
  CHECK(resolve_url("http://example.com/a/", "b?c=1#d") == "http://example.com/a/b?c=1#d");
  CHECK(resolve_url("http://example.com/a/", "//cdn.example.org/x") == "http://cdn.example.org/x");
  CHECK(resolve_url("http://example.com/", "https://Other.example/X?utm_source=rss") ==
        "https://Other.example/X?utm_source=rss");
  CHECK(resolve_url("", "/relative") == "/relative");
  CHECK(resolve_url("http://example.com/a/b/feed.xml?x=1", "#frag") ==
        "http://example.com/a/b/feed.xml?x=1#frag");
  CHECK(resolve_url("http://example.com/a/b/feed.xml?x=1#old", "") ==
        "http://example.com/a/b/feed.xml?x=1");
}

// A slow, obviously right version of plain_text: decode, map every space to ' ', collapse,
// trim, NFC through utf8proc.
static std::string reference_plain_text(std::string_view s) {
  std::u32string code_points;
  for (std::size_t i = 0; i < s.size();) {
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      cp = 0xFFFD;
      n = 1;
    }
    i += static_cast<std::size_t>(n);
    bool space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0xA0 ||
                 cp == 0x85 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
                 cp == 0x202F || cp == 0x205F || cp == 0x3000;
    bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    code_points.push_back(space ? U' ' : control ? U'\uFFFD' : static_cast<char32_t>(cp));
  }
  std::string collapsed;
  bool pending = false;
  for (char32_t cp : code_points) {
    if (cp == U' ') {
      pending = true;
      continue;
    }
    if (pending && !collapsed.empty()) collapsed += ' ';
    pending = false;
    newswatch::append_utf8(collapsed, cp);
  }
  utf8proc_uint8_t* nfc = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(collapsed.data()),
                        static_cast<utf8proc_ssize_t>(collapsed.size()), &nfc,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::string result(reinterpret_cast<char*>(nfc), static_cast<std::size_t>(n));
  std::free(nfc);
  return result;
}

TEST_CASE("whitespace collapsing and NFC agree with a slow reference on random text") {
  const std::vector<std::string> pieces = {"a",
                                           "word",
                                           " ",
                                           "  ",
                                           "\n",
                                           "\t",
                                           "é",
                                           "e\xCC\x81",
                                           "\xC2\xA0",
                                           "\xFF",
                                           "\xE2\x80\x83",
                                           "“",
                                           "\xE3\x80\x80",
                                           "\xC2",
                                           "ab cd ef gh",
                                           "x y",
                                           "Ω",
                                           "\xEA\xB0\x80",
                                           "\xE1\x84\x80",
                                           "\x1b",
                                           "\x7f",
                                           "\x01",
                                           "\x0b",
                                           "\x9b",
                                           "\xC2\x85",
                                           "\xC2\x80",
                                           "\xE2\x80",
                                           "abcdefg",
                                           std::string(1, '\0')};
  std::mt19937 random(20261125);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    int length = static_cast<int>(random() % 24);
    for (int k = 0; k < length; ++k) s += pieces[random() % pieces.size()];
    INFO("input bytes: " << s);
    REQUIRE(newswatch::plain_text(s) == reference_plain_text(s));
  }
}

TEST_CASE("a NUL in text becomes U+FFFD: no text field holds one") {
  using namespace std::string_literals;
  CHECK(newswatch::plain_text("a\0b"s) == "a\uFFFDb");
  CHECK(newswatch::clean_text(" \0 x\0"s) == "\uFFFD x\uFFFD");
  CHECK(newswatch::html_to_text("<p>a\0</p>b &#0;"s) == "a\uFFFD b \uFFFD");
}

TEST_CASE("control characters become U+FFFD: no text field can act on a terminal") {
  using namespace std::string_literals;
  // C0 controls, DEL, C1 controls (here CSI, U+009B, and U+0080, U+009F): one U+FFFD each.
  CHECK(newswatch::plain_text("a\x1b[2Jb\x07"
                              "c\x7f") == "a\uFFFD[2Jb\uFFFDc\uFFFD");
  CHECK(newswatch::plain_text("\x01\x0b\x1f") == "\uFFFD\uFFFD\uFFFD");
  CHECK(newswatch::plain_text("x\xC2\x9B"
                              "31m \xC2\x80\xC2\x9F") == "x\uFFFD31m \uFFFD\uFFFD");
  CHECK(clean_text("Iran&#27;]0;owned&#7;&#27;[2J") == "Iran\uFFFD]0;owned\uFFFD\uFFFD[2J");
  CHECK(html_to_text("<p>a&#x7f;b &#1;</p>") == "a\uFFFDb \uFFFD");
  // A reference to 0x80-0x9F is windows-1252's character (HTML5), a C1 control only where
  // windows-1252 has none.
  CHECK(html_to_text("&#x9b;&#155;&#x81;&#x9D;") == "››\uFFFD\uFFFD");
  // Word at a time and byte at a time: DEL and ESC in every position of long ASCII words.
  for (std::size_t at = 0; at < 24; ++at) {
    for (char control : {'\x7f', '\x1b'}) {
      std::string text = "abcdefghij klmnopqrstuvwxyz";
      text[at] = control;
      std::string expected = text.substr(0, at) + "\uFFFD" + text.substr(at + 1);
      INFO(at);
      CHECK(newswatch::plain_text(text) == expected);
    }
  }
}

TEST_CASE("whitespace controls stay spaces, format characters stay, other text is unchanged") {
  CHECK(newswatch::plain_text("a\tb\nc\rd\fe\xC2\x85"
                              "f\xC2\xA0g") == "a b c d e f g");
  // Bidi marks, embeddings, isolates and ZWJ are text in Arabic and Persian.
  std::string bidi =
      "\xE2\x80\x8F\xD8\xA7\xE2\x80\xAB\xE2\x81\xA6x\xE2\x81\xA9\xE2\x80\x8D\xE2\x80\xAE";
  CHECK(newswatch::plain_text(bidi) == bidi);
  CHECK(newswatch::plain_text("\xC2\xA9 \xC2\xBF") == "\xC2\xA9 \xC2\xBF");
}

TEST_CASE("no C1 control is made of two pieces of invalid UTF-8 the markup kept apart") {
  // 0xC2 and 0x9B are two invalid bytes here, not CSI: the tag stands between them.
  CHECK(html_to_text("\xC2<b>\x9B</b>") == "\uFFFD\uFFFD");
  CHECK(html_to_text("a\xC2<!-- -->\x85z") == "a\uFFFD\uFFFDz");
  CHECK(clean_text("\xC2&amp;\x9B") == "\uFFFD&\uFFFD");
}
