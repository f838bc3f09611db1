#pragma once
// Running the samskap binary as a child process in tests.

#include <string>
#include <vector>

namespace samskap::testing {

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  std::string out;
  std::string err;
};

// Runs argv (argv[0] is a path) with extra environment entries ("K=V"),
// waiting at most timeout_ms, then SIGKILL.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {}, int timeout_ms = 20000);

// A child running in the background, e.g. `samskap serve`.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~BackgroundProcess();  // SIGKILL if still running

  // Reads stderr until a line contains `needle` (returns that line) or the
  // timeout passes (returns empty).
  std::string wait_for_stderr(const std::string& needle, int timeout_ms = 15000);
  // Sends `sig` and waits for the exit code (-1 on timeout or death by signal).
  int signal_and_wait(int sig, int timeout_ms = 15000);
  const std::string& err() const { return err_; }

 private:
  int pid_ = -1;
  int err_fd_ = -1;
  std::string err_;
};

// The path of the built samskap binary (from the build system).
std::string samskap_binary();

}  // namespace samskap::testing
