// The store side of campaign planning (sqlite_store_campaign.cpp): candidates come in id order
// from the institution only, whichever query serves the selector; planned sends are stored as
// given. Real SQLite files, explicit times.
#include "tuki/adapters/store/sqlite_store.hpp"

#include <algorithm>
#include <filesystem>

#include <set>

#include <catch2/catch.hpp>

using namespace tuki;
using namespace tuki::adapters;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'000'000'000);

struct campaign_store {
  std::filesystem::path path;
  std::unique_ptr<sqlite_store> store;
  campaign_store() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           ("tuki-campaign-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".db");
    cleanup();
    auto st = sqlite_store::open(path.string());
    REQUIRE(st);
    store = std::move(*st);
    REQUIRE(store->upsert_institution("varia", "Varia", "FI", "Europe/Helsinki").is_ok());
    REQUIRE(store->upsert_institution("omnia", "Omnia", "FI", "Europe/Helsinki").is_ok());
  }
  ~campaign_store() {
    store.reset();
    cleanup();
  }
  void cleanup() {
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  }
  /// Students whose refs sort differently from their ids (z9, y8, ... then a1...), in two
  /// institutions, so an index walk on (institution_id, student_ref) would give another order.
  void add_students() {
    std::vector<core::student> v;
    const char* refs[] = {"z9", "y8", "x7", "a1", "b2", "c3"};
    int i = 0;
    for (const char* ref : refs) {
      for (const char* inst : {"varia", "omnia"}) {
        core::student s;
        s.institution_id = inst;
        s.ref = ref;
        s.phone = "+3584000" + std::to_string(10000 + i++);
        s.first_name = std::string("N") + ref;
        s.language = "fi";
        s.group = ref[0] < 'm' ? "LOW" : "HIGH";
        s.campus = "Tikkurila";
        v.push_back(s);
      }
    }
    REQUIRE(store->upsert_students(v, t0).is_ok());
  }
};

std::vector<std::int64_t> ids_of(const std::vector<campaign_candidate_row>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

/// A manual weekly_checkin campaign for varia, as `tuki campaign send` creates one.
core::result<std::int64_t> manual_campaign(sqlite_store& s, const std::string& run_key) {
  campaign_row c;
  c.institution_id = "varia";
  c.rule_id = "manual";
  c.run_key = run_key;
  c.dialog_id = "weekly_checkin";
  return s.create_campaign(c, t0);
}

bool ascending(const std::vector<std::int64_t>& v) {
  for (std::size_t i = 1; i < v.size(); ++i)
    if (v[i - 1] >= v[i]) return false;
  return true;
}

}  // namespace

TEST_CASE("campaign candidates: 'all' is the institution's students in id order",
          "[campaign][store]") {
  campaign_store db;
  db.add_students();
  auto& s = *db.store;
  auto all = s.campaign_candidates("varia", "all");
  REQUIRE(all.size() == 6);
  auto ids = ids_of(all);
  CAPTURE(ids);
  CHECK(ascending(ids));
  std::vector<std::string> refs;
  for (const auto& r : all) refs.push_back(r.ref);
  CHECK(refs == std::vector<std::string>{"z9", "y8", "x7", "a1", "b2", "c3"});  // insertion order
  for (const auto& r : all) {
    INFO(r.ref);
    CHECK(s.get_student(r.id)->institution_id == "varia");
    CHECK(r.first_name == "N" + r.ref);
    CHECK(r.campus == "Tikkurila");
  }
  CHECK(s.campaign_candidates("omnia", "all").size() == 6);
  CHECK(s.campaign_candidates("nowhere", "all").empty());
}

