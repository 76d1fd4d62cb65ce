// Hand-written date parsing: strptime is locale-dependent and rejects the variants real
// feeds emit (missing seconds, two-digit years, named and military zones, fractions).
#include "feeds/dates.h"

#include <algorithm>
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
  void skip_digits() {
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
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
  // RFC 822's zones, the North American short forms (ET, CT, ...) and the European ones
  // that feeds use.
  static constexpr Named kNamed[] = {
      {"UT", 0},  {"UTC", 0},  {"GMT", 0},  {"Z", 0},    {"EST", -5}, {"EDT", -4},
      {"ET", -5}, {"CST", -6}, {"CDT", -5}, {"CT", -6},  {"MST", -7}, {"MDT", -6},
      {"MT", -7}, {"PST", -8}, {"PDT", -7}, {"PT", -8},  {"AST", -4}, {"ADT", -3},
      {"AT", -4}, {"WET", 0},  {"WEST", 1}, {"BST", 1},  {"CET", 1},  {"CEST", 2},
      {"MET", 1}, {"MEST", 2}, {"EET", 2},  {"EEST", 3}, {"MSK", 3},  {"JST", 9}};
  if (zone.starts_with("Etc/")) zone.remove_prefix(4);
  for (const auto& n : kNamed) {
    if (iequals(zone, n.name)) return n.hours * 3600;
  }
  if (zone.size() == 1) {
    // RFC 822's military zones as the RFC writes them: A..I = -1..-9, K..M = -10..-12,
    // N..Y = +1..+12 (RFC 1123 notes the signs are backwards from military use; feeds that
    // use them follow the RFC, and so does feedparser).
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(zone[0])));
    if (c >= 'A' && c <= 'I') return -(c - 'A' + 1) * 3600;
    if (c >= 'K' && c <= 'M') return -(c - 'K' + 10) * 3600;
    if (c >= 'N' && c <= 'Y') return (c - 'N' + 1) * 3600;
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
    if (c.eat('.') || c.eat(',')) c.skip_digits();
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

bool is_weekday(std::string_view word) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (word.size() < 3) return false;
  for (auto day : kDays) {
    if (iequals(word.substr(0, 3), day)) return true;
  }
  return false;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// RFC 822 and the orders real feeds and programs write it in: "[Day,] DD Mon YYYY HH:MM[:SS]
// [zone]", asctime's "Day Mon DD HH:MM:SS [zone] YYYY", JavaScript's "Day Mon DD YYYY
// HH:MM:SS zone", "YYYY/MM/DD", zones like "GMT-01:01" or "Etc/GMT". Every token must be
// understood: a date with a word this parser does not know is rejected, not guessed.
std::optional<UnixSeconds> parse_rfc822(std::string_view text) {
  int year = -1, month = -1, day = -1, offset = 0;
  TimeOfDay time;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ','))
      ++i;
    std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != ',')
      ++i;
    std::string_view token = text.substr(start, i - start);
    if (token.empty()) break;
    if (token.back() == '.') token.remove_suffix(1);  // "Jun." "Tue."
    if (token.empty()) return std::nullopt;           // a lone "."
    Cursor c(token);
    if (std::isdigit(static_cast<unsigned char>(token[0])) && token.find(':') != token.npos) {
      if (!read_time(c, time) || !c.done()) return std::nullopt;
    } else if (all_digits(token) && token.size() <= 2 && day < 0) {
      day = c.number(2)->first;
    } else if (all_digits(token) && (token.size() == 4 || token.size() == 2) && year < 0) {
      year = c.number(4)->first;
      if (token.size() == 2) year += year < 50 ? 2000 : 1900;
    } else if (std::isdigit(static_cast<unsigned char>(token[0])) &&
               token.find('/') != token.npos) {
      auto y = c.number(4);  // YYYY/MM/DD
      if (!y || y->second != 4 || !c.eat('/')) return std::nullopt;
      auto m = c.number(2);
      if (!m || !c.eat('/')) return std::nullopt;
      auto d = c.number(2);
      if (!d || !c.done()) return std::nullopt;
      year = y->first, month = m->first, day = d->first;
    } else if (token[0] == '+' || token[0] == '-') {
      auto off = numeric_offset(c);
      if (!off || !c.done()) return std::nullopt;
      offset = *off;
    } else if (auto m = month_from_name(token); m && month < 0) {
      month = static_cast<int>(*m);
    } else if (is_weekday(token)) {
      continue;
    } else {
      // A zone, possibly followed by an offset from it: "GMT-01:01".
      std::size_t sign = token.find_first_of("+-");
      auto zone = zone_offset(token.substr(0, sign));
      if (!zone) return std::nullopt;
      offset = *zone;
      if (sign != token.npos) {
        Cursor rest(token.substr(sign));
        auto off = numeric_offset(rest);
        if (!off || !rest.done()) return std::nullopt;
        offset += *off;
      }
    }
  }
  if (year < 0 || month < 0 || day < 0) return std::nullopt;
  if (!valid_civil(year, month, day, time.hour, time.minute, time.second)) return std::nullopt;
  return to_unix(year, month, day, time.hour, time.minute, time.second) - offset;
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
