#include "web/server.hpp"

#include <sodium.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <restinio/all.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

namespace samskap::web {

namespace {

using router_t = restinio::router::express_router_t<>;
using traits_t = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
using server_t = restinio::http_server_t<traits_t>;
using clock_t_ = std::chrono::steady_clock;

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

Method to_method(const restinio::http_method_id_t& m) {
  if (m == restinio::http_method_get()) return Method::get;
  if (m == restinio::http_method_post()) return Method::post;
  if (m == restinio::http_method_put()) return Method::put;
  if (m == restinio::http_method_patch()) return Method::patch;
  if (m == restinio::http_method_delete()) return Method::del;
  if (m == restinio::http_method_head()) return Method::head;
  if (m == restinio::http_method_options()) return Method::options;
  return Method::other;
}

std::string new_request_id() {
  unsigned char b[8];
  randombytes_buf(b, sizeof b);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

std::vector<std::string> param_names(const std::string& pattern) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != ':') continue;
    std::size_t j = i + 1;
    while (j < pattern.size() &&
           (std::isalnum(static_cast<unsigned char>(pattern[j])) || pattern[j] == '_'))
      ++j;
    names.push_back(pattern.substr(i + 1, j - i - 1));
    i = j;
  }
  return names;
}

// The security headers every response carries.
void add_security_headers(Response& r) {
  r.header("Content-Security-Policy",
           "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'");
  r.header("X-Content-Type-Options", "nosniff");
  r.header("Referrer-Policy", "same-origin");
  r.header("X-Frame-Options", "DENY");
  r.header("Cross-Origin-Opener-Policy", "same-origin");
  r.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

// The open end of one streaming response (server-sent events): RESTinio's
// chunked response builder for the connection, behind a mutex because
// handlers and fan-out threads send from anywhere. Each send is one chunk
// flushed at once; RESTinio's after-write callback tells how much is still
// queued and whether the client has gone. The callback only touches atomics,
// so it cannot deadlock with a sender holding the mutex.
class StreamSink final : public EventSink, public std::enable_shared_from_this<StreamSink> {
 public:
  using builder_t = restinio::response_builder_t<restinio::chunked_output_t>;

  explicit StreamSink(builder_t rb) : rb_(std::move(rb)) {}

  bool send(std::string bytes) override {
    if (closed_.load(std::memory_order_acquire)) return false;
    if (bytes.empty()) return true;
    const std::size_t n = bytes.size();
    std::lock_guard lock(mu_);
    if (closed_.load() || !rb_) return false;
    if (pending_.load() + n > kMaxPendingBytes) {
      // A client that does not read: drop it rather than queue without bound.
      close_locked();
      return false;
    }
    pending_ += n;
    try {
      rb_->append_chunk(std::move(bytes));
      rb_->flush([weak = weak_from_this(), n](const asio::error_code& ec) {
        if (auto self = weak.lock()) self->written(n, ec);
      });
    } catch (const std::exception& e) {
      spdlog::warn("event stream: {}", e.what());
      close_locked();
      return false;
    }
    return true;
  }

  bool closed() const noexcept override { return closed_.load(std::memory_order_acquire); }

  void close() override {
    std::lock_guard lock(mu_);
    close_locked();
  }

  std::size_t pending() const noexcept { return pending_.load(); }

 private:
  // On an I/O thread, after a chunk was written (or could not be).
  void written(std::size_t n, const asio::error_code& ec) noexcept {
    pending_ -= n;
    // The connection is already closed by RESTinio; close() releases it.
    if (ec) closed_.store(true, std::memory_order_release);
  }

  // Ends the chunked response (the connection closes after it, see
  // Impl::open_stream) and lets go of the connection, so nothing of asio is
  // touched through this sink afterwards.
  void close_locked() noexcept {
    closed_.store(true, std::memory_order_release);
    if (!rb_) return;
    try {
      rb_->done();
    } catch (...) {
      // done() throws only when called twice; the connection is gone either way.
    }
    rb_.reset();
  }

  mutable std::mutex mu_;
  std::optional<builder_t> rb_;
  std::atomic<bool> closed_{false};
  std::atomic<std::size_t> pending_{0};
};

// Every live stream of the server, so stop() can close them before the I/O
// threads go. Holds weak pointers: a stream belongs to whoever keeps its sink.
class StreamRegistry {
 public:
  // False (and the sink closed) once the server is stopping.
  bool add(const std::shared_ptr<StreamSink>& sink) {
    std::lock_guard lock(mu_);
    if (stopped_) {
      sink->close();
      return false;
    }
    if (sinks_.size() >= prune_at_) {
      prune_locked();
      prune_at_ = std::max<std::size_t>(64, 2 * sinks_.size());
    }
    sinks_.push_back(sink);
    return true;
  }

  // Open streams right now.
  std::size_t open() {
    std::lock_guard lock(mu_);
    prune_locked();
    return sinks_.size();
  }

  // Closes every stream; later ones are closed as they open.
  void close_all() {
    std::vector<std::weak_ptr<StreamSink>> all;
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
      all.swap(sinks_);
    }
    for (auto& w : all)
      if (auto s = w.lock()) s->close();
  }

 private:
  void prune_locked() {
    std::erase_if(sinks_, [](const std::weak_ptr<StreamSink>& w) {
      auto s = w.lock();
      return !s || s->closed();
    });
  }

  std::mutex mu_;
  std::vector<std::weak_ptr<StreamSink>> sinks_;
  std::size_t prune_at_ = 64;
  bool stopped_ = false;
};

}  // namespace

