#include "tuki/app/student_import.hpp"

#include <algorithm>
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

struct checked_chunk {
  struct entry {
    std::size_t line;
    bool valid;  // false: the row has errors; it only takes part in the duplicate check
    core::student student;
  };
  std::vector<entry> students;
  std::vector<std::string> errors;
  std::size_t bytes_end = 0;
};

std::int64_t count_students(adapters::sqlite_store& store, const std::string& institution_id) {
  auto& q = store.db().prepare("SELECT COUNT(*) FROM students WHERE institution_id = ?1");
  q.bind(1, institution_id);
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

// The error for a row whose number the database gives to another student of the institution.
std::string phone_taken(adapters::sqlite_store& store, const core::student& s, std::size_t line) {
  auto& q = store.db().prepare(
      "SELECT student_ref FROM students WHERE phone = ?1 AND institution_id = ?2");
  q.bind(1, s.phone).bind(2, s.institution_id);
  const std::string owner = q.step() ? "'" + q.column_text(0) + "'" : "another student";
  q.reset();
  return "line " + std::to_string(line) + ": phone: the same number as student " + owner +
         ", already stored; give one of them another number (a number moves between students only "
         "when this file gives " + owner + " a new one)";
}

// Gives the students of `rows` that are stored a placeholder number of their own ("moving:" and
// the row id, not a phone number), so that the numbers they held are free for the rows that
// take them. Inside the import's transaction: every such student gets its row's number right
// after, and an error rolls everything back.
core::status release_numbers(adapters::sqlite_store& store, const std::string& institution_id,
                             const std::vector<std::pair<std::size_t, core::student>>& rows) {
  auto& q = store.db().prepare(
      "UPDATE students SET phone = 'moving:' || id WHERE institution_id = ?1 AND student_ref = ?2");
  for (const auto& [line, s] : rows) {
    q.bind(1, institution_id).bind(2, s.ref);
    if (auto st = q.run(); !st) return st;
  }
  return core::status::ok();
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

  auto reader = open_import_csv(text);
  auto header = read_csv_header(reader, student_row_parser::required_columns());
  if (!header) return header.error();
  const student_row_parser parser(*header, institution_id, country, default_language);
  // Without the optional column the stored programme stays (extra columns likewise: upsert_student).
  const bool has_programme = std::find(header->begin(), header->end(), "programme") != header->end();

  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Phone numbers go to worker processes when there is more than one checker: libphonenumber's
  // shared pattern cache would serialise checker threads (phone_workers.hpp). Forked here, before
  // this function starts any thread. Without workers the checkers normalise in-process.
  std::unique_ptr<adapters::phone_workers> workers;
  if (threads > 1) {
    if (auto w = adapters::phone_workers::start(threads, country)) workers = std::move(*w);
  }
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
        // The chunk's numbers in one round trip to this checker's worker (if it fails, the
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

  // Writer (this thread): chunks in file order, one transaction for the whole file.
  import_summary summary;
  std::vector<std::string> errors;
  duplicate_check dups;
  std::vector<std::pair<std::size_t, core::student>> taken;  // (line, row) whose number was held
  dups.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  core::status write_error;
  std::int64_t before = count_students(store, institution_id);
  write_error = store.begin();
  std::size_t next = 0;
  std::size_t approx_bytes = 0;
  while (write_error.is_ok()) {
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
    for (auto& e : chunk.errors) errors.push_back(std::move(e));
    for (auto& [line, valid, s] : chunk.students) {
      const std::size_t errors_before = errors.size();
      dups.add(s, line, errors);
      // Rows without errors are written even after another row's error (all rolled back), so
      // that every number the database gives to another student is reported, by line.
      if (!valid || errors.size() != errors_before) continue;
      auto written = store.upsert_student(s, now, has_programme);
      if (!written) {
        if (written.error().error_code() == core::status::code::already_exists) {
          taken.push_back({line, std::move(s)});  // its owner may move on a later line
          continue;
        }
        write_error = written.error();
        break;
      }
      ++summary.rows;
      if (*written) ++summary.written;
    }
    approx_bytes = text.size() * next / std::max<std::size_t>(1, chunks_total ? chunks_total : next + 1);
    if (on_progress) on_progress({std::min(approx_bytes, text.size()), text.size(), summary.rows});
  }
  {
    std::lock_guard lock(mutex);
    abort = true;
    changed.notify_all();
  }
  reader_thread.join();
  for (auto& c : checkers) c.join();
  if (write_error.is_ok() && !taken.empty()) {
    // Rows whose number another student still held. Numbers move between students of one file
    // in any order (two students swapping numbers too): each such student's stored number is
    // released, then the rows are written again. A number still taken now belongs to a student
    // this file does not move: an error naming the line.
    write_error = release_numbers(store, institution_id, taken);
    for (auto& [line, s] : taken) {
      if (!write_error.is_ok()) break;
      auto written = store.upsert_student(s, now, has_programme);
      if (!written) {
        if (written.error().error_code() == core::status::code::already_exists)
          errors.push_back(phone_taken(store, s, line));
        else
          write_error = written.error();
        continue;
      }
      ++summary.rows;
      if (*written) ++summary.written;
    }
    std::stable_sort(errors.begin(), errors.end(), by_line);
  }
  if (!read_error.is_ok()) errors.push_back(read_error.message());
  if (!write_error.is_ok() || !errors.empty()) {
    store.rollback();
    if (!errors.empty()) return errors_status(errors);
    return write_error;
  }
  std::int64_t after = count_students(store, institution_id);
  if (auto st = store.audit("cli", "students_import", institution_id,
                            std::to_string(summary.rows) + " rows", now);
      !st) {
    store.rollback();
    return st;
  }
  if (auto st = store.commit(); !st) return st;
  summary.created = static_cast<std::size_t>(after - before);
  summary.updated = summary.written - summary.created;
  summary.unchanged = summary.rows - summary.written;
  if (on_progress) on_progress({text.size(), text.size(), summary.rows});
  return summary;
}

}  // namespace tuki::app
