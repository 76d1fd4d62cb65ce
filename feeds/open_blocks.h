// The block elements open while html_to_text() reads a fragment, innermost last: what
// decides whether a tag separates words. A stray end tag (</div> with no <div>), which a
// browser ignores, must not split a word; </p> and </br> always act, as HTML5 turns them into
// an empty paragraph and a line break. The closing rules are HTML5's tree builder's: <li>
// closes an open list item, <dd> and <dt> an open definition, with whatever is open inside
// them, a heading the heading just opened, and a block an open paragraph.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/html_elements.h"

namespace newswatch {

class OpenBlocks {
 public:
  // The start tag `name`, the block kBlocks[block] (or kNotBlock, not a block): closes what
  // it closes and opens it. True when it separates the words before it from those after.
  bool start(std::string_view name, std::size_t block);
  // The end tag `name`, of kBlocks[block] (or kNotBlock): closes the innermost block of that
  // kind in scope, with what is open inside it. True when it separates words.
  bool end(std::string_view name, std::size_t block);
  // Elements other than blocks, open inside the innermost block: while one is, that block
  // is not the current node HTML5 looks at. An end tag closes the innermost of its name in
  // the block, or nothing (a block is a boundary); the search is bounded.
  void start_inline(std::string_view name) { inlines_.emplace_back(name); }
  void end_inline(std::string_view name);
  // Closes the paragraph in scope, if one is open; says whether one was.
  bool close_paragraph();

 private:
  // Closes the innermost open `block` (for a heading, any heading), with what is open inside
  // it, when it is in scope: not behind a table or a cell opened after it (nor, for a list
  // item, a list); says whether it did.
  bool close_in_scope(std::size_t block);
  // Closes the innermost open element of either kind, unless a block other than address,
  // div or p encloses the start tag first (a nested list keeps its outer item open).
  void close_item(std::array<std::size_t, 2> kinds);
  // Pops the stack down to, and with, the innermost `block`.
  void pop_through(std::size_t block);

  std::vector<std::uint8_t> stack_;
  std::array<int, kNotBlock> count_{};
  std::vector<std::string> inlines_;
  std::vector<std::size_t> enclosing_inlines_;  // inlines_.size() when each open block started
};

}  // namespace newswatch
