#include "web/initiative_api.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/initiative.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "store/sql_time.hpp"
#include "web/initiative_common.hpp"
#include "web/json_api.hpp"

namespace samskap::web {

namespace {

namespace ini = initiative;
using nlohmann::json;
using Names = std::vector<std::string_view>;

constexpr std::string_view kBase = "/api/v1/initiatives";
// Bodies over this are refused (413) before parsing: the largest sensible
// body, an assessment with seven 2,000-byte notes, is far below it.
constexpr std::size_t kMaxBodyBytes = 256 * 1024;
// Bodies nested deeper than this are refused before parsing; ours nest three.
constexpr int kMaxDepth = 16;
// Field errors listed in one answer at most (a body of many unknown names
// must not make a huge answer).
constexpr std::size_t kMaxFieldErrors = 20;
// The store refuses numbers of this magnitude or more (store/initiative_parts.cpp).
constexpr double kMaxMagnitude = 1e15;

// The fields of an initiative that a client may send, and those of its JSON
// form that are ignored when sent back (so a GET body can be edited and PUT).
const Names kInitiativeFields = {
    "title",   "status", "unit_id", "facilitator_user_id", "leader_user_id", "starts_on",
    "ends_on", "vision", "sdgs"};
const Names kInitiativeReadOnly = {"id",
                                   "url",
                                   "api_url",
                                   "organisation_id",
                                   "organisation_name",
                                   "collaborating",
                                   "unit_name",
                                   "facilitator_name",
                                   "leader_name",
                                   "request_id",
                                   "created_at",
                                   "updated_at",
                                   "complexity",
                                   "goals",
                                   "anchoring",
                                   "anchoring_history",
                                   "partners",
                                   "partner_types_missing",
                                   "evidence",
                                   "evidence_balance",
                                   "activities"};

std::string text(const App& app, const Request& req, std::string_view key) {
  return std::string(app.renderer().text(req.lang, key));
}

std::string api_path(const std::string& id) {
  return std::string(kBase) + "/" + id;
}

bool contains(const Names& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// ---------------------------------------------------------------- output

json date_json(const std::optional<ini::Date>& d) {
  return d ? json(ini::to_iso(*d)) : json(nullptr);
}

json number_json(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

// Optional ids and names: null when empty.
json text_or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json summary_json(const store::Initiative& i) {
  return {{"id", i.id},
          {"url", initiative_path(i.id)},
          {"api_url", api_path(i.id)},
          {"title", i.title},
          {"status", std::string(ini::slug(i.status))},
          {"organisation_id", i.organisation_id},
          {"organisation_name", i.organisation_name},
          {"collaborating", i.collaborating},
          {"unit_id", text_or_null(i.unit_id)},
          {"unit_name", text_or_null(i.unit_name)},
          {"facilitator_user_id", text_or_null(i.facilitator_user_id)},
          {"facilitator_name", text_or_null(i.facilitator_name)},
          {"leader_user_id", text_or_null(i.leader_user_id)},
          {"leader_name", text_or_null(i.leader_name)},
          {"starts_on", date_json(i.starts_on)},
          {"ends_on", date_json(i.ends_on)},
          {"sdgs", i.sdgs},
          {"request_id", text_or_null(i.request_id)},
          {"created_at", store::iso_utc(i.created_at)},
          {"updated_at", store::iso_utc(i.updated_at)},
          {"version", i.version}};
}

json complexity_json(const store::Initiative& i) {
  auto domain = [](const std::optional<ini::CynefinDomain>& d) {
    return d ? json(std::string(ini::slug(*d))) : json(nullptr);
  };
  json answers = nullptr;
  if (i.cynefin_answers) {
    answers = json::object();
    for (std::size_t k = 0; k < ini::kCynefinQuestions.size(); ++k)
      answers[std::string(ini::slug(ini::kCynefinQuestions[k]))] =
          std::string(ini::slug((*i.cynefin_answers)[k]));
  }
  return {{"answers", answers},
          {"suggested", domain(i.cynefin_suggested)},
          {"chosen", domain(i.cynefin_chosen)},
          {"domain", domain(i.cynefin())},
          {"note", i.cynefin_note}};
}

json progress_json(const store::ProgressEntry& p) {
  return {{"id", p.id},
          {"value", p.value},
          {"measured_on", ini::to_iso(p.measured_on)},
          {"note", p.note}};
}

json goal_json(const store::Goal& g, const ini::Date& today) {
  json gaps = json::array();
  for (auto gap : ini::smart_gaps(g.draft(), today))
    gaps.push_back(std::string(ini::slug(gap)));
  json progress = json::array();
  for (const auto& p : g.progress)
    progress.push_back(progress_json(p));
  return {{"id", g.id},
          {"statement", g.statement},
          {"indicator", g.indicator},
          {"baseline", number_json(g.baseline)},
          {"target", number_json(g.target)},
          {"due", date_json(g.due)},
          {"owner", g.owner},
          {"smart_gaps", gaps},
          {"progress", progress},
          {"version", g.version}};
}

json assessment_json(const store::AnchoringAssessment& a) {
  json scores = json::array();
  for (const auto& s : a.scores)
    scores.push_back(
        {{"item", std::string(ini::slug(s.item))}, {"score", s.score}, {"note", s.note}});
  return {{"id", a.id},
          {"assessed_on", ini::to_iso(a.assessed_on)},
          {"by", a.created_by_name},
          {"average", a.average()},
          {"scores", scores}};
}

json partner_json(const store::Partner& p) {
  return {{"id", p.id},           {"type", std::string(ini::slug(p.type))},
          {"name", p.name},       {"role", p.role},
          {"contact", p.contact}, {"version", p.version}};
}

json evidence_json(const store::Evidence& e) {
  return {{"id", e.id},
          {"kind", std::string(ini::slug(e.kind))},
          {"source", e.source},
          {"note", e.note},
          {"version", e.version}};
}

json activity_json(const store::Activity& a) {
  return {{"id", a.id},
          {"type", std::string(ini::slug(a.type))},
          {"title", a.title},
          {"starts_on", ini::to_iso(a.starts_on)},
          {"ends_on", date_json(a.ends_on)},
          {"responsible", a.responsible},
          {"status", std::string(ini::slug(a.status))},
          {"milestone", a.milestone},
          {"version", a.version}};
}

// An error answer shaped like App::error_page's JSON, with our own message
// and, when given, one message per field.
Response api_error(const App& app, const Request& req, int status, std::string_view message_key,
                   const json& fields = nullptr) {
  const std::string title_key = status == 409 ? std::string("initiative.api.conflict_title")
                                              : "error." + std::to_string(status) + ".title";
  json e = {{"status", status},
            {"title", text(app, req, title_key)},
            {"message", text(app, req, message_key)},
            {"request_id", req.request_id}};
  if (!fields.is_null()) e["fields"] = fields;
  return json_response(status, {{"error", e}});
}

// ---------------------------------------------------------------- input

// The body as a JSON object; never throws. Errors carry the catalogue key;
// too_large for an oversized body.
Result<json> parse_body(const Request& req) {
  std::string ct(req.header("content-type"));
  std::transform(ct.begin(), ct.end(), ct.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!ct.starts_with("application/json")) return Error::invalid("initiative.api.content_type");
  if (req.body.size() > kMaxBodyBytes)
    return Error{ErrorCode::too_large, "initiative.api.too_large", ""};
  if (json_depth(req.body, kMaxDepth) > kMaxDepth) return Error::invalid("initiative.api.too_deep");
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::invalid("initiative.api.not_json");
  if (!j.is_object()) return Error::invalid("initiative.api.not_object");
  return j;
}

// Reads the typed fields of a JSON object and collects one message per
// wrong field. A reader gives nullopt for an absent, null or wrong value.
class Fields {
 public:
  Fields(const App& app, const Request& req, const json& body) : app_(app), req_(req), j_(body) {}

  // Every name outside `writable` and `ignored` is an error.
  void only(const Names& writable, const Names& ignored) {
    for (const auto& [name, value] : j_.items()) {
      (void)value;
      if (!contains(writable, name) && !contains(ignored, name))
        add(name.size() > 100 ? name.substr(0, 100) : name, "initiative.api.unknown_field");
    }
  }

  // Present, null included.
  bool has(std::string_view name) const { return j_.contains(std::string(name)); }

  std::optional<std::string> string(std::string_view name, bool required = false) {
    const json* v = get(name, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) return wrong(name, "initiative.api.must_be_string");
    return v->get<std::string>();
  }

  // ISO "2027-03-01" only.
  std::optional<ini::Date> date(std::string_view name, bool required = false) {
    const json* v = get(name, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) return wrong(name, "initiative.api.must_be_date");
    const auto& s = v->get_ref<const std::string&>();
    const bool shape =
        s.size() == 10 && s[4] == '-' && s[7] == '-' && std::all_of(s.begin(), s.end(), [](char c) {
          return c == '-' || std::isdigit(static_cast<unsigned char>(c));
        });
    if (!shape) return wrong(name, "initiative.api.must_be_date");
    auto d = ini::parse_date(s);
    if (!d) return wrong(name, d.error().message_key);
    return *d;
  }

  std::optional<double> number(std::string_view name, bool required = false) {
    const json* v = get(name, required);
    if (!v) return std::nullopt;
    if (!v->is_number()) return wrong(name, "initiative.api.must_be_number");
    double d = v->get<double>();
    if (!std::isfinite(d)) return wrong(name, "initiative.error.number");
    return d;
  }

  std::optional<long long> integer(std::string_view name, long long min, long long max,
                                   std::string_view key, bool required = false) {
    const json* v = get(name, required);
    if (!v) return std::nullopt;
    if (v->is_number_unsigned()) {
      auto u = v->get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(max) || static_cast<long long>(u) < min)
        return wrong(name, key);
      return static_cast<long long>(u);
    }
    if (!v->is_number_integer()) return wrong(name, key);
    auto i = v->get<std::int64_t>();
    if (i < min || i > max) return wrong(name, key);
    return i;
  }

  std::optional<bool> boolean(std::string_view name) {
    const json* v = get(name, false);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) return wrong(name, "initiative.api.must_be_boolean");
    return v->get<bool>();
  }

  // One of an enum's slugs.
  template <typename Enum, std::size_t N>
  std::optional<Enum> choice(std::string_view name, const std::array<Enum, N>& values,
                             bool required = false) {
    const json* v = get(name, required);
    if (!v) return std::nullopt;
    if (v->is_string())
      for (Enum e : values)
        if (ini::slug(e) == v->get_ref<const std::string&>()) return e;
    std::string list;
    for (Enum e : values)
      list += (list.empty() ? "" : ", ") + std::string(ini::slug(e));
    add(std::string(name), "initiative.api.must_be_one_of", list);
    return std::nullopt;
  }

  // A list of SDG numbers 1..17.
  std::optional<std::vector<int>> sdgs(std::string_view name) {
    const json* v = get(name, false);
    if (!v) return std::vector<int>{};
    if (!v->is_array() || v->size() > 100) return wrong(name, "initiative.api.must_be_sdg_list");
    std::vector<int> out;
    for (const auto& g : *v) {
      if (!g.is_number_integer() || g.get<std::int64_t>() < 1 || g.get<std::int64_t>() > 17)
        return wrong(name, "initiative.api.must_be_sdg_list");
      out.push_back(static_cast<int>(g.get<std::int64_t>()));
    }
    return out;
  }

  // `values` fills "{values}" in the message.
  void add(const std::string& name, std::string_view key, const std::string& values = {}) {
    if (errors_.contains(name) || errors_.size() >= kMaxFieldErrors) return;
    std::string message = text(app_, req_, key);
    if (auto p = message.find("{values}"); p != std::string::npos) message.replace(p, 8, values);
    errors_[name] = message;
  }
  // A message already in the request's language (from a nested object's Fields).
  void add_message(const std::string& name, const std::string& message) {
    if (errors_.contains(name) || errors_.size() >= kMaxFieldErrors) return;
    errors_[name] = message;
  }
  bool any() const { return !errors_.empty(); }
  const json& errors() const { return errors_; }

 private:
  // The value, or nullptr when absent or null (an error when required).
  const json* get(std::string_view name, bool required) {
    auto it = j_.find(std::string(name));
    if (it == j_.end() || it->is_null()) {
      if (required) add(std::string(name), "initiative.api.required");
      return nullptr;
    }
    return &*it;
  }
  std::nullopt_t wrong(std::string_view name, std::string_view key) {
    add(std::string(name), key);
    return std::nullopt;
  }

  const App& app_;
  const Request& req_;
  const json& j_;
  json errors_ = json::object();
};

// The JSON field a store error is about: the store's detail starts with the
// field's name ("title is empty"); some keys name one field; else `fallback`.
std::string field_of(const Error& e, const Names& fields, std::string_view fallback) {
  const std::string_view detail = e.detail;
  const std::string_view first = detail.substr(0, detail.find(' '));
  if (contains(fields, first)) return std::string(first);
  static const std::map<std::string_view, std::string_view> by_key = {
      {"initiative.error.end_before_start", "ends_on"},
      {"initiative.error.sdg", "sdgs"},
      {"initiative.error.unit", "unit_id"},
      {"initiative.error.facilitator", "facilitator_user_id"},
      {"initiative.error.leader", "leader_user_id"},
      {"initiative.error.anchoring_score", "scores"},
      {"initiative.error.anchoring_missing", "scores"},
      {"request.error.not_found", "request_id"},
  };
  if (auto it = by_key.find(e.message_key); it != by_key.end() && contains(fields, it->second))
    return std::string(it->second);
  return std::string(fallback);
}

// ---------------------------------------------------------------- handlers

class InitiativeApi {
 public:
  explicit InitiativeApi(App& app) : app_(app) {}

