#pragma once
// Matchers decide whether a reply fits a case. Each matcher type lives in its own file under
// src/core/dialog/matchers/ and registers a factory under its type name from a static
// initialiser (the core is an OBJECT library, so every registration is linked in).
//
// In a dialog a matcher is a one-key map: `{number: 4-5}`, `{sentiment: positive}`,
// `{any_word: [maths, math]}`, `{any_word: {en: [maths], fi: [matikka]}}`.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tuki/core/dialog/lexicon_sets.hpp"
#include "tuki/core/dialog/reply.hpp"
#include "tuki/core/status.hpp"

namespace tuki::dialog {

class matcher {
 public:
  virtual ~matcher() = default;
  /// `tolerant`: the second pass, which also accepts one typo in words of 5+ letters. The
  /// engine tries every case exactly first, then every case tolerantly, so a typo never beats
  /// an exact match of a later case. Must be thread-safe (called concurrently, const).
  virtual bool matches(const prepared_reply& reply, bool tolerant) const = 0;
  /// Short human description for graphs: "number 4-5".
  virtual std::string describe() const = 0;
};

/// What a factory may use. The sets outlive the matcher (the dialog holds them).
struct matcher_build_context {
  const lexicon_sets& sets;
  const std::vector<std::string>& languages;  // the dialog's languages
};

using matcher_factory = std::function<core::result<std::unique_ptr<matcher>>(
    const YAML::Node& argument, const matcher_build_context& context)>;

/// Type name -> factory. Filled before main() by the registrations; read-only afterwards.
class matcher_registry {
 public:
  static matcher_registry& instance();
  void add(std::string name, matcher_factory factory);
  const matcher_factory* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::pair<std::string, matcher_factory>> factories_;
};

struct matcher_registration {
  matcher_registration(std::string name, matcher_factory factory) {
    matcher_registry::instance().add(std::move(name), std::move(factory));
  }
};

/// Helper for word-list matchers: a list of words, or a map language -> list (all languages'
/// words are active; see lexicon_sets). Fails with a message on any other shape.
core::result<std::vector<std::string>> word_list_argument(const YAML::Node& argument);

}  // namespace tuki::dialog
