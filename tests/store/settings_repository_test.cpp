#include "store/settings_repository.hpp"

#include <gtest/gtest.h>

#include "store/migrations.hpp"
#include "support/test_db.hpp"

namespace samskap::store {
namespace {

class SettingsTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    tdb_ = testing::TestDatabase::create(GetParam(), why_);
    if (!tdb_) return;
    auto db = Database::open({tdb_->url(), 2, std::chrono::milliseconds(5000)});
    ASSERT_TRUE(db.ok()) << db.error().detail;
    db_ = std::move(db).value();
    auto ms = load_migrations(embedded_migrations(), GetParam());
    ASSERT_TRUE(ms.ok());
    ASSERT_TRUE(migrate(*db_, *ms, clock_).ok());
  }
  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<Database> db_;
  std::string why_;
};

TEST_P(SettingsTest, PutGetAndReplace) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  SettingsRepository repo(*db_, clock_);
  auto missing = repo.get("instance_id");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(repo.put("instance_id", "første").ok());
  ASSERT_TRUE(repo.put("instance_id", "andre – æøå").ok());
  auto got = repo.get("instance_id");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, "andre – æøå");
}

TEST_P(SettingsTest, RejectsBadKeysAndOversizedValues) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  SettingsRepository repo(*db_, clock_);
  EXPECT_EQ(repo.put("", "x").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(repo.put(std::string(201, 'k'), "x").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(repo.put("k", std::string(64 * 1024 + 1, 'v')).error().code, ErrorCode::too_large);
  auto got = repo.get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value()) << "nothing stored after a rejected put";
}

TEST_P(SettingsTest, HostileKeysAreJustData) {
  SAMSKAP_REQUIRE_DB(tdb_, why_);
  SettingsRepository repo(*db_, clock_);
  const std::string key = "x'); DROP TABLE settings; --";
  ASSERT_TRUE(repo.put(key, "v").ok());
  auto got = repo.get(key);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value_or(""), "v");
}

INSTANTIATE_TEST_SUITE_P(Engines, SettingsTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         testing::EngineName());

}  // namespace
}  // namespace samskap::store
