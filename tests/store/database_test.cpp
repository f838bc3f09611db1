#include "store/database.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "support/test_db.hpp"

namespace samskap::store {
namespace {

using testing::TestDatabase;

class DatabaseTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override { tdb_ = TestDatabase::create(GetParam(), why_); }
  std::unique_ptr<Database> open(std::size_t pool = 2) {
    auto db = Database::open({tdb_->url(), pool, std::chrono::milliseconds(2000)});
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().detail);
    return db.ok() ? std::move(db).value() : nullptr;
  }
  std::unique_ptr<TestDatabase> tdb_;
  std::string why_;
};

TEST_P(DatabaseTest, PingsAndReportsEngine) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto db = open();
  ASSERT_TRUE(db);
  EXPECT_EQ(db->engine(), GetParam());
  EXPECT_TRUE(db->ping().ok());
  EXPECT_EQ(db->stats().size, 2u);
  EXPECT_EQ(db->stats().in_use, 0u);
}

TEST_P(DatabaseTest, TransactionRollsBackWhenTheCallerThrows) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto db = open();
  ASSERT_TRUE(db);
  db->with_session([](soci::session& s) { s << "CREATE TABLE t (x INTEGER NOT NULL)"; });
  EXPECT_THROW(db->with_transaction([](soci::session& s) {
    s << "INSERT INTO t (x) VALUES (1)";
    throw std::runtime_error("abort half-way");
  }),
               std::runtime_error);
  int n = -1;
  db->with_session([&](soci::session& s) { s << "SELECT COUNT(*) FROM t", soci::into(n); });
  EXPECT_EQ(n, 0) << "nothing half-written";
  EXPECT_EQ(db->stats().in_use, 0u) << "the session went back to the pool";
}

TEST_P(DatabaseTest, StoresNorwegianTextUnchanged) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto db = open();
  ASSERT_TRUE(db);
  const std::string text = "Føroverveielse – «Hva skal til?» æøå ÆØÅ 😊";
  std::string back;
  db->with_session([&](soci::session& s) {
    s << "CREATE TABLE u (v TEXT NOT NULL)";
    s << "INSERT INTO u (v) VALUES (:v)", soci::use(text);
    s << "SELECT v FROM u", soci::into(back);
  });
  EXPECT_EQ(back, text);
}

TEST_P(DatabaseTest, SqlErrorsPropagateAndLeaveThePoolUsable) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto db = open(1);
  ASSERT_TRUE(db);
  EXPECT_THROW(db->with_session([](soci::session& s) { s << "SELECT * FROM no_such_table"; }),
               soci::soci_error);
  EXPECT_TRUE(db->ping().ok());
}

