// The e-mail queue on both engines (issue 13): claims are exclusive between
// nodes, failures back off and give up, a sent message loses its body, and
// anonymising a user removes the messages to them.

#include "store/mail_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "store/accounts.hpp"
#include "store/migrations.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

class MailQueueTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    tdb_ = testing::TestDatabase::create(GetParam(), why_);
    if (!tdb_) return;
    auto db = Database::open({tdb_->url(), 4, std::chrono::milliseconds(5000)});
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
    auto ms = load_migrations(embedded_migrations(), GetParam());
    ASSERT_TRUE(ms.ok());
    ASSERT_TRUE(migrate(*db_, *ms, clock_).ok());
  }
  MailDraft draft(const std::string& to) {
    MailDraft d;
    d.to = to;
    d.subject = "Du er invitert til Samskap";
    d.body = "Hei!\nLenke: https://samskap.test/invitasjon/abc\n";
    return d;
  }
  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  std::string why_;
};

TEST_P(MailQueueTest, HostileDraftsAreRefused) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MailQueue q(*db_, clock_);
  auto d = draft("kari@kommune.no\r\nBcc: x@evil.no");
  EXPECT_EQ(q.enqueue(d).error().code, ErrorCode::invalid_input);
  d = draft("kari@kommune.no");
  d.subject = "a\nb";
  EXPECT_EQ(q.enqueue(d).error().code, ErrorCode::invalid_input);
  d = draft("kari@kommune.no");
  d.body = std::string(MailQueue::kMaxBodyBytes + 1, 'x');
  EXPECT_EQ(q.enqueue(d).error().code, ErrorCode::too_large);
  auto all = q.to_address("kari@kommune.no");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty()) << "nothing half-written";
}

TEST_P(MailQueueTest, ClaimSendAndClearTheBody) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MailQueue q(*db_, clock_);
  auto id = q.enqueue(draft("kari@kommune.no"));
  ASSERT_TRUE(id.ok()) << id.error().detail;
  auto a = q.claim("node-a", 10, std::chrono::seconds(60));
  ASSERT_TRUE(a.ok()) << a.error().detail;
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].id, *id);
  EXPECT_EQ((*a)[0].attempts, 1);
  EXPECT_NE((*a)[0].body.find("invitasjon/abc"), std::string::npos);
  auto b = q.claim("node-b", 10, std::chrono::seconds(60));
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty()) << "claimed by node-a";
  EXPECT_EQ(q.mark_sent(*id, "node-b").error().code, ErrorCode::not_found);
  ASSERT_TRUE(q.mark_sent(*id, "node-a").ok());
  auto all = q.to_address("kari@kommune.no");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].status, "sent");
  EXPECT_TRUE((*all)[0].body.empty()) << "the one-time link is not kept";
  clock_.advance(std::chrono::hours(2));
  auto again = q.claim("node-b", 10, std::chrono::seconds(60));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty()) << "a sent message is never claimed again";
}

TEST_P(MailQueueTest, AnExpiredClaimPassesToAnotherNode) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MailQueue q(*db_, clock_);
  ASSERT_TRUE(q.enqueue(draft("kari@kommune.no")).ok());
  ASSERT_EQ(q.claim("node-a", 10, std::chrono::seconds(60))->size(), 1u);
  clock_.advance(std::chrono::seconds(61));
  auto b = q.claim("node-b", 10, std::chrono::seconds(60));
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].attempts, 2);
  EXPECT_EQ(q.mark_sent((*b)[0].id, "node-a").error().code, ErrorCode::not_found)
      << "node-a lost its claim";
}

TEST_P(MailQueueTest, FailuresBackOffThenGiveUpAndShowOnTheUsersPage) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  AccountRepository accounts(*db_, clock_);
  auto org = accounts.create_organisation("Fjellvik kommune", OrganisationKind::kommune);
  ASSERT_TRUE(org.ok());
  auto user = accounts.create_user(org->id, "kari@fjellvik.kommune.no", "Kari", Role::leder);
  ASSERT_TRUE(user.ok());
  MailQueue q(*db_, clock_);
  auto d = draft("kari@fjellvik.kommune.no");
  d.organisation_id = org->id;
  d.user_id = user->id;
  auto id = q.enqueue(d);
  ASSERT_TRUE(id.ok());
  for (int attempt = 1; attempt <= MailQueue::kMaxAttempts; ++attempt) {
    auto c = q.claim("node-a", 10, std::chrono::seconds(60));
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->size(), 1u) << "attempt " << attempt;
    ASSERT_TRUE(q.mark_failed(*id, "node-a", "Connection refused\r\nline two", false).ok());
    auto early = q.claim("node-a", 10, std::chrono::seconds(60));
    ASSERT_TRUE(early.ok());
    EXPECT_TRUE(early->empty()) << "not before the back-off";
    auto problems = q.problems(org->id);
    ASSERT_TRUE(problems.ok());
    ASSERT_EQ(problems->size(), 1u);
    EXPECT_EQ((*problems)[0].last_error, "Connection refused  line two");
    EXPECT_EQ((*problems)[0].status, attempt < MailQueue::kMaxAttempts ? "queued" : "failed");
    clock_.advance(MailQueue::backoff(attempt) + std::chrono::seconds(1));
  }
  auto none = q.claim("node-a", 10, std::chrono::seconds(60));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "given up for good";
  auto other = q.problems("another-organisation");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty()) << "scoped to the organisation";
  // Anonymising the user removes the messages to them.
  ASSERT_TRUE(accounts.anonymise(org->id, user->id).ok());
  EXPECT_TRUE(q.to_address("kari@fjellvik.kommune.no")->empty());
}

TEST_P(MailQueueTest, PermanentFailureGivesUpAtOnce) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MailQueue q(*db_, clock_);
  auto id = q.enqueue(draft("nobody@kommune.no"));
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(q.claim("n", 10, std::chrono::seconds(60))->size(), 1u);
  ASSERT_TRUE(q.mark_failed(*id, "n", "550 no such user", true).ok());
  EXPECT_EQ(q.to_address("nobody@kommune.no")->at(0).status, "failed");
}

TEST_P(MailQueueTest, ConcurrentNodesNeverClaimTheSameMessage) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  MailQueue q(*db_, clock_);
  constexpr int kMessages = 40;
  for (int i = 0; i < kMessages; ++i)
    ASSERT_TRUE(q.enqueue(draft("p" + std::to_string(i) + "@kommune.no")).ok());
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> nodes;
  for (int n = 0; n < 4; ++n) {
    nodes.emplace_back([&, n] {
      MailQueue mine(*db_, clock_);
      for (int round = 0; round < 20; ++round) {
        auto c = mine.claim("node-" + std::to_string(n), 3, std::chrono::seconds(600));
        if (!c) continue;
        std::lock_guard lock(mu);
        for (const auto& m : *c)
          claimed.insert(m.id);
      }
    });
  }
  for (auto& t : nodes)
    t.join();
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kMessages));
  for (const auto& id : claimed)
    EXPECT_EQ(claimed.count(id), 1u) << id << " claimed twice";
}

INSTANTIATE_TEST_SUITE_P(Engines, MailQueueTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

}  // namespace
}  // namespace samskap::store
