// bench workshop (issue 8): many phones on one live workshop, against the
// real App started by the tool itself.
//
// Forks before any thread starts into the server's process and the load
// generator's (so the server's RSS is its own and each has its own limit of
// open files); they talk over two pipes. The server's process starts the
// real App and Server (as `samskap serve` does: 2 I/O threads, 8 workers, a
// pool of 8 connections) on a fresh SQLite file, on 127.0.0.1 with a port
// the kernel picks. Through the repositories it creates an organisation, a
// facilitator, an initiative and two workshops with two scale activities
// each, the first opened for answers, and a session for the facilitator.
// The load generator then uses asio sockets on one thread:
//
// 1. baseline (unless --baseline no): the presenter screen's event stream
//    (/initiativ/:id/verksted/:ws/hendelser, with the session cookie) and no
//    phone streams; every participant GETs /w/:code once (the CSRF cookie and
//    token, the device cookie, the activity id) and POSTs one answer at a
//    random moment within the window;
// 2. live: N phone streams (GET /w/:code/hendelser, each must get its
//    "state" snapshot) and the screen's stream on the other workshop, then
//    the same answers;
// 3. next activity: the facilitator moves on (go_to, then the fan-out's
//    poke, as the control page does); every phone must get the new state.
//
// Answer→screen latency: from writing the POST to the first "results" event
// on the screen whose answer count includes it. The tool cannot see which
// answers an event counts, only how many, so each answer's latency is
// measured against a count that must include it: every answer
// whose POST was written before this one's 303 came back (conservative: it
// can only make the latency longer). The optimistic bound (answers answered
// before this one was sent, plus one) is reported beside it.
//
// Bounded: at most 12,000 participants, a window of 1–600 s, a hard timeout
// that ends the process; loopback only. Prints `bench workshop: …` lines.
//
// Usage: bench_workshop DIR [--participants N] [--window S] [--baseline yes|no]
//                           [--hard-timeout S] [--seed N]

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <sstream>

#include <asio.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "content/catalog.hpp"
#include "core/clock.hpp"
#include "core/workshop.hpp"
#include "store/accounts.hpp"
#include "store/database.hpp"
#include "store/initiatives.hpp"
#include "store/migrations.hpp"
#include "store/secrets.hpp"
#include "store/workshops.hpp"
#include "web/app.hpp"
#include "web/assets.hpp"
#include "web/http.hpp"
#include "web/metrics.hpp"
#include "web/server.hpp"
#include "web/workshop_live.hpp"

using namespace samskap;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr int kMaxParticipants = 12000;
constexpr const char* kHost = "127.0.0.1";  // loopback only, never configurable

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench workshop: error: %s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message_key + " " + r.error().detail);
  return std::move(r).value();
}

double ms(steady::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// VmRSS and VmHWM of this process (server and client together), in MiB.
std::pair<double, double> rss_mib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  double rss = 0, hwm = 0;
  while (std::getline(f, line)) {
    if (line.starts_with("VmRSS:")) rss = std::atof(line.c_str() + 6) / 1024.0;
    if (line.starts_with("VmHWM:")) hwm = std::atof(line.c_str() + 6) / 1024.0;
  }
  return {rss, hwm};
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// ------------------------------------------------------------------ HTTP client side

// Decodes one HTTP response: status line, headers, then a body that is
// chunked (event streams), Content-Length, or up to the close.
struct ResponseDecoder {
  int status = 0;
  bool headers_done = false;
  bool chunked = false;
  bool ended = false;  // the last chunk came
  std::multimap<std::string, std::string> headers;
  std::string in;    // undecoded bytes
  std::string body;  // decoded body (or, for streams, what is not yet split into events)
  bool bad = false;

  void feed(const char* p, std::size_t n) {
    in.append(p, n);
    if (!headers_done) {
      auto end = in.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (in.size() > 64 * 1024) bad = true;
        return;
      }
      std::string head = in.substr(0, end);
      in.erase(0, end + 4);
      if (head.size() < 12 || !head.starts_with("HTTP/1.1 ")) {
        bad = true;
        return;
      }
      status = std::atoi(head.c_str() + 9);
      std::size_t pos = head.find("\r\n");
      while (pos != std::string::npos) {
        auto next = head.find("\r\n", pos + 2);
        auto line =
            head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::string value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ')
            value.erase(0, 1);
          headers.emplace(name, value);
        }
        pos = next;
      }
      auto te = headers.find("transfer-encoding");
      chunked = te != headers.end() && te->second == "chunked";
      headers_done = true;
    }
    if (!chunked) {
      body += in;
      in.clear();
      return;
    }
    for (;;) {
      auto eol = in.find("\r\n");
      if (eol == std::string::npos) return;
      char* endp = nullptr;
      const unsigned long size = std::strtoul(in.c_str(), &endp, 16);
      if (endp == in.c_str()) {
        bad = true;
        return;
      }
      if (in.size() < eol + 2 + size + 2) return;
      if (size == 0) {
        ended = true;
        in.clear();
        return;
      }
      body.append(in, eol + 2, size);
      in.erase(0, eol + 2 + size + 2);
    }
  }

  // Takes the complete event blocks out of the body.
  template <typename F>
  void events(F&& on_event) {
    for (;;) {
      auto end = body.find("\n\n");
      if (end == std::string::npos) return;
      std::string block = body.substr(0, end);
      body.erase(0, end + 2);
      std::string event, data;
      std::size_t pos = 0;
      while (pos <= block.size()) {
        auto nl = block.find('\n', pos);
        if (nl == std::string::npos) nl = block.size();
        std::string_view line(block.data() + pos, nl - pos);
        pos = nl + 1;
        if (line.starts_with("event: ")) event = line.substr(7);
        if (line.starts_with("data: ")) {
          if (!data.empty()) data += '\n';
          data += line.substr(6);
        }
      }
      if (!event.empty()) on_event(event, data);
    }
  }
};

