// Month names are matched after folding (case, accents, marks) by utf8proc, against a table
// folded once and sorted; the other words are few enough to compare one by one.
#include "feeds/date_words.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "feeds/ascii.h"

namespace newswatch {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
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

// A word as the month table holds it: case-folded, decomposed and stripped of its marks by
// utf8proc, so that "FÉVR", "févr" and "fevr" are one word, as are "ΝΟΈΜΒΡΙΟΣ" and
// "Νοέμβριος". Folded into a buffer of its own: no allocation for each word of each date.
class FoldedWord {
 public:
  // False when `word` is not UTF-8 or too long to be a name.
  bool fold(std::string_view word) {
    size_ = letters_ = 0;
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
    const auto size = static_cast<utf8proc_ssize_t>(word.size());
    for (utf8proc_ssize_t i = 0; i < size;) {
      if (p[i] < 0x80) {
        if (size_ == sizeof bytes_) return false;
        bytes_[size_++] = ascii_lower(static_cast<char>(p[i++]));
        ++letters_;
        continue;
      }
      utf8proc_int32_t cp;
      auto length = utf8proc_iterate(p + i, size - i, &cp);
      if (length <= 0) return false;
      i += length;
      utf8proc_int32_t folded[8];
      auto options = static_cast<utf8proc_option_t>(UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE |
                                                    UTF8PROC_STRIPMARK);
      auto n = utf8proc_decompose_char(cp, folded, std::ssize(folded), options, nullptr);
      if (n < 0 || n > std::ssize(folded)) return false;
      if (n > 0) ++letters_;
      for (utf8proc_ssize_t k = 0; k < n; ++k) {
        if (size_ + 4 > sizeof bytes_) return false;
        size_ += static_cast<std::size_t>(
            utf8proc_encode_char(folded[k], reinterpret_cast<utf8proc_uint8_t*>(bytes_ + size_)));
      }
    }
    return true;
  }
  std::string_view view() const { return {bytes_, size_}; }
  std::size_t letters() const { return letters_; }

 private:
  char bytes_[64];
  std::size_t size_ = 0, letters_ = 0;
};

struct MonthName {
  std::string_view name;
  unsigned month;
};

constexpr MonthName kMonthNames[] = {
#include "feeds/date_names.inc"
};

// kMonthNames folded once, on first use, and sorted, so that the names a word starts are
// adjacent; never changed after.
const std::vector<std::pair<std::string, unsigned>>& folded_month_names() {
  static const auto names = [] {
    std::vector<std::pair<std::string, unsigned>> folded;
    FoldedWord word;
    for (const auto& entry : kMonthNames) {
      if (word.fold(entry.name)) folded.emplace_back(word.view(), entry.month);
    }
    std::sort(folded.begin(), folded.end());
    return folded;
  }();
  return names;
}

}  // namespace

std::optional<unsigned> month_from_any_name(std::string_view name) {
  if (auto m = month_from_name(name)) return m;
  FoldedWord word;
  if (!word.fold(name) || word.letters() < 3) return std::nullopt;
  const auto& names = folded_month_names();
  auto it = std::lower_bound(names.begin(), names.end(), word.view(),
                             [](const auto& entry, std::string_view w) { return entry.first < w; });
  if (it != names.end() && it->first == word.view()) return it->second;  // "červen", not "-ec"
  std::optional<unsigned> month;
  for (; it != names.end() && it->first.starts_with(word.view()); ++it) {
    if (month && *month != it->second) return std::nullopt;
    month = it->second;
  }
  return month;
}

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
    char c = static_cast<char>(zone[0] & ~0x20);  // ASCII upper case
    if (c >= 'A' && c <= 'I') return -(c - 'A' + 1) * 3600;
    if (c >= 'K' && c <= 'M') return -(c - 'K' + 10) * 3600;
    if (c >= 'N' && c <= 'Y') return (c - 'N' + 1) * 3600;
  }
  return std::nullopt;
}

bool is_weekday(std::string_view word) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (word.size() < 3) return false;
  for (auto day : kDays) {
    if (iequals(word.substr(0, 3), day)) return true;
  }
  return false;
}

bool is_filler(std::string_view token) {
  return iequals(token, "de") || iequals(token, "del") || token == "г" || token == "Г";
}

Meridiem meridiem_of(std::string_view token) {
  if (iequals(token, "am") || iequals(token, "a.m")) return Meridiem::kAm;
  if (iequals(token, "pm") || iequals(token, "p.m")) return Meridiem::kPm;
  if (token == "오전" || token == "午前" || token == "上午") return Meridiem::kAm;
  if (token == "오후" || token == "午後" || token == "下午") return Meridiem::kPm;
  return Meridiem::kNone;
}

}  // namespace newswatch
