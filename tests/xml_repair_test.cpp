#include "feeds/xml_repair.h"

#include <catch2/catch.hpp>

#include "feeds/parser.h"

using namespace newswatch;

static std::string repaired(std::string_view doc, std::vector<std::string>& warnings) {
  auto out = repair_xml(doc, warnings);
  return out ? *out : std::string(doc);
}

TEST_CASE("a well-formed document needs no repair and gets no warning") {
  std::vector<std::string> warnings;
  CHECK_FALSE(repair_xml("<rss><title>a &amp; b &#233; &#xE9; &lt;</title></rss>", warnings));
  CHECK(warnings.empty());
}

TEST_CASE("HTML named entities become numeric references, with one warning") {
  std::vector<std::string> warnings;
  CHECK(repaired("<t>caf&eacute; &mdash; &eacute;</t>", warnings) ==
        "<t>caf&#233; &#8212; &#233;</t>");
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("&eacute;") && Catch::Contains("2 more"));
}

TEST_CASE("bare ampersands and unknown entities are kept as text") {
  std::vector<std::string> warnings;
  CHECK(repaired("<link>http://x/?a=1&b=2</link><t>AT&T &bogus; & co</t>", warnings) ==
        "<link>http://x/?a=1&amp;b=2</link><t>AT&amp;T &amp;bogus; &amp; co</t>");
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Catch::StartsWith("undefined entities kept as text: &bogus;"));
  CHECK_THAT(warnings[1], Catch::StartsWith("unescaped '&' kept as text"));
}

TEST_CASE("CDATA sections, comments and processing instructions are left alone") {
  std::vector<std::string> warnings;
  CHECK_FALSE(
      repair_xml("<?xml version='1.0'?><!-- a & b --><t><![CDATA[x & y &eacute;]]></t>", warnings));
}

TEST_CASE("entities declared in the internal DTD are expanded once, never recursively") {
  std::vector<std::string> warnings;
  std::string doc =
      R"(<!DOCTYPE rss [<!ENTITY who "Tehran &amp; Washington"><!ENTITY loop "&who;&who;">]>
<rss><t>&who; / &loop;</t></rss>)";
  std::string out = repaired(doc, warnings);
  CHECK_THAT(out, Catch::Contains("<t>Tehran &amp;amp; Washington / &amp;who;&amp;who;</t>"));
}

TEST_CASE("entity expansion is bounded") {
  std::vector<std::string> warnings;
  std::string doc = "<!DOCTYPE r [<!ENTITY a \"" + std::string(1000, 'x') + "\">]><r>";
  for (int i = 0; i < 100; ++i) doc += "&a;";
  doc += "</r>";
  XmlRepairLimits limits;
  limits.max_entity_expansion = 10'000;
  auto out = repair_xml(doc, warnings, limits);
  REQUIRE(out);
  CHECK(out->size() < 20'000);
  CHECK_THAT(warnings.back(), Catch::Contains("expansion stopped"));
}

TEST_CASE("the parser reports repairs as warnings and keeps the decoded text") {
  auto feed = parse_feed("<rss><channel><title>testing &acirc; entity</title></channel></rss>", {});
  REQUIRE(feed);
  CHECK(feed->title == "testing â entity");
  CHECK_FALSE(feed->warnings.empty());
}

TEST_CASE("references to NUL, surrogates and beyond U+10FFFF become U+FFFD, with one warning") {
  std::vector<std::string> warnings;
  CHECK(repaired("<t>a&#0;b&#x00;c&#xD800;d&#1114112;e&#99999999999999;f</t>"
                 "<![CDATA[&#0;]]><!-- &#0; -->",
                 warnings) ==
        "<t>a&#xFFFD;b&#xFFFD;c&#xFFFD;d&#xFFFD;e&#xFFFD;f</t><![CDATA[&#0;]]><!-- &#0; -->");
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::StartsWith("references to NUL, surrogates or beyond U+10FFFF "
                                            "replaced by U+FFFD: &#0; and 4 more"));
}

TEST_CASE("NUL bytes become U+FFFD wherever they are, with a warning") {
  using namespace std::string_literals;
  std::vector<std::string> warnings;
  CHECK(repaired("<t>a\0b</t><![CDATA[\0]]>&eacute;"s, warnings) ==
        "<t>a\uFFFDb</t><![CDATA[\uFFFD]]>&#233;");
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] == "2 NUL bytes replaced by U+FFFD");
}

TEST_CASE("raw control characters XML forbids are kept, with one warning, and NULs replaced") {
  std::vector<std::string> warnings;
  auto repaired = repair_xml(std::string("<t>a\x08"
                                         "b\x1b"
                                         " c") +
                                 '\0' + "d\te\r\nf</t>",
                             warnings);
  REQUIRE(repaired);
  CHECK(*repaired ==
        "<t>a\x08"
        "b\x1b"
        " c\uFFFDd\te\r\nf</t>");
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] ==
        "raw control characters (not allowed in XML) read as U+FFFD (a form feed as a space): "
        "U+0008 and 1 more");
  CHECK(warnings[1] == "a NUL byte replaced by U+FFFD");
  warnings.clear();
  CHECK_FALSE(
      repair_xml("<t>\ttab\r\nlines, no control at all, longer than eight bytes</t>", warnings));
  CHECK(warnings.empty());
}

TEST_CASE("control bytes are found inside sections whose '&'s are no references") {
  using namespace std::string_literals;
  // The '&' in the CDATA section sends the scan over the section: its control byte still
  // counts, and a NUL there is still replaced.
  std::vector<std::string> warnings;
  CHECK_FALSE(repair_xml("<t><![CDATA[&eacute; a\x01 b]]></t>"s, warnings));
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("U+0001"));
  warnings.clear();
  CHECK(repaired("<t><![CDATA[&eacute; \x02\0]]>&eacute;</t>"s, warnings) ==
        "<t><![CDATA[&eacute; \x02\uFFFD]]>&#233;</t>");
  REQUIRE(warnings.size() == 3);
  CHECK_THAT(warnings[0], Catch::Contains("U+0002"));
  CHECK(warnings[1] == "a NUL byte replaced by U+FFFD");
  CHECK(warnings[2] == "HTML named entities used without a declaration: &eacute;");
}

TEST_CASE("the five XML references are known at the very end of a document too") {
  for (std::string_view name : {"&lt;", "&gt;", "&amp;", "&quot;", "&apos;"}) {
    std::vector<std::string> warnings;
    CHECK_FALSE(repair_xml(std::string("<t>x</t>") + std::string(name), warnings));
    CHECK(warnings.empty());
  }
}

TEST_CASE("references to the control characters XML forbids are kept, with a warning") {
  std::vector<std::string> warnings;
  CHECK_FALSE(repair_xml("<t>&#27;[31m &#x1B; &#9; &#10; &#13; &#127;</t>", warnings));
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0],
             Catch::Contains("control characters") && Catch::Contains("&#27; and 1 more"));
}

TEST_CASE("the examples a repair warning quotes are shown printable") {
  std::vector<std::string> warnings;
  repair_xml("<t>&x\xE2\x80\xAEy; AT&\x1b[2J\n" + std::string(300, 'T') + "</t>", warnings);
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[0] ==
        "raw control characters (not allowed in XML) read as U+FFFD (a form feed as a space): "
        "U+001B");
  CHECK(warnings[1] == "undefined entities kept as text: &x\\u202ey;");
  CHECK(warnings[2] == "unescaped '&' kept as text: &\\x1b[2J\\nTTTTTT…");
}
