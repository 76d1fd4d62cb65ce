// The hook contract: what an [[alert]] hook receives about a story, and nothing else decides
// it. The store finds the alerts due and reads their stories back as plain values
// (Store::due_alerts, a DueAlert each); this turns one into what its hook is given; the
// alert thread (alerts.h) runs the action with it.
//
// JSON (the stdin of an `exec` program, the body of a `webhook` POST): one object with
//   alert       the hook's name
//   story_id    the story (stories_v.story_id)
//   title, first_seen, last_seen
//               the story's title and time span, ISO-8601 UTC; absent when the story was gone
//   topics      its articles' topics, sorted, each once
//   outlets     the outlets that carried it, sorted, each once
//   urls        its articles' URLs, oldest first, each once
//   articles    oldest first, each {title, url, outlet, published}: outlet and published
//               (ISO-8601 UTC) null when unknown
// Keys are written sorted, as nlohmann::json writes an object, on one line.
//
// Environment of an `exec` program: NEWSWATCH_ALERT (the hook), NEWSWATCH_STORY_ID,
// NEWSWATCH_TITLE, NEWSWATCH_TOPICS and NEWSWATCH_OUTLETS (comma-separated), NEWSWATCH_URL
// (the first article's), each cut at kAlertEnvValueBytes; then the daemon's own environment,
// minus any NEWSWATCH_* variable of its own.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "storage/alert_ledger.h"

namespace newswatch {

// The longest value of a NEWSWATCH_* variable; longer fields are cut (at a character) there,
// ending with "…". The JSON has them whole.
inline constexpr std::size_t kAlertEnvValueBytes = 4096;

// The story as the hook's JSON.
std::string hook_json(const DueAlert& alert);

// The environment of the hook's program, as "NAME=value" strings: its NEWSWATCH_* variables,
// then `inherited` (a null-terminated list such as `environ`) without its NEWSWATCH_* ones.
std::vector<std::string> hook_environment(const DueAlert& alert, char** inherited);

}  // namespace newswatch
