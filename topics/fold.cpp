#include "topics/fold.h"

#include <utf8proc.h>

#include <cstdlib>

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

// Builds folded text: words of letters and digits, separated by exactly one space.
class FoldedText {
 public:
  explicit FoldedText(std::size_t capacity) { out_.reserve(capacity); }

  void ascii(unsigned char byte) {
    bool upper = byte >= 'A' && byte <= 'Z';
    if (!upper && !(byte >= 'a' && byte <= 'z') && !(byte >= '0' && byte <= '9')) {
      pending_space_ = true;
      return;
    }
    start_word();
    out_.push_back(static_cast<char>(upper ? byte | 0x20 : byte));
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
      start_word();
      utf8proc_uint8_t buf[4];
      auto written = utf8proc_encode_char(unify_letter(cp), buf);
      out_.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(written));
    }
    std::free(mapped);
  }

  std::string take() { return std::move(out_); }

 private:
  void start_word() {
    if (pending_space_ && !out_.empty()) out_.push_back(' ');
    pending_space_ = false;
  }
  std::string out_;
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

}  // namespace

std::string fold(std::string_view utf8) {
  // Most news text is ASCII, folded here without utf8proc; utf8proc sees only the runs of
  // other characters.
  FoldedText folded(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    auto byte = static_cast<unsigned char>(utf8[i]);
    if (is_capital_us(utf8, i)) {
      for (char c : {'u', ' ', 's'}) folded.ascii(static_cast<unsigned char>(c));
      i += 2;
      continue;
    }
    if (byte < 0x80) {
      folded.ascii(byte);
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < utf8.size() && static_cast<unsigned char>(utf8[end]) >= 0x80) ++end;
    folded.unicode(utf8.substr(i, end - i));
    i = end;
  }
  return folded.take();
}

}  // namespace newswatch
