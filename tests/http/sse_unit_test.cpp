// Unit tests of web/sse: frames, comments, Last-Event-ID, and Channels with
// in-memory sinks (the real server's sinks are tested in sse_test.cpp).

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "web/sse.hpp"

namespace samskap::web::sse {
namespace {

TEST(SseFrame, IdEventAndData) {
  EXPECT_EQ(frame("state", "{\"a\":1}", 42), "id: 42\nevent: state\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(frame("results", "x"), "event: results\ndata: x\n\n");
  EXPECT_EQ(frame("state", ""), "event: state\ndata: \n\n") << "an empty event still dispatches";
}

TEST(SseFrame, DataIsSplitIntoLinesAndCarriageReturnsDropped) {
  EXPECT_EQ(frame("m", "one\ntwo\n\nfour"),
            "event: m\ndata: one\ndata: two\ndata: \ndata: four\n\n");
  EXPECT_EQ(frame("m", "a\r\nb"), "event: m\ndata: a\ndata: b\n\n");
  EXPECT_EQ(frame("m", "a\rb"), "event: m\ndata: ab\n\n");
  EXPECT_EQ(frame("m", "end\n"), "event: m\ndata: end\ndata: \n\n");
}

TEST(SseFrame, DataCannotForgeFieldsOrEndTheFrame) {
  // Whatever the data holds, every line of the frame after the header starts
  // with "data: " and the only blank line is the last.
  const std::string hostile = "x\n\nid: 999\nevent: admin\r\rretry: 1\r\n\r\n:comment\n";
  auto f = frame("state", hostile, 7);
  ASSERT_TRUE(f.ends_with("\n\n"));
  auto body = f.substr(0, f.size() - 1);  // drop the final blank line's newline
  std::size_t start = 0;
  int line_no = 0;
  while (start < body.size()) {
    auto end = body.find('\n', start);
    auto line = body.substr(start, end - start);
    if (line_no == 0)
      EXPECT_EQ(line, "id: 7");
    else if (line_no == 1)
      EXPECT_EQ(line, "event: state");
    else
      EXPECT_TRUE(line.starts_with("data: ")) << line;
    start = end + 1;
    ++line_no;
  }
  EXPECT_EQ(f.find('\r'), std::string::npos);
}

TEST(SseFrame, EventNamesAreCheckedConstants) {
  EXPECT_NO_THROW(frame("state", ""));
  EXPECT_NO_THROW(frame("word_cloud-x", ""));
  EXPECT_NO_THROW(frame(std::string(32, 'a'), ""));
  for (std::string bad : {std::string{}, std::string(33, 'a'), std::string("State"),
                          std::string("a b"), std::string("a\nevent: x"), std::string("a:b"),
                          std::string("æ"), std::string("a\0b", 3), std::string("2x")}) {
    EXPECT_THROW(frame(bad, "x"), std::invalid_argument) << bad;
  }
}

TEST(SseComment, OneLineAndIgnoredByClients) {
  EXPECT_EQ(comment(), ": keep-alive\n\n");
  EXPECT_EQ(comment("hei"), ": hei\n\n");
  EXPECT_EQ(comment("a\nevent: x\r\ndata: y"), ": a event: x  data: y\n\n");
  EXPECT_EQ(retry(std::chrono::milliseconds(3000)), "retry: 3000\n\n");
  EXPECT_EQ(retry(std::chrono::milliseconds(-5)), "retry: 0\n\n");
}

TEST(SseLastEventId, AcceptsDigitsOnly) {
  EXPECT_EQ(parse_last_event_id("1"), 1);
  EXPECT_EQ(parse_last_event_id("0"), 0);
  EXPECT_EQ(parse_last_event_id("12345"), 12345);
  EXPECT_EQ(parse_last_event_id("999999999999999999"), 999999999999999999LL) << "18 digits";
  EXPECT_EQ(parse_last_event_id("007"), 7);
}

TEST(SseLastEventId, HostileInput) {
  for (std::string bad :
       {std::string{}, std::string("-1"), std::string("+1"), std::string(" 1"), std::string("1 "),
        std::string("1\n"), std::string("1e3"), std::string("0x10"), std::string("1.0"),
        std::string("9999999999999999999"), std::string("9223372036854775808"),
        std::string(19, '1'), std::string(100000, '9'), std::string("１"),  // full-width one
        std::string("1\0", 2), std::string("\xff\xfe"), std::string("abc"), std::string("NaN")}) {
    EXPECT_FALSE(parse_last_event_id(bad).has_value()) << bad.substr(0, 40);
  }
}

// An in-memory sink: records what it was sent; can be closed or made to refuse.
class MemorySink : public EventSink {
 public:
  bool send(std::string bytes) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    got_ += bytes;
    ++sends_;
    return true;
  }
  bool closed() const noexcept override { return closed_.load(); }
  void close() override {
    closed_ = true;
    ++closes_;
  }
  std::string got() const {
    std::lock_guard lock(mu_);
    return got_;
  }
  int sends() const {
    std::lock_guard lock(mu_);
    return sends_;
  }
  int closes() const { return closes_.load(); }

 private:
  mutable std::mutex mu_;
  std::string got_;
  int sends_ = 0;
  std::atomic<bool> closed_{false};
  std::atomic<int> closes_{0};
};

TEST(SseChannels, PublishReachesEveryOpenSinkOfTheTopicInOrder) {
  Channels ch(std::chrono::seconds(60));
  auto a = std::make_shared<MemorySink>();
  auto b = std::make_shared<MemorySink>();
  auto other = std::make_shared<MemorySink>();
  ch.subscribe("t", a);
  ch.subscribe("t", b);
  ch.subscribe("u", other);
  EXPECT_EQ(ch.subscribers("t"), 2u);
  EXPECT_EQ(ch.subscribers("u"), 1u);
  EXPECT_EQ(ch.subscribers("none"), 0u);
  EXPECT_EQ(ch.total(), 3u);
  EXPECT_EQ(ch.publish("t", "1"), 2u);
  EXPECT_EQ(ch.publish("t", "2"), 2u);
  EXPECT_EQ(ch.publish("nobody", "x"), 0u);
  EXPECT_EQ(a->got(), "12");
  EXPECT_EQ(b->got(), "12");
  EXPECT_EQ(other->got(), "");
}

TEST(SseChannels, ClosedSinksAreDroppedAtTheNextPublish) {
  Channels ch(std::chrono::seconds(60));
  auto a = std::make_shared<MemorySink>();
  auto b = std::make_shared<MemorySink>();
  ch.subscribe("t", a);
  ch.subscribe("t", b);
  a->close();
  EXPECT_EQ(ch.subscribers("t"), 1u) << "a closed sink no longer counts";
  EXPECT_EQ(ch.publish("t", "x"), 1u);
  EXPECT_EQ(b->got(), "x");
  EXPECT_EQ(a.use_count(), 1) << "the channel let go of it";
  auto c = std::make_shared<MemorySink>();
  c->close();
  ch.subscribe("t", c);
  EXPECT_EQ(c.use_count(), 1) << "a closed sink is never kept";
}

TEST(SseChannels, KeepAliveCommentsGoToEverySinkAndPruneClosedOnes) {
  Channels ch(std::chrono::milliseconds(20));
  auto a = std::make_shared<MemorySink>();
  auto b = std::make_shared<MemorySink>();
  ch.subscribe("t", a);
  ch.subscribe("u", b);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((a->sends() < 3 || b->sends() < 3) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_GE(a->sends(), 3);
  EXPECT_EQ(a->got().substr(0, 15), ": keep-alive\n\n:");
  b->close();
  while (b.use_count() > 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(b.use_count(), 1) << "pruned by the keep-alive thread";
  EXPECT_EQ(ch.total(), 1u);
}

TEST(SseChannels, SendAndSubscribeLosesNothingPublishedMeanwhile) {
  Channels ch(std::chrono::seconds(60));
  std::atomic<bool> stop{false};
  std::thread publisher([&] {
    for (int i = 0; !stop; ++i)
      ch.publish("t", std::to_string(i % 10));
  });
  auto s = std::make_shared<MemorySink>();
  EXPECT_TRUE(ch.send_and_subscribe("t", s, "S"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  publisher.join();
  auto got = s->got();
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0], 'S') << "the snapshot comes first";
  for (std::size_t i = 2; i < got.size(); ++i)
    EXPECT_EQ(got[i] - '0', (got[i - 1] - '0' + 1) % 10) << "no publish skipped at " << i;
  auto closed = std::make_shared<MemorySink>();
  closed->close();
  EXPECT_FALSE(ch.send_and_subscribe("t", closed, "S"));
}

TEST(SseChannels, DestructorClosesEverySink) {
  auto a = std::make_shared<MemorySink>();
  {
    Channels ch(std::chrono::seconds(60));
    ch.subscribe("t", a);
  }
  EXPECT_TRUE(a->closed());
  EXPECT_EQ(a->closes(), 1);
}

TEST(SseChannels, ConcurrentSubscribePublishAndClose) {
  Channels ch(std::chrono::milliseconds(1));
  std::vector<std::shared_ptr<MemorySink>> sinks;
  for (int i = 0; i < 200; ++i)
    sinks.push_back(std::make_shared<MemorySink>());
  std::thread sub([&] {
    for (int i = 0; i < 200; ++i)
      ch.subscribe("t" + std::to_string(i % 3), sinks[i]);
  });
  std::thread pub([&] {
    for (int i = 0; i < 2000; ++i)
      ch.publish("t" + std::to_string(i % 3), "x");
  });
  std::thread closer([&] {
    for (int i = 0; i < 200; i += 2)
      sinks[i]->close();
  });
  sub.join();
  pub.join();
  closer.join();
  EXPECT_EQ(ch.subscribers("t0") + ch.subscribers("t1") + ch.subscribers("t2"), 100u);
  EXPECT_EQ(ch.total(), 100u);
}

}  // namespace
}  // namespace samskap::web::sse
