// Straightforward phrase search over folded text. Cost grows with the number of phrases; a
// multi-pattern automaton replaces it when packs grow (see the matcher issue).
#include "topics/matcher.h"

#include <optional>

#include "topics/fold.h"

namespace newswatch {
namespace {

// Offset of the first whole-word occurrence of `phrase` in `text`, which is folded (words
// separated by single spaces).
std::optional<std::size_t> find_phrase(const std::string& text, const Phrase& phrase) {
  for (std::size_t pos = text.find(phrase.folded); pos != std::string::npos;
       pos = text.find(phrase.folded, pos + 1)) {
    std::size_t end = pos + phrase.folded.size();
    bool starts_word = pos == 0 || text[pos - 1] == ' ';
    bool ends_word = phrase.prefix || end == text.size() || text[end] == ' ';
    if (starts_word && ends_word) return pos;
  }
  return std::nullopt;
}

struct Hit {
  const Phrase* phrase;
  ItemField field;
  std::size_t offset;
};

std::optional<Hit> find_any(const FoldedItem& item, const std::vector<Phrase>& phrases,
                            const std::vector<ItemField>& fields) {
  for (ItemField field : fields) {
    const std::string& text = item.fields[static_cast<std::size_t>(field)];
    if (text.empty()) continue;
    for (const Phrase& phrase : phrases) {
      if (auto offset = find_phrase(text, phrase)) return Hit{&phrase, field, *offset};
    }
  }
  return std::nullopt;
}

// The hits that make `rule` match, or nothing when it does not.
std::optional<std::vector<Hit>> apply(const Rule& rule, const FoldedItem& item) {
  if (find_any(item, rule.none, rule.fields)) return std::nullopt;
  std::vector<Hit> hits;
  if (!rule.any.empty()) {
    auto hit = find_any(item, rule.any, rule.fields);
    if (!hit) return std::nullopt;
    hits.push_back(*hit);
  }
  for (const auto& group : rule.all) {
    auto hit = find_any(item, group, rule.fields);
    if (!hit) return std::nullopt;
    hits.push_back(*hit);
  }
  return hits;
}

}  // namespace

FoldedItem FoldedItem::from(const Item& item) {
  FoldedItem folded;
  folded.fields[static_cast<std::size_t>(ItemField::kTitle)] = fold(item.title);
  folded.fields[static_cast<std::size_t>(ItemField::kSummary)] = fold(item.summary);
  folded.fields[static_cast<std::size_t>(ItemField::kContent)] = fold(item.content);
  std::string categories;
  for (const auto& category : item.categories) categories += category + "\n";
  folded.fields[static_cast<std::size_t>(ItemField::kCategories)] = fold(categories);
  return folded;
}

MatchSet Matcher::match(const Item& item) const { return match(FoldedItem::from(item)); }

MatchSet Matcher::match(const FoldedItem& item) const {
  MatchSet result;
  for (const Topic& topic : pack_.topics) {
    for (const Rule& rule : topic.rules) {
      auto hits = apply(rule, item);
      if (!hits) continue;
      result.topics.push_back(topic.name);
      for (const Hit& hit : *hits)
        result.evidence.push_back({topic.name, hit.field, hit.phrase->text, hit.offset});
      break;
    }
  }
  result.relevant = !result.topics.empty();
  return result;
}

}  // namespace newswatch
