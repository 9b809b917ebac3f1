#include "tuki/core/dialog/ticket_categories.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tuki/core/dialog/lexicon.hpp"
#include "tuki/core/dialog/loader.hpp"

using namespace tuki::dialog;
namespace fs = std::filesystem;

namespace {

// Three categories: one opens a ticket in its own name, one in a named (misspelt) category, one
// opens none; the node `after` opens a ticket in a named category on entry.
const char* yaml = R"(tuki_dialog: 1
id: tickets
base_language: en
languages: [en]
start: ask
nodes:
  - id: ask
    text: "1 studies, 2 money, 3 fine"
    wait:
    cases:
      - {match: {number: 1}, category: studies}
      - {match: {number: 2}, category: money}
      - {match: {number: 3}, category: fine}
    default: {category: fine, max_hints: 0, fallback: fine}
    categories:
      studies: {next: after, actions: [{ticket: {}}]}
      money: {next: after, actions: [{ticket: {category: welbeing}}]}
      fine: {}
  - id: after
    text: "Thanks"
    actions: [{ticket: {category: other}}]
)";

std::shared_ptr<const dialog> load() {
  std::vector<diagnostic> diags;
  auto lex = load_lexicon(fs::path(TUKI_SOURCE_DIR) / "dialogs/lang", diags);
  auto d = load_dialog(yaml, "t.yaml", fold_lexicons(lex), diags);
  INFO(join(diags));
  REQUIRE(d);
  return d;
}

}  // namespace

TEST_CASE("the ticket categories a dialog opens, each where it opens it", "[dialog]") {
  auto d = load();
  std::vector<std::string> got;
  for (const auto& u : ticket_categories(*d))
    got.push_back(u.category + "@" + u.node_id + ":" + std::to_string(u.location.line));
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"other@after:19", "studies@ask:16", "welbeing@ask:17"});
}

namespace {

// A routing whose rules without conditions take `always`.
std::vector<routed_categories> routing(std::set<std::string> always, std::string name = "") {
  return {routed_categories{std::move(name), std::move(always), {}}};
}

}  // namespace

TEST_CASE("a ticket category no routing rule names is a warning, with the nearest rule",
          "[dialog]") {
  auto d = load();
  auto w = unrouted_ticket_categories(*d, routing({"studies", "wellbeing", "other", "life"}));
  REQUIRE(w.size() == 1);
  CHECK(w[0].level == diagnostic::severity::warning);
  CHECK(w[0].to_string() ==
        "t.yaml:17:7: warning: node ask: tickets of category 'welbeing' match no routing rule and "
        "go to the fallback role (did you mean 'wellbeing'?)");
  CHECK(unrouted_ticket_categories(*d, routing({"studies", "welbeing", "other"})).empty());
  // Nothing near: no suggestion.
  auto far = unrouted_ticket_categories(*d, routing({"welbeing", "other"}));
  REQUIRE(far.size() == 1);
  CHECK_THAT(far[0].message, Catch::EndsWith("go to the fallback role"));
}

TEST_CASE("a ticket category only rules with conditions take is a warning naming the first rule",
          "[dialog]") {
  auto d = load();
  routed_categories r{"", {"welbeing", "other"}, {{"studies", "routing/varia.yaml:12:5"}}};
  auto w = unrouted_ticket_categories(*d, {r});
  REQUIRE(w.size() == 1);
  CHECK(w[0].to_string() ==
        "t.yaml:16:7: warning: node ask: tickets of category 'studies' match routing rules only "
        "under their conditions (routing/varia.yaml:12:5); the others go to the fallback role");
}

TEST_CASE("with several routings a warning names the ones it is about", "[dialog]") {
  auto d = load();
  std::vector<routed_categories> routings = {
      {"institution 'varia'", {"studies", "welbeing", "other"}, {}},
      {"institution 'omnia'", {"studies", "wellbeing", "other"}, {}},
      {"institution 'taitotalo'", {"other"}, {{"studies", "t.yaml:3:5"}}},
  };
  std::vector<std::string> got;
  for (const auto& w : unrouted_ticket_categories(*d, routings)) got.push_back(w.message);
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{
                   "tickets of category 'studies' match routing rules only under their "
                   "conditions (t.yaml:3:5); the others go to the fallback role, in institution "
                   "'taitotalo'",
                   "tickets of category 'welbeing' match no routing rule and go to the fallback "
                   "role (did you mean 'wellbeing'?), in institution 'omnia' and institution "
                   "'taitotalo'",
               });
}
