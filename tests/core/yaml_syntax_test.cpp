#include "tuki/core/yaml_syntax.hpp"

#include <string>

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

using tuki::core::yaml_syntax_message;

namespace {

// The message for `text`, which must fail to parse.
std::string message_for(const std::string& text) {
  try {
    (void)YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return yaml_syntax_message(e, text);
  }
  FAIL("parsed: " << text);
  return "";
}

}  // namespace

TEST_CASE("a YAML syntax error names a tab in the indentation", "[yaml]") {
  const std::string text = "a:\n  b: 1\n\tc: 2\nd: 3\n";
  CHECK_THAT(message_for(text), Catch::StartsWith("YAML syntax: ") &&
                                    Catch::EndsWith("(line 3 is indented with a tab: YAML indents "
                                                    "with spaces only)"));
}

TEST_CASE("a YAML syntax error below the first line says to look above", "[yaml]") {
  // An unclosed bracket on line 2 is found below it.
  const std::string text = "a: 1\nb: [1, 2\nc: 3\n";
  CHECK_THAT(message_for(text),
             Catch::EndsWith("(the mistake may be on a line above: check indentation, quotes and "
                             "brackets)"));
  // A tab inside a value is not indentation.
  CHECK_THAT(message_for("a: \"x\ty\"\nb: [\n"), !Catch::Contains("tab"));
  // A tab far above, in a block scalar's text or a blank line, is not the error's.
  CHECK_THAT(message_for("a: |\n  \tindented text\nb: 1\n\t\nc: [1, 2\nd: 3\n"),
             !Catch::Contains("is indented with a tab"));
  // On the first line there is nothing above.
  CHECK_THAT(message_for("[1, 2"), !Catch::Contains("line above"));
}
