#pragma once
// The application: its route table and the pages behind it. Handlers are thin:
// parse the request, call the domain or the store, render.

#include <memory>
#include <vector>

#include "content/catalog.hpp"
#include "core/clock.hpp"
#include "store/database.hpp"
#include "web/assets.hpp"
#include "web/http.hpp"
#include "web/metrics.hpp"
#include "web/renderer.hpp"

namespace samskap::web {

struct AppOptions {
  std::size_t max_body_bytes = 1024 * 1024;  // shown in the 413 page
};

class App {
 public:
  // Borrows everything; all must outlive the App.
  App(AppOptions options, store::Database& db, const content::Catalog& catalog,
      const AssetTable& assets, std::shared_ptr<Metrics> metrics, const Clock& clock);

  // Every route of the application. The list is the single source of truth:
  // the server registers it and the tests walk it.
  std::vector<Route> routes();

  // The error page for `status` in the request's language (HTML, or JSON
  // when the client asks for application/json).
  Response error_page(const Request& req, int status) const;

  const Renderer& renderer() const { return renderer_; }

 private:
  Response page(const Request& req, std::string_view name, std::string_view title_key,
                Data data) const;

  AppOptions options_;
  store::Database& db_;
  const AssetTable& assets_;
  std::shared_ptr<Metrics> metrics_;
  const Clock& clock_;
  Renderer renderer_;
};

// "1 MiB", "512 KiB": sizes in messages.
std::string human_size(std::size_t bytes, Language lang);

}  // namespace samskap::web