// One connection: connect, write the request, read until the server closes
// it (or close() is called). Everything runs on the client's io_context.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  using OnData = std::function<void(Conn&)>;
  using OnDone = std::function<void(Conn&, const asio::error_code&)>;

  // `buffer`: bytes read at once (phones get little and are many: keep it small).
  Conn(asio::io_context& io, asio::ip::tcp::endpoint ep, std::size_t buffer = 16384)
      : socket_(io), ep_(ep), buf_(buffer) {}

  // `on_data` after every read; `on_done` once, when the connection ends.
  void start(std::string request, OnData on_data, OnDone on_done,
             std::function<void()> on_written = {}) {
    request_ = std::move(request);
    on_data_ = std::move(on_data);
    on_done_ = std::move(on_done);
    on_written_ = std::move(on_written);
    socket_.async_connect(ep_, [self = shared_from_this()](const asio::error_code& ec) {
      if (ec) return self->finish(ec);
      asio::error_code ignore;
      self->socket_.set_option(asio::ip::tcp::no_delay(true), ignore);
      if (self->on_written_) self->write_started = steady::now();
      asio::async_write(self->socket_, asio::buffer(self->request_),
                        [self](const asio::error_code& ec2, std::size_t) {
                          if (ec2) return self->finish(ec2);
                          if (self->on_written_) self->on_written_();
                          self->read();
                        });
    });
  }

  void close() {
    asio::error_code ignore;
    socket_.close(ignore);
  }

  ResponseDecoder rd;
  steady::time_point write_started{};
  bool done = false;

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buf_),
                            [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
                              if (ec) return self->finish(ec);
                              self->rd.feed(self->buf_.data(), n);
                              if (self->on_data_) self->on_data_(*self);
                              if (self->done) return;
                              self->read();
                            });
  }
  void finish(const asio::error_code& ec) {
    if (done) return;
    done = true;
    close();
    if (on_done_) on_done_(*this, ec);
    on_data_ = nullptr;
    on_done_ = nullptr;
  }

  asio::ip::tcp::socket socket_;
  asio::ip::tcp::endpoint ep_;
  std::string request_;
  std::vector<char> buf_;
  OnData on_data_;
  OnDone on_done_;
  std::function<void()> on_written_;
};

std::string get_request(const std::string& path, const std::string& cookie = {},
                        bool close = true) {
  std::string r = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench-workshop\r\n";
  if (!cookie.empty()) r += "Cookie: " + cookie + "\r\n";
  if (close) r += "Connection: close\r\n";
  return r + "\r\n";
}

// What a value attribute after `name="<name>" value="` holds, or empty.
std::string hidden_field(const std::string& page, const std::string& name) {
  const std::string key = "name=\"" + name + "\" value=\"";
  auto p = page.find(key);
  if (p == std::string::npos) return {};
  p += key.size();
  auto e = page.find('"', p);
  return e == std::string::npos ? std::string{} : page.substr(p, e - p);
}

// ------------------------------------------------------------------ the run

struct Participant {
  std::string cookie;  // CSRF and device cookies, as a Cookie header value
  std::string csrf;
  std::string activity;
  int value = 0;
  steady::time_point sent{}, answered{};
  int status = 0;
};

struct ScreenPoint {
  steady::time_point at;
  int answers;
};

