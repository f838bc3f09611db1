#pragma once
// The live side of workshops (issue 8): every open event stream of this app
// node, and the fan-out that turns the store's workshop events into
// server-sent events.
//
// The store's event log is the source of truth. A change (a vote, the next
// activity, a hidden answer) commits an event with the workshop's next
// sequence number; then the node that made it calls poke(), and on
// PostgreSQL every other node hears of it through LISTEN/NOTIFY
// (store::Listener) and pokes itself. The fan-out thread reads the events
// after the last it sent for that workshop and publishes, in sequence order:
// - to phones (topic "p:<workshop>"): event "state", the run state as JSON
//   {"seq","activity","index","count","open","ended"};
// - to screens (topic "s:<workshop>:<lang>"): event "state" (the same JSON)
//   and event "results": {"seq","activity","answers","revealed","html"},
//   where html is the presenter's live region rendered in that language
//   (the results only when revealed; the count always).
// Every frame carries id = the sequence number of the last event it
// reflects. Frames are whole snapshots, so a stream that reconnects with
// Last-Event-ID n gets the current snapshot when anything happened after n
// and nothing otherwise: it misses nothing.
//
// Thread-safe. The fan-out and the listener run on their own threads and
// block on the database; attach() blocks on it too (call from a worker).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/language.hpp"
#include "store/database.hpp"
#include "web/http.hpp"
#include "web/renderer.hpp"

namespace samskap::web {

struct LiveOptions {
  std::chrono::milliseconds keepalive{15000};  // a comment on every idle stream this often
  int min_group_size = 5;                      // for the stage check-in's distribution
  bool listen = true;                          // on PostgreSQL: LISTEN for other nodes' events
  std::string public_url;                      // the app's address, for the join link on the screen
};

class WorkshopLive {
 public:
  // Borrows everything; all must outlive it. Starts nothing.
  WorkshopLive(store::Database& db, const Clock& clock, const Renderer& renderer,
               LiveOptions options);
  ~WorkshopLive();  // stop()
  WorkshopLive(const WorkshopLive&) = delete;
  WorkshopLive& operator=(const WorkshopLive&) = delete;

  // Starts the fan-out thread and, on PostgreSQL with options.listen, the
  // listener (unavailable when it cannot connect). Idempotent.
  Status start();
  // Closes every stream and joins the threads. Idempotent.
  void stop();

  // Something was committed for this workshop: publish what is new.
  // Cheap and non-blocking; repeated pokes coalesce.
  void poke(const std::string& workshop_id);

  enum class Audience { phone, screen };
  // Sends the current snapshot to `sink` unless `last_seen` is already the
  // latest event, then keeps it subscribed. Errors from the store (an
  // unknown workshop) are returned and the sink is left alone.
  Status attach(const std::string& workshop_id, Audience audience, Language lang,
                std::shared_ptr<EventSink> sink, std::optional<std::int64_t> last_seen);

  // The presenter's live region for a workshop as it is now (for the first
  // page load; the stream keeps it current).
  Result<std::string> screen_html(const std::string& workshop_id, Language lang);

  // Open streams on this node.
  std::size_t streams() const;

  // Per-phone rate limit for answers: true when this device may answer now
  // (at most `burst` answers, refilled at one per `per`). In memory, per node.
  bool allow_answer(const std::string& device_token);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace samskap::web
