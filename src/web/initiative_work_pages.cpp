#include "web/initiative_work_pages.hpp"

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "content/knowledge_base.hpp"
#include "core/credentials.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "web/app.hpp"
#include "web/charts.hpp"
#include "web/forms.hpp"
#include "web/initiative_common.hpp"

namespace samskap::web {

namespace {

namespace ini = samskap::initiative;

// The store's limits (store/initiatives.hpp), checked here first so the form
// can name the field.
constexpr std::size_t kShortText = 200;
constexpr std::size_t kSourceText = 500;
constexpr std::size_t kNoteText = 4000;

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

// "Politikere" → "politikere" inside a sentence (the names start with an
// ASCII capital in both languages).
std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Replaces "{name}" in a catalogue text.
std::string fill(std::string s, std::string_view name, const std::string& value) {
  const std::string token = "{" + std::string(name) + "}";
  for (auto p = s.find(token); p != std::string::npos; p = s.find(token, p + value.size()))
    s.replace(p, token.size(), value);
  return s;
}

// A typed-in text field: trimmed; required, at most `max` bytes, no control
// characters (except line breaks and tabs when `multiline`). A failed check
// adds `key` under the field. Returns the text as typed (for echoing back).
std::string text_field(const App& app, const Request& req, FormErrors& errors,
                       const std::string& field, std::size_t max, bool required,
                       std::string_view key, bool multiline = false) {
  std::string v = form_field(req, field, max * 4 + 64);
  if (v.empty()) {
    if (required) errors.add(app, req, field, key);
    return v;
  }
  bool bad = v.size() > max;
  for (unsigned char c : v) {
    const bool allowed_break = multiline && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 && !allowed_break) || c == 0x7F) bad = true;
  }
  if (bad) errors.add(app, req, field, key);
  return v;
}

// An invalid_input error of the store names its field first in `detail`
// ("name is empty"): show it there, or under `fallback`.
void store_field_error(const App& app, const Request& req, FormErrors& errors, const Error& e,
                       const std::vector<std::string>& fields, const std::string& fallback) {
  std::string field = e.detail.substr(0, e.detail.find(' '));
  if (std::find(fields.begin(), fields.end(), field) == fields.end()) field = fallback;
  errors.add(app, req, field, e.message_key);
}

// The short confirmation after a redirect: only the known words are shown.
void add_notice(const App& app, const Request& req, Data& d) {
  static constexpr std::pair<std::string_view, std::string_view> kNotices[] = {
      {"lagt-til", "work.notice.added"},
      {"lagret", "work.notice.saved"},
      {"fjernet", "work.notice.removed"},
      {"invitert", "work.notice.invited"},
      {"tilgang-fjernet", "work.notice.collaborator_removed"},
  };
  const auto m = req.query_param("melding");
  for (const auto& [word, key] : kNotices)
    if (m == word) d.set("notice", text(app, req, key));
}

void audit(App& app, const Request& req, const store::Initiative& i, const std::string& action,
           const std::string& detail) {
  (void)store::AuditLog(app.db(), app.clock())
      .record(i.organisation_id, req.principal ? req.principal->user_id : std::string{}, action,
              "initiative", i.id, detail);
}

// The initiative of the route, or the response to send instead (404 when
// out of reach).
std::optional<Response> load(App& app, const Request& req, store::Initiative& out) {
  auto i = store::InitiativeRepository(app.db(), app.clock()).get(actor_of(req), param(req, "id"));
  if (!i) return store_error_page(app, req, i.error());
  out = std::move(*i);
  return std::nullopt;
}

// The state of the tab's form: what the user typed, the errors, and whether
// it edits an existing part.
struct FormState {
  std::map<std::string, std::string> typed;
  FormErrors errors;
  std::string editing;  // the part's id; empty: the "add" form
  std::string editing_name;
  int version = 0;
  bool conflict = false;
  Data stored{Data::type::list};  // on a conflict: [{label, value}] as saved now
};

Data typed_data(const FormState& f) {
  Data v{Data::type::object};
  for (const auto& [k, val] : f.typed)
    v.set(k, val);
  return v;
}

bool can_change(const Request& req) {
  return req.principal && allows(req.principal->role, Permission::manage_initiatives);
}

// The parts shared by the form on every tab.
void form_into(App& app, const Request& req, const store::Initiative& i, std::string_view tab,
               std::string_view what, const FormState& f, Data& d) {
  Data form{Data::type::object};
  const bool edit = !f.editing.empty();
  const std::string base = initiative_path(i.id, tab);
  form.set("action", edit ? base + "/" + f.editing + "/endre" : base);
  form.set("editing", flag(edit));
  form.set("heading", edit ? fill(text(app, req, "work." + std::string(what) + ".edit_heading"),
                                  "name", f.editing_name)
                           : text(app, req, "work." + std::string(what) + ".add_heading"));
  form.set("submit", text(app, req, edit ? "work.form.save" : "work.form.add"));
  form.set("version", std::to_string(f.version));
  form.set("cancel", base);
  d.set("form", form);
  d.set("values", typed_data(f));
  d.set("editing", flag(edit));
  d.set("conflict", flag(f.conflict));
  d.set("stored", f.stored);
  d.set("can_change", flag(can_change(req)));
  f.errors.into(d);
}

