#include "web/knowledge_pages.hpp"

#include <algorithm>
#include <stdexcept>

namespace samskap::web {

using content::Item;
using content::KnowledgeBase;
using content::LocalText;
using content::Section;
using content::Stage;
using content::Topic;

namespace {

// The overview groups topics for reading; the headings and intros are in the
// catalogue (kb.group.<key>.title / .intro). A topic in no group (a new file)
// still shows, under "kb.group.other".
struct Group {
  const char* key;
  std::vector<std::string_view> topics;
  bool stages = false;  // list the six stages under this group
};

const std::vector<Group>& overview_groups() {
  static const std::vector<Group> groups = {
      {"samfunn",
       {"offentlig-sektor", "kommune", "usht-3-0", "baerekraftsmal", "tenke-annerledes",
        "brennende-ambisjon"}},
      {"prosesser",
       {"endringsprosesser", "forankring", "samskaping", "involvering", "struktur",
        "prosessveiledning", "utfordringer"}},
      {"faser", {"endringsarbeid"}, true},
      {"mi", {"motiverende-samtale", "motstand"}},
      {"kunnskap", {"kunnskapsbasert-praksis", "kompleksitet"}},
      {"refleksjon", {"refleksjon"}},
      {"eksempler", {"henvendelse-als"}},
      {"kilder", {"kilder"}},
  };
  return groups;
}

constexpr std::string_view kModelTopic = "modellen";

Data object() {
  return Data{Data::type::object};
}
Data list() {
  return Data{Data::type::list};
}

// Replaces every "{{name}}" in a catalogue text (the text is then escaped by
// the template like any other value).
std::string fill(std::string_view text, std::string_view name, std::string_view value) {
  std::string out(text);
  const std::string needle = "{{" + std::string(name) + "}}";
  for (auto p = out.find(needle); p != std::string::npos; p = out.find(needle, p + value.size()))
    out.replace(p, needle.size(), value);
  return out;
}

// Source ids cited on a page, in first-cited order, without repeats.
struct Citations {
  std::vector<std::string> ids;
  void add(const std::vector<std::string>& more) {
    for (const auto& id : more)
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
};

class Builder {
 public:
  Builder(const KnowledgeBase& kb, const Renderer& renderer, Language lang)
      : kb_(kb), r_(renderer), lang_(lang) {}

  std::string_view t(std::string_view key) const { return r_.text(lang_, key); }
  const std::string& in(const LocalText& text) const { return text.in(lang_); }

  Data topic_link(const Topic& topic) const {
    Data d = object();
    d.set("href", knowledge_topic_url(topic.id));
    d.set("title", in(topic.title));
    return d;
  }

  Data stage_link(const Stage& stage, const Stage* current = nullptr) const {
    Data d = object();
    d.set("href", knowledge_stage_url(stage));
    d.set("name", in(stage.name));
    d.set("order", std::to_string(stage.order));
    d.set("current", current != nullptr && current->id == stage.id);
    return d;
  }

  Data item(const Item& it, Citations& cites) const {
    Data d = object();
    d.set("id", it.id);
    d.set("text", in(it.text));
    d.set("has_detail", it.detail.has_value());
    d.set("detail", it.detail ? in(*it.detail) : std::string{});
    Data examples = list();
    for (const auto& ex : it.examples) {
      Data e = object();
      e.set("example", in(ex));
      examples.push_back(e);
    }
    d.set("has_examples", !it.examples.empty());
    d.set("examples", examples);
    d.set("editorial", it.editorial);
    d.set("is_quote", it.quote.has_value());
    const bool translated = it.quote && *it.quote != lang_;
    d.set("translated", translated);
    d.set("original", translated ? it.text.in(*it.quote) : std::string{});
    d.set("original_lang", it.quote ? std::string(code(*it.quote)) : std::string{});
    const Topic* link = it.link.empty() ? nullptr : kb_.topic(it.link);
    d.set("has_link", link != nullptr);
    d.set("link", link ? topic_link(*link) : object());
    cites.add(it.sources);
    return d;
  }

  Data items(const std::vector<Item>& its, Citations& cites) const {
    Data l = list();
    for (const auto& it : its)
      l.push_back(item(it, cites));
    return l;
  }

