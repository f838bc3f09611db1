#include "cli/mi_command.hpp"
#include <CLI/CLI.hpp>
namespace samskap::cli {
std::function<int()> add_mi_command(CLI::App& app) { app.add_subcommand("mi", "MI"); return [] { return 1; }; }
}
