#include "tuki/app/student_import.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "tuki/adapters/phone/phone_workers.hpp"
#include "tuki/app/csv_import_text.hpp"
#include "tuki/app/roster_import.hpp"
#include "tuki/core/text/csv.hpp"

namespace tuki::app {
namespace {

constexpr std::size_t chunk_rows = 4096;  // the check's unit, and the copy's
// Bounds memory when the calling thread (duplicates, staging) falls behind the checkers.
constexpr std::size_t max_chunks_ahead = 16;
// A write transaction holds the database's one write lock: each copies chunks for about this
// long or this many rows, whichever comes first, and the lock is then left free for a moment,
// so that a running `tuki serve` writes between two of them (its wait for the lock tries every
// half millisecond: sqlite_connection.cpp). A chunk of 4,096 rows takes 15-25 ms.
constexpr auto transaction_time = std::chrono::milliseconds(100);
constexpr std::size_t transaction_rows = 4 * chunk_rows;
constexpr auto lock_pause = std::chrono::milliseconds(2);

struct checked_chunk {
  struct entry {
    std::size_t line;
    bool valid;  // false: the row has errors; it only takes part in the duplicate check
    core::student student;
  };
  std::vector<entry> students;
  std::vector<std::string> errors;
};

// The check: a reader thread cuts `text` (after its header) into chunks of rows, a pool of
// `threads` checkers parses them, and `take` gets each checked chunk on the calling thread, in
// file order, until it returns false. The numbers are normalised by `workers` (may be null:
// in-process). Returns the CSV reader's error (a malformed row), if any.
core::status check_chunks(std::string_view text, const student_row_parser& parser, unsigned threads,
                          adapters::phone_workers* workers,
                          const std::function<bool(checked_chunk&)>& take) {
  auto reader = open_import_csv(text);
  if (auto header = read_csv_header(reader, student_row_parser::required_columns()); !header)
    return header.error();
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::pair<std::size_t, std::vector<core::csv_row>>> work;
  std::map<std::size_t, checked_chunk> done;
  std::size_t chunks_total = 0;
  bool reading_done = false, abort = false;
  core::status read_error;

  // Reader: cuts the file into chunks of rows (the CSV reader itself is sequential).
  std::thread reader_thread([&] {
    std::size_t index = 0;
    while (true) {
      std::vector<core::csv_row> rows;
      rows.reserve(chunk_rows);
      core::csv_row row;
      while (rows.size() < chunk_rows && next_import_row(reader, row))
        rows.push_back(std::move(row));
      const std::size_t got = rows.size();
      std::unique_lock lock(mutex);
      if (!reader.error().is_ok()) read_error = reader.error();
      if (got > 0) {
        changed.wait(lock, [&] { return abort || work.size() + done.size() < max_chunks_ahead; });
        if (abort) break;
        work.emplace_back(index++, std::move(rows));
        changed.notify_all();
      }
      if (got < chunk_rows || !read_error.is_ok()) break;
    }
    std::lock_guard lock(mutex);
    chunks_total = index;
    reading_done = true;
    changed.notify_all();
  });

  // Checkers: validate rows and normalise phone numbers, in parallel.
  std::vector<std::thread> checkers;
  for (unsigned t = 0; t < threads; ++t)
    checkers.emplace_back([&, t] {
      std::vector<std::string_view> phones;
      while (true) {
        std::pair<std::size_t, std::vector<core::csv_row>> job;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return abort || !work.empty() || reading_done; });
          if (abort || (work.empty() && reading_done)) return;
          job = std::move(work.front());
          work.pop_front();
        }
        checked_chunk out;
        out.students.reserve(job.second.size());
        // The chunk's numbers, in one round trip to this checker's worker (if it fails, the
        // numbers are normalised here instead).
        std::optional<std::vector<core::result<std::string>>> normalized;
        if (workers) {
          phones.clear();
          for (const auto& row : job.second) phones.push_back(parser.phone_field(row));
          if (auto n = workers->normalize(t, phones)) normalized = std::move(*n);
        }
        for (std::size_t i = 0; i < job.second.size(); ++i) {
          const auto& row = job.second[i];
          std::size_t before = out.errors.size();
          auto s = parser.parse(row, out.errors, normalized ? &(*normalized)[i] : nullptr);
          if (s) out.students.push_back({row.line, out.errors.size() == before, std::move(*s)});
        }
        std::lock_guard lock(mutex);
        done.emplace(job.first, std::move(out));
        changed.notify_all();
      }
    });

  std::size_t next = 0;
  while (true) {
    checked_chunk chunk;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done.count(next) || (reading_done && next >= chunks_total); });
      if (!done.count(next)) break;
      chunk = std::move(done[next]);
      done.erase(next);
      changed.notify_all();
    }
    ++next;
    if (!take(chunk)) break;
  }
  {
    std::lock_guard lock(mutex);
    abort = true;
    changed.notify_all();
  }
  reader_thread.join();
  for (auto& c : checkers) c.join();
  return read_error;
}