Result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text) {
  auto bad = [&] {
    return Error::invalid("error.listen",
                          "listen address '" + std::string(text.substr(0, 200)) +
                              "' must look like 127.0.0.1:8080, [::1]:8080 or :8080");
  };
  if (text.empty() || text.size() > 300) return bad();
  std::string host;
  std::string_view port_text;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad();
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad();
    host = std::string(text.substr(0, colon));
    if (host.find(':') != std::string::npos) return bad();
    port_text = text.substr(colon + 1);
  }
  if (host.empty()) host = "0.0.0.0";
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':'))
      return bad();
  if (port_text.empty() || port_text.size() > 5) return bad();
  unsigned port = 0;
  for (char c : port_text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad();
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) return bad();
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

struct Server::Impl {
  ServerOptions options;
  ErrorPageFn error_page;
  Middleware middleware;
  std::shared_ptr<Metrics> metrics;
  std::unique_ptr<WorkerPool> pool;
  asio::io_context io;
  std::unique_ptr<server_t> server;
  std::vector<std::thread> io_threads;
  std::atomic<bool> draining{false};
  std::atomic<bool> stopped{false};
  std::atomic<std::size_t> in_flight{0};
  std::shared_ptr<spdlog::logger> access;
  std::shared_ptr<StreamRegistry> streams = std::make_shared<StreamRegistry>();

