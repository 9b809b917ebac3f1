#include "tuki/adapters/phone/phone_workers.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tuki/adapters/phone/phone_normalizer.hpp"

namespace tuki::adapters {

// One stream socket pair per worker (not pipes: a send to a worker that died fails with EPIPE
// instead of killing the importing process with SIGPIPE). A message, both directions: a 32-bit
// byte count, then that many bytes, read with one call (not one per field: syscalls cost more
// than the parsing on a virtual machine). A request's bytes: per number a 32-bit length and its
// bytes. An answer's: per number one byte (1: E.164 number, 0: error text), a 32-bit length and
// the text. The worker leaves when its socket is closed.
namespace {

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* out, std::size_t size) {
  auto* p = static_cast<char*>(out);
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, p + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // 0: the other end closed
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void put_u32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

// `body` with its byte count in front (the first 4 bytes of `message`, reserved by the caller).
void seal(std::string& message) {
  const auto n = static_cast<std::uint32_t>(message.size() - sizeof(std::uint32_t));
  std::memcpy(message.data(), &n, sizeof n);
}

bool read_message(int fd, std::string& body) {
  std::uint32_t n = 0;
  if (!read_all(fd, &n, sizeof n)) return false;
  body.resize(n);
  return n == 0 || read_all(fd, body.data(), n);
}

// Reads a 32-bit length and that many bytes from body at `at`; false past the end.
bool take(std::string_view body, std::size_t& at, std::string_view& out) {
  std::uint32_t len = 0;
  if (body.size() - at < sizeof len) return false;
  std::memcpy(&len, body.data() + at, sizeof len);
  at += sizeof len;
  if (body.size() - at < len) return false;
  out = body.substr(at, len);
  at += len;
  return true;
}

[[noreturn]] void worker_main(int fd, const std::string& region) {
  std::string request, answer;
  while (read_message(fd, request)) {
    answer.assign(sizeof(std::uint32_t), '\0');
    std::size_t at = 0;
    std::string_view raw;
    while (at < request.size()) {
      if (!take(request, at, raw)) _exit(1);
      auto r = normalize_mobile_phone(raw, region);
      const std::string text = r ? *r : r.error().message();
      answer.push_back(r ? 1 : 0);
      put_u32(answer, static_cast<std::uint32_t>(text.size()));
      answer += text;
    }
    seal(answer);
    if (!write_all(fd, answer)) break;
  }
  _exit(0);
}

}  // namespace

core::result<std::unique_ptr<phone_workers>> phone_workers::start(unsigned count, std::string region) {
  std::unique_ptr<phone_workers> pool(new phone_workers());
  for (unsigned k = 0; k < std::max(count, 1u); ++k) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      return core::status::internal(std::string("socketpair: ") + std::strerror(errno));
    pid_t pid = ::fork();
    if (pid < 0) {
      ::close(sv[0]);
      ::close(sv[1]);
      return core::status::internal(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
      // The child keeps only its own end: an inherited parent end of an earlier worker's socket
      // would keep that worker from seeing its end-of-file.
      for (const auto& w : pool->workers_) ::close(w.fd);
      ::close(sv[0]);
      worker_main(sv[1], region);
    }
    ::close(sv[1]);
    pool->workers_.push_back({pid, sv[0]});
  }
  return pool;
}

phone_workers::~phone_workers() {
  for (auto& w : workers_) ::close(w.fd);
  for (auto& w : workers_) {
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

core::result<std::vector<core::result<std::string>>> phone_workers::normalize(
    unsigned k, const std::vector<std::string_view>& raw) {
  auto& w = workers_.at(k);
  std::vector<core::result<std::string>> out;
  if (raw.empty()) return out;
  std::string request(sizeof(std::uint32_t), '\0');
  for (auto r : raw) {
    put_u32(request, static_cast<std::uint32_t>(r.size()));
    request.append(r);
  }
  seal(request);
  auto gone = [&] {
    return core::status::unavailable("phone worker " + std::to_string(k) + " (pid " +
                                     std::to_string(w.pid) + ") stopped answering");
  };
  std::string answer;
  if (!write_all(w.fd, request) || !read_message(w.fd, answer)) return gone();
  out.reserve(raw.size());
  std::size_t at = 0;
  std::string_view text;
  while (at < answer.size()) {
    const bool ok = answer[at++] == 1;
    if (!take(answer, at, text)) return gone();
    if (ok) out.emplace_back(std::string(text));
    else out.emplace_back(core::status::invalid_argument(std::string(text)));
  }
  if (out.size() != raw.size()) return gone();
  return out;
}

}  // namespace tuki::adapters
