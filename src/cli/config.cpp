#include "cli/config.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "mail/message.hpp"
#include "web/proxy.hpp"
#include "web/server.hpp"

namespace samskap::cli {

namespace {

std::optional<std::size_t> parse_count(std::string_view s, std::size_t lo, std::size_t hi) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::size_t v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "0" || l == "no" || l == "off") return false;
  return std::nullopt;
}

}  // namespace

std::optional<std::size_t> parse_size(std::string_view text) {
  std::string s;
  for (char c : text)
    if (c != ' ' && c != '_') s += c;
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
    ++i;
  if (i == 0 || i > 12) return std::nullopt;
  std::size_t n = std::stoull(s.substr(0, i));
  std::string unit = s.substr(i);
  std::transform(unit.begin(), unit.end(), unit.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::size_t mult = 1;
  if (unit.empty() || unit == "b")
    mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib")
    mult = 1024;
  else if (unit == "m" || unit == "mb" || unit == "mib")
    mult = 1024 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib")
    mult = 1024ull * 1024 * 1024;
  else
    return std::nullopt;
  if (n > (std::size_t{1} << 40) / mult) return std::nullopt;
  return n * mult;
}

Result<Config> resolve_config(const FlagValues& flags, const EnvLookup& env,
                              const std::string& toml_text, const std::string& toml_name) {
  auto bad = [](std::string detail) { return Error::invalid("error.config", std::move(detail)); };

  // Collect the file's values as strings, remembering their lines.
  std::map<std::string, std::pair<std::string, std::string>> file_values;  // key -> (value, where)
  if (!toml_text.empty()) {
    toml::table parsed;
    try {
      parsed = toml::parse(toml_text, toml_name);
    } catch (const toml::parse_error& err) {
      return bad(toml_name + ":" + std::to_string(err.source().begin.line) + ": " +
                 std::string(err.description()));
    }
    for (const auto& [k, node] : parsed) {
      std::string key(k.str());
      std::string where = toml_name + ":" + std::to_string(node.source().begin.line);
      if (key == "smtp_password")
        return bad(where +
                   ": the SMTP password does not belong in the configuration file; give "
                   "smtp_password_file or the environment variable SAMSKAP_SMTP_PASSWORD");
      if (std::find(std::begin(kSettingNames), std::end(kSettingNames), key) ==
          std::end(kSettingNames))
        return bad(where + ": unknown setting '" + key + "'");
      std::string value;
      if (auto arr = node.as_array(); arr && key == "trusted_proxies") {
        for (const auto& item : *arr) {
          auto s = item.value<std::string>();
          if (!s) return bad(where + ": 'trusted_proxies' must be a list of strings");
          value += (value.empty() ? "" : ",") + *s;
        }
      } else if (auto s = node.value<std::string>())
        value = *s;
      else if (auto i = node.value<long long>())
        value = *i < 0 ? "-" : std::to_string(*i);
      else if (auto b = node.value<bool>())
        value = *b ? "true" : "false";
      else
        return bad(where + ": '" + key + "' must be a string, a whole number or true/false");
      file_values.emplace(key, std::pair{value, where});
    }
  }

  Config c;
  for (std::string name : kSettingNames) {
    std::string value, where;
    std::string env_name = "SAMSKAP_" + name;
    std::transform(env_name.begin(), env_name.end(), env_name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (auto f = flags.find(name); f != flags.end()) {
      value = f->second;
      where = "--" + name;
      std::replace(where.begin(), where.end(), '_', '-');
    } else if (auto e = env(env_name)) {
      value = *e;
      where = env_name;
    } else if (auto fv = file_values.find(name); fv != file_values.end()) {
      value = fv->second.first;
      where = fv->second.second;
    } else {
      continue;
    }
    auto must = [&](const char* what) { return bad(where + ": '" + value + "' is not " + what); };
    if (name == "listen") {
      if (value.empty()) return must("a listen address such as 127.0.0.1:8080");
      c.listen = value;
    } else if (name == "database") {
      if (value.empty()) return must("a database URL");
      c.database = value;
    } else if (name == "workers") {
      auto v = parse_count(value, 1, 256);
      if (!v) return must("a number of workers from 1 to 256");
      c.workers = *v;
    } else if (name == "io_threads") {
      auto v = parse_count(value, 1, 64);
      if (!v) return must("a number of I/O threads from 1 to 64");
      c.io_threads = *v;
    } else if (name == "pool_size") {
      auto v = parse_count(value, 1, 256);
      if (!v) return must("a pool size from 1 to 256");
      c.pool_size = *v;
    } else if (name == "max_body_bytes") {
      auto v = parse_size(value);
      if (!v || *v < 1024 || *v > 256ull * 1024 * 1024) return must("a size from 1KiB to 256MiB");
      c.max_body_bytes = *v;
    } else if (name == "secure_cookies") {
      auto v = parse_bool(value);
      if (!v) return must("true or false");
      c.secure_cookies = *v;
    } else if (name == "access_log") {
      auto v = parse_bool(value);
      if (!v) return must("true or false");
      c.access_log = *v;
    } else if (name == "min_group_size") {
      auto v = parse_count(value, 3, 1000);
      if (!v) return must("a minimum group size from 3 to 1000");
      c.min_group_size = static_cast<int>(*v);
    } else if (name == "public_url") {
      auto v = web::normalise_public_url(value);
      if (!v) return bad(where + ": " + v.error().detail);
      c.public_url = *v;
    } else if (name == "trusted_proxies") {
      auto v = web::parse_networks(value);
      if (!v) return bad(where + ": " + v.error().detail);
      c.trusted_proxies = value;
    } else if (name == "smtp_host") {
      if (value.size() > 253 || value.find_first_of(" /\\@\t\r\n") != std::string::npos)
        return must("a host name or address");
      c.smtp_host = value;
    } else if (name == "smtp_port") {
      auto v = parse_count(value, 1, 65535);
      if (!v) return must("a port from 1 to 65535");
      c.smtp_port = static_cast<int>(*v);
    } else if (name == "smtp_security") {
      if (!mail::parse_security(value)) return must("starttls, tls or none");
      c.smtp_security = value;
    } else if (name == "smtp_user") {
      if (value.size() > 320 || value.find_first_of("\r\n") != std::string::npos)
        return must("a user name on one line");
      c.smtp_user = value;
    } else if (name == "smtp_password_file") {
      c.smtp_password_file = value;
    } else if (name == "smtp_from") {
      auto v = mail::parse_mailbox(value);
      if (!v) return bad(where + ": " + v.error().detail);
      c.smtp_from = value;
    }
  }
  return c;
}

std::string effective_public_url(const Config& cfg) {
  if (!cfg.public_url.empty()) return cfg.public_url;
  auto listen = web::parse_listen(cfg.listen);
  if (!listen) return "http://127.0.0.1:8080";
  std::string host =
      listen->first == "0.0.0.0" || listen->first == "::" ? "127.0.0.1" : listen->first;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(listen->second);
}

Result<mail::SmtpSettings> resolve_smtp(const Config& cfg, const EnvLookup& env) {
  auto bad = [](std::string detail) { return Error::invalid("error.config", std::move(detail)); };
  mail::SmtpSettings s;
  if (cfg.smtp_host.empty()) return s;
  s.host = cfg.smtp_host;
  s.port = static_cast<std::uint16_t>(cfg.smtp_port);
  s.security = *mail::parse_security(cfg.smtp_security);
  s.user = cfg.smtp_user;
  if (cfg.smtp_from.empty())
    return bad(
        "smtp_from: set the sender address (e.g. \"Samskap <samskap@kommune.no>\") when "
        "smtp_host is set");
  s.from = *mail::parse_mailbox(cfg.smtp_from);
  if (!cfg.smtp_password_file.empty()) {
    std::ifstream in(cfg.smtp_password_file);
    if (!in) return bad("smtp_password_file: cannot read '" + cfg.smtp_password_file + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string pw = ss.str();
    while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r'))
      pw.pop_back();
    if (pw.empty()) return bad("smtp_password_file: '" + cfg.smtp_password_file + "' is empty");
    s.password = pw;
  } else if (auto pw = env("SAMSKAP_SMTP_PASSWORD")) {
    s.password = *pw;
  }
  if (!s.user.empty() && s.password.empty())
    return bad(
        "smtp_user is set but there is no password: give smtp_password_file or "
        "SAMSKAP_SMTP_PASSWORD");
  return s;
}

}  // namespace samskap::cli
