// The oracle for html_to_text: gumbo, a full HTML5 parser (too slow for the pipeline, which
// is why feeds/text.cpp has its own tokenizer), with the plain-text rules of the parse
// contract applied to its tree.
#pragma once

#include <gumbo.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "feeds/text.h"

namespace newswatch::test {

inline bool oracle_dropped(std::string_view tag) {
  static constexpr std::string_view kDropped[] = {"script", "style", "noscript", "template",
                                                  "applet", "head",  "title"};
  return std::find(std::begin(kDropped), std::end(kDropped), tag) != std::end(kDropped);
}

inline bool oracle_block(std::string_view tag) {
  static constexpr std::string_view kBlocks[] = {
      "address", "article", "aside", "blockquote", "br",         "caption", "dd",     "details",
      "dialog",  "div",     "dl",    "dt",         "figcaption", "figure",  "footer", "form",
      "h1",      "h2",      "h3",    "h4",         "h5",         "h6",      "header", "hr",
      "img",     "li",      "main",  "nav",        "ol",         "p",       "pre",    "section",
      "summary", "table",   "td",    "th",         "tr",         "ul"};
  return std::find(std::begin(kBlocks), std::end(kBlocks), tag) != std::end(kBlocks);
}

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

// Inputs where html_to_text departs from HTML5 on purpose: CDATA sections and "<!" that
// opens no comment or DOCTYPE are kept as text (feeds double-wrap CDATA; the conformance
// suite expects "<!'" as text), where a browser would drop them as bogus comments; &lang;
// and &rang; keep their HTML 4 code points, which feeds were written against.
inline bool has_intended_difference(std::string_view html) {
  if (html.find("&lang") != std::string_view::npos || html.find("&rang") != std::string_view::npos)
    return true;
  for (std::size_t at = html.find("<!"); at != std::string_view::npos;
       at = html.find("<!", at + 2)) {
    std::string_view rest = html.substr(at + 2);
    if (!rest.starts_with("--")) return true;
  }
  return html.find("</ ") != std::string_view::npos;
}

}  // namespace newswatch::test
