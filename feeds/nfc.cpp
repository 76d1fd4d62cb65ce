// NFC by utf8proc, after two cheaper steps: a check that most text passes (nothing to
// normalise), and the Stream-Safe Text Format, which keeps utf8proc's time linear.
#include "feeds/nfc.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <optional>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/utf8.h"

namespace newswatch {
namespace {

// Whether NFC leaves a code point unchanged wherever it stands: below U+0300 nothing composes;
// above, a starter with no decomposition that never combines with what precedes it.
bool is_quick_nfc_code_point(char32_t cp) {
  if (cp < 0x300) return true;
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) ||
      (cp >= 0xD7B0 && cp <= 0xD7FF))
    return false;  // Hangul jamo compose algorithmically
  const utf8proc_property_t* property = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return property->combining_class == 0 && property->decomp_seqindex == UINT16_MAX &&
         !(property->comb_index != UINT16_MAX && property->comb_index >= 0x8000);
}

// The code points that have a property: one bit per character of the BMP, where text in most
// scripts stays, and the property itself beyond it. utf8proc's lookup is a call into the
// library per character; this is one bit.
template <bool (*kProperty)(char32_t)>
class CodePointSet {
 public:
  // The set, built on first use and never changed after.
  static const CodePointSet& get() {
    static const CodePointSet kSet;
    return kSet;
  }
  bool contains(char32_t cp) const {
    if (cp >= 0x10000) return kProperty(cp);
    return (bits_[cp / 64] >> (cp % 64)) & 1;
  }

 private:
  CodePointSet() {
    for (char32_t c = 0; c < 0x10000; ++c) bits_[c / 64] |= std::uint64_t{kProperty(c)} << (c % 64);
  }
  std::array<std::uint64_t, 0x10000 / 64> bits_{};
};

}  // namespace

bool is_quick_nfc(char32_t code_point) {
  return CodePointSet<is_quick_nfc_code_point>::get().contains(code_point);
}

// True when `utf8` is valid UTF-8 that NFC leaves unchanged, decided cheaply (see
// is_quick_nfc_code_point()). Anything else takes utf8proc's full path.
bool is_quick_nfc(std::string_view utf8) {
  const auto& quick = CodePointSet<is_quick_nfc_code_point>::get();
  for (std::size_t i = 0; i < utf8.size();) {
#if defined(__SSE2__)
    if (i + 16 <= utf8.size()) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(utf8.data() + i));
      if (_mm_movemask_epi8(v) == 0) {
        i += 16;  // sixteen ASCII bytes
        continue;
      }
    }
#endif
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    std::size_t length = decode_utf8(utf8, i, cp);
    if (length == 0) return false;
    i += length;
    if (!quick.contains(cp)) return false;
  }
  return true;
}

