#include "feeds/dates.h"

#include <catch2/catch.hpp>

using newswatch::format_iso8601;
using newswatch::parse_date;

static std::string iso(std::string_view text) {
  auto t = parse_date(text);
  return t ? format_iso8601(*t) : "null";
}

TEST_CASE("RFC 822 dates with named, numeric and military zones come out in UTC") {
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 GMT") == "2003-06-10T04:00:00Z");
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 +0200") == "2003-06-10T02:00:00Z");
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 EST") == "2003-06-10T09:00:00Z");
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 PDT") == "2003-06-10T11:00:00Z");
  CHECK(iso("10 Jun 2003 04:00:00 Z") == "2003-06-10T04:00:00Z");
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 A") == "2003-06-10T05:00:00Z");  // RFC 822: A is -1
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 N") == "2003-06-10T03:00:00Z");
}

TEST_CASE("RFC 822 variants real feeds emit are understood") {
  CHECK(iso("Tue, 10 Jun 2003 04:00 GMT") == "2003-06-10T04:00:00Z");  // no seconds
  CHECK(iso("10 Jun 03 04:00:00 GMT") == "2003-06-10T04:00:00Z");      // two-digit year
  CHECK(iso("Tuesday, 10 June 2003 04:00:00 +00:00") == "2003-06-10T04:00:00Z");
  CHECK(iso("  Tue, 10 Jun 2003 04:00:00 GMT \n") == "2003-06-10T04:00:00Z");
}

TEST_CASE("other orders and zones that feeds and programs write") {
  CHECK(iso("Sun Jul 15 01:16:00 +0000 2012") == "2012-07-15T01:16:00Z");  // asctime-like
  CHECK(iso("Thu Aug 30 2012 17:26:16 +0200") == "2012-08-30T15:26:16Z");  // JavaScript
  CHECK(iso("Fri, 2006/09/15 08:19:53 EDT") == "2006-09-15T12:19:53Z");
  CHECK(iso("Wed, 19 Feb 2012 22:40:00 GMT-01:01") == "2012-02-19T23:41:00Z");
  CHECK(iso("Wed, 19 Aug 2009 18:28:00 Etc/GMT") == "2009-08-19T18:28:00Z");
  CHECK(iso("Thu, 30 Apr 2015 08:57:00 MEST") == "2015-04-30T06:57:00Z");
  CHECK(iso("Mon, 26 January 2004 16:31:00 ET") == "2004-01-26T21:31:00Z");
  CHECK(iso("Mon, 13 Feb, 2012 06:28:00 UTC") == "2012-02-13T06:28:00Z");
  CHECK(iso("Thu, 01 Jan 2004") == "2004-01-01T00:00:00Z");
}

TEST_CASE("ISO 8601 and W3C-DTF dates with offsets and fractions") {
  CHECK(iso("2003-12-31T10:14:55Z") == "2003-12-31T10:14:55Z");
  CHECK(iso("2003-12-31T10:14:55.123-08:00") == "2003-12-31T18:14:55Z");
  CHECK(iso("2003-12-31T10:14+0130") == "2003-12-31T08:44:00Z");
  CHECK(iso("2003-12-31") == "2003-12-31T00:00:00Z");
  CHECK(iso("2003-12") == "2003-12-01T00:00:00Z");
  CHECK(iso("20031231") == "2003-12-31T00:00:00Z");
  CHECK(iso("2024-01-01T00:00:00.123456789012345Z") == "2024-01-01T00:00:00Z");
  CHECK(iso("2003-12-31 10:14:55") == "2003-12-31T10:14:55Z");
}

TEST_CASE("a date that is not a date gives nothing, never a guess") {
  CHECK(iso("") == "null");
  CHECK(iso("yesterday") == "null");
  CHECK(iso("Tue, 31 Feb 2003 04:00:00 GMT") == "null");
  CHECK(iso("2003-13-01T00:00:00Z") == "null");
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 Mars Standard Time") == "null");
  CHECK(iso("2003-12-31T10:14:55Z trailing") == "null");
  CHECK(iso(". 31,@10, 14, 5;,<.!- -") == "null");  // a lone '.' token (found by the fuzzer)
}

TEST_CASE("leap years are honoured") {
  CHECK(iso("2024-02-29T00:00:00Z") == "2024-02-29T00:00:00Z");
  CHECK(iso("2023-02-29T00:00:00Z") == "null");
  CHECK(iso("1900-02-29T00:00:00Z") == "null");
  CHECK(iso("2000-02-29T00:00:00Z") == "2000-02-29T00:00:00Z");
}
