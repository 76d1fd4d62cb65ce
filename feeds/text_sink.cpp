// The bytes of most text need no change: they are copied in runs, found sixteen at a time,
// and only spaces, controls and references are looked at one by one.
#include "feeds/text_sink.h"

#include <algorithm>
#include <array>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/utf8.h"
#include "feeds/ascii.h"
#include "feeds/byte_search.h"
#include "feeds/character_references.h"
#include "feeds/encoding.h"
#include "feeds/nfc.h"

namespace newswatch {
namespace {

// Length of the whitespace character at s[i] (ASCII or one of Unicode's spaces: no-break,
// the en/em family, line and paragraph separators, ideographic), or 0.
std::size_t unicode_space_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  if (is_html_space(s[i])) return 1;
  if (byte(i) == 0xC2 && i + 1 < s.size() && byte(i + 1) == 0xA0) return 2;
  if (i + 2 >= s.size()) return 0;
  if (byte(i) == 0xE2 && byte(i + 1) == 0x80 &&
      ((byte(i + 2) >= 0x80 && byte(i + 2) <= 0x8A) || byte(i + 2) == 0xA8 || byte(i + 2) == 0xA9 ||
       byte(i + 2) == 0xAF))
    return 3;
  if (byte(i) == 0xE2 && byte(i + 1) == 0x81 && byte(i + 2) == 0x9F) return 3;
  if (byte(i) == 0xE3 && byte(i + 1) == 0x80 && byte(i + 2) == 0x80) return 3;
  return 0;
}

// Bytes that can begin one of the spaces unicode_space_length() knows.
constexpr auto kMayStartSpace = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f'}) table[c] = true;
  for (unsigned char c : {0xC2, 0xE2, 0xE3}) table[c] = true;
  return table;
}();

// The bytes TextSink::text() stops copying at: those of kMayStartSpace (0xC2 among them,
// which also begins the C1 controls), the C0 controls and DEL.
constexpr auto kStopsCopy = [] {
  std::array<bool, 256> table = kMayStartSpace;
  for (unsigned char c = 0; c < 0x20; ++c) table[c] = true;
  table[0x7F] = true;
  return table;
}();

// What else ends a run when references are still encoded ('&'), and when the text is an
// HTML fragment's, read up to the next '<' that may begin markup.
constexpr auto kStopsReferences = [] {
  std::array<bool, 256> table = kStopsCopy;
  table['&'] = true;
  return table;
}();
constexpr auto kStopsMarkup = [] {
  std::array<bool, 256> table = kStopsReferences;
  table['<'] = true;
  return table;
}();

using Stops = TextSink::Stops;

template <Stops kMode>
constexpr const std::array<bool, 256>& stop_table() {
  if constexpr (kMode == Stops::kDecoded) return kStopsCopy;
  if constexpr (kMode == Stops::kReferences) return kStopsReferences;
  return kStopsMarkup;
}

bool stops_copy(char c) { return kStopsCopy[static_cast<unsigned char>(c)]; }

#if defined(__SSE2__)
// One bit per byte of `v` that is in the mode's stop table but the ASCII space.
template <Stops kMode>
unsigned stop_mask(__m128i v) {
  auto is = [&](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  __m128i stop = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);  // v <= 0x1F
  stop = _mm_or_si128(stop, is(0x7F));
  stop = _mm_or_si128(
      stop, _mm_or_si128(is(static_cast<char>(0xC2)),
                         _mm_or_si128(is(static_cast<char>(0xE2)), is(static_cast<char>(0xE3)))));
  if constexpr (kMode != Stops::kDecoded) stop = _mm_or_si128(stop, is('&'));
  if constexpr (kMode == Stops::kMarkup) stop = _mm_or_si128(stop, is('<'));
  return static_cast<unsigned>(_mm_movemask_epi8(stop));
}
#endif

