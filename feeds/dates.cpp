// Hand-written date parsing: strptime is locale-dependent and rejects the variants real
// feeds emit (missing seconds, two-digit years, named and military zones, fractions).
#include "feeds/dates.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace newswatch {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  void skip_spaces() {
    while (!done() && (std::isspace(static_cast<unsigned char>(s_[i_])) || s_[i_] == ',')) ++i_;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // Reads 1..max_digits digits; returns the value and how many digits were read.
  std::optional<std::pair<int, int>> number(int max_digits = 9) {
    int value = 0, n = 0;
    while (n < max_digits && std::isdigit(static_cast<unsigned char>(peek()))) {
      value = value * 10 + (s_[i_++] - '0');
      ++n;
    }
    if (n == 0) return std::nullopt;
    return std::pair{value, n};
  }
  std::string_view word() {
    std::size_t start = i_;
    while (!done() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    return s_.substr(start, i_ - start);
  }
  std::string_view rest() const { return s_.substr(i_); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::optional<unsigned> month_from_name(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() < 3) return std::nullopt;
  for (unsigned m = 0; m < kMonths.size(); ++m) {
    if (iequals(name.substr(0, 3), kMonths[m])) return m + 1;
  }
  return std::nullopt;
}

// Offset east of UTC in seconds for an RFC 822 named or military zone.
std::optional<int> zone_offset(std::string_view zone) {
  struct Named {
    std::string_view name;
    int hours;
  };
  static constexpr std::array<Named, 14> kNamed = {{{"UT", 0},
                                                    {"UTC", 0},
                                                    {"GMT", 0},
                                                    {"Z", 0},
                                                    {"EST", -5},
                                                    {"EDT", -4},
                                                    {"CST", -6},
                                                    {"CDT", -5},
                                                    {"MST", -7},
                                                    {"MDT", -6},
                                                    {"PST", -8},
                                                    {"PDT", -7},
                                                    {"AST", -4},
                                                    {"ADT", -3}}};
  for (const auto& n : kNamed) {
    if (iequals(zone, n.name)) return n.hours * 3600;
  }
  if (zone.size() == 1) {
    // RFC 822 military zones: A..I = +1..+9, K..M = +10..+12, N..Y = -1..-12. RFC 2822 notes
    // their signs were often wrong in practice, so it treats them as -0000; feedparser follows
    // the RFC 822 table, as do we.
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(zone[0])));
    if (c >= 'A' && c <= 'I') return (c - 'A' + 1) * 3600;
    if (c >= 'K' && c <= 'M') return (c - 'K' + 10) * 3600;
    if (c >= 'N' && c <= 'Y') return -(c - 'N' + 1) * 3600;
  }
  return std::nullopt;
}

bool valid_civil(int year, int month, int day, int hour, int minute, int second) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return false;
  return hour >= 0 && hour <= 24 && minute >= 0 && minute < 60 && second >= 0 && second <= 60;
}

UnixSeconds to_unix(int year, int month, int day, int hour, int minute, int second) {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
}

// "+hh:mm", "+hhmm", "+hh", "-..." → seconds east of UTC.
std::optional<int> numeric_offset(Cursor& c) {
  int sign = c.eat('+') ? 1 : (c.eat('-') ? -1 : 0);
  if (sign == 0) return std::nullopt;
  auto hh = c.number(4);
  if (!hh) return std::nullopt;
  int hours = hh->first, minutes = 0;
  if (hh->second == 4) {
    hours = hh->first / 100;
    minutes = hh->first % 100;
  } else if (c.eat(':')) {
    auto mm = c.number(2);
    if (!mm) return std::nullopt;
    minutes = mm->first;
  }
  if (hours > 23 || minutes > 59) return std::nullopt;
  return sign * (hours * 3600 + minutes * 60);
}

struct TimeOfDay {
  int hour = 0, minute = 0, second = 0;
};

// HH:MM[:SS[.fraction]] — the fraction is dropped: stored times have whole seconds.
bool read_time(Cursor& c, TimeOfDay& time) {
  auto h = c.number(2);
  if (!h || !c.eat(':')) return false;
  auto m = c.number(2);
  if (!m) return false;
  time.hour = h->first;
  time.minute = m->first;
  if (c.eat(':')) {
    auto s = c.number(2);
    if (!s) return false;
    time.second = s->first;
    if (c.eat('.') || c.eat(',')) c.number(12);
  }
  return true;
}

// Reads the optional zone that ends a date (numeric, named, military or 'Z'), requires that
// nothing follows it, validates the whole date and converts it to UTC.
std::optional<UnixSeconds> finish(Cursor& c, int year, int month, int day, const TimeOfDay& t) {
  c.skip_spaces();
  int offset = 0;
  if (c.peek() == '+' || c.peek() == '-') {
    auto off = numeric_offset(c);
    if (!off) return std::nullopt;
    offset = *off;
  } else if (!c.done()) {
    auto off = zone_offset(c.word());
    if (!off) return std::nullopt;
    offset = *off;
  }
  c.skip_spaces();
  if (!c.done() || !valid_civil(year, month, day, t.hour, t.minute, t.second)) return std::nullopt;
  return to_unix(year, month, day, t.hour, t.minute, t.second) - offset;
}

// RFC 822: [Day,] DD Mon YYYY HH:MM[:SS] [zone]
std::optional<UnixSeconds> parse_rfc822(std::string_view text) {
  Cursor c(text);
  c.skip_spaces();
  std::string_view first = c.word();
  if (!first.empty()) {
    c.eat('.');
    c.skip_spaces();
  }
  auto day = c.number(2);
  if (!day) return std::nullopt;
  c.skip_spaces();
  c.eat('-');
  auto month = month_from_name(c.word());
  if (!month) return std::nullopt;
  c.eat('.');
  c.skip_spaces();
  c.eat('-');
  auto year = c.number(4);
  if (!year) return std::nullopt;
  int y = year->first;
  if (year->second == 2) y += y < 50 ? 2000 : 1900;
  c.skip_spaces();
  TimeOfDay time;
  if (std::isdigit(static_cast<unsigned char>(c.peek())) && !read_time(c, time))
    return std::nullopt;
  return finish(c, y, static_cast<int>(*month), day->first, time);
}

// ISO 8601 / W3C-DTF: YYYY[-MM[-DD[(T| )HH:MM[:SS[.frac]][Z|±hh[:]mm]]]], also YYYYMMDD.
std::optional<UnixSeconds> parse_iso8601(std::string_view text) {
  Cursor c(text);
  c.skip_spaces();
  auto year = c.number(8);
  if (!year) return std::nullopt;
  int y = year->first, month = 1, day = 1;
  if (year->second == 8) {
    y = year->first / 10000;
    month = year->first / 100 % 100;
    day = year->first % 100;
  } else if (year->second != 4) {
    return std::nullopt;
  } else if (c.eat('-')) {
    auto m = c.number(2);
    if (!m) return std::nullopt;
    month = m->first;
    if (c.eat('-')) {
      auto d = c.number(2);
      if (!d) return std::nullopt;
      day = d->first;
    }
  }
  TimeOfDay time;
  if ((c.eat('T') || c.eat('t') || c.eat(' ')) && !read_time(c, time)) return std::nullopt;
  return finish(c, y, month, day, time);
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  // Howard Hinnant's algorithm: exact for every proleptic Gregorian date.
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<UnixSeconds> parse_date(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (auto t = parse_iso8601(text)) return t;
  return parse_rfc822(text);
}

std::string format_iso8601(UnixSeconds t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace newswatch
