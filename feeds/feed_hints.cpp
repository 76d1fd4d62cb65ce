#include "feeds/feed_hints.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "feeds/excerpt.h"
#include "feeds/text.h"
#include "feeds/xml_nodes.h"

namespace newswatch {
namespace {

// The whole number from 0 to `max` that a hint's element holds. Anything else is no hint, and
// says so in a warning; an empty element is merely no hint.
std::optional<std::int64_t> hint_number(const pugi::xml_node& node, std::int64_t max,
                                        std::vector<std::string>& warnings) {
  if (!node) return std::nullopt;
  std::string text = plain_text(node.child_value());
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && value >= 0 && value <= max)
    return value;
  // Appended rather than added up: GCC 12's -Wrestrict misfires on the sum.
  std::string warning = "<";
  warning.append(excerpt(node.name())).append("> ignored, not a whole number from 0 to ");
  warning.append(std::to_string(max)).append(": '").append(excerpt(text)).append("'");
  warnings.push_back(std::move(warning));
  return std::nullopt;
}

// The first element of each name that holds a hint, found in one pass over the channel's
// children (the items among them: looking each name up in turn read them all five times).
struct HintElements {
  pugi::xml_node ttl, update_period, update_frequency, skip_hours, skip_days;

  explicit HintElements(const pugi::xml_node& channel) {
    for (auto child : channel.children()) {
      if (child.type() != pugi::node_element) continue;
      std::string_view name = local_name(child);
      pugi::xml_node* slot = name == "ttl"               ? &ttl
                             : name == "updatePeriod"    ? &update_period
                             : name == "updateFrequency" ? &update_frequency
                             : name == "skipHours"       ? &skip_hours
                             : name == "skipDays"        ? &skip_days
                                                         : nullptr;
      if (slot && !*slot) *slot = child;
    }
  }
};

}  // namespace

FeedHints hints_of(const pugi::xml_node& channel, std::vector<std::string>& warnings) {
  FeedHints hints;
  HintElements found(channel);
  if (auto ttl = hint_number(found.ttl, 999'999, warnings); ttl && *ttl > 0)
    hints.ttl_seconds = *ttl * 60;
  if (auto period = found.update_period) {
    static constexpr std::pair<std::string_view, std::int64_t> kPeriods[] = {
        {"hourly", 3600},
        {"daily", 86400},
        {"weekly", 7 * 86400},
        {"monthly", 30 * 86400},
        {"yearly", 365 * 86400}};
    std::string name = plain_text(period.child_value());
    for (const auto& [label, seconds] : kPeriods) {
      if (name == label) {
        auto frequency = hint_number(found.update_frequency, seconds, warnings).value_or(1);
        hints.update_period_seconds = seconds / std::max<std::int64_t>(frequency, 1);
      }
    }
  }
  for (auto hour : found.skip_hours.children()) {
    if (hour.type() != pugi::node_element) continue;
    if (auto value = hint_number(hour, 24, warnings))
      hints.skip_hours.push_back(static_cast<int>(*value % 24));
  }
  static constexpr std::string_view kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                               "Thursday", "Friday", "Saturday"};
  for (auto day : found.skip_days.children()) {
    std::string name = plain_text(day.child_value());
    for (int d = 0; d < 7; ++d) {
      if (name == kDays[d]) hints.skip_days.push_back(d);
    }
  }
  return hints;
}

}  // namespace newswatch
