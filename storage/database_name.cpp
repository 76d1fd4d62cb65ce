#include "storage/database_name.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <regex>

namespace newswatch {

bool is_postgresql(const std::string& database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

std::string redacted_database(const std::string& database) {
  static const std::regex in_user_part(R"(^(postgres(?:ql)?://[^:@/?]*:)[^@/?]*@)");
  static const std::regex in_query(R"(([?&]password=)[^&]*)");
  static const std::regex in_pairs(R"((^|\s)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*))");
  if (is_postgresql(database))
    return std::regex_replace(std::regex_replace(database, in_user_part, "$1***@"), in_query,
                              "$1***");
  return std::regex_replace(database, in_pairs, "$1$2***");
}

std::string new_lease_holder() {
  static std::atomic<int> holders{0};
  static const std::string process = [] {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    auto started = std::chrono::system_clock::now().time_since_epoch();
    return std::string(host) + ":" + std::to_string(getpid()) + ":" +
           std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(started).count());
  }();
  return process + "/" + std::to_string(++holders);
}

}  // namespace newswatch
