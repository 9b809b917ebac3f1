// POST /v1/events: data events for schedule triggers, as `tuki events import` takes them from a
// CSV file. Authenticated with `Authorization: Bearer <api_token>` (config `api_token`; empty
// disables the endpoint). The body is a JSON array of {student_id, event, date, value}; every
// item is checked and the answer is 400 with a reason per bad item, and then nothing is stored.
// An event already stored (same student, event and date) gets the new value: sending the same
// body twice changes nothing, and the answer counts the items that were new, updated and
// unchanged.
// `?institution=ID` picks the institution when several are configured.
#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/app/async_write.hpp"
#include "tuki/app/event_import.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"
#include "tuki/core/text/url_encoding.hpp"

#include <algorithm>

#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

namespace tuki::app {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

core::http_response json_response(int status, const nlohmann::json& body) {
  core::http_response r = core::http_response::text(status, body.dump() + "\n");
  r.content_type = "application/json";
  return r;
}

nlohmann::json errors_json(std::vector<event_error> errors) {
  std::sort(errors.begin(), errors.end(),
            [](const event_error& a, const event_error& b) { return a.where < b.where; });
  auto list = nlohmann::json::array();
  for (const auto& e : errors) {
    nlohmann::json item{{"reason", e.reason}};
    if (e.where != static_cast<std::size_t>(-1)) item["index"] = e.where;
    list.push_back(item);
  }
  return {{"stored", 0}, {"errors", list}};
}

}  // namespace

void service::add_event_routes() {
  routes_.add("POST", "/v1/events", "events",
              [this](const core::http_request& req,
                     const adapters::route_params&) -> awaitable<core::http_response> {
    if (cfg_.api_token.empty())
      co_return core::http_response::text(403, "the events API is disabled (set api_token)\n");
    // The scheme name in any case ("bearer" is Bearer, RFC 9110 11.1).
    const auto token = req.credentials("Bearer");
    if (token.empty() || !adapters::secrets_equal(token, cfg_.api_token)) {
      log_warn("events_rejected", {{"remote", req.remote_address}});
      co_return core::http_response::text(401, "not authorised\n");
    }
    std::string institution;
    if (auto q = core::parse_form(req.query()))
      institution = std::string(core::form_value(*q, "institution").value_or(""));
    if (institution.empty() && cfg_.institutions.size() == 1) institution = cfg_.institutions[0].id;
    if (!cfg_.find_institution(institution))
      co_return core::http_response::text(400, "name the institution with ?institution=ID\n");
    auto errors = std::make_shared<std::vector<event_error>>();
    auto events = std::make_shared<std::vector<event_input>>(parse_events_json(req.body, *errors));
    // Items that parsed are still checked against the store, so that one answer names every
    // bad item (unknown students included); nothing is stored while any error exists.
    if (!errors->empty() && errors->front().where == static_cast<std::size_t>(-1))
      co_return json_response(400, errors_json(*errors));
    auto stored = std::make_shared<adapters::events_stored>();
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [events, errors, stored, institution](adapters::sqlite_store& s) {
      auto now = core::instant(std::chrono::duration_cast<core::duration>(
          std::chrono::system_clock::now().time_since_epoch()));
      auto n = store_events(s, institution, *events, *errors, now);
      if (!n) return n.error();
      *stored = *n;
      return core::status::ok();
    };
    auto st = co_await async_write(*writes_, std::move(st_job), asio::use_awaitable);
    if (!st) co_return core::http_response::text(503, "try again later\n");
    if (!errors->empty()) co_return json_response(400, errors_json(*errors));
    log_info("events_stored", {{"institution", institution},
                               {"events", std::to_string(events->size())},
                               {"new", std::to_string(stored->added)},
                               {"updated", std::to_string(stored->updated)}});
    // "stored": every item, as before; an item stored already is updated or left unchanged.
    co_return json_response(200, nlohmann::json{{"stored", events->size()},
                                                {"new", stored->added},
                                                {"updated", stored->updated},
                                                {"unchanged", stored->unchanged}});
  });
}

}  // namespace tuki::app
