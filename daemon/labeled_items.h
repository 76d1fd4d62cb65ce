// A labeled corpus: the JSON lines of ../shared/topics/README.md, read with file:line errors,
// and the feed documents ../shared/topics/evaluate.py's e2e mode makes of it (one per outlet,
// RSS 2.0 and Atom 1.0 alternately), byte for byte, so that `newswatch eval` parses what a
// poll of evaluate.py's server would fetch.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "feeds/item.h"

namespace newswatch {

struct LabeledItem {
  nlohmann::json id;  // a string or an integer, unique in the file
  std::string title, description, url;
  std::string outlet;     // "unknown" when the line names none, as evaluate.py groups it
  std::string published;  // RFC 3339, as written
  UnixSeconds published_at = 0;
  std::optional<std::string> lang;
  bool relevant = false;
  std::vector<std::string> topics;
  nlohmann::json story_id;  // any JSON value; null is a story too (score.py's rule)
  std::optional<std::string> same_article;
};

// Reads the items of `path`, skipping blank lines. An error names path:line and the field.
Result<std::vector<LabeledItem>> read_labeled_items(const std::string& path);

// One outlet's feed, as evaluate.py's write_feeds() writes it.
struct OutletFeed {
  std::string name;  // "SLUG-N", the file name evaluate.py gives it without ".xml"
  std::string outlet;
  std::string document;
};

// The feeds of `items`: one per outlet, in order of outlet name, each with its items in order
// of publication.
std::vector<OutletFeed> outlet_feeds(const std::vector<LabeledItem>& items);

}  // namespace newswatch
