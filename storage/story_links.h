// The sums of likeness between one story and each story it shares a pair of alike articles
// with (StoryClusterer keeps one table a story). They are the largest part of what the
// clusterer holds: std::unordered_map spent an allocation and about 44 bytes an entry on
// them; this table keeps 16-byte slots in one array (open addressing, linear probing,
// deletion by backward shift, at most three quarters full), about 28 bytes an entry.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace newswatch {

class StoryLinks {
 public:
  struct Entry {
    std::int64_t story;
    double sum;
  };
  // Marks a free slot: no story has this id (stories are rowids, and tests use small ids).
  static constexpr std::int64_t kFree = std::numeric_limits<std::int64_t>::min();

  // The sum for `story`, inserted as 0 when absent.
  double& operator[](std::int64_t story);
  // nullptr when `story` has no entry.
  const double* find(std::int64_t story) const;
  void erase(std::int64_t story);
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
      while (at_ != end_ && at_->story == kFree) ++at_;
    }
    const Entry* at_;
    const Entry* end_;
  };
  const_iterator begin() const { return {slots_.data(), slots_.data() + slots_.size()}; }
  const_iterator end() const {
    return {slots_.data() + slots_.size(), slots_.data() + slots_.size()};
  }

 private:
  std::size_t home(std::int64_t story) const;
  void grow();
  std::vector<Entry> slots_;  // empty, or a power of two of them
  std::size_t size_ = 0;
};

}  // namespace newswatch
