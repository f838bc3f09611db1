#pragma once
// The knowledge base as JSON: GET /api/v1/knowledge (topics),
// /api/v1/knowledge/topics/:id, /api/v1/knowledge/stages,
// /api/v1/knowledge/stages/:slug and /api/v1/knowledge/search?q=…
// Documented in docs/api.md.
//
// Contract
// - Public (no login), like the HTML pages; run on the worker pool.
// - Every answer, errors included, is application/json. Successful answers
//   carry "lang" ("nb" or "en", from Request::lang), Content-Language and
//   Cache-Control "public, max-age=300"; errors carry "no-store" and the body
//   {"error":{"status","title","message","request_id"}} (the shape of
//   App::error_page's JSON answer).
// - Unknown topic ids and stage slugs answer 404; a missing `q`, a query over
//   content::kMaxQueryBytes or a bad `limit` answers 400. (Malformed
//   percent-escapes or invalid UTF-8 in the query string are refused by the
//   server before routing, with App::error_page.)
// - Thread-safety: all handlers are const and safe to call from many threads.
// - Lifetime: borrows the Renderer (for the error texts) and the
//   KnowledgeBase; both must outlive the routes. Owns its SearchIndex.

#include <memory>
#include <string>
#include <vector>

#include "content/knowledge_base.hpp"
#include "content/search.hpp"
#include "web/http.hpp"
#include "web/renderer.hpp"

namespace samskap::web {

class KnowledgeApi {
 public:
  // Builds the search index; throws std::runtime_error if it cannot be built.
  KnowledgeApi(const Renderer& renderer, const content::KnowledgeBase& kb);

  Response topics(const Request& req) const;  // GET /api/v1/knowledge
  Response topic(const Request& req) const;   // GET /api/v1/knowledge/topics/:id
  Response stages(const Request& req) const;  // GET /api/v1/knowledge/stages
  Response stage(const Request& req) const;   // GET /api/v1/knowledge/stages/:slug
  Response search(const Request& req) const;  // GET /api/v1/knowledge/search?q=

  // The JSON error answer for `status` ("error.<status>.title/.text" from the
  // catalogue unless `message_key` names another text).
  Response error(const Request& req, int status, std::string_view message_key = {}) const;

 private:
  const Renderer& renderer_;
  const content::KnowledgeBase& kb_;
  content::SearchIndex index_;
};

// Appends the API routes (fixed paths before parameterised ones).
void add_knowledge_api_routes(std::vector<Route>& routes, const Renderer& renderer,
                              const content::KnowledgeBase& kb);

}  // namespace samskap::web
