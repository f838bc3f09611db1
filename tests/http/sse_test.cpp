// Server-sent events through the real server (web/server.cpp's streaming
// responses and web/sse.hpp Channels), read by a raw-socket client that
// decodes the chunked body and the event stream itself.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "support/sse_client.hpp"
#include "web/http.hpp"
#include "web/metrics.hpp"
#include "web/server.hpp"
#include "web/sse.hpp"

namespace samskap::web {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using testing::Event;
using testing::eventually;
using testing::SseClient;

// A server with a few streaming routes over one Channels.
struct StreamServer {
  explicit StreamServer(std::chrono::milliseconds keepalive = 300ms,
                        std::chrono::seconds request_timeout = 1s, bool access_log = false)
      : channels(std::make_shared<sse::Channels>(keepalive)) {
    auto ch = channels;
    auto kept = held;
    std::vector<Route> routes;
    // Three frames, then the stream ends.
    routes.push_back({Method::get, "/test/three", Exec::worker, [](const Request&) {
                        Response r;
                        r.content_type = "text/event-stream";
                        r.body = sse::retry(2000ms);
                        r.on_stream = [](std::shared_ptr<EventSink> sink) {
                          for (int i = 1; i <= 3; ++i)
                            sink->send(sse::frame("count", "n=" + std::to_string(i), i));
                          sink->close();
                          sink->close();  // idempotent
                          EXPECT_FALSE(sink->send("late"));
                        };
                        return r;
                      }});
    // Subscribes to topic "t" (Last-Event-ID echoed as the first event).
    routes.push_back({Method::get, "/test/sub", Exec::worker, [ch](const Request& req) {
                        Response r;
                        r.content_type = "text/event-stream";
                        auto last = sse::parse_last_event_id(req.header("last-event-id"));
                        r.on_stream = [ch, last](std::shared_ptr<EventSink> sink) {
                          ch->send_and_subscribe(
                              "t", sink,
                              sse::frame("hello", last ? std::to_string(*last) : "none"));
                        };
                        return r;
                      }});
    // The same from an I/O route: on_stream must still run on a worker.
    routes.push_back({Method::get, "/test/sub-io", Exec::io, [ch, this](const Request&) {
                        {
                          std::lock_guard lock(ids_mu);
                          io_handler_thread = std::this_thread::get_id();
                        }
                        Response r;
                        r.content_type = "text/event-stream";
                        r.on_stream = [ch, this](std::shared_ptr<EventSink> sink) {
                          {
                            std::lock_guard lock(ids_mu);
                            on_stream_thread = std::this_thread::get_id();
                          }
                          ch->subscribe("t", sink);
                        };
                        return r;
                      }});
    // Kept open but never written to: no keep-alives.
    routes.push_back({Method::get, "/test/silent", Exec::worker, [kept](const Request&) {
                        Response r;
                        r.content_type = "text/event-stream";
                        r.on_stream = [kept](std::shared_ptr<EventSink> sink) {
                          std::lock_guard lock(kept->mu);
                          kept->sinks.push_back(sink);
                        };
                        return r;
                      }});
    // A handler still running when stop() begins.
    routes.push_back({Method::get, "/test/slow-stream", Exec::worker, [this](const Request&) {
                        slow_started = true;
                        std::this_thread::sleep_for(400ms);
                        Response r;
                        r.content_type = "text/event-stream";
                        r.on_stream = [this](std::shared_ptr<EventSink>) {
                          slow_on_stream_called = true;
                        };
                        return r;
                      }});
    routes.push_back({Method::get, "/test/throws", Exec::worker, [](const Request&) {
                        Response r;
                        r.content_type = "text/event-stream";
                        r.on_stream = [](std::shared_ptr<EventSink> sink) {
                          sink->send(sse::frame("before", "x"));
                          throw std::runtime_error("boom");
                        };
                        return r;
                      }});
    routes.push_back({Method::get, "/test/refused", Exec::worker, [](const Request&) {
                        Response r;
                        r.status = 404;
                        r.content_type = "text/plain";
                        r.body = "no such workshop\n";
                        r.on_stream = [](std::shared_ptr<EventSink>) {
                          ADD_FAILURE() << "a 404 never streams";
                        };
                        return r;
                      }});
    ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.io_threads = 1;
    so.workers = 2;
    so.request_timeout = request_timeout;
    so.access_log = access_log;
    metrics = std::make_shared<Metrics>();
    server = std::make_unique<Server>(
        so, std::move(routes),
        [](const Request&, int st) {
          Response r;
          r.status = st;
          r.content_type = "text/plain";
          r.body = "error\n";
          return r;
        },
        metrics);
    auto p = server->start();
    EXPECT_TRUE(p.ok());
    port = p.ok() ? *p : 0;
  }
  ~StreamServer() {
    if (server) server->stop(1s);
    channels.reset();
  }

