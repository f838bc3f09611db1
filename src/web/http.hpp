#pragma once
// The HTTP layer's own request and response values, independent of RESTinio,
// so handlers are plain functions that tests can call directly.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/access.hpp"
#include "core/error.hpp"
#include "core/language.hpp"

namespace samskap::web {

enum class Method { get, post, put, patch, del, head, options, other };
std::string_view to_string(Method m) noexcept;

using Params = std::map<std::string, std::string, std::less<>>;

// Who is making the request, when signed in (session cookie or API token).
struct Principal {
  std::string user_id;
  std::string organisation_id;
  std::string organisation_name;
  std::string display_name;
  std::string email;
  Role role = Role::deltaker;
  std::string csrf_token;   // the session's; empty for API tokens
  std::string session_raw;  // the session cookie's value; empty for API tokens
  bool via_api_token = false;
};

struct Request {
  Method method = Method::get;
  std::string path;    // decoded path, without the query
  std::string target;  // the raw request target (path and query), for redirects
  Params query;        // decoded query parameters (the last of repeated names wins)
  Params route;        // values of :placeholders in the route pattern
  std::map<std::string, std::string> headers;  // names in lower case
  std::map<std::string, std::string> cookies;
  std::string body;
  std::string request_id;
  Language lang = kDefaultLanguage;
  bool lang_from_query = false;  // ?lang= was given: the response remembers it in a cookie
  std::string
      remote_address;  // the peer's IP address; used for throttling, never stored with answers
  std::optional<Principal> principal;  // set by the authentication middleware
  Params form;                         // the parsed urlencoded body of a form POST

  std::string_view header(std::string_view lower_name) const;
  std::string_view query_param(std::string_view name) const;
};

// The open end of a streaming response (server-sent events): the server
// keeps the connection after the handler returns and writes what is sent.
// Thread-safe; send() never blocks (the bytes are queued for the connection's
// I/O thread). A client that has gone, or that lets more than
// kMaxPendingBytes pile up unread, closes the sink.
class EventSink {
 public:
  static constexpr std::size_t kMaxPendingBytes = 1024 * 1024;
  virtual ~EventSink() = default;
  // Queues bytes (already formatted frames, web/sse.hpp). False once closed.
  virtual bool send(std::string bytes) = 0;
  virtual bool closed() const noexcept = 0;
  // Ends the response and closes the connection. Idempotent.
  virtual void close() = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set (status 200, content_type "text/event-stream"): the status line
  // and headers go out at once, `body` (if any) as the first bytes, and the
  // connection stays open; on_stream is then called once, on a worker
  // thread, with the sink to keep. The stream ends when the client goes,
  // the sink is closed, or the server stops.
  std::function<void(std::shared_ptr<EventSink>)> on_stream;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

using Handler = std::function<Response(const Request&)>;

// Where a handler runs: `io` for cheap, never-blocking handlers (health, static
// files); `worker` for everything that may touch the database or do heavy work.
enum class Exec { io, worker };

// Who may call a route. Checked by the middleware before the handler runs.
struct Guard {
  bool signed_in = false;                // a session or API token is required
  std::optional<Permission> permission;  // and this permission (implies signed_in)
  bool api = false;                      // accepts Bearer API tokens (JSON API)
};

struct Route {
  Method method;
  std::string pattern;  // RESTinio express syntax: "/kunnskap/:topic"
  Exec exec;
  Handler handler;
  Guard guard{};
};

// Runs on the worker thread before a `worker` route's handler: authenticates,
// checks the guard and CSRF, parses forms. Returns a response to send instead
// of calling the handler (redirect to login, 403, 400 …), or nullopt.
using Middleware = std::function<std::optional<Response>(Request&, const Route&)>;

// Maps an expected error to its HTTP status.
int status_for(ErrorCode code) noexcept;

// Parses a Cookie header ("a=1; b=2"). Malformed pairs are skipped; at most 64
// cookies and 8 KiB are read.
std::map<std::string, std::string> parse_cookies(std::string_view header);

// Percent-decodes a URL component ('+' as space when `plus_is_space`).
// nullopt for malformed escapes or decoded control bytes other than tab/newline.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// Parses an application/x-www-form-urlencoded body or query string. Errors
// (invalid_input, "error.bad_request") on malformed escapes, invalid UTF-8,
// more than `max_fields` fields.
Result<Params> parse_urlencoded(std::string_view s, std::size_t max_fields = 256);

// True when `s` is valid UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s) noexcept;

// Percent-encodes a query component (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view s);

// The request's query string rebuilt without `skip` (e.g. "lang"), encoded,
// without a leading '?'; empty when nothing remains.
std::string query_without(const Params& query, std::string_view skip);

// HTML-escapes text for the few places that build HTML outside templates.
std::string html_escape(std::string_view s);

}  // namespace samskap::web
