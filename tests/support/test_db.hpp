#pragma once
// Throwaway databases for tests, on either engine.
//
// SQLite: a file in a fresh temporary directory. PostgreSQL: a fresh database
// on the server named by SAMSKAP_TEST_PG (./dev test starts one; see
// scripts/pg-test-cluster.sh), dropped again by the destructor.

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "store/database_url.hpp"

namespace samskap::testing {

class TestDatabase {
 public:
  // nullptr when the engine is not available here; `why` then says why.
  static std::unique_ptr<TestDatabase> create(store::Engine engine, std::string& why);
  ~TestDatabase();

  const std::string& url() const { return url_; }
  store::Engine engine() const { return engine_; }

  // PostgreSQL only: terminates every connection to the database and drops it,
  // to test what happens when the database goes away.
  void drop_now();

 private:
  store::Engine engine_ = store::Engine::sqlite;
  std::string url_;
  std::string dir_;    // sqlite
  std::string name_;   // postgresql
  std::string admin_;  // postgresql admin URL
};

// "sqlite" / "postgresql", for parameterised test names.
std::string engine_name(store::Engine e);

// Names the instances of a test parameterised over store::Engine.
struct EngineName {
  std::string operator()(const ::testing::TestParamInfo<store::Engine>& info) const {
    return engine_name(info.param);
  }
};

}  // namespace samskap::testing

// Use at the start of a test that needs `db` (a std::unique_ptr<TestDatabase>
// created with create()). PostgreSQL missing is a skip on a developer's
// machine, and a failure under ./dev test (SAMSKAP_REQUIRE_PG=1).
#define SAMSKAP_REQUIRE_DB(db, why)                           \
  do {                                                        \
    if (!(db)) {                                              \
      if (std::getenv("SAMSKAP_REQUIRE_PG")) FAIL() << (why); \
      GTEST_SKIP() << (why);                                  \
    }                                                         \
  } while (0)
