#include "storage/story_links.h"

#include <utility>

namespace newswatch {

std::size_t StoryLinks::home(std::int64_t story) const {
  // Story ids are consecutive rowids: Fibonacci hashing spreads them over the table.
  auto mixed = static_cast<std::uint64_t>(story) * 0x9E3779B97F4A7C15ull;
  return static_cast<std::size_t>(mixed >> 32) & (slots_.size() - 1);
}

void StoryLinks::grow() {
  std::vector<Entry> old = std::move(slots_);
  slots_.assign(old.empty() ? 4 : old.size() * 2, Entry{kFree, 0});
  for (const Entry& entry : old) {
    if (entry.story == kFree) continue;
    std::size_t i = home(entry.story);
    while (slots_[i].story != kFree) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = entry;
  }
}

double& StoryLinks::operator[](std::int64_t story) {
  if (4 * (size_ + 1) > 3 * slots_.size()) grow();
  std::size_t i = home(story);
  while (slots_[i].story != kFree && slots_[i].story != story) i = (i + 1) & (slots_.size() - 1);
  if (slots_[i].story == kFree) {
    slots_[i] = Entry{story, 0};
    ++size_;
  }
  return slots_[i].sum;
}

const double* StoryLinks::find(std::int64_t story) const {
  if (slots_.empty()) return nullptr;
  for (std::size_t i = home(story);; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i].story == story) return &slots_[i].sum;
    if (slots_[i].story == kFree) return nullptr;
  }
}

// Backward shift: each entry after the hole that would be found from its home through the
// hole moves into it, so that no lookup stops early at a free slot.
void StoryLinks::erase(std::int64_t story) {
  if (slots_.empty()) return;
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = home(story);
  while (slots_[hole].story != story) {
    if (slots_[hole].story == kFree) return;
    hole = (hole + 1) & mask;
  }
  for (std::size_t next = (hole + 1) & mask; slots_[next].story != kFree;
       next = (next + 1) & mask) {
    std::size_t wanted = home(slots_[next].story);
    // Movable when its home is not in the cyclic range (hole, next].
    bool home_after_hole = ((next - wanted) & mask) < ((next - hole) & mask);
    if (home_after_hole) continue;
    slots_[hole] = slots_[next];
    hole = next;
  }
  slots_[hole] = Entry{kFree, 0};
  --size_;
}

}  // namespace newswatch
