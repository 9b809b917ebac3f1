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

constexpr std::size_t chunk_rows = 4096;
constexpr std::size_t max_chunks_ahead = 16;  // bounds memory: the writer is the slowest stage
// A write transaction holds the database's one write lock: each is committed after a chunk of
// rows, or sooner after this long, and the lock is then left free for a moment, so that a
// running `tuki serve` writes between two of them (its wait for the lock tries every half
// millisecond: sqlite_connection.cpp).
constexpr auto transaction_time = std::chrono::milliseconds(100);
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

// The phone numbers of the file's rows as the check pass normalised them, by chunk and by row:
// the write pass parses the rows again, without libphonenumber (the costly part). An E.164
// number ("+" and at most 15 digits, the first not 0) is kept as its digits' value: 8 bytes a
// row instead of a string's 32; 0 for anything else (a row with errors: no write pass).
using normalized_numbers = std::vector<std::vector<std::uint64_t>>;

std::uint64_t number_value(const std::string& e164) {
  if (e164.size() < 2 || e164.size() > 16 || e164[0] != '+' || e164[1] == '0') return 0;
  std::uint64_t v = 0;
  for (std::size_t i = 1; i < e164.size(); ++i) {
    if (e164[i] < '0' || e164[i] > '9') return 0;
    v = v * 10 + static_cast<std::uint64_t>(e164[i] - '0');
  }
  return v;
}

core::result<std::string> number_of(std::uint64_t value) {
  if (value == 0) return core::status::internal("no number kept for the row");
  return "+" + std::to_string(value);
}

