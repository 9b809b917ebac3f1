// ticket_desk against a real SQLite file and the shipped dialogs, on a fake clock (explicit
// `now`): routing over stored staff, the staff email, signed actions, the "seen" SMS, SLA
// reminders / escalation / follow-up, and disengagement.
#include "tuki/app/ticket_desk.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include "tuki/adapters/store/savepoint.hpp"

#include "support/routing_files.hpp"
#include "support/stderr_capture.hpp"
#include "support/students.hpp"
#include "tuki/app/campaign_planner.hpp"
#include "tuki/app/conversation.hpp"
#include "tuki/app/followup_start.hpp"
#include "tuki/app/scheduler.hpp"
#include "tuki/app/send_window.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/staff_roster.hpp"
#include "tuki/core/routing/action_link.hpp"
#include "tuki/core/routing/ticket_json.hpp"

using namespace tuki;
namespace fs = std::filesystem;

namespace {

const core::instant t0 = core::from_unix_ms(1'790'000'000'000);  // 2026-09-21, a Monday

struct desk_fixture {
  fs::path dir;
  config::config cfg;
  std::unique_ptr<adapters::sqlite_store> store;
  std::shared_ptr<const dialog::dialog_library> lib;
  std::unique_ptr<app::ticket_desk> desk;
  core::student student;