TEST_CASE("campaign candidates: the planning detail reads the same students without the profile",
          "[campaign][store]") {
  campaign_store db;
  db.add_students();
  auto& s = *db.store;
  REQUIRE(s.set_contact_state(s.campaign_candidates("varia", "a1")[0].id, true, std::nullopt, t0).is_ok());
  auto full = s.campaign_candidates("varia", "all");
  auto lean = s.campaign_candidates("varia", "all", sqlite_store::candidate_detail::planning);
  REQUIRE(lean.size() == full.size());
  for (std::size_t i = 0; i < lean.size(); ++i) {
    INFO(full[i].ref);
    CHECK(lean[i].id == full[i].id);
    CHECK(lean[i].ref == full[i].ref);
    CHECK(lean[i].first_name == full[i].first_name);
    CHECK(lean[i].language == full[i].language);
    CHECK(lean[i].timezone == full[i].timezone);
    CHECK(lean[i].opted_out == full[i].opted_out);
    CHECK(lean[i].active == full[i].active);
    CHECK(full[i].campus == "Tikkurila");
    CHECK(lean[i].campus.empty());
    CHECK(lean[i].group.empty());
  }
  CHECK(lean[3].opted_out);  // a1
  CHECK(s.campaign_candidates("varia", "LOW", sqlite_store::candidate_detail::planning).size() == 3);
}

TEST_CASE("campaign candidates: a group, campus or ref selects in id order too",
          "[campaign][store]") {
  campaign_store db;
  db.add_students();
  auto& s = *db.store;
  auto high = s.campaign_candidates("varia", "HIGH");
  REQUIRE(high.size() == 3);
  CHECK(ascending(ids_of(high)));
  for (const auto& r : high) CHECK(r.group == "HIGH");
  CHECK(s.campaign_candidates("varia", "Tikkurila").size() == 6);
  auto one = s.campaign_candidates("varia", "a1");
  REQUIRE(one.size() == 1);
  CHECK(one[0].ref == "a1");
  CHECK(s.campaign_candidates("varia", "nobody").empty());
}

TEST_CASE("planned sends are stored with their day and due time", "[campaign][store]") {
  campaign_store db;
  db.add_students();
  auto& s = *db.store;
  auto rows = s.campaign_candidates("varia", "all");
  auto id = manual_campaign(s, "k");
  REQUIRE(id);
  std::vector<planned_send_row> sends;
  for (std::size_t i = 0; i < rows.size(); ++i)
    sends.push_back({rows[i].id, static_cast<std::uint32_t>(i / 2),
                     t0 + std::chrono::hours(24 * static_cast<int>(i / 2))});
  REQUIRE(s.add_planned_sends(*id, sends, t0).is_ok());
  CHECK(s.planned_sends_waiting() == 6);
  // Only the first day's two are due one hour after t0; the rest wait for their day.
  auto due = s.due_planned_sends(t0 + std::chrono::hours(1), 100);
  REQUIRE(due.size() == 2);
  CHECK(due[0].student_id == rows[0].id);
  CHECK(due[1].student_id == rows[1].id);
  // Candidates are distinct students, one row each even with an active session: this is what
  // keeps a campaign from planning a student twice (planned_sends has no unique index since
  // migration 6).
  REQUIRE(s.save_session(rows[0].id, "weekly_checkin", "{}", t0).is_ok());
  auto again = s.campaign_candidates("varia", "all");
  std::set<std::int64_t> ids;
  for (const auto& r : again) ids.insert(r.id);
  CHECK(again.size() == rows.size());
  CHECK(ids.size() == again.size());
  CHECK(again[0].active);
}

TEST_CASE("planned sends beyond one multi-row insert are stored whole and in order",
          "[campaign][store]") {
  // 300 rows: two full inserts of 128 rows and 44 one by one. Student ids repeat (the
  // foreign key needs existing students; planned_sends has no unique index).
  campaign_store db;
  db.add_students();
  auto& s = *db.store;
  auto rows = s.campaign_candidates("varia", "all");
  auto id = manual_campaign(s, "many");
  REQUIRE(id);
  std::vector<planned_send_row> sends;
  for (int i = 0; i < 300; ++i)
    sends.push_back({rows[static_cast<std::size_t>(i) % rows.size()].id, static_cast<std::uint32_t>(i),
                     t0 + std::chrono::minutes(i)});
  REQUIRE(s.add_planned_sends(*id, sends, t0).is_ok());
  CHECK(s.planned_sends_waiting() == 300);
  auto& q = s.db().prepare("SELECT campaign_id, student_id, day, due_at FROM planned_sends ORDER BY id");
  std::size_t i = 0;
  while (q.step()) {
    INFO("row " << i);
    REQUIRE(i < sends.size());
    CHECK(q.column_int(0) == *id);
    CHECK(q.column_int(1) == sends[i].student_id);
    CHECK(q.column_int(2) == static_cast<std::int64_t>(sends[i].day));
    CHECK(q.column_int(3) == core::to_unix_ms(sends[i].due));
    ++i;
  }
  q.reset();
  CHECK(i == sends.size());
}