// The end of the run of bytes from s[start] on that TextSink may append as they are: no byte
// of the mode's stop table but ASCII spaces, each single, neither first in the run nor last
// in `s`, and followed by a byte the table lets through. Sets `non_ascii_out` when the run
// holds a byte above 0x7F. Sixteen bytes at a time with SSE2: this is most of the text's
// bytes, and words are short.
template <Stops kMode>
std::size_t copyable_run(std::string_view s, std::size_t start, bool& non_ascii_out) {
  constexpr const std::array<bool, 256>& kStops = stop_table<kMode>();
  // A local flag, stored once: the member, written through at every byte, was 8% of the
  // sink's time on short texts.
  bool non_ascii = false;
  std::size_t run = start;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  // The last block is the sixteen bytes that end `s`, its masks shifted down to where the
  // run is: copying a short tail into a buffer would stall on the load that follows.
  while (s.size() >= 16 && run < s.size()) {
    std::size_t left = s.size() - run;
    unsigned shift = left >= 16 ? 0 : static_cast<unsigned>(16 - left);
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + run - shift));
    unsigned stops = stop_mask<kMode>(v) >> shift;
    unsigned spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space))) >> shift;
    unsigned high = static_cast<unsigned>(_mm_movemask_epi8(v)) >> shift;
    // The byte after the block: the end of `s` stops a run as a stop does.
    unsigned block = static_cast<unsigned>(16 - shift);
    bool after_stops = left <= 16 || kStops[static_cast<unsigned char>(s[run + 16])];
    stops |= unsigned{after_stops} << block;
    // A space ends the run when the next byte is a space or a stop, or when it comes first.
    unsigned ends = stops | (spaces & ((stops | spaces) >> 1)) | (run == start ? spaces & 1 : 0);
    if ((ends & 0xFFFF) == 0) {
      non_ascii |= high != 0;
      run += 16;
      continue;
    }
    unsigned length = static_cast<unsigned>(__builtin_ctz(ends));
    non_ascii |= (high & ((1u << length) - 1)) != 0;
    non_ascii_out |= non_ascii;
    return run + length;
  }
#endif
  while (run < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[run]);
    if (!kStops[c]) {
      non_ascii |= c >= 0x80;
      ++run;
    } else if (c == ' ' && run > start && run + 1 < s.size() &&
               !kStops[static_cast<unsigned char>(s[run + 1])]) {
      non_ascii |= static_cast<unsigned char>(s[run + 1]) >= 0x80;
      run += 2;
    } else {
      break;
    }
  }
  non_ascii_out |= non_ascii;
  return run;
}

// Length of the control character at s[i] that no text field may hold (a C0 control, DEL, a
// C1 control U+0080-U+009F), 1 for a 0xC2 that ends its piece of text (`s`, or what a
// reference or markup after it cuts off), else 0. Call it after
// unicode_space_length(): the controls that are spaces (tab, LF, CR, FF) must be taken as
// spaces first. A 0xC2 cut off at the end of `s` is invalid UTF-8 (to_nfc would make it
// U+FFFD anyway), but kept as a byte it could meet a continuation byte in the next piece of
// text (html_to_text reads "\xC2<b>\x9B" as two) and make a C1 control there.
template <Stops kMode>
std::size_t control_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  if (byte(i) < 0x20 || byte(i) == 0x7F) return 1;
  if (byte(i) != 0xC2) return 0;
  // A byte the mode stops at besides those of decoded text (a reference, markup) ends the
  // piece of text as the end of `s` does.
  if (i + 1 == s.size()) return 1;
  if (stop_table<kMode>()[byte(i + 1)] && !kStopsCopy[byte(i + 1)]) return 1;
  return byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F ? 2 : 0;
}

// Whether `s` (valid UTF-8) holds a character TextSink::text() would not copy as it is.
bool holds_space_or_control(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (stops_copy(s[i]) &&
        (unicode_space_length(s, i) > 0 || control_length<Stops::kDecoded>(s, i) > 0))
      return true;
  }
  return false;
}

// The buffer each thread's sinks write into, one sink at a time; kept between texts at up to
// this many bytes of capacity (a parse worker's memory counts: texts longer are rare, and pay
// for their own buffer).
thread_local std::string scratch;
thread_local bool scratch_taken = false;
constexpr std::size_t kScratchKept = std::size_t{256} << 10;

std::string* take_scratch() {
  if (scratch_taken) return nullptr;
  scratch_taken = true;
  scratch.clear();
  return &scratch;
}

}  // namespace

TextSink::TextSink() : scratch_(take_scratch()), out_(scratch_ ? *scratch_ : own_) {}