Response respond(App& app, const Request& req, std::string_view page, const store::Initiative& i,
                 std::string_view title_key, Data d, int status) {
  Response r = app.page_titled(req, page, text(app, req, title_key) + " – " + i.title, d);
  r.status = status;
  return r;
}

// The version the edit form started from; nullopt when missing or garbled.
std::optional<int> form_version(const Request& req) {
  return parse_int(form_field(req, "version", 20));
}

// What happened after a store write: redirect, or the page again with errors.
enum class Outcome { done, bad_input, conflict, other };

Outcome classify(const Error& e) {
  if (e.code == ErrorCode::invalid_input) return Outcome::bad_input;
  if (e.code == ErrorCode::conflict) return Outcome::conflict;
  return Outcome::other;
}

Data stored_row(const std::string& label, const std::string& value) {
  Data r{Data::type::object};
  r.set("label", label);
  r.set("value", value);
  return r;
}

// ================================================================= partners

constexpr std::string_view kPartnersTab = "partnere";

store::Partner read_partner(App& app, const Request& req, FormState& f) {
  store::Partner p;
  const std::string type = form_field(req, "type", 100);
  f.typed["type"] = type;
  if (auto t = ini::parse_partner_type(type))
    p.type = *t;
  else
    f.errors.add(app, req, "type", "work.partners.error_type");
  p.name = f.typed["name"] =
      text_field(app, req, f.errors, "name", kShortText, true, "initiative.error.partner_name");
  p.role = f.typed["role"] =
      text_field(app, req, f.errors, "role", kShortText, false, "initiative.error.partner_role");
  p.contact = f.typed["contact"] = text_field(app, req, f.errors, "contact", kShortText, false,
                                              "initiative.error.partner_contact");
  return p;
}

void typed_from(const store::Partner& p, FormState& f) {
  f.typed["type"] = std::string(ini::slug(p.type));
  f.typed["name"] = p.name;
  f.typed["role"] = p.role;
  f.typed["contact"] = p.contact;
}

Data stored_partner(App& app, const Request& req, const store::Partner& p) {
  Data rows{Data::type::list};
  rows.push_back(
      stored_row(text(app, req, "work.partners.type"), text(app, req, ini::name_key(p.type))));
  rows.push_back(stored_row(text(app, req, "work.partners.name"), p.name));
  rows.push_back(stored_row(text(app, req, "work.partners.role"), p.role));
  rows.push_back(stored_row(text(app, req, "work.partners.contact"), p.contact));
  return rows;
}

// The samskaping topic of the knowledge base: its summary, the intro of its
// partner section and the partner types the lecture names.
void knowledge_samskaping(const Request& req, Data& d) {
  const auto& kb = content::KnowledgeBase::embedded();
  Data k{Data::type::object};
  if (const auto* topic = kb.topic("samskaping")) {
    k.set("summary", topic->summary.in(req.lang));
    k.set("title", topic->title.in(req.lang));
  }
  if (const auto* section = kb.section("samskaping.partnere"); section && section->intro)
    k.set("intro", section->intro->in(req.lang));
  std::vector<std::string> names;
  for (const auto& p : kb.partner_types())
    names.push_back(p.name.in(req.lang));
  k.set("named", join(names, ", "));
  k.set("has_named", flag(!names.empty()));
  d.set("kb", k);
}

Response partners_page(App& app, const Request& req, const store::Initiative& i,
                       const std::vector<store::Partner>& partners, const FormState& f,
                       int status) {
  Data d = initiative_page_data(app, req, i, kPartnersTab);
  add_notice(app, req, d);
  const bool change = can_change(req);
  Data list{Data::type::list};
  std::vector<ini::PartnerType> present;
  for (const auto& p : partners) {
    present.push_back(p.type);
    Data row{Data::type::object};
    row.set("id", p.id);
    row.set("name", p.name);
    row.set("type_label", text(app, req, ini::name_key(p.type)));
    row.set("role", p.role);
    row.set("has_role", flag(!p.role.empty()));
    row.set("contact", p.contact);
    row.set("has_contact", flag(!p.contact.empty()));
    row.set("edit_href", initiative_path(i.id, kPartnersTab) + "/" + p.id + "/endre");
    row.set("remove_action", initiative_path(i.id, kPartnersTab) + "/" + p.id + "/slett");
    row.set("remove_label", fill(text(app, req, "work.partners.remove"), "name", p.name));
    row.set("can_change", flag(change));
    list.push_back(row);
  }
  d.set("partners", list);
  d.set("has_partners", flag(!partners.empty()));

  // Which partner types take part, and which a 3.0 answer still misses.
  const auto missing = ini::missing_for_co_creation(present);
  Data coverage{Data::type::list};
  for (auto t : ini::kPartnerTypes) {
    const auto n = std::count(present.begin(), present.end(), t);
    if (t == ini::PartnerType::annet && n == 0) continue;
    Data c{Data::type::object};
    c.set("label", text(app, req, ini::name_key(t)));
    c.set("present", flag(n > 0));
    c.set("count", std::to_string(n));
    coverage.push_back(c);
  }
  d.set("coverage", coverage);
  std::vector<std::string> missing_names;
  for (auto t : missing)
    missing_names.push_back(lower_first(text(app, req, ini::name_key(t))));
  d.set("missing_text", missing.empty() ? text(app, req, "work.partners.none_missing")
                                        : fill(text(app, req, "work.partners.missing"), "types",
                                               join(missing_names, ", ")));
  d.set("complete", flag(missing.empty()));
  const auto taking_part =
      static_cast<long>(ini::kPartnerTypes.size() - 1) - static_cast<long>(missing.size());
  d.set("coverage_summary", fill(fill(text(app, req, "work.partners.coverage_summary"), "n",
                                      std::to_string(taking_part)),
                                 "of", std::to_string(ini::kPartnerTypes.size() - 1)));
  knowledge_samskaping(req, d);

  std::optional<ini::PartnerType> selected;
  if (auto it = f.typed.find("type"); it != f.typed.end())
    selected = ini::parse_partner_type(it->second);
  d.set("type_options", enum_options(app, req, ini::kPartnerTypes, selected));
  form_into(app, req, i, kPartnersTab, "partners", f, d);
  return respond(app, req, "initiative_partners", i, "work.partners.title", d, status);
}

