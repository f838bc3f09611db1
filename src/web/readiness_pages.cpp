#include "web/readiness_pages.hpp"

#include <qrencode.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "content/knowledge_base.hpp"
#include "core/readiness.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/readiness.hpp"
#include "store/secrets.hpp"
#include "web/auth.hpp"
#include "web/forms.hpp"
#include "web/initiative_common.hpp"

namespace samskap::web {

namespace {

namespace rd = samskap::readiness;

constexpr std::string_view kTab = "innsjekk";
// The phone's random per-round token: a cookie per join code, sent only to
// that code's pages. It links repeated answers from one phone (the later
// replaces the earlier) and nothing else; the store keeps only a hash of it.
constexpr std::string_view kDeviceCookie = "samskap_innsjekk_";
constexpr int kDeviceCookieDays = 90;

Data flag(bool b) {
  return b ? Data::type::bool_true : Data::type::bool_false;
}

std::string text(const App& app, const Request& req, std::string_view key) {
  return std::string(app.renderer().text(req.lang, key));
}

std::string param(const Request& req, std::string_view name) {
  auto it = req.route.find(name);
  return it == req.route.end() ? std::string{} : it->second;
}

// Replaces "{{name}}" in a catalogue text (the catalogue's placeholders).
std::string fill(std::string s, std::string_view name, const std::string& value) {
  const std::string token = "{{" + std::string(name) + "}}";
  for (auto p = s.find(token); p != std::string::npos; p = s.find(token, p + value.size()))
    s.replace(p, token.size(), value);
  return s;
}

std::string public_base(const App& app) {
  std::string base = app.options().public_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base;
}

std::string short_link(const App& app, const std::string& code) {
  return public_base(app) + "/i/" + code;
}

std::string round_path(const std::string& initiative_id, const std::string& round_id) {
  return initiative_path(initiative_id, kTab) + "/" + round_id;
}

bool can_change(const Request& req) {
  return req.principal && allows(req.principal->role, Permission::manage_initiatives);
}

void audit(App& app, const Request& req, const store::Initiative& i, const std::string& action,
           const std::string& round_id) {
  (void)store::AuditLog(app.db(), app.clock())
      .record(i.organisation_id, req.principal ? req.principal->user_id : std::string{}, action,
              "readiness_round", round_id, "initiative " + i.id);
}

std::optional<Response> load(App& app, const Request& req, store::Initiative& out) {
  auto i = store::InitiativeRepository(app.db(), app.clock()).get(actor_of(req), param(req, "id"));
  if (!i) return store_error_page(app, req, i.error());
  out = std::move(*i);
  return std::nullopt;
}

void add_notice(const App& app, const Request& req, Data& d) {
  static constexpr std::pair<std::string_view, std::string_view> kNotices[] = {
      {"opprettet", "checkin.notice.created"},
      {"lukket", "checkin.notice.closed"},
      {"apnet", "checkin.notice.reopened"},
      {"antall", "checkin.notice.invited"},
  };
  const auto m = req.query_param("melding");
  for (const auto& [word, key] : kNotices)
    if (m == word) d.set("notice", text(app, req, key));
}

std::string date_text(SystemTime t, Language lang) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  initiative::Date d{static_cast<int>(ymd.year()), static_cast<int>(unsigned(ymd.month())),
                     static_cast<int>(unsigned(ymd.day()))};
  return initiative::format_date(d, lang);
}

// The units' names, each with its head count when one was given.
Data units_text_list(const App& app, const Request& req,
                     const std::vector<store::RoundUnit>& units) {
  Data list{Data::type::list};
  for (const auto& u : units) {
    Data o{Data::type::object};
    std::string name = u.name;
    if (u.invited) {
      std::string count(text(app, req, "checkin.round.invited_count"));
      const auto at = count.find("{{n}}");
      if (at != std::string::npos) count.replace(at, 5, std::to_string(*u.invited));
      name += " (" + count + ")";
    }
    o.set("name", name);
    list.push_back(o);
  }
  return list;
}

// A round's answer count as the facilitator sees it: 0, or the count once it
// reaches the minimum group size; in between only "fewer than 5", so the
// lists tell no more about a small group than the dashboard does (which
// hides such a round entirely).
std::string answers_text(const App& app, const Request& req, int count) {
  const int m = readiness::effective_min_group(app.options().min_group_size);
  if (count <= 0 || count >= m) return std::to_string(std::max(count, 0));
  std::string few(text(app, req, "checkin.round.answers_few"));
  const auto at = few.find("{{n}}");
  if (at != std::string::npos) few.replace(at, 5, std::to_string(m));
  return few;
}

// A whole number 0..max as typed ("40", " 1 200 "); nullopt for anything else
// (signs, decimals, letters, too many digits).
std::optional<int> whole_count(std::string_view typed, int max) {
  std::string digits;
  for (char c : typed) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || digits.size() >= 7) return std::nullopt;
    digits += c;
  }
  if (digits.empty()) return std::nullopt;
  const int n = std::stoi(digits);
  if (n > max) return std::nullopt;
  return n;
}

