#include "tuki/adapters/store/instance_lock.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"

using namespace tuki;

TEST_CASE("one instance lock per database: a second is refused naming the database, until the first is released",
          "[adapters][store][instance_lock]") {
  testing::temp_db db("tuki-instance-lock");
  auto first = adapters::instance_lock::take(db.str());
  REQUIRE(first);
  auto second = adapters::instance_lock::take(db.str());
  REQUIRE_FALSE(second);
  CHECK(second.error().error_code() == core::status::code::unavailable);
  CHECK_THAT(second.error().message(), Catch::Contains(db.str()));
  first->reset();
  auto third = adapters::instance_lock::take(db.str());
  CHECK(third);
  third->reset();
  std::filesystem::remove(db.str() + ".lock");
}
