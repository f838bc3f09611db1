// The samskap binary as an operator meets it: exit codes, messages, signals.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace samskap::testing {
namespace {

namespace fs = std::filesystem;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("samskap-cli-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  ProcessResult run(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), samskap_binary());
    return run_process(args, env);
  }
  std::string db() const { return "sqlite:" + (dir_ / "x.db").string(); }
  fs::path dir_;
};

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s)
    n += c == '\n';
  return n;
}

TEST_F(CliTest, VersionAndHelp) {
  auto v = run({"version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_TRUE(std::regex_search(v.out, std::regex("^samskap [0-9]+\\.[0-9]+\\.[0-9]+\n$")))
      << v.out;
  for (auto sub : {"serve", "migrate", "version"}) {
    auto h = run({sub, "--help"});
    EXPECT_EQ(h.exit_code, 0) << sub;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << sub;
  }
}

TEST_F(CliTest, UsageErrorsExitWith2AndShowTheUsage) {
  for (auto args :
       std::vector<std::vector<std::string>>{{},
                                             {"--bogus"},
                                             {"serve", "--nope"},
                                             {"frobnicate"},
                                             {"serve", "--workers"},
                                             {"serve", "--workers", "0"},
                                             {"serve", "--listen", "nonsense"},
                                             {"serve", "--max-body-bytes", "12 parsecs"}}) {
    auto r = run(args);
    std::string joined;
    for (auto& a : args)
      joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << r.err;
    EXPECT_FALSE(r.err.empty()) << joined;
  }
  auto r = run({"serve", "--nope"});
  EXPECT_NE(r.err.find("Usage"), std::string::npos) << r.err;
}

TEST_F(CliTest, MigrateCreatesTheSchemaAndIsIdempotent) {
  auto a = run({"migrate", "--database", db()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("schema version"), std::string::npos);
  auto b = run({"migrate", "--database", db()});
  EXPECT_EQ(b.exit_code, 0);
  EXPECT_EQ(a.out, b.out);
}

TEST_F(CliTest, UnwritableDataDirectoryIsOneClearLineAndExit1) {
  { std::ofstream(dir_ / "file") << "not a directory"; }
  auto r = run({"serve", "--database", "sqlite:" + (dir_ / "file" / "x.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("data directory"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnreachableDatabaseIsOneClearLineAndExit1) {
  auto r = run({"migrate", "--database", "postgresql://nobody:hemmelig@127.0.0.1:1/samskap"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.find("hemmelig"), std::string::npos) << "no password in messages: " << r.err;
}

TEST_F(CliTest, PortInUseIsOneClearLineAndExit1) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  auto r = run({"serve", "--listen", "127.0.0.1:" + std::to_string(port), "--database", db()});
  close(fd);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("samskap: error:"), r.err.rfind("samskap: error:")) << "one error line";
}

TEST_F(CliTest, ConfigurationPrecedenceFlagsThenEnvironmentThenFile) {
  // The file says one thing, the environment another; the environment wins.
  { std::ofstream(dir_ / "samskap.toml") << "listen = \"127.0.0.1:1\"\nworkers = 3\n"; }
  auto r = run({"--config", (dir_ / "samskap.toml").string(), "serve", "--database", db()},
               {"SAMSKAP_LISTEN=not-an-address"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not-an-address"), std::string::npos) << r.err;
  // The flag beats the environment: it starts and serves.
  BackgroundProcess p({samskap_binary(), "--config", (dir_ / "samskap.toml").string(), "serve",
                       "--listen", "127.0.0.1:0", "--database", db()},
                      {"SAMSKAP_LISTEN=not-an-address"});
  auto line = p.wait_for_stderr("serving http://");
  ASSERT_FALSE(line.empty()) << p.err();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(line, m, std::regex("127\\.0\\.0\\.1:([0-9]+)")));
  auto page = http_get("http://127.0.0.1:" + std::string(m[1]) + "/");
  EXPECT_EQ(page.status, 200);
  auto metrics = http_get("http://127.0.0.1:" + std::string(m[1]) + "/metrics");
  EXPECT_NE(metrics.body.find("samskap_worker_threads 3"), std::string::npos)
      << "workers came from the file";
  EXPECT_EQ(p.signal_and_wait(SIGTERM), 0) << "graceful stop exits 0";
}

TEST_F(CliTest, BrokenConfigFileNamesFileAndLine) {
  { std::ofstream(dir_ / "bad.toml") << "listen = \"127.0.0.1:8080\"\ncolour = \"blue\"\n"; }
  auto r = run({"--config", (dir_ / "bad.toml").string(), "serve"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.toml:2"), std::string::npos) << r.err;
  { std::ofstream(dir_ / "syntax.toml") << "listen = \n"; }
  auto s = run({"--config", (dir_ / "syntax.toml").string(), "serve"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.err.find("syntax.toml:1"), std::string::npos) << s.err;
  auto missing = run({"--config", (dir_ / "missing.toml").string(), "serve"});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(CliTest, TheServedAppChecksCsrfAndLogins) {
  // Guards the wiring in main: the binary must run the authentication middleware.
  BackgroundProcess p({samskap_binary(), "serve", "--listen", "127.0.0.1:0", "--database", db()});
  auto line = p.wait_for_stderr("serving http://");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(line, m, std::regex("127\\.0\\.0\\.1:([0-9]+)"))) << p.err();
  const std::string base = "http://127.0.0.1:" + std::string(m[1]);
  auto forged =
      http_request("POST", base + "/logg-inn", {"Content-Type: application/x-www-form-urlencoded"},
                   "email=a%40b.no&password=x");
  EXPECT_EQ(forged.status, 403) << "a form without its CSRF token is refused";
  auto me = http_get(base + "/meg");
  EXPECT_EQ(me.status, 303) << "signed-in pages send visitors to the login page";
  EXPECT_NE(me.header("location").find("/logg-inn"), std::string::npos);
  EXPECT_FALSE(p.wait_for_stderr("/oppsett/").empty()) << "an empty database prints the setup link";
  EXPECT_EQ(p.signal_and_wait(SIGTERM), 0);
}

TEST_F(CliTest, SigintAlsoStopsGracefully) {
  BackgroundProcess p({samskap_binary(), "serve", "--listen", "127.0.0.1:0", "--database", db()});
  ASSERT_FALSE(p.wait_for_stderr("serving http://").empty()) << p.err();
  EXPECT_EQ(p.signal_and_wait(SIGINT), 0);
  EXPECT_NE(p.err().find("stopped"), std::string::npos) << p.err();
}

}  // namespace
}  // namespace samskap::testing
