#include "web/knowledge_api.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <stdexcept>
#include <string_view>

#include "web/knowledge_pages.hpp"

namespace samskap::web {

using content::Item;
using content::KnowledgeBase;
using content::LocalText;
using content::Stage;
using content::Topic;
using nlohmann::json;

namespace {

constexpr std::string_view kApiBase = "/api/v1/knowledge";

content::SearchIndex build_index(const KnowledgeBase& kb) {
  auto index = content::SearchIndex::build(kb);
  if (!index) throw std::runtime_error("knowledge search index: " + index.error().detail);
  return std::move(index).value();
}

// Builds the JSON values of one request's language.
class Json {
 public:
  Json(const KnowledgeBase& kb, Language lang) : kb_(kb), lang_(lang) {}

  const std::string& in(const LocalText& t) const { return t.in(lang_); }
  json opt(const std::optional<LocalText>& t) const { return t ? json(in(*t)) : json(nullptr); }

  json item(const Item& it) const {
    json examples = json::array();
    for (const auto& ex : it.examples)
      examples.push_back(in(ex));
    json j = {{"id", it.id},          {"text", in(it.text)},   {"detail", opt(it.detail)},
              {"examples", examples}, {"sources", it.sources}, {"editorial", it.editorial}};
    j["link"] = it.link.empty() ? json(nullptr) : json(topic_link(it.link));
    // A quotation: which language holds the original wording.
    j["quote_lang"] = it.quote ? json(std::string(code(*it.quote))) : json(nullptr);
    return j;
  }

  json items(const std::vector<Item>& its) const {
    json l = json::array();
    for (const auto& it : its)
      l.push_back(item(it));
    return l;
  }

  json topic_link(std::string_view id) const {
    const Topic* t = kb_.topic(id);
    if (!t) return nullptr;
    return {{"id", t->id},
            {"title", in(t->title)},
            {"url", knowledge_topic_url(t->id)},
            {"api_url", std::string(kApiBase) + "/topics/" + t->id}};
  }

  json stage_link(const Stage* st) const {
    if (!st) return nullptr;
    return {{"id", st->id},
            {"slug", st->slug},
            {"order", st->order},
            {"name", in(st->name)},
            {"url", knowledge_stage_url(*st)},
            {"api_url", std::string(kApiBase) + "/stages/" + st->slug}};
  }

  json topic_summary(const Topic& t) const {
    json j = topic_link(t.id);
    j["summary"] = in(t.summary);
    j["group"] = t.group.empty() ? json(nullptr) : json(t.group);
    j["order"] = t.order;
    return j;
  }

