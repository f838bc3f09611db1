#include "web/initiative_pages.hpp"

#include <algorithm>
#include <set>

#include "content/knowledge_base.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/sql_time.hpp"
#include "web/app.hpp"
#include "web/auth.hpp"
#include "web/charts.hpp"
#include "web/forms.hpp"
#include "web/initiative_common.hpp"

namespace samskap::web {

namespace {

namespace ini = samskap::initiative;

constexpr std::size_t kUpcoming = 5;

Data truth(bool b) {
  return b ? Data::type::bool_true : Data::type::bool_false;
}

std::string text(const App& app, const Request& req, std::string_view key) {
  return std::string(app.renderer().text(req.lang, key));
}

std::string optional_date(const std::optional<ini::Date>& d, Language lang) {
  return d ? ini::format_date(*d, lang) : std::string();
}

std::string when_text(SystemTime t) {
  std::string s = store::iso_utc(t);  // 2026-11-22T20:08:24Z
  return s.substr(0, 10) + " " + s.substr(11, 5) + " UTC";
}

// --------------------------------------------------------------- the form

// What the edit form shows: the draft being edited and the lists to choose from.
struct FormState {
  store::InitiativeDraft draft;
  std::string starts_text, ends_text;  // as typed
  int version = 0;
  bool collaborating = false;  // a collaborator does not see the owner's people and units
};

FormState state_of(const store::Initiative& i, Language lang) {
  FormState f;
  f.draft.title = i.title;
  f.draft.status = i.status;
  f.draft.unit_id = i.unit_id;
  f.draft.facilitator_user_id = i.facilitator_user_id;
  f.draft.leader_user_id = i.leader_user_id;
  f.draft.starts_on = i.starts_on;
  f.draft.ends_on = i.ends_on;
  f.draft.vision = i.vision;
  f.draft.sdgs = i.sdgs;
  f.starts_text = optional_date(i.starts_on, lang);
  f.ends_text = optional_date(i.ends_on, lang);
  f.version = i.version;
  f.collaborating = i.collaborating;
  return f;
}

// Reads the form into `f`, adding field errors.
void read_form(const App& app, const Request& req, FormState& f, FormErrors& errors) {
  f.draft.title = form_field(req, "title", 1000);
  if (f.draft.title.empty()) errors.add(app, req, "title", "initiative.error.title");
  auto status = ini::parse_status(form_field(req, "status", 50));
  if (!status)
    errors.add(app, req, "status", "initiative.error.status");
  else
    f.draft.status = *status;
  if (!f.collaborating) {
    f.draft.unit_id = form_field(req, "unit", 100);
    f.draft.facilitator_user_id = form_field(req, "facilitator", 100);
    f.draft.leader_user_id = form_field(req, "leader", 100);
  }
  f.starts_text = form_field(req, "starts_on", 100);
  f.ends_text = form_field(req, "ends_on", 100);
  f.draft.starts_on = date_field(app, req, "starts_on", errors);
  f.draft.ends_on = date_field(app, req, "ends_on", errors);
  if (f.draft.starts_on && f.draft.ends_on && *f.draft.ends_on < *f.draft.starts_on)
    errors.add(app, req, "ends_on", "initiative.error.end_before_start");
  f.draft.vision = form_field(req, "vision", 20000);
  f.draft.sdgs.clear();
  // Checkboxes sdg-1 … sdg-17 (one field name per goal: the form parser keeps
  // the last of repeated names).
  for (int g = 1; g <= 17; ++g)
    if (form_checked(req, "sdg-" + std::to_string(g))) f.draft.sdgs.push_back(g);
  if (auto v = parse_int(form_field(req, "version", 20))) f.version = *v;
}

// Maps a store validation error to the form field it concerns.
void store_error_to_field(const App& app, const Request& req, const Error& e, FormErrors& errors) {
  static const std::map<std::string, std::string, std::less<>> fields = {
      {"initiative.error.title", "title"},
      {"initiative.error.vision", "vision"},
      {"initiative.error.end_before_start", "ends_on"},
      {"initiative.error.sdg", "sdg-1"},
      {"initiative.error.unit", "unit"},
      {"initiative.error.facilitator", "facilitator"},
      {"initiative.error.leader", "leader"}};
  auto it = fields.find(e.message_key);
  errors.add(app, req, it == fields.end() ? "title" : it->second, e.message_key);
}

Data person_options(const std::vector<store::User>& users, const std::string& selected,
                    std::optional<Role> prefer) {
  Data list{Data::type::list};
  std::vector<const store::User*> sorted;
  for (const auto& u : users)
    if (u.status == store::UserStatus::active || u.status == store::UserStatus::invited ||
        u.id == selected)
      sorted.push_back(&u);
  // The preferred role first, then by name.
  std::stable_sort(sorted.begin(), sorted.end(), [&](const auto* a, const auto* b) {
    bool pa = prefer && a->role == *prefer, pb = prefer && b->role == *prefer;
    if (pa != pb) return pa;
    return a->display_name < b->display_name;
  });
  for (const auto* u : sorted) {
    Data o{Data::type::object};
    o.set("value", u->id);
    o.set("label", u->display_name);
    o.set("selected", truth(u->id == selected));
    list.push_back(o);
  }
  return list;
}

Data form_data(App& app, const Request& req, const FormState& f) {
  Data d{Data::type::object};
  d.set("title", f.draft.title);
  set_text(d, "vision", f.draft.vision);
  set_text(d, "starts_on", f.starts_text);
  set_text(d, "ends_on", f.ends_text);
  d.set("version", std::to_string(f.version));
  d.set("statuses", enum_options(app, req, ini::kStatuses, std::optional(f.draft.status)));
  d.set("show_people", truth(!f.collaborating));
  if (!f.collaborating && req.principal) {
    store::AccountRepository accounts(app.db(), app.clock());
    Data units{Data::type::list};
    // A leader may place an initiative only in their own units (docs/permissions.md):
    // offer those, and keep the unit it already has.
    const bool leader = req.principal->role == Role::leder;
    auto us = leader ? accounts.user_units(req.principal->organisation_id, req.principal->user_id)
                     : accounts.units(req.principal->organisation_id);
    if (leader && us && !f.draft.unit_id.empty() &&
        std::none_of(us->begin(), us->end(),
                     [&](const store::Unit& u) { return u.id == f.draft.unit_id; }))
      if (auto all = accounts.units(req.principal->organisation_id))
        for (const auto& u : *all)
          if (u.id == f.draft.unit_id) us->push_back(u);
    if (us) {
      for (const auto& u : *us) {
        Data o{Data::type::object};
        o.set("value", u.id);
        o.set("label", u.name);
        o.set("selected", truth(u.id == f.draft.unit_id));
        units.push_back(o);
      }
    }
    d.set("units", units);
    if (auto users = accounts.users(req.principal->organisation_id)) {
      d.set("facilitators",
            person_options(*users, f.draft.facilitator_user_id, Role::prosessveileder));
      d.set("leaders", person_options(*users, f.draft.leader_user_id, Role::leder));
    }
  }
  Data sdgs{Data::type::list};
  std::set<int> chosen(f.draft.sdgs.begin(), f.draft.sdgs.end());
  for (const auto& g : content::KnowledgeBase::embedded().sdg_goals()) {
    Data o{Data::type::object};
    o.set("number", std::to_string(g.number));
    o.set("name", g.name.in(req.lang));
    o.set("checked", truth(chosen.contains(g.number)));
    sdgs.push_back(o);
  }
  d.set("sdgs", sdgs);
  d.set("csrf", app.auth().csrf_for(req));
  return d;
}

// The form's fields as HTML (templates/fragments/initiative_form), shared by
// the new and the edit page. `errors` are shown beside the fields.
std::string form_html(App& app, const Request& req, const FormState& f, const FormErrors& errors,
                      const std::string& action, std::string_view submit_key) {
  Data d = form_data(app, req, f);
  errors.into(d);
  d.set("action", action);
  d.set("submit", text(app, req, submit_key));
  return app.renderer().fragment("fragments/initiative_form", d, req.lang);
}

void audit(App& app, const Request& req, const std::string& org, const std::string& action,
           const std::string& id, const std::string& detail = {}) {
  // The change is saved; a failure to log it must not undo or hide it.
  (void)store::AuditLog(app.db(), app.clock())
      .record(org, req.principal ? req.principal->user_id : std::string(), action, "initiative", id,
              detail);
}

// --------------------------------------------------------------- overview

Data sdg_list(const Request& req, const std::vector<int>& sdgs) {
  Data list{Data::type::list};
  const auto& kb = content::KnowledgeBase::embedded();
  for (int n : sdgs) {
    Data o{Data::type::object};
    o.set("number", std::to_string(n));
    const auto* g = kb.sdg_goal(n);
    o.set("name", g ? g->name.in(req.lang) : std::to_string(n));
    list.push_back(o);
  }
  return list;
}

// Everything the overview and the report show. Errors from the parts are
// passed on (a part that cannot load makes the page an error, not a half page).
std::optional<Error> overview_data(App& app, const Request& req, const store::Initiative& i,
                                   Data& d, bool full) {
  const auto who = actor_of(req);
  store::InitiativeRepository repo(app.db(), app.clock());
  const auto lang = req.lang;
  const ini::Date now = today(app);

  set_text(d, "vision", i.vision);
  d.set("has_vision", truth(!i.vision.empty()));
  set_text(d, "unit", i.unit_name);
  set_text(d, "facilitator", i.facilitator_name);
  set_text(d, "leader", i.leader_name);
  set_text(d, "starts_on", optional_date(i.starts_on, lang));
  set_text(d, "ends_on", optional_date(i.ends_on, lang));
  d.set("updated", when_text(i.updated_at));
  d.set("sdgs", sdg_list(req, i.sdgs));
  d.set("has_sdgs", truth(!i.sdgs.empty()));
  d.set("from_request", truth(!i.request_id.empty()));
  d.set("request_href", "/henvendelser/" + i.request_id);
  d.set("can_edit",
        truth(req.principal && allows(req.principal->role, Permission::manage_initiatives)));

  // Goals: the latest measurement and the SMART advice count.
  auto goals = repo.goals(who, i.id);
  if (!goals) return goals.error();
  Data gl{Data::type::list};
  for (const auto& g : *goals) {
    Data o{Data::type::object};
    o.set("statement", g.statement);
    set_text(o, "indicator", g.indicator);
    set_text(o, "target", g.target ? format_decimal(*g.target, lang) : std::string());
    set_text(o, "baseline", g.baseline ? format_decimal(*g.baseline, lang) : std::string());
    set_text(o, "due", optional_date(g.due, lang));
    set_text(o, "owner", g.owner);
    if (!g.progress.empty()) {
      const auto& last = g.progress.back();
      set_text(o, "latest", format_decimal(last.value, lang));
      set_text(o, "latest_date", ini::format_date(last.measured_on, lang));
    }
    Data gaps{Data::type::list};
    for (auto gap : ini::smart_gaps(g.draft(), now)) {
      Data x{Data::type::object};
      x.set("text", text(app, req, ini::name_key(gap)));
      gaps.push_back(x);
    }
    o.set("gaps", gaps);
    o.set("has_gaps", truth(!gaps.is_empty_list()));
    gl.push_back(o);
  }
  d.set("goals", gl);
  d.set("has_goals", truth(!goals->empty()));

  // Anchoring trend: the average of each assessment, as a chart and a table.
  auto assessments = repo.assessments(who, i.id);
  if (!assessments) return assessments.error();
  Data al{Data::type::list};
  ChartSpec chart;
  chart.id = "chart-anchoring";
  chart.label = text(app, req, "initiative.overview.anchoring_chart");
  chart.y_min = 1;
  chart.y_max = 5;
  ChartSeries avg{text(app, req, "initiative.overview.anchoring_average"), {}};
  for (const auto& a : *assessments) {
    Data o{Data::type::object};
    o.set("date", ini::format_date(a.assessed_on, lang));
    o.set("average", format_decimal(a.average(), lang));
    al.push_back(o);
    chart.labels.push_back(ini::format_date(a.assessed_on, lang));
    avg.values.push_back(a.average());
  }
  chart.series.push_back(avg);
  d.set("assessments", al);
  d.set("has_assessments", truth(!assessments->empty()));
  d.set("anchoring_chart", chart_data(chart));
  if (!assessments->empty()) {
    Data items{Data::type::list};
    for (const auto& sc : assessments->back().scores) {
      Data o{Data::type::object};
      o.set("name", text(app, req, ini::name_key(sc.item)));
      o.set("score", std::to_string(sc.score));
      set_text(o, "note", sc.note);
      items.push_back(o);
    }
    d.set("latest_scores", items);
  }

  // Partners: who takes part, and which types are missing against 3.0.
  auto partners = repo.partners(who, i.id);
  if (!partners) return partners.error();
  std::vector<ini::PartnerType> present;
  Data pl{Data::type::list};
  for (const auto& p : *partners) {
    present.push_back(p.type);
    Data o{Data::type::object};
    o.set("name", p.name);
    o.set("type", text(app, req, ini::name_key(p.type)));
    set_text(o, "role", p.role);
    set_text(o, "contact", p.contact);
    pl.push_back(o);
  }
  Data missing{Data::type::list};
  for (auto t : ini::missing_for_co_creation(present)) {
    Data o{Data::type::object};
    o.set("name", text(app, req, ini::name_key(t)));
    missing.push_back(o);
  }
  d.set("partners", pl);
  d.set("has_partners", truth(!partners->empty()));
  d.set("partners_missing", missing);
  d.set("has_partners_missing", truth(!missing.is_empty_list()));

  // Activities: upcoming (not finished or cancelled, ending today or later),
  // or all of them in the report.
  auto activities = repo.activities(who, i.id);
  if (!activities) return activities.error();
  Data upcoming{Data::type::list};
  std::size_t shown = 0;
  for (const auto& a : *activities) {
    const ini::Date last = a.ends_on.value_or(a.starts_on);
    const bool open =
        a.status == ini::ActivityStatus::planlagt || a.status == ini::ActivityStatus::pagar;
    if (!full && (!open || last < now || shown >= kUpcoming)) continue;
    ++shown;
    Data o{Data::type::object};
    o.set("title", a.title);
    o.set("type", text(app, req, ini::name_key(a.type)));
    o.set("status", text(app, req, ini::name_key(a.status)));
    set_text(o, "starts_on", ini::format_date(a.starts_on, lang));
    set_text(o, "ends_on", optional_date(a.ends_on, lang));
    set_text(o, "responsible", a.responsible);
    o.set("milestone", truth(a.milestone));
    upcoming.push_back(o);
  }
  d.set("activities", upcoming);
  d.set("has_activities", truth(shown > 0));

  // Complexity and evidence.
  const auto& kb = content::KnowledgeBase::embedded();
  if (auto dom = i.cynefin()) {
    if (const auto* c = kb.cynefin_domain(ini::kb_id(*dom))) {
      Data o{Data::type::object};
      o.set("name", c->name.in(lang));
      o.set("approach", c->approach.in(lang));
      o.set("practice", c->practice.in(lang));
      o.set("overridden", truth(i.cynefin_chosen.has_value()));
      set_text(o, "note", i.cynefin_note);
      d.set("complexity", o);
    }
  }
  auto evidence = repo.evidence(who, i.id);
  if (!evidence) return evidence.error();
  std::vector<ini::EvidenceKind> kinds;
  for (const auto& e : *evidence)
    kinds.push_back(e.kind);
  auto balance = ini::evidence_balance(kinds);
  Data el{Data::type::list};
  for (std::size_t k = 0; k < ini::kEvidenceKinds.size(); ++k) {
    Data o{Data::type::object};
    o.set("kind", text(app, req, ini::name_key(ini::kEvidenceKinds[k])));
    o.set("count", std::to_string(balance.counts[k]));
    el.push_back(o);
  }
  d.set("evidence_counts", el);
  if (full) {
    Data entries{Data::type::list};
    for (const auto& e : *evidence) {
      Data o{Data::type::object};
      o.set("kind", text(app, req, ini::name_key(e.kind)));
      o.set("source", e.source);
      set_text(o, "note", e.note);
      entries.push_back(o);
    }
    d.set("evidence", entries);
    d.set("has_evidence", truth(!evidence->empty()));
  }
  return std::nullopt;
}

Data status_filter(App& app, const Request& req, std::optional<ini::Status> chosen) {
  Data list = enum_options(app, req, ini::kStatuses, chosen);
  return list;
}

}  // namespace

void add_initiative_routes(App& app, std::vector<Route>& routes) {
  const Guard view{true, Permission::view_results};
  const Guard change{true, Permission::manage_initiatives};

  // ---- list
  routes.push_back({Method::get, "/initiativ", Exec::worker,
                    [&app](const Request& req) {
                      std::optional<ini::Status> filter;
                      std::string raw(req.query_param("status"));
                      if (!raw.empty()) {
                        filter = ini::parse_status(raw);
                        if (!filter) return app.error_page(req, 400);
                      }
                      store::InitiativeRepository repo(app.db(), app.clock());
                      auto list = repo.list(actor_of(req));
                      if (!list) return store_error_page(app, req, list.error());
                      Data rows{Data::type::list};
                      for (const auto& i : *list) {
                        if (filter && i.status != *filter) continue;
                        Data o{Data::type::object};
                        o.set("href", initiative_path(i.id));
                        o.set("title", i.title);
                        o.set("status", std::string(ini::slug(i.status)));
                        o.set("status_label", text(app, req, ini::name_key(i.status)));
                        set_text(o, "unit", i.unit_name);
                        o.set("organisation", i.organisation_name);
                        o.set("collaborating", truth(i.collaborating));
                        o.set("updated", when_text(i.updated_at));
                        rows.push_back(o);
                      }
                      Data d{Data::type::object};
                      d.set("initiatives", rows);
                      d.set("empty", truth(rows.is_empty_list()));
                      d.set("statuses", status_filter(app, req, filter));
                      d.set("can_create",
                            truth(allows(req.principal->role, Permission::manage_initiatives)));
                      d.set("deleted", truth(req.query_param("slettet") == "1"));
                      return app.page(req, "initiative_list", "initiative.list.title", d);
                    },
                    view});

  // ---- new
  routes.push_back({Method::get, "/initiativ/ny", Exec::worker,
                    [&app](const Request& req) {
                      Data d{Data::type::object};
                      d.set("form_html", form_html(app, req, FormState{}, FormErrors{},
                                                   "/initiativ/ny", "initiative.new.submit"));
                      return app.page(req, "initiative_new", "initiative.new.title", d);
                    },
                    change});
  routes.push_back({Method::post, "/initiativ/ny", Exec::worker,
                    [&app](const Request& req) {
                      FormState f;
                      FormErrors errors;
                      read_form(app, req, f, errors);
                      if (!errors.any) {
                        store::InitiativeRepository repo(app.db(), app.clock());
                        auto created = repo.create(actor_of(req), f.draft);
                        if (created) {
                          audit(app, req, created->organisation_id, "initiative_created",
                                created->id, created->title);
                          return App::redirect(initiative_path(created->id) + "?opprettet=1");
                        }
                        if (created.error().code != ErrorCode::invalid_input)
                          return store_error_page(app, req, created.error());
                        store_error_to_field(app, req, created.error(), errors);
                      }
                      Data d{Data::type::object};
                      errors.into(d);
                      d.set("form_html", form_html(app, req, f, errors, "/initiativ/ny",
                                                   "initiative.new.submit"));
                      Response r = app.page(req, "initiative_new", "initiative.new.title", d);
                      r.status = 400;
                      return r;
                    },
                    change});

  // ---- overview
  routes.push_back({Method::get, "/initiativ/:id", Exec::worker,
                    [&app](const Request& req) {
                      store::InitiativeRepository repo(app.db(), app.clock());
                      auto i = repo.get(actor_of(req), req.route.at("id"));
                      if (!i) return store_error_page(app, req, i.error());
                      Data d = initiative_page_data(app, req, *i, "");
                      if (auto err = overview_data(app, req, *i, d, false))
                        return store_error_page(app, req, *err);
                      d.set("created", truth(req.query_param("opprettet") == "1"));
                      d.set("saved", truth(req.query_param("lagret") == "1"));
                      return app.page_titled(req, "initiative_overview", i->title, d);
                    },
                    view});

  // ---- status report (print view)
  routes.push_back({Method::get, "/initiativ/:id/rapport", Exec::worker,
                    [&app](const Request& req) {
                      store::InitiativeRepository repo(app.db(), app.clock());
                      auto i = repo.get(actor_of(req), req.route.at("id"));
                      if (!i) return store_error_page(app, req, i.error());
                      Data d = initiative_page_data(app, req, *i, "rapport");
                      if (auto err = overview_data(app, req, *i, d, true))
                        return store_error_page(app, req, *err);
                      d.set("generated", when_text(app.clock().now()));
                      return app.page_titled(
                          req, "initiative_report",
                          text(app, req, "initiative.report.title") + ": " + i->title, d);
                    },
                    view});

  // ---- edit
  routes.push_back({Method::get, "/initiativ/:id/rediger", Exec::worker,
                    [&app](const Request& req) {
                      store::InitiativeRepository repo(app.db(), app.clock());
                      auto i = repo.get(actor_of(req), req.route.at("id"));
                      if (!i) return store_error_page(app, req, i.error());
                      Data d = initiative_page_data(app, req, *i, "rediger");
                      d.set("form_html",
                            form_html(app, req, state_of(*i, req.lang), FormErrors{},
                                      initiative_path(i->id, "rediger"), "initiative.edit.submit"));
                      d.set("can_delete", truth(!i->collaborating));
                      return app.page(req, "initiative_edit", "initiative.edit.title", d);
                    },
                    change});
  routes.push_back({Method::post, "/initiativ/:id/rediger", Exec::worker,
                    [&app](const Request& req) {
                      store::InitiativeRepository repo(app.db(), app.clock());
                      const auto who = actor_of(req);
                      auto current = repo.get(who, req.route.at("id"));
                      if (!current) return store_error_page(app, req, current.error());
                      FormState f = state_of(*current, req.lang);
                      f.version = 0;
                      FormErrors errors;
                      read_form(app, req, f, errors);
                      int status = 400;
                      bool conflict = false;
                      if (!errors.any) {
                        auto saved = repo.update(who, current->id, f.version, f.draft);
                        if (saved) {
                          audit(app, req, saved->organisation_id, "initiative_updated", saved->id);
                          return App::redirect(initiative_path(saved->id) + "?lagret=1");
                        }
                        if (saved.error().code == ErrorCode::conflict) {
                          // Show what is saved now, so the user can redo their change on top of it.
                          conflict = true;
                          status = 409;
                          f = state_of(*current, req.lang);
                        } else if (saved.error().code != ErrorCode::invalid_input) {
                          return store_error_page(app, req, saved.error());
                        } else {
                          store_error_to_field(app, req, saved.error(), errors);
                        }
                      }
                      Data d = initiative_page_data(app, req, *current, "rediger");
                      errors.into(d);
                      d.set("form_html",
                            form_html(app, req, f, errors, initiative_path(current->id, "rediger"),
                                      "initiative.edit.submit"));
                      d.set("conflict", truth(conflict));
                      d.set("can_delete", truth(!current->collaborating));
                      Response r = app.page(req, "initiative_edit", "initiative.edit.title", d);
                      r.status = status;
                      return r;
                    },
                    change});

  // ---- delete (the owning organisation only; a collaborator gets 404)
  routes.push_back(
      {Method::post, "/initiativ/:id/slett", Exec::worker,
       [&app](const Request& req) {
         store::InitiativeRepository repo(app.db(), app.clock());
         const auto who = actor_of(req);
         auto current = repo.get(who, req.route.at("id"));
         if (!current || current->collaborating)
           return app.error_page(req, current ? 404 : status_for(current.error().code));
         if (!form_checked(req, "confirm")) {
           Data d = initiative_page_data(app, req, *current, "rediger");
           FormErrors errors;
           errors.add(app, req, "confirm", "initiative.edit.delete_confirm_missing");
           errors.into(d);
           d.set("form_html",
                 form_html(app, req, state_of(*current, req.lang), FormErrors{},
                           initiative_path(current->id, "rediger"), "initiative.edit.submit"));
           d.set("can_delete", truth(true));
           Response r = app.page(req, "initiative_edit", "initiative.edit.title", d);
           r.status = 400;
           return r;
         }
         auto st = repo.remove(who, current->id);
         if (!st) return store_error_page(app, req, st.error());
         audit(app, req, current->organisation_id, "initiative_deleted", current->id,
               current->title);
         return App::redirect("/initiativ?slettet=1");
       },
       change});
}

}  // namespace samskap::web
