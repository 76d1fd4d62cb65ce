#include "feeds/xml_repair.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "feeds/character_references.h"
#include "feeds/excerpt.h"

namespace newswatch {
namespace {

bool is_name_start(char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool is_xml_entity(std::string_view name) {
  return name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
}

// The code point of the numeric reference whose digits start at text[i] (after "&#" or
// "&#x"), capped at 0x110000, and where the digits end.
char32_t reference_value(std::string_view text, std::size_t& i, bool hex) {
  char32_t value = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    int digit = c >= '0' && c <= '9'                     ? c - '0'
                : !hex                                   ? -1
                : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                         : -1;
    if (digit < 0) break;
    value = std::min<char32_t>(value * (hex ? 16 : 10) + static_cast<char32_t>(digit), 0x110000);
  }
  return value;
}

// NUL, surrogates and numbers beyond U+10FFFF are no characters: pugixml would end the text
// at a NUL and write the others as bytes that are not UTF-8.
bool is_no_character(char32_t c) { return c == 0 || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF; }

// C0 controls but tab, LF and CR: XML 1.0 forbids references to them. They are left for the
// text cleaning (feeds/text.h), which reads them as U+FFFD, a form feed as a space.
bool is_forbidden_control(char32_t c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; }

bool is_control_byte(char byte) {
  unsigned char c = static_cast<unsigned char>(byte);
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

// The first block of sixteen bytes from s[from] on that holds an '&' or a C0 control but tab,
// LF and CR (fewer bytes at the end of `s`), with a bit set in `mask` for each; s.size() when
// there is none. Every byte of every document is looked at here, sixteen at a time where SSE2
// is there: one pass for both, which were a pass each, and the '&'s of a block are taken from
// its mask rather than searched for again from each.
std::size_t next_marked_block(std::string_view s, std::size_t from, unsigned& mask) {
  std::size_t at = from;
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8(0x1F), tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'),
                cr = _mm_set1_epi8('\r'), ampersand = _mm_set1_epi8('&');
  for (; at + 16 <= s.size(); at += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, below), v);  // v <= 0x1F
    __m128i space = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                                 _mm_cmpeq_epi8(v, cr));
    __m128i wanted = _mm_or_si128(_mm_andnot_si128(space, control), _mm_cmpeq_epi8(v, ampersand));
    mask = static_cast<unsigned>(_mm_movemask_epi8(wanted));
    if (mask != 0) return at;
  }
#endif
  mask = 0;
  for (std::size_t k = 0; k < 16 && at + k < s.size(); ++k) {
    if (s[at + k] == '&' || is_control_byte(s[at + k])) mask |= 1u << k;
  }
  return mask != 0 ? at : s.size();
}

// The document with each NUL byte, which ends pugixml's text (and its document: what follows
// is lost), replaced by U+FFFD, and how many there were.
std::string without_nul_bytes(std::string_view document, std::size_t& nuls) {
  std::string out;
  out.reserve(document.size() + 16);
  nuls = 0;
  for (char c : document) {
    if (c != '\0') {
      out.push_back(c);
    } else {
      out.append("\uFFFD");
      ++nuls;
    }
  }
  return out;
}

// Where the DOCTYPE starts, or npos. It belongs to the prolog: the search ends at the root
// element, which most feeds open within a few hundred bytes, instead of running through the
// document looking for a "<!DOCTYPE" that is not there.
std::size_t doctype_start(std::string_view document) {
  for (std::size_t at = document.find('<'); at != std::string_view::npos;
       at = document.find('<', at + 1)) {
    std::string_view rest = document.substr(at);
    if (rest.starts_with("<!DOCTYPE")) return at;
    if (rest.starts_with("<!--")) {
      std::size_t end = document.find("-->", at + 4);
      if (end == std::string_view::npos) return std::string_view::npos;
      at = end + 2;
    } else if (rest.starts_with("<?")) {
      std::size_t end = document.find("?>", at + 2);
      if (end == std::string_view::npos) return std::string_view::npos;
      at = end + 1;
    } else {
      return std::string_view::npos;  // the root element
    }
  }
  return std::string_view::npos;
}