bool has_students(adapters::sqlite_store& store, const std::string& institution_id) {
  return store.db()
             .prepare("SELECT EXISTS (SELECT 1 FROM students WHERE institution_id = ?1)")
             .bind(1, institution_id)
             .first_int()
             .value_or(0) != 0;
}

// The stored student (id, student_ref) of the institution that holds `phone`, if any.
core::result<std::optional<std::pair<std::int64_t, std::string>>> holder_of(
    adapters::sqlite_store& store, const std::string& institution_id, const std::string& phone) {
  auto& q = store.db().prepare(
      "SELECT id, student_ref FROM students WHERE phone = ?1 AND institution_id = ?2");
  q.bind(1, phone).bind(2, institution_id);
  std::optional<std::pair<std::int64_t, std::string>> out;
  if (q.step()) out.emplace(q.column_int(0), q.column_text(1));
  core::status st = q.status();
  q.reset();
  if (!st) return st;
  return out;
}

// The error for a row whose number the database gives to a student the file does not move.
std::string phone_taken(const std::string& owner_ref, std::size_t line) {
  const std::string owner = "'" + owner_ref + "'";
  return "line " + std::to_string(line) + ": phone: the same number as student " + owner +
         ", already stored; give one of them another number (a number moves between students only "
         "when this file gives " +
         owner + " a new one)";
}

// Errors sorted by the line they name ("line 12: ..."); others keep their place after them.
bool by_line(const std::string& a, const std::string& b) {
  auto line_of = [](const std::string& e) -> std::size_t {
    if (e.rfind("line ", 0) != 0) return SIZE_MAX;
    return static_cast<std::size_t>(std::strtoull(e.c_str() + 5, nullptr, 10));
  };
  return line_of(a) < line_of(b);
}

}  // namespace

