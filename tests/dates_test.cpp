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
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 A") == "2003-06-10T03:00:00Z");
}

TEST_CASE("RFC 822 variants real feeds emit are understood") {
  CHECK(iso("Tue, 10 Jun 2003 04:00 GMT") == "2003-06-10T04:00:00Z");  // no seconds
  CHECK(iso("10 Jun 03 04:00:00 GMT") == "2003-06-10T04:00:00Z");      // two-digit year
  CHECK(iso("Tuesday, 10 June 2003 04:00:00 +00:00") == "2003-06-10T04:00:00Z");
  CHECK(iso("  Tue, 10 Jun 2003 04:00:00 GMT \n") == "2003-06-10T04:00:00Z");
}

TEST_CASE("ISO 8601 and W3C-DTF dates with offsets and fractions") {
  CHECK(iso("2003-12-31T10:14:55Z") == "2003-12-31T10:14:55Z");
  CHECK(iso("2003-12-31T10:14:55.123-08:00") == "2003-12-31T18:14:55Z");
  CHECK(iso("2003-12-31T10:14+0130") == "2003-12-31T08:44:00Z");
  CHECK(iso("2003-12-31") == "2003-12-31T00:00:00Z");
  CHECK(iso("2003-12") == "2003-12-01T00:00:00Z");
  CHECK(iso("20031231") == "2003-12-31T00:00:00Z");
  CHECK(iso("2003-12-31 10:14:55") == "2003-12-31T10:14:55Z");
}

TEST_CASE("a date that is not a date gives nothing, never a guess") {
  CHECK(iso("") == "null");
  CHECK(iso("yesterday") == "null");
  CHECK(iso("Tue, 31 Feb 2003 04:00:00 GMT") == "null");
  CHECK(iso("2003-13-01T00:00:00Z") == "null");
  CHECK(iso("Tue, 10 Jun 2003 04:00:00 Mars Standard Time") == "null");
  CHECK(iso("2003-12-31T10:14:55Z trailing") == "null");
}

TEST_CASE("leap years are honoured") {
  CHECK(iso("2024-02-29T00:00:00Z") == "2024-02-29T00:00:00Z");
  CHECK(iso("2023-02-29T00:00:00Z") == "null");
  CHECK(iso("1900-02-29T00:00:00Z") == "null");
  CHECK(iso("2000-02-29T00:00:00Z") == "2000-02-29T00:00:00Z");
}
