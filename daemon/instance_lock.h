// One daemon per database: two would poll every feed twice, race each other's writes and
// alert twice. `run` holds an flock(2) on a lock file beside the database (DATABASE.lock)
// for as long as it runs; the kernel drops it when the process ends, however it ends, so a
// crash leaves no stale lock. Readers (sqlite3, `stats`) and `forget` do not take it.
#pragma once

#include <string>
#include <utility>

#include "base/result.h"
#include "base/unique_fd.h"

namespace newswatch {

class InstanceLock {
 public:
  // Takes the lock of `database`; fails, naming the process that holds it, when another
  // daemon runs on it. A lock file that cannot be created (a read-only directory) is no
  // error: the database decides whether it can be written. On a PostgreSQL database it holds
  // nothing: the store takes a lock on the server (StoreOptions::company).
  static Result<InstanceLock> acquire(const std::string& database);
  InstanceLock(InstanceLock&&) noexcept = default;
  InstanceLock& operator=(InstanceLock&&) = delete;
  InstanceLock(const InstanceLock&) = delete;
  // Closing the file releases the lock; the file stays: removing it would race the next
  // daemon's lock.
  ~InstanceLock() = default;

  static std::string path_of(const std::string& database) { return database + ".lock"; }

 private:
  explicit InstanceLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace newswatch
