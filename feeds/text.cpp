// A small HTML tokenizer with just the states that matter for text: data, tags with their
// attributes, comments and declarations, raw-text elements, character references. Its steps
// are in feeds/html_tokens.h, what it knows of elements in feeds/html_elements.h and
// feeds/open_blocks.h, and the text goes to a TextSink (feeds/text_sink.h): this file walks
// the markup and says which bytes are text.
#include "feeds/text.h"

#include <cstdint>
#include <optional>
#include <string>

#include "feeds/ascii.h"
#include "feeds/character_references.h"
#include "feeds/html_elements.h"
#include "feeds/html_tokens.h"
#include "feeds/open_blocks.h"
#include "feeds/text_sink.h"

namespace newswatch {
namespace {

// A tag's name as html_to_text() compares it: lower case, and packed for tag_kind().
struct TagName {
  std::string name;
  PackedName key;
  std::size_t end;  // where the name ends in the markup
};

// The name of the tag that begins at html[start], its first letter.
TagName read_tag_name(std::string_view html, std::size_t start) {
  TagName tag{{}, {}, start};
  while (tag.end < html.size() && !is_html_space(html[tag.end]) && html[tag.end] != '/' &&
         html[tag.end] != '>') {
    char c = ascii_lower(html[tag.end]);
    if (tag.name.size() < 8)  // the key is built as the name is read
      tag.key.bytes |= std::uint64_t{static_cast<unsigned char>(c)} << (8 * tag.name.size());
    tag.name.push_back(c);
    ++tag.end;
  }
  tag.key.size = tag.name.size();
  return tag;
}

// Where a textarea's text begins, its start tag ending at html[i]: a newline right after the
// start tag is not part of the text, even written "&#10;" (HTML5).
std::size_t skip_leading_newline(std::string_view html, std::size_t i) {
  if (html.substr(i, 2) == "\r\n") return i + 2;
  if (i < html.size() && (html[i] == '\n' || html[i] == '\r')) return i + 1;
  std::size_t after_reference = i;
  std::string first;
  if (i < html.size() && html[i] == '&' && decode_reference(html, after_reference, first) &&
      first == "\n")
    return after_reference;
  return i;
}

// One reading of a fragment, from its first byte to its last: the sink takes the text up to
// each '<', the reader the markup after it, and keeps the blocks open.
class HtmlReader {
 public:
  HtmlReader(std::string_view html, HtmlTextNotes* notes) : html_(html), notes_(notes) {}

  std::string read() {
    std::size_t i = 0;
    while ((i = sink_.characters_before_markup(html_, i)) < html_.size()) {
      std::optional<std::size_t> end = i + 1 < html_.size() ? markup(i) : std::nullopt;
      if (end) {
        i = *end;
      } else {
        sink_.text("<");  // a '<' that opens no tag is text
        ++i;
      }
    }
    return sink_.finish();
  }

 private:
  // Reads the markup that begins at html_[at] ('<'); returns where the text after it
  // begins, or nullopt when the '<' begins no markup and is text.
  std::optional<std::size_t> markup(std::size_t at) {
    char next = html_[at + 1];
    if ((next == '!' && opens_declaration(html_.substr(at + 2))) || next == '?') {
      return declaration(at);
    }
    bool closing = next == '/';
    std::size_t name_start = at + (closing ? 2 : 1);
    if (name_start >= html_.size()) return std::nullopt;
    if (!is_ascii_alpha(html_[name_start])) {
      if (!closing) return std::nullopt;
      // "</>" is nothing; "</" before anything else but a letter opens a bogus comment that
      // ends at the next '>' (HTML5 tokenizer, end tag open state).
      std::size_t end = html_.find('>', name_start);
      return end == std::string_view::npos ? html_.size() : end + 1;
    }
    return tag(name_start, closing);
  }

