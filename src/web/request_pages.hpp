#pragma once
// Requests (henvendelser) and their triage (issue 5): the pages under
// /henvendelser and the JSON API under /api/v1/requests (docs/api.md).
//
// Routes (GET needs Permission::view_results, POST manage_initiatives; the
// API routes also accept Bearer tokens):
//   GET  /henvendelser                  list, ?status=open|triaged|closed, and
//                                       the share of 3.0 answers per month
//   GET  /henvendelser/ny               the form for a new request
//   POST /henvendelser/ny               registers it
//   GET  /henvendelser/:id              the request and its triage: the three
//                                       kinds of answer side by side
//   POST /henvendelser/:id/vurdering    records the answer and the reason; 3.0
//                                       creates an initiative with partners
//   GET  /henvendelser/:id/rediger      edit form
//   POST /henvendelser/:id/rediger      saves (version checked)
//   POST /henvendelser/:id/status       closes or reopens (version checked)
//   GET  /api/v1/requests[?status=]     list as JSON
//   GET  /api/v1/requests/:id           one request as JSON
//   POST /api/v1/requests               creates from a JSON body
//   POST /api/v1/requests/:id/triage    triages from a JSON body
//
// Contract
// - Every store call runs on a worker thread and is scoped to the caller's
//   organisation: another organisation's request is 404, pages and API alike.
// - Bad form input answers 400 with the form again, field errors in the
//   user's language and everything typed kept; a changed version answers 409
//   and reports it instead of overwriting. The API answers the same statuses
//   with JSON error bodies ({"error": {status, title, message, request_id,
//   fields}}); its JSON bodies are parsed without exceptions, nesting deeper
//   than 32 levels and wrong types are 400.
// - Data changes are written to the audit log.
// - Choosing 3.0 triages first (so a stale version changes nothing), then
//   creates the initiative (status idé, title from the request), adds one
//   suggested partner per checked type, links it to the request and sends
//   the browser to /initiativ/<id>. A request that already has an initiative
//   keeps it: choosing 3.0 again creates no second one.

#include <string>
#include <string_view>
#include <vector>

#include "web/http.hpp"

namespace samskap::web {

class App;

// Appends the routes above. The App must outlive them.
void add_request_routes(App& app, std::vector<Route>& routes);

// The title of an initiative created from a request: "<requester>: <the first
// words of the request>", whitespace folded, cut at a word boundary with "…",
// never more than `max_bytes` bytes and always valid UTF-8 (given valid input).
std::string initiative_title_from_request(std::string_view requester, std::string_view body,
                                          std::size_t max_bytes = 200);

}  // namespace samskap::web
