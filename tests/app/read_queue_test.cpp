#include "tuki/app/read_queue.hpp"

#include <atomic>
#include <future>
#include <memory>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"

using namespace tuki;

namespace {

using testing::temp_db;


std::int64_t count_rows(adapters::sqlite_store& s) {
  std::int64_t n = 0;
  for (const auto& c : s.count_messages()) n += c.count;
  return n;
}

}  // namespace

TEST_CASE("the read queue sees committed rows and is not held up by an open write",
          "[app][read_queue]") {
  temp_db db;
  auto writer = adapters::sqlite_store::open(db.path.string());
  REQUIRE(writer);
  auto& w = **writer;
  REQUIRE(w.insert_inbound(std::nullopt, "kannel", "a", "x", core::from_unix_ms(0)));
  auto reader = adapters::sqlite_store::open(db.path.string());
  REQUIRE(reader);
  app::read_queue q(std::move(*reader));
  q.start();
  auto read_count = [&] {
    auto seen = std::make_shared<std::int64_t>(-1);
    auto done = std::make_shared<std::promise<core::status>>();
    auto result = done->get_future();
    q.submit([seen](adapters::sqlite_store& s) {
               *seen = count_rows(s);
               return core::status::ok();
             },
             [done](core::status st) { done->set_value(st); });
    REQUIRE(result.get());
    return *seen;
  };
  CHECK(read_count() == 1);
  // The writer holds a write transaction with an uncommitted row: the reader still answers, with
  // the committed state only.
  REQUIRE(w.begin());
  REQUIRE(w.insert_inbound(std::nullopt, "kannel", "b", "x", core::from_unix_ms(0)));
  CHECK(read_count() == 1);
  REQUIRE(w.commit());
  CHECK(read_count() == 2);
  // A failing job reports its error; the queue goes on.
  auto failed = std::make_shared<std::promise<core::status>>();
  q.submit([](adapters::sqlite_store&) -> core::status { throw std::runtime_error("boom"); },
           [failed](core::status st) { failed->set_value(st); });
  auto st = failed->get_future().get();
  CHECK(st.error_code() == core::status::code::internal);
  CHECK_THAT(st.message(), Catch::Contains("boom"));
  CHECK(read_count() == 2);
  q.stop();
  auto after = std::make_shared<std::promise<core::status>>();
  q.submit([](adapters::sqlite_store&) { return core::status::ok(); },
           [after](core::status s) { after->set_value(s); });
  CHECK(after->get_future().get().error_code() == core::status::code::unavailable);
}
