#include "web/workshop_pages.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "content/knowledge_base.hpp"
#include "core/readiness.hpp"
#include "core/readiness_dashboard.hpp"
#include "core/workshop.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/readiness.hpp"
#include "store/secrets.hpp"
#include "store/workshops.hpp"
#include "web/auth.hpp"
#include "web/forms.hpp"
#include "web/initiative_common.hpp"
#include "web/readiness_dashboard_pages.hpp"
#include "web/readiness_pages.hpp"
#include "web/sse.hpp"
#include "web/workshop_live.hpp"
#include "web/workshop_view.hpp"

namespace samskap::web {

namespace {

namespace ws = samskap::workshop;
namespace rd = samskap::readiness;

constexpr std::string_view kTab = "verksted";
// The phone's random token for one workshop (a cookie sent only to that
// workshop's pages): it links one phone's answers within the workshop, so a
// changed answer replaces the earlier one. The store keeps only a hash.
constexpr std::string_view kDeviceCookie = "samskap_verksted_";
constexpr int kDeviceCookieDays = 2;

std::string text(const App& app, const Request& req, std::string_view key) {
  return std::string(app.renderer().text(req.lang, key));
}

std::string join_link(const App& app, const std::string& code) {
  std::string base = app.options().public_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + "/w/" + code;
}

std::string ws_path(const std::string& initiative_id, const std::string& workshop_id,
                    std::string_view rest = {}) {
  std::string p = initiative_path(initiative_id, kTab) + "/" + workshop_id;
  if (!rest.empty()) p += "/" + std::string(rest);
  return p;
}

bool can_change(const Request& req) {
  return req.principal && allows(req.principal->role, Permission::manage_initiatives);
}

store::WorkshopRepository repo(App& app) {
  return store::WorkshopRepository(app.db(), app.clock());
}

std::optional<Response> load(App& app, const Request& req, store::Initiative& out) {
  auto i =
      store::InitiativeRepository(app.db(), app.clock()).get(actor_of(req), route_param(req, "id"));
  if (!i) return store_error_page(app, req, i.error());
  out = std::move(*i);
  return std::nullopt;
}

// The initiative and the workshop of the route, or the page to show instead.
struct Loaded {
  store::Initiative initiative;
  store::Workshop workshop;
};
std::variant<Loaded, Response> load_ws(App& app, const Request& req) {
  Loaded l;
  if (auto early = load(app, req, l.initiative)) return std::move(*early);
  auto w = repo(app).get(actor_of(req), l.initiative.id, route_param(req, "ws"));
  if (!w) return store_error_page(app, req, w.error());
  l.workshop = std::move(*w);
  return l;
}

void audit(App& app, const Request& req, const store::Initiative& i, const std::string& action,
           const std::string& workshop_id) {
  (void)store::AuditLog(app.db(), app.clock())
      .record(i.organisation_id, req.principal ? req.principal->user_id : std::string{}, action,
              "workshop", workshop_id, "initiative " + i.id);
}

void add_notice(const App& app, const Request& req, Data& d) {
  static constexpr std::pair<std::string_view, std::string_view> kNotices[] = {
      {"opprettet", "workshop.notice.created"}, {"lagt-til", "workshop.notice.added"},
      {"endret", "workshop.notice.changed"},    {"slettet", "workshop.notice.removed"},
      {"omdopt", "workshop.notice.renamed"},
  };
  const auto m = req.query_param("melding");
  for (const auto& [word, key] : kNotices)
    if (m == word) d.set("notice", text(app, req, key));
}

std::string state_label(const App& app, const Request& req, const store::WorkshopState& s) {
  if (s.ended) return text(app, req, "workshop.state.ended");
  if (s.current < 0) return text(app, req, "workshop.state.not_started");
  return text(app, req, s.open ? "workshop.state.open" : "workshop.state.closed");
}

// ------------------------------------------------------------------ list

Response list_page(App& app, const Request& req, const store::Initiative& i,
                   const std::string& title, const FormErrors& errors, int status) {
  Data d = initiative_page_data(app, req, i, kTab);
  add_notice(app, req, d);
  auto list = repo(app).list(actor_of(req), i.id);
  if (!list) return store_error_page(app, req, list.error());
  Data rows{Data::type::list};
  for (const auto& w : *list) {
    Data o{Data::type::object};
    o.set("title", w.title);
    o.set("href", ws_path(i.id, w.id));
    o.set("code", w.join_code);
    o.set("state", state_label(app, req, w.state));
    o.set("answers", std::to_string(w.answer_count));
    rows.push_back(o);
  }
  d.set("workshops", rows);
  d.set("has_workshops", bool_data(!list->empty()));
  d.set("can_change", bool_data(can_change(req)));
  d.set("action", initiative_path(i.id, kTab));
  d.set("title_value", title);
  errors.into(d);
  Response resp =
      app.page_titled(req, "workshops", text(app, req, "workshop.list.title") + " – " + i.title, d);
  resp.status = status;
  return resp;
}

Response list_get(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  return list_page(app, req, i, {}, FormErrors{}, 200);
}

Response create_post(App& app, const Request& req) {
  store::Initiative i;
  if (auto early = load(app, req, i)) return std::move(*early);
  const std::string title = form_field(req, "tittel", 1000);
  auto w = repo(app).create(actor_of(req), i.id, title);
  if (!w) {
    if (w.error().code != ErrorCode::invalid_input) return store_error_page(app, req, w.error());
    FormErrors errors;
    errors.add(app, req, "tittel", w.error().message_key);
    return list_page(app, req, i, title, errors, 400);
  }
  audit(app, req, i, "workshop.created", w->id);
  return App::redirect(ws_path(i.id, w->id) + "?melding=opprettet");
}

// ------------------------------------------------------------------ builder

// The activity form as typed.
struct ActivityForm {
  std::string type = "refleksjon";
  std::string prompt;
  std::string options;  // one per line
  bool multiple = false;
  std::string min_label;
  std::string max_label;
  std::string source_id;
  FormErrors errors;
};

ActivityForm form_of(const ws::ActivityDef& def) {
  ActivityForm f;
  f.type = std::string(ws::slug(def.type));
  f.prompt = def.prompt;
  for (const auto& o : def.options)
    f.options += o + "\n";
  f.multiple = def.multiple;
  f.min_label = def.scale_min_label;
  f.max_label = def.scale_max_label;
  f.source_id = def.source_id;
  return f;
}

// The reflection questions of the knowledge base, for the "from the seeds" list.
Data kb_questions(const Request& req) {
  Data list{Data::type::list};
  for (const auto& task : content::KnowledgeBase::embedded().reflection_tasks())
    for (const auto& q : task.questions) {
      Data o{Data::type::object};
      o.set("id", q.id);
      o.set("task", task.title.in(req.lang));
      o.set("text", q.text.in(req.lang));
      list.push_back(o);
    }
  return list;
}

Data activity_form_data(const App& app, const Request& req, const ActivityForm& f) {
  Data d{Data::type::object};
  Data types{Data::type::list};
  for (auto t : ws::kActivityTypes) {
    Data o{Data::type::object};
    o.set("value", std::string(ws::slug(t)));
    o.set("label", text(app, req, ws::name_key(t)));
    o.set("selected", bool_data(f.type == ws::slug(t)));
    types.push_back(o);
  }
  d.set("types", types);
  d.set("prompt", f.prompt);
  d.set("options", f.options);
  d.set("multiple", bool_data(f.multiple));
  d.set("min_label", f.min_label);
  d.set("max_label", f.max_label);
  d.set("source_id", f.source_id);
  d.set("prompt_max", std::to_string(ws::kPromptMaxBytes));
  f.errors.into(d);
  return d;
}

Response builder_page(App& app, const Request& req, const Loaded& l, const ActivityForm& f,
                      int status, std::string_view editing = {}) {
  const auto& i = l.initiative;
  const auto& w = l.workshop;
  Data d = initiative_page_data(app, req, i, kTab);
  add_notice(app, req, d);
  Data ws_data{Data::type::object};
  ws_data.set("title", w.title);
  ws_data.set("code", w.join_code);
  ws_data.set("link", join_link(app, w.join_code));
  ws_data.set("state", state_label(app, req, w.state));
  ws_data.set("version", std::to_string(w.version));
  ws_data.set("answers", std::to_string(w.answer_count));
  const std::string base = ws_path(i.id, w.id);
  ws_data.set("base", base);
  ws_data.set("control_href", base + "/styring");
  ws_data.set("screen_href", base + "/skjerm");
  ws_data.set("summary_href", base + "/oppsummering");
  ws_data.set("back_href", initiative_path(i.id, kTab));
  d.set("workshop", ws_data);
  Data acts{Data::type::list};
  for (std::size_t n = 0; n < w.activities.size(); ++n) {
    const auto& a = w.activities[n];
    Data o{Data::type::object};
    o.set("n", std::to_string(n + 1));
    o.set("id", a.id);
    o.set("prompt", a.def.prompt);
    o.set("type", type_label(app.renderer(), req.lang, a.def.type));
    o.set("options", std::to_string(a.def.options.size()));
    o.set("has_options", bool_data(!a.def.options.empty()));
    o.set("first", bool_data(n == 0));
    o.set("last", bool_data(n + 1 == w.activities.size()));
    o.set("current", bool_data(static_cast<int>(n) == w.state.current));
    o.set("edit_href", base + "/aktivitet/" + a.id);
    o.set("action_base", base + "/aktivitet/" + a.id);
    o.set("editing", bool_data(editing == a.id));
    acts.push_back(o);
  }
  d.set("activities", acts);
  d.set("has_activities", bool_data(!w.activities.empty()));
  d.set("can_change", bool_data(can_change(req)));
  Data form = activity_form_data(app, req, f);
  form.set("action",
           editing.empty() ? base + "/aktivitet" : base + "/aktivitet/" + std::string(editing));
  form.set("editing", bool_data(!editing.empty()));
  d.set("form", form);
  d.set("kb_questions", kb_questions(req));
  d.set("sorting_action", base + "/aktivitet/sortering-als");
  d.set("rename_action", base + "/navn");
  d.set("delete_action", base + "/slett");
  Response resp = app.page_titled(req, "workshop_builder", w.title + " – " + i.title, d);
  resp.status = status;
  return resp;
}

Response builder_get(App& app, const Request& req, Loaded& l) {
  return builder_page(app, req, l, ActivityForm{}, 200);
}

// The options textarea: one per line, blank lines dropped.
std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    std::string line = s.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    std::size_t b = 0;
    while (b < line.size() && (line[b] == ' ' || line[b] == '\t'))
      ++b;
    if (b < line.size()) out.push_back(line.substr(b));
    if (end == s.size()) break;
    start = end + 1;
  }
  return out;
}

