// E-mail against a real SMTP server (issue 13): Debian's python3-aiosmtpd,
// started by the test (tests/deploy/smtp_sink.py). Checks the message as it
// arrives (headers, language, link), a retry after the server was down, and
// that two nodes on one database never send a message twice.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "content/catalog.hpp"
#include "mail/outbox.hpp"
#include "mail/worker.hpp"
#include "store/mail_queue.hpp"
#include "store/migrations.hpp"
#include "support/process.hpp"
#include "support/test_db.hpp"

namespace samskap::mail {
namespace {

namespace fs = std::filesystem;

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(fd);
  return port;
}

// The sink, as a child process; nullptr when python3-aiosmtpd is missing.
struct Sink {
  std::string folder;
  int port = 0;
  std::unique_ptr<testing::BackgroundProcess> proc;

  static bool available() { return fs::exists("/usr/lib/python3/dist-packages/aiosmtpd"); }

  void start() {
    proc = std::make_unique<testing::BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/python3", "tests/deploy/smtp_sink.py", std::to_string(port), folder});
    for (int i = 0; i < 100 && !fs::exists(folder + "/ready"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(fs::exists(folder + "/ready")) << "the SMTP sink did not start";
  }
  void stop() {
    if (proc) proc->signal_and_wait(SIGTERM);
    proc.reset();
    fs::remove(folder + "/ready");
  }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(folder)) {
      if (e.path().extension() != ".eml") continue;
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }
};

class SmtpTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override {
    if (!Sink::available()) GTEST_SKIP() << "python3-aiosmtpd is not installed";
    tdb_ = testing::TestDatabase::create(GetParam(), why_);
    if (!tdb_) return;
    auto db = store::Database::open({tdb_->url(), 4, std::chrono::milliseconds(5000)});
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
    auto ms = store::load_migrations(store::embedded_migrations(), GetParam());
    ASSERT_TRUE(ms.ok());
    ASSERT_TRUE(store::migrate(*db_, *ms, clock_).ok());
    sink_.folder = ::testing::TempDir() + "/smtp-" + std::to_string(getpid()) + "-" +
                   std::to_string(free_port());
    fs::remove_all(sink_.folder);
    fs::create_directories(sink_.folder);
    sink_.port = free_port();
    settings_.host = "127.0.0.1";
    settings_.port = static_cast<std::uint16_t>(sink_.port);
    settings_.security = Security::none;
    settings_.from = *parse_mailbox("Samskap <samskap@fjellvik.kommune.no>");
    settings_.timeout = std::chrono::seconds(5);
  }
  void TearDown() override { sink_.stop(); }

  Outbox outbox() {
    return Outbox(*db_, clock_, content::Catalog::embedded(),
                  {"https://samskap.fjellvik.kommune.no", true});
  }

  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<store::Database> db_;
  std::string why_;
  Sink sink_;
  SmtpSettings settings_;
};

TEST_P(SmtpTest, AnInvitationArrivesInTheRecipientsLanguageWithItsLink) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  sink_.start();
  auto nb = outbox().invitation(Language::nb, "", "", "kari@fjellvik.kommune.no", "Kari Ås",
                                "Fjellvik kommune", "TOKEN123", 7);
  ASSERT_TRUE(nb.ok()) << nb.error().detail;
  auto en = outbox().password_reset(Language::en, "", "", "ola@fjellvik.kommune.no", "Ola",
                                    "RESET456", 24);
  ASSERT_TRUE(en.ok());
  Worker w(*db_, clock_, settings_, "node-a");
  EXPECT_EQ(w.run_once(), 2u);
  auto got = sink_.messages();
  ASSERT_EQ(got.size(), 2u);
  std::string inv, reset;
  for (const auto& m : got)
    (m.find("kari@") != std::string::npos ? inv : reset) = m;
  EXPECT_NE(inv.find("X-Envelope-From: samskap@fjellvik.kommune.no"), std::string::npos) << inv;
  EXPECT_NE(inv.find("X-Envelope-To: kari@fjellvik.kommune.no"), std::string::npos);
  EXPECT_NE(inv.find("From: Samskap <samskap@fjellvik.kommune.no>"), std::string::npos);
  EXPECT_NE(inv.find("To: kari@fjellvik.kommune.no"), std::string::npos);
  EXPECT_NE(inv.find("Subject: =?UTF-8?B?"), std::string::npos) << "Norwegian subject, encoded";
  EXPECT_NE(inv.find("charset=UTF-8"), std::string::npos);
  EXPECT_NE(inv.find("https://samskap.fjellvik.kommune.no/invitasjon/TOKEN123"), std::string::npos)
      << inv;
  EXPECT_NE(inv.find("Hei, Kari =C3=85s!"), std::string::npos) << "bokmål body, quoted-printable";
  EXPECT_NE(reset.find("Subject: Choose a new password for Samskap"), std::string::npos) << reset;
  EXPECT_NE(reset.find("https://samskap.fjellvik.kommune.no/nullstill/RESET456"),
            std::string::npos);
  EXPECT_NE(reset.find("The link works for 24 hours"), std::string::npos);
  EXPECT_EQ(w.run_once(), 0u) << "sent once";
}

