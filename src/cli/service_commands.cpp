#include "tuki/cli/service_commands.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "tuki/adapters/phone/phone_normalizer.hpp"
#include "tuki/app/campaign_planner.hpp"
#include "tuki/app/conversation.hpp"
#include "tuki/app/institution_routing.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/number_opt_out.hpp"
#include "tuki/app/roster_import.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/staff_roster.hpp"
#include "tuki/app/student_import.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/cli/cli_support.hpp"
#include "tuki/core/config/config.hpp"
#include "tuki/core/schedule/local_time.hpp"

namespace tuki::cli {
namespace {

using app::wall_now;

struct common_options {
  std::string config = "config/tuki.yaml";
};

core::result<config::config> load(const common_options& o) {
  return load_checked_config(o.config);
}

core::result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::status::io_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class progress_bar {
 public:
  progress_bar() : tty_(::isatty(2) == 1) {}
  void show(std::size_t done, std::size_t total, std::size_t rows) {
    if (!tty_ || total == 0) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && done < total) return;
    last_ = now;
    int width = 40, filled = static_cast<int>(width * done / total);
    std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] "
              << (100 * done / total) << "% " << rows << " rows" << std::flush;
    drawn_ = true;
  }
  void finish() {
    if (drawn_) std::cerr << "\n";
  }

 private:
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// `checkin send` starts now, whatever the hour: inside the institution's quiet hours (or on a
// holiday) the operator is told so, and how to start at the next allowed moment instead.
void warn_quiet_hours(const config::config& cfg, const config::institution_settings& inst,
                      const std::string& dialog, const std::string& to, core::instant now) {
  auto sched = app::load_institution_schedule(inst);
  if (!sched) return;
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(inst.timezone);
  } catch (const std::exception&) {
    return;
  }
  if (schedule::is_allowed(now, sched->quiet, *tz, sched->holidays)) return;
  std::string msg = "warning: it is " + date::format("%H:%M", schedule::local_time(now, *tz)) +
                    " in " + inst.timezone + ", inside " + inst.id +
                    "'s quiet hours or a holiday; the check-in starts now anyway";
  if (auto next = schedule::next_allowed(now, sched->quiet, *tz, sched->holidays))
    msg += ". To start at the next allowed moment (" +
           date::format("%a %H:%M", schedule::local_time(*next, *tz)) +
           ") instead: tuki campaign send --dialog " + dialog + " --to " + to + " --now" +
           (cfg.institutions.size() > 1 ? " --institution " + inst.id : "");
  std::cerr << "tuki: " << msg << "\n";
}

// `students opt-out PHONE` and `students opt-in PHONE`: the number as the institution's people
// dial it, normalised as inbound numbers are (libphonenumber, the institution's country).
void add_number_contact_command(CLI::App& students, bool opted_out, int& exit_code) {
  auto* cmd = students.add_subcommand(
      opted_out ? "opt-out" : "opt-in",
      opted_out ? "Stop texting a phone number, as if it had texted STOP (nothing is texted)"
                : "Text a phone number again, as if it had texted START (nothing is texted)");
  auto common = std::make_shared<common_options>();
  auto phone = std::make_shared<std::string>();
  auto inst_id = std::make_shared<std::string>();
  cmd->add_option("phone", *phone, "The number, as dialled in the institution's country or E.164")
      ->required();
  cmd->add_option("--institution", *inst_id,
                  "Institution whose country reads the number (default: the only one)");
  cmd->add_option("--config", common->config, "Configuration file")->capture_default_str();
  cmd->callback([common, phone, inst_id, opted_out, &exit_code] {
    auto cfg = load(*common);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    const auto* inst = institution_or_fail(*cfg, *inst_id, exit_code);
    if (!inst) return;
    auto number = adapters::normalize_phone(*phone, inst->country);
    if (!number) {
      exit_code = fail(2, number.error().message());
      return;
    }
    auto store = app::open_store(*cfg);
    if (!store) {
      exit_code = fail(1, store.error().message());
      return;
    }
    app::number_contact_change n;
    auto st = in_transaction(**store, [&](adapters::sqlite_store& s) {
      auto done = app::set_number_contact(s, *number, opted_out, wall_now());
      if (done) n = *done;
      return done.error();
    });
    if (!st) {
      exit_code = fail(1, st.message());
      return;
    }
    std::cout << (opted_out ? "opted out " : "opted in ") << *number
              << (n.was_opted_out == opted_out
                      ? (opted_out ? " (it was opted out already)" : " (it was not opted out)")
                      : "")
              << ": " << n.students.size() << " students hold it; ";
    if (opted_out)
      std::cout << (n.students.empty() ? "a student given it later is opted out as stored"
                                       : "it gets no check-ins or dialog texts")
                << " until 'tuki students opt-in' or START from it";
    else
      std::cout << "they get texts again (nothing was texted to say so)";
    std::cout << database_note(*cfg) << "\n";
  });
}

}  // namespace