TEST_CASE("dated candidates: only students whose date column is in the window, from start_date "
          "or an extra column",
          "[campaign][store]") {
  campaign_store db;
  std::vector<core::student> v;
  const char* dates[] = {"2026-11-01", "2026-11-10", "2026-11-20", "2026-11-30", "not a date", ""};
  for (int i = 0; i < 6; ++i) {
    core::student s;
    s.institution_id = "varia";
    s.ref = "s" + std::to_string(i);
    s.phone = "+35840000" + std::to_string(1000 + i);
    s.language = "fi";
    s.start_date = dates[i];
    s.extra["internship_start"] = dates[5 - i];
    v.push_back(s);
  }
  REQUIRE(db.store->upsert_students(v, t0).is_ok());
  auto refs = [&](const std::string& column, const std::string& first, const std::string& last) {
    std::vector<std::string> out;
    db.store->for_each_candidate_dated("varia", column, first, last,
                                       [&](const campaign_candidate_row& c) { out.push_back(c.ref); });
    return out;
  };
  using list = std::vector<std::string>;
  CHECK(refs("start_date", "2026-11-10", "2026-11-20") == list{"s1", "s2"});
  CHECK(refs("start_date", "2026-11-11", "2026-11-19").empty());
  CHECK(refs("internship_start", "2026-11-10", "2026-11-20") == list{"s3", "s4"});
  CHECK(refs("internship_start", "2026-11-01", "2026-11-30") == list{"s2", "s3", "s4", "s5"});
  CHECK(refs("no_such_column", "2026-01-01", "2026-12-31").empty());
  CHECK(refs("start_date", "2026-11-01", "2026-11-30").size() == 4);
}

TEST_CASE("candidates walked one at a time are the rows campaign_candidates returns",
          "[campaign][store]") {
  campaign_store db;
  db.add_students();
  for (const char* selector : {"all", "LOW", "b2"}) {
    auto held = db.store->campaign_candidates("varia", selector);
    std::vector<std::int64_t> walked;
    std::vector<std::string> groups;
    db.store->for_each_campaign_candidate("varia", selector, sqlite_store::candidate_detail::profile,
                                          [&](const campaign_candidate_row& c) {
                                            walked.push_back(c.id);
                                            groups.push_back(c.group);
                                          });
    INFO(selector);
    CHECK(walked == ids_of(held));
    for (std::size_t i = 0; i < held.size(); ++i) CHECK(groups[i] == held[i].group);
  }
}

TEST_CASE("candidates looked up by id: the institution's students among the ids, with their profile",
          "[campaign][store]") {
  campaign_store db;
  db.add_students();
  auto all = db.store->campaign_candidates("varia", "all");
  auto other = db.store->campaign_candidates("omnia", "all");
  REQUIRE(all.size() == 6);
  REQUIRE(other.size() == 6);
  // Three of varia's students, one of omnia's and an id no student has.
  std::vector<std::int64_t> ids{all[1].id, other[2].id, all[3].id, all[5].id, all[5].id + 1000};
  std::sort(ids.begin(), ids.end());
  std::vector<campaign_candidate_row> seen;
  db.store->for_each_candidate_in("varia", ids, [&](const campaign_candidate_row& c) { seen.push_back(c); });
  REQUIRE(ids_of(seen) == std::vector<std::int64_t>{all[1].id, all[3].id, all[5].id});
  const std::size_t picked[] = {1, 3, 5};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& want = all[picked[i]];
    CHECK(seen[i].ref == want.ref);
    CHECK(seen[i].group == want.group);  // the profile, as a walk gives it
    CHECK(seen[i].campus == "Tikkurila");
  }
  std::vector<std::int64_t> none;
  db.store->for_each_candidate_in("varia", none, [&](const campaign_candidate_row&) { FAIL("no ids"); });
}
