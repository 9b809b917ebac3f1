#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {

matcher_registry& matcher_registry::instance() {
  static matcher_registry registry;
  return registry;
}

void matcher_registry::add(std::string name, matcher_factory factory) {
  factories_.emplace_back(std::move(name), std::move(factory));
}

const matcher_factory* matcher_registry::find(std::string_view name) const {
  for (const auto& [n, f] : factories_)
    if (n == name) return &f;
  return nullptr;
}

std::vector<std::string> matcher_registry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, f] : factories_) out.push_back(n);
  return out;
}

core::result<std::vector<std::string>> word_list_argument(const YAML::Node& argument) {
  std::vector<std::string> words;
  auto add_list = [&](const YAML::Node& n) -> bool {
    if (n.IsScalar()) {
      words.push_back(n.Scalar());
      return true;
    }
    if (!n.IsSequence()) return false;
    for (const auto& item : n) {
      if (!item.IsScalar()) return false;
      words.push_back(item.Scalar());
    }
    return true;
  };
  bool ok = true;
  if (argument.IsMap()) {
    for (auto it = argument.begin(); it != argument.end(); ++it) ok = ok && add_list(it->second);
  } else {
    ok = add_list(argument);
  }
  if (!ok || words.empty())
    return core::status::invalid_argument(
        "expects a word, a list of words, or a map from language to a list of words");
  return words;
}

}  // namespace tuki::dialog
