#include "tuki/adapters/mail/mailer.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/scripted_smtp_server.hpp"

using namespace tuki;
namespace fs = std::filesystem;

namespace {

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

fs::path temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("tuki-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* mime =
    "From: tuki@varia.test\r\nTo: kuraattori@varia.test\r\nSubject: Uusi tukipyynt\xc3\xb6\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTicket 7: wellbeing\r\n";

}  // namespace

TEST_CASE("file mailer writes one .eml per message", "[mail]") {
  auto dir = temp_dir("mail");
  config::mail_settings s;
  s.type = "file";
  s.dir = (dir / "out").string();
  auto m = adapters::make_mailer(s);
  REQUIRE(m->send({"tuki@varia.test", {"a@varia.test", "b@varia.test"}, mime}).status.is_ok());
  REQUIRE(m->send({"tuki@varia.test", {"a@varia.test"}, mime}).status.is_ok());
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir / "out")) files.push_back(e.path());
  REQUIRE(files.size() == 2);
  for (auto& f : files) CHECK(f.extension() == ".eml");
  std::string text = slurp(files[0]) + slurp(files[1]);
  CHECK(text.find("X-Tuki-Envelope-To: b@varia.test") != std::string::npos);
  CHECK(text.find("Ticket 7: wellbeing") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("file mailer creates its directory and files for the owner only, whatever the umask",
          "[mail]") {
  auto dir = temp_dir("mail-modes");
  const mode_t old = ::umask(022);  // the usual default: new files readable by every user
  config::mail_settings s;
  s.type = "file";
  s.dir = (dir / "out").string();
  auto m = adapters::make_mailer(s);
  const bool sent = m->send({"tuki@varia.test", {"a@varia.test"}, mime}).status.is_ok();
  ::umask(old);
  REQUIRE(sent);
  struct stat st {};
  REQUIRE(::stat((dir / "out").c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);
  for (auto& e : fs::directory_iterator(dir / "out")) {
    REQUIRE(::stat(e.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 077) == 0);
  }
  fs::remove_all(dir);
}

TEST_CASE("SMTP mailer delivers to a real SMTP server and reports an outage as retryable", "[mail][smtp]") {
  auto dir = temp_dir("smtp");
  int port = free_port();
  std::string listen = "127.0.0.1:" + std::to_string(port);
  std::string pattern = (dir / "mail-%Y%m%dT%H%M%S.").string();
  std::vector<std::string> args{"smtp-sink", "-4", "-h", "sink.test", "-d", pattern, listen, "16"};
  if (::geteuid() == 0) args.insert(args.begin() + 1, {"-u", "root"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const char* binary = "/usr/sbin/smtp-sink";
  REQUIRE(fs::exists(binary));
  REQUIRE(::posix_spawn(&pid, binary, nullptr, nullptr, argv.data(), environ) == 0);

  config::mail_settings s;
  s.type = "smtp";
  s.url = "smtp://" + listen;
  auto m = adapters::make_mailer(s);
  core::status st = core::status::unavailable("not tried");
  for (int i = 0; i < 50 && !st; ++i) {  // wait for smtp-sink to listen
    st = m->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime}).status;
    if (!st) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(st.to_string());
  CHECK(st.is_ok());
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  std::string all;
  for (auto& e : fs::directory_iterator(dir)) all += slurp(e.path());
  CHECK(all.find("X-Rcpt-Args: <kuraattori@varia.test>") != std::string::npos);
  CHECK(all.find("Ticket 7: wellbeing") != std::string::npos);

  // The server is gone now: an outage must be retryable, never a drop.
  auto down = m->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime}).status;
  CHECK(down.error_code() == core::status::code::unavailable);
  fs::remove_all(dir);
}

namespace {

std::unique_ptr<adapters::mailer> smtp_to(const testing::scripted_smtp_server& server,
                                          std::string username = "") {
  config::mail_settings s;
  s.type = "smtp";
  s.url = server.url();
  s.username = std::move(username);
  if (!s.username.empty()) s.password = "wrong";
  return adapters::make_mailer(s);
}

using addresses = std::vector<std::string>;

}  // namespace

TEST_CASE("SMTP mailer: a refused recipient does not hold the message back from the others",
          "[mail][smtp]") {
  testing::scripted_smtp_server server({});
  auto m = smtp_to(server);
  auto r = m->send({"tuki@varia.test",
                    {"kuraattori@varia.test", "gone.opo@varia.test", "busy.rehtori@varia.test"},
                    mime});
  INFO(r.status.to_string());
  REQUIRE(r.status.is_ok());
  CHECK(server.delivered_to() == addresses{"kuraattori@varia.test"});
  CHECK(r.refused_recipients == addresses{"gone.opo@varia.test"});
  CHECK(r.deferred_recipients == addresses{"busy.rehtori@varia.test"});
  // The answer to report is the refusal (not the later deferral), its address masked.
  CHECK(r.smtp_code == 550);
  CHECK(r.reply == "5.1.1 <address> Recipient address rejected: User unknown");
}

TEST_CASE(
    "SMTP mailer: every recipient refused is a refusal with the server's code and reply, "
    "no address",
    "[mail][smtp]") {
  testing::scripted_smtp_server server({});
  auto m = smtp_to(server);
  auto r =
      m->send({"tuki@varia.test", {"gone.opo@varia.test", "gone.kuraattori@varia.test"}, mime});
  CHECK(r.status.error_code() == core::status::code::invalid_argument);
  CHECK(r.smtp_code == 550);
  CHECK(r.reply == "5.1.1 <address> Recipient address rejected: User unknown");
  CHECK(r.status.message().find("550") != std::string::npos);
  CHECK(r.status.message().find('@') == std::string::npos);
  CHECK(server.messages() == 0);

  // One of them only deferred: the message may pass later for it, so an outage, not a refusal.
  auto later = m->send({"tuki@varia.test", {"gone.opo@varia.test", "busy.x@varia.test"}, mime});
  CHECK(later.status.error_code() == core::status::code::unavailable);
}

TEST_CASE("SMTP mailer: a connection lost after one recipient was refused is an outage",
          "[mail][smtp]") {
  // The 550 to one recipient came first; what failed the send is the lost connection, which
  // may pass later: an outage (retried within 30 s for a crisis), not a refusal (hourly).
  testing::scripted_smtp_server server({.hang_up_after_message = true});
  auto r = smtp_to(server)->send(
      {"tuki@varia.test", {"gone.opo@varia.test", "kuraattori@varia.test"}, mime});
  INFO(r.status.to_string());
  CHECK(r.status.error_code() == core::status::code::unavailable);
  CHECK(r.smtp_code == 0);
  CHECK(server.messages() == 0);
}

TEST_CASE("SMTP mailer: a 5xx to DATA or to the message is a refusal, a 4xx an outage",
          "[mail][smtp]") {
  SECTION("554 to DATA") {
    testing::scripted_smtp_server server({.data_reply = "554 5.7.1 Rejected by policy"});
    auto r = smtp_to(server)->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime});
    CHECK(r.status.error_code() == core::status::code::invalid_argument);
    CHECK(r.smtp_code == 554);
    CHECK(r.reply == "5.7.1 Rejected by policy");
  }
  SECTION("552 to the end of the message (too big)") {
    testing::scripted_smtp_server server(
        {.end_reply = "552 5.3.4 Message size exceeds fixed limit"});
    auto r = smtp_to(server)->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime});
    CHECK(r.status.error_code() == core::status::code::invalid_argument);
    CHECK(r.smtp_code == 552);
    CHECK(r.reply == "5.3.4 Message size exceeds fixed limit");
  }
  SECTION("451 to the end of the message") {
    testing::scripted_smtp_server server({.end_reply = "451 4.3.0 Local error, try later"});
    auto r = smtp_to(server)->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime});
    CHECK(r.status.error_code() == core::status::code::unavailable);
    CHECK(r.smtp_code == 451);
  }
}

