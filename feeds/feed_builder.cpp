#include "feeds/feed_builder.h"

#include <algorithm>

#include "base/utf8.h"
#include "feeds/base64.h"
#include "feeds/dates.h"
#include "feeds/excerpt.h"

namespace newswatch {

std::optional<UnixSeconds> FeedBuilder::date(const pugi::xml_node& node) {
  if (!node) return std::nullopt;
  std::string_view text = text_of(node, buffer_);
  auto parsed = parse_date(text);
  if (!parsed)
    feed_.warnings.push_back("unparseable date in <" + excerpt(node.name()) + ">: '" +
                             excerpt(text) + "'");
  return parsed;
}

std::string FeedBuilder::html_text(const pugi::xml_node& node) {
  if (!node) return {};
  auto only = node.first_child();
  if (only && !only.next_sibling() && is_text(only)) return html(only.value(), node);
  return html(raw_content(node), node);
}

std::string FeedBuilder::atom_text(const pugi::xml_node& node) {
  if (!node) return {};
  std::string_view type = node.attribute("type").value();
  bool is_html = type == "html" || type == "text/html";
  if (std::string_view(node.attribute("mode").value()) == "base64")
    return base64(node, is_html, /*declared=*/true);
  if (type.empty() || type == "text" || type == "text/plain") return all_text(node);
  if (is_html) return html_text(node);
  if (type == "xhtml" || type == "application/xhtml+xml") return xhtml_text(node);
  if (type.starts_with("text/") || type.ends_with("xml")) return all_text(node);
  return base64(node, false, /*declared=*/false);
}

std::optional<std::string> FeedBuilder::link(const pugi::xml_node& node, const std::string& href) {
  std::optional<std::string> base = xml_base_at(node, document_base());
  return web_link(base ? std::string_view(*base) : document_base(), href, feed_);
}

bool FeedBuilder::room_for_item() {
  if (feed_.items.size() < options_.max_items) return true;
  if (!capped_)
    feed_.warnings.push_back("more than " + std::to_string(options_.max_items) +
                             " items; the rest are ignored");
  capped_ = true;
  return false;
}

std::string FeedBuilder::html(std::string_view markup, const pugi::xml_node& node) {
  HtmlTextNotes notes;
  std::string text = html_to_text(markup, &notes);
  if (notes.unclosed_comment_hid_text && !comment_warned_) {
    comment_warned_ = true;
    feed_.warnings.push_back("an HTML comment never closed hides the rest of <" +
                             excerpt(node.name()) + ">: '" + excerpt(markup) + "'");
  }
  return text;
}

// RFC 4287 section 3.1.1.3: the markup is that of the div's children, and text in it is
// text ("a &lt;b&gt; c" is "a <b> c"): serialized back to XHTML, references and all.
std::string FeedBuilder::xhtml_text(const pugi::xml_node& node) {
  std::string markup;
  for (auto child : node.children()) append_markup(markup, child);
  return html(markup, node);
}

// Plain text that should hold no element, but may ("Example <b>Atom</b>"): the text of
// every descendant, in document order.
std::string FeedBuilder::all_text(const pugi::xml_node& node) {
  auto first = node.first_child();
  if (!first || (!first.next_sibling() && is_text(first))) return plain(node);
  buffer_.clear();
  // Depth first without recursion: a document may nest deeper than a stack.
  for (auto n = first; n && n != node;) {
    if (is_text(n)) buffer_ += n.value();
    if (n.type() == pugi::node_element && n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n != node && !n.next_sibling()) n = n.parent();
    if (n != node) n = n.next_sibling();
  }
  return plain_text(buffer_);
}

// Base64 as Atom 0.3's mode="base64" declares, or as RFC 4287 section 3.1.1 has other media
// types. A type nobody told us was base64 is text that merely has an unknown type when it
// does not decode to UTF-8 ("application/x-custom").
std::string FeedBuilder::base64(const pugi::xml_node& node, bool is_html, bool declared) {
  std::string_view text = text_of(node, buffer_);
  auto decoded = decode_base64(text);
  bool utf8 = decoded.has_value();
  for (std::size_t i = 0; utf8 && !declared && i < decoded->size();) {
    std::size_t length = utf8_sequence_length(*decoded, i);
    utf8 = length > 0;
    i += length;
  }
  if (!utf8) {
    // Appended rather than added up: GCC 12's -Wrestrict misfires on the sum.
    std::string warning = "<";
    warning.append(excerpt(node.name())).append(" type=\"");
    warning.append(excerpt(node.attribute("type").value()));
    warning.append("\"> is not base64 of UTF-8 text; kept as text");
    feed_.warnings.push_back(std::move(warning));
    return plain_text(text);
  }
  return is_html ? html(*decoded, node) : plain_text(*decoded);
}

std::string language_tag(std::string_view text) {
  std::string tag = clean_text(text);
  std::replace(tag.begin(), tag.end(), '_', '-');
  return tag;
}

void fill_summary(Item& item) {
  if (item.summary.empty()) item.summary = item.content;
}

std::optional<std::string> person(const pugi::xml_node& node, NamespaceScope& scope,
                                  FeedBuilder& builder) {
  std::size_t mark = scope.mark();
  scope.declare(node);
  Ns ns = scope.name_of(node).ns;
  pugi::xml_node name_node, email_node;
  for_each_element(node, scope, [&](const pugi::xml_node& child, QName q) {
    if (q.ns != ns) return;
    if (q.local == "name" && !name_node) name_node = child;
    if (q.local == "email" && !email_node) email_node = child;
  });
  scope.leave(mark);
  std::string name = builder.clean(name_node);
  std::string email = builder.clean(email_node);
  if (name.empty() && email.empty()) return std::nullopt;
  return email.empty() ? name : name.empty() ? email : name + " (" + email + ")";
}

std::optional<std::string> non_empty(std::string text) {
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace newswatch
