#include "feeds/parser.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "feeds/dates.h"
#include "feeds/shown_text.h"

using namespace newswatch;

static ParsedFeed parse(std::string_view text, std::string base = "") {
  ParseOptions options;
  options.base_url = std::move(base);
  auto feed = parse_feed(text, options);
  REQUIRE(feed);
  return *feed;
}

TEST_CASE("RSS 2.0 items keep every field the contract names") {
  auto feed = parse(R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Gulf Times</title><link>https://gulf.example/</link><language>en</language>
<item>
  <title>Tanker seized in the Strait of Hormuz</title>
  <link>https://gulf.example/a/1?utm_source=rss</link>
  <guid isPermaLink="false">gulf-1</guid>
  <pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate>
  <dc:creator>Sara Ahmadi</dc:creator>
  <description>&lt;p&gt;The &lt;b&gt;IRGC&lt;/b&gt; said&amp;nbsp;so.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<div>Full <em>text</em></div><script>x()</script>]]></content:encoded>
  <category>World</category><category>Middle East</category>
  <source url="https://wire.example/rss">Wire Service</source>
</item>
</channel></rss>)");
  CHECK(feed.format == FeedFormat::kRss2);
  CHECK(feed.title == "Gulf Times");
  CHECK(feed.language == "en");
  CHECK(feed.warnings.empty());
  REQUIRE(feed.items.size() == 1);
  const Item& item = feed.items[0];
  CHECK(item.title == "Tanker seized in the Strait of Hormuz");
  CHECK(item.link == "https://gulf.example/a/1?utm_source=rss");
  CHECK(item.guid == "gulf-1");
  CHECK(format_iso8601(*item.published) == "2025-06-10T04:00:00Z");
  CHECK(item.author == "Sara Ahmadi");
  CHECK(item.summary == "The IRGC said so.");
  CHECK(item.content == "Full text");
  CHECK(item.categories == std::vector<std::string>{"World", "Middle East"});
  CHECK(item.source_outlet == "Wire Service");
}

TEST_CASE("an RSS item without a link uses a permalink GUID") {
  auto feed = parse(R"(<rss version="2.0"><channel><title>t</title>
<item><title>a</title><guid>https://x.example/1</guid></item>
<item><title>b</title><guid isPermaLink="false">https://x.example/2</guid></item>
</channel></rss>)");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].link == "https://x.example/1");
  CHECK_FALSE(feed.items[1].link);
}

TEST_CASE("Atom 1.0 entries: text constructs, alternate links, xml:base") {
  auto feed = parse(R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="https://news.example/world/">
  <title type="text">Monde</title>
  <link rel="self" href="https://news.example/feed.atom"/>
  <link rel="alternate" href="/"/>
  <updated>2025-06-10T12:00:00+02:00</updated>
  <entry>
    <title type="html">D&amp;eacute;troit d&amp;#39;Ormuz &lt;i&gt;tendu&lt;/i&gt;</title>
    <link rel="enclosure" href="/media/1.mp3"/>
    <link rel="alternate" type="text/html" href="2025/ormuz"/>
    <id>tag:news.example,2025:1</id>
    <published>2025-06-10T08:00:00Z</published>
    <updated>2025-06-10T09:30:00+01:00</updated>
    <author><name>Chloé Dubois</name></author>
    <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Le trafic</p><p>ralentit</p></div></summary>
    <category term="monde"/>
  </entry>
</feed>)");
  CHECK(feed.format == FeedFormat::kAtom10);
  CHECK(feed.title == "Monde");
  CHECK(feed.language == "fr");
  CHECK(feed.link == "https://news.example/");
  CHECK(format_iso8601(*feed.updated) == "2025-06-10T10:00:00Z");
  REQUIRE(feed.items.size() == 1);
  const Item& item = feed.items[0];
  CHECK(item.title == "Détroit d'Ormuz tendu");
  CHECK(item.link == "https://news.example/world/2025/ormuz");
  CHECK(item.guid == "tag:news.example,2025:1");
  CHECK(format_iso8601(*item.published) == "2025-06-10T08:00:00Z");
  CHECK(format_iso8601(*item.updated) == "2025-06-10T08:30:00Z");
  CHECK(item.author == "Chloé Dubois");
  CHECK(item.summary == "Le trafic ralentit");
  CHECK(item.categories == std::vector<std::string>{"monde"});
}

TEST_CASE("relative links without xml:base resolve against the document URL") {
  auto feed = parse(R"(<rss version="2.0"><channel><title>t</title><link>/</link>
<item><title>a</title><link>/news/1</link></item></channel></rss>)",
                    "http://host.example/feeds/rss.xml");
  CHECK(feed.items.at(0).link == "http://host.example/news/1");
}

TEST_CASE("RSS 1.0 (RDF) items are siblings of the channel") {
  auto feed = parse(R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://gov.example/"><title>Gov</title><link>https://gov.example/</link></channel>
  <item rdf:about="https://gov.example/1"><title>One</title><link>https://gov.example/1</link>
    <dc:date>2025-06-10T04:00:00Z</dc:date><dc:subject>Defence</dc:subject></item>
</rdf:RDF>)");
  CHECK(feed.format == FeedFormat::kRss1);
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].guid == "https://gov.example/1");
  CHECK(format_iso8601(*feed.items[0].updated) == "2025-06-10T04:00:00Z");
  CHECK(feed.items[0].categories == std::vector<std::string>{"Defence"});
}