TEST_CASE("SMTP mailer: a refused login is told apart, without the credentials", "[mail][smtp]") {
  testing::scripted_smtp_server server(
      {.offer_auth = true, .auth_reply = "535 5.7.8 Authentication credentials invalid"});
  auto r = smtp_to(server, "tuki")->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime});
  CHECK(r.status.error_code() == core::status::code::unauthenticated);
  CHECK(r.smtp_code == 535);
  CHECK(r.reply == "5.7.8 Authentication credentials invalid");
  CHECK(r.status.message().find("wrong") == std::string::npos);
  CHECK(server.messages() == 0);
}

TEST_CASE("SMTP mailer: a 5xx greeting or sender refusal refuses tuki, not the message",
          "[mail][smtp]") {
  // Every message would meet it (a blocklisted address, a sender the server does not take):
  // the operator's to fix, so the mail waits as in an outage instead of hourly per message.
  SECTION("554 greeting") {
    testing::scripted_smtp_server server({.greeting = "554 5.7.1 Service unavailable; client "
                                                      "host blocked using zen.spamhaus.org"});
    auto r = smtp_to(server)->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime});
    INFO(r.status.to_string());
    CHECK(r.status.error_code() == core::status::code::permission_denied);
    CHECK(r.smtp_code == 554);
    CHECK(r.reply.find("blocked") != std::string::npos);
    CHECK(server.messages() == 0);
  }
  SECTION("553 to MAIL FROM") {
    testing::scripted_smtp_server server(
        {.mail_reply = "553 5.7.1 <tuki@varia.test>: Sender address rejected: not owned by user"});
    auto r = smtp_to(server)->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime});
    INFO(r.status.to_string());
    CHECK(r.status.error_code() == core::status::code::permission_denied);
    CHECK(r.smtp_code == 553);
    CHECK(r.reply.find('@') == std::string::npos);
    CHECK(r.status.message().find('@') == std::string::npos);
    CHECK(server.messages() == 0);
  }
  SECTION("421 greeting is an outage") {
    testing::scripted_smtp_server server({.greeting = "421 4.3.2 Service not available"});
    auto r = smtp_to(server)->send({"tuki@varia.test", {"kuraattori@varia.test"}, mime});
    CHECK(r.status.error_code() == core::status::code::unavailable);
  }
}

TEST_CASE("SMTP mailer: with require_tls, a server without STARTTLS gets no plain-text mail",
          "[mail][smtp]") {
  testing::scripted_smtp_server server({});  // offers no STARTTLS
  config::mail_settings s;
  s.type = "smtp";
  s.url = server.url();
  s.require_tls = true;
  auto r = adapters::make_mailer(s)->send(
      {"tuki@varia.test", {"staff@varia.test"}, "Subject: Ticket\r\n\r\nTicket 1\r\n"});
  // Refused for every message alike (mail_server_refused: an error naming what to set), and
  // nothing was delivered.
  CHECK(r.status.error_code() == core::status::code::permission_denied);
  CHECK_THAT(r.status.message(),
             Catch::Contains("offers no STARTTLS") && Catch::Contains("require_tls: false"));
  CHECK(server.delivered_to().empty());
}