core::result<import_summary> import_students_file(
    const std::string& path, adapters::sqlite_store& store, const std::string& institution_id,
    const std::string& country, const std::string& default_language, core::instant now,
    const std::function<void(const import_progress&)>& on_progress, unsigned threads) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::status::io_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = std::move(ss).str();
  if (auto st = check_csv_encoding(text); !st) return st;

  std::vector<std::string> header;
  {
    auto reader = open_import_csv(text);
    auto h = read_csv_header(reader, student_row_parser::required_columns());
    if (!h) return h.error();
    header = std::move(*h);
  }
  const student_row_parser parser(header, institution_id, country, default_language);
  // Without the optional column the stored programme stays (extra columns likewise:
  // upsert_student).
  const bool has_programme = std::find(header.begin(), header.end(), "programme") != header.end();

  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Phone numbers go to worker processes when there is more than one checker: libphonenumber's
  // shared pattern cache would serialise checker threads (phone_workers.hpp). Forked here, before
  // this function starts any thread. Without workers the checkers normalise in-process.
  std::unique_ptr<adapters::phone_workers> workers;
  if (threads > 1) {
    if (auto w = adapters::phone_workers::start(threads, country)) workers = std::move(*w);
  }
  const std::size_t lines = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  // How far through: the check of the whole file is the first half, the writes the second.
  auto report = [&](std::size_t rows_seen, bool writing, std::size_t rows_written) {
    if (!on_progress) return;
    const std::size_t half = text.size() / 2;
    const std::size_t part = std::min(half, half * rows_seen / lines);
    on_progress({(writing ? half : 0) + part, text.size(), rows_written});
  };

  // 1. The check: every row, the duplicates within the file, and the numbers the database gives
  // to students the file does not move; all reported at once, and nothing written to the
  // database. The rows are staged meanwhile (sqlite_store::stage_student: the connection's own
  // TEMP table, no lock that another writer waits for), so that the copy after the check is
  // the only work left. Each chunk's reads and staging in one short transaction.
  std::vector<std::string> errors;
  duplicate_check dups;
  dups.reserve(lines);
  struct held_number {
    std::size_t line;
    std::string owner;  // the student_ref that holds the row's number now
  };
  std::vector<held_number> held;
  // A new institution: its numbers are all free, and no row of the file is stored. (Until the
  // copy finds otherwise: another import of the same institution may store rows meanwhile.)
  bool look_up = has_students(store, institution_id);
  if (auto st = store.clear_staged_students(); !st) return st;
  core::status store_error;
  std::size_t rows_seen = 0;
  std::int64_t staged = 0;
  auto read_error = check_chunks(text, parser, threads, workers.get(), [&](checked_chunk& chunk) {
    for (auto& e : chunk.errors) errors.push_back(std::move(e));
    store_error = store.db().exec("BEGIN");
    for (auto& [line, valid, s] : chunk.students) {
      if (!store_error.is_ok()) break;
      ++rows_seen;
      const std::size_t errors_before = errors.size();
      dups.add(s, line, errors);
      if (!valid || errors.size() != errors_before) continue;
      if (look_up) {
        auto holder = holder_of(store, institution_id, s.phone);
        if (!holder)
          store_error = holder.error();
        else if (*holder && (*holder)->second != s.ref)
          held.push_back({line, (*holder)->second});
      }
      // Staged until the first error: the file is then refused whole.
      if (errors.empty() && store_error.is_ok()) {
        if (auto seq = store.stage_student(s, line))
          staged = *seq;
        else  // most likely a full or unwritable temporary directory: say which one
          store_error = core::status::io_error(
              "line " + std::to_string(line) +
              ": keeping the checked rows in SQLite's temporary directory ($SQLITE_TMPDIR or "
              "$TMPDIR, else /var/tmp; about 1.3 times the file's size) failed: " +
              seq.error().message() + "; nothing was imported");
      }
    }
    if (store_error.is_ok())
      store_error = store.db().exec("COMMIT");
    else
      (void)store.db().exec("ROLLBACK");
    report(rows_seen, false, 0);
    return store_error.is_ok();
  });
  workers.reset();
  if (!store_error.is_ok()) return store_error;
  // A number held by a student this file gives another number moves (two students may swap
  // theirs); one held by a student the file does not name is an error.
  bool taken = false;
  for (const auto& h : held)
    if (!dups.has_id(h.owner)) {
      errors.push_back(phone_taken(h.owner, h.line));
      taken = true;
    }
  if (taken) std::stable_sort(errors.begin(), errors.end(), by_line);
  if (!read_error.is_ok()) errors.push_back(read_error.message());
  if (!errors.empty()) {
    (void)store.clear_staged_students();
    return errors_status(errors);
  }

  // 2. The copy of the staged rows (1..staged, file order) into students: chunks of rows, each
  // two statements (sqlite_store::copy_staged_students), in short transactions
  // (transaction_time) with a pause between them. Nothing is known to fail now. A chunk that
  // does fail is copied again one row at a time: a row whose number a student the file moves
  // still holds frees it first (that student gets a placeholder, "moving:" and its row id, until
  // its own row gives it its new number; the transaction does not commit while a placeholder is
  // held, so an import that stops never leaves one), and any other failure (a full disk, a change
  // made meanwhile) stops the import there: the transactions before stay, and the same import run
  // again completes it (each row is an upsert by student_id).
  import_summary summary;  // rows committed
  import_summary pending;  // rows of the open transaction
  auto add = [](import_summary& to, const adapters::sqlite_store::copied_students& c) {
    to.created += static_cast<std::size_t>(c.inserted);
    to.updated += static_cast<std::size_t>(c.updated);
    to.written += static_cast<std::size_t>(c.written());
  };
  bool in_transaction = false;
  std::int64_t first_seq = 0;  // of the open transaction
  auto started = std::chrono::steady_clock::now();
  core::status failure;  // the import's own message, once stopped
  auto line_of = [&](std::int64_t seq) {
    auto row = store.staged_student(seq);
    return row ? row->line : 0;
  };
  // Rows given a placeholder number in the open transaction whose own row is not copied yet.
  std::vector<std::int64_t> moving;
  auto placeholder_held = [&] {
    std::erase_if(moving, [&](std::int64_t id) {
      auto phone = store.db().prepare("SELECT phone FROM students WHERE id = ?1").bind(1, id).first_text();
      return !phone || !phone->starts_with("moving:");
    });
    return !moving.empty();
  };
  auto stop = [&](std::size_t line, const core::status& why) {
    if (in_transaction && store.db().in_transaction()) store.rollback();
    in_transaction = false;
    moving.clear();
    const std::string at = std::to_string(line_of(first_seq));
    failure = core::status::io_error(
        "import stopped at line " + at + " after writing " + std::to_string(summary.rows) +
        " rows: " + (line ? "line " + std::to_string(line) + ": " : "") + why.message() +
        "; the rows before line " + at +
        " are stored; running the same import again completes it (rows already written are "
        "updated, not duplicated)");
    (void)store.audit("cli", "students_import", institution_id,
                      std::to_string(summary.rows) + " rows, stopped at line " + at, now);
  };
  auto commit = [&]() -> bool {
    if (!in_transaction) return true;
    if (auto st = store.commit(); !st) {
      stop(0, st);
      return false;
    }
    in_transaction = false;
    summary.rows += pending.rows;
    summary.written += pending.written;
    summary.created += pending.created;
    summary.updated += pending.updated;
    pending = {};
    report(lines * summary.rows / static_cast<std::size_t>(std::max<std::int64_t>(1, staged)), true,
           summary.rows);
    std::this_thread::sleep_for(lock_pause);  // the lock is free: another writer takes it now
    return true;
  };
  // Copies one staged row; frees its number from a student the file moves.
  auto copy_row = [&](std::int64_t seq) -> core::result<adapters::sqlite_store::copied_students> {
    auto written = store.copy_staged_students(seq, seq, now, has_programme);
    if (written || written.error().error_code() != core::status::code::already_exists)
      return written;
    auto row = store.staged_student(seq);
    if (!row) return written;
    auto holder = holder_of(store, institution_id, row->phone);
    if (!holder) return holder.error();
    if (!*holder) return written;
    if (!dups.has_id((*holder)->second))  // stored since the check
      return core::status::already_exists("phone: the same number as student '" +
                                          (*holder)->second + "', stored meanwhile");
    if (auto st = store.db()
                      .prepare("UPDATE students SET phone = 'moving:' || id WHERE id = ?1")
                      .bind(1, (*holder)->first)
                      .run();
        !st)
      return st;
    moving.push_back((*holder)->first);
    return store.copy_staged_students(seq, seq, now, has_programme);
  };
  for (std::int64_t first = 1; first <= staged && failure.is_ok();
       first += static_cast<std::int64_t>(chunk_rows)) {
    const std::int64_t last = std::min(staged, first + static_cast<std::int64_t>(chunk_rows) - 1);
    if (!in_transaction) {
      first_seq = first;
      if (auto st = store.begin(); !st) {
        stop(0, st);
        break;
      }
      in_transaction = true;
      started = std::chrono::steady_clock::now();
    }
    auto written = store.copy_staged_students(first, last, now, has_programme, !look_up);
    if (written && !look_up && written->inserted < last - first + 1) {
      // Rows of this file stored since the check (another import of the same new institution,
      // run at the same moment): not inserted, so updated, as from here on every chunk is.
      look_up = true;
      auto updated = store.copy_staged_students(first, last, now, has_programme);
      if (updated) updated->inserted += written->inserted;
      written = std::move(updated);
    }
    if (written) {
      add(pending, *written);
    } else if (!store.db().in_transaction()) {  // SQLite rolled the transaction back (I/O)
      stop(line_of(first), written.error());
      break;
    } else {
      for (std::int64_t seq = first; seq <= last; ++seq) {
        auto one = copy_row(seq);
        if (!one) {
          stop(line_of(seq), one.error());
          break;
        }
        add(pending, *one);
      }
      if (!failure.is_ok()) break;
    }
    pending.rows += static_cast<std::size_t>(last - first + 1);
    const bool due = last == staged || pending.rows >= transaction_rows ||
                     std::chrono::steady_clock::now() - started >= transaction_time;
    if (due && placeholder_held()) {
      if (last < staged) continue;  // commits once the student's own row has its new number
      stop(0, core::status::internal("student row " + std::to_string(moving.front()) +
                                     " would keep a placeholder number"));
      break;
    }
    if (due && !commit()) break;
  }
  (void)store.clear_staged_students();
  if (!failure.is_ok()) return failure;
  if (auto st = store.audit("cli", "students_import", institution_id,
                            std::to_string(summary.rows) + " rows", now);
      !st)
    return st;
  summary.unchanged = summary.rows - summary.written;
  if (on_progress) on_progress({text.size(), text.size(), summary.rows});
  return summary;
}

}  // namespace tuki::app