Response partners_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  auto list = store::InitiativeRepository(app.db(), app.clock()).partners(actor_of(req), i.id);
  if (!list) return store_error_page(app, req, list.error());
  return partners_page(app, req, i, *list, FormState{}, 200);
}

Response partner_edit_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  auto list = store::InitiativeRepository(app.db(), app.clock()).partners(actor_of(req), i.id);
  if (!list) return store_error_page(app, req, list.error());
  const std::string pid = param(req, "part");
  auto it = std::find_if(list->begin(), list->end(), [&](const auto& p) { return p.id == pid; });
  if (it == list->end()) return app.error_page(req, 404);
  FormState f;
  f.editing = it->id;
  f.editing_name = it->name;
  f.version = it->version;
  typed_from(*it, f);
  return partners_page(app, req, i, *list, f, 200);
}

Response partner_save(App& app, const Request& req, bool adding) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  store::InitiativeRepository repo(app.db(), app.clock());
  const auto who = actor_of(req);
  auto list = repo.partners(who, i.id);
  if (!list) return store_error_page(app, req, list.error());
  FormState f;
  if (!adding) {
    f.editing = param(req, "part");
    auto it =
        std::find_if(list->begin(), list->end(), [&](const auto& p) { return p.id == f.editing; });
    if (it == list->end()) return app.error_page(req, 404);
    f.editing_name = it->name;
    auto v = form_version(req);
    if (!v) return app.error_page(req, 400);
    f.version = *v;
  }
  store::Partner p = read_partner(app, req, f);
  if (f.errors.any) return partners_page(app, req, i, *list, f, 400);
  p.id = f.editing;
  p.version = f.version;
  auto saved = adding ? repo.add_partner(who, i.id, p) : repo.update_partner(who, i.id, p);
  if (!saved) {
    switch (classify(saved.error())) {
      case Outcome::bad_input:
        store_field_error(app, req, f.errors, saved.error(), {"type", "name", "role", "contact"},
                          "name");
        return partners_page(app, req, i, *list, f, 400);
      case Outcome::conflict: {
        auto now = repo.partners(who, i.id);
        if (!now) return store_error_page(app, req, now.error());
        auto it = std::find_if(now->begin(), now->end(),
                               [&](const auto& q) { return q.id == f.editing; });
        if (it == now->end()) return app.error_page(req, 404);
        f.conflict = true;
        f.version = it->version;
        f.stored = stored_partner(app, req, *it);
        return partners_page(app, req, i, *now, f, 409);
      }
      default:
        return store_error_page(app, req, saved.error());
    }
  }
  audit(app, req, i, adding ? "partner_added" : "partner_updated",
        "partner " + saved->id + " " + std::string(ini::slug(saved->type)));
  return App::redirect(initiative_path(i.id, kPartnersTab) +
                       (adding ? "?melding=lagt-til" : "?melding=lagret"));
}

Response partner_remove(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  const std::string pid = param(req, "part");
  auto st =
      store::InitiativeRepository(app.db(), app.clock()).remove_partner(actor_of(req), i.id, pid);
  if (!st) return store_error_page(app, req, st.error());
  audit(app, req, i, "partner_removed", "partner " + pid);
  return App::redirect(initiative_path(i.id, kPartnersTab) + "?melding=fjernet");
}

// ================================================================= evidence

constexpr std::string_view kEvidenceTab = "kunnskapsgrunnlag";

store::Evidence read_evidence(App& app, const Request& req, FormState& f) {
  store::Evidence e;
  const std::string kind = form_field(req, "kind", 100);
  f.typed["kind"] = kind;
  if (auto k = ini::parse_evidence_kind(kind))
    e.kind = *k;
  else
    f.errors.add(app, req, "kind", "work.evidence.error_kind");
  e.source = f.typed["source"] = text_field(app, req, f.errors, "source", kSourceText, true,
                                            "initiative.error.evidence_source");
  e.note = f.typed["note"] =
      text_field(app, req, f.errors, "note", kNoteText, false, "initiative.error.note", true);
  return e;
}

void typed_from(const store::Evidence& e, FormState& f) {
  f.typed["kind"] = std::string(ini::slug(e.kind));
  f.typed["source"] = e.source;
  f.typed["note"] = e.note;
}

