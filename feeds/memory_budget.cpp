#include "feeds/memory_budget.h"

#include <algorithm>

namespace newswatch {

MemoryBudget::Lease& MemoryBudget::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    reset();
    budget_ = other.budget_;
    bytes_ = other.bytes_;
    settled_ = other.settled_;
    other.bytes_ = 0;
  }
  return *this;
}

bool MemoryBudget::Lease::grow(std::size_t bytes, bool may_overdraw) {
  if (!budget_) return true;
  std::lock_guard lock(budget_->mutex_);
  MemoryBudget& b = *budget_;
  bool room = b.held_ + bytes <= b.limit_;
  if (!room && !(may_overdraw && b.settled_ == 0)) return false;
  b.held_ += bytes;
  if (settled_) b.settled_ += bytes;
  b.peak_ = std::max(b.peak_, b.held_);
  bytes_ += bytes;
  return true;
}

void MemoryBudget::Lease::settle(std::size_t bytes) {
  if (!budget_) return;
  std::size_t extra = bytes_ > bytes ? bytes_ - bytes : 0;
  {
    std::lock_guard lock(budget_->mutex_);
    if (!settled_) budget_->settled_ += bytes_;
    settled_ = true;
  }
  if (extra > 0) {
    bytes_ -= extra;
    budget_->give_back(extra, true);
  }
}

void MemoryBudget::Lease::reset() {
  if (!budget_ || bytes_ == 0) return;
  std::size_t bytes = bytes_;
  bytes_ = 0;
  budget_->give_back(bytes, settled_);
}

void MemoryBudget::give_back(std::size_t bytes, bool settled) {
  // Called under the lock, so that once on_release(nullptr) returns it is never called again.
  std::lock_guard lock(mutex_);
  held_ -= bytes;
  if (settled) settled_ -= bytes;
  if (on_release_) on_release_();
}

void MemoryBudget::on_release(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_release_ = std::move(callback);
}

void MemoryBudget::set_limit(std::size_t limit) {
  std::lock_guard lock(mutex_);
  limit_ = limit;
  if (on_release_) on_release_();
}

std::size_t MemoryBudget::limit() const {
  std::lock_guard lock(mutex_);
  return limit_;
}

std::size_t MemoryBudget::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

std::size_t MemoryBudget::peak() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

}  // namespace newswatch
