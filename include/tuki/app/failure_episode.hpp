#pragma once
// A store call retried every round (a claim of the outbox, mail or webhook workers) that fails
// is logged once per episode: an error when it starts failing or its error changes, and
// `<event>_recovered` (info) when it works again; not once a second while it keeps failing.
// Thread-safety: none; one per loop, used on that loop's thread.
#include <string>

#include "tuki/app/log.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

class failure_episode {
 public:
  explicit failure_episode(std::string event) : event_(std::move(event)) {}

  /// Records the outcome of one try; returns whether it logged.
  bool note(const core::status& s) {
    if (s) {
      if (!failing_) return false;
      failing_ = false;
      last_error_.clear();
      log_info(event_ + "_recovered");
      return true;
    }
    if (failing_ && s.message() == last_error_) return false;
    failing_ = true;
    last_error_ = s.message();
    log_error(event_, {{"error", last_error_}, {"effect", "retried every round; logged again when the error changes"}});
    return true;
  }

 private:
  std::string event_;
  bool failing_ = false;
  std::string last_error_;
};

}  // namespace tuki::app
