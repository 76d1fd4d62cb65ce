#include "topics/topic_pack.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <toml.hpp>

#include "topics/builtin_pack.h"
#include "topics/fold.h"
#include "topics/toml_errors.h"

namespace newswatch {
namespace {

void check_keys(const toml::value& table, const std::set<std::string>& allowed,
                const std::string& context) {
  for (const auto& [key, value] : table.as_table()) {
    if (!allowed.count(key)) reject(value, "unknown key '" + key + "' in " + context);
  }
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
  return phrase;
}

std::vector<Phrase> phrases_of(const toml::value& value, const std::string& key) {
  if (!value.is_array()) reject(value, "'" + key + "' must be an array of strings");
  std::vector<Phrase> phrases;
  for (const auto& element : value.as_array()) phrases.push_back(phrase_of(element));
  return phrases;
}

ItemField field_of(const toml::value& value) {
  std::string name = string_of(value, "a field");
  for (ItemField field : kAllFields) {
    if (name == field_name(field)) return field;
  }
  reject(value, "unknown field '" + name + "' (expected title, summary, content or categories)");
}

Rule rule_of(const toml::value& table) {
  if (!table.is_table()) reject(table, "a rule must be a table");
  check_keys(table, {"any", "all", "none", "fields"}, "a rule");
  Rule rule;
  const auto& t = table.as_table();
  if (auto it = t.find("any"); it != t.end()) rule.any = phrases_of(it->second, "any");
  if (auto it = t.find("all"); it != t.end()) {
    if (!it->second.is_array()) reject(it->second, "'all' must be an array of groups");
    for (const auto& group : it->second.as_array()) {
      // A bare string is a group of one.
      rule.all.push_back(group.is_string() ? std::vector<Phrase>{phrase_of(group)}
                                           : phrases_of(group, "all"));
    }
  }
  if (auto it = t.find("none"); it != t.end()) rule.none = phrases_of(it->second, "none");
  if (auto it = t.find("fields"); it != t.end()) {
    if (!it->second.is_array()) reject(it->second, "'fields' must be an array of field names");
    for (const auto& f : it->second.as_array()) rule.fields.push_back(field_of(f));
  } else {
    rule.fields.assign(std::begin(kAllFields), std::end(kAllFields));
  }
  if (rule.any.empty() && rule.all.empty()) reject(table, "a rule needs 'any' or 'all' phrases");
  return rule;
}

Topic topic_of(const toml::value& table) {
  if (!table.is_table()) reject(table, "a topic must be a table");
  check_keys(table, {"name", "description", "rule"}, "a topic");
  Topic topic;
  const auto& t = table.as_table();
  auto name = t.find("name");
  if (name == t.end()) reject(table, "a topic needs a 'name'");
  topic.name = string_of(name->second, "'name'");
  if (auto it = t.find("description"); it != t.end())
    topic.description = string_of(it->second, "'description'");
  auto rules = t.find("rule");
  if (rules == t.end() || !rules->second.is_array() || rules->second.as_array().empty())
    reject(table, "topic '" + topic.name + "' needs at least one [[topic.rule]]");
  for (const auto& rule : rules->second.as_array()) topic.rules.push_back(rule_of(rule));
  return topic;
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
  try {
    std::istringstream stream(text);
    toml::value root = toml::parse(stream, origin);
    check_keys(root, {"name", "description", "topic"}, "the pack");
    TopicPack pack;
    const auto& t = root.as_table();
    if (auto it = t.find("name"); it != t.end()) pack.name = string_of(it->second, "'name'");
    auto topics = t.find("topic");
    if (topics == t.end() || !topics->second.is_array() || topics->second.as_array().empty())
      return fail(origin + ": a topic pack needs at least one [[topic]]");
    std::set<std::string> names;
    for (const auto& topic : topics->second.as_array()) {
      pack.topics.push_back(topic_of(topic));
      if (!names.insert(pack.topics.back().name).second)
        reject(topic, "duplicate topic name '" + pack.topics.back().name + "'");
    }
    return pack;
  } catch (const TomlValueError& e) {
    return fail(e.message);
  } catch (const toml::exception& e) {
    return fail(toml_describe(e));
  }
}

TopicPack TopicPack::builtin() {
  auto pack = parse(kBuiltinPack, "iran-us.toml (built in)");
  // A broken shipped pack is caught by the tests, never by a user.
  if (!pack) throw std::logic_error(pack.error().message);
  return *pack;
}

Result<TopicPack> TopicPack::load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(path + ": cannot open topic pack");
  std::ostringstream text;
  text << file.rdbuf();
  return parse(text.str(), path);
}

}  // namespace newswatch
