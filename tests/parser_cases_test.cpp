// The parser cases of issue 17 (tests/parser_cases/): one rule a test, each from the
// specification that makes it: RSS 2.0, the RSS 1.0 modules (Dublin Core, content), RFC 4287
// (Atom), Namespaces in XML 1.0.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "feeds/parser.h"
#include "test_support.h"

using namespace newswatch;

namespace {

ParsedFeed parse_case(const std::string& name) {
  std::string bytes = test::read_file(NEWSWATCH_SOURCE_DIR "/tests/parser_cases/" + name);
  REQUIRE(!bytes.empty());
  auto feed = parse_feed(bytes, ParseOptions{});
  REQUIRE(feed);
  return *feed;
}

bool warns(const ParsedFeed& feed, std::string_view part) {
  return std::any_of(feed.warnings.begin(), feed.warnings.end(), [&](const std::string& warning) {
    return warning.find(part) != std::string::npos;
  });
}

}  // namespace

// 1. Elements are known by namespace and local name; the format's own element wins.

TEST_CASE("an atom:link rel=self before the RSS link is not the link of the channel or item") {
  auto feed = parse_case("1-rss-atom-self-link-before-link.xml");
  CHECK(feed.link == "https://blog.example/");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].link == "https://blog.example/first/");
  CHECK(feed.warnings.empty());
}

TEST_CASE("media, iTunes and Dublin Core titles before an RSS title do not replace it") {
  auto feed = parse_case("1-rss-extension-titles-before-title.xml");
  CHECK(feed.title == "Show");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "Episode 1");
}