Data stored_evidence(App& app, const Request& req, const store::Evidence& e) {
  Data rows{Data::type::list};
  rows.push_back(
      stored_row(text(app, req, "work.evidence.kind"), text(app, req, ini::name_key(e.kind))));
  rows.push_back(stored_row(text(app, req, "work.evidence.source"), e.source));
  rows.push_back(stored_row(text(app, req, "work.evidence.note"), e.note));
  return rows;
}

Response evidence_page(App& app, const Request& req, const store::Initiative& i,
                       const std::vector<store::Evidence>& entries, const FormState& f,
                       int status) {
  Data d = initiative_page_data(app, req, i, kEvidenceTab);
  add_notice(app, req, d);
  const bool change = can_change(req);
  std::vector<ini::EvidenceKind> kinds;
  Data list{Data::type::list};
  for (const auto& e : entries) {
    kinds.push_back(e.kind);
    Data row{Data::type::object};
    row.set("id", e.id);
    row.set("kind", std::string(ini::slug(e.kind)));
    row.set("kind_label", text(app, req, ini::name_key(e.kind)));
    row.set("source", e.source);
    row.set("note", e.note);
    row.set("has_note", flag(!e.note.empty()));
    row.set("edit_href", initiative_path(i.id, kEvidenceTab) + "/" + e.id + "/endre");
    row.set("remove_action", initiative_path(i.id, kEvidenceTab) + "/" + e.id + "/slett");
    row.set("remove_label", fill(text(app, req, "work.evidence.remove"), "name", e.source));
    row.set("can_change", flag(change));
    list.push_back(row);
  }
  d.set("entries", list);
  d.set("has_entries", flag(!entries.empty()));

  // The balance of the three kinds: counts, a bar chart and the same figures
  // in a table (the chart's text alternative), and what is missing.
  const auto balance = ini::evidence_balance(kinds);
  ChartSpec chart;
  chart.id = "chart-evidence-balance";
  chart.label = text(app, req, "work.evidence.chart_label");
  chart.type = "bar";
  chart.y_min = 0;
  ChartSeries series;
  series.label = text(app, req, "work.evidence.count");
  Data counts{Data::type::list};
  for (std::size_t k = 0; k < ini::kEvidenceKinds.size(); ++k) {
    const std::string label = text(app, req, ini::name_key(ini::kEvidenceKinds[k]));
    chart.labels.push_back(label);
    series.values.push_back(static_cast<double>(balance.counts[k]));
    Data c{Data::type::object};
    c.set("label", label);
    c.set("count", std::to_string(balance.counts[k]));
    c.set("missing", flag(balance.counts[k] == 0));
    counts.push_back(c);
  }
  chart.series.push_back(std::move(series));
  d.set("counts", counts);
  d.set("chart", chart_data(chart));
  std::vector<std::string> missing;
  for (auto k : balance.missing)
    missing.push_back(lower_first(text(app, req, ini::name_key(k))));
  std::string verdict;
  if (entries.empty())
    verdict = text(app, req, "work.evidence.verdict_empty");
  else if (!missing.empty())
    verdict = fill(text(app, req, "work.evidence.verdict_missing"), "kinds", join(missing, ", "));
  else if (!balance.balanced)
    verdict = text(app, req, "work.evidence.verdict_uneven");
  else
    verdict = text(app, req, "work.evidence.verdict_balanced");
  d.set("verdict", verdict);
  d.set("balanced", flag(balance.balanced));

  const auto& kb = content::KnowledgeBase::embedded();
  Data k{Data::type::object};
  if (const auto* topic = kb.topic("kunnskapsbasert-praksis")) {
    k.set("summary", topic->summary.in(req.lang));
    k.set("title", topic->title.in(req.lang));
  }
  d.set("kb", k);

  std::optional<ini::EvidenceKind> selected;
  if (auto it = f.typed.find("kind"); it != f.typed.end())
    selected = ini::parse_evidence_kind(it->second);
  d.set("kind_options", enum_options(app, req, ini::kEvidenceKinds, selected));
  form_into(app, req, i, kEvidenceTab, "evidence", f, d);
  return respond(app, req, "initiative_evidence", i, "work.evidence.title", d, status);
}

Response evidence_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  auto list = store::InitiativeRepository(app.db(), app.clock()).evidence(actor_of(req), i.id);
  if (!list) return store_error_page(app, req, list.error());
  return evidence_page(app, req, i, *list, FormState{}, 200);
}

Response evidence_edit_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  auto list = store::InitiativeRepository(app.db(), app.clock()).evidence(actor_of(req), i.id);
  if (!list) return store_error_page(app, req, list.error());
  const std::string eid = param(req, "part");
  auto it = std::find_if(list->begin(), list->end(), [&](const auto& e) { return e.id == eid; });
  if (it == list->end()) return app.error_page(req, 404);
  FormState f;
  f.editing = it->id;
  f.editing_name = it->source;
  f.version = it->version;
  typed_from(*it, f);
  return evidence_page(app, req, i, *list, f, 200);
}

