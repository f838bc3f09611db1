#include "web/readiness_dashboard_pages.hpp"

#include <xlsxwriter.h>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "content/knowledge_base.hpp"
#include "core/readiness.hpp"
#include "core/readiness_dashboard.hpp"
#include "store/initiatives.hpp"
#include "store/readiness.hpp"
#include "web/charts.hpp"
#include "web/forms.hpp"
#include "web/initiative_common.hpp"

namespace samskap::web {

namespace rd = samskap::readiness;

namespace {

constexpr std::string_view kTab = "innsjekk";

std::string tr(const App& app, const Request& req, std::string_view key) {
  return std::string(app.renderer().text(req.lang, key));
}

Data flag(bool b) {
  return b ? Data::type::bool_true : Data::type::bool_false;
}

// Fills "{{name}}" in a catalogue text.
std::string fill(std::string text, std::string_view name, const std::string& value) {
  const std::string mark = "{{" + std::string(name) + "}}";
  for (auto p = text.find(mark); p != std::string::npos; p = text.find(mark, p + value.size()))
    text.replace(p, mark.size(), value);
  return text;
}

// Everything the dashboard and the exports show, loaded once.
struct Loaded {
  store::Initiative initiative;
  std::vector<store::ReadinessRound> rounds;  // oldest first
  rd::Dashboard dashboard;
};

Result<Loaded> load(App& app, const Request& req) {
  const auto who = actor_of(req);
  const std::string id = req.route.at("id");
  auto i = store::InitiativeRepository(app.db(), app.clock()).get(who, id);
  if (!i) return i.error();
  store::ReadinessRepository repo(app.db(), app.clock());
  auto rounds = repo.rounds(who, id);
  if (!rounds) return rounds.error();
  // The counts the store keeps at submit time: a few dozen rows however
  // many answered (bench/README.md), in the dashboard's round order.
  auto counts = repo.counts(who, id);
  if (!counts) return counts.error();

  Loaded l{std::move(*i), {}, {}};
  for (const auto& c : counts->rounds)
    for (auto& r : *rounds)
      if (r.id == c.id) l.rounds.push_back(std::move(r));
  l.dashboard = rd::aggregate(counts->rounds, counts->counts, app.options().min_group_size);
  return l;
}

std::string hidden_text(const App& app, const Request& req) {
  return tr(app, req, "readiness.dashboard.hidden");
}

// {value, hidden} for a template cell.
Data cell(const App& app, const Request& req, const rd::Cell& c) {
  Data d{Data::type::object};
  d.set("hidden", flag(c.suppressed()));
  d.set("value", c.suppressed() ? hidden_text(app, req) : std::to_string(*c.count));
  return d;
}

std::string cell_text(const App& app, const Request& req, const rd::Cell& c) {
  return c.suppressed() ? hidden_text(app, req) : std::to_string(*c.count);
}

// A unit's response rate as shown: "30 %", "skjult" beside a hidden count,
// "ikke oppgitt" without a head count (or with 0).
std::string rate_text(const App& app, const Request& req, const rd::UnitCount& u) {
  if (u.rate_percent)
    return fill(tr(app, req, "readiness.dashboard.rate_value"), "n",
                std::to_string(*u.rate_percent));
  if (u.count.suppressed() && u.invited.value_or(0) > 0) return hidden_text(app, req);
  return tr(app, req, "readiness.dashboard.not_given");
}

std::string band_key(std::size_t k) {
  static constexpr std::string_view keys[] = {"low", "middle", "high", "skipped"};
  return "readiness.dashboard.band." + std::string(keys[k]);
}

std::string move_key(rd::Move m) {
  return "readiness.dashboard.move." + std::string(rd::slug(m));
}

const store::ReadinessRound* round_by_id(const Loaded& l, const std::string& id) {
  for (const auto& r : l.rounds)
    if (r.id == id) return &r;
  return nullptr;
}

std::string unit_name(const App& app, const Request& req, const store::ReadinessRound& r,
                      const std::string& unit_id) {
  if (unit_id.empty()) return tr(app, req, "readiness.dashboard.no_unit");
  for (const auto& u : r.units)
    if (u.id == unit_id) return u.name;
  return unit_id;
}

std::string round_title(const Loaded& l, const std::string& id) {
  const auto* r = round_by_id(l, id);
  return r ? r->title : id;
}

// A ruler table: bands as rows, rounds as columns.
Data ruler_rows(const App& app, const Request& req, const Loaded& l, bool confidence) {
  Data rows{Data::type::list};
  for (std::size_t k = 0; k < 4; ++k) {
    Data row{Data::type::object};
    row.set("name", tr(app, req, band_key(k)));
    Data cells{Data::type::list};
    for (const auto& s : l.dashboard.rounds) {
      const auto& r = confidence ? s.confidence : s.importance;
      cells.push_back(cell(app, req, k < 3 ? r.bands[k] : r.skipped));
    }
    row.set("cells", cells);
    rows.push_back(row);
  }
  return rows;
}

Data list_of(const std::vector<content::Item>& items, Language lang) {
  Data out{Data::type::list};
  for (const auto& it : items) {
    Data d{Data::type::object};
    d.set("text", it.text.in(lang));
    out.push_back(d);
  }
  return out;
}

// What the facilitator can do for each stage present in the latest round
// that has enough answers, with the number of people it concerns.
Data guidance(const App& app, const Request& req, const Loaded& l) {
  Data out{Data::type::list};
  const rd::RoundSummary* latest = nullptr;
  for (const auto& s : l.dashboard.rounds)
    if (s.enough && s.answers.count.value_or(0) > 0) latest = &s;
  if (!latest) return out;
  const auto& kb = content::KnowledgeBase::embedded();
  for (rd::Stage st : rd::kStages) {
    const auto& c = latest->stages[static_cast<std::size_t>(rd::index(st))];
    if (c.suppressed() || *c.count < l.dashboard.min_group) continue;
    const auto* s = kb.stage(rd::kb_id(st));
    if (!s) continue;
    Data g{Data::type::object};
    g.set("slug", std::string(rd::slug(st)));
    g.set("name", tr(app, req, rd::name_key(st)));
    g.set("count_text", fill(fill(tr(app, req, "readiness.dashboard.guidance_count"), "n",
                                  std::to_string(*c.count)),
                             "round", round_title(l, latest->round_id)));
    g.set("description", s->description.in(req.lang));
    Data processes{Data::type::list};
    for (const auto& p : s->processes)
      if (const auto* cp = kb.process(p.id)) {
        Data pd{Data::type::object};
        pd.set("text", cp->name.in(req.lang));
        processes.push_back(pd);
      }
    g.set("processes", processes);
    g.set("has_processes", flag(!s->processes.empty()));
    set_text(g, "processes_note", s->processes_note ? s->processes_note->in(req.lang) : "");
    g.set("practice", list_of(s->practice, req.lang));
    g.set("has_practice", flag(!s->practice.empty()));
    g.set("approach", list_of(s->approach, req.lang));
    g.set("has_approach", flag(!s->approach.empty()));
    g.set("mi_questions", list_of(s->mi_questions, req.lang));
    g.set("has_mi_questions", flag(!s->mi_questions.empty()));
    g.set("kb_href", "/kunnskap/fase/" + s->slug);
    out.push_back(g);
  }
  return out;
}

Response dashboard_get(App& app, const Request& req) {
  auto l = load(app, req);
  if (!l) return store_error_page(app, req, l.error());
  const auto& d = l->dashboard;
  Data page = initiative_page_data(app, req, l->initiative, kTab);
  page.set("min_group", std::to_string(d.min_group));
  page.set("intro",
           fill(tr(app, req, "readiness.dashboard.intro"), "n", std::to_string(d.min_group)));
  page.set("has_rounds", flag(!l->rounds.empty()));
  page.set("rounds_href", initiative_path(l->initiative.id, kTab));
  page.set("csv_href", initiative_path(l->initiative.id, "innsjekk/eksport.csv"));
  page.set("xlsx_href", initiative_path(l->initiative.id, "innsjekk/eksport.xlsx"));

  // Rounds (columns) with their totals.
  Data heads{Data::type::list};
  bool any_enough = false;
  for (const auto& s : d.rounds) {
    Data h{Data::type::object};
    h.set("title", round_title(*l, s.round_id));
    h.set("enough", flag(s.enough));
    h.set("answers", cell(app, req, s.answers));
    heads.push_back(h);
    any_enough = any_enough || (s.enough && s.answers.count.value_or(0) > 0);
  }
  page.set("round_heads", heads);
  page.set("any_enough", flag(any_enough));
  Data too_few{Data::type::list};
  for (const auto& s : d.rounds)
    if (!s.enough) {
      Data t{Data::type::object};
      t.set("title", round_title(*l, s.round_id));
      too_few.push_back(t);
    }
  page.set("too_few", too_few);
  page.set("has_too_few", flag(too_few.is_non_empty_list()));

  // Stage distribution: a stacked bar chart and the same figures as a table.
  ChartSpec chart;
  chart.id = "chart-readiness-stages";
  chart.label = tr(app, req, "readiness.dashboard.stages_chart_label");
  chart.type = "bar";
  chart.stacked = true;
  for (const auto& s : d.rounds)
    chart.labels.push_back(round_title(*l, s.round_id));
  Data stage_rows{Data::type::list};
  for (std::size_t k = 0; k <= rd::kStages.size(); ++k) {
    const bool unstaged = k == rd::kStages.size();
    const std::string name = unstaged ? tr(app, req, "readiness.dashboard.unstaged")
                                      : tr(app, req, rd::name_key(rd::kStages[k]));
    ChartSeries series{name, {}};
    Data row{Data::type::object};
    row.set("name", name);
    Data cells{Data::type::list};
    bool any = false;
    for (const auto& s : d.rounds) {
      const auto& c = unstaged ? s.unstaged : s.stages[k];
      series.values.push_back(c.count ? std::optional<double>(*c.count) : std::nullopt);
      any = any || c.count.value_or(0) > 0 || c.suppressed();
      cells.push_back(cell(app, req, c));
    }
    row.set("cells", cells);
    if (!unstaged || any) stage_rows.push_back(row);
    if (!unstaged) chart.series.push_back(std::move(series));
  }
  page.set("stage_rows", stage_rows);
  if (any_enough) page.set("chart", chart_data(chart));

  page.set("importance_rows", ruler_rows(app, req, *l, false));
  page.set("confidence_rows", ruler_rows(app, req, *l, true));

  // Answers per unit, one table per round.
  Data unit_rounds{Data::type::list};
  for (const auto& s : d.rounds) {
    const auto* r = round_by_id(*l, s.round_id);
    if (!r || !s.enough || s.answers.count.value_or(0) == 0) continue;
    Data ur{Data::type::object};
    ur.set("title", r->title);
    Data rows{Data::type::list};
    bool has_invited = false;
    for (const auto& u : s.units)
      has_invited = has_invited || u.invited.has_value();
    for (const auto& u : s.units) {
      if (u.unit_id.empty() && u.count.count == 0) continue;
      Data row{Data::type::object};
      row.set("name", unit_name(app, req, *r, u.unit_id));
      row.set("cell", cell(app, req, u.count));
      // Every row of a table with head counts has both cells (the "no unit"
      // row too: nobody is invited to it).
      row.set("has_invited", flag(has_invited));
      row.set("invited", u.invited ? std::to_string(*u.invited)
                                   : tr(app, req, "readiness.dashboard.not_given"));
      Data rate{Data::type::object};
      rate.set("hidden", flag(u.count.suppressed() && u.invited.value_or(0) > 0));
      rate.set("value", rate_text(app, req, u));
      row.set("rate", rate);
      rows.push_back(row);
    }
    ur.set("has_invited", flag(has_invited));
    ur.set("rows", rows);
    unit_rounds.push_back(ur);
  }
  page.set("unit_rounds", unit_rounds);
  page.set("has_unit_rounds", flag(unit_rounds.is_non_empty_list()));

  // Transitions.
  Data transitions{Data::type::list};
  for (const auto& t : d.transitions) {
    Data td{Data::type::object};
    td.set("from", round_title(*l, t.from_round));
    td.set("to", round_title(*l, t.to_round));
    td.set("caption", fill(fill(tr(app, req, "readiness.dashboard.transition_caption"), "from",
                                round_title(*l, t.from_round)),
                           "to", round_title(*l, t.to_round)));
    td.set("enough", flag(t.enough && t.linked.count.value_or(0) > 0));
    td.set("none", flag(t.linked.count == 0));
    td.set("linked", cell(app, req, t.linked));
    Data heads2{Data::type::list};
    for (rd::Stage st : rd::kStages) {
      Data h{Data::type::object};
      h.set("name", tr(app, req, rd::name_key(st)));
      heads2.push_back(h);
    }
    td.set("heads", heads2);
    Data rows{Data::type::list};
    for (rd::Stage from : rd::kStages) {
      Data row{Data::type::object};
      row.set("name", tr(app, req, rd::name_key(from)));
      Data cells{Data::type::list};
      for (rd::Stage to : rd::kStages) {
        const auto mv = rd::move_between(from, to);
        Data c = cell(app, req,
                      t.matrix[static_cast<std::size_t>(rd::index(from))]
                              [static_cast<std::size_t>(rd::index(to))]);
        c.set("move", tr(app, req, move_key(mv)));
        c.set("move_slug", std::string(rd::slug(mv)));
        cells.push_back(c);
      }
      row.set("cells", cells);
      rows.push_back(row);
    }
    td.set("rows", rows);
    Data moves{Data::type::list};
    for (std::size_t k = 0; k < rd::kMoves.size(); ++k) {
      Data m = cell(app, req, t.moves[k]);
      m.set("name", tr(app, req, move_key(rd::kMoves[k])));
      moves.push_back(m);
    }
    td.set("moves", moves);
    transitions.push_back(td);
  }
  page.set("transitions", transitions);
  page.set("has_transitions", flag(!d.transitions.empty()));
  page.set("relapses", cell(app, req, d.relapses));

  Data g = guidance(app, req, *l);
  page.set("has_guidance", flag(g.is_non_empty_list()));
  page.set("guidance", g);

  // Free texts: initiative level only; the store gives none below the minimum.
  auto texts = store::ReadinessRepository(app.db(), app.clock())
                   .reflections(actor_of(req), l->initiative.id, d.min_group);
  if (!texts) return store_error_page(app, req, texts.error());
  Data reflections{Data::type::list};
  for (const auto& t : *texts) {
    Data r{Data::type::object};
    r.set("text", t);
    reflections.push_back(r);
  }
  page.set("reflections", reflections);
  page.set("has_reflections", flag(!texts->empty()));

  Response r = app.page_titled(
      req, "readiness_dashboard",
      tr(app, req, "readiness.dashboard.title") + " – " + l->initiative.title, std::move(page));
  return r;
}

// ---------------------------------------------------------------- exports

// Aggregates only, one figure per row: section, round, group, count.
std::vector<std::vector<std::string>> export_rows(const App& app, const Request& req,
                                                  const Loaded& l) {
  const auto& d = l.dashboard;
  std::vector<std::vector<std::string>> rows;
  rows.push_back({tr(app, req, "readiness.dashboard.export.section"),
                  tr(app, req, "readiness.dashboard.export.round"),
                  tr(app, req, "readiness.dashboard.export.group"),
                  tr(app, req, "readiness.dashboard.export.count")});
  const std::string s_answers = tr(app, req, "readiness.dashboard.export.answers");
  const std::string s_stage = tr(app, req, "readiness.dashboard.export.stage");
  const std::string s_imp = tr(app, req, "readiness.dashboard.export.importance");
  const std::string s_conf = tr(app, req, "readiness.dashboard.export.confidence");
  const std::string s_unit = tr(app, req, "readiness.dashboard.export.unit");
  const std::string s_trans = tr(app, req, "readiness.dashboard.export.transition");
  const std::string s_move = tr(app, req, "readiness.dashboard.export.move");
  const std::string s_invited = tr(app, req, "readiness.dashboard.export.invited");
  const std::string s_rate = tr(app, req, "readiness.dashboard.export.rate");
  for (const auto& s : d.rounds) {
    const auto* r = round_by_id(l, s.round_id);
    const std::string title = r ? r->title : s.round_id;
    rows.push_back({s_answers, title, "", cell_text(app, req, s.answers)});
    for (std::size_t k = 0; k < rd::kStages.size(); ++k)
      rows.push_back({s_stage, title, tr(app, req, rd::name_key(rd::kStages[k])),
                      cell_text(app, req, s.stages[k])});
    rows.push_back({s_stage, title, tr(app, req, "readiness.dashboard.unstaged"),
                    cell_text(app, req, s.unstaged)});
    for (std::size_t k = 0; k < 4; ++k) {
      rows.push_back({s_imp, title, tr(app, req, band_key(k)),
                      cell_text(app, req, k < 3 ? s.importance.bands[k] : s.importance.skipped)});
    }
    for (std::size_t k = 0; k < 4; ++k) {
      rows.push_back({s_conf, title, tr(app, req, band_key(k)),
                      cell_text(app, req, k < 3 ? s.confidence.bands[k] : s.confidence.skipped)});
    }
    for (const auto& u : s.units)
      rows.push_back({s_unit, title, r ? unit_name(app, req, *r, u.unit_id) : u.unit_id,
                      cell_text(app, req, u.count)});
    // Head counts and response rates (a whole percentage, so that a
    // spreadsheet gets a number), only for units that have a head count.
    for (const auto& u : s.units) {
      if (!u.invited) continue;
      const std::string name = r ? unit_name(app, req, *r, u.unit_id) : u.unit_id;
      rows.push_back({s_invited, title, name, std::to_string(*u.invited)});
      rows.push_back({s_rate, title, name,
                      u.rate_percent ? std::to_string(*u.rate_percent) : rate_text(app, req, u)});
    }
  }
  for (const auto& t : d.transitions) {
    const std::string pair = round_title(l, t.from_round) + " → " + round_title(l, t.to_round);
    rows.push_back(
        {s_trans, pair, tr(app, req, "readiness.dashboard.linked"), cell_text(app, req, t.linked)});
    for (rd::Stage from : rd::kStages)
      for (rd::Stage to : rd::kStages)
        rows.push_back({s_trans, pair,
                        tr(app, req, rd::name_key(from)) + " → " + tr(app, req, rd::name_key(to)),
                        cell_text(app, req,
                                  t.matrix[static_cast<std::size_t>(rd::index(from))]
                                          [static_cast<std::size_t>(rd::index(to))])});
    for (std::size_t k = 0; k < rd::kMoves.size(); ++k)
      rows.push_back(
          {s_move, pair, tr(app, req, move_key(rd::kMoves[k])), cell_text(app, req, t.moves[k])});
  }
  rows.push_back({tr(app, req, "readiness.dashboard.relapses_title"), "", "",
                  cell_text(app, req, d.relapses)});
  rows.push_back(
      {tr(app, req, "readiness.dashboard.export.min_group"), "", "", std::to_string(d.min_group)});
  return rows;
}

std::string file_stem(const store::Initiative& i) {
  return "innsjekk-" + i.id;
}

Response export_csv(App& app, const Request& req) {
  auto l = load(app, req);
  if (!l) return store_error_page(app, req, l.error());
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = rd::csv_encode(export_rows(app, req, *l), true);
  r.header("Content-Disposition", "attachment; filename=\"" + file_stem(l->initiative) + ".csv\"");
  r.header("Cache-Control", "no-store");
  return r;
}

Response export_xlsx(App& app, const Request& req) {
  auto l = load(app, req);
  if (!l) return store_error_page(app, req, l.error());
  auto book = xlsx_workbook(export_rows(app, req, *l), tr(app, req, "readiness.dashboard.title"));
  if (!book) return store_error_page(app, req, book.error());
  Response r;
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.body = std::move(*book);
  r.header("Content-Disposition", "attachment; filename=\"" + file_stem(l->initiative) + ".xlsx\"");
  r.header("Cache-Control", "no-store");
  return r;
}

bool whole_number(const std::string& s) {
  return !s.empty() && s.size() < 10 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<std::string> xlsx_workbook(const std::vector<std::vector<std::string>>& rows,
                                  const std::string& sheet_name) {
  const Error failed{ErrorCode::unavailable, "error.unavailable", "xlsx export"};
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/samskap-export-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return failed;
  ::close(fd);
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove_later{path};

  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return failed;
  // Sheet names: at most 31 characters and none of []:*?/\ .
  std::string name;
  for (char c : sheet_name) {
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) continue;
    name += c;
  }
  if (name.size() > 31) name.resize(31);
  while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80)
    name.pop_back();
  if (!name.empty() && (static_cast<unsigned char>(name.back()) & 0x80)) name.pop_back();
  lxw_worksheet* ws = workbook_add_worksheet(wb, name.empty() ? nullptr : name.c_str());
  if (!ws) {
    workbook_close(wb);
    return failed;
  }
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const auto row = static_cast<lxw_row_t>(r);
      const auto col = static_cast<lxw_col_t>(c);
      const auto& v = rows[r][c];
      if (r > 0 && whole_number(v))
        worksheet_write_number(ws, row, col, std::stod(v), nullptr);
      else
        worksheet_write_string(ws, row, col, rd::spreadsheet_safe(v).c_str(),
                               r == 0 ? bold : nullptr);
    }
  if (workbook_close(wb) != LXW_NO_ERROR) return failed;
  std::ifstream in(path, std::ios::binary);
  if (!in) return failed;
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return out;
}

void add_readiness_dashboard_routes(App& app, std::vector<Route>& routes) {
  const Guard view{true, Permission::view_results};
  auto add = [&](std::string pattern, Response (*fn)(App&, const Request&)) {
    App* a = &app;
    routes.push_back({Method::get, std::move(pattern), Exec::worker,
                      [a, fn](const Request& req) { return fn(*a, req); }, view});
  };
  add("/initiativ/:id/innsjekk/resultater", dashboard_get);
  add("/initiativ/:id/innsjekk/eksport.csv", export_csv);
  add("/initiativ/:id/innsjekk/eksport.xlsx", export_xlsx);
}

}  // namespace samskap::web
