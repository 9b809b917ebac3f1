#pragma once
// The email that tells staff about a new ticket. Privacy by default: it names the student, the
// category and the urgency and links to the ticket, but does not quote what the student wrote
// unless the institution opted in (staff_messages_include_text).
#include "tuki/adapters/mail/mailer.hpp"
#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/app/ticket_assignment.hpp"
#include "tuki/core/config/config.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/student.hpp"

namespace tuki::app {

adapters::mail_message compose_ticket_notice(const adapters::ticket_row& ticket,
                                             const core::student& student, const assignment& who,
                                             const config::institution_settings& institution,
                                             const config::config& cfg, core::instant now);

}  // namespace tuki::app
