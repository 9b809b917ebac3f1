// Locations kept for the checks that run after parsing: an error found there names the key's line
// and, when the value came from the environment, the text the file has there.
#include "tuki/core/config/source_locations.hpp"

#include <catch2/catch.hpp>

using namespace tuki::config;

TEST_CASE("a location names its nearest known key", "[config]") {
  source_locations l;
  CHECK(l.locate("send.url", "is wrong") == "is wrong");  // options built in code
  l.add("", "t.yaml:3:5");
  l.add("send", "t.yaml:6:7");
  CHECK(l.find("send.fields.to") == "t.yaml:6:7");
  CHECK(l.locate("send.fields.to", "is wrong") == "t.yaml:6:7: is wrong");
  CHECK(l.locate("type", "is wrong") == "t.yaml:3:5: is wrong");
}

TEST_CASE("an error at a value from the environment says where the value came from", "[config]") {
  source_locations l;
  l.add("", "t.yaml:3:5");
  l.add("send", "t.yaml:5:7");
  l.add("send.url", "t.yaml:5:12", "${SEND_URL}");
  l.add("type", "t.yaml:4:11", "${TYPE:-kannel}");
  l.add("username", "t.yaml:6:15");  // written in the file
  CHECK(l.find("send.url") == "t.yaml:5:12");
  CHECK(l.locate("send.url", "send.url is wrong") ==
        "t.yaml:5:12: send.url is wrong (from ${SEND_URL})");
  CHECK(l.locate("type", "is unknown") == "t.yaml:4:11: is unknown (from ${TYPE:-kannel})");
  CHECK(l.locate("username", "is wrong") == "t.yaml:6:15: is wrong");
  // Only the value found has the note: not the map around it, nor a key beside it.
  CHECK(l.locate("send.method", "is wrong") == "t.yaml:5:7: is wrong");
  CHECK(l.locate("password", "is required") == "t.yaml:3:5: is required");
  // A password in a URL is not shown (the error itself does not show it either).
  l.add("url", "t.yaml:7:10", "https://u:pw@${HOST}/x");
  CHECK(l.locate("url", "is wrong") == "t.yaml:7:10: is wrong (from https://u:***@${HOST}/x)");
  CHECK(substitution_note("${PORT}") == " (from ${PORT})");
}
