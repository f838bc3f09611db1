// A stand-alone `samskap`-like driver with only the `mi` command, so the MI
// CLI can be tested (and used) before and apart from the full binary.
#include <CLI/CLI.hpp>

#include "cli/mi_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"samskap (mi only)"};
  app.require_subcommand(1);
  auto run = samskap::cli::add_mi_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return run();
}
