#include "web/account_pages.hpp"

#include <spdlog/spdlog.h>

#include "mail/outbox.hpp"
#include "store/mail_queue.hpp"

#include <nlohmann/json.hpp>

#include <set>

#include "content/common_passwords.hpp"
#include "store/accounts.hpp"
#include "store/secrets.hpp"
#include "web/app.hpp"
#include "web/auth.hpp"
#include "web/forms.hpp"
#include "web/mi_pages.hpp"

namespace samskap::web {

namespace {

using store::TokenKind;

constexpr auto kInvitationTtl = std::chrono::hours(24 * 7);

std::string field(const Request& req, const std::string& name, std::size_t max = 1000) {
  return form_field(req, name, max);
}

std::string raw_field(const Request& req, const std::string& name) {
  return raw_form_field(req, name);
}

std::string iso(SystemTime t) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// The key of the message for a one-time link error.
std::string_view link_error_key(const Error& e) {
  switch (e.code) {
    case ErrorCode::conflict:
      return "account.error.link_used";
    case ErrorCode::invalid_input:
      return "account.error.link_expired";
    default:
      return "account.error.link_unknown";
  }
}

int link_error_status(const Error& e) {
  if (e.code == ErrorCode::unavailable) return 503;
  return e.code == ErrorCode::not_found ? 404 : 410;
}

}  // namespace

// ---- a user's units (the leader rule: docs/permissions.md) -----------------

namespace {

// GET /admin/brukere/:id/enheter: a checkbox per unit of the organisation.
Response user_units_page(App& app, const Request& req) {
  const auto& p = *req.principal;
  const std::string& id = req.route.at("id");
  store::AccountRepository accounts(app.db(), app.clock());
  auto user = accounts.user(p.organisation_id, id);
  if (!user) return app.error_page(req, status_for(user.error().code));
  auto all = accounts.units(p.organisation_id);
  if (!all) return app.error_page(req, status_for(all.error().code));
  auto mine = accounts.user_units(p.organisation_id, id);
  if (!mine) return app.error_page(req, status_for(mine.error().code));
  std::set<std::string> chosen;
  for (const auto& u : *mine)
    chosen.insert(u.id);
  Data rows{Data::type::list};
  for (const auto& u : *all) {
    Data row{Data::type::object};
    row.set("id", u.id);
    row.set("name", u.name);
    row.set("checked", bool_data(chosen.count(u.id) > 0));
    rows.push_back(row);
  }
  Data d{Data::type::object};
  d.set("csrf", p.csrf_token);
  d.set("id", user->id);
  d.set("name", user->display_name);
  d.set("role",
        std::string(app.renderer().text(req.lang, "role." + std::string(to_string(user->role)))));
  d.set("is_leader", bool_data(user->role == Role::leder));
  d.set("units", rows);
  d.set("empty", bool_data(all->empty()));
  d.set("saved", bool_data(req.query_param("lagret") == "1"));
  return app.page(req, "admin_user_units", "account.user_units.title", d);
}

// POST /admin/brukere/:id/enheter: the checked units ("unit-<id>") replace the user's.
Response save_user_units(App& app, const Request& req) {
  const auto& p = *req.principal;
  const std::string& id = req.route.at("id");
  store::AccountRepository accounts(app.db(), app.clock());
  auto user = accounts.user(p.organisation_id, id);
  if (!user) return app.error_page(req, status_for(user.error().code));
  auto all = accounts.units(p.organisation_id);
  if (!all) return app.error_page(req, status_for(all.error().code));
  std::vector<std::string> wanted;
  std::string names;
  for (const auto& u : *all)
    if (req.form.count("unit-" + u.id)) {
      wanted.push_back(u.id);
      names += (names.empty() ? "" : ", ") + u.name;
    }
  auto st = accounts.set_user_units(p.organisation_id, id, wanted);
  if (!st && st.error().code == ErrorCode::invalid_input)
    return app.message_page(req, 409, "account.user_units.title", st.error().message_key);
  if (!st) return app.error_page(req, status_for(st.error().code));
  if (names.size() > 1500) names = std::to_string(wanted.size());
  (void)store::AuditLog(app.db(), app.clock())
      .record(p.organisation_id, p.user_id, "user_units_changed", "user", id, names);
  return App::redirect("/admin/brukere/" + id + "/enheter?lagret=1");
}

}  // namespace

void AccountPages::add_routes(std::vector<Route>& routes) {
  auto bind = [this](Response (AccountPages::*fn)(const Request&)) {
    return [this, fn](const Request& r) { return (this->*fn)(r); };
  };
  Guard signed_in{true, std::nullopt, false};
  Guard admin{true, Permission::manage_users, false};
  Guard auditor{true, Permission::view_audit_log, false};
  routes.push_back({Method::get, "/oppsett/:token", Exec::worker, bind(&AccountPages::setup_form)});
  routes.push_back(
      {Method::post, "/oppsett/:token", Exec::worker, bind(&AccountPages::setup_submit)});
  routes.push_back({Method::get, "/logg-inn", Exec::worker, bind(&AccountPages::login_form)});
  routes.push_back({Method::post, "/logg-inn", Exec::worker, bind(&AccountPages::login_submit)});
  routes.push_back(
      {Method::post, "/logg-ut", Exec::worker, bind(&AccountPages::logout), signed_in});
  routes.push_back({Method::get, "/meg", Exec::worker, bind(&AccountPages::me), signed_in});
  routes.push_back(
      {Method::get, "/meg/data.json", Exec::worker, bind(&AccountPages::me_export), signed_in});
  routes.push_back(
      {Method::post, "/meg/passord", Exec::worker, bind(&AccountPages::me_password), signed_in});
  routes.push_back({Method::post, "/meg/logg-ut-overalt", Exec::worker,
                    bind(&AccountPages::me_logout_everywhere), signed_in});
  routes.push_back(
      {Method::get, "/admin/brukere", Exec::worker, bind(&AccountPages::users), admin});
  routes.push_back(
      {Method::post, "/admin/brukere", Exec::worker, bind(&AccountPages::invite), admin});
  routes.push_back({Method::post, "/admin/brukere/:id/rolle", Exec::worker,
                    bind(&AccountPages::change_role), admin});
  routes.push_back({Method::post, "/admin/brukere/:id/deaktiver", Exec::worker,
                    bind(&AccountPages::deactivate), admin});
  routes.push_back({Method::post, "/admin/brukere/:id/anonymiser", Exec::worker,
                    bind(&AccountPages::anonymise), admin});
  routes.push_back({Method::post, "/admin/brukere/:id/invitasjon", Exec::worker,
                    bind(&AccountPages::reinvite), admin});
  routes.push_back(
      {Method::get, "/admin/revisjon", Exec::worker, bind(&AccountPages::audit), auditor});
  routes.push_back({Method::get, "/admin/brukere/:id/enheter", Exec::worker,
                    [this](const Request& r) { return user_units_page(app_, r); }, admin});
  routes.push_back({Method::post, "/admin/brukere/:id/enheter", Exec::worker,
                    [this](const Request& r) { return save_user_units(app_, r); }, admin});
  Guard unit_admin{true, Permission::manage_units, false};
  routes.push_back(
      {Method::get, "/admin/enheter", Exec::worker, bind(&AccountPages::units), unit_admin});
  routes.push_back(
      {Method::post, "/admin/enheter", Exec::worker, bind(&AccountPages::create_unit), unit_admin});
  routes.push_back({Method::get, "/invitasjon/:token", Exec::worker, [this](const Request& r) {
                      return token_form(r, static_cast<int>(TokenKind::invitation));
                    }});
  routes.push_back({Method::post, "/invitasjon/:token", Exec::worker, [this](const Request& r) {
                      return token_submit(r, static_cast<int>(TokenKind::invitation));
                    }});
  routes.push_back({Method::get, "/nullstill/:token", Exec::worker, [this](const Request& r) {
                      return token_form(r, static_cast<int>(TokenKind::password_reset));
                    }});
  routes.push_back({Method::post, "/nullstill/:token", Exec::worker, [this](const Request& r) {
                      return token_submit(r, static_cast<int>(TokenKind::password_reset));
                    }});
  routes.push_back({Method::get, "/api/v1/meg", Exec::worker, bind(&AccountPages::api_me),
                    Guard{true, std::nullopt, true}});
}

// ---- first-run setup ------------------------------------------------------

Response AccountPages::setup_form(const Request& req) {
  store::OneTimeTokenRepository tokens(app_.db(), app_.clock());
  auto t = tokens.peek(TokenKind::setup, req.route.at("token"));
  if (!t)
    return app_.message_page(req, link_error_status(t.error()), "account.setup.title",
                             link_error_key(t.error()));
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto any = accounts.any_organisation();
  if (!any) return app_.error_page(req, 503);
  if (*any) return app_.message_page(req, 410, "account.setup.title", "account.setup.already_done");
  Response cookie;
  Data d{Data::type::object};
  d.set("csrf", app_.auth().ensure_csrf_cookie(req, cookie));
  d.set("kind_kommune", bool_data(true));
  Response r = app_.page(req, "setup", "account.setup.title", d);
  r.headers.insert(r.headers.end(), cookie.headers.begin(), cookie.headers.end());
  return r;
}

Response AccountPages::setup_submit(const Request& req) {
  store::AccountRepository accounts(app_.db(), app_.clock());
  store::OneTimeTokenRepository tokens(app_.db(), app_.clock());
  auto t = tokens.peek(TokenKind::setup, req.route.at("token"));
  if (!t)
    return app_.message_page(req, link_error_status(t.error()), "account.setup.title",
                             link_error_key(t.error()));
  auto any = accounts.any_organisation();
  if (!any) return app_.error_page(req, 503);
  if (*any) return app_.message_page(req, 410, "account.setup.title", "account.setup.already_done");

  FormErrors errors;
  std::string org_name = field(req, "organisation", 300);
  std::string kind_text = field(req, "kind", 20);
  std::string name = field(req, "name", 300);
  std::string email_in = field(req, "email", 300);
  std::string password = raw_field(req, "password");
  std::string password2 = raw_field(req, "password2");
  if (org_name.empty())
    errors.add(app_, req, "organisation", "account.error.organisation_required");
  else if (org_name.size() > 200)
    errors.add(app_, req, "organisation", "account.error.too_long");
  auto kind = store::parse_organisation_kind(kind_text);
  if (!kind) errors.add(app_, req, "kind", "account.error.kind_required");
  if (name.empty())
    errors.add(app_, req, "name", "account.error.name_required");
  else if (name.size() > 200)
    errors.add(app_, req, "name", "account.error.too_long");
  auto email = normalise_email(email_in);
  if (!email) errors.add(app_, req, "email", email.error().message_key);
  auto pw = check_new_password(password, email ? *email : email_in, content::common_passwords());
  if (!pw)
    errors.add(app_, req, "password", pw.error().message_key);
  else if (password != password2)
    errors.add(app_, req, "password2", "account.error.password_mismatch");

  if (errors.any) {
    Data d{Data::type::object};
    d.set("csrf", app_.auth().csrf_for(req));
    d.set("organisation", org_name);
    d.set("name", name);
    d.set("email", email_in);
    d.set("kind_usht", bool_data(kind && *kind == store::OrganisationKind::usht));
    d.set("kind_kommune", bool_data(!kind || *kind == store::OrganisationKind::kommune));
    errors.into(d);
    Response r = app_.page(req, "setup", "account.setup.title", d);
    r.status = 422;
    return r;
  }
  const std::string hash = store::hash_password(password);
  auto redeemed = tokens.redeem(TokenKind::setup, req.route.at("token"));
  if (!redeemed)
    return app_.message_page(req, link_error_status(redeemed.error()), "account.setup.title",
                             link_error_key(redeemed.error()));
  auto org = accounts.create_organisation(org_name, *kind);
  if (!org) return app_.error_page(req, status_for(org.error().code));
  auto user = accounts.create_user(org->id, *email, name, Role::administrator, hash);
  if (!user) return app_.error_page(req, status_for(user.error().code));
  store::AuditLog audit(app_.db(), app_.clock());
  (void)audit.record(org->id, user->id, "organisation_created", "organisation", org->id, org->name);
  (void)audit.record(org->id, user->id, "user_created", "user", user->id, "administrator (setup)");
  return sign_in_and_go(req, org->id, user->id, "/");
}

// ---- login and logout -----------------------------------------------------

Response AccountPages::login_form(const Request& req) {
  if (req.principal) return App::redirect(safe_next(req.query_param("neste")));
  Response r;
  Data d{Data::type::object};
  d.set("csrf", app_.auth().ensure_csrf_cookie(req, r));
  d.set("next", safe_next(req.query_param("neste")));
  Response page = app_.page(req, "login", "account.login.title", d);
  page.headers.insert(page.headers.end(), r.headers.begin(), r.headers.end());
  return page;
}

Response AccountPages::login_submit(const Request& req) {
  std::string email = field(req, "email", 300);
  std::string password = raw_field(req, "password");
  std::string next = safe_next(field(req, "next", 2000));
  auto result = app_.auth().login(req, email, password.substr(0, kMaxPasswordBytes));
  if (!result) return app_.error_page(req, 503);
  if (result->outcome == Auth::LoginOutcome::ok) {
    Response r = App::redirect(next);
    r.header("Set-Cookie", app_.auth().session_cookie(result->session.raw_id));
    return r;
  }
  Data d{Data::type::object};
  d.set("csrf", app_.auth().csrf_for(req));
  d.set("email", email);
  d.set("next", next);
  std::string message;
  if (result->outcome == Auth::LoginOutcome::throttled) {
    message = std::string(app_.renderer().text(req.lang, "account.login.throttled"));
    auto p = message.find("{{seconds}}");
    if (p != std::string::npos) message.replace(p, 11, std::to_string(result->retry_after.count()));
  } else {
    message = std::string(app_.renderer().text(req.lang, "account.login.failed"));
  }
  d.set("failure", message);
  Response r = app_.page(req, "login", "account.login.title", d);
  if (result->outcome == Auth::LoginOutcome::throttled) {
    r.status = 429;
    r.header("Retry-After", std::to_string(result->retry_after.count()));
  } else {
    r.status = 401;
  }
  return r;
}

Response AccountPages::logout(const Request& req) {
  (void)app_.auth().logout(req);
  Response r = App::redirect("/");
  r.header("Set-Cookie", app_.auth().clear_session_cookie());
  return r;
}

// ---- the user's own account ----------------------------------------------

Response AccountPages::me(const Request& req) {
  const auto& p = *req.principal;
  Data d{Data::type::object};
  d.set("csrf", p.csrf_token);
  d.set("name", p.display_name);
  d.set("email", p.email);
  d.set("organisation", p.organisation_name);
  d.set("role",
        std::string(app_.renderer().text(req.lang, "role." + std::string(to_string(p.role)))));
  if (auto done = req.query_param("ok"); done == "passord") {
    d.set("notice", std::string(app_.renderer().text(req.lang, "account.me.password_changed")));
  }
  return app_.page(req, "me", "account.me.title", d);
}

Response AccountPages::me_export(const Request& req) {
  const auto& p = *req.principal;
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto user = accounts.user(p.organisation_id, p.user_id);
  if (!user) return app_.error_page(req, status_for(user.error().code));
  store::AuditLog audit(app_.db(), app_.clock());
  auto entries = audit.for_user(p.organisation_id, p.user_id);
  if (!entries) return app_.error_page(req, 503);
  nlohmann::json j;
  j["format"] = "samskap-personal-data/1";
  j["exported_at"] = iso(app_.clock().now());
  j["user"] = {{"id", user->id},
               {"name", user->display_name},
               {"email", user->email},
               {"role", to_string(user->role)},
               {"status", to_string(user->status)},
               {"created_at", iso(user->created_at)}};
  j["organisation"] = {{"id", p.organisation_id}, {"name", p.organisation_name}};
  auto units = accounts.user_units(p.organisation_id, p.user_id);  // the units I belong to
  if (!units) return app_.error_page(req, 503);
  j["units"] = nlohmann::json::array();
  for (const auto& u : *units)
    j["units"].push_back({{"id", u.id}, {"name", u.name}});
  j["activity"] = nlohmann::json::array();
  for (const auto& e : *entries)
    j["activity"].push_back({{"at", iso(e.at)},
                             {"action", e.action},
                             {"object_type", e.object_type},
                             {"object_id", e.object_id},
                             {"by_me", e.actor_user_id == p.user_id}});
  auto mi = mi_analyses_export_json(app_, p.organisation_id, p.user_id);  // saved MI analyses
  if (!mi) return app_.error_page(req, 503);
  j["mi_analyses"] = nlohmann::json::parse(*mi);
  (void)audit.record(p.organisation_id, p.user_id, "personal_data_exported", "user", p.user_id);
  Response r;
  r.content_type = "application/json; charset=utf-8";
  r.header("Content-Disposition", "attachment; filename=\"samskap-mine-data.json\"");
  r.header("Cache-Control", "no-store");
  r.body = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response AccountPages::me_password(const Request& req) {
  const auto& p = *req.principal;
  store::AccountRepository accounts(app_.db(), app_.clock());
  FormErrors errors;
  std::string current = raw_field(req, "current");
  std::string password = raw_field(req, "password");
  std::string password2 = raw_field(req, "password2");
  auto rec = accounts.find_for_login(p.email);
  if (!rec) return app_.error_page(req, status_for(rec.error().code));
  if (current.size() > kMaxPasswordBytes || !store::verify_password(rec->password_hash, current))
    errors.add(app_, req, "current", "account.error.current_password_wrong");
  auto pw = check_new_password(password, p.email, content::common_passwords());
  if (!pw)
    errors.add(app_, req, "password", pw.error().message_key);
  else if (password != password2)
    errors.add(app_, req, "password2", "account.error.password_mismatch");
  if (errors.any) {
    Data d{Data::type::object};
    d.set("csrf", p.csrf_token);
    d.set("name", p.display_name);
    d.set("email", p.email);
    d.set("organisation", p.organisation_name);
    d.set("role",
          std::string(app_.renderer().text(req.lang, "role." + std::string(to_string(p.role)))));
    errors.into(d);
    Response r = app_.page(req, "me", "account.me.title", d);
    r.status = 422;
    return r;
  }
  auto st =
      accounts.set_password_hash(p.organisation_id, p.user_id, store::hash_password(password));
  if (!st) return app_.error_page(req, status_for(st.error().code));
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "password_changed", "user", p.user_id);
  return App::redirect("/meg?ok=passord");
}

Response AccountPages::me_logout_everywhere(const Request& req) {
  const auto& p = *req.principal;
  store::SessionRepository sessions(app_.db(), app_.clock());
  auto n = sessions.destroy_all(p.organisation_id, p.user_id);
  if (!n) return app_.error_page(req, 503);
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "logged_out_everywhere", "user", p.user_id,
              std::to_string(*n) + " sessions");
  Response r = App::redirect("/logg-inn");
  r.header("Set-Cookie", app_.auth().clear_session_cookie());
  return r;
}