  Response list(const Request& req) const;
  Response get(const Request& req) const;
  Response create(const Request& req) const;
  Response update(const Request& req) const;
  Response add_goal(const Request& req) const;
  Response add_progress(const Request& req) const;
  Response add_assessment(const Request& req) const;
  Response add_partner(const Request& req) const;
  Response add_evidence(const Request& req) const;
  Response add_activity(const Request& req) const;

 private:
  store::InitiativeRepository repo() const { return {app_.db(), app_.clock()}; }

  // A store error as an answer: invalid input names its field (one of
  // `fields`, else `fallback`), a conflict is 409 with its message.
  Response store_error(const Request& req, const Error& e, const Names& fields = {},
                       std::string_view fallback = {}) const {
    if (e.code == ErrorCode::invalid_input) {
      json f = json::object();
      f[field_of(e, fields, fallback)] = text(app_, req, e.message_key);
      return api_error(app_, req, 400, "initiative.api.invalid", f);
    }
    if (e.code == ErrorCode::conflict) return api_error(app_, req, 409, e.message_key);
    return app_.error_page(req, status_for(e.code));
  }

  Response body_error(const Request& req, const Error& e) const {
    return api_error(app_, req, e.code == ErrorCode::too_large ? 413 : 400, e.message_key);
  }