  struct Held {
    std::mutex mu;
    std::vector<std::shared_ptr<EventSink>> sinks;
  };
  std::shared_ptr<sse::Channels> channels;
  std::shared_ptr<Held> held = std::make_shared<Held>();
  std::shared_ptr<Metrics> metrics;
  std::unique_ptr<Server> server;
  std::uint16_t port = 0;
  std::atomic<bool> slow_started{false};
  std::atomic<bool> slow_on_stream_called{false};
  // With one I/O thread: where /test/sub-io's handler and its on_stream ran.
  std::mutex ids_mu;
  std::thread::id io_handler_thread;
  std::thread::id on_stream_thread;
};

TEST(SseServer, AStreamOfThreeFramesThenTheEnd) {
  StreamServer s;
  SseClient c(s.port, "/test/three");
  ASSERT_EQ(c.open(), 200);
  EXPECT_EQ(c.header("content-type"), "text/event-stream");
  EXPECT_EQ(c.header("cache-control"), "no-store");
  EXPECT_EQ(c.header("x-accel-buffering"), "no");
  EXPECT_EQ(c.header("transfer-encoding"), "chunked");
  EXPECT_EQ(c.header("x-content-type-options"), "nosniff");
  EXPECT_NE(c.header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(c.header("x-request-id").size(), 16u);
  for (int i = 1; i <= 3; ++i) {
    auto e = c.next_event();
    ASSERT_TRUE(e) << i;
    EXPECT_EQ(e->event, "count");
    EXPECT_EQ(e->id, std::to_string(i));
    EXPECT_EQ(e->data, "n=" + std::to_string(i));
  }
  EXPECT_TRUE(c.ends_within(5s));
  EXPECT_TRUE(c.last_chunk_seen()) << "the chunked response is properly terminated";
  EXPECT_TRUE(c.raw_body().starts_with("retry: 2000\n\n")) << "the handler's body goes first";
}

TEST(SseServer, PublishReachesTwoClientsInOrder) {
  StreamServer s(60s, 60s);
  SseClient a(s.port, "/test/sub");
  SseClient b(s.port, "/test/sub", {"Last-Event-ID: 41"});
  auto ha = a.next_event();
  auto hb = b.next_event();
  ASSERT_TRUE(ha && hb);
  EXPECT_EQ(ha->event, "hello");
  EXPECT_EQ(ha->data, "none");
  EXPECT_EQ(hb->data, "41") << "the handler sees Last-Event-ID";
  // send_and_subscribe sends the hello before it subscribes: wait for both.
  ASSERT_TRUE(eventually([&] { return s.channels->subscribers("t") == 2; }, 5s));
  for (int i = 1; i <= 20; ++i)
    EXPECT_EQ(s.channels->publish(
                  "t", sse::frame("results", "{\"n\":" + std::to_string(i) + "}", 100 + i)),
              2u);
  for (auto* c : {&a, &b}) {
    for (int i = 1; i <= 20; ++i) {
      auto e = c->next_event();
      ASSERT_TRUE(e) << i;
      EXPECT_EQ(e->event, "results");
      EXPECT_EQ(e->id, std::to_string(100 + i));
      EXPECT_EQ(e->data, "{\"n\":" + std::to_string(i) + "}");
    }
  }
  auto m = s.metrics->render();
  EXPECT_NE(m.find("samskap_sse_streams 2\n"), std::string::npos) << m;
  EXPECT_NE(
      m.find("samskap_http_requests_total{method=\"GET\",route=\"/test/sub\",status=\"200\"} 2"),
      std::string::npos);
}

TEST(SseServer, OnStreamOfAnIoRouteRunsOnAWorker) {
  StreamServer s(60s, 60s);
  SseClient c(s.port, "/test/sub-io");
  ASSERT_EQ(c.open(), 200);
  ASSERT_TRUE(eventually([&] { return s.channels->subscribers("t") == 1; }, 5s));
  s.channels->publish("t", sse::frame("x", "y"));
  auto e = c.next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->data, "y");
  std::lock_guard lock(s.ids_mu);
  EXPECT_NE(s.io_handler_thread, std::thread::id{});
  EXPECT_NE(s.on_stream_thread, std::thread::id{});
  EXPECT_NE(s.on_stream_thread, s.io_handler_thread) << "not on the (only) I/O thread";
}

TEST(SseServer, ADisconnectedClientIsPruned) {
  StreamServer s(200ms, 60s);
  SseClient stays(s.port, "/test/sub");
  SseClient leaves(s.port, "/test/sub");
  ASSERT_TRUE(stays.next_event() && leaves.next_event());
  // send_and_subscribe sends the hello before it subscribes: wait for both.
  ASSERT_TRUE(eventually([&] { return s.channels->subscribers("t") == 2; }, 5s));
  const auto t0 = steady::now();
  leaves.disconnect();
  // The server notices a client has gone only when a write fails: TCP
  // accepts the first write after the peer closed (the RST comes back
  // for it), so the second keep-alive after the disconnect finds it.
  EXPECT_TRUE(eventually([&] { return s.channels->subscribers("t") == 1; }, 3s))
      << "still " << s.channels->subscribers("t");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0);
  EXPECT_LE(took.count(), 1000) << "within a few keep-alive periods";
  EXPECT_TRUE(eventually(
      [&] { return s.metrics->render().find("samskap_sse_streams 1\n") != std::string::npos; },
      3s));
  s.channels->publish("t", sse::frame("after", "1"));
  auto e = stays.next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, "after");
}