// ------------------------------------------------------------------ QR

}  // namespace

std::string qr_svg(const std::string& text_to_encode, const std::string& label) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString8bit(text_to_encode.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!qr || qr->width <= 0) return {};
  const int w = qr->width;
  const int quiet = 4;
  const int size = w + 2 * quiet;
  std::string path;
  for (int y = 0; y < w; ++y) {
    int x = 0;
    while (x < w) {
      if ((qr->data[y * w + x] & 1) == 0) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < w && (qr->data[y * w + x + run] & 1) != 0)
        ++run;
      path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h" +
              std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  const std::string s = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 " + s + " " + s +
         "\" role=\"img\" aria-label=\"" + html_escape(label) +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + s + "\" height=\"" + s +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

namespace {

// ------------------------------------------------------------------ facilitator

// The head counts as typed on the round page (unit id → text), with errors.
struct InvitedForm {
  std::map<std::string, std::string> typed;
  bool sent = false;
  FormErrors errors;
};

// Reads "antall_<unit id>" fields: each non-empty one must be a whole
// number 0..kMaxInvited of one of `allowed` (the form's units).
std::map<std::string, int> read_invited(const App& app, const Request& req,
                                        const std::vector<std::string>& allowed,
                                        std::map<std::string, std::string>& typed_out,
                                        FormErrors& errors) {
  std::map<std::string, int> out;
  for (const auto& [name, value] : req.form) {
    if (!name.starts_with("antall_")) continue;
    const std::string unit = name.substr(7);
    const std::string typed = form_field(req, name, 50);
    if (typed.empty()) continue;
    typed_out[unit] = typed;
    const std::string field = "antall_" + unit;
    const auto n = whole_count(typed, store::kMaxInvited);
    if (!n)
      errors.add(app, req, field, "readiness.error.invited");
    else if (std::find(allowed.begin(), allowed.end(), unit) == allowed.end())
      errors.add(app, req, field, "readiness.error.invited_unchecked");
    else
      out[unit] = *n;
  }
  return out;
}

struct NewRoundForm {
  std::string title;
  std::vector<std::string> unit_ids;
  bool include_oric = false;
  std::map<std::string, std::string> invited;  // unit id → the head count as typed
  std::map<std::string, int> invited_counts;   // the valid ones, for ticked units
  FormErrors errors;
};

Response rounds_page(App& app, const Request& req, const store::Initiative& i,
                     const NewRoundForm& f, int status) {
  Data d = initiative_page_data(app, req, i, kTab);
  add_notice(app, req, d);
  auto rounds = store::ReadinessRepository(app.db(), app.clock()).rounds(actor_of(req), i.id);
  if (!rounds) return store_error_page(app, req, rounds.error());
  Data list{Data::type::list};
  for (const auto& r : *rounds) {
    Data o{Data::type::object};
    o.set("title", r.title);
    o.set("href", round_path(i.id, r.id));
    o.set("code", r.join_code);
    o.set("open", flag(r.open));
    o.set("status_label", text(app, req, r.open ? "checkin.status.open" : "checkin.status.closed"));
    o.set("answers", answers_text(app, req, r.answer_count));
    o.set("created", date_text(r.created_at, req.lang));
    o.set("units", units_text_list(app, req, r.units));
    o.set("has_units", flag(!r.units.empty()));
    list.push_back(o);
  }
  d.set("rounds", list);
  d.set("has_rounds", flag(!rounds->empty()));
  d.set("can_change", flag(can_change(req)));
  d.set("action", initiative_path(i.id, kTab));
  d.set("title_value", f.title);
  d.set("include_oric", flag(f.include_oric));
  // The organisation's units are the owner's business: an invited
  // collaborator from another organisation neither sees nor sets them.
  const bool show_units = !i.collaborating;
  d.set("show_units", flag(show_units));
  Data units{Data::type::list};
  if (show_units && can_change(req)) {
    auto all = store::AccountRepository(app.db(), app.clock()).units(i.organisation_id);
    if (!all) return store_error_page(app, req, all.error());
    for (const auto& u : *all) {
      Data o{Data::type::object};
      o.set("id", u.id);
      o.set("name", u.name);
      o.set("checked",
            flag(std::find(f.unit_ids.begin(), f.unit_ids.end(), u.id) != f.unit_ids.end()));
      auto typed = f.invited.find(u.id);
      set_text(o, "invited", typed == f.invited.end() ? std::string() : typed->second);
      const Data* err = f.errors.by_field.get("antall_" + u.id);
      set_text(o, "invited_error", err && err->is_string() ? err->string_value() : std::string());
      units.push_back(o);
    }
    d.set("has_org_units", flag(!all->empty()));
  } else {
    d.set("has_org_units", flag(false));
  }
  d.set("org_units", units);
  f.errors.into(d);
  Response resp = app.page_titled(req, "readiness_rounds",
                                  text(app, req, "checkin.rounds.title") + " – " + i.title, d);
  resp.status = status;
  return resp;
}

Response rounds_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  return rounds_page(app, req, i, NewRoundForm{}, 200);
}

Response round_create(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  NewRoundForm f;
  f.title = form_field(req, "tittel", 1000);
  f.include_oric = form_checked(req, "oric");
  if (!i.collaborating) {
    // One checkbox per unit ("enhet_<id>"): a form's repeated names would
    // keep only the last value.
    for (const auto& [name, value] : req.form)
      if (name.starts_with("enhet_") && !value.empty()) f.unit_ids.push_back(name.substr(6));
    // The head count beside each unit ("antall_<id>"), optional.
    f.invited_counts = read_invited(app, req, f.unit_ids, f.invited, f.errors);
  }
  if (f.title.empty() || f.title.size() > store::kRoundTitleMaxBytes)
    f.errors.add(app, req, "tittel", "readiness.error.title");
  if (f.errors.any) return rounds_page(app, req, i, f, 400);
  store::RoundDraft draft;
  draft.title = f.title;
  draft.unit_ids = f.unit_ids;
  draft.include_oric = f.include_oric;
  draft.invited = f.invited_counts;
  auto r =
      store::ReadinessRepository(app.db(), app.clock()).create_round(actor_of(req), i.id, draft);
  if (!r) {
    if (r.error().code != ErrorCode::invalid_input) return store_error_page(app, req, r.error());
    const bool units_error = r.error().message_key == "readiness.error.units" ||
                             r.error().message_key == "readiness.error.invited";
    f.errors.add(app, req, units_error ? "enheter" : "tittel", r.error().message_key);
    return rounds_page(app, req, i, f, 400);
  }
  audit(app, req, i, "readiness.round_created", r->id);
  return App::redirect(round_path(i.id, r->id) + "?melding=opprettet");
}

Response round_page(App& app, const Request& req, const store::Initiative& i,
                    const store::ReadinessRound* found, const InvitedForm& f, int status) {
  std::optional<store::ReadinessRound> loaded;
  if (!found) {
    auto got = store::ReadinessRepository(app.db(), app.clock())
                   .round(actor_of(req), i.id, param(req, "round"));
    if (!got) return store_error_page(app, req, got.error());
    loaded = std::move(*got);
    found = &*loaded;
  }
  const store::ReadinessRound* r = found;
  Data d = initiative_page_data(app, req, i, kTab);
  add_notice(app, req, d);
  const std::string link = short_link(app, r->join_code);
  Data round{Data::type::object};
  round.set("title", r->title);
  round.set("code", r->join_code);
  round.set("link", link);
  round.set("open", flag(r->open));
  round.set("status_label",
            text(app, req, r->open ? "checkin.status.open" : "checkin.status.closed"));
  round.set("answers", answers_text(app, req, r->answer_count));
  round.set("created", date_text(r->created_at, req.lang));
  round.set("include_oric", flag(r->include_oric));
  round.set("units", units_text_list(app, req, r->units));
  round.set("has_units", flag(!r->units.empty()));
  round.set("version", std::to_string(r->version));
  const std::string base = round_path(i.id, r->id);
  round.set("status_action", base + "/status");
  round.set("qr_href", base + "/qr.svg");
  round.set("poster_href", base + "/plakat");
  round.set("back_href", initiative_path(i.id, kTab));
  d.set("round", round);
  d.set("qr", qr_svg(link, fill(text(app, req, "checkin.round.qr_label"), "link", link)));
  d.set("can_change", flag(can_change(req)));
  // The head counts: the owner's business, like choosing the units.
  const bool can_set_invited = can_change(req) && !i.collaborating && !r->units.empty();
  d.set("can_set_invited", flag(can_set_invited));
  if (can_set_invited) {
    Data units{Data::type::list};
    for (const auto& u : r->units) {
      Data o{Data::type::object};
      o.set("id", u.id);
      o.set("name", u.name);
      auto typed = f.typed.find(u.id);
      set_text(o, "value",
               f.sent ? (typed == f.typed.end() ? std::string() : typed->second)
                      : (u.invited ? std::to_string(*u.invited) : std::string()));
      const Data* err = f.errors.by_field.get("antall_" + u.id);
      set_text(o, "error", err && err->is_string() ? err->string_value() : std::string());
      units.push_back(o);
    }
    d.set("invited_units", units);
    d.set("invited_action", base + "/antall");
  }
  f.errors.into(d);
  Response resp = app.page_titled(req, "readiness_round", r->title + " – " + i.title, d);
  resp.status = status;
  return resp;
}

Response round_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  return round_page(app, req, i, nullptr, InvitedForm{}, 200);
}

