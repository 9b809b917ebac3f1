#include "tuki/app/roster_import.hpp"

#include <catch2/catch.hpp>

using namespace tuki::app;

namespace {
const std::string header =
    "student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone";
}

TEST_CASE("students CSV rows are parsed and phones normalised", "[import]") {
  auto r = parse_students_csv(
      header + ",internship_start\n"
               "s1,0401234567,Aino,fi,AUT21,Tikkurila,2026-08-10,teacher@varia.test,Europe/Helsinki,2027-01-15\n"
               "s2,+37060000001,\"Jonas, Jr.\",lt,AUT21,Tikkurila,2026-08-10,,,\n"
               "s3,040 765 4321,Emma,,LOG22,Myyrmäki,,,,\n",
      "varia", "FI", "fi");
  INFO(r.error().to_string());
  REQUIRE(r);
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].phone == "+358401234567");
  CHECK((*r)[0].extra.at("internship_start") == "2027-01-15");
  CHECK((*r)[1].first_name == "Jonas, Jr.");
  CHECK((*r)[1].phone == "+37060000001");
  CHECK((*r)[1].extra.at("internship_start").empty());  // in the file, empty: clears the stored date
  CHECK((*r)[2].language == "fi");
  CHECK((*r)[2].campus == "Myyrmäki");
}

TEST_CASE("students CSV errors are all reported with line numbers, nothing imported", "[import]") {
  auto r = parse_students_csv(header +
                                  "\n"
                                  "s1,0401234567,Aino,fi,AUT21,Tikkurila,2026-08-10,t@v.test,\n"
                                  "s2,12,Ben,en,AUT21,Tikkurila,2026-08-10,t@v.test,\n"
                                  "s1,0407654321,Cid,de,AUT21,Tikkurila,2026-13-10,nope,\n"
                                  "s4,0401111111,Dan\n"
                                  "s5,0401234568,Eva,fi,AUT21,T,2026-02-30,,Europe/Helsinky\n"
                                  "s6,0401234569,Max,fi,AUT21,T,0000-01-01,,America/New_York\n"
                                  "s7,0401234560,Ida,fi,AUT21,T,2028-02-29,,Europe/Helsinki\n",
                              "varia", "FI", "fi");
  REQUIRE_FALSE(r);
  const std::string m = r.error().message();
  INFO(m);
  CHECK_THAT(m, Catch::StartsWith("9 error(s), nothing imported"));
  CHECK_THAT(m, Catch::Contains("line 3: phone: '12' is not a valid number for FI"));
  CHECK_THAT(m, Catch::Contains("line 4: language: 'de' is not one of"));
  CHECK_THAT(m, Catch::Contains("line 4: start_date: '2026-13-10' is not a date"));
  CHECK_THAT(m, Catch::Contains("line 4: teacher_email: 'nope' is not an email address"));
  CHECK_THAT(m, Catch::Contains("line 4: student_id: 's1' repeats line 2"));
  CHECK_THAT(m, Catch::Contains("line 5: expected 9 fields, got 3"));
  // Days that do not exist and zones the time zone database does not know.
  CHECK_THAT(m, Catch::Contains("line 6: start_date: '2026-02-30' is not a date"));
  CHECK_THAT(m, Catch::Contains("line 6: timezone: unknown time zone \"Europe/Helsinky\""));
  CHECK_THAT(m, Catch::Contains("line 7: start_date: '0000-01-01' is not a date"));
  CHECK_THAT(m, !Catch::Contains("line 8"));  // 2028-02-29 exists
}

TEST_CASE("a CSV without the required columns is refused at the header", "[import]") {
  auto r = parse_students_csv("student_id,phone\ns1,0401234567\n", "varia", "FI", "fi");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message(), Catch::Contains("line 1: header is missing column(s): first_name"));
  CHECK_FALSE(parse_students_csv("", "varia", "FI", "fi"));
  CHECK_FALSE(parse_students_csv(header + "\ns1,\"0401234567,Aino\n", "varia", "FI", "fi"));
}