// ---- administration ------------------------------------------------------

namespace {
Data user_rows(const App& app, const Request& req, const std::vector<store::User>& users) {
  Data rows{Data::type::list};
  for (const auto& u : users) {
    Data row{Data::type::object};
    row.set("id", u.id);
    row.set("name", u.display_name);
    row.set("email", u.email);
    row.set("status", std::string(app.renderer().text(
                          req.lang, "account.status." + std::string(to_string(u.status)))));
    row.set("is_self", bool_data(u.id == req.principal->user_id));
    row.set("is_invited", bool_data(u.status == store::UserStatus::invited));
    row.set("can_change",
            bool_data(u.id != req.principal->user_id && u.status != store::UserStatus::anonymised));
    Data roles{Data::type::list};
    for (Role r : {Role::administrator, Role::prosessveileder, Role::leder, Role::deltaker}) {
      Data o{Data::type::object};
      o.set("value", std::string(to_string(r)));
      o.set("label",
            std::string(app.renderer().text(req.lang, "role." + std::string(to_string(r)))));
      o.set("selected", bool_data(r == u.role));
      roles.push_back(o);
    }
    row.set("roles", roles);
    row.set("role",
            std::string(app.renderer().text(req.lang, "role." + std::string(to_string(u.role)))));
    rows.push_back(row);
  }
  return rows;
}
}  // namespace

