// Time is passed in, never read deep in the code, so tests control it.
#pragma once

#include <chrono>

#include "feeds/item.h"

namespace newswatch {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixSeconds now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixSeconds now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace newswatch
