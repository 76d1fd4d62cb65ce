// The figures that ../shared/topics/score.py computes for newswatch's predictions on a labeled
// corpus, for `newswatch eval`:
// relevance, topics, story pairs, same-article collapse, plus what evaluate.py's e2e mode and
// bench/realnews/score.py add (articles stored once, story pairs across languages).
#pragma once

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "daemon/labeled_items.h"

namespace newswatch {

// What the database says of one item, as evaluate.py reads it back.
struct Prediction {
  bool relevant = false;
  std::vector<std::string> topics;
  std::optional<std::int64_t> story_id;    // nullopt: a story of its own
  std::optional<std::int64_t> article_id;  // nullopt: no sighting of the item's URL
};

// The topics scored: score.py's eight, then any other that the labels name. Topics only a
// pack names (the built-in pack's umbrella `us_iran`) are left out, as score.py leaves them.
std::vector<std::string> scored_topics(const std::vector<LabeledItem>& items);

// score.py's result object (same keys) for `predictions` (one per item, in order), with
// "stored_article_collapse" and, when every relevant item has a `lang`, "cross_language".
// `gold` names the corpus.
nlohmann::json score_predictions(const std::string& gold, const std::vector<LabeledItem>& items,
                                 const std::vector<Prediction>& predictions,
                                 const std::vector<std::string>& topics);

// Prints the result as score.py does, then evaluate.py's line on stored articles and
// realnews/score.py's on pairs across languages.
void print_score(std::FILE* out, const nlohmann::json& score,
                 const std::vector<std::string>& topics);

}  // namespace newswatch
