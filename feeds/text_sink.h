// Where the text of a field is written, whatever it was read from (an HTML fragment, an XML
// text node, a feed's plain text): whitespace is collapsed to one space between words and
// none at the ends, every control character becomes U+FFFD (feeds/text.h says which and why),
// and the result is NFC. html_to_text(), clean_text() and plain_text() each write through one.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "feeds/nfc.h"

namespace newswatch {

// Collapses whitespace as text is appended: one space between words, none at the ends.
class TextSink {
 public:
  // Where a run of bytes copied as they are ends, besides spaces and controls: nowhere else
  // (decoded text), at '&' (references still encoded), at '&' and '<' (an HTML fragment).
  enum class Stops { kDecoded, kReferences, kMarkup };

  TextSink() = default;
  // A sink for text read from `bytes` of input: the text is rarely longer than its source,
  // and growing the string as it is written cost a copy at each doubling.
  explicit TextSink(std::size_t bytes) { out_.reserve(bytes); }
  // Appends text that is already decoded.
  void text(std::string_view s);
  // Appends text in which character references are still encoded.
  void characters(std::string_view s);
  // Appends the text of an HTML fragment from html[from] on, references decoded, up to the
  // next '<' (markup or not: the caller says); returns where it is, or html.size().
  std::size_t characters_before_markup(std::string_view html, std::size_t from);
  // Separates what was appended from what will be, as a space would (a block's edge).
  void space() { pending_space_ = true; }
  // The text appended, NFC; the sink is spent.
  std::string finish() {
    if (non_ascii_ && !is_quick_nfc(out_)) return to_nfc(out_);
    // What the reserve left unused, when it is most of the string (markup with little text).
    if (out_.capacity() > 2 * out_.size() + 64) out_.shrink_to_fit();
    return std::move(out_);
  }

 private:
  // Writes the space a word boundary left pending, unless nothing precedes it.
  void flush_space();
  template <Stops kMode>
  std::size_t append(std::string_view s, std::size_t from);
  std::size_t reference(std::string_view s, std::size_t at);
  std::string out_;
  bool pending_space_ = false;
  bool non_ascii_ = false;  // ASCII text is NFC: no need to check
};

}  // namespace newswatch