  json topic(const Topic& t) const {
    json j = topic_summary(t);
    j["editorial"] = t.editorial;
    j["sources"] = t.sources;
    json related = json::array();
    for (const auto& id : t.related)
      if (kb_.topic(id)) related.push_back(topic_link(id));
    j["related"] = related;
    json subtopics = json::array();
    for (const auto& other : kb_.topics())
      if (other.group == t.id) subtopics.push_back(topic_link(other.id));
    j["subtopics"] = subtopics;
    json sections = json::array();
    for (const auto& s : t.sections)
      sections.push_back({{"id", s.id},
                          {"title", in(s.title)},
                          {"intro", opt(s.intro)},
                          {"editorial", s.editorial},
                          {"sources", s.sources},
                          {"items", items(s.items)}});
    j["sections"] = sections;

    // The typed content shown on the topic's page; only the kinds it has.
    const auto belongs = [&](std::string_view id) { return kb_.topic_of(id) == t.id; };
    if (!kb_.stages().empty() && belongs(kb_.stages().front().id)) {
      json stages = json::array();
      for (const auto& st : kb_.stages())
        stages.push_back(stage_link(&st));
      j["stages"] = stages;
      json processes = json::array();
      for (const auto& p : kb_.processes())
        processes.push_back({{"id", p.id},
                             {"name", in(p.name)},
                             {"detail", opt(p.detail)},
                             {"sources", p.sources}});
      j["processes"] = processes;
    }
    json rows = json::array();
    for (const auto& row : kb_.municipality_table())
      if (belongs(row.id))
        rows.push_back({{"id", row.id},
                        {"aspect", in(row.aspect)},
                        {"level_1", in(row.level_1)},
                        {"level_2", in(row.level_2)},
                        {"level_3", in(row.level_3)}});
    if (!rows.empty()) j["municipality_table"] = rows;
    json goals = json::array();
    for (const auto& g : kb_.sdg_goals())
      if (belongs(g.id))
        goals.push_back({{"id", g.id}, {"number", g.number}, {"name", in(g.name)}});
    if (!goals.empty()) j["sdg_goals"] = goals;
    json domains = json::array();
    for (const auto& d : kb_.cynefin_domains())
      if (belongs(d.id))
        domains.push_back({{"id", d.id},
                           {"slug", d.slug},
                           {"name", in(d.name)},
                           {"description", in(d.description)},
                           {"approach", in(d.approach)},
                           {"practice", in(d.practice)},
                           {"sources", d.sources}});
    if (!domains.empty()) j["cynefin_domains"] = domains;
    json partners = json::array();
    for (const auto& p : kb_.partner_types())
      if (belongs(p.id)) partners.push_back({{"id", p.id}, {"name", in(p.name)}});
    if (!partners.empty()) j["partner_types"] = partners;
    json tasks = json::array();
    for (const auto& task : kb_.reflection_tasks())
      if (belongs(task.id) || task.topic == t.id)
        tasks.push_back({{"id", task.id},
                         {"title", in(task.title)},
                         {"topic", task.topic},
                         {"questions", items(task.questions)},
                         {"sources", task.sources}});
    if (!tasks.empty()) j["reflection_tasks"] = tasks;
    json examples = json::array();
    for (const auto& ex : kb_.request_examples())
      if (belongs(ex.id)) {
        json responses = json::array();
        for (const auto& r : ex.responses)
          responses.push_back(
              {{"id", r.id}, {"level", r.level}, {"text", in(r.text)}, {"partners", r.partners}});
        examples.push_back({{"id", ex.id},
                            {"request", in(ex.request)},
                            {"question", in(ex.question)},
                            {"responses", responses}});
      }
    if (!examples.empty()) j["request_examples"] = examples;
    json sources = json::array();
    for (const auto& s : kb_.sources())
      if (belongs(s.id))
        sources.push_back({{"id", s.id},
                           {"citation", s.citation},
                           {"url", s.url.empty() ? json(nullptr) : json(s.url)},
                           {"note", opt(s.note)}});
    if (!sources.empty()) j["all_sources"] = sources;
    return j;
  }

  json stage(const Stage& st) const {
    json j = stage_link(&st);
    j["table_name"] = opt(st.table_name);
    j["description"] = in(st.description);
    j["time_criterion"] = in(st.time_criterion);
    j["characteristics"] = items(st.characteristics);
    j["approach"] = items(st.approach);
    json processes = json::array();
    for (const auto& sp : st.processes)
      if (const auto* p = kb_.process(sp.id))
        processes.push_back({{"id", p->id},
                             {"name", in(p->name)},
                             {"detail", opt(p->detail)},
                             {"secondary", sp.secondary}});
    j["processes"] = processes;
    j["processes_note"] = opt(st.processes_note);
    j["practice"] = items(st.practice);
    j["practice_note"] = opt(st.practice_note);
    j["mi_questions"] = items(st.mi_questions);
    j["previous"] = stage_link(st.previous.empty() ? nullptr : kb_.stage(st.previous));
    j["next"] = stage_link(st.next.empty() ? nullptr : kb_.stage(st.next));
    json returns = json::array();
    for (const auto& id : st.returns_to)
      if (const Stage* r = kb_.stage(id)) returns.push_back(stage_link(r));
    j["returns_to"] = returns;
    // As on the stage page: every other stage leads to the relapse stage(s).
    json relapse = json::array();
    for (const auto& other : kb_.stages())
      if (!other.returns_to.empty() && other.id != st.id) relapse.push_back(stage_link(&other));
    j["relapse"] = relapse;
    j["sources"] = st.sources;
    return j;
  }

  // The HTML page a hit is shown on, as the search page links it.
  std::string hit_url(const content::SearchHit& h) const {
    if (const Stage* st = h.stage_id.empty() ? nullptr : kb_.stage(h.stage_id)) {
      std::string url = knowledge_stage_url(*st);
      if (h.id != st->id) url += "#" + h.id;
      return url;
    }
    std::string url = knowledge_topic_url(h.topic_id);
    if (h.kind != content::HitKind::topic) url += "#" + h.id;
    return url;
  }

