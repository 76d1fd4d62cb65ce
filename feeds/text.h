// HTML and XML text as readers see it: tags removed, references decoded, whitespace collapsed,
// Unicode NFC. One streaming pass, no tree: building a DOM per item would be the pipeline's
// bottleneck.
//
// The text these functions return holds no control character: tab, LF, CR, FF and NEL
// (U+0085) are whitespace; NUL, the other C0 controls, DEL and the C1 controls U+0080-U+009F
// each become U+FFFD, however they were written (raw, as a reference, decoded from base64 or
// JSON). Stored text is shown as it is (sqlite3 on a terminal), and these act on terminals.
// Format characters (bidi marks, ZWJ) are text and kept.
//
// Nor does it hold more than 30 combining marks in a row: a longer run (Zalgo text) gets a
// COMBINING GRAPHEME JOINER after every 30 (feeds/nfc.h), so that no normaliser takes
// quadratic time.
#pragma once

#include <string>
#include <string_view>

namespace newswatch {

// Turns an HTML fragment into plain text: the contents of script, style, noscript, template,
// applet and title are dropped (feeds/html_elements.h); block elements separate words;
// character references are decoded; whitespace is collapsed and trimmed; the result is NFC.
std::string html_to_text(std::string_view html);

// What html_to_text() left out that a reader may have meant as text.
struct HtmlTextNotes {
  // A comment never closed ("a <!-- b") hides everything after it; HTML5 reads it so, but a
  // title cut short that way is worth a warning.
  bool unclosed_comment_hid_text = false;
};

// html_to_text(), noting in `notes` (when not null) what it left out.
std::string html_to_text(std::string_view html, HtmlTextNotes* notes);

// Plain text from a field that is not HTML: references decoded (a feed may still use HTML
// named entities), whitespace collapsed and trimmed, NFC.
std::string clean_text(std::string_view text);

// Text that is already decoded (an XML text node): whitespace collapsed and trimmed, NFC.
std::string plain_text(std::string_view text);

}  // namespace newswatch
