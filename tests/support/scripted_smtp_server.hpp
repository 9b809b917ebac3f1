#pragma once
// An SMTP server on 127.0.0.1 (port 0) that answers as a test tells it to, one session at a
// time on a thread of its own: a recipient whose address starts with "gone" is refused (550,
// the reply naming the address, as Postfix does), one starting with "busy" deferred (450);
// the greeting, MAIL, DATA, the end of the message and AUTH answer what the test sets.
// smtp-sink refuses a command for every recipient alike; this one refuses one recipient among
// several.
#include <atomic>
#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/loopback_listener.hpp"

namespace tuki::testing {

class scripted_smtp_server {
 public:
  struct script {
    std::string greeting = "220 fake.test ESMTP";
    std::string mail_reply = "250 2.1.0 Ok";
    std::string data_reply = "354 End data with <CR><LF>.<CR><LF>";
    std::string end_reply = "250 2.0.0 Ok: queued as 4F2A";
    bool offer_auth = false;
    std::string auth_reply = "235 2.7.0 Authentication successful";
    /// Close the connection after the message, before answering its end (a crash, a timeout).
    bool hang_up_after_message = false;
  };

  explicit scripted_smtp_server(script s) : script_(std::move(s)) {
    fd_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~scripted_smtp_server() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  scripted_smtp_server(const scripted_smtp_server&) = delete;
  scripted_smtp_server& operator=(const scripted_smtp_server&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  /// The recipients of the messages the server took, in order.
  std::vector<std::string> delivered_to() const {
    std::lock_guard lock(mutex_);
    return delivered_;
  }
  int messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      session(c);
      ::close(c);
    }
  }

  static void say(int c, const std::string& line) {
    std::string out = line + "\r\n";
    (void)::send(c, out.data(), out.size(), MSG_NOSIGNAL);
  }

  // One line without its CRLF; false when the client is gone.
  bool read_line(int c, std::string& buffer, std::string& line) {
    for (;;) {
      auto end = buffer.find("\r\n");
      if (end != std::string::npos) {
        line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
      }
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1) return false;
      char chunk[4096];
      auto n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  void session(int c) {
    say(c, script_.greeting);
    std::string buffer, line;
    std::vector<std::string> rcpts;
    bool in_auth = false;
    while (read_line(c, buffer, line)) {
      std::string verb = line.substr(0, 4);
      for (auto& ch : verb) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (in_auth) {
        in_auth = false;
        say(c, script_.auth_reply);
      } else if (verb == "EHLO") {
        say(c, "250-fake.test");
        if (script_.offer_auth) say(c, "250-AUTH PLAIN");
        say(c, "250 8BITMIME");
      } else if (verb == "HELO") {
        say(c, "250 fake.test");
      } else if (verb == "AUTH") {
        if (line.find(' ', 5) == std::string::npos) {
          in_auth = true;
          say(c, "334 ");
        } else {
          say(c, script_.auth_reply);
        }
      } else if (verb == "MAIL") {
        rcpts.clear();
        say(c, script_.mail_reply);
      } else if (verb == "RCPT") {
        auto open = line.find('<'), close = line.find('>');
        std::string addr = line.substr(open + 1, close - open - 1);
        if (addr.rfind("gone", 0) == 0) {
          say(c, "550 5.1.1 <" + addr + ">: Recipient address rejected: User unknown");
        } else if (addr.rfind("busy", 0) == 0) {
          say(c, "450 4.2.1 <" + addr + ">: Mailbox busy, try again later");
        } else {
          rcpts.push_back(addr);
          say(c, "250 2.1.5 Ok");
        }
      } else if (verb == "DATA") {
        say(c, script_.data_reply);
        if (script_.data_reply.rfind("354", 0) != 0) continue;
        while (read_line(c, buffer, line) && line != ".") {
        }
        if (script_.hang_up_after_message) return;
        say(c, script_.end_reply);
        if (script_.end_reply.rfind("250", 0) == 0) {
          std::lock_guard lock(mutex_);
          ++messages_;
          delivered_.insert(delivered_.end(), rcpts.begin(), rcpts.end());
        }
      } else if (verb == "QUIT") {
        say(c, "221 2.0.0 Bye");
        return;
      } else {
        say(c, "250 Ok");  // RSET, NOOP
      }
    }
  }

  script script_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> delivered_;
  int messages_ = 0;
};

}  // namespace tuki::testing
