#include "feeds/xml_nodes.h"

#include <vector>

#include "feeds/text.h"
#include "feeds/url.h"

namespace newswatch {

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view name) {
  for (auto child : parent.children()) {
    if (child.type() == pugi::node_element && local_name(child) == name) return child;
  }
  return {};
}

namespace {

// pugixml's output appended to a string: a stream per element, with its locale, cost more
// than the markup it printed.
class StringWriter : public pugi::xml_writer {
 public:
  explicit StringWriter(std::string& out) : out_(out) {}
  void write(const void* data, std::size_t size) override {
    out_.append(static_cast<const char*>(data), size);
  }

 private:
  std::string& out_;
};

}  // namespace

void append_markup(std::string& out, const pugi::xml_node& node) {
  StringWriter writer(out);
  node.print(writer, "", pugi::format_raw);
}

std::string raw_content(const pugi::xml_node& node) {
  std::string out;
  for (auto child : node.children()) {
    if (is_text(child)) {
      out += child.value();
    } else if (child.type() == pugi::node_element) {
      append_markup(out, child);
    }
  }
  return out;
}

std::string attribute(const pugi::xml_node& node, const char* name) {
  return node.attribute(name).value();
}

std::optional<std::string> xml_base_at(const pugi::xml_node& node, std::string_view document_base) {
  // Most documents have no xml:base: a look at each ancestor, and nothing copied.
  auto innermost = node;
  while (innermost && innermost.type() == pugi::node_element && !innermost.attribute("xml:base"))
    innermost = innermost.parent();
  if (!innermost || innermost.type() != pugi::node_element) return std::nullopt;
  std::vector<pugi::xml_node> chain;
  for (auto n = innermost; n && n.type() == pugi::node_element; n = n.parent()) chain.push_back(n);
  std::string base(document_base);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (auto xml_base = it->attribute("xml:base"))
      base = resolve_url(base, plain_text(xml_base.value()));  // no control reaches a link
  }
  return base;
}

}  // namespace newswatch