  /// `institution_yaml`: more keys of the institution, each line indented by four spaces.
  explicit desk_fixture(const std::string& routing_yaml = "",
                        const std::string& institution_yaml = "") {
    dir = fs::temp_directory_path() / ("tuki-desk-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "routing");
    if (!routing_yaml.empty()) std::ofstream(dir / "routing" / "varia.yaml") << routing_yaml;
    std::string yaml = "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
                       "public_url: https://tuki.test\nsecret: link-key\n" +
                       "routing_dir: " + (dir / "routing").string() + "\n" +
                       "store:\n  path: " + (dir / "tuki.db").string() +
                       "\nmail:\n  from: tuki@varia.test\n"
                       "gateways:\n  - name: console\n    type: console\n"
                       "institutions:\n  - id: varia\n    gateway: console\n" +
                       institution_yaml;
    auto c = config::parse_config(yaml, "test.yaml", config::process_env());
    INFO(c.error().to_string());
    REQUIRE(c);
    cfg = *c;
    auto s = app::open_store(cfg);
    REQUIRE(s);
    store = std::move(*s);
    auto l = app::load_dialogs(cfg);
    INFO(l.error().to_string());
    REQUIRE(l);
    lib = *l;
    desk = std::make_unique<app::ticket_desk>(cfg, app::role_names::load(cfg.dialogs_dir).value());
    INFO(desk->load_status().to_string());
    REQUIRE(desk->load_status().is_ok());
    int n = 0;
    desk->set_nonce_source([n]() mutable { return "nonce" + std::to_string(1000 + n++); });
    auto s1 = testing::aino();
    s1.campus = "Tikkurila";
    s1.group = "AUT21";
    s1.teacher_email = "teacher@varia.test";
    REQUIRE(store->upsert_students({s1}, t0));
    student = *store->find_student_by_phone(s1.phone);
  }
  ~desk_fixture() { fs::remove_all(dir); }

  void add_staff(const std::string& email, const std::string& role) {
    core::staff_member m;
    m.institution_id = "varia";
    m.email = email;
    m.name = email.substr(0, email.find('@'));
    m.roles = {role};
    REQUIRE(store->upsert_staff({m}));
  }

  std::vector<adapters::outbox_job> take(const std::string& kind, core::instant now) {
    auto jobs = store->claim_jobs(kind, 100, now);
    for (const auto& j : jobs) REQUIRE(store->finish_job(j.id));
    return jobs;
  }

  routing::ticket ticket(std::int64_t id) {
    auto text = store->ticket_state(id);
    REQUIRE(text);
    auto t = routing::ticket_from_json(nlohmann::json::parse(*text));
    REQUIRE(t);
    return *t;
  }

  // What `run` logs.
  template <class F>
  std::string log_of(F&& run) {
    testing::stderr_capture capture(dir / "stderr.log");
    run();
    return capture.text();
  }

  std::vector<std::pair<std::string, std::string>> outbound() {  // (purpose, body)
    std::vector<std::pair<std::string, std::string>> out;
    auto& q = store->db().prepare(
        "SELECT purpose, body FROM messages WHERE direction = 'out' ORDER BY id");
    while (q.step()) out.emplace_back(q.column_text(0), q.column_text(1));
    q.reset();
    return out;
  }
};

// SLA runs whose follow-ups need no dialog: every start succeeds.
const app::ticket_desk::start_dialog_fn starts_any = [](adapters::sqlite_store&, std::int64_t,
                                                        const std::string&, core::instant) {
  return core::result<app::ticket_desk::dialog_start>(app::ticket_desk::dialog_start{true, {}, ""});
};

// A routing file with a coordinator that sends `life` tickets to the social worker, and
// `staff_yaml` (a `staff:` section, or nothing).
std::string coordinated_routing(const std::string& staff_yaml = "") {
  return std::string(R"(tuki_routing: 1
institution:
  id: varia
  time_zone: Europe/Helsinki
  coordinator: coordinator@varia.test
fallback_role: study_counsellor
rules:
  - category: life
    roles: [social_worker]
)") + staff_yaml;
}

// coordinated_routing with `studies` tickets to the teacher and follow-ups to the study
// counsellor (the fallback role) as well, and `staff_yaml`.
std::string two_roles_routing(const std::string& staff_yaml = "") {
  return coordinated_routing(R"(  - category: studies
    roles: [teacher]
  - category: followup
    roles: [study_counsellor]
)" + staff_yaml);
}

// Decodes the quoted-printable of a whole MIME text (soft breaks and =XX), good enough to
// search for words and links.
std::string qp_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      i += 2;
    } else if (s[i] == '=' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The MIME text of a mail job, decoded.
std::string mail_text(const adapters::outbox_job& job) {
  return qp_decode(nlohmann::json::parse(job.payload).at("mime").get<std::string>());
}

// The link target (path and query) of `action` in a mail job's MIME text.
std::string link_of(const adapters::outbox_job& job, const std::string& action) {
  auto mime = mail_text(job);
  std::smatch m;
  std::regex re("https://tuki\\.test(/t/[0-9]+/" + action + "\\?[A-Za-z0-9_%.=&@-]+)");
  if (!std::regex_search(mime, m, re)) return "";
  return m[1];
}

std::vector<std::string> recipients(const adapters::outbox_job& job) {
  return nlohmann::json::parse(job.payload).at("recipients").get<std::vector<std::string>>();
}

// The one mail of `jobs` sent to `email` (a copy; a failed check when there is none).
adapters::outbox_job mail_to(const std::vector<adapters::outbox_job>& jobs,
                             const std::string& email) {
  for (const auto& j : jobs)
    if (recipients(j) == std::vector<std::string>{email}) return j;
  FAIL_CHECK("no mail to " << email);
  return {};
}

// A wellbeing ticket routed to the school social worker: its id and the one mail announcing it.
struct opened_ticket {
  std::int64_t id;
  adapters::outbox_job mail;
};
opened_ticket social_worker_ticket(desk_fixture& f) {
  f.add_staff("kuraattori@varia.test", "social_worker");
  auto opened =
      f.desk->open(*f.store, f.student, "wellbeing", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  auto mails = f.take("mail", t0);
  REQUIRE(mails.size() == 1);
  return {opened->id, mails[0]};
}

}  // namespace

TEST_CASE("the staff steps skip the holidays of the institution's schedule file", "[app][desk]") {
  {
    // The shipped example schedule: its Christmas break is 2026-12-21 to 2027-01-06.
    desk_fixture f("", "    schedule_file: " + std::string(TUKI_SOURCE_DIR) +
                           "/config/schedules/varia.yaml\n");
    const auto sla = f.desk->sla_of("varia");
    CHECK(sla.holidays.contains(date::local_days{date::year{2026} / 12 / 28}));
    CHECK_FALSE(sla.holidays.contains(date::local_days{date::year{2026} / 12 / 18}));
  }
  {
    // A students' break with staff at work (staff_at_work: true) is no holiday of the steps.
    const auto file = std::filesystem::temp_directory_path() /
                      ("tuki-exam-week-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file) << "tuki_schedule: 1\ninstitution: varia\ntime_zone: Europe/Helsinki\n"
                           "holidays:\n  - {from: 2026-12-21, to: 2027-01-06}\n"
                           "  - {from: 2027-03-08, to: 2027-03-12, staff_at_work: true}\n";
    desk_fixture f("", "    schedule_file: " + file.string() + "\n");
    std::filesystem::remove(file);
    const auto sla = f.desk->sla_of("varia");
    CHECK(sla.holidays.contains(date::local_days{date::year{2026} / 12 / 28}));
    CHECK_FALSE(sla.holidays.contains(date::local_days{date::year{2027} / 3 / 10}));
  }
  // Without a schedule file there are no holidays, only weekends.
  desk_fixture plain;
  CHECK(plain.desk->sla_of("varia").holidays.periods().empty());
}

TEST_CASE("a new ticket is routed over stored staff and mailed without the student's words",
          "[app][tickets]") {
  desk_fixture f;
  f.add_staff("kuraattori@varia.test", "social_worker");
  f.add_staff("opo@varia.test", "study_counsellor");
  auto opened = f.desk->open(*f.store, f.student, "wellbeing", core::urgency::normal,
                             "SALAINEN xyzzy en jaksa", "weekly_checkin", "q3", t0);
  INFO(opened.error().to_string());
  REQUIRE(opened);
  CHECK(opened->routed);
  CHECK(opened->role == "social_worker");
  auto row = f.store->get_ticket(opened->id);
  REQUIRE(row);
  CHECK(row->status == "OPENED");
  CHECK(row->assignee == "kuraattori@varia.test");
  auto t = f.ticket(opened->id);
  REQUIRE(t.history.size() == 2);
  CHECK(t.history[0].event == "created");
  CHECK(t.history[1].event == "notified");

  auto mails = f.take("mail", t0);
  REQUIRE(mails.size() == 1);
  CHECK(recipients(mails[0]) == std::vector<std::string>{"kuraattori@varia.test"});
  auto mime = nlohmann::json::parse(mails[0].payload).at("mime").get<std::string>();
  CHECK_THAT(mime, Catch::Contains("multipart/alternative"));
  CHECK_THAT(mime, Catch::Contains("text/html"));
  auto text = qp_decode(mime);
  CHECK_THAT(text, !Catch::Contains("SALAINEN"));
  CHECK_THAT(text, !Catch::Contains("xyzzy"));
  CHECK_THAT(text, !Catch::Contains("401234567"));
  for (const char* a : {"acknowledge", "resolve", "not_mine"}) {
    INFO(a);
    CHECK_FALSE(link_of(mails[0], a).empty());
  }
  CHECK(f.take("webhook", t0).empty());  // no webhook configured

  // Round robin keeps its cursor in the store.
  f.add_staff("kuraattori2@varia.test", "social_worker");
  auto second = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  auto third = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(second);
  REQUIRE(third);
  CHECK(f.store->get_ticket(second->id)->assignee != f.store->get_ticket(third->id)->assignee);
}

TEST_CASE(
    "signed actions: acknowledge sends the seen SMS once; tampered, expired and reused "
    "links are refused",
    "[app][tickets]") {
  desk_fixture f;
  const auto opened = social_worker_ticket(f);
  auto ack = link_of(opened.mail, "acknowledge");
  auto resolve = link_of(opened.mail, "resolve");
  REQUIRE_FALSE(ack.empty());
  REQUIRE_FALSE(resolve.empty());

  auto tampered = std::regex_replace(ack, std::regex("by=kuraattori"), "by=someone");
  auto bad = f.desk->act(*f.store, *f.lib, tampered, t0 + std::chrono::minutes(1));
  REQUIRE(bad);
  CHECK(bad->http_status == 400);
  auto expired = f.desk->act(*f.store, *f.lib, ack, t0 + std::chrono::days(15));
  REQUIRE(expired);
  CHECK(expired->http_status == 410);
  CHECK(f.outbound().empty());

  auto done = f.desk->act(*f.store, *f.lib, ack, t0 + std::chrono::minutes(5));
  REQUIRE(done);
  CHECK(done->http_status == 200);
  CHECK(done->sms_queued);
  CHECK(done->ticket_status == "ACKNOWLEDGED");
  CHECK_THAT(done->message, Catch::Contains("the student was told it was seen"));
  auto sms = f.outbound();
  REQUIRE(sms.size() == 1);
  CHECK(sms[0].first == "ticket_seen");
  CHECK_THAT(sms[0].second, Catch::Contains("kuraattori"));  // fi role name
  CHECK_THAT(sms[0].second, !Catch::Contains("{staff_role}"));
  auto again = f.desk->act(*f.store, *f.lib, ack, t0 + std::chrono::minutes(6));
  REQUIRE(again);
  CHECK(again->http_status == 200);
  CHECK_FALSE(again->sms_queued);
  CHECK(f.outbound().size() == 1);

  auto resolved = f.desk->act(*f.store, *f.lib, resolve, t0 + std::chrono::hours(1));
  REQUIRE(resolved);
  CHECK(resolved->http_status == 200);
  CHECK(resolved->ticket_status == "RESOLVED");
  auto reused = f.desk->act(*f.store, *f.lib, resolve, t0 + std::chrono::hours(2));
  REQUIRE(reused);
  CHECK(reused->http_status == 410);
  CHECK(f.store->get_ticket(opened.id)->status == "RESOLVED");
}

TEST_CASE("acknowledging the ticket of a student who opted out sends no SMS and says so",
          "[app][tickets]") {
  desk_fixture f;
  auto ack = link_of(social_worker_ticket(f).mail, "acknowledge");
  REQUIRE_FALSE(ack.empty());
  REQUIRE(f.store->set_contact_state(f.student.id, true, std::nullopt, t0).is_ok());  // STOP

  auto done = f.desk->act(*f.store, *f.lib, ack, t0 + std::chrono::minutes(5));
  REQUIRE(done);
  CHECK(done->http_status == 200);
  CHECK(done->ticket_status == "ACKNOWLEDGED");
  CHECK_FALSE(done->sms_queued);
  CHECK(f.outbound().empty());
  CHECK_THAT(done->message, Catch::Contains("No message was sent to the student"));
  CHECK_THAT(done->message, !Catch::Contains("was told"));
}

TEST_CASE("not mine reroutes to someone else and counts the misroute", "[app][tickets]") {
  desk_fixture f;
  f.add_staff("a.kuraattori@varia.test", "social_worker");
  f.add_staff("b.kuraattori@varia.test", "social_worker");
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  auto mails = f.take("mail", t0);
  REQUIRE(mails.size() == 1);
  auto first = recipients(mails[0]).at(0);
  auto not_mine = link_of(mails[0], "not_mine");
  REQUIRE_FALSE(not_mine.empty());
  auto r = f.desk->act(*f.store, *f.lib, not_mine, t0 + std::chrono::minutes(1));
  REQUIRE(r);
  CHECK(r->http_status == 200);
  auto t = f.ticket(opened->id);
  CHECK(t.misroute_count == 1);
  REQUIRE(t.assignees.size() == 1);
  CHECK(t.assignees[0].email != first);
  CHECK(t.status == routing::ticket_status::opened);
  auto rerouted = f.take("mail", t0 + std::chrono::minutes(1));
  REQUIRE(rerouted.size() == 1);
  CHECK(recipients(rerouted[0]).at(0) == t.assignees[0].email);
  auto twice = f.desk->act(*f.store, *f.lib, not_mine, t0 + std::chrono::minutes(2));
  REQUIRE(twice);
  CHECK(twice->http_status == 410);
  // The first person's acknowledge and reassign links no longer offer a button: the page
  // refuses as the action would.
  for (const char* action : {"reassign", "acknowledge"}) {
    CAPTURE(action);
    auto page = f.desk->confirm(*f.store, link_of(mails[0], action), t0 + std::chrono::minutes(3));
    REQUIRE(page);
    CHECK(page->http_status == 403);
    CHECK_FALSE(page->button_kind);
  }
  const auto ack = link_of(mails[0], "acknowledge");
  auto acted = f.desk->act(*f.store, *f.lib, ack, t0 + std::chrono::minutes(3));
  REQUIRE(acted);
  CHECK(acted->http_status == 403);
}

TEST_CASE("a resolved ticket's older links open a page that says so, with no button",
          "[app][tickets]") {
  desk_fixture f;
  auto [id, mail] = social_worker_ticket(f);
  auto resolved = f.desk->act(*f.store, *f.lib, link_of(mail, "resolve"), t0);
  REQUIRE(resolved);
  REQUIRE(resolved->http_status == 200);
  for (const char* action : {"acknowledge", "reassign"}) {
    CAPTURE(action);
    auto page = f.desk->confirm(*f.store, link_of(mail, action), t0 + std::chrono::hours(1));
    REQUIRE(page);
    CHECK(page->http_status == 409);
    CHECK(page->said == routing::action_message::already_resolved);
    CHECK_FALSE(page->button_kind);
  }
}

TEST_CASE("not mine on a shared crisis ticket leaves it with the others, not the fallback role",
          "[app][tickets][not_mine]") {
  desk_fixture f(testing::crisis_routing);
  f.add_staff("opo@varia.test", "study_counsellor");
  auto opened = f.desk->open(*f.store, f.student, "crisis", core::urgency::urgent, "", "", "", t0);
  REQUIRE(opened);
  auto mails = f.take("mail", t0);
  auto before = f.ticket(opened->id);

  auto not_mine = link_of(mail_to(mails, "hoitaja@varia.test"), "not_mine");
  auto r = f.desk->act(*f.store, *f.lib, not_mine, t0 + std::chrono::minutes(5));
  REQUIRE(r);
  INFO(r->message);
  CHECK(r->http_status == 200);
  auto t = f.ticket(opened->id);
  std::vector<std::string> now_on;
  for (const auto& a : t.assignees) now_on.push_back(a.email);
  CHECK(now_on == std::vector<std::string>{"psykologi@varia.test", "kriisi@varia.test"});
  CHECK(t.role == before.role);
  CHECK(f.store->get_ticket(opened->id)->role == before.role);
  CHECK(t.status == routing::ticket_status::opened);
  CHECK(t.assigned_at == before.assigned_at);  // the crisis SLA clock is not restarted
  CHECK(f.take("mail", t0 + std::chrono::minutes(5)).empty());  // nobody new, no study_counsellor
  CHECK_THAT(r->message, Catch::Contains("stays with psykologi@varia.test,kriisi@varia.test"));
}

TEST_CASE("a shared or crisis ticket offers no reassign link, and a reassign of one is refused",
          "[app][tickets][reassign]") {
  desk_fixture f(testing::crisis_routing);
  f.add_staff("opo@varia.test", "study_counsellor");
  auto opened = f.desk->open(*f.store, f.student, "crisis", core::urgency::urgent, "", "", "", t0);
  REQUIRE(opened);
  auto mails = f.take("mail", t0);
  REQUIRE(mails.size() == 3);
  for (const auto& m : mails) {
    CAPTURE(recipients(m));
    CHECK(link_of(m, "reassign").empty());
    CHECK_FALSE(link_of(m, "not_mine").empty());  // the way to leave it to the others
  }
  const auto before = f.ticket(opened->id);

  // A reassign link made anyway (an older email, a hand-made link) changes nothing.
  routing::action_link l{std::to_string(opened->id),  routing::ticket_action::reassign,
                         "study_counsellor",          "psykologi@varia.test",
                         t0 + std::chrono::hours(24), "nonce-shared-1"};
  auto url = routing::make_action_link("link-key", "https://tuki.test", l);
  REQUIRE(url);
  const auto target = url->substr(std::string("https://tuki.test").size());
  const auto at = t0 + std::chrono::minutes(3);
  auto page = f.desk->confirm(*f.store, target, at);
  REQUIRE(page);
  CHECK(page->http_status == 409);
  auto r = f.desk->act(*f.store, *f.lib, target, at);
  REQUIRE(r);
  CHECK(r->http_status == 409);
  CHECK(r->message == "Ticket " + std::to_string(opened->id) +
                          " was not passed on: it is a shared or crisis ticket, and passing it on "
                          "would take it from everyone on it. Use \"Not mine\" instead.");
  CHECK(f.ticket(opened->id) == before);
  CHECK(f.take("mail", at).empty());
  CHECK_FALSE(f.store->link_nonce_used("nonce-shared-1"));  // not used up by the refusal

  // An urgent ticket is a crisis too, even with a single assignee.
  auto urgent = f.desk->open(*f.store, f.student, "life", core::urgency::urgent, "", "", "", at);
  REQUIRE(urgent);
  auto urgent_mails = f.take("mail", at);
  REQUIRE(urgent_mails.size() == 1);
  CHECK(link_of(urgent_mails[0], "reassign").empty());
  CHECK_FALSE(link_of(urgent_mails[0], "acknowledge").empty());
}

TEST_CASE("a crisis contact that cannot be mailed is skipped; the ticket and other mails go on",
          "[app][tickets]") {
  // The shared crisis routing without its crisis contact, so the configuration's is used; it is
  // set past the configuration loader (which refuses it) to reach the desk's own guard.
  std::string routing = testing::crisis_routing;
  const std::string line = "  crisis_contact: kriisi@varia.test\n";
  routing.erase(routing.find(line), line.size());
  desk_fixture f(routing);
  f.cfg.institutions[0].crisis_contact = "not-an-email";
  f.desk =
      std::make_unique<app::ticket_desk>(f.cfg, app::role_names::load(f.cfg.dialogs_dir).value());
  REQUIRE(f.desk->load_status().is_ok());
  auto opened = f.desk->open(*f.store, f.student, "crisis", core::urgency::urgent, "", "", "", t0);
  INFO((opened ? "" : opened.error().to_string()));
  REQUIRE(opened);
  std::set<std::string> to;
  for (const auto& j : f.take("mail", t0))
    for (const auto& r : recipients(j)) to.insert(r);
  CHECK(to == std::set<std::string>{"hoitaja@varia.test", "psykologi@varia.test"});
}

TEST_CASE("the seen SMS names the role of the person who acknowledged, e.g. the crisis contact",
          "[app][tickets]") {
  desk_fixture f(testing::crisis_routing);
  REQUIRE(f.desk->open(*f.store, f.student, "crisis", core::urgency::urgent, "", "", "", t0));
  auto ack = link_of(mail_to(f.take("mail", t0), "kriisi@varia.test"), "acknowledge");
  auto r = f.desk->act(*f.store, *f.lib, ack, t0 + std::chrono::minutes(3));
  REQUIRE(r);
  REQUIRE(r->http_status == 200);
  auto sms = f.outbound();
  REQUIRE(sms.size() == 1);
  CHECK(sms[0].second == "Viestisi on luettu: kriisityöntekijä ottaa sinuun yhteyttä.");
}

TEST_CASE("a role the routing file adds without a name reads as a staff member, and is reported",
          "[app][tickets][roles]") {
  desk_fixture f(R"(tuki_routing: 1
fallback_role: study_counsellor
rules:
  - category: studies
    roles: [erityisopettaja_2]
staff:
  - {email: eo2@varia.test, roles: [erityisopettaja_2]}
)");
  auto opened = f.desk->open(*f.store, f.student, "studies", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  CHECK(opened->role == "erityisopettaja_2");
  auto ack = link_of(mail_to(f.take("mail", t0), "eo2@varia.test"), "acknowledge");
  auto r = f.desk->act(*f.store, *f.lib, ack, t0 + std::chrono::minutes(3));
  REQUIRE(r);
  REQUIRE(r->http_status == 200);
  auto sms = f.outbound();
  REQUIRE(sms.size() == 1);
  CHECK(sms[0].second == "Viestisi on luettu: työntekijä ottaa sinuun yhteyttä.");

  // The operator hears of it: the institution's language (fi) has no name for the role.
  auto unnamed = f.desk->unnamed_roles();
  REQUIRE(unnamed.size() == 1);
  CHECK(unnamed[0].institution_id == "varia");
  CHECK(unnamed[0].role == "erityisopettaja_2");
  CHECK(unnamed[0].language == "fi");
  CHECK(unnamed[0].shown == "työntekijä");
  CHECK_THAT(unnamed[0].warning(),
             Catch::EndsWith("routing/varia.yaml: warning: role 'erityisopettaja_2' of institution "
                             "varia has no name in " +
                             std::string(TUKI_SOURCE_DIR) +
                             "/dialogs/lang/fi.yaml (roles:); students read 'työntekijä'"));
}

namespace {

// A wellbeing ticket routed to a social worker whose staff language is `language` (the routing
// file's staff entry); study_counsellor is the fallback role a ticket may be passed on to. The
// ticket's id and the decoded text of its one mail.
std::pair<std::int64_t, std::string> mailed_in(const std::string& language) {
  desk_fixture f(
      "tuki_routing: 1\nfallback_role: study_counsellor\nrules:\n"
      "  - {category: wellbeing, roles: [social_worker]}\nstaff:\n"
      "  - {email: kuraattori@varia.test, roles: [social_worker], language: " +
      language + "}\n");
  const auto opened = social_worker_ticket(f);
  return {opened.id, mail_text(opened.mail)};
}

}  // namespace

TEST_CASE("the email's transfer button names the role in the email's language, never its id",
          "[app][tickets][roles][language]") {
  struct expectation {
    std::string language, button;
  };
  const std::vector<expectation> cases = {{"fi", "Siirrä: opinto-ohjaaja: "},
                                          {"sv", "Flytta: studiehandledare: "},
                                          {"en", "Reassign: study counsellor: "}};
  for (const auto& c : cases) {
    CAPTURE(c.language);
    const auto [id, text] = mailed_in(c.language);
    CHECK_THAT(text, Catch::Contains(c.button + "https://tuki.test/t/" + std::to_string(id) +
                                     "/reassign?"));
    CHECK_THAT(text, Catch::Contains(c.button.substr(0, c.button.size() - 2) + "</a>"));  // html
    CHECK_THAT(text, !Catch::Contains("study_counsellor</a>"));
    CHECK_THAT(text, !Catch::Contains(": study_counsellor"));
  }
  {
    // A fallback role the lexicons do not name: staff read its id (the generic phrase, "a staff
    // member", would not say whom the ticket goes to).
    desk_fixture f(
        "tuki_routing: 1\nfallback_role: erityisopettaja_2\nrules:\n"
        "  - {category: wellbeing, roles: [social_worker]}\nstaff:\n"
        "  - {email: eo2@varia.test, roles: [erityisopettaja_2]}\n");
    f.add_staff("kuraattori@varia.test", "social_worker");
    REQUIRE(f.desk->open(*f.store, f.student, "wellbeing", core::urgency::normal, "", "", "", t0));
    const auto text = mail_text(mail_to(f.take("mail", t0), "kuraattori@varia.test"));
    CHECK_THAT(text, Catch::Contains("Siirrä: erityisopettaja_2: https://tuki.test/t/"));
  }
}

TEST_CASE("the email's ticket link carries the email's language", "[app][tickets][language]") {
  for (const std::string language : {"fi", "sv", "en"}) {
    CAPTURE(language);
    const auto [id, text] = mailed_in(language);
    const std::string url = "https://tuki.test/t/" + std::to_string(id) + "?lang=" + language;
    CHECK_THAT(text, Catch::Contains(": " + url + "\r\n"));         // the text part
    CHECK_THAT(text, Catch::Contains("<a href=\"" + url + "\">"));  // the html part
  }
}

TEST_CASE("a reassignment to a role nobody holds names the role, not its id",
          "[app][tickets][roles]") {
  desk_fixture f;
  f.add_staff("kuraattori@varia.test", "social_worker");
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  REQUIRE(f.take("mail", t0).size() == 1);
  // special_needs_teacher is in the built-in rules (so configured) but nobody holds it.
  routing::action_link l{std::to_string(opened->id),  routing::ticket_action::reassign,
                         "special_needs_teacher",     "kuraattori@varia.test",
                         t0 + std::chrono::hours(24), "nonce-snt-1"};
  auto url = routing::make_action_link("link-key", "https://tuki.test", l);
  REQUIRE(url);
  auto r = f.desk->act(*f.store, *f.lib, url->substr(std::string("https://tuki.test").size()),
                       t0 + std::chrono::minutes(2));
  REQUIRE(r);
  CHECK(r->http_status == 409);
  CHECK(r->message == "Ticket " + std::to_string(opened->id) +
                          " was not passed on: nobody has the role 'special needs teacher'.");
}

TEST_CASE("the built-in routing has no role without a name", "[app][tickets][roles]") {
  desk_fixture f;
  CHECK(f.desk->unnamed_roles().empty());
}

TEST_CASE("a signed reassign link to a role nobody configures is refused and changes nothing",
          "[app][tickets]") {
  desk_fixture f;
  f.add_staff("kuraattori@varia.test", "social_worker");
  f.add_staff("opo@varia.test", "study_counsellor");
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  REQUIRE(f.take("mail", t0).size() == 1);
  auto before = f.ticket(opened->id);
  auto signed_link = [&](const std::string& role, const std::string& nonce) {
    routing::action_link l{std::to_string(opened->id), routing::ticket_action::reassign, role,
                           "kuraattori@varia.test", t0 + std::chrono::hours(24), nonce};
    auto url = routing::make_action_link("link-key", "https://tuki.test", l);
    REQUIRE(url);
    return url->substr(std::string("https://tuki.test").size());
  };
  const auto at = t0 + std::chrono::minutes(2);
  auto r = f.desk->act(*f.store, *f.lib, signed_link("astrologer", "nonce-astro-1"), at);
  REQUIRE(r);
  CHECK(r->http_status == 422);
  CHECK_THAT(r->message, Catch::Contains("role 'astrologer' is not configured"));
  // The known roles are listed by their names (English: the link has no lang).
  CHECK_THAT(r->message, Catch::Contains("study counsellor"));
  CHECK_THAT(r->message, Catch::Contains("social worker"));
  CHECK_THAT(r->message, !Catch::Contains("study_counsellor"));
  CHECK(f.ticket(opened->id) == before);
  CHECK(f.take("mail", at).empty());

  // A known role works, with the same kind of link.
  auto ok = f.desk->act(*f.store, *f.lib, signed_link("study_counsellor", "nonce-opo-1"), at);
  REQUIRE(ok);
  CHECK(ok->http_status == 200);
  CHECK(f.ticket(opened->id).assignees.at(0).email == "opo@varia.test");
}

TEST_CASE(
    "SLA on a fake clock: reminder at 48 h, escalation at 96 h, follow-up 14 days after "
    "resolution",
    "[app][tickets][sla]") {
  desk_fixture f(coordinated_routing(R"(staff:
  - email: kuraattori@varia.test
    name: Kaisa Kuraattori
    roles: [social_worker]
    language: en
)"));
  f.add_staff("kuraattori@varia.test", "social_worker");
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  auto first = f.take("mail", t0);
  REQUIRE(first.size() == 1);
  // The routing file's language reaches the email (English subject words).
  CHECK_THAT(qp_decode(nlohmann::json::parse(first[0].payload).at("mime").get<std::string>()),
             Catch::Contains("ticket"));

  std::vector<std::pair<std::int64_t, std::string>> started;
  app::ticket_desk::start_dialog_fn start = [&](adapters::sqlite_store&, std::int64_t id,
                                                const std::string& dialog, core::instant) {
    started.emplace_back(id, dialog);
    return core::result<app::ticket_desk::dialog_start>(
        app::ticket_desk::dialog_start{true, std::nullopt, ""});
  };
  auto steps = f.desk->run_sla(*f.store, start, t0 + std::chrono::hours(47));
  REQUIRE(steps);
  CHECK(*steps == 0);
  CHECK(f.take("mail", t0 + std::chrono::hours(47)).empty());

  steps = f.desk->run_sla(*f.store, start, t0 + std::chrono::hours(48));
  REQUIRE(steps);
  CHECK(*steps == 1);
  auto reminder = f.take("mail", t0 + std::chrono::hours(48));
  REQUIRE(reminder.size() == 1);
  CHECK(recipients(reminder[0]).at(0) == "kuraattori@varia.test");
  CHECK_FALSE(link_of(reminder[0], "acknowledge").empty());
  steps = f.desk->run_sla(*f.store, start, t0 + std::chrono::hours(49));
  CHECK(*steps == 0);  // recorded: not repeated

  steps = f.desk->run_sla(*f.store, start, t0 + std::chrono::hours(96));
  CHECK(*steps == 1);
  auto escalation = f.take("mail", t0 + std::chrono::hours(96));
  REQUIRE(escalation.size() == 1);
  CHECK(recipients(escalation[0]).at(0) == "coordinator@varia.test");
  auto t = f.ticket(opened->id);
  CHECK(t.reminded_at == t0 + std::chrono::hours(48));
  CHECK(t.escalated_at == t0 + std::chrono::hours(96));
  std::vector<std::string> events;
  auto& q =
      f.store->db().prepare("SELECT event FROM ticket_events WHERE ticket_id = ?1 ORDER BY id");
  q.bind(1, opened->id);
  while (q.step()) events.push_back(q.column_text(0));
  q.reset();
  // "NEW" is the store's own creation row; the rest is the core ticket's history.
  CHECK(events == std::vector<std::string>{"NEW", "created", "notified", "reminder", "escalation"});
  // The coordinator can take it over (acknowledge or resolve), but not pass it on. They are in
  // neither staff list, so the mail is in the institution's language.
  CHECK_THAT(mail_text(escalation[0]), Catch::Contains("Otan hoitaakseni"));
  CHECK(link_of(escalation[0], "not_mine").empty());
  CHECK(link_of(escalation[0], "reassign").empty());
  auto take = link_of(escalation[0], "acknowledge");
  REQUIRE_FALSE(take.empty());
  auto taken = f.desk->act(*f.store, *f.lib, take, t0 + std::chrono::hours(97));
  REQUIRE(taken);
  CHECK(taken->http_status == 200);
  t = f.ticket(opened->id);
  CHECK(t.acknowledged_at == t0 + std::chrono::hours(97));
  CHECK(t.is_assignee("coordinator@varia.test"));
  CHECK(t.is_assignee("kuraattori@varia.test"));  // who had it keeps it

  // Resolve (signed link), then the follow-up dialog 14 days later, once.
  auto resolve = link_of(first[0], "resolve");
  auto r = f.desk->act(*f.store, *f.lib, resolve, t0 + std::chrono::hours(100));
  REQUIRE(r);
  REQUIRE(r->http_status == 200);
  auto resolved_at = t0 + std::chrono::hours(100);
  steps = f.desk->run_sla(*f.store, start,
                          resolved_at + std::chrono::days(14) - std::chrono::minutes(1));
  CHECK(*steps == 0);
  CHECK(started.empty());
  steps = f.desk->run_sla(*f.store, start, resolved_at + std::chrono::days(14));
  CHECK(*steps == 1);
  REQUIRE(started.size() == 1);
  CHECK(started[0] == std::pair<std::int64_t, std::string>{f.student.id, "followup"});
  steps = f.desk->run_sla(*f.store, start, resolved_at + std::chrono::days(30));
  CHECK(*steps == 0);
  CHECK(f.ticket(opened->id).followup_at == resolved_at + std::chrono::days(14));

  // The follow-up dialog's answers become the ticket's outcome.
  auto outcome = f.desk->record_followup_answer(*f.store, f.student.id, "helped", "yes",
                                                resolved_at + std::chrono::days(15));
  REQUIRE(outcome);
  CHECK(*outcome == opened->id);
  auto final_history = f.ticket(opened->id).history;
  REQUIRE_FALSE(final_history.empty());
  CHECK(final_history.back().event == "note");
  CHECK(final_history.back().detail == "outcome helped=yes");
}

TEST_CASE("no open ticket goes quiet: escalated again, and an unresolved one asks weekly",
          "[app][tickets][sla]") {
  desk_fixture f(coordinated_routing(R"(staff:
  - email: kuraattori@varia.test
    roles: [social_worker]
    language: en
    backup: vara@varia.test
)"));
  f.add_staff("kuraattori@varia.test", "social_worker");
  using std::chrono::hours;
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  f.take("mail", t0);
  auto run = [&](core::instant at) {
    auto steps = f.desk->run_sla(*f.store, starts_any, at);
    REQUIRE(steps);
    return f.take("mail", at);
  };
  REQUIRE(run(t0 + hours(48)).size() == 1);  // the reminder
  auto first = run(t0 + hours(96));
  REQUIRE(first.size() == 1);
  CHECK(recipients(first[0]) == std::vector<std::string>{"vara@varia.test"});
  // 48 h of school days on (Friday evening to Tuesday: the weekend does not count), nobody has
  // taken it: the backup again, and now the coordinator too.
  CHECK(run(t0 + hours(96 + 96) - std::chrono::minutes(1)).empty());
  auto again = run(t0 + hours(96 + 96));
  REQUIRE(again.size() == 2);
  mail_to(again, "vara@varia.test");
  auto to_coordinator = mail_to(again, "coordinator@varia.test");
  CHECK_THAT(mail_text(to_coordinator), Catch::Contains("Eskalointi"));  // the institution's fi
  auto taken =
      f.desk->act(*f.store, *f.lib, link_of(to_coordinator, "acknowledge"), t0 + hours(193));
  REQUIRE(taken);
  REQUIRE(taken->http_status == 200);
  // A week (five school days) after the acknowledgement, nobody has resolved it: its assignees
  // are asked, each in their language, with a fresh link to resolve it and none to acknowledge
  // it again.
  const auto week = t0 + hours(193) + std::chrono::days(7);
  CHECK(run(week - std::chrono::minutes(1)).empty());
  auto asked = run(week);
  REQUIRE(asked.size() == 2);
  auto to_kuraattori = mail_to(asked, "kuraattori@varia.test");
  CHECK_THAT(mail_text(to_kuraattori), Catch::Contains("still open"));
  CHECK_THAT(mail_text(mail_to(asked, "coordinator@varia.test")), Catch::Contains("yhä kesken"));
  CHECK(link_of(to_kuraattori, "acknowledge").empty());
  auto resolve = link_of(to_kuraattori, "resolve");
  REQUIRE_FALSE(resolve.empty());
  CHECK(f.ticket(opened->id).history.back().event == "still_open");
  CHECK(run(week + std::chrono::days(1)).empty());
  auto r = f.desk->act(*f.store, *f.lib, resolve, week + std::chrono::days(1));
  REQUIRE(r);
  CHECK(r->http_status == 200);
  CHECK(run(week + std::chrono::days(8)).empty());  // resolved: nobody is asked again
}

TEST_CASE("staff the routing file gives no language are mailed in the institution's",
          "[app][tickets][language]") {
  desk_fixture f(R"(tuki_routing: 1
institution:
  id: varia
  time_zone: Europe/Helsinki
  coordinator: samordnare@varia.test
fallback_role: study_counsellor
rules:
  - category: life
    roles: [social_worker]
)",
                 "    languages: [sv]\n    default_language: sv\n");
  f.add_staff("kurator@varia.test", "social_worker");  // the CSV only: no language
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  auto mails = f.take("mail", t0);
  REQUIRE(mails.size() == 1);
  CHECK_THAT(mail_text(mails[0]), Catch::Contains("Stödbegäran"));
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(48)));
  f.take("mail", t0 + std::chrono::hours(48));
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(96)));
  // The coordinator is in neither the CSV nor the routing file's staff.
  auto escalation = f.take("mail", t0 + std::chrono::hours(96));
  REQUIRE(escalation.size() == 1);
  CHECK(recipients(escalation[0]) == std::vector<std::string>{"samordnare@varia.test"});
  CHECK_THAT(mail_text(escalation[0]), Catch::Contains("Eskalering"));
}

TEST_CASE("'did you get help?' answered no goes to the role that had the matter, naming it",
          "[app][tickets][sla]") {
  desk_fixture f(R"(tuki_routing: 1
institution:
  id: varia
  time_zone: Europe/Helsinki
fallback_role: study_counsellor
rules:
  - category: wellbeing
    roles: [social_worker]
  - category: followup
    roles: [nurse]
)");
  auto [first, mail] = social_worker_ticket(f);
  f.add_staff("terkka@varia.test", "nurse");          // the rules' role for follow-ups
  f.add_staff("opo@varia.test", "study_counsellor");  // the fallback role
  auto resolved = f.desk->act(*f.store, *f.lib, link_of(mail, "resolve"), t0);
  REQUIRE(resolved);
  REQUIRE(resolved->http_status == 200);
  const auto asked = t0 + std::chrono::days(14);
  REQUIRE(f.desk->run_sla(*f.store, starts_any, asked));
  REQUIRE(f.ticket(first).followup_at == asked);

  auto again = f.desk->open(*f.store, f.student, "followup", core::urgency::high, "", "followup",
                            "", asked + std::chrono::hours(1));
  REQUIRE(again);
  CHECK(again->role == "social_worker");
  auto mails = f.take("mail", asked + std::chrono::hours(1));
  REQUIRE(mails.size() == 1);
  CHECK(recipients(mails[0]) == std::vector<std::string>{"kuraattori@varia.test"});
  CHECK_THAT(mail_text(mails[0]), Catch::Contains("Jatkoa tiketille: " + std::to_string(first)));
  CHECK(f.ticket(again->id).follows_up == std::to_string(first));
  CHECK(f.ticket(first).history.back().detail ==
        "the student did not get help: follow-up ticket " + std::to_string(again->id));

  // With nobody in that role any more, the rules route it: their follow-up role, not the
  // fallback.
  REQUIRE(f.store->deactivate_staff("varia", {"kuraattori@varia.test"}, asked));
  auto third = f.desk->open(*f.store, f.student, "followup", core::urgency::high, "", "followup",
                            "", asked + std::chrono::hours(2));
  REQUIRE(third);
  CHECK(third->role == "nurse");
}

TEST_CASE("the answer to 'did you get help?' is recorded on the ticket it asked about",
          "[app][tickets][sla][followup]") {
  desk_fixture f(two_roles_routing());
  f.add_staff("opettaja@varia.test", "teacher");
  f.add_staff("kuraattori@varia.test", "social_worker");
  f.add_staff("opo@varia.test", "study_counsellor");
  using std::chrono::days;
  using std::chrono::hours;
  // A (studies) is opened first, so has the lower id, and is resolved late.
  auto a = f.desk->open(*f.store, f.student, "studies", core::urgency::normal, "", "", "", t0);
  REQUIRE(a);
  auto a_mail = f.take("mail", t0);
  REQUIRE(a_mail.size() == 1);
  // B (life) is opened later and resolved at once: its follow-up is asked first.
  auto b =
      f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0 + hours(1));
  REQUIRE(b);
  auto b_mail = f.take("mail", t0 + hours(1));
  REQUIRE(b_mail.size() == 1);
  REQUIRE(
      f.desk->act(*f.store, *f.lib, link_of(b_mail[0], "resolve"), t0 + hours(2))->http_status ==
      200);
  REQUIRE(f.desk->act(*f.store, *f.lib, link_of(a_mail[0], "acknowledge"), t0 + hours(2))
              ->http_status == 200);
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + hours(2) + days(14)));
  REQUIRE(f.ticket(b->id).followup_at);
  // A is resolved later (with a link made then: the first one has expired), and followed up
  // later.
  const auto a_resolved = t0 + days(20);
  routing::action_link rl{
      std::to_string(a->id),       routing::ticket_action::resolve, "",
      recipients(a_mail[0]).at(0), a_resolved + hours(24),          "nonce-late-resolve"};
  auto rurl = routing::make_action_link("link-key", "https://tuki.test", rl);
  REQUIRE(rurl);
  REQUIRE(
      f.desk
          ->act(*f.store, *f.lib, rurl->substr(std::string("https://tuki.test").size()), a_resolved)
          ->http_status == 200);
  REQUIRE(f.desk->run_sla(*f.store, starts_any, a_resolved + days(14)));
  REQUIRE(f.ticket(a->id).followup_at == a_resolved + days(14));

  // The student answers A's "did you get help?": no.
  const auto answered = a_resolved + days(14) + hours(1);
  auto recorded =
      f.desk->record_followup_answer(*f.store, f.student.id, "followup", "no", answered);
  REQUIRE(recorded);
  CHECK(*recorded == a->id);
  CHECK(f.ticket(a->id).history.back().detail == "outcome followup=no");
  for (const auto& e : f.ticket(b->id).history)
    CHECK(e.detail.find("outcome") == std::string::npos);
  auto again = f.desk->open(*f.store, f.student, "followup", core::urgency::high, "", "followup",
                            "", answered);
  REQUIRE(again);
  CHECK(f.ticket(again->id).follows_up == std::to_string(a->id));
  CHECK(again->role == "teacher");
}