TEST_CASE("JSON Feed 1.1 items") {
  auto feed = parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "home_page_url": "https://j.example/",
    "items": [{"id": 42, "url": "/p/1", "title": "Hormuz", "content_html": "<p>a</p><p>b</p>",
               "date_published": "2025-06-10T04:00:00Z", "authors": [{"name": "R"}],
               "tags": ["x"]}]})");
  CHECK(feed.format == FeedFormat::kJsonFeed);
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].guid == "42");
  CHECK(feed.items[0].link == "https://j.example/p/1");
  CHECK(feed.items[0].content == "a b");
  CHECK(feed.items[0].author == "R");
}

TEST_CASE("an unparseable date gives null and a warning") {
  auto feed = parse(R"(<rss version="2.0"><channel><title>t</title>
<item><title>a</title><pubDate>the day after tomorrow</pubDate></item></channel></rss>)");
  CHECK_FALSE(feed.items.at(0).published);
  REQUIRE(feed.warnings.size() == 1);
  CHECK_THAT(feed.warnings[0], Catch::Contains("the day after tomorrow"));
}

TEST_CASE("a truncated document keeps the items before the damage, with a warning") {
  auto feed = parse(R"(<rss version="2.0"><channel><title>t</title>
<item><title>first</title><guid>1</guid></item>
<item><title>second</title><guid>2</guid></item>
<item><title>thi)");
  REQUIRE_FALSE(feed.warnings.empty());
  CHECK_THAT(feed.warnings[0], Catch::StartsWith("malformed XML:"));
  REQUIRE(feed.items.size() >= 2);
  CHECK(feed.items[0].title == "first");
  CHECK(feed.items[1].title == "second");
}

TEST_CASE("something that is not a feed is an error that says why") {
  auto html = parse_feed("<html><body>Not found</body></html>", {});
  REQUIRE_FALSE(html);
  CHECK_THAT(html.error().message, Catch::Contains("<html>"));
  auto empty = parse_feed("", {});
  REQUIRE_FALSE(empty);
  CHECK_THAT(empty.error().message, Catch::StartsWith("not a feed"));
  auto json = parse_feed("{\"not\": \"a feed\"}", {});
  REQUIRE_FALSE(json);
  CHECK_THAT(json.error().message, Catch::Contains("without a JSON Feed version"));
  CHECK_FALSE(parse_feed("\x00\x01garbage", {}));
}

TEST_CASE("an ISO-8859-1 document declared as such comes out as UTF-8") {
  std::string latin1 =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel>"
      "<title>T\xE9h\xE9ran</title></channel></rss>";
  CHECK(parse(latin1).title == "Téhéran");
}

TEST_CASE("links and GUIDs are kept as published: no second decoding, whitespace trimmed") {
  auto feed = parse(R"(<rss version="2.0"><channel><title>t</title>
<item><title>a</title><guid>  g-1
</guid><link> https://x.example/a?id=1&amp;region=us&amp;section=world&amp;not=1 </link></item>
</channel></rss>)");
  CHECK(feed.items.at(0).guid == "g-1");
  CHECK(feed.items.at(0).link == "https://x.example/a?id=1&region=us&section=world&not=1");
}

TEST_CASE("a missing or empty link stays null rather than becoming the base") {
  auto atom = parse(R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>a</title><id>1</id><link rel="alternate"/></entry></feed>)",
                    "http://example.com/feed.xml");
  CHECK_FALSE(atom.items.at(0).link);
  auto json = parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "items": [{"id": "1", "url": "", "title": "a"}]})",
                    "http://example.com/feed.json");
  CHECK_FALSE(json.items.at(0).link);
}

TEST_CASE("documents in other encodings are converted, bad bytes repaired with a warning") {
  std::string utf16le = std::string("\xFF\xFE", 2);
  for (char c : std::string("<rss><channel><title>Hormuz</title></channel></rss>")) {
    utf16le.push_back(c);
    utf16le.push_back('\0');
  }
  CHECK(parse(utf16le).title == "Hormuz");
  CHECK(parse(utf16le).warnings.empty());

  ParseOptions options;
  options.http_charset = "windows-1252";
  auto served_as_1252 = parse_feed("<rss><channel><title>caf\xE9</title></channel></rss>", options);
  REQUIRE(served_as_1252);
  CHECK(served_as_1252->title == "café");
  CHECK(served_as_1252->warnings.empty());

  auto mislabelled = parse(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>caf\xE9 \x93ok\x94"
      "</title></channel></rss>");
  CHECK(mislabelled.title == "café “ok”");
  REQUIRE(mislabelled.warnings.size() == 1);
  CHECK_THAT(mislabelled.warnings[0], Catch::Contains("windows-1252"));

  auto euc_kr = parse(
      "<?xml version=\"1.0\" encoding=\"euc-kr\"?><rss><channel><title>\xB3\xE2"
      "</title></channel></rss>");
  CHECK(euc_kr.title == "년");
}

