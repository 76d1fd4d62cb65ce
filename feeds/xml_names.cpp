#include "feeds/xml_names.h"

#include <cstring>

#include "feeds/excerpt.h"

namespace newswatch {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] | 0x20) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// The URIs as feedparser also accepts them: scheme, case and a final slash do not matter.
Ns known_namespace(std::string_view uri) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (uri.size() > scheme.size() && equals_ignoring_case(uri.substr(0, scheme.size()), scheme)) {
      uri.remove_prefix(scheme.size());
      break;
    }
  }
  if (uri.ends_with('/')) uri.remove_suffix(1);
  static constexpr std::pair<std::string_view, Ns> kKnown[] = {
      {"www.w3.org/2005/atom", Ns::kAtom10},
      {"purl.org/atom/ns#", Ns::kAtom03},
      {"purl.org/dc/elements/1.1", Ns::kDc},
      {"purl.org/dc/elements/1.0", Ns::kDc},
      {"purl.org/dc/terms", Ns::kDcTerms},
      {"purl.org/rss/1.0/modules/content", Ns::kContent},
      {"search.yahoo.com/mrss", Ns::kMedia},
      {"video.search.yahoo.com/mrss", Ns::kMedia},
      {"tools.search.yahoo.com/mrss", Ns::kMedia},
      {"www.itunes.com/dtds/podcast-1.0.dtd", Ns::kItunes},
      {"example.com/dtds/podcast-1.0.dtd", Ns::kItunes},
      {"purl.org/rss/1.0", Ns::kRss1},
      {"my.netscape.com/rdf/simple/0.9", Ns::kRss090},
      {"www.w3.org/1999/02/22-rdf-syntax-ns#", Ns::kRdf},
      {"purl.org/rss/1.0/modules/syndication", Ns::kSy},
      {"www.w3.org/1999/xhtml", Ns::kXhtml},
      {"backend.userland.com/rss2", Ns::kRss2},
      {"backend.userland.com/rss", Ns::kRss2},
      {"blogs.law.harvard.edu/tech/rss", Ns::kRss2},
  };
  for (const auto& [known, ns] : kKnown) {
    if (equals_ignoring_case(uri, known)) return ns;
  }
  return Ns::kUndeclared;  // not known
}

Ns common_prefix(std::string_view prefix) {
  static constexpr std::pair<std::string_view, Ns> kCommon[] = {
      {"atom", Ns::kAtom10},     {"dc", Ns::kDc},       {"dcterms", Ns::kDcTerms},
      {"content", Ns::kContent}, {"media", Ns::kMedia}, {"itunes", Ns::kItunes},
      {"rdf", Ns::kRdf},         {"sy", Ns::kSy},       {"xhtml", Ns::kXhtml}};
  for (const auto& [name, ns] : kCommon) {
    if (prefix == name) return ns;
  }
  return Ns::kUndeclared;
}

}  // namespace

bool is_extension(Ns ns) {
  switch (ns) {
    case Ns::kXml:
    case Ns::kRdf:
    case Ns::kAtom10:
    case Ns::kAtom03:
    case Ns::kDc:
    case Ns::kDcTerms:
    case Ns::kContent:
    case Ns::kMedia:
    case Ns::kItunes:
    case Ns::kSy:
    case Ns::kXhtml:
      return true;
    default:
      return false;
  }
}

void NamespaceScope::declare(const pugi::xml_node& element) {
  for (auto attr = element.first_attribute(); attr; attr = attr.next_attribute()) {
    const char* name = attr.name();
    if (std::strncmp(name, "xmlns", 5) != 0) continue;
    if (name[5] != '\0' && name[5] != ':') continue;
    std::string_view prefix = name[5] == ':' ? std::string_view(name + 6) : std::string_view{};
    std::string_view uri = attr.value();
    // xmlns="" takes the default namespace back to none.
    bindings_.push_back({prefix, uri.empty() ? Ns::kNone : intern(uri)});
  }
}

QName NamespaceScope::name_of(const pugi::xml_node& element) {
  std::string_view name = element.name();
  std::size_t colon = name.find(':');
  std::string_view prefix =
      colon == std::string_view::npos ? std::string_view{} : name.substr(0, colon);
  std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
  for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
    if (it->prefix == prefix) return {it->ns, local};
  }
  if (prefix.empty()) return {Ns::kNone, local};
  if (prefix == "xml") return {Ns::kXml, local};
  return {undeclared(prefix, name), local};
}

Ns NamespaceScope::intern(std::string_view uri) {
  Ns known = known_namespace(uri);
  if (known != Ns::kUndeclared) return known;
  for (std::size_t i = 0; i < other_uris_.size(); ++i) {
    if (other_uris_[i] == uri)
      return static_cast<Ns>(static_cast<std::size_t>(Ns::kFirstOther) + i);
  }
  other_uris_.push_back(uri);
  return static_cast<Ns>(static_cast<std::size_t>(Ns::kFirstOther) + other_uris_.size() - 1);
}

Ns NamespaceScope::undeclared(std::string_view prefix, std::string_view element_name) {
  bool known = false;
  for (std::string_view seen : undeclared_)
    known = known || seen.substr(0, seen.find(':')) == prefix;
  if (!known) undeclared_.push_back(element_name);
  return common_prefix(prefix);
}

void NamespaceScope::report(std::vector<std::string>& warnings) const {
  if (undeclared_.empty()) return;
  constexpr std::size_t kShown = 3;
  std::string message = undeclared_.size() == 1 ? "undeclared namespace prefix in "
                                                : "undeclared namespace prefixes in ";
  for (std::size_t i = 0; i < undeclared_.size() && i < kShown; ++i)
    message.append(i ? ", <" : "<").append(excerpt(undeclared_[i])).append(">");
  if (undeclared_.size() > kShown)
    message += " and " + std::to_string(undeclared_.size() - kShown) + " more";
  warnings.push_back(std::move(message));
}

}  // namespace newswatch