TEST(SseServer, KeepAliveCommentsArrive) {
  StreamServer s(100ms, 60s);
  SseClient c(s.port, "/test/sub");
  ASSERT_TRUE(c.next_event());
  int comments = 0;
  for (int i = 0; i < 3; ++i) {
    auto e = c.next(3s);
    ASSERT_TRUE(e) << "keep-alive " << i;
    EXPECT_EQ(e->comment, " keep-alive");
    EXPECT_TRUE(e->event.empty());
    ++comments;
  }
  EXPECT_EQ(comments, 3);
}

TEST(SseServer, AStreamOutlivesTheRequestTimeoutWhileKeepAlivesFlow) {
  StreamServer s(300ms, 1s);
  SseClient kept(s.port, "/test/sub");
  SseClient silent(s.port, "/test/silent");
  ASSERT_TRUE(kept.next_event());
  ASSERT_EQ(silent.open(), 200);
  std::this_thread::sleep_for(2500ms);
  // The silent stream wrote nothing for longer than request_timeout: RESTinio
  // closed it (this is why streams need keep-alives).
  EXPECT_TRUE(silent.ends_within(3s)) << "a stream with no writes is closed after the timeout";
  // The kept stream is alive and still delivers.
  s.channels->publish("t", sse::frame("late", "still here"));
  auto e = kept.next_event(3s);
  ASSERT_TRUE(e) << "the stream with keep-alives survived";
  EXPECT_EQ(e->data, "still here");
  // The server notices the silent stream is gone at its next write.
  std::shared_ptr<EventSink> sink;
  {
    std::lock_guard lock(s.held->mu);
    ASSERT_EQ(s.held->sinks.size(), 1u);
    sink = s.held->sinks[0];
  }
  EXPECT_TRUE(eventually(
      [&] {
        sink->send(sse::comment());
        return sink->closed();
      },
      3s));
}

