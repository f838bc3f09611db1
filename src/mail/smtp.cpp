#include "mail/smtp.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace samskap::mail {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string* text;
  std::size_t at = 0;
};

std::size_t read_cb(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  std::size_t room = size * n;
  std::size_t left = u->text->size() - u->at;
  std::size_t k = std::min(room, left);
  std::memcpy(buf, u->text->data() + u->at, k);
  u->at += k;
  return k;
}

using Handle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

Handle open(const SmtpSettings& s, char* errbuf) {
  global_init();
  Handle h(curl_easy_init(), &curl_easy_cleanup);
  if (!h) return h;
  std::string host = s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host;
  std::string url = std::string(s.security == Security::tls ? "smtps://" : "smtp://") + host + ":" +
                    std::to_string(s.port);
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_CONNECTTIMEOUT, static_cast<long>(s.timeout.count()));
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT, static_cast<long>(s.timeout.count()));
  if (s.security == Security::starttls) curl_easy_setopt(h.get(), CURLOPT_USE_SSL, CURLUSESSL_ALL);
  if (!s.user.empty()) {
    curl_easy_setopt(h.get(), CURLOPT_USERNAME, s.user.c_str());
    curl_easy_setopt(h.get(), CURLOPT_PASSWORD, s.password.c_str());
  }
  return h;
}

}  // namespace

std::optional<Security> parse_security(std::string_view text) noexcept {
  if (text == "starttls") return Security::starttls;
  if (text == "tls") return Security::tls;
  if (text == "none") return Security::none;
  return std::nullopt;
}

std::optional<SendFailure> send(const SmtpSettings& s, const std::string& to,
                                const std::string& message) {
  char errbuf[CURL_ERROR_SIZE] = {};
  auto h = open(s, errbuf);
  if (!h) return SendFailure{"could not start libcurl", false};
  Upload up{&message};
  std::string from = "<" + s.from.address + ">";
  std::string rcpt_text = "<" + to + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, rcpt_text.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(rcpt,
                                                                         &curl_slist_free_all);
  curl_easy_setopt(h.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h.get(), CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(h.get(), CURLOPT_READFUNCTION, &read_cb);
  curl_easy_setopt(h.get(), CURLOPT_READDATA, &up);
  curl_easy_setopt(h.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  CURLcode rc = curl_easy_perform(h.get());
  if (rc == CURLE_OK) return std::nullopt;
  long code = 0;
  curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &code);
  std::string reason = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  if (code > 0) reason += " (SMTP " + std::to_string(code) + ")";
  // The recipient or the address refused for good (550 mailbox unavailable,
  // 553 not allowed, 501 bad syntax): trying again will not help. Anything
  // else (no connection, a refused login, 4xx) may pass later.
  const bool permanent = code == 550 || code == 553 || code == 501;
  return SendFailure{reason, permanent};
}

std::optional<std::string> probe(const SmtpSettings& s) {
  char errbuf[CURL_ERROR_SIZE] = {};
  auto h = open(s, errbuf);
  if (!h) return std::string("could not start libcurl");
  curl_easy_setopt(h.get(), CURLOPT_CONNECT_ONLY, 1L);
  CURLcode rc = curl_easy_perform(h.get());
  if (rc == CURLE_OK) return std::nullopt;
  return std::string(errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

}  // namespace samskap::mail
