#pragma once
// `samskap mi …`: the MI conversation-analysis commands (issue 7).

#include <functional>

namespace CLI {
class App;
}

namespace samskap::cli {

// Adds the `mi` subcommand (with its own subcommands) to `app`. The returned
// function is called after parsing when `mi` was chosen and returns the process
// exit code (0 success, 1 runtime error, 2 usage error).
std::function<int()> add_mi_command(CLI::App& app);

}  // namespace samskap::cli