Response evidence_save(App& app, const Request& req, bool adding) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  store::InitiativeRepository repo(app.db(), app.clock());
  const auto who = actor_of(req);
  auto list = repo.evidence(who, i.id);
  if (!list) return store_error_page(app, req, list.error());
  FormState f;
  if (!adding) {
    f.editing = param(req, "part");
    auto it =
        std::find_if(list->begin(), list->end(), [&](const auto& e) { return e.id == f.editing; });
    if (it == list->end()) return app.error_page(req, 404);
    f.editing_name = it->source;
    auto v = form_version(req);
    if (!v) return app.error_page(req, 400);
    f.version = *v;
  }
  store::Evidence e = read_evidence(app, req, f);
  if (f.errors.any) return evidence_page(app, req, i, *list, f, 400);
  e.id = f.editing;
  e.version = f.version;
  auto saved = adding ? repo.add_evidence(who, i.id, e) : repo.update_evidence(who, i.id, e);
  if (!saved) {
    switch (classify(saved.error())) {
      case Outcome::bad_input:
        store_field_error(app, req, f.errors, saved.error(), {"kind", "source", "note"}, "source");
        return evidence_page(app, req, i, *list, f, 400);
      case Outcome::conflict: {
        auto now = repo.evidence(who, i.id);
        if (!now) return store_error_page(app, req, now.error());
        auto it = std::find_if(now->begin(), now->end(),
                               [&](const auto& q) { return q.id == f.editing; });
        if (it == now->end()) return app.error_page(req, 404);
        f.conflict = true;
        f.version = it->version;
        f.stored = stored_evidence(app, req, *it);
        return evidence_page(app, req, i, *now, f, 409);
      }
      default:
        return store_error_page(app, req, saved.error());
    }
  }
  audit(app, req, i, adding ? "evidence_added" : "evidence_updated",
        "evidence " + saved->id + " " + std::string(ini::slug(saved->kind)));
  return App::redirect(initiative_path(i.id, kEvidenceTab) +
                       (adding ? "?melding=lagt-til" : "?melding=lagret"));
}

Response evidence_remove(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  const std::string eid = param(req, "part");
  auto st =
      store::InitiativeRepository(app.db(), app.clock()).remove_evidence(actor_of(req), i.id, eid);
  if (!st) return store_error_page(app, req, st.error());
  audit(app, req, i, "evidence_removed", "evidence " + eid);
  return App::redirect(initiative_path(i.id, kEvidenceTab) + "?melding=fjernet");
}

// ===================================================================== plan

constexpr std::string_view kPlanTab = "plan";

store::Activity read_activity(App& app, const Request& req, FormState& f) {
  store::Activity a;
  const std::string type = form_field(req, "type", 100);
  f.typed["type"] = type;
  if (auto t = ini::parse_activity_type(type))
    a.type = *t;
  else
    f.errors.add(app, req, "type", "work.plan.error_type");
  a.title = f.typed["title"] =
      text_field(app, req, f.errors, "title", kShortText, true, "initiative.error.activity_title");
  f.typed["starts_on"] = form_field(req, "starts_on", 100);
  f.typed["ends_on"] = form_field(req, "ends_on", 100);
  auto starts = date_field(app, req, "starts_on", f.errors, true);
  auto ends = date_field(app, req, "ends_on", f.errors, false);
  if (starts) a.starts_on = *starts;
  a.ends_on = ends;
  if (starts && ends && *ends < *starts)
    f.errors.add(app, req, "ends_on", "initiative.error.end_before_start");
  a.responsible = f.typed["responsible"] =
      text_field(app, req, f.errors, "responsible", kShortText, false,
                 "initiative.error.activity_responsible");
  const std::string status = form_field(req, "status", 100);
  f.typed["status"] = status;
  if (auto s = ini::parse_activity_status(status))
    a.status = *s;
  else
    f.errors.add(app, req, "status", "work.plan.error_status");
  a.milestone = form_checked(req, "milestone");
  if (a.milestone) f.typed["milestone"] = "1";
  return a;
}

void typed_from(const App&, const Request& req, const store::Activity& a, FormState& f) {
  f.typed["type"] = std::string(ini::slug(a.type));
  f.typed["title"] = a.title;
  f.typed["starts_on"] = ini::format_date(a.starts_on, req.lang);
  f.typed["ends_on"] = a.ends_on ? ini::format_date(*a.ends_on, req.lang) : std::string{};
  f.typed["responsible"] = a.responsible;
  f.typed["status"] = std::string(ini::slug(a.status));
  if (a.milestone) f.typed["milestone"] = "1";
}

std::string date_span(const store::Activity& a, Language lang) {
  std::string s = ini::format_date(a.starts_on, lang);
  if (a.ends_on && *a.ends_on != a.starts_on) s += " – " + ini::format_date(*a.ends_on, lang);
  return s;
}

Data stored_activity(App& app, const Request& req, const store::Activity& a) {
  Data rows{Data::type::list};
  rows.push_back(
      stored_row(text(app, req, "work.plan.type"), text(app, req, ini::name_key(a.type))));
  rows.push_back(stored_row(text(app, req, "work.plan.activity_title"), a.title));
  rows.push_back(stored_row(text(app, req, "work.plan.dates"), date_span(a, req.lang)));
  rows.push_back(stored_row(text(app, req, "work.plan.responsible"), a.responsible));
  rows.push_back(
      stored_row(text(app, req, "work.plan.status"), text(app, req, ini::name_key(a.status))));
  rows.push_back(stored_row(text(app, req, "work.plan.milestone"),
                            text(app, req, a.milestone ? "work.yes" : "work.no")));
  return rows;
}