Response round_invited(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  if (i.collaborating) return app.error_page(req, 403);
  const auto version = parse_int(form_field(req, "version", 20));
  if (!version) return app.error_page(req, 400);
  store::ReadinessRepository repo(app.db(), app.clock());
  auto current = repo.round(actor_of(req), i.id, param(req, "round"));
  if (!current) return store_error_page(app, req, current.error());
  std::vector<std::string> allowed;
  for (const auto& u : current->units)
    allowed.push_back(u.id);
  InvitedForm f;
  f.sent = true;
  const auto invited = read_invited(app, req, allowed, f.typed, f.errors);
  if (f.errors.any) return round_page(app, req, i, &*current, f, 400);
  auto r = repo.set_invited(actor_of(req), i.id, current->id, *version, invited);
  if (!r) {
    if (r.error().code != ErrorCode::invalid_input) return store_error_page(app, req, r.error());
    f.errors.add(app, req, "antall_" + (allowed.empty() ? std::string() : allowed.front()),
                 r.error().message_key);
    return round_page(app, req, i, &*current, f, 400);
  }
  audit(app, req, i, "readiness.round_invited", r->id);
  return App::redirect(round_path(i.id, r->id) + "?melding=antall");
}

Response round_qr(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  auto r = store::ReadinessRepository(app.db(), app.clock())
               .round(actor_of(req), i.id, param(req, "round"));
  if (!r) return store_error_page(app, req, r.error());
  const std::string link = short_link(app, r->join_code);
  Response resp;
  resp.content_type = "image/svg+xml";
  resp.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
              qr_svg(link, fill(text(app, req, "checkin.round.qr_label"), "link", link));
  resp.header("Cache-Control", "private, no-store");
  resp.header("Content-Disposition", "inline; filename=\"innsjekk-" + r->join_code + ".svg\"");
  return resp;
}

