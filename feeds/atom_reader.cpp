// Atom 1.0 (RFC 4287) and Atom 0.3: a feed and its entries. Which element gives which field
// is the two tables below, best first (feeds/feed_elements.h). Atom's own text elements are
// text constructs; the extensions' are read as RSS reads them.
#include "feeds/atom_reader.h"

#include <string>

#include "feeds/feed_elements.h"
#include "feeds/feed_hints.h"
#include "feeds/text.h"

namespace newswatch {
namespace {

using E = FeedElements;
using R = ElementRule;

// An entry's elements. Some feeds repeat <updated>; the last wins, as in feedparser. The link
// is the first alternate one that is a web link.
constexpr ElementRule kEntryOwn[] = {
    R::best("title", &E::title, 0),
    R::best("id", &E::guid, 0),
    R::every_link(),
    R::best("published", &E::published, 0),
    R::best("issued", &E::published, 1),
    R::last("updated", &E::updated),
    R::best("modified", &E::updated, 1),
    R::best("author", &E::author, 0),
    R::best("summary", &E::summary, 0),
    R::best("content", &E::content, 0),
    R::category("category", Tag::kTerm),
};
constexpr ExtensionRule kEntryExtensions[] = {
    {Ns::kDc, R::best("title", &E::title, 1)},
    {Ns::kDc, R::best("creator", &E::author, 1)},
    {Ns::kDc, R::best("author", &E::author, 2)},
    {Ns::kDc, R::best("date", &E::updated, 3)},
    {Ns::kDc, R::category("subject", Tag::kText)},
    {Ns::kDc, R::best("description", &E::summary, 1)},
    {Ns::kDcTerms, R::best("issued", &E::published, 2)},
    {Ns::kDcTerms, R::best("modified", &E::updated, 2)},
    {Ns::kMedia, R::best("title", &E::title, 2)},
    {Ns::kMedia, R::best("description", &E::summary, 2)},
    {Ns::kItunes, R::best("title", &E::title, 3)},
    {Ns::kItunes, R::best("author", &E::author, 3)},
    {Ns::kItunes, R::best("summary", &E::summary, 3)},
};
constexpr ElementRules kEntryRules{kEntryOwn, kEntryExtensions};

// The feed's elements. Its link is the first alternate one that is a web link.
constexpr ElementRule kFeedOwn[] = {
    R::best("title", &E::title, 0),
    R::best("updated", &E::updated, 0),
    R::best("modified", &E::updated, 1),
    R::every_link(),
};
constexpr ExtensionRule kFeedExtensions[] = {
    {Ns::kDc, R::best("title", &E::title, 1)},
    {Ns::kDc, R::best("date", &E::updated, 3)},
    {Ns::kDcTerms, R::best("modified", &E::updated, 2)},
};
constexpr ElementRules kFeedRules{kFeedOwn, kFeedExtensions};

bool is_alternate(const pugi::xml_node& link) {
  std::string rel = attribute(link, "rel");
  return rel.empty() || rel == "alternate";
}

void parse_atom_entry(const pugi::xml_node& node, NamespaceScope& scope, FeedBuilder& builder,
                      Item& item) {
  Ns core = scope.name_of(node).ns;
  FeedElements e = read_elements(node, scope, kEntryRules, core);
  for (const pugi::xml_node& link : e.links) {
    std::string href = plain_text(attribute(link, "href"));
    if (is_alternate(link) && !item.link && !href.empty()) item.link = builder.link(link, href);
  }
  auto text = [&](const Pick& pick) {
    return pick.ns == core ? builder.atom_text(pick.node) : builder.html_text(pick.node);
  };
  item.title = text(e.title);
  if (e.guid) item.guid = non_empty(builder.plain(e.guid.node));
  item.published = builder.date(e.published.node);
  item.updated = builder.date(e.updated.node);
  if (e.author.ns == core) {
    if (e.author) item.author = person(e.author.node, scope, builder);
  } else {
    item.author = non_empty(builder.clean(e.author.node));
  }
  item.summary = text(e.summary);
  item.content = builder.atom_text(e.content.node);
  add_categories(e.tags, builder, item);
}

}  // namespace

void parse_atom(const pugi::xml_node& root, NamespaceScope& scope, ParsedFeed& feed,
                FeedBuilder& builder) {
  feed.hints = hints_of(root, feed.warnings);
  Ns core = scope.name_of(root).ns;
  FeedElements e = read_elements(root, scope, kFeedRules, core);
  for (const pugi::xml_node& link : e.links) {
    if (!feed.link && is_alternate(link))
      feed.link = builder.link(link, plain_text(attribute(link, "href")));
  }
  feed.title =
      e.title.ns == core ? builder.atom_text(e.title.node) : builder.html_text(e.title.node);
  if (auto lang = root.attribute("xml:lang")) feed.language = language_tag(lang.value());
  feed.updated = builder.date(e.updated.node);
  bool full = false;
  for_each_element(root, scope, [&](const pugi::xml_node& child, QName q) {
    if (full || !is_container(q, "entry", core)) return;
    if (!builder.room_for_item()) {
      full = true;
      return;
    }
    parse_atom_entry(child, scope, builder, feed.items.emplace_back());
    fill_summary(feed.items.back());
  });
}

}  // namespace newswatch
