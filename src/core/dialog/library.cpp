#include "tuki/core/dialog/library.hpp"
#include "tuki/core/yaml_file_name.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace tuki::dialog {
namespace {

core::result<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return core::status::io_error(p.string() + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string errors_of(const std::vector<diagnostic>& diags) {
  std::vector<diagnostic> errors;
  for (const auto& d : diags)
    if (d.level == diagnostic::severity::error) errors.push_back(d);
  return join(errors);
}

}  // namespace

core::result<dialog_library> dialog_library::build(const std::vector<std::filesystem::path>& files,
                                                   const std::filesystem::path& lang_dir,
                                                   std::vector<diagnostic>& diags) {
  auto d = std::make_shared<data>();
  d->lex = load_lexicon(lang_dir, diags);
  d->folded = fold_lexicons(d->lex);
  d->keywords = keyword_detector(d->lex);
  // Crisis phrases share the accent-folded lexicon's vocabulary (sealed again with them).
  d->crisis = crisis_detector(d->lex, d->folded.accent_folded->words);
  d->folded.accent_folded->words->seal();
  for (const auto& f : files) {
    auto text = read_file(f);
    if (!text) {
      diags.push_back({diagnostic::severity::error, f.string(), 0, 0, "", "cannot read file"});
      continue;
    }
    auto dlg = load_dialog(*text, f.string(), d->folded, diags);
    if (!dlg) continue;
    if (auto first = d->current.find(dlg->id); first != d->current.end()) {
      // Which of the two would run is an accident of file order: both files are named.
      const dialog& other = *first->second;
      diags.push_back({diagnostic::severity::error, f.string(), dlg->id_location.line,
                       dlg->id_location.column, "",
                       "dialog id '" + dlg->id + "' is already used by " + other.file + ":" +
                           std::to_string(other.id_location.line) + ":" +
                           std::to_string(other.id_location.column) +
                           "; every dialog file needs its own id"});
      continue;
    }
    d->current[dlg->id] = dlg;
    d->by_version[version_key(dlg->id, dlg->version)] = dlg;
  }
  if (has_errors(diags)) return core::status::invalid_argument(errors_of(diags));
  return dialog_library(std::move(d));
}

core::result<dialog_library> dialog_library::load(const std::filesystem::path& dir,
                                                  std::vector<diagnostic>* warnings) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return core::status::not_found(dir.string() + ": dialog directory not found");
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && core::is_yaml_file_name(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<diagnostic> diags;
  auto lib = build(files, dir / "lang", diags);
  if (warnings)
    for (const auto& d : diags)
      if (d.level == diagnostic::severity::warning) warnings->push_back(d);
  return lib;
}

std::string dialog_library::version_key(std::string_view id, std::string_view version) {
  std::string key(id);
  key += '@';
  key += version;
  return key;
}

core::result<dialog_library> dialog_library::reload(
    const std::filesystem::path& dir, const dialog_library& previous,
    const std::set<std::string, std::less<>>& in_use, std::vector<diagnostic>* warnings) {
  auto lib = load(dir, warnings);
  if (!lib) return lib;
  auto merged = std::make_shared<data>(*lib->data_);
  for (const auto& [id, dlg] : previous.data_->current)
    merged->by_version.emplace(version_key(id, dlg->version), dlg);
  for (const auto& [key, dlg] : previous.data_->by_version)
    if (in_use.count(key) > 0) merged->by_version.emplace(key, dlg);
  return dialog_library(std::move(merged));
}

core::result<dialog_library> dialog_library::load_files(
    const std::vector<std::filesystem::path>& files, const std::filesystem::path& lang_dir,
    std::vector<diagnostic>* diagnostics) {
  std::vector<diagnostic> diags;
  auto lib = build(files, lang_dir, diags);
  if (diagnostics) diagnostics->insert(diagnostics->end(), diags.begin(), diags.end());
  return lib;
}

const dialog* dialog_library::find(std::string_view id) const {
  auto it = data_->current.find(id);
  return it == data_->current.end() ? nullptr : it->second.get();
}

const dialog* dialog_library::find_version(std::string_view id, std::string_view version) const {
  // Most sessions run on the current version: one lookup by id, no key to build.
  if (auto it = data_->current.find(id);
      it != data_->current.end() && it->second->version == version)
    return it->second.get();
  thread_local std::string key;  // no allocation per step once warm
  key.assign(id);
  key += '@';
  key += version;
  auto it = data_->by_version.find(key);
  return it == data_->by_version.end() ? nullptr : it->second.get();
}

std::vector<std::string> dialog_library::dialog_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, d] : data_->current) out.push_back(id);
  return out;
}

}  // namespace tuki::dialog
