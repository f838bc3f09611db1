#include "web/app.hpp"

#include <spdlog/spdlog.h>
#include <cctype>
#include <nlohmann/json.hpp>

#include "web/account_pages.hpp"
#include "web/auth.hpp"
#include "web/initiative_api.hpp"
#include "web/initiative_pages.hpp"
#include "web/initiative_parts_pages.hpp"
#include "web/initiative_work_pages.hpp"

#include "web/knowledge_api.hpp"
#include "web/knowledge_pages.hpp"
#include "web/mi_pages.hpp"
#include "web/multipart.hpp"
#include "web/readiness_dashboard_pages.hpp"
#include "web/readiness_pages.hpp"
#include "web/request_pages.hpp"
#include "web/token_pages.hpp"
#include "web/workshop_live.hpp"
#include "web/workshop_pages.hpp"

namespace samskap::web {

std::string human_size(std::size_t bytes, Language lang) {
  auto fmt1 = [&](double v, const char* unit) {
    char buf[32];
    if (v == static_cast<double>(static_cast<long long>(v)))
      std::snprintf(buf, sizeof buf, "%lld %s", static_cast<long long>(v), unit);
    else
      std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
    std::string s = buf;
    if (lang == Language::nb)
      for (auto& c : s)
        if (c == '.') c = ',';
    return s;
  };
  if (bytes >= 1024 * 1024) return fmt1(static_cast<double>(bytes) / (1024.0 * 1024.0), "MiB");
  if (bytes >= 1024) return fmt1(static_cast<double>(bytes) / 1024.0, "KiB");
  return std::to_string(bytes) + " B";
}

App::App(AppOptions options, store::Database& db, const content::Catalog& catalog,
         const AssetTable& assets, std::shared_ptr<Metrics> metrics, const Clock& clock)
    : options_(options),
      db_(db),
      assets_(assets),
      metrics_(std::move(metrics)),
      clock_(clock),
      renderer_(embedded_templates(), catalog, assets),
      outbox_(db, clock, catalog, mail::OutboxOptions{options.public_url, options.mail_enabled}),
      auth_(std::make_unique<Auth>(db, clock, AuthOptions{options.secure_cookies, {}})),
      accounts_(std::make_unique<AccountPages>(*this)),
      live_(std::make_unique<WorkshopLive>(
          db, clock, renderer_,
          LiveOptions{std::chrono::seconds(15), options.min_group_size, true,
                      options.public_url})) {
  // Without the listener, events from other app nodes are not seen here; the
  // node's own still are. Say so and go on.
  if (auto s = live_->start(); !s.ok())
    spdlog::warn("live workshops: {} ({})", s.error().message_key, s.error().detail);
  metrics_->add_gauges([this](std::string& out) {
    out +=
        "# HELP samskap_workshop_streams Open workshop event streams on this node.\n# TYPE "
        "samskap_workshop_streams gauge\n";
    out += "samskap_workshop_streams " + std::to_string(live_->streams()) + "\n";
  });
  metrics_->add_gauges([this](std::string& out) {
    auto s = db_.stats();
    out +=
        "# HELP samskap_db_pool_size Database connections in the pool.\n# TYPE "
        "samskap_db_pool_size gauge\n";
    out += "samskap_db_pool_size " + std::to_string(s.size) + "\n";
    out +=
        "# HELP samskap_db_pool_in_use Database connections leased right now.\n# TYPE "
        "samskap_db_pool_in_use gauge\n";
    out += "samskap_db_pool_in_use " + std::to_string(s.in_use) + "\n";
    out +=
        "# HELP samskap_db_pool_leases_total Database connection leases since start.\n# TYPE "
        "samskap_db_pool_leases_total counter\n";
    out += "samskap_db_pool_leases_total " + std::to_string(s.leases) + "\n";
  });
}

App::~App() {
  if (live_) live_->stop();
}

Response App::page(const Request& req, std::string_view name, std::string_view title_key,
                   Data data) const {
  return page_titled(req, name, std::string(renderer_.text(req.lang, title_key)), std::move(data));
}

Response App::page_titled(const Request& req, std::string_view name, std::string title,
                          Data data) const {
  PageContext pc = page_context(req, std::move(title));
  Response r;
  r.body = renderer_.page(name, data, pc);
  return r;
}

Response App::redirect(std::string location) {
  Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.header("Location", std::move(location));
  return r;
}

Response App::message_page(const Request& req, int status, std::string_view title_key,
                           std::string_view message_key) const {
  Data d{Data::type::object};
  d.set("heading", std::string(renderer_.text(req.lang, title_key)));
  d.set("message", std::string(renderer_.text(req.lang, message_key)));
  Response r = page(req, "message", title_key, d);
  r.status = status;
  return r;
}

std::optional<Response> App::before(Request& req, const Route& route) {
  const bool changes_state = req.method != Method::get && req.method != Method::head;
  if (changes_state &&
      req.header("content-type").starts_with("application/x-www-form-urlencoded")) {
    auto form = parse_urlencoded(req.body);
    if (!form) return error_page(req, 400);
    req.form = std::move(*form);
  } else if (changes_state && req.header("content-type").starts_with("multipart/form-data")) {
    // A form with a file (the MI page's upload): its text fields, so the CSRF
    // token is checked as for any form; the handler reads the files itself.
    auto form = multipart_form_fields(req.header("content-type"), req.body);
    if (!form) return error_page(req, 400);
    req.form = std::move(*form);
  }
  auto st = auth_->authenticate(req, route.guard.api);
  if (!st) return error_page(req, status_for(st.error().code));
  const bool needs_login = route.guard.signed_in || route.guard.permission.has_value();
  if (needs_login && !req.principal) {
    if (route.guard.api || req.header("accept").starts_with("application/json"))
      return error_page(req, 401);
    // Come back here after logging in (GET only: a form cannot be replayed).
    std::string next = req.method == Method::get && req.target.size() < 1000 ? req.target : "/";
    std::string encoded;
    for (unsigned char c : next) {
      if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
        encoded += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        encoded += buf;
      }
    }
    return redirect("/logg-inn?neste=" + encoded);
  }
  if (route.guard.permission && !allows(req.principal->role, *route.guard.permission))
    return error_page(req, 403);
  if (changes_state && !auth_->csrf_ok(req)) {
    if (route.guard.api || req.path.starts_with("/api/")) return error_page(req, 403);  // JSON
    return message_page(req, 403, "error.403.title", "account.error.csrf");
  }
  return std::nullopt;
}

