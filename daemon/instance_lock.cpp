#include "daemon/instance_lock.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/database_name.h"

namespace newswatch {

Result<InstanceLock> InstanceLock::acquire(const std::string& database) {
  // PostgreSQL's is the store's (StoreOptions::company): no file beside a URI.
  if (is_postgresql(database)) return InstanceLock(UniqueFd());
  std::string path = path_of(database);
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    spdlog::warn("cannot create {} ({}): a second daemon on this database would not be refused",
                 path, std::strerror(errno));
    return InstanceLock(UniqueFd());
  }
  if (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    char pid[32] = {};
    ssize_t n = pread(fd.get(), pid, sizeof pid - 1, 0);
    fd.reset();
    if (error != EWOULDBLOCK) return fail(path + ": cannot lock: " + std::strerror(error));
    std::string holder = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return fail("another newswatch" + (holder.empty() ? "" : " (pid " + holder + ")") +
                " is running on " + database +
                ": one database takes one daemon; stop that one, or give this one another "
                "database (--db)");
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd.get(), 0) != 0 || pwrite(fd.get(), pid.data(), pid.size(), 0) < 0)
    spdlog::debug("{}: cannot record the pid: {}", path, std::strerror(errno));
  return InstanceLock(std::move(fd));
}

}  // namespace newswatch
