// `tuki campaign plan|send`, `tuki events import`, `tuki deliveries failed`: store-side commands
// that work beside a running `tuki serve` (SQLite WAL; each command is one transaction).
#include "tuki/cli/campaign_commands.hpp"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unordered_map>

#include "tuki/app/campaign_planner.hpp"
#include "tuki/app/conversation.hpp"
#include "tuki/app/event_import.hpp"
#include "tuki/app/service.hpp"
#include "tuki/core/config/config.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/cli/cli_support.hpp"

namespace tuki::cli {
namespace {

using app::wall_now;

struct campaign_options {
  std::string config = "config/tuki.yaml";
  std::string dialog, to, institution;
  bool now = false, dry_run = false;
};

void print_report(const app::campaign_report& r, const campaign_options& o,
                  const std::string& institution, const std::string& database, double ms) {
  using schedule::skip_reason;
  if (r.campaign_id > 0)
    std::cout << "campaign " << r.campaign_id << ": " << o.dialog << " to " << o.to << " in "
              << institution << database << "\n";
  else
    std::cout << "plan (nothing stored): " << o.dialog << " to " << o.to << " in " << institution
              << "\n";
  std::cout << "selected " << r.selected << ", planned " << r.planned << ", skipped "
            << r.skipped_total() << " (opted_out " << r.skipped[0] << ", paused " << r.skipped[1]
            << ", active " << r.skipped[2] << ", capped " << r.skipped[3] << ")\n";
  if (o.now)
    std::cout << "days: 1 (--now: everyone at the next allowed moment)\n";
  else
    std::cout << "days: " << r.per_day.size() << " (at most "
              << (r.per_day_limit ? std::to_string(r.per_day_limit) : std::string("unlimited"))
              << " students per day)\n";
  for (const auto& [day, n] : r.per_day) std::cout << "  " << date::format("%F %a", day) << "  " << n << "\n";
  std::cout << "estimated cost: " << r.segments << " SMS segments";
  if (r.planned > 0)
    std::cout << " (" << std::fixed << std::setprecision(2)
              << static_cast<double>(r.segments) / static_cast<double>(r.planned) << " per message)";
  std::cout << "\n";
  std::cerr << (r.campaign_id > 0 ? "planned and stored in " : "planned in ") << std::fixed << std::setprecision(1) << ms << " ms\n";
}

// "3 events (1 new, 1 updated, 1 unchanged)": a repeated import says that it changed nothing.
std::string events_summary(std::size_t rows, const adapters::events_stored& n) {
  return std::to_string(rows) + " events (" + std::to_string(n.added) + " new, " +
         std::to_string(n.updated) + " updated, " + std::to_string(n.unchanged) + " unchanged)";
}

void run_campaign(const campaign_options& o, bool dry_run, int& exit_code) {
  auto cfg = load_checked_config(o.config);
  if (!cfg) {
    exit_code = fail(2, cfg.error().message());
    return;
  }
  const auto* inst = institution_or_fail(*cfg, o.institution, exit_code);
  if (!inst) return;
  auto sched = app::load_institution_schedule(*inst);
  if (!sched) {
    exit_code = fail(2, sched.error().message());
    return;
  }
  auto rt = open_dialog_runtime(*cfg, exit_code);
  if (!rt || !has_dialog(*rt, *cfg, o.dialog, exit_code)) return;
  auto& store = rt->store;
  auto& conv = *rt->conversation;
  const auto now = wall_now();
  // The opening text differs only by language and first name: measure each pair once.
  std::unordered_map<std::string, std::size_t> cache;
  app::segment_estimator estimate = [&](const adapters::campaign_candidate_row& c) {
    std::string key = c.language + '\n' + c.first_name;
    auto it = cache.find(key);
    if (it == cache.end())
      it = cache.emplace(key, conv.opening_segments(o.dialog, inst->id, c.first_name, c.language, now)).first;
    return it->second;
  };
  app::campaign_request req;
  req.institution_id = inst->id;
  req.dialog_id = o.dialog;
  req.rule_id = "manual";
  req.run_key = std::to_string(core::to_unix_ms(now)) + ":" + o.dialog + ":" + o.to;
  req.immediate = o.now;
  req.dry_run = dry_run;
  app::campaign_report report;
  const auto t0 = std::chrono::steady_clock::now();
  auto st = in_transaction(*store, [&](adapters::sqlite_store& s) -> core::status {
    // A manual campaign matches no schedule rule: the planning columns are enough.
    // Walked, not held: the planner keeps 16 bytes per accepted student.
    const app::candidate_source matching = [&](const adapters::sqlite_store::candidate_visitor& visit) {
      s.for_each_campaign_candidate(inst->id, o.to, adapters::sqlite_store::candidate_detail::planning,
                                    visit);
    };
    auto r = app::plan_and_store_campaign(s, *sched, matching, req, estimate, now);
    if (!r) return r.error();
    if (r->selected == 0) return core::status::not_found("no students match '" + o.to + "' in " + inst->id);
    report = std::move(*r);
    if (dry_run) return core::status::ok();
    return s.audit("cli", "campaign_send", inst->id,
                   o.dialog + " to " + o.to + ": campaign " + std::to_string(report.campaign_id), now);
  });
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!st) {
    exit_code = fail(1, st.message());
    return;
  }
  print_report(report, o, inst->id, database_note(*cfg), ms);
}

}  // namespace