Response AccountPages::users(const Request& req) {
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto list = accounts.users(req.principal->organisation_id);
  if (!list) return app_.error_page(req, 503);
  Data d{Data::type::object};
  d.set("csrf", req.principal->csrf_token);
  d.set("users", user_rows(app_, req, *list));
  d.set("organisation", req.principal->organisation_name);
  d.set("role_deltaker", bool_data(true));
  if (auto link = req.query_param("lenke"); !link.empty()) {
    // Only our own invitation paths are shown (never an arbitrary URL).
    std::string path(link);
    if (path.starts_with("/invitasjon/") && path.size() < 100)
      d.set("invitation_link", app_.options().public_url + path);
  }
  // ?sendt=USER: the invitation to one of the organisation's users was queued
  // as e-mail; the address shown comes from the store, not from the query.
  if (auto sent = req.query_param("sendt"); !sent.empty() && sent.size() < 100) {
    for (const auto& u : *list)
      if (u.id == sent)
        d.set("mail_sent", mail::fill_placeholders(
                               std::string(app_.renderer().text(req.lang, "mail.admin.sent")),
                               {{"email", u.email}}));
  }
  // E-mail that did not arrive (issue 13): the newest failure per recipient.
  if (auto problems =
          store::MailQueue(app_.db(), app_.clock()).problems(req.principal->organisation_id);
      problems && !problems->empty()) {
    Data rows{Data::type::list};
    for (const auto& m : *problems) {
      Data row{Data::type::object};
      row.set("to", m.to);
      row.set("state", std::string(app_.renderer().text(
                           req.lang, m.status == "failed" ? "mail.admin.failed_final"
                                                          : "mail.admin.failed_retrying")));
      row.set("reason", m.last_error);
      row.set("attempts", std::to_string(m.attempts));
      rows.push_back(row);
    }
    d.set("mail_problems", rows);
    d.set("has_mail_problems", bool_data(true));
  }
  return app_.page(req, "admin_users", "account.admin.title", d);
}

