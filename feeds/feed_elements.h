// Which element of a feed document gives which field. Each format has its rules in a table
// (feeds/rss_reader.cpp, feeds/atom_reader.cpp): its own elements by local name, those of the
// extensions it takes (Dublin Core, Media RSS, iTunes, Atom inside RSS, ...) by namespace and
// local name. Elements are known by namespace and local name (feeds/xml_names.h), never by
// prefix: "foo:guid" is no guid, and an extension element never displaces the format's own.
//
// A field takes the best of its candidates: the lowest rank, the first of equal ranks. The
// format's own element (rank 0) always wins, wherever it stands; an empty element counts as
// absent, so the next one on the list is used.
#pragma once

#include <climits>
#include <cstdint>
#include <pugixml.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "feeds/feed_builder.h"
#include "feeds/item.h"
#include "feeds/xml_names.h"
#include "feeds/xml_nodes.h"

namespace newswatch {

// The best candidate for a field so far: the lowest rank wins, the first of equal ranks.
struct Pick {
  pugi::xml_node node;
  Ns ns = Ns::kNone;
  int rank = INT_MAX;

  void offer(const pugi::xml_node& candidate, Ns candidate_ns, int candidate_rank) {
    if (candidate_rank < rank && !is_blank(candidate)) {
      node = candidate;
      ns = candidate_ns;
      rank = candidate_rank;
    }
  }
  explicit operator bool() const { return static_cast<bool>(node); }
};

// A category of any kind, as the item's categories take it.
struct Tag {
  enum Kind : std::uint8_t { kText, kTerm, kItunes, kCommaSeparated };
  pugi::xml_node node;
  Kind kind;
};

// The categories `tags` name, appended to the item's, in order.
void add_categories(const std::vector<Tag>& tags, FeedBuilder& builder, Item& item);

struct ElementRule;

// The elements of an RSS item or channel, an Atom entry or feed, as its format's rules sort
// them: the best candidate for each field, and the elements a field takes more than one of.
struct FeedElements {
  Pick title, guid, link, published, updated, author, summary, content, source, language;
  std::vector<pugi::xml_node> descriptions;  // RSS's description and summary, in document order
  std::vector<pugi::xml_node> links;         // Atom's own links, in document order
  std::vector<Tag> tags;                     // categories of every kind, in document order

  // Takes `element`, in namespace `ns`, as `rule` says.
  void take(const ElementRule& rule, const pugi::xml_node& element, Ns ns);
};

// What a rule does with the element it names.
enum class Take : std::uint8_t {
  kBest,           // offers it to the rule's field, at the rule's rank
  kLast,           // makes it the rule's field whatever was there (unless it is blank)
  kAlternateLink,  // offers it, when its rel is empty or "alternate" and it has an href
  kDescription,    // adds it to descriptions (unless it is blank)
  kLink,           // adds it to links
  kCategory,       // adds it to tags, as the rule's kind of Tag
};

struct ElementRule {
  std::string_view local;
  Take take;
  Pick FeedElements::*field = nullptr;
  int rank = 0;
  Tag::Kind tag = Tag::kText;

  // The rules, as the tables write them.
  static constexpr ElementRule best(std::string_view local, Pick FeedElements::*field, int rank) {
    return {local, Take::kBest, field, rank};
  }
  static constexpr ElementRule last(std::string_view local, Pick FeedElements::*field) {
    return {local, Take::kLast, field};
  }
  static constexpr ElementRule alternate_link(Pick FeedElements::*field, int rank) {
    return {"link", Take::kAlternateLink, field, rank};
  }
  static constexpr ElementRule description(std::string_view local) {
    return {local, Take::kDescription};
  }
  static constexpr ElementRule every_link() { return {"link", Take::kLink}; }
  static constexpr ElementRule category(std::string_view local, Tag::Kind kind) {
    return {local, Take::kCategory, nullptr, 0, kind};
  }
};

// A rule for an element of an extension's namespace (Atom 0.3's elements are Atom 1.0's).
struct ExtensionRule {
  Ns ns;
  ElementRule rule;
};

// A format's rules for one kind of element: an RSS item, an Atom feed, ...
struct ElementRules {
  std::span<const ElementRule> own;
  std::span<const ExtensionRule> extensions;
};

// The child elements of `node` that `rules` name, read in one pass; `own` is the namespace of
// the format's own elements there.
FeedElements read_elements(const pugi::xml_node& node, NamespaceScope& scope,
                           const ElementRules& rules, Ns own);

// An RSS channel or item, an Atom entry: an element of that name in the format's namespace,
// none, or any namespace but one the readers know as an extension's.
inline bool is_container(QName q, std::string_view name, Ns core) {
  return q.local == name && (q.ns == core || !is_extension(q.ns));
}

}  // namespace newswatch