// <!ENTITY name "value"> and <!ENTITY name 'value'> from the internal subset. Parameter and
// external entities (SYSTEM/PUBLIC) are ignored: nothing is ever fetched.
std::map<std::string, std::string, std::less<>> declared_entities(std::string_view document) {
  std::map<std::string, std::string, std::less<>> entities;
  std::size_t doctype = doctype_start(document);
  if (doctype == std::string_view::npos) return entities;
  std::size_t open = document.find('[', doctype);
  if (open == std::string_view::npos || open > document.find('>', doctype)) return entities;
  std::size_t close = document.find("]>", open);
  if (close == std::string_view::npos) return entities;
  std::string_view subset = document.substr(open, close - open);
  for (std::size_t at = subset.find("<!ENTITY"); at != std::string_view::npos;
       at = subset.find("<!ENTITY", at + 8)) {
    std::size_t i = at + 8;
    while (i < subset.size() && std::isspace(static_cast<unsigned char>(subset[i]))) ++i;
    if (i >= subset.size() || subset[i] == '%') continue;
    std::size_t name_start = i;
    while (i < subset.size() && is_name_char(subset[i])) ++i;
    std::string name(subset.substr(name_start, i - name_start));
    while (i < subset.size() && std::isspace(static_cast<unsigned char>(subset[i]))) ++i;
    if (i >= subset.size() || (subset[i] != '"' && subset[i] != '\'')) continue;
    char quote = subset[i];
    std::size_t end = subset.find(quote, i + 1);
    if (end == std::string_view::npos || name.empty()) continue;
    entities.emplace(std::move(name), std::string(subset.substr(i + 1, end - i - 1)));
  }
  return entities;
}

// Numeric character references for a UTF-8 string ("é" -> "&#233;").
std::string as_references(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    int length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = length == 1 ? c : length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < length && i + static_cast<std::size_t>(k) < utf8.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]) & 0x3F);
    out += "&#" + std::to_string(static_cast<unsigned long>(cp)) + ";";
    i += static_cast<std::size_t>(length);
  }
  return out;
}

class Repairer {
 public:
  Repairer(std::string_view document, const XmlRepairLimits& limits)
      : doc_(document), limits_(limits), declared_(declared_entities(document)) {}

  // Finds every '&' that needs repair, and the raw control bytes. Stops, returning false, at
  // the first NUL: the caller replaces them and starts again on the new document.
  bool scan() {
    // Only '&' needs work, and most are already good references (&lt; &amp; &#8217;), for
    // which it does not matter where they stand. Only for the others are the sections
    // that begin with "<!" or "<?" (CDATA, comments, DOCTYPE, PIs) located, once, in order.
    // The bytes are looked at sixteen at a time, and each one found in turn: looking again
    // from each reference cost more than the search.
    std::size_t i = 0;  // the bytes before it are done with
    while (i < doc_.size()) {
      unsigned mask = 0;
      std::size_t block = next_marked_block(doc_, i, mask), next = block + 16;
      for (; mask != 0; mask &= mask - 1) {
        std::size_t at = block + static_cast<std::size_t>(__builtin_ctz(mask));
        if (at < i) continue;
        if (doc_[at] != '&') {
          if (!raw_control(at)) return false;
          i = at + 1;
          continue;
        }
        i = after_ampersand(at);
        if (i >= next) break;
      }
      i = std::max(i, next);
    }
    return true;
  }

  // The warning for raw control bytes other than NUL, if there were any.
  void report_raw_controls(std::vector<std::string>& warnings) const {
    report(warnings, raw_controls_,
           "raw control characters (not allowed in XML) read as U+FFFD (a form feed as a space)");
  }

  // The repaired document after scan(), or nullopt when it needed no repair; the warnings for
  // what was repaired.
  std::optional<std::string> finish(std::vector<std::string>& warnings) {
    report(warnings, no_characters_,
           "references to NUL, surrogates or beyond U+10FFFF replaced by U+FFFD");
    report(warnings, controls_,
           "references to control characters (not allowed in XML) replaced by U+FFFD "
           "(a form feed by a space)");
    if (!changed_) return std::nullopt;
    out_.append(doc_.substr(copied_));
    report(warnings, html_entities_, "HTML named entities used without a declaration");
    report(warnings, unknown_entities_, "undefined entities kept as text");
    report(warnings, bare_ampersands_, "unescaped '&' kept as text");
    report(warnings, expanded_, "entities declared in the document's DTD expanded");
    if (expansion_capped_)
      warnings.push_back("entity expansion stopped at " +
                         std::to_string(limits_.max_entity_expansion) + " bytes");
    return std::move(out_);
  }

 private:
  struct Tally {
    int count = 0;
    std::string first;
  };

  static void report(std::vector<std::string>& warnings, const Tally& tally, const char* what) {
    if (tally.count == 0) return;
    std::string message = std::string(what) + ": " + tally.first;
    if (tally.count > 1) message += " and " + std::to_string(tally.count - 1) + " more";
    warnings.push_back(std::move(message));
  }

  // Where the scan goes on after the '&' at `at`.
  std::size_t after_ampersand(std::size_t at) {
    if (at < no_references_before_) return at + 1;
    if (std::size_t end = xml_reference_end(at)) return end;
    std::size_t section_end = end_of_section_around(at);
    if (section_end <= at) return reference(at);
    // The section's '&'s are no references; its control bytes are still counted as the scan
    // goes on through it.
    no_references_before_ = section_end;
    return at + 1;
  }

