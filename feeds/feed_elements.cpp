#include "feeds/feed_elements.h"

#include <algorithm>
#include <string>

#include "feeds/text.h"

namespace newswatch {
namespace {

const ElementRule* rule_for(const ElementRules& rules, QName q, Ns own) {
  if (q.ns == own) {
    for (const ElementRule& rule : rules.own) {
      if (rule.local == q.local) return &rule;
    }
    return nullptr;
  }
  Ns ns = is_atom(q.ns) ? Ns::kAtom10 : q.ns;
  for (const ExtensionRule& extension : rules.extensions) {
    if (extension.ns == ns && extension.rule.local == q.local) return &extension.rule;
  }
  return nullptr;
}

}  // namespace

void add_categories(const std::vector<Tag>& tags, FeedBuilder& builder, Item& item) {
  for (const auto& tag : tags) {
    std::string one;
    switch (tag.kind) {
      case Tag::kText:
        one = builder.clean(tag.node);
        break;
      case Tag::kTerm:
        one = clean_text(tag.node.attribute("term").value());
        if (one.empty()) one = builder.clean(tag.node);
        break;
      case Tag::kItunes:
        one = clean_text(tag.node.attribute("text").value());
        break;
      case Tag::kCommaSeparated: {
        // A made-up but common element: comma-separated tags.
        std::string text = builder.clean(tag.node);
        std::string_view tags = text;
        for (std::size_t start = 0; start <= tags.size();) {
          std::size_t comma = std::min(tags.find(',', start), tags.size());
          std::string each = clean_text(tags.substr(start, comma - start));
          if (!each.empty()) item.categories.push_back(std::move(each));
          start = comma + 1;
        }
        continue;
      }
    }
    if (!one.empty()) item.categories.push_back(std::move(one));
  }
}

void FeedElements::take(const ElementRule& rule, const pugi::xml_node& element, Ns ns) {
  switch (rule.take) {
    case Take::kBest:
      (this->*rule.field).offer(element, ns, rule.rank);
      break;
    case Take::kLast:
      if (!is_blank(element)) this->*rule.field = Pick{element, ns, rule.rank};
      break;
    case Take::kAlternateLink: {
      std::string_view rel = element.attribute("rel").value();
      if ((rel.empty() || rel == "alternate") && *element.attribute("href").value())
        (this->*rule.field).offer(element, ns, rule.rank);
      break;
    }
    case Take::kDescription:
      if (!is_blank(element)) descriptions.push_back(element);
      break;
    case Take::kLink:
      links.push_back(element);
      break;
    case Take::kCategory:
      tags.push_back({element, rule.tag});
      break;
  }
}

FeedElements read_elements(const pugi::xml_node& node, NamespaceScope& scope,
                           const ElementRules& rules, Ns own) {
  FeedElements elements;
  for_each_element(node, scope, [&](const pugi::xml_node& child, QName q) {
    if (const ElementRule* rule = rule_for(rules, q, own)) elements.take(*rule, child, q.ns);
  });
  return elements;
}

}  // namespace newswatch
