#include "tuki/app/conversation.hpp"

#include <algorithm>

#include "tuki/adapters/phone/phone_normalizer.hpp"
#include "tuki/app/gateway_opt_out.hpp"
#include "tuki/app/log.hpp"
#include "tuki/core/text/placeholder_fill.hpp"
#include "tuki/core/text/sms_encoding.hpp"

namespace tuki::app {
namespace {

// A message the gateway failed to deliver for its own congestion (delivery_report::
// gateway_congested) is handed to it again after this long, up to this many attempts in all.
constexpr std::int64_t max_congested_attempts = 3;
constexpr auto congested_retry_after = std::chrono::minutes(5);

std::string_view delivery_state_name(adapters::delivery_state s) {
  switch (s) {
    case adapters::delivery_state::accepted: return "accepted";
    case adapters::delivery_state::buffered: return "buffered";
    case adapters::delivery_state::delivered: return "delivered";
    case adapters::delivery_state::failed: return "failed";
  }
  return "accepted";
}

bool is_e164(std::string_view s) {
  if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  for (std::size_t i = 1; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

conversation::conversation(const config::config& cfg,
                           std::shared_ptr<const dialog::dialog_library> library, role_names roles)
    : cfg_(cfg),
      roles_(roles),
      library_(std::move(library)),
      desk_(std::make_unique<ticket_desk>(cfg, std::move(roles))) {
  for (const auto& inst : cfg_.institutions) {
    dialog::conversation_settings s;
    s.helpline = inst.helpline;
    s.time_zone = inst.timezone;
    settings_[inst.id] = s;
  }
}

void conversation::set_library(std::shared_ptr<const dialog::dialog_library> library) {
  std::lock_guard lock(library_mutex_);
  library_ = std::move(library);
}

std::shared_ptr<const dialog::dialog_library> conversation::library() const {
  std::lock_guard lock(library_mutex_);
  return library_;
}

const config::institution_settings& conversation::institution_of(const core::student& s) const {
  if (auto* i = cfg_.find_institution(s.institution_id)) return *i;
  return cfg_.institutions.front();
}

const dialog::conversation_settings& conversation::settings_of(const core::student& s) const {
  auto it = settings_.find(s.institution_id);
  return it != settings_.end() ? it->second : settings_.begin()->second;
}

dialog::student_context conversation::context_of(const core::student& s, core::instant now) const {
  dialog::student_context c;
  c.student_id = std::to_string(s.id);
  c.first_name = s.first_name;
  c.language = s.language.empty() ? institution_of(s).default_language : s.language;
  c.receiving = s.receiving_at(now);
  return c;
}

std::optional<core::student> conversation::find_sender(adapters::sqlite_store& store,
                                                       const std::string& gateway,
                                                       const std::string& from) const {
  // Gateways normally send E.164 already; stored numbers are E.164, so try it as it is first
  // and leave libphonenumber (tens of microseconds) for national formats.
  // A number is unique per institution only: of its students, one of an institution on this
  // gateway, else of any configured one. A row of an institution removed from the configuration
  // is no sender: such a number is answered as unknown (a crisis gets the helpline and alerts
  // the gateway's institution), not with another school's dialogs and staff.
  std::string stale;  // an unconfigured institution the number has a row in
  auto pick = [&](std::vector<core::student> rows) -> std::optional<core::student> {
    std::optional<core::student> other;
    for (auto& s : rows) {
      const auto* inst = cfg_.find_institution(s.institution_id);
      if (!inst) {
        stale = s.institution_id;
        continue;
      }
      if (inst->gateway == gateway) return std::move(s);
      if (!other) other = std::move(s);
    }
    return other;
  };
  if (is_e164(from))
    if (auto s = pick(store.find_students_by_phone(from))) return s;
  for (const auto& inst : cfg_.institutions) {
    if (inst.gateway != gateway && cfg_.institutions.size() > 1) continue;
    if (auto phone = adapters::normalize_phone(from, inst.country); phone && *phone != from)
      if (auto s = pick(store.find_students_by_phone(*phone))) return s;
  }
  if (!stale.empty()) log_warn("sender_institution_not_configured", {{"institution", stale}});
  return std::nullopt;
}

core::status conversation::store_message(adapters::sqlite_store& store, const std::string& gateway,
                                         const adapters::inbound_sms& sms,
                                         const std::optional<core::student>& student,
                                         inbound_outcome& out, core::instant now) {
  auto id = store.insert_inbound(student ? std::optional<std::int64_t>(student->id) : std::nullopt,
                                 gateway, sms.gateway_id, sms.text, now);
  if (!id) {
    if (id.error().error_code() != core::status::code::already_exists) return id.error();
    out.duplicate = true;
    return core::status::ok();
  }
  out.message_id = *id;
  out.known_sender = student.has_value();
  return core::status::ok();
}

core::result<inbound_outcome> conversation::handle_inbound(adapters::sqlite_store& store,
                                                           const std::string& gateway,
                                                           const adapters::inbound_sms& sms,
                                                           core::instant now) {
  inbound_outcome out;
  const auto student = find_sender(store, gateway, sms.from);
  if (auto stored = store_message(store, gateway, sms, student, out, now); !stored) return stored;
  if (out.duplicate) return out;
  if (auto answered = answer_inbound(store, gateway, sms, student, out, now); !answered)
    return answered;
  return out;
}

core::result<inbound_outcome> conversation::keep_unanswered(adapters::sqlite_store& store,
                                                            const std::string& gateway,
                                                            const adapters::inbound_sms& sms,
                                                            const core::status& why,
                                                            core::instant now) {
  inbound_outcome out;
  const auto student = find_sender(store, gateway, sms.from);
  if (auto stored = store_message(store, gateway, sms, student, out, now); !stored) return stored;
  if (out.duplicate) return out;
  out.unanswered = why.message().empty() ? "unknown error" : why.message();
  // Whether the text holds a crisis phrase, for the operator's alert (the step that would have
  // said so was rolled back).
  out.crisis = dialog::crisis_language(*library(), sms.text).has_value();
  if (auto a = store.audit("tuki", "inbound_unanswered",
                           "message:" + std::to_string(out.message_id), "", now);
      !a)
    return a;
  return out;
}

core::status conversation::answer_inbound(adapters::sqlite_store& store, const std::string& gateway,
                                          const adapters::inbound_sms& sms,
                                          const std::optional<core::student>& student,
                                          inbound_outcome& out, core::instant now) {
  if (!student) {
    (void)store.audit("gateway:" + gateway, "inbound_unknown_sender",
                      "message:" + std::to_string(out.message_id), "", now);
    auto answered = answer_unregistered(store, gateway, sms, out.message_id, now);
    if (!answered) return answered.error();
    out.crisis = answered->crisis;
    out.replies = answered->replies;
    return core::status::ok();
  }
  auto lib = library();
  std::optional<dialog::session> session;
  std::string dialog_id;
  if (auto stored = store.load_session(student->id)) {
    if (auto s = dialog::session::from_text(stored->state_json)) session = std::move(*s);
    dialog_id = stored->dialog_id;
    if (!session)
      (void)store.audit("tuki", "session_unreadable", "student:" + std::to_string(student->id), "", now);
  }
  auto step = dialog::on_reply(*lib, session, context_of(*student, now), settings_of(*student),
                               sms.text, now);
  if (!sms.keyword_answered.empty() && step.keyword == sms.keyword_answered) {
    // The gateway has answered this keyword (Twilio's Advanced Opt-Out): its state change
    // stands, our own answer would be the student's second one.
    std::erase_if(step.effects, [](const core::effect& e) {
      const auto* text = std::get_if<core::send_sms>(&e);
      return text && text->purpose == "keyword" && text->priority != core::sms_priority::crisis;
    });
    (void)store.audit("student:" + std::to_string(student->id), "keyword_answered_by_gateway",
                      "message:" + std::to_string(out.message_id), sms.keyword_answered, now);
  }
  auto applied = apply(store, *student, dialog_id, step, now);
  if (!applied) return applied.error();
  out.replies = applied->replies;
  out.tickets = applied->tickets;
  out.crisis = step.crisis;
  if (!dialog::message_taken(step, session.has_value())) {
    auto answered = answer_unprompted(store, *student, sms.text, now);
    if (!answered) return answered.error();
    out.replies += answered->replies;
    out.tickets += answered->tickets;
  }
  return core::status::ok();
}

core::result<conversation::step_counts> conversation::answer_unprompted(
    adapters::sqlite_store& store, const core::student& student, const std::string& text,
    core::instant now) {
  auto lib = library();
  if (!lib->find(dialog::unprompted_dialog)) return step_counts{};
  auto step = dialog::start_with_reply(*lib, dialog::unprompted_dialog, context_of(student, now),
                                       settings_of(student), text, now);
  // A problem the student already has an open ticket for: the message joins that ticket (its
  // history, and a "wrote again" email to its assignees) instead of opening a second one.
  auto join_open_tickets = [&]() -> core::status {
    for (auto it = step.effects.begin(); it != step.effects.end();) {
      const auto* t = std::get_if<core::open_ticket>(&*it);
      const auto open = t ? store.open_ticket_of(student.id, t->category) : std::nullopt;
      if (!open) {
        ++it;
        continue;
      }
      if (auto e = desk_->student_wrote(store, *open, t->excerpt, now); !e) return e;
      it = step.effects.erase(it);
    }
    return core::status::ok();
  };
  // STOP or PAUSE asks not to be texted, not to be ignored: what someone who opted out or
  // paused writes about a ticket still open reaches its staff, and a new matter opens its
  // ticket (staff are told) as anyone's does. Nothing else of the step runs (no offer of
  // contact, no session waiting for an answer), and after STOP not even the ticket's answer:
  // tuki texts an opted-out student nothing (they can send START). A crisis was answered
  // already, on every path.
  if (!student.receiving_at(now)) {
    if (auto s = join_open_tickets(); !s) return s;
    const bool opens = std::any_of(step.effects.begin(), step.effects.end(), [](const auto& e) {
      return std::holds_alternative<core::open_ticket>(e);
    });
    if (!opens) return step_counts{};
    if (student.opted_out)
      std::erase_if(step.effects,
                    [](const auto& e) { return std::holds_alternative<core::send_sms>(e); });
    if (auto a = store.audit("tuki", std::string(dialog::unprompted_dialog),
                             "student:" + std::to_string(student.id), "", now);
        !a)
      return a;
    return apply(store, student, std::string(dialog::unprompted_dialog), step, now);
  }
  // Started lately already: only a message that names a problem is answered (its ticket), so
  // that an auto-responder or a string of "ok"s never loops with the offer of contact.
  const std::string subject = "student:" + std::to_string(student.id);
  const std::string action(dialog::unprompted_dialog);
  if (store.audited_since(action, subject, now - unprompted_quiet_for)) {
    const bool ticket = std::any_of(step.effects.begin(), step.effects.end(), [](const auto& e) {
      return std::holds_alternative<core::open_ticket>(e);
    });
    if (!ticket) return step_counts{};
  }
  if (auto a = store.audit("tuki", action, subject, "", now); !a) return a;
  if (auto s = join_open_tickets(); !s) return s;
  return apply(store, student, action, step, now);
}

core::result<conversation::unregistered_answer> conversation::answer_unregistered(
    adapters::sqlite_store& store, const std::string& gateway, const adapters::inbound_sms& sms,
    std::int64_t message_id, core::instant now) {
  unregistered_answer answer;
  const config::institution_settings* inst = &cfg_.institutions.front();
  for (const auto& i : cfg_.institutions)
    if (i.gateway == gateway) {
      inst = &i;
      break;
    }
  auto lib = library();
  // tuki knows no language for this number: a crisis is answered in the language of the
  // lexicon whose phrase was found ("jag vill inte leva" in Swedish at a Finnish school).
  dialog::student_context ctx;
  ctx.language = dialog::crisis_language(*lib, sms.text).value_or(inst->default_language);
  auto step = dialog::on_reply(*lib, std::nullopt, ctx, settings_.at(inst->id), sms.text, now);
  const bool stop = step.keyword == "stop", start = step.keyword == "start";
  if (!step.crisis && !stop && !start) return answer;
  std::optional<std::string> phone;
  if (is_e164(sms.from)) phone = sms.from;
  else if (auto p = adapters::normalize_phone(sms.from, inst->country)) phone = *p;
  // STOP is kept per number: one from a number no student has yet opts out the student an
  // import gives it to later, until START from it. Not answered, as nothing else from an
  // unknown number is (docs/dialogs.md).
  if (phone && (stop || start)) {
    if (auto s = store.set_number_opted_out(*phone, stop, now); !s) return s;
    (void)store.audit("gateway:" + gateway, stop ? "opt_out_number" : "opt_in_number",
                      "message:" + std::to_string(message_id), "", now);
  }
  if (!step.crisis) return answer;
  answer.crisis = true;
  // One answer and one alert per number and hour: the staff have the number after the first.
  // A sender that is no number (an alphanumeric sender ID, which any bulk-SMS account can set)
  // gets no answer, so its alert is what is counted: else each text would mail the crisis
  // contact and the coordinator again.
  const std::string sender = "sender:" + sms.from;
  const auto hour_ago = now - std::chrono::hours(1);
  if (phone ? store.sent_to_phone_since(*phone, "crisis_helpline", hour_ago)
            : store.audited_since("crisis_unregistered_alerted", sender, hour_ago)) {
    (void)store.audit("gateway:" + gateway, "crisis_unregistered_repeat",
                      "message:" + std::to_string(message_id), "", now);
    return answer;
  }
  if (!phone) (void)store.audit("gateway:" + gateway, "crisis_unregistered_alerted", sender, "", now);
  log_warn("crisis_unregistered_sender", {{"message_id", std::to_string(message_id)},
                                          {"institution", inst->id},
                                          {"answered", phone ? "true" : "false"}});
  (void)store.audit("gateway:" + gateway, "crisis_unregistered_sender",
                    "message:" + std::to_string(message_id), "", now);
  std::string excerpt;
  for (const auto& e : step.effects) {
    if (const auto* t = std::get_if<core::open_ticket>(&e)) excerpt = t->excerpt;
    const auto* reply = std::get_if<core::send_sms>(&e);
    if (!reply || !phone) continue;
    auto queued = store.enqueue_sms_to_phone(*phone, gateway, reply->text,
                                             static_cast<int>(reply->priority), reply->purpose, now, now);
    if (!queued) return queued.error();
    ++answer.replies;
  }
  auto alerted = desk_->alert_unregistered_crisis(store, inst->id, phone.value_or(sms.from), excerpt,
                                                  message_id, now);
  if (!alerted) return alerted.error();
  return answer;
}

core::result<bool> conversation::start_checkin(adapters::sqlite_store& store, std::int64_t student_id,
                                               const std::string& dialog_id, core::instant now) {
  auto student = store.get_student(student_id);
  if (!student) return core::status::not_found("student " + std::to_string(student_id));
  if (student->opted_out) return false;
  if (student->paused_at(now)) return false;
  if (!cfg_.find_institution(student->institution_id)) return false;  // removed from the config
  if (store.load_session(student_id)) return false;
  auto lib = library();
  auto step = dialog::start(*lib, dialog_id, context_of(*student, now), settings_of(*student), now);
  auto applied = apply(store, *student, dialog_id, step, now);
  if (!applied) return applied.error();
  return true;
}

core::status conversation::fire_timer(adapters::sqlite_store& store, const adapters::due_timer& timer,
                                      core::instant now, const send_gate& gate) {
  auto stored = store.load_session(timer.student_id);
  if (!stored) return core::status::ok();  // the session ended: a stale timer
  auto session = dialog::session::from_text(stored->state_json);
  if (!session) return core::status::ok();
  // Every step re-arms the wait's timeout under a new token, so most timers that fall due are
  // stale: they would change nothing, and are not worth reading the student for or rewriting
  // the session.
  if (!dialog::timer_is_live(*session, timer.kind, timer.token, now)) return core::status::ok();
  auto student = store.get_student(timer.student_id);
  if (!student) return core::status::ok();
  // A student of an institution removed from the configuration gets nothing more from it.
  if (!cfg_.find_institution(student->institution_id)) return core::status::ok();
  auto lib = library();
  auto step = dialog::on_timer(*lib, *session, context_of(*student, now), settings_of(*student),
                               timer.kind, timer.token, now);
  if (gate) {
    const bool texts = std::any_of(step.effects.begin(), step.effects.end(), [](const auto& e) {
      return std::holds_alternative<core::send_sms>(e);
    });
    if (texts)
      if (auto until = gate(*student, store.last_inbound_at(student->id), now))
        return store.add_timer(student->id, timer.kind, timer.token, *until);
  }
  auto applied = apply(store, *student, stored->dialog_id, step, now);
  return applied.error();
}

core::status conversation::apply_delivery_report(adapters::sqlite_store& store,
                                                 const std::string& gateway,
                                                 const adapters::delivery_report& report,
                                                 core::instant now) {
  const auto state = store.sent_message_status(report.message_id, gateway);
  if (!state) return core::status::not_found("message " + std::to_string(report.message_id));
  const std::string& current = state->status;
  // Only a message on its way may move: `buffered` and `accepted` are a gateway's transient
  // states (GatewayAPI: BUFFERED, ENROUTE, then DELIVERED; Kannel's dlr-mask 31 reports
  // buffered on the way), so the final report must still apply after them. A transient report
  // after a final one changes nothing (reports may arrive out of order).
  // A message waiting to be sent again (queued after an attempt whose answer never came, a
  // timeout) that the gateway reports as on its way or delivered was taken after all: the
  // report applies, so that it is not sent twice. A failure report leaves it to the retry.
  const bool taken_after_all = current == "queued" && state->attempts > 0 &&
                               report.state != adapters::delivery_state::failed;
  if (current != "sending" && current != "sent" && current != "accepted" && current != "buffered" &&
      !taken_after_all)
    return core::status::ok();
  // The gateway's own congestion: sent again a little later, twice at most, and never counted
  // against the student.
  if (report.gateway_congested) {
    if (state->attempts >= max_congested_attempts)
      return store.set_message_status(report.message_id, "failed", report.detail, now);
    return store.set_message_status(report.message_id, "queued", report.detail, now,
                                    now + congested_retry_after);
  }
  if (auto s = store.set_message_status(report.message_id,
                                       std::string(delivery_state_name(report.state)),
                                       report.detail, now);
      !s)
    return s;
  // The student blocked tuki at the gateway (Twilio 21610, an http_json status mapped to
  // opted_out): as a STOP, and as a send refused for that reason. Not a failure of the number.
  if (report.opted_out) {
    auto sid = store.message_student(report.message_id);
    if (!sid) return core::status::ok();  // a text to a number without a student
    return apply_gateway_opt_out(store, *sid, gateway, report.detail, now);
  }
  // A failed delivery (bad number, unreachable) counts once per message against the student:
  // in the store's failed-delivery count and towards a delivery_failed ticket.
  if (report.state == adapters::delivery_state::failed && current != "failed") {
    auto r = store.record_delivery_failure(report.message_id, now);
    if (!r && r.error_code() != core::status::code::not_found) return r;
    if (auto sid = store.message_student(report.message_id))
      if (auto student = store.get_student(*sid)) {
        auto raised = desk_->record_checkin(store, *student, routing::checkin_outcome::delivery_failed, now);
        if (!raised) return raised.error();
      }
  }
  return core::status::ok();
}

std::size_t conversation::opening_segments(const std::string& dialog_id,
                                           const std::string& institution_id,
                                           const std::string& first_name,
                                           const std::string& language, core::instant now) const {
  core::student s;
  s.institution_id = institution_id;
  s.first_name = first_name;
  s.language = language;
  auto lib = library();
  auto step = dialog::start(*lib, dialog_id, context_of(s, now), settings_of(s), now);
  std::size_t segments = 0;
  for (const auto& e : step.effects)
    if (const auto* sms = std::get_if<core::send_sms>(&e))
      segments += core::measure_sms(sms->text).segments;
  return segments;
}

core::result<std::int64_t> conversation::open_ticket(adapters::sqlite_store& store,
                                                     const core::student& student,
                                                     const core::open_ticket& t, std::string& role_out,
                                                     core::instant now) {
  auto opened = desk_->open(store, student, t.category, t.urgency, t.excerpt, t.dialog_id, t.node_id, now);
  if (!opened) return opened.error();
  // Nobody can take it yet (it is routed again every 5 minutes): the student is told that
  // someone from school will be in touch, not a role that nobody holds.
  role_out = opened->routed ? opened->role : std::string(role_names::generic_role);
  return opened->id;
}

core::result<conversation::step_counts> conversation::apply(adapters::sqlite_store& store,
                                                            const core::student& student,
                                                            const std::string& dialog_id,
                                                            const dialog::step_output& out,
                                                            core::instant now) {
  step_counts counts;
  const auto& inst = institution_of(student);
  std::string role;  // filled by a ticket opened in this step, for {staff_role}
  std::string language = student.language.empty() ? inst.default_language : student.language;
  std::string current_dialog = dialog_id;
  if (out.state && !out.state->dialog_id.empty()) current_dialog = out.state->dialog_id;
  // PAUSE from a student who sent STOP ("leave me alone for now") keeps the opt-out: only
  // START ends it. Clearing it would start check-ins again once the pause ran out. The answer
  // is the STOP wording, not "paused until".
  const bool pause_after_stop = out.keyword == "pause" && student.opted_out;
  // A dialog step that opts the student out (`opt_out: true`): its texts are its confirmation,
  // sent as the STOP confirmation is (purpose `keyword`, which the claim lets through to an
  // opted-out student), not withheld by the opt-out they confirm.
  const bool dialog_opt_out =
      !out.keyword && std::any_of(out.effects.begin(), out.effects.end(), [](const auto& e) {
        const auto* cs = std::get_if<core::set_contact_state>(&e);
        return cs && cs->opted_out;
      });
  for (const auto& e : out.effects) {
    if (const auto* t = std::get_if<core::open_ticket>(&e)) {
      auto id = open_ticket(store, student, *t, role, now);
      if (!id) return id.error();
      ++counts.tickets;
    }
  }
  for (const auto& e : out.effects) {
    if (const auto* sms = std::get_if<core::send_sms>(&e)) {
      std::string text = sms->text;
      if (pause_after_stop && sms->purpose == "keyword") {
        const std::string& stop = library()->lexicons().reply(language, "stop");
        if (!stop.empty()) text = stop;
      }
      if (text.find("{staff_role}") != std::string::npos)
        text = core::fill_placeholders(
            text, {{"staff_role", roles_.name(role.empty() ? "study_counsellor" : role, language)}});
      const bool confirms = dialog_opt_out && sms->priority != core::sms_priority::crisis;
      auto id = store.enqueue_sms(student.id, inst.gateway, text, static_cast<int>(sms->priority),
                                  confirms ? std::string("keyword") : sms->purpose, now, now);
      if (!id) return id.error();
      ++counts.replies;
    } else if (const auto* timer = std::get_if<core::schedule_timer>(&e)) {
      if (auto s = store.add_timer(student.id, timer->kind, timer->token, timer->at); !s) return s;
    } else if (const auto* result = std::get_if<core::record_result>(&e)) {
      // Answers of the follow-up dialog are the outcome of the ticket it follows up.
      if (current_dialog == "followup") {
        auto t = desk_->record_followup_answer(store, student.id, result->key, result->value, now);
        if (!t) return t.error();
      }
    } else if (const auto* end = std::get_if<core::end_session>(&e)) {
      // Check-in outcomes feed disengagement (no_reply tickets). Sessions ended by the student's
      // own choice or by an error say nothing about engagement.
      std::optional<routing::checkin_outcome> o;
      if (end->outcome == "no_reply") o = routing::checkin_outcome::unanswered;
      else if (end->outcome != "opted_out" && end->outcome != "paused" &&
               end->outcome != "dialog_removed" && end->outcome != "dialog_error")
        o = routing::checkin_outcome::answered;
      if (o) {
        auto raised = desk_->record_checkin(store, student, *o, now);
        if (!raised) return raised.error();
        if (*raised) ++counts.tickets;
      }
    } else if (const auto* cs = std::get_if<core::set_contact_state>(&e)) {
      const bool opted_out = cs->opted_out || pause_after_stop;
      if (auto s = store.set_contact_state(student.id, opted_out, cs->paused_until, now); !s) return s;
      (void)store.audit("student:" + std::to_string(student.id),
                        opted_out ? "opt_out" : (cs->paused_until ? "pause" : "opt_in"), "", "", now);
    }
  }
  if (out.state) {
    if (auto s = store.save_session(student.id, current_dialog, out.state->to_text(), now); !s)
      return s;
  } else {
    if (auto s = store.delete_session(student.id); !s) return s;
  }
  return counts;
}

}  // namespace tuki::app