  // Everything the response needs beyond the handler's own answer.
  void finish(const restinio::request_handle_t& req, const Request& r, Response resp,
              const std::string& route, clock_t_::time_point start, bool on_worker = true) {
    // A stream answers only a GET with 200; anything else (HEAD, an error) is
    // an ordinary response and the stream callback is dropped.
    if (resp.on_stream && (resp.status != 200 || r.method != Method::get)) resp.on_stream = nullptr;
    if (resp.on_stream) {
      std::erase_if(resp.headers, [](const auto& h) {
        return h.first == "Cache-Control" || h.first == "X-Accel-Buffering";
      });
      // Proxies (nginx) would otherwise hold the events back in a buffer.
      resp.header("Cache-Control", "no-store").header("X-Accel-Buffering", "no");
    }
    add_security_headers(resp);
    resp.header("X-Request-Id", r.request_id);
    if (r.lang_from_query) {
      resp.header("Set-Cookie", std::string("samskap_lang=") + std::string(code(r.lang)) +
                                    "; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly" +
                                    (options.secure_cookies ? "; Secure" : ""));
    }
    if (resp.content_type.starts_with("text/html")) {
      resp.header("Content-Language", std::string(code(r.lang)));
      resp.header("Vary", "Accept-Language, Cookie");
      bool has_cache = false;
      for (const auto& h : resp.headers)
        has_cache |= h.first == "Cache-Control";
      if (!has_cache) resp.header("Cache-Control", "no-store");
    }
    const int status = resp.status;
    const std::size_t bytes = resp.body.size();
    if (resp.on_stream) {
      open_stream(req, r, std::move(resp), route, start, on_worker);
      return;
    }
    auto rb = req->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(status)}, reason_phrase(status)});
    rb.append_header(restinio::http_field::content_type, resp.content_type);
    for (auto& [n, v] : resp.headers)
      rb.append_header(n, v);
    if (draining) rb.connection_close();
    if (r.method != Method::head) rb.set_body(std::move(resp.body));
    // Recorded before the response leaves, so a client that reads /metrics right
    // after its answer always finds its own request counted.
    auto elapsed = clock_t_::now() - start;
    metrics->observe(std::string(to_string(r.method)), route, status, elapsed);
    rb.done();

    log_access(r, route, status, bytes, elapsed, false);
  }

  // A streaming response: status line and headers (and the handler's first
  // bytes) go out now; the connection stays open for the sink, which is
  // registered so stop() can close it, then handed to the handler's on_stream
  // on a worker. RESTinio's handle_request_timeout closes a stream that
  // writes nothing for that long; every write restarts it, so streams need
  // keep-alive comments (web/sse.hpp Channels sends them).
  void open_stream(const restinio::request_handle_t& req, const Request& r, Response resp,
                   const std::string& route, clock_t_::time_point start, bool on_worker) {
    const std::size_t bytes = resp.body.size();
    auto rb = req->create_response<restinio::chunked_output_t>(
        restinio::http_status_line_t{restinio::http_status_code_t{200}, reason_phrase(200)});
    rb.append_header(restinio::http_field::content_type, resp.content_type);
    for (auto& [n, v] : resp.headers)
      rb.append_header(n, v);
    // The connection ends with the stream: a client cannot send another request
    // behind an endless response anyway.
    rb.connection_close();
    if (!resp.body.empty()) rb.append_chunk(std::move(resp.body));
    rb.flush();
    auto sink = std::make_shared<StreamSink>(std::move(rb));
    const bool live = streams->add(sink);
    auto elapsed = clock_t_::now() - start;
    metrics->observe(std::string(to_string(r.method)), route, 200, elapsed);
    log_access(r, route, 200, bytes, elapsed, true);
    if (!live) return;
    auto run = [sink, on_stream = std::move(resp.on_stream), id = r.request_id] {
      try {
        on_stream(sink);
      } catch (const std::exception& e) {
        spdlog::error("request {}: the stream handler failed: {}", id, e.what());
        sink->close();
      } catch (...) {
        spdlog::error("request {}: the stream handler failed with an unknown exception", id);
        sink->close();
      }
    };
    if (on_worker) {
      run();
    } else if (!pool->submit(std::move(run))) {
      sink->close();
    }
  }

  void log_access(const Request& r, const std::string& route, int status, std::size_t bytes,
                  clock_t_::duration elapsed, bool stream) {
    if (options.access_log && access) {
      nlohmann::json line = {
          {"ts", std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count()},
          {"type", "access"},
          {"request_id", r.request_id},
          {"method", to_string(r.method)},
          {"path", r.path},
          {"route", route},
          {"status", status},
          {"bytes", bytes},
          {"duration_ms", std::chrono::duration<double, std::milli>(elapsed).count()}};
      // The client's address (behind a trusted proxy, the forwarded one), but
      // never on the anonymous participant routes (check-in and workshop
      // phones): their answers must not be traceable to an address
      // (docs/retention.md).
      if (!route.starts_with("/i/") && !route.starts_with("/w/") && route != "/i" && route != "/w")
        line["client"] = r.remote_address;
      if (stream) line["stream"] = "opened";
      access->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }

  Response call(const Route& route, Request& r) {
    try {
      if (middleware && route.exec == Exec::worker) {
        if (auto early = middleware(r, route)) return std::move(*early);
      }
      return route.handler(r);
    } catch (const std::exception& e) {
      spdlog::error("request {} {} {} failed: {}", r.request_id, to_string(r.method), r.path,
                    e.what());
    } catch (...) {
      spdlog::error("request {} {} {} failed with an unknown exception", r.request_id,
                    to_string(r.method), r.path);
    }
    return safe_error_page(r, 500);
  }

  Response safe_error_page(const Request& r, int status) {
    try {
      Response resp = error_page(r, status);
      resp.status = status;
      return resp;
    } catch (...) {
      Response resp;
      resp.status = status;
      resp.content_type = "text/plain; charset=utf-8";
      resp.body = std::string(reason_phrase(status)) + "\n";
      return resp;
    }
  }

  // Builds our Request; false (and the status to answer) when the request is malformed.
  int build_request(const restinio::request_handle_t& req, Request& r) {
    r.request_id = new_request_id();
    r.method = to_method(req->header().method());
    r.target = std::string(req->header().request_target());
    for (const auto& f : req->header()) {
      std::string name(f.name());
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = r.headers.emplace(name, std::string(f.value()));
      if (!inserted) it->second += ", " + std::string(f.value());
    }
    auto client =
        resolve_client(req->remote_endpoint().address().to_string(), r.header("x-forwarded-for"),
                       r.header("x-forwarded-proto"), options.trusted_proxies);
    r.remote_address = std::move(client.address);
    r.cookies = parse_cookies(r.header("cookie"));
    auto cookie_lang = r.cookies.count("samskap_lang") ? r.cookies["samskap_lang"] : std::string{};
    auto path = percent_decode(req->header().path(), false);
    bool ok = path && valid_utf8(*path);
    r.path = ok ? *path : std::string(req->header().path());
    auto query = parse_urlencoded(req->header().query());
    if (query) r.query = std::move(*query);
    auto ql = r.query_param("lang");
    r.lang = choose_language(ql, cookie_lang, r.header("accept-language"));
    r.lang_from_query = parse_language(ql).has_value();
    if (!ok || !query) return 400;
    if (req->body().size() > options.max_body_bytes) return 413;
    r.body = req->body();
    return 0;
  }

  restinio::request_handling_status_t dispatch(const Route* route,
                                               const restinio::request_handle_t& req,
                                               const restinio::router::route_params_t* params) {
    const auto start = clock_t_::now();
    auto r = std::make_shared<Request>();
    const std::string route_name = route ? route->pattern : "(unmatched)";
    int early = build_request(req, *r);
    if (early == 0 && route && params) {
      for (const auto& name : param_names(route->pattern)) {
        auto v = params->get_param(name);
        if (!v) continue;
        auto decoded = percent_decode(*v, false);
        if (!decoded || !valid_utf8(*decoded)) {
          early = 400;
          break;
        }
        r->route.emplace(name, std::move(*decoded));
      }
    }
    if (early == 0 && !route) early = 404;
    if (early == 0 && draining) early = 503;
    if (early != 0) {
      finish(req, *r, safe_error_page(*r, early), route_name, start);
      return restinio::request_accepted();
    }
    if (route->exec == Exec::io) {
      finish(req, *r, call(*route, *r), route_name, start, false);
      return restinio::request_accepted();
    }
    ++in_flight;
    bool queued = pool->submit([this, route, req, r, route_name, start] {
      Response resp = call(*route, *r);
      finish(req, *r, std::move(resp), route_name, start);
      --in_flight;
    });
    if (!queued) {
      --in_flight;
      finish(req, *r, safe_error_page(*r, 503), route_name, start);
    }
    return restinio::request_accepted();
  }
};

