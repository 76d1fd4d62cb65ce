#include "daemon/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "feeds/shown_text.h"

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

// Log messages quote what feeds and servers sent (titles, dates, element names, errors) and
// the URLs of feeds: in a line, none of it may start a line of its own (forging one), act on
// the terminal that shows it, or show a password.
class ShownSink final : public spdlog::sinks::sink {
 public:
  explicit ShownSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}
  void log(const spdlog::details::log_msg& msg) override {
    std::string text =
        printable(without_credentials(std::string_view(msg.payload.data(), msg.payload.size())));
    spdlog::details::log_msg shown = msg;
    shown.payload = text;
    inner_->log(shown);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
};

}  // namespace

void setup_logging() {
  if (stderr_is_journal()) {
    auto sink = std::make_shared<ShownSink>(std::make_shared<JournalSink>());
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("newswatch", sink));
    spdlog::set_pattern("%v");
    spdlog::flush_on(spdlog::level::trace);  // each line reaches the journal as it is logged
  } else {
    auto sink =
        std::make_shared<ShownSink>(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("newswatch", sink));
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