TEST(SseServer, StopWithOpenStreamsIsPromptAndEndsThem) {
  auto s = std::make_unique<StreamServer>(60s, 60s);
  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < 20; ++i)
    clients.push_back(std::make_unique<SseClient>(s->port, i % 2 ? "/test/sub" : "/test/silent"));
  for (auto& c : clients)
    ASSERT_EQ(c->open(), 200);
  ASSERT_TRUE(eventually([&] { return s->channels->subscribers("t") == 10; }, 5s));
  std::shared_ptr<EventSink> silent;
  {
    std::lock_guard lock(s->held->mu);
    ASSERT_TRUE(eventually(
        [&] {
          s->held->mu.unlock();
          std::this_thread::sleep_for(1ms);
          s->held->mu.lock();
          return s->held->sinks.size() == 10;
        },
        5s));
    silent = s->held->sinks[0];
  }
  const auto t0 = steady::now();
  s->server->stop(5s);
  const auto took = steady::now() - t0;
  EXPECT_LT(took, 2s) << "stop() does not wait for streams to finish by themselves";
  for (auto& c : clients)
    EXPECT_TRUE(c->ends_within(2s));
  EXPECT_TRUE(silent->closed());
  EXPECT_FALSE(silent->send(sse::frame("late", "x"))) << "no write after stop";
  EXPECT_EQ(s->channels->publish("t", "x"), 0u);
  // Sinks that outlive the server are harmless.
  s->server.reset();
  EXPECT_FALSE(silent->send("x"));
  silent->close();
  s.reset();
}

TEST(SseServer, AStreamOpenedWhileStoppingIsClosedAtOnce) {
  StreamServer s(60s, 60s);
  SseClient c(s.port, "/test/slow-stream");
  ASSERT_TRUE(eventually([&] { return s.slow_started.load(); }, 5s));
  // The handler is still running when stop() begins; its stream opens after
  // the streams were closed and must not outlive the server.
  const auto t0 = steady::now();
  s.server->stop(5s);
  EXPECT_LT(steady::now() - t0, 2s);
  EXPECT_EQ(c.open(), 200);
  EXPECT_TRUE(c.ends_within(2s));
  EXPECT_FALSE(s.slow_on_stream_called.load()) << "no sink is handed out after stop()";
}

TEST(SseServer, TheAccessLogRecordsAStreamWhenItOpens) {
  auto out = std::make_shared<std::ostringstream>();
  auto logger = std::make_shared<spdlog::logger>(
      "access", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out));
  logger->set_pattern("%v");
  spdlog::drop("access");
  spdlog::register_logger(logger);
  {
    StreamServer s(60s, 60s, true);
    SseClient c(s.port, "/test/sub?x=1");
    ASSERT_TRUE(c.next_event());
    logger->flush();
    auto line = out->str();
    EXPECT_NE(line.find("\"route\":\"/test/sub\""), std::string::npos) << line;
    EXPECT_NE(line.find("\"stream\":\"opened\""), std::string::npos) << line;
    EXPECT_NE(line.find("\"status\":200"), std::string::npos) << line;
  }
  spdlog::drop("access");
}

TEST(SseServer, AClientThatDoesNotReadIsDropped) {
  StreamServer s(60s, 60s);
  SseClient c(s.port, "/test/sub", {}, 4096);
  ASSERT_EQ(c.open(), 200);
  ASSERT_TRUE(eventually([&] { return s.channels->subscribers("t") == 1; }, 5s));
  const std::string big = sse::frame("big", std::string(64 * 1024, 'x'));
  std::size_t sent = 0;
  while (sent < 64u * 1024 * 1024 && s.channels->publish("t", big) == 1)
    sent += big.size();
  EXPECT_LT(sent, 64u * 1024 * 1024) << "the sink closed once too much was queued";
  EXPECT_EQ(s.channels->subscribers("t"), 0u);
}

TEST(SseServer, AHandlerThatThrowsEndsItsStream) {
  StreamServer s(60s, 60s);
  SseClient c(s.port, "/test/throws");
  auto e = c.next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, "before");
  EXPECT_TRUE(c.ends_within(3s));
}

TEST(SseServer, ErrorsAndHeadAreOrdinaryResponses) {
  StreamServer s(60s, 60s);
  SseClient refused(s.port, "/test/refused", {"Connection: close"});
  ASSERT_EQ(refused.open(), 404);
  EXPECT_TRUE(refused.ends_within(3s));
  EXPECT_EQ(refused.raw_body(), "no such workshop\n");
  EXPECT_EQ(refused.header("transfer-encoding"), "");
  SseClient head(s.port, "/test/sub", {"Connection: close"}, 0, "HEAD");
  ASSERT_EQ(head.open(), 200);
  EXPECT_TRUE(head.ends_within(3s));
  EXPECT_EQ(head.raw_body(), "");
  EXPECT_EQ(head.header("transfer-encoding"), "");
  EXPECT_EQ(s.channels->subscribers("t"), 0u) << "HEAD never subscribes";
}

}  // namespace
}  // namespace samskap::web
