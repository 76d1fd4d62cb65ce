// pugixml's tree as the feed readers read it: an element's children by local name, its text
// however the document split it (text and CDATA pieces, a comment between them), its markup as
// written, and the base URL in effect at it (xml:base).
#pragma once

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "feeds/xml_names.h"

namespace newswatch {

// The name of `node` without its prefix.
std::string_view local_name(const pugi::xml_node& node);

// The first child element of `parent` whose local name is `name`, in any namespace; null
// when there is none.
pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view name);

// namespace declarations in scope.
template <typename Visit>
void for_each_element(const pugi::xml_node& parent, NamespaceScope& scope, Visit&& visit) {
  for (auto child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    std::size_t mark = scope.mark();
    scope.declare(child);
    visit(child, scope.name_of(child));
    scope.leave(mark);
  }
}

inline bool is_text(const pugi::xml_node& node) {
  return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata;
}

// The text of `node`: its text and CDATA children, all of them ("a <![CDATA[b]]> c" is
// "a b c"; a comment between two pieces of text does not cut it short). A view into the
// document when there is one piece, as there almost always is; else built in `buffer`.
inline std::string_view text_of(const pugi::xml_node& node, std::string& buffer) {
  auto first = node.first_child();
  if (!first) return {};
  if (!first.next_sibling()) return is_text(first) ? first.value() : std::string_view{};
  buffer.clear();
  for (auto child = first; child; child = child.next_sibling()) {
    if (is_text(child)) buffer += child.value();
  }
  return buffer;
}

// An element with nothing in it but whitespace: absent, as far as a field is concerned.
inline bool is_blank(const pugi::xml_node& node) {
  for (auto child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) return false;
    if (!is_text(child)) continue;
    for (const char* c = child.value(); *c; ++c) {
      if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r') return false;
    }
  }
  return true;
}

// Appends `node` serialized, as pugixml prints it without indentation.
void append_markup(std::string& out, const pugi::xml_node& node);

// The node's markup as written: text and CDATA children concatenated, child elements
// serialized (RSS descriptions sometimes carry unescaped markup).
std::string raw_content(const pugi::xml_node& node);

// The value of the attribute `name` of `node`, "" when it has none.
std::string attribute(const pugi::xml_node& node, const char* name);

// The base URL in effect at `node` when an xml:base sets it: `document_base` refined by every
// xml:base on the way down from the root. nullopt when there is none: `document_base` is.
std::optional<std::string> xml_base_at(const pugi::xml_node& node, std::string_view document_base);

}  // namespace newswatch
