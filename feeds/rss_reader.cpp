// RSS 0.9x/2.0, RSS 1.0 (RDF) and RSS 0.90: a channel, and items in it or beside it. Which
// element gives which field is the two tables below, best first (feeds/feed_elements.h).
#include "feeds/rss_reader.h"

#include <string>

#include "feeds/feed_elements.h"
#include "feeds/feed_hints.h"
#include "feeds/text.h"
#include "feeds/url.h"

namespace newswatch {
namespace {

using E = FeedElements;
using R = ElementRule;

// An item's elements. A second description is content when the item has no other.
constexpr ElementRule kItemOwn[] = {
    R::best("title", &E::title, 0),      R::best("guid", &E::guid, 0),
    R::best("link", &E::link, 0),        R::best("pubDate", &E::published, 0),
    R::best("author", &E::author, 0),    R::best("source", &E::source, 0),
    R::description("description"),       R::description("summary"),
    R::best("body", &E::content, 1),     R::best("fullitem", &E::content, 2),
    R::category("category", Tag::kText), R::category("tags", Tag::kCommaSeparated),
};
constexpr ExtensionRule kItemExtensions[] = {
    {Ns::kDc, R::best("title", &E::title, 1)},
    {Ns::kDc, R::best("creator", &E::author, 1)},
    {Ns::kDc, R::best("author", &E::author, 2)},
    {Ns::kDc, R::best("date", &E::updated, 0)},
    {Ns::kDc, R::category("subject", Tag::kText)},
    {Ns::kDc, R::best("description", &E::summary, 0)},
    {Ns::kDcTerms, R::best("issued", &E::published, 1)},
    {Ns::kDcTerms, R::best("modified", &E::updated, 1)},
    {Ns::kContent, R::best("encoded", &E::content, 0)},
    {Ns::kXhtml, R::best("body", &E::content, 1)},
    {Ns::kAtom10, R::best("title", &E::title, 2)},
    {Ns::kAtom10, R::best("id", &E::guid, 1)},
    {Ns::kAtom10, R::alternate_link(&E::link, 1)},
    {Ns::kAtom10, R::best("published", &E::published, 2)},
    {Ns::kAtom10, R::best("issued", &E::published, 3)},
    {Ns::kAtom10, R::best("updated", &E::updated, 2)},
    {Ns::kAtom10, R::best("modified", &E::updated, 3)},
    {Ns::kAtom10, R::best("author", &E::author, 3)},
    {Ns::kAtom10, R::best("summary", &E::summary, 1)},
    {Ns::kAtom10, R::best("content", &E::content, 3)},
    {Ns::kAtom10, R::category("category", Tag::kTerm)},
    {Ns::kMedia, R::best("title", &E::title, 3)},
    {Ns::kMedia, R::best("description", &E::summary, 3)},
    {Ns::kMedia, R::category("category", Tag::kText)},
    {Ns::kItunes, R::best("title", &E::title, 4)},
    {Ns::kItunes, R::best("author", &E::author, 4)},
    {Ns::kItunes, R::best("summary", &E::summary, 2)},
    {Ns::kItunes, R::category("category", Tag::kItunes)},
};
constexpr ElementRules kItemRules{kItemOwn, kItemExtensions};

// The channel's elements.
constexpr ElementRule kChannelOwn[] = {
    R::best("title", &E::title, 0),
    R::best("link", &E::link, 0),
    R::best("language", &E::language, 0),
    R::best("lastBuildDate", &E::updated, 0),
};
constexpr ExtensionRule kChannelExtensions[] = {
    {Ns::kDc, R::best("title", &E::title, 1)},
    {Ns::kDc, R::best("language", &E::language, 1)},
    {Ns::kDc, R::best("date", &E::updated, 1)},
    {Ns::kDcTerms, R::best("modified", &E::updated, 2)},
    {Ns::kAtom10, R::best("title", &E::title, 2)},
    {Ns::kAtom10, R::best("updated", &E::updated, 3)},
    {Ns::kAtom10, R::alternate_link(&E::link, 1)},
    {Ns::kMedia, R::best("title", &E::title, 3)},
    {Ns::kItunes, R::best("title", &E::title, 4)},
};
constexpr ElementRules kChannelRules{kChannelOwn, kChannelExtensions};

// An RSS text element, or an Atom text construct inside RSS.
std::string rss_text(const Pick& pick, FeedBuilder& builder) {
  return is_atom(pick.ns) ? builder.atom_text(pick.node) : builder.html_text(pick.node);
}

void parse_rss_item(const pugi::xml_node& node, Ns core, NamespaceScope& scope,
                    FeedBuilder& builder, Item& item) {
  FeedElements e = read_elements(node, scope, kItemRules, core);
  item.title = rss_text(e.title, builder);
  if (e.guid) {
    item.guid = non_empty(builder.plain(e.guid.node));
  } else if (auto about = node.attribute("rdf:about")) {
    item.guid = non_empty(plain_text(about.value()));
  }
  if (is_atom(e.link.ns)) {
    item.link = builder.link(e.link.node, plain_text(e.link.node.attribute("href").value()));
  } else if (std::string link = builder.plain(e.link.node); !link.empty()) {
    item.link = builder.link(e.link.node, link);
  }
  // A GUID is an identifier (a GUID that is no URL is normal), and a link only when it says
  // so and is a web address.
  if (!item.link && item.guid && e.guid.ns == core &&
      attribute(e.guid.node, "isPermaLink") != "false" && is_web_url(*item.guid))
    item.link = item.guid;
  item.published = builder.date(e.published.node);
  item.updated = builder.date(e.updated.node);
  if (is_atom(e.author.ns)) {
    item.author = person(e.author.node, scope, builder);
  } else if (e.author) {
    item.author = non_empty(builder.clean(e.author.node));
  }
  if (e.content) item.content = rss_text(e.content, builder);
  // The first description is the summary; a second one is content when the item has no
  // other.
  if (!e.descriptions.empty()) {
    item.summary = builder.html_text(e.descriptions[0]);
  } else if (e.summary) {
    item.summary = rss_text(e.summary, builder);
  }
  if (e.descriptions.size() > 1 && item.content.empty())
    item.content = builder.html_text(e.descriptions[1]);
  add_categories(e.tags, builder, item);
  if (e.source) item.source_outlet = non_empty(builder.clean(e.source.node));
}

void parse_rss_channel(const pugi::xml_node& channel, NamespaceScope& scope, ParsedFeed& feed,
                       FeedBuilder& builder) {
  Ns core = scope.name_of(channel).ns;
  FeedElements e = read_elements(channel, scope, kChannelRules, core);
  feed.title = rss_text(e.title, builder);
  if (is_atom(e.link.ns)) {
    feed.link = builder.link(e.link.node, plain_text(e.link.node.attribute("href").value()));
  } else if (std::string href = builder.plain(e.link.node); !href.empty()) {
    feed.link = builder.link(e.link.node, href);
  }
  if (e.language) feed.language = language_tag(builder.text(e.language.node));
  feed.updated = builder.date(e.updated.node);
}

}  // namespace

void parse_rss(const pugi::xml_node& root, NamespaceScope& scope, ParsedFeed& feed,
               FeedBuilder& builder) {
  pugi::xml_node channel;
  for_each_element(root, scope, [&](const pugi::xml_node& child, QName q) {
    if (!channel && is_container(q, "channel", scope.name_of(root).ns)) channel = child;
  });
  if (!channel) channel = root;
  std::size_t mark = scope.mark();
  if (channel != root) scope.declare(channel);
  feed.hints = hints_of(channel, feed.warnings);
  parse_rss_channel(channel, scope, feed, builder);
  if (!feed.language) {
    if (auto lang = root.attribute("xml:lang")) feed.language = language_tag(lang.value());
  }
  Ns core = scope.name_of(channel).ns;
  scope.leave(mark);
  // RSS 2.0 nests items in the channel; RSS 1.0 and 0.90 make them siblings of it.
  bool full = false;
  auto add_items = [&](const pugi::xml_node& container) {
    std::size_t container_mark = scope.mark();
    if (container != root) scope.declare(container);
    for_each_element(container, scope, [&](const pugi::xml_node& child, QName q) {
      if (full || !is_container(q, "item", core)) return;
      if (!builder.room_for_item()) {
        full = true;
        return;
      }
      // The item's elements are core in the namespace of the item itself (RSS 1.0 items may
      // stand in the RDF root, beside a channel in the RSS 1.0 namespace).
      parse_rss_item(child, q.ns == Ns::kNone ? core : q.ns, scope, builder,
                     feed.items.emplace_back());
      fill_summary(feed.items.back());
    });
    scope.leave(container_mark);
  };
  add_items(channel);
  if (channel != root) add_items(root);
}

}  // namespace newswatch
