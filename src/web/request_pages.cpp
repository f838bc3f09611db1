#include "web/request_pages.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <ctime>
#include <memory>
#include <optional>

#include "content/knowledge_base.hpp"
#include "core/initiative.hpp"
#include "store/accounts.hpp"
#include "store/initiatives.hpp"
#include "web/app.hpp"
#include "web/auth.hpp"
#include "web/charts.hpp"
#include "web/forms.hpp"
#include "web/initiative_common.hpp"
#include "web/json_api.hpp"
#include "web/knowledge_pages.hpp"

namespace samskap::web {

namespace {

using initiative::AnswerLevel;
using initiative::PartnerType;
using initiative::RequestStatus;
using nlohmann::json;

// The store's limits (store/initiatives.hpp), checked here too so a form
// shows every error at once.
constexpr std::size_t kMaxRequester = 200;
constexpr std::size_t kMaxContact = 200;
constexpr std::size_t kMaxBody = 10000;
constexpr std::size_t kMaxReason = 2000;
constexpr std::size_t kMaxTagsText = 2000;  // the comma-separated input
// How much of an over-long field is echoed back into the form.
constexpr std::size_t kEcho = 20000;
// JSON bodies nested deeper than this are refused before parsing.
constexpr int kMaxJsonDepth = 32;

Data yes(bool b) {
  return b ? Data::type::bool_true : Data::type::bool_false;
}

std::string text(const App& app, const Request& req, std::string_view key) {
  return std::string(app.renderer().text(req.lang, key));
}

bool can_manage(const Request& req) {
  return req.principal && allows(req.principal->role, Permission::manage_initiatives);
}

std::string request_path(const std::string& id) {
  return "/henvendelser/" + id;
}

// Replaces every "{name}" in `t`.
std::string fill(std::string t,
                 std::initializer_list<std::pair<std::string_view, std::string>> vars) {
  for (const auto& [name, value] : vars) {
    const std::string token = "{" + std::string(name) + "}";
    for (auto p = t.find(token); p != std::string::npos; p = t.find(token, p + value.size()))
      t.replace(p, token.size(), value);
  }
  return t;
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  s.resize(n);
  return s;
}

// Folds every run of ASCII whitespace into one space and trims.
std::string fold_space(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Drops trailing spaces and punctuation that would dangle before "…".
void trim_dangling(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == ';' || s.back() == ':' ||
                        s.back() == '-' || s.back() == '.'))
    s.pop_back();
}

// The first words of `s` within about `max` bytes, "…" when cut.
std::string first_words(std::string_view s, std::size_t max) {
  std::string folded = fold_space(s);
  if (folded.size() <= max) return folded;
  std::string head = cut_utf8(folded, max);
  auto space = head.rfind(' ');
  if (space != std::string::npos && space >= max / 3) head.resize(space);
  trim_dangling(head);
  return head + "…";
}

std::vector<std::string> split_tags(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string tag = fold_space(s.substr(start, comma - start));
    if (!tag.empty()) out.push_back(std::move(tag));
    start = comma + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

// "2027-03-01T10:15:00Z".
std::string iso_time(SystemTime t) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

initiative::Date date_of(SystemTime t) {
  auto tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

// "mars 2027" / "March 2027" from "2027-03".
std::string month_label(const App& app, const Request& req, const std::string& month) {
  if (month.size() != 7) return month;
  auto m = parse_int(month.substr(5, 2));
  if (!m || *m < 1 || *m > 12) return month;
  return text(app, req, "request.month." + std::to_string(*m)) + " " + month.substr(0, 4);
}

// The form field a store validation error concerns.
std::string field_of(const std::string& key) {
  if (key == "request.error.requester") return "requester_org";
  if (key == "request.error.contact") return "contact";
  if (key == "request.error.body") return "body";
  if (key == "request.error.tag" || key == "request.error.tags") return "tags";
  if (key == "request.error.reason") return "reason";
  if (key.starts_with("initiative.error.date")) return "received_on";
  return "body";
}

// The initiative PartnerType a knowledge-base partner id ("partner.sykehus")
// stands for. The ALS example names partners in the municipality, hospitals
// and user organisations; the municipality's own partners are its leaders
// here (employees are suggested anyway).
std::optional<PartnerType> partner_type_of_kb(std::string_view id) {
  constexpr std::string_view prefix = "partner.";
  if (!id.starts_with(prefix)) return std::nullopt;
  id.remove_prefix(prefix.size());
  if (auto p = initiative::parse_partner_type(id)) return p;
  if (id == "kommunen") return PartnerType::ledere;
  if (id == "sykehus") return PartnerType::spesialisthelsetjeneste;
  return std::nullopt;
}

// The partner types suggested for a 3.0 answer: those of the knowledge
// base's 3.0 example answers, plus employees, citizens/users and relatives.
std::vector<PartnerType> suggested_partners() {
  std::vector<PartnerType> wanted = {PartnerType::ansatte, PartnerType::innbyggere,
                                     PartnerType::parorende};
  for (const auto& ex : content::KnowledgeBase::embedded().request_examples())
    for (const auto& resp : ex.responses)
      if (resp.level == "3.0")
        for (const auto& id : resp.partners)
          if (auto p = partner_type_of_kb(id)) wanted.push_back(*p);
  std::vector<PartnerType> out;
  for (PartnerType p : initiative::kPartnerTypes)
    if (std::find(wanted.begin(), wanted.end(), p) != wanted.end()) out.push_back(p);
  return out;
}

std::string level_id(AnswerLevel a) {  // "1-0": for element ids and catalogue keys
  std::string s(initiative::slug(a));
  std::replace(s.begin(), s.end(), '.', '-');
  return s;
}

// ---------------------------------------------------------------- page data

Data tags_data(const std::vector<std::string>& tags) {
  Data l{Data::type::list};
  for (const auto& t : tags) {
    Data o{Data::type::object};
    o.set("tag", t);
    l.push_back(o);
  }
  return l;
}

Data request_data(const App& app, const Request& req, const store::ChangeRequest& r) {
  Data d{Data::type::object};
  d.set("id", r.id);
  d.set("href", request_path(r.id));
  d.set("requester_org", r.requester_org);
  d.set("contact", r.contact);
  d.set("has_contact", yes(!r.contact.empty()));
  d.set("body", r.body);
  d.set("excerpt", first_words(r.body, 90));
  d.set("received", initiative::format_date(r.received_on, req.lang));
  d.set("received_iso", initiative::to_iso(r.received_on));
  d.set("tags", tags_data(r.tags));
  d.set("has_tags", yes(!r.tags.empty()));
  d.set("tags_text", join(r.tags, ", "));
  d.set("status", std::string(initiative::slug(r.status)));
  d.set("status_label", text(app, req, initiative::name_key(r.status)));
  d.set("is_closed", yes(r.status == RequestStatus::closed));
  d.set("has_level", yes(r.answer_level.has_value()));
  if (r.answer_level) {
    d.set("level", std::string(initiative::slug(*r.answer_level)));
    d.set("level_label", text(app, req, initiative::name_key(*r.answer_level)));
  }
  d.set("reason", r.reason);
  if (r.triaged_at) {
    d.set("triaged_at", initiative::format_date(date_of(*r.triaged_at), req.lang));
    d.set("triaged_at_iso", iso_time(*r.triaged_at));
  }
  d.set("has_initiative", yes(!r.initiative_id.empty()));
  d.set("initiative_href",
        r.initiative_id.empty() ? std::string{} : initiative_path(r.initiative_id));
  d.set("version", std::to_string(r.version));
  return d;
}

// What a request form holds, as typed.
struct RequestForm {
  std::string requester_org, contact, body, received_on, tags;
};

Data form_data(const RequestForm& f) {
  Data d{Data::type::object};
  d.set("requester_org", f.requester_org);
  d.set("contact", f.contact);
  d.set("body", f.body);
  d.set("received_on", f.received_on);
  d.set("tags", f.tags);
  return d;
}

RequestForm form_of(const Request& req) {
  return {form_field(req, "requester_org", kEcho), form_field(req, "contact", kEcho),
          form_field(req, "body", kEcho), form_field(req, "received_on", 100),
          form_field(req, "tags", kEcho)};
}

RequestForm form_of(const store::ChangeRequest& r, Language lang) {
  return {r.requester_org, r.contact, r.body, initiative::format_date(r.received_on, lang),
          join(r.tags, ", ")};
}

// Checks the form; fills `draft` when it is valid.
void check_form(const App& app, const Request& req, FormErrors& errors,
                store::RequestDraft& draft) {
  const RequestForm f = form_of(req);
  if (f.requester_org.empty() || f.requester_org.size() > kMaxRequester ||
      f.requester_org.find('\n') != std::string::npos)
    errors.add(app, req, "requester_org", "request.error.requester");
  if (f.contact.size() > kMaxContact || f.contact.find('\n') != std::string::npos)
    errors.add(app, req, "contact", "request.error.contact");
  if (f.body.empty() || f.body.size() > kMaxBody)
    errors.add(app, req, "body", "request.error.body");
  auto date = date_field(app, req, "received_on", errors);
  if (f.tags.size() > kMaxTagsText) errors.add(app, req, "tags", "request.error.tags");
  draft.requester_org = f.requester_org;
  draft.contact = f.contact;
  draft.body = f.body;
  draft.received_on = date.value_or(today(app));
  draft.tags = split_tags(f.tags);
  for (const auto& t : draft.tags)
    if (t.size() > 50) errors.add(app, req, "tags", "request.error.tag");
  if (draft.tags.size() > 20) errors.add(app, req, "tags", "request.error.tags");
}

void audit(App& app, const Request& req, const std::string& action, const std::string& type,
           const std::string& id, const std::string& detail = {}) {
  (void)store::AuditLog(app.db(), app.clock())
      .record(req.principal->organisation_id, req.principal->user_id, action, type, id, detail);
}

// ---------------------------------------------------------------- triage

// The three answers side by side for one request, with the knowledge base's
// explanation: the municipality table's column and the ALS example's answer.
Data levels_data(const App& app, const Request& req, const store::ChangeRequest& r,
                 std::optional<AnswerLevel> chosen) {
  const auto& kb = content::KnowledgeBase::embedded();
  const std::string topic =
      r.tags.empty() ? text(app, req, "request.triage.topic_default") : join(r.tags, ", ");
  Data list{Data::type::list};
  int column = 0;
  for (AnswerLevel a : initiative::kAnswerLevels) {
    ++column;
    const std::string id = level_id(a);
    Data d{Data::type::object};
    d.set("value", std::string(initiative::slug(a)));
    d.set("id", id);
    d.set("label", text(app, req, initiative::name_key(a)));
    d.set("for_this", fill(text(app, req, "request.triage.for." + id),
                           {{"requester", r.requester_org}, {"topic", topic}}));
    d.set("checked", yes(chosen && *chosen == a));
    d.set("target", yes(a == AnswerLevel::workshop));
    Data rows{Data::type::list};
    for (const auto& row : kb.municipality_table()) {
      Data o{Data::type::object};
      o.set("aspect", row.aspect.in(req.lang));
      const auto& v = column == 1 ? row.level_1 : column == 2 ? row.level_2 : row.level_3;
      o.set("value", v.in(req.lang));
      rows.push_back(o);
    }
    d.set("kommune", rows);
    std::string example;
    Data partners{Data::type::list};
    for (const auto& ex : kb.request_examples())
      for (const auto& resp : ex.responses)
        if (resp.level == initiative::slug(a) && example.empty()) {
          example = resp.text.in(req.lang);
          for (const auto& pid : resp.partners)
            if (const auto* p = kb.partner_type(pid)) {
              Data o{Data::type::object};
              o.set("name", p->name.in(req.lang));
              partners.push_back(o);
            }
        }
    d.set("example", example);
    d.set("has_example", yes(!example.empty()));
    d.set("example_partners", partners);
    d.set("has_example_partners", yes(!partners.is_empty_list()));
    list.push_back(d);
  }
  return list;
}

Data partner_options(const App& app, const Request& req, const std::vector<PartnerType>& checked) {
  Data list{Data::type::list};
  for (PartnerType p : initiative::kPartnerTypes) {
    Data o{Data::type::object};
    o.set("value", std::string(initiative::slug(p)));
    o.set("label", text(app, req, initiative::name_key(p)));
    o.set("checked", yes(std::find(checked.begin(), checked.end(), p) != checked.end()));
    list.push_back(o);
  }
  return list;
}

// The triage form as typed.
struct TriageForm {
  std::optional<AnswerLevel> level;
  std::string reason;
  std::vector<PartnerType> partners;
};

TriageForm triage_form_of(const Request& req) {
  TriageForm f;
  f.level = initiative::parse_answer_level(form_field(req, "level", 10));
  f.reason = form_field(req, "reason", kEcho);
  for (PartnerType p : initiative::kPartnerTypes)
    if (form_checked(req, "partner-" + std::string(initiative::slug(p)))) f.partners.push_back(p);
  return f;
}

// ---------------------------------------------------------------- JSON

json request_json(const store::ChangeRequest& r) {
  json j = {{"id", r.id},
            {"url", request_path(r.id)},
            {"api_url", "/api/v1/requests/" + r.id},
            {"requester_org", r.requester_org},
            {"contact", r.contact},
            {"body", r.body},
            {"received_on", initiative::to_iso(r.received_on)},
            {"tags", r.tags},
            {"status", std::string(initiative::slug(r.status))},
            {"answer_level",
             r.answer_level ? json(std::string(initiative::slug(*r.answer_level))) : json(nullptr)},
            {"reason", r.reason},
            {"triaged_at", r.triaged_at ? json(iso_time(*r.triaged_at)) : json(nullptr)},
            {"created_at", iso_time(r.created_at)},
            {"version", r.version}};
  if (r.initiative_id.empty())
    j["initiative"] = nullptr;
  else
    j["initiative"] = {{"id", r.initiative_id},
                       {"url", initiative_path(r.initiative_id)},
                       {"api_url", "/api/v1/initiatives/" + r.initiative_id}};
  return j;
}

// A JSON error like App::error_page's, with our own message and, when
// given, one message per field.
Response api_error(const App& app, const Request& req, int status, std::string_view message_key,
                   const json& fields = nullptr) {
  const int known = status == 409 ? 400 : status;  // the catalogue has no 409 title
  json e = {{"status", status},
            {"title", status == 409 ? text(app, req, "request.conflict_title")
                                    : text(app, req, "error." + std::to_string(known) + ".title")},
            {"message", text(app, req, message_key)},
            {"request_id", req.request_id}};
  if (!fields.is_null()) e["fields"] = fields;
  return json_response(status, {{"error", e}});
}

// A store error as a JSON answer: invalid input names its field.
Response api_store_error(const App& app, const Request& req, const Error& e) {
  if (e.code == ErrorCode::invalid_input)
    return api_error(app, req, 400, "request.api.invalid",
                     json{{field_of(e.message_key), text(app, req, e.message_key)}});
  if (e.code == ErrorCode::conflict) return api_error(app, req, 409, e.message_key);
  return app.error_page(req, status_for(e.code));
}

// Parses the body as a JSON object, never throwing. The error is a catalogue key.
Result<json> parse_json_object(const Request& req) {
  std::string ct(req.header("content-type"));
  std::transform(ct.begin(), ct.end(), ct.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!ct.starts_with("application/json")) return Error::invalid("request.api.content_type");
  if (json_depth(req.body, kMaxJsonDepth) > kMaxJsonDepth)
    return Error::invalid("request.api.too_deep");
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::invalid("request.api.not_json");
  if (!j.is_object()) return Error::invalid("request.api.not_object");
  return j;
}

// Reads typed fields of a JSON object and collects what is wrong.
class JsonFields {
 public:
  JsonFields(const App& app, const Request& req, const json& j) : app_(app), req_(req), j_(j) {}

  // Absent or null: nullopt. Not a string: an error for the field.
  std::optional<std::string> string(const char* name) {
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
      add(name, "request.api.must_be_string");
      return std::nullopt;
    }
    return it->get<std::string>();
  }
  std::optional<std::vector<std::string>> strings(const char* name, const char* key) {
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    if (!it->is_array()) {
      add(name, key);
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& v : *it) {
      if (!v.is_string()) {
        add(name, key);
        return std::nullopt;
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  std::optional<int> integer(const char* name) {
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || *it < 0 || *it > 1000000000) {
      add(name, "request.api.must_be_integer");
      return std::nullopt;
    }
    return it->get<int>();
  }
  void add(const std::string& name, std::string_view key) {
    if (!errors_.contains(name)) errors_[name] = text(app_, req_, key);
  }
  bool any() const { return !errors_.empty(); }
  const json& errors() const { return errors_; }

 private:
  const App& app_;
  const Request& req_;
  const json& j_;
  json errors_ = json::object();
};

// ---------------------------------------------------------------- the pages

class RequestPages {
 public:
  explicit RequestPages(App& app) : app_(app) {}

  Response list(const Request& req) const;
  Response new_form(const Request& req) const;
  Response create(const Request& req) const;
  Response show(const Request& req) const;
  Response triage(const Request& req) const;
  Response edit_form(const Request& req) const;
  Response edit(const Request& req) const;
  Response set_status(const Request& req) const;

  Response api_list(const Request& req) const;
  Response api_get(const Request& req) const;
  Response api_create(const Request& req) const;
  Response api_triage(const Request& req) const;

 private:
  // The triage page: the request, the three answers, the form. `form` holds
  // what was typed when re-rendering after an error.
  Response show_page(const Request& req, const store::ChangeRequest& r, int status,
                     const TriageForm* form, const FormErrors* errors, bool conflict) const;
  Response form_page(const Request& req, const RequestForm& f, const FormErrors& errors, int status,
                     const store::ChangeRequest* editing, bool conflict) const;
  // Creates the initiative of a 3.0 answer and links it. The initiative id.
  Result<std::string> start_initiative(const Request& req, const store::ChangeRequest& r,
                                       const std::vector<PartnerType>& partners) const;

  App& app_;
};

Response RequestPages::list(const Request& req) const {
  Data d{Data::type::object};
  d.set("can_manage", yes(can_manage(req)));
  std::optional<RequestStatus> filter;
  const std::string_view wanted = req.query_param("status");
  Data options{Data::type::list};
  bool bad_filter = false;
  if (!wanted.empty()) {
    filter = initiative::parse_request_status(wanted);
    if (!filter) bad_filter = true;
  }
  for (RequestStatus s : initiative::kRequestStatuses) {
    Data o{Data::type::object};
    o.set("value", std::string(initiative::slug(s)));
    o.set("label", text(app_, req, initiative::name_key(s)));
    o.set("selected", yes(filter && *filter == s));
    options.push_back(o);
  }
  d.set("status_options", options);
  if (bad_filter) {
    FormErrors errors;
    errors.add(app_, req, "status", "request.error.status_filter");
    errors.into(d);
    d.set("show_list", yes(false));
    Response r = app_.page(req, "request_list", "request.list.title", d);
    r.status = 400;
    return r;
  }
  d.set("show_list", yes(true));
  const auto who = actor_of(req);
  store::RequestRepository repo(app_.db(), app_.clock());
  auto rows = repo.list(who, filter);
  if (!rows) return store_error_page(app_, req, rows.error());
  Data list{Data::type::list};
  for (const auto& r : *rows)
    list.push_back(request_data(app_, req, r));
  d.set("requests", list);
  d.set("empty", yes(rows->empty()));
  d.set("filtered", yes(filter.has_value()));

  auto months = repo.triage_by_month(who);
  if (!months) return store_error_page(app_, req, months.error());
  d.set("has_months", yes(!months->empty()));
  if (!months->empty()) {
    ChartSpec share;
    share.id = "chart-request-share";
    share.label = text(app_, req, "request.share.chart_percent");
    share.type = "bar";  // reads better than a line while there are few months
    share.percent = true;
    share.y_min = 0;
    share.y_max = 100;
    ChartSeries pct{text(app_, req, "request.share.series_percent"), {}};
    ChartSpec counts;
    counts.id = "chart-request-counts";
    counts.label = text(app_, req, "request.share.chart_counts");
    counts.type = "bar";
    counts.stacked = true;
    std::array<ChartSeries, 3> by_level;
    for (std::size_t i = 0; i < by_level.size(); ++i)
      by_level[i].label = text(app_, req, initiative::name_key(initiative::kAnswerLevels[i]));
    Data table{Data::type::list};
    for (const auto& m : *months) {
      const int total = m.rule + m.course + m.workshop;
      const double percent = total ? 100.0 * m.workshop / total : 0.0;
      const std::string label = month_label(app_, req, m.month);
      share.labels.push_back(label);
      counts.labels.push_back(label);
      pct.values.push_back(total ? std::optional<double>(percent) : std::nullopt);
      by_level[0].values.push_back(m.rule);
      by_level[1].values.push_back(m.course);
      by_level[2].values.push_back(m.workshop);
      Data row{Data::type::object};
      row.set("month", label);
      row.set("rule", std::to_string(m.rule));
      row.set("course", std::to_string(m.course));
      row.set("workshop", std::to_string(m.workshop));
      row.set("total", std::to_string(total));
      row.set("share", format_decimal(std::round(percent * 10) / 10, req.lang) + " %");
      table.push_back(row);
    }
    share.series.push_back(std::move(pct));
    counts.series.assign(by_level.begin(), by_level.end());
    d.set("share_chart", chart_data(share));
    d.set("counts_chart", chart_data(counts));
    d.set("months", table);
    Data heads{Data::type::list};
    for (AnswerLevel a : initiative::kAnswerLevels) {
      Data h{Data::type::object};
      h.set("label", std::string(initiative::slug(a)));
      h.set("title", text(app_, req, initiative::name_key(a)));
      heads.push_back(h);
    }
    d.set("level_heads", heads);
  }
  return app_.page(req, "request_list", "request.list.title", d);
}

Response RequestPages::form_page(const Request& req, const RequestForm& f, const FormErrors& errors,
                                 int status, const store::ChangeRequest* editing,
                                 bool conflict) const {
  Data d = form_data(f);
  d.set("csrf", app_.auth().csrf_for(req));
  errors.into(d);
  d.set("editing", yes(editing != nullptr));
  d.set("conflict", yes(conflict));
  if (editing) {
    d.set("action", request_path(editing->id) + "/rediger");
    d.set("cancel", request_path(editing->id));
    d.set("version", std::to_string(editing->version));
    d.set("stored", request_data(app_, req, *editing));
  } else {
    d.set("action", std::string("/henvendelser/ny"));
    d.set("cancel", std::string("/henvendelser"));
  }
  Response r =
      app_.page(req, "request_form", editing ? "request.edit.title" : "request.new.title", d);
  r.status = status;
  return r;
}

Response RequestPages::new_form(const Request& req) const {
  RequestForm f;
  f.received_on = initiative::format_date(today(app_), req.lang);
  return form_page(req, f, FormErrors{}, 200, nullptr, false);
}

Response RequestPages::create(const Request& req) const {
  FormErrors errors;
  store::RequestDraft draft;
  check_form(app_, req, errors, draft);
  if (!errors.any) {
    store::RequestRepository repo(app_.db(), app_.clock());
    auto r = repo.create(actor_of(req), draft);
    if (r) {
      audit(app_, req, "request_created", "request", r->id);
      return App::redirect(request_path(r->id) + "?lagret=ny");
    }
    if (r.error().code != ErrorCode::invalid_input) return store_error_page(app_, req, r.error());
    errors.add(app_, req, field_of(r.error().message_key), r.error().message_key);
  }
  return form_page(req, form_of(req), errors, 400, nullptr, false);
}

Response RequestPages::edit_form(const Request& req) const {
  store::RequestRepository repo(app_.db(), app_.clock());
  auto r = repo.get(actor_of(req), req.route.at("id"));
  if (!r) return store_error_page(app_, req, r.error());
  return form_page(req, form_of(*r, req.lang), FormErrors{}, 200, &*r, false);
}

Response RequestPages::edit(const Request& req) const {
  store::RequestRepository repo(app_.db(), app_.clock());
  const auto who = actor_of(req);
  auto current = repo.get(who, req.route.at("id"));
  if (!current) return store_error_page(app_, req, current.error());
  auto version = parse_int(form_field(req, "version", 20));
  if (!version) return app_.message_page(req, 400, "error.400.title", "request.error.version");
  FormErrors errors;
  store::RequestDraft draft;
  check_form(app_, req, errors, draft);
  if (!errors.any) {
    auto r = repo.update(who, current->id, *version, draft);
    if (r) {
      audit(app_, req, "request_updated", "request", r->id);
      return App::redirect(request_path(r->id) + "?lagret=endret");
    }
    if (r.error().code == ErrorCode::conflict) {
      auto fresh = repo.get(who, current->id);
      if (!fresh) return store_error_page(app_, req, fresh.error());
      return form_page(req, form_of(req), errors, 409, &*fresh, true);
    }
    if (r.error().code != ErrorCode::invalid_input) return store_error_page(app_, req, r.error());
    errors.add(app_, req, field_of(r.error().message_key), r.error().message_key);
  }
  // Keep the version the form started from: saving again still detects a conflict.
  store::ChangeRequest editing = *current;
  editing.version = *version;
  return form_page(req, form_of(req), errors, 400, &editing, false);
}

Response RequestPages::show_page(const Request& req, const store::ChangeRequest& r, int status,
                                 const TriageForm* form, const FormErrors* errors,
                                 bool conflict) const {
  Data d{Data::type::object};
  d.set("request", request_data(app_, req, r));
  d.set("csrf", app_.auth().csrf_for(req));
  d.set("can_manage", yes(can_manage(req)));
  d.set("can_triage", yes(can_manage(req) && r.status != RequestStatus::closed));
  d.set("conflict", yes(conflict));
  if (!r.triaged_by.empty()) {
    auto u =
        store::AccountRepository(app_.db(), app_.clock()).user(r.organisation_id, r.triaged_by);
    if (u) d.set("triaged_by", u->display_name);
  }
  const std::string_view saved = req.query_param("lagret");
  std::string saved_key;
  if (saved == "ny") saved_key = "request.saved.created";
  if (saved == "endret") saved_key = "request.saved.edited";
  if (saved == "vurdering") saved_key = "request.saved.triaged";
  if (saved == "avsluttet") saved_key = "request.saved.closed";
  if (saved == "gjenapnet") saved_key = "request.saved.reopened";
  if (!saved_key.empty() && status == 200) d.set("saved", text(app_, req, saved_key));
  const std::optional<AnswerLevel> chosen = form ? form->level : r.answer_level;
  d.set("levels", levels_data(app_, req, r, chosen));
  d.set("reason", form ? form->reason : r.reason);
  d.set("partners", partner_options(app_, req, form ? form->partners : suggested_partners()));
  d.set("kb_example_href", knowledge_topic_url("henvendelse-als"));
  d.set("kb_kommune_href", knowledge_topic_url("kommune"));
  if (errors)
    errors->into(d);
  else
    FormErrors{}.into(d);
  Response resp =
      app_.page_titled(req, "request", first_words(r.requester_org + ": " + r.body, 70), d);
  resp.status = status;
  return resp;
}

Response RequestPages::show(const Request& req) const {
  store::RequestRepository repo(app_.db(), app_.clock());
  auto r = repo.get(actor_of(req), req.route.at("id"));
  if (!r) return store_error_page(app_, req, r.error());
  return show_page(req, *r, 200, nullptr, nullptr, false);
}

Result<std::string> RequestPages::start_initiative(const Request& req,
                                                   const store::ChangeRequest& r,
                                                   const std::vector<PartnerType>& partners) const {
  const auto who = actor_of(req);
  store::InitiativeRepository initiatives(app_.db(), app_.clock());
  store::InitiativeDraft draft;
  draft.title = initiative_title_from_request(r.requester_org, r.body);
  draft.status = initiative::Status::ide;
  draft.request_id = r.id;
  auto created = initiatives.create(who, draft);
  if (!created) return std::move(created).error();
  audit(app_, req, "initiative_created", "initiative", created->id, "request " + r.id);
  for (PartnerType p : partners) {
    store::Partner partner;
    partner.type = p;
    partner.name = text(app_, req, initiative::name_key(p));
    partner.role = text(app_, req, "request.triage.partner_role");
    auto added = initiatives.add_partner(who, created->id, partner);
    if (!added) return std::move(added).error();
  }
  store::RequestRepository repo(app_.db(), app_.clock());
  auto linked = repo.link_initiative(who, r.id, created->id);
  if (!linked) return std::move(linked).error();
  audit(app_, req, "request_initiative_linked", "request", r.id, created->id);
  return created->id;
}

Response RequestPages::triage(const Request& req) const {
  store::RequestRepository repo(app_.db(), app_.clock());
  const auto who = actor_of(req);
  auto current = repo.get(who, req.route.at("id"));
  if (!current) return store_error_page(app_, req, current.error());
  auto version = parse_int(form_field(req, "version", 20));
  if (!version) return app_.message_page(req, 400, "error.400.title", "request.error.version");
  const TriageForm form = triage_form_of(req);
  FormErrors errors;
  if (!form.level) errors.add(app_, req, "level-1-0", "request.error.level");
  if (form.reason.empty() || form.reason.size() > kMaxReason)
    errors.add(app_, req, "reason", "request.error.reason");
  if (current->status == RequestStatus::closed)
    errors.add(app_, req, "level-1-0", "request.error.closed");
  if (errors.any) {
    store::ChangeRequest shown = *current;
    shown.version = *version;
    return show_page(req, shown, current->status == RequestStatus::closed ? 409 : 400, &form,
                     &errors, false);
  }
  auto r = repo.triage(who, current->id, *version, *form.level, form.reason);
  if (!r) {
    const Error& e = r.error();
    if (e.code == ErrorCode::invalid_input) {
      errors.add(app_, req, field_of(e.message_key), e.message_key);
      return show_page(req, *current, 400, &form, &errors, false);
    }
    if (e.code == ErrorCode::conflict && e.message_key == "request.error.stale") {
      auto fresh = repo.get(who, current->id);
      if (!fresh) return store_error_page(app_, req, fresh.error());
      return show_page(req, *fresh, 409, &form, &errors, true);
    }
    return store_error_page(app_, req, e);
  }
  audit(app_, req, "request_triaged", "request", r->id, std::string(initiative::slug(*form.level)));
  if (*form.level == AnswerLevel::workshop && r->initiative_id.empty()) {
    auto id = start_initiative(req, *r, form.partners);
    if (!id) return store_error_page(app_, req, id.error());
    return App::redirect(initiative_path(*id));
  }
  return App::redirect(request_path(r->id) + "?lagret=vurdering");
}

Response RequestPages::set_status(const Request& req) const {
  store::RequestRepository repo(app_.db(), app_.clock());
  const auto who = actor_of(req);
  auto current = repo.get(who, req.route.at("id"));
  if (!current) return store_error_page(app_, req, current.error());
  auto version = parse_int(form_field(req, "version", 20));
  if (!version) return app_.message_page(req, 400, "error.400.title", "request.error.version");
  const std::string action = form_field(req, "action", 20);
  RequestStatus next;
  if (action == "close")
    next = RequestStatus::closed;
  else if (action == "reopen")
    next = current->answer_level ? RequestStatus::triaged : RequestStatus::open;
  else
    return app_.message_page(req, 400, "error.400.title", "request.error.status_action");
  auto r = repo.set_status(who, current->id, *version, next);
  if (!r) {
    if (r.error().code == ErrorCode::conflict)
      return app_.message_page(req, 409, "request.conflict_title", r.error().message_key);
    return store_error_page(app_, req, r.error());
  }
  audit(app_, req, next == RequestStatus::closed ? "request_closed" : "request_reopened", "request",
        r->id);
  return App::redirect(request_path(r->id) +
                       (next == RequestStatus::closed ? "?lagret=avsluttet" : "?lagret=gjenapnet"));
}

// ---------------------------------------------------------------- the API

Response RequestPages::api_list(const Request& req) const {
  std::optional<RequestStatus> filter;
  if (auto s = req.query_param("status"); !s.empty()) {
    filter = initiative::parse_request_status(s);
    if (!filter)
      return api_error(app_, req, 400, "request.error.status_filter",
                       json{{"status", text(app_, req, "request.error.status_filter")}});
  }
  store::RequestRepository repo(app_.db(), app_.clock());
  auto rows = repo.list(actor_of(req), filter);
  if (!rows) return api_store_error(app_, req, rows.error());
  json list = json::array();
  for (const auto& r : *rows)
    list.push_back(request_json(r));
  return json_response(
      200, {{"status", filter ? json(std::string(initiative::slug(*filter))) : json(nullptr)},
            {"requests", list}});
}

Response RequestPages::api_get(const Request& req) const {
  store::RequestRepository repo(app_.db(), app_.clock());
  auto r = repo.get(actor_of(req), req.route.at("id"));
  if (!r) return api_store_error(app_, req, r.error());
  return json_response(200, request_json(*r));
}

Response RequestPages::api_create(const Request& req) const {
  auto body = parse_json_object(req);
  if (!body) return api_error(app_, req, 400, body.error().message_key);
  JsonFields f(app_, req, *body);
  store::RequestDraft draft;
  auto requester = f.string("requester_org");
  auto contact = f.string("contact");
  auto text_body = f.string("body");
  auto received = f.string("received_on");
  auto tags = f.strings("tags", "request.api.must_be_string_list");
  if (!f.any()) {
    draft.requester_org = requester.value_or("");
    draft.contact = contact.value_or("");
    draft.body = text_body.value_or("");
    draft.tags = tags.value_or(std::vector<std::string>{});
    if (draft.requester_org.empty()) f.add("requester_org", "request.error.requester");
    if (draft.body.empty()) f.add("body", "request.error.body");
    draft.received_on = today(app_);
    if (received && !received->empty()) {
      auto d = initiative::parse_date(*received);
      if (d)
        draft.received_on = *d;
      else
        f.add("received_on", d.error().message_key);
    }
  }
  if (f.any()) return api_error(app_, req, 400, "request.api.invalid", f.errors());
  store::RequestRepository repo(app_.db(), app_.clock());
  auto r = repo.create(actor_of(req), draft);
  if (!r) return api_store_error(app_, req, r.error());
  audit(app_, req, "request_created", "request", r->id, "api");
  Response resp = json_response(201, request_json(*r));
  resp.header("Location", "/api/v1/requests/" + r->id);
  return resp;
}

Response RequestPages::api_triage(const Request& req) const {
  store::RequestRepository repo(app_.db(), app_.clock());
  const auto who = actor_of(req);
  auto current = repo.get(who, req.route.at("id"));
  if (!current) return api_store_error(app_, req, current.error());
  auto body = parse_json_object(req);
  if (!body) return api_error(app_, req, 400, body.error().message_key);
  JsonFields f(app_, req, *body);
  auto level_text = f.string("level");
  auto reason = f.string("reason");
  auto version = f.integer("version");
  auto partner_names = f.strings("partners", "request.api.partner_list");
  std::optional<AnswerLevel> level;
  std::vector<PartnerType> partners = suggested_partners();
  if (!f.any()) {
    level = initiative::parse_answer_level(level_text.value_or(""));
    if (!level) f.add("level", "request.error.level");
    if (!reason || reason->empty()) f.add("reason", "request.error.reason");
    if (!version) f.add("version", "request.api.version_required");
    if (partner_names) {
      partners.clear();
      for (const auto& n : *partner_names) {
        auto p = initiative::parse_partner_type(n);
        if (!p) {
          f.add("partners", "request.api.partner_list");
          break;
        }
        if (std::find(partners.begin(), partners.end(), *p) == partners.end())
          partners.push_back(*p);
      }
    }
  }
  if (f.any()) return api_error(app_, req, 400, "request.api.invalid", f.errors());
  auto r = repo.triage(who, current->id, *version, *level, *reason);
  if (!r) return api_store_error(app_, req, r.error());
  audit(app_, req, "request_triaged", "request", r->id, std::string(initiative::slug(*level)));
  if (*level == AnswerLevel::workshop && r->initiative_id.empty()) {
    auto id = start_initiative(req, *r, partners);
    if (!id) return api_store_error(app_, req, id.error());
    auto fresh = repo.get(who, r->id);
    if (!fresh) return api_store_error(app_, req, fresh.error());
    return json_response(200, request_json(*fresh));
  }
  return json_response(200, request_json(*r));
}

}  // namespace

std::string initiative_title_from_request(std::string_view requester, std::string_view body,
                                          std::size_t max_bytes) {
  constexpr std::string_view kEllipsis = "…";
  if (max_bytes < 8) max_bytes = 8;
  const std::string who = fold_space(requester);
  const std::string words = first_words(body, 60);
  std::string t = who.empty() ? words : words.empty() ? who : who + ": " + words;
  if (t.size() > max_bytes) {
    t = cut_utf8(std::move(t), max_bytes - kEllipsis.size());
    trim_dangling(t);
    t += kEllipsis;
  }
  return t;
}

void add_request_routes(App& app, std::vector<Route>& routes) {
  auto pages = std::make_shared<const RequestPages>(app);
  auto bind = [pages](Response (RequestPages::*fn)(const Request&) const) {
    return [pages, fn](const Request& r) { return ((*pages).*fn)(r); };
  };
  const Guard view{true, Permission::view_results, false};
  const Guard manage{true, Permission::manage_initiatives, false};
  const Guard api_view{true, Permission::view_results, true};
  const Guard api_manage{true, Permission::manage_initiatives, true};
  // "/henvendelser/ny" before "/henvendelser/:id", which would match it.
  routes.push_back({Method::get, "/henvendelser", Exec::worker, bind(&RequestPages::list), view});
  routes.push_back(
      {Method::get, "/henvendelser/ny", Exec::worker, bind(&RequestPages::new_form), manage});
  routes.push_back(
      {Method::post, "/henvendelser/ny", Exec::worker, bind(&RequestPages::create), manage});
  routes.push_back(
      {Method::get, "/henvendelser/:id", Exec::worker, bind(&RequestPages::show), view});
  routes.push_back({Method::post, "/henvendelser/:id/vurdering", Exec::worker,
                    bind(&RequestPages::triage), manage});
  routes.push_back({Method::get, "/henvendelser/:id/rediger", Exec::worker,
                    bind(&RequestPages::edit_form), manage});
  routes.push_back(
      {Method::post, "/henvendelser/:id/rediger", Exec::worker, bind(&RequestPages::edit), manage});
  routes.push_back({Method::post, "/henvendelser/:id/status", Exec::worker,
                    bind(&RequestPages::set_status), manage});
  routes.push_back(
      {Method::get, "/api/v1/requests", Exec::worker, bind(&RequestPages::api_list), api_view});
  routes.push_back(
      {Method::get, "/api/v1/requests/:id", Exec::worker, bind(&RequestPages::api_get), api_view});
  routes.push_back({Method::post, "/api/v1/requests", Exec::worker, bind(&RequestPages::api_create),
                    api_manage});
  routes.push_back({Method::post, "/api/v1/requests/:id/triage", Exec::worker,
                    bind(&RequestPages::api_triage), api_manage});
}

}  // namespace samskap::web