Response AccountPages::invite(const Request& req) {
  const auto& p = *req.principal;
  store::AccountRepository accounts(app_.db(), app_.clock());
  FormErrors errors;
  std::string name = field(req, "name", 300);
  std::string email_in = field(req, "email", 300);
  auto role = parse_role(field(req, "role", 40));
  if (name.empty())
    errors.add(app_, req, "name", "account.error.name_required");
  else if (name.size() > 200)
    errors.add(app_, req, "name", "account.error.too_long");
  auto email = normalise_email(email_in);
  if (!email) errors.add(app_, req, "email", email.error().message_key);
  if (!role) errors.add(app_, req, "role", "account.error.role_required");
  Result<store::User> user = Error{};
  if (!errors.any) {
    user = accounts.create_user(p.organisation_id, *email, name, *role);
    if (!user && user.error().code == ErrorCode::conflict)
      errors.add(app_, req, "email", "account.error.email_taken");
    else if (!user)
      return app_.error_page(req, status_for(user.error().code));
  }
  if (errors.any) {
    auto list = accounts.users(p.organisation_id);
    if (!list) return app_.error_page(req, 503);
    Data d{Data::type::object};
    d.set("csrf", p.csrf_token);
    d.set("users", user_rows(app_, req, *list));
    d.set("organisation", p.organisation_name);
    d.set("invite_name", name);
    d.set("invite_email", email_in);
    for (Role r : {Role::administrator, Role::prosessveileder, Role::leder, Role::deltaker})
      d.set("role_" + std::string(to_string(r)),
            bool_data(role ? *role == r : r == Role::deltaker));
    errors.into(d);
    Response r = app_.page(req, "admin_users", "account.admin.title", d);
    r.status = 422;
    return r;
  }
  store::OneTimeTokenRepository tokens(app_.db(), app_.clock());
  auto token = tokens.issue(TokenKind::invitation, p.organisation_id, user->id, kInvitationTtl);
  if (!token) return app_.error_page(req, 503);
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "user_invited", "user", user->id,
              std::string(to_string(*role)));
  return after_invitation(req, *user, *token);
}

