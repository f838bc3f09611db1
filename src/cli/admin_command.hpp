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
};

// Adds `admin` with create-org, create-user, reset-password and create-token.
// The returned function runs the chosen command and returns the exit code.
std::function<int()> add_admin_command(CLI::App& app, AdminContext context);

}  // namespace samskap::cli
