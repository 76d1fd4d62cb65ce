#include "storage/database_name.h"

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

}  // namespace newswatch