// With e-mail on, the invitation is queued in the administrator's language
// and the page says where it went; without, the page shows the link to hand
// over (issue 13).
Response AccountPages::after_invitation(const Request& req, const store::User& user,
                                        const std::string& token) {
  const auto& p = *req.principal;
  if (!app_.outbox().enabled()) return App::redirect("/admin/brukere?lenke=/invitasjon/" + token);
  auto days = std::chrono::duration_cast<std::chrono::hours>(kInvitationTtl).count() / 24;
  auto queued =
      app_.outbox().invitation(req.lang, p.organisation_id, user.id, user.email, user.display_name,
                               p.organisation_name, token, static_cast<int>(days));
  if (!queued) {
    spdlog::warn("invitation e-mail to user {} not queued: {}", user.id, queued.error().detail);
    return App::redirect("/admin/brukere?lenke=/invitasjon/" + token);
  }
  app_.mail_queued();
  return App::redirect("/admin/brukere?sendt=" + user.id);
}

Response AccountPages::change_role(const Request& req) {
  const auto& p = *req.principal;
  const std::string& id = req.route.at("id");
  if (id == p.user_id)
    return app_.message_page(req, 400, "account.admin.title", "account.error.own_role");
  auto role = parse_role(field(req, "role", 40));
  if (!role)
    return app_.message_page(req, 400, "account.admin.title", "account.error.role_required");
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto before = accounts.user(p.organisation_id, id);
  if (!before) return app_.error_page(req, status_for(before.error().code));
  auto st = accounts.set_role(p.organisation_id, id, *role);
  if (!st && st.error().code == ErrorCode::invalid_input)  // e.g. an anonymised user
    return app_.message_page(req, 409, "account.admin.title", st.error().message_key);
  if (!st) return app_.error_page(req, status_for(st.error().code));
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "role_changed", "user", id,
              std::string(to_string(before->role)) + " -> " + std::string(to_string(*role)));
  return App::redirect("/admin/brukere");
}

