// store::Listener on a real PostgreSQL (skipped without SAMSKAP_TEST_PG, a
// failure under ./dev test): a NOTIFY sent by the workshop repository's
// committed change reaches the listener, a refused change sends none; the
// listener reconnects after its connection is killed and says so; stop() is
// prompt, also while it waits to reconnect; bad URLs and channels are errors.

#include "store/notify.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/migrations.hpp"
#include "store/workshops.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

using namespace std::chrono_literals;

const std::string kFakeHash = "$argon2id$v=19$m=65536,t=2,p=1$not-a-real-hash";
const std::string kPhone = "telefon-0123456789abcdef";

// What a listener received, for waiting on.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> payloads;
  int reconnects = 0;

  void notify(const std::string& p) {
    std::lock_guard lock(mu);
    payloads.push_back(p);
    cv.notify_all();
  }
  void reconnected() {
    std::lock_guard lock(mu);
    ++reconnects;
    cv.notify_all();
  }
  // Waits until `n` payloads have arrived (false after `limit`).
  bool wait_for_payloads(std::size_t n, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return payloads.size() >= n; });
  }
  bool wait_for_reconnects(int n, std::chrono::milliseconds limit = 15s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return reconnects >= n; });
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mu);
    return payloads;
  }
};

class NotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tdb_ = testing::TestDatabase::create(Engine::postgresql, why_);
    if (!tdb_) return;
    auto db = Database::open({tdb_->url(), 2, std::chrono::milliseconds(10000)});
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
    auto ms = load_migrations(embedded_migrations(), Engine::postgresql);
    ASSERT_TRUE(ms.ok());
    ASSERT_TRUE(migrate(*db_, *ms, clock_).ok());
  }

  std::unique_ptr<Listener> listener(Inbox& inbox,
                                     std::string channel = std::string(kNotifyChannel)) {
    return std::make_unique<Listener>(
        tdb_->url(), std::move(channel), [&inbox](const std::string& p) { inbox.notify(p); },
        [&inbox] { inbox.reconnected(); });
  }

  void sql(const std::string& statement) {
    db_->with_session([&](soci::session& s) { s << statement; });
  }

  std::string why_;
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
};

TEST_F(NotifyTest, ARepositoryChangeReachesTheListenerOnlyWhenCommitted) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  AccountRepository accounts(*db_, clock_);
  auto org = accounts.create_organisation("Solbygd kommune", OrganisationKind::kommune)->id;
  auto user =
      accounts.create_user(org, "anne@solbygd.no", "Anne", Role::prosessveileder, kFakeHash);
  ASSERT_TRUE(user.ok());
  Actor a{org, user->id, Role::prosessveileder};
  InitiativeDraft d;
  d.title = "Fallforebygging";
  auto initiative = InitiativeRepository(*db_, clock_).create(a, d);
  ASSERT_TRUE(initiative.ok());
  WorkshopRepository repo(*db_, clock_);
  auto w = repo.create(a, initiative->id, "Verksted");
  ASSERT_TRUE(w.ok());
  workshop::ActivityDef def;
  def.type = workshop::ActivityType::scale;
  def.prompt = "Hvor viktig er dette?";
  auto with = repo.add_activity(a, initiative->id, w->id, w->version, def);
  ASSERT_TRUE(with.ok());

  Inbox inbox;
  auto l = listener(inbox);
  ASSERT_TRUE(l->start().ok());
  // Sent after start() returned: delivered.
  ASSERT_TRUE(repo.go_to(a, initiative->id, w->id, 0).ok());
  ASSERT_TRUE(inbox.wait_for_payloads(1));
  EXPECT_EQ(inbox.snapshot().front(), w->id);

  workshop::AnswerInput answer;
  answer.value = 7;
  ASSERT_TRUE(repo.submit(w->join_code, with->activities[0].id, kPhone, answer).ok());
  ASSERT_TRUE(inbox.wait_for_payloads(2));
  // A refused submission sends nothing: the next payload to arrive is the
  // next committed change's, and nothing else.
  answer.value = 11;
  ASSERT_FALSE(repo.submit(w->join_code, with->activities[0].id, kPhone, answer).ok());
  ASSERT_TRUE(repo.set_revealed(a, initiative->id, w->id, true).ok());
  ASSERT_TRUE(inbox.wait_for_payloads(3));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(inbox.snapshot(), (std::vector<std::string>{w->id, w->id, w->id}));

  // Another channel's notifications are not ours.
  sql("NOTIFY other_channel, 'x'");
  sql("NOTIFY samskap_workshop, 'direct'");
  ASSERT_TRUE(inbox.wait_for_payloads(4));
  EXPECT_EQ(inbox.snapshot().back(), "direct");
  l->stop();
}