Response App::error_page(const Request& req, int status) const {
  int known = status;
  if (known != 400 && known != 401 && known != 403 && known != 404 && known != 413 &&
      known != 429 && known != 500 && known != 503)
    known = status >= 500 ? 500 : 400;
  const std::string base = "error." + std::to_string(known);
  std::string heading(renderer_.text(req.lang, base + ".title"));
  std::string message(renderer_.text(req.lang, base + ".text"));
  if (auto p = message.find("{{limit}}"); p != std::string::npos)
    message.replace(p, 9, human_size(options_.max_body_bytes, req.lang));

  if (req.header("accept").starts_with("application/json") || req.path.starts_with("/api/")) {
    Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = nlohmann::json{{"error",
                             {{"status", status},
                              {"title", heading},
                              {"message", message},
                              {"request_id", req.request_id}}}}
                 .dump();
    return r;
  }
  Data d{Data::type::object};
  d.set("status", std::to_string(status));
  d.set("heading", heading);
  d.set("message", message);
  d.set("request_id", req.request_id);
  PageContext pc = page_context(req, heading);  // at its own address: no menu item is current
  Response r;
  r.status = status;
  r.body = renderer_.page("error", d, pc);
  return r;
}

std::vector<Route> App::routes() {
  std::vector<Route> routes;
  routes.push_back({Method::get, "/", Exec::worker, [this](const Request& req) {
                      return page(req, "home", "home.page_title", Data{Data::type::object});
                    }});
  routes.push_back({Method::get, "/om", Exec::worker, [this](const Request& req) {
                      return page(req, "about", "about.page_title", Data{Data::type::object});
                    }});
  routes.push_back({Method::get, "/healthz", Exec::io, [](const Request&) {
                      Response r;
                      r.content_type = "text/plain; charset=utf-8";
                      r.body = "ok\n";
                      r.header("Cache-Control", "no-store");
                      return r;
                    }});
  routes.push_back({Method::get, "/readyz", Exec::worker, [this](const Request&) {
                      Response r;
                      r.content_type = "text/plain; charset=utf-8";
                      r.header("Cache-Control", "no-store");
                      auto st = db_.ping();
                      r.status = st ? 200 : 503;
                      r.body = st ? "ready\n" : "database unavailable\n";
                      return r;
                    }});
  routes.push_back({Method::get, "/metrics", Exec::io, [this](const Request&) {
                      Response r;
                      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                      r.header("Cache-Control", "no-store");
                      r.body = metrics_->render();
                      return r;
                    }});
  routes.push_back({Method::get, "/assets/:file", Exec::io, [this](const Request& req) {
                      const Asset* a = assets_.find_by_file(req.route.at("file"));
                      if (!a) return error_page(req, 404);
                      Response r;
                      r.content_type = a->content_type;
                      r.header("Cache-Control", "public, max-age=31536000, immutable");
                      r.header("ETag", a->etag);
                      if (req.header("if-none-match") == a->etag) {
                        r.status = 304;
                        return r;
                      }
                      r.body = std::string(a->data);
                      return r;
                    }});
  auto knowledge = std::make_shared<const KnowledgePages>(
      renderer_, content::KnowledgeBase::embedded(),
      [this](const Request& req, int status) { return error_page(req, status); });
  for (auto& route : knowledge_routes(std::move(knowledge)))
    routes.push_back(std::move(route));
  add_knowledge_api_routes(routes, renderer_, content::KnowledgeBase::embedded());
  accounts_->add_routes(routes);
  add_token_routes(*this, routes);
  add_mi_routes(*this, routes);
  add_initiative_routes(*this, routes);
  add_initiative_api_routes(*this, routes);
  add_initiative_parts_routes(*this, routes);
  add_initiative_work_routes(*this, routes);
  add_request_routes(*this, routes);
  add_readiness_routes(*this, routes);
  add_readiness_dashboard_routes(*this, routes);
  add_workshop_routes(*this, routes);
  return routes;
}

}  // namespace samskap::web