TEST_CASE("a coordinator who left cannot take over a ticket from an old escalation email",
          "[app][tickets][sla]") {
  desk_fixture f(coordinated_routing());
  f.add_staff("kuraattori@varia.test", "social_worker");
  f.add_staff("coordinator@varia.test", "study_counsellor");
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  f.take("mail", t0);
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(48)));
  f.take("mail", t0 + std::chrono::hours(48));
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(96)));
  auto escalation = f.take("mail", t0 + std::chrono::hours(96));
  REQUIRE(escalation.size() == 1);
  auto take = link_of(escalation[0], "acknowledge");
  REQUIRE_FALSE(take.empty());
  REQUIRE(
      f.store->deactivate_staff("varia", {"coordinator@varia.test"}, t0 + std::chrono::hours(97)));
  auto page = f.desk->confirm(*f.store, take, t0 + std::chrono::hours(98));
  REQUIRE(page);
  CHECK(page->http_status == 403);
  auto acted = f.desk->act(*f.store, *f.lib, take, t0 + std::chrono::hours(98));
  REQUIRE(acted);
  CHECK(acted->http_status == 403);
  const auto t = f.ticket(opened->id);
  CHECK_FALSE(t.acknowledged_at);
  CHECK_FALSE(t.is_assignee("coordinator@varia.test"));
}