TEST_CASE("each document is converted from its encoding's initial state, whatever came before") {
  // The converters are kept between documents: one left shifted into JIS X 0208 by the
  // document before must not read the next one's ASCII as kanji.
  std::string prolog = "<?xml version=\"1.0\" encoding=\"iso-2022-jp\"?>";
  auto shifted = parse(prolog + "<rss><channel><title>a</title></channel></rss>\x1B$B");
  CHECK(shifted.title == "a");
  auto next = parse(prolog + "<rss><channel><title>\x1B$BF|\x1B(B b</title></channel></rss>");
  CHECK(next.title == "日 b");
  // More encodings than are kept open, in turn, twice.
  const std::pair<const char*, const char*> kEncodings[] = {
      {"iso-8859-2", "\xB1"},   {"iso-8859-5", "\xD4"}, {"iso-8859-7", "\xE1"},  {"koi8-r", "\xC4"},
      {"cp1251", "\xE4"},       {"cp1250", "\xB9"},     {"iso-8859-15", "\xA4"}, {"cp866", "\xA4"},
      {"mac-cyrillic", "\xE4"}, {"iso-8859-9", "\xFD"}};
  const char* kExpected[] = {"ą", "д", "α", "д", "д", "ą", "€", "д", "д", "ı"};
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < std::size(kEncodings); ++i) {
      auto feed =
          parse(std::string("<?xml version=\"1.0\" encoding=\"") + kEncodings[i].first +
                "\"?><rss><channel><title>" + kEncodings[i].second + "</title></channel></rss>");
      CHECK(feed.title == kExpected[i]);
    }
  }
}

TEST_CASE("limits: items beyond max_items are dropped with a warning, deep nesting is fine") {
  std::string many = "<rss><channel><title>t</title>";
  for (int i = 0; i < 50; ++i) many += "<item><title>i</title></item>";
  many += "</channel></rss>";
  ParseOptions options;
  options.max_items = 20;
  auto feed = parse_feed(many, options);
  REQUIRE(feed);
  CHECK(feed->items.size() == 20);
  REQUIRE(feed->warnings.size() == 1);
  CHECK_THAT(feed->warnings[0], Catch::Contains("more than 20 items"));

  std::string deep = "<rss><channel><title>t</title><item><title>deep</title><description>";
  for (int i = 0; i < 100000; ++i) deep += "<b>";
  deep += "x";
  for (int i = 0; i < 100000; ++i) deep += "</b>";
  deep += "</description></item></channel></rss>";
  auto nested = parse_feed(deep, {});
  REQUIRE(nested);
  CHECK(nested->items.at(0).summary == "x");
}

TEST_CASE("an external entity is never fetched, only left as text") {
  auto feed = parse(R"(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY ext SYSTEM "http://127.0.0.1:1/secret">]>
<rss><channel><title>a &ext; b</title></channel></rss>)");
  CHECK(feed.title == "a &ext; b");
  CHECK_FALSE(feed.warnings.empty());
}

TEST_CASE("every format is detected from the document") {
  CHECK(parse("<rss version=\"0.91\"><channel><title>t</title></channel></rss>").format ==
        FeedFormat::kRss2);
  CHECK(parse("<rss version=\"0.92\"><channel><title>t</title><item><description>d</description>"
              "</item></channel></rss>")
            .items.at(0)
            .summary == "d");
  auto rss090 = parse(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title>
      <link>http://old.example/</link></channel>
      <item><title>One</title><link>http://old.example/1</link></item></rdf:RDF>)");
  CHECK(rss090.format == FeedFormat::kRss090);
  CHECK(rss090.items.at(0).link == "http://old.example/1");
  auto atom03 = parse(R"(<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>T</title>
      <entry><title>E</title><id>tag:x,2004:1</id><issued>2004-01-01T00:00:00Z</issued>
      <modified>2004-01-02T00:00:00Z</modified><content mode="escaped" type="text/html">
      &lt;p&gt;body&lt;/p&gt;</content></entry></feed>)");
  CHECK(atom03.format == FeedFormat::kAtom03);
  CHECK(format_iso8601(*atom03.items.at(0).published) == "2004-01-01T00:00:00Z");
  CHECK(format_iso8601(*atom03.items.at(0).updated) == "2004-01-02T00:00:00Z");
  CHECK(atom03.items.at(0).content == "body");
  auto json10 = parse(R"({"version": "https://jsonfeed.org/version/1", "title": "J",
      "author": {"name": "Desk"}, "items": [{"id": "1", "content_text": "plain  text"}]})");
  CHECK(json10.format == FeedFormat::kJsonFeed);
  CHECK(json10.items.at(0).author == "Desk");
  CHECK(json10.items.at(0).content == "plain text");
}

