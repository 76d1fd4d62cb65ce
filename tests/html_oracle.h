// The oracle for html_to_text: gumbo, a full HTML5 parser (too slow for the pipeline, which
// is why feeds/text.cpp has its own tokenizer), with the plain-text rules of the parse
// contract applied to its tree.
#pragma once

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/html_elements.h"
#include "feeds/text.h"

namespace newswatch::test {

inline bool oracle_dropped(std::string_view tag) {
  static constexpr std::string_view kDropped[] = {"script",   "style",   "noscript",
                                                  "template", "applet",  "title",
                                                  "iframe",   "noembed", "noframes"};
  return std::find(std::begin(kDropped), std::end(kDropped), tag) != std::end(kDropped);
}

// A tag as HTML5's tokenizer names it: from the letter after "<" or "</" up to a space, '/'
// or '>', lowercased.
struct OracleTag {
  bool closing;
  std::string name;
  std::size_t name_end;  // in the fragment
};

// Calls visit(tag) on every tag of the fragment until it returns true; says whether it did.
template <typename Visit>
bool any_tag(std::string_view html, Visit visit) {
  for (std::size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at + 1)) {
    bool closing = at + 1 < html.size() && html[at + 1] == '/';
    std::size_t name_start = at + 1 + closing, name_end = name_start;
    while (name_end < html.size() && !std::isspace(static_cast<unsigned char>(html[name_end])) &&
           html[name_end] != '/' && html[name_end] != '>')
      ++name_end;
    if (name_end == name_start || !std::isalpha(static_cast<unsigned char>(html[name_start])))
      continue;
    std::string name(html.substr(name_start, name_end - name_start));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (visit(OracleTag{closing, std::move(name), name_end})) return true;
  }
  return false;
}

// Whether the fragment has a tag of table structure (<table>, <tr>, <td>, ...):
// html_to_text reads a table's text in source order, where HTML5 moves text found between
// cells out in front of the table (foster parenting) and ignores cell tags outside a table.
inline bool has_table_tag(std::string_view html) {
  static constexpr std::string_view kTable[] = {"table", "caption", "colgroup", "col", "tbody",
                                                "thead", "tfoot",   "tr",       "td",  "th"};
  return any_tag(html, [](const OracleTag& tag) {
    return std::find(std::begin(kTable), std::end(kTable), tag.name) != std::end(kTable);
  });
}

// Whether a <noscript>, <template> or <applet> holds markup or is never closed:
// html_to_text drops everything up to the first end tag of the same name, where HTML5 builds
// a tree inside (templates nest; a <p> start tag closes an open paragraph with the noscript
// inside it).
inline bool has_markup_in_dropped_container(std::string_view html) {
  std::string lowered(html);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view name : {"noscript", "template", "applet"}) {
    // Appended rather than added: GCC 12 warns (-Wrestrict) about operator+ here.
    std::string opening = "<", closing = "</";
    opening.append(name);
    closing.append(name);
    for (std::size_t at = lowered.find(opening); at != std::string::npos;
         at = lowered.find(opening, at + 1)) {
      std::size_t content = lowered.find('>', at);
      if (content == std::string::npos) continue;
      std::size_t end = content;
      do {
        end = lowered.find(closing, end + 1);
      } while (end != std::string::npos && end + 2 + name.size() < lowered.size() &&
               std::string_view(" \t\n\r\f/>").find(lowered[end + 2 + name.size()]) ==
                   std::string_view::npos);
      if (end == std::string::npos || lowered.find('<', content + 1) < end) return true;
    }
  }
  return false;
}

// Whether an end tag names an element gumbo does not know: gumbo 0.10 tells elements apart
// by its tag enum, so any unknown end tag closes any open unknown element, where HTML5 (and
// html_to_text) close only one of the same name.
inline bool has_unknown_end_tag(std::string_view html) {
  return any_tag(html, [](const OracleTag& tag) {
    return tag.closing && gumbo_tag_enum(tag.name.c_str()) == GUMBO_TAG_UNKNOWN;
  });
}

// Whether a formatting element (<b>, <a>, <i>, ...) and a heading both open: when a block
// closes over an open <b>, HTML5 reopens the <b> at the next text (reconstructing the active
// formatting elements), and a heading that follows is then not the current node, so another
// heading nests in it instead of closing it. html_to_text does not reconstruct.
inline bool is_formatting_element(std::string_view name) {
  static constexpr std::string_view kFormatting[] = {"a",      "b",      "big",  "code", "em",
                                                     "font",   "i",      "nobr", "s",    "small",
                                                     "strike", "strong", "tt",   "u"};
  return std::find(std::begin(kFormatting), std::end(kFormatting), name) != std::end(kFormatting);
}

inline bool has_formatting_and_heading(std::string_view html) {
  bool formatting = false, heading = false;
  any_tag(html, [&](const OracleTag& tag) {
    if (tag.closing) return false;
    const std::string& name = tag.name;
    if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') heading = true;
    if (is_formatting_element(name)) formatting = true;
    return false;
  });
  return formatting && heading;
}

inline bool oracle_block(std::string_view tag);

