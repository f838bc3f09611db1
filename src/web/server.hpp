#pragma once
// The HTTP server: RESTinio on a few I/O threads, with every `Exec::worker`
// route run on a WorkerPool. Adds the security headers, request ids, the
// access log and the metrics to every response.
//
// Lifecycle: construct, start() (binds; returns the port), then stop() from
// any thread that is not an I/O thread. Not copyable.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "web/http.hpp"
#include "web/metrics.hpp"
#include "web/proxy.hpp"
#include "web/worker_pool.hpp"

namespace samskap::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (tests)
  std::size_t io_threads = 2;
  std::size_t workers = 8;
  std::size_t max_queue = 4096;              // waiting worker tasks before 503
  std::size_t max_body_bytes = 1024 * 1024;  // larger bodies get 413
  std::chrono::seconds request_timeout{60};  // a handler slower than this: connection closed
  std::chrono::seconds idle_timeout{75};     // keep-alive idle
  bool secure_cookies = false;               // add Secure to cookies (behind HTTPS)
  bool access_log = true;
  // Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (web/proxy.hpp);
  // empty: the TCP peer is always the client.
  std::vector<Network> trusted_proxies;
};

// Parses "HOST:PORT", "[IPv6]:PORT" or ":PORT". invalid_input ("error.listen") otherwise.
Result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text);

// Builds a page for an error status in the request's language.
using ErrorPageFn = std::function<Response(const Request&, int status)>;

class Server {
 public:
  Server(ServerOptions options, std::vector<Route> routes, ErrorPageFn error_page,
         std::shared_ptr<Metrics> metrics, Middleware middleware = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the I/O and worker threads. Returns the bound port.
  // unavailable ("error.listen") with a one-line detail when the address is in
  // use or cannot be bound.
  Result<std::uint16_t> start();

  // Graceful stop: new requests get 503 with Connection: close, requests in
  // flight may finish for up to `drain`, then connections close and threads
  // join. Idempotent.
  void stop(std::chrono::milliseconds drain = std::chrono::seconds(10));

  const std::vector<Route>& routes() const { return routes_; }
  std::uint16_t port() const noexcept { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<Route> routes_;
  std::uint16_t port_ = 0;
};

}  // namespace samskap::web