TEST_CASE("every encoding path: BOMs, first bytes, declarations, HTTP charset, repairs") {
  auto utf16be = [](std::string_view ascii) {
    std::string out;
    for (char c : ascii) {
      out.push_back('\0');
      out.push_back(c);
    }
    return out;
  };
  std::string doc = "<rss><channel><title>T</title></channel></rss>";
  CHECK(parse("\xEF\xBB\xBF" + doc).title == "T");  // UTF-8 BOM
  // After a UTF-8 BOM, an invalid byte is U+FFFD, not windows-1252's character as without one.
  auto bom_bad =
      parse("\xEF\xBB\xBF<rss><channel><title>caf\xC3\xA9 \x93q\x94</title></channel></rss>");
  CHECK(bom_bad.title == "caf\xC3\xA9 \xEF\xBF\xBDq\xEF\xBF\xBD");
  REQUIRE_FALSE(bom_bad.warnings.empty());
  CHECK_THAT(bom_bad.warnings[0], Catch::Contains("2 bytes invalid in UTF-8 replaced by U+FFFD"));
  auto no_bom_bad = parse("<rss><channel><title>caf\xC3\xA9 \x93q\x94</title></channel></rss>");
  CHECK(no_bom_bad.title == "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D");
  auto bom_valid = parse("\xEF\xBB\xBF<rss><channel><title>caf\xC3\xA9</title></channel></rss>");
  CHECK(bom_valid.title == "caf\xC3\xA9");
  CHECK(bom_valid.warnings.empty());
  CHECK(parse(utf16be(doc)).title == "T");                               // UTF-16BE, no BOM
  CHECK(parse(std::string("\xFE\xFF", 2) + utf16be(doc)).title == "T");  // UTF-16BE BOM
  std::string utf32le;
  for (char c : doc) utf32le += std::string(1, c) + std::string(3, '\0');
  CHECK(parse(utf32le).title == "T");  // UTF-32LE, no BOM

  auto unknown = parse("<?xml version=\"1.0\" encoding=\"x-klingon\"?>" + doc);
  CHECK(unknown.title == "T");
  REQUIRE_FALSE(unknown.warnings.empty());
  CHECK_THAT(unknown.warnings[0], Catch::Contains("unknown encoding 'x-klingon'"));

  auto bad_euc_kr = parse(
      "<?xml version=\"1.0\" encoding=\"euc-kr\"?><rss><channel><title>a\xFF"
      "b</title></channel></rss>");
  CHECK(bad_euc_kr.title ==
        "a\xEF\xBF\xBD"
        "b");
  REQUIRE_FALSE(bad_euc_kr.warnings.empty());
  CHECK_THAT(bad_euc_kr.warnings[0], Catch::Contains("replaced by U+FFFD"));

  ParseOptions declared_wins;  // the document's declaration outranks the HTTP charset
  declared_wins.http_charset = "utf-16";
  auto declared = parse_feed(
      "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel><title>"
      "\xE9</title></channel></rss>",
      declared_wins);
  REQUIRE(declared);
  CHECK(declared->title == "é");
}

TEST_CASE("feed hints: ttl, the syndication module, skipHours and skipDays") {
  auto feed = parse(R"(<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel><title>t</title><ttl>60</ttl><sy:updatePeriod>hourly</sy:updatePeriod>
<sy:updateFrequency>4</sy:updateFrequency>
<skipHours><hour>0</hour><hour>23</hour><hour>99</hour></skipHours>
<skipDays><day>Saturday</day><day>Sunday</day><day>Caturday</day></skipDays>
</channel></rss>)");
  CHECK(feed.hints.ttl_seconds == 3600);
  CHECK(feed.hints.update_period_seconds == 900);
  CHECK(feed.hints.skip_hours == std::vector<int>{0, 23});
  CHECK(feed.hints.skip_days == std::vector<int>{6, 0});
  auto none = parse("<rss><channel><title>t</title><ttl>soon</ttl></channel></rss>");
  CHECK_FALSE(none.hints.ttl_seconds);
}

TEST_CASE("a number no double or integer holds never rejects a JSON Feed") {
  auto feed = parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "_ext": {"n": 1e400, "m": [-1e999, 123456789012345678901234567890]},
    "items": [{"id": 18446744073709551616, "title": "a", "_rank": 1e400,
               "attachments": [{"url": "https://j.example/a.mp3", "size_in_bytes": 1e999}]},
              {"id": 18446744073709551617, "title": "b"},
              {"id": -1.5e-400, "title": "c"}]})");
  REQUIRE(feed.items.size() == 3);
  // Ids are text: two ids no double tells apart stay two ids, as written.
  CHECK(feed.items[0].guid == "18446744073709551616");
  CHECK(feed.items[1].guid == "18446744073709551617");
  CHECK(feed.items[2].guid == "-1.5e-400");
  CHECK(feed.items[2].title == "c");
  CHECK(feed.warnings.empty());
}

TEST_CASE("invalid JSON is an error that says where") {
  auto error_of = [](std::string_view json) {
    auto feed = parse_feed(json, {});
    REQUIRE_FALSE(feed);
    return feed.error().message;
  };
  std::string head = "{\"version\": \"https://jsonfeed.org/version/1.1\",\n";
  CHECK_THAT(error_of(head + "  \"title\": tru,\n  \"items\": []}"),
             Catch::StartsWith("not a feed: invalid JSON at line 2, column 12"));
  CHECK_THAT(error_of(head + "  \"items\": [{\"id\": 1} {\"id\": 2}]}"),
             Catch::StartsWith("not a feed: invalid JSON at line 2, column 23"));
  CHECK_THAT(error_of(head + "  \"items\": [{\"id\": 01}]}"),
             Catch::Contains("line 2, column 20: invalid number"));
  CHECK_THAT(error_of(head + "  \"title\": \"T\xC3\xA9h\xC3\xA9ran"),
             Catch::Contains("line 2, column 12: unclosed string"));
  CHECK_THAT(error_of(head + "  \"title\": \"a\\qb\"}"), Catch::Contains("line 2, column"));
  CHECK_THAT(error_of(head + "  \"items\": []} []"), Catch::Contains("line 2, column 16"));
  CHECK_THAT(error_of(head + "  \"items\": [{\"id\": 1},\n"),
             Catch::Contains("line 3, column 1: the document ends inside an array or object"));
  CHECK_THAT(error_of(head + "  \"_x\": " + std::string(2000, '[') + std::string(2000, ']') + "}"),
             Catch::Contains("line 2, column 1008: nested more than 1000 levels deep"));
}

