#include <algorithm>
#include <cstring>

#include <curl/curl.h>

#include "tuki/adapters/mail/mailer.hpp"
#include "tuki/adapters/mail/smtp_transcript.hpp"

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

// The protocol lines, for the transcript; the message itself (DATA_OUT) is not looked at.
int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  auto* t = static_cast<smtp_transcript*>(user);
  if (type == CURLINFO_HEADER_OUT) t->sent({data, size});
  if (type == CURLINFO_HEADER_IN) t->received({data, size});
  return 0;
}

// Debian 12's libcurl (7.88) spells the option with three Ls; 8.2 renamed it.
#if LIBCURL_VERSION_NUM >= 0x080200
constexpr CURLoption rcpt_allowfails = CURLOPT_MAIL_RCPT_ALLOWFAILS;
#else
constexpr CURLoption rcpt_allowfails = CURLOPT_MAIL_RCPT_ALLLOWFAILS;
#endif

mail_result outcome(CURLcode rc, long code, const char* err, const smtp_transcript& t) {
  mail_result r;
  if (rc == CURLE_OK) {
    r.refused_recipients = t.recipients_answered(5);
    r.deferred_recipients = t.recipients_answered(4);
    // The answer to report: the last refusal of a recipient, else the last deferral.
    const auto& answers = t.answers();
    for (int klass : {5, 4})
      for (auto it = answers.rbegin(); it != answers.rend() && !r.smtp_code; ++it)
        if (it->command == "RCPT" && it->code / 100 == klass) {
          r.smtp_code = it->code;
          r.reply = mask_addresses(it->text);
        }
    return r;
  }
  // Only the last answer can have decided the failure: an earlier refusal (one recipient's 550
  // among others taken) says nothing about a timeout or a dropped connection after it, which may
  // pass later and must not be taken for a refusal (hourly retries instead of 30 s for a crisis).
  // (QUIT and RSET are curl's clean-up after the failure.)
  const auto& answers = t.answers();
  auto last = std::find_if(answers.rbegin(), answers.rend(), [](const auto& a) {
    return a.command != "QUIT" && a.command != "RSET";
  });
  const smtp_transcript::answer* f = last != answers.rend() && last->code >= 400 ? &*last : nullptr;
  r.smtp_code = f ? f->code : (answers.empty() && code >= 400 ? static_cast<int>(code) : 0);
  r.reply = f ? mask_addresses(f->text) : "";
  std::string why = std::string(err[0] ? err : curl_easy_strerror(rc));
  if (r.smtp_code)
    why += " (SMTP " + std::to_string(r.smtp_code) + (r.reply.empty() ? "" : " " + r.reply) + ")";
  const bool permanent = r.smtp_code >= 500 && r.smtp_code < 600;
  // No recipient taken, but one only deferred (4xx): the message may pass later for it.
  const bool some_deferred = f && f->command == "RCPT" && !t.recipients_answered(4).empty();
  // A 5xx before any recipient (the greeting, EHLO, STARTTLS, MAIL FROM) refuses tuki itself:
  // every message will meet it until the operator or the server's admin acts (a blocklisted
  // address, a sender the server does not take), so it is no refusal of this message.
  const bool refuses_tuki =
      permanent && f &&
      (f->command == "CONNECT" || f->command == "EHLO" || f->command == "HELO" ||
       f->command == "STARTTLS" || f->command == "MAIL");
  // require_tls and a server that offers no STARTTLS: tuki refuses to send in plain text, for
  // every message alike, until the server offers TLS or the operator allows plain SMTP.
  if (rc == CURLE_USE_SSL_FAILED)
    r.status = core::status::permission_denied(
        "mail server offers no STARTTLS, and mail.require_tls is on (the default for a server "
        "on another host): enable TLS on the server, use smtps://, or set require_tls: false");
  else if (rc == CURLE_LOGIN_DENIED && (permanent || r.smtp_code == 0))
    r.status = core::status::unauthenticated("mail server refused the login: " + why);
  else if (permanent && f && f->command == "AUTH")
    r.status = core::status::unauthenticated("mail server refused the login: " + why);
  else if (refuses_tuki)
    r.status = core::status::permission_denied("mail server refused tuki's mail: " + why);
  else if (permanent && !some_deferred)
    r.status = core::status::invalid_argument("mail refused: " + why);
  else
    r.status = core::status::unavailable("mail server: " + why);
  return r;
}

class smtp_mailer final : public mailer {
 public:
  explicit smtp_mailer(config::mail_settings s) : settings_(std::move(s)) {}

  mail_result send(const mail_message& m) override {
    CURL* c = curl_easy_init();
    if (!c) return mail_result::failed(core::status::internal("curl_easy_init failed"));
    smtp_transcript transcript;
    char err[CURL_ERROR_SIZE] = {};
    upload body{&m.mime};
    curl_slist* rcpts = nullptr;
    for (const auto& r : m.recipients) rcpts = curl_slist_append(rcpts, ("<" + r + ">").c_str());
    std::string from = "<" + m.from + ">";
    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(c, rcpt_allowfails, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(c, CURLOPT_READDATA, &body);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &transcript);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds on_debug only, never stderr
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
    return outcome(rc, code, err, transcript);
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