TEST_CASE("an escalation with nobody to escalate to is noted, and the assignee reminded again",
          "[app][tickets][sla]") {
  desk_fixture f;  // the built-in routing: no coordinator, no backups
  f.add_staff("opo@varia.test", "study_counsellor");
  auto opened = f.desk->open(*f.store, f.student, "studies", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  f.take("mail", t0);
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(48)));
  f.take("mail", t0 + std::chrono::hours(48));
  auto steps = f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(96));
  REQUIRE(steps);
  CHECK(*steps == 1);
  auto mails = f.take("mail", t0 + std::chrono::hours(96));
  REQUIRE(mails.size() == 1);
  auto t = f.ticket(opened->id);
  REQUIRE(t.assignees.size() == 1);  // the student's own teacher, under the built-in rules
  CHECK(recipients(mails[0]) == std::vector<std::string>{t.assignees[0].email});
  CHECK_THAT(mail_text(mails[0]), Catch::Contains("Muistutus"));
  CHECK(t.escalated_at == t0 + std::chrono::hours(96));  // recorded: once per repeat
  bool noted = false;
  for (const auto& h : t.history) noted |= h.detail.find("nobody to escalate to") != std::string::npos;
  CHECK(noted);
  // 48 school hours on (Friday to Tuesday), still nobody: reminded again, not left quiet.
  CHECK(*f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(191)) == 0);
  CHECK(*f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(192)) == 1);
  CHECK(f.take("mail", t0 + std::chrono::hours(192)).size() == 1);
}

