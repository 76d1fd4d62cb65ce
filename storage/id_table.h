// A table from ids (article and story rowids) to values, for the story clusterer, which holds
// one entry per pair of alike stories and one per article of its window: open addressing,
// linear probing, deletion by backward shift, at most three quarters full, in one array.
// std::unordered_map spent an allocation and about 44 bytes an entry on the pair sums, and a
// division and a pointer chase on each lookup of an article, of which a new article makes
// thousands.
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace newswatch {

template <typename Value>
class IdTable {
 public:
  struct Entry {
    std::int64_t id;
    Value value;
  };
  // Marks a free slot: no row has this id (rowids are positive, and tests use small ids).
  static constexpr std::int64_t kFree = std::numeric_limits<std::int64_t>::min();

  // The value for `id`, inserted as Value{} when absent.
  Value& operator[](std::int64_t id) {
    if (4 * (size_ + 1) > 3 * slots_.size()) grow();
    std::size_t i = home(id);
    while (slots_[i].id != kFree && slots_[i].id != id) i = next(i);
    if (slots_[i].id == kFree) {
      slots_[i] = Entry{id, Value{}};
      ++size_;
    }
    return slots_[i].value;
  }
  // nullptr when `id` has no entry.
  const Value* find(std::int64_t id) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = home(id);; i = next(i)) {
      if (slots_[i].id == id) return &slots_[i].value;
      if (slots_[i].id == kFree) return nullptr;
    }
  }
  bool contains(std::int64_t id) const { return find(id) != nullptr; }
  // Backward shift: each entry after the hole that would be found from its home through the
  // hole moves into it, so that no lookup stops early at a free slot.
  void erase(std::int64_t id) {
    if (slots_.empty()) return;
    std::size_t hole = home(id);
    while (slots_[hole].id != id) {
      if (slots_[hole].id == kFree) return;
      hole = next(hole);
    }
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = next(hole); slots_[at].id != kFree; at = next(at)) {
      // Not movable when its home lies in the cyclic range (hole, at].
      if (((at - home(slots_[at].id)) & mask) < ((at - hole) & mask)) continue;
      slots_[hole] = std::move(slots_[at]);
      hole = at;
    }
    slots_[hole] = Entry{kFree, Value{}};
    --size_;
  }
  std::size_t size() const { return size_; }

  class const_iterator {
   public:
    const_iterator(const Entry* at, const Entry* end) : at_(at), end_(end) { skip_free(); }
    const Entry& operator*() const { return *at_; }
    const_iterator& operator++() {
      ++at_;
      skip_free();
      return *this;
    }
    bool operator!=(const const_iterator& other) const { return at_ != other.at_; }

   private:
    void skip_free() {
      while (at_ != end_ && at_->id == kFree) ++at_;
    }
    const Entry* at_;
    const Entry* end_;
  };
  const_iterator begin() const { return {slots_.data(), slots_.data() + slots_.size()}; }
  const_iterator end() const {
    return {slots_.data() + slots_.size(), slots_.data() + slots_.size()};
  }

 private:
  // Rowids are consecutive: Fibonacci hashing spreads them over the table.
  std::size_t home(std::int64_t id) const {
    auto mixed = static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(mixed >> 32) & (slots_.size() - 1);
  }
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void grow() {
    std::vector<Entry> old = std::move(slots_);
    slots_.assign(old.empty() ? 4 : old.size() * 2, Entry{kFree, Value{}});
    for (Entry& entry : old) {
      if (entry.id == kFree) continue;
      std::size_t i = home(entry.id);
      while (slots_[i].id != kFree) i = next(i);
      slots_[i] = std::move(entry);
    }
  }

  std::vector<Entry> slots_;  // empty, or a power of two of them
  std::size_t size_ = 0;
};

}  // namespace newswatch
