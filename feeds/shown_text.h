// Feed-provided text on its way to a log line, a terminal, an HTTP header or an error message:
// whatever could act there instead of being read (a newline forging a log line, an escape
// sequence retitling or clearing a terminal, a bidi override reordering what follows, a
// password in a URL) is shown as an escape or redacted instead.
#pragma once

#include <string>
#include <string_view>

namespace newswatch {

// `text` with every character that would act on a terminal or split a line shown as an
// escape a person can read: C0 controls and DEL as \n, \r, \t or \xNN; C1 controls, bidi
// controls and the Unicode line and paragraph separators as \uNNNN; bytes that are not
// UTF-8 as \xNN. A backslash is kept as it is. Printable text, any script, is unchanged.
std::string printable(std::string_view text);

// `text` with the user information of every URL in it ("https://user:secret@host/...")
// replaced by "***": what a log line or a summary may show of a feed's address.
std::string without_credentials(std::string_view text);

// `text` with the five characters HTML and XML give a meaning escaped (& < > " '), so that it is
// text in an element or a quoted attribute value. Nothing else changes: call printable() first
// where controls and bidi overrides must be seen rather than obeyed.
std::string html_escape(std::string_view text);

// A URL reduced to its scheme and host ("https://hooks.example.com/…"): what may be shown of
// an address whose path or query may be a secret, such as a webhook's.
std::string url_origin(std::string_view url);

}  // namespace newswatch
