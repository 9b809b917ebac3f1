#!/usr/bin/env bash
# The command line as operators mistype it: an unknown or missing command is named with the
# commands there are, `tuki help ...` shows help, `--config FILE` may come before the command, and
# every usage mistake exits 2 (help and --version exit 0). Usage: cli_usage_test.sh TUKI_BIN
set -euo pipefail
tuki=$(realpath "$1")
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "PASS: $*"; }

# run ARGS...: sets $out (stdout and stderr) and $code.
run() {
  set +e
  out=$("$tuki" "$@" 2>&1)
  code=$?
  set -e
}
run_in() {  # run_in DIR ARGS...: run, from working directory DIR
  local dir=$1
  shift
  set +e
  out=$(cd "$dir" && "$tuki" "$@" 2>&1)
  code=$?
  set -e
}
expect() {  # expect CODE TEXT: the last run exited CODE and printed TEXT
  [ "$code" = "$1" ] || fail "tuki $args exited $code, expected $1: $out"
  case "$out" in *"$2"*) ;; *) fail "tuki $args did not print '$2': $out" ;; esac
}

args="bogus"; run bogus
expect 2 "tuki: unknown command 'bogus' after 'tuki' (commands: serve, students, staff, checkin, dialogs, sim, campaign, events, deliveries)"
args="students bogus"; run students bogus
expect 2 "unknown command 'bogus' after 'tuki students' (commands: import, opt-out, opt-in, opted-out)"
args="students"; run students
expect 2 "'tuki students' needs a command (commands: import, opt-out, opt-in, opted-out)"
args="(nothing)"; run
expect 2 "Usage: tuki [OPTIONS] SUBCOMMAND"
pass "an unknown or missing command is named, with the commands there are (exit 2)"

args="help"; run help
expect 0 "Every command takes --config FILE"
args="help students import"; run help students import
expect 0 "Usage: tuki students import [OPTIONS] file"
args="--config F help students import"; run --config config/tuki.yaml help students import
expect 0 "Usage: tuki students import [OPTIONS] file"
args="--version"; run --version
expect 0 "tuki "
pass "tuki help [COMMAND] shows help (exit 0)"

args="serve --bogus"; run serve --bogus
expect 2 "The following argument was not expected: --bogus"
pass "a mistaken option is a usage error (exit 2)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s#\${TUKI_DB:-var/tuki.db}#$tmp/tuki.db#" config/tuki.yaml >"$tmp/tuki.yaml"
args="--config FILE deliveries failed"; run --config "$tmp/tuki.yaml" deliveries failed
expect 0 "student_id,failed_deliveries,last_failure"
[ -f "$tmp/tuki.db" ] || fail "--config before the command was not used: no $tmp/tuki.db"
args="--config=FILE deliveries failed"; run "--config=$tmp/tuki.yaml" deliveries failed
expect 0 "student_id,failed_deliveries,last_failure"
pass "--config before the command is the command's --config"

args="deliveries failed --institution omnia"; run --config "$tmp/tuki.yaml" deliveries failed --institution omnia
expect 2 "tuki: no institution 'omnia' (configured: varia)"
args="staff deactivate --institution omnia"; run --config "$tmp/tuki.yaml" staff deactivate --institution omnia a@varia.test
expect 2 "tuki: no institution 'omnia' (configured: varia)"
pass "an unknown --institution is named, with the institutions there are (exit 2)"

