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

}  // namespace

std::string fold(std::string_view utf8) {
  utf8proc_uint8_t* mapped = nullptr;
  auto options =
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                     UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                        static_cast<utf8proc_ssize_t>(utf8.size()), &mapped, options);
  if (n < 0) return {};  // invalid UTF-8; the parser repairs text before it gets here
  std::string out;
  out.reserve(static_cast<std::size_t>(n));
  bool pending_space = false;
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp;
    auto len = utf8proc_iterate(mapped + i, n - i, &cp);
    if (len <= 0) break;
    i += len;
    if (!is_word_character(cp)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    utf8proc_uint8_t buf[4];
    auto written = utf8proc_encode_char(unify_letter(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(written));
  }
  std::free(mapped);
  return out;
}

}  // namespace newswatch