Response AccountPages::deactivate(const Request& req) {
  const auto& p = *req.principal;
  const std::string& id = req.route.at("id");
  if (id == p.user_id)
    return app_.message_page(req, 400, "account.admin.title", "account.error.own_account");
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto st = accounts.set_status(p.organisation_id, id, store::UserStatus::disabled);
  if (!st && st.error().code == ErrorCode::invalid_input)  // e.g. an anonymised user
    return app_.message_page(req, 409, "account.admin.title", st.error().message_key);
  if (!st) return app_.error_page(req, status_for(st.error().code));
  (void)store::SessionRepository(app_.db(), app_.clock()).destroy_all(p.organisation_id, id);
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "user_disabled", "user", id);
  return App::redirect("/admin/brukere");
}

Response AccountPages::anonymise(const Request& req) {
  const auto& p = *req.principal;
  const std::string& id = req.route.at("id");
  if (id == p.user_id)
    return app_.message_page(req, 400, "account.admin.title", "account.error.own_account");
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto st = accounts.anonymise(p.organisation_id, id);
  if (!st) return app_.error_page(req, status_for(st.error().code));
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "user_anonymised", "user", id);
  return App::redirect("/admin/brukere");
}

Response AccountPages::reinvite(const Request& req) {
  const auto& p = *req.principal;
  const std::string& id = req.route.at("id");
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto user = accounts.user(p.organisation_id, id);
  if (!user) return app_.error_page(req, status_for(user.error().code));
  if (user->status != store::UserStatus::invited)
    return app_.message_page(req, 409, "account.admin.title", "account.error.not_invited");
  auto token = store::OneTimeTokenRepository(app_.db(), app_.clock())
                   .issue(TokenKind::invitation, p.organisation_id, id, kInvitationTtl);
  if (!token) return app_.error_page(req, 503);
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "user_reinvited", "user", id);
  return after_invitation(req, *user, *token);
}

