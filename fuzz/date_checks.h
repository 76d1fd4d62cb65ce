// date_fuzzer's properties: parse_date on any text, and the formatter against the parser.
// A date parse_date accepts lies in the years its formats can write (0000-9999, give or take
// the zone), and format_iso8601 of it reads back as the same instant. The input's first eight
// bytes also pick an instant and a zone, written as ISO 8601 and as RFC 822 from gmtime: both
// must read back exactly.
#pragma once

#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

#include "feeds/dates.h"
#include "fuzz/checks.h"

namespace newswatch::fuzz {

// The instants format_iso8601 writes as "YYYY-MM-DDTHH:MM:SSZ": years 0000 to 9999.
inline const UnixSeconds kFirstFormattable = days_from_civil(0, 1, 1) * 86400;
inline const UnixSeconds kAfterFormattable = days_from_civil(10000, 1, 1) * 86400;

inline std::string check_reads_back(std::string_view written, UnixSeconds expected) {
  auto read = parse_date(written);
  if (read && *read == expected) return {};
  char detail[96];
  std::snprintf(detail, sizeof detail, " reads back as %" PRId64 ", not %" PRId64,
                read ? *read : INT64_MIN, expected);
  // Appended rather than added up: GCC 12's -Wrestrict misfires on the sum.
  std::string message = "'";
  message.append(printable(written)).append("'");
  message.append(read ? std::string_view(detail) : std::string_view(" does not read back"));
  return message;
}

// `t` as an RFC 822 date in a zone `offset_minutes` east of UTC: "Tue, 05 Mar 2024 14:07:09 +0530".
inline std::string format_rfc822(UnixSeconds t, int offset_minutes) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t local = static_cast<std::time_t>(t + offset_minutes * 60);
  std::tm tm{};
  gmtime_r(&local, &tm);
  int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
                kDays[static_cast<std::size_t>(tm.tm_wday)], tm.tm_mday,
                kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec, offset_minutes < 0 ? '-' : '+', magnitude / 60,
                magnitude % 60);
  return buffer;
}

inline std::string check_date_parsing(std::string_view bytes) {
  // A zone moves a date by up to a day either way, and "24:00" or a leap second a little more.
  constexpr UnixSeconds kZoneSlack = 2 * 86400;
  if (auto parsed = parse_date(bytes)) {
    if (*parsed < kFirstFormattable - kZoneSlack || *parsed >= kAfterFormattable + kZoneSlack)
      return "'" + printable(bytes) + "' parses to " + std::to_string(*parsed) +
             ", outside the years 0000-9999";
    // Year 0 or 10000 in UTC: a date format_iso8601 cannot write in four digits.
    if (*parsed >= kFirstFormattable && *parsed < kAfterFormattable) {
      if (auto broken = check_reads_back(format_iso8601(*parsed), *parsed); !broken.empty())
        return "'" + printable(bytes) + "' formatted as " + broken;
    }
  }
  if (bytes.size() < 8) return {};
  std::uint64_t raw;
  std::memcpy(&raw, bytes.data(), sizeof raw);
  UnixSeconds instant = kFirstFormattable +
                        static_cast<UnixSeconds>(raw % static_cast<std::uint64_t>(
                                                           kAfterFormattable - kFirstFormattable));
  if (auto broken = check_reads_back(format_iso8601(instant), instant); !broken.empty())
    return broken;
  // RFC 822 wants four digits for the year in the zone's own time, so one day in from the ends.
  constexpr int kZoneRange = 2 * (23 * 60 + 59) + 1;  // -23:59 to +23:59
  int offset_minutes = static_cast<int>((raw >> 48) % kZoneRange) - (23 * 60 + 59);
  if (instant >= kFirstFormattable + 86400 && instant < kAfterFormattable - 86400) {
    if (auto broken = check_reads_back(format_rfc822(instant, offset_minutes), instant);
        !broken.empty())
      return broken;
  }
  return {};
}

}  // namespace newswatch::fuzz