TEST_CASE("staff CSV: roles are lists, unknown roles are errors", "[import]") {
  auto ok = parse_staff_csv("email,name,roles,campuses,groups,phone\n"
                            "kuraattori@varia.test,Kaisa K,social_worker;nurse,Tikkurila,,0401234567\n",
                            "varia", "FI");
  REQUIRE(ok);
  REQUIRE(ok->size() == 1);
  CHECK((*ok)[0].roles == std::vector<std::string>{"social_worker", "nurse"});
  CHECK((*ok)[0].phone == "+358401234567");
  auto bad = parse_staff_csv(
      "email,name,roles,campuses,groups,phone\n"
      "x@varia.test,X,janitor,,,\n"
      "x@varia.test,X,teacher,,,\n"
      "not-an-email,Y,,,,\n"
      "Kaisa <kaisa@varia.test>,K,nurse,,,\n",
      "varia", "FI");
  REQUIRE_FALSE(bad);
  INFO(bad.error().message());
  // The address alone, as routing and mail take it; a display name is not one.
  CHECK_THAT(bad.error().message(),
             Catch::Contains("line 5: email: 'kaisa <kaisa@varia.test>' is not an email address"));
  CHECK_THAT(bad.error().message(), Catch::Contains("line 2: roles: unknown role 'janitor'"));
  CHECK_THAT(bad.error().message(), Catch::Contains("line 3: email: 'x@varia.test' appears twice"));
  CHECK_THAT(bad.error().message(), Catch::Contains("line 4: roles: at least one role is required"));
}

TEST_CASE("staff CSV: emails are one person whatever their case, stored in lower case", "[import]") {
  auto ok = parse_staff_csv("email,name,roles,campuses,groups,phone\n"
                            "Anna.K@School.fi,Anna K,teacher,,,\n",
                            "varia", "FI");
  REQUIRE(ok);
  CHECK((*ok)[0].email == "anna.k@school.fi");
  auto twice = parse_staff_csv("email,name,roles,campuses,groups,phone\n"
                               "Anna.K@school.fi,Anna K,teacher,,,\n"
                               "anna.k@school.fi,Anna K,nurse,,,\n",
                               "varia", "FI");
  REQUIRE_FALSE(twice);
  CHECK_THAT(twice.error().message(),
             Catch::Contains("line 3: email: 'anna.k@school.fi' appears twice (first at line 2"));
}

TEST_CASE("staff CSV: not UTF-8, ';'-separated and over-long cells", "[import]") {
  auto latin1 = parse_staff_csv("email,name,roles,campuses,groups,phone\n"
                                "a@varia.test,Mikko M\xE4kinen,teacher,,,\n",
                                "varia", "FI");
  REQUIRE_FALSE(latin1);
  CHECK_THAT(latin1.error().message(), Catch::StartsWith("line 2, column 21: byte 0xE4 is not UTF-8"));
  auto semi = parse_staff_csv("email;name;roles;campuses;groups;phone\n"
                              "a@varia.test;A;\"teacher;nurse\";;;\n",
                              "varia", "FI");
  INFO(semi.error().to_string());
  REQUIRE(semi);
  CHECK((*semi)[0].roles == std::vector<std::string>{"teacher", "nurse"});
  auto long_name = parse_staff_csv("email,name,roles,campuses,groups,phone\n"
                                   "a@varia.test," + std::string(256, 'n') + ",teacher,,,\n",
                                   "varia", "FI");
  REQUIRE_FALSE(long_name);
  CHECK_THAT(long_name.error().message(),
             Catch::Contains("line 2: name: 256 characters; at most 255 are allowed"));
}

TEST_CASE("a column named twice is refused at the header, naming both columns",
          "[import][header]") {
  // Merged sheets end up with two "phone" columns (home and mobile): neither may quietly win.
  auto r = parse_students_csv(
      header + ",phone\n" + "s72,0407777772,Dup,fi,AUT21,Tikkurila,2026-08-10,,,0407777773\n",
      "varia", "FI", "fi");
  REQUIRE_FALSE(r);
  CHECK(r.error().message() ==
        "line 1: column 'phone' appears twice (columns 2 and 10); keep one of them");
  auto three = parse_students_csv(
      header + ",internship_start,x,internship_start,internship_start\n", "varia", "FI", "fi");
  REQUIRE_FALSE(three);
  CHECK(three.error().message() ==
        "line 1: column 'internship_start' appears 3 times (columns 10, 12 and 13); keep one of "
        "them");
  auto staff = parse_staff_csv(
      "email,name,roles,campuses,groups,phone,roles\n"
      "a@varia.test,A,teacher,,,,nurse\n",
      "varia", "FI");
  REQUIRE_FALSE(staff);
  CHECK(staff.error().message() ==
        "line 1: column 'roles' appears twice (columns 3 and 7); keep one of them");
  // Excel's empty header cells after the last column (a trailing ';') are no names to repeat.
  auto trailing = parse_students_csv(
      "student_id;phone;first_name;language;group;campus;start_date;"
      "teacher_email;timezone;;\n"
      "s1;0401234567;Aino;fi;AUT21;T;2026-08-10;;;;\n",
      "varia", "FI", "fi");
  INFO(trailing.error().to_string());
  CHECK(trailing);
}

