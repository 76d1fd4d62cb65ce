#include "daemon/hook_contract.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace newswatch;

namespace {

DueAlert seizure() {
  DueAlert alert;
  alert.hook = "desk";
  alert.story_id = 7;
  alert.story_found = true;
  alert.title = "Tanker \"seized\" near Larak";
  alert.first_seen = "2026-12-06T09:00:00Z";
  alert.last_seen = "2026-12-06T10:00:00Z";
  alert.topics = {"hormuz", "irgc"};
  alert.outlets = {"a.example", "b.example"};
  alert.urls = {"https://a.example/1", "https://b.example/2"};
  alert.articles = {
      {"Tanker seized", "https://a.example/1", "a.example", "2026-12-06T08:59:00Z"},
      {"Tanker seized near Larak", "https://b.example/2", std::nullopt, std::nullopt}};
  return alert;
}

}  // namespace

TEST_CASE("a hook's JSON is one line, its keys sorted, an unknown outlet or time null") {
  CHECK(
      hook_json(seizure()) ==
      R"({"alert":"desk","articles":[{"outlet":"a.example","published":"2026-12-06T08:59:00Z",)"
      R"("title":"Tanker seized","url":"https://a.example/1"},{"outlet":null,"published":null,)"
      R"("title":"Tanker seized near Larak","url":"https://b.example/2"}],)"
      R"("first_seen":"2026-12-06T09:00:00Z","last_seen":"2026-12-06T10:00:00Z",)"
      R"("outlets":["a.example","b.example"],"story_id":7,"title":"Tanker \"seized\" near Larak",)"
      R"("topics":["hormuz","irgc"],"urls":["https://a.example/1","https://b.example/2"]})");
}

TEST_CASE("a hook's JSON leaves out the title and span of a story that was gone") {
  DueAlert gone;
  gone.hook = "desk";
  gone.story_id = 9;
  CHECK(hook_json(gone) ==
        R"({"alert":"desk","articles":[],"outlets":[],"story_id":9,"topics":[],"urls":[]})");
}

TEST_CASE("a hook's environment: its NEWSWATCH_* fields, then the daemon's without its own") {
  std::string path = "PATH=/usr/bin", own = "NEWSWATCH_CONFIG=/etc/x.toml", home = "HOME=/root";
  std::vector<char*> inherited = {path.data(), own.data(), home.data(), nullptr};
  CHECK(hook_environment(seizure(), inherited.data()) ==
        std::vector<std::string>{
            "NEWSWATCH_ALERT=desk", "NEWSWATCH_STORY_ID=7",
            "NEWSWATCH_TITLE=Tanker \"seized\" near Larak", "NEWSWATCH_TOPICS=hormuz,irgc",
            "NEWSWATCH_OUTLETS=a.example,b.example", "NEWSWATCH_URL=https://a.example/1",
            "PATH=/usr/bin", "HOME=/root"});
}

TEST_CASE("a hook's environment cuts a long value at a character, the JSON keeps it whole") {
  DueAlert alert = seizure();
  alert.title = std::string(kAlertEnvValueBytes - 4, 'x') + "éé and more";  // é: 2 bytes
  std::vector<char*> none = {nullptr};
  std::string title = hook_environment(alert, none.data())[2];
  // Room for 4093 bytes before the "…": the first é would end at byte 4094.
  CHECK(title == "NEWSWATCH_TITLE=" + std::string(kAlertEnvValueBytes - 4, 'x') + "…");
  CHECK(hook_json(alert).find(alert.title) != std::string::npos);
}