  Data section(const Section& s, Citations& cites) const {
    Data d = object();
    d.set("id", s.id);
    d.set("title", in(s.title));
    d.set("has_intro", s.intro.has_value());
    d.set("intro", s.intro ? in(*s.intro) : std::string{});
    d.set("editorial", s.editorial);
    d.set("has_items", !s.items.empty());
    d.set("items", items(s.items, cites));
    cites.add(s.sources);
    return d;
  }

  Data sources(const Citations& cites) const {
    Data l = list();
    for (const auto& id : cites.ids)
      if (const auto* s = kb_.source(id)) l.push_back(source(*s));
    return l;
  }

  Data source(const content::Source& s) const {
    Data d = object();
    d.set("id", s.id);
    d.set("citation", s.citation);
    d.set("has_url", !s.url.empty());
    d.set("url", s.url);
    d.set("has_note", s.note.has_value());
    d.set("note", s.note ? in(*s.note) : std::string{});
    return d;
  }

  // "Bevisstgjøring, emosjonell reaksjon, (belønning)": the table's «Prosess» cell.
  std::string process_names(const Stage& st) const {
    std::string out;
    for (const auto& sp : st.processes) {
      const auto* p = kb_.process(sp.id);
      if (!p) continue;
      std::string name = in(p->name);
      if (!out.empty()) {
        out += ", ";
        lower_first(name);
      }
      out += sp.secondary ? "(" + name + ")" : name;
    }
    if (st.processes_note) out += (out.empty() ? "" : " ") + in(*st.processes_note);
    return out;
  }

  std::string practice_text(const Stage& st) const {
    std::string out;
    for (const auto& it : st.practice) {
      std::string text = in(it.text);
      if (!out.empty()) {
        out += ", ";
        lower_first(text);
      }
      out += text;
    }
    if (st.practice_note) out += (out.empty() ? "" : " ") + in(*st.practice_note);
    return out;
  }

  // The six stages as a list of links, the current one marked.
  Data stage_nav(const Stage* current) const {
    Data l = list();
    for (const auto& st : kb_.stages())
      l.push_back(stage_link(st, current));
    return l;
  }

  Data stage_table(Citations& cites) const {
    Data rows = list();
    for (const auto& st : kb_.stages()) {
      Data row = object();
      row.set("id", st.id);
      row.set("href", knowledge_stage_url(st));
      row.set("phase", st.table_name ? in(*st.table_name) : in(st.name));
      row.set("has_alias", st.table_name.has_value());
      row.set("alias", in(st.name));
      row.set("description", in(st.description));
      row.set("processes", process_names(st));
      row.set("practice", practice_text(st));
      rows.push_back(row);
      cites.add(st.sources);
    }
    return rows;
  }

  Data processes(Citations& cites) const {
    Data l = list();
    for (const auto& p : kb_.processes()) {
      Data d = object();
      d.set("id", p.id);
      d.set("name", in(p.name));
      d.set("has_detail", p.detail.has_value());
      d.set("detail", p.detail ? in(*p.detail) : std::string{});
      l.push_back(d);
      cites.add(p.sources);
    }
    return l;
  }

  Data task(const content::ReflectionTask& task, Citations& cites) const {
    Data d = object();
    d.set("id", task.id);
    d.set("title", in(task.title));
    d.set("questions", items(task.questions, cites));
    const Topic* home = kb_.topic(task.topic);
    d.set("has_home", home != nullptr);
    d.set("home", home ? topic_link(*home) : object());
    cites.add(task.sources);
    return d;
  }

