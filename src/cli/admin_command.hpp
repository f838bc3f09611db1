#pragma once
// `samskap admin …`: operator commands that act directly on the database.

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace samskap::cli {

struct AdminContext {
  // Resolves the configuration and opens (and migrates) the database; set by main.
  std::function<std::string()> database_url;
  std::function<std::string()> public_url;
  // True when smtp_host is set: links are then also queued as e-mail, which
  // a running `samskap serve` sends (issue 13).
  std::function<bool()> mail_enabled;
};

// Adds `admin` with create-org, create-user, reset-password, create-token and
// setup-link.
// The returned function runs the chosen command and returns the exit code.
std::function<int()> add_admin_command(CLI::App& app, AdminContext context);

}  // namespace samskap::cli
