#pragma once
// One student (testing::aino) of an app_fixture who texts the service through the console
// gateway, and what the store then holds: the SMS sent back, counts, the session.
#include <string>

#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/students.hpp"

namespace tuki::testing {

struct texting_student {
  app_fixture f;
  std::int64_t sid = 0;
  int next_id = 0;

  texting_student(const std::string& prefix, core::instant now) : f(prefix) {
    const auto s = aino();
    REQUIRE(f.store->upsert_students({s}, now));
    sid = f.store->find_student_by_phone(s.phone)->id;
  }
  /// The student's SMS `body`, arriving at `at`.
  app::inbound_outcome text(const std::string& body, core::instant at) {
    adapters::inbound_sms sms;
    sms.from = aino().phone;
    sms.text = body;
    sms.gateway_id = "m" + std::to_string(++next_id);
    auto out = f.conv->handle_inbound(*f.store, "console", sms, at);
    REQUIRE(out);
    return *out;
  }
  /// The first column of the first row of `sql` (an integer), -1 without a row.
  std::int64_t count(const std::string& sql) {
    auto& q = f.store->db().prepare(sql);
    std::int64_t n = q.step() ? q.column_int(0) : -1;
    q.reset();
    return n;
  }
  /// The text of the last SMS sent to the student ("" when none).
  std::string last_out() {
    auto& q = f.store->db().prepare(
        "SELECT body FROM messages WHERE direction = 'out' ORDER BY id DESC LIMIT 1");
    std::string body = q.step() ? q.column_text(0) : "";
    q.reset();
    return body;
  }
  /// The dialog of the student's session, "" when none runs.
  std::string session_dialog() {
    auto s = f.store->load_session(sid);
    return s ? s->dialog_id : "";
  }
};

}  // namespace tuki::testing
