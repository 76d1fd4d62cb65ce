// Namespaces in XML 1.0 for the feed readers. pugixml does not resolve namespaces: it keeps
// "dc:date" as a name. The readers walk a document from its root down, and NamespaceScope
// follows the xmlns declarations on the way, so that an element is known by its namespace
// and local name whatever prefix the document chose ("dc:title", "d:title" and
// <title xmlns="http://purl.org/dc/elements/1.1/"> are one element; "foo:guid" is no guid).
#pragma once

#include <cstdint>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace newswatch {

// The namespaces the readers know, by URI (a few spellings each: http or https, with or
// without a trailing slash, any case). Any other URI a document declares gets a number of its
// own from kFirstOther on: two elements are in one namespace exactly when their Ns are equal.
enum class Ns : std::uint16_t {
  kNone,        // no namespace: RSS 0.91-2.0
  kUndeclared,  // a prefix that no declaration binds and that is none of the common ones
  kXml,         // the "xml" prefix, bound by definition
  kRss2,        // the namespaces some RSS 2.0 documents put their elements in
  kRss1,        // RSS 1.0, http://purl.org/rss/1.0/
  kRss090,      // RSS 0.90, http://my.netscape.com/rdf/simple/0.9/
  kRdf,
  kAtom10,
  kAtom03,
  kDc,       // Dublin Core elements, http://purl.org/dc/elements/1.1/
  kDcTerms,  // http://purl.org/dc/terms/
  kContent,  // http://purl.org/rss/1.0/modules/content/
  kMedia,    // Media RSS, http://search.yahoo.com/mrss/
  kItunes,   // http://www.itunes.com/dtds/podcast-1.0.dtd
  kSy,       // http://purl.org/rss/1.0/modules/syndication/
  kXhtml,
  kFirstOther,
};

inline bool is_atom(Ns ns) { return ns == Ns::kAtom10 || ns == Ns::kAtom03; }

// A namespace that only ever extends a format: none of its elements is an RSS channel or item
// or an Atom entry.
bool is_extension(Ns ns);

// An element's expanded name. `local` points into the document.
struct QName {
  Ns ns;
  std::string_view local;
};

// The declarations in scope at the element being read. Walking down: take mark(), declare()
// the element, read its name_of(), then leave(mark) once done with it and its children.
class NamespaceScope {
 public:
  std::size_t mark() const { return bindings_.size(); }
  void leave(std::size_t mark) { bindings_.resize(mark); }

  // Adds the xmlns and xmlns:PREFIX attributes of `element`.
  void declare(const pugi::xml_node& element);

  // The expanded name of `element`, all of whose own and ancestors' declarations are in
  // scope. A prefix that nothing declares is not well-formed (Namespaces in XML 1.0, "Namespace
  // constraint: Prefix Declared"): it is noted for report(), and a common one (dc, dcterms,
  // content, media, itunes, atom, rdf, sy, xhtml) is read as the namespace it always names.
  QName name_of(const pugi::xml_node& element);

  // Appends one warning naming an element of each undeclared prefix met (the first three), if any.
  void report(std::vector<std::string>& warnings) const;

 private:
  struct Binding {
    std::string_view prefix;
    Ns ns;
  };
  Ns intern(std::string_view uri);
  Ns undeclared(std::string_view prefix, std::string_view element_name);

  std::vector<Binding> bindings_;
  std::vector<std::string_view> other_uris_;
  std::vector<std::string_view> undeclared_;  // the first element name of each prefix
};

}  // namespace newswatch
