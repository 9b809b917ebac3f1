#include "tuki/adapters/http/http_client.hpp"

#include <algorithm>

#include <pthread.h>

#include <curl/curl.h>

#include "tuki/adapters/http/http_url.hpp"

namespace tuki::adapters {

struct http_client::pending {
  core::http_request request;
  callback done;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  core::http_response response;
  char error[CURL_ERROR_SIZE] = {};
};

namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* resp = static_cast<core::http_response*>(user);
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    if (name == "Content-Type" || name == "content-type") resp->content_type = value;
    resp->headers.push_back({std::move(name), std::move(value)});
  } else if (line.rfind("HTTP/", 0) == 0) {
    resp->headers.clear();  // a new response (after 100 Continue or a redirect)
  }
  return size * n;
}

// curl_global_init once per process, before the first client uses libcurl.
void init_curl_once() {
  struct curl_global {
    curl_global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  };
  static curl_global init;
}

beast_client_settings plain_settings(const http_client_settings& s) {
  beast_client_settings b;
  b.max_host_connections = static_cast<std::size_t>(std::max(s.max_host_connections, 1L));
  b.timeout_ms = s.timeout_ms;
  b.connect_timeout_ms = s.connect_timeout_ms;
  return b;
}

}  // namespace

http_client::http_client(http_client_settings settings)
    : settings_(settings), plain_(plain_settings(settings)) {
  init_curl_once();
}

http_client::http_client(http_client_settings settings, boost::asio::io_context& io)
    : settings_(settings), plain_(plain_settings(settings), io) {
  init_curl_once();
}

http_client::~http_client() { stop(); }

void http_client::start() {
  plain_.start();
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  CURLM* m = curl_multi_init();
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, settings_.max_host_connections);
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, settings_.max_host_connections * 4);
  multi_ = m;
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tuki-curl");  // for per-thread CPU in top and bench
    run();
  });
}

void http_client::stop() {
  plain_.stop();
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  thread_.join();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
  multi_ = nullptr;
}

std::size_t http_client::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_ + queue_.size() + plain_.in_flight();
}

void http_client::submit(core::http_request request, callback done) {
  if (parse_http_url(request.target)) {
    plain_.submit(std::move(request), std::move(done));
    return;
  }
  auto* p = new pending;
  p->request = std::move(request);
  p->done = std::move(done);
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(p);
  }
  if (multi_) curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

void http_client::run() {
  auto* m = static_cast<CURLM*>(multi_);
  while (true) {
    std::deque<pending*> fresh;
    bool stop_now = false;
    {
      std::lock_guard lock(mutex_);
      fresh.swap(queue_);
      in_flight_ += fresh.size();
      stop_now = stopping_ && in_flight_ == 0;
    }
    if (stop_now) break;
    for (pending* p : fresh) {
      CURL* e = curl_easy_init();
      p->easy = e;
      curl_easy_setopt(e, CURLOPT_URL, p->request.target.c_str());
      curl_easy_setopt(e, CURLOPT_PRIVATE, p);
      curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
      curl_easy_setopt(e, CURLOPT_WRITEDATA, &p->response.body);
      curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
      curl_easy_setopt(e, CURLOPT_HEADERDATA, &p->response);
      curl_easy_setopt(e, CURLOPT_ERRORBUFFER, p->error);
      curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, settings_.timeout_ms);
      curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, settings_.connect_timeout_ms);
      curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
      curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
      for (const auto& h : p->request.headers)
        p->headers = curl_slist_append(p->headers, (h.name + ": " + h.value).c_str());
      p->headers = curl_slist_append(p->headers, "Expect:");
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, p->headers);
      if (p->request.method == "POST" || p->request.method == "PUT") {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, p->request.body.data());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(p->request.body.size()));
        if (p->request.method == "PUT") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT");
      }
      curl_multi_add_handle(m, e);
    }
    int running = 0;
    curl_multi_perform(m, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      pending* p = nullptr;
      curl_easy_getinfo(e, CURLINFO_PRIVATE, &p);
      std::string transport_error;
      if (msg->data.result != CURLE_OK) {
        transport_error = p->error[0] ? p->error : curl_easy_strerror(msg->data.result);
        p->response = {};
        p->response.status = 0;
      } else {
        long code = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
        p->response.status = static_cast<int>(code);
      }
      curl_multi_remove_handle(m, e);
      curl_easy_cleanup(e);
      curl_slist_free_all(p->headers);
      if (p->done) p->done(std::move(p->response), std::move(transport_error));
      delete p;
      std::lock_guard lock(mutex_);
      --in_flight_;
    }
    curl_multi_poll(m, nullptr, 0, 200, nullptr);
  }
}

}  // namespace tuki::adapters