// One pass over the file: a reader thread cuts `text` (after its header) into chunks of rows, a
// pool of `threads` checkers parses them, and `take` gets each checked chunk on the calling
// thread, in file order, until it returns false. The numbers come from `numbers` when given
// (the second pass), else from `workers` (may be null: normalised in-process). Returns the CSV
// reader's error (a malformed row), if any.
core::status check_chunks(std::string_view text, const student_row_parser& parser, unsigned threads,
                          adapters::phone_workers* workers, const normalized_numbers* numbers,
                          const std::function<bool(std::size_t, checked_chunk&)>& take) {
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
        // The chunk's numbers: from the first pass, or in one round trip to this checker's
        // worker (if it fails, the numbers are normalised here instead).
        std::optional<std::vector<core::result<std::string>>> normalized;
        if (numbers && job.first < numbers->size()) {
          const auto& known = (*numbers)[job.first];
          normalized.emplace();
          normalized->reserve(job.second.size());
          for (std::size_t i = 0; i < job.second.size(); ++i)
            normalized->push_back(number_of(i < known.size() ? known[i] : 0));
        } else if (workers) {
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
    if (!take(next++, chunk)) break;
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

std::int64_t count_students(adapters::sqlite_store& store, const std::string& institution_id) {
  auto& q = store.db().prepare("SELECT COUNT(*) FROM students WHERE institution_id = ?1");
  q.bind(1, institution_id);
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
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
  // to students the file does not move; all reported at once, and nothing written. Reads only,
  // each chunk's in a short read transaction (no lock that a writer waits for).
  std::vector<std::string> errors;
  duplicate_check dups;
  dups.reserve(lines);
  normalized_numbers numbers;
  struct held_number {
    std::size_t line;
    std::string owner;  // the student_ref that holds the row's number now
  };
  std::vector<held_number> held;
  const std::int64_t before = count_students(store, institution_id);
  const bool look_up = before > 0;  // a new institution's numbers are all free
  core::status look_up_error;
  std::size_t rows_seen = 0;
  auto read_error = check_chunks(
      text, parser, threads, workers.get(), nullptr, [&](std::size_t, checked_chunk& chunk) {
        for (auto& e : chunk.errors) errors.push_back(std::move(e));
        numbers.emplace_back();
        numbers.back().reserve(chunk.students.size());
        if (look_up) look_up_error = store.db().exec("BEGIN");
        for (auto& [line, valid, s] : chunk.students) {
          ++rows_seen;
          const std::size_t errors_before = errors.size();
          dups.add(s, line, errors);
          if (valid && errors.size() == errors_before && look_up && look_up_error.is_ok()) {
            auto holder = holder_of(store, institution_id, s.phone);
            if (!holder)
              look_up_error = holder.error();
            else if (*holder && (*holder)->second != s.ref)
              held.push_back({line, (*holder)->second});
          }
          numbers.back().push_back(number_value(s.phone));
        }
        if (look_up) (void)store.db().exec("COMMIT");
        report(rows_seen, false, 0);
        return look_up_error.is_ok();
      });
  workers.reset();  // the write pass has every number
  if (!look_up_error.is_ok()) return look_up_error;
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
  if (!errors.empty()) return errors_status(errors);

  // 2. The writes, in short transactions (transaction_time) with a pause between them. A row
  // whose number a student the file moves still holds frees it first: that student gets a
  // placeholder ("moving:" and its row id, not a number) until its own row, later in the file,
  // gives it its new number. Nothing is known to fail now; if a write does (a full disk, a
  // change made meanwhile), the import stops there: the transactions before stay, and the same
  // import run again completes it (each row is an upsert by student_id).
  import_summary summary;  // rows committed
  import_summary pending;  // rows of the open transaction
  bool in_transaction = false;
  std::size_t first_line = 0;  // of the open transaction
  auto started = std::chrono::steady_clock::now();
  core::status failure;  // the import's own message, once stopped
  std::size_t written_rows_seen = 0;
  auto stop = [&](std::size_t line, const core::status& why) {
    if (in_transaction) store.rollback();
    in_transaction = false;
    const std::string at = std::to_string(first_line);
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
    pending = {};
    report(written_rows_seen, true, summary.rows);
    std::this_thread::sleep_for(lock_pause);  // the lock is free: another writer takes it now
    return true;
  };
  // Writes one row; frees its number from a student the file moves.
  auto write = [&](const core::student& s) -> core::result<bool> {
    auto written = store.upsert_student(s, now, has_programme);
    if (written || written.error().error_code() != core::status::code::already_exists)
      return written;
    auto holder = holder_of(store, institution_id, s.phone);
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
    return store.upsert_student(s, now, has_programme);
  };
  read_error = check_chunks(
      text, parser, threads, nullptr, &numbers, [&](std::size_t, checked_chunk& chunk) {
        if (!chunk.errors.empty()) {  // the same text checked twice: never
          stop(0, core::status::internal(chunk.errors.front()));
          return false;
        }
        for (const auto& [line, valid, s] : chunk.students) {
          ++written_rows_seen;
          if (!in_transaction) {
            if (auto st = store.begin(); !st) {
              first_line = line;
              stop(0, st);
              return false;
            }
            in_transaction = true;
            first_line = line;
            started = std::chrono::steady_clock::now();
          }
          auto written = write(s);
          if (!written) {
            stop(line, written.error());
            return false;
          }
          ++pending.rows;
          if (*written) ++pending.written;
          if (pending.rows % 256 == 0 &&
              std::chrono::steady_clock::now() - started >= transaction_time && !commit())
            return false;
        }
        return commit();
      });
  if (!failure.is_ok()) return failure;
  if (!read_error.is_ok()) return read_error;  // the same text read twice: never
  const std::int64_t after = count_students(store, institution_id);
  if (auto st = store.audit("cli", "students_import", institution_id,
                            std::to_string(summary.rows) + " rows", now);
      !st)
    return st;
  summary.created = static_cast<std::size_t>(std::max<std::int64_t>(0, after - before));
  summary.updated = summary.written - std::min(summary.written, summary.created);
  summary.unchanged = summary.rows - summary.written;
  if (on_progress) on_progress({text.size(), text.size(), summary.rows});
  return summary;
}

}  // namespace tuki::app