  Response invalid(const Request& req, const Fields& f) const {
    return api_error(app_, req, 400, "initiative.api.invalid", f.errors());
  }

  // The initiative the route names, or the error answer (404 when out of reach).
  std::variant<store::Initiative, Response> initiative(const Request& req) const {
    auto i = repo().get(actor_of(req), req.route.at("id"));
    if (!i) return store_error(req, i.error());
    return std::move(i).value();
  }

  // The whole initiative with its parts.
  Result<json> full(const Request& req, const store::Initiative& i) const;

  // Reads the initiative fields present in `f` into `d`; the title is
  // required when `creating`.
  void read_initiative(Fields& f, store::InitiativeDraft& d, bool creating) const;

  void audit(const Request& req, const store::Initiative& i, const std::string& action,
             const std::string& object_type, const std::string& object_id) const {
    auto st = store::AuditLog(app_.db(), app_.clock())
                  .record(i.organisation_id, req.principal ? req.principal->user_id : "", action,
                          object_type, object_id, "api");
    (void)st;  // the change is made; a lost audit line must not turn it into an error
  }

  App& app_;
};

Result<json> InitiativeApi::full(const Request& req, const store::Initiative& i) const {
  const auto who = actor_of(req);
  auto r = repo();
  auto goals = r.goals(who, i.id);
  if (!goals) return std::move(goals).error();
  auto assessments = r.assessments(who, i.id);
  if (!assessments) return std::move(assessments).error();
  auto partners = r.partners(who, i.id);
  if (!partners) return std::move(partners).error();
  auto evidence = r.evidence(who, i.id);
  if (!evidence) return std::move(evidence).error();
  auto activities = r.activities(who, i.id);
  if (!activities) return std::move(activities).error();

  json j = summary_json(i);
  j["vision"] = i.vision;
  j["complexity"] = complexity_json(i);
  const ini::Date now = today(app_);
  json g = json::array();
  for (const auto& goal : *goals)
    g.push_back(goal_json(goal, now));
  j["goals"] = g;
  j["anchoring"] = assessments->empty() ? json(nullptr) : assessment_json(assessments->back());
  json history = json::array();
  for (const auto& a : *assessments)
    history.push_back(
        {{"id", a.id}, {"assessed_on", ini::to_iso(a.assessed_on)}, {"average", a.average()}});
  j["anchoring_history"] = history;
  json p = json::array();
  std::vector<ini::PartnerType> present;
  for (const auto& partner : *partners) {
    p.push_back(partner_json(partner));
    present.push_back(partner.type);
  }
  j["partners"] = p;
  json missing = json::array();
  for (auto t : ini::missing_for_co_creation(present))
    missing.push_back(std::string(ini::slug(t)));
  j["partner_types_missing"] = missing;
  json e = json::array();
  std::vector<ini::EvidenceKind> kinds;
  for (const auto& entry : *evidence) {
    e.push_back(evidence_json(entry));
    kinds.push_back(entry.kind);
  }
  j["evidence"] = e;
  auto balance = ini::evidence_balance(kinds);
  json counts = json::object();
  for (std::size_t k = 0; k < ini::kEvidenceKinds.size(); ++k)
    counts[std::string(ini::slug(ini::kEvidenceKinds[k]))] = balance.counts[k];
  json lacking = json::array();
  for (auto k : balance.missing)
    lacking.push_back(std::string(ini::slug(k)));
  j["evidence_balance"] = {
      {"counts", counts}, {"missing", lacking}, {"balanced", balance.balanced}};
  json a = json::array();
  for (const auto& activity : *activities)
    a.push_back(activity_json(activity));
  j["activities"] = a;
  return j;
}

void InitiativeApi::read_initiative(Fields& f, store::InitiativeDraft& d, bool creating) const {
  if (f.has("title") || creating) {
    if (auto t = f.string("title", true)) d.title = *t;
  }
  if (f.has("status")) {
    if (auto s = f.choice("status", ini::kStatuses, true)) d.status = *s;
  }
  // Optional references and texts: null (or "") clears them.
  if (f.has("unit_id")) d.unit_id = f.string("unit_id").value_or("");
  if (f.has("facilitator_user_id"))
    d.facilitator_user_id = f.string("facilitator_user_id").value_or("");
  if (f.has("leader_user_id")) d.leader_user_id = f.string("leader_user_id").value_or("");
  if (f.has("starts_on")) d.starts_on = f.date("starts_on");
  if (f.has("ends_on")) d.ends_on = f.date("ends_on");
  if (f.has("vision")) d.vision = f.string("vision").value_or("");
  if (f.has("sdgs")) d.sdgs = f.sdgs("sdgs").value_or(std::vector<int>{});
}

Response InitiativeApi::list(const Request& req) const {
  auto rows = repo().list(actor_of(req));
  if (!rows) return store_error(req, rows.error());
  json l = json::array();
  for (const auto& i : *rows)
    l.push_back(summary_json(i));
  return json_response(200, {{"initiatives", l}});
}

Response InitiativeApi::get(const Request& req) const {
  auto i = initiative(req);
  if (auto* r = std::get_if<Response>(&i)) return std::move(*r);
  auto j = full(req, std::get<store::Initiative>(i));
  if (!j) return store_error(req, j.error());
  return json_response(200, *j);
}

Response InitiativeApi::create(const Request& req) const {
  auto body = parse_body(req);
  if (!body) return body_error(req, body.error());
  Fields f(app_, req, *body);
  Names writable = kInitiativeFields, ignored = kInitiativeReadOnly;
  writable.push_back("request_id");
  ignored.erase(std::find(ignored.begin(), ignored.end(), "request_id"));
  ignored.push_back("version");
  f.only(writable, ignored);
  store::InitiativeDraft d;
  read_initiative(f, d, true);
  if (f.has("request_id")) d.request_id = f.string("request_id").value_or("");
  if (f.any()) return invalid(req, f);

  auto created = repo().create(actor_of(req), d);
  if (!created) {
    if (created.error().code == ErrorCode::not_found)  // the request it names
      return store_error(req, Error::invalid("request.error.not_found", "request_id"),
                         {"request_id"}, "request_id");
    return store_error(req, created.error(), kInitiativeFields, "title");
  }
  audit(req, *created, "initiative_created", "initiative", created->id);
  auto j = full(req, *created);
  if (!j) return store_error(req, j.error());
  Response r = json_response(201, *j);
  r.header("Location", api_path(created->id));
  return r;
}

Response InitiativeApi::update(const Request& req) const {
  auto found = initiative(req);
  if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
  const auto& current = std::get<store::Initiative>(found);
  auto body = parse_body(req);
  if (!body) return body_error(req, body.error());
  Fields f(app_, req, *body);
  Names writable = kInitiativeFields;
  writable.push_back("version");
  f.only(writable, kInitiativeReadOnly);
  auto version = f.integer("version", 1, INT_MAX, "initiative.api.must_be_integer");
  if (!version) f.add("version", "initiative.api.version_required");  // unless already wrong
  // Fields not sent keep their current values.
  store::InitiativeDraft d;
  d.title = current.title;
  d.status = current.status;
  d.unit_id = current.unit_id;
  d.facilitator_user_id = current.facilitator_user_id;
  d.leader_user_id = current.leader_user_id;
  d.starts_on = current.starts_on;
  d.ends_on = current.ends_on;
  d.vision = current.vision;
  d.sdgs = current.sdgs;
  read_initiative(f, d, false);
  if (f.any() || !version) return invalid(req, f);

  auto saved = repo().update(actor_of(req), current.id, static_cast<int>(*version), d);
  if (!saved) return store_error(req, saved.error(), kInitiativeFields, "title");
  audit(req, *saved, "initiative_updated", "initiative", saved->id);
  auto j = full(req, *saved);
  if (!j) return store_error(req, j.error());
  return json_response(200, *j);
}

Response InitiativeApi::add_goal(const Request& req) const {
  auto found = initiative(req);
  if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
  const auto& i = std::get<store::Initiative>(found);
  auto body = parse_body(req);
  if (!body) return body_error(req, body.error());
  const Names fields = {"statement", "indicator", "baseline", "target", "due", "owner"};
  Fields f(app_, req, *body);
  f.only(fields, {"id", "smart_gaps", "progress", "version"});
  ini::GoalDraft g;
  g.statement = f.string("statement", true).value_or("");
  g.indicator = f.string("indicator").value_or("");
  g.baseline = f.number("baseline");
  g.target = f.number("target");
  g.due = f.date("due");
  g.owner = f.string("owner").value_or("");
  if (f.any()) return invalid(req, f);

  auto goal = repo().add_goal(actor_of(req), i.id, g);
  if (!goal) {
    if (goal.error().message_key == "initiative.error.number") {
      auto usable = [](const std::optional<double>& v) {
        return !v || std::fabs(*v) < kMaxMagnitude;
      };
      return store_error(req, goal.error(), {},
                         !usable(g.baseline) ? "baseline"
                         : !usable(g.target) ? "target"
                                             : "baseline");
    }
    return store_error(req, goal.error(), fields, "statement");
  }
  audit(req, i, "goal_added", "goal", goal->id);
  return json_response(201, goal_json(*goal, today(app_)));
}

Response InitiativeApi::add_progress(const Request& req) const {
  auto found = initiative(req);
  if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
  const auto& i = std::get<store::Initiative>(found);
  auto body = parse_body(req);
  if (!body) return body_error(req, body.error());
  const Names fields = {"value", "measured_on", "note"};
  Fields f(app_, req, *body);
  f.only(fields, {"id"});
  auto value = f.number("value", true);
  auto measured = f.date("measured_on");
  auto note = f.string("note").value_or("");
  if (f.any() || !value) return invalid(req, f);

  auto p = repo().add_progress(actor_of(req), i.id, req.route.at("goal"), *value,
                               measured.value_or(today(app_)), note);
  if (!p) return store_error(req, p.error(), fields, "value");
  audit(req, i, "progress_added", "goal_progress", p->id);
  return json_response(201, progress_json(*p));
}

Response InitiativeApi::add_assessment(const Request& req) const {
  auto found = initiative(req);
  if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
  const auto& i = std::get<store::Initiative>(found);
  auto body = parse_body(req);
  if (!body) return body_error(req, body.error());
  Fields f(app_, req, *body);
  f.only({"assessed_on", "scores"}, {"id", "by", "average"});
  auto assessed = f.date("assessed_on");
  std::vector<store::AnchoringScore> scores;
  auto list = body->find("scores");
  if (list == body->end() || list->is_null()) {
    f.add("scores", "initiative.api.required");
  } else if (!list->is_array() || list->size() > ini::kAnchoringItems.size() * 2) {
    f.add("scores", "initiative.api.must_be_scores");
  } else {
    for (std::size_t k = 0; k < list->size(); ++k) {
      const json& s = (*list)[k];
      const std::string at = "scores[" + std::to_string(k) + "]";
      if (!s.is_object()) {
        f.add(at, "initiative.api.must_be_scores");
        continue;
      }
      Fields one(app_, req, s);
      one.only({"item", "score", "note"}, {});
      auto item = one.choice("item", ini::kAnchoringItems, true);
      auto score = one.integer("score", 1, 5, "initiative.error.anchoring_score", true);
      auto note = one.string("note").value_or("");
      if (one.any()) {
        for (const auto& [name, message] : one.errors().items())
          f.add_message(at + "." + name, message.get<std::string>());
        continue;
      }
      scores.push_back({*item, static_cast<int>(*score), note});
    }
  }
  if (f.any()) return invalid(req, f);

  auto a = repo().add_assessment(actor_of(req), i.id, assessed.value_or(today(app_)), scores);
  if (!a) return store_error(req, a.error(), {"assessed_on", "scores"}, "scores");
  audit(req, i, "anchoring_assessed", "anchoring_assessment", a->id);
  return json_response(201, assessment_json(*a));
}

Response InitiativeApi::add_partner(const Request& req) const {
  auto found = initiative(req);
  if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
  const auto& i = std::get<store::Initiative>(found);
  auto body = parse_body(req);
  if (!body) return body_error(req, body.error());
  const Names fields = {"type", "name", "role", "contact"};
  Fields f(app_, req, *body);
  f.only(fields, {"id", "version"});
  store::Partner p;
  auto type = f.choice("type", ini::kPartnerTypes, true);
  p.name = f.string("name", true).value_or("");
  p.role = f.string("role").value_or("");
  p.contact = f.string("contact").value_or("");
  if (f.any() || !type) return invalid(req, f);
  p.type = *type;

  auto added = repo().add_partner(actor_of(req), i.id, p);
  if (!added) return store_error(req, added.error(), fields, "name");
  audit(req, i, "partner_added", "partner", added->id);
  return json_response(201, partner_json(*added));
}

Response InitiativeApi::add_evidence(const Request& req) const {
  auto found = initiative(req);
  if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
  const auto& i = std::get<store::Initiative>(found);
  auto body = parse_body(req);
  if (!body) return body_error(req, body.error());
  const Names fields = {"kind", "source", "note"};
  Fields f(app_, req, *body);
  f.only(fields, {"id", "version"});
  store::Evidence e;
  auto kind = f.choice("kind", ini::kEvidenceKinds, true);
  e.source = f.string("source", true).value_or("");
  e.note = f.string("note").value_or("");
  if (f.any() || !kind) return invalid(req, f);
  e.kind = *kind;

  auto added = repo().add_evidence(actor_of(req), i.id, e);
  if (!added) return store_error(req, added.error(), fields, "source");
  audit(req, i, "evidence_added", "evidence", added->id);
  return json_response(201, evidence_json(*added));
}

Response InitiativeApi::add_activity(const Request& req) const {
  auto found = initiative(req);
  if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
  const auto& i = std::get<store::Initiative>(found);
  auto body = parse_body(req);
  if (!body) return body_error(req, body.error());
  const Names fields = {"type",        "title",  "starts_on", "ends_on",
                        "responsible", "status", "milestone"};
  Fields f(app_, req, *body);
  f.only(fields, {"id", "version"});
  store::Activity a;
  auto type = f.choice("type", ini::kActivityTypes, true);
  a.title = f.string("title", true).value_or("");
  auto starts = f.date("starts_on", true);
  a.ends_on = f.date("ends_on");
  a.responsible = f.string("responsible").value_or("");
  a.status = f.choice("status", ini::kActivityStatuses).value_or(ini::ActivityStatus::planlagt);
  a.milestone = f.boolean("milestone").value_or(false);
  if (f.any() || !type || !starts) return invalid(req, f);
  a.type = *type;
  a.starts_on = *starts;

  auto added = repo().add_activity(actor_of(req), i.id, a);
  if (!added) return store_error(req, added.error(), fields, "title");
  audit(req, i, "activity_added", "activity", added->id);
  return json_response(201, activity_json(*added));
}

}  // namespace

void add_initiative_api_routes(App& app, std::vector<Route>& routes) {
  auto api = std::make_shared<const InitiativeApi>(app);
  auto bind = [api](Response (InitiativeApi::*fn)(const Request&) const) {
    return [api, fn](const Request& r) { return ((*api).*fn)(r); };
  };
  const Guard view{true, Permission::view_results, true};
  const Guard manage{true, Permission::manage_initiatives, true};
  const std::string base(kBase);
  routes.push_back({Method::get, base, Exec::worker, bind(&InitiativeApi::list), view});
  routes.push_back({Method::post, base, Exec::worker, bind(&InitiativeApi::create), manage});
  routes.push_back({Method::get, base + "/:id", Exec::worker, bind(&InitiativeApi::get), view});
  routes.push_back(
      {Method::put, base + "/:id", Exec::worker, bind(&InitiativeApi::update), manage});
  routes.push_back(
      {Method::post, base + "/:id/goals", Exec::worker, bind(&InitiativeApi::add_goal), manage});
  routes.push_back({Method::post, base + "/:id/goals/:goal/progress", Exec::worker,
                    bind(&InitiativeApi::add_progress), manage});
  routes.push_back({Method::post, base + "/:id/anchoring", Exec::worker,
                    bind(&InitiativeApi::add_assessment), manage});
  routes.push_back({Method::post, base + "/:id/partners", Exec::worker,
                    bind(&InitiativeApi::add_partner), manage});
  routes.push_back({Method::post, base + "/:id/evidence", Exec::worker,
                    bind(&InitiativeApi::add_evidence), manage});
  routes.push_back({Method::post, base + "/:id/activities", Exec::worker,
                    bind(&InitiativeApi::add_activity), manage});
}

}  // namespace samskap::web