TEST_CASE("dates as Finnish Excel writes them (10.8.2026) are read and kept as YYYY-MM-DD",
          "[import][dates]") {
  auto r = parse_students_csv(
      "\xEF\xBB\xBFstudent_id;phone;first_name;language;group;campus;start_date;teacher_email;"
      "timezone;internship_start\r\n"
      "s41;040 444 4445;Semi;fi;AUT21;Tikkurila;10.8.2026;opettaja@varia.test;;1.9.2026\r\n"
      "s42;040 444 4446;Kaksi;fi;AUT21;Tikkurila;10.08.2026;;;2027-01-15\r\n",
      "varia", "FI", "fi");
  INFO(r.error().to_string());
  REQUIRE(r);
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].start_date == "2026-08-10");
  CHECK((*r)[0].extra.at("internship_start") == "2026-09-01");
  CHECK((*r)[1].start_date == "2026-08-10");
  CHECK((*r)[1].extra.at("internship_start") == "2027-01-15");

  auto bad = parse_students_csv(
      header + ",internship_start\n" + "s1,0401234567,A,fi,AUT21,T,31.2.2026,,,1.13.2026\n",
      "varia", "FI", "fi");
  REQUIRE_FALSE(bad);
  const std::string m = bad.error().message();
  INFO(m);
  CHECK_THAT(m, Catch::Contains("line 2: start_date: '31.2.2026' is not a date (YYYY-MM-DD or "
                                "D.M.YYYY, a day that exists)"));
  CHECK_THAT(m, Catch::Contains("line 2: internship_start: '1.13.2026' is not a date"));
}

TEST_CASE("rows of separators only (Excel's ';;;;') are skipped, as blank lines are",
          "[import][csv]") {
  auto r = parse_students_csv(
      "student_id;phone;first_name;language;group;campus;start_date;teacher_email;timezone;\r\n"
      "s70;0407777770;Trail;fi;AUT21;Tikkurila;2026-08-10;;;\r\n"
      ";;;;;;;;;\r\n"
      "\r\n"
      ";;;;;;;;;\r\n",
      "varia", "FI", "fi");
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->size() == 1);
  auto staff = parse_staff_csv(
      "email;name;roles;campuses;groups;phone\r\n"
      "a@varia.test;A;teacher;;;\r\n;;;;;\r\n;;;;;\r\n",
      "varia", "FI");
  INFO(staff.error().to_string());
  REQUIRE(staff);
  CHECK(staff->size() == 1);
  // A row with one cell filled is a row: its errors are reported.
  auto partial =
      parse_staff_csv("email;name;roles;campuses;groups;phone\r\n;;teacher;;;\r\n", "varia", "FI");
  REQUIRE_FALSE(partial);
  CHECK_THAT(partial.error().message(),
             Catch::Contains("line 2: email: '' is not an email address"));
}

TEST_CASE("staff CSV: an unknown role's error lists the roles; routing roles are accepted",
          "[import][roles]") {
  const std::string text =
      "email,name,roles,campuses,groups,phone\n"
      "t@varia.test,T,tyovalmentaja,,,\n";
  auto builtin = parse_staff_csv(text, "varia", "FI");
  REQUIRE_FALSE(builtin);
  CHECK_THAT(builtin.error().message(),
             Catch::Contains("line 2: roles: unknown role 'tyovalmentaja'; the roles are "
                             "coordinator, nurse, psychologist, social_worker, "
                             "special_needs_teacher, study_counsellor, teacher (case matters; "
                             "a role of your own must first be in the institution's routing "
                             "file, docs/routing.md)"));
  // The roles of the institution's routing file (institution_routing.hpp: staff_roles_of).
  auto roles = builtin_staff_roles();
  roles.push_back("tyovalmentaja");
  auto custom = parse_staff_csv(text, "varia", "FI", roles);
  INFO(custom.error().to_string());
  REQUIRE(custom);
  CHECK((*custom)[0].roles == std::vector<std::string>{"tyovalmentaja"});
  auto cased = parse_staff_csv(
      "email,name,roles,campuses,groups,phone\nt@varia.test,T,Teacher,,,\n", "varia", "FI", roles);
  REQUIRE_FALSE(cased);
  CHECK_THAT(cased.error().message(), Catch::Contains("unknown role 'Teacher'; the roles are "
                                                      "coordinator, nurse"));
  CHECK_THAT(cased.error().message(), Catch::Contains("teacher, tyovalmentaja (case matters"));
}
