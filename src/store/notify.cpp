#include "store/notify.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "store/database_url.hpp"

namespace samskap::store {

namespace {

using Clock = std::chrono::steady_clock;

// How long one poll() waits: the longest stop() waits for the thread.
constexpr int kPollMillis = 100;
constexpr std::chrono::seconds kConnectTimeout{10};
constexpr std::chrono::seconds kFirstRetry{1};
constexpr std::chrono::seconds kMaxRetry{10};

// PostgreSQL identifiers we accept as a channel: lower-case letters, digits
// and underscores, not starting with a digit, at most 63 bytes (NAMEDATALEN).
bool valid_channel(std::string_view c) noexcept {
  if (c.empty() || c.size() > 63 || (c.front() >= '0' && c.front() <= '9')) return false;
  return std::all_of(c.begin(), c.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

// libpq's message, on one line.
std::string pq_message(const PGconn* conn) {
  std::string s = conn ? PQerrorMessage(conn) : "out of memory";
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
    s.pop_back();
  return s;
}

struct ConnDeleter {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;

}  // namespace

struct Listener::Impl {
  std::string url, channel;
  std::function<void(const std::string&)> on_notify;
  std::function<void()> on_reconnect;

  std::string conninfo;
  Conn conn;  // owned by the thread once it runs
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::mutex mu;  // for the backoff wait
  std::condition_variable wake;

  // Connects without blocking for longer than a poll step at a time, so that
  // stop() is prompt even while the server does not answer. nullopt (and
  // `why`) on failure or when stopping.
  Conn connect(std::string& why) {
    Conn c(PQconnectStart(conninfo.c_str()));
    if (!c || PQstatus(c.get()) == CONNECTION_BAD) {
      why = pq_message(c.get());
      return nullptr;
    }
    // libpq prints the server's notices to stderr by default.
    PQsetNoticeProcessor(
        c.get(), [](void*, const char* msg) { spdlog::debug("listener: {}", msg); }, nullptr);
    const auto deadline = Clock::now() + kConnectTimeout;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK) {
      if (st == PGRES_POLLING_FAILED) {
        why = pq_message(c.get());
        return nullptr;
      }
      if (stopping) {
        why = "stopped";
        return nullptr;
      }
      if (Clock::now() > deadline) {
        why = "timed out connecting";
        return nullptr;
      }
      pollfd p{PQsocket(c.get()),
               static_cast<short>(st == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
      if (p.fd < 0) {
        why = pq_message(c.get());
        return nullptr;
      }
      const int r = ::poll(&p, 1, kPollMillis);
      if (r < 0 && errno != EINTR) {
        why = "poll failed";
        return nullptr;
      }
      if (r > 0) st = PQconnectPoll(c.get());
    }
    char* quoted = PQescapeIdentifier(c.get(), channel.c_str(), channel.size());
    if (!quoted) {
      why = pq_message(c.get());
      return nullptr;
    }
    const std::string sql = std::string("LISTEN ") + quoted;
    PQfreemem(quoted);
    PGresult* res = PQexec(c.get(), sql.c_str());
    const bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) {
      why = pq_message(c.get());
      return nullptr;
    }
    return c;
  }

  // Delivers what has arrived. False when the connection is lost.
  bool drain() {
    if (!PQconsumeInput(conn.get())) return false;
    while (PGnotify* n = PQnotifies(conn.get())) {
      const std::string payload = n->extra ? n->extra : "";
      const bool ours = n->relname && channel == n->relname;
      PQfreemem(n);
      if (!ours || stopping) continue;
      try {
        on_notify(payload);
      } catch (const std::exception& e) {
        spdlog::error("listener {}: on_notify failed: {}", channel, e.what());
      }
    }
    return PQstatus(conn.get()) == CONNECTION_OK;
  }

  // Waits `d` unless stop() comes first. False when stopping.
  bool sleep_for(std::chrono::seconds d) {
    std::unique_lock lock(mu);
    return !wake.wait_for(lock, d, [&] { return stopping.load(); });
  }

  void run() {
    auto retry = kFirstRetry;
    while (!stopping) {
      if (!conn) {
        if (!sleep_for(retry)) break;
        std::string why;
        conn = connect(why);
        if (!conn) {
          if (!stopping)
            spdlog::warn("listener {}: cannot reconnect ({}), next try in {} s", channel, why,
                         std::min(retry * 2, kMaxRetry).count());
          retry = std::min(retry * 2, kMaxRetry);
          continue;
        }
        retry = kFirstRetry;
        spdlog::info("listener {}: reconnected", channel);
        if (on_reconnect) {
          try {
            on_reconnect();
          } catch (const std::exception& e) {
            spdlog::error("listener {}: on_reconnect failed: {}", channel, e.what());
          }
        }
        // Anything that arrived with the LISTEN's answer.
        if (!drain()) {
          conn.reset();
          continue;
        }
      }
      pollfd p{PQsocket(conn.get()), POLLIN, 0};
      int r = p.fd < 0 ? -1 : ::poll(&p, 1, kPollMillis);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 || (r > 0 && !drain())) {
        spdlog::warn("listener {}: connection lost ({})", channel, pq_message(conn.get()));
        conn.reset();
      }
    }
    conn.reset();
  }
};

Listener::Listener(std::string url, std::string channel,
                   std::function<void(const std::string&)> on_notify,
                   std::function<void()> on_reconnect)
    : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->channel = std::move(channel);
  impl_->on_notify = std::move(on_notify);
  impl_->on_reconnect = std::move(on_reconnect);
}

Listener::~Listener() {
  stop();
}

Status Listener::start() {
  Impl& m = *impl_;
  if (m.thread.joinable()) return ok_status();
  auto parsed = parse_database_url(m.url);
  if (!parsed) return std::move(parsed).error();
  if (parsed->engine != Engine::postgresql)
    return Error::invalid("error.database_url", "LISTEN needs a postgresql:// database URL");
  if (!valid_channel(m.channel))
    return Error::invalid("error.bad_request",
                          "a channel is 1-63 lower-case letters, digits or underscores");
  if (!m.on_notify) return Error::invalid("error.bad_request", "no on_notify callback");
  auto conninfo = postgres_keyword_conninfo(parsed->postgres_dsn);
  if (!conninfo) return std::move(conninfo).error();
  m.conninfo = *conninfo;
  // A lost peer shows within a minute, not after the system's two hours.
  if (m.conninfo.find("keepalives_idle=") == std::string::npos)
    m.conninfo += " keepalives_idle='20' keepalives_interval='5' keepalives_count='4'";

  m.stopping = false;
  std::string why;
  m.conn = m.connect(why);
  if (!m.conn)
    return Error{ErrorCode::unavailable, "error.database_unavailable",
                 "cannot LISTEN on " + redact_database_url(m.url) + ": " + why};
  m.thread = std::thread([&m] { m.run(); });
  return ok_status();
}

void Listener::stop() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    m.stopping = true;
  }
  m.wake.notify_all();
  if (m.thread.joinable()) {
    if (m.thread.get_id() == std::this_thread::get_id()) {
      // stop() from a callback: the loop ends by itself after it returns and
      // closes the connection (the Listener must outlive that return).
      m.thread.detach();
      return;
    }
    m.thread.join();
  }
  m.conn.reset();
}

}  // namespace samskap::store