Response AccountPages::audit(const Request& req) {
  const auto& p = *req.principal;
  std::int64_t before = 0;
  if (auto b = req.query_param("for"); !b.empty()) {
    try {
      std::size_t used = 0;
      before = std::stoll(std::string(b), &used);
      if (used != b.size() || before < 0) return app_.error_page(req, 400);
    } catch (...) {
      return app_.error_page(req, 400);
    }
  }
  constexpr int kPage = 50;
  auto entries =
      store::AuditLog(app_.db(), app_.clock()).list(p.organisation_id, kPage + 1, before);
  if (!entries) return app_.error_page(req, 503);
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto users = accounts.users(p.organisation_id);
  std::map<std::string, std::string> names;
  if (users)
    for (const auto& u : *users)
      names[u.id] = u.display_name;
  Data rows{Data::type::list};
  std::int64_t last = 0;
  for (std::size_t i = 0; i < entries->size() && i < static_cast<std::size_t>(kPage); ++i) {
    const auto& e = (*entries)[i];
    Data row{Data::type::object};
    row.set("at", iso(e.at));
    row.set("actor",
            e.actor_user_id.empty()
                ? std::string(app_.renderer().text(req.lang, "account.audit.system"))
                : (names.count(e.actor_user_id) ? names[e.actor_user_id] : e.actor_user_id));
    row.set("action", std::string(app_.renderer().text(req.lang, "audit." + e.action)));
    row.set("object",
            e.object_type == "user" && names.count(e.object_id) ? names[e.object_id] : e.object_id);
    row.set("detail", e.detail);
    rows.push_back(row);
    last = e.id;
  }
  Data d{Data::type::object};
  d.set("entries", rows);
  d.set("empty", bool_data(entries->empty()));
  if (entries->size() > static_cast<std::size_t>(kPage))
    d.set("older", "/admin/revisjon?for=" + std::to_string(last));
  return app_.page(req, "admin_audit", "account.audit.title", d);
}

// ---- units ------------------------------------------------------------------

namespace {
Response units_page(const App& app, const Request& req, const FormErrors* errors,
                    const std::string& typed) {
  auto& mapp = const_cast<App&>(app);
  auto list =
      store::AccountRepository(mapp.db(), app.clock()).units(req.principal->organisation_id);
  if (!list) return app.error_page(req, 503);
  Data rows{Data::type::list};
  for (const auto& u : *list) {
    Data row{Data::type::object};
    row.set("name", u.name);
    rows.push_back(row);
  }
  Data d{Data::type::object};
  d.set("csrf", req.principal->csrf_token);
  d.set("organisation", req.principal->organisation_name);
  d.set("units", rows);
  d.set("empty", bool_data(list->empty()));
  d.set("unit_name", typed);
  if (errors) errors->into(d);
  Response r = app.page(req, "admin_units", "account.units.title", d);
  if (errors && errors->any) r.status = 422;
  return r;
}
}  // namespace

Response AccountPages::units(const Request& req) {
  return units_page(app_, req, nullptr, {});
}

Response AccountPages::create_unit(const Request& req) {
  const auto& p = *req.principal;
  FormErrors errors;
  std::string name = field(req, "name", 300);
  if (name.empty() || name.size() > 200) {
    errors.add(app_, req, "name", "account.error.unit_name_invalid");
    return units_page(app_, req, &errors, name);
  }
  auto unit =
      store::AccountRepository(app_.db(), app_.clock()).create_unit(p.organisation_id, name);
  if (!unit && unit.error().code == ErrorCode::conflict) {
    errors.add(app_, req, "name", "account.error.unit_exists");
    return units_page(app_, req, &errors, name);
  }
  if (!unit) {
    if (unit.error().code == ErrorCode::invalid_input) {
      errors.add(app_, req, "name", "account.error.unit_name_invalid");
      return units_page(app_, req, &errors, name);
    }
    return app_.error_page(req, status_for(unit.error().code));
  }
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(p.organisation_id, p.user_id, "unit_created", "unit", unit->id, unit->name);
  return App::redirect("/admin/enheter");
}