TEST_CASE("a reference to NUL becomes U+FFFD and the text after it is kept") {
  auto feed = parse(R"(<rss version="2.0"><channel><title>a&#0;b</title>
<item><title>c&#x0;d&#x00;e</title><description>&lt;p&gt;f&amp;#0;g&lt;/p&gt;</description>
<guid>id&#0;1</guid></item></channel></rss>)");
  CHECK(feed.title == "a\uFFFDb");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "c\uFFFDd\uFFFDe");
  CHECK(feed.items[0].summary == "f\uFFFDg");
  CHECK(feed.items[0].guid == "id\uFFFD1");
  REQUIRE(feed.warnings.size() == 1);
  CHECK_THAT(feed.warnings[0], Catch::Contains("U+FFFD") && Catch::Contains("&#0;"));

  auto json = parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "a\u0000b",
    "items": [{"id": "1\u0000", "title": "c\u0000d", "tags": ["e\u0000"]}]})");
  CHECK(json.title == "a\uFFFDb");
  CHECK(json.items.at(0).guid == "1\uFFFD");
  CHECK(json.items.at(0).title == "c\uFFFDd");
  CHECK(json.items.at(0).categories == std::vector<std::string>{"e\uFFFD"});
  CHECK(json.warnings.empty());  // \u0000 is valid JSON
}

TEST_CASE("a NUL byte in an XML document is U+FFFD, and the document goes on after it") {
  using namespace std::string_literals;
  auto feed = parse(
      "<rss><channel><title>a\0b</title><item><title>one</title></item><item><title>two</title>"
      "</item><item><description><![CDATA[c\0d]]></description></item></channel></rss>"s);
  CHECK(feed.title == "a\uFFFDb");
  REQUIRE(feed.items.size() == 3);
  CHECK(feed.items[1].title == "two");
  CHECK(feed.items[2].summary == "c\uFFFDd");
  REQUIRE(feed.warnings.size() == 1);
  CHECK_THAT(feed.warnings[0], Catch::Contains("2 NUL bytes replaced by U+FFFD"));
}

TEST_CASE("no NUL reaches a text field, whatever decoded it") {
  // Atom content in base64 ("a\0b"): bytes the document could not carry itself.
  auto feed = parse(R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>e</title><content type="text/plain" mode="base64">YQBi</content></entry></feed>)");
  CHECK(feed.items.at(0).content == "a\uFFFDb");
}

TEST_CASE("references to other control characters become U+FFFD, with a warning") {
  auto feed = parse(R"(<rss><channel><title>a&#27;[2Jb&#x7;c&#9;d&#12;e</title></channel></rss>)");
  CHECK(feed.title == "a\uFFFD[2Jb\uFFFDc d e");
  REQUIRE(feed.warnings.size() == 1);
  CHECK_THAT(feed.warnings[0], Catch::Contains("control characters") &&
                                   Catch::Contains("replaced by U+FFFD") &&
                                   Catch::Contains("&#27; and 2 more"));
}

// True when `text` holds a C0 control, DEL or a C1 control (U+0080-U+009F): what a terminal
// acts on.
static bool has_control(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0)
      return true;
  }
  return false;
}

static std::vector<std::string> text_fields(const ParsedFeed& feed) {
  std::vector<std::string> fields = {feed.title, feed.link.value_or(""),
                                     feed.language.value_or("")};
  for (const Item& item : feed.items) {
    for (const std::string& field :
         {item.title, item.summary, item.content, item.author.value_or(""), item.guid.value_or(""),
          item.link.value_or(""), item.source_outlet.value_or("")})
      fields.push_back(field);
    fields.insert(fields.end(), item.categories.begin(), item.categories.end());
  }
  return fields;
}

TEST_CASE("no text field of an RSS feed holds a control a terminal would act on") {
  // Escape sequences as references, raw bytes (ESC, BEL, DEL, CSI as U+009B in UTF-8), C1 as
  // a reference, and references the HTML of a description decodes. U+009B is windows-1252's
  // '›', U+0081 a control in windows-1252 too.
  auto feed = parse(
      "<rss version=\"2.0\"><channel><title>Iran&#27;]0;owned&#7;&#27;[2J</title>"
      "<language>en\x1b[2J</language><item>"
      "<title>raw \x1b]0;owned\x07 \x7f \xC2\x9B"
      "2J and &#x9b;31m</title>"
      "<description>&lt;p&gt;html &amp;#27;[2J &amp;#x81;&lt;/p&gt;</description>"
      "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
      "<![CDATA[<b>cdata \x1b[2J</b>]]></content:encoded>"
      "<author>a&#27;[2J</author><category>c\x1b[2J</category><guid>g&#27;</guid>"
      "<link>https://x.example/a&#27;b</link><source>s\xC2\x9B</source></item>"
      "</channel></rss>");
  CHECK(feed.title == "Iran\uFFFD]0;owned\uFFFD\uFFFD[2J");
  REQUIRE(feed.items.size() == 1);
  const Item& item = feed.items[0];
  CHECK(item.title == "raw \uFFFD]0;owned\uFFFD \uFFFD ›2J and ›31m");
  CHECK(item.summary == "html \uFFFD[2J \uFFFD");
  CHECK(item.content == "cdata \uFFFD[2J");
  CHECK(item.author == "a\uFFFD[2J");
  CHECK(item.categories == std::vector<std::string>{"c\uFFFD[2J"});
  CHECK(item.guid == "g\uFFFD");
  CHECK(item.source_outlet == "s›");
  for (const std::string& field : text_fields(feed)) {
    INFO(printable(field));
    CHECK_FALSE(has_control(field));
  }
}