Response round_poster(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  auto r = store::ReadinessRepository(app.db(), app.clock())
               .round(actor_of(req), i.id, param(req, "round"));
  if (!r) return store_error_page(app, req, r.error());
  const std::string link = short_link(app, r->join_code);
  Data d{Data::type::object};
  d.set("title", r->title);
  d.set("initiative_title", i.title);
  d.set("link", link);
  d.set("code", r->join_code);
  d.set("open", flag(r->open));
  d.set("back_href", round_path(i.id, r->id));
  d.set("qr", qr_svg(link, fill(text(app, req, "checkin.round.qr_label"), "link", link)));
  return app.page_titled(req, "readiness_poster", r->title, d);
}

Response round_status(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  const auto version = parse_int(form_field(req, "version", 20));
  const std::string action = form_field(req, "handling", 20);
  if (!version || (action != "lukk" && action != "apne")) return app.error_page(req, 400);
  const bool open = action == "apne";
  const std::string round_id = param(req, "round");
  auto r = store::ReadinessRepository(app.db(), app.clock())
               .set_open(actor_of(req), i.id, round_id, *version, open);
  if (!r) return store_error_page(app, req, r.error());
  audit(app, req, i, open ? "readiness.round_reopened" : "readiness.round_closed", r->id);
  return App::redirect(round_path(i.id, r->id) + (open ? "?melding=apnet" : "?melding=lukket"));
}

