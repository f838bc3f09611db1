#include "web/initiative_parts_pages.hpp"

#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "content/knowledge_base.hpp"
#include "core/initiative.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "web/app.hpp"
#include "web/charts.hpp"
#include "web/forms.hpp"
#include "web/initiative_common.hpp"

namespace samskap::web {

namespace {

namespace ini = initiative;
using store::InitiativeRepository;

// Bounds on what is read from a form and echoed back; the store checks the
// real limits and answers with a message key.
constexpr std::size_t kMaxEcho = 8000;
constexpr std::size_t kMaxShort = 100;
// The store's limit on an anchoring note (initiatives.hpp).
constexpr std::size_t kMaxAnchoringNote = 2000;

Data flag(bool b) {
  return b ? Data::type::bool_true : Data::type::bool_false;
}

std::string tr(const App& app, const Request& req, std::string_view key) {
  return std::string(app.renderer().text(req.lang, key));
}

bool can_edit(const Request& req) {
  return req.principal && allows(req.principal->role, Permission::manage_initiatives);
}

InitiativeRepository repo(App& app) {
  return InitiativeRepository(app.db(), app.clock());
}

// The initiative named by the route, as the caller may see it.
Result<store::Initiative> load_initiative(App& app, const Request& req) {
  return repo(app).get(actor_of(req), req.route.at("id"));
}

void audit(App& app, const Request& req, const store::Initiative& i, const std::string& action,
           const std::string& object_type, const std::string& object_id) {
  (void)store::AuditLog(app.db(), app.clock())
      .record(i.organisation_id, req.principal ? req.principal->user_id : std::string{}, action,
              object_type, object_id, "initiative " + i.id);
}

// A number as it goes back into an input field: no rounding a user would not
// expect (format_decimal keeps two decimals), a decimal comma in bokmål.
std::string input_number(double v, Language lang) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string s = buf;
  while (s.back() == '0')
    s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  if (lang == Language::nb)
    for (auto& c : s)
      if (c == '.') c = ',';
  return s;
}

// Field errors of the forms on a page: the summary at the top links to each
// field's element id; each form shows its own errors from its `err` object.
struct PageErrors {
  FormErrors summary;
  // Adds `message` for the field `name` of the form whose errors are `err`;
  // the summary links to the element `anchor`.
  void add(Data& err, const std::string& name, const std::string& anchor, std::string message) {
    if (!err.get(name)) err.set(name, message);
    summary.add_text(anchor, std::move(message));
  }
  bool any() const { return summary.any; }
};

// The date typed in `field`; `required` adds an error when empty.
std::optional<ini::Date> read_date(const App& app, const Request& req, const std::string& field,
                                   bool required, PageErrors& errors, Data& err,
                                   const std::string& anchor) {
  std::string text = form_field(req, field, kMaxShort);
  if (text.empty()) {
    if (required) errors.add(err, field, anchor, tr(app, req, "initiative.error.date_required"));
    return std::nullopt;
  }
  auto d = ini::parse_date(text);
  if (!d) {
    errors.add(err, field, anchor, tr(app, req, d.error().message_key));
    return std::nullopt;
  }
  return *d;
}

// The number typed in `field` (decimal comma accepted); nullopt when empty or bad.
std::optional<double> read_number(const App& app, const Request& req, const std::string& field,
                                  PageErrors& errors, Data& err, const std::string& anchor) {
  auto n = parse_decimal(form_field(req, field, kMaxShort));
  if (!n) {
    errors.add(err, field, anchor, tr(app, req, n.error().message_key));
    return std::nullopt;
  }
  return *n;
}

// A hidden `version` field; nullopt when absent or not a number.
std::optional<int> read_version(const Request& req) {
  return parse_int(form_field(req, "version", kMaxShort));
}

std::string page_title(const App& app, const Request& req, const store::Initiative& i,
                       std::string_view tab_key) {
  return tr(app, req, tab_key) + " – " + i.title;
}

Response render(App& app, const Request& req, std::string_view page, std::string title, Data d,
                int status) {
  Response r = app.page_titled(req, page, std::move(title), std::move(d));
  r.status = status;
  return r;
}

// ================================================================ goals

constexpr std::string_view kGoalsTab = "mal";
const std::string kGoalPrefix = "goal-";  // element ids of the goal form's fields

std::string goals_path(const store::Initiative& i) {
  return initiative_path(i.id, kGoalsTab);
}

std::string goal_anchor(const std::string& goal_id) {
  return "goal-" + goal_id;
}

const store::Goal* find_goal(const std::vector<store::Goal>& goals, const std::string& id) {
  for (const auto& g : goals)
    if (g.id == id) return &g;
  return nullptr;
}

// The SMART check as advice: {has_gaps, missing ("målbar indikator, frist"),
// advice [{text}]}.
Data smart_advice(const App& app, const Request& req, const std::vector<ini::SmartGap>& gaps) {
  Data d{Data::type::object};
  std::string missing;
  Data advice{Data::type::list};
  for (auto gap : gaps) {
    switch (gap) {
      case ini::SmartGap::indicator:
      case ini::SmartGap::target:
      case ini::SmartGap::baseline:
      case ini::SmartGap::due_date:
      case ini::SmartGap::owner:
        if (!missing.empty()) missing += ", ";
        missing += tr(app, req, "initiative.goals_page.missing." + std::string(ini::slug(gap)));
        break;
      case ini::SmartGap::vague:
      case ini::SmartGap::past_due:
        break;
    }
    Data item{Data::type::object};
    item.set("text", tr(app, req, ini::name_key(gap)));
    advice.push_back(item);
  }
  d.set("has_gaps", flag(!gaps.empty()));
  if (!missing.empty()) d.set("missing", missing);
  d.set("advice", advice);
  return d;
}

// What the goal form shows: the goal's values, or what the user typed.
Data goal_form_values(const App& app, const Request& req, const store::Goal* g, bool from_request) {
  Data f{Data::type::object};
  if (from_request) {
    for (const char* name : {"statement", "indicator", "baseline", "target", "due", "owner"})
      f.set(name, form_field(req, name, kMaxEcho));
  } else if (g) {
    f.set("statement", g->statement);
    f.set("indicator", g->indicator);
    f.set("baseline", g->baseline ? input_number(*g->baseline, req.lang) : std::string{});
    f.set("target", g->target ? input_number(*g->target, req.lang) : std::string{});
    f.set("due", g->due ? ini::format_date(*g->due, req.lang) : std::string{});
    f.set("owner", g->owner);
  } else {
    for (const char* name : {"statement", "indicator", "baseline", "target", "due", "owner"})
      f.set(name, std::string{});
  }
  (void)app;
  return f;
}

// Reads the goal form. Bad numbers and dates become field errors.
ini::GoalDraft read_goal(const App& app, const Request& req, PageErrors& errors, Data& err) {
  ini::GoalDraft g;
  g.statement = form_field(req, "statement", kMaxEcho);
  if (g.statement.empty())
    errors.add(err, "statement", kGoalPrefix + "statement",
               tr(app, req, "initiative.error.goal_statement"));
  g.indicator = form_field(req, "indicator", kMaxEcho);
  g.baseline = read_number(app, req, "baseline", errors, err, kGoalPrefix + "baseline");
  g.target = read_number(app, req, "target", errors, err, kGoalPrefix + "target");
  g.due = read_date(app, req, "due", false, errors, err, kGoalPrefix + "due");
  g.owner = form_field(req, "owner", kMaxEcho);
  return g;
}

// The goal form's field that a store error concerns.
std::string goal_field_of(const Error& e) {
  if (e.message_key == "initiative.error.goal_indicator") return "indicator";
  if (e.message_key == "initiative.error.goal_owner") return "owner";
  if (e.message_key == "initiative.error.number")
    return e.detail.find("target") == 0 ? "target" : "baseline";
  return "statement";
}

// Which form of the goals page the request filled in, when it is re-rendered.
struct GoalsForm {
  enum class Kind { none, new_goal, progress } kind = Kind::none;
  std::string goal_id;  // the goal of a progress form
  Data err{Data::type::object};
};

Data progress_form(const App& app, const Request& req, const store::Initiative& i,
                   const store::Goal& g, const GoalsForm& form) {
  const bool active = form.kind == GoalsForm::Kind::progress && form.goal_id == g.id;
  Data f{Data::type::object};
  f.set("action", goals_path(i) + "/" + g.id + "/maling");
  f.set("prefix", "progress-" + g.id + "-");
  f.set("value", active ? form_field(req, "value", kMaxShort) : std::string{});
  f.set("measured_on", active ? form_field(req, "measured_on", kMaxShort)
                              : ini::format_date(today(app), req.lang));
  f.set("note", active ? form_field(req, "note", kMaxEcho) : std::string{});
  f.set("err", active ? form.err : Data{Data::type::object});
  return f;
}

// One goal as the goals page shows it.
Data goal_data(App& app, const Request& req, const store::Initiative& i, const store::Goal& g,
               const GoalsForm& form, bool editable) {
  const auto lang = req.lang;
  const std::string not_set = tr(app, req, "initiative.goals_page.not_set");
  Data d{Data::type::object};
  d.set("id", g.id);
  d.set("anchor", goal_anchor(g.id));
  d.set("statement", g.statement);
  d.set("indicator", g.indicator.empty() ? not_set : g.indicator);
  d.set("baseline", g.baseline ? format_decimal(*g.baseline, lang) : not_set);
  d.set("target", g.target ? format_decimal(*g.target, lang) : not_set);
  d.set("due", g.due ? ini::format_date(*g.due, lang) : not_set);
  d.set("owner", g.owner.empty() ? not_set : g.owner);
  d.set("edit_href", goals_path(i) + "/" + g.id + "/endre");
  d.set("smart", smart_advice(app, req, ini::smart_gaps(g.draft(), today(app))));

  Data rows{Data::type::list};
  ChartSpec chart;
  chart.id = "chart-goal-" + g.id;
  chart.label = tr(app, req, "initiative.goals_page.progress_chart") + ": " + g.statement;
  ChartSeries measured{tr(app, req, "initiative.goals_page.progress_measured"), {}};
  for (const auto& p : g.progress) {
    const std::string date = ini::format_date(p.measured_on, lang);
    Data row{Data::type::object};
    row.set("date", date);
    row.set("value", format_decimal(p.value, lang));
    row.set("note", p.note);
    row.set("remove_action", goals_path(i) + "/" + g.id + "/maling/" + p.id + "/slett");
    rows.push_back(row);
    chart.labels.push_back(date);
    measured.values.push_back(p.value);
  }
  chart.series.push_back(std::move(measured));
  auto reference = [&](std::string_view key, const std::optional<double>& v) {
    if (!v) return;
    chart.series.push_back(
        {tr(app, req, key), std::vector<std::optional<double>>(g.progress.size(), *v)});
  };
  reference("initiative.goals_page.series_baseline", g.baseline);
  reference("initiative.goals_page.series_target", g.target);
  d.set("has_progress", flag(!g.progress.empty()));
  d.set("progress", rows);
  if (!g.progress.empty()) d.set("chart", chart_data(chart));
  if (editable) d.set("progress_form", progress_form(app, req, i, g, form));
  return d;
}

// The page data shared by the goals list and the goal edit page.
Data goals_base(App& app, const Request& req, const store::Initiative& i) {
  Data d = initiative_page_data(app, req, i, kGoalsTab);
  d.set("vision", i.vision);
  d.set("has_vision", flag(!i.vision.empty()));
  d.set("vision_edit_href", initiative_path(i.id, "rediger"));
  d.set("can_edit", flag(can_edit(req)));
  return d;
}

Response goals_page(App& app, const Request& req, const store::Initiative& i,
                    const std::vector<store::Goal>& goals, const GoalsForm& form,
                    const PageErrors& errors, int status) {
  const bool editable = can_edit(req);
  Data d = goals_base(app, req, i);
  d.set("list_mode", flag(true));
  Data list{Data::type::list};
  for (const auto& g : goals)
    list.push_back(goal_data(app, req, i, g, form, editable));
  d.set("goals", list);
  d.set("has_goals", flag(!goals.empty()));

  // The confirmation after a change (Post/Redirect/Get), with the SMART
  // advice of a goal just saved.
  std::string saved;
  if (auto id = req.query_param("lagret"); !id.empty()) {
    saved = tr(app, req, "initiative.goals_page.saved");
    if (const auto* g = find_goal(goals, std::string(id))) {
      auto advice = smart_advice(app, req, ini::smart_gaps(g->draft(), today(app)));
      d.set("saved_goal", advice);
      d.set("saved_anchor", goal_anchor(g->id));
    }
  } else if (!req.query_param("maling").empty()) {
    saved = tr(app, req, "initiative.goals_page.progress_saved");
  } else if (!req.query_param("maling_slettet").empty()) {
    saved = tr(app, req, "initiative.goals_page.progress_deleted");
  } else if (!req.query_param("slettet").empty()) {
    saved = tr(app, req, "initiative.goals_page.deleted");
  }
  if (!saved.empty()) d.set("saved", saved);

  if (editable) {
    const bool active = form.kind == GoalsForm::Kind::new_goal;
    Data f = goal_form_values(app, req, nullptr, active);
    f.set("action", goals_path(i));
    f.set("heading", tr(app, req, "initiative.goals_page.new_title"));
    f.set("submit", tr(app, req, "initiative.goals_page.new_submit"));
    f.set("err", active ? form.err : Data{Data::type::object});
    f.set("editing", flag(false));
    d.set("goal_form", f);
  }
  errors.summary.into(d);
  return render(app, req, "initiative_goals", page_title(app, req, i, "initiative.tab.goals"), d,
                status);
}

Response goal_edit_page(App& app, const Request& req, const store::Initiative& i,
                        const store::Goal& g, bool from_request, const Data& err,
                        const PageErrors& errors, bool conflict, int status) {
  Data d = goals_base(app, req, i);
  d.set("list_mode", flag(false));
  Data f = goal_form_values(app, req, &g, from_request);
  f.set("action", goals_path(i) + "/" + g.id + "/endre");
  f.set("heading", tr(app, req, "initiative.goals_page.edit_title"));
  f.set("submit", tr(app, req, "initiative.goals_page.edit_submit"));
  f.set("version", std::to_string(g.version));
  f.set("err", err);
  f.set("editing", flag(true));
  f.set("cancel_href", goals_path(i) + "#" + goal_anchor(g.id));
  f.set("delete_action", goals_path(i) + "/" + g.id + "/slett");
  f.set("smart", smart_advice(app, req, ini::smart_gaps(g.draft(), today(app))));
  d.set("goal_form", f);
  if (conflict) d.set("conflict", tr(app, req, "initiative.error.stale"));
  errors.summary.into(d);
  return render(app, req, "initiative_goals", page_title(app, req, i, "initiative.tab.goals"), d,
                status);
}

Response goals_get(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  auto goals = repo(app).goals(actor_of(req), i->id);
  if (!goals) return store_error_page(app, req, goals.error());
  return goals_page(app, req, *i, *goals, {}, {}, 200);
}

Response goal_add(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  GoalsForm form;
  form.kind = GoalsForm::Kind::new_goal;
  PageErrors errors;
  ini::GoalDraft draft = read_goal(app, req, errors, form.err);
  if (!errors.any()) {
    auto g = repo(app).add_goal(actor_of(req), i->id, draft);
    if (g) {
      audit(app, req, *i, "goal_added", "goal", g->id);
      return App::redirect(goals_path(*i) + "?lagret=" + g->id + "#" + goal_anchor(g->id));
    }
    if (g.error().code != ErrorCode::invalid_input) return store_error_page(app, req, g.error());
    const std::string field = goal_field_of(g.error());
    errors.add(form.err, field, kGoalPrefix + field, tr(app, req, g.error().message_key));
  }
  auto goals = repo(app).goals(actor_of(req), i->id);
  if (!goals) return store_error_page(app, req, goals.error());
  return goals_page(app, req, *i, *goals, form, errors, 400);
}

// The initiative and the goal of the route; an error response when either
// cannot be reached.
struct GoalContext {
  store::Initiative initiative;
  std::vector<store::Goal> goals;
  const store::Goal* goal = nullptr;
};
std::variant<GoalContext, Response> load_goal(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  auto goals = repo(app).goals(actor_of(req), i->id);
  if (!goals) return store_error_page(app, req, goals.error());
  GoalContext c{*i, std::move(*goals), nullptr};
  c.goal = find_goal(c.goals, req.route.at("goal"));
  if (!c.goal) return app.error_page(req, 404);
  return c;
}

Response goal_edit_get(App& app, const Request& req) {
  auto loaded = load_goal(app, req);
  if (auto* r = std::get_if<Response>(&loaded)) return *r;
  auto& c = std::get<GoalContext>(loaded);
  return goal_edit_page(app, req, c.initiative, *c.goal, false, Data{Data::type::object}, {}, false,
                        200);
}

Response goal_update(App& app, const Request& req) {
  auto loaded = load_goal(app, req);
  if (auto* r = std::get_if<Response>(&loaded)) return *r;
  auto& c = std::get<GoalContext>(loaded);
  auto version = read_version(req);
  if (!version) return app.error_page(req, 400);
  PageErrors errors;
  Data err{Data::type::object};
  ini::GoalDraft draft = read_goal(app, req, errors, err);
  if (!errors.any()) {
    auto g = repo(app).update_goal(actor_of(req), c.initiative.id, c.goal->id, *version, draft);
    if (g) {
      audit(app, req, c.initiative, "goal_updated", "goal", g->id);
      return App::redirect(goals_path(c.initiative) + "?lagret=" + g->id + "#" +
                           goal_anchor(g->id));
    }
    if (g.error().code == ErrorCode::conflict) {
      // Keep what the user typed; the form now carries the stored version,
      // so saving again is a deliberate choice.
      return goal_edit_page(app, req, c.initiative, *c.goal, true, err, errors, true, 409);
    }
    if (g.error().code != ErrorCode::invalid_input) return store_error_page(app, req, g.error());
    const std::string field = goal_field_of(g.error());
    errors.add(err, field, kGoalPrefix + field, tr(app, req, g.error().message_key));
  }
  return goal_edit_page(app, req, c.initiative, *c.goal, true, err, errors, false, 400);
}

Response goal_remove(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  const std::string goal_id = req.route.at("goal");
  auto st = repo(app).remove_goal(actor_of(req), i->id, goal_id);
  if (!st) return store_error_page(app, req, st.error());
  audit(app, req, *i, "goal_removed", "goal", goal_id);
  return App::redirect(goals_path(*i) + "?slettet=1");
}

Response progress_add(App& app, const Request& req) {
  auto loaded = load_goal(app, req);
  if (auto* r = std::get_if<Response>(&loaded)) return *r;
  auto& c = std::get<GoalContext>(loaded);
  GoalsForm form;
  form.kind = GoalsForm::Kind::progress;
  form.goal_id = c.goal->id;
  const std::string prefix = "progress-" + c.goal->id + "-";
  PageErrors errors;
  auto value = read_number(app, req, "value", errors, form.err, prefix + "value");
  if (!value && !form.err.get("value"))
    errors.add(form.err, "value", prefix + "value",
               tr(app, req, "initiative.goals_page.value_required"));
  auto when = read_date(app, req, "measured_on", true, errors, form.err, prefix + "measured_on");
  const std::string note = form_field(req, "note", kMaxEcho);
  if (!errors.any()) {
    auto p =
        repo(app).add_progress(actor_of(req), c.initiative.id, c.goal->id, *value, *when, note);
    if (p) {
      audit(app, req, c.initiative, "progress_added", "goal_progress", p->id);
      return App::redirect(goals_path(c.initiative) + "?maling=" + c.goal->id + "#" +
                           goal_anchor(c.goal->id));
    }
    if (p.error().code != ErrorCode::invalid_input) return store_error_page(app, req, p.error());
    const std::string field = p.error().message_key == "initiative.error.number" ? "value" : "note";
    errors.add(form.err, field, prefix + field, tr(app, req, p.error().message_key));
  }
  return goals_page(app, req, c.initiative, c.goals, form, errors, 400);
}

Response progress_remove(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  const std::string goal_id = req.route.at("goal");
  const std::string entry = req.route.at("entry");
  auto st = repo(app).remove_progress(actor_of(req), i->id, goal_id, entry);
  if (!st) return store_error_page(app, req, st.error());
  audit(app, req, *i, "progress_removed", "goal_progress", entry);
  return App::redirect(goals_path(*i) + "?maling_slettet=1#" + goal_anchor(goal_id));
}

// ================================================================ anchoring

constexpr std::string_view kAnchoringTab = "forankring";

const content::KnowledgeBase& kb() {
  return content::KnowledgeBase::embedded();
}

// The item's text from the knowledge base, else the catalogue name.
std::string item_name(const App& app, const Request& req, ini::AnchoringItem item) {
  if (const auto* k = kb().item(ini::kb_id(item))) return k->text.in(req.lang);
  return tr(app, req, ini::name_key(item));
}

std::string score_field(ini::AnchoringItem item) {
  return "score-" + std::string(ini::slug(item));
}
std::string note_field(ini::AnchoringItem item) {
  return "note-" + std::string(ini::slug(item));
}

// The form of a new assessment: date and, per item, the 1–5 choice and a
// note — from the request when re-rendered, else empty with today's date.
Data anchoring_form(App& app, const Request& req, bool from_request,
                    const std::map<std::string, Data, std::less<>>& item_errors,
                    const Data& date_err) {
  Data f{Data::type::object};
  f.set("assessed_on", from_request ? form_field(req, "assessed_on", kMaxShort)
                                    : ini::format_date(today(app), req.lang));
  f.set("err", date_err);
  Data items{Data::type::list};
  int number = 0;
  for (auto item : ini::kAnchoringItems) {
    ++number;
    const std::string slug(ini::slug(item));
    Data it{Data::type::object};
    it.set("number", std::to_string(number));
    it.set("slug", slug);
    it.set("name", item_name(app, req, item));
    if (const auto* k = kb().item(ini::kb_id(item)); k && k->detail)
      it.set("detail", k->detail->in(req.lang));
    it.set("kb_href", "/kunnskap/forankring#" + std::string(ini::kb_id(item)));
    const std::string chosen = from_request ? form_field(req, score_field(item), 10) : "";
    Data options{Data::type::list};
    for (int v = 1; v <= 5; ++v) {
      Data o{Data::type::object};
      o.set("value", std::to_string(v));
      o.set("id", score_field(item) + "-" + std::to_string(v));
      o.set("checked", flag(chosen == std::to_string(v)));
      if (v == 1) o.set("end", tr(app, req, "initiative.anchoring_page.scale_low"));
      if (v == 5) o.set("end", tr(app, req, "initiative.anchoring_page.scale_high"));
      options.push_back(o);
    }
    it.set("options", options);
    it.set("note", from_request ? form_field(req, note_field(item), kMaxEcho) : std::string{});
    auto e = item_errors.find(slug);
    it.set("err", e == item_errors.end() ? Data{Data::type::object} : e->second);
    items.push_back(it);
  }
  f.set("items", items);
  return f;
}

// The history: a chart of each item and the average per assessment, the
// same figures as a table (items × dates), and the latest notes.
void anchoring_history(App& app, const Request& req,
                       const std::vector<store::AnchoringAssessment>& all, Data& d) {
  const auto lang = req.lang;
  d.set("has_history", flag(!all.empty()));
  if (all.empty()) return;
  ChartSpec chart;
  chart.id = "chart-anchoring";
  chart.label = tr(app, req, "initiative.anchoring_page.chart_label");
  chart.y_min = 1;
  chart.y_max = 5;
  Data dates{Data::type::list};
  for (const auto& a : all) {
    const std::string date = ini::format_date(a.assessed_on, lang);
    chart.labels.push_back(date);
    Data c{Data::type::object};
    c.set("date", date);
    c.set("by", a.created_by_name);
    dates.push_back(c);
  }
  Data rows{Data::type::list};
  for (std::size_t k = 0; k < ini::kAnchoringItems.size(); ++k) {
    const auto item = ini::kAnchoringItems[k];
    ChartSeries s{item_name(app, req, item), {}};
    Data row{Data::type::object};
    row.set("name", item_name(app, req, item));
    Data cells{Data::type::list};
    for (const auto& a : all) {
      std::optional<int> score;
      for (const auto& sc : a.scores)
        if (sc.item == item) score = sc.score;
      s.values.push_back(score ? std::optional<double>(*score) : std::nullopt);
      Data cell{Data::type::object};
      cell.set("value", score ? std::to_string(*score) : std::string("–"));
      cells.push_back(cell);
    }
    row.set("cells", cells);
    rows.push_back(row);
    chart.series.push_back(std::move(s));
  }
  ChartSeries avg{tr(app, req, "initiative.anchoring_page.average"), {}};
  Data avg_cells{Data::type::list};
  for (const auto& a : all) {
    avg.values.push_back(a.average());
    Data cell{Data::type::object};
    cell.set("value", format_decimal(a.average(), lang));
    avg_cells.push_back(cell);
  }
  chart.series.push_back(std::move(avg));
  d.set("chart", chart_data(chart));
  d.set("dates", dates);
  d.set("rows", rows);
  d.set("average_cells", avg_cells);

  const auto& latest = all.back();
  Data notes{Data::type::list};
  for (const auto& sc : latest.scores) {
    if (sc.note.empty()) continue;
    Data n{Data::type::object};
    n.set("name", item_name(app, req, sc.item));
    n.set("score", std::to_string(sc.score));
    n.set("note", sc.note);
    notes.push_back(n);
  }
  Data l{Data::type::object};
  l.set("date", ini::format_date(latest.assessed_on, lang));
  l.set("by", latest.created_by_name);
  l.set("notes", notes);
  l.set("has_notes", flag(!notes.is_empty_list()));
  d.set("latest", l);
}

Response anchoring_page(App& app, const Request& req, const store::Initiative& i,
                        const std::vector<store::AnchoringAssessment>& all, bool from_request,
                        const std::map<std::string, Data, std::less<>>& item_errors,
                        const Data& date_err, const PageErrors& errors, int status) {
  Data d = initiative_page_data(app, req, i, kAnchoringTab);
  d.set("can_edit", flag(can_edit(req)));
  if (!req.query_param("lagret").empty())
    d.set("saved", tr(app, req, "initiative.anchoring_page.saved"));
  anchoring_history(app, req, all, d);
  if (can_edit(req)) d.set("form", anchoring_form(app, req, from_request, item_errors, date_err));
  errors.summary.into(d);
  return render(app, req, "initiative_anchoring",
                page_title(app, req, i, "initiative.tab.anchoring"), d, status);
}

Response anchoring_get(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  auto all = repo(app).assessments(actor_of(req), i->id);
  if (!all) return store_error_page(app, req, all.error());
  return anchoring_page(app, req, *i, *all, false, {}, Data{Data::type::object}, {}, 200);
}

Response anchoring_add(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  PageErrors errors;
  Data date_err{Data::type::object};
  std::map<std::string, Data, std::less<>> item_errors;
  auto when = read_date(app, req, "assessed_on", true, errors, date_err, "assessed_on");
  std::vector<store::AnchoringScore> scores;
  for (auto item : ini::kAnchoringItems) {
    Data& err =
        item_errors.try_emplace(std::string(ini::slug(item)), Data::type::object).first->second;
    auto score = parse_int(form_field(req, score_field(item), 10));
    if (!score || *score < 1 || *score > 5)
      errors.add(err, "score", score_field(item) + "-1",
                 item_name(app, req, item) + ": " +
                     tr(app, req, "initiative.anchoring_page.score_missing"));
    std::string note = form_field(req, note_field(item), kMaxEcho);
    if (note.size() > kMaxAnchoringNote)
      errors.add(err, "note", note_field(item),
                 item_name(app, req, item) + ": " + tr(app, req, "initiative.error.note"));
    if (score) scores.push_back({item, *score, std::move(note)});
  }
  if (!errors.any()) {
    auto a = repo(app).add_assessment(actor_of(req), i->id, *when, scores);
    if (a) {
      audit(app, req, *i, "anchoring_assessed", "anchoring_assessment", a->id);
      return App::redirect(initiative_path(i->id, kAnchoringTab) + "?lagret=1");
    }
    if (a.error().code != ErrorCode::invalid_input) return store_error_page(app, req, a.error());
    // Only a note the store refuses (control characters) gets here: name
    // the first note that was written.
    std::string slug(ini::slug(ini::kAnchoringItems[0]));
    for (auto item : ini::kAnchoringItems)
      if (!form_field(req, note_field(item), 1).empty()) {
        slug = ini::slug(item);
        break;
      }
    errors.add(item_errors[slug], "note", "note-" + slug, tr(app, req, a.error().message_key));
  }
  auto all = repo(app).assessments(actor_of(req), i->id);
  if (!all) return store_error_page(app, req, all.error());
  return anchoring_page(app, req, *i, *all, true, item_errors, date_err, errors, 400);
}

// ================================================================ complexity

constexpr std::string_view kComplexityTab = "kompleksitet";

// Form values of the three answers: Norwegian words, as parse_answer reads them.
constexpr std::array<std::pair<ini::Answer, std::string_view>, 3> kAnswerValues = {
    {{ini::Answer::yes, "ja"}, {ini::Answer::no, "nei"}, {ini::Answer::unsure, "usikker"}}};

std::string question_field(ini::CynefinQuestion q) {
  return "q-" + std::string(ini::slug(q));
}

std::string domain_name(const Request& req, ini::CynefinDomain d) {
  if (const auto* k = kb().cynefin_domain(ini::kb_id(d))) return k->name.in(req.lang);
  return std::string(ini::slug(d));
}

// The saved assessment: the suggestion and its reason, the choice, and the
// knowledge base's approach for the domain in force.
Data complexity_result(const App& app, const Request& req, const store::Initiative& i) {
  Data r{Data::type::object};
  const auto in_force = i.cynefin();
  if (!in_force) return r;
  if (i.cynefin_suggested) {
    r.set("suggested", domain_name(req, *i.cynefin_suggested));
    if (i.cynefin_answers)
      r.set("reason", tr(app, req, ini::suggest_cynefin(*i.cynefin_answers).reason_key));
  }
  if (i.cynefin_chosen && i.cynefin_chosen != i.cynefin_suggested)
    r.set("chosen", domain_name(req, *i.cynefin_chosen));
  if (!i.cynefin_note.empty()) r.set("note", i.cynefin_note);
  if (const auto* k = kb().cynefin_domain(ini::kb_id(*in_force))) {
    Data dom{Data::type::object};
    dom.set("name", k->name.in(req.lang));
    dom.set("description", k->description.in(req.lang));
    dom.set("approach", k->approach.in(req.lang));
    dom.set("practice", k->practice.in(req.lang));
    dom.set("href", "/kunnskap/kompleksitet#" + k->id);
    r.set("domain", dom);
  }
  return r;
}

Data complexity_form(const App& app, const Request& req, const store::Initiative& i,
                     bool from_request, const std::map<std::string, Data, std::less<>>& q_errors,
                     const Data& err) {
  Data f{Data::type::object};
  f.set("version", std::to_string(i.version));
  Data questions{Data::type::list};
  for (std::size_t n = 0; n < ini::kCynefinQuestions.size(); ++n) {
    const auto q = ini::kCynefinQuestions[n];
    const std::string field = question_field(q);
    std::optional<ini::Answer> current;
    if (from_request)
      current = ini::parse_answer(form_field(req, field, kMaxShort));
    else if (i.cynefin_answers)
      current = (*i.cynefin_answers)[n];
    Data qd{Data::type::object};
    qd.set("field", field);
    qd.set("text", tr(app, req, ini::name_key(q)));
    qd.set("help", tr(app, req, ini::help_key(q)));
    Data options{Data::type::list};
    for (const auto& [answer, value] : kAnswerValues) {
      Data o{Data::type::object};
      o.set("value", std::string(value));
      o.set("id", field + "-" + std::string(value));
      o.set("label",
            tr(app, req, "initiative.complexity_page.answer." + std::string(ini::slug(answer))));
      o.set("checked", flag(current == answer));
      options.push_back(o);
    }
    qd.set("options", options);
    auto e = q_errors.find(field);
    qd.set("err", e == q_errors.end() ? Data{Data::type::object} : e->second);
    questions.push_back(qd);
  }
  f.set("questions", questions);

  const std::string chosen =
      from_request ? form_field(req, "chosen", kMaxShort)
                   : (i.cynefin_chosen ? std::string(ini::slug(*i.cynefin_chosen)) : std::string{});
  Data domains{Data::type::list};
  Data follow{Data::type::object};
  follow.set("value", std::string{});
  follow.set("label", tr(app, req, "initiative.complexity_page.follow"));
  follow.set("selected", flag(chosen.empty()));
  domains.push_back(follow);
  for (const auto& k : kb().cynefin_domains()) {
    Data o{Data::type::object};
    o.set("value", k.slug);
    o.set("label", k.name.in(req.lang));
    o.set("selected", flag(chosen == k.slug));
    domains.push_back(o);
  }
  f.set("domains", domains);
  f.set("note", from_request ? form_field(req, "note", kMaxEcho) : i.cynefin_note);
  f.set("err", err);
  return f;
}

Response complexity_page(App& app, const Request& req, const store::Initiative& i,
                         bool from_request,
                         const std::map<std::string, Data, std::less<>>& q_errors, const Data& err,
                         const PageErrors& errors, bool conflict, int status) {
  Data d = initiative_page_data(app, req, i, kComplexityTab);
  d.set("can_edit", flag(can_edit(req)));
  if (!req.query_param("lagret").empty())
    d.set("saved", tr(app, req, "initiative.complexity_page.saved"));
  Data result = complexity_result(app, req, i);
  d.set("has_result", flag(!result.is_empty_object()));
  d.set("result", result);
  if (can_edit(req)) d.set("form", complexity_form(app, req, i, from_request, q_errors, err));
  if (conflict) d.set("conflict", tr(app, req, "initiative.error.stale"));
  errors.summary.into(d);
  return render(app, req, "initiative_complexity",
                page_title(app, req, i, "initiative.tab.complexity"), d, status);
}

Response complexity_get(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  return complexity_page(app, req, *i, false, {}, Data{Data::type::object}, {}, false, 200);
}

Response complexity_set(App& app, const Request& req) {
  auto i = load_initiative(app, req);
  if (!i) return store_error_page(app, req, i.error());
  auto version = read_version(req);
  if (!version) return app.error_page(req, 400);
  PageErrors errors;
  std::map<std::string, Data, std::less<>> q_errors;
  Data err{Data::type::object};
  ini::CynefinAnswers answers;
  for (std::size_t n = 0; n < ini::kCynefinQuestions.size(); ++n) {
    const std::string field = question_field(ini::kCynefinQuestions[n]);
    const std::string text = form_field(req, field, kMaxShort);
    answers[n] = ini::Answer::unsure;  // unanswered counts as unsure
    if (text.empty()) continue;
    if (auto a = ini::parse_answer(text)) {
      answers[n] = *a;
    } else {
      Data& qe = q_errors.try_emplace(field, Data::type::object).first->second;
      errors.add(qe, "answer", field + "-ja",
                 tr(app, req, "initiative.complexity_page.error_answer"));
    }
  }
  std::optional<ini::CynefinDomain> chosen;
  if (auto c = form_field(req, "chosen", kMaxShort); !c.empty()) {
    chosen = ini::parse_cynefin_domain(c);
    if (!chosen)
      errors.add(err, "chosen", "chosen", tr(app, req, "initiative.complexity_page.error_domain"));
  }
  const std::string note = form_field(req, "note", kMaxEcho);
  if (!errors.any()) {
    auto saved = repo(app).set_complexity(actor_of(req), i->id, *version, answers, chosen, note);
    if (saved) {
      audit(app, req, *saved, "complexity_set", "initiative", saved->id);
      return App::redirect(initiative_path(i->id, kComplexityTab) + "?lagret=1");
    }
    if (saved.error().code == ErrorCode::conflict)
      // The page shows what is stored now, the form what the user chose, and
      // carries the stored version so that saving again is deliberate.
      return complexity_page(app, req, *i, true, q_errors, err, errors, true, 409);
    if (saved.error().code != ErrorCode::invalid_input)
      return store_error_page(app, req, saved.error());
    errors.add(err, "note", "note", tr(app, req, saved.error().message_key));
  }
  return complexity_page(app, req, *i, true, q_errors, err, errors, false, 400);
}

}  // namespace

