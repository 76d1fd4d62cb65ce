// html_to_text against gumbo (tests/html_oracle.h) over the HTML that real and test feeds
// carry: every text node of the conformance suite's documents, the labeled dev set's
// titles and descriptions, and the bench corpus when one has been generated in the project
// root (python3 ../shared/bench/gen_corpus.py --out bench-corpus).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <vector>

#include "html_oracle.h"
#include "test_support.h"

namespace fs = std::filesystem;
using newswatch::test::gumbo_text;
using newswatch::test::has_intended_difference;

namespace {

const fs::path kShared = fs::path(NEWSWATCH_SOURCE_DIR) / ".." / "shared";

void collect_text_nodes(const pugi::xml_node& node, std::vector<std::string>& out) {
  for (auto child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      std::string_view value = child.value();
      if (value.find_first_of("<&") != std::string_view::npos) out.emplace_back(value);
    } else {
      collect_text_nodes(child, out);
    }
  }
}

void collect_from_xml_files(const fs::path& dir, std::vector<std::string>& out) {
  if (!fs::is_directory(dir)) return;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".xml") continue;
    pugi::xml_document doc;
    std::string bytes = newswatch::test::read_file(entry.path().string());
    doc.load_buffer(bytes.data(), bytes.size());  // partial trees of broken files count too
    collect_text_nodes(doc, out);
  }
}

void collect_from_dev_set(std::vector<std::string>& out) {
  std::ifstream file(kShared / "topics" / "dev.jsonl");
  for (std::string line; std::getline(file, line);) {
    auto item = nlohmann::json::parse(line, nullptr, false);
    if (item.is_discarded()) continue;
    for (const char* key : {"title", "description"}) {
      if (item.contains(key) && item[key].is_string()) out.push_back(item[key]);
    }
  }
}

}  // namespace

TEST_CASE("html_to_text agrees with gumbo on the HTML of real and test feeds") {
  if (!fs::is_directory(kShared / "conformance")) {
    WARN("../shared is missing: nothing to compare");
    return;
  }
  std::vector<std::string> fragments;
  collect_from_xml_files(kShared / "conformance" / "cases", fragments);
  collect_from_dev_set(fragments);
  collect_from_xml_files(fs::path(NEWSWATCH_SOURCE_DIR) / "bench-corpus" / "feeds", fragments);
  int compared = 0, set_aside = 0;
  for (const auto& html : fragments) {
    if (has_intended_difference(html)) {
      ++set_aside;
      continue;
    }
    INFO("html: " << html);
    CHECK(newswatch::html_to_text(html) == gumbo_text(html));
    ++compared;
  }
  CHECK(compared > 500);
  WARN(compared << " fragments compared, " << set_aside << " set aside as intended differences");
}