namespace {

// The follow-up as the service starts it: the shipped dialogs through a conversation on the
// fixture's store, held back by the default quiet hours (08:00-20:00 in Helsinki, every day).
struct followup_fixture {
  desk_fixture f;
  app::conversation conv{f.cfg, f.lib, app::role_names::load(f.cfg.dialogs_dir).value()};
  app::scheduler sched{
      f.cfg, {{"varia", app::load_institution_schedule(f.cfg.institutions.at(0)).value()}}, conv};
  app::ticket_desk::start_dialog_fn start =
      app::followup_starter(conv, app::quiet_hours_gate(sched));
  std::int64_t ticket = 0;

  // A ticket opened at t0 and resolved at `resolved_at`.
  explicit followup_fixture(core::instant resolved_at) {
    f.add_staff("opo@varia.test", "study_counsellor");
    auto opened =
        f.desk->open(*f.store, f.student, "studies", core::urgency::normal, "", "", "", t0);
    REQUIRE(opened);
    ticket = opened->id;
    auto mail = f.take("mail", t0);
    REQUIRE(mail.size() == 1);
    auto r = f.desk->act(*f.store, *f.lib, link_of(mail[0], "resolve"), resolved_at);
    REQUIRE(r);
    REQUIRE(r->http_status == 200);
  }
  std::optional<core::instant> sla_due() {
    auto& q = f.store->db().prepare("SELECT sla_due_at FROM tickets WHERE id = ?1");
    q.bind(1, ticket);
    REQUIRE(q.step());
    std::optional<core::instant> out;
    if (!q.column_is_null(0)) out = core::from_unix_ms(q.column_int(0));
    q.reset();
    return out;
  }
  bool in_dialog(const std::string& dialog_id) {
    auto s = f.store->load_session(f.student.id);
    return s && s->dialog_id == dialog_id;
  }
  int run(core::instant now) {
    auto steps = f.desk->run_sla(*f.store, start, now);
    INFO(steps.error().to_string());
    REQUIRE(steps);
    return *steps;
  }
};

}  // namespace

TEST_CASE("the seen SMS waits out quiet hours, a crisis's excepted; a paused student gets none",
          "[app][tickets]") {
  followup_fixture x(t0);  // for its scheduler: quiet 20:00-08:00 in Helsinki
  auto& f = x.f;
  f.desk->set_send_gate(app::quiet_hours_gate(x.sched));
  f.add_staff("kuraattori@varia.test", "social_worker");
  f.add_staff("psykologi@varia.test", "psychologist");
  const auto late = core::from_unix_ms(1'790'022'600'000);  // 2026-09-21 23:30 in Helsinki
  auto seen_due = [&] {
    auto& q = f.store->db().prepare(
        "SELECT next_attempt_at FROM messages WHERE purpose = 'ticket_seen' ORDER BY id DESC");
    std::int64_t due = q.step() ? q.column_int(0) : -1;
    q.reset();
    return due;
  };
  auto acknowledge = [&](const std::string& category, core::urgency u) {
    auto opened = f.desk->open(*f.store, f.student, category, u, "", "", "", t0);
    REQUIRE(opened);
    auto mails = f.take("mail", t0);
    REQUIRE_FALSE(mails.empty());
    auto r = f.desk->act(*f.store, *f.lib, link_of(mails[0], "acknowledge"), late);
    REQUIRE(r);
    REQUIRE(r->http_status == 200);
    return *r;
  };
  acknowledge("life", core::urgency::normal);
  CHECK(seen_due() == 1'790'053'200'000);  // 08:00 the next morning
  acknowledge("crisis", core::urgency::urgent);
  CHECK(seen_due() == core::to_unix_ms(late));  // at once

  REQUIRE(f.store->set_contact_state(f.student.id, false, late + std::chrono::days(14), late));
  f.student = *f.store->find_student_by_phone(f.student.phone);
  const auto before = f.outbound().size();
  auto quiet = acknowledge("wellbeing", core::urgency::normal);
  CHECK_FALSE(quiet.sms_queued);
  CHECK(f.outbound().size() == before);
}

TEST_CASE("a follow-up due in quiet hours waits for the morning, and is asked then",
          "[app][tickets][sla][followup]") {
  // Resolved on Tuesday 22 September 2026 at 21:30 in Helsinki: the follow-up is due fourteen
  // days later at 21:30, in the quiet hours.
  const auto resolved_at = core::from_unix_ms(1'790'101'800'000);
  const auto wed_0800 = core::from_unix_ms(1'791'349'200'000);  // 7 October, 08:00 Helsinki
  followup_fixture x(resolved_at);
  const auto due = resolved_at + std::chrono::days(14);
  const auto texts = x.f.outbound().size();
  CHECK(x.run(due) == 0);
  CHECK_FALSE(x.in_dialog("followup"));
  CHECK(x.f.outbound().size() == texts);
  CHECK_FALSE(x.f.ticket(x.ticket).followup_at);  // not recorded: still to be asked
  CHECK(x.sla_due() == wed_0800);

  CHECK(x.run(wed_0800 - std::chrono::minutes(1)) == 0);
  CHECK_FALSE(x.in_dialog("followup"));
  CHECK(x.run(wed_0800) == 1);
  CHECK(x.in_dialog("followup"));
  CHECK(x.f.outbound().size() == texts + 1);
  CHECK(x.f.ticket(x.ticket).followup_at == wed_0800);
  CHECK_FALSE(x.sla_due());  // done: no step left
}

TEST_CASE("a follow-up finding the student in another dialog or paused is asked later",
          "[app][tickets][sla][followup]") {
  // Resolved on Tuesday 22 September 2026 at 10:00 in Helsinki: due 6 October at 10:00.
  const auto resolved_at = core::from_unix_ms(1'790'060'400'000);
  followup_fixture x(resolved_at);
  const auto due = resolved_at + std::chrono::days(14);
  // The student is in a check-in that started an hour before (such a dialog can last 72 h).
  REQUIRE(
      x.conv
          .start_checkin(*x.f.store, x.f.student.id, "weekly_checkin", due - std::chrono::hours(1))
          .value());
  CHECK(x.run(due) == 0);
  CHECK(x.in_dialog("weekly_checkin"));
  CHECK_FALSE(x.f.ticket(x.ticket).followup_at);
  const auto retry = due + std::chrono::hours(4);
  CHECK(x.sla_due() == retry);

  // The check-in has ended by then, but the student has paused messages until 18:00.
  REQUIRE(x.f.store->db().exec("DELETE FROM sessions"));
  const auto pause_end = due + std::chrono::hours(8);
  REQUIRE(x.f.store->set_contact_state(x.f.student.id, false, pause_end, retry));
  CHECK(x.run(retry) == 0);
  CHECK_FALSE(x.in_dialog("followup"));
  CHECK(x.sla_due() == pause_end);

  CHECK(x.run(pause_end) == 1);
  CHECK(x.in_dialog("followup"));
  CHECK(x.f.ticket(x.ticket).followup_at == pause_end);
}

TEST_CASE("a student who opted out gets no follow-up, and the ticket says so",
          "[app][tickets][sla][followup]") {
  const auto resolved_at = core::from_unix_ms(1'790'060'400'000);
  followup_fixture x(resolved_at);
  const auto due = resolved_at + std::chrono::days(14);
  REQUIRE(x.f.store->set_contact_state(x.f.student.id, true, std::nullopt, due));
  CHECK(x.run(due) == 1);
  CHECK_FALSE(x.in_dialog("followup"));
  auto t = x.f.ticket(x.ticket);
  CHECK(t.followup_at == due);
  REQUIRE_FALSE(t.history.empty());
  CHECK(t.history.back().detail == "follow-up skipped: the student opted out");
}