// ---- invitations and password resets -------------------------------------

Response AccountPages::token_form(const Request& req, int kind_int) {
  auto kind = static_cast<TokenKind>(kind_int);
  const char* title =
      kind == TokenKind::invitation ? "account.invitation.title" : "account.reset.title";
  store::OneTimeTokenRepository tokens(app_.db(), app_.clock());
  auto t = tokens.peek(kind, req.route.at("token"));
  if (!t)
    return app_.message_page(req, link_error_status(t.error()), title, link_error_key(t.error()));
  auto user =
      store::AccountRepository(app_.db(), app_.clock()).user(t->organisation_id, t->user_id);
  if (!user) return app_.message_page(req, 404, title, "account.error.link_unknown");
  Response cookie;
  Data d{Data::type::object};
  d.set("csrf", app_.auth().ensure_csrf_cookie(req, cookie));
  d.set("name", user->display_name);
  d.set("email", user->email);
  d.set("action", req.path);
  d.set("intro", std::string(app_.renderer().text(req.lang, kind == TokenKind::invitation
                                                                ? "account.invitation.intro"
                                                                : "account.reset.intro")));
  Response r = app_.page(req, "set_password", title, d);
  r.headers.insert(r.headers.end(), cookie.headers.begin(), cookie.headers.end());
  return r;
}

Response AccountPages::token_submit(const Request& req, int kind_int) {
  auto kind = static_cast<TokenKind>(kind_int);
  const char* title =
      kind == TokenKind::invitation ? "account.invitation.title" : "account.reset.title";
  store::OneTimeTokenRepository tokens(app_.db(), app_.clock());
  auto t = tokens.peek(kind, req.route.at("token"));
  if (!t)
    return app_.message_page(req, link_error_status(t.error()), title, link_error_key(t.error()));
  store::AccountRepository accounts(app_.db(), app_.clock());
  auto user = accounts.user(t->organisation_id, t->user_id);
  if (!user) return app_.message_page(req, 404, title, "account.error.link_unknown");
  FormErrors errors;
  std::string password = raw_field(req, "password");
  auto pw = check_new_password(password, user->email, content::common_passwords());
  if (!pw)
    errors.add(app_, req, "password", pw.error().message_key);
  else if (password != raw_field(req, "password2"))
    errors.add(app_, req, "password2", "account.error.password_mismatch");
  if (errors.any) {
    Data d{Data::type::object};
    d.set("csrf", app_.auth().csrf_for(req));
    d.set("name", user->display_name);
    d.set("email", user->email);
    d.set("action", req.path);
    errors.into(d);
    Response r = app_.page(req, "set_password", title, d);
    r.status = 422;
    return r;
  }
  const std::string hash = store::hash_password(password);
  auto redeemed = tokens.redeem(kind, req.route.at("token"));
  if (!redeemed)
    return app_.message_page(req, link_error_status(redeemed.error()), title,
                             link_error_key(redeemed.error()));
  auto st = accounts.set_password_hash(t->organisation_id, t->user_id, hash);
  if (!st) return app_.error_page(req, status_for(st.error().code));
  (void)store::SessionRepository(app_.db(), app_.clock())
      .destroy_all(t->organisation_id, t->user_id);
  (void)store::AuditLog(app_.db(), app_.clock())
      .record(t->organisation_id, t->user_id,
              kind == TokenKind::invitation ? "invitation_accepted" : "password_reset", "user",
              t->user_id);
  return sign_in_and_go(req, t->organisation_id, t->user_id, "/");
}

Response AccountPages::sign_in_and_go(const Request& req, const std::string& org,
                                      const std::string& user_id, std::string location) {
  auto session = app_.auth().start_session(req, org, user_id);
  if (!session) return app_.error_page(req, 503);
  Response r = App::redirect(std::move(location));
  r.header("Set-Cookie", app_.auth().session_cookie(session->raw_id));
  return r;
}

Response AccountPages::api_me(const Request& req) {
  const auto& p = *req.principal;
  nlohmann::json j = {{"id", p.user_id},
                      {"name", p.display_name},
                      {"email", p.email},
                      {"role", to_string(p.role)},
                      {"organisation", {{"id", p.organisation_id}, {"name", p.organisation_name}}}};
  Response r;
  r.content_type = "application/json";
  r.header("Cache-Control", "no-store");
  r.body = j.dump();
  return r;
}

}  // namespace samskap::web
