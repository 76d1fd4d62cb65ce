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

  // The sink writes into a buffer kept by its thread from one text to the next, and finish()
  // copies out what it holds: allocating, for each text, a string as large as its source cost
  // more than that copy (a feed's markup is often several times its text).
  TextSink();
  ~TextSink();
  TextSink(const TextSink&) = delete;
  TextSink& operator=(const TextSink&) = delete;
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
  std::string finish();

 private:
  // Writes the space a word boundary left pending, unless nothing precedes it.
  void flush_space();
  template <Stops kMode>
  std::size_t append(std::string_view s, std::size_t from);
  std::size_t reference(std::string_view s, std::size_t at);
  std::string* const scratch_;  // the thread's buffer, or nullptr when another sink has it
  std::string own_;             // the buffer when it does
  std::string& out_;
  bool pending_space_ = false;
  // Set when a piece appended holds a character NFC may change, or bytes that are not UTF-8.
  // Each piece with a byte above 0x7F is checked as it is appended: checking the whole text
  // at the end read every byte again, for one curly quote in a page of ASCII.
  bool maybe_not_nfc_ = false;
  void check_nfc(std::string_view piece) {
    if (!maybe_not_nfc_) maybe_not_nfc_ = !is_quick_nfc(piece);
  }
};

}  // namespace newswatch
