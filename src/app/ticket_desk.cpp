#include "tuki/app/ticket_desk.hpp"

#include <algorithm>
#include <random>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "tuki/adapters/store/savepoint.hpp"
#include "tuki/app/campaign_planner.hpp"
#include "tuki/app/institution_routing.hpp"
#include "tuki/app/log.hpp"
#include "tuki/core/effect.hpp"
#include "tuki/core/routing/departure.hpp"
#include "tuki/core/routing/not_mine.hpp"
#include "tuki/core/routing/route.hpp"
#include "tuki/core/routing/sla.hpp"
#include "tuki/core/routing/staff_email.hpp"
#include "tuki/core/routing/staff_webhook.hpp"
#include "tuki/core/routing/ticket_json.hpp"
#include "tuki/core/text/email_address.hpp"
#include "tuki/core/text/placeholder_fill.hpp"

namespace tuki::app {
namespace {

std::string random_nonce() {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out(22, 'A');  // 132 bits
  for (auto& c : out) c = alphabet[rng() % 64];
  return out;
}

routing::student_ref ref_of(const core::student& s) {
  return {s.ref, s.first_name, s.campus, s.group, s.programme, s.language, s.teacher_email};
}

routing::ticket_request request_of(const core::student& s, const std::string& category,
                                   core::urgency urgency) {
  routing::ticket_request request;
  request.category = category;
  request.urgency = urgency;
  request.student = ref_of(s);
  return request;
}

// "Did you get help?" answered no: the ticket names the one it follows up and goes to that
// one's role (who know the matter), else as the rules say.
void follow_up(routing::ticket_request& request, const routing::ticket& original) {
  request.follows_up = original.id;
  const std::string& role = original.role;
  if (!role.empty() && role.find(',') == std::string::npos && role != "coordinator" &&
      role != "crisis_contact")
    request.role = role;
}

std::string joined(const std::vector<routing::assignee>& a) {
  std::string out;
  for (const auto& x : a) out += (out.empty() ? "" : ",") + x.email;
  return out;
}

// A crisis ticket's notices are claimed before the others (the mail and webhook workers).
adapters::job_priority job_priority_of(const routing::ticket& t) {
  return t.is_crisis() ? adapters::job_priority::crisis : adapters::job_priority::normal;
}

std::optional<core::instant> sla_due(const routing::ticket& t, const routing::sla_settings& s,
                                     core::instant now) {
  auto d = routing::next_deadline(t, s, now);
  if (!d) return std::nullopt;
  return d->at;
}

// What an outcome says: the message for any language, and its English wording (roles named by
// `name_role`: facts that name roles must come with it).
void say(ticket_action_outcome& o, routing::action_message m, routing::action_page_facts f = {},
         const routing::role_naming& name_role = {}) {
  o.said = m;
  o.message = routing::word_action_message(m, f, "en", name_role);
  o.facts = std::move(f);
}

void offer(ticket_action_outcome& o, routing::action_button b) {
  o.button_kind = b;
  o.button = routing::word_action_button(b, "en");
}

// A refusal that keeps only the page languages of `context` (no ticket id, action or status).
ticket_action_outcome failure(const ticket_action_outcome& context, int status,
                              routing::action_message m, routing::action_page_facts f = {}) {
  ticket_action_outcome o;
  o.http_status = status;
  o.link_language = context.link_language;
  o.institution_language = context.institution_language;
  say(o, m, std::move(f));
  return o;
}

}  // namespace

ticket_desk::ticket_desk(const config::config& cfg, role_names roles)
    : cfg_(cfg), roles_(std::move(roles)), nonce_(random_nonce) {
  for (const auto& s : cfg_.institutions) {
    auto loaded = load_institution_routing(cfg_, s);
    if (!loaded) {
      if (load_status_) load_status_ = loaded.error();
      continue;
    }
    institution inst{&s, std::move(*loaded)};
    auto& is = inst.routing.rules.institution;
    // The service configuration fills what the routing file leaves open.
    if (is.id.empty()) is.id = s.id;
    if (is.crisis_contact_email.empty()) is.crisis_contact_email = s.crisis_contact;
    if (is.public_url.empty()) is.public_url = cfg_.public_url;
    is.include_reply_text = is.include_reply_text || s.staff_messages_include_text;
    if (is.time_zone.empty()) {  // the file's institution.time_zone, else the institution's
      is.time_zone = s.timezone;
      try {
        inst.routing.rules.zone = date::locate_zone(s.timezone);
      } catch (const std::exception&) {
        inst.routing.rules.zone = nullptr;  // UTC; config validation already rejects bad zones
      }
    }
    auto& sla = inst.routing.sla;
    auto ms = [](std::int64_t v) { return core::duration(v); };
    if (s.sla.remind_after_ms) sla.remind_after = ms(*s.sla.remind_after_ms);
    if (s.sla.escalate_after_ms) sla.escalate_after = ms(*s.sla.escalate_after_ms);
    if (s.sla.crisis_remind_after_ms) sla.crisis_remind_after = ms(*s.sla.crisis_remind_after_ms);
    if (s.sla.crisis_escalate_after_ms)
      sla.crisis_escalate_after = ms(*s.sla.crisis_escalate_after_ms);
    if (s.sla.escalate_repeat_after_ms)
      sla.escalate_repeat_after = ms(*s.sla.escalate_repeat_after_ms);
    if (s.sla.still_open_after_ms) sla.still_open_after = ms(*s.sla.still_open_after_ms);
    if (s.sla.followup_after_ms) sla.followup_after = ms(*s.sla.followup_after_ms);
    if (sla.coordinator_email.empty()) sla.coordinator_email = is.coordinator_email;
    sla.zone = inst.routing.rules.zone;  // the school days the staff steps count
    // ... and the holidays they skip. A schedule file that does not load stops the service at
    // start (service::create); a command that only reads tickets counts without holidays then.
    if (auto sched = load_institution_schedule(s)) sla.holidays = sched->holidays.staff_holidays();
    institutions_.emplace(s.id, std::move(inst));
  }
}

std::vector<std::string> ticket_desk::institutions_without_crisis_contact() const {
  std::vector<std::string> ids;
  for (const auto& [id, inst] : institutions_) {
    const auto& is = inst.routing.rules.institution;
    if (is.crisis_contact_email.empty() && is.coordinator_email.empty()) ids.push_back(id);
  }
  return ids;
}

std::string unnamed_role::warning() const {
  return routing_source + ": warning: role '" + role + "' of institution " + institution_id +
         " has no name in " +
         (lexicon_file.empty() ? "language " + language + " (no lexicon names roles in it)"
                               : lexicon_file + " (roles:)") +
         "; students read '" + shown + "'";
}

std::vector<unnamed_role> ticket_desk::unnamed_roles() const {
  std::vector<unnamed_role> out;
  for (const auto& [id, inst] : institutions_) {
    auto roles = routing::known_roles(inst.routing.rules, inst.routing.staff);
    roles.push_back("crisis_contact");
    roles.push_back("coordinator");
    for (const auto& role : roles)
      for (const auto& language : inst.settings->languages)
        if (!roles_.has_name(role, language))
          out.push_back({id, role, language, inst.routing.source, roles_.file_of(language),
                         roles_.name(role, language)});
  }
  return out;
}

routing::role_naming ticket_desk::name_roles() const {
  return [this](const std::string& role, std::string_view language) {
    return roles_.staff_name(role, std::string(language));
  };
}

std::string ticket_desk::message(const ticket_action_outcome& o, std::string_view language) const {
  return o.said ? routing::word_action_message(*o.said, o.facts, language, name_roles())
                : o.message;
}

std::string ticket_desk::institution_language(const std::string& id) const {
  const auto* settings = institution_of(id).settings;
  return settings ? settings->default_language : "";
}

const ticket_desk::institution& ticket_desk::institution_of(const std::string& id) const {
  auto it = institutions_.find(id);
  if (it != institutions_.end()) return it->second;
  static const institution fallback{nullptr, routing::default_routing_config()};
  // Not another institution's: its staff must not read about a student of a school they do
  // not serve.
  if (!institutions_.empty()) {
    std::lock_guard lock(unconfigured_mutex_);
    if (unconfigured_logged_.insert(id).second)
      log_error("institution_not_configured",
                {{"institution", id},
                 {"effect",
                  "its tickets reach no staff and its students are answered as unknown "
                  "numbers; add it back to institutions: if it still uses tuki"}});
  }
  return fallback;
}

routing::sla_settings ticket_desk::sla_of(const std::string& institution_id) const {
  return institution_of(institution_id).routing.sla;
}

std::string ticket_desk::staff_language(const institution& inst,
                                        std::initializer_list<std::string_view> known) {
  std::string out = inst.settings ? inst.settings->default_language : "en";
  for (auto k : known)
    if (!k.empty()) out = std::string(k);
  return out;
}

routing::staff_directory ticket_desk::directory(adapters::sqlite_store& store,
                                                const institution& inst) const {
  // Stored staff (CSV import) give identity, roles and scope; the routing file's staff section
  // adds language, on-call, working hours, absences and backup for the same email, and may list
  // people the CSV lacks.
  // Deactivated staff (people who left) are nobody's candidates: not even through the routing
  // file's staff section, a student's teacher_email or someone's backup.
  routing::staff_directory dir;
  const auto& file_staff = inst.routing.staff;
  const auto stored = store.list_staff(inst.settings ? inst.settings->id : "");
  for (const auto& m : stored)
    if (!m.active) dir.add_departed(m.email);
  for (const auto& m : stored) {
    if (!m.active) continue;
    routing::staff_member s;
    if (const auto* extra = file_staff.find(m.email)) s = *extra;
    s.email = routing::normalize_email(m.email);
    if (!m.name.empty()) s.name = m.name;
    s.roles = m.roles;
    s.campuses = m.campuses;
    s.groups = m.groups;
    if (!m.phone.empty()) s.phone = m.phone;
    (void)dir.add(std::move(s));  // a malformed stored email is skipped, not fatal
  }
  for (const auto& s : file_staff.all())
    if (!dir.find(s.email)) (void)dir.add(s);  // refused for someone who left
  return dir;
}

routing::routing_state ticket_desk::state(adapters::sqlite_store& store,
                                          const institution& inst) const {
  routing::routing_state st;
  std::string id = inst.settings ? inst.settings->id : "";
  for (auto& [k, v] : store.routing_cursors(id)) st.cursors[k] = v;
  for (auto& [k, v] : store.open_ticket_counts(id)) st.open_counts[k] = v;
  return st;
}

core::status ticket_desk::remember(adapters::sqlite_store& store, const institution& inst,
                                   const routing::routing_decision& decision) const {
  std::string id = inst.settings ? inst.settings->id : "";
  for (const auto& [k, v] : decision.cursor_updates)
    if (auto s = store.save_routing_cursor(id, k, v); !s) return s;
  return core::status::ok();
}

core::status ticket_desk::persist(adapters::sqlite_store& store, std::int64_t id,
                                  const routing::ticket& t, std::size_t first_new_event,
                                  core::instant now) const {
  auto row = store.get_ticket(id);
  if (!row) return core::status::not_found("ticket " + std::to_string(id));
  const auto& sla = institution_of(row->institution_id).routing.sla;
  std::string assignee = t.assignees.empty() ? "" : t.assignees.front().email;
  if (auto s =
          store.save_ticket_state(id, std::string(routing::to_string(t.status)), t.role, assignee,
                                  routing::to_json(t).dump(), sla_due(t, sla, now), now);
      !s)
    return s;
  for (std::size_t i = first_new_event; i < t.history.size(); ++i) {
    const auto& e = t.history[i];
    if (auto s = store.add_ticket_event(id, e.event, e.actor, e.detail, e.at); !s) return s;
  }
  return core::status::ok();
}

core::status ticket_desk::notify(adapters::sqlite_store& store, const institution& inst,
                                 const routing::ticket& t, routing::notice_kind kind,
                                 const std::vector<std::string>& recipients,
                                 const std::string& excerpt, bool with_actions, core::instant now) {
  const auto& is = inst.routing.rules.institution;
  auto dir = directory(store, inst);
  routing::staff_notice base;
  base.kind = kind;
  base.ticket_id = t.id;
  base.ticket_url = is.public_url + "/t/" + t.id;
  base.student_name = t.student.name;
  base.student_id = t.student.id;
  base.category = t.category;
  base.urgency = t.urgency;
  base.reply_text = excerpt;
  base.include_reply_text = is.include_reply_text;
  base.follows_up = t.follows_up;
  auto expires = now + std::chrono::hours(cfg_.tickets.link_ttl_hours);
  std::size_t mailed = 0;
  for (const auto& to : recipients) {
    // An address that cannot be mailed (the loaders refuse them; this guards the rest) is
    // skipped and logged: the ticket, the student's answer and the other recipients go on.
    if (!core::is_email_address(to)) {
      app::log_error("staff_email_skipped", {{"ticket_id", t.id},
                                             {"institution", is.id},
                                             {"reason", "recipient is not an email address"}});
      continue;
    }
    ++mailed;
    routing::staff_notice n = base;
    std::string name, on_ticket;
    for (const auto& a : t.assignees)
      if (routing::normalize_email(a.email) == routing::normalize_email(to)) {
        name = a.name;
        on_ticket = a.language;
      }
    const auto* m = dir.find(to);
    if (m && name.empty()) name = m->name;
    const std::string language = staff_language(inst, {on_ticket, m ? m->language : ""});
    const std::string written_in(routing::notice_language(language));
    // The ticket page speaks the email's language too: a plain lang parameter, unsigned (why:
    // the GET /t/{ticket_id} route in ticket_routes.cpp).
    if (!n.ticket_url.empty()) n.ticket_url += "?lang=" + written_in;
    // Without a link key (`secret` unset) the email still goes, with the ticket page only:
    // a ticket must never be lost to a configuration gap.
    if (with_actions && !cfg_.secret.empty()) {
      // Asked whether an acknowledged ticket is still open, they resolve it (or pass it on).
      std::vector<std::pair<routing::ticket_action, std::string>> acts;
      if (kind != routing::notice_kind::still_open)
        acts.emplace_back(routing::ticket_action::acknowledge, "");
      acts.emplace_back(routing::ticket_action::resolve, "");
      // An escalation goes to people who are not assignees (backups, the coordinator): they
      // can take the ticket over (acknowledge or resolve: routing::acknowledge adds them), but
      // "not mine" and passing it on are the assignees'.
      if (kind != routing::notice_kind::escalation) {
        acts.emplace_back(routing::ticket_action::not_mine, "");
        // Not on a shared or crisis ticket: passing it on would take it from everyone else on
        // it (ticket::is_reassignable); "not mine" leaves such a ticket to the others.
        const auto& fallback = inst.routing.rules.fallback_role;
        if (!fallback.empty() && fallback != t.role && t.is_reassignable())
          acts.emplace_back(routing::ticket_action::reassign, fallback);
      }
      for (const auto& [action, role] : acts) {
        // lang: the page the link opens speaks the language this email is written in.
        routing::action_link l{.ticket_id = t.id,
                               .action = action,
                               .role = role,
                               .actor = routing::normalize_email(to),
                               .expires = expires,
                               .nonce = nonce_(),
                               .language = written_in};
        auto url = routing::make_action_link(cfg_.secret, is.public_url, l);
        if (!url) {
          // A link that cannot be made (the routing loader refuses roles no link can carry;
          // this guards the rest) is left out: the email, and the ticket, go on without it.
          app::log_warn("action_link_skipped", {{"ticket_id", t.id},
                                                {"institution", is.id},
                                                {"action", std::string(routing::to_string(action))},
                                                {"reason", url.error().message()}});
          continue;
        }
        n.actions.push_back(
            {action, role, *url, role.empty() ? "" : roles_.staff_name(role, written_in)});
      }
    }
    routing::email_envelope env{{cfg_.mail.from, "tuki"}, {to, name}, language, "", nonce_()};
    auto mime = routing::render_staff_email(n, env, now);
    if (!mime) return mime.error();
    // The kind and the assignment let the mail worker drop a reminder that waited out an
    // outage while someone acknowledged or reassigned the ticket (routing::superseded_because).
    nlohmann::json job{{"ticket_id", std::stoll(t.id)},
                       {"notice", std::string(routing::to_string(kind))},
                       {"assigned_at", core::to_unix_ms(t.assigned_at)},
                       {"from", cfg_.mail.from},
                       {"recipients", {to}},
                       {"mime", *mime}};
    if (auto j = store.enqueue_job("mail", job.dump(), now, now, job_priority_of(t)); !j)
      return j.error();
  }
  const auto* settings = inst.settings;
  const bool webhook = settings && !settings->webhook.url.empty();
  if (!recipients.empty() && mailed == 0 && !webhook)
    app::log_error("ticket_not_mailed",
                   {{"ticket_id", t.id},
                    {"institution", is.id},
                    {"effect", "nobody was mailed; the SLA's reminders and escalation still run"}});
  if (webhook) {
    // Webhooks reach a shared channel: no action links (anyone there could act as the
    // assignee); the ticket page, behind a login, is linked instead.
    auto format = routing::parse_webhook_format(settings->webhook.format)
                      .value_or(routing::webhook_format::generic);
    std::string language = settings->default_language;
    nlohmann::json job{{"ticket_id", std::stoll(t.id)},
                       {"institution", settings->id},
                       {"url", settings->webhook.url},
                       {"body", routing::webhook_body(format, base, language)}};
    if (auto j = store.enqueue_job("webhook", job.dump(), now, now, job_priority_of(t)); !j)
      return j.error();
  }
  return core::status::ok();
}

core::result<opened_ticket> ticket_desk::open(adapters::sqlite_store& store,
                                              const core::student& student,
                                              const std::string& category, core::urgency urgency,
                                              const std::string& excerpt,
                                              const std::string& dialog_id,
                                              const std::string& node_id, core::instant now) {
  const auto& inst = institution_of(student.institution_id);
  auto request = request_of(student, category, urgency);
  auto original = category == "followup" ? followed_up(store, student.id) : std::nullopt;
  if (original) follow_up(request, original->second);
  auto decision = decide(store, inst, request, now);

  adapters::ticket_row row;
  row.institution_id = student.institution_id;
  row.student_id = student.id;
  row.category = category;
  row.urgency = std::string(core::to_string(urgency));
  row.status = "NEW";
  row.role = decision ? decision->role : inst.routing.rules.fallback_role;
  row.dialog_id = dialog_id;
  row.node_id = node_id;
  row.excerpt = excerpt;
  auto id = store.open_ticket(row, now);
  if (!id) return id.error();
  opened_ticket out{*id, row.role, decision.is_ok()};
  if (decision) {
    // {staff_role} names one role: a pool or crisis decision lists several ("a,b,c").
    for (const auto& a : decision->assignees)
      if (a.role != "crisis_contact" && a.role != "coordinator" && !a.role.empty()) {
        out.role = a.role;
        break;
      }
    if (out.role.find(',') != std::string::npos) out.role = out.role.substr(0, out.role.find(','));
  }
  if (!decision) {
    // Nobody at all (no staff, no fallback role holder, no coordinator): the operator must hear
    // of it, and the SLA pump routes it again every sla_retry_after (route_unrouted). Once the
    // ticket is committed: a job undone and retried (the reply's) neither logs nor counts twice.
    store.db().after_commit([m = metrics_, ticket = std::to_string(*id),
                             institution = student.institution_id, category] {
      log_error("ticket_unrouted",
                {{"ticket_id", ticket},
                 {"institution", institution},
                 {"category", category},
                 {"effect",
                  "stays NEW and is routed again every 5 minutes: import staff, or set the "
                  "routing file's institution.coordinator"}});
      if (m) m->count("tickets_unrouted");
    });
    if (auto s = store.add_ticket_event(*id, "UNROUTED", "tuki", decision.error().message(), now);
        !s)
      return s;
    if (auto s = store.set_ticket_sla_due(*id, now + sla_retry_after); !s) return s;
    return out;
  }
  if (auto s = deliver(store, inst, *id, request, *decision, excerpt, now); !s) return s;
  if (original)
    if (auto s = note_follow_up(store, *original, *id, now); !s) return s;
  return out;
}

core::result<routing::routing_decision> ticket_desk::decide(adapters::sqlite_store& store,
                                                            const institution& inst,
                                                            routing::ticket_request& request,
                                                            core::instant now) const {
  auto dir = directory(store, inst);
  auto decision = routing::route(inst.routing.rules, request, dir, state(store, inst), now);
  // Only someone who holds that role: else the rules route it (not their fallback for a role).
  if (request.role && (!decision || decision->role != *request.role)) {
    request.role.reset();
    decision = routing::route(inst.routing.rules, request, dir, state(store, inst), now);
  }
  return decision;
}

core::status ticket_desk::note_follow_up(adapters::sqlite_store& store,
                                         std::pair<std::int64_t, routing::ticket>& original,
                                         std::int64_t id, core::instant now) const {
  auto& [original_id, t] = original;
  const std::size_t first_new = t.history.size();
  if (auto s = routing::add_note(
          t, routing::system_actor,
          "the student did not get help: follow-up ticket " + std::to_string(id), now);
      !s)
    return s;
  return persist(store, original_id, t, first_new, now);
}

core::status ticket_desk::deliver(adapters::sqlite_store& store, const institution& inst,
                                  std::int64_t id, const routing::ticket_request& request,
                                  const routing::routing_decision& decision,
                                  const std::string& excerpt, core::instant now) {
  auto t = routing::make_ticket(std::to_string(id), request, decision, now);
  if (auto s = remember(store, inst, decision); !s) return s;
  std::vector<std::string> to;
  for (const auto& a : t.assignees) to.push_back(a.email);
  if (auto s = notify(store, inst, t, routing::notice_kind::new_ticket, to, excerpt, true, now); !s)
    return s;
  // The outbox guarantees delivery: the ticket counts as notified once the jobs are stored.
  if (auto s = routing::mark_notified(t, now); !s) return s;
  return persist(store, id, t, 0, now);
}

core::result<int> ticket_desk::route_unrouted(adapters::sqlite_store& store,
                                              const adapters::ticket_row& row, core::instant now) {
  auto student = store.get_student(row.student_id);
  if (!student) return core::status::not_found("the ticket's student is not stored");
  const auto& inst = institution_of(row.institution_id);
  auto request = request_of(*student, row.category,
                            core::parse_urgency(row.urgency).value_or(core::urgency::normal));
  // A follow-up ticket is routed as open() would have: it names the ticket it follows up (the
  // one followed up last) and prefers that one's role.
  auto original = row.category == "followup" ? followed_up(store, row.student_id) : std::nullopt;
  if (original) follow_up(request, original->second);
  auto decision = decide(store, inst, request, now);
  if (!decision) {
    if (auto s = store.set_ticket_sla_due(row.id, now + sla_retry_after); !s) return s;
    return 0;
  }
  if (auto s = deliver(store, inst, row.id, request, *decision, row.excerpt, now); !s) return s;
  if (original)
    if (auto s = note_follow_up(store, *original, row.id, now); !s) return s;
  log_info("ticket_routed_late", {{"ticket_id", std::to_string(row.id)},
                                  {"institution", row.institution_id},
                                  {"category", row.category}});
  return 1;
}

core::result<bool> ticket_desk::hand_over(adapters::sqlite_store& store, const institution& inst,
                                          const adapters::ticket_row& row, routing::ticket& t,
                                          const std::vector<std::string>& gone,
                                          const routing::staff_directory& dir, core::instant now) {
  auto d = routing::route_departure(inst.routing.rules, t, dir, state(store, inst), now);
  if (!d) {
    log_error("ticket_handover_failed",
              {{"ticket_id", std::to_string(row.id)},
               {"institution", row.institution_id},
               {"departed", std::to_string(gone.size())},
               {"reason", "nobody else can take it (no staff in its roles, no coordinator)"},
               {"effect",
                "stays with staff who left and is tried again every 5 minutes: import staff, or "
                "set the routing file's institution.coordinator"}});
    // One note, not one per retry.
    const std::string note = "staff assigned to this ticket left, and nobody else can take it";
    if (t.history.empty() || t.history.back().detail != note)
      if (auto s = routing::add_note(t, routing::system_actor, note, now); !s) return s;
    return false;
  }
  if (auto s = routing::hand_over(t, gone, *d, now); !s) return s;
  if (!d->assignees.empty()) {
    // New people: told as of a new ticket, with action links.
    if (auto s = remember(store, inst, *d); !s) return s;
    std::vector<std::string> to;
    for (const auto& a : d->assignees) to.push_back(a.email);
    if (auto s =
            notify(store, inst, t, routing::notice_kind::new_ticket, to, row.excerpt, true, now);
        !s)
      return s;
    if (auto s = routing::mark_notified(t, now); !s) return s;
  }
  log_info("ticket_handed_over", {{"ticket_id", std::to_string(row.id)},
                                  {"institution", row.institution_id},
                                  {"departed", std::to_string(gone.size())},
                                  {"routed_again", d->assignees.empty() ? "false" : "true"}});
  return true;
}

ticket_action_outcome ticket_desk::check(std::string_view target, core::instant now) const {
  auto v = routing::verify_action_link(cfg_.secret, target, now);
  if (!v) {
    ticket_action_outcome context;
    context.link_language = routing::unverified_link_language(target);
    if (v.error().error_code() == core::status::code::permission_denied)
      return failure(context, 410, routing::action_message::link_expired);
    return failure(context, 400, routing::action_message::link_invalid);
  }
  ticket_action_outcome o;
  o.ticket_id = v->link.ticket_id;
  o.action = std::string(routing::to_string(v->link.action));
  o.link_language = v->link.language;
  say(o, routing::action_message::link_valid);
  return o;
}

core::result<std::optional<ticket_desk::stored_ticket>> ticket_desk::load_ticket(
    adapters::sqlite_store& store, const std::string& ticket_id) const {
  std::int64_t id = 0;
  try {
    id = std::stoll(ticket_id);
  } catch (const std::exception&) {
    return std::optional<stored_ticket>();
  }
  auto row = store.get_ticket(id);
  auto json_text = store.ticket_state(id);
  if (!row || !json_text || json_text->empty()) return std::optional<stored_ticket>();
  auto loaded = routing::ticket_from_json(nlohmann::json::parse(*json_text, nullptr, false));
  if (!loaded) return loaded.error();
  return std::optional<stored_ticket>(stored_ticket{id, std::move(*row), std::move(*loaded)});
}

core::result<ticket_action_outcome> ticket_desk::confirm(adapters::sqlite_store& store,
                                                         std::string_view target,
                                                         core::instant now) const {
  auto v = routing::verify_action_link(cfg_.secret, target, now);
  if (!v) return check(target, now);
  const auto& link = v->link;
  ticket_action_outcome out;
  out.link_language = link.language;
  auto loaded = load_ticket(store, link.ticket_id);
  if (!loaded) return loaded.error();
  if (!*loaded) return failure(out, 404, routing::action_message::no_such_ticket);
  out.institution_language = institution_language((*loaded)->row.institution_id);
  if (v->single_use && store.link_nonce_used(link.nonce))
    return failure(out, 410, routing::action_message::link_used);
  const routing::ticket& t = (*loaded)->state;
  out.ticket_id = link.ticket_id;
  out.action = std::string(routing::to_string(link.action));
  out.ticket_status = std::string(routing::to_string(t.status));
  // Someone who left (deactivated) acts on no ticket, with any link they were sent before.
  if (directory(store, institution_of((*loaded)->row.institution_id)).departed(link.actor))
    return failure(out, 403, routing::action_message::not_assignee, {.ticket_id = t.id});
  // The page offers only what act() will do: nothing on a resolved ticket, and acknowledge or
  // resolve only to its assignees and to whom it was escalated last (who take it over).
  if (!t.is_open() && link.action != routing::ticket_action::not_mine)
    return failure(out, 409, routing::action_message::already_resolved, {.ticket_id = t.id});
  if (link.action == routing::ticket_action::acknowledge ||
      link.action == routing::ticket_action::resolve) {
    if (!t.is_assignee(link.actor) && !routing::may_take_over(t, link.actor))
      return failure(out, 403, routing::action_message::not_assignee, {.ticket_id = t.id});
  }
  switch (link.action) {
    case routing::ticket_action::acknowledge:
      offer(out, routing::action_button::acknowledge);
      break;
    case routing::ticket_action::resolve:
      offer(out, routing::action_button::resolve);
      break;
    case routing::ticket_action::reassign:
      if (!t.is_assignee(link.actor))  // as act(): only an assignee passes a ticket on
        return failure(out, 403, routing::action_message::not_assignee, {.ticket_id = t.id});
      if (t.is_open() && !t.is_reassignable())
        return failure(out, 409, routing::action_message::not_reassignable, {.ticket_id = t.id});
      offer(out, routing::action_button::reassign);
      break;
    case routing::ticket_action::not_mine: {
      // What act() will do (route_not_mine): the others keep a shared ticket; a ticket held by
      // the actor alone is routed again, a crisis ticket only to the crisis side.
      if (!t.is_open())
        return failure(out, 409, routing::action_message::nothing_to_pass_on, {.ticket_id = t.id});
      if (!t.is_assignee(link.actor))
        return failure(out, 403, routing::action_message::not_assignee, {.ticket_id = t.id});
      if (routing::others_keep(t, link.actor)) {
        std::vector<routing::assignee> others;
        for (const auto& a : t.assignees)
          if (a.email != routing::normalize_email(link.actor)) others.push_back(a);
        say(out, routing::action_message::will_leave_to_others, {.ticket_id = t.id, .people = joined(others)});
        offer(out, routing::action_button::not_mine_leave);
      } else {
        say(out,
            t.is_crisis() ? routing::action_message::will_reroute_crisis
                          : routing::action_message::will_reroute,
            {.ticket_id = t.id});
        offer(out, routing::action_button::not_mine_reroute);
      }
      break;
    }
  }
  return out;
}

core::result<ticket_action_outcome> ticket_desk::act(adapters::sqlite_store& store,
                                                     const dialog::dialog_library& library,
                                                     std::string_view target, core::instant now) {
  auto v = routing::verify_action_link(cfg_.secret, target, now);
  if (!v) return check(target, now);
  const auto& link = v->link;
  ticket_action_outcome out;
  out.ticket_id = link.ticket_id;
  out.action = std::string(routing::to_string(link.action));
  out.link_language = link.language;
  auto loaded = load_ticket(store, link.ticket_id);
  if (!loaded) return loaded.error();
  if (!*loaded) return failure(out, 404, routing::action_message::no_such_ticket);
  const std::int64_t id = (*loaded)->id;
  const adapters::ticket_row& row = (*loaded)->row;
  auto t = std::move((*loaded)->state);
  out.institution_language = institution_language(row.institution_id);
  if (v->single_use && store.link_nonce_used(link.nonce))
    return failure(out, 410, routing::action_message::link_used);
  auto student = store.get_student(row.student_id);
  const auto& inst = institution_of(row.institution_id);
  // Someone who left (deactivated) acts on no ticket: an escalation link would otherwise let
  // them take over and acknowledge a ticket nobody then hands over (it is not theirs yet).
  if (directory(store, inst).departed(link.actor))
    return failure(out, 403, routing::action_message::not_assignee, {.ticket_id = t.id});
  std::size_t first_new = t.history.size();
  bool was_acknowledged = t.acknowledged_at.has_value();
  std::optional<routing::routing_decision> moved;  // reassign / not mine: new people to notify

  core::status done;
  // What a failed `done` says when it is not "not assigned" or "resolved" (which apply to all).
  routing::action_message refusal = routing::action_message::not_allowed_now;
  switch (link.action) {
    case routing::ticket_action::acknowledge:
      done = routing::acknowledge(t, link.actor, now);
      break;
    case routing::ticket_action::resolve:
      done = routing::resolve(t, link.actor, "", now);
      break;
    case routing::ticket_action::reassign: {
      if (!t.is_assignee(link.actor)) {
        done = core::status::permission_denied(link.actor + " is not assigned to this ticket");
        break;
      }
      if (!t.is_reassignable()) {  // routing::reassign would refuse it too
        done = core::status::invalid_argument("ticket " + t.id + " is shared or a crisis ticket");
        refusal = routing::action_message::not_reassignable;
        break;
      }
      // A valid signature proves who made the link, not that the role still exists: a role
      // nobody configures would silently fall through to the fallback role.
      auto dir = directory(store, inst);
      if (auto known = routing::known_roles(inst.routing.rules, dir);
          std::find(known.begin(), known.end(), link.role) == known.end()) {
        out.http_status = 422;
        say(out, routing::action_message::unknown_role,
            {.ticket_id = t.id, .role = link.role, .known_roles = std::move(known)}, name_roles());
        out.ticket_status = std::string(routing::to_string(t.status));
        return out;
      }
      auto request = routing::reroute_request(t);
      request.role = link.role;
      auto d = routing::route(inst.routing.rules, request, dir, state(store, inst), now);
      // Only to someone who holds the role (at work, not excluded): route() would otherwise hand
      // it to the coordinator, whom the link did not name.
      if (!d || d->role != link.role) {
        done = core::status::invalid_argument("nobody holds role " + link.role);
        refusal = routing::action_message::nobody_holds_role;
        break;
      }
      done = routing::reassign(t, link.actor, link.role, *d, now);
      if (done) moved = std::move(*d);
      break;
    }
    case routing::ticket_action::not_mine: {
      // On a shared (crisis) ticket the others keep it; a crisis ticket is never handed down to
      // the fallback role (route_not_mine).
      auto d = routing::route_not_mine(inst.routing.rules, t, link.actor, directory(store, inst),
                                       state(store, inst), now);
      if (!d) {
        done = d.error().error_code() == core::status::code::not_found
                   ? core::status::invalid_argument("nobody else can take this ticket")
                   : d.error();
        // route_not_mine refuses a crisis ticket that nobody else on the crisis side can take.
        refusal = routing::action_message::nobody_else;
        break;
      }
      done = routing::mark_misrouted(t, link.actor, *d, now);
      if (done && !d->assignees.empty()) moved = std::move(*d);
      break;
    }
  }
  if (!done) {
    const bool not_theirs = done.error_code() == core::status::code::permission_denied;
    out.http_status = not_theirs ? 403 : 409;
    out.ticket_status = std::string(routing::to_string(t.status));
    if (not_theirs)
      refusal = routing::action_message::not_assignee;
    else if (!t.is_open())
      refusal = link.action == routing::ticket_action::not_mine
                    ? routing::action_message::nothing_to_pass_on
                    : routing::action_message::already_resolved;
    say(out, refusal, {.ticket_id = t.id, .role = link.role, .status = out.ticket_status},
        name_roles());
    return out;
  }
  if (v->single_use) {
    auto fresh = store.use_link_nonce(link.nonce, id, link.expires, now);
    if (!fresh) return fresh.error();
    if (!*fresh) return failure(out, 410, routing::action_message::link_used);
  }
  if (moved) {
    if (auto s = remember(store, inst, *moved); !s) return s;
    std::vector<std::string> to;
    for (const auto& a : moved->assignees) to.push_back(a.email);
    if (auto s =
            notify(store, inst, t, routing::notice_kind::new_ticket, to, row.excerpt, true, now);
        !s)
      return s;
    if (auto s = routing::mark_notified(t, now); !s) return s;
  }
  const bool paused = student && student->paused_at(now);
  if (link.action == routing::ticket_action::acknowledge && !was_acknowledged && student &&
      inst.settings && !student->opted_out && (!paused || t.is_crisis())) {
    // The student hears that a person saw it: replies.ticket_seen with {staff_role}. Not a
    // student who opted out (STOP): tuki sends them nothing; nor one who paused, unless the
    // ticket is a crisis. In quiet hours it waits for the morning, a crisis's excepted. Nor a
    // student of an institution no longer configured (an old link): no gateway would take it.
    std::string language =
        student->language.empty() ? inst.settings->default_language : student->language;
    std::string text = library.lexicons().reply(language, "ticket_seen");
    if (!text.empty()) {
      // The role of the person who acknowledged, as they are on this ticket: also
      // "crisis_contact" or "coordinator" (both named in the lexicons' roles:). The ticket's
      // role ("a,b,c" on a crisis ticket) would name someone else.
      std::string role = t.role;
      for (const auto& a : t.assignees)
        if (a.email == routing::normalize_email(link.actor) && !a.role.empty()) role = a.role;
      if (role.find(',') != std::string::npos) role = role.substr(0, role.find(','));
      text = core::fill_placeholders(text, {{"staff_role", roles_.name(role, language)}});
      const std::string& gateway = inst.settings->gateway;
      core::instant due = now;
      if (send_gate_ && !t.is_crisis())
        if (auto until = send_gate_(*student, store.last_inbound_at(student->id), now))
          due = *until;
      // A crisis's goes as a crisis text: first, and at any hour (the outbox holds no crisis
      // text for quiet hours).
      const auto priority = t.is_crisis() ? core::sms_priority::crisis : core::sms_priority::reply;
      auto m = store.enqueue_sms(student->id, gateway, text, static_cast<int>(priority),
                                 "ticket_seen", due, now);
      if (!m) return m.error();
      out.sms_queued = true;
    }
  }
  if (auto s = persist(store, id, t, first_new, now); !s) return s;
  out.ticket_status = std::string(routing::to_string(t.status));
  switch (link.action) {
    case routing::ticket_action::acknowledge:
      say(out,
          was_acknowledged ? routing::action_message::already_acknowledged
          : out.sms_queued ? routing::action_message::acknowledged
                           : routing::action_message::acknowledged_quietly,
          {.ticket_id = t.id});
      break;
    case routing::ticket_action::resolve:
      say(out, routing::action_message::resolved, {.ticket_id = t.id});
      break;
    case routing::ticket_action::reassign:
      say(out, routing::action_message::passed_on, {.ticket_id = t.id, .people = joined(t.assignees)});
      break;
    case routing::ticket_action::not_mine:
      say(out, moved ? routing::action_message::routed_again : routing::action_message::stays_with,
          {.ticket_id = t.id, .people = joined(t.assignees)});
      break;
  }
  return out;
}

core::result<int> ticket_desk::run_sla(adapters::sqlite_store& store,
                                       const start_dialog_fn& start_dialog, core::instant now,
                                       int limit) {
  int steps = 0;
  for (auto id : store.tickets_due(now, limit)) {
    // Each ticket in a savepoint of its own: one that fails is undone alone, logged, noted and
    // tried again after sla_retry_after, and the other tickets' steps go on.
    adapters::savepoint one(store.db(), "sla_ticket");
    if (!one.begun()) return one.begun();
    core::result<int> step = 0;
    try {
      step = sla_step(store, id, start_dialog, now);
    } catch (const std::exception& e) {
      step = core::status::internal(std::string("SLA step failed: ") + e.what());
    }
    if (step) {
      if (auto s = one.release(); !s) return s;
      steps += *step;
      continue;
    }
    one.rollback();
    log_error("sla_ticket_failed", {{"ticket_id", std::to_string(id)},
                                    {"error", step.error().message()},
                                    {"effect", "tried again later; the other tickets go on"}});
    if (auto s = store.add_ticket_event(id, "SLA_ERROR", "tuki", step.error().message(), now); !s)
      return s;
    if (auto s = store.set_ticket_sla_due(id, now + sla_retry_after); !s) return s;
  }
  return steps;
}

core::status ticket_desk::student_wrote(adapters::sqlite_store& store, std::int64_t ticket_id,
                                        const std::string& excerpt, core::instant now) {
  if (auto e = store.add_ticket_event(ticket_id, "STUDENT_MESSAGE", "student",
                                      "the student wrote about this again", now);
      !e)
    return e;
  auto row = store.get_ticket(ticket_id);
  auto json_text = store.ticket_state(ticket_id);
  if (!row || !json_text || json_text->empty()) return core::status::ok();  // not routed yet
  auto loaded = routing::ticket_from_json(nlohmann::json::parse(*json_text, nullptr, false));
  if (!loaded || !loaded->is_open() || loaded->assignees.empty()) return core::status::ok();
  const auto& inst = institution_of(row->institution_id);
  // Not to someone who left (the SLA pump hands their tickets over): what the student writes is
  // for the people who have the matter now.
  const auto dir = directory(store, inst);
  std::vector<std::string> to;
  for (const auto& a : loaded->assignees)
    if (!dir.departed(a.email)) to.push_back(a.email);
  if (to.empty() && !(inst.settings && !inst.settings->webhook.url.empty()))
    store.db().after_commit([ticket = loaded->id, institution = row->institution_id] {
      log_error("student_message_reached_nobody",
                {{"ticket_id", ticket},
                 {"institution", institution},
                 {"effect",
                  "everyone on the ticket left and nobody could take it over yet; the ticket "
                  "keeps the message: import staff, or set the routing file's "
                  "institution.coordinator"}});
    });
  return notify(store, inst, *loaded, routing::notice_kind::student_wrote, to, excerpt, true, now);
}

core::result<int> ticket_desk::sla_step(adapters::sqlite_store& store, std::int64_t id,
                                        const start_dialog_fn& start_dialog, core::instant now) {
  auto row = store.get_ticket(id);
  auto json_text = store.ticket_state(id);
  if (!row || !json_text) return 0;
  // Opened when nobody could take it: it has no state yet, only its row.
  if (json_text->empty() && row->status == "NEW") return route_unrouted(store, *row, now);
  auto loaded = routing::ticket_from_json(nlohmann::json::parse(*json_text, nullptr, false));
  if (!loaded) {
    // Unreadable state must not stall the pump: clear its deadline and say so, on the ticket
    // and to the operator (nobody else would hear that its reminders and escalations stopped).
    if (auto s = store.set_ticket_sla_due(id, std::nullopt); !s) return s;
    if (auto s = store.add_ticket_event(id, "SLA_ERROR", "tuki", loaded.error().message(), now); !s)
      return s;
    store.db().after_commit([id, error = loaded.error().message()] {
      log_error("ticket_state_unreadable",
                {{"ticket_id", std::to_string(id)},
                 {"error", error},
                 {"effect",
                  "no more reminders or escalations for this ticket; its staff links "
                  "fail too: restore its state from a backup, or open it again"}});
    });
    return 0;
  }
  auto t = std::move(*loaded);
  const auto& inst = institution_of(row->institution_id);
  std::size_t first_new = t.history.size();
  int steps = 0;
  // Who left matters to an open ticket only (a follow-up goes to the student).
  std::optional<routing::staff_directory> dir;
  if (t.is_open()) dir = directory(store, inst);
  if (auto gone = dir ? routing::departed_assignees(t, *dir) : std::vector<std::string>{};
      !gone.empty()) {
    auto handed = hand_over(store, inst, *row, t, gone, *dir, now);
    if (!handed) return handed.error();
    if (!*handed) {
      // Nobody can take it: it stays as it is (nobody is reminded) and is tried again.
      if (auto s = persist(store, id, t, first_new, now); !s) return s;
      if (auto s = store.set_ticket_sla_due(id, now + sla_retry_after); !s) return s;
      return 0;
    }
    ++steps;
  }
  auto d = routing::next_deadline(t, inst.routing.sla, now, dir ? &*dir : nullptr);
  if (d && d->due) {
    switch (d->action) {
      case routing::sla_action::remind:
        if (auto s = notify(store, inst, t, routing::notice_kind::reminder, d->recipients,
                            row->excerpt, true, now);
            !s)
          return s;
        if (auto s = routing::record_reminder(t, d->recipients, now); !s) return s;
        break;
      case routing::sla_action::escalate: {
        // Backups and the coordinator are not assignees: their email links to the ticket
        // page, where they can take it over. With neither, a crisis goes to the crisis
        // contact; failing that, nobody can be told, and the operator must hear of it.
        // A crisis nobody has taken after one escalation reaches the crisis contact as well.
        auto to = d->recipients;
        const auto& crisis_contact = inst.routing.rules.institution.crisis_contact_email;
        if ((to.empty() || t.escalated_at) && t.is_crisis() && !crisis_contact.empty() &&
            !t.is_assignee(crisis_contact) && !(dir && dir->departed(crisis_contact)) &&
            std::find(to.begin(), to.end(), routing::normalize_email(crisis_contact)) == to.end())
          to.push_back(routing::normalize_email(crisis_contact));
        if (to.empty()) {
          log_error(
              "ticket_escalation_unrouted",
              {{"ticket_id", std::to_string(id)},
               {"institution", row->institution_id},
               {"crisis", t.is_crisis() ? "true" : "false"},
               {"reason",
                "no backup (or only ones who left, are absent today, or for a crisis are neither "
                "at work nor on call) and no coordinator "
                "beyond the assignees to escalate to: set the routing file's "
                "institution.coordinator, or give the staff backups"}});
          (void)routing::add_note(t, routing::system_actor,
                                  "escalation due, but nobody to escalate to beyond the "
                                  "assignees (no backup, no other coordinator): they are "
                                  "reminded again",
                                  now);
          // Told again rather than nobody: the ticket must not go quiet.
          std::vector<std::string> holders;
          for (const auto& a : t.assignees)
            if (!(dir && dir->departed(a.email))) holders.push_back(a.email);
          if (auto s = notify(store, inst, t, routing::notice_kind::reminder, holders, row->excerpt,
                              true, now);
              !s)
            return s;
        } else if (auto s = notify(store, inst, t, routing::notice_kind::escalation, to,
                                   row->excerpt, true, now);
                   !s) {
          return s;
        }
        if (auto s = routing::record_escalation(t, to, now); !s) return s;
        break;
      }
      case routing::sla_action::still_open:
        if (auto s = notify(store, inst, t, routing::notice_kind::still_open, d->recipients,
                            row->excerpt, true, now);
            !s)
          return s;
        if (auto s = routing::record_still_open(t, d->recipients, now); !s) return s;
        break;
      case routing::sla_action::followup: {
        auto started = start_dialog(store, row->student_id, "followup", now);
        if (started && started->retry_at) {
          // Not now (quiet hours, a holiday, the student busy or paused): the same step falls
          // due again then; nothing is recorded, so the student is still asked.
          if (auto s = store.save_ticket_state(id, row->status, row->role, row->assignee,
                                               *json_text, started->retry_at, now);
              !s)
            return s;
          return 0;
        }
        // A follow-up not sent is recorded as skipped: the student's answer to an earlier
        // ticket's follow-up still finds that ticket (last_followed_up_ticket_of).
        std::string skipped;
        if (!started)
          skipped = "it could not start (" + started.error().message() + ")";
        else if (!started->started)
          skipped = started->skipped.empty() ? "not started" : started->skipped;
        const core::status recorded = skipped.empty()
                                          ? routing::record_followup(t, now)
                                          : routing::record_followup_skipped(t, skipped, now);
        if (!recorded) return recorded;
        break;
      }
    }
    ++steps;
  }
  if (auto s = persist(store, id, t, first_new, now); !s) return s;
  return steps;
}

core::result<std::int64_t> ticket_desk::record_followup_answer(adapters::sqlite_store& store,
                                                               std::int64_t student_id,
                                                               const std::string& key,
                                                               const std::string& value,
                                                               core::instant now) {
  auto found = followed_up(store, student_id);
  if (!found) return std::int64_t{0};
  auto& [id, t] = *found;
  std::size_t first_new = t.history.size();
  if (auto s = routing::add_note(t, routing::system_actor, "outcome " + key + "=" + value, now); !s)
    return s;
  if (auto s = persist(store, id, t, first_new, now); !s) return s;
  return id;
}

std::optional<std::pair<std::int64_t, routing::ticket>> ticket_desk::followed_up(
    adapters::sqlite_store& store, std::int64_t student_id) const {
  auto id = store.last_followed_up_ticket_of(student_id);
  if (!id) return std::nullopt;
  auto text = store.ticket_state(*id);
  if (!text || text->empty()) return std::nullopt;
  auto loaded = routing::ticket_from_json(nlohmann::json::parse(*text, nullptr, false));
  if (!loaded || !loaded->followup_at) return std::nullopt;
  return std::pair{*id, std::move(*loaded)};
}

core::result<std::optional<opened_ticket>> ticket_desk::record_checkin(
    adapters::sqlite_store& store, const core::student& student, routing::checkin_outcome outcome,
    core::instant now) {
  const char* name = outcome == routing::checkin_outcome::answered     ? "answered"
                     : outcome == routing::checkin_outcome::unanswered ? "unanswered"
                                                                       : "delivery_failed";
  if (auto s = store.add_checkin_outcome(student.id, name, now); !s) return s;
  const auto& inst = institution_of(student.institution_id);
  std::vector<routing::checkin_outcome> recent;
  for (const auto& o : store.recent_checkin_outcomes(student.id, 64))
    recent.push_back(o == "answered"     ? routing::checkin_outcome::answered
                     : o == "unanswered" ? routing::checkin_outcome::unanswered
                                         : routing::checkin_outcome::delivery_failed);
  auto request = routing::disengagement_check(recent, ref_of(student), inst.routing.disengagement);
  if (!request) return std::optional<opened_ticket>();
  auto opened = open(store, student, request->category, request->urgency, "", "", "", now);
  if (!opened) return opened.error();
  return std::optional<opened_ticket>(*opened);
}

}  // namespace tuki::app
