#include "feeds/text.h"

#include <catch2/catch.hpp>

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
