// Backup and restore of the SQLite database (issue 13): a consistent copy
// while writes come in, restore refused while the database is open, hostile
// inputs refused with a reason and nothing overwritten.

#include "store/backup.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/mail_queue.hpp"
#include "store/migrations.hpp"

namespace samskap::store {
namespace {

namespace fs = std::filesystem;

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("backup-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<Database> open(const fs::path& file) {
    auto db = Database::open({"sqlite:" + file.string(), 2, std::chrono::milliseconds(5000)});
    EXPECT_TRUE(db.ok()) << db.error().detail;
    if (!db) return nullptr;
    auto ms = load_migrations(embedded_migrations(), Engine::sqlite);
    EXPECT_TRUE(ms.ok());
    EXPECT_TRUE(migrate(**db, *ms, clock_).ok());
    return std::move(db).value();
  }
  long count(Database& db) {
    long n = 0;
    db.with_session(
        [&](soci::session& s) { s << "SELECT COUNT(*) FROM mail_queue", soci::into(n); });
    return n;
  }
  ManualClock clock_{SystemTime{} + std::chrono::hours(490000)};
  fs::path dir_;
};

TEST_F(BackupTest, ACopyWhileWritesComeInIsWholeAndRestores) {
  auto live = open(dir_ / "live.db");
  ASSERT_TRUE(live);
  std::atomic<bool> stop{false};
  std::atomic<long> written{0};
  std::thread writer([&] {
    MailQueue q(*live, clock_);
    while (!stop) {
      MailDraft d;
      d.to = "p" + std::to_string(written.load()) + "@kommune.no";
      d.subject = "Hei";
      d.body = std::string(2000, 'x');
      if (q.enqueue(d).ok()) ++written;
    }
  });
  while (written < 200)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const long before = written;
  auto st = backup_sqlite("sqlite:" + (dir_ / "live.db").string(), (dir_ / "copy.db").string());
  const long after = written;
  stop = true;
  writer.join();
  ASSERT_TRUE(st.ok()) << st.error().detail;
  EXPECT_FALSE(fs::exists(dir_ / "copy.db.partial"));

  // The copy is a whole database at one moment between the two counts.
  auto copy = open(dir_ / "copy.db");
  ASSERT_TRUE(copy);
  const long copied = count(*copy);
  EXPECT_GE(copied, before);
  EXPECT_LE(copied, after);
  std::string check;
  copy->with_session([&](soci::session& s) { s << "PRAGMA integrity_check", soci::into(check); });
  EXPECT_EQ(check, "ok");
  copy.reset();

  // Restore into a new file, and the rows are the copy's.
  ASSERT_TRUE(
      restore_sqlite((dir_ / "copy.db").string(), "sqlite:" + (dir_ / "restored.db").string())
          .ok());
  auto restored = open(dir_ / "restored.db");
  ASSERT_TRUE(restored);
  EXPECT_EQ(count(*restored), copied);
}

TEST_F(BackupTest, RestoreIsRefusedWhileTheDatabaseIsOpen) {
  auto live = open(dir_ / "live.db");
  ASSERT_TRUE(live);
  ASSERT_TRUE(
      backup_sqlite("sqlite:" + (dir_ / "live.db").string(), (dir_ / "copy.db").string()).ok());
  auto st = restore_sqlite((dir_ / "copy.db").string(), "sqlite:" + (dir_ / "live.db").string());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::conflict);
  EXPECT_NE(st.error().detail.find("in use"), std::string::npos) << st.error().detail;
  live.reset();
  EXPECT_TRUE(
      restore_sqlite((dir_ / "copy.db").string(), "sqlite:" + (dir_ / "live.db").string()).ok());
}

TEST_F(BackupTest, HostileInputIsRefusedAndNothingIsOverwritten) {
  auto live = open(dir_ / "live.db");
  ASSERT_TRUE(live);
  const std::string url = "sqlite:" + (dir_ / "live.db").string();
  // An existing target is not overwritten.
  std::ofstream(dir_ / "exists.db") << "keep me";
  auto st = backup_sqlite(url, (dir_ / "exists.db").string());
  ASSERT_FALSE(st.ok());
  std::ifstream in(dir_ / "exists.db");
  std::string kept((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(kept, "keep me");
  // PostgreSQL has its own tools.
  auto pg = backup_sqlite("postgresql://x@127.0.0.1/db", (dir_ / "pg.db").string());
  ASSERT_FALSE(pg.ok());
  EXPECT_NE(pg.error().detail.find("pg_dump"), std::string::npos);
  live.reset();
  // A file that is not a Samskap database is not restored.
  std::ofstream(dir_ / "garbage.db") << std::string(4096, '\x7f');
  auto garbage = restore_sqlite((dir_ / "garbage.db").string(), url);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().detail.find("not a Samskap database"), std::string::npos)
      << garbage.error().detail;
  EXPECT_FALSE(restore_sqlite((dir_ / "missing.db").string(), url).ok());
  auto again = open(dir_ / "live.db");
  ASSERT_TRUE(again) << "the database is untouched";
}

}  // namespace
}  // namespace samskap::store