TEST_CASE("no text field of an Atom feed holds a control a terminal would act on") {
  auto feed = parse(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"text\">t\x1b[2J</title>"
      "<link href=\"https://a.example/&#27;[2J\"/>"
      "<entry xml:base=\"https://a.example/&#27;]0;x&#7;/\"><title type=\"html\">"
      "&amp;#27;]0;owned&amp;#7; &amp;#x9b;&#x9b;\xC2\x9B</title><link href=\"#frag\"/>"
      "<id>urn:x&#27;</id><author><name>n\x1b</name><email>e\x7f</email></author>"
      "<summary>s&#x1b;</summary><content type=\"xhtml\"><div>x&#x9B;y</div></content>"
      "<category term=\"c&#27;\"/></entry></feed>");
  CHECK(feed.title == "t\uFFFD[2J");
  REQUIRE(feed.items.size() == 1);
  const Item& item = feed.items[0];
  // &#x9b; is windows-1252's '›', in the HTML of a title (HTML5) and in its XML (U+009B).
  CHECK(item.title == "\uFFFD]0;owned\uFFFD ›››");
  CHECK(item.author == "n\uFFFD (e\uFFFD)");
  CHECK(item.summary == "s\uFFFD");
  CHECK(item.content == "x›y");
  CHECK(item.categories == std::vector<std::string>{"c\uFFFD"});
  for (const std::string& field : text_fields(feed)) {
    INFO(printable(field));
    CHECK_FALSE(has_control(field));
  }
}

TEST_CASE("no text field of a JSON Feed holds a control a terminal would act on") {
  auto feed =
      parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "T\u001b[2J\u009b",)"
            R"( "home_page_url": "https://j.example/\u001b[2J", "language": "en\u0007",)"
            R"( "authors": [{"name": "A\u007f"}], "items": [{"id": "1\u001b",)"
            R"( "title": "\u001b]0;owned\u0007\u001b[2J )"
            "\xC2\x9B"  // raw C1 in UTF-8: CSI, U+0080 and NEL, windows-1252's '›', '€', '…'
            R"(2J )"
            "\xC2\x80 \xC2\x85"
            R"(x",)"
            R"( "summary": "s\u0001", "content_html": "<p>h&#27;[2J\u009b</p>",)"
            R"( "url": "https://j.example/\u001b", "tags": ["t\u009f", "\u0085"]},)"
            R"( {"id": "2", "content_text": "c\u000b\u001b"}]})");
  CHECK(feed.title == "T\uFFFD[2J›");
  REQUIRE(feed.items.size() == 2);
  const Item& item = feed.items[0];
  CHECK(item.title == "\uFFFD]0;owned\uFFFD\uFFFD[2J ›2J € …x");
  CHECK(item.summary == "s\uFFFD");
  CHECK(item.content == "h\uFFFD[2J›");
  CHECK(item.author == "A\uFFFD");
  CHECK(item.categories == std::vector<std::string>{"tŸ", "…"});
  CHECK(feed.items[1].content == "c\uFFFD\uFFFD");
  CHECK(feed.items[1].author == "A\uFFFD");
  for (const std::string& field : text_fields(feed)) {
    INFO(printable(field));
    CHECK_FALSE(has_control(field));
  }
}

TEST_CASE("bidi marks and other format characters in titles are kept byte for byte") {
  // RLM, ZWNJ, ZWJ and an isolate around Persian text: how Persian and Arabic are written.
  std::string title =
      "\xE2\x80\x8F\xD9\x85\xDB\x8C\xE2\x80\x8C\xD8\xAE\xD9\x88\xD8\xA7\xD9\x87\xD9\x85 "
      "\xE2\x81\xA7Iran\xE2\x81\xA9\xE2\x80\x8D";
  auto rss = parse("<rss><channel><item><title>" + title + "</title></item></channel></rss>");
  CHECK(rss.items.at(0).title == title);
  auto json = parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "J",)"
                    R"( "items": [{"id": "1", "title": ")" +
                    title + R"("}]})");
  CHECK(json.items.at(0).title == title);
}

TEST_CASE("a declared UTF-16 or UTF-32 that the bytes cannot be is ignored, with a warning") {
  std::string body = "<rss><channel><title>T\xC3\xA9h\xC3\xA9ran</title></channel></rss>";
  for (std::string label : {"utf-16", "UTF-16LE", "utf-16be", "utf-32", "UCS-2", "ucs-4",
                            "iso-10646-ucs-2", "utf-32le"}) {
    INFO(label);
    auto feed = parse("<?xml version=\"1.0\" encoding=\"" + label + "\"?>" + body);
    CHECK(feed.title == "Téhéran");
    REQUIRE(feed.warnings.size() == 1);
    CHECK_THAT(feed.warnings[0], Catch::Contains("'" + label + "'", Catch::CaseSensitive::No) &&
                                     Catch::Contains("ignored") && Catch::Contains("UTF-8"));
  }
  // The HTTP charset is the next in line, and can be as wrong.
  ParseOptions served_as_utf16;
  served_as_utf16.http_charset = "utf-16";
  auto served = parse_feed(body, served_as_utf16);
  REQUIRE(served);
  CHECK(served->title == "Téhéran");
  CHECK_FALSE(served->warnings.empty());
  ParseOptions served_as_1252;
  served_as_1252.http_charset = "windows-1252";
  auto latin = parse_feed(
      "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><channel><title>T\xE9h\xE9ran</title>"
      "</channel></rss>",
      served_as_1252);
  REQUIRE(latin);
  CHECK(latin->title == "Téhéran");
}

