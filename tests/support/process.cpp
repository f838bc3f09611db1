#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

extern char** environ;

namespace samskap::testing {

namespace {

using Clock = std::chrono::steady_clock;

int spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int out_fd,
          int err_fd) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (out_fd >= 0)
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  else
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e)
    envs.emplace_back(*e);
  for (const auto& e : env)
    envs.push_back(e);
  std::vector<char*> envp;
  for (auto& e : envs)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data()) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int wait_exit(int pid, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (Clock::now() < deadline) {
    int r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    usleep(10000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

}  // namespace

std::string samskap_binary() {
  return SAMSKAP_BINARY;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          int timeout_ms) {
  ProcessResult r;
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0) return r;
  int pid = spawn(argv, env, out[1], err[1]);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    close(out[0]);
    close(err[0]);
    return r;
  }
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0 && Clock::now() < deadline) {
    if (poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      auto n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  r.exit_code = wait_exit(pid, static_cast<int>(std::max<long long>(left, 100)));
  return r;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& env) {
  int err[2];
  if (pipe(err) != 0) return;
  pid_ = spawn(argv, env, -1, err[1]);
  close(err[1]);
  err_fd_ = err[0];
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int st;
    waitpid(pid_, &st, 0);
  }
  if (err_fd_ >= 0) close(err_fd_);
}

std::string BackgroundProcess::wait_for_stderr(const std::string& needle, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  std::size_t scanned = 0;
  while (Clock::now() < deadline) {
    auto pos = err_.find(needle, scanned > needle.size() ? scanned - needle.size() : 0);
    if (pos != std::string::npos) {
      auto start = err_.rfind('\n', pos);
      auto end = err_.find('\n', pos);
      start = start == std::string::npos ? 0 : start + 1;
      return err_.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    scanned = err_.size();
    pollfd p{err_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      auto n = read(err_fd_, buf, sizeof buf);
      if (n <= 0) return {};
      err_.append(buf, static_cast<size_t>(n));
    }
  }
  return {};
}

int BackgroundProcess::signal_and_wait(int sig, int timeout_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int code = wait_exit(pid_, timeout_ms);
  pid_ = -1;
  char buf[4096];
  ssize_t n;
  while ((n = read(err_fd_, buf, sizeof buf)) > 0)
    err_.append(buf, static_cast<size_t>(n));
  return code;
}

}  // namespace samskap::testing
