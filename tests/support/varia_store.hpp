#pragma once
// A store on a test database with institution `varia` (FI, Europe/Helsinki), and students of it
// by ref and number (Aino, Finnish, group AUT21): what the store's tests start from.
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"
#include "tuki/adapters/store/sqlite_store.hpp"

namespace tuki::testing {

inline std::unique_ptr<adapters::sqlite_store> varia_store(const temp_db& db) {
  auto st = adapters::sqlite_store::open(db.path.string());
  REQUIRE(st);
  REQUIRE((*st)->upsert_institution("varia", "Varia", "FI", "Europe/Helsinki").is_ok());
  return std::move(*st);
}

inline core::student varia_student(std::string ref, std::string phone) {
  core::student s;
  s.institution_id = "varia";
  s.ref = std::move(ref);
  s.phone = std::move(phone);
  s.first_name = "Aino";
  s.language = "fi";
  s.group = "AUT21";
  return s;
}

}  // namespace tuki::testing
