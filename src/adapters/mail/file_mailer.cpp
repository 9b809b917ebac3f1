#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include "tuki/adapters/mail/mailer.hpp"

namespace tuki::adapters {
namespace {

class file_mailer final : public mailer {
 public:
  explicit file_mailer(config::mail_settings s) : settings_(std::move(s)) {}

  mail_result send(const mail_message& m) override {
    // Staff mail names students (and for an unregistered crisis holds the number): the
    // directory tuki creates and every file in it are the owner's only, whatever the umask.
    std::error_code ec;
    if (std::filesystem::create_directories(settings_.dir, ec))
      std::filesystem::permissions(settings_.dir, std::filesystem::perms::owner_all, ec);
    if (ec)
      return mail_result::failed(core::status::unavailable("cannot create mail directory " +
                                                           settings_.dir + ": " + ec.message()));
    auto stamp = std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
    std::string base = settings_.dir + "/" + std::to_string(stamp) + "-" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter_++);
    std::string tmp = base + ".tmp";
    if (const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600); fd >= 0)
      ::close(fd);  // created 0600 before a byte is written; the ofstream keeps that mode
    {
      std::ofstream out(tmp, std::ios::binary);
      out << "X-Tuki-Envelope-From: " << m.from << "\r\n";
      for (const auto& r : m.recipients) out << "X-Tuki-Envelope-To: " << r << "\r\n";
      out << m.mime;
      out.flush();
      if (!out) return mail_result::failed(core::status::unavailable("cannot write " + tmp));
    }
    std::filesystem::rename(tmp, base + ".eml", ec);
    if (ec)
      return mail_result::failed(
          core::status::unavailable("cannot rename " + tmp + ": " + ec.message()));
    return {};
  }

 private:
  config::mail_settings settings_;
  std::atomic<unsigned> counter_{0};
};

}  // namespace

std::unique_ptr<mailer> make_file_mailer(const config::mail_settings& settings) {
  return std::make_unique<file_mailer>(settings);
}

}  // namespace tuki::adapters
