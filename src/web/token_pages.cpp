#include "web/token_pages.hpp"

#include <ctime>
#include <memory>
#include <optional>

#include "store/accounts.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"

namespace samskap::web {

namespace {

constexpr const char* kListPath = "/meg/api-nokler";

// "22.11.2026 kl. 14.05 UTC" / "2026-11-22 14:05 UTC".
std::string when(SystemTime t, Language lang) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf,
                lang == Language::nb ? "%d.%m.%Y kl. %H.%M UTC" : "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

Data truth(bool b) {
  return b ? Data::type::bool_true : Data::type::bool_false;
}

std::string text(const App& app, const Request& req, std::string_view key) {
  return std::string(app.renderer().text(req.lang, key));
}

std::size_t active_count(const std::vector<store::ApiToken>& tokens) {
  std::size_t n = 0;
  for (const auto& t : tokens)
    if (!t.revoked_at) ++n;
  return n;
}

class TokenPages {
 public:
  explicit TokenPages(App& app) : app_(app) {}

  // GET /meg/api-nokler
  Response list(const Request& req) const { return list_page(req, nullptr, {}, nullptr); }

  // POST /meg/api-nokler
  Response create(const Request& req) const {
    const auto& p = *req.principal;
    store::ApiTokenRepository tokens(app_.db(), app_.clock());
    std::string name = form_field(req, "name", 300);
    FormErrors errors;
    if (name.empty() || name.size() > 100) {
      errors.add(app_, req, "name", "account.error.token_name_invalid");
      return list_page(req, &errors, name, nullptr);
    }
    auto mine = tokens.list(p.organisation_id, p.user_id);
    if (!mine) return app_.error_page(req, status_for(mine.error().code));
    if (active_count(*mine) >= kMaxActiveTokens) {
      errors.add(app_, req, "name", "account.tokens.too_many");
      return list_page(req, &errors, name, nullptr);
    }
    auto created = tokens.create(p.organisation_id, p.user_id, name);
    if (!created && created.error().code == ErrorCode::invalid_input) {
      errors.add(app_, req, "name", created.error().message_key);
      return list_page(req, &errors, name, nullptr);
    }
    if (!created) return app_.error_page(req, status_for(created.error().code));
    (void)store::AuditLog(app_.db(), app_.clock())
        .record(p.organisation_id, p.user_id, "api_token_created", "api_token", created->first.id,
                created->first.name);
    Response r = list_page(req, nullptr, {}, &*created);
    r.status = 201;
    return r;
  }

  // GET /meg/api-nokler/:id/trekk-tilbake: asks before revoking.
  Response confirm(const Request& req) const {
    auto token = own_token(req);
    if (!token) return app_.error_page(req, 404);
    if (!*token) return app_.error_page(req, 503);
    if ((*token)->revoked_at) return App::redirect(kListPath);
    Data d{Data::type::object};
    d.set("csrf", req.principal->csrf_token);
    d.set("id", (*token)->id);
    d.set("name", (*token)->name);
    d.set("created", when((*token)->created_at, req.lang));
    return app_.page(req, "me_tokens_revoke", "account.tokens.revoke_title", d);
  }

  // POST /meg/api-nokler/:id/trekk-tilbake
  Response revoke(const Request& req) const {
    const auto& p = *req.principal;
    auto token = own_token(req);
    if (!token) return app_.error_page(req, 404);
    if (!*token) return app_.error_page(req, 503);
    if (!(*token)->revoked_at) {
      auto st = store::ApiTokenRepository(app_.db(), app_.clock())
                    .revoke(p.organisation_id, (*token)->id);
      if (!st) return app_.error_page(req, status_for(st.error().code));
      (void)store::AuditLog(app_.db(), app_.clock())
          .record(p.organisation_id, p.user_id, "api_token_revoked", "api_token", (*token)->id,
                  (*token)->name);
    }
    return App::redirect(std::string(kListPath) + "?trukket=1");
  }

 private:
  // The signed-in user's token named by the route's :id. nullopt: not theirs
  // (or none such) — 404; an inner nullopt: the database did not answer.
  std::optional<std::optional<store::ApiToken>> own_token(const Request& req) const {
    const auto& p = *req.principal;
    auto mine =
        store::ApiTokenRepository(app_.db(), app_.clock()).list(p.organisation_id, p.user_id);
    if (!mine) {
      if (mine.error().code == ErrorCode::not_found) return std::nullopt;
      return std::optional<store::ApiToken>{};
    }
    const std::string& id = req.route.at("id");
    for (const auto& t : *mine)
      if (t.id == id) return std::optional<store::ApiToken>{t};
    return std::nullopt;
  }

  // The list with the create form; `created` (once, right after creating)
  // shows the raw token.
  Response list_page(const Request& req, const FormErrors* errors, const std::string& typed,
                     const std::pair<store::ApiToken, std::string>* created) const {
    const auto& p = *req.principal;
    auto mine =
        store::ApiTokenRepository(app_.db(), app_.clock()).list(p.organisation_id, p.user_id);
    if (!mine) return app_.error_page(req, status_for(mine.error().code));
    Data rows{Data::type::list};
    // Newest first.
    for (auto it = mine->rbegin(); it != mine->rend(); ++it) {
      Data row{Data::type::object};
      row.set("id", it->id);
      row.set("name", it->name);
      row.set("created", when(it->created_at, req.lang));
      row.set("active", truth(!it->revoked_at));
      if (it->revoked_at) row.set("revoked", when(*it->revoked_at, req.lang));
      rows.push_back(row);
    }
    Data d{Data::type::object};
    d.set("csrf", p.csrf_token);
    d.set("tokens", rows);
    d.set("empty", truth(mine->empty()));
    d.set("may_create", truth(allows(p.role, Permission::view_results)));
    d.set("role", text(app_, req, "role." + std::string(to_string(p.role))));
    d.set("token_name", typed);
    d.set("revoked_notice", truth(req.query_param("trukket") == "1"));
    if (created) {
      d.set("new_token", created->second);
      d.set("new_token_name", created->first.name);
    }
    if (errors) errors->into(d);
    Response r = app_.page(req, "me_tokens", "account.tokens.title", d);
    if (errors && errors->any) r.status = 422;
    return r;
  }

  App& app_;
};

}  // namespace

void add_token_routes(App& app, std::vector<Route>& routes) {
  auto pages = std::make_shared<const TokenPages>(app);
  const Guard own{true, std::nullopt, false};
  const Guard creator{true, Permission::view_results, false};
  auto add = [&](Method m, const char* pattern, Response (TokenPages::*fn)(const Request&) const,
                 Guard g) {
    routes.push_back(
        {m, pattern, Exec::worker, [pages, fn](const Request& r) { return ((*pages).*fn)(r); }, g});
  };
  add(Method::get, "/meg/api-nokler", &TokenPages::list, own);
  add(Method::post, "/meg/api-nokler", &TokenPages::create, creator);
  add(Method::get, "/meg/api-nokler/:id/trekk-tilbake", &TokenPages::confirm, own);
  add(Method::post, "/meg/api-nokler/:id/trekk-tilbake", &TokenPages::revoke, own);
}

}  // namespace samskap::web