TEST_CASE("an answer to a follow-up goes to the ticket that asked, not to a later one skipped",
          "[app][tickets][sla][followup]") {
  desk_fixture f;
  f.add_staff("opo@varia.test", "study_counsellor");
  auto resolved = [&](core::instant opened_at, core::instant resolved_at) {
    auto opened =
        f.desk->open(*f.store, f.student, "studies", core::urgency::normal, "", "", "", opened_at);
    REQUIRE(opened);
    auto mail = f.take("mail", opened_at);
    REQUIRE(mail.size() == 1);
    auto r = f.desk->act(*f.store, *f.lib, link_of(mail[0], "resolve"), resolved_at);
    REQUIRE(r);
    REQUIRE(r->http_status == 200);
    return opened->id;
  };
  const auto asked = resolved(t0, t0 + std::chrono::hours(1));
  const auto skipped = resolved(t0 + std::chrono::hours(2), t0 + std::chrono::hours(3));
  // The first ticket's follow-up is asked; by the second's, the student has opted out.
  app::ticket_desk::dialog_start next{true, std::nullopt, ""};
  auto start = [&](adapters::sqlite_store&, std::int64_t, const std::string&,
                   core::instant) -> core::result<app::ticket_desk::dialog_start> { return next; };
  REQUIRE(f.desk->run_sla(*f.store, start, t0 + std::chrono::hours(1) + std::chrono::days(14))
              .value() == 1);
  next = {false, std::nullopt, "the student opted out"};
  REQUIRE(f.desk->run_sla(*f.store, start, t0 + std::chrono::hours(3) + std::chrono::days(14))
              .value() == 1);
  auto t = f.ticket(skipped);
  CHECK(t.followup_at);
  CHECK(t.followup_skipped);
  CHECK(t.history.back().detail == "follow-up skipped: the student opted out");
  CHECK_FALSE(f.ticket(asked).followup_skipped);

  auto outcome = f.desk->record_followup_answer(*f.store, f.student.id, "followup", "no",
                                                t0 + std::chrono::days(15));
  REQUIRE(outcome);
  CHECK(*outcome == asked);
  CHECK(f.ticket(asked).history.back().detail == "outcome followup=no");
}

