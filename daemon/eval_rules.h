// The per-rule figures of `newswatch eval --rules`, for pack authors: on which labeled items
// each rule of the topic packs fired, how often its topic was right there, and how often the
// item was not relevant at all; with each topic's precision, recall and missed items taken from
// the score report (eval_score.h), so that a rule that costs precision stands out.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "daemon/labeled_items.h"
#include "topics/matcher.h"

namespace newswatch {

// One entry per topic of `pack` (in pack order, then the other topics of `score`), each with
// the topic's figures from `score` (score_predictions()) and its rules, the rule that fired
// on the most items the labels do not give its topic first. A rule fires on an item when the
// item's MatchSet evidence names it. `matches[i]` is the MatchSet of `items[i]`, or nullptr
// when the item was not matched (the parser dropped it).
nlohmann::json rule_figures(const TopicPack& pack, const std::vector<LabeledItem>& items,
                            const std::vector<const MatchSet*>& matches,
                            const nlohmann::json& score);

// Prints rule_figures() as a table a rule a line, topic by topic.
void print_rule_figures(std::FILE* out, const nlohmann::json& figures);

}  // namespace newswatch