// Read-then-write transactions from several threads at once all succeed
// (writers wait for each other) and no update is lost. Before SQLite
// transactions began IMMEDIATE, some of these failed with SQLITE_BUSY.
TEST_P(DatabaseTest, ConcurrentReadThenWriteTransactionsAllSucceed) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto db = open(8);
  ASSERT_TRUE(db);
  db->with_session([](soci::session& s) {
    s << "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)";
    s << "INSERT INTO counter (id, n) VALUES (1, 0)";
  });
  constexpr int kThreads = 8, kRounds = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int r = 0; r < kRounds; ++r) {
        try {
          db->with_transaction([](soci::session& s) {
            int n = 0;
            s << "SELECT n FROM counter WHERE id = 1", soci::into(n);
            int next = n + 1;
            s << "UPDATE counter SET n = :n WHERE id = 1", soci::use(next);
          });
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  for (auto& th : threads)
    th.join();
  int n = 0;
  db->with_session(
      [&](soci::session& s) { s << "SELECT n FROM counter WHERE id = 1", soci::into(n); });
  EXPECT_EQ(failures.load(), 0);
  if (GetParam() == Engine::sqlite) {
    EXPECT_EQ(n, kThreads * kRounds) << "no update lost";
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

TEST(Database, RejectsBadUrls) {
  for (const char* url : {"", "mysql://x", "sqlite:", "postgres", "sqlite:\x01"}) {
    auto db = Database::open({url, 1, std::chrono::milliseconds(100)});
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_EQ(db.error().code, ErrorCode::invalid_input) << url;
  }
}

TEST(Database, UnreachablePostgresIsOneClearError) {
  // Port 1 on loopback: nothing listens there.
  auto db = Database::open(
      {"postgresql://nobody:secret@127.0.0.1:1/none", 1, std::chrono::milliseconds(100)});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
  EXPECT_EQ(db.error().detail.find('\n'), std::string::npos) << db.error().detail;
  EXPECT_EQ(db.error().detail.find("secret"), std::string::npos)
      << "password leaked: " << db.error().detail;
}

TEST(Database, UnwritableDirectoryIsOneClearError) {
  if (geteuid() == 0)
    GTEST_SKIP() << "root can write anywhere; covered by the CLI test with a file as directory";
  auto dir = std::filesystem::temp_directory_path() / "samskap-ro-test";
  std::filesystem::create_directories(dir);
  chmod(dir.c_str(), 0500);
  auto db = Database::open(
      {"sqlite:" + (dir / "sub" / "x.db").string(), 1, std::chrono::milliseconds(100)});
  chmod(dir.c_str(), 0700);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
}

TEST(Database, DataDirectoryThatIsAFileIsOneClearError) {
  auto file = std::filesystem::temp_directory_path() / "samskap-not-a-dir";
  { std::ofstream(file.string()) << "x"; }
  auto db =
      Database::open({"sqlite:" + (file / "x.db").string(), 1, std::chrono::milliseconds(100)});
  std::filesystem::remove(file);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
  EXPECT_NE(db.error().detail.find("data directory"), std::string::npos) << db.error().detail;
}

TEST(DatabaseUrl, ParsesAndRedacts) {
  auto s = parse_database_url("sqlite:var/samskap.db");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->engine, Engine::sqlite);
  EXPECT_EQ(s->sqlite_path, "var/samskap.db");
  auto p = parse_database_url("postgresql://u:pw@localhost:5432/db");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->engine, Engine::postgresql);
  EXPECT_EQ(redact_database_url("postgresql://u:pw@localhost:5432/db"),
            "postgresql://u:***@localhost:5432/db");
  EXPECT_EQ(redact_database_url("postgresql://h/db?password=pw&x=1"),
            "postgresql://h/db?password=***&x=1");
  EXPECT_FALSE(parse_database_url(std::string(5000, 'a')).ok());
}

struct ConninfoCase {
  const char* url;
  const char* expected;  // nullptr: must be rejected
};

class ConninfoTest : public ::testing::TestWithParam<ConninfoCase> {};

TEST_P(ConninfoTest, ConvertsUrlsToKeywordForm) {
  auto r = postgres_keyword_conninfo(GetParam().url);
  if (!GetParam().expected) {
    EXPECT_FALSE(r.ok()) << GetParam().url;
    if (!r.ok()) {
      EXPECT_EQ(r.error().detail.find("s3cret"), std::string::npos) << r.error().detail;
    }
    return;
  }
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(*r, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConninfoTest,
    ::testing::Values(
        ConninfoCase{"postgresql://u@127.0.0.1:5432/samskap",
                     "user='u' host='127.0.0.1' port='5432' dbname='samskap'"},
        ConninfoCase{"postgres://localhost/db", "host='localhost' dbname='db'"},
        ConninfoCase{"postgresql://u:p%40ss%27@h/db?sslmode=require",
                     "user='u' password='p@ss\\'' host='h' dbname='db' sslmode='require'"},
        ConninfoCase{"postgresql://[::1]:5433/d", "host='::1' port='5433' dbname='d'"},
        ConninfoCase{"postgresql:///db?host=/tmp", "dbname='db' host='/tmp'"},
        // Hostile or malformed: rejected with a message, password never echoed.
        ConninfoCase{"postgresql://u:s3cret@h:99999/db", nullptr},
        ConninfoCase{"postgresql://u:s3cret@h:5x/db", nullptr},
        ConninfoCase{"postgresql://h/db?evil=1", nullptr},
        ConninfoCase{"postgresql://h/d%zz", nullptr}, ConninfoCase{"postgresql://h/d%00", nullptr},
        ConninfoCase{"postgresql://[::1/d", nullptr},
        ConninfoCase{"postgresql://h/db?sslmode", nullptr},
        ConninfoCase{"postgresql://h/db' host='evil", "host='h' dbname='db\\' host=\\'evil'"}));

}  // namespace
}  // namespace samskap::store
