// A Report (daemon/report.h) as text: JSON for pipelines (its schema is
// daemon/report.schema.json), Markdown for mail and chat, and one self-contained HTML page
// (no external asset, no script, a strict Content-Security-Policy) for a browser or a mail.
// Feed text is the publisher's, not ours: each renderer shows it as inert text.
#pragma once

#include <string>

#include "daemon/report.h"

namespace newswatch {

std::string report_json(const Report& report);
std::string report_markdown(const Report& report);
std::string report_html(const Report& report);

}  // namespace newswatch
