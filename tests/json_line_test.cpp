#include "daemon/json_line.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using newswatch::JsonLine;

static std::string quoted(const std::string& s) {
  JsonLine line;
  line.value(s);
  std::string out = line.take_line();
  out.pop_back();  // the newline
  return out;
}

TEST_CASE("JSON strings escape quotes, backslashes and control characters, in any position") {
  CHECK(quoted("plain ASCII text that is long") == "\"plain ASCII text that is long\"");
  CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quoted("12345678\"2345678\\") == "\"12345678\\\"2345678\\\\\"");
  CHECK(quoted(std::string("tab\there\x01 and \x1f", 15)) ==
        "\"tab\\u0009here\\u0001 and \\u001f\"");
  CHECK(quoted("Téhéran — “ok”") == "\"Téhéran — “ok”\"");
  CHECK(quoted("bad \xFF byte") == "\"bad \xEF\xBF\xBD byte\"");
}

TEST_CASE("JSON lines agree with a general JSON parser on every byte value") {
  std::string all;
  for (int c = 1; c < 128; ++c) all.push_back(static_cast<char>(c));
  all += "Ωmega 🙂";
  JsonLine line;
  line.begin_object()
      .key("s")
      .value(all)
      .key("n")
      .nullable(std::nullopt)
      .key("l")
      .strings({"a", "b"});
  line.end_object();
  auto parsed = nlohmann::json::parse(line.take_line());
  CHECK(parsed["s"] == all);
  CHECK(parsed["n"].is_null());
  CHECK(parsed["l"] == nlohmann::json::array({"a", "b"}));
}