TEST_CASE("links that are not http or https URLs are dropped with a warning") {
  auto rss = parse(R"(<rss version="2.0"><channel><title>t</title><link>javascript:alert(1)</link>
<item><title>a</title><link>javascript:alert(document.cookie)</link></item>
<item><title>b</title><link>data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==</link></item>
<item><title>c</title><link> VBScript:msgbox(1)</link></item>
<item><title>d</title><link>file:///etc/passwd</link></item>
<item><title>e</title><link>mailto:desk@x.example</link></item>
<item><title>f</title><link>JavaScript:x</link><guid>https://x.example/f</guid></item>
<item><title>g</title><link>HTTPS://X.example/g</link></item>
</channel></rss>)");
  CHECK_FALSE(rss.link);
  REQUIRE(rss.items.size() == 7);
  for (int i = 0; i < 5; ++i) CHECK_FALSE(rss.items[i].link);
  CHECK(rss.items[5].link == "https://x.example/f");  // the permalink GUID stands in
  CHECK(rss.items[6].link == "HTTPS://X.example/g");
  REQUIRE(rss.warnings.size() == 7);
  CHECK_THAT(rss.warnings[0], Catch::Contains("javascript:alert(1)"));
  CHECK_THAT(rss.warnings[2], Catch::Contains("data:text/html;base64,"));

  // A link relative to a base that is no web address is not one either.
  auto atom = parse(R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="file:///home/">
<title>t</title><link href="index.html"/>
<entry><title>a</title><id>1</id><link href="x.html"/><link href="https://x.example/a"/></entry>
<entry><title>b</title><id>2</id><link href="data:,hello"/></entry></feed>)");
  CHECK_FALSE(atom.link);
  CHECK(atom.items.at(0).link == "https://x.example/a");  // the next alternate link
  CHECK_FALSE(atom.items.at(1).link);
  CHECK(atom.warnings.size() == 3);

  auto json = parse(R"j({"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "home_page_url": "javascript:alert(1)",
    "items": [{"id": "1", "url": "javascript:alert(2)"}, {"id": "2", "url": "/p/2"}]})j",
                    "https://j.example/feed.json");
  CHECK_FALSE(json.link);
  CHECK_FALSE(json.items.at(0).link);
  CHECK(json.items.at(1).link == "https://j.example/p/2");
  CHECK(json.warnings.size() == 2);
}

TEST_CASE("a GUID that is no web address is an identifier, not a dropped link") {
  auto feed = parse(R"(<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>
<item><title>a</title><guid>urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</guid></item>
<item><title>b</title><guid>tag:x.example,2025:b</guid></item>
<item><title>c</title><guid isPermaLink="true">javascript:alert(1)</guid></item>
</channel></rss>)");
  CHECK(feed.items.at(0).guid == "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427");
  CHECK(feed.items.at(2).guid == "javascript:alert(1)");
  for (const auto& item : feed.items) CHECK_FALSE(item.link);
  CHECK(feed.warnings.empty());
}

TEST_CASE("feed text in warnings and errors is shown printable and cut short") {
  // printable() leaves a message unchanged only when nothing in it can act on a log line or
  // a terminal: no control character, C1 control or bidi control.
  auto is_shown_safely = [](const std::string& message) {
    return printable(message) == message && message.size() < 400;
  };
  auto root = parse_feed(
      "<evil\xC2\x9B"
      "31m\xE2\x80\xAEtxt.exe/>",
      {});
  REQUIRE_FALSE(root);
  CHECK(is_shown_safely(root.error().message));
  CHECK_THAT(root.error().message, Catch::Contains("evil\\u009b31m\\u202etxt.exe"));

  auto feed = parse(
      "<?xml version=\"1.0\" encoding=\"x-\x1b[31m\"?><rss><channel><title>t</title>"
      "<item><title>a & \n\x1b[2J b</title><pubDate>\x1b[2J\nfeed ok: 0 failing</pubDate>"
      "<dc:date>" +
      std::string(5000, '9') +
      "</dc:date></item>"
      "<item><title>&bad\xE2\x80\xAE;</title><e\xC2\x9B:pubDate>?</e\xC2\x9B:pubDate></item>"
      "</channel></rss>");
  REQUIRE(feed.warnings.size() >= 5);
  for (const auto& warning : feed.warnings) {
    INFO(warning);
    CHECK(is_shown_safely(warning));
  }
  auto has = [&](std::string_view part) {
    return std::any_of(feed.warnings.begin(), feed.warnings.end(),
                       [&](const std::string& w) { return w.find(part) != std::string::npos; });
  };
  CHECK(has("unknown encoding 'x-\\x1b[31m'"));
  CHECK(has("'\\x1b[2J\\nfeed ok: 0 failing'"));
  CHECK(has("&bad\\u202e;"));
  // e\u009b: is no namespace the document declares: the element is not RSS's pubDate, and
  // the warning that says so quotes its name printable.
  CHECK(has("undeclared namespace prefixes in <dc:date>, <e\\u009b:pubDate>"));

  auto json = parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "items": [{"id": "1", "date_published": "\u001b]0;owned\u0007\u202e"}]})");
  REQUIRE(json.warnings.size() == 1);
  CHECK(is_shown_safely(json.warnings[0]));
  CHECK_THAT(json.warnings[0], Catch::Contains("\\x1b]0;owned\\x07\\u202e"));
}