void register_service_commands(CLI::App& root, int& exit_code) {
  auto common = std::make_shared<common_options>();

  auto* serve = root.add_subcommand("serve", "Run the service: HTTP API, gateways, outbox, timers");
  serve->add_option("--config", common->config, "Configuration file")->capture_default_str();
  serve->callback([common, &exit_code] {
    auto cfg = load(*common);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    auto svc = app::service::create(std::move(*cfg));
    if (!svc) {
      exit_code = fail(2, svc.error().message());
      return;
    }
    exit_code = (*svc)->run();
  });

  auto* students = root.add_subcommand("students", "Manage students");
  students->require_subcommand(1);
  auto* simport = students->add_subcommand("import", "Import or update students from a CSV file");
  auto sfile = std::make_shared<std::string>();
  auto sinst = std::make_shared<std::string>();
  simport->add_option("file", *sfile, "CSV: student_id,phone,first_name,language,group,campus,"
                                      "start_date,teacher_email,timezone")->required();
  simport->add_option("--institution", *sinst, "Institution id (default: the only one)");
  simport->add_option("--config", common->config, "Configuration file")->capture_default_str();
  simport->callback([common, sfile, sinst, &exit_code] {
    auto cfg = load(*common);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    const auto* inst = institution_or_fail(*cfg, *sinst, exit_code);
    if (!inst) return;
    auto store = app::open_store(*cfg);
    if (!store) {
      exit_code = fail(1, store.error().message());
      return;
    }
    progress_bar bar;
    auto summary = app::import_students_file(
        *sfile, **store, inst->id, inst->country, inst->default_language, wall_now(),
        [&bar](const app::import_progress& p) { bar.show(p.bytes_read, p.bytes_total, p.rows_written); });
    bar.finish();
    if (!summary) {
      exit_code = fail(2, *sfile + ": " + summary.error().message());
      return;
    }
    std::cout << "imported " << summary->rows << " students (" << summary->created << " new, "
              << summary->updated << " updated, " << summary->unchanged << " unchanged) into "
              << inst->id << database_note(*cfg) << "\n";
  });

  add_number_contact_command(*students, true, exit_code);
  add_number_contact_command(*students, false, exit_code);
  auto* listed = students->add_subcommand(
      "opted-out", "List the phone numbers opted out (STOP, a gateway's report or opt-out)");
  listed->add_option("--config", common->config, "Configuration file")->capture_default_str();
  listed->callback([common, &exit_code] {
    auto cfg = load(*common);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    auto store = app::open_store(*cfg);
    if (!store) {
      exit_code = fail(1, store.error().message());
      return;
    }
    const auto numbers = (*store)->opted_out_numbers();
    std::cout << numbers.size() << " opted-out numbers" << database_note(*cfg) << "\n";
    for (const auto& n : numbers)
      std::cout << n.number << " since "
                << date::format("%F %H:%M UTC", date::floor<std::chrono::minutes>(n.since)) << ", "
                << n.students << " students\n";
  });

  auto* staff = root.add_subcommand("staff", "Manage staff");
  staff->require_subcommand(1);
  auto* timport = staff->add_subcommand("import", "Import or update staff from a CSV file");
  auto tfile = std::make_shared<std::string>();
  auto tinst = std::make_shared<std::string>();
  auto treplace = std::make_shared<bool>(false);
  timport->add_option("file", *tfile, "CSV: email,name,roles,campuses,groups,phone")->required();
  timport->add_option("--institution", *tinst, "Institution id (default: the only one)");
  timport->add_flag("--replace", *treplace,
                    "The file is the whole staff: deactivate the institution's staff it does not "
                    "list (their open tickets are handed over)");
  timport->add_option("--config", common->config, "Configuration file")->capture_default_str();
  timport->callback([common, tfile, tinst, treplace, &exit_code] {
    auto cfg = load(*common);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    const auto* inst = institution_or_fail(*cfg, *tinst, exit_code);
    if (!inst) return;
    auto text = read_file(*tfile);
    if (!text) {
      exit_code = fail(2, text.error().message());
      return;
    }
    // The roles the institution has: the built-in ones and those its routing file names.
    auto routing = app::load_institution_routing(*cfg, *inst);
    if (!routing) {
      exit_code = fail(2, routing.error().message());
      return;
    }
    auto rows = app::parse_staff_csv(*text, inst->id, inst->country, app::staff_roles_of(*routing));
    if (!rows) {
      exit_code = fail(2, *tfile + ": " + rows.error().message());
      return;
    }
    auto store = app::open_store(*cfg);
    if (!store) {
      exit_code = fail(1, store.error().message());
      return;
    }
    app::staff_import_report n;
    auto st = in_transaction(**store, [&](adapters::sqlite_store& s) {
      auto done = app::import_staff(s, inst->id, *rows, *treplace, wall_now());
      if (done) n = *done;
      return done.error();
    });
    if (!st) {
      const bool refused = st.error_code() == core::status::code::invalid_argument;
      exit_code = fail(refused ? 2 : 1, (refused ? *tfile + ": " : "") + st.message());
      return;
    }
    std::cout << "imported " << rows->size() << " staff members into " << inst->id << " ("
              << n.stored.added << " new, " << n.stored.updated << " updated, "
              << n.stored.unchanged << " unchanged";
    if (*treplace) std::cout << ", " << n.deactivated.ids.size() << " deactivated";
    std::cout << ")" << database_note(*cfg) << "\n";
    if (n.deactivated.tickets_due > 0)
      std::cout << n.deactivated.tickets_due
                << " open tickets of deactivated staff will be handed over by the running "
                   "service\n";
  });

  auto* tdeact = staff->add_subcommand(
      "deactivate", "Deactivate staff who left: no new tickets, their open tickets handed over");
  auto temails = std::make_shared<std::vector<std::string>>();
  auto tdinst = std::make_shared<std::string>();
  tdeact->add_option("email", *temails, "Emails of the staff members (any case)")->required();
  tdeact->add_option("--institution", *tdinst, "Institution id (default: the only one)");
  tdeact->add_option("--config", common->config, "Configuration file")->capture_default_str();
  tdeact->callback([common, temails, tdinst, &exit_code] {
    auto cfg = load(*common);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    const auto* inst = institution_or_fail(*cfg, *tdinst, exit_code);
    if (!inst) return;
    auto store = app::open_store(*cfg);
    if (!store) {
      exit_code = fail(1, store.error().message());
      return;
    }
    adapters::staff_deactivated n;
    auto st = in_transaction(**store, [&](adapters::sqlite_store& s) {
      auto done = app::deactivate_staff(s, inst->id, *temails, wall_now());
      if (done) n = *done;
      return done.error();
    });
    if (!st) {
      // An unknown email: nothing changed.
      exit_code = fail(st.error_code() == core::status::code::not_found ? 2 : 1, st.message());
      return;
    }
    std::cout << "deactivated " << n.ids.size() << " staff members of " << inst->id << " ("
              << n.already << " already inactive); " << n.tickets_due
              << " open tickets will be handed over by the running service" << database_note(*cfg)
              << "\n";
  });

  auto* checkin = root.add_subcommand("checkin", "Check-ins");
  checkin->require_subcommand(1);
  auto* send = checkin->add_subcommand("send", "Start a check-in dialog now");
  auto dialog_id = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto cinst = std::make_shared<std::string>();
  send->add_option("--dialog", *dialog_id, "Dialog id, e.g. weekly_checkin")->required();
  send->add_option("--to", *to, "all, a group, a campus or a student_id")->required();
  send->add_option("--institution", *cinst, "Institution id (default: the only one)");
  send->add_option("--config", common->config, "Configuration file")->capture_default_str();
  send->callback([common, dialog_id, to, cinst, &exit_code] {
    auto cfg = load(*common);
    if (!cfg) {
      exit_code = fail(2, cfg.error().message());
      return;
    }
    const auto* inst = institution_or_fail(*cfg, *cinst, exit_code);
    if (!inst) return;
    auto rt = open_dialog_runtime(*cfg, exit_code);
    if (!rt || !has_dialog(*rt, *cfg, *dialog_id, exit_code)) return;
    auto& store = rt->store;
    auto& conv = *rt->conversation;
    std::size_t started = 0, skipped = 0, selected = 0;
    auto st = in_transaction(*store, [&](adapters::sqlite_store& s) {
      auto ids = s.select_students(inst->id, *to);
      selected = ids.size();
      auto now = wall_now();
      for (auto id : ids) {
        auto r = conv.start_checkin(s, id, *dialog_id, now);
        if (!r) return r.error();
        (*r ? started : skipped)++;
        // It counts towards the gap the scheduler keeps (min_days_between_checkins).
        if (*r)
          if (auto c = s.set_last_checkin(id, now); !c) return c;
      }
      return s.audit("cli", "checkin_send", inst->id, *dialog_id + " to " + *to, now);
    });
    if (!st) {
      exit_code = fail(1, st.message());
      return;
    }
    if (selected == 0) {
      exit_code = fail(1, "no students match '" + *to + "' in " + inst->id);
      return;
    }
    std::cout << "started " << *dialog_id << " for " << started << " students (" << skipped
              << " skipped: opted out, paused or already in a dialog)" << database_note(*cfg)
              << std::endl;
    if (started > 0) warn_quiet_hours(*cfg, *inst, *dialog_id, *to, wall_now());
  });
}

}  // namespace tuki::cli