void add_initiative_parts_routes(App& app, std::vector<Route>& routes) {
  const Guard view{true, Permission::view_results};
  const Guard manage{true, Permission::manage_initiatives};
  auto add = [&](Method m, std::string pattern, Response (*fn)(App&, const Request&),
                 const Guard& g) {
    App* a = &app;
    routes.push_back({m, std::move(pattern), Exec::worker,
                      [a, fn](const Request& req) { return fn(*a, req); }, g});
  };
  add(Method::get, "/initiativ/:id/mal", goals_get, view);
  add(Method::post, "/initiativ/:id/mal", goal_add, manage);
  add(Method::get, "/initiativ/:id/mal/:goal/endre", goal_edit_get, manage);
  add(Method::post, "/initiativ/:id/mal/:goal/endre", goal_update, manage);
  add(Method::post, "/initiativ/:id/mal/:goal/slett", goal_remove, manage);
  add(Method::post, "/initiativ/:id/mal/:goal/maling", progress_add, manage);
  add(Method::post, "/initiativ/:id/mal/:goal/maling/:entry/slett", progress_remove, manage);
  add(Method::get, "/initiativ/:id/forankring", anchoring_get, view);
  add(Method::post, "/initiativ/:id/forankring", anchoring_add, manage);
  add(Method::get, "/initiativ/:id/kompleksitet", complexity_get, view);
  add(Method::post, "/initiativ/:id/kompleksitet", complexity_set, manage);
}

}  // namespace samskap::web
