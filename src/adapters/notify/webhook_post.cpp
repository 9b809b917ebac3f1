#include "tuki/adapters/notify/webhook_post.hpp"
#include "tuki/core/text/ascii_case.hpp"

#include <string_view>

#include <curl/curl.h>

namespace tuki::adapters {
namespace {

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

// Keeps the Retry-After header (of the last answer: a redirect's are replaced).
std::size_t header_line(char* data, std::size_t size, std::size_t n, void* user) {
  std::string_view line(data, size * n);
  constexpr std::string_view name = "retry-after:";
  if (line.size() > name.size() && core::ascii_istarts_with(line, name)) {
    auto value = line.substr(name.size());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
      value.remove_suffix(1);
    *static_cast<std::string*>(user) = std::string(value);
  }
  return size * n;
}

// Ends the transfer (CURLE_ABORTED_BY_CALLBACK) once the caller's flag is set.
int cut_short(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

}  // namespace

core::result<webhook_answer> post_webhook(const std::string& url,
                                          const std::vector<core::http_header>& headers,
                                          const std::string& body, long timeout_ms,
                                          const std::atomic<bool>* cancel) {
  if (cancel && cancel->load()) return core::status::unavailable("webhook: cut short by a stop");
  CURL* c = curl_easy_init();
  if (!c) return core::status::internal("curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, (h.name + ": " + h.value).c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 5000L));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  webhook_answer answer;
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_line);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &answer.retry_after);
  if (cancel) {
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, cut_short);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  }
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  if (rc == CURLE_ABORTED_BY_CALLBACK)
    return core::status::unavailable("webhook: cut short by a stop");
  if (rc != CURLE_OK)
    return core::status::unavailable(std::string("webhook: ") + curl_easy_strerror(rc));
  answer.status = static_cast<int>(status);
  return answer;
}

}  // namespace tuki::adapters
