// The words of a date, in the languages feeds are written in: month names (date_names.inc),
// English weekdays, the zones RFC 822 and feeds name, AM and PM in four languages, and the
// words a date may hold besides its names. The date grammars (feeds/dates.cpp) ask what a
// word is; every comparison is case-insensitive.
#pragma once

#include <optional>
#include <string_view>

namespace newswatch {

// A month name in any language of date_names.inc, in any case, with or without its accents:
// a name, or a prefix of at least three letters of names of one month only ("févr", "Ιούλ",
// "ноя"; not "jui", which starts both "juin" and "juillet"). English by its first three
// letters. The month, 1 to 12.
std::optional<unsigned> month_from_any_name(std::string_view name);

// Offset east of UTC in seconds for an RFC 822 named or military zone ("Etc/" may precede it).
std::optional<int> zone_offset(std::string_view zone);

// An English weekday, by its first three letters.
bool is_weekday(std::string_view word);

// Words a date may hold besides its names: Spanish and Portuguese "16 de noviembre de 2022",
// Russian "16 ноября 2022 г.".
bool is_filler(std::string_view token);

enum class Meridiem { kNone, kAm, kPm };

// "AM"/"PM" after the time, or the Korean, Japanese and Chinese forms before it.
Meridiem meridiem_of(std::string_view token);

}  // namespace newswatch
