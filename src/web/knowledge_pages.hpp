#pragma once
// The knowledge-base pages: the overview (/kunnskap), one page per topic
// (/kunnskap/<topic id>), one page per stage of change (/kunnskap/fase/<slug>)
// and the search (/kunnskap/sok?q=…). The URL scheme is documented at the end
// of docs/content.md; other modules link to these URLs, so keep them stable.
//
// Contract
// - Every text shown comes from the knowledge base (content/kb) or the message
//   catalogue (the [kb] section); the pages are rendered from
//   templates/pages/kunnskap*.mustache and templates/fragments/kunnskap-*.mustache.
// - Unknown topics and stages answer with the application's 404 page.
// - Search: a query over content::kMaxQueryBytes answers 400 with the message
//   "search.query_too_long" in the page; an empty query shows the prompt (200).
//   A request with "HX-Request: true" (htmx live search) gets only the result
//   fragment, without the layout, and always 200, because htmx does not swap
//   error responses into the page; the message is then in the fragment.
// - Thread-safety: all handlers are const and safe to call from many threads.
// - Lifetime: borrows the Renderer and the KnowledgeBase (both must outlive
//   this object); owns its SearchIndex.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "content/knowledge_base.hpp"
#include "content/search.hpp"
#include "web/http.hpp"
#include "web/renderer.hpp"

namespace samskap::web {

class KnowledgePages {
 public:
  // Renders the application's error page for a status (App::error_page).
  using ErrorPage = std::function<Response(const Request&, int)>;

  // Builds the search index. Throws std::runtime_error if it cannot be built
  // (ICU or the stemmers are missing), which would abort start-up.
  KnowledgePages(const Renderer& renderer, const content::KnowledgeBase& kb, ErrorPage error_page);

  Response overview(const Request& req) const;  // GET /kunnskap
  Response topic(const Request& req) const;     // GET /kunnskap/:topic
  Response stage(const Request& req) const;     // GET /kunnskap/fase/:stage
  Response search(const Request& req) const;    // GET /kunnskap/sok?q=

 private:
  Response render_page(const Request& req, std::string_view name, const std::string& title,
                       const Data& data) const;

  const Renderer& renderer_;
  const content::KnowledgeBase& kb_;
  content::SearchIndex index_;
  ErrorPage error_page_;
};

// The routes, in the order they must be registered (the fixed paths before
// "/kunnskap/:topic"). The handlers share ownership of `pages`.
std::vector<Route> knowledge_routes(std::shared_ptr<const KnowledgePages> pages);

// Stable URLs other modules may link to.
std::string knowledge_topic_url(std::string_view topic_id);    // "/kunnskap/forankring"
std::string knowledge_stage_url(const content::Stage& stage);  // "/kunnskap/fase/overveielse"
std::string knowledge_search_url(std::string_view query);      // "/kunnskap/sok?q=…"

// HTML for a search snippet: the text HTML-escaped, each [begin, end) byte
// range wrapped in <mark>. Ranges that are out of order, overlapping or out of
// bounds are skipped, never trusted.
std::string highlight_snippet(std::string_view snippet,
                              const std::vector<std::pair<std::size_t, std::size_t>>& ranges);

}  // namespace samskap::web
