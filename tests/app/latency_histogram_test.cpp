#include "tuki/app/latency_histogram.hpp"

#include <catch2/catch.hpp>

using tuki::app::latency_histogram;
using namespace std::chrono_literals;

TEST_CASE("latency_histogram: a duration counts in the first bucket at or above it, cumulatively",
          "[app][metrics]") {
  latency_histogram h;
  h.observe(1ms);            // le 0.001 (a bound is "less than or equal")
  h.observe(5ms);            // le 0.005
  h.observe(5ms + 1ns);      // le 0.01
  h.observe(11s);            // above every bound: +Inf only
  h.observe(-3ms);           // a clock step backwards counts as 0
  const auto text = h.render("x_seconds", "route=\"r\"");
  CHECK_THAT(text, Catch::Contains("x_seconds_bucket{route=\"r\",le=\"0.001\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("x_seconds_bucket{route=\"r\",le=\"0.0025\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("x_seconds_bucket{route=\"r\",le=\"0.005\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("x_seconds_bucket{route=\"r\",le=\"0.01\"} 4\n"));
  CHECK_THAT(text, Catch::Contains("x_seconds_bucket{route=\"r\",le=\"10\"} 4\n"));
  CHECK_THAT(text, Catch::Contains("x_seconds_bucket{route=\"r\",le=\"+Inf\"} 5\n"));
  CHECK_THAT(text, Catch::Contains("x_seconds_count{route=\"r\"} 5\n"));
  CHECK_THAT(text, Catch::Contains("x_seconds_sum{route=\"r\"} 11.011\n"));
  CHECK(h.count() == 5);
}

TEST_CASE("latency_histogram: bucket lines come in rising order, one per bound and +Inf",
          "[app][metrics]") {
  latency_histogram h;
  const auto text = h.render("y", "a=\"b\"");
  std::size_t lines = 0, at = 0, last = 0;
  while ((at = text.find("y_bucket{", at)) != std::string::npos) {
    CHECK(at >= last);
    last = at++;
    ++lines;
  }
  CHECK(lines == latency_histogram::bounds.size() + 1);
  CHECK_THAT(text, Catch::Contains("y_bucket{a=\"b\",le=\"+Inf\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("y_sum{a=\"b\"} 0\n"));
}
