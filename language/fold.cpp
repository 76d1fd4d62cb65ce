#include "language/fold.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "base/utf8.h"

namespace newswatch {
namespace {

bool is_word_character(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// Persian and Arabic spell the same words with different code points for yeh and kaf;
// alef variants with hamza are common spelling noise.
utf8proc_int32_t unify_letter(utf8proc_int32_t cp) {
  switch (cp) {
    case 0x064A:      // ARABIC LETTER YEH
    case 0x0649:      // ARABIC LETTER ALEF MAKSURA
      return 0x06CC;  // ARABIC LETTER FARSI YEH
    case 0x0643:      // ARABIC LETTER KAF
      return 0x06A9;  // ARABIC LETTER KEHEH
    case 0x0623:      // ALEF WITH HAMZA ABOVE
    case 0x0625:      // ALEF WITH HAMZA BELOW
    case 0x0622:      // ALEF WITH MADDA ABOVE
      return 0x0627;  // ALEF
    case 0x0629:      // TEH MARBUTA
      return 0x0647;  // HEH
    default:
      return cp;
  }
}

// What an ASCII byte folds to: its lower case for letters, itself for digits, 0 for the
// bytes that break words (and for non-ASCII ones, which are not folded here).
constexpr auto kAsciiFolded = [] {
  std::array<char, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<char>(c);
  for (int c = 'a'; c <= 'z'; ++c) table[c] = table[c - 'a' + 'A'] = static_cast<char>(c);
  return table;
}();

// Builds folded text: words of letters and digits, separated by exactly one space.
class FoldedText {
 public:
  // `capacity`: what the text is expected to take (it grows past it as needed).
  explicit FoldedText(std::size_t capacity) : out_(capacity + 1, '\0') {}

  // False when `byte` breaks words.
  bool ascii(unsigned char byte) {
    char folded = kAsciiFolded[byte];
    if (folded == 0) {
      pending_space_ = true;
      return false;
    }
    *start_word(1) = folded;
    ++size_;
    return true;
  }

  // Appends the ASCII letters and digits at `begin`, lower-cased; returns where the first
  // other byte is.
  std::size_t ascii_word(std::string_view text, std::size_t begin) {
    const char* in = text.data();
    std::size_t end = begin;
    while (end < text.size() && kAsciiFolded[static_cast<unsigned char>(in[end])] != 0) ++end;
    char* out = start_word(end - begin);
    // Setting 0x20 lower-cases a letter and leaves a digit or a lower-case letter as it is.
    for (std::size_t i = begin; i < end; ++i) *out++ = static_cast<char>(in[i] | 0x20);
    size_ += end - begin;
    return end;
  }

  // A run of non-ASCII text: NFKC, case folding, marks stripped by utf8proc. Runs are
  // folded apart from the ASCII around them; marks are stripped anyway, so an ASCII letter
  // followed by a combining accent folds to the letter either way.
  void unicode(std::string_view run) {
    utf8proc_uint8_t* mapped = nullptr;
    auto options =
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                       UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(run.data()),
                          static_cast<utf8proc_ssize_t>(run.size()), &mapped, options);
    if (n < 0) {  // invalid UTF-8; the parser repairs text before it gets here
      pending_space_ = true;
      return;
    }
    for (utf8proc_ssize_t i = 0; i < n;) {
      utf8proc_int32_t cp;
      auto len = utf8proc_iterate(mapped + i, n - i, &cp);
      if (len <= 0) break;
      i += len;
      if (cp < 0x80) {
        ascii(static_cast<unsigned char>(cp));
        continue;
      }
      if (!is_word_character(cp)) {
        pending_space_ = true;
        continue;
      }
      auto* out = reinterpret_cast<utf8proc_uint8_t*>(start_word(4));
      size_ += static_cast<std::size_t>(utf8proc_encode_char(unify_letter(cp), out));
    }
    std::free(mapped);
  }

  // What a run of text that is not UTF-8 becomes (the parser repairs text before it gets here).
  void word_break() { pending_space_ = true; }

  std::size_t size() const { return size_; }
  std::string take() {
    out_.resize(size_);
    return std::move(out_);
  }

 private:
  // Where the next `bytes` of a word go, after the space that parts it from the word before.
  // Written through a pointer, not appended: the text is sized ahead, and doubles when a
  // word needs more.
  char* start_word(std::size_t bytes) {
    if (out_.size() < size_ + 1 + bytes) out_.resize(std::max(2 * out_.size(), size_ + 1 + bytes));
    if (pending_space_ && size_ > 0) out_[size_++] = ' ';
    pending_space_ = false;
    return out_.data() + size_;
  }
  std::string out_;  // its first size_ bytes are the text
  std::size_t size_ = 0;
  bool pending_space_ = false;
};

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// "US" standing alone is the United States, spelt like "U.S."; the pronoun "us" is not.
bool is_capital_us(std::string_view text, std::size_t i) {
  if (text.substr(i, 2) != "US") return false;
  bool word_before = i > 0 && (is_ascii_alnum(text[i - 1]) || text[i - 1] & 0x80);
  bool word_after = i + 2 < text.size() && (is_ascii_alnum(text[i + 2]) || text[i + 2] & 0x80);
  return !word_before && !word_after;
}

// A long run of non-ASCII text (one enormous word, or text without an ASCII space) is folded
// in pieces of about this size, so that a capped fold stops soon after its cap.
constexpr std::size_t kRunPiece = 4096;

// True when folding may stop before the code point that starts at `i` and start again there
// with the same result. Letters, digits and space separators are starters that NFKC never
// composes with what precedes them — but for the Hangul jamo that make up syllables (and
// their compatibility and halfwidth forms, which decompose to them). Checked against every
// code point of utf8proc 2.8's tables: none of the others is the second of a composition,
// nor folds to one.
bool is_piece_boundary(std::string_view run, std::size_t i) {
  utf8proc_int32_t cp;
  auto length = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(run.data() + i),
                                 static_cast<utf8proc_ssize_t>(run.size() - i), &cp);
  if (length <= 0) return false;
  bool jamo = (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
              (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xD7B0 && cp <= 0xD7FF) ||
              (cp >= 0xFF9E && cp <= 0xFFDF);
  if (jamo) return false;
  const utf8proc_property_t* property = utf8proc_get_property(cp);
  if (property->combining_class != 0) return false;
  return is_word_character(cp) || property->category == UTF8PROC_CATEGORY_ZS;
}

// Where the piece of `run` that starts at `begin` ends: at the first boundary after
// kRunPiece bytes, or at the end of the run. The bytes searched are never searched again.
std::size_t piece_end(std::string_view run, std::size_t begin) {
  if (run.size() - begin <= kRunPiece) return run.size();
  for (std::size_t i = begin + kRunPiece; i < run.size(); ++i) {
    bool continuation = (static_cast<unsigned char>(run[i]) & 0xC0) == 0x80;
    if (!continuation && is_piece_boundary(run, i)) return i;
  }
  return run.size();
}

// Where the run of non-ASCII bytes that starts at `begin` ends, and whether it is well-formed
// UTF-8: one pass, where utf8proc_iterate would take a call per character.
std::size_t end_of_run(std::string_view text, std::size_t begin, bool& well_formed) {
  well_formed = true;
  std::size_t i = begin;
  while (i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80) {
    std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      well_formed = false;
      length = 1;
    }
    i += length;  // continuation bytes are never ASCII: the run does not end inside one
  }
  return i;
}

// Folds the run of non-ASCII text at `begin`, or as much of it as the cap needs, and returns
// where it ends. A long run is folded in pieces. Not inlined: in fold()'s loop over ASCII it
// cost registers, and 10% of the speed of folding news text.
[[gnu::noinline]] std::size_t fold_run(FoldedText& folded, std::string_view utf8, std::size_t begin,
                                       std::size_t max_bytes) {
  std::size_t end = begin;
  while (end < utf8.size() && static_cast<unsigned char>(utf8[end]) >= 0x80 &&
         end - begin <= kRunPiece)
    ++end;
  if (end - begin > kRunPiece) {
    bool well_formed = true;
    end = end_of_run(utf8, begin, well_formed);
    if (!well_formed) {  // utf8proc rejects the run as a whole, and so must its pieces
      folded.word_break();
      return end;
    }
  }
  std::string_view run = utf8.substr(begin, end - begin);
  for (std::size_t piece = 0; piece < run.size() && folded.size() <= max_bytes;) {
    std::size_t next = piece_end(run, piece);
    folded.unicode(run.substr(piece, next - piece));
    piece = next;
  }
  return end;
}

}  // namespace

