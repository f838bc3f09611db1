#include "support/test_db.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace samskap::testing {

namespace {
std::string random_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string s;
  auto v = rng();
  for (int i = 0; i < 12; ++i, v >>= 4)
    s += hex[v & 15];
  return s;
}

// postgresql://user@host:port/db -> same URL with another database name.
std::string with_database(const std::string& url, const std::string& name) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme + 3);
  auto q = url.find('?', scheme + 3);
  std::string base =
      url.substr(0, slash == std::string::npos ? (q == std::string::npos ? url.size() : q) : slash);
  std::string query = q == std::string::npos ? "" : url.substr(q);
  return base + "/" + name + query;
}
}  // namespace

std::string engine_name(store::Engine e) {
  return e == store::Engine::sqlite ? "sqlite" : "postgresql";
}

std::unique_ptr<TestDatabase> TestDatabase::create(store::Engine engine, std::string& why) {
  std::unique_ptr<TestDatabase> db(new TestDatabase);
  db->engine_ = engine;
  if (engine == store::Engine::sqlite) {
    auto dir = std::filesystem::temp_directory_path() / ("samskap-test-" + random_suffix());
    std::filesystem::create_directories(dir);
    db->dir_ = dir.string();
    db->url_ = "sqlite:" + (dir / "test.db").string();
    return db;
  }
  const char* admin = std::getenv("SAMSKAP_TEST_PG");
  if (!admin || !*admin) {
    why =
        "SAMSKAP_TEST_PG is not set: run the tests with ./dev test, which starts a PostgreSQL "
        "server";
    return nullptr;
  }
  db->admin_ = admin;
  db->name_ = "samskap_test_" + random_suffix();
  try {
    soci::session s(*soci::factory_postgresql(), *store::postgres_keyword_conninfo(db->admin_));
    s << "CREATE DATABASE " + db->name_;
  } catch (const std::exception& e) {
    why = std::string("cannot create a test database on ") + admin + ": " + e.what();
    return nullptr;
  }
  db->url_ = with_database(db->admin_, db->name_);
  return db;
}

void TestDatabase::drop_now() {
  if (engine_ != store::Engine::postgresql || name_.empty()) return;
  soci::session s(*soci::factory_postgresql(), *store::postgres_keyword_conninfo(admin_));
  s << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
  name_.clear();
}

TestDatabase::~TestDatabase() {
  try {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    drop_now();
  } catch (...) {
    // best effort: a leftover database in a throwaway cluster does no harm
  }
}

}  // namespace samskap::testing
