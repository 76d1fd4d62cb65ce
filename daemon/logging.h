// Where the daemon's log lines go, and how they look: under journald (JOURNAL_STREAM names
// our stderr) each line starts with its syslog priority ("<4>") and carries no timestamp of
// its own, as journald records both; on a terminal or in a file, spdlog's console lines with
// an ISO-8601 timestamp, colored on a terminal.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace newswatch {

void setup_logging();

// Logs a message of several lines (every error of a configuration) as one entry per line.
void log_lines(spdlog::level::level_enum level, const std::string& text);

}  // namespace newswatch