// A planned activity whose start date has passed has not happened as planned.
bool overdue(const store::Activity& a, const ini::Date& today) {
  return a.status == ini::ActivityStatus::planlagt && a.starts_on < today;
}

std::string month_label(const App& app, const Request& req, int year, int month) {
  char key[32];
  std::snprintf(key, sizeof key, "work.month.m%02d", month);
  return text(app, req, key) + " " + std::to_string(year);
}

// The timeline: activities grouped by the month they start, in date order,
// with a marker for today where it falls (in its own month when that month
// has no activities).
Data timeline(App& app, const Request& req, const store::Initiative& i,
              const std::vector<store::Activity>& activities, const ini::Date& today,
              int& overdue_count, int& milestone_count) {
  std::vector<store::Activity> sorted = activities;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.starts_on < b.starts_on; });
  const bool change = can_change(req);
  Data months{Data::type::list};
  Data entries{Data::type::list};
  int cur_year = 0, cur_month = 0;
  bool today_placed = false;
  auto flush = [&] {
    if (cur_year == 0) return;
    Data m{Data::type::object};
    char id[16];
    std::snprintf(id, sizeof id, "%04d-%02d", cur_year, cur_month);
    m.set("key", std::string(id));
    m.set("label", month_label(app, req, cur_year, cur_month));
    m.set("entries", entries);
    months.push_back(m);
    entries = Data{Data::type::list};
  };
  auto open_month = [&](const ini::Date& d) {
    if (d.year == cur_year && d.month == cur_month) return;
    flush();
    cur_year = d.year;
    cur_month = d.month;
  };
  auto place_today = [&] {
    open_month(today);
    Data t{Data::type::object};
    t.set("is_today", flag(true));
    t.set("iso", ini::to_iso(today));
    t.set("date_text", ini::format_date(today, req.lang));
    entries.push_back(t);
    today_placed = true;
  };
  for (const auto& a : sorted) {
    if (!today_placed && !(a.starts_on < today)) place_today();
    open_month(a.starts_on);
    const bool late = overdue(a, today);
    overdue_count += late ? 1 : 0;
    milestone_count += a.milestone ? 1 : 0;
    Data e{Data::type::object};
    e.set("is_today", flag(false));
    e.set("id", a.id);
    e.set("title", a.title);
    e.set("type_label", text(app, req, ini::name_key(a.type)));
    e.set("status", std::string(ini::slug(a.status)));
    e.set("status_label", text(app, req, ini::name_key(a.status)));
    e.set("iso", ini::to_iso(a.starts_on));
    e.set("date_text", date_span(a, req.lang));
    e.set("responsible", a.responsible);
    e.set("has_responsible", flag(!a.responsible.empty()));
    e.set("milestone", flag(a.milestone));
    e.set("overdue", flag(late));
    e.set("edit_href", initiative_path(i.id, kPlanTab) + "/" + a.id + "/endre");
    e.set("remove_action", initiative_path(i.id, kPlanTab) + "/" + a.id + "/slett");
    e.set("remove_label", fill(text(app, req, "work.plan.remove"), "name", a.title));
    e.set("can_change", flag(change));
    entries.push_back(e);
  }
  if (!today_placed) place_today();
  flush();
  return months;
}

Response plan_page(App& app, const Request& req, const store::Initiative& i,
                   const std::vector<store::Activity>& activities, const FormState& f, int status) {
  Data d = initiative_page_data(app, req, i, kPlanTab);
  add_notice(app, req, d);
  const auto now = today(app);
  int overdue_count = 0, milestone_count = 0;
  d.set("months", timeline(app, req, i, activities, now, overdue_count, milestone_count));
  d.set("has_activities", flag(!activities.empty()));
  d.set("summary",
        fill(fill(fill(text(app, req, "work.plan.summary"), "n", std::to_string(activities.size())),
                  "milestones", std::to_string(milestone_count)),
             "overdue", std::to_string(overdue_count)));
  d.set("has_overdue", flag(overdue_count > 0));

  std::optional<ini::ActivityType> type;
  std::optional<ini::ActivityStatus> st = ini::ActivityStatus::planlagt;
  if (auto it = f.typed.find("type"); it != f.typed.end())
    type = ini::parse_activity_type(it->second);
  if (auto it = f.typed.find("status"); it != f.typed.end())
    st = ini::parse_activity_status(it->second);
  d.set("type_options", enum_options(app, req, ini::kActivityTypes, type));
  d.set("status_options", enum_options(app, req, ini::kActivityStatuses, st));
  d.set("milestone_checked", flag(f.typed.contains("milestone")));
  form_into(app, req, i, kPlanTab, "plan", f, d);
  return respond(app, req, "initiative_plan", i, "work.plan.title", d, status);
}

Response plan_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  auto list = store::InitiativeRepository(app.db(), app.clock()).activities(actor_of(req), i.id);
  if (!list) return store_error_page(app, req, list.error());
  return plan_page(app, req, i, *list, FormState{}, 200);
}

