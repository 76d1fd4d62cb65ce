// Where a byte offset falls in a text, as people count: lines from 1, columns from 1.
#pragma once

#include <cstddef>
#include <string_view>

namespace newswatch {

struct LineColumn {
  std::size_t line = 1;
  std::size_t column = 1;
};

// How a column is counted: in bytes (what a byte-oriented parser such as pugixml reports),
// or in characters, a UTF-8 sequence counting one.
enum class ColumnUnit { bytes, characters };

// The line and column of `offset` in `text` (an offset past the end is the end).
LineColumn line_column_at(std::string_view text, std::size_t offset, ColumnUnit unit);

}  // namespace newswatch