std::string field_of(std::string_view key) {
  if (key == "workshop.error.options") return "alternativer";
  if (key == "workshop.error.label") return "skala_min";
  return "sporsmal";
}

ActivityForm read_activity_form(const Request& req) {
  ActivityForm f;
  f.type = form_field(req, "type", 40);
  f.prompt = form_field(req, "sporsmal", ws::kPromptMaxBytes * 2 + 64);
  f.options = form_field(req, "alternativer", 8000);
  f.multiple = form_checked(req, "flere");
  f.min_label = form_field(req, "skala_min", 400);
  f.max_label = form_field(req, "skala_maks", 400);
  f.source_id = form_field(req, "kilde", 200);
  return f;
}

// The definition in a form, or the field errors.
std::optional<ws::ActivityDef> def_of(const App& app, const Request& req, ActivityForm& f) {
  auto type = ws::parse_activity_type(f.type);
  if (!type) {
    f.errors.add(app, req, "type", "workshop.error.type");
    f.type = "refleksjon";
    return std::nullopt;
  }
  ws::ActivityDef def;
  def.type = *type;
  def.prompt = f.prompt;
  const bool takes_options = *type == ws::ActivityType::choice ||
                             *type == ws::ActivityType::ranking ||
                             *type == ws::ActivityType::sorting;
  if (takes_options) def.options = lines_of(f.options);
  def.multiple = *type == ws::ActivityType::choice && f.multiple;
  if (*type == ws::ActivityType::scale) {
    def.scale_min_label = f.min_label;
    def.scale_max_label = f.max_label;
  }
  // A knowledge-base id is kept only when it names a reflection question.
  if (!f.source_id.empty()) {
    bool known = false;
    for (const auto& task : content::KnowledgeBase::embedded().reflection_tasks())
      for (const auto& q : task.questions)
        known = known || q.id == f.source_id;
    for (const auto& ex : content::KnowledgeBase::embedded().request_examples())
      known = known || ex.id == f.source_id;
    if (known) def.source_id = f.source_id;
  }
  auto checked = ws::validate(def);
  if (!checked) {
    f.errors.add(app, req, field_of(checked.error().message_key), checked.error().message_key);
    return std::nullopt;
  }
  return std::move(*checked);
}