TextSink::~TextSink() {
  if (!scratch_) return;
  if (scratch_->capacity() > kScratchKept) std::string().swap(*scratch_);
  scratch_taken = false;
}

std::string TextSink::finish() {
  if (maybe_not_nfc_) return to_nfc(out_);
  if (!scratch_) return std::move(own_);
  return std::string(out_);
}

inline void TextSink::flush_space() {
  if (pending_space_ && !out_.empty()) out_.push_back(' ');
  pending_space_ = false;
}

void TextSink::text(std::string_view s) { append<Stops::kDecoded>(s, 0); }

void TextSink::characters(std::string_view s) { append<Stops::kReferences>(s, 0); }

std::size_t TextSink::characters_before_markup(std::string_view html, std::size_t from) {
  return append<Stops::kMarkup>(html, from);
}

// One pass over `s` from `i` on for all three: the runs that need no change are copied as
// they are, and the scan that finds where a run ends also finds the references and the '<'
// (three scans of the same bytes before, and a call per piece between references).
template <Stops kMode>
std::size_t TextSink::append(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    // Copy in one go the run of bytes that needs no collapsing: no space characters but
    // single ASCII spaces between words.
    bool non_ascii = false;
    std::size_t run = copyable_run<kMode>(s, i, non_ascii);
    if (run > i) {
      flush_space();
      std::string_view piece = s.substr(i, run - i);
      if (non_ascii) check_nfc(piece);
      out_.append(piece);
      i = run;
      // A run ends at a byte the switch below takes: looking for a run there again would
      // find none, for a second scan of the block per stop.
      if (i == s.size()) break;
    }
    if constexpr (kMode == Stops::kMarkup) {
      if (s[i] == '<') return i;
    }
    if constexpr (kMode != Stops::kDecoded) {
      if (s[i] == '&') {
        i = reference(s, i);
        continue;
      }
    }
    std::size_t space = unicode_space_length(s, i);
    if (space > 0) {
      pending_space_ = true;
      i += space;
    } else if (std::size_t control = control_length<kMode>(s, i); control > 0) {
      // No text field holds a NUL (C strings end there) nor a control a terminal would act
      // on (ESC and CSI begin sequences that retitle or clear it, BEL rings), whatever
      // decoded it: a raw byte, a reference, a JSON escape, base64. Each becomes U+FFFD,
      // as HTML5 reads a reference to NUL and gumbo any control: never dropped, which could
      // join what stood around it into a word, or two bytes into a new control. A C1
      // control is windows-1252's character where it has one: in feeds U+0080-U+009F come
      // from references such as &#146; (which XML reads as U+0092 and HTML5 as U+2019) and
      // from windows-1252 text decoded as Latin-1, and meant quotes, dashes, the euro.
      flush_space();
      char32_t shown = U'\uFFFD';
      if (control == 2) shown = windows_1252(static_cast<unsigned char>(s[i + 1]));
      if (shown < 0xA0) shown = U'\uFFFD';
      maybe_not_nfc_ |= !is_quick_nfc(shown);
      append_utf8(out_, shown);
      i += control;
    } else {
      // The lead byte of a character that is not a space: the character is appended whole,
      // so that every piece of text checked for NFC begins where a character does.
      flush_space();
      char32_t code_point;
      std::size_t length = decode_utf8(s, i, code_point);
      maybe_not_nfc_ |= length == 0 || !is_quick_nfc(code_point);  // 0: not UTF-8
      length = std::max<std::size_t>(length, 1);
      out_.append(s.substr(i, length));
      i += length;
    }
  }
  return i;
}

// The reference at s[at] ('&'), decoded; returns where the text goes on.
std::size_t TextSink::reference(std::string_view s, std::size_t at) {
  std::string decoded;
  if (!decode_reference(s, at, decoded)) {
    flush_space();
    out_.push_back('&');
    return at + 1;
  }
  if (!holds_space_or_control(decoded)) {
    // Most references are one letter or mark (&#8217;, &mdash;) with no space to collapse.
    flush_space();
    check_nfc(decoded);
    out_ += decoded;
  } else {
    text(decoded);
  }
  return at;
}

}  // namespace newswatch
