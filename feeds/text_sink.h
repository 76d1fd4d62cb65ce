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
  // Appends text that is already decoded.
  void text(std::string_view s);
  // Appends text in which character references are still encoded.
  void characters(std::string_view s);
  // Separates what was appended from what will be, as a space would (a block's edge).
  void space() { pending_space_ = true; }
  // The text appended, NFC; the sink is spent.
  std::string finish() {
    if (!non_ascii_ || is_quick_nfc(out_)) return std::move(out_);
    return to_nfc(out_);
  }

 private:
  // Writes the space a word boundary left pending, unless nothing precedes it.
  void flush_space();
  std::string out_;
  bool pending_space_ = false;
  bool non_ascii_ = false;  // ASCII text is NFC: no need to check
};

}  // namespace newswatch