// A store error on a builder form: a form problem shows the form again.
Response builder_error(App& app, const Request& req, const Loaded& l, ActivityForm& f,
                       const Error& e, std::string_view editing = {}) {
  if (e.code == ErrorCode::invalid_input) {
    f.errors.add(app, req, field_of(e.message_key), e.message_key);
    return builder_page(app, req, l, f, 400, editing);
  }
  return store_error_page(app, req, e);
}

std::optional<int> version_of(const Request& req) {
  return parse_int(form_field(req, "version", 20));
}

Response activity_add(App& app, const Request& req, Loaded& l) {
  ActivityForm f = read_activity_form(req);
  const auto version = version_of(req);
  if (!version) return app.error_page(req, 400);
  auto def = def_of(app, req, f);
  if (!def) return builder_page(app, req, l, f, 400);
  auto w = repo(app).add_activity(actor_of(req), l.initiative.id, l.workshop.id, *version,
                                  std::move(*def));
  if (!w) return builder_error(app, req, l, f, w.error());
  return App::redirect(ws_path(l.initiative.id, l.workshop.id) + "?melding=lagt-til#aktiviteter");
}

// The seeds' case: the ALS request, with the three proposed answers to sort
// under 1.0, 2.0 and 3.0 (in the facilitator's language).
Response activity_add_sorting(App& app, const Request& req, Loaded& l) {
  const auto version = version_of(req);
  if (!version) return app.error_page(req, 400);
  const auto& examples = content::KnowledgeBase::embedded().request_examples();
  if (examples.empty()) return app.error_page(req, 404);
  const auto& ex = examples.front();
  ws::ActivityDef def;
  def.type = ws::ActivityType::sorting;
  def.prompt = ex.request.in(req.lang) + " " + ex.question.in(req.lang);
  if (def.prompt.size() > ws::kPromptMaxBytes) def.prompt = ex.question.in(req.lang);
  for (const auto& r : ex.responses) {
    std::string card = r.text.in(req.lang);
    if (card.size() > ws::kOptionMaxBytes) {
      // Cut at a word boundary and mark it.
      std::size_t cut = ws::kOptionMaxBytes - 4;
      auto sp = card.rfind(' ', cut);
      if (sp != std::string::npos && sp > 40) {
        cut = sp;
      } else {
        // Never inside a character: back up over UTF-8 continuation bytes.
        while (cut > 0 && (static_cast<unsigned char>(card[cut]) & 0xC0) == 0x80)
          --cut;
      }
      card.resize(cut);
      card += " …";
    }
    def.options.push_back(card);
  }
  def.source_id = ex.id;
  ActivityForm f;
  auto w = repo(app).add_activity(actor_of(req), l.initiative.id, l.workshop.id, *version, def);
  if (!w) return builder_error(app, req, l, f, w.error());
  return App::redirect(ws_path(l.initiative.id, l.workshop.id) + "?melding=lagt-til#aktiviteter");
}

Response activity_edit_get(App& app, const Request& req, Loaded& l) {
  const std::string act = route_param(req, "act");
  for (const auto& a : l.workshop.activities)
    if (a.id == act) return builder_page(app, req, l, form_of(a.def), 200, act);
  return app.error_page(req, 404);
}

Response activity_edit_post(App& app, const Request& req, Loaded& l) {
  const std::string act = route_param(req, "act");
  ActivityForm f = read_activity_form(req);
  const auto version = version_of(req);
  if (!version) return app.error_page(req, 400);
  auto def = def_of(app, req, f);
  if (!def) return builder_page(app, req, l, f, 400, act);
  auto w = repo(app).update_activity(actor_of(req), l.initiative.id, l.workshop.id, *version, act,
                                     std::move(*def));
  if (!w) return builder_error(app, req, l, f, w.error(), act);
  return App::redirect(ws_path(l.initiative.id, l.workshop.id) + "?melding=endret#aktiviteter");
}

Response activity_remove(App& app, const Request& req, Loaded& l) {
  const auto version = version_of(req);
  if (!version) return app.error_page(req, 400);
  auto w = repo(app).remove_activity(actor_of(req), l.initiative.id, l.workshop.id, *version,
                                     route_param(req, "act"));
  if (!w) return store_error_page(app, req, w.error());
  return App::redirect(ws_path(l.initiative.id, l.workshop.id) + "?melding=slettet#aktiviteter");
}

Response activity_move(App& app, const Request& req, Loaded& l) {
  const auto version = version_of(req);
  const std::string dir = form_field(req, "retning", 10);
  if (!version || (dir != "opp" && dir != "ned")) return app.error_page(req, 400);
  auto w = repo(app).move_activity(actor_of(req), l.initiative.id, l.workshop.id, *version,
                                   route_param(req, "act"), dir == "opp" ? -1 : 1);
  if (!w) return store_error_page(app, req, w.error());
  return App::redirect(ws_path(l.initiative.id, l.workshop.id) + "#aktiviteter");
}

Response rename_post(App& app, const Request& req, Loaded& l) {
  const auto version = version_of(req);
  if (!version) return app.error_page(req, 400);
  auto w = repo(app).rename(actor_of(req), l.initiative.id, l.workshop.id, *version,
                            form_field(req, "tittel", 1000));
  if (!w) {
    if (w.error().code != ErrorCode::invalid_input) return store_error_page(app, req, w.error());
    ActivityForm f;
    f.errors.add(app, req, "ny-tittel", w.error().message_key);
    return builder_page(app, req, l, f, 400);
  }
  return App::redirect(ws_path(l.initiative.id, l.workshop.id) + "?melding=omdopt");
}

