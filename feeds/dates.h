// Dates as feeds write them: RFC 822/2822 (RSS pubDate) and ISO 8601/W3C-DTF (Atom, dc:date),
// with the common sloppy variants. Everything comes out as Unix seconds in UTC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "feeds/item.h"

namespace newswatch {

// Parses `text` as an RFC 822 or ISO 8601 date. Returns nullopt when the text is not a date
// this parser understands: callers report that, they never guess.
std::optional<UnixSeconds> parse_date(std::string_view text);

// Renders `t` as ISO 8601 UTC, "YYYY-MM-DDTHH:MM:SSZ".
std::string format_iso8601(UnixSeconds t);

// Days since 1970-01-01 of a proleptic Gregorian civil date (month 1..12).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace newswatch
