// Searches for one byte, inlined. Markup puts the byte looked for a few dozen bytes away
// ('<' and '&' in a feed's HTML, '&' in escaped markup): at such distances a call to memchr
// costs more than the search, and html_to_text and repair_xml make one per tag or reference.
#pragma once

#include <cstddef>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace newswatch {

// s.find(c, from), sixteen bytes at a time where SSE2 is there.
inline std::size_t find_byte(std::string_view s, char c, std::size_t from) {
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i wanted = _mm_set1_epi8(c);
  for (; i + 16 <= s.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, wanted)));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < s.size(); ++i) {
    if (s[i] == c) return i;
  }
  return std::string_view::npos;
}

}  // namespace newswatch