Response activity_edit_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  auto list = store::InitiativeRepository(app.db(), app.clock()).activities(actor_of(req), i.id);
  if (!list) return store_error_page(app, req, list.error());
  const std::string aid = param(req, "part");
  auto it = std::find_if(list->begin(), list->end(), [&](const auto& a) { return a.id == aid; });
  if (it == list->end()) return app.error_page(req, 404);
  FormState f;
  f.editing = it->id;
  f.editing_name = it->title;
  f.version = it->version;
  typed_from(app, req, *it, f);
  return plan_page(app, req, i, *list, f, 200);
}

Response activity_save(App& app, const Request& req, bool adding) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  store::InitiativeRepository repo(app.db(), app.clock());
  const auto who = actor_of(req);
  auto list = repo.activities(who, i.id);
  if (!list) return store_error_page(app, req, list.error());
  FormState f;
  if (!adding) {
    f.editing = param(req, "part");
    auto it =
        std::find_if(list->begin(), list->end(), [&](const auto& a) { return a.id == f.editing; });
    if (it == list->end()) return app.error_page(req, 404);
    f.editing_name = it->title;
    auto v = form_version(req);
    if (!v) return app.error_page(req, 400);
    f.version = *v;
  }
  store::Activity a = read_activity(app, req, f);
  if (f.errors.any) return plan_page(app, req, i, *list, f, 400);
  a.id = f.editing;
  a.version = f.version;
  auto saved = adding ? repo.add_activity(who, i.id, a) : repo.update_activity(who, i.id, a);
  if (!saved) {
    switch (classify(saved.error())) {
      case Outcome::bad_input: {
        std::string fallback = "title";
        if (saved.error().message_key == "initiative.error.end_before_start") fallback = "ends_on";
        store_field_error(app, req, f.errors, saved.error(), {"type", "title", "responsible"},
                          fallback);
        return plan_page(app, req, i, *list, f, 400);
      }
      case Outcome::conflict: {
        auto now = repo.activities(who, i.id);
        if (!now) return store_error_page(app, req, now.error());
        auto it = std::find_if(now->begin(), now->end(),
                               [&](const auto& q) { return q.id == f.editing; });
        if (it == now->end()) return app.error_page(req, 404);
        f.conflict = true;
        f.version = it->version;
        f.stored = stored_activity(app, req, *it);
        return plan_page(app, req, i, *now, f, 409);
      }
      default:
        return store_error_page(app, req, saved.error());
    }
  }
  audit(app, req, i, adding ? "activity_added" : "activity_updated",
        "activity " + saved->id + " " + std::string(ini::slug(saved->type)));
  return App::redirect(initiative_path(i.id, kPlanTab) +
                       (adding ? "?melding=lagt-til" : "?melding=lagret"));
}

Response activity_remove(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  const std::string aid = param(req, "part");
  auto st =
      store::InitiativeRepository(app.db(), app.clock()).remove_activity(actor_of(req), i.id, aid);
  if (!st) return store_error_page(app, req, st.error());
  audit(app, req, i, "activity_removed", "activity " + aid);
  return App::redirect(initiative_path(i.id, kPlanTab) + "?melding=fjernet");
}

// ============================================================ collaborators

constexpr std::string_view kCollabTab = "samarbeid";

ini::Date date_of(SystemTime t) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

// Only the owning organisation, with the permission, manages collaborators.
bool can_invite(const Request& req, const store::Initiative& i) {
  return req.principal && !i.collaborating &&
         allows(req.principal->role, Permission::invite_collaborators);
}

Response collaborators_page(App& app, const Request& req, const store::Initiative& i,
                            const std::string& typed_email, const FormErrors& errors, int status) {
  auto list = store::InitiativeRepository(app.db(), app.clock()).collaborators(actor_of(req), i.id);
  if (!list) return store_error_page(app, req, list.error());
  Data d = initiative_page_data(app, req, i, kCollabTab);
  add_notice(app, req, d);
  const bool manage = can_invite(req, i);
  Data rows{Data::type::list};
  for (const auto& c : *list) {
    Data row{Data::type::object};
    row.set("name", c.display_name);
    row.set("organisation_name", c.organisation_name);
    // Only the owner sees the addresses; collaborators see each other's names.
    row.set("email", c.email);
    row.set("show_email", flag(manage));
    const auto since = date_of(c.since);
    row.set("since", ini::format_date(since, req.lang));
    row.set("since_iso", ini::to_iso(since));
    row.set("remove_action", initiative_path(i.id, kCollabTab) + "/" + c.user_id + "/fjern");
    row.set("remove_label", fill(text(app, req, "work.collab.remove"), "name", c.display_name));
    row.set("can_remove", flag(manage));
    rows.push_back(row);
  }
  d.set("collaborators", rows);
  d.set("has_collaborators", flag(!list->empty()));
  d.set("can_invite", flag(manage));
  d.set("email", typed_email);
  d.set("action", initiative_path(i.id, kCollabTab));
  errors.into(d);
  return respond(app, req, "initiative_collaborators", i, "work.collab.title", d, status);
}

Response collaborators_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  return collaborators_page(app, req, i, {}, FormErrors{}, 200);
}