TEST_F(NotifyTest, ReconnectsAfterTheConnectionIsKilled) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  Inbox inbox;
  auto l = listener(inbox);
  ASSERT_TRUE(l->start().ok());
  sql("NOTIFY samskap_workshop, 'before'");
  ASSERT_TRUE(inbox.wait_for_payloads(1));
  sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'");
  ASSERT_TRUE(inbox.wait_for_reconnects(1)) << "on_reconnect was not called";
  sql("NOTIFY samskap_workshop, 'after'");
  ASSERT_TRUE(inbox.wait_for_payloads(2));
  EXPECT_EQ(inbox.snapshot().back(), "after");
  const auto t0 = std::chrono::steady_clock::now();
  l->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  l->stop();  // idempotent
}

TEST_F(NotifyTest, StopIsPromptAlsoWhileWaitingToReconnect) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  Inbox inbox;
  {
    auto l = listener(inbox);
    ASSERT_TRUE(l->start().ok());
    const auto t0 = std::chrono::steady_clock::now();
    l->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  }
  auto l = listener(inbox);
  ASSERT_TRUE(l->start().ok());
  db_.reset();
  tdb_->drop_now();  // the listener's database is gone: it keeps trying
  std::this_thread::sleep_for(1500ms);
  const auto t0 = std::chrono::steady_clock::now();
  l.reset();  // the destructor stops
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(inbox.reconnects, 0);
}

// No database needed: these fail before connecting, or cannot connect.
TEST(Listener, BadUrlsAndChannelsAreErrors) {
  auto none = [](const std::string&) {};
  struct Case {
    std::string url, channel;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"sqlite:var/samskap.db", "samskap_workshop", ErrorCode::invalid_input},
      {"", "samskap_workshop", ErrorCode::invalid_input},
      {"mysql://localhost/x", "samskap_workshop", ErrorCode::invalid_input},
      {"postgresql://h:99999999/x", "samskap_workshop", ErrorCode::invalid_input},
      {"postgresql://h/x?sslmode=%zz", "samskap_workshop", ErrorCode::invalid_input},
      {"postgresql://postgres@127.0.0.1:1/x", "", ErrorCode::invalid_input},
      {"postgresql://postgres@127.0.0.1:1/x", "Samskap", ErrorCode::invalid_input},
      {"postgresql://postgres@127.0.0.1:1/x", "x; DROP TABLE users", ErrorCode::invalid_input},
      {"postgresql://postgres@127.0.0.1:1/x", std::string(64, 'a'), ErrorCode::invalid_input},
      {"postgresql://postgres@127.0.0.1:1/x", "9lives", ErrorCode::invalid_input},
      // Well-formed, but nothing listens on port 1 (a bad channel above is
      // refused before connecting).
      {"postgresql://postgres:hemmelig@127.0.0.1:1/x", "samskap_workshop", ErrorCode::unavailable},
  };
  for (const auto& c : cases) {
    Listener l(c.url, c.channel, none);
    auto r = l.start();
    ASSERT_FALSE(r.ok()) << c.url << " " << c.channel;
    EXPECT_EQ(r.error().code, c.code) << c.url << " " << c.channel << ": " << r.error().detail;
    EXPECT_EQ(r.error().detail.find("hemmelig"), std::string::npos) << r.error().detail;
    l.stop();
  }
}

}  // namespace
}  // namespace samskap::store
