#pragma once
// The MI conversation analysis page (issue 7, web part): GET /mi shows the
// form, POST /mi analyses the pasted transcript with mi::analyse and shows the
// summary, the righting-reflex moments and every coded utterance.
//
// Contract
// - Both routes require a signed-in user with Permission::manage_initiatives
//   (facilitators, leaders, administrators); POST needs the CSRF token.
// - Privacy: the transcript is analysed in memory only and never logged.
//   Only when the user asks (the "save" checkbox on the form, or the save
//   button on the result) is it stored, with its summary figures, in
//   store::MiAnalysisRepository: private to that user (another user gets
//   404), deletable by them, audited as mi_analysis_saved / _deleted with
//   the id only, included in their data export and deleted when they are
//   anonymised.
// - Upload: the form is multipart/form-data with a file input ("file") beside
//   the text box; a chosen file wins over pasted text. Files of an unknown
//   kind (Word, PDF, another extension) and UTF-16 with invalid surrogates
//   get a message naming the file; UTF-16 with a byte-order mark is
//   converted; every engine error names the file and the line.
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
  explicit MiPages(App& app) : app_(app) {}
  Response form(const Request& req) const;     // GET /mi
  Response analyse(const Request& req) const;  // POST /mi (pasted text or an uploaded file)
  Response list(const Request& req) const;     // GET /mi/analyser: mine, with the trend
  Response save(const Request& req) const;     // POST /mi/analyser: save a shown result
  Response show(const Request& req) const;     // GET /mi/analyser/:id
  Response remove(const Request& req) const;   // POST /mi/analyser/:id/slett

 private:
  // Analyses, stores, audits and redirects to the saved analysis.
  Response store(const Request& req, const std::string& transcript, const std::string& lang,
                 const std::string& facilitator, const std::string& title) const;
  App& app_;
};

// Appends the MI routes, each with its guard; the handlers share ownership
// of one MiPages.
void add_mi_routes(App& app, std::vector<Route>& routes);

// The user's saved analyses (with their transcripts) for the personal-data
// export (/meg/data.json), as a JSON array text. unavailable when the
// database does not answer.
Result<std::string> mi_analyses_export_json(App& app, const std::string& org,
                                            const std::string& user);

}  // namespace samskap::web
