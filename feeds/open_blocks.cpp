// A stack of block indices with a count per kind, and the inline elements open in each block:
// enough of HTML5's stack of open elements to tell which tags separate words. Every search
// down the stack is bounded: HTML5 would walk the whole stack, which hostile input makes deep.
#include "feeds/open_blocks.h"

#include <algorithm>

namespace newswatch {
namespace {

constexpr std::size_t kTable = block_index("table"), kLi = block_index("li"),
                      kDd = block_index("dd"), kDt = block_index("dt"),
                      kAddress = block_index("address"), kDiv = block_index("div"),
                      kP = block_index("p"), kH1 = block_index("h1"), kTd = block_index("td"),
                      kTh = block_index("th"), kCaption = block_index("caption"),
                      kUl = block_index("ul"), kOl = block_index("ol"), kBr = block_index("br"),
                      kHr = block_index("hr"), kImg = block_index("img");
static_assert(kBlocks[kH1 + 5] == "h6");
constexpr std::size_t kSearchLimit = 256;

bool is_heading(std::size_t block) { return block >= kH1 && block <= kH1 + 5; }

}  // namespace

bool OpenBlocks::start(std::string_view name, std::size_t block) {
  if (block == kNotBlock) return false;
  // Table parts outside a table are ignored by HTML5's tree builder.
  bool table_part = name == "td" || name == "th" || name == "tr" || name == "caption";
  if (table_part && count_[kTable] == 0) return false;
  // Every block but a table, a table part, a line break or an image closes an open
  // paragraph.
  if (!table_part && block != kTable && block != kBr && block != kImg) close_paragraph();
  if (block == kBr || block == kHr || block == kImg) return true;  // void: never open
  // A heading right inside another closes it.
  if (is_heading(block) && !stack_.empty() && is_heading(stack_.back()) &&
      inlines_.size() == enclosing_inlines_.back())
    pop_through(stack_.back());
  if (name == "li") close_item({kLi, kLi});
  if (name == "dd" || name == "dt") close_item({kDd, kDt});
  stack_.push_back(static_cast<std::uint8_t>(block));
  enclosing_inlines_.push_back(inlines_.size());
  ++count_[block];
  return true;
}

void OpenBlocks::end_inline(std::string_view name) {
  std::size_t base = enclosing_inlines_.empty() ? 0 : enclosing_inlines_.back();
  for (std::size_t k = inlines_.size(); k > base && inlines_.size() - k < kSearchLimit; --k) {
    if (inlines_[k - 1] == name) return inlines_.resize(k - 1);
  }
}

bool OpenBlocks::end(std::string_view name, std::size_t block) {
  if (block == kNotBlock) return false;
  // A </p> with no paragraph in scope opens an empty one, and </br> is a <br> (HTML5).
  return close_in_scope(block) || name == "p" || name == "br";
}

bool OpenBlocks::close_in_scope(std::size_t block) {
  bool heading = is_heading(block);
  if (heading ? std::all_of(&count_[kH1], &count_[kH1] + 6, [](int n) { return n == 0; })
              : count_[block] == 0)
    return false;
  std::size_t looked = 0;
  for (auto it = stack_.rbegin(); it != stack_.rend() && looked < kSearchLimit; ++it, ++looked) {
    if (*it == block || (heading && is_heading(*it))) return pop_through(*it), true;
    if (*it == kTable || *it == kTd || *it == kTh || *it == kCaption) return false;
    if (block == kLi && (*it == kUl || *it == kOl)) return false;
  }
  return false;
}

void OpenBlocks::close_item(std::array<std::size_t, 2> kinds) {
  if (count_[kinds[0]] == 0 && count_[kinds[1]] == 0) return;
  std::size_t looked = 0;
  for (auto it = stack_.rbegin(); it != stack_.rend() && looked < kSearchLimit; ++it, ++looked) {
    if (*it == kinds[0] || *it == kinds[1]) return pop_through(*it);
    if (*it != kAddress && *it != kDiv && *it != kP) return;
  }
}

void OpenBlocks::pop_through(std::size_t block) {
  while (!stack_.empty()) {
    std::size_t top = stack_.back();
    stack_.pop_back();
    inlines_.resize(enclosing_inlines_.back());
    enclosing_inlines_.pop_back();
    --count_[top];
    if (top == block) return;
  }
}

bool OpenBlocks::close_paragraph() { return close_in_scope(kP); }

}  // namespace newswatch