Response delete_post(App& app, const Request& req, Loaded& l) {
  if (form_field(req, "bekreft", 10) != "ja") return app.error_page(req, 400);
  auto s = repo(app).remove(actor_of(req), l.initiative.id, l.workshop.id);
  if (!s.ok()) return store_error_page(app, req, s.error());
  audit(app, req, l.initiative, "workshop.deleted", l.workshop.id);
  app.live().poke(l.workshop.id);
  return App::redirect(initiative_path(l.initiative.id, kTab) + "?melding=slettet");
}

// ------------------------------------------------------------------ running

// The results of one activity, rendered with fragments/workshop_results.
Result<std::string> activity_results_html(App& app, const Request& req, const Loaded& l,
                                          const store::WorkshopActivity& a, bool moderation,
                                          int* count = nullptr, int* hidden = nullptr) {
  auto rows = repo(app).answers(actor_of(req), l.initiative.id, l.workshop.id, a.id);
  if (!rows) return rows.error();
  std::vector<ws::StoredAnswer> answers;
  int hidden_count = 0;
  for (auto& r : *rows) {
    hidden_count += r.stored.hidden ? 1 : 0;
    answers.push_back(std::move(r.stored));
  }
  const auto results = ws::aggregate(a.def, answers, app.options().min_group_size);
  if (count) *count = results.answers;
  if (hidden) *hidden = hidden_count;
  Data d = results_data(app.renderer(), req.lang, a.def, results);
  d.set("moderation", bool_data(moderation));
  if (moderation) {
    // Every answer of a text activity with its moderation buttons.
    Data list{Data::type::list};
    const std::string action = ws_path(l.initiative.id, l.workshop.id, "moder");
    const bool texts =
        a.def.type == ws::ActivityType::reflection || a.def.type == ws::ActivityType::word_cloud;
    if (texts) {
      for (auto it = answers.rbegin(); it != answers.rend(); ++it) {
        Data o{Data::type::object};
        o.set("id", it->id);
        std::string shown = it->answer.text;
        if (a.def.type == ws::ActivityType::word_cloud) {
          shown.clear();
          for (const auto& w : it->answer.words)
            shown += (shown.empty() ? "" : ", ") + w;
        }
        o.set("text", shown);
        o.set("hidden", bool_data(it->hidden));
        o.set("pinned", bool_data(it->pinned));
        o.set("action", action);
        list.push_back(o);
      }
    }
    d.set("all_answers", list);
    d.set("has_all_answers", bool_data(texts && !answers.empty()));
    d.set("pin_allowed", bool_data(a.def.type == ws::ActivityType::reflection));
    d.set("csrf", req.principal ? req.principal->csrf_token : std::string{});
  }
  return app.renderer().fragment("fragments/workshop_results", d, req.lang);
}

Data control_data(App& app, const Request& req, const Loaded& l, std::string& error_out) {
  const auto& w = l.workshop;
  Data d = initiative_page_data(app, req, l.initiative, kTab);
  const std::string base = ws_path(l.initiative.id, w.id);
  Data ws_data{Data::type::object};
  ws_data.set("title", w.title);
  ws_data.set("code", w.join_code);
  ws_data.set("link", join_link(app, w.join_code));
  ws_data.set("state", state_label(app, req, w.state));
  ws_data.set("builder_href", base);
  ws_data.set("screen_href", base + "/skjerm");
  ws_data.set("summary_href", base + "/oppsummering");
  ws_data.set("events_href", base + "/hendelser");
  ws_data.set("fragment_href", base + "/styring?del=svar");
  ws_data.set("control_action", base + "/styr");
  d.set("workshop", ws_data);
  d.set("started", bool_data(w.state.current >= 0));
  d.set("ended", bool_data(w.state.ended));
  d.set("open", bool_data(w.state.open));
  d.set("revealed", bool_data(w.state.revealed));
  d.set("has_previous", bool_data(w.state.current > 0));
  d.set("has_next", bool_data(w.state.current + 1 < static_cast<int>(w.activities.size())));
  d.set("has_activities", bool_data(!w.activities.empty()));
  d.set("position", std::to_string(w.state.current + 1));
  d.set("count", std::to_string(w.activities.size()));
  Data acts{Data::type::list};
  for (std::size_t n = 0; n < w.activities.size(); ++n) {
    Data o{Data::type::object};
    o.set("index", std::to_string(n));
    o.set("n", std::to_string(n + 1));
    o.set("prompt", w.activities[n].def.prompt);
    o.set("current", bool_data(static_cast<int>(n) == w.state.current));
    acts.push_back(o);
  }
  d.set("activities", acts);
  if (w.state.current >= 0 && w.state.current < static_cast<int>(w.activities.size())) {
    const auto& a = w.activities[static_cast<std::size_t>(w.state.current)];
    d.set("prompt", a.def.prompt);
    d.set("type_label", type_label(app.renderer(), req.lang, a.def.type));
    int count = 0;
    int hidden = 0;
    auto html = activity_results_html(app, req, l, a, can_change(req), &count, &hidden);
    if (!html) {
      error_out = html.error().message_key;
      return d;
    }
    d.set("results_html", *html);
    d.set("answers", std::to_string(count));
    d.set("hidden_count", std::to_string(hidden));
    d.set("has_hidden", bool_data(hidden > 0));
  }
  d.set("can_change", bool_data(can_change(req)));
  return d;
}

Response control_get(App& app, const Request& req, Loaded& l) {
  std::string error;
  Data d = control_data(app, req, l, error);
  if (!error.empty()) return app.error_page(req, 503);
  std::string live = app.renderer().fragment("fragments/workshop_control_live", d, req.lang);
  if (req.query_param("del") == "svar") {
    Response r;
    r.body = std::move(live);
    r.header("Cache-Control", "no-store");
    return r;
  }
  d.set("live_html", live);
  return app.page_titled(req, "workshop_control",
                         text(app, req, "workshop.control.title") + " – " + l.workshop.title, d);
}

