// Counts, for every rule of the packs, the labeled items whose evidence names it, once per
// item however many of its phrases were found, and sorts each topic's rules so that the one
// that costs the topic most precision comes first. One pass over the evidence of the items.
#include "daemon/eval_rules.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <unordered_map>

namespace newswatch {
namespace {

using json = nlohmann::json;

struct RuleCounts {
  const std::string* origin = nullptr;
  long fired = 0;
  long right = 0;         // the labels give the item the rule's topic
  long wrong_alone = 0;   // not right, and no other rule of the topic fired on the item
  long not_relevant = 0;  // the labels say the item is not relevant at all
  long wrong() const { return fired - right; }
};

// Each topic of `pack`, in pack order, with its rules in pack order.
struct TopicRules {
  std::string topic;
  std::vector<RuleCounts> rules;
};

bool labeled_with(const LabeledItem& item, const std::string& topic) {
  return std::find(item.topics.begin(), item.topics.end(), topic) != item.topics.end();
}

std::vector<TopicRules> count_firings(const TopicPack& pack, const std::vector<LabeledItem>& items,
                                      const std::vector<const MatchSet*>& matches) {
  std::vector<TopicRules> topics;
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> where;  // origin's slot
  for (const Topic& topic : pack.topics) {
    topics.push_back({topic.name, {}});
    for (const Rule& rule : topic.rules) {
      where[rule.origin] = {topics.size() - 1, topics.back().rules.size()};
      topics.back().rules.push_back({&rule.origin});
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> fired;  // the item's rules, once each
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!matches[i]) continue;
    fired.clear();
    for (const Evidence& evidence : matches[i]->evidence) {
      auto slot = where.find(evidence.rule);
      if (slot != where.end() && std::find(fired.begin(), fired.end(), slot->second) == fired.end())
        fired.push_back(slot->second);
    }
    for (auto [t, r] : fired) {
      RuleCounts& counts = topics[t].rules[r];
      bool right = labeled_with(items[i], topics[t].topic);
      bool alone = std::count_if(fired.begin(), fired.end(),
                                 [t = t](const auto& other) { return other.first == t; }) == 1;
      ++counts.fired;
      counts.right += right;
      counts.wrong_alone += !right && alone;
      counts.not_relevant += !items[i].relevant;
    }
  }
  return topics;
}

// The topic's figures in the score report, and the items labeled with it that were not given
// it, which the report's recall and support determine exactly. All null for a topic the
// report does not score (one that only a pack names).
json topic_figures(const std::string& topic, const json& score) {
  json figures = {{"topic", topic},       {"support", nullptr}, {"predicted", nullptr},
                  {"precision", nullptr}, {"recall", nullptr},  {"missed", nullptr}};
  if (!score["topics"].contains(topic)) return figures;
  const json& s = score["topics"][topic];
  long support = s["support"].get<long>();
  long found = std::lround(s["recall"].get<double>() * static_cast<double>(support));
  figures.update({{"support", support},
                  {"predicted", s["predicted"]},
                  {"precision", s["precision"]},
                  {"recall", s["recall"]},
                  {"missed", support - found}});
  return figures;
}

// A rule's counts; those that need its topic in the labels are null when the report does
// not score the topic.
json rule_json(const RuleCounts& counts, bool scored) {
  json figures = {{"rule", *counts.origin}, {"fired", counts.fired},
                  {"true", nullptr},        {"false", nullptr},
                  {"false_alone", nullptr}, {"not_relevant", counts.not_relevant},
                  {"precision", nullptr}};
  if (!scored) return figures;
  figures.update(
      {{"true", counts.right}, {"false", counts.wrong()}, {"false_alone", counts.wrong_alone}});
  if (counts.fired)
    figures["precision"] = static_cast<double>(counts.right) / static_cast<double>(counts.fired);
  return figures;
}

// The rule that costs the topic most precision first: the most false items, then the most
// that it alone gave the topic, then the most not relevant (all a topic the labels do not
// name can show), then the most items; pack order among equals.
void sort_worst_first(std::vector<RuleCounts>& rules, bool scored) {
  auto key = [scored](const RuleCounts& c) {
    return std::tuple(scored ? c.wrong() : 0, scored ? c.wrong_alone : 0, c.not_relevant, c.fired);
  };
  std::stable_sort(rules.begin(), rules.end(),
                   [&](const RuleCounts& a, const RuleCounts& b) { return key(a) > key(b); });
}

// A figure of rule_figures(), or "-" where it is null.
std::string shown(const json& value, const char* format) {
  if (value.is_null()) return "-";
  char text[32];
  if (value.is_number_float()) {
    std::snprintf(text, sizeof text, format, value.get<double>());
  } else {
    std::snprintf(text, sizeof text, format, value.get<long>());
  }
  return text;
}

}  // namespace

json rule_figures(const TopicPack& pack, const std::vector<LabeledItem>& items,
                  const std::vector<const MatchSet*>& matches, const json& score) {
  std::vector<TopicRules> topics = count_firings(pack, items, matches);
  for (const auto& labeled : score["topics"].items()) {
    const std::string& topic = labeled.key();
    bool in_pack = std::any_of(topics.begin(), topics.end(),
                               [&](const TopicRules& t) { return t.topic == topic; });
    if (!in_pack) topics.push_back({topic, {}});
  }
  json figures = json::array();
  for (TopicRules& topic : topics) {
    bool scored = score["topics"].contains(topic.topic);
    sort_worst_first(topic.rules, scored);
    json entry = topic_figures(topic.topic, score);
    entry["rules"] = json::array();
    for (const RuleCounts& counts : topic.rules)
      entry["rules"].push_back(rule_json(counts, scored));
    figures.push_back(std::move(entry));
  }
  return figures;
}

void print_rule_figures(std::FILE* out, const json& figures) {
  int width = 4;  // "rule"
  for (const json& topic : figures) {
    for (const json& rule : topic["rules"])
      width = std::max(width, static_cast<int>(rule["rule"].get<std::string>().size()));
  }
  std::fprintf(out,
               "\nRules: the labeled items each fired on; true: labeled with the rule's topic; "
               "false: not;\nalone: false, and no other rule of the topic fired on it; not "
               "relevant: labeled not relevant.\n(- where the labels name no such topic.) "
               "Each topic's worst rule first.\n");
  for (const json& topic : figures) {
    std::fprintf(out, "  %s: support %s  predicted %s  precision %s  recall %s  missed %s\n",
                 topic["topic"].get<std::string>().c_str(), shown(topic["support"], "%ld").c_str(),
                 shown(topic["predicted"], "%ld").c_str(),
                 shown(topic["precision"], "%.4f").c_str(), shown(topic["recall"], "%.4f").c_str(),
                 shown(topic["missed"], "%ld").c_str());
    if (topic["rules"].empty()) continue;
    std::fprintf(out, "    %-*s%7s%6s%7s%7s%14s%11s\n", width, "rule", "fired", "true", "false",
                 "alone", "not relevant", "precision");
    for (const json& rule : topic["rules"]) {
      std::fprintf(out, "    %-*s%7ld%6s%7s%7s%14ld%11s\n", width,
                   rule["rule"].get<std::string>().c_str(), rule["fired"].get<long>(),
                   shown(rule["true"], "%ld").c_str(), shown(rule["false"], "%ld").c_str(),
                   shown(rule["false_alone"], "%ld").c_str(), rule["not_relevant"].get<long>(),
                   shown(rule["precision"], "%.4f").c_str());
    }
  }
}

}  // namespace newswatch
