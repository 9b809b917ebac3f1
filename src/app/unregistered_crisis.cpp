// ticket_desk::alert_unregistered_crisis: the staff side of a crisis message from a number that
// belongs to no student (conversation.cpp answers the number with the helpline text).
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuki/app/log.hpp"
#include "tuki/app/ticket_desk.hpp"
#include "tuki/core/routing/staff_email.hpp"

namespace tuki::app {

core::result<int> ticket_desk::alert_unregistered_crisis(adapters::sqlite_store& store,
                                                         const std::string& institution_id,
                                                         const std::string& phone,
                                                         const std::string& excerpt,
                                                         std::int64_t message_id,
                                                         core::instant now) {
  const institution& inst = institution_of(institution_id);
  const auto& is = inst.routing.rules.institution;
  // Both the crisis contact and the coordinator: there is no ticket, so no reminder or
  // escalation follows if the one person told is away.
  // Someone who left (deactivated staff) is not told, as route() never chooses them.
  const auto dir = directory(store, inst);
  std::vector<std::string> recipients;
  bool someone_left = false;
  for (const auto& e : {is.crisis_contact_email, is.coordinator_email}) {
    std::string to = routing::normalize_email(e);
    if (to.empty() || std::find(recipients.begin(), recipients.end(), to) != recipients.end())
      continue;
    if (dir.departed(to)) {
      someone_left = true;
      continue;
    }
    recipients.push_back(std::move(to));
  }
  if (recipients.empty()) {
    log_error("unregistered_crisis_unrouted",
              {{"institution", institution_id},
               {"message_id", std::to_string(message_id)},
               {"reason", someone_left ? "the crisis contact and the coordinator have left "
                                         "(deactivated staff): set the routing file's "
                                         "institution.crisis_contact to someone who works there"
                                       : "no crisis contact and no coordinator: set the routing "
                                         "file's institution.crisis_contact"}});
    return 0;
  }
  routing::staff_notice n;
  n.kind = routing::notice_kind::unregistered_crisis;
  n.ticket_id = "message-" + std::to_string(message_id);  // keeps Message-IDs apart; not shown
  n.student_name = phone;
  n.category = "crisis";
  n.urgency = core::urgency::urgent;
  n.reply_text = excerpt;
  n.include_reply_text = is.include_reply_text;
  for (const auto& to : recipients) {
    const auto* m = dir.find(to);
    const std::string name = m ? m->name : "";
    const std::string language = staff_language(inst, {m ? m->language : ""});
    routing::email_envelope env{
        {cfg_.mail.from, "tuki"}, {to, name}, language, "", ""};  // the message id keeps it unique
    auto mime = routing::render_staff_email(n, env, now);
    if (!mime) return mime.error();
    nlohmann::json job{{"from", cfg_.mail.from}, {"recipients", {to}}, {"mime", *mime}};
    if (auto j = store.enqueue_job("mail", job.dump(), now, now, adapters::job_priority::crisis);
        !j)
      return j.error();
  }
  return static_cast<int>(recipients.size());
}

}  // namespace tuki::app