Response control_post(App& app, const Request& req, Loaded& l) {
  const std::string action = form_field(req, "handling", 20);
  const auto a = actor_of(req);
  const auto& i = l.initiative.id;
  const auto& id = l.workshop.id;
  Result<store::WorkshopState> s = Error::invalid("error.bad_request");
  if (action == "neste") {
    s = repo(app).go_to(a, i, id, l.workshop.state.current + 1);
  } else if (action == "forrige") {
    s = repo(app).go_to(a, i, id, std::max(0, l.workshop.state.current - 1));
  } else if (action == "ga-til") {
    const auto index = parse_int(form_field(req, "indeks", 10));
    if (!index) return app.error_page(req, 400);
    s = repo(app).go_to(a, i, id, *index);
  } else if (action == "apne" || action == "lukk") {
    s = repo(app).set_open(a, i, id, action == "apne");
  } else if (action == "vis" || action == "skjul") {
    s = repo(app).set_revealed(a, i, id, action == "vis");
  } else if (action == "avslutt" || action == "gjenoppta") {
    s = repo(app).set_ended(a, i, id, action == "avslutt");
  } else {
    return app.error_page(req, 400);
  }
  if (!s) return store_error_page(app, req, s.error());
  app.live().poke(id);
  if (req.header("hx-request") == "true") {
    Response r;
    r.status = 204;
    return r;
  }
  return App::redirect(ws_path(i, id, "styring"));
}

Response moderate_post(App& app, const Request& req, Loaded& l) {
  const std::string action = form_field(req, "handling", 20);
  std::optional<bool> hidden;
  std::optional<bool> pinned;
  if (action == "skjul" || action == "vis")
    hidden = action == "skjul";
  else if (action == "fest" || action == "losne")
    pinned = action == "fest";
  else
    return app.error_page(req, 400);
  auto s = repo(app).moderate(actor_of(req), l.initiative.id, l.workshop.id,
                              form_field(req, "svar", 100), hidden, pinned);
  if (!s.ok()) return store_error_page(app, req, s.error());
  app.live().poke(l.workshop.id);
  return App::redirect(ws_path(l.initiative.id, l.workshop.id, "styring") + "#svar");
}

Response screen_get(App& app, const Request& req, Loaded& l) {
  auto html = app.live().screen_html(l.workshop.id, req.lang);
  if (!html) return store_error_page(app, req, html.error());
  const std::string link = join_link(app, l.workshop.join_code);
  Data d{Data::type::object};
  d.set("title", l.workshop.title);
  d.set("initiative_title", l.initiative.title);
  d.set("code", l.workshop.join_code);
  d.set("link", link);
  d.set("region", *html);
  d.set("events_href", ws_path(l.initiative.id, l.workshop.id, "hendelser"));
  d.set("control_href", ws_path(l.initiative.id, l.workshop.id, "styring"));
  d.set("qr",
        qr_svg(link, fill_placeholder(text(app, req, "workshop.screen.qr_label"), "link", link)));
  return app.page_titled(req, "workshop_screen", l.workshop.title, d);
}

Response stream_response(App& app, const Request& req, const std::string& workshop_id,
                         WorkshopLive::Audience audience) {
  Response r;
  r.content_type = "text/event-stream; charset=utf-8";
  r.header("Cache-Control", "no-store");
  const auto last = sse::parse_last_event_id(req.header("last-event-id"));
  WorkshopLive* live = &app.live();
  const Language lang = req.lang;
  r.on_stream = [live, workshop_id, audience, lang, last](std::shared_ptr<EventSink> sink) {
    if (auto s = live->attach(workshop_id, audience, lang, sink, last); !s.ok()) {
      sink->send(sse::frame("gone", "{}"));
      sink->close();
    }
  };
  return r;
}

Response screen_events(App& app, const Request& req, Loaded& l) {
  return stream_response(app, req, l.workshop.id, WorkshopLive::Audience::screen);
}

// ------------------------------------------------------------------ summary and exports

Response summary_get(App& app, const Request& req, Loaded& l) {
  Data d = initiative_page_data(app, req, l.initiative, kTab);
  const std::string base = ws_path(l.initiative.id, l.workshop.id);
  d.set("title", l.workshop.title);
  d.set("builder_href", base);
  d.set("csv_href", base + "/eksport.csv");
  d.set("xlsx_href", base + "/eksport.xlsx");
  d.set("answers", std::to_string(l.workshop.answer_count));
  Data acts{Data::type::list};
  for (std::size_t n = 0; n < l.workshop.activities.size(); ++n) {
    const auto& a = l.workshop.activities[n];
    int count = 0;
    auto html = activity_results_html(app, req, l, a, false, &count);
    if (!html) return store_error_page(app, req, html.error());
    Data o{Data::type::object};
    o.set("n", std::to_string(n + 1));
    o.set("id", a.id);
    o.set("prompt", a.def.prompt);
    o.set("type", type_label(app.renderer(), req.lang, a.def.type));
    o.set("answers", std::to_string(count));
    o.set("results_html", *html);
    acts.push_back(o);
  }
  d.set("activities", acts);
  d.set("has_activities", bool_data(!l.workshop.activities.empty()));
  d.set("min_group", std::to_string(rd::effective_min_group(app.options().min_group_size)));
  return app.page_titled(req, "workshop_summary",
                         text(app, req, "workshop.summary.title") + " – " + l.workshop.title, d);
}