std::string fold(std::string_view utf8) { return fold(utf8, SIZE_MAX); }

std::string fold(std::string_view utf8, std::size_t max_bytes) {
  // Most news text is ASCII, folded here without utf8proc; utf8proc sees only the runs of
  // other characters.
  FoldedText folded(std::min(utf8.size(), max_bytes));
  // Past max_bytes + 1 bytes of output, the cut is known: whether a word ends at the cap.
  // The cap is checked where words break and after runs of other text, not at every byte.
  for (std::size_t i = 0; i < utf8.size();) {
    auto byte = static_cast<unsigned char>(utf8[i]);
    if (byte >= 0x80) {
      i = fold_run(folded, utf8, i, max_bytes);
      if (folded.size() > max_bytes) break;
    } else if (kAsciiFolded[byte] == 0) {
      ++i;
      folded.word_break();
      if (folded.size() > max_bytes) break;
    } else if (byte == 'U' && is_capital_us(utf8, i)) {
      for (char c : {'u', ' ', 's'}) folded.ascii(static_cast<unsigned char>(c));
      i += 2;
    } else {
      i = folded.ascii_word(utf8, i);
    }
  }
  std::string text = folded.take();
  if (text.size() > max_bytes) text.resize(whole_words(text, max_bytes).size());
  return text;
}

std::string_view whole_words(std::string_view folded, std::size_t max_bytes) {
  if (folded.size() <= max_bytes) return folded;
  // Words are separated by one space: the last one at or before the cap ends the last word.
  std::size_t space = folded.rfind(' ', max_bytes);
  return space == std::string_view::npos ? std::string_view() : folded.substr(0, space);
}

std::vector<std::string_view> words_of(std::string_view folded) {
  std::vector<std::string_view> words;
  while (!folded.empty()) {
    std::size_t space = folded.find(' ');
    words.push_back(folded.substr(0, space));
    if (space == std::string_view::npos) break;
    folded.remove_prefix(space + 1);
  }
  return words;
}

}  // namespace newswatch
