#include "feeds/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "feeds/encoding.h"
#include "feeds/nfc.h"
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

static std::string utf8proc_nfc(std::string_view s) {
  utf8proc_uint8_t* nfc = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                        static_cast<utf8proc_ssize_t>(s.size()), &nfc,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  REQUIRE(n >= 0);
  std::string result(reinterpret_cast<char*>(nfc), static_cast<std::size_t>(n));
  std::free(nfc);
  return result;
}

// The code point at s[i], moving i past it; a byte that begins no UTF-8 sequence is U+FFFD.
static utf8proc_int32_t next_code_point(std::string_view s, std::size_t& i) {
  utf8proc_int32_t cp;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) {
    cp = 0xFFFD;
    n = 1;
  }
  i += static_cast<std::size_t>(n);
  return cp;
}

// A slow, obviously right version of plain_text: decode, map every space to ' ', collapse,
// trim, NFC through utf8proc.
static std::string reference_plain_text(std::string_view s) {
  std::u32string code_points;
  for (std::size_t i = 0; i < s.size();) {
    utf8proc_int32_t cp = next_code_point(s, i);
    bool space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0xA0 ||
                 (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
                 cp == 0x205F || cp == 0x3000;
    char32_t c = static_cast<char32_t>(cp);
    if (c >= 0x80 && c <= 0x9F) c = newswatch::windows_1252(static_cast<unsigned char>(c));
    bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
    code_points.push_back(space ? U' ' : control ? U'\uFFFD' : c);
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
  return utf8proc_nfc(collapsed);
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

TEST_CASE("text is NFC when what composes comes in different pieces") {
  // The sink checks each piece as it appends it: a mark that composes with the letter before
  // it must be caught whether it comes raw, as a reference, or after markup.
  CHECK(newswatch::clean_text("Cafe&#x301; noir") == "Caf\xC3\xA9 noir");
  CHECK(newswatch::html_to_text("<b>e</b>\xCC\x81t&eacute;") == "\xC3\xA9t\xC3\xA9");
  CHECK(newswatch::html_to_text("\xE2\x80\x9C"
                                "e\xCC\x81\xE2\x80\x9D") == "\xE2\x80\x9C\xC3\xA9\xE2\x80\x9D");
  CHECK(newswatch::html_to_text("&#x1100;\xE1\x85\xA1") == "\xEA\xB0\x80");  // jamo: 가
  CHECK(newswatch::plain_text("\xE2\x80\x99\xCC\x81") == "\xE2\x80\x99\xCC\x81");
}

TEST_CASE("a NUL in text becomes U+FFFD: no text field holds one") {
  using namespace std::string_literals;
  CHECK(newswatch::plain_text("a\0b"s) == "a\uFFFDb");
  CHECK(newswatch::clean_text(" \0 x\0"s) == "\uFFFD x\uFFFD");
  CHECK(newswatch::html_to_text("<p>a\0</p>b &#0;"s) == "a\uFFFD b \uFFFD");
}

TEST_CASE("control characters become U+FFFD: no text field can act on a terminal") {
  using namespace std::string_literals;
  // C0 controls and DEL: one U+FFFD each.
  CHECK(newswatch::plain_text("a\x1b[2Jb\x07"
                              "c\x7f") == "a\uFFFD[2Jb\uFFFDc\uFFFD");
  CHECK(newswatch::plain_text("\x01\x0b\x1f") == "\uFFFD\uFFFD\uFFFD");
  // A C1 control (here CSI, U+009B, and U+0080, U+0085, U+009F) is windows-1252's character,
  // as browsers read &#155;; U+FFFD where windows-1252 has none (U+0081, U+008D, U+008F,
  // U+0090, U+009D).
  CHECK(newswatch::plain_text("x\xC2\x9B"
                              "31m \xC2\x80\xC2\x85\xC2\x9F") == "x›31m €…Ÿ");
  CHECK(newswatch::plain_text("\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D") ==
        "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD");
  CHECK(clean_text("It&#146;s &#147;here&#148; &#x96; &#133;") == "It’s “here” – …");
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
  CHECK(newswatch::plain_text("a\tb\nc\rd\fe\xC2\xA0g") == "a b c d e g");
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
  // Nor does a reference or a '<' that opens no tag join them.
  CHECK(html_to_text("a\xC2&amp;\x9B") == "a\uFFFD&\uFFFD");
  CHECK(html_to_text("a\xC2<3\x9B") == "a\uFFFD<3\uFFFD");
  CHECK(html_to_text("\xC2&#x41;\x85") == "\uFFFDA\uFFFD");
}

// The Stream-Safe Text Format (UAX #15, section 13).

static std::string repeated(std::string_view piece, int times) {
  std::string s;
  for (int k = 0; k < times; ++k) s += piece;
  return s;
}

static bool is_non_starter(utf8proc_int32_t cp) {
  return utf8proc_get_property(cp)->combining_class != 0;
}

static std::vector<utf8proc_int32_t> nfkd_of(utf8proc_int32_t cp) {
  std::vector<utf8proc_int32_t> nfkd(32);
  auto n = utf8proc_decompose_char(
      cp, nfkd.data(), static_cast<utf8proc_ssize_t>(nfkd.size()),
      static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT), nullptr);
  REQUIRE(n > 0);
  REQUIRE(n <= static_cast<utf8proc_ssize_t>(nfkd.size()));
  nfkd.resize(static_cast<std::size_t>(n));
  return nfkd;
}

// UAX #15's Stream-Safe Text Process as the annex words it, one code point at a time (bytes
// that are not UTF-8 first become U+FFFD, as to_nfc reads them).
static std::string reference_stream_safe(std::string_view s) {
  std::string out;
  std::size_t non_starter_count = 0;
  for (std::size_t i = 0; i < s.size();) {
    utf8proc_int32_t cp = next_code_point(s, i);
    std::vector<utf8proc_int32_t> nfkd = nfkd_of(cp);
    std::size_t initial = 0;
    while (initial < nfkd.size() && is_non_starter(nfkd[initial])) ++initial;
    if (non_starter_count + initial > 30) {
      out += "\u034F";
      non_starter_count = 0;
    }
    newswatch::append_utf8(out, static_cast<char32_t>(cp));
    if (initial == nfkd.size()) {
      non_starter_count += nfkd.size();
    } else {
      std::size_t trailing = 0;
      while (is_non_starter(nfkd[nfkd.size() - 1 - trailing])) ++trailing;
      non_starter_count = trailing;
    }
  }
  return out;
}

TEST_CASE("more than 30 combining marks in a row get a COMBINING GRAPHEME JOINER after the 30th") {
  const std::string cgj = "\u034F", below = "\u0316", acute = "\u0301";
  // UAX #15's own case: 30 non-starters are allowed, the 31st comes after a joiner.
  CHECK(newswatch::to_nfc("a" + repeated(below, 30)) == "a" + repeated(below, 30));
  CHECK(newswatch::to_nfc("a" + repeated(below, 31)) == "a" + repeated(below, 30) + cgj + below);
  CHECK(newswatch::to_nfc("a" + repeated(below, 65)) ==
        "a" + repeated(below, 30) + cgj + repeated(below, 30) + cgj + repeated(below, 5));
  // Marks are put in canonical order (U+0316, class 220, before U+0301, 230) on each side of
  // the joiner apart; only those before it compose with the letter.
  CHECK(newswatch::to_nfc("a" + repeated(acute + below, 16)) ==
        "\u00E1" + repeated(below, 15) + repeated(acute, 14) + cgj + below + acute);
  // A starter ends the run: 60 marks on two letters need no joiner.
  std::string two_letters = "a" + repeated(below, 30) + "b" + repeated(below, 30);
  CHECK(newswatch::to_nfc(two_letters) == two_letters);
  // Non-starters are counted in NFKD: U+0344 is two of them, and so are the 15 before it.
  std::string dialytika_tonos = "\u0344";
  CHECK(newswatch::to_nfc("a" + repeated(dialytika_tonos, 16)) ==
        utf8proc_nfc("a" + repeated(dialytika_tonos, 15)) + cgj + utf8proc_nfc(dialytika_tonos));
  // U+FF9E is a starter for NFC but a non-starter in NFKD (U+3099): it counts.
  std::string voiced_sound_mark = "\uFF9E";
  CHECK(newswatch::to_nfc("a" + repeated(voiced_sound_mark, 30) + below) ==
        "a" + repeated(voiced_sound_mark, 30) + cgj + below);
  // Through every text field's path: a field of Zalgo text.
  CHECK(html_to_text("<p>a" + repeated(below, 31) + "</p>") ==
        "a" + repeated(below, 30) + cgj + below);
}

TEST_CASE("text is made stream-safe as UAX #15's process says, and normalising again is a no-op") {
  // Weighted to marks, so that runs around 30 are common: marks of three classes, characters
  // whose NFKD begins or ends with non-starters or is nothing else (U+0344, U+0F73, U+1E09,
  // U+1F82, U+00A8, U+FF9E, U+1D15F outside the BMP), kana and its voicing mark, Hangul,
  // letters, spaces and bytes that are not UTF-8.
  const std::vector<std::string> pieces = {
      "\u0301", "\u0316", "\u0345", "\u0301", "\u0316", "\u0345",     "\u0301",     "\u0316",
      "\u0345", "\u0344", "\u0F73", "\u1E09", "\u1F82", "\u00A8",     "\uFF9E",     "\u3099",
      "\u304B", "\u304C", "\uAC00", "\u1100", "\u1161", "\U0001D15F", "\U0001D165", "a",
      "e",      " ",      "\xFF",   "\xCC",   "\u00E9", "\u0627"};
  std::mt19937 random(20261206);
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    int length = static_cast<int>(random() % 120);
    for (int k = 0; k < length; ++k) s += pieces[random() % pieces.size()];
    INFO("input bytes: " << s);
    std::string nfc = newswatch::to_nfc(s);
    REQUIRE(nfc == utf8proc_nfc(reference_stream_safe(s)));
    REQUIRE(newswatch::to_nfc(nfc) == nfc);
  }
}

TEST_CASE("no character's NFKD begins or ends with more than 3 non-starters") {
  // to_nfc counts non-starters only where 11 characters in a row are not starters without
  // a decomposition: with at most 3 at either end of a character, fewer cannot make 31.
  std::size_t most = 0;
  for (utf8proc_int32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::vector<utf8proc_int32_t> nfkd = nfkd_of(cp);
    std::size_t leading = 0, trailing = 0;
    while (leading < nfkd.size() && is_non_starter(nfkd[leading])) ++leading;
    while (trailing < nfkd.size() && is_non_starter(nfkd[nfkd.size() - 1 - trailing])) ++trailing;
    most = std::max({most, leading, trailing});
  }
  CHECK(most == 3);
}

TEST_CASE("a long run of combining marks is normalised in linear time") {
  // Zalgo text: one letter and 32K or 128K marks of three classes, which NFC must reorder.
  // utf8proc's insertion sort took quadratic time (4 s and 64 s); in the Stream-Safe Text
  // Format each run it sorts holds at most 30.
  auto zalgo = [](std::size_t bytes) {
    const std::string marks[] = {"\u0301", "\u0316", "\u0345"};
    std::string s = "a";
    for (std::size_t k = 0; k < bytes / 2; ++k) s += marks[k % 3];
    return s;
  };
  auto seconds_to_normalise = [](const std::string& text) {
    double best = 1e9;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto start = std::chrono::steady_clock::now();
      std::string nfc = newswatch::to_nfc(text);
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      REQUIRE(!nfc.empty());
      best = std::min(best, took.count());
    }
    return best;
  };
  double small = seconds_to_normalise(zalgo(64 * 1024));
  double large = seconds_to_normalise(zalgo(256 * 1024));
  INFO("64 KiB: " << small << " s, 256 KiB: " << large << " s");
  CHECK(large < 8 * small + 0.1);
}