// The rows of the export: one block per activity, aggregates only (and the
// visible reflection texts, which the screen showed anyway).
Result<std::vector<std::vector<std::string>>> export_rows(App& app, const Request& req,
                                                          const Loaded& l) {
  auto t = [&](std::string_view k) { return text(app, req, k); };
  std::vector<std::vector<std::string>> rows;
  rows.push_back({t("workshop.export.activity"), t("workshop.export.type"),
                  t("workshop.export.prompt"), t("workshop.export.item"),
                  t("workshop.export.value"), t("workshop.export.count")});
  for (std::size_t n = 0; n < l.workshop.activities.size(); ++n) {
    const auto& a = l.workshop.activities[n];
    auto stored = repo(app).answers(actor_of(req), l.initiative.id, l.workshop.id, a.id);
    if (!stored) return stored.error();
    std::vector<ws::StoredAnswer> answers;
    for (auto& r : *stored)
      answers.push_back(std::move(r.stored));
    const auto res = ws::aggregate(a.def, answers, app.options().min_group_size);
    const std::string num = std::to_string(n + 1);
    const std::string type = type_label(app.renderer(), req.lang, a.def.type);
    auto row = [&](std::string item, std::string value, std::string count) {
      rows.push_back(
          {num, type, a.def.prompt, std::move(item), std::move(value), std::move(count)});
    };
    row(t("workshop.export.answers"), "", std::to_string(res.answers));
    switch (a.def.type) {
      case ws::ActivityType::reflection:
        for (const auto& x : res.texts)
          row(t("workshop.export.text"), x.text, "");
        break;
      case ws::ActivityType::word_cloud:
        for (const auto& w : res.words)
          row(t("workshop.export.word"), w.display, std::to_string(w.count));
        break;
      case ws::ActivityType::scale:
        for (int v = 0; v <= 10; ++v)
          row(t("workshop.export.scale_value"), std::to_string(v),
              std::to_string(res.histogram[static_cast<std::size_t>(v)]));
        if (res.mean) row(t("workshop.export.mean"), format_decimal(*res.mean, req.lang), "");
        if (res.median) row(t("workshop.export.median"), format_decimal(*res.median, req.lang), "");
        break;
      case ws::ActivityType::choice:
        for (const auto& c : res.choices)
          row(t("workshop.export.option"), c.option, std::to_string(c.count));
        break;
      case ws::ActivityType::ranking:
        for (const auto& r : res.ranking)
          row(t("workshop.export.option"), r.option, std::to_string(r.points));
        break;
      case ws::ActivityType::stage_checkin:
        if (!res.stages_shown) {
          row(t("workshop.export.too_few"), "", "");
          break;
        }
        for (std::size_t s = 0; s < rd::kStages.size(); ++s)
          row(t("workshop.export.stage"), t(rd::name_key(rd::kStages[s])),
              res.stage_shown[s] ? std::to_string(res.stages[s]) : t("workshop.export.hidden"));
        break;
      case ws::ActivityType::sorting:
        for (const auto& c : res.sorting)
          for (int level = 0; level < 3; ++level)
            row(c.card, std::to_string(level + 1) + ".0",
                std::to_string(c.counts[static_cast<std::size_t>(level)]));
        break;
    }
  }
  return rows;
}

std::string file_stem(const store::Workshop& w) {
  return "verksted-" + w.join_code;
}

Response export_csv(App& app, const Request& req, Loaded& l) {
  auto rows = export_rows(app, req, l);
  if (!rows) return store_error_page(app, req, rows.error());
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = rd::csv_encode(*rows, true);
  r.header("Content-Disposition", "attachment; filename=\"" + file_stem(l.workshop) + ".csv\"");
  r.header("Cache-Control", "private, no-store");
  return r;
}

Response export_xlsx(App& app, const Request& req, Loaded& l) {
  auto rows = export_rows(app, req, l);
  if (!rows) return store_error_page(app, req, rows.error());
  auto book = xlsx_workbook(*rows, text(app, req, "workshop.export.sheet"));
  if (!book) return app.error_page(req, 503);
  Response r;
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.body = std::move(*book);
  r.header("Content-Disposition", "attachment; filename=\"" + file_stem(l.workshop) + ".xlsx\"");
  r.header("Cache-Control", "private, no-store");
  return r;
}

// ------------------------------------------------------------------ participants

Response code_page(App& app, const Request& req, int status, std::string_view message_key,
                   const std::string& typed) {
  Data d{Data::type::object};
  set_text(d, "message", message_key.empty() ? std::string{} : text(app, req, message_key));
  d.set("typed", typed);
  Response resp = app.page_titled(req, "workshop_join", text(app, req, "workshop.join.title"), d);
  resp.status = status;
  return resp;
}

// The phone's token for this code: the cookie's, or a new one set on `resp`.
std::string device_token(App& app, const Request& req, const std::string& code, Response& resp) {
  return app.auth().device_token(req, resp, std::string(kDeviceCookie) + code, "/w/" + code,
                                 kDeviceCookieDays);
}

std::variant<store::PublicWorkshop, Response> public_ws(App& app, const Request& req) {
  const std::string raw = route_param(req, "code");
  const std::string code = store::normalise_join_code(raw);
  if (code.empty())
    return code_page(app, req, 404, "workshop.error.code_unknown", raw.substr(0, 40));
  if (code != raw && req.method == Method::get) return App::redirect("/w/" + code);
  auto w = repo(app).public_workshop(code);
  if (!w) {
    if (w.error().code == ErrorCode::not_found)
      return code_page(app, req, 404, "workshop.error.code_unknown", code);
    return app.error_page(req, status_for(w.error().code));
  }
  return std::move(*w);
}

// What the phone sent, for showing the form again.
struct AnswerForm {
  std::string text;
  std::array<std::string, ws::kMaxWords> words;
  std::string value;
  std::vector<bool> choices;
  std::vector<std::string> ranks;
  std::vector<std::string> levels;
  std::string staging;
  std::string importance;
  std::string confidence;
  FormErrors errors;
};

Data numbers(const std::string& name, int from, int to, const std::string& value) {
  Data list{Data::type::list};
  for (int n = from; n <= to; ++n) {
    Data o{Data::type::object};
    o.set("value", std::to_string(n));
    o.set("id", name + "-" + std::to_string(n));
    o.set("name", name);
    o.set("checked", bool_data(value == std::to_string(n)));
    list.push_back(o);
  }
  return list;
}