// ------------------------------------------------------------------ participant

// The page for a code that leads nowhere: unknown (404) or closed (410),
// with a field to type another code.
Response code_page(App& app, const Request& req, int status, std::string_view message_key,
                   const std::string& typed) {
  Data d{Data::type::object};
  set_text(d, "message", message_key.empty() ? std::string{} : text(app, req, message_key));
  d.set("closed", flag(status == 410));
  d.set("typed", typed);
  Response resp = app.page_titled(req, "readiness_code", text(app, req, "checkin.code.title"), d);
  resp.status = status;
  return resp;
}

// What the participant sent (or nothing yet), for showing the form again.
struct AnswerForm {
  std::string unit_id;
  std::string staging;
  std::string importance;
  std::string confidence;
  std::string reflection;
  std::array<std::string, rd::kOricItems> oric;
  bool keep_code = false;
  std::string existing_code;
  FormErrors errors;
};

Data ruler(const std::string& name, const std::string& value) {
  Data list{Data::type::list};
  for (int n = 0; n <= 10; ++n) {
    Data o{Data::type::object};
    o.set("value", std::to_string(n));
    o.set("id", name + "-" + std::to_string(n));
    o.set("checked", flag(value == std::to_string(n)));
    list.push_back(o);
  }
  return list;
}

// The phone's token for this code: the cookie's, or a new one set on `resp`.
std::string device_token(App& app, const Request& req, const std::string& code, Response& resp) {
  return app.auth().device_token(req, resp, std::string(kDeviceCookie) + code, "/i/" + code,
                                 kDeviceCookieDays);
}