 private:
  // Joining list items into one table cell: "Informasjon, vurdering av …".
  // Only an initial capital followed by a lower-case letter is lowered, so
  // names like "MI" or "ALS" stay as they are.
  static void lower_first(std::string& s) {
    if (s.size() >= 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z')
      s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }

  const KnowledgeBase& kb_;
  const Renderer& r_;
  Language lang_;
};

content::SearchIndex build_index(const KnowledgeBase& kb) {
  auto index = content::SearchIndex::build(kb);
  if (!index) throw std::runtime_error("knowledge search index: " + index.error().detail);
  return std::move(index).value();
}

bool is_htmx(const Request& req) {
  // A history restore asks for the whole page even though htmx sends it.
  return req.header("hx-request") == "true" && req.header("hx-history-restore-request") != "true";
}

void append_query_component(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

}  // namespace

std::string knowledge_topic_url(std::string_view topic_id) {
  return "/kunnskap/" + std::string(topic_id);
}

std::string knowledge_stage_url(const Stage& stage) {
  return "/kunnskap/fase/" + stage.slug;
}

std::string knowledge_search_url(std::string_view query) {
  std::string out = "/kunnskap/sok?q=";
  append_query_component(out, query);
  return out;
}

std::string highlight_snippet(std::string_view snippet,
                              const std::vector<std::pair<std::size_t, std::size_t>>& ranges) {
  std::string out;
  std::size_t pos = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin < pos || end <= begin || end > snippet.size()) continue;
    out += html_escape(snippet.substr(pos, begin - pos));
    out += "<mark>";
    out += html_escape(snippet.substr(begin, end - begin));
    out += "</mark>";
    pos = end;
  }
  out += html_escape(snippet.substr(pos));
  return out;
}

KnowledgePages::KnowledgePages(const Renderer& renderer, const KnowledgeBase& kb,
                               ErrorPage error_page)
    : renderer_(renderer), kb_(kb), index_(build_index(kb)), error_page_(std::move(error_page)) {}

Response KnowledgePages::render_page(const Request& req, std::string_view name,
                                     const std::string& title, const Data& data) const {
  PageContext pc = page_context(req, title);
  Response r;
  r.body = renderer_.page(name, data, pc);
  return r;
}

namespace {

// The search form, with an empty result region for live results.
std::string search_form(const Renderer& r, Language lang, std::string_view query,
                        std::string_view status = {}, std::string_view results_html = {}) {
  Data d = object();
  d.set("query", std::string(query));
  d.set("status", std::string(status));
  d.set("results_html", std::string(results_html));
  return r.fragment("fragments/kunnskap-sokeskjema", d, lang);
}

}  // namespace

Response KnowledgePages::overview(const Request& req) const {
  const Builder b(kb_, renderer_, req.lang);
  Data d = object();
  d.set("search_form", search_form(renderer_, req.lang, {}));

  Citations cites;
  if (const Topic* model = kb_.topic(kModelTopic)) {
    Data m = object();
    m.set("link", b.topic_link(*model));
    m.set("summary", b.in(model->summary));
    Data steps = list();
    for (const auto& s : model->sections)
      for (const auto& it : s.items)
        steps.push_back(b.item(it, cites));
    m.set("steps", steps);
    d.set("model", m);
  }

  std::vector<std::string_view> placed = {kModelTopic};
  Data groups = list();
  auto add_group = [&](std::string_view key, const std::vector<const Topic*>& topics, bool stages) {
    if (topics.empty()) return;
    Data g = object();
    const std::string base = "kb.group." + std::string(key);
    g.set("key", std::string(key));
    g.set("title", std::string(b.t(base + ".title")));
    g.set("intro", std::string(b.t(base + ".intro")));
    Data ts = list();
    for (const Topic* topic : topics) {
      Data td = b.topic_link(*topic);
      td.set("summary", b.in(topic->summary));
      td.set("sub", !topic->group.empty());
      ts.push_back(td);
    }
    g.set("topics", ts);
    g.set("has_stages", stages);
    g.set("stages", stages ? b.stage_nav(nullptr) : list());
    groups.push_back(g);
  };
  for (const auto& group : overview_groups()) {
    std::vector<const Topic*> topics;
    for (auto id : group.topics)
      if (const Topic* topic = kb_.topic(id)) {
        topics.push_back(topic);
        placed.push_back(id);
      }
    add_group(group.key, topics, group.stages);
  }
  std::vector<const Topic*> rest;
  for (const auto& topic : kb_.topics())
    if (std::find(placed.begin(), placed.end(), topic.id) == placed.end()) rest.push_back(&topic);
  add_group("other", rest, false);
  d.set("groups", groups);
  return render_page(req, "kunnskap", std::string(b.t("kb.page_title")), d);
}

Response KnowledgePages::topic(const Request& req) const {
  auto it = req.route.find("topic");
  const Topic* topic = it == req.route.end() ? nullptr : kb_.topic(it->second);
  if (!topic) return error_page_(req, 404);
  const Builder b(kb_, renderer_, req.lang);
  Citations cites;
  cites.add(topic->sources);

  Data d = object();
  d.set("id", topic->id);
  d.set("title", b.in(topic->title));
  d.set("summary", b.in(topic->summary));
  d.set("editorial", topic->editorial);
  d.set("search_form", search_form(renderer_, req.lang, {}));
  const Topic* parent = topic->group.empty() ? nullptr : kb_.topic(topic->group);
  d.set("has_parent", parent != nullptr);
  d.set("parent", parent ? b.topic_link(*parent) : object());

  Data subtopics = list();
  for (const auto& t : kb_.topics())
    if (t.group == topic->id) {
      Data s = b.topic_link(t);
      s.set("summary", b.in(t.summary));
      subtopics.push_back(s);
    }
  d.set("has_subtopics", !subtopics.is_empty_list());
  d.set("subtopics", subtopics);

  Data sections = list();
  for (const auto& s : topic->sections)
    sections.push_back(b.section(s, cites));
  d.set("sections", sections);
  // A closing section without bullets introduces the typed content below it
  // (the Cynefin domains, the partner types): then that content needs no heading.
  const bool own_heading = topic->sections.empty() || !topic->sections.back().items.empty();
  d.set("own_heading", own_heading);

  const auto belongs = [&](std::string_view id) { return kb_.topic_of(id) == topic->id; };

  const bool has_stages = !kb_.stages().empty() && belongs(kb_.stages().front().id);
  d.set("has_stages", has_stages);
  if (has_stages) {
    d.set("stage_rows", b.stage_table(cites));
    d.set("processes", b.processes(cites));
    d.set("stages", b.stage_nav(nullptr));
  }

  Data rows = list();
  for (const auto& row : kb_.municipality_table())
    if (belongs(row.id)) {
      Data r = object();
      r.set("id", row.id);
      r.set("aspect", b.in(row.aspect));
      r.set("level_1", b.in(row.level_1));
      r.set("level_2", b.in(row.level_2));
      r.set("level_3", b.in(row.level_3));
      rows.push_back(r);
    }
  d.set("has_municipality", !rows.is_empty_list());
  d.set("municipality_rows", rows);

  Data goals = list();
  for (const auto& g : kb_.sdg_goals())
    if (belongs(g.id)) {
      Data gd = object();
      gd.set("id", g.id);
      gd.set("number", std::to_string(g.number));
      gd.set("name", b.in(g.name));
      goals.push_back(gd);
    }
  d.set("has_goals", !goals.is_empty_list());
  d.set("goals", goals);

  Data domains = list();
  for (const auto& dom : kb_.cynefin_domains())
    if (belongs(dom.id)) {
      Data dd = object();
      dd.set("id", dom.id);
      dd.set("name", b.in(dom.name));
      dd.set("description", b.in(dom.description));
      dd.set("approach", b.in(dom.approach));
      dd.set("practice", b.in(dom.practice));
      domains.push_back(dd);
      cites.add(dom.sources);
    }
  d.set("has_domains", !domains.is_empty_list());
  d.set("domains", domains);

  Data partners = list();
  for (const auto& p : kb_.partner_types())
    if (belongs(p.id)) {
      Data pd = object();
      pd.set("id", p.id);
      pd.set("name", b.in(p.name));
      partners.push_back(pd);
      cites.add(p.sources);
    }
  d.set("has_partners", !partners.is_empty_list());
  d.set("partners", partners);

  // Reflection tasks: all of them on their own topic, and each one also on the
  // topic it belongs with.
  Data tasks = list();
  for (const auto& task : kb_.reflection_tasks())
    if (belongs(task.id) || task.topic == topic->id) tasks.push_back(b.task(task, cites));
  d.set("has_tasks", !tasks.is_empty_list());
  d.set("tasks_on_own_page",
        !kb_.reflection_tasks().empty() && belongs(kb_.reflection_tasks().front().id));
  d.set("tasks", tasks);

  Data examples = list();
  for (const auto& ex : kb_.request_examples())
    if (belongs(ex.id)) {
      Data ed = object();
      ed.set("id", ex.id);
      ed.set("request", b.in(ex.request));
      ed.set("question", b.in(ex.question));
      Data responses = list();
      for (const auto& resp : ex.responses) {
        Data rd = object();
        rd.set("id", resp.id);
        rd.set("level", resp.level);
        rd.set("text", b.in(resp.text));
        rd.set("target", resp.level == "3.0");
        Data ps = list();
        for (const auto& pid : resp.partners)
          if (const auto* p = kb_.partner_type(pid)) {
            Data pd = object();
            pd.set("name", b.in(p->name));
            ps.push_back(pd);
          }
        rd.set("has_partners", !ps.is_empty_list());
        rd.set("partners", ps);
        responses.push_back(rd);
      }
      ed.set("responses", responses);
      examples.push_back(ed);
    }
  d.set("has_examples", !examples.is_empty_list());
  d.set("examples", examples);

  // The list of all sources lives on its own topic ("kilder").
  Data all_sources = list();
  for (const auto& s : kb_.sources())
    if (belongs(s.id)) all_sources.push_back(b.source(s));
  d.set("has_all_sources", !all_sources.is_empty_list());
  d.set("all_sources", all_sources);

  Data related = list();
  for (const auto& id : topic->related)
    if (const Topic* rt = kb_.topic(id)) related.push_back(b.topic_link(*rt));
  d.set("has_related", !related.is_empty_list());
  d.set("related", related);

  Data sources = b.sources(cites);
  d.set("has_sources", !sources.is_empty_list() && all_sources.is_empty_list());
  d.set("sources", sources);
  return render_page(req, "kunnskap-emne", b.in(topic->title), d);
}

Response KnowledgePages::stage(const Request& req) const {
  auto it = req.route.find("stage");
  const Stage* st = it == req.route.end() ? nullptr : kb_.stage_by_slug(it->second);
  if (!st) return error_page_(req, 404);
  const Builder b(kb_, renderer_, req.lang);
  Citations cites;
  cites.add(st->sources);

  Data d = object();
  d.set("id", st->id);
  d.set("slug", st->slug);
  d.set("name", b.in(st->name));
  d.set("position", fill(fill(b.t("kb.stage.position"), "n", std::to_string(st->order)), "total",
                         std::to_string(kb_.stages().size())));
  d.set("description", b.in(st->description));
  d.set("time_criterion", b.in(st->time_criterion));
  d.set("has_table_name", st->table_name.has_value());
  d.set("table_name",
        st->table_name ? fill(b.t("kb.stage.table_name"), "name", b.in(*st->table_name)) : "");
  d.set("search_form", search_form(renderer_, req.lang, {}));
  const std::string_view home_id = kb_.topic_of(st->id);
  const Topic* home = kb_.topic(home_id);
  d.set("has_home", home != nullptr);
  d.set("home", home ? b.topic_link(*home) : object());
  d.set("stages", b.stage_nav(st));

  d.set("characteristics", b.items(st->characteristics, cites));
  d.set("approach", b.items(st->approach, cites));
  d.set("practice", b.items(st->practice, cites));
  d.set("has_practice", !st->practice.empty());
  d.set("has_practice_note", st->practice_note.has_value());
  d.set("practice_note", st->practice_note ? b.in(*st->practice_note) : "");
  Data processes = list();
  for (const auto& sp : st->processes)
    if (const auto* p = kb_.process(sp.id)) {
      Data pd = object();
      pd.set("href", knowledge_topic_url(home_id) + "#" + p->id);
      pd.set("name", b.in(p->name));
      pd.set("secondary", sp.secondary);
      pd.set("has_detail", p->detail.has_value());
      pd.set("detail", p->detail ? b.in(*p->detail) : std::string{});
      processes.push_back(pd);
      cites.add(p->sources);
    }
  d.set("has_processes", !processes.is_empty_list());
  d.set("processes", processes);
  d.set("has_processes_note", st->processes_note.has_value());
  d.set("processes_note", st->processes_note ? b.in(*st->processes_note) : "");
  d.set("mi_questions", b.items(st->mi_questions, cites));
  d.set("has_mi_questions", !st->mi_questions.empty());

  const Stage* prev = st->previous.empty() ? nullptr : kb_.stage(st->previous);
  const Stage* next = st->next.empty() ? nullptr : kb_.stage(st->next);
  d.set("has_previous", prev != nullptr);
  d.set("previous", prev ? b.stage_link(*prev) : object());
  d.set("has_next", next != nullptr);
  d.set("next", next ? b.stage_link(*next) : object());

  Data returns = list();
  for (const auto& id : st->returns_to)
    if (const Stage* r = kb_.stage(id)) returns.push_back(b.stage_link(*r));
  d.set("has_returns", !returns.is_empty_list());
  d.set("returns", returns);
  // Every other stage points at the relapse stage(s): the risk is in all phases.
  Data relapse = list();
  for (const auto& other : kb_.stages())
    if (!other.returns_to.empty() && other.id != st->id) relapse.push_back(b.stage_link(other));
  d.set("has_relapse", !relapse.is_empty_list());
  d.set("relapse", relapse);

  Data sources = b.sources(cites);
  d.set("has_sources", !sources.is_empty_list());
  d.set("sources", sources);
  return render_page(req, "kunnskap-fase", b.in(st->name), d);
}

Response KnowledgePages::search(const Request& req) const {
  const Builder b(kb_, renderer_, req.lang);
  const std::string query(req.query_param("q"));
  const bool blank = std::all_of(query.begin(), query.end(), [](unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });

  int status = 200;
  std::string status_text;  // the live region: count, or what went wrong
  Data res = object();
  res.set("has_hits", false);
  res.set("hits", list());
  // Counts and messages go to the status line (a live region), not the results.
  auto message = [&](std::string text) { status_text = std::move(text); };

  if (!blank) {
    auto hits = index_.search(query, req.lang, {content::kMaxSearchResults});
    if (!hits) {
      status = hits.error().code == ErrorCode::too_large ? 400 : status_for(hits.error().code);
      message(std::string(b.t(hits.error().message_key)));
    } else if (hits->empty()) {
      message(fill(b.t("kb.search.none"), "query", query));
    } else {
      Data list_data = list();
      for (const auto& h : *hits) {
        Data hd = object();
        std::string href;
        std::string place;
        if (const Stage* st = h.stage_id.empty() ? nullptr : kb_.stage(h.stage_id)) {
          href = knowledge_stage_url(*st);
          place = b.in(st->name);
          if (h.id != st->id) href += "#" + h.id;
        } else {
          href = knowledge_topic_url(h.topic_id);
          if (h.kind != content::HitKind::topic) href += "#" + h.id;
        }
        if (const Topic* t = kb_.topic(h.topic_id))
          place = place.empty() ? b.in(t->title) : b.in(t->title) + " › " + place;
        hd.set("href", href);
        hd.set("title", h.title);
        hd.set("place", place);
        hd.set("show_place", place != h.title);
        hd.set("snippet_html", highlight_snippet(h.snippet, h.highlights));
        list_data.push_back(hd);
      }
      const std::string count = std::to_string(hits->size());
      status_text = hits->size() == 1
                        ? fill(b.t("kb.search.count_one"), "query", query)
                        : fill(fill(b.t("kb.search.count"), "count", count), "query", query);
      res.set("has_hits", true);
      res.set("hits", list_data);
    }
  }

  Response r;
  r.header("Vary", "HX-Request");
  if (is_htmx(req)) {
    // Only the results and, out of band, the new text of the status line: its
    // content is swapped (innerHTML), the element stays, so screen readers
    // announce the new count.
    res.set("oob", true);
    res.set("status", status_text);
    r.body = renderer_.fragment("fragments/kunnskap-treff", res, req.lang);
    return r;
  }
  res.set("oob", false);
  const std::string results_html = renderer_.fragment("fragments/kunnskap-treff", res, req.lang);
  Data d = object();
  d.set("query", query);
  d.set("search_form", search_form(renderer_, req.lang, query, status_text, results_html));
  d.set("has_query", !blank);
  std::string title(b.t("kb.search.page_title"));
  if (!blank && status == 200) title = fill(b.t("kb.search.title_with_query"), "query", query);
  Response page = render_page(req, "kunnskap-sok", title, d);
  page.status = status;
  page.headers = r.headers;
  return page;
}

std::vector<Route> knowledge_routes(std::shared_ptr<const KnowledgePages> pages) {
  std::vector<Route> routes;
  routes.push_back({Method::get, "/kunnskap", Exec::worker,
                    [pages](const Request& req) { return pages->overview(req); }});
  routes.push_back({Method::get, "/kunnskap/sok", Exec::worker,
                    [pages](const Request& req) { return pages->search(req); }});
  routes.push_back({Method::get, "/kunnskap/fase/:stage", Exec::worker,
                    [pages](const Request& req) { return pages->stage(req); }});
  routes.push_back({Method::get, "/kunnskap/:topic", Exec::worker,
                    [pages](const Request& req) { return pages->topic(req); }});
  return routes;
}

}  // namespace samskap::web
