// HTTP tests against the application started in-process on an ephemeral port.

#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "server_fixture.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {
namespace {

class ServerTest : public SharedAppTest {};

void expect_security_headers(const HttpResult& r, const std::string& what) {
  auto csp = r.header("content-security-policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << what;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << what;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << what;
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << what;
  EXPECT_FALSE(r.header("referrer-policy").empty()) << what;
  EXPECT_TRUE(std::regex_match(r.header("x-request-id"), std::regex("[0-9a-f]{16}"))) << what;
}

TEST_F(ServerTest, StartPageIsNorwegianByDefault) {
  auto r = http_get(url("/"));
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<html lang=\"nb\">"), std::string::npos);
  EXPECT_NE(r.body.find("Fra svar til samskaping"), std::string::npos);
  EXPECT_NE(r.body.find("Hopp til innholdet"), std::string::npos);
  EXPECT_EQ(r.header("content-language"), "nb");
  EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos);
  expect_security_headers(r, "/");
}

TEST_F(ServerTest, QueryChoosesEnglishAndTheCookieRemembersIt) {
  auto r = http_get(url("/?lang=en"));
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(r.body.find("From answers to co-creation"), std::string::npos);
  auto cookie = r.header("set-cookie");
  EXPECT_NE(cookie.find("samskap_lang=en"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  auto again = http_get(url("/om"), {"Cookie: samskap_lang=en"});
  EXPECT_NE(again.body.find("About Samskap"), std::string::npos);
  EXPECT_TRUE(again.header("set-cookie").empty()) << "no new cookie without an explicit choice";
}

TEST_F(ServerTest, AcceptLanguageIsTheFirstGuess) {
  EXPECT_NE(http_get(url("/"), {"Accept-Language: en-GB,en;q=0.9"}).body.find("lang=\"en\""),
            std::string::npos);
  EXPECT_NE(http_get(url("/"), {"Accept-Language: nb-NO,en;q=0.5"}).body.find("lang=\"nb\""),
            std::string::npos);
  // The cookie beats the header.
  EXPECT_NE(http_get(url("/"), {"Accept-Language: en", "Cookie: samskap_lang=nb"})
                .body.find("lang=\"nb\""),
            std::string::npos);
}

TEST_F(ServerTest, UnknownRouteGetsA404PageInTheUsersLanguage) {
  auto nb = http_get(url("/finnes/ikke"));
  EXPECT_EQ(nb.status, 404);
  EXPECT_NE(nb.body.find("Siden finnes ikke"), std::string::npos);
  expect_security_headers(nb, "404");
  auto en = http_get(url("/does/not/exist?lang=en"));
  EXPECT_EQ(en.status, 404);
  EXPECT_NE(en.body.find("Page not found"), std::string::npos);
}

TEST_F(ServerTest, ErrorsAreJsonWhenTheClientAsksForJson) {
  auto r = http_get(url("/nope"), {"Accept: application/json"});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_NE(r.body.find("\"status\":404"), std::string::npos);
}

TEST_F(ServerTest, ErrorsUnderTheApiAreAlwaysJson) {
  auto r = http_get(url("/api/v1/finnes-ikke"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto bad = http_get(url("/api/v1/%ff"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.header("content-type"), "application/json");
}

TEST_F(ServerTest, OversizedBodyGets413AndTheServerLivesOn) {
  auto r = http_request("POST", url("/"), {}, std::string(1024 * 1024 + 1, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("For mye data"), std::string::npos);
  EXPECT_NE(r.body.find("1 MiB"), std::string::npos);
  EXPECT_EQ(http_get(url("/healthz")).status, 200);
}

TEST_F(ServerTest, MalformedPathOrQueryGets400) {
  EXPECT_EQ(http_get(url("/%zz")).status, 400);
  EXPECT_EQ(http_get(url("/?lang=%e")).status, 400);
  EXPECT_EQ(http_get(url("/?q=%ff%fe")).status, 400) << "invalid UTF-8 in the query";
  EXPECT_EQ(http_get(url("/%00")).status, 400) << "NUL in the path";
  auto r = http_get(url("/?x=%zz"));
  EXPECT_NE(r.body.find("Forespørselen kunne ikke leses"), std::string::npos);
}

TEST_F(ServerTest, GarbageOnTheWireClosesOnlyThatConnection) {
  raw_exchange(server_->port, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  raw_exchange(server_->port, "GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n");
  raw_exchange(server_->port, "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(http_get(url("/healthz")).status, 200);
}

TEST_F(ServerTest, AHandlerThatThrowsGivesA500PageWithAReference) {
  auto r = http_get(url("/test/throw"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Noe gikk galt"), std::string::npos);
  EXPECT_NE(r.body.find(r.header("x-request-id")), std::string::npos)
      << "the page shows the reference";
  EXPECT_EQ(http_get(url("/")).status, 200);
}

TEST_F(ServerTest, HealthReadinessAndMetrics) {
  auto h = http_get(url("/healthz"));
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "ok\n");
  auto ready = http_get(url("/readyz"));
  EXPECT_EQ(ready.status, 200);
  http_get(url("/"));
  auto m = http_get(url("/metrics"));
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.header("content-type").find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(m.body.find("samskap_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(
      m.body.find(
          "samskap_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"+Inf\"}"),
      std::string::npos);
  EXPECT_NE(m.body.find("samskap_db_pool_size 2"), std::string::npos);
  EXPECT_NE(m.body.find("samskap_worker_threads 4"), std::string::npos);
  EXPECT_EQ(m.body.find("/finnes/ikke"), std::string::npos)
      << "raw paths never become label values";
}

TEST_F(ServerTest, AssetsAreHashedImmutableAndRevalidate) {
  auto page = http_get(url("/"));
  std::regex asset_re("(/assets/[A-Za-z0-9_.-]+)");
  int seen = 0;
  for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), asset_re);
       it != std::sregex_iterator(); ++it) {
    std::string path = (*it)[1];
    auto a = http_get(url(path));
    ASSERT_EQ(a.status, 200) << path;
    EXPECT_EQ(a.header("cache-control"), "public, max-age=31536000, immutable") << path;
    EXPECT_FALSE(a.body.empty()) << path;
    if (path.ends_with(".css")) {
      EXPECT_EQ(a.header("content-type"), "text/css; charset=utf-8");
    }
    if (path.ends_with(".js")) {
      EXPECT_EQ(a.header("content-type"), "text/javascript; charset=utf-8");
    }
    auto etag = a.header("etag");
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(http_get(url(path), {"If-None-Match: " + etag}).status, 304) << path;
    ++seen;
  }
  EXPECT_GE(seen, 3) << "css, htmx and our script";
  EXPECT_EQ(http_get(url("/assets/app.0000000000.css")).status, 404);
}

TEST_F(ServerTest, HeadAnswersWithoutABody) {
  auto r = http_request("HEAD", url("/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(ServerTest, EveryRouteCarriesTheSecurityHeaders) {
  // Walks the route table itself, so new routes are covered automatically.
  int checked = 0;
  for (const auto& route : server_->server->routes()) {
    if (route.method != web::Method::get) continue;
    std::string path = std::regex_replace(route.pattern, std::regex(":[A-Za-z_]+"), "x");
    auto r = http_get(url(path));
    ASSERT_NE(r.status, 0) << path;
    if (!route.pattern.starts_with("/test/")) {
      EXPECT_LT(r.status, 500) << path;
    }
    expect_security_headers(r, route.pattern);
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

TEST(ServerLifecycle, StopLetsRequestsInFlightFinish) {
  std::string why;
  auto s = AppServer::start(store::Engine::sqlite, why);
  ASSERT_TRUE(s) << why;
  HttpResult slow;
  std::thread t([&] { slow = http_get(s->url("/test/slow")); });
  // Stop only once the request is being handled: on a loaded machine a fixed
  // sleep sometimes stopped the server before the request had arrived.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (s->slow_started->load() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(s->slow_started->load(), 1) << "the slow request never reached its handler";
  s->server->stop(std::chrono::seconds(5));
  t.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "slow done");
  EXPECT_EQ(http_get(s->url("/healthz")).status, 0) << "no longer accepting";
}

TEST(ServerLifecycle, PortInUseIsAClearError) {
  std::string why;
  auto a = AppServer::start(store::Engine::sqlite, why);
  ASSERT_TRUE(a) << why;
  web::ServerOptions so;
  so.port = static_cast<std::uint16_t>(a->port);
  auto metrics = std::make_shared<web::Metrics>();
  web::Server b(
      so, {}, [](const web::Request&, int) { return web::Response{}; }, metrics);
  auto r = b.start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_NE(r.error().detail.find(std::to_string(a->port)), std::string::npos) << r.error().detail;
}

TEST(ServerLifecycle, ReadinessFailsWhenThePostgresDatabaseGoesAway) {
  std::string why;
  auto s = AppServer::start(store::Engine::postgresql, why);
  SAMSKAP_REQUIRE_DB(s, why);
  EXPECT_EQ(http_get(s->url("/readyz")).status, 200);
  EXPECT_EQ(http_get(s->url("/")).status, 200);
  s->tdb->drop_now();
  auto r = http_get(s->url("/readyz"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(http_get(s->url("/healthz")).status, 200) << "the process is still up";
}

}  // namespace
}  // namespace samskap::testing
