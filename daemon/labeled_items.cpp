// Labeled items in, feed documents out, as evaluate.py reads and writes them.
#include "daemon/labeled_items.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>

#include "feeds/dates.h"
#include "feeds/shown_text.h"

namespace newswatch {
namespace {

using json = nlohmann::json;

// The string at `key`; nullopt when it is absent or null.
Result<std::optional<std::string>> optional_string(const json& line, const char* key) {
  auto it = line.find(key);
  if (it == line.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return fail(std::string("'") + key + "' must be a string or null");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> required_string(const json& line, const char* key) {
  auto it = line.find(key);
  if (it == line.end() || !it->is_string())
    return fail(std::string("'") + key + "' must be a string");
  return it->get<std::string>();
}

// "YYYY-MM-DDTHH:MM", then whatever parse_date reads of the rest (seconds, zone).
bool is_rfc3339(const std::string& text) {
  static const std::string kShape = "dddd-dd-ddTdd:dd";
  if (text.size() < kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return false;
  }
  return parse_date(text).has_value();
}

Result<LabeledItem> labeled_item(const json& line) {
  if (!line.is_object()) return fail("not a JSON object");
  LabeledItem item;
  auto id = line.find("id");
  if (id == line.end() || !(id->is_string() || id->is_number_integer()))
    return fail("'id' must be a string or an integer");
  item.id = *id;
  for (auto [key, field] : {std::pair{"title", &item.title},
                            {"description", &item.description},
                            {"url", &item.url},
                            {"published", &item.published}}) {
    auto text = required_string(line, key);
    if (!text) return fail(text.error());
    *field = std::move(*text);
  }
  if (item.url.empty()) return fail("'url' is empty");
  if (!is_rfc3339(item.published))
    return fail("'published' is not an RFC 3339 date: '" + item.published + "'");
  item.published_at = *parse_date(item.published);
  auto relevant = line.find("relevant");
  if (relevant == line.end() || !relevant->is_boolean())
    return fail("'relevant' must be true or false");
  item.relevant = relevant->get<bool>();
  auto story = line.find("story_id");
  if (story == line.end()) return fail("'story_id' is missing (null is a story of its own)");
  item.story_id = *story;
  if (auto topics = line.find("topics"); topics != line.end() && !topics->is_null()) {
    if (!topics->is_array()) return fail("'topics' must be a list of strings");
    for (const auto& topic : *topics) {
      if (!topic.is_string()) return fail("'topics' must be a list of strings");
      item.topics.push_back(topic.get<std::string>());
    }
  }
  auto outlet = optional_string(line, "outlet");
  auto same_article = optional_string(line, "same_article");
  auto lang = optional_string(line, "lang");
  for (const auto* field : {&outlet, &same_article, &lang})
    if (!*field) return fail(field->error());
  // As evaluate.py reads them: `it.get("outlet") or "unknown"`, `if it.get("same_article")`.
  item.outlet = outlet->value_or("");
  if (item.outlet.empty()) item.outlet = "unknown";
  if (*same_article && !(*same_article)->empty()) item.same_article = **same_article;
  item.lang = *lang;
  return item;
}

// The feed documents of evaluate.py: slug(), xml_text(), html.escape(), cdata().
std::string slug(std::string_view text) {
  std::string out;
  bool gap = false;
  for (char c : text) {
    c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (gap && !out.empty()) out += '-';
      out += c;
      gap = false;
    } else {
      gap = true;
    }
  }
  return out.empty() ? "outlet" : out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_letter(c) || is_digit(c); }

// Whether a reference starts at text[at] ('&'), as evaluate.py's BARE_AMP sees one:
// `&#\d+;`, `&#x[0-9a-fA-F]+;` or `&[A-Za-z][A-Za-z0-9]*;`.
bool reference_at(std::string_view text, std::size_t at) {
  std::string_view rest = text.substr(at + 1);
  bool (*accepts)(char) = is_alnum;  // after a name's first letter, which is checked here
  std::size_t start = 1, least = 0;
  if (rest.starts_with("#x")) {
    accepts = is_hex, start = 2, least = 1;
  } else if (rest.starts_with("#")) {
    accepts = is_digit, least = 1;
  } else if (rest.empty() || !is_letter(rest[0])) {
    return false;
  }
  std::size_t end = start;
  while (end < rest.size() && accepts(rest[end])) ++end;
  return end - start >= least && end < rest.size() && rest[end] == ';';
}

std::string xml_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<') {
      out += "&lt;";
    } else if (text[i] == '>') {
      out += "&gt;";
    } else if (text[i] == '&' && !reference_at(text, i)) {
      out += "&amp;";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string cdata(std::string_view text) {
  std::string out = "<![CDATA[";
  for (std::size_t at = 0, end; at <= text.size(); at = end + 3) {
    end = std::min(text.find("]]>", at), text.size());
    out.append(text.substr(at, end - at));
    if (end < text.size()) out += "]]]]><![CDATA[>";
  }
  return out + "]]>";
}

// email.utils.format_datetime() of a UTC time: "Tue, 20 Jan 2026 06:21:00 +0000".
std::string rfc822(UnixSeconds t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t time = static_cast<std::time_t>(t);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02d %s %d %02d:%02d:%02d +0000", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return out;
}

using Outlet = std::vector<const LabeledItem*>;

std::string rss_feed(const std::string& outlet, const Outlet& items) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>";
  out +=
      "<title>" + xml_text(outlet) + "</title><link>https://" + slug(outlet) + ".example/</link>";
  out += "<description>news</description>";
  for (const LabeledItem* it : items) {
    out += "<item><title>" + xml_text(it->title) + "</title><link>" + html_escape(it->url) +
           "</link><guid isPermaLink=\"true\">" + html_escape(it->url) + "</guid><pubDate>" +
           rfc822(it->published_at) + "</pubDate><description>" + cdata(it->description) +
           "</description></item>";
  }
  return out + "</channel></rss>\n";
}

std::string atom_feed(const std::string& outlet, const Outlet& items) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">";
  out += "<title>" + xml_text(outlet) + "</title><id>urn:outlet:" + slug(outlet) + "</id>";
  out += "<updated>" + items.back()->published + "</updated>";
  for (const LabeledItem* it : items) {
    out += "<entry><title type=\"html\">" + html_escape(it->title) +
           "</title><link rel=\"alternate\" href=\"" + html_escape(it->url) + "\"/><id>" +
           html_escape(it->url) + "</id><published>" + it->published + "</published><updated>" +
           it->published + "</updated><summary type=\"html\">" + html_escape(it->description) +
           "</summary></entry>";
  }
  return out + "</feed>\n";
}

}  // namespace

