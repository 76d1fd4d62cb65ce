// Hand-written date parsing: strptime is locale-dependent and rejects the variants real
// feeds emit (missing seconds, two-digit years, named and military zones, fractions, month
// names in the publisher's language, a weekday in any language).
#include "feeds/dates.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <vector>

#include "feeds/ascii.h"
#include "feeds/date_words.h"

namespace newswatch {
namespace {

// ASCII classes without the C library's locale lookups, which were most of the cost of a date
// (a space is one of the C locale's, vertical tab included; feeds/ascii.h has the letters).
constexpr bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  void skip_spaces() {
    while (!done() && (is_space(s_[i_]) || s_[i_] == ',')) ++i_;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // Reads 1..max_digits digits; returns the value and how many digits were read.
  std::optional<std::pair<int, int>> number(int max_digits = 9) {
    int value = 0, n = 0;
    while (n < max_digits && is_digit(peek())) {
      value = value * 10 + (s_[i_++] - '0');
      ++n;
    }
    if (n == 0) return std::nullopt;
    return std::pair{value, n};
  }
  void skip_digits() {
    while (is_digit(peek())) ++i_;
  }
  std::string_view word() {
    std::size_t start = i_;
    while (!done() && is_ascii_alpha(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  std::string_view rest() const { return s_.substr(i_); }
  void advance(std::size_t n) { i_ = std::min(i_ + n, s_.size()); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

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

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c); });
}
// A word of letters in any script (UTF-8 lead and continuation bytes count as letters).
bool is_letters(std::string_view token) {
  return std::all_of(token.begin(), token.end(), [](char c) {
    return is_ascii_alpha(c) || static_cast<unsigned char>(c) >= 0x80;
  });
}

// How many bytes of separator start at text[i]: a space, a comma or a no-break space (which
// French dates put between the day and the month), else 0.
std::size_t separator_at(std::string_view text, std::size_t i) {
  if (is_space(text[i]) || text[i] == ',') return 1;
  return text[i] == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0' ? 2 : 0;
}

// The tokens of an RFC 822-like date, read one at a time, each into the field its shape
// says: a time, a day, a year, a numeric date, a zone, a month name or a weekday.
class Rfc822Reader {
 public:
  // False when the token cannot be part of a date, or fills a field already filled.
  bool take(std::string_view token) {
    const bool first = tokens_++ == 0;
    if (token.back() == '.') token.remove_suffix(1);  // "Jun." "Tue." "16." "févr."
    if (token.empty()) return false;                  // a lone "."
    Cursor c(token);
    const bool digit = is_digit(token[0]);
    if (digit && token.find(':') != token.npos) {
      have_time_ = true;
      return read_time(c, time_) && c.done();
    }
    if (all_digits(token) && token.size() <= 2 && day_ < 0) {
      day_ = c.number(2)->first;
    } else if (all_digits(token) && (token.size() == 4 || token.size() == 2) && year_ < 0) {
      year_ = c.number(4)->first;
      if (token.size() == 2) year_ += year_ < 50 ? 2000 : 1900;
    } else if (digit && token.find_first_of("/-") != token.npos) {
      return numeric_date(c);
    } else if (digit) {
      return units_date(c);
    } else if (token[0] == '+' || token[0] == '-') {
      auto off = numeric_offset(c);
      have_zone_ = true;
      offset_ = off.value_or(0);
      return off && c.done();

    } else if (is_weekday(token)) {  // English, anywhere, as always (no month starts so)
    } else if (auto name = month_from_any_name(token); name && month_or_weekday(*name, first)) {
    } else if (is_filler(token)) {
    } else if (auto meridiem = meridiem_of(token); meridiem != Meridiem::kNone) {
      if (meridiem_ != Meridiem::kNone) return false;
      meridiem_ = meridiem;
      korean_ |= static_cast<unsigned char>(token[0]) == 0xEC;  // 오전, 오후
    } else if (day_ < 0 && year_ < 0 && !have_time_ && !weekday_seen_ && is_letters(token)) {
      weekday_seen_ = true;  // any word before the day: a weekday, in whatever language
    } else {
      return zone(token);
    }
    return true;
  }

  std::optional<UnixSeconds> result() const {
    if (year_ < 0 || month_ < 0 || day_ < 0) return std::nullopt;
    TimeOfDay t = time_;
    if (meridiem_ != Meridiem::kNone) {
      if (!have_time_ || t.hour < 1 || t.hour > 12) return std::nullopt;
      if (t.hour == 12) t.hour = 0;
      if (meridiem_ == Meridiem::kPm) t.hour += 12;
    }
    // Korean blogs (OnBlog, Nate) write Korean time without saying so; feedparser reads it so.
    int offset = korean_ && !have_zone_ ? 9 * 3600 : offset_;
    if (!valid_civil(year_, month_, day_, t.hour, t.minute, t.second)) return std::nullopt;
    return to_unix(year_, month_, day_, t.hour, t.minute, t.second) - offset;
  }

 private:
  // The first month name may be a weekday that is also a month ("mar" is martes and marzo,
  // "mar, 15 nov 2022"): a second name before the year and time takes its place.
  bool month_or_weekday(unsigned month, bool first) {
    if (month_ >= 0 && !(first_word_month_ && year_ < 0 && !have_time_ && !weekday_seen_))
      return false;
    weekday_seen_ = month_ >= 0;
    first_word_month_ = month_ < 0 && first;
    month_ = static_cast<int>(month);
    return true;
  }

  // "YYYY/MM/DD" (Perforce) or "YYYY-MM-DD" before a time the ISO reader does not take
  // ("2004-05-25 오후 11:23:17", Nate).
  bool numeric_date(Cursor& c) {
    auto y = c.number(4);
    char sep = c.peek();
    if (!y || y->second != 4 || !(c.eat('/') || c.eat('-'))) return false;
    auto m = c.number(2);
    if (!m || !c.eat(sep)) return false;
    auto d = c.number(2);
    if (!d || !c.done()) return false;
    year_ = y->first, month_ = m->first, day_ = d->first;
    return true;
  }

  // Numbers each followed by its unit: Korean "2004년", "05월", "28일" (OnBlog), Chinese and
  // Japanese "2004年5月28日".
  bool units_date(Cursor& c) {
    struct Unit {
      std::string_view text;
      int Rfc822Reader::*field;
      bool korean;
    };
    static constexpr Unit kUnits[] = {
        {"년", &Rfc822Reader::year_, true},  {"年", &Rfc822Reader::year_, false},
        {"월", &Rfc822Reader::month_, true}, {"月", &Rfc822Reader::month_, false},
        {"일", &Rfc822Reader::day_, true},   {"日", &Rfc822Reader::day_, false}};
    while (!c.done()) {
      auto n = c.number(4);
      if (!n) return false;
      const Unit* unit = std::find_if(std::begin(kUnits), std::end(kUnits),
                                      [&](const Unit& u) { return c.rest().starts_with(u.text); });
      if (unit == std::end(kUnits) || this->*unit->field >= 0) return false;
      if (unit->field == &Rfc822Reader::year_ && n->second != 4) return false;
      this->*unit->field = n->first;
      korean_ |= unit->korean;
      c.advance(unit->text.size());
    }
    return true;
  }

  // A zone, possibly followed by an offset from it: "GMT-01:01".
  bool zone(std::string_view token) {
    std::size_t sign = token.find_first_of("+-");
    auto zone = zone_offset(token.substr(0, sign));
    if (!zone) return false;
    int offset = *zone;
    if (sign != token.npos) {
      Cursor rest(token.substr(sign));
      auto off = numeric_offset(rest);
      if (!off || !rest.done()) return false;
      offset += *off;
    }
    have_zone_ = true;
    offset_ = offset;
    return true;
  }

  int year_ = -1, month_ = -1, day_ = -1, offset_ = 0;
  TimeOfDay time_;
  std::size_t tokens_ = 0;
  bool have_time_ = false, have_zone_ = false, korean_ = false;
  bool weekday_seen_ = false, first_word_month_ = false;
  Meridiem meridiem_ = Meridiem::kNone;
};

// RFC 822 and the orders real feeds and programs write it in: "[Day,] DD Mon YYYY HH:MM[:SS]
// [zone]", asctime's "Day Mon DD HH:MM:SS [zone] YYYY", JavaScript's "Day Mon DD YYYY
// HH:MM:SS zone", "YYYY/MM/DD", zones like "GMT-01:01" or "Etc/GMT", month names in the
// languages of date_names.inc, a weekday in any language, AM/PM, Korean dates. Every token
// must be understood: a date with a word this parser does not know is rejected, not guessed.
std::optional<UnixSeconds> parse_rfc822(std::string_view text) {
  Rfc822Reader reader;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && separator_at(text, i) > 0) i += separator_at(text, i);
    std::size_t start = i;
    while (i < text.size() && separator_at(text, i) == 0) ++i;
    if (i == start) break;
    if (!reader.take(text.substr(start, i - start))) return std::nullopt;
  }
  return reader.result();
}

// Day `ordinal` (1-based) of `year` as a month and a day; false past the year's end.
bool from_ordinal(int year, int ordinal, int& month, int& day) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  for (month = 1; month <= 12; ++month) {
    int length = kDays[static_cast<std::size_t>(month - 1)] + (month == 2 && leap);
    if (ordinal >= 1 && ordinal <= length) {
      day = ordinal;
      return true;
    }
    ordinal -= length;
  }
  return false;
}

