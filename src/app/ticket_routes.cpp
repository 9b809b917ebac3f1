// Staff actions on tickets (io thread handlers; the work runs in write_queue jobs):
//   GET  /t/{ticket_id}/{action}?by=..&exp=..&n=..[&role=..]&sig=..   the signed link in emails
//   POST /t/{ticket_id}/{action}?...                                    the confirmation form
//   POST /v1/tickets/{ticket_id}/{action}?...                           the same, JSON answer
// Mail scanners fetch links, so GET acts only for `acknowledge` (idempotent, and what the
// student waits for); resolve, reassign and not_mine answer GET with a confirmation page whose
// button POSTs the same signed URL, and which says what the action will do
// (ticket_desk::confirm: "not mine" on a shared ticket leaves it to the others). Answers: 200
// done, 400 tampered, 403 not the assignee, 404 unknown ticket, 409 not allowed now, 410 expired
// or already used, 422 unknown role.
#include "tuki/app/async_write.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/read_queue.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/text/html_escape.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

namespace tuki::app {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

using core::html_escape;

core::http_response page(int status, const std::string& title, const std::string& body_html) {
  core::http_response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body =
      "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\">"
      "<meta name=\"robots\" content=\"noindex\"><title>tuki: " +
      html_escape(title) + "</title></head>\n<body><h1>" + html_escape(title) + "</h1>\n" +
      body_html + "\n</body></html>\n";
  r.headers.push_back({"Cache-Control", "no-store"});
  r.headers.push_back({"Referrer-Policy", "no-referrer"});
  return r;
}

core::http_response outcome_page(const ticket_action_outcome& o) {
  std::string title = o.http_status == 200 ? "Done" : "Not done";
  return page(o.http_status, title, "<p>" + html_escape(o.message) + "</p>");
}

}  // namespace

void service::add_ticket_routes() {
  // Runs a signed action in a write job; `target` is /t/{id}/{action}?query.
  // `target` must be a named local of the caller (no temporaries in co_await with GCC 12).
  auto act = [this](const std::string& target) -> awaitable<core::result<ticket_action_outcome>> {
    auto out = std::make_shared<ticket_action_outcome>();
    auto t = std::make_shared<std::string>(target);
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [this, out, t](adapters::sqlite_store& s) {
      auto r = conversation_->desk().act(s, *conversation_->library(), *t, wall_now());
      if (!r) return r.error();
      *out = *r;
      return core::status::ok();
    };
    auto st = co_await async_write(*writes_, std::move(st_job), use_awaitable);
    if (!st) co_return st;
    log_info("ticket_action", {{"ticket_id", out->ticket_id},
                               {"action", out->action},
                               {"status", std::to_string(out->http_status)}});
    if (out->sms_queued) wake_outbox();
    co_return *out;
  };

  // The confirmation page of a single-use action: reads the ticket (on the read connection when
  // there is one) so that the page can say what the action will do.
  auto confirm =
      [this](const std::string& target) -> awaitable<core::result<ticket_action_outcome>> {
    auto out = std::make_shared<ticket_action_outcome>();
    auto t = std::make_shared<std::string>(target);
    read_queue::job job = [this, out, t](adapters::sqlite_store& s) {
      auto r = conversation_->desk().confirm(s, *t, wall_now());
      if (!r) return r.error();
      *out = *r;
      return core::status::ok();
    };
    core::status st;
    if (reads_)
      st = co_await async_read(*reads_, std::move(job), use_awaitable);
    else  // an in-memory store has no second connection
      st = co_await async_write(*writes_, std::move(job), use_awaitable);
    if (!st) co_return st;
    co_return *out;
  };

  // The "open the ticket" link of staff messages. The staff inbox is later work; until then the
  // page says how to act, and shows nothing about the ticket: ids are guessable and this page
  // has no authentication, so it must not disclose anything about a student.
  routes_.add("GET", "/t/{ticket_id}", "ticket_page",
              [](const core::http_request&,
                 const adapters::route_params& p) -> awaitable<core::http_response> {
                co_return page(200, "Ticket " + p.at("ticket_id"),
                               "<p>Use the links in the message you received to acknowledge, "
                               "resolve or pass on this ticket. The staff inbox is not available "
                               "yet.</p>");
              });
  routes_.add("GET", "/t/{ticket_id}/{action}", "ticket_link",
              [act, confirm](const core::http_request& req,
                             const adapters::route_params& p) -> awaitable<core::http_response> {
                const std::string target = req.target;
                if (p.at("action") != "acknowledge") {
                  auto c = co_await confirm(target);
                  if (!c) co_return core::http_response::text(503, "try again later\n");
                  if (c->http_status != 200) co_return outcome_page(*c);
                  const std::string what =
                      c->message.empty() ? "" : "<p>" + html_escape(c->message) + "</p>\n";
                  co_return page(200, "Ticket " + c->ticket_id,
                                 what + "<form method=\"post\" action=\"" + html_escape(target) +
                                     "\"><button type=\"submit\">" + html_escape(c->button) +
                                     "</button></form>");
                }
                auto r = co_await act(target);
                if (!r) co_return core::http_response::text(503, "try again later\n");
                co_return outcome_page(*r);
              });
  routes_.add("POST", "/t/{ticket_id}/{action}", "ticket_link",
              [act](const core::http_request& req,
                    const adapters::route_params&) -> awaitable<core::http_response> {
                const std::string target = req.target;
                auto r = co_await act(target);
                if (!r) co_return core::http_response::text(503, "try again later\n");
                co_return outcome_page(*r);
              });
  routes_.add(
      "POST", "/v1/tickets/{ticket_id}/{action}", "ticket_api",
      [act](const core::http_request& req,
            const adapters::route_params& p) -> awaitable<core::http_response> {
        // For now the API accepts the link's signed parameters; a token scheme is later.
        const std::string target =
            "/t/" + p.at("ticket_id") + "/" + p.at("action") + "?" + std::string(req.query());
        auto r = co_await act(target);
        if (!r) co_return core::http_response::text(503, "try again later\n");
        nlohmann::json body{{"ticket_id", r->ticket_id},   {"action", r->action},
                            {"ok", r->http_status == 200}, {"status", r->ticket_status},
                            {"message", r->message},       {"student_notified", r->sms_queued}};
        core::http_response resp;
        resp.status = r->http_status;
        resp.content_type = "application/json";
        resp.body = body.dump() + "\n";
        co_return resp;
      });
}

}  // namespace tuki::app
