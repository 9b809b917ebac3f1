#pragma once
// Staff who can receive tickets, indexed by email and by role. Values only; built once at
// configuration load (or by the app from its own staff store) and then read concurrently.
// Thread-safety: const member functions may be called from any thread.
#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tuki/core/status.hpp"

namespace tuki::routing {

/// A weekly working-time slot in the institution's local time: [from, to) on the marked days.
struct working_slot {
  /// Index 0 = Monday ... 6 = Sunday (ISO order).
  std::array<bool, 7> days{};
  std::chrono::minutes from{0};  // minutes after local midnight
  std::chrono::minutes to{0};    // exclusive; 24 * 60 allowed
  bool operator==(const working_slot&) const = default;
};

/// An absence in local calendar days, both ends inclusive.
struct absence {
  std::chrono::sys_days from;
  std::chrono::sys_days to;
  bool operator==(const absence&) const = default;
};

struct staff_member {
  std::string email;  // lower case; the identity of a staff member
  std::string name;
  std::vector<std::string> roles;
  /// Empty = serves every campus / every group.
  std::vector<std::string> campuses;
  std::vector<std::string> groups;
  std::string phone;
  /// Language of staff messages (fi, sv, en); empty: the institution's default_language.
  std::string language;
  /// On call: may receive urgent tickets outside working hours (crisis goes to all on-call staff).
  bool on_call = false;
  /// Empty = no hours configured: treated as always working.
  std::vector<working_slot> working_hours;
  std::vector<absence> absences;
  /// Who takes this person's tickets while absent (may be empty).
  std::string backup_email;

  bool has_role(std::string_view role) const;
  bool operator==(const staff_member&) const = default;
};

/// Lower-cases ASCII letters (emails are compared case-insensitively).
std::string normalize_email(std::string_view email);

class staff_directory {
 public:
  /// Adds a member (its email normalised). already_exists for a repeated email, invalid_argument
  /// for an empty or malformed email or one of someone who left (add_departed).
  core::status add(staff_member member);
  /// Someone who left the institution (deactivated staff): not a member, and route() never
  /// chooses them, not as a role holder, own teacher, backup, coordinator or crisis contact.
  /// Call before add(): a member with this email is refused afterwards.
  void add_departed(std::string_view email);
  /// Whether `email` (any case) left the institution.
  bool departed(std::string_view email) const;
  /// nullptr when unknown; `email` is compared case-insensitively.
  const staff_member* find(std::string_view email) const;
  /// Members holding `role`, in insertion order (indexes into all()).
  const std::vector<std::size_t>& holders(std::string_view role) const;
  const std::vector<staff_member>& all() const { return members_; }
  std::size_t size() const { return members_.size(); }

 private:
  std::vector<staff_member> members_;
  std::unordered_map<std::string, std::size_t> by_email_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_role_;
  std::vector<std::string> departed_;  // normalised; few, so a list
};

}  // namespace tuki::routing
