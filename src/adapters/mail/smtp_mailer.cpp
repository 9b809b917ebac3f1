#include <cstring>

#include <curl/curl.h>

#include "tuki/adapters/mail/mailer.hpp"

namespace tuki::adapters {
namespace {

struct upload {
  const std::string* data;
  std::size_t pos = 0;
};

std::size_t read_body(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<upload*>(user);
  std::size_t left = u->data->size() - u->pos;
  std::size_t take = std::min(left, size * n);
  std::memcpy(buf, u->data->data() + u->pos, take);
  u->pos += take;
  return take;
}

class smtp_mailer final : public mailer {
 public:
  explicit smtp_mailer(config::mail_settings s) : settings_(std::move(s)) {}

  core::status send(const mail_message& m) override {
    CURL* c = curl_easy_init();
    if (!c) return core::status::internal("curl_easy_init failed");
    char err[CURL_ERROR_SIZE] = {};
    upload body{&m.mime};
    curl_slist* rcpts = nullptr;
    for (const auto& r : m.recipients) rcpts = curl_slist_append(rcpts, ("<" + r + ">").c_str());
    std::string from = "<" + m.from + ">";
    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(c, CURLOPT_READDATA, &body);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, settings_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
    if (!settings_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpts);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK) return core::status::ok();
    std::string why = std::string(err[0] ? err : curl_easy_strerror(rc)) +
                      (code ? " (SMTP " + std::to_string(code) + ")" : "");
    // 5xx from the server is a refusal of this message; everything else may pass with time.
    if (code >= 500 && code < 600) return core::status::invalid_argument("mail refused: " + why);
    return core::status::unavailable("mail server: " + why);
  }

 private:
  config::mail_settings settings_;
};

}  // namespace

std::unique_ptr<mailer> make_smtp_mailer(const config::mail_settings& settings) {
  return std::make_unique<smtp_mailer>(settings);
}

std::unique_ptr<mailer> make_mailer(const config::mail_settings& settings) {
  if (settings.type == "smtp") return make_smtp_mailer(settings);
  return make_file_mailer(settings);
}

}  // namespace tuki::adapters
