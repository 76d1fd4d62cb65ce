// How many bytes of feed documents the pipeline holds at once: a document counts from its
// first byte received until its items are stored. A transfer grows its share of the budget
// as its body grows; one that finds no room waits (paused) until a document ahead of it is
// stored, so a round of many large documents takes longer instead of taking memory. When
// nothing but transfers holds the budget, nothing would ever give it back, so the oldest
// transfer may then go past the limit: the bytes held never exceed the limit by more than
// one document (max_body).
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>

namespace newswatch {

class MemoryBudget {
 public:
  explicit MemoryBudget(std::size_t limit) : limit_(limit) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // A document's share of the budget, given back when destroyed or reset.
  class Lease {
   public:
    Lease() = default;
    explicit Lease(MemoryBudget& budget) : budget_(&budget) {}
    Lease(Lease&& other) noexcept { *this = std::move(other); }
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { reset(); }

    // Adds `bytes` when the budget has room for them, or when `may_overdraw` and nothing but
    // transfers holds the budget; false (nothing taken) otherwise.
    bool grow(std::size_t bytes, bool may_overdraw);
    // The document is whole: what it holds now waits for a parser and the writer, which will
    // give it back. Keeps `bytes` of it and gives back the rest.
    void settle(std::size_t bytes);
    void reset();
    std::size_t bytes() const { return bytes_; }

   private:
    MemoryBudget* budget_ = nullptr;
    std::size_t bytes_ = 0;
    bool settled_ = false;
  };

  // Called (on the releasing thread, under the budget's lock: it must not touch the budget)
  // whenever bytes are given back: a paused transfer may find room now.
  void on_release(std::function<void()> callback);

  // A new limit, from a reload; leases already held keep what they hold.
  void set_limit(std::size_t limit);
  std::size_t limit() const;
  std::size_t held() const;
  std::size_t peak() const;  // the most held at once

 private:
  void give_back(std::size_t bytes, bool settled);

  std::size_t limit_;
  mutable std::mutex mutex_;
  std::size_t held_ = 0;
  std::size_t settled_ = 0;  // of held_: whole documents, which parsers and the writer release
  std::size_t peak_ = 0;
  std::function<void()> on_release_;
};

}  // namespace newswatch