Response answer_page(App& app, const Request& req, const store::PublicRound& round,
                     const AnswerForm& f, int status) {
  Response resp;
  Data d{Data::type::object};
  d.set("csrf", app.auth().ensure_csrf_cookie(req, resp));
  (void)device_token(app, req, round.join_code, resp);
  d.set("action", "/i/" + round.join_code);
  d.set("code", round.join_code);
  d.set("title", round.title);
  d.set("initiative_title", round.initiative_title);
  // The unit: chosen when the round covers several; implied by one.
  Data units{Data::type::list};
  for (const auto& u : round.units) {
    Data o{Data::type::object};
    o.set("id", u.id);
    o.set("name", u.name);
    o.set("checked", flag(f.unit_id == u.id));
    units.push_back(o);
  }
  d.set("units", units);
  d.set("choose_unit", flag(round.units.size() > 1));
  set_text(d, "single_unit", round.units.size() == 1 ? round.units[0].id : std::string{});
  set_text(d, "single_unit_name", round.units.size() == 1 ? round.units[0].name : std::string{});
  Data staging{Data::type::list};
  for (auto a : rd::kStagingAnswers) {
    Data o{Data::type::object};
    const std::string slug(rd::slug(a));
    o.set("value", slug);
    o.set("id", "stadium-" + slug);
    o.set("label", text(app, req, rd::name_key(a)));
    o.set("checked", flag(f.staging == slug));
    staging.push_back(o);
  }
  d.set("staging", staging);
  d.set("importance", ruler("viktighet", f.importance));
  d.set("importance_skip", flag(f.importance.empty()));
  d.set("confidence", ruler("mestring", f.confidence));
  d.set("confidence_skip", flag(f.confidence.empty()));
  d.set("reflection", f.reflection);
  d.set("reflection_max", std::to_string(store::kReflectionMaxBytes));
  d.set("include_oric", flag(round.include_oric));
  if (round.include_oric) {
    Data items{Data::type::list};
    for (int n = 1; n <= rd::kOricItems; ++n) {
      const std::string name = "oric_" + std::to_string(n);
      const std::string& value = f.oric[static_cast<std::size_t>(n - 1)];
      Data item{Data::type::object};
      item.set("n", std::to_string(n));
      item.set("name", name);
      item.set("text", text(app, req, "readiness.oric.item." + std::to_string(n)));
      Data options{Data::type::list};
      for (int v = 1; v <= 5; ++v) {
        Data o{Data::type::object};
        o.set("value", std::to_string(v));
        o.set("id", name + "-" + std::to_string(v));
        o.set("label", text(app, req, "readiness.oric.scale." + std::to_string(v)));
        o.set("checked", flag(value == std::to_string(v)));
        options.push_back(o);
      }
      item.set("options", options);
      item.set("skip_checked", flag(value.empty()));
      items.push_back(item);
    }
    d.set("oric_items", items);
  }
  d.set("keep_code", flag(f.keep_code));
  d.set("existing_code", f.existing_code);
  f.errors.into(d);
  Response page = app.page_titled(req, "readiness_answer", round.title, d);
  page.status = status;
  for (auto& h : resp.headers)
    page.headers.push_back(std::move(h));
  return page;
}

// The public round of the route's code, or the page to show instead: a
// typed variant of the code goes to its canonical address; an unknown code
// is 404 and a closed round 410.
std::variant<store::PublicRound, Response> public_round(App& app, const Request& req) {
  const std::string raw = param(req, "code");
  const std::string code = store::normalise_join_code(raw);
  if (code.empty())
    return code_page(app, req, 404, "readiness.error.code_unknown", raw.substr(0, 40));
  if (code != raw && req.method == Method::get) return App::redirect("/i/" + code);
  auto r = store::ReadinessRepository(app.db(), app.clock()).public_round(code);
  if (!r) {
    if (r.error().code == ErrorCode::not_found)
      return code_page(app, req, 404, "readiness.error.code_unknown", code);
    return app.error_page(req, status_for(r.error().code));
  }
  if (!r->open) return code_page(app, req, 410, "readiness.error.round_closed", {});
  return std::move(*r);
}

Response code_entry(App& app, const Request& req) {
  const std::string typed(req.query_param("kode").substr(0, 40));
  if (typed.empty()) return code_page(app, req, 200, {}, {});
  const std::string code = store::normalise_join_code(typed);
  if (code.empty()) return code_page(app, req, 404, "readiness.error.code_unknown", typed);
  return App::redirect("/i/" + code);
}

Response answer_get(App& app, const Request& req) {
  auto r = public_round(app, req);
  if (auto* early = std::get_if<Response>(&r)) return std::move(*early);
  return answer_page(app, req, std::get<store::PublicRound>(r), AnswerForm{}, 200);
}

// The field a store error belongs to.
std::string field_of(std::string_view key) {
  static constexpr std::pair<std::string_view, std::string_view> kFields[] = {
      {"readiness.error.staging", "stadium"}, {"readiness.error.unit", "enhet"},
      {"readiness.error.ruler", "viktighet"}, {"readiness.error.oric", "oric"},
      {"readiness.error.text", "refleksjon"}, {"readiness.error.private_code", "privat_kode"},
      {"readiness.error.device", "stadium"},
  };
  for (const auto& [k, f] : kFields)
    if (k == key) return std::string(f);
  return "stadium";
}

