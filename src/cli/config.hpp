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
};

// One setting's name as used in TOML (snake_case) and, upper-cased and
// prefixed with SAMSKAP_, in the environment.
inline const char* const kSettingNames[] = {"listen",         "database",   "workers",
                                            "io_threads",     "pool_size",  "max_body_bytes",
                                            "secure_cookies", "access_log", "min_group_size"};

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

// Parses sizes such as "1048576", "512KiB", "1 MiB", "2MB".
std::optional<std::size_t> parse_size(std::string_view text);

}  // namespace samskap::cli