Server::Server(ServerOptions options, std::vector<Route> routes, ErrorPageFn error_page,
               std::shared_ptr<Metrics> metrics, Middleware middleware)
    : impl_(std::make_unique<Impl>()), routes_(std::move(routes)) {
  impl_->options = std::move(options);
  impl_->error_page = std::move(error_page);
  impl_->middleware = std::move(middleware);
  impl_->metrics = std::move(metrics);
}

Server::~Server() {
  stop(std::chrono::milliseconds(0));
}

Result<std::uint16_t> Server::start() {
  if (sodium_init() < 0)
    return Error{ErrorCode::internal, "error.internal", "libsodium failed to start"};
  auto& o = impl_->options;
  if (o.access_log) {
    impl_->access = spdlog::get("access");
    if (!impl_->access) {
      impl_->access = spdlog::stdout_logger_mt("access");
      impl_->access->set_pattern("%v");
    }
  }
  impl_->pool = std::make_unique<WorkerPool>(o.workers, o.max_queue);
  impl_->metrics->add_gauges([pool = impl_->pool.get(), this](std::string& out) {
    out +=
        "# HELP samskap_worker_threads Worker threads for blocking work.\n# TYPE "
        "samskap_worker_threads gauge\n";
    out += "samskap_worker_threads " + std::to_string(pool->threads()) + "\n";
    out +=
        "# HELP samskap_worker_busy Worker threads running a task.\n# TYPE samskap_worker_busy "
        "gauge\n";
    out += "samskap_worker_busy " + std::to_string(pool->busy()) + "\n";
    out +=
        "# HELP samskap_worker_queued Tasks waiting for a worker.\n# TYPE samskap_worker_queued "
        "gauge\n";
    out += "samskap_worker_queued " + std::to_string(pool->queued()) + "\n";
    out +=
        "# HELP samskap_http_in_flight Requests being handled on workers.\n# TYPE "
        "samskap_http_in_flight gauge\n";
    out += "samskap_http_in_flight " + std::to_string(impl_->in_flight.load()) + "\n";
  });
  impl_->metrics->add_gauges([streams = impl_->streams](std::string& out) {
    out +=
        "# HELP samskap_sse_streams Open event streams (server-sent events).\n# TYPE "
        "samskap_sse_streams gauge\n";
    out += "samskap_sse_streams " + std::to_string(streams->open()) + "\n";
  });

  auto router = std::make_unique<router_t>();
  Impl* impl = impl_.get();
  for (const auto& route : routes_) {
    const Route* rp = &route;
    auto h = [impl, rp](restinio::request_handle_t req, restinio::router::route_params_t params) {
      return impl->dispatch(rp, req, &params);
    };
    switch (route.method) {
      case Method::get:
        router->http_get(route.pattern, h);
        router->http_head(route.pattern, h);
        break;
      case Method::post:
        router->http_post(route.pattern, h);
        break;
      case Method::put:
        router->http_put(route.pattern, h);
        break;
      case Method::patch:
        router->add_handler(restinio::http_method_patch(), route.pattern, h);
        break;
      case Method::del:
        router->http_delete(route.pattern, h);
        break;
      default:
        router->add_handler(restinio::http_method_options(), route.pattern, h);
        break;
    }
  }
  router->non_matched_request_handler(
      [impl](restinio::request_handle_t req) { return impl->dispatch(nullptr, req, nullptr); });

  const std::uint64_t hard_cap = std::max<std::uint64_t>(8 * o.max_body_bytes, 8 * 1024 * 1024);
  std::uint16_t bound = 0;
  restinio::server_settings_t<traits_t> settings;
  settings.address(o.host)
      .port(o.port)
      // The router's matcher throws on malformed percent-escapes, which would drop the
      // connection without an answer: such paths get our 400 page before routing.
      .request_handler([impl, router = std::shared_ptr<router_t>(std::move(router))](
                           restinio::request_handle_t req) {
        auto decoded = percent_decode(req->header().path(), false);
        if (!decoded || !valid_utf8(*decoded)) return impl->dispatch(nullptr, req, nullptr);
        return (*router)(std::move(req));
      })
      .read_next_http_message_timelimit(o.idle_timeout)
      .write_http_response_timelimit(std::chrono::seconds(60))
      .handle_request_timeout(o.request_timeout)
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                    .max_url_size(32 * 1024)
                                    .max_field_name_size(256)
                                    .max_field_value_size(16 * 1024)
                                    .max_field_count(100)
                                    .max_body_size(hard_cap))
      .acceptor_post_bind_hook(
          [&bound](asio::ip::tcp::acceptor& a) { bound = a.local_endpoint().port(); });
  try {
    impl_->server =
        std::make_unique<server_t>(restinio::external_io_context(impl_->io), std::move(settings));
    std::promise<void> opened;
    auto fut = opened.get_future();
    impl_->server->open_async([&opened] { opened.set_value(); },
                              [&opened](std::exception_ptr ex) { opened.set_exception(ex); });
    for (std::size_t i = 0; i < std::max<std::size_t>(1, o.io_threads); ++i)
      impl_->io_threads.emplace_back([this] {
        for (;;) {
          try {
            impl_->io.run();
            return;
          } catch (const std::exception& e) {
            spdlog::error("I/O thread: {}", e.what());
          }
        }
      });
    fut.get();
  } catch (const std::exception& e) {
    stop(std::chrono::milliseconds(0));
    std::string what = e.what();
    return Error{ErrorCode::unavailable, "error.listen",
                 "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + what};
  }
  port_ = bound;
  return bound;
}