struct Phase {
  std::string name;
  int participants = 0;  // phone streams
  int answers = 0;
  double open_s = 0;  // time to open every phone stream
  int held = 0;       // phone streams still open at the end
  std::size_t gauge = 0;
  double rss = 0, hwm = 0, rss_before = 0;
  std::vector<double> post_ms, screen_ms, screen_lo_ms;
  int errors = 0;
  std::vector<std::string> error_samples;
  double span_s = 0;
  int answered_ok = 0;
  int screen_final = 0;
};

class Bench {
 public:
  Bench(std::uint16_t port, int window_s, unsigned seed)
      : ep_(asio::ip::make_address(kHost), port),
        window_(std::chrono::seconds(window_s)),
        rng_(seed) {
    guard_.emplace(asio::make_work_guard(io_));
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Bench() {
    guard_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Runs `f` on the client thread and waits for it.
  template <typename F>
  void on_client(F&& f) {
    std::promise<void> p;
    asio::post(io_, [&] {
      f();
      p.set_value();
    });
    p.get_future().wait();
  }

  void error(Phase& ph, std::string what) {
    ++ph.errors;
    if (ph.error_samples.size() < 5) ph.error_samples.push_back(std::move(what));
  }

  // Opens `n` phone streams to /w/:code/hendelser, at most 200 connecting at
  // once; returns when every one got its first "state" event or failed.
  // (Everything the callbacks use lives as long as the connections: the
  // Phase outlives the Bench's connections, and a step that does not finish
  // in time ends the process.)
  void open_phones(Phase& ph, const std::string& code, int n, steady::time_point deadline) {
    struct Ramp {
      int launched = 0, in_flight = 0;
      std::atomic<int> settled{0};
      std::function<void()> launch;
    };
    auto ramp = std::make_shared<Ramp>();
    const std::string request = get_request("/w/" + code + "/hendelser", {}, false);
    std::weak_ptr<Ramp> weak = ramp;
    ramp->launch = [this, &ph, n, request, weak] {
      auto r = weak.lock();
      if (!r) return;
      while (r->launched < n && r->in_flight < 200) {
        ++r->launched;
        ++r->in_flight;
        auto c = std::make_shared<Conn>(io_, ep_, 1024);
        auto got_state = std::make_shared<bool>(false);
        phones_.push_back(c);
        auto settle = [weak, got_state] {
          *got_state = true;
          if (auto r2 = weak.lock()) {
            ++r2->settled;
            --r2->in_flight;
            r2->launch();
          }
        };
        c->start(
            request,
            [this, &ph, got_state, settle](Conn& conn) {
              if (conn.rd.bad || (conn.rd.headers_done && conn.rd.status != 200)) {
                if (!*got_state)
                  error(ph, "phone stream answered " + std::to_string(conn.rd.status));
                conn.close();
                return;
              }
              conn.rd.events([&](const std::string& event, const std::string&) {
                if (event != "state") return;
                if (!*got_state) {
                  settle();
                } else if (fanout_armed_) {
                  fanout_ms_.push_back(ms(steady::now() - fanout_t0_));
                }
              });
            },
            [this, &ph, got_state, settle](Conn&, const asio::error_code& ec) {
              if (!*got_state) {
                error(ph, "phone stream ended before its snapshot: " + ec.message());
                settle();
              } else if (!stopping_) {
                ++phones_lost_;
              }
            });
      }
    };
    on_client([&] { ramp->launch(); });
    while (ramp->settled.load() < n && steady::now() < deadline)
      std::this_thread::sleep_for(10ms);
    if (ramp->settled.load() < n)
      die("only " + std::to_string(ramp->settled.load()) + " of " + std::to_string(n) +
          " phone streams opened in time");
    on_client([&] { ramp->launch = nullptr; });
  }

  // The screen's stream: every "results" event's answer count, with its time.
  void open_screen(Phase& ph, const std::string& path, const std::string& session) {
    auto first = std::make_shared<std::promise<void>>();
    auto fut = first->get_future();
    auto once = std::make_shared<bool>(false);
    on_client([&] {
      screen_points_.clear();
      screen_closing_ = std::make_shared<bool>(false);
      auto closing = screen_closing_;
      screen_ = std::make_shared<Conn>(io_, ep_);
      screen_->start(
          get_request(path, "samskap_session=" + session, false),
          [this, &ph, once, first, closing](Conn& conn) {
            if (*closing) return;
            if (conn.rd.headers_done && conn.rd.status != 200) {
              error(ph, "screen stream answered " + std::to_string(conn.rd.status));
              conn.close();
              return;
            }
            const auto now = steady::now();
            conn.rd.events([&](const std::string& event, const std::string& data) {
              if (event != "results") return;
              auto j = nlohmann::json::parse(data, nullptr, false);
              if (j.is_discarded() || !j.contains("answers")) {
                error(ph, "a results event without an answer count");
                return;
              }
              screen_points_.push_back({now, j["answers"].get<int>()});
              if (!*once) {
                *once = true;
                first->set_value();
              }
            });
          },
          [this, &ph, once, first, closing](Conn&, const asio::error_code& ec) {
            if (*closing) return;
            if (!*once) {
              *once = true;
              error(ph, "screen stream ended: " + ec.message());
              first->set_value();
            } else {
              error(ph, "screen stream ended early: " + ec.message());
            }
          });
    });
    if (fut.wait_for(30s) != std::future_status::ready) die("the screen stream gave no results");
  }

  void close_screen() {
    on_client([&] {
      if (screen_closing_) *screen_closing_ = true;
      if (screen_) screen_->close();
      screen_.reset();
    });
  }

  // Every participant GETs the answer page once (at most 32 at a time).
  std::vector<Participant> prepare(Phase& ph, const std::string& code, int n) {
    std::vector<Participant> ps(static_cast<std::size_t>(n));
    std::uniform_int_distribution<int> v(0, 10);
    for (auto& p : ps)
      p.value = v(rng_);
    std::atomic<int> settled{0};
    auto state = std::make_shared<std::pair<int, int>>(0, 0);
    std::function<void()> launch;
    launch = [&, state] {
      while (state->first < n && state->second < 32) {
        auto& p = ps[static_cast<std::size_t>(state->first++)];
        ++state->second;
        auto c = std::make_shared<Conn>(io_, ep_);
        c->start(get_request("/w/" + code), nullptr,
                 [&, state, pp = &p](Conn& conn, const asio::error_code&) {
                   if (conn.rd.status != 200) {
                     error(ph, "GET /w/:code answered " + std::to_string(conn.rd.status));
                   } else {
                     pp->csrf = hidden_field(conn.rd.body, "csrf");
                     pp->activity = hidden_field(conn.rd.body, "aktivitet");
                     auto range = conn.rd.headers.equal_range("set-cookie");
                     for (auto it = range.first; it != range.second; ++it) {
                       auto pair = it->second.substr(0, it->second.find(';'));
                       pp->cookie += (pp->cookie.empty() ? "" : "; ") + pair;
                     }
                     if (pp->csrf.empty() || pp->activity.empty() || pp->cookie.empty())
                       error(ph, "the answer page lacks the csrf field, activity or cookies");
                   }
                   ++settled;
                   --state->second;
                   launch();
                 });
      }
    };
    on_client([&] { launch(); });
    const auto deadline = steady::now() + 300s;
    while (settled.load() < n && steady::now() < deadline)
      std::this_thread::sleep_for(10ms);
    if (settled.load() < n) die("the answer pages did not load within 300 s");
    on_client([&] { launch = nullptr; });
    return ps;
  }

  // Each participant POSTs one answer at a random moment within the window;
  // returns when all are answered and the screen has counted them (or at the
  // deadline).
  void answer(Phase& ph, const std::string& code, std::vector<Participant>& ps) {
    std::uniform_int_distribution<long> at(
        0, std::chrono::duration_cast<std::chrono::microseconds>(window_).count());
    std::atomic<int> settled{0};
    const auto t0 = steady::now();
    std::vector<std::unique_ptr<asio::steady_timer>> timers;
    timers.reserve(ps.size());
    on_client([&] {
      for (auto& p : ps) {
        auto t =
            std::make_unique<asio::steady_timer>(io_, t0 + std::chrono::microseconds(at(rng_)));
        t->async_wait([&, pp = &p](const asio::error_code& timer_ec) {
          if (timer_ec) return;
          const std::string body = "csrf=" + web::url_encode(pp->csrf) +
                                   "&aktivitet=" + web::url_encode(pp->activity) +
                                   "&verdi=" + std::to_string(pp->value);
          const std::string req = "POST /w/" + code +
                                  "/svar HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: "
                                  "bench-workshop\r\nContent-Type: "
                                  "application/x-www-form-urlencoded\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\nCookie: " + pp->cookie +
                                  "\r\nConnection: close\r\n\r\n" + body;
          auto c = std::make_shared<Conn>(io_, ep_);
          c->start(
              req,
              [pp](Conn& conn) {
                if (conn.rd.headers_done && pp->status == 0) {
                  pp->answered = steady::now();
                  pp->status = conn.rd.status;
                  pp->sent = conn.write_started;
                }
              },
              [&, pp](Conn& conn, const asio::error_code& ec) {
                if (pp->status == 0) {
                  pp->sent = conn.write_started;
                  error(ph, "POST got no answer: " + ec.message());
                } else if (pp->status != 303) {
                  error(ph, "POST answered " + std::to_string(pp->status) + ": " +
                                conn.rd.body.substr(0, 120));
                }
                ++settled;
              },
              [] {});
        });
        timers.push_back(std::move(t));
      }
    });
    const int n = static_cast<int>(ps.size());
    const auto deadline = t0 + window_ + 120s;
    while (settled.load() < n && steady::now() < deadline)
      std::this_thread::sleep_for(10ms);
    if (settled.load() < n)
      die(std::to_string(n - settled.load()) + " answers still in flight 120 s after the window");
    int ok = 0;
    on_client([&] {
      for (const auto& p : ps)
        ok += p.status == 303;
    });
    // Wait for the screen to count every accepted answer.
    while (steady::now() < deadline) {
      int last = -1;
      on_client([&] { last = screen_points_.empty() ? -1 : screen_points_.back().answers; });
      if (last >= ok) break;
      std::this_thread::sleep_for(10ms);
    }
    on_client([&] { timers.clear(); });

    // Latencies.
    ph.answers = n;
    ph.answered_ok = ok;
    std::vector<steady::time_point> sends, answers;
    steady::time_point first = steady::time_point::max(), last = steady::time_point::min();
    on_client([&] {
      for (const auto& p : ps) {
        if (p.status != 303) continue;
        sends.push_back(p.sent);
        answers.push_back(p.answered);
        first = std::min(first, p.sent);
        last = std::max(last, p.answered);
        ph.post_ms.push_back(ms(p.answered - p.sent));
      }
      ph.screen_final = screen_points_.empty() ? 0 : screen_points_.back().answers;
    });
    std::sort(sends.begin(), sends.end());
    std::sort(answers.begin(), answers.end());
    std::vector<ScreenPoint> points;
    on_client([&] { points = screen_points_; });
    auto first_reaching = [&](int count, steady::time_point after) -> std::optional<double> {
      auto it = std::find_if(points.begin(), points.end(),
                             [&](const ScreenPoint& s) { return s.answers >= count; });
      if (it == points.end()) return std::nullopt;
      return ms(std::max(it->at, after) - after);
    };
    int missing = 0;
    for (const auto& p : ps) {
      if (p.status != 303) continue;
      // Conservative: every answer sent before this one's 303 came back.
      const int hi = static_cast<int>(std::upper_bound(sends.begin(), sends.end(), p.answered) -
                                      sends.begin());
      // Optimistic: every answer answered before this one was sent, and this one.
      const int lo = static_cast<int>(std::lower_bound(answers.begin(), answers.end(), p.sent) -
                                      answers.begin()) +
                     1;
      auto h = first_reaching(hi, p.sent);
      auto l = first_reaching(lo, p.sent);
      if (!h || !l) {
        ++missing;
        continue;
      }
      ph.screen_ms.push_back(*h);
      ph.screen_lo_ms.push_back(*l);
    }
    if (missing) error(ph, std::to_string(missing) + " answers never showed on the screen");
    ph.span_s = ok > 0 ? std::chrono::duration<double>(last - first).count() : 0;
  }

  int phones_open() {
    int n = 0;
    on_client([&] {
      for (const auto& c : phones_)
        n += !c->done;
    });
    return n;
  }

  void close_phones() {
    stopping_ = true;
    on_client([&] {
      for (auto& c : phones_)
        c->close();
      phones_.clear();
    });
  }

  int phones_lost() const { return phones_lost_.load(); }

  // The facilitator moves on (`move`, called on this thread): how long until
  // each phone has the new state. Returns the delays in ms, one per phone
  // that got it within `timeout`.
  template <typename F>
  std::vector<double> fanout(F&& move, int phones, std::chrono::seconds timeout) {
    on_client([&] {
      fanout_ms_.clear();
      fanout_t0_ = steady::now();
      fanout_armed_ = true;
    });
    move();
    const auto deadline = steady::now() + timeout;
    std::vector<double> got;
    for (;;) {
      std::size_t n = 0;
      on_client([&] { n = fanout_ms_.size(); });
      if (static_cast<int>(n) >= phones || steady::now() >= deadline) break;
      std::this_thread::sleep_for(10ms);
    }
    on_client([&] {
      fanout_armed_ = false;
      got = fanout_ms_;
    });
    return got;
  }

 private:
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::thread thread_;
  asio::ip::tcp::endpoint ep_;
  std::chrono::seconds window_;
  std::mt19937 rng_;
  std::vector<std::shared_ptr<Conn>> phones_;
  std::shared_ptr<Conn> screen_;
  std::vector<ScreenPoint> screen_points_;
  std::shared_ptr<bool> screen_closing_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> phones_lost_{0};
  bool fanout_armed_ = false;  // these three on the client thread only
  steady::time_point fanout_t0_{};
  std::vector<double> fanout_ms_;
};

void print(const Phase& ph, int window_s) {
  const double p99 = percentile(ph.screen_ms, 99);
  std::printf(
      "bench workshop: target=%s phones=%d answers=%d accepted=%d window_s=%d answers_per_s=%.1f "
      "post_p50_ms=%.1f post_p99_ms=%.1f screen_p50_ms=%.1f screen_p99_ms=%.1f "
      "screen_p99_optimistic_ms=%.1f screen_max_ms=%.1f target_p99_ms=250 met=%s",
      ph.name.c_str(), ph.participants, ph.answers, ph.answered_ok, window_s,
      ph.span_s > 0 ? ph.answered_ok / ph.span_s : 0.0, percentile(ph.post_ms, 50),
      percentile(ph.post_ms, 99), percentile(ph.screen_ms, 50), p99,
      percentile(ph.screen_lo_ms, 99), percentile(ph.screen_ms, 100),
      p99 >= 0 && p99 < 250 ? "yes" : "no");
  if (ph.participants > 0)
    std::printf(
        " open_s=%.1f held=%d streams_gauge=%zu rss_mib=%.0f hwm_mib=%.0f rss_before_mib=%.0f",
        ph.open_s, ph.held, ph.gauge, ph.rss, ph.hwm, ph.rss_before);
  std::printf(" errors=%d\n", ph.errors);
  for (const auto& e : ph.error_samples)
    std::fprintf(stderr, "bench workshop: %s: %s\n", ph.name.c_str(), e.c_str());
  std::fflush(stdout);
}

std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + "/" + b + "/" + c;
}

std::size_t gauge(const web::Metrics& m, const std::string& name) {
  const auto text = m.render();
  auto p = text.find("\n" + name + " ");
  if (p == std::string::npos) return 0;
  return static_cast<std::size_t>(std::atoll(text.c_str() + p + name.size() + 2));
}

// A line over a pipe between the two processes.
void send_line(int fd, const std::string& line) {
  std::string l = line + "\n";
  const char* p = l.data();
  std::size_t left = l.size();
  while (left > 0) {
    auto n = ::write(fd, p, left);
    if (n <= 0) die("the other process has gone");
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}
std::optional<std::string> read_line(int fd) {
  std::string line;
  char c;
  for (;;) {
    auto n = ::read(fd, &c, 1);
    if (n <= 0) return std::nullopt;
    if (c == '\n') return line;
    line += c;
  }
}

// What the load generator needs to know of the server's side.
struct Setup {
  std::uint16_t port = 0;
  std::string initiative, live_id, live_code, base_id, base_code, session;
};

void watchdog(int hard_s, pid_t other) {
  std::thread([hard_s, other] {
    std::this_thread::sleep_for(std::chrono::seconds(hard_s));
    std::fprintf(stderr, "bench workshop: error: hard timeout of %d s reached\n", hard_s);
    std::fflush(stderr);
    if (other > 0) ::kill(other, SIGKILL);
    std::_Exit(3);
  }).detach();
}

// Raises the soft limit of open files to `need` (and the hard one when allowed).
rlim_t raise_nofile(rlim_t need) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < need) {
    rlimit want{need, std::max(need, lim.rlim_max)};
    if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
      want = {std::min(need, lim.rlim_max), lim.rlim_max};
      setrlimit(RLIMIT_NOFILE, &want);
    }
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

// The server's process: the data, the App and the Server; answers the load
// generator's requests ("stats", "next", "quit") until it is done.
int run_server(const std::string& dir, int in, int out) {
  SystemClock clock;
  auto db = must(store::Database::open({"sqlite:" + dir + "/bench.db", 8}), "open");
  auto migrations = must(
      store::load_migrations(store::embedded_migrations(), store::Engine::sqlite), "migrations");
  if (auto m = store::migrate(*db, migrations, clock); !m) die("migrate");

  // The data, through the repositories.
  store::AccountRepository accounts(*db, clock);
  auto org = must(accounts.create_organisation("Benchkommune", store::OrganisationKind::kommune),
                  "organisation");
  auto user =
      must(accounts.create_user(org.id, "bench@kommune.no", "Bench Veileder", Role::prosessveileder,
                                // never logs in by password (a session is made
                                // below): no argon2id, whose 64 MiB would show in
                                // the peak RSS
                                "bench-no-password-login"),
           "user");
  store::Actor actor{org.id, user.id, Role::prosessveileder};
  store::InitiativeDraft draft;
  draft.title = "Benchinitiativ";
  auto ini = must(store::InitiativeRepository(*db, clock).create(actor, draft), "initiative");
  store::WorkshopRepository workshops(*db, clock);
  auto make_workshop = [&](const std::string& title) {
    auto w = must(workshops.create(actor, ini.id, title), "workshop");
    workshop::ActivityDef def;
    def.type = workshop::ActivityType::scale;
    def.prompt = "Hvor viktig er denne endringen for deg?";
    def.scale_min_label = "Ikke viktig";
    def.scale_max_label = "Svært viktig";
    w = must(workshops.add_activity(actor, ini.id, w.id, w.version, def), "activity");
    def.prompt = "Hvor trygg er du på at du får det til?";
    w = must(workshops.add_activity(actor, ini.id, w.id, w.version, def), "activity");
    auto st = must(workshops.go_to(actor, ini.id, w.id, 0), "open");
    if (!st.open || st.current != 0) die("the activity did not open");
    return w;
  };
  auto live_ws = make_workshop("Verksted med telefoner");
  auto base_ws = make_workshop("Verksted uten telefoner");
  auto session = must(store::SessionRepository(*db, clock).create(org.id, user.id), "session");

  // The app and server as `samskap serve` runs them (2 I/O threads, 8 workers).
  auto metrics = std::make_shared<web::Metrics>();
  web::App app(web::AppOptions{}, *db, content::Catalog::embedded(), web::AssetTable::embedded(),
               metrics, clock);
  web::ServerOptions so;
  so.host = kHost;
  so.port = 0;
  so.access_log = false;
  web::App* a = &app;
  web::Server server(
      so, app.routes(), [a](const web::Request& r, int st) { return a->error_page(r, st); },
      metrics, [a](web::Request& r, const web::Route& route) { return a->before(r, route); });
  const auto port = must(server.start(), "server");

  send_line(out, std::to_string(port) + " " + ini.id + " " + live_ws.id + " " + live_ws.join_code +
                     " " + base_ws.id + " " + base_ws.join_code + " " + session.raw_id);
  while (auto line = read_line(in)) {
    if (*line == "stats") {
      auto [rss, hwm] = rss_mib();
      send_line(out, std::to_string(rss) + " " + std::to_string(hwm) + " " +
                         std::to_string(gauge(*metrics, "samskap_sse_streams")));
    } else if (*line == "next") {
      // The facilitator moves on, as the control page does: the store, then a poke.
      must(workshops.go_to(actor, ini.id, live_ws.id, 1), "next activity");
      app.live().poke(live_ws.id);
      send_line(out, "ok");
    } else if (*line == "quit") {
      break;
    }
  }
  server.stop(5s);
  return 0;
}

// The load generator's process: every client connection, the measurements
// and the output.
int run_clients(int in, int out, int participants, int window_s, bool baseline, unsigned seed) {
  auto line = read_line(in);
  if (!line) die("the server's process ended before it was ready");
  Setup su;
  {
    std::istringstream is(*line);
    is >> su.port >> su.initiative >> su.live_id >> su.live_code >> su.base_id >> su.base_code >>
        su.session;
    if (!is || su.port == 0) die("could not read the server's setup: " + *line);
  }
  auto stats = [&] {
    send_line(out, "stats");
    auto l = read_line(in);
    if (!l) die("the server's process has gone");
    std::istringstream is(*l);
    double rss = 0, hwm = 0;
    std::size_t streams = 0;
    is >> rss >> hwm >> streams;
    return std::tuple{rss, hwm, streams};
  };
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  std::printf(
      "bench workshop: setup participants=%d window_s=%d baseline=%s nofile=%llu cpus=%u "
      "loadavg=%s\n",
      participants, window_s, baseline ? "yes" : "no",
      static_cast<unsigned long long>(lim.rlim_cur), std::thread::hardware_concurrency(),
      loadavg().c_str());
  std::fflush(stdout);

  const auto screen_path = [&](const std::string& ws) {
    return "/initiativ/" + su.initiative + "/verksted/" + ws + "/hendelser";
  };
  int total_errors = 0;
  {
    Bench bench(su.port, window_s, seed);
    if (baseline) {
      Phase ph;
      ph.name = "baseline";
      bench.open_screen(ph, screen_path(su.base_id), su.session);
      auto ps = bench.prepare(ph, su.base_code, participants);
      bench.answer(ph, su.base_code, ps);
      bench.close_screen();
      print(ph, window_s);
      total_errors += ph.errors;
    }
    Phase ph;
    ph.name = "live";
    ph.participants = participants;
    ph.rss_before = std::get<0>(stats());
    const auto t0 = steady::now();
    bench.open_phones(ph, su.live_code, participants, t0 + 300s);
    ph.open_s = std::chrono::duration<double>(steady::now() - t0).count();
    bench.open_screen(ph, screen_path(su.live_id), su.session);
    auto ps = bench.prepare(ph, su.live_code, participants);
    bench.answer(ph, su.live_code, ps);
    ph.held = bench.phones_open();
    std::tie(ph.rss, ph.hwm, ph.gauge) = stats();
    if (ph.held < participants)
      bench.error(ph, std::to_string(participants - ph.held) + " phone streams were lost");
    print(ph, window_s);
    total_errors += ph.errors;

    // The facilitator moves to the next activity: every phone must get the new state.
    auto delays = bench.fanout(
        [&] {
          send_line(out, "next");
          if (read_line(in) != std::optional<std::string>("ok")) die("next activity failed");
        },
        ph.held, 60s);
    const int got = static_cast<int>(delays.size());
    std::printf(
        "bench workshop: target=next_activity phones=%d received=%d p50_ms=%.1f p99_ms=%.1f "
        "max_ms=%.1f errors=%d\n",
        ph.held, got, percentile(delays, 50), percentile(delays, 99), percentile(delays, 100),
        got < ph.held ? ph.held - got : 0);
    std::fflush(stdout);
    if (got < ph.held) total_errors += ph.held - got;
    bench.close_screen();
    bench.close_phones();
  }
  std::printf("bench workshop: done loadavg=%s errors=%d\n", loadavg().c_str(), total_errors);
  std::fflush(stdout);
  send_line(out, "quit");
  return total_errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    die("usage: bench_workshop DIR [--participants N] [--window S] [--baseline yes|no]");
  const std::string dir = argv[1];
  int participants = 5000, window_s = 60, hard_s = 0;
  unsigned seed = 8;
  bool baseline = true;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    auto number = [&](int lo, int hi) {
      const std::string v = value();
      if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        die(a + " must be a number from " + std::to_string(lo) + " to " + std::to_string(hi));
      const int n = std::atoi(v.c_str());
      if (n < lo || n > hi)
        die(a + " must be a number from " + std::to_string(lo) + " to " + std::to_string(hi));
      return n;
    };
    if (a == "--participants")
      participants = number(1, kMaxParticipants);
    else if (a == "--window")
      window_s = number(1, 600);
    else if (a == "--hard-timeout")
      hard_s = number(30, 3600);
    else if (a == "--seed")
      seed = static_cast<unsigned>(number(0, 1000000));
    else if (a == "--baseline") {
      const auto v = value();
      if (v != "yes" && v != "no") die("--baseline is yes or no");
      baseline = v == "yes";
    } else
      die("unknown argument " + a);
  }
  if (hard_s == 0) hard_s = std::min(3600, (baseline ? 2 : 1) * window_s + 600);

