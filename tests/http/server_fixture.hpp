#pragma once
// Starts the whole application in-process on an ephemeral port over a fresh,
// migrated database, plus a few test-only routes (slow, throwing).

#include <gtest/gtest.h>
#include <atomic>

#include <memory>
#include <string>
#include <thread>

#include "content/catalog.hpp"
#include "core/clock.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/test_db.hpp"
#include "web/app.hpp"
#include "web/server.hpp"

namespace samskap::testing {

class AppServer {
 public:
  // nullptr (and `why`) when the engine is not available.
  static std::unique_ptr<AppServer> start(store::Engine engine, std::string& why,
                                          std::size_t max_body = 1024 * 1024) {
    std::unique_ptr<AppServer> s(new AppServer);
    s->tdb = TestDatabase::create(engine, why);
    if (!s->tdb) return nullptr;
    auto db = store::Database::open({s->tdb->url(), 2, std::chrono::milliseconds(5000)});
    if (!db) {
      why = db.error().detail;
      return nullptr;
    }
    s->db = std::move(db).value();
    auto ms = store::load_migrations(store::embedded_migrations(), engine);
    if (!ms || !store::migrate(*s->db, *ms, s->clock)) {
      why = "migration failed";
      return nullptr;
    }
    s->metrics = std::make_shared<web::Metrics>();
    s->app =
        std::make_unique<web::App>(web::AppOptions{max_body}, *s->db, content::Catalog::embedded(),
                                   web::AssetTable::embedded(), s->metrics, s->clock);
    auto routes = s->app->routes();
    routes.push_back({web::Method::get, "/test/slow", web::Exec::worker,
                      [started = s->slow_started](const web::Request&) {
                        ++*started;
                        std::this_thread::sleep_for(std::chrono::milliseconds(600));
                        web::Response r;
                        r.content_type = "text/plain";
                        r.body = "slow done";
                        return r;
                      }});
    routes.push_back(
        {web::Method::get, "/test/throw", web::Exec::worker,
         [](const web::Request&) -> web::Response { throw std::runtime_error("boom"); }});
    web::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.workers = 4;
    so.max_body_bytes = max_body;
    so.access_log = false;
    web::App* a = s->app.get();
    s->server = std::make_unique<web::Server>(
        so, std::move(routes), [a](const web::Request& r, int st) { return a->error_page(r, st); },
        s->metrics, [a](web::Request& r, const web::Route& route) { return a->before(r, route); });
    auto port = s->server->start();
    if (!port) {
      why = port.error().detail;
      return nullptr;
    }
    s->port = *port;
    return s;
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  ~AppServer() {
    if (server) server->stop(std::chrono::milliseconds(2000));
  }

  ManualClock clock{SystemTime{} + std::chrono::hours(490000)};
  std::unique_ptr<TestDatabase> tdb;
  std::unique_ptr<store::Database> db;
  std::shared_ptr<web::Metrics> metrics;
  std::unique_ptr<web::App> app;
  std::unique_ptr<web::Server> server;
  // How many /test/slow requests have reached their handler (a test waits for
  // this instead of guessing how long a loaded machine takes to get there).
  std::shared_ptr<std::atomic<int>> slow_started = std::make_shared<std::atomic<int>>(0);
  int port = 0;
};

// A test suite whose tests share one in-process app over SQLite.
class SharedAppTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string why;
    server_ = AppServer::start(store::Engine::sqlite, why).release();
    ASSERT_NE(server_, nullptr) << why;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string url(const std::string& path) { return server_->url(path); }
  static inline AppServer* server_ = nullptr;
};

}  // namespace samskap::testing