  // Counts the raw control byte at `at`; false when it is a NUL.
  bool raw_control(std::size_t at) {
    if (doc_[at] == '\0') return false;
    if (raw_controls_.count++ == 0) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(doc_[at]));
      raw_controls_.first = code;
    }
    return true;
  }

  // Where the reference at `at` ends when it is one pugixml understands (&amp; &lt; &gt;
  // &quot; &apos; &#N; &#xH;) and that needs no warning, else 0.
  std::size_t xml_reference_end(std::size_t at) const {
    std::size_t i = at + 1, n = doc_.size();
    if (i < n && doc_[i] == '#') {
      std::size_t j = i + 1;
      bool hex = j < n && (doc_[j] == 'x' || doc_[j] == 'X');
      if (hex) ++j;
      std::size_t digits = j;
      char32_t value = reference_value(doc_, j, hex);
      if (is_no_character(value) || is_forbidden_control(value)) return 0;
      return j > digits && j < n && doc_[j] == ';' ? j + 1 : 0;
    }
    // The five names compared as words, without a branch on which it is: the letter after
    // '&' is as good as random, and a mispredicted branch per reference cost more than the
    // search for it (there is one every 80 bytes of a feed that escapes its HTML).
    if (i + 8 > n) return short_xml_reference_end(at);
    std::uint64_t word;  // byte k at bits 8k, whatever the machine's byte order
    std::memcpy(&word, doc_.data() + i, 8);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    auto name = [](const char(&text)[6]) {
      std::uint64_t value = 0;
      for (int k = 4; k >= 0; --k) value = value << 8 | static_cast<unsigned char>(text[k]);
      return value;
    };
    std::uint64_t three = word & 0xFFFFFF, four = word & 0xFFFFFFFF, five = word & 0xFFFFFFFFFF;
    std::size_t length = three == name("lt;\0\0") || three == name("gt;\0\0") ? 3
                         : four == name("amp;\0")                             ? 4
                         : five == name("quot;") || five == name("apos;")     ? 5
                                                                              : 0;
    return length == 0 ? 0 : i + length;
  }

  // xml_reference_end() for a named reference in the last bytes of the document.
  std::size_t short_xml_reference_end(std::size_t at) const {
    std::string_view rest = doc_.substr(at + 1);
    for (std::string_view name : {"lt;", "gt;", "amp;", "quot;", "apos;"}) {
      if (rest.starts_with(name)) return at + 1 + name.size();
    }
    return 0;
  }

  // The end of the CDATA section, comment, DOCTYPE or PI that contains `at`, or 0 when
  // `at` is in none. Calls must come with increasing `at`.
  std::size_t end_of_section_around(std::size_t at) {
    while (true) {
      if (section_ == kUnknown) section_ = next_section(sections_from_);
      if (section_ == std::string_view::npos || section_ > at) return 0;
      std::size_t end = skip_markup(section_);
      sections_from_ = end;
      section_ = kUnknown;
      if (end > at) return end;
    }
  }

  // The next "<!" or "<?" at or after `from`; npos when none. Both bytes are compared sixteen
  // at a time where SSE2 is there: looking again from each '<' cost a search per tag.
  std::size_t next_section(std::size_t from) const {
    std::size_t at = from;
#if defined(__SSE2__)
    for (; at + 17 <= doc_.size(); at += 16) {
      auto bytes = [&](std::size_t k) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(doc_.data() + k));
      };
      __m128i next = bytes(at + 1);
      __m128i opens = _mm_and_si128(_mm_cmpeq_epi8(bytes(at), _mm_set1_epi8('<')),
                                    _mm_or_si128(_mm_cmpeq_epi8(next, _mm_set1_epi8('!')),
                                                 _mm_cmpeq_epi8(next, _mm_set1_epi8('?'))));
      if (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(opens)))
        return at + static_cast<std::size_t>(__builtin_ctz(mask));
    }