  // Each process holds one end of every phone stream, plus answers in flight,
  // the database and the rest.
  const rlim_t need = static_cast<rlim_t>(participants) + 2048;
  if (const auto got = raise_nofile(need); got < need)
    die("needs " + std::to_string(need) + " open files per process, the limit is " +
        std::to_string(got) + ": use fewer --participants or raise `ulimit -n`");

  // The server and the load generator in two processes, forked before any
  // thread starts: the server's RSS is its own, and each has its own
  // descriptor limit. They talk over two pipes.
  int to_server[2], to_clients[2];
  if (::pipe(to_server) != 0 || ::pipe(to_clients) != 0) die("pipe failed");
  std::fflush(stdout);
  const pid_t child = ::fork();
  if (child < 0) die("fork failed");
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the server's process
    ::close(to_server[0]);
    ::close(to_clients[1]);
    watchdog(hard_s, 0);
    const int rc = run_clients(to_clients[0], to_server[1], participants, window_s, baseline, seed);
    std::fflush(stdout);
    std::_Exit(rc);
  }
  ::close(to_server[1]);
  ::close(to_clients[0]);
  std::signal(SIGPIPE, SIG_IGN);
  watchdog(hard_s, child);
  run_server(dir, to_server[0], to_clients[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (WIFSIGNALED(status))
    die("the load generator was killed by signal " + std::to_string(WTERMSIG(status)));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
