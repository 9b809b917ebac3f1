// The store's share of P1 on one thread, without HTTP or a load generator: CPU time per reply of
// the work the store thread does for a Kannel reply (handle_inbound in group-commit batches with
// a SAVEPOINT per job, as write_queue runs it) plus the outbox's claim of the answers and the
// storing of their results, as the outbox pump asks for them. The writer runs as `tuki serve`
// runs it: synchronous=NORMAL, no checkpoint in the commit, a background checkpointer.
//
// Usage: bench_inbound_store CONFIG DB REPLIES [STUDENTS]
//   CONFIG: a tuki YAML config (dialogs_dir, institutions, gateways); DB: a database with the
//   students imported as scripts/bench.sh does (+3584NNNNNNNN) and check-ins started; it is
//   written to, so pass a copy.
// Prints one line: "store us/reply: X (...)" with the replies, failures, answers sent, batch size,
// CPU seconds and wall seconds.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/adapters/store/wal_checkpointer.hpp"
#include "tuki/app/conversation.hpp"
#include "tuki/app/role_names.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/config/config.hpp"

namespace {

double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double wall_s() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "bench_inbound_store: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tuki;
  if (argc < 4) return fail("usage: bench_inbound_store CONFIG DB REPLIES [STUDENTS]");
  const int replies = std::atoi(argv[3]);
  const int students = argc > 4 ? std::atoi(argv[4]) : 100000;
  const int batch = 32;       // about the mean batch at P1 load with 64 connections
  const int claim_every = 8;  // batches between claims: 256 answers, outbox.batch_size
  auto cfg = config::load_config(argv[1], [](const std::string& k) -> std::optional<std::string> {
    if (const char* v = std::getenv(k.c_str())) return std::string(v);
    return std::nullopt;
  });
  if (!cfg) return fail(cfg.error().message());
  cfg->store.path = argv[2];
  auto lib = app::load_dialogs(*cfg);
  if (!lib) return fail(lib.error().message());
  auto roles = app::role_names::load(cfg->dialogs_dir);
  if (!roles) return fail(roles.error().message());
  auto store = adapters::sqlite_store::open(argv[2], "normal");
  if (!store) return fail(store.error().message());
  auto& st = **store;
  if (auto off = st.db().exec("PRAGMA wal_autocheckpoint=0"); !off) return fail(off.message());
  auto cp = adapters::wal_checkpointer::start(argv[2], "normal",
                                              std::chrono::milliseconds(cfg->store.checkpoint_interval_ms));
  if (!cp) return fail(cp.error().message());
  std::shared_ptr<adapters::wal_checkpointer> checkpointer(std::move(*cp));
  st.keep_wal_short(262144, checkpointer);
  app::conversation conv(*cfg, std::move(*lib), std::move(*roles));
  if (auto s = conv.desk().load_status(); !s) return fail(s.message());

  const char* texts[] = {"2", "kyl", "3", "ei hyvin", "1", "jah", "taip", "yes", "4", "nē"};
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> pick(0, students - 1);
  char phone[32];
  int failed = 0, answered = 0;
  const double cpu0 = thread_cpu_s(), wall0 = wall_s();
  std::string error;
  auto transaction = [&](auto&& work) {  // BEGIN IMMEDIATE, work, COMMIT; false with `error`
    if (auto b = st.begin(); !b) return error = "BEGIN failed: " + b.message(), false;
    work();
    if (auto c = st.commit(); !c) return error = "COMMIT failed: " + c.message(), false;
    return true;
  };
  for (int done = 0, b = 0; done < replies; ++b) {
    const bool ok = transaction([&] {
      for (int i = 0; i < batch && done < replies; ++i, ++done) {
        (void)st.db().prepare("SAVEPOINT job").run();
        std::snprintf(phone, sizeof phone, "+3584%08d", pick(rng));
        adapters::inbound_sms sms{phone, "tuki", texts[done % 10], "bench-" + std::to_string(done),
                                  {},    {}};
        if (!conv.handle_inbound(st, "kannel", sms, app::wall_now())) {
          (void)st.db().prepare("ROLLBACK TO job").run();
          ++failed;
        }
        (void)st.db().prepare("RELEASE job").run();
      }
    });
    if (!ok) return fail(error);
    if ((b + 1) % claim_every != 0) continue;
    std::vector<adapters::queued_sms> claimed;
    core::status claim_status;
    if (!transaction([&] {
          auto c = st.claim_sms(256, app::wall_now());
          if (c) claimed = std::move(*c);
          else claim_status = c.error();
        }))
      return fail(error);
    if (!claim_status) return fail("claim failed: " + claim_status.message());
    const bool stored = transaction([&] {
      std::vector<std::pair<std::int64_t, std::string>> accepted;
      for (const auto& m : claimed) accepted.emplace_back(m.id, "0: Accepted for delivery");
      if (auto a = st.mark_sent(accepted, app::wall_now())) answered += static_cast<int>(*a);
    });
    if (!stored) return fail(error);
  }
  const double cpu = thread_cpu_s() - cpu0, wall = wall_s() - wall0;
  checkpointer->stop();
  std::printf("store us/reply: %.1f (%d replies, %d failed, %d answers sent, %d per batch, %.2f CPU s, %.2f s)\n",
              cpu * 1e6 / replies, replies, failed, answered, batch, cpu, wall);
  return failed == 0 ? 0 : 1;
}
