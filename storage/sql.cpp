#include "storage/sql.h"

#include <cctype>

namespace newswatch::sql {

std::string numbered_parameters(std::string_view sql) {
  std::string numbered;
  int largest = 0;  // as SQLite numbers them: a bare `?` is one more than the largest so far
  for (std::size_t at = 0; at < sql.size();) {
    char c = sql[at];
    std::size_t end = at + 1;
    if (c == '\'' || c == '"') {  // a string or a quoted name; a doubled quote stays inside
      while (end < sql.size() && (sql[end] != c || (end + 1 < sql.size() && sql[end + 1] == c)))
        end += sql[end] == c ? 2 : 1;
      end = std::min(end + 1, sql.size());
    } else if (sql.substr(at, 2) == "--") {
      end = std::min(sql.find('\n', at), sql.size());
    } else if (sql.substr(at, 2) == "/*") {
      end = std::min(sql.find("*/", at + 2), sql.size() - 2) + 2;
    } else if (c == '?') {
      while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
      int number =
          end > at + 1 ? std::stoi(std::string(sql.substr(at + 1, end - at - 1))) : largest + 1;
      largest = std::max(largest, number);
      numbered += '$';
      numbered += std::to_string(number);
      at = end;
      continue;
    }
    numbered.append(sql.substr(at, end - at));
    at = end;
  }
  return numbered;
}

}  // namespace newswatch::sql