// Whether a formatting element's end tag comes after a block's start tag that followed its
// own (<b><p>x</b>, or <p><b></p><p>x</b>, where HTML5 reopens the <b> first): HTML5's
// adoption agency may then move a block's content out and around, reordering the text;
// html_to_text keeps the source order. Conservative: it also flags harmless nestings.
inline bool has_misnested_formatting(std::string_view html) {
  struct Open {
    std::string name;
    bool block_since = false;
  };
  std::vector<Open> formatting;
  return any_tag(html, [&](const OracleTag& tag) {
    const std::string& name = tag.name;
    bool is_formatting = is_formatting_element(name);
    if (!tag.closing && is_formatting) {
      // A second <a> (or <nobr>) ends the open one first, by the same algorithm.
      if (name == "a" || name == "nobr") {
        for (const Open& open : formatting)
          if (open.name == name && open.block_since) return true;
      }
      formatting.push_back({name, false});
    } else if (!tag.closing && (oracle_block(name) || name == "li")) {
      for (Open& open : formatting) open.block_since = true;
    } else if (tag.closing && is_formatting) {
      auto match = std::find_if(formatting.rbegin(), formatting.rend(),
                                [&](const Open& open) { return open.name == name; });
      if (match == formatting.rend()) return false;
      if (match->block_since) return true;
      formatting.erase(std::prev(match.base()));
    }
    return false;
  });
}

// Which elements separate words is a choice of the parse contract, not something to check:
// the oracle takes html_to_text's list, and checks how the tree applies it.
inline bool oracle_block(std::string_view tag) { return block_index(tag) != kNotBlock; }

inline void oracle_walk(const GumboNode* node, std::string& out) {
  switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
      out += node->v.text.text;
      return;
    case GUMBO_NODE_DOCUMENT:
      for (unsigned i = 0; i < node->v.document.children.length; ++i)
        oracle_walk(static_cast<const GumboNode*>(node->v.document.children.data[i]), out);
      return;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE: {
      std::string_view tag = gumbo_normalized_tagname(node->v.element.tag);
      if (oracle_dropped(tag)) {
        out += ' ';
        return;
      }
      bool block = oracle_block(tag);
      if (block) out += ' ';
      for (unsigned i = 0; i < node->v.element.children.length; ++i)
        oracle_walk(static_cast<const GumboNode*>(node->v.element.children.data[i]), out);
      if (block) out += ' ';
      return;
    }
    default:
      return;  // comments
  }
}

// Plain text of an HTML fragment by the contract's rules, via gumbo's tree.
inline std::string gumbo_text(std::string_view html) {
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_DIV;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  std::string text;
  oracle_walk(output->root, text);
  gumbo_destroy_output(&options, output);
  return plain_text(text);
}

// A self-closed "<script/>", "<title/>", ... : XHTML in Atom feeds writes empty elements so,
// and html_to_text honours it, where an HTML5 parser would swallow the rest of the text.
inline bool has_self_closed_dropped_element(std::string_view html) {
  return any_tag(html, [&](const OracleTag& tag) {
    if (tag.closing || !oracle_dropped(tag.name)) return false;
    // The tag's '>', skipping quoted attribute values (a quote after '=' opens one).
    char quote = 0;
    std::size_t close = tag.name_end;
    for (; close < html.size(); ++close) {
      char c = html[close];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        std::size_t j = close;
        while (j > tag.name_end && std::isspace(static_cast<unsigned char>(html[j - 1]))) --j;
        if (html[j - 1] == '=') quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (close < html.size() && html[close - 1] == '/') return true;
    // Where a quote does not open a value after all ("<script = "...", an attribute named
    // "=" then one named '"...'), the tag ends at the first '>'.
    std::size_t first = html.find('>', tag.name_end);
    return first != std::string_view::npos && html[first - 1] == '/';
  });
}

// Inputs where html_to_text departs from HTML5 on purpose: CDATA sections and "<!" that
// opens no comment or DOCTYPE are kept as text (feeds double-wrap CDATA; the conformance
// suite expects "<!'" as text), where a browser would drop them as bogus comments; &lang;
// and &rang; keep their HTML 4 code points, which feeds were written against; self-closed
// script/style/title/... elements end there; tables are read in source order; the contents
// of noscript and template are dropped without building their tree; formatting elements
// are not reopened after a block closes over them, nor is a block moved out of a misnested
// one (the adoption agency). And where gumbo, not
// html_to_text, departs from HTML5: end tags of elements it does not know.
inline bool has_intended_difference(std::string_view html) {
  if (has_self_closed_dropped_element(html) || has_table_tag(html) ||
      has_markup_in_dropped_container(html) || has_unknown_end_tag(html) ||
      has_formatting_and_heading(html) || has_misnested_formatting(html))
    return true;
  // Numeric references too long for any code point: HTML5 says U+FFFD, as html_to_text
  // does; gumbo 0.10 lets the number wrap around.
  for (std::size_t at = html.find("&#"); at != std::string_view::npos;
       at = html.find("&#", at + 2)) {
    std::size_t digits = at + 2;
    if (digits < html.size() && (html[digits] == 'x' || html[digits] == 'X')) ++digits;
    std::size_t end = digits;
    while (end < html.size() && std::isxdigit(static_cast<unsigned char>(html[end]))) ++end;
    if (end - digits > 6) return true;
  }
  if (html.find("&lang") != std::string_view::npos || html.find("&rang") != std::string_view::npos)
    return true;
  for (std::size_t at = html.find("<!"); at != std::string_view::npos;
       at = html.find("<!", at + 2)) {
    std::string_view rest = html.substr(at + 2);
    if (!rest.starts_with("--")) return true;
  }
  return false;
}

}  // namespace newswatch::test
