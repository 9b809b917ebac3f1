// Staff actions on tickets (io thread handlers; the work runs in write_queue jobs):
//   GET  /t/{ticket_id}[?lang=..]                                       the ticket page
//   GET  /t/{ticket_id}/{action}?by=..&exp=..&n=..[&role=..]&sig=..   the signed link in emails
//   POST /t/{ticket_id}/{action}?...                                    the confirmation form
//   POST /v1/tickets/{ticket_id}/{action}?...                           the same, JSON answer
// Mail scanners (Safe Links, Proofpoint, link previews) fetch links before anyone reads them, so
// GET never acts, for any action: it answers with a confirmation page whose one button POSTs the
// same signed URL, and which says what the action will do (ticket_desk::confirm: "not mine" on
// a shared ticket leaves it to the others). Acknowledge too: a scanner's acknowledge would stop
// the reminders and escalation of a ticket nobody read and tell the student it was. Answers: 200
// done, 400 tampered, 403 not the assignee, 404 unknown ticket, 409 not allowed now, 410 expired
// or already used, 422 unknown role.
// Every text of these pages is in the language of the email the link came in (its signed `lang`
// parameter), else the browser's Accept-Language, else the institution's default language,
// else English: routing::action_page_language, worded by routing/action_page_wording. Roles are
// shown by their names in that language (ticket_desk::message); only a role without a name
// (such as one nobody configures, echoed as the link has it) shows its id. Every text is
// HTML-escaped.
#include "tuki/app/async_write.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/read_queue.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/routing/action_link.hpp"
#include "tuki/core/routing/action_page_wording.hpp"
#include "tuki/core/text/html_escape.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

namespace tuki::app {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

using core::html_escape;

// `language` is one of action_page_language's ("fi", "sv", "en").
core::http_response page(int status, std::string_view language, const std::string& title,
                         const std::string& body_html) {
  core::http_response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html>\n<html lang=\"" + std::string(language) +
           "\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width\">"
           "<meta name=\"robots\" content=\"noindex\"><title>tuki: " +
           html_escape(title) + "</title></head>\n<body><h1>" + html_escape(title) + "</h1>\n" +
           body_html + "\n</body></html>\n";
  r.headers.push_back({"Content-Language", std::string(language)});
  r.headers.push_back({"Cache-Control", "no-store"});
  r.headers.push_back({"Referrer-Policy", "no-referrer"});
  return r;
}

std::string_view accept_language(const core::http_request& req) {
  return req.header("Accept-Language");
}

// The language of the page about `o` (routing::action_page_language).
std::string_view language_of(const ticket_action_outcome& o, const core::http_request& req) {
  return routing::action_page_language(o.link_language, accept_language(req),
                                       o.institution_language);
}

// `desk` words the message: it names roles (role_names) in the page's language.
core::http_response outcome_page(const ticket_desk& desk, const ticket_action_outcome& o,
                                 const core::http_request& req) {
  const std::string_view language = language_of(o, req);
  const auto chrome = routing::word_action_page_chrome(o.ticket_id, language);
  return page(o.http_status, language,
              o.http_status == 200 ? chrome.title_done : chrome.title_not_done,
              "<p>" + html_escape(desk.message(o, language)) + "</p>");
}

// 503 when the store did not answer: no outcome, so only the link's (unverified) lang and the
// browser choose the language.
core::http_response try_again_later(const core::http_request& req) {
  const std::string_view language = routing::action_page_language(
      routing::unverified_link_language(req.target), accept_language(req), "");
  auto r = core::http_response::text(
      503, routing::word_action_page_chrome("", language).try_again_later + "\n");
  r.headers.push_back({"Content-Language", std::string(language)});
  return r;
}

}  // namespace

void service::add_ticket_routes() {
  // The routes word their pages with the desk (role names). It is immutable after construction,
  // so the io thread may read it, and the service owns it as long as its routes: the lambdas
  // capture the desk itself by reference.
  const ticket_desk& desk = conversation_->desk();
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
  // Its language: the link's `lang` (the email's language: /t/{id}?lang=fi), else the browser's,
  // else English (no ticket lookup here). Unlike the action links' lang, this one is not signed,
  // and need not be: the page grants nothing and says nothing about the ticket, so a changed
  // lang can only choose another of the staff wordings. It is taken only as tuki writes it (fi,
  // sv or en; unverified_link_language and action_page_language); anything else, and links of
  // older emails without it, fall back to Accept-Language.
  // It changes nothing, so it answers HEAD too; the action links below do not (405): acknowledge
  // acts on GET, and a link previewer may send HEAD (router.hpp).
  routes_.add({"GET", "HEAD"}, "/t/{ticket_id}", "ticket_page",
              [](const core::http_request& req,
                 const adapters::route_params& p) -> awaitable<core::http_response> {
                const auto language = routing::action_page_language(
                    routing::unverified_link_language(req.target), accept_language(req), "");
                const auto chrome = routing::word_action_page_chrome(p.at("ticket_id"), language);
                co_return page(200, language, chrome.title_ticket,
                               "<p>" + html_escape(chrome.ticket_page) + "</p>");
              });
  // Acts on nothing: reads the ticket only, whatever the action.
  routes_.add(
      "GET", "/t/{ticket_id}/{action}", "ticket_link",
      [confirm, &desk](const core::http_request& req,
                       const adapters::route_params&) -> awaitable<core::http_response> {
        const std::string target = req.target;
        auto c = co_await confirm(target);
        if (!c) co_return try_again_later(req);
        if (c->http_status != 200) co_return outcome_page(desk, *c, req);
        const auto language = language_of(*c, req);
        const std::string said = desk.message(*c, language);
        const std::string what = said.empty() ? "" : "<p>" + html_escape(said) + "</p>\n";
        const std::string button =
            c->button_kind ? routing::word_action_button(*c->button_kind, language) : c->button;
        co_return page(
            200, language, routing::word_action_page_chrome(c->ticket_id, language).title_ticket,
            what + "<form method=\"post\" action=\"" + html_escape(target) +
                "\"><button type=\"submit\">" + html_escape(button) + "</button></form>");
      });
  routes_.add("POST", "/t/{ticket_id}/{action}", "ticket_link",
              [act, &desk](const core::http_request& req,
                           const adapters::route_params&) -> awaitable<core::http_response> {
                const std::string target = req.target;
                auto r = co_await act(target);
                if (!r) co_return try_again_later(req);
                co_return outcome_page(desk, *r, req);
              });
  routes_.add(
      "POST", "/v1/tickets/{ticket_id}/{action}", "ticket_api",
      [act, &desk](const core::http_request& req,
                   const adapters::route_params& p) -> awaitable<core::http_response> {
        // For now the API accepts the link's signed parameters; a token scheme is later.
        const std::string target =
            "/t/" + p.at("ticket_id") + "/" + p.at("action") + "?" + std::string(req.query());
        auto r = co_await act(target);
        if (!r) co_return core::http_response::text(503, "try again later\n");
        // Only the human `message` follows the page language; every other field is unchanged.
        const auto language = language_of(*r, req);
        nlohmann::json body{{"ticket_id", r->ticket_id},
                            {"action", r->action},
                            {"ok", r->http_status == 200},
                            {"status", r->ticket_status},
                            {"message", desk.message(*r, language)},
                            {"student_notified", r->sms_queued}};
        core::http_response resp;
        resp.status = r->http_status;
        resp.content_type = "application/json";
        resp.body = body.dump() + "\n";
        co_return resp;
      });
}

}  // namespace tuki::app
