#include "tuki/app/write_queue.hpp"

#include <atomic>
#include <filesystem>
#include <future>

#include <catch2/catch.hpp>

using namespace tuki;

TEST_CASE("write queue commits jobs in batches and isolates a failing job", "[app][write_queue]") {
  auto path = std::filesystem::temp_directory_path() / ("tuki-wq-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto store = adapters::sqlite_store::open(path.string());
  REQUIRE(store);
  app::write_queue q(std::move(*store), 64);
  q.start();
  const int n = 500;
  std::vector<std::promise<core::status>> done(n);
  for (int i = 0; i < n; ++i) {
    q.submit(
        [i](adapters::sqlite_store& s) -> core::status {
          auto r = s.insert_inbound(std::nullopt, "kannel", "id-" + std::to_string(i % 250), "x",
                                    core::from_unix_ms(0));
          return r.error();
        },
        [&done, i](core::status st) { done[i].set_value(st); });
  }
  int ok = 0, duplicates = 0;
  for (auto& d : done) {
    auto st = d.get_future().get();
    if (st) ++ok;
    else if (st.error_code() == core::status::code::already_exists) ++duplicates;
  }
  CHECK(ok == 250);
  CHECK(duplicates == 250);
  auto stats = q.statistics();
  CHECK(stats.jobs == n);
  CHECK(stats.failed_jobs == 250);
  CHECK(stats.batches <= stats.jobs);
  q.stop();
  std::promise<core::status> after;
  q.submit([](adapters::sqlite_store&) { return core::status::ok(); },
           [&after](core::status st) { after.set_value(st); });
  CHECK(after.get_future().get().error_code() == core::status::code::unavailable);
  // Everything committed is in the file.
  auto reopened = adapters::sqlite_store::open(path.string());
  REQUIRE(reopened);
  std::int64_t stored = 0;
  for (const auto& c : (*reopened)->count_messages()) stored += c.count;
  CHECK(stored == 250);
  for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}