 private:
  const KnowledgeBase& kb_;
  Language lang_;
};

Response json_response(const Request& req, json body) {
  Response r;
  r.content_type = "application/json";
  r.header("Cache-Control", "public, max-age=300");
  r.header("Content-Language", std::string(code(req.lang)));
  r.header("Vary", "Accept-Language, Cookie");
  body["lang"] = std::string(code(req.lang));
  r.body = body.dump();
  return r;
}

}  // namespace

KnowledgeApi::KnowledgeApi(const Renderer& renderer, const KnowledgeBase& kb)
    : renderer_(renderer), kb_(kb), index_(build_index(kb)) {}

Response KnowledgeApi::error(const Request& req, int status, std::string_view message_key) const {
  const std::string base = "error." + std::to_string(status);
  const std::string key = message_key.empty() ? base + ".text" : std::string(message_key);
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.header("Cache-Control", "no-store");
  r.header("Content-Language", std::string(code(req.lang)));
  r.body = json{{"error",
                 {{"status", status},
                  {"title", std::string(renderer_.text(req.lang, base + ".title"))},
                  {"message", std::string(renderer_.text(req.lang, key))},
                  {"request_id", req.request_id}}}}
               .dump();
  return r;
}

Response KnowledgeApi::topics(const Request& req) const {
  const Json b(kb_, req.lang);
  json topics = json::array();
  for (const auto& t : kb_.topics())
    topics.push_back(b.topic_summary(t));
  return json_response(req, {{"topics", topics}});
}

Response KnowledgeApi::topic(const Request& req) const {
  auto it = req.route.find("id");
  const Topic* t = it == req.route.end() ? nullptr : kb_.topic(it->second);
  if (!t) return error(req, 404);
  return json_response(req, {{"topic", Json(kb_, req.lang).topic(*t)}});
}

Response KnowledgeApi::stages(const Request& req) const {
  const Json b(kb_, req.lang);
  json stages = json::array();
  for (const auto& st : kb_.stages())
    stages.push_back(b.stage(st));
  return json_response(req, {{"stages", stages}});
}

Response KnowledgeApi::stage(const Request& req) const {
  auto it = req.route.find("slug");
  const Stage* st = it == req.route.end() ? nullptr : kb_.stage_by_slug(it->second);
  if (!st) return error(req, 404);
  return json_response(req, {{"stage", Json(kb_, req.lang).stage(*st)}});
}

Response KnowledgeApi::search(const Request& req) const {
  auto q = req.query.find("q");
  if (q == req.query.end()) return error(req, 400);
  std::size_t limit = 20;
  if (auto l = req.query.find("limit"); l != req.query.end()) {
    const std::string& s = l->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), limit);
    if (ec != std::errc{} || end != s.data() + s.size() || limit < 1 ||
        limit > content::kMaxSearchResults)
      return error(req, 400);
  }
  auto hits = index_.search(q->second, req.lang, {limit});
  if (!hits) {
    if (hits.error().code == ErrorCode::too_large) return error(req, 400, hits.error().message_key);
    const int status = status_for(hits.error().code);
    return error(req, status >= 500 ? 500 : 400);
  }
  const Json b(kb_, req.lang);
  json list = json::array();
  for (const auto& h : *hits) {
    json ranges = json::array();
    for (const auto& [begin, end] : h.highlights)
      ranges.push_back({begin, end});
    list.push_back({{"id", h.id},
                    {"kind", content::to_string(h.kind)},
                    {"title", h.title},
                    {"topic", h.topic_id},
                    {"stage", h.stage_id.empty() ? json(nullptr) : json(h.stage_id)},
                    {"snippet", h.snippet},
                    {"highlights", ranges},
                    {"url", b.hit_url(h)}});
  }
  const std::size_t count = list.size();
  return json_response(req, {{"query", q->second}, {"count", count}, {"hits", std::move(list)}});
}

void add_knowledge_api_routes(std::vector<Route>& routes, const Renderer& renderer,
                              const KnowledgeBase& kb) {
  auto api = std::make_shared<const KnowledgeApi>(renderer, kb);
  const std::string base(kApiBase);
  routes.push_back(
      {Method::get, base, Exec::worker, [api](const Request& req) { return api->topics(req); }});
  routes.push_back({Method::get, base + "/search", Exec::worker,
                    [api](const Request& req) { return api->search(req); }});
  routes.push_back({Method::get, base + "/stages", Exec::worker,
                    [api](const Request& req) { return api->stages(req); }});
  routes.push_back({Method::get, base + "/stages/:slug", Exec::worker,
                    [api](const Request& req) { return api->stage(req); }});
  routes.push_back({Method::get, base + "/topics/:id", Exec::worker,
                    [api](const Request& req) { return api->topic(req); }});
}

}  // namespace samskap::web