void register_campaign_commands(CLI::App& root, int& exit_code) {
  auto* campaign = root.add_subcommand("campaign", "Plan and send check-in campaigns");
  campaign->require_subcommand(1);
  for (bool send : {false, true}) {
    auto o = std::make_shared<campaign_options>();
    auto* cmd = campaign->add_subcommand(
        send ? "send" : "plan",
        send ? "Plan a campaign and store it: the running service starts each check-in on time"
             : "Show how a campaign would be planned (stores nothing)");
    cmd->add_option("--dialog", o->dialog, "Dialog id, e.g. weekly_checkin")->required();
    cmd->add_option("--to", o->to, "all, a group, a campus or a student_id")->required();
    cmd->add_option("--institution", o->institution, "Institution id (default: the only one)");
    cmd->add_flag("--now", o->now, "No staggering: everyone at the next allowed moment");
    if (send) cmd->add_flag("--dry-run", o->dry_run, "Plan and print only (as `campaign plan`)");
    cmd->add_option("--config", o->config, "Configuration file")->capture_default_str();
    cmd->callback([o, send, &exit_code] { run_campaign(*o, !send || o->dry_run, exit_code); });
  }

  auto* events = root.add_subcommand("events", "Data events for schedule triggers");
  events->require_subcommand(1);
  auto* eimport = events->add_subcommand("import", "Import events from a CSV file");
  auto efile = std::make_shared<std::string>();
  auto einst = std::make_shared<std::string>();
  auto econfig = std::make_shared<std::string>("config/tuki.yaml");
  eimport->add_option("file", *efile, "CSV: student_id,event,date,value")->required();
  eimport->add_option("--institution", *einst, "Institution id (default: the only one)");
  eimport->add_option("--config", *econfig, "Configuration file")->capture_default_str();
  eimport->callback([efile, einst, econfig, &exit_code] {
    auto cfg = load_checked_config(*econfig);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    const auto* inst = institution_or_fail(*cfg, *einst, exit_code);
    if (!inst) return;
    std::ifstream in(*efile, std::ios::binary);
    if (!in) {
      exit_code = fail(2, "cannot read " + *efile);
      return;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::vector<app::event_error> errors;
    auto rows = app::parse_events_csv(text.str(), errors);
    if (!rows) {  // not UTF-8: the whole file is refused, as a students or staff file is
      exit_code = fail(2, *efile + ": " + rows.error().message());
      return;
    }
    auto store = app::open_store(*cfg);
    if (!store) {
      exit_code = fail(1, store.error().message());
      return;
    }
    adapters::events_stored stored;
    auto st = in_transaction(**store, [&](adapters::sqlite_store& s) -> core::status {
      auto n = app::store_events(s, inst->id, *rows, errors, wall_now());
      if (!n) return n.error();
      if (!errors.empty()) return core::status::invalid_argument("bad rows");
      stored = *n;
      return s.audit("cli", "events_import", inst->id, events_summary(rows->size(), stored),
                     wall_now());
    });
    if (!errors.empty()) {
      std::sort(errors.begin(), errors.end(),
                [](const app::event_error& a, const app::event_error& b) { return a.where < b.where; });
      for (const auto& e : errors) std::cerr << *efile << ": line " << e.where << ": " << e.reason << "\n";
      exit_code = fail(2, std::to_string(errors.size()) + " bad rows (nothing imported)");
      return;
    }
    if (!st) {
      exit_code = fail(1, st.message());
      return;
    }
    std::cout << "imported " << events_summary(rows->size(), stored) << " into " << inst->id
              << database_note(*cfg) << "\n";
  });

  auto* deliveries = root.add_subcommand("deliveries", "Delivery problems");
  deliveries->require_subcommand(1);
  auto* failed = deliveries->add_subcommand("failed", "Students whose SMS could not be delivered");
  auto finst = std::make_shared<std::string>();
  auto fconfig = std::make_shared<std::string>("config/tuki.yaml");
  failed->add_option("--institution", *finst, "Institution id (default: the only one)");
  failed->add_option("--config", *fconfig, "Configuration file")->capture_default_str();
  failed->callback([finst, fconfig, &exit_code] {
    auto cfg = load_checked_config(*fconfig);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    const auto* inst = institution_or_fail(*cfg, *finst, exit_code);
    if (!inst) return;
    auto store = app::open_store(*cfg);
    if (!store) {
      exit_code = fail(1, store.error().message());
      return;
    }
    std::cout << "student_id,failed_deliveries,last_failure\n";
    for (const auto& r : (*store)->students_with_delivery_failures(inst->id)) {
      std::cout << r.ref << "," << r.failures << ",";
      if (r.last_failure)
        std::cout << date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(*r.last_failure));
      std::cout << "\n";
    }
  });
}

}  // namespace tuki::cli