namespace {

// Unicode's Stream-Safe Text Format (UAX #15, section 13) allows at most this many
// non-starters (code points of a canonical combining class other than 0) in a row, in NFKD.
constexpr int kMaxNonStarters = 30;
// No character's NFKD begins or ends with more non-starters than this (text_test checks
// every code point).
constexpr int kMostNonStartersAtAnEnd = 3;

// The non-starters that begin and end the NFKD of a character, and whether it holds nothing
// else.
struct NonStarters {
  int leading = 0;
  int trailing = 0;
  bool only = false;
};

NonStarters non_starters(utf8proc_int32_t cp) {
  const utf8proc_property_t* property = utf8proc_get_property(cp);
  // Without a decomposition a character is its own NFKD (a Hangul syllable, which utf8proc
  // decomposes by rule, becomes jamo, which are starters).
  if (property->decomp_seqindex == UINT16_MAX) {
    bool mark = property->combining_class != 0;
    return {mark, mark, mark};
  }
  utf8proc_int32_t nfkd[32];  // the longest NFKD, U+FDFA's, is 18 code points
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
  auto n = utf8proc_decompose_char(cp, nfkd, std::ssize(nfkd), options, nullptr);
  if (n <= 0 || n > std::ssize(nfkd)) return {};
  auto is_non_starter = [](utf8proc_int32_t c) {
    return utf8proc_get_property(c)->combining_class != 0;
  };
  int count = static_cast<int>(n);
  NonStarters result;
  while (result.leading < count && is_non_starter(nfkd[result.leading])) ++result.leading;
  if (result.leading == count) return {count, count, true};
  while (is_non_starter(nfkd[count - 1 - result.trailing])) ++result.trailing;
  return result;
}

// Whether a character is a starter without a decomposition: its NFKD is itself, and it ends
// any run of non-starters. Most text is made of nothing else.
bool is_plain_starter(char32_t cp) {
  const utf8proc_property_t* property = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return property->combining_class == 0 && property->decomp_seqindex == UINT16_MAX;
}

// The Stream-Safe Text Process over the characters of `utf8` from `from` (which follows a
// starter, or begins the text) up to the next plain starter: U+034F COMBINING GRAPHEME JOINER
// goes before each character that would make more than kMaxNonStarters non-starters in a
// row. The text up to each joiner is appended to `storage` from `copied` on. Returns where it
// stopped.
std::size_t join_long_runs(std::string_view utf8, std::size_t from, std::string& storage,
                           std::size_t& copied) {
  const auto& plain = CodePointSet<is_plain_starter>::get();
  int run = 0;  // non-starters since the last starter
  std::size_t i = from;
  while (i < utf8.size()) {
    char32_t cp;
    std::size_t length = decode_utf8(utf8, i, cp);
    if (length == 0 || plain.contains(cp)) break;
    NonStarters marks = non_starters(cp);
    if (run + marks.leading > kMaxNonStarters) {
      storage.append(utf8.substr(copied, i - copied)).append("\u034F");
      copied = i;
      run = 0;
    }
    run = marks.only ? run + marks.leading : marks.trailing;
    i += length;
  }
  return i;
}

// `utf8` in Unicode's Stream-Safe Text Format (UAX #15, section 13): a COMBINING GRAPHEME
// JOINER (U+034F) before each character that would make more than 30 non-starters in a row,
// counted in NFKD. utf8proc puts each run of non-starters in canonical order by insertion
// sort, quadratic in the run's length, and a feed can send megabytes of marks on one letter.
// The joiner is a starter that combines with nothing, so no run is longer than 30 and
// normalising is linear, here and in whatever normalises the stored text again. UAX #15 chose
// 30 far beyond what any language or notation stacks on a letter: only text with such runs
// changes. Returns `utf8` itself when it needs no joiner, else the text built in `storage`;
// nullopt when `utf8` is not UTF-8.
std::optional<std::string_view> stream_safe(std::string_view utf8, std::string& storage) {
  // More than 30 non-starters take this many characters in a row that are not plain
  // starters: only there are non-starters counted.
  constexpr int kFewestCharacters = kMaxNonStarters / kMostNonStartersAtAnEnd + 1;
  const auto& plain = CodePointSet<is_plain_starter>::get();
  std::size_t copied = 0, stretch = 0;  // where the characters since the last plain starter begin
  int stretch_length = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {  // ASCII: plain starters
      stretch_length = 0;
      ++i;
      continue;
    }
    char32_t cp;
    std::size_t length = decode_utf8(utf8, i, cp);
    if (length == 0) return std::nullopt;
    if (plain.contains(cp)) {
      stretch_length = 0;
      i += length;
      continue;
    }
    if (stretch_length++ == 0) stretch = i;
    i += length;
    if (stretch_length == kFewestCharacters) i = join_long_runs(utf8, stretch, storage, copied);
  }
  if (storage.empty()) return utf8;
  storage.append(utf8.substr(copied));
  return storage;
}

}  // namespace

std::string to_nfc(std::string_view utf8) {
  if (is_quick_nfc(utf8)) return std::string(utf8);
  std::string joined;
  std::optional<std::string_view> stream_safe_utf8 = stream_safe(utf8, joined);
  if (!stream_safe_utf8) {
    // Not UTF-8: each byte of no well-formed sequence becomes U+FFFD, then the text is read.
    std::string repaired;
    for (std::size_t i = 0; i < utf8.size();) {
      char32_t cp;
      std::size_t length = decode_utf8(utf8, i, cp);
      repaired.append(length == 0 ? std::string_view("\uFFFD") : utf8.substr(i, length));
      i += std::max<std::size_t>(length, 1);
    }
    return to_nfc(repaired);
  }
  utf8proc_uint8_t* mapped = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(stream_safe_utf8->data()),
                        static_cast<utf8proc_ssize_t>(stream_safe_utf8->size()), &mapped,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) throw std::bad_alloc();  // the text is UTF-8: only memory can have failed
  std::string result(reinterpret_cast<char*>(mapped), static_cast<std::size_t>(n));
  std::free(mapped);
  return result;
}

}  // namespace newswatch
