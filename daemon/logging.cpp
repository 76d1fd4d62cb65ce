#include "daemon/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace newswatch {
namespace {

// True when stderr is the stream systemd connected to journald (sd-daemon(3)).
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat info {};
  return fstat(2, &info) == 0 && info.st_dev == device && info.st_ino == inode;
}

// sd-daemon(3)'s "<N>" prefixes, from syslog's priorities.
class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fprintf(stderr, "<%d>%.*s", priority(msg.level), static_cast<int>(line.size()),
                 line.data());
  }
  void flush_() override { std::fflush(stderr); }

 private:
  static int priority(spdlog::level::level_enum level) {
    switch (level) {
      case spdlog::level::critical:
        return 2;  // LOG_CRIT
      case spdlog::level::err:
        return 3;  // LOG_ERR
      case spdlog::level::warn:
        return 4;  // LOG_WARNING
      case spdlog::level::info:
        return 6;  // LOG_INFO
      default:
        return 7;  // LOG_DEBUG
    }
  }
};

}  // namespace

void setup_logging() {
  if (stderr_is_journal()) {
    auto logger = std::make_shared<spdlog::logger>("newswatch", std::make_shared<JournalSink>());
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%v");
    spdlog::flush_on(spdlog::level::trace);  // each line reaches the journal as it is logged
  } else {
    spdlog::set_default_logger(spdlog::stderr_color_mt("newswatch"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
}

void log_lines(spdlog::level::level_enum level, const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    spdlog::log(level, "{}", text.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace newswatch