void Server::stop(std::chrono::milliseconds drain) {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  impl_->draining = true;
  // Streams never finish by themselves: end them first, so their final chunks
  // are written with the other last responses and no sink touches asio after
  // the I/O threads are gone (a closed sink's send() returns false).
  impl_->streams->close_all();
  if (impl_->pool) impl_->pool->wait_idle(drain);
  if (drain.count() > 0 && !impl_->io_threads.empty()) {
    // The workers are idle, but their last responses were handed to the I/O
    // threads (rb.done() posts the write) and may not be on the wire yet;
    // closing now would drop them. Let every I/O thread run what was queued
    // before, then give the socket writes a moment, within the drain time.
    const auto deadline = std::chrono::steady_clock::now() + drain;
    auto left = std::make_shared<std::atomic<std::size_t>>(impl_->io_threads.size());
    for (std::size_t i = 0; i < impl_->io_threads.size(); ++i)
      asio::post(impl_->io, [left] { --*left; });
    while (left->load() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(50),
        std::max<std::chrono::steady_clock::duration>(deadline - std::chrono::steady_clock::now(),
                                                      std::chrono::milliseconds(0))));
  }
  if (impl_->server) {
    try {
      impl_->server->close_sync();
    } catch (const std::exception& e) {
      spdlog::warn("closing the server: {}", e.what());
    }
  }
  impl_->io.stop();
  for (auto& t : impl_->io_threads)
    if (t.joinable()) t.join();
  impl_->pool.reset();
}

}  // namespace samskap::web
