#pragma once
// A small blocking HTTP client for tests (libcurl), plus a raw-socket sender
// for requests no well-behaved client would send.

#include <map>
#include <string>
#include <vector>

namespace samskap::testing {

struct HttpResult {
  long status = 0;  // 0: no response (connection failed or closed)
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

HttpResult http_request(const std::string& method, const std::string& url,
                        const std::vector<std::string>& headers = {}, const std::string& body = {});
inline HttpResult http_get(const std::string& url, const std::vector<std::string>& headers = {}) {
  return http_request("GET", url, headers);
}

// Sends raw bytes to 127.0.0.1:port and returns whatever comes back before the
// server closes the connection or `timeout_ms` passes.
std::string raw_exchange(int port, const std::string& bytes, int timeout_ms = 2000);

}  // namespace samskap::testing