// The month of an ISO date: "MM", Google's "0MM" ("2003-012-31"), or a name in any language
// (Hungarian blogs: "2004-július-13T9:15-05:00").
bool read_iso_month(Cursor& c, int& month) {
  if (is_digit(c.peek())) {
    auto m = c.number(3);
    if (!m || (m->second == 3 && m->first >= 100)) return false;
    month = m->first;
    return true;
  }
  std::string_view rest = c.rest();
  std::size_t end = 0;
  while (end < rest.size() && is_letters(rest.substr(end, 1))) ++end;
  auto m = month_from_any_name(rest.substr(0, end));
  if (!m) return false;
  month = static_cast<int>(*m);
  c.advance(end);
  return true;
}

// ISO 8601 / W3C-DTF: YYYY[-MM[-DD[(T| )HH:MM[:SS[.frac]][Z|±hh[:]mm]]]], also YYYYMMDD and
// the ordinal dates YYYY-DDD and YYYYDDD.
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
  } else if (year->second == 7) {
    y = year->first / 1000;
    if (!from_ordinal(y, year->first % 1000, month, day)) return std::nullopt;
  } else if (year->second != 4) {
    return std::nullopt;
  } else if (c.eat('-')) {
    Cursor ahead = c;
    auto ordinal = ahead.number(4);
    if (ordinal && ordinal->second == 3 && ahead.peek() != '-') {
      if (!from_ordinal(y, ordinal->first, month, day)) return std::nullopt;
      c = ahead;
    } else {
      if (!read_iso_month(c, month)) return std::nullopt;
      if (c.eat('-')) {
        auto d = c.number(2);
        if (!d) return std::nullopt;
        day = d->first;
      }
    }
  }
  TimeOfDay time;
  bool timed = c.eat('T') || c.eat('t') || c.eat(' ');
  if (timed && !read_time(c, time)) return std::nullopt;
  // A zone needs a time: in "2013-01-27-01" the "-01" is a fourth part, not an offset.
  if (!timed && !c.done()) return std::nullopt;
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
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
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