#endif
    for (; at + 1 < doc_.size(); ++at) {
      if (doc_[at] == '<' && (doc_[at + 1] == '!' || doc_[at + 1] == '?')) return at;
    }
    return std::string_view::npos;
  }

  // Skips CDATA sections, comments, processing instructions and the DOCTYPE, whose '&'s
  // are not references; returns the position after '<' otherwise.
  std::size_t skip_markup(std::size_t at) {
    auto skip_to = [&](std::string_view terminator) {
      std::size_t end = doc_.find(terminator, at);
      return end == std::string_view::npos ? doc_.size() : end + terminator.size();
    };
    std::string_view rest = doc_.substr(at);
    if (rest.starts_with("<![CDATA[")) return skip_to("]]>");
    if (rest.starts_with("<!--")) return skip_to("-->");
    if (rest.starts_with("<?")) return skip_to("?>");
    if (rest.starts_with("<!DOCTYPE")) {
      std::size_t bracket = doc_.find('[', at), close = doc_.find('>', at);
      return bracket != std::string_view::npos && bracket < close ? skip_to("]>") : skip_to(">");
    }
    return at + 2;
  }

  void replace(std::size_t from, std::size_t to, std::string_view with) {
    if (!changed_) out_.reserve(doc_.size() + 64);
    changed_ = true;
    out_.append(doc_.substr(copied_, from - copied_));
    out_.append(with);
    copied_ = to;
  }

  // `example` is kept as the warning will show it: cut short, printable.
  static void tally(Tally& t, std::string_view example, std::size_t max_characters = 100) {
    if (t.count++ == 0) t.first = excerpt(example, max_characters);
  }

  // Handles the '&' at `at`; returns where scanning goes on.
  std::size_t reference(std::size_t at) {
    std::size_t i = at + 1;
    if (i < doc_.size() && doc_[i] == '#') {
      std::size_t j = i + 1;
      bool hex = j < doc_.size() && (doc_[j] == 'x' || doc_[j] == 'X');
      if (hex) ++j;
      std::size_t digits = j;
      char32_t value = reference_value(doc_, j, hex);
      if (j == digits || j >= doc_.size() || doc_[j] != ';') return bare_ampersand(at);
      std::string_view whole = doc_.substr(at, j + 1 - at);
      if (is_no_character(value)) {
        replace(at, j + 1, "&#xFFFD;");  // what HTML5 reads them as
        tally(no_characters_, whole);
      } else if (is_forbidden_control(value)) {
        tally(controls_, whole);
      }
      return j + 1;
    }
    std::size_t j = i;
    if (j < doc_.size() && is_name_start(doc_[j])) {
      while (j < doc_.size() && is_name_char(doc_[j])) ++j;
    }
    if (j == i || j >= doc_.size() || doc_[j] != ';') return bare_ampersand(at);
    std::string_view name = doc_.substr(i, j - i);
    std::string_view whole = doc_.substr(at, j + 1 - at);
    if (is_xml_entity(name)) return j + 1;
    if (auto it = declared_.find(name); it != declared_.end()) {
      expansion_ += it->second.size();
      if (expansion_ > limits_.max_entity_expansion) {
        expansion_capped_ = true;
        replace(at, j + 1, "");
      } else {
        // The value is inserted as text: its own markup and references are escaped, so an
        // entity never expands into another.
        std::string escaped;
        for (char c : it->second)
          escaped += c == '&' ? "&amp;" : c == '<' ? "&lt;" : std::string(1, c);
        replace(at, j + 1, escaped);
      }
      tally(expanded_, whole);
      return j + 1;
    }
    std::string decoded;
    std::size_t pos = at;
    if (decode_reference(doc_, pos, decoded) && pos == j + 1) {
      replace(at, j + 1, as_references(decoded));
      tally(html_entities_, whole);
    } else {
      replace(at, at + 1, "&amp;");
      tally(unknown_entities_, whole);
    }
    return j + 1;
  }

  std::size_t bare_ampersand(std::size_t at) {
    replace(at, at + 1, "&amp;");
    tally(bare_ampersands_, doc_.substr(at), 12);
    return at + 1;
  }

  static constexpr std::size_t kUnknown = std::string_view::npos - 1;
  std::string_view doc_;
  std::size_t section_ = kUnknown;  // the next section not yet skipped
  std::size_t sections_from_ = 0;   // where the search for it starts
  const XmlRepairLimits& limits_;
  std::map<std::string, std::string, std::less<>> declared_;
  std::string out_;
  std::size_t copied_ = 0;
  bool changed_ = false;
  std::size_t expansion_ = 0;
  bool expansion_capped_ = false;
  std::size_t no_references_before_ = 0;  // the end of the section the scan is in
  Tally html_entities_, unknown_entities_, bare_ampersands_, expanded_, no_characters_, controls_,
      raw_controls_;
};

}  // namespace

std::optional<std::string> repair_xml(std::string_view document, std::vector<std::string>& warnings,
                                      const XmlRepairLimits& limits) {
  Repairer repairer(document, limits);
  if (repairer.scan()) {
    repairer.report_raw_controls(warnings);
    return repairer.finish(warnings);
  }
  // A NUL: rare enough that the document is copied without them and read again.
  std::size_t nuls = 0;
  std::string without_nul = without_nul_bytes(document, nuls);
  Repairer again(without_nul, limits);
  again.scan();
  again.report_raw_controls(warnings);
  warnings.push_back(nuls == 1 ? "a NUL byte replaced by U+FFFD"
                               : std::to_string(nuls) + " NUL bytes replaced by U+FFFD");
  auto repaired = again.finish(warnings);
  return repaired ? std::move(repaired) : std::move(without_nul);
}

}  // namespace newswatch