TEST_CASE("an extension title is the title of an RSS item that has none, dc:title first") {
  auto feed = parse_case("1-rss-extension-titles-before-title.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[1].title == "Only DC");
}

TEST_CASE("itunes:author before an RSS author does not replace it") {
  auto feed = parse_case("1-rss-extension-titles-before-title.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].author == "host@pod.example (Host)");
}

TEST_CASE("media and Dublin Core titles before an Atom title do not replace it") {
  auto feed = parse_case("1-atom-extension-title-before-title.xml");
  CHECK(feed.title == "Feed");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Entry");
}

TEST_CASE("an element of an unknown namespace named guid is no guid") {
  auto feed = parse_case("1-rss-foreign-guid.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].guid == "news-1");
  CHECK_FALSE(feed.items[1].guid);
  CHECK(feed.warnings.empty());
}

TEST_CASE("a namespace is known by its URI, not by the prefix the document chose") {
  auto feed = parse_case("1-rss-prefixes-are-not-names.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].author == "Dublin Core");  // d: is Dublin Core, dc: is not here
  CHECK(feed.items[0].content == "Full text");   // content:encoded as a default namespace
  CHECK(feed.warnings.empty());
}

TEST_CASE("RSS 1.0 elements in the RSS 1.0 namespace win over Dublin Core ones") {
  auto feed = parse_case("1-rdf-namespaced-items.xml");
  CHECK(feed.format == FeedFormat::kRss1);
  CHECK(feed.title == "Channel");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Item");
  CHECK(feed.items[0].guid == "https://rdf.example/1");
}

// 2. Atom elements inside RSS items fill what the item does not say itself.

TEST_CASE("atom:id, atom:published and atom:updated of an RSS item are its guid and dates") {
  auto feed = parse_case("2-rss-atom-elements-in-item.xml");
  REQUIRE(feed.items.size() == 3);
  CHECK(feed.items[0].guid == "tag:blog.example,2024:post-1");
  CHECK(feed.items[0].published == 1709287200);  // 2024-03-01T10:00:00Z
  CHECK(feed.items[0].updated == 1709377200);    // 2024-03-02T11:00:00Z
  CHECK(feed.warnings.empty());
}

TEST_CASE("atom:issued of an RSS item is its publication date") {
  auto feed = parse_case("2-rss-atom-elements-in-item.xml");
  REQUIRE(feed.items.size() == 3);
  CHECK(feed.items[1].published == 1709632800);  // 2024-03-05T10:00:00Z
}

TEST_CASE("an RSS guid and pubDate win over atom:id and atom:published wherever they stand") {
  auto feed = parse_case("2-rss-atom-elements-in-item.xml");
  REQUIRE(feed.items.size() == 3);
  CHECK(feed.items[2].guid == "post-3");
  CHECK(feed.items[2].published == 1709888400);  // Fri, 08 Mar 2024 09:00:00 GMT
  CHECK(feed.items[2].updated == 1709942400);    // atom:updated, 2024-03-09T00:00:00Z
}

// 3. Dublin Core and DC Terms in Atom entries and RSS items.

TEST_CASE("dc:creator, dc:date, dc:subject and dcterms:issued of an Atom entry are used") {
  auto feed = parse_case("3-atom-dublin-core-in-entry.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].author == "Jane Doe");
  CHECK(feed.items[0].published == 1711958400);  // 2024-04-01T08:00:00Z
  CHECK(feed.items[0].updated == 1712044800);    // 2024-04-02T08:00:00Z
  CHECK(feed.items[0].categories == std::vector<std::string>{"Energy"});
}

TEST_CASE("dcterms:modified of an Atom entry is its update date") {
  auto feed = parse_case("3-atom-dublin-core-in-entry.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[1].updated == 1712304000);  // 2024-04-05T08:00:00Z
}

TEST_CASE("dcterms:issued and dcterms:modified of an RSS item and channel are used") {
  auto feed = parse_case("3-rss-dcterms-dates.xml");
  CHECK(feed.updated == 1714953600);  // 2024-05-06T00:00:00Z
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].published == 1714564800);  // 2024-05-01T12:00:00Z
  CHECK(feed.items[0].updated == 1714651200);    // 2024-05-02T12:00:00Z
}

TEST_CASE("dcterms:modified in an RSS 1.0 item is its update date") {
  auto feed = parse_case("1-rdf-namespaced-items.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].updated == 1706933106);  // 2024-02-03T04:05:06Z
}

// 4. Dates: the weekday in any language is ignored, month names in the languages feeds use.

TEST_CASE("RSS dates with French, Greek and Russian day and month names are read") {
  auto feed = parse_case("4-rss-non-english-dates.xml");
  REQUIRE(feed.items.size() == 3);
  CHECK(feed.items[0].published == 1668555495);  // mer, 16 nov 2022 00:38:15 +0100
  CHECK(feed.items[1].published == 1668551895);  // Τετ, 16 Νοεμβρίου 2022 ... +0200
  CHECK(feed.items[2].published == 1668548295);  // ср, 16 ноября 2022 ... +0300
  CHECK(feed.warnings.empty());
}

// 5. RFC 4287 section 3.1: text constructs.

TEST_CASE("an Atom text construct without type is text, escaped markup and all") {
  auto feed = parse_case("5-atom-text-without-type-is-text.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "Item <!-- Title");
  CHECK(feed.items[0].summary == "a <b> c");
  CHECK(feed.warnings.empty());
}

TEST_CASE("an Atom text construct is decoded once") {
  auto feed = parse_case("5-atom-text-without-type-is-text.xml");
  CHECK(feed.title == "Feed &amp; more");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].content == "&amp;");
}

TEST_CASE("an Atom text construct of type html is HTML") {
  auto feed = parse_case("5-atom-text-without-type-is-text.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[1].title == "a bold c");
}

TEST_CASE("escaped markup inside an XHTML div is text, its elements are markup") {
  auto feed = parse_case("5-atom-xhtml-escaped-markup-is-text.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "a <b> c bold &amp;");
}

TEST_CASE("an RSS title is HTML, as RSS titles carry escaped markup") {
  auto feed = parse_case("5-rss-title-escaped-html.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Talks resume in Muscat & Doha");
}

// 6. Text is all of an element's text and CDATA.

TEST_CASE("Atom text mixing characters and CDATA is read whole") {
  auto feed = parse_case("6-mixed-text-and-cdata.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "This and that");
  CHECK(feed.items[0].guid == "urn:example:1");
  CHECK(feed.items[0].author == "Jane Q. Doe");
}

TEST_CASE("RSS text mixing characters and CDATA is read whole") {
  auto feed = parse_case("6-rss-mixed-text-and-cdata.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "This and that");
  CHECK(feed.items[0].guid == "id-42");
  CHECK(feed.items[0].categories == std::vector<std::string>{"Middle East"});
}

// 7. Absent means null: an empty element is no value.

TEST_CASE("an empty RSS guid, author, category or source is absent") {
  auto feed = parse_case("7-rss-empty-elements-are-absent.xml");
  REQUIRE(feed.items.size() == 1);
  const auto& item = feed.items[0];
  CHECK_FALSE(item.guid);
  CHECK_FALSE(item.author);
  CHECK(item.categories.empty());
  CHECK_FALSE(item.source_outlet);
  CHECK(item.link == "https://news.example/1");
}

TEST_CASE("an empty Atom id or author, and a category without term, are absent") {
  auto feed = parse_case("7-atom-empty-elements-are-absent.xml");
  REQUIRE(feed.items.size() == 1);
  const auto& item = feed.items[0];
  CHECK_FALSE(item.guid);
  CHECK_FALSE(item.author);
  CHECK(item.categories == std::vector<std::string>{"World"});
}

// 8. RFC 4287 section 3.1.1: other media types are base64, unless they are not.

TEST_CASE("content of an unknown type that is no base64 of UTF-8 is kept as text, with a warning") {
  auto feed = parse_case("8-atom-unknown-type-is-text.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].content == "Example content");
  CHECK(warns(feed, "<content type=\"application/x-custom\"> is not base64 of UTF-8 text"));
}

TEST_CASE("content of an unknown type that is base64 of UTF-8 is decoded") {
  auto feed = parse_case("8-atom-unknown-type-is-text.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[1].content == "Hello, world");
  CHECK(feed.warnings.size() == 1);
}

// 9. Malformed input is read, and said to be malformed.

TEST_CASE("a raw control character in a title is U+FFFD, with a warning") {
  auto feed = parse_case("9-raw-control-character.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Back\uFFFDspace");
  CHECK(warns(feed, "raw control characters (not allowed in XML)"));
  CHECK(warns(feed, "U+0008"));
}

TEST_CASE("an undeclared namespace prefix is a warning, and a common one is still read") {
  auto feed = parse_case("9-undeclared-prefix.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].author == "Jane Doe");
  CHECK_FALSE(feed.items[0].guid);
  CHECK(warns(feed, "undeclared namespace prefixes in <dc:creator>, <foo:guid>"));
}

TEST_CASE("an HTML comment never closed that cuts a title short is a warning") {
  auto feed = parse_case("9-unclosed-comment-cuts-title.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "Item");
  CHECK(warns(feed, "an HTML comment never closed hides the rest of <title>"));
}

TEST_CASE("an XML comment inside a title does not cut it short") {
  auto feed = parse_case("9-unclosed-comment-cuts-title.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[1].title == "Split title");
}

TEST_CASE("an empty JSON Feed id, author or tag is absent") {
  auto feed = parse_feed(R"({"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "items": [{"id": "", "title": "t", "authors": [{"name": " "}], "tags": ["", "World"]}]})",
                         ParseOptions{});
  REQUIRE(feed);
  REQUIRE(feed->items.size() == 1);
  CHECK_FALSE(feed->items[0].guid);
  CHECK_FALSE(feed->items[0].author);
  CHECK(feed->items[0].categories == std::vector<std::string>{"World"});
}