// A ruler as sent: empty is skipped; anything but 0..10 is an error.
std::optional<int> ruler_value(const App& app, const Request& req, const std::string& field,
                               const std::string& value, FormErrors& errors) {
  if (value.empty()) return std::nullopt;
  auto n = parse_int(value);
  if (!n || *n > 10) {
    errors.add(app, req, field, "readiness.error.ruler");
    return std::nullopt;
  }
  return n;
}

// Feedback texts in the MI spirit with the participant's own numbers.
Data follow_ups(const App& app, const Request& req, std::optional<int> value) {
  Data list{Data::type::list};
  if (!value) return list;
  const std::string x = std::to_string(*value);
  auto add = [&](std::string s) {
    Data o{Data::type::object};
    o.set("text", std::move(s));
    list.push_back(o);
  };
  if (*value > 0) add(fill(text(app, req, "readiness.ruler.why_not_zero"), "x", x));
  if (*value < 10)
    add(fill(
        fill(text(app, req, "readiness.ruler.next_step"), "x_plus_1", std::to_string(*value + 1)),
        "x", x));
  return list;
}

Response feedback_page(App& app, const Request& req, const store::PublicRound& round,
                       const store::Submitted& done, std::optional<int> importance,
                       std::optional<int> confidence, const std::string& new_code, bool used_code,
                       Response cookies) {
  Data d{Data::type::object};
  d.set("title", round.title);
  d.set("initiative_title", round.initiative_title);
  d.set("replaced", flag(done.replaced));
  const rd::Stage stage = done.staging.stage.value_or(rd::Stage::foroverveielse);
  const std::string slug(rd::slug(stage));
  d.set("stage_name", text(app, req, rd::name_key(stage)));
  d.set("stage_slug", slug);
  const auto* kb = content::KnowledgeBase::embedded().stage(rd::kb_id(stage));
  set_text(d, "stage_description", kb ? kb->description.in(req.lang) : std::string{});
  d.set("stage_href", "/kunnskap/fase/" + slug);
  d.set("often", text(app, req, "checkin.feedback." + slug + ".often"));
  d.set("invite", text(app, req, "checkin.feedback." + slug + ".invite"));
  d.set("importance_value", importance ? std::to_string(*importance) : std::string{});
  d.set("confidence_value", confidence ? std::to_string(*confidence) : std::string{});
  Data imp = follow_ups(app, req, importance);
  Data conf = follow_ups(app, req, confidence);
  d.set("has_importance", flag(importance.has_value()));
  d.set("has_confidence", flag(confidence.has_value()));
  d.set("importance_questions", imp);
  d.set("confidence_questions", conf);
  d.set("has_follow_ups", flag(importance.has_value() || confidence.has_value()));
  set_text(d, "new_code", new_code);
  d.set("used_code", flag(used_code));
  d.set("again_href", "/i/" + round.join_code);
  Response page =
      app.page_titled(req, "readiness_feedback", text(app, req, "checkin.feedback.title"), d);
  for (auto& h : cookies.headers)
    page.headers.push_back(std::move(h));
  return page;
}