TEST_CASE("a feed hint that needs a number and gets none is ignored with a warning") {
  auto feed = parse(R"(<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel><title>t</title><ttl>soon</ttl><sy:updatePeriod>daily</sy:updatePeriod>
<sy:updateFrequency>1e400</sy:updateFrequency>
<skipHours><hour>3</hour><hour>99</hour><hour>18446744073709551616</hour><hour></hour></skipHours>
</channel></rss>)");
  CHECK_FALSE(feed.hints.ttl_seconds);
  CHECK(feed.hints.update_period_seconds == 86400);
  CHECK(feed.hints.skip_hours == std::vector<int>{3});
  REQUIRE(feed.warnings.size() == 4);
  CHECK(feed.warnings[0] == "<ttl> ignored, not a whole number from 0 to 999999: 'soon'");
  CHECK_THAT(feed.warnings[1],
             Catch::StartsWith("<sy:updateFrequency> ignored") && Catch::EndsWith(": '1e400'"));
  CHECK_THAT(feed.warnings[2], Catch::EndsWith("from 0 to 24: '99'"));
  CHECK_THAT(feed.warnings[3], Catch::EndsWith("'18446744073709551616'"));
  CHECK(parse("<rss><channel><title>t</title><ttl> </ttl></channel></rss>").warnings.empty());
}

TEST_CASE("a lone surrogate escape in a JSON Feed is U+FFFD, not a refused feed") {
  // RFC 8259's grammar allows "\uD800" without its other half; simdjson refuses it.
  auto feed = parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": "a\ud800b",
    "_ext": "\udc00", "items": [{"id": "1", "title": "\\ud800 \ud83d\ude00 \uD83D"}]})");
  CHECK(feed.title == "a\uFFFDb");
  CHECK(feed.items.at(0).title == "\\ud800 \U0001F600 \uFFFD");
  REQUIRE(feed.warnings.size() == 1);
  CHECK_THAT(feed.warnings[0], Catch::Contains("3 lone surrogates") && Catch::Contains("U+FFFD"));
}

// Zalgo text: "x" and `count` combining marks of three classes (U+0301, U+0316, U+0345),
// which NFC must put in order and "x" composes with none of.
static std::string zalgo(std::size_t count) {
  const std::string marks[] = {"\u0301", "\u0316", "\u0345"};
  std::string text = "x";
  for (std::size_t k = 0; k < count; ++k) text += marks[k % 3];
  return text;
}

// The marks of zalgo() in `text`, and the longest run of them.
static std::pair<std::size_t, std::size_t> count_marks(std::string_view text) {
  std::size_t marks = 0, run = 0, longest = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view two = text.substr(i, 2);
    if (two == "\u0301" || two == "\u0316" || two == "\u0345") {
      ++marks;
      longest = std::max(longest, ++run);
      ++i;
    } else {
      run = 0;
    }
  }
  return {marks, longest};
}

TEST_CASE("Zalgo text in a feed comes out stream-safe, with every mark, whatever the field") {
  // 60,000 marks on one letter: utf8proc sorted them in quadratic time, about 4 s a field.
  // In the Stream-Safe Text Format (UAX #15) a COMBINING GRAPHEME JOINER follows every 30th.
  const std::size_t count = 60000;
  const std::string text = zalgo(count);
  const std::string rss_head =
      "<rss xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>";
  auto rss =
      parse(rss_head + text + "</title><item><title>" + text + "</title><description>&lt;p&gt;" +
            text + "&lt;/p&gt;</description><content:encoded><![CDATA[<b>" + text +
            "</b>]]></content:encoded><category>" + text + "</category></item></channel></rss>");
  auto atom = parse("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title type=\"html\">" +
                    text + "</title><summary>" + text + "</summary></entry></feed>");
  auto json = parse(R"({"version": "https://jsonfeed.org/version/1.1", "title": ")" + text +
                    R"(", "items": [{"id": "1", "title": ")" + text + R"(", "content_html": "<p>)" +
                    text + R"(</p>"}]})");
  const std::vector<std::string> fields = {rss.title,
                                           rss.items.at(0).title,
                                           rss.items.at(0).summary,
                                           rss.items.at(0).content,
                                           rss.items.at(0).categories.at(0),
                                           atom.items.at(0).title,
                                           atom.items.at(0).summary,
                                           json.title,
                                           json.items.at(0).title,
                                           json.items.at(0).content};
  for (const std::string& field : fields) {
    auto [marks, longest] = count_marks(field);
    CHECK(marks == count);
    CHECK(longest == 30);
    CHECK(field.starts_with("x"));
    CHECK(field.find("\u034F") != std::string::npos);
  }
}
