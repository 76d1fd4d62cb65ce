#include "daemon/hook_contract.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "base/utf8.h"

namespace newswatch {
namespace {

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

// The kernel refuses a single environment string over 128 KiB (MAX_ARG_STRLEN), and such
// a title would fail its alert forever.
std::string env_value(std::string value) {
  if (value.size() <= kAlertEnvValueBytes) return value;
  value.resize(utf8_prefix_length(value, kAlertEnvValueBytes - std::strlen("…")));
  return value + "…";
}

nlohmann::json text_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

}  // namespace

std::string hook_json(const DueAlert& alert) {
  nlohmann::json j = {{"alert", alert.hook}, {"story_id", alert.story_id}};
  if (alert.story_found) {
    j["title"] = alert.title;
    j["first_seen"] = alert.first_seen;
    j["last_seen"] = alert.last_seen;
  }
  nlohmann::json articles = nlohmann::json::array();
  for (const AlertArticle& article : alert.articles) {
    articles.push_back({{"title", article.title},
                        {"url", article.url},
                        {"outlet", text_or_null(article.outlet)},
                        {"published", text_or_null(article.published)}});
  }
  j["articles"] = articles;
  j["topics"] = alert.topics;
  j["outlets"] = alert.outlets;
  j["urls"] = alert.urls;
  return j.dump();
}

std::vector<std::string> hook_environment(const DueAlert& alert, char** inherited) {
  std::vector<std::string> environment = {
      "NEWSWATCH_ALERT=" + alert.hook,
      "NEWSWATCH_STORY_ID=" + std::to_string(alert.story_id),
      "NEWSWATCH_TITLE=" + env_value(alert.title),
      "NEWSWATCH_TOPICS=" + env_value(joined(alert.topics)),
      "NEWSWATCH_OUTLETS=" + env_value(joined(alert.outlets)),
      "NEWSWATCH_URL=" + env_value(alert.urls.empty() ? std::string() : alert.urls.front())};
  for (char** e = inherited; *e; ++e) {
    if (std::strncmp(*e, "NEWSWATCH_", 10) != 0) environment.emplace_back(*e);
  }
  return environment;
}

}  // namespace newswatch