Response answer_page(App& app, const Request& req, const store::PublicWorkshop& w,
                     const AnswerForm& f, int status, std::string_view notice_key = {}) {
  Response resp;
  Data d{Data::type::object};
  d.set("csrf", app.auth().ensure_csrf_cookie(req, resp));
  (void)device_token(app, req, w.join_code, resp);
  d.set("code", w.join_code);
  d.set("title", w.title);
  d.set("initiative_title", w.initiative_title);
  d.set("action", "/w/" + w.join_code + "/svar");
  d.set("self_href", "/w/" + w.join_code);
  d.set("events_href", "/w/" + w.join_code + "/hendelser");
  d.set("seq", std::to_string(w.state.seq));
  set_text(d, "notice", notice_key.empty() ? std::string{} : text(app, req, notice_key));
  d.set("waiting", bool_data(!w.current));
  d.set("closed", bool_data(w.current && !w.state.open));
  if (w.current) {
    const auto& a = *w.current;
    const auto& def = a.def;
    d.set("activity_id", a.id);
    d.set("prompt", def.prompt);
    d.set("position", std::to_string(w.state.current + 1));
    d.set("count", std::to_string(w.activity_count));
    d.set("open", bool_data(w.state.open));
    set_type_flags(d, def.type);
    d.set("text", f.text);
    d.set("text_max", std::to_string(ws::kTextMaxBytes));
    Data words{Data::type::list};
    for (std::size_t n = 0; n < ws::kMaxWords; ++n) {
      Data o{Data::type::object};
      o.set("n", std::to_string(n + 1));
      o.set("value", f.words[n]);
      words.push_back(o);
    }
    d.set("words", words);
    d.set("word_max", std::to_string(ws::kWordMaxBytes));
    d.set("scale", numbers("verdi", 0, 10, f.value));
    set_text(d, "min_label", def.scale_min_label);
    set_text(d, "max_label", def.scale_max_label);
    d.set("multiple", bool_data(def.multiple));
    Data options{Data::type::list};
    for (std::size_t n = 0; n < def.options.size(); ++n) {
      Data o{Data::type::object};
      o.set("n", std::to_string(n));
      o.set("label", def.options[n]);
      o.set("checked", bool_data(n < f.choices.size() && f.choices[n]));
      const std::string rank = n < f.ranks.size() ? f.ranks[n] : std::string{};
      o.set("places",
            numbers("plass_" + std::to_string(n), 1, static_cast<int>(def.options.size()), rank));
      Data levels{Data::type::list};
      const std::string level = n < f.levels.size() ? f.levels[n] : std::string{};
      for (int l = 1; l <= 3; ++l) {
        Data lo{Data::type::object};
        lo.set("value", std::to_string(l));
        lo.set("label", std::to_string(l) + ".0");
        lo.set("id", "niva-" + std::to_string(n) + "-" + std::to_string(l));
        lo.set("checked", bool_data(level == std::to_string(l)));
        levels.push_back(lo);
      }
      o.set("levels", levels);
      options.push_back(o);
    }
    d.set("options", options);
    Data staging{Data::type::list};
    for (auto s : rd::kStagingAnswers) {
      Data o{Data::type::object};
      const std::string slug(rd::slug(s));
      o.set("value", slug);
      o.set("id", "stadium-" + slug);
      o.set("label", text(app, req, rd::name_key(s)));
      o.set("checked", bool_data(f.staging == slug));
      staging.push_back(o);
    }
    d.set("staging", staging);
    d.set("importance", numbers("viktighet", 0, 10, f.importance));
    d.set("confidence", numbers("mestring", 0, 10, f.confidence));
  }
  f.errors.into(d);
  Response page = app.page_titled(req, "workshop_answer", w.title, d);
  page.status = status;
  for (auto& h : resp.headers)
    page.headers.push_back(std::move(h));
  return page;
}

Response join_get(App& app, const Request& req) {
  const std::string typed(req.query_param("kode").substr(0, 40));
  if (typed.empty()) return code_page(app, req, 200, {}, {});
  const std::string code = store::normalise_join_code(typed);
  if (code.empty()) return code_page(app, req, 404, "workshop.error.code_unknown", typed);
  return App::redirect("/w/" + code);
}

Response answer_get(App& app, const Request& req) {
  auto pw = public_ws(app, req);
  if (auto* early = std::get_if<Response>(&pw)) return std::move(*early);
  const auto& w = std::get<store::PublicWorkshop>(pw);
  return answer_page(app, req, w, AnswerForm{}, 200,
                     req.query_param("takk") == "1" ? "workshop.answer.thanks" : "");
}

std::string answer_field(std::string_view key) {
  static constexpr std::pair<std::string_view, std::string_view> kFields[] = {
      {"workshop.error.text", "tekst"},      {"workshop.error.words", "ord1"},
      {"workshop.error.value", "verdi"},     {"workshop.error.choice", "valg"},
      {"workshop.error.order", "plass_0"},   {"workshop.error.levels", "niva_0"},
      {"workshop.error.staging", "stadium"}, {"workshop.error.ruler", "viktighet"},
  };
  for (const auto& [k, f] : kFields)
    if (k == key) return std::string(f);
  return "svar";
}

