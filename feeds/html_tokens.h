// The steps of HTML5's tokenizer that html_to_text() takes without building tokens: past a
// tag's attributes, past a comment, into a declaration, through the text of a raw-text element
// to its end tag. Each takes the markup and a position in it, and returns a position or a
// view into the markup.
#pragma once

#include <cstddef>
#include <string_view>

namespace newswatch {

// Skips from just after a tag name to just past the tag's closing '>' (the end of `html` when
// there is none), following the HTML5 tokenizer's attribute states: a quote opens a value only
// where a value may begin (after "name=", spaces allowed), so "b== 'x" is the value "=" and a
// name "'x", as in browsers.
std::size_t skip_tag_rest(std::string_view html, std::size_t i);

// Just past the comment that starts at html[at] ("<!--"), or the end of `html` when it is
// never closed: HTML5 also ends one at once in "<!-->" and "<!--->", and at "--!>".
std::size_t comment_end(std::string_view html, std::size_t at);

// Whether the markup after "<!" opens a comment, CDATA or a DOCTYPE. Anything else ("<!'") is
// text to a reader.
bool opens_declaration(std::string_view rest);

// The text of a raw-text element, and where the markup goes on after it.
struct RawText {
  std::string_view text;
  std::size_t end;  // just past the end tag, or the end of the markup
};

// The contents of the element `name` (lower case) whose start tag ends at html[from]: the text
// up to its end tag, "</name" in any case followed by a space, '/' or '>' ("</scripts>" does
// not end a script), or up to the end of `html` when there is none. A script ends as HTML5's
// script data states say: after "<!--" a "<script" starts a nested (double-escaped) script
// whose "</script>" does not end the outer one, and "-->" leaves the escape (old pages wrap
// document.write() so).
RawText raw_text(std::string_view html, std::string_view name, std::size_t from);

}  // namespace newswatch
