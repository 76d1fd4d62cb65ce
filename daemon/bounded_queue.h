// A blocking queue with a capacity: a full queue makes producers wait, which is how the
// pipeline bounds memory (queue length x body cap) whatever the number of feeds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace newswatch {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  // Blocks while the queue is full. Returns false (dropping `value`) once closed.
  bool push(T value) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return has_room(); });
    return enqueue(value);
  }

  enum class Pushed { kYes, kFull, kClosed };
  // Waits at most `timeout` for room. kFull leaves `value` with the caller, to push again;
  // kClosed drops it. For a producer that must show it is alive while it waits.
  Pushed push_within(T& value, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!not_full_.wait_for(lock, timeout, [&] { return has_room(); })) return Pushed::kFull;
    return enqueue(value) ? Pushed::kYes : Pushed::kClosed;
  }

  // Blocks until an item arrives; nullopt once the queue is closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return value;
  }

  // The first item, if there is one and `take` accepts it; never waits.
  template <typename Predicate>
  std::optional<T> try_pop_if(Predicate take) {
    std::lock_guard lock(mutex_);
    if (items_.empty() || !take(items_.front())) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return value;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  // These two with the lock held. A closed queue has room: a waiting producer wakes to drop.
  bool has_room() const { return closed_ || items_.size() < capacity_; }
  // Moves `value` in and wakes a consumer; false, leaving it, when the queue is closed.
  bool enqueue(T& value) {
    if (closed_) return false;
    items_.push_back(std::move(value));
    not_empty_.notify_one();
    return true;
  }

  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<T> items_;
  std::size_t capacity_;
  bool closed_ = false;
};

}  // namespace newswatch