TEST_CASE("a ticket whose state cannot be read stops its SLA and tells the operator",
          "[app][tickets][sla]") {
  desk_fixture f;
  f.add_staff("opo@varia.test", "study_counsellor");
  auto opened = f.desk->open(*f.store, f.student, "studies", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  REQUIRE(f.take("mail", t0).size() == 1);
  REQUIRE(f.store->db().exec("UPDATE tickets SET state = '{\"broken\": ' WHERE id = " +
                             std::to_string(opened->id)));
  const auto due = t0 + std::chrono::hours(48);
  core::result<int> steps = 0;
  const auto log = f.log_of([&] { steps = f.desk->run_sla(*f.store, starts_any, due); });
  INFO(log);
  REQUIRE(steps);
  CHECK(*steps == 0);
  CHECK(f.take("mail", due).empty());
  CHECK_THAT(log, Catch::Contains("level=error event=ticket_state_unreadable ticket_id=" +
                                  std::to_string(opened->id)));
  // Once: its deadline is cleared, so the next rounds pass it by.
  const auto again =
      f.log_of([&] { steps = f.desk->run_sla(*f.store, starts_any, due + std::chrono::hours(1)); });
  CHECK_THAT(again, !Catch::Contains("ticket_state_unreadable"));
}

TEST_CASE("an action link that cannot be made is left out; the email and the ticket go on",
          "[app][tickets]") {
  desk_fixture f;
  f.add_staff("kuraattori@varia.test", "social_worker");
  // Every link refused by make_action_link (a nonce must be 8..64 [A-Za-z0-9_-]), as a role
  // outside that alphabet was before the routing loader refused it.
  f.desk->set_nonce_source([] { return std::string("short"); });
  core::result<app::opened_ticket> opened = core::status::internal("not run");
  const auto log = f.log_of([&] {
    opened = f.desk->open(*f.store, f.student, "wellbeing", core::urgency::normal, "", "", "", t0);
  });
  INFO(log);
  REQUIRE(opened);
  CHECK(f.store->get_ticket(opened->id)->status == "OPENED");
  auto mails = f.take("mail", t0);
  REQUIRE(mails.size() == 1);
  CHECK(recipients(mails[0]) == std::vector<std::string>{"kuraattori@varia.test"});
  for (const char* a : {"acknowledge", "resolve", "not_mine", "reassign"}) {
    INFO(a);
    CHECK(link_of(mails[0], a).empty());
  }
  CHECK_THAT(mail_text(mails[0]),
             Catch::Contains("https://tuki.test/t/" + std::to_string(opened->id) + "?lang=fi"));
  const std::string id = "ticket_id=" + std::to_string(opened->id);
  CHECK_THAT(log, Catch::Contains("level=warn event=action_link_skipped " + id +
                                  " institution=varia action=acknowledge reason=\"bad nonce\""));
  CHECK_THAT(log, Catch::Contains("event=action_link_skipped " + id +
                                  " institution=varia action=reassign"));
  CHECK_THAT(log, !Catch::Contains("kuraattori"));  // no personal data
  CHECK_THAT(log, !Catch::Contains(f.student.first_name));
}

TEST_CASE("a ticket whose SLA step fails is tried again later; the others' steps go on",
          "[app][tickets][sla]") {
  desk_fixture f;
  f.add_staff("kuraattori@varia.test", "social_worker");
  f.add_staff("opo@varia.test", "study_counsellor");
  auto failing = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  auto other = f.desk->open(*f.store, f.student, "other", core::urgency::normal, "", "", "", t0);
  REQUIRE(failing);
  REQUIRE(other);
  REQUIRE(f.take("mail", t0).size() == 2);
  // The store refuses the failing ticket's mail jobs, as a full disk or a broken row would.
  REQUIRE(f.store->db().exec(
      "CREATE TRIGGER refuse_mail BEFORE INSERT ON outbox WHEN json_extract(NEW.payload, "
      "'$.ticket_id') = " +
      std::to_string(failing->id) + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"));
  const auto due = t0 + std::chrono::hours(48);
  core::result<int> steps = 0;
  const auto log = f.log_of([&] { steps = f.desk->run_sla(*f.store, starts_any, due); });
  INFO(log);
  REQUIRE(steps);
  CHECK(*steps == 1);
  auto reminders = f.take("mail", due);
  REQUIRE(reminders.size() == 1);
  CHECK(recipients(reminders[0]) == std::vector<std::string>{"opo@varia.test"});
  CHECK(f.ticket(other->id).reminded_at == due);
  CHECK_FALSE(f.ticket(failing->id).reminded_at);  // undone, not half done
  CHECK_THAT(log, Catch::Contains("level=error event=sla_ticket_failed ticket_id=" +
                                  std::to_string(failing->id)));
  auto& q = f.store->db().prepare(
      "SELECT detail FROM ticket_events WHERE ticket_id = ?1 AND event = 'SLA_ERROR'");
  q.bind(1, failing->id);
  std::vector<std::string> errors;
  while (q.step()) errors.push_back(q.column_text(0));
  q.reset();
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains("injected failure"));

  // Not retried at once (it would hold up the others), but after sla_retry_after.
  REQUIRE(f.store->db().exec("DROP TRIGGER refuse_mail"));
  steps =
      f.desk->run_sla(*f.store, starts_any, due + app::sla_retry_after - std::chrono::seconds(1));
  REQUIRE(steps);
  CHECK(*steps == 0);
  steps = f.desk->run_sla(*f.store, starts_any, due + app::sla_retry_after);
  REQUIRE(steps);
  CHECK(*steps == 1);
  auto retried = f.take("mail", due + app::sla_retry_after);
  REQUIRE(retried.size() == 1);
  CHECK(recipients(retried[0]) == std::vector<std::string>{"kuraattori@varia.test"});
  CHECK(f.ticket(failing->id).reminded_at == due + app::sla_retry_after);
}

TEST_CASE("an unrouted ticket undone with its job is neither logged nor counted",
          "[app][tickets][sla]") {
  // The reply's job can fail after the ticket was opened (and be tried again when the gateway
  // sends the reply again): only the ticket that was kept is reported.
  desk_fixture f;  // nobody at all
  app::metrics counters;
  f.desk->set_metrics(&counters);
  const auto log = f.log_of([&] {
    REQUIRE(f.store->begin());
    {
      adapters::savepoint job(f.store->db(), "job");
      auto opened =
          f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
      REQUIRE(opened);
      CHECK_FALSE(opened->routed);
      job.rollback();
    }
    REQUIRE(f.store->commit());
  });
  CHECK_THAT(log, !Catch::Contains("ticket_unrouted"));
  CHECK_THAT(counters.render({}, 0), !Catch::Contains("tuki_tickets_unrouted_total 1"));
  CHECK(f.store->tickets_unrouted() == 0);

  const auto kept = f.log_of([&] {
    REQUIRE(f.store->begin());
    REQUIRE(f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0));
    CHECK_THAT(counters.render({}, 0), !Catch::Contains("tuki_tickets_unrouted_total 1"));
    REQUIRE(f.store->commit());
  });
  CHECK_THAT(kept, Catch::Contains("event=ticket_unrouted"));
  CHECK_THAT(counters.render({}, 0), Catch::Contains("\ntuki_tickets_unrouted_total 1\n"));
}

TEST_CASE("a ticket nobody can take is logged and counted, and routed once someone can",
          "[app][tickets][sla]") {
  desk_fixture f;  // the built-in routing, no staff and no coordinator: nobody at all
  app::metrics counters;
  f.desk->set_metrics(&counters);
  core::result<app::opened_ticket> opened = core::status::internal("not run");
  const auto log = f.log_of([&] {
    opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  });
  INFO(log);
  REQUIRE(opened);
  CHECK_FALSE(opened->routed);
  CHECK(f.store->get_ticket(opened->id)->status == "NEW");
  CHECK(f.take("mail", t0).empty());
  CHECK_THAT(log, Catch::Contains("level=error event=ticket_unrouted ticket_id=" +
                                  std::to_string(opened->id) + " institution=varia category=life"));
  CHECK_THAT(log, !Catch::Contains(f.student.first_name));
  CHECK_THAT(counters.render({}, 0), Catch::Contains("\ntuki_tickets_unrouted_total 1\n"));
  CHECK(f.store->tickets_unrouted() == 1);  // the /metrics gauge tuki_tickets_unrouted

  // Routed again every sla_retry_after: still nobody, so it stays NEW and waits for the next.
  const auto retry = t0 + app::sla_retry_after;
  auto steps = f.desk->run_sla(*f.store, starts_any, retry);
  REQUIRE(steps);
  CHECK(*steps == 0);
  CHECK(f.store->get_ticket(opened->id)->status == "NEW");
  f.add_staff("kuraattori@varia.test", "social_worker");  // staff imported later
  steps =
      f.desk->run_sla(*f.store, starts_any, retry + app::sla_retry_after - std::chrono::seconds(1));
  REQUIRE(steps);
  CHECK(*steps == 0);
  const auto routed_at = retry + app::sla_retry_after;
  steps = f.desk->run_sla(*f.store, starts_any, routed_at);
  REQUIRE(steps);
  CHECK(*steps == 1);
  auto row = f.store->get_ticket(opened->id);
  CHECK(row->status == "OPENED");
  CHECK(row->assignee == "kuraattori@varia.test");
  CHECK(f.store->tickets_unrouted() == 0);
  auto mails = f.take("mail", routed_at);
  REQUIRE(mails.size() == 1);
  CHECK(recipients(mails[0]) == std::vector<std::string>{"kuraattori@varia.test"});
  CHECK_FALSE(link_of(mails[0], "acknowledge").empty());
  // From here it is an ordinary ticket: its SLA clock starts when it was routed.
  steps = f.desk->run_sla(*f.store, starts_any, routed_at + std::chrono::hours(48));
  REQUIRE(steps);
  CHECK(*steps == 1);
  CHECK(f.ticket(opened->id).reminded_at == routed_at + std::chrono::hours(48));
  CHECK_THAT(counters.render({}, 0), Catch::Contains("\ntuki_tickets_unrouted_total 1\n"));
}

TEST_CASE("a routing file without a time zone judges working hours in the institution's zone",
          "[app][tickets][time_zone]") {
  desk_fixture f(R"(tuki_routing: 1
fallback_role: study_counsellor
rules:
  - {category: wellbeing, roles: [social_worker]}
staff:
  - email: kuraattori@varia.test
    roles: [social_worker]
    working_hours:
      - {days: [mon, tue, wed, thu, fri], from: "08:00", to: "16:00"}
  - {email: paivystys@varia.test, roles: [study_counsellor], on_call: true}
)");
  f.cfg.institutions[0].timezone = "Europe/Stockholm";
  f.desk =
      std::make_unique<app::ticket_desk>(f.cfg, app::role_names::load(f.cfg.dialogs_dir).value());
  REQUIRE(f.desk->load_status().is_ok());
  auto assignee_at = [&](core::instant at) {
    auto opened =
        f.desk->open(*f.store, f.student, "wellbeing", core::urgency::urgent, "", "", "", at);
    REQUIRE(opened);
    return f.store->get_ticket(opened->id)->assignee;
  };
  // Monday 2026-09-21, 05:30 UTC: 07:30 in Stockholm (not at work yet; an urgent ticket goes to
  // the on-call person), though 08:30 in Helsinki, the zone a file without one used to get.
  const auto monday_0530_utc = core::from_unix_ms(1'789'968'600'000);
  CHECK(assignee_at(monday_0530_utc) == "paivystys@varia.test");
  CHECK(assignee_at(monday_0530_utc + std::chrono::hours(1)) == "kuraattori@varia.test");
}

TEST_CASE("follow-up answers without a followed-up ticket are ignored", "[app][tickets]") {
  desk_fixture f;
  auto none = f.desk->record_followup_answer(*f.store, f.student.id, "helped", "no", t0);
  REQUIRE(none);
  CHECK(*none == 0);
}

TEST_CASE("two unanswered check-ins in a row open a no_reply ticket for the own teacher",
          "[app][tickets]") {
  desk_fixture f;
  auto a = f.desk->record_checkin(*f.store, f.student, routing::checkin_outcome::unanswered, t0);
  REQUIRE(a);
  CHECK_FALSE(*a);
  auto b = f.desk->record_checkin(*f.store, f.student, routing::checkin_outcome::unanswered,
                                  t0 + std::chrono::days(7));
  REQUIRE(b);
  REQUIRE(*b);
  auto row = f.store->get_ticket((*b)->id);
  REQUIRE(row);
  CHECK(row->category == "no_reply");
  CHECK(row->assignee == "teacher@varia.test");
  auto c = f.desk->record_checkin(*f.store, f.student, routing::checkin_outcome::answered,
                                  t0 + std::chrono::days(14));
  REQUIRE(c);
  CHECK_FALSE(*c);
  auto d1 = f.desk->record_checkin(*f.store, f.student, routing::checkin_outcome::delivery_failed,
                                   t0 + std::chrono::days(15));
  auto d2 = f.desk->record_checkin(*f.store, f.student, routing::checkin_outcome::delivery_failed,
                                   t0 + std::chrono::days(16));
  REQUIRE(d1);
  REQUIRE(d2);
  CHECK_FALSE(*d1);
  REQUIRE(*d2);
  CHECK(f.store->get_ticket((*d2)->id)->category == "delivery_failed");
}

// --- staff who left (deactivated): no new tickets, their open tickets handed over ---

namespace {

// The ticket's history events as ticket_events rows.
std::vector<std::string> event_rows(desk_fixture& f, std::int64_t id) {
  std::vector<std::string> events;
  auto& q =
      f.store->db().prepare("SELECT event FROM ticket_events WHERE ticket_id = ?1 ORDER BY id");
  q.bind(1, id);
  while (q.step()) events.push_back(q.column_text(0));
  q.reset();
  return events;
}

std::vector<std::string> assignee_emails(const routing::ticket& t) {
  std::vector<std::string> out;
  for (const auto& a : t.assignees) out.push_back(a.email);
  return out;
}

}  // namespace

TEST_CASE("an open ticket whose only assignee left is routed again by the SLA pump",
          "[app][tickets][departure]") {
  desk_fixture f;
  auto [id, mail] = social_worker_ticket(f);
  // Acknowledged: no SLA step is pending for a week, and still the ticket must not stay with her.
  auto ack = f.desk->act(*f.store, *f.lib, link_of(mail, "acknowledge"), t0);
  REQUIRE(ack);
  REQUIRE(ack->http_status == 200);
  CHECK(f.store->tickets_due(t0 + std::chrono::days(7) - std::chrono::minutes(1), 10).empty());
  f.add_staff("sosiaali@varia.test", "social_worker");

  const auto left_at = t0 + std::chrono::hours(2);
  std::string log = f.log_of([&] {
    auto d = app::deactivate_staff(*f.store, "varia", {"Kuraattori@varia.test"}, left_at);
    REQUIRE(d);
    CHECK(d->ids.size() == 1);
    CHECK(d->tickets_due == 1);
  });
  CHECK_THAT(log, Catch::Contains("event=staff_deactivated"));
  CHECK_THAT(log, !Catch::Contains("kuraattori@"));  // ids only
  CHECK(f.store->tickets_due(left_at, 10) == std::vector<std::int64_t>{id});

  const auto pumped = left_at + std::chrono::seconds(30);
  core::result<int> steps = 0;
  log = f.log_of([&] { steps = f.desk->run_sla(*f.store, starts_any, pumped); });
  REQUIRE(steps);
  CHECK(*steps == 1);
  CHECK_THAT(log, Catch::Contains("event=ticket_handed_over"));
  CHECK_THAT(log, !Catch::Contains("@varia.test"));
  auto t = f.ticket(id);
  CHECK(assignee_emails(t) == std::vector<std::string>{"sosiaali@varia.test"});
  CHECK(t.status == routing::ticket_status::opened);  // told, so OPENED again
  CHECK(t.assigned_at == pumped);
  CHECK_FALSE(t.acknowledged_at);
  CHECK(f.store->get_ticket(id)->assignee == "sosiaali@varia.test");
  auto events = event_rows(f, id);
  REQUIRE(events.size() >= 2);
  CHECK(events[events.size() - 2] == "departed");
  CHECK(events.back() == "notified");
  // The new person gets the ticket as a new one, with links; the one who left gets nothing.
  auto mails = f.take("mail", pumped);
  REQUIRE(mails.size() == 1);
  CHECK(recipients(mails[0]) == std::vector<std::string>{"sosiaali@varia.test"});
  CHECK_FALSE(link_of(mails[0], "acknowledge").empty());
  // Done: the pump does not hand it over again, and the new SLA clock runs from the handover.
  CHECK(*f.desk->run_sla(*f.store, starts_any, pumped + std::chrono::hours(1)) == 0);
  CHECK(f.store->tickets_due(pumped + std::chrono::hours(47), 10).empty());

  // New tickets pass over her: each goes to the social worker still there (round-robin would
  // give her every other one).
  for (int i = 0; i < 3; ++i) {
    auto next =
        f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", pumped);
    REQUIRE(next);
    CHECK(f.store->get_ticket(next->id)->assignee == "sosiaali@varia.test");
  }
}

TEST_CASE("staff who left get no new tickets, even when the routing file lists them",
          "[app][tickets][departure]") {
  desk_fixture f(testing::crisis_routing);
  f.add_staff("hoitaja@varia.test", "nurse");
  f.add_staff("psykologi@varia.test", "psychologist");
  auto before = f.desk->open(*f.store, f.student, "crisis", core::urgency::urgent, "", "", "", t0);
  REQUIRE(before);
  CHECK(assignee_emails(f.ticket(before->id)) == std::vector<std::string>{"hoitaja@varia.test",
                                                                          "psykologi@varia.test",
                                                                          "kriisi@varia.test"});
  REQUIRE(app::deactivate_staff(*f.store, "varia", {"hoitaja@varia.test"}, t0));
  auto after = f.desk->open(*f.store, f.student, "crisis", core::urgency::urgent, "", "", "", t0);
  REQUIRE(after);
  CHECK(assignee_emails(f.ticket(after->id)) ==
        std::vector<std::string>{"psykologi@varia.test", "kriisi@varia.test"});

  // Importing her again makes her a candidate again.
  core::staff_member back;
  back.institution_id = "varia";
  back.email = "hoitaja@varia.test";
  back.roles = {"nurse"};
  auto imported = app::import_staff(*f.store, "varia", {back}, false, t0);
  REQUIRE(imported);
  CHECK(imported->stored.reactivated == 1);
  auto again = f.desk->open(*f.store, f.student, "crisis", core::urgency::urgent, "", "", "", t0);
  REQUIRE(again);
  CHECK(f.ticket(again->id).is_assignee("hoitaja@varia.test"));
}

TEST_CASE("someone who left is taken off a shared crisis ticket, which stays with the others",
          "[app][tickets][departure]") {
  desk_fixture f(testing::crisis_routing);
  f.add_staff("hoitaja@varia.test", "nurse");
  auto opened = f.desk->open(*f.store, f.student, "crisis", core::urgency::urgent, "", "", "", t0);
  REQUIRE(opened);
  f.take("mail", t0);
  const auto before = f.ticket(opened->id);
  const auto left_at = t0 + std::chrono::minutes(5);
  auto d = app::deactivate_staff(*f.store, "varia", {"hoitaja@varia.test"}, left_at);
  REQUIRE(d);
  CHECK(d->tickets_due == 1);
  auto steps = f.desk->run_sla(*f.store, starts_any, left_at);
  REQUIRE(steps);
  CHECK(*steps == 1);
  auto t = f.ticket(opened->id);
  CHECK(assignee_emails(t) ==
        std::vector<std::string>{"psykologi@varia.test", "kriisi@varia.test"});
  CHECK(t.role == before.role);
  CHECK(t.assigned_at == before.assigned_at);  // the crisis SLA clock goes on
  CHECK(t.history.back().event == "departed");
  CHECK(f.take("mail", left_at).empty());  // nobody new to tell
  // The crisis reminder (30 min) reaches the others only.
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::minutes(30)));
  std::set<std::string> reminded;
  for (const auto& m : f.take("mail", t0 + std::chrono::minutes(30)))
    reminded.insert(recipients(m).at(0));
  CHECK(reminded == std::set<std::string>{"psykologi@varia.test", "kriisi@varia.test"});
}

