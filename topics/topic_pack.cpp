#include "topics/topic_pack.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <toml.hpp>
#include <utility>

#include "base/read_file.h"
#include "base/toml_errors.h"
#include "language/fold.h"

namespace newswatch {
namespace {

using Concepts = std::map<std::string, const Concept*>;

void check_keys(const toml::value& table, const std::set<std::string>& allowed,
                const std::string& context) {
  for (const auto& [key, value] : table.as_table()) {
    if (!allowed.count(key)) reject(value, "unknown key '" + key + "' in " + context);
  }
}

const toml::value* find_key(const toml::value& table, const std::string& key) {
  const auto& t = table.as_table();
  auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

double number_of(const toml::value& value, const std::string& what) {
  if (value.is_integer()) return static_cast<double>(value.as_integer());
  if (value.is_floating() && std::isfinite(value.as_floating())) return value.as_floating();
  reject(value, what + " must be a number");
}

Phrase phrase_of(const toml::value& value) {
  Phrase phrase;
  phrase.text = string_of(value, "a phrase");
  std::string body = phrase.text;
  if (!body.empty() && body.back() == '*') {
    phrase.prefix = true;
    body.pop_back();
  }
  phrase.folded = fold(body);
  if (phrase.folded.empty()) reject(value, "phrase '" + phrase.text + "' has no letters or digits");
  // What the matcher's automaton can hold: a phrase is a few words, not a paragraph.
  if (phrase.folded.size() > kMaxPhraseBytes ||
      std::count(phrase.folded.begin(), phrase.folded.end(), ' ') >= kMaxPhraseWords)
    reject(value, "a phrase of at most " + std::to_string(kMaxPhraseWords) + " words and " +
                      std::to_string(kMaxPhraseBytes) + " bytes is expected");
  return phrase;
}

// A list of phrases, where "@id" stands for every term of a concept.
std::vector<Phrase> phrases_of(const toml::value& value, const std::string& key,
                               const Concepts& concepts) {
  if (!value.is_array()) reject(value, "'" + key + "' must be an array of strings");
  std::vector<Phrase> phrases;
  for (const auto& element : value.as_array()) {
    if (element.is_string() && element.as_string().str.starts_with("@")) {
      std::string id = element.as_string().str.substr(1);
      auto it = concepts.find(id);
      if (it == concepts.end())
        reject(element, "unknown concept '@" + id + "' (concepts are defined before use)");
      phrases.insert(phrases.end(), it->second->terms.begin(), it->second->terms.end());
    } else {
      phrases.push_back(phrase_of(element));
    }
  }
  if (phrases.empty()) reject(value, "'" + key + "' is empty");
  return phrases;
}

// An array of groups; a bare string is a group of one.
std::vector<std::vector<Phrase>> groups_of(const toml::value& value, const std::string& key,
                                           const Concepts& concepts) {
  if (!value.is_array()) reject(value, "'" + key + "' must be an array of groups of phrases");
  std::vector<std::vector<Phrase>> groups;
  for (const auto& group : value.as_array()) {
    groups.push_back(group.is_string() ? phrases_of(toml::value(toml::array{group}), key, concepts)
                                       : phrases_of(group, key, concepts));
  }
  return groups;
}

ItemField field_of(const toml::value& value) {
  std::string name = string_of(value, "a field");
  for (ItemField field : kAllFields) {
    if (name == field_name(field)) return field;
  }
  reject(value, "unknown field '" + name + "' (expected title, summary, content or categories)");
}

std::vector<ItemField> fields_of(const toml::value& table, const std::string& key,
                                 std::vector<ItemField> otherwise) {
  auto v = find_key(table, key);
  if (!v) return otherwise;
  if (!v->is_array() || v->as_array().empty())
    reject(*v, "'" + key + "' must be an array of field names");
  std::vector<ItemField> fields;
  for (const auto& f : v->as_array()) fields.push_back(field_of(f));
  return fields;
}

Rule rule_of(const toml::value& table, const Concepts& concepts) {
  if (!table.is_table()) reject(table, "a rule must be a table");
  check_keys(table, {"any", "all", "near", "within", "none", "fields", "none_fields", "weight"},
             "a rule");
  Rule rule;
  // One location(): toml11 counts the lines from the top of the file for each.
  toml::source_location where = table.location();
  rule.origin = where.file_name() + ":" + std::to_string(where.line());
  if (auto v = find_key(table, "any")) rule.any = phrases_of(*v, "any", concepts);
  if (auto v = find_key(table, "all")) rule.all = groups_of(*v, "all", concepts);
  if (auto v = find_key(table, "near")) {
    rule.near = groups_of(*v, "near", concepts);
    if (rule.near.size() != 2) reject(*v, "'near' must hold exactly two groups of phrases");
  }
  if (auto v = find_key(table, "within")) {
    if (!v->is_integer() || v->as_integer() < 0 || v->as_integer() > 1000)
      reject(*v, "'within' must be a whole number of words from 0 to 1000");
    if (rule.near.empty()) reject(*v, "'within' needs 'near'");
    rule.within = static_cast<int>(v->as_integer());
  }
  if (auto v = find_key(table, "none")) rule.none = phrases_of(*v, "none", concepts);
  rule.fields = fields_of(table, "fields", {std::begin(kAllFields), std::end(kAllFields)});
  rule.none_fields = fields_of(table, "none_fields", rule.fields);
  if (rule.none.empty() && find_key(table, "none_fields"))
    reject(*find_key(table, "none_fields"), "'none_fields' needs 'none'");
  if (auto v = find_key(table, "weight")) rule.weight = number_of(*v, "'weight'");
  if (rule.any.empty() && rule.all.empty() && rule.near.empty())
    reject(table, "a rule needs 'any', 'all' or 'near' phrases");
  return rule;
}

Topic topic_of(const toml::value& table, const Concepts& concepts) {
  if (!table.is_table()) reject(table, "a topic must be a table");
  check_keys(table, {"name", "description", "rule"}, "a topic");
  Topic topic;
  auto name = find_key(table, "name");
  if (!name) reject(table, "a topic needs a 'name'");
  topic.name = string_of(*name, "'name'");
  if (auto v = find_key(table, "description")) topic.description = string_of(*v, "'description'");
  auto rules = find_key(table, "rule");
  if (!rules || !rules->is_array() || rules->as_array().empty())
    reject(table, "topic '" + topic.name + "' needs at least one [[topic.rule]]");
  for (const auto& rule : rules->as_array()) topic.rules.push_back(rule_of(rule, concepts));
  return topic;
}

// A concept's terms may include earlier concepts ("@iran"), whose terms keep their own ids.
Concept concept_of(const toml::value& table, const Concepts& earlier) {
  if (!table.is_table()) reject(table, "a concept must be a table");
  check_keys(table, {"id", "terms"}, "a concept");
  auto id = find_key(table, "id");
  if (!id) reject(table, "a concept needs an 'id'");
  Concept result{string_of(*id, "'id'"), {}};
  if (result.id.empty() || result.id.find_first_of(" @*") != std::string::npos)
    reject(*id, "a concept id must be a name without spaces, '@' or '*'");
  auto terms = find_key(table, "terms");
  if (!terms) reject(table, "concept '" + result.id + "' needs 'terms'");
  result.terms = phrases_of(*terms, "terms", earlier);
  for (auto& term : result.terms) {
    if (term.concept_id.empty()) term.concept_id = result.id;
  }
  return result;
}

}  // namespace

const char* field_name(ItemField field) {
  switch (field) {
    case ItemField::kTitle:
      return "title";
    case ItemField::kSummary:
      return "summary";
    case ItemField::kContent:
      return "content";
    case ItemField::kCategories:
      return "categories";
  }
  return "unknown";
}

Result<TopicPack> TopicPack::parse(const std::string& text, const std::string& origin) {
  return read_toml(origin, [&]() -> Result<TopicPack> {
    toml::value root = parse_toml(text, origin);
    check_keys(root, {"name", "description", "threshold", "concept", "topic"}, "the pack");
    TopicPack pack;
    if (auto v = find_key(root, "name")) pack.name = string_of(*v, "'name'");
    if (auto v = find_key(root, "description")) string_of(*v, "'description'");
    double threshold = 1.0;
    if (auto v = find_key(root, "threshold")) {
      threshold = number_of(*v, "'threshold'");
      if (threshold <= 0) reject(*v, "'threshold' must be greater than 0");
    }
    pack.thresholds.push_back(threshold);
    if (auto v = find_key(root, "concept")) {
      if (!v->is_array()) reject(*v, "'concept' must be an array of tables ([[concept]])");
      Concepts earlier;  // points into pack.concepts, reserved so that it never moves
      pack.concepts.reserve(v->as_array().size());
      for (const auto& table : v->as_array()) {
        pack.concepts.push_back(concept_of(table, earlier));
        for (std::size_t i = 0; i + 1 < pack.concepts.size(); ++i) {
          if (pack.concepts[i].id == pack.concepts.back().id)
            reject(table, "duplicate concept id '" + pack.concepts.back().id + "'");
        }
        earlier[pack.concepts.back().id] = &pack.concepts.back();
      }
    }
    Concepts concepts;
    for (const auto& c : pack.concepts) concepts[c.id] = &c;
    auto topics = find_key(root, "topic");
    if (!topics || !topics->is_array() || topics->as_array().empty())
      return fail(origin + ": a topic pack needs at least one [[topic]]");
    std::set<std::string> names;
    for (const auto& topic : topics->as_array()) {
      pack.topics.push_back(topic_of(topic, concepts));
      if (!names.insert(pack.topics.back().name).second)
        reject(topic, "duplicate topic name '" + pack.topics.back().name + "'");
    }
    return pack;
  });
}

Result<void> TopicPack::merge(TopicPack other) {
  for (const auto& topic : other.topics) {
    for (const auto& mine : topics) {
      if (mine.name == topic.name)
        return fail("topic '" + topic.name + "' is defined by both " + name + " and " + other.name);
    }
  }
  std::size_t offset = thresholds.size();
  thresholds.insert(thresholds.end(), other.thresholds.begin(), other.thresholds.end());
  for (auto& topic : other.topics) {
    topic.pack += offset;
    topics.push_back(std::move(topic));
  }
  for (auto& c : other.concepts) concepts.push_back(std::move(c));
  if (name.empty())
    name = other.name;
  else if (!other.name.empty())
    name += "+" + other.name;
  return {};
}

Result<TopicPack> TopicPack::load(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(path + ": cannot open topic pack");
  return parse(*text, path);
}

}  // namespace newswatch