TEST_P(SmtpTest, ARetryAfterTheServerWasDown) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto id = outbox().invitation(Language::nb, "", "", "kari@fjellvik.kommune.no", "Kari",
                                "Fjellvik kommune", "T", 7);
  ASSERT_TRUE(id.ok());
  Worker w(*db_, clock_, settings_, "node-a");
  EXPECT_EQ(w.run_once(), 0u) << "nobody listens yet";
  auto q = store::MailQueue(*db_, clock_).to_address("kari@fjellvik.kommune.no");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].status, "queued");
  EXPECT_FALSE((*q)[0].last_error.empty()) << "the reason is kept for the users page";
  sink_.start();
  EXPECT_EQ(w.run_once(), 0u) << "not before the back-off";
  clock_.advance(store::MailQueue::backoff(1) + std::chrono::seconds(1));
  EXPECT_EQ(w.run_once(), 1u);
  EXPECT_EQ(sink_.messages().size(), 1u);
  EXPECT_EQ(store::MailQueue(*db_, clock_).to_address("kari@fjellvik.kommune.no")->at(0).status,
            "sent");
}

TEST_P(SmtpTest, TwoNodesNeverSendTheSameMessageTwice) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  sink_.start();
  constexpr int kMessages = 30;
  for (int i = 0; i < kMessages; ++i)
    ASSERT_TRUE(outbox()
                    .invitation(Language::nb, "", "", "p" + std::to_string(i) + "@kommune.no", "P",
                                "Fjellvik kommune", "T" + std::to_string(i), 7)
                    .ok());
  Worker a(*db_, clock_, settings_, "node-a");
  Worker b(*db_, clock_, settings_, "node-b");
  std::atomic<std::size_t> sent{0};
  std::thread ta([&] {
    for (int i = 0; i < 10; ++i)
      sent += a.run_once();
  });
  std::thread tb([&] {
    for (int i = 0; i < 10; ++i)
      sent += b.run_once();
  });
  ta.join();
  tb.join();
  EXPECT_EQ(sent.load(), static_cast<std::size_t>(kMessages));
  auto got = sink_.messages();
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kMessages));
  std::multiset<std::string> to;
  for (const auto& m : got) {
    auto at = m.find("X-Envelope-To: ");
    to.insert(m.substr(at, m.find("\r\n", at) - at));
  }
  for (const auto& t : to)
    EXPECT_EQ(to.count(t), 1u) << t;
}

INSTANTIATE_TEST_SUITE_P(Engines, SmtpTest,
                         ::testing::Values(store::Engine::sqlite, store::Engine::postgresql),
                         testing::EngineName());

}  // namespace
}  // namespace samskap::mail