TEST_CASE("a ticket whose only assignee left, with nobody else, is noted once and tried again",
          "[app][tickets][departure]") {
  desk_fixture f;  // the built-in routing: no coordinator
  auto [id, mail] = social_worker_ticket(f);
  REQUIRE(app::deactivate_staff(*f.store, "varia", {"kuraattori@varia.test"}, t0));
  core::result<int> steps = 0;
  auto log = f.log_of([&] { steps = f.desk->run_sla(*f.store, starts_any, t0); });
  REQUIRE(steps);
  CHECK(*steps == 0);
  CHECK_THAT(log, Catch::Contains("level=error event=ticket_handover_failed"));
  CHECK_THAT(log, !Catch::Contains("@varia.test"));
  CHECK(f.take("mail", t0).empty());
  CHECK(f.store->tickets_due(t0 + std::chrono::minutes(4), 10).empty());
  CHECK(f.store->tickets_due(t0 + app::sla_retry_after, 10) == std::vector<std::int64_t>{id});
  // Tried again 5 minutes later: still nobody, and one note, not two.
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + app::sla_retry_after));
  int notes = 0;
  for (const auto& h : f.ticket(id).history) notes += h.event == "note";
  CHECK(notes == 1);
  // A reminder would reach nobody who is still there: none is sent, even when it is due.
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + std::chrono::hours(49)));
  CHECK(f.take("mail", t0 + std::chrono::hours(49)).empty());
  // Someone joins: the next try routes it to them.
  f.add_staff("sosiaali@varia.test", "social_worker");
  auto later = t0 + std::chrono::hours(50);
  auto routed = f.desk->run_sla(*f.store, starts_any, later);
  REQUIRE(routed);
  CHECK(*routed == 1);
  CHECK(assignee_emails(f.ticket(id)) == std::vector<std::string>{"sosiaali@varia.test"});
}

TEST_CASE("the student's new message is not mailed to staff who left; reaching nobody is logged",
          "[app][tickets][departure]") {
  desk_fixture f("",
                 "    staff_messages_include_text: true\n");  // built-in routing: no coordinator
  auto [id, mail] = social_worker_ticket(f);
  REQUIRE(app::deactivate_staff(*f.store, "varia", {"kuraattori@varia.test"}, t0));
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0));  // the hand-over fails: nobody else
  REQUIRE(f.ticket(id).is_assignee("kuraattori@varia.test"));
  const auto wrote = t0 + std::chrono::hours(1);
  auto log =
      f.log_of([&] { REQUIRE(f.desk->student_wrote(*f.store, id, "i still feel awful", wrote)); });
  CHECK(f.take("mail", wrote).empty());
  CHECK_THAT(log, Catch::Contains("event=student_message_reached_nobody ticket_id=" +
                                  std::to_string(id) + " institution=varia"));
  CHECK_THAT(log, !Catch::Contains("awful"));
  CHECK_THAT(log, !Catch::Contains(f.student.phone));
}

TEST_CASE("an escalation passes over a backup who said not mine on the ticket, for the coordinator",
          "[app][tickets][sla]") {
  desk_fixture f(two_roles_routing(R"(staff:
  - email: a.kuraattori@varia.test
    roles: [social_worker]
    backup: b.kuraattori@varia.test
  - email: b.kuraattori@varia.test
    roles: [social_worker]
    backup: a.kuraattori@varia.test
)"));
  f.add_staff("a.kuraattori@varia.test", "social_worker");
  f.add_staff("b.kuraattori@varia.test", "social_worker");
  using std::chrono::hours;
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  auto mails = f.take("mail", t0);
  REQUIRE(mails.size() == 1);
  const auto first = recipients(mails[0]).at(0);
  const auto start = t0 + std::chrono::minutes(1);
  auto passed = f.desk->act(*f.store, *f.lib, link_of(mails[0], "not_mine"), start);
  REQUIRE(passed);
  REQUIRE(passed->http_status == 200);
  auto moved = f.take("mail", start);
  REQUIRE(moved.size() == 1);
  REQUIRE(recipients(moved[0]).at(0) != first);  // the other one, whose backup said not mine
  REQUIRE(f.desk->run_sla(*f.store, starts_any, start + hours(48)));
  REQUIRE(f.take("mail", start + hours(48)).size() == 1);  // the reminder
  REQUIRE(f.desk->run_sla(*f.store, starts_any, start + hours(96)));
  auto escalation = f.take("mail", start + hours(96));
  REQUIRE(escalation.size() == 1);
  CHECK(recipients(escalation[0]) == std::vector<std::string>{"coordinator@varia.test"});
  CHECK(recipients(escalation[0]) != std::vector<std::string>{first});  // who said not mine
}

TEST_CASE("a backup who took a ticket over and said not mine cannot take it back",
          "[app][tickets][sla]") {
  desk_fixture f(coordinated_routing(R"(staff:
  - email: kuraattori@varia.test
    roles: [social_worker]
    backup: vara@varia.test
)"));
  f.add_staff("kuraattori@varia.test", "social_worker");
  f.add_staff("vara@varia.test", "social_worker");
  using std::chrono::hours;
  // Only the first one is at work: the ticket is theirs, and the escalation their backup's.
  REQUIRE(f.store->deactivate_staff("varia", {"vara@varia.test"}, t0));
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  REQUIRE(f.take("mail", t0).size() == 1);
  f.add_staff("vara@varia.test", "social_worker");  // imported again: active
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + hours(48)));
  f.take("mail", t0 + hours(48));
  REQUIRE(f.desk->run_sla(*f.store, starts_any, t0 + hours(96)));
  auto escalation = f.take("mail", t0 + hours(96));
  REQUIRE(escalation.size() == 1);
  REQUIRE(recipients(escalation[0]) == std::vector<std::string>{"vara@varia.test"});
  const auto take = link_of(escalation[0], "acknowledge");
  REQUIRE(f.desk->act(*f.store, *f.lib, take, t0 + hours(97))->http_status == 200);
  REQUIRE(f.ticket(opened->id).is_assignee("vara@varia.test"));
  // The backup says not mine (a link of a later email): the first one keeps it.
  routing::action_link l{std::to_string(opened->id),
                         routing::ticket_action::not_mine,
                         "",
                         "vara@varia.test",
                         t0 + hours(120),
                         "nonce-vara-not-mine"};
  auto not_mine = routing::make_action_link("link-key", "https://tuki.test", l);
  REQUIRE(not_mine);
  REQUIRE(f.desk
              ->act(*f.store, *f.lib, not_mine->substr(std::string("https://tuki.test").size()),
                    t0 + hours(98))
              ->http_status == 200);
  REQUIRE_FALSE(f.ticket(opened->id).is_assignee("vara@varia.test"));

  // The escalation email's link, used again, takes nothing back.
  auto page = f.desk->confirm(*f.store, take, t0 + hours(99));
  REQUIRE(page);
  CHECK(page->http_status == 403);
  auto acted = f.desk->act(*f.store, *f.lib, take, t0 + hours(99));
  REQUIRE(acted);
  CHECK(acted->http_status == 403);
  CHECK(acted->said == routing::action_message::not_assignee);
  CHECK_FALSE(f.ticket(opened->id).is_assignee("vara@varia.test"));
}

TEST_CASE("a reassign to a role whose only holder is away is refused and changes nothing",
          "[app][tickets][reassign]") {
  desk_fixture f(two_roles_routing());
  f.add_staff("kuraattori@varia.test", "social_worker");
  auto opened = f.desk->open(*f.store, f.student, "life", core::urgency::normal, "", "", "", t0);
  REQUIRE(opened);
  auto mails = f.take("mail", t0);
  REQUIRE(mails.size() == 1);
  auto link = link_of(mails[0], "reassign");
  REQUIRE_FALSE(link.empty());  // to study_counsellor, which nobody holds: only the coordinator
  auto r = f.desk->act(*f.store, *f.lib, link, t0 + std::chrono::minutes(1));
  REQUIRE(r);
  CHECK(r->http_status == 409);
  CHECK(r->said == routing::action_message::nobody_holds_role);
  const auto t = f.ticket(opened->id);
  CHECK(assignee_emails(t) == std::vector<std::string>{"kuraattori@varia.test"});
  CHECK(t.role == "social_worker");
  CHECK(f.take("mail", t0 + std::chrono::minutes(1)).empty());
}

TEST_CASE(
    "a follow-up ticket routed late still names the ticket it follows up and goes to its role",
    "[app][tickets][sla][followup]") {
  desk_fixture f;  // built-in routing: no coordinator
  auto [first, mail] = social_worker_ticket(f);
  REQUIRE(f.desk->act(*f.store, *f.lib, link_of(mail, "resolve"), t0)->http_status == 200);
  const auto asked = t0 + std::chrono::days(14);
  REQUIRE(f.desk->run_sla(*f.store, starts_any, asked));
  REQUIRE(f.ticket(first).followup_at);
  REQUIRE(app::deactivate_staff(*f.store, "varia", {"kuraattori@varia.test"}, asked));
  auto again = f.desk->open(*f.store, f.student, "followup", core::urgency::high, "", "followup",
                            "", asked + std::chrono::hours(1));
  REQUIRE(again);
  REQUIRE_FALSE(again->routed);
  f.add_staff("sosiaali@varia.test", "social_worker");
  f.add_staff("opo@varia.test", "study_counsellor");
  REQUIRE(f.desk->run_sla(*f.store, starts_any, asked + std::chrono::hours(2)));
  auto t = f.ticket(again->id);
  CHECK(t.follows_up == std::to_string(first));
  CHECK(t.role == "social_worker");
  CHECK(assignee_emails(t) == std::vector<std::string>{"sosiaali@varia.test"});
}

TEST_CASE("two notices of one kind to one person in one second have their own Message-IDs",
          "[app][tickets][mail]") {
  desk_fixture f;
  auto [id, mail] = social_worker_ticket(f);
  const auto at = t0 + std::chrono::minutes(5);
  REQUIRE(f.desk->student_wrote(*f.store, id, "first", at));
  REQUIRE(f.desk->student_wrote(*f.store, id, "second", at + std::chrono::milliseconds(300)));
  auto mails = f.take("mail", at + std::chrono::seconds(1));
  REQUIRE(mails.size() == 2);
  auto message_id = [](const adapters::outbox_job& j) {
    auto m = mail_text(j);
    auto p = m.find("Message-ID: ");
    REQUIRE(p != std::string::npos);
    return m.substr(p, m.find("\r\n", p) - p);
  };
  CHECK(message_id(mails[0]) != message_id(mails[1]));
}
