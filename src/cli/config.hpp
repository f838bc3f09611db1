#pragma once
// Configuration of `samskap serve` and `samskap migrate`, layered in this order
// of precedence: command-line flags > SAMSKAP_* environment variables > the
// TOML file given by --config (or SAMSKAP_CONFIG) > built-in defaults.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "mail/smtp.hpp"

namespace samskap::cli {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string database = "sqlite:var/samskap.db";
  std::size_t workers = 8;
  std::size_t io_threads = 2;
  std::size_t pool_size = 8;
  std::size_t max_body_bytes = 1024 * 1024;
  bool secure_cookies = false;
  bool access_log = true;
  // The smallest group whose readiness answers are shown (issue 6); 3..1000.
  int min_group_size = 5;
  // The address people use, normalised (no trailing slash); "" = derived from
  // `listen` for a local trial (issue 13).
  std::string public_url;
  // Addresses or CIDR ranges whose X-Forwarded-For/-Proto are believed,
  // checked (web/proxy.hpp); TOML takes an array or a comma-separated string.
  std::string trusted_proxies;
  // E-mail over SMTP (issue 13); no smtp_host: no e-mail.
  std::string smtp_host;
  int smtp_port = 587;
  std::string smtp_security = "starttls";  // starttls | tls | none
  std::string smtp_user;
  std::string smtp_password_file;  // or SAMSKAP_SMTP_PASSWORD; never the password in TOML
  std::string smtp_from;           // "Samskap <samskap@kommune.no>"
};

// One setting's name as used in TOML (snake_case) and, upper-cased and
// prefixed with SAMSKAP_, in the environment.
inline const char* const kSettingNames[] = {
    "listen",         "database",       "workers",         "io_threads",
    "pool_size",      "max_body_bytes", "secure_cookies",  "access_log",
    "min_group_size", "public_url",     "trusted_proxies", "smtp_host",
    "smtp_port",      "smtp_security",  "smtp_user",       "smtp_password_file",
    "smtp_from"};

// Values given as flags, keyed by setting name.
using FlagValues = std::map<std::string, std::string>;
// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Resolves the configuration. `toml_text` is the config file's content (empty
// when there is none) and `toml_name` its name for messages. Errors
// (invalid_input, "error.config"): a TOML syntax error (with file:line), an
// unknown key in the file, or a value of the wrong type or out of range, each
// naming where the value came from.
Result<Config> resolve_config(const FlagValues& flags, const EnvLookup& env,
                              const std::string& toml_text, const std::string& toml_name);

// The public address for links: cfg.public_url, or derived from `listen`
// ("http://127.0.0.1:8080"; 0.0.0.0 and :: become 127.0.0.1).
std::string effective_public_url(const Config& cfg);

// E-mail settings as the mail layer takes them, with the password read from
// SAMSKAP_SMTP_PASSWORD (through `env`) or smtp_password_file. Disabled
// settings (host "") when smtp_host is unset. invalid_input ("error.config")
// naming the setting: smtp_host without smtp_from, an unreadable or empty
// password file, a user without a password.
Result<mail::SmtpSettings> resolve_smtp(const Config& cfg, const EnvLookup& env);

// Parses sizes such as "1048576", "512KiB", "1 MiB", "2MB".
std::optional<std::size_t> parse_size(std::string_view text);

}  // namespace samskap::cli