// Invites by e-mail. Whether the address is unknown, belongs to someone the
// rule refuses (a leader, a municipality's employee, an inactive account,
// the own organisation) or to an eligible facilitator is decided by one path:
// the store's add_collaborator, called with an id that matches no one when
// the address is unknown. Every refusal shows the rule's one message, so the
// form tells nothing more about an address than that it is not an eligible
// facilitator, in about the same time. Success tells the name, which the
// inviting organisation needs to see who they let in.
Response collaborator_invite(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  if (!can_invite(req, i)) return app.error_page(req, 404);
  FormErrors errors;
  const std::string typed = form_field(req, "email", 400);
  auto email = normalise_email(typed);
  if (typed.empty()) {
    errors.add(app, req, "email", "work.collab.error_email_missing");
    return collaborators_page(app, req, i, typed, errors, 400);
  }
  if (!email) {
    errors.add(app, req, "email", "account.error.email_invalid");
    return collaborators_page(app, req, i, typed, errors, 400);
  }
  auto found = store::AccountRepository(app.db(), app.clock()).find_by_email(*email);
  if (!found && found.error().code != ErrorCode::not_found)
    return store_error_page(app, req, found.error());
  const std::string user_id = found ? found->user_id : std::string{};
  auto added = store::InitiativeRepository(app.db(), app.clock())
                   .add_collaborator(actor_of(req), i.id, user_id);
  if (!added) {
    const auto& e = added.error();
    if (e.code == ErrorCode::invalid_input) {
      errors.add(app, req, "email", "initiative.error.collaborator");
      return collaborators_page(app, req, i, typed, errors, 400);
    }
    if (e.code == ErrorCode::conflict) {
      errors.add(app, req, "email", "initiative.error.collaborator_exists");
      return collaborators_page(app, req, i, typed, errors, 409);
    }
    return store_error_page(app, req, e);
  }
  (void)store::AuditLog(app.db(), app.clock())
      .record(i.organisation_id, req.principal->user_id, "collaborator_invited", "user", user_id,
              "initiative " + i.id);
  // The collaborator hears of it by e-mail when e-mail is on (issue 13); a
  // failure shows on the inviting organisation's users page.
  auto queued =
      app.outbox().collaborator(req.lang, i.organisation_id, user_id, *email, found->display_name,
                                req.principal->organisation_name, i.title, "/initiativ/" + i.id);
  if (queued && !queued->empty()) app.mail_queued();
  return App::redirect(initiative_path(i.id, kCollabTab) + "?melding=invitert");
}

Response collaborator_remove(App& app, const Request& req) {
  store::Initiative i;
  if (auto r = load(app, req, i)) return *r;
  if (!can_invite(req, i)) return app.error_page(req, 404);
  const std::string user_id = param(req, "user");
  auto st = store::InitiativeRepository(app.db(), app.clock())
                .remove_collaborator(actor_of(req), i.id, user_id);
  if (!st) return store_error_page(app, req, st.error());
  (void)store::AuditLog(app.db(), app.clock())
      .record(i.organisation_id, req.principal->user_id, "collaborator_removed", "user", user_id,
              "initiative " + i.id);
  return App::redirect(initiative_path(i.id, kCollabTab) + "?melding=tilgang-fjernet");
}

}  // namespace

void add_initiative_work_routes(App& app, std::vector<Route>& routes) {
  const Guard view{true, Permission::view_results};
  const Guard change{true, Permission::manage_initiatives};
  const Guard invite{true, Permission::invite_collaborators};
  auto add = [&](Method m, std::string pattern, Guard g,
                 std::function<Response(const Request&)> h) {
    routes.push_back({m, std::move(pattern), Exec::worker, std::move(h), g});
  };
  App* a = &app;
  // The three tabs of parts share one shape: the tab, add, edit form, save, remove.
  struct PartRoutes {
    std::string_view tab;
    Response (*page)(App&, const Request&);
    Response (*edit)(App&, const Request&);
    Response (*save)(App&, const Request&, bool);
    Response (*remove)(App&, const Request&);
  };
  const PartRoutes parts[] = {
      {kPartnersTab, partners_get, partner_edit_get, partner_save, partner_remove},
      {kEvidenceTab, evidence_get, evidence_edit_get, evidence_save, evidence_remove},
      {kPlanTab, plan_get, activity_edit_get, activity_save, activity_remove},
  };
  for (const auto& p : parts) {
    const std::string base = "/initiativ/:id/" + std::string(p.tab);
    add(Method::get, base, view, [a, f = p.page](const Request& r) { return f(*a, r); });
    add(Method::post, base, change, [a, f = p.save](const Request& r) { return f(*a, r, true); });
    add(Method::get, base + "/:part/endre", change,
        [a, f = p.edit](const Request& r) { return f(*a, r); });
    add(Method::post, base + "/:part/endre", change,
        [a, f = p.save](const Request& r) { return f(*a, r, false); });
    add(Method::post, base + "/:part/slett", change,
        [a, f = p.remove](const Request& r) { return f(*a, r); });
  }
  const std::string collab = "/initiativ/:id/" + std::string(kCollabTab);
  add(Method::get, collab, view, [a](const Request& r) { return collaborators_get(*a, r); });
  add(Method::post, collab, invite, [a](const Request& r) { return collaborator_invite(*a, r); });
  add(Method::post, collab + "/:user/fjern", invite,
      [a](const Request& r) { return collaborator_remove(*a, r); });
}

}  // namespace samskap::web