Response answer_post(App& app, const Request& req) {
  auto pr = public_round(app, req);
  if (auto* early = std::get_if<Response>(&pr)) return std::move(*early);
  const auto& round = std::get<store::PublicRound>(pr);

  AnswerForm f;
  f.unit_id = form_field(req, "enhet", 100);
  f.staging = form_field(req, "stadium", 100);
  f.importance = form_field(req, "viktighet", 20);
  f.confidence = form_field(req, "mestring", 20);
  f.reflection = form_field(req, "refleksjon", store::kReflectionMaxBytes * 2 + 64);
  f.keep_code = form_checked(req, "ta_vare_kode");
  f.existing_code = form_field(req, "privat_kode", 100);
  for (int n = 1; n <= rd::kOricItems; ++n)
    f.oric[static_cast<std::size_t>(n - 1)] = form_field(req, "oric_" + std::to_string(n), 20);

  store::Submission s;
  if (f.staging.empty()) {
    f.errors.add(app, req, "stadium", "readiness.error.staging");
  } else if (auto a = rd::parse_staging_answer(f.staging)) {
    s.staging = *a;
  } else {
    f.errors.add(app, req, "stadium", "readiness.error.staging");
    f.staging.clear();
  }
  if (!f.unit_id.empty()) {
    const bool known = std::any_of(round.units.begin(), round.units.end(),
                                   [&](const store::RoundUnit& u) { return u.id == f.unit_id; });
    if (!known) {
      f.errors.add(app, req, "enhet", "readiness.error.unit");
      f.unit_id.clear();
    }
  }
  s.unit_id = f.unit_id;
  s.importance = ruler_value(app, req, "viktighet", f.importance, f.errors);
  if (!s.importance && !f.importance.empty()) f.importance.clear();
  s.confidence = ruler_value(app, req, "mestring", f.confidence, f.errors);
  if (!s.confidence && !f.confidence.empty()) f.confidence.clear();
  for (int n = 1; n <= rd::kOricItems; ++n) {
    auto& v = f.oric[static_cast<std::size_t>(n - 1)];
    if (v.empty()) continue;
    auto x = parse_int(v);
    if (!round.include_oric || !x || *x < 1 || *x > 5) {
      f.errors.add(app, req, "oric", "readiness.error.oric");
      v.clear();
      continue;
    }
    s.oric[static_cast<std::size_t>(n - 1)] = *x;
  }
  if (f.reflection.size() > store::kReflectionMaxBytes) {
    f.errors.add(app, req, "refleksjon", "readiness.error.text");
  }
  s.reflection = f.reflection;
  std::string new_code;
  if (!f.existing_code.empty()) {
    if (!store::participant_key("check", f.existing_code)) {
      f.errors.add(app, req, "privat_kode", "readiness.error.private_code");
    }
    s.private_code = f.existing_code;
  } else if (f.keep_code) {
    new_code = store::new_private_code();
    s.private_code = new_code;
  }
  if (f.errors.any) {
    // A missing answer is a form to finish; values no form of ours can send
    // are a bad request. Either way the page comes back with what was kept.
    return answer_page(app, req, round, f, 400);
  }
  Response cookies;
  s.device_token = device_token(app, req, round.join_code, cookies);
  auto done = store::ReadinessRepository(app.db(), app.clock()).submit(round.join_code, s);
  if (!done) {
    const auto& e = done.error();
    if (e.code == ErrorCode::not_found)
      return code_page(app, req, 404, "readiness.error.code_unknown", round.join_code);
    if (e.code == ErrorCode::conflict)
      return code_page(app, req, 410, "readiness.error.round_closed", {});
    if (e.code != ErrorCode::invalid_input) return app.error_page(req, status_for(e.code));
    f.errors.add(app, req, field_of(e.message_key), e.message_key);
    return answer_page(app, req, round, f, 400);
  }
  return feedback_page(app, req, round, *done, s.importance, s.confidence, new_code,
                       !f.existing_code.empty(), std::move(cookies));
}

}  // namespace

void add_readiness_routes(App& app, std::vector<Route>& routes) {
  const Guard view{true, Permission::view_results};
  const Guard manage{true, Permission::manage_initiatives};
  auto add = [&](Method m, std::string pattern, Response (*fn)(App&, const Request&), Guard g) {
    routes.push_back({m, std::move(pattern), Exec::worker,
                      [&app, fn](const Request& r) { return fn(app, r); }, g});
  };
  // A round's id is 32 hex digits, so the round routes never take the
  // dashboard's or the exports' paths under /innsjekk/.
  const std::string round = "/initiativ/:id/innsjekk/:round([0-9a-f]{32})";
  add(Method::get, "/initiativ/:id/innsjekk", rounds_get, view);
  add(Method::post, "/initiativ/:id/innsjekk", round_create, manage);
  add(Method::get, round, round_get, view);
  add(Method::get, round + "/qr.svg", round_qr, view);
  add(Method::get, round + "/plakat", round_poster, view);
  add(Method::post, round + "/status", round_status, manage);
  add(Method::post, round + "/antall", round_invited, manage);
  // Participants: no account, no guard. The join code is shared by everyone
  // in the round, so the path identifies nobody.
  add(Method::get, "/i", code_entry, Guard{});
  add(Method::get, "/i/:code", answer_get, Guard{});
  add(Method::post, "/i/:code", answer_post, Guard{});
}

}  // namespace samskap::web