Result<std::vector<LabeledItem>> read_labeled_items(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(path + ": cannot open file");
  std::vector<LabeledItem> items;
  std::map<std::string, int> line_of_id;
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = path + ":" + std::to_string(number) + ": ";
    json parsed = json::parse(line, nullptr, false);
    if (parsed.is_discarded()) return fail(where + "not valid JSON");
    auto item = labeled_item(parsed);
    if (!item) return fail(where + item.error().message);
    auto [seen, fresh] = line_of_id.emplace(item->id.dump(), number);
    if (!fresh)
      return fail(where + "id " + item->id.dump() + " is also on line " +
                  std::to_string(seen->second));
    items.push_back(std::move(*item));
  }
  if (file.bad()) return fail(path + ": cannot read file");
  if (items.empty()) return fail(path + ": no items");
  return items;
}

std::vector<OutletFeed> outlet_feeds(const std::vector<LabeledItem>& items) {
  std::map<std::string, Outlet> outlets;
  for (const auto& item : items) outlets[item.outlet].push_back(&item);
  std::vector<OutletFeed> feeds;
  for (auto& [outlet, members] : outlets) {
    std::stable_sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
      return a->published_at < b->published_at;
    });
    std::size_t n = feeds.size();
    feeds.push_back({slug(outlet) + "-" + std::to_string(n), outlet,
                     n % 2 == 0 ? rss_feed(outlet, members) : atom_feed(outlet, members)});
  }
  return feeds;
}

}  // namespace newswatch
