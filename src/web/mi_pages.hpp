#pragma once
// The MI conversation analysis page (issue 7, web part): GET /mi shows the
// form, POST /mi analyses the pasted transcript with mi::analyse and shows the
// summary, the righting-reflex moments and every coded utterance.
//
// Contract
// - Both routes require a signed-in user with Permission::manage_initiatives
//   (facilitators, leaders, administrators); POST needs the CSRF token.
// - Privacy: the transcript is analysed in memory only. Nothing is written to
//   the database, the audit log or the application log: neither the text nor
//   the result.
// - Bad input (every mi.error.* the engine returns) answers 422 with the form
//   again, the message from the catalogue next to the field it concerns, and
//   the pasted text and choices kept. The request body limit (1 MiB by
//   default, AppOptions::max_body_bytes) is enforced by the server (413).
// - The engine (lexicons and models embedded in the binary) is loaded on the
//   first request and shared read-only by all threads; if it cannot be
//   loaded, the page answers 503.

#include <vector>

#include "web/http.hpp"

namespace samskap::web {

class App;

// Borrows the App, which must outlive the pages. Handlers are const and safe
// to call from many threads.
class MiPages {
 public:
  explicit MiPages(const App& app) : app_(app) {}
  Response form(const Request& req) const;     // GET /mi
  Response analyse(const Request& req) const;  // POST /mi

 private:
  const App& app_;
};

// Appends GET /mi and POST /mi, each with its guard; the handlers share
// ownership of one MiPages.
void add_mi_routes(const App& app, std::vector<Route>& routes);

}  // namespace samskap::web
