// A clock the test moves by hand, for the daemon's scheduling and fetch policy.
#pragma once

#include <cstdint>

#include "daemon/clock.h"

namespace newswatch::test {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixSeconds start) : now_(start) {}
  UnixSeconds now() const override { return now_; }
  void advance(std::int64_t seconds) { now_ += seconds; }

 private:
  UnixSeconds now_;
};

}  // namespace newswatch::test