  // A comment, CDATA section, DOCTYPE or processing instruction at html_[at].
  std::size_t declaration(std::size_t at) {
    if (html_.substr(at, 4) == "<!--") {
      std::size_t end = comment_end(html_, at);
      if (notes_ && end == html_.size() && !html_.ends_with("-->") && !html_.ends_with("--!>") &&
          html_.find_first_not_of(" \t\n\r\f", at + 4) != std::string_view::npos)
        notes_->unclosed_comment_hid_text = true;
      return end;
    }
    if (html_.substr(at, 9) == "<![CDATA[") {
      std::size_t end = html_.find("]]>", at + 9);
      std::size_t stop = end == std::string_view::npos ? html_.size() : end;
      sink_.text(html_.substr(at + 9, stop - (at + 9)));
      return end == std::string_view::npos ? html_.size() : end + 3;
    }
    // A DOCTYPE or processing instruction. A DOCTYPE never closed is text (feedparser and
    // the conformance suite read "<!DOCTYPE" in a description that way).
    std::size_t end = html_.find('>', at);
    if (end != std::string_view::npos) return end + 1;
    if (html_[at + 1] == '!') sink_.characters(html_.substr(at));
    return html_.size();
  }

  // The tag whose name begins at html_[name_start], then, for a start tag, the element's
  // contents when they are not markup.
  std::size_t tag(std::size_t name_start, bool closing) {
    TagName tag = read_tag_name(html_, name_start);
    std::size_t end = skip_tag_rest(html_, tag.end);
    const TagKind& kind = tag_kind(tag.name, tag.key);
    if (kind.block != kNotBlock) {
      if (closing ? blocks_.end(tag.name, kind.block) : blocks_.start(tag.name, kind.block))
        sink_.space();
    } else if (closing) {
      blocks_.end_inline(tag.name);
    } else if (!kind.opens_no_element) {
      blocks_.start_inline(tag.name);
    }
    return closing ? end : contents(kind, tag.name, end);
  }

  // The contents of the element `name`, whose start tag ends at html_[from]: left to be read
  // as markup, dropped, or written as the text they are. Returns where the markup goes on.
  std::size_t contents(const TagKind& kind, std::string_view name, std::size_t from) {
    bool tag_closed = html_[from - 1] == '>';
    switch (kind.contents) {
      case Contents::kMarkup:
        return from;
      case Contents::kDropped:
        if (!tag_closed || html_[from - 2] == '/') return from;  // <script/> holds nothing
        sink_.space();
        return raw_text(html_, name, from).end;
      case Contents::kPlainText:
        sink_.text(html_.substr(from));  // HTML5: the rest is text, end tags included
        return html_.size();
      case Contents::kRawText: {
        // RAWTEXT shown as it is: up to </xmp> markup and references are text.
        if (!tag_closed) return from;
        if (blocks_.close_paragraph()) sink_.space();
        RawText raw = raw_text(html_, name, from);
        sink_.text(raw.text);
        return raw.end;
      }
      case Contents::kEscapableRawText: {
        // RCDATA (HTML5): up to </textarea> everything is text, markup included; only
        // character references are read.
        if (!tag_closed) return from;
        RawText raw = raw_text(html_, name, skip_leading_newline(html_, from));
        sink_.characters(raw.text);
        return raw.end;
      }
    }
    return from;
  }

  const std::string_view html_;
  HtmlTextNotes* const notes_;
  TextSink sink_;
  OpenBlocks blocks_;
};

}  // namespace

std::string html_to_text(std::string_view html) { return html_to_text(html, nullptr); }

std::string html_to_text(std::string_view html, HtmlTextNotes* notes) {
  return HtmlReader(html, notes).read();
}

std::string plain_text(std::string_view text) {
  TextSink sink;
  sink.text(text);
  return sink.finish();
}

std::string clean_text(std::string_view text) {
  TextSink sink;
  sink.characters(text);
  return sink.finish();
}

}  // namespace newswatch
