#include "store/migrations.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <thread>

#include "support/test_db.hpp"

namespace samskap::store {
namespace {

using testing::TestDatabase;

const ManualClock kClock{SystemTime{} + std::chrono::hours(24 * 365 * 56)};

struct SplitCase {
  const char* sql;
  std::vector<std::string> expected;
};

class SplitSqlTest : public ::testing::TestWithParam<SplitCase> {};

TEST_P(SplitSqlTest, SplitsAtTopLevelSemicolons) {
  EXPECT_EQ(split_sql(GetParam().sql), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SplitSqlTest,
    ::testing::Values(
        SplitCase{"", {}}, SplitCase{" ; ;\n", {}}, SplitCase{"SELECT 1", {"SELECT 1"}},
        SplitCase{"A;B;", {"A", "B"}},
        SplitCase{"INSERT INTO t VALUES ('a;b');X", {"INSERT INTO t VALUES ('a;b')", "X"}},
        SplitCase{"INSERT INTO t VALUES ('it''s;');", {"INSERT INTO t VALUES ('it''s;')"}},
        SplitCase{"-- a comment; with semicolon\nSELECT 1;", {"SELECT 1"}},
        SplitCase{"/* x; y */ SELECT 2", {"SELECT 2"}},
        SplitCase{"CREATE FUNCTION f() AS $$ BEGIN; END; $$ LANGUAGE plpgsql; SELECT 3",
                  {"CREATE FUNCTION f() AS $$ BEGIN; END; $$ LANGUAGE plpgsql", "SELECT 3"}},
        SplitCase{"SELECT \"odd;name\" FROM t", {"SELECT \"odd;name\" FROM t"}},
        // Unterminated quote or comment: everything to the end is one statement, no crash.
        SplitCase{"SELECT 'open;", {"SELECT 'open;"}}, SplitCase{"SELECT 1 /* open", {"SELECT 1"}},
        SplitCase{"SELECT $1; SELECT $tag", {"SELECT $1", "SELECT $tag"}}));

EmbeddedFile file(std::string_view path, std::string_view data) {
  return {path, data};
}

TEST(LoadMigrations, PicksTheEngineVariantAndOrders) {
  const EmbeddedFile files[] = {
      file("0002_b.sql", "B"), file("0001_a.sql", "A"), file("0003_c.sqlite.sql", "C-lite"),
      file("0003_c.postgresql.sql", "C-pg"), file("README.md", "ignored")};
  auto lite = load_migrations(files, Engine::sqlite);
  ASSERT_TRUE(lite.ok());
  ASSERT_EQ(lite->size(), 3u);
  EXPECT_EQ((*lite)[0].version, 1);
  EXPECT_EQ((*lite)[1].name, "b");
  EXPECT_EQ((*lite)[2].sql, "C-lite");
  auto pg = load_migrations(files, Engine::postgresql);
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ((*pg)[2].sql, "C-pg");
}

TEST(LoadMigrations, RejectsBadNamesAndDuplicates) {
  for (auto bad : {std::vector<EmbeddedFile>{file("init.sql", "")},
                   {file("0001.sql", "")},
                   {file("0001_a.mysql.sql", "")},
                   {file("0001_a.sql", ""), file("0001_b.sql", "")},
                   {file("1234567_a.sql", "")}}) {
    auto r = load_migrations(bad, Engine::sqlite);
    EXPECT_FALSE(r.ok()) << bad[0].path;
  }
}

TEST(LoadMigrations, EmbeddedMigrationsLoadOnBothEngines) {
  for (auto e : {Engine::sqlite, Engine::postgresql}) {
    auto r = load_migrations(embedded_migrations(), e);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    ASSERT_FALSE(r->empty());
    EXPECT_EQ(r->front().version, 1);
  }
}

class MigrateTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override { tdb_ = TestDatabase::create(GetParam(), why_); }
  std::unique_ptr<Database> open() {
    auto db = Database::open({tdb_->url(), 2, std::chrono::milliseconds(10000)});
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().detail);
    return db.ok() ? std::move(db).value() : nullptr;
  }
  std::unique_ptr<TestDatabase> tdb_;
  std::string why_;
};

TEST_P(MigrateTest, AppliesEveryMigrationOnceAndIsIdempotent) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto db = open();
  ASSERT_TRUE(db);
  auto ms = load_migrations(embedded_migrations(), GetParam());
  ASSERT_TRUE(ms.ok());
  auto first = migrate(*db, *ms, kClock);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_EQ(first->from_version, 0);
  EXPECT_EQ(first->to_version, ms->back().version);
  EXPECT_EQ(first->applied.size(), ms->size());
  auto second = migrate(*db, *ms, kClock);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->from_version, ms->back().version);
}

TEST_P(MigrateTest, AFailingMigrationIsRolledBackWhole) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto db = open();
  ASSERT_TRUE(db);
  std::vector<Migration> ms = {
      {1, "ok", "CREATE TABLE a (x INTEGER)"},
      {2, "broken", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1)"}};
  auto r = migrate(*db, ms, kClock);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().detail.find("migration 2"), std::string::npos) << r.error().detail;
  // Table b from the broken migration must not exist.
  EXPECT_THROW(db->with_session([](soci::session& s) { s << "SELECT COUNT(*) FROM b"; }),
               soci::soci_error);
  auto v = schema_version(*db);
  ASSERT_TRUE(v.ok());
  EXPECT_LE(*v, 1);
}

TEST_P(MigrateTest, ConcurrentStartsDoNotRace) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  auto ms = load_migrations(embedded_migrations(), GetParam());
  ASSERT_TRUE(ms.ok());
  // Each "node" has its own pool, as separate processes would.
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<Database>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(open());
    ASSERT_TRUE(nodes.back());
  }
  std::vector<Result<MigrationReport>> results(kNodes, Error{});
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i)
    threads.emplace_back([&, i] {
      results[static_cast<std::size_t>(i)] =
          migrate(*nodes[static_cast<std::size_t>(i)], *ms, kClock);
    });
  for (auto& t : threads)
    t.join();
  std::size_t applied = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.error().detail;
    applied += r->applied.size();
  }
  EXPECT_EQ(applied, ms->size()) << "every migration applied exactly once across the nodes";
  int rows = 0;
  nodes[0]->with_session(
      [&](soci::session& s) { s << "SELECT COUNT(*) FROM schema_migrations", soci::into(rows); });
  EXPECT_EQ(rows, static_cast<int>(ms->size()));
}

INSTANTIATE_TEST_SUITE_P(Engines, MigrateTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

}  // namespace
}  // namespace samskap::store