Response answer_post(App& app, const Request& req) {
  auto pw = public_ws(app, req);
  if (auto* early = std::get_if<Response>(&pw)) return std::move(*early);
  const auto& w = std::get<store::PublicWorkshop>(pw);
  const std::string activity_id = form_field(req, "aktivitet", 100);

  AnswerForm f;
  ws::AnswerInput in;
  const std::size_t n_options = w.current ? w.current->def.options.size() : 0;
  const auto type = w.current ? w.current->def.type : ws::ActivityType::reflection;
  // Read only the fields of the activity's type: anything else is ignored.
  switch (type) {
    case ws::ActivityType::reflection:
      f.text = form_field(req, "tekst", ws::kTextMaxBytes * 2 + 64);
      in.text = f.text;
      break;
    case ws::ActivityType::word_cloud:
      for (std::size_t n = 0; n < ws::kMaxWords; ++n) {
        f.words[n] = form_field(req, "ord" + std::to_string(n + 1), ws::kWordMaxBytes * 4);
        in.words.push_back(f.words[n]);
      }
      break;
    case ws::ActivityType::scale:
      f.value = form_field(req, "verdi", 20);
      if (!f.value.empty()) {
        in.value = parse_int(f.value);
        if (!in.value) in.value = -1;  // validate() names the field
      }
      break;
    case ws::ActivityType::choice:
      f.choices.assign(n_options, false);
      if (w.current->def.multiple) {
        for (std::size_t n = 0; n < n_options; ++n)
          if (form_checked(req, "valg_" + std::to_string(n))) {
            f.choices[n] = true;
            in.choices.push_back(static_cast<int>(n));
          }
      } else if (auto c = parse_int(form_field(req, "valg", 20))) {
        in.choices.push_back(*c);
        if (*c >= 0 && static_cast<std::size_t>(*c) < n_options) f.choices[*c] = true;
      } else if (!form_field(req, "valg", 20).empty()) {
        in.choices.push_back(-1);
      }
      break;
    case ws::ActivityType::ranking: {
      // Place of each option (1 = best) → the options best first.
      f.ranks.resize(n_options);
      std::vector<std::pair<int, int>> placed;
      bool bad = false;
      for (std::size_t n = 0; n < n_options; ++n) {
        f.ranks[n] = form_field(req, "plass_" + std::to_string(n), 20);
        auto p = parse_int(f.ranks[n]);
        if (!p) {
          bad = true;
          continue;
        }
        placed.emplace_back(*p, static_cast<int>(n));
      }
      std::sort(placed.begin(), placed.end());
      for (const auto& [place, n] : placed)
        in.order.push_back(n);
      for (std::size_t k = 0; k < placed.size(); ++k)
        if (placed[k].first != static_cast<int>(k) + 1) bad = true;
      if (bad) in.order.push_back(-1);  // not a permutation: validate() says so
      break;
    }
    case ws::ActivityType::stage_checkin:
      f.staging = form_field(req, "stadium", 100);
      f.importance = form_field(req, "viktighet", 20);
      f.confidence = form_field(req, "mestring", 20);
      in.staging = rd::parse_staging_answer(f.staging);
      if (!f.importance.empty()) in.importance = parse_int(f.importance).value_or(-1);
      if (!f.confidence.empty()) in.confidence = parse_int(f.confidence).value_or(-1);
      break;
    case ws::ActivityType::sorting:
      f.levels.resize(n_options);
      for (std::size_t n = 0; n < n_options; ++n) {
        f.levels[n] = form_field(req, "niva_" + std::to_string(n), 20);
        in.levels.push_back(f.levels[n].empty() ? 0 : parse_int(f.levels[n]).value_or(-1));
      }
      break;
  }
  if (!w.current || activity_id != w.current->id) {
    // The facilitator moved on while the phone had the form open: say so, and
    // show the current activity (the typed text is kept on the page).
    return answer_page(app, req, w, f, 409, "workshop.error.moved_on");
  }
  if (!w.state.open) return answer_page(app, req, w, f, 409, "workshop.error.closed");
  Response cookies;
  const std::string token = device_token(app, req, w.join_code, cookies);
  if (!app.live().allow_answer(token)) {
    Response page = answer_page(app, req, w, f, 429, "workshop.error.too_fast");
    page.header("Retry-After", "2");
    return page;
  }
  auto done = repo(app).submit(w.join_code, activity_id, token, in);
  if (!done) {
    const auto& e = done.error();
    if (e.code == ErrorCode::not_found)
      return code_page(app, req, 404, "workshop.error.code_unknown", w.join_code);
    if (e.code == ErrorCode::conflict) {
      // Moved on or closed meanwhile: show where things are now.
      auto now = repo(app).public_workshop(w.join_code);
      return answer_page(app, req, now ? *now : w, f, 409, e.message_key);
    }
    if (e.code == ErrorCode::rate_limited) return answer_page(app, req, w, f, 429, e.message_key);
    if (e.code != ErrorCode::invalid_input) return app.error_page(req, status_for(e.code));
    f.errors.add(app, req, answer_field(e.message_key), e.message_key);
    return answer_page(app, req, w, f, 400);
  }
  app.live().poke(w.id);
  Response r = App::redirect("/w/" + w.join_code + "?takk=1");
  for (auto& h : cookies.headers)
    r.headers.push_back(std::move(h));
  return r;
}

Response phone_events(App& app, const Request& req) {
  const std::string code = store::normalise_join_code(route_param(req, "code"));
  if (code.empty()) return app.error_page(req, 404);
  auto w = repo(app).public_workshop(code);
  if (!w) return app.error_page(req, status_for(w.error().code));
  return stream_response(app, req, w->id, WorkshopLive::Audience::phone);
}

}  // namespace

void add_workshop_routes(App& app, std::vector<Route>& routes) {
  const Guard view{true, Permission::view_results};
  const Guard manage{true, Permission::manage_initiatives};
  auto add = [&](Method m, std::string pattern, Response (*fn)(App&, const Request&), Guard g) {
    routes.push_back({m, std::move(pattern), Exec::worker,
                      [&app, fn](const Request& r) { return fn(app, r); }, g});
  };
  // A route of one workshop: its initiative and the workshop are loaded
  // (through the caller's reach) before the handler runs.
  auto add_ws = [&](Method m, std::string pattern, Response (*fn)(App&, const Request&, Loaded&),
                    Guard g) {
    routes.push_back({m, std::move(pattern), Exec::worker,
                      [&app, fn](const Request& r) {
                        auto lw = load_ws(app, r);
                        if (auto* early = std::get_if<Response>(&lw)) return std::move(*early);
                        return fn(app, r, std::get<Loaded>(lw));
                      },
                      g});
  };
  const std::string base = "/initiativ/:id/verksted";
  const std::string one = base + "/:ws([0-9a-f]{32})";
  const std::string act = one + "/aktivitet/:act([0-9a-f]{32})";
  add(Method::get, base, list_get, view);
  add(Method::post, base, create_post, manage);
  add_ws(Method::get, one, builder_get, view);
  add_ws(Method::post, one + "/navn", rename_post, manage);
  add_ws(Method::post, one + "/slett", delete_post, manage);
  add_ws(Method::post, one + "/aktivitet", activity_add, manage);
  add_ws(Method::post, one + "/aktivitet/sortering-als", activity_add_sorting, manage);
  add_ws(Method::get, act, activity_edit_get, view);
  add_ws(Method::post, act, activity_edit_post, manage);
  add_ws(Method::post, act + "/slett", activity_remove, manage);
  add_ws(Method::post, act + "/flytt", activity_move, manage);
  add_ws(Method::get, one + "/styring", control_get, view);
  add_ws(Method::post, one + "/styr", control_post, manage);
  add_ws(Method::post, one + "/moder", moderate_post, manage);
  add_ws(Method::get, one + "/skjerm", screen_get, view);
  add_ws(Method::get, one + "/hendelser", screen_events, view);
  add_ws(Method::get, one + "/oppsummering", summary_get, view);
  add_ws(Method::get, one + "/eksport.csv", export_csv, view);
  add_ws(Method::get, one + "/eksport.xlsx", export_xlsx, view);
  // Participants: no account, no guard. The join code is shared by everyone
  // in the workshop, so the path identifies nobody.
  add(Method::get, "/w", join_get, Guard{});
  add(Method::get, "/w/:code", answer_get, Guard{});
  add(Method::post, "/w/:code/svar", answer_post, Guard{});
  add(Method::get, "/w/:code/hendelser", phone_events, Guard{});
}

}  // namespace samskap::web
