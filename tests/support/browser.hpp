#pragma once
// A test client that behaves like a browser towards the in-process app
// (tests/http/server_fixture.hpp): it keeps cookies and sends the CSRF token
// with every form it posts.

#include <cctype>
#include <cstdio>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "http/server_fixture.hpp"
#include "store/secrets.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {

// application/x-www-form-urlencoded, every byte outside [A-Za-z0-9-_.] escaped.
inline std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    for (const auto* s : {&k, &v}) {
      for (unsigned char c : *s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
          out += static_cast<char>(c);
        } else {
          char buf[4];
          std::snprintf(buf, sizeof buf, "%%%02X", c);
          out += buf;
        }
      }
      if (s == &k) out += '=';
    }
  }
  return out;
}

// A client that keeps cookies, like a browser.
struct Browser {
  AppServer* s;
  std::map<std::string, std::string> cookies;
  // When `s` is null: the address of a server of its own (a `samskap serve`
  // child), e.g. "http://127.0.0.1:8123".
  std::string base = {};

  std::string url(const std::string& path) const { return s ? s->url(path) : base + path; }

  std::vector<std::string> headers(std::vector<std::string> extra = {}) const {
    std::string c;
    for (const auto& [k, v] : cookies)
      c += (c.empty() ? "" : "; ") + k + "=" + v;
    if (!c.empty()) extra.push_back("Cookie: " + c);
    return extra;
  }
  void remember(const HttpResult& r) {
    auto range = r.headers.equal_range("set-cookie");
    for (auto it = range.first; it != range.second; ++it) {
      const std::string& line = it->second;
      auto eq = line.find('='), semi = line.find(';');
      std::string name = line.substr(0, eq), value = line.substr(eq + 1, semi - eq - 1);
      if (line.find("Max-Age=0") != std::string::npos)
        cookies.erase(name);
      else
        cookies[name] = value;
    }
  }
  HttpResult get(const std::string& path, std::vector<std::string> extra = {}) {
    auto r = http_get(url(path), headers(std::move(extra)));
    remember(r);
    return r;
  }
  HttpResult post(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                  bool with_csrf = true) {
    if (with_csrf) fields.emplace_back("csrf", csrf());
    auto r = http_request("POST", url(path),
                          headers({"Content-Type: application/x-www-form-urlencoded"}),
                          form_encode(fields));
    remember(r);
    return r;
  }
  // The CSRF token of the current page state: the session's (from /meg) or the pre-login cookie.
  std::string csrf() {
    if (cookies.count("samskap_session")) {
      auto page = http_get(url("/meg"), headers());
      std::smatch m;
      if (std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([^\"]+)\"")))
        return m[1];
    }
    return cookies.count("samskap_csrf") ? cookies["samskap_csrf"] : std::string{};
  }
};

// The password every test user gets, and its argon2id hash (computed once:
// hashing takes about 0.1 s).
inline const std::string kTestPassword = "lang og trygg setning";
inline const std::string& test_password_hash() {
  static const std::string h = store::hash_password(kTestPassword);
  return h;
}

// A browser that has logged in as `email` (with kTestPassword) through the login form.
inline Browser logged_in_browser(AppServer* s, const std::string& email) {
  Browser b{s, {}};
  b.get("/logg-inn");
  auto r = b.post("/logg-inn", {{"email", email}, {"password", kTestPassword}});
  EXPECT_EQ(r.status, 303) << r.body;
  EXPECT_TRUE(b.cookies.count("samskap_session"));
  return b;
}

}  // namespace samskap::testing
