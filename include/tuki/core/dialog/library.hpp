#pragma once
// dialog_library: the immutable set of loaded dialogs and lexicons the engine runs on. Cheap to
// copy (shares its data); safe to read from many threads. Replace it as a whole to reload.
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/crisis.hpp"
#include "tuki/core/dialog/diagnostic.hpp"
#include "tuki/core/dialog/keywords.hpp"
#include "tuki/core/dialog/lexicon.hpp"
#include "tuki/core/dialog/loader.hpp"
#include "tuki/core/dialog/model.hpp"
#include "tuki/core/status.hpp"

namespace tuki::dialog {

class dialog_library {
 public:
  /// Loads dir/*.yaml (dialogs) and dir/lang/*.yaml (lexicons). Any error fails the load; the
  /// status message lists every error as "file:line:col: error: ...", one per line. Warnings
  /// (missing translations, ...) go to `warnings` when given.
  static core::result<dialog_library> load(const std::filesystem::path& dir,
                                           std::vector<diagnostic>* warnings = nullptr);
  /// Like load, but the new library still knows the versions of `previous` that sessions may
  /// still run on, so a session started on an older version finishes on it: the versions
  /// `in_use` names (version_key: the stored sessions' versions) and `previous`'s current ones
  /// (a session may have started on one after `in_use` was read). Every other earlier version
  /// is dropped, so reload after reload does not pile up dialogs nobody runs. Warnings go to
  /// `warnings` when given, as load's.
  static core::result<dialog_library> reload(const std::filesystem::path& dir,
                                             const dialog_library& previous,
                                             const std::set<std::string, std::less<>>& in_use,
                                             std::vector<diagnostic>* warnings = nullptr);
  /// "id@version": how `in_use` names a version.
  static std::string version_key(std::string_view id, std::string_view version);
  /// Loads the given dialog files with the lexicons of `lang_dir` (CLI and tests). All
  /// diagnostics (errors and warnings) go to `diagnostics` when given.
  static core::result<dialog_library> load_files(const std::vector<std::filesystem::path>& files,
                                                 const std::filesystem::path& lang_dir,
                                                 std::vector<diagnostic>* diagnostics = nullptr);

  /// The current version of a dialog, or nullptr.
  const dialog* find(std::string_view id) const;
  /// A dialog by id and version (current or kept from an earlier load), or nullptr.
  const dialog* find_version(std::string_view id, std::string_view version) const;
  std::vector<std::string> dialog_ids() const;
  /// How many versions this library knows, current ones included.
  std::size_t version_count() const { return data_->by_version.size(); }

  const lexicon& lexicons() const { return data_->lex; }
  const keyword_detector& keywords() const { return data_->keywords; }
  const crisis_detector& crisis() const { return data_->crisis; }
  /// The lexicon folded with accents stripped: keywords and crisis detection use it.
  const lexicon_sets& accent_folded_sets() const { return *data_->folded.accent_folded; }

 private:
  struct data {
    lexicon lex;
    folded_lexicons folded;
    keyword_detector keywords;
    crisis_detector crisis;
    std::map<std::string, std::shared_ptr<const dialog>, std::less<>> current;
    std::map<std::string, std::shared_ptr<const dialog>, std::less<>> by_version;  // id@version
  };
  explicit dialog_library(std::shared_ptr<const data> d) : data_(std::move(d)) {}
  static core::result<dialog_library> build(const std::vector<std::filesystem::path>& files,
                                            const std::filesystem::path& lang_dir,
                                            std::vector<diagnostic>& diags);
  std::shared_ptr<const data> data_;
};

}  // namespace tuki::dialog
