#include "feeds/url.h"

#include <catch2/catch.hpp>

using newswatch::canonical_article_url;
using newswatch::without_tracking;

TEST_CASE("variants of one article's URL have one canonical form") {
  const std::string canonical = "https://example.com/world/2026/01/20/tanker-seized";
  for (const char* variant : {
           "https://www.example.com/world/2026/01/20/tanker-seized",
           "http://www.example.com/world/2026/01/20/tanker-seized",
           "https://WWW.Example.COM/world/2026/01/20/tanker-seized",
           "https://www.example.com:443/world/2026/01/20/tanker-seized",
           "http://www.example.com:80/world/2026/01/20/tanker-seized",
           "https://www.example.com/world/2026/01/20/tanker-seized/",
           "https://www.example.com/world/2026/01/20/tanker-seized#comments",
           "https://www.example.com/world/2026/01/20/tanker-seized#ref=rss",
           "https://www.example.com/world/2026/01/20/tanker-seized?utm_source=rss&utm_medium=feed",
           "https://www.example.com/world/2026/01/20/tanker-seized?UTM_Campaign=x",
           "https://www.example.com/world/2026/01/20/tanker-seized?fbclid=IwAR0abc",
           "https://www.example.com/world/2026/01/20/tanker-seized?gclid=x&mc_cid=y&mc_eid=z",
           "https://www.example.com/world/2026/01/20/tanker-seized?ref=rss",
           "http://www.example.com/world/2026/01/20/tanker-seized/"
           "?utm_source=twitter&fbclid=x1#share",
           "https://m.example.com/world/2026/01/20/tanker-seized",
           "https://amp.example.com/world/2026/01/20/tanker-seized",
           "https://www.example.com/amp/world/2026/01/20/tanker-seized",
           "https://www.example.com/world/2026/01/20/tanker-seized/amp",
           "https://www.example.com/world/2026/01/20/tanker-seized/amp/",
           "https://www.example.com/world/2026/01/20/tanker-seized?outputType=amp&utm_source=rss",
           "https://www.example.com/world/2026/01/20/tanker-seized?amp",
           "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/world/2026/01/20/"
           "tanker-seized",
       }) {
    INFO(variant);
    CHECK(canonical_article_url(variant) == canonical);
  }
}

TEST_CASE("canonical URLs keep what tells articles apart") {
  // Parameters that select the article stay, in a fixed order.
  CHECK(canonical_article_url("https://example.com/story.php?id=42&utm_source=x") ==
        "https://example.com/story.php?id=42");
  CHECK(canonical_article_url("https://example.com/s?b=2&a=1") ==
        canonical_article_url("https://example.com/s?a=1&b=2"));
  CHECK(canonical_article_url("https://example.com/story.php?id=42") !=
        canonical_article_url("https://example.com/story.php?id=43"));
  // Paths are case-sensitive; hosts are not.
  CHECK(canonical_article_url("https://example.com/A") !=
        canonical_article_url("https://example.com/a"));
  // A non-default port is part of the address, and so is a subdomain that is not a variant.
  CHECK(canonical_article_url("https://example.com:8443/a") == "https://example.com:8443/a");
  CHECK(canonical_article_url("https://news.example.com/a") == "https://news.example.com/a");
  // "m." alone is not stripped down to a top-level domain.
  CHECK(canonical_article_url("https://m.com/a") == "https://m.com/a");
  CHECK(canonical_article_url("https://example.com") == "https://example.com/");
  CHECK(canonical_article_url("https://example.com/a/amplifier") ==
        "https://example.com/a/amplifier");
}

TEST_CASE("links that are not http keep all but their fragment") {
  CHECK(canonical_article_url("tag:example.com,2026:item-1") == "tag:example.com,2026:item-1");
  CHECK(canonical_article_url("urn:uuid:1234#x") == "urn:uuid:1234");
  CHECK(canonical_article_url("not a url") == "not a url");
}

TEST_CASE("without_tracking keeps the link readable and drops only tracking") {
  CHECK(without_tracking("http://www.Example.com/a/?utm_source=x&id=1&fbclid=y#top") ==
        "http://www.Example.com/a/?id=1");
  CHECK(without_tracking("https://example.com/a") == "https://example.com/a");
  CHECK(without_tracking("https://example.com/a?utm_medium=rss") == "https://example.com/a");
}

TEST_CASE("only http and https URLs with a host are web URLs") {
  using newswatch::is_web_url;
  for (const char* url : {"http://x.example/", "https://x.example", "HTTPS://X.example/a?b#c",
                          "https://user:pw@x.example:8443/p", "http://[::1]/"})
    CHECK(is_web_url(url));
  for (const char* url : {"javascript:alert(1)", "JavaScript://x.example/%0Aalert(1)",
                          "data:text/html,<b>x</b>", "vbscript:msgbox", "file:///etc/passwd",
                          "mailto:a@x.example", "ftp://x.example/", "/relative/path", "x.example/a",
                          "https://", "http:///path", "https://user@/p", "http:x.example", ""})
    CHECK_FALSE(is_web_url(url));
}
