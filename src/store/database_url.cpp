#include "store/database_url.hpp"

#include <optional>

namespace samskap::store {

Result<DatabaseUrl> parse_database_url(std::string_view url) {
  auto bad = [](std::string detail) {
    return Error::invalid("error.database_url", std::move(detail));
  };
  if (url.empty()) return bad("the database URL is empty");
  if (url.size() > 4096) return bad("the database URL is longer than 4096 characters");
  for (char c : url)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return bad("the database URL contains control characters");

  DatabaseUrl out;
  for (std::string_view prefix : {"sqlite://", "sqlite3://", "sqlite:", "sqlite3:"}) {
    if (url.starts_with(prefix)) {
      out.engine = Engine::sqlite;
      out.sqlite_path = std::string(url.substr(prefix.size()));
      if (out.sqlite_path.empty())
        return bad("sqlite: needs a file path, e.g. sqlite:var/samskap.db");
      return out;
    }
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    out.engine = Engine::postgresql;
    out.postgres_dsn = std::string(url);
    return out;
  }
  return bad("unknown database URL '" + redact_database_url(url) +
             "': use sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE");
}

std::string redact_database_url(std::string_view url) {
  std::string s(url);
  auto scheme = s.find("://");
  if (scheme == std::string::npos) return s;
  auto at = s.find('@', scheme + 3);
  auto slash = s.find('/', scheme + 3);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    auto colon = s.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
  }
  // password=… as a query parameter
  auto pw = s.find("password=");
  if (pw != std::string::npos) {
    auto end = s.find('&', pw);
    s.replace(pw + 9, (end == std::string::npos ? s.size() : end) - pw - 9, "***");
  }
  return s;
}

namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
    if (h < 0 || l < 0) return std::nullopt;
    char c = static_cast<char>(h * 16 + l);
    if (c == '\0') return std::nullopt;
    out += c;
    i += 2;
  }
  return out;
}

void add(std::string& out, std::string_view key, const std::string& value) {
  if (!out.empty()) out += ' ';
  out += key;
  out += "='";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
}

bool known_parameter(std::string_view k) {
  for (std::string_view p :
       {"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name",
        "options", "target_session_attrs", "password", "user", "host", "port", "dbname",
        "keepalives", "keepalives_idle", "gssencmode", "channel_binding"})
    if (k == p) return true;
  return false;
}

}  // namespace

Result<std::string> postgres_keyword_conninfo(std::string_view url) {
  auto bad = [&](std::string why) {
    return Error::invalid("error.database_url",
                          "database URL " + redact_database_url(url) + ": " + why);
  };
  std::string_view rest;
  if (url.starts_with("postgresql://"))
    rest = url.substr(13);
  else if (url.starts_with("postgres://"))
    rest = url.substr(11);
  else
    return bad("not a postgresql:// URL");

  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (auto sl = rest.find('/'); sl != std::string_view::npos) {
    path = rest.substr(sl + 1);
    rest = rest.substr(0, sl);
  }
  std::string out;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    auto user = unescape(userinfo.substr(0, colon));
    if (!user) return bad("malformed %-escape in the user name");
    if (!user->empty()) add(out, "user", *user);
    if (colon != std::string_view::npos) {
      auto pw = unescape(userinfo.substr(colon + 1));
      if (!pw) return bad("malformed %-escape in the password");
      add(out, "password", *pw);
    }
  }
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return bad("unclosed [ in the host");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return bad("unexpected text after the host");
      port = rest.substr(close + 2);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (!host.empty()) {
    auto h = unescape(host);
    if (!h) return bad("malformed %-escape in the host");
    add(out, "host", *h);
  }
  if (!port.empty()) {
    if (port.size() > 5) return bad("the port must be a number from 1 to 65535");
    unsigned n = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return bad("the port must be a number from 1 to 65535");
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n == 0 || n > 65535) return bad("the port must be a number from 1 to 65535");
    add(out, "port", std::string(port));
  }
  if (!path.empty()) {
    auto db = unescape(path);
    if (!db) return bad("malformed %-escape in the database name");
    add(out, "dbname", *db);
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) return bad("parameter without a value");
    auto k = unescape(pair.substr(0, eq));
    auto v = unescape(pair.substr(eq + 1));
    if (!k || !v) return bad("malformed %-escape in a parameter");
    if (!known_parameter(*k)) return bad("unknown parameter '" + *k + "'");
    add(out, *k, *v);
  }
  return out;
}

}  // namespace samskap::store
