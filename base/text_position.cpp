#include "base/text_position.h"

#include <algorithm>

namespace newswatch {

LineColumn line_column_at(std::string_view text, std::size_t offset, ColumnUnit unit) {
  offset = std::min(offset, text.size());
  std::string_view before = text.substr(0, offset);
  std::size_t line_start = before.rfind('\n');
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  LineColumn at;
  at.line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  std::string_view line = before.substr(line_start);
  if (unit == ColumnUnit::bytes) {
    at.column = 1 + line.size();
  } else {
    // Continuation bytes (10xxxxxx) end a character that began before them.
    for (char c : line) at.column += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  return at;
}

}  // namespace newswatch