# Staff who left: `staff import --replace` deactivates those the file leaves out and counts them;
# `staff deactivate` with an unknown email changes nothing (exit 2).
printf 'email,name,roles,campuses,groups,phone\nanna@varia.test,Anna,teacher,,,\nbo@varia.test,Bo,nurse,,,\ncilla@varia.test,Cilla,nurse,,,\n' >"$tmp/staff.csv"
args="staff import"; run --config "$tmp/tuki.yaml" staff import "$tmp/staff.csv"
expect 0 "imported 3 staff members into varia (3 new, 0 updated, 0 unchanged)"
printf 'email,name,roles,campuses,groups,phone\nanna@varia.test,Anna,teacher,,,\n' >"$tmp/staff-now.csv"
args="staff import --replace"; run --config "$tmp/tuki.yaml" staff import "$tmp/staff-now.csv" --replace
expect 0 "imported 1 staff members into varia (0 new, 0 updated, 1 unchanged, 2 deactivated)"
case "$out" in *"@varia.test"*) fail "the import logged or printed an email: $out" ;; esac
args="staff deactivate (unknown)"; run --config "$tmp/tuki.yaml" staff deactivate anna@varia.test nobody@varia.test
expect 2 "no staff member of varia has the email nobody@varia.test"
args="staff import (again)"; run --config "$tmp/tuki.yaml" staff import "$tmp/staff.csv"
expect 0 "imported 3 staff members into varia (0 new, 2 updated, 1 unchanged)"
args="staff deactivate"; run --config "$tmp/tuki.yaml" staff deactivate Bo@varia.test
expect 0 "deactivated 1 staff members of varia (0 already inactive); 0 open tickets"
printf 'email,name,roles,campuses,groups,phone\n' >"$tmp/staff-none.csv"
args="staff import --replace (nobody)"; run --config "$tmp/tuki.yaml" staff import "$tmp/staff-none.csv" --replace
expect 2 "the file lists nobody: --replace would deactivate every staff member of varia"
pass "staff import --replace and staff deactivate: leavers deactivated and counted, mistakes change nothing"

# A configuration mistake exits 2 in every command, `dialogs check --config` included (its dialog
# errors exit 1).
sed 's/synchronous: full/synchronous: fulll/' "$tmp/tuki.yaml" >"$tmp/misspelt.yaml"
for cmd in "dialogs check dialogs/weekly_checkin.yaml" "students import $tmp/none.csv" \
           "staff import $tmp/none.csv" "events import $tmp/none.csv" "deliveries failed" \
           "students opt-out 0401234567" "students opted-out" \
           "checkin send --dialog weekly_checkin --to all" "campaign plan --dialog weekly_checkin --to all"; do
  # shellcheck disable=SC2086
  args="$cmd --config misspelt.yaml"; run $cmd --config "$tmp/misspelt.yaml"
  expect 2 "store.synchronous: must be full, extra or normal, got 'fulll'"
done
mkdir -p "$tmp/badrouting"
printf 'tuki_routing: 1\nstrategy: fewest_opne\n' >"$tmp/badrouting/varia.yaml"
printf 'routing_dir: %s\n' "$tmp/badrouting" | cat - "$tmp/tuki.yaml" >"$tmp/badrouting.yaml"
args="dialogs check --config (bad routing)"; run dialogs check dialogs/weekly_checkin.yaml --config "$tmp/badrouting.yaml"
expect 2 "$tmp/badrouting/varia.yaml:2:11: strategy: expected round_robin or fewest_open"
args="staff import --config (bad routing)"; run staff import "$tmp/staff.csv" --config "$tmp/badrouting.yaml"
expect 2 "$tmp/badrouting/varia.yaml:2:11: strategy: expected round_robin or fewest_open"
pass "a configuration or routing file mistake exits 2, dialogs check --config too"

# The report of a command that wrote names the database, by its absolute path: store.path is
# looked up from the working directory, so a command run elsewhere writes to another database.
printf 'student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone\ns1,0401234567,Aino,fi,AUT21,Tikkurila,2026-08-10,,\n' >"$tmp/students.csv"
args="students import"; run students import "$tmp/students.csv" --config "$tmp/tuki.yaml"
expect 0 "imported 1 students (1 new, 0 updated, 0 unchanged) into varia; database $tmp/tuki.db"
sed -e 's#^dialogs_dir: dialogs#dialogs_dir: '"$PWD"'/dialogs#' \
  -e 's#schedule_file: config/#schedule_file: '"$PWD"'/config/#' config/tuki.yaml >"$tmp/relative.yaml"
