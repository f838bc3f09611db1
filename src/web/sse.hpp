#pragma once
// Server-sent events (text/event-stream): formatting frames, reading the
// Last-Event-ID header, and Channels — the open streams by topic, with a
// keep-alive thread.
//
// A stream is a Response with on_stream (web/http.hpp); the server keeps the
// connection and hands the handler an EventSink. RESTinio closes a response
// that writes nothing for ServerOptions::request_timeout, so every stream
// needs a keep-alive comment more often than that (Channels sends them).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "web/http.hpp"

namespace samskap::web::sse {

// One event: "id: <id>\n" (when given), "event: <event>\n", one "data: " line
// per line of `data` (split on \n; \r removed, so a frame cannot be cut or
// forged by the data), then a blank line. Event names are our own constants:
// [a-z_-]{1,32}, anything else throws std::invalid_argument.
std::string frame(std::string_view event, std::string_view data,
                  std::optional<std::int64_t> id = std::nullopt);

// A comment (": text\n\n"), ignored by EventSource; keeps idle streams open.
// Line breaks in `text` are replaced by spaces.
std::string comment(std::string_view text = "keep-alive");

// "retry: <ms>\n\n": how long the browser waits before it reconnects.
std::string retry(std::chrono::milliseconds ms);

// The Last-Event-ID header as an event sequence number: 1 to 18 ASCII digits
// and nothing else (no sign, no spaces, no other characters); nullopt for
// anything else, so a hostile header cannot overflow or smuggle text.
std::optional<std::int64_t> parse_last_event_id(std::string_view header) noexcept;

// Open streams grouped by topic (a workshop's phones, its screens in one
// language …). Thread-safe. publish() copies the topic's list under the lock
// and sends outside it, so thousands of slow sends never block subscribers
// of other topics. A sink that is closed (its client went, it was too far
// behind, the server stopped) is dropped at the next publish or keep-alive.
class Channels {
 public:
  // Starts the keep-alive thread: a comment to every stream each `keepalive`,
  // pruning the closed ones.
  explicit Channels(std::chrono::milliseconds keepalive = std::chrono::seconds(15));
  // Stops the thread and closes every sink.
  ~Channels();
  Channels(const Channels&) = delete;
  Channels& operator=(const Channels&) = delete;

  // Keeps `sink` under `topic` until it is closed. A closed sink is ignored.
  void subscribe(const std::string& topic, std::shared_ptr<EventSink> sink);

  // Sends `bytes` (frames) to every open sink of `topic`, in subscription
  // order. Returns how many took them.
  std::size_t publish(const std::string& topic, const std::string& bytes);

  // Sends `bytes` to one sink and keeps it under `topic`, atomically with
  // respect to publish() on that topic: nothing published is lost or
  // reordered between a snapshot and the subscription.
  bool send_and_subscribe(const std::string& topic, std::shared_ptr<EventSink> sink,
                          std::string bytes);

  // Open sinks of a topic, and of all topics.
  std::size_t subscribers(const std::string& topic) const;
  std::size_t total() const;

  // Closes and forgets every sink (the destructor does this too).
  void close_all();

 private:
  using Sinks = std::vector<std::shared_ptr<EventSink>>;
  struct Topic {
    Sinks sinks;
    std::mutex send_mu;  // serialises publishes to one topic so frames keep their order
  };
  void keepalive_loop();
  std::shared_ptr<Topic> topic_of(const std::string& topic);
  void prune(const std::string& topic);

  const std::chrono::milliseconds keepalive_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, std::shared_ptr<Topic>> topics_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace samskap::web::sse
