#pragma once
// The application: its route table and the pages behind it. Handlers are thin:
// parse the request, call the domain or the store, render.

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "content/catalog.hpp"
#include "core/clock.hpp"
#include "mail/outbox.hpp"
#include "store/database.hpp"
#include "web/assets.hpp"
#include "web/http.hpp"
#include "web/metrics.hpp"
#include "web/renderer.hpp"

namespace samskap::web {

struct AppOptions {
  std::size_t max_body_bytes = 1024 * 1024;  // shown in the 413 page
  bool secure_cookies = false;
  // The address people use: every absolute link (QR codes, join links,
  // posters, e-mails) starts with it. No trailing slash (issue 13).
  std::string public_url = "http://127.0.0.1:8080";
  int min_group_size = 5;                  // readiness results: the smallest group shown (issue 6)
  bool mail_enabled = false;               // smtp_host is set: links go out by e-mail
  std::function<void()> on_mail_queued{};  // wakes the node's sender; may be empty
};

class Auth;
class AccountPages;
class WorkshopLive;

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
  Auth& auth() { return *auth_; }
  store::Database& db() { return db_; }
  const Clock& clock() const { return clock_; }
  const AppOptions& options() const { return options_; }
  // What the application e-mails (issue 13); queues nothing when e-mail is off.
  const mail::Outbox& outbox() const { return outbox_; }
  // Tells the sender that a message is waiting.
  void mail_queued() const {
    if (options_.on_mail_queued) options_.on_mail_queued();
  }
  // The live workshop streams of this node (issue 8); started with the App.
  WorkshopLive& live() { return *live_; }

  // Runs before every worker route: parses forms, authenticates, checks the
  // route's guard and the CSRF token. See web::Middleware.
  std::optional<Response> before(Request& req, const Route& route);

  // A page in the layout. `title_key` names the catalogue text of the title.
  Response page(const Request& req, std::string_view name, std::string_view title_key,
                Data data) const;
  // A page whose title is already text.
  Response page_titled(const Request& req, std::string_view name, std::string title,
                       Data data) const;
  // 303 See Other.
  static Response redirect(std::string location);
  // A short page with a heading and one message (e.g. an expired link).
  Response message_page(const Request& req, int status, std::string_view title_key,
                        std::string_view message_key) const;

  ~App();

 private:
  AppOptions options_;
  store::Database& db_;
  const AssetTable& assets_;
  std::shared_ptr<Metrics> metrics_;
  const Clock& clock_;
  Renderer renderer_;
  mail::Outbox outbox_;
  std::unique_ptr<Auth> auth_;
  std::unique_ptr<AccountPages> accounts_;
  std::unique_ptr<WorkshopLive> live_;
};

// "1 MiB", "512 KiB": sizes in messages.
std::string human_size(std::size_t bytes, Language lang);

}  // namespace samskap::web