mkdir -p "$tmp/elsewhere"
args="students import (from another directory)"
run_in "$tmp/elsewhere" students import "$tmp/students.csv" --config "$tmp/relative.yaml"
expect 0 "into varia; database $tmp/elsewhere/var/tuki.db"
args="deliveries failed (from another directory)"
run_in "$tmp/elsewhere" deliveries failed --config "$PWD/config/tuki.yaml"
expect 2 "dialogs_dir: no directory 'dialogs' (a relative path: looked up from the working directory $tmp/elsewhere)"
pass "imports name the database they wrote to; a relative path not found names the working directory"

# A students file naming a column twice is refused at its header; nothing is imported.
printf 'student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone,phone\ns72,0407777772,Dup,fi,AUT21,Tikkurila,2026-08-10,,,0407777773\n' >"$tmp/dupcol.csv"
args="students import (phone twice)"; run students import "$tmp/dupcol.csv" --config "$tmp/tuki.yaml"
expect 2 "dupcol.csv: line 1: column 'phone' appears twice (columns 2 and 10)"
args="students import (again)"; run students import "$tmp/students.csv" --config "$tmp/tuki.yaml"
expect 0 "imported 1 students (0 new, 0 updated, 1 unchanged)"
pass "a column named twice refuses the file"

# A number whose owner phoned the school: `students opt-out` stops it (as STOP from it, but
# nothing is texted), `students opted-out` lists it, `students opt-in` ends it. The number is read
# as the import reads it; one that is none changes nothing (exit 2).
args="students opt-out"; run students opt-out "040 123 4567" --config "$tmp/tuki.yaml"
expect 0 "opted out +358401234567: 1 students hold it; it gets no check-ins or dialog texts"
args="students opt-out (again)"; run students opt-out +358401234567 --config "$tmp/tuki.yaml"
expect 0 "opted out +358401234567 (it was opted out already): 1 students hold it"
args="students opted-out"; run students opted-out --config "$tmp/tuki.yaml"
expect 0 "1 opted-out numbers; database $tmp/tuki.db"
case "$out" in *"+358401234567 since "*" UTC, 1 students"*) ;; *) fail "students opted-out did not list the number: $out" ;; esac
args="students opt-out (no number)"; run students opt-out 040-12ab --config "$tmp/tuki.yaml"
expect 2 "is not a"
args="students opt-in"; run students opt-in 0401234567 --config "$tmp/tuki.yaml"
expect 0 "opted in +358401234567: 1 students hold it; they get texts again (nothing was texted to say so)"
args="students opted-out (none)"; run students opted-out --config "$tmp/tuki.yaml"
expect 0 "0 opted-out numbers"
args="students opt-in (again)"; run students opt-in 0401234567 --config "$tmp/tuki.yaml"
expect 0 "opted in +358401234567 (it was not opted out)"
pass "students opt-out, opted-out and opt-in: a number stopped and texted again by the operator"

# A role of the institution's own: named in its routing file, then the staff CSV may give it.
printf 'email,name,roles,campuses,groups,phone\nt@varia.test,T,tyovalmentaja,,,\n' >"$tmp/coach.csv"
args="staff import (custom role, no routing file)"; run staff import "$tmp/coach.csv" --config "$tmp/tuki.yaml"
expect 2 "line 2: roles: unknown role 'tyovalmentaja'; the roles are coordinator, nurse, psychologist"
mkdir -p "$tmp/routing"
printf 'tuki_routing: 1\nrules:\n  - category: studies\n    roles: [tyovalmentaja, teacher]\n' >"$tmp/routing/varia.yaml"
printf 'routing_dir: %s\n' "$tmp/routing" | cat - "$tmp/tuki.yaml" >"$tmp/routed.yaml"
args="staff import (custom role in the routing file)"; run staff import "$tmp/coach.csv" --config "$tmp/routed.yaml"
expect 0 "imported 1 staff members into varia (1 new, 0 updated, 0 unchanged)"
pass "staff import takes the roles the institution's routing file names"
