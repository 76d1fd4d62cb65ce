// `newswatch match`: which topics a text matches, and why. With --jsonl, one JSON object in
// and one out per line, for scoring tools.
#include <sys/types.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "daemon/commands.h"
#include "feeds/text.h"
#include "topics/matcher.h"

namespace newswatch {
namespace {

// Keys in the documented order, so that lines read the same way to people and to tools.
using json = nlohmann::ordered_json;

constexpr const char* kMatchUsage = R"(usage: newswatch match [--topics FILE] [--explain] [TEXT|-]
       newswatch match [--topics FILE] --jsonl

Matches a text (or standard input, '-') against the topic packs and prints each matching
topic with the phrases that made it match.

  --topics FILE   a topic pack (repeatable; default: the built-in Iran–US pack)
  --explain       also print each topic's score, the rules (file:line) that matched, and
                  where each phrase was found, with its concept
  --jsonl         read JSON lines {"id", "title", "description", "categories"} and write
                  {"id", "relevant", "topics", "scores",
                   "matches": [{"topic","field","term","offset","concept","rule"}],
                   "concepts": [every concept the item names, relevant or not, in order of
                                first appearance]}
)";

json matches_json(const MatchSet& set) {
  json matches = json::array();
  for (const auto& e : set.evidence) {
    json match = {
        {"topic", e.topic}, {"field", field_name(e.field)}, {"term", e.term}, {"offset", e.offset}};
    if (!e.concept_id.empty()) match["concept"] = e.concept_id;
    match["rule"] = e.rule;
    matches.push_back(std::move(match));
  }
  return matches;
}

std::vector<std::string> concept_ids(const MatchSet& set) {
  std::vector<std::string> ids;
  for (const auto& hit : set.concepts) {
    if (std::find(ids.begin(), ids.end(), hit.concept_id) == ids.end())
      ids.push_back(hit.concept_id);
  }
  return ids;
}

// Lines of a stream, each without its '\n', read as they arrive.
class LineReader {
 public:
  explicit LineReader(std::FILE* in) : in_(in) {}
  ~LineReader() { std::free(buffer_); }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line, valid until the next call; nullopt at the end of the stream.
  std::optional<std::string_view> next() {
    ssize_t n = ::getline(&buffer_, &capacity_, in_);
    if (n < 0) return std::nullopt;
    std::string_view line(buffer_, static_cast<std::size_t>(n));
    if (line.ends_with('\n')) line.remove_suffix(1);
    return line;
  }

 private:
  std::FILE* in_;
  char* buffer_ = nullptr;
  std::size_t capacity_ = 0;
};

std::string string_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int match_jsonl(const Matcher& matcher) {
  LineReader lines(stdin);
  int line_number = 0;
  while (auto line = lines.next()) {
    ++line_number;
    if (line->find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json input = json::parse(*line, nullptr, false);
    if (input.is_discarded() || !input.is_object()) {
      std::fprintf(stderr, "newswatch match: <stdin>:%d: not a JSON object\n", line_number);
      return 1;
    }
    Item item;
    item.title = html_to_text(string_field(input, "title"));
    item.summary = html_to_text(string_field(input, "description"));
    if (auto it = input.find("categories"); it != input.end() && it->is_array()) {
      for (const auto& c : *it) {
        if (c.is_string()) item.categories.push_back(c.get<std::string>());
      }
    }
    MatchSet set = matcher.match(item);
    json scores = json::object();
    for (std::size_t t = 0; t < set.topics.size(); ++t) scores[set.topics[t]] = set.scores[t];
    json output = {{"id", input.contains("id") ? input["id"] : json(nullptr)},
                   {"relevant", set.relevant},
                   {"topics", set.topics},
                   {"scores", std::move(scores)},
                   {"matches", matches_json(set)},
                   {"concepts", concept_ids(set)}};
    std::string text = output.dump(-1, ' ', false, json::error_handler_t::replace);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
  }
  return 0;
}

// Without --explain: each topic and its phrases. With it: scores against the threshold, and
// for each rule that matched, where each of its phrases was found.
void print_matches(const Matcher& matcher, const MatchSet& set, bool explain) {
  if (!set.relevant) {
    std::puts("no topic matched");
    return;
  }
  for (std::size_t t = 0; t < set.topics.size(); ++t) {
    const std::string& topic = set.topics[t];
    if (!explain) {
      std::string terms;
      for (const auto& e : set.evidence) {
        if (e.topic != topic) continue;
        std::string quoted = "\"" + e.term + "\"";
        if (terms.find(quoted) == std::string::npos) terms += (terms.empty() ? "" : ", ") + quoted;
      }
      std::printf("%s: %s\n", topic.c_str(), terms.c_str());
      continue;
    }
    std::printf("%s (score %g)\n", topic.c_str(), set.scores[t]);
    std::string rule;
    for (const auto& e : set.evidence) {
      if (e.topic != topic) continue;
      if (e.rule != rule) std::printf("  rule %s\n", (rule = e.rule).c_str());
      std::string concept_note = e.concept_id.empty() ? "" : " [" + e.concept_id + "]";
      std::printf("    \"%s\"%s in %s at byte %zu\n", e.term.c_str(), concept_note.c_str(),
                  field_name(e.field), e.offset);
    }
  }
  if (explain) {
    std::printf("relevant: the scores reach the threshold (%g)\n",
                matcher.pack().thresholds.front());
  }
}

}  // namespace

int match_command(const Args& args) {
  std::vector<std::string> packs;
  bool jsonl = false;
  bool explain = false;
  std::string text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kMatchUsage, stdout);
      return 0;
    } else if (args[i] == "--topics" && i + 1 < args.size()) {
      packs.push_back(args[++i]);
    } else if (args[i] == "--jsonl") {
      jsonl = true;
    } else if (args[i] == "--explain") {
      explain = true;
    } else if (args[i].starts_with("--")) {
      std::fprintf(stderr, "newswatch match: bad argument '%s'\n%s", args[i].c_str(), kMatchUsage);
      return 2;
    } else {
      text = args[i];
    }
  }
  auto pack = load_topic_packs(packs);
  if (!pack) {
    std::fprintf(stderr, "newswatch match: %s\n", pack.error().message.c_str());
    return 1;
  }
  Matcher matcher(std::move(*pack));
  if (jsonl) return match_jsonl(matcher);
  if (text.empty() || text == "-") {
    std::optional<std::string> input = read_all(stdin);
    if (!input) {
      std::fprintf(stderr, "newswatch match: cannot read standard input\n");
      return 1;
    }
    text = std::move(*input);
  }
  Item item;
  item.content = html_to_text(text);
  print_matches(matcher, matcher.match(item), explain);
  return 0;
}

}  // namespace newswatch
