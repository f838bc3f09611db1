#include "store/workshops.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "store/initiatives_internal.hpp"
#include "store/readiness.hpp"
#include "store/repository_support.hpp"
#include "store/secrets.hpp"
#include "store/sql_time.hpp"

namespace samskap::store {

namespace {

using detail::clean_text;
using detail::db_error;
using detail::new_id;
using detail::parse_time;
using detail::Reach;
using json = nlohmann::json;

constexpr std::size_t kDeviceTokenMinBytes = 16;
constexpr std::size_t kEventLimitMax = 10000;

Error missing() {
  return Error::not_found("workshop.error.not_found");
}
Error unknown_code() {
  return Error::not_found("workshop.error.code_unknown", "no live workshop with this join code");
}
Error no_activity() {
  return Error::not_found("workshop.error.activity", "no such activity in this workshop");
}
Error stale_version() {
  return Error{ErrorCode::conflict, "workshop.error.stale",
               "the workshop was changed by someone else"};
}
Error has_answers() {
  return Error{ErrorCode::conflict, "workshop.error.has_answers",
               "the activity has answers and can no longer be changed or removed"};
}

// Thrown inside a transaction to roll it back and answer with `error`.
// Not a std::exception, so it passes the error mapping untouched.
struct Refusal {
  Error error;
};

// Ids are new_id(): lower-case hex. Anything else names no row and must not
// reach the database (invalid UTF-8 is an error on PostgreSQL, not "no row").
bool hex_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Runs `body(session)` in a transaction and returns what it returns. A
// Refusal rolls back and becomes the error; a UNIQUE violation (two
// workshops drawing the same free code) is retried twice; any other
// database failure is "unavailable".
template <typename T, typename F>
Result<T> in_transaction(Database& db, F&& body) {
  try {
    for (int attempt = 0;; ++attempt) {
      try {
        std::optional<T> out;
        db.with_transaction([&](soci::session& s) { out.emplace(body(s)); });
        return std::move(*out);
      } catch (const std::exception& e) {
        if (attempt >= 2 || !detail::is_unique_violation(e)) throw;
      }
    }
  } catch (const Refusal& r) {
    return r.error;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

// The same for reads.
template <typename T, typename F>
Result<T> in_session(Database& db, F&& body) {
  try {
    std::optional<T> out;
    db.with_session([&](soci::session& s) { out.emplace(body(s)); });
    return std::move(*out);
  } catch (const Refusal& r) {
    return r.error;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

std::string today(const Clock& clock) {
  return iso_utc(clock.now()).substr(0, 10);
}

// ---------------------------------------------------------------- JSON

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string options_json(const std::vector<std::string>& options) {
  return dump(json(options));
}

std::vector<std::string> options_from(const std::string& text) {
  std::vector<std::string> out;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string answer_json(const workshop::AnswerInput& a) {
  json j = json::object();
  if (!a.text.empty()) j["text"] = a.text;
  if (!a.words.empty()) j["words"] = a.words;
  if (a.value) j["value"] = *a.value;
  if (!a.choices.empty()) j["choices"] = a.choices;
  if (!a.order.empty()) j["order"] = a.order;
  if (!a.levels.empty()) j["levels"] = a.levels;
  if (a.staging) j["staging"] = std::string(readiness::slug(*a.staging));
  if (a.importance) j["importance"] = *a.importance;
  if (a.confidence) j["confidence"] = *a.confidence;
  return dump(j);
}

// The stored answer back; what cannot be read is left empty (the rows are
// written by answer_json only, so that means a damaged row, not input).
workshop::AnswerInput answer_from(const std::string& text) {
  workshop::AnswerInput a;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return a;
  auto int_of = [&](const char* key) -> std::optional<int> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int>();
  };
  auto ints_of = [&](const char* key) {
    std::vector<int> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& v : *it)
      if (v.is_number_integer()) out.push_back(v.get<int>());
    return out;
  };
  if (auto it = j.find("text"); it != j.end() && it->is_string()) a.text = it->get<std::string>();
  if (auto it = j.find("words"); it != j.end() && it->is_array())
    for (const auto& w : *it)
      if (w.is_string()) a.words.push_back(w.get<std::string>());
  a.value = int_of("value");
  a.choices = ints_of("choices");
  a.order = ints_of("order");
  a.levels = ints_of("levels");
  if (auto it = j.find("staging"); it != j.end() && it->is_string())
    if (auto st = readiness::parse_staging_answer(it->get<std::string>())) a.staging = *st;
  a.importance = int_of("importance");
  a.confidence = int_of("confidence");
  return a;
}

// ---------------------------------------------------------------- rows

struct WorkshopRow {
  std::string id, initiative, org, title, code, created_by, created_at;
  int current = -1, open = 0, revealed = 0, ended = 0, version = 1;
  long long seq = 0;

  static constexpr const char* kSelect =
      "SELECT w.id, w.initiative_id, i.organisation_id, w.title, w.join_code, w.current_index, "
      "w.is_open, w.revealed, w.ended, w.event_seq, w.created_by, w.created_at, w.version "
      "FROM workshops w JOIN initiatives i ON i.id = w.initiative_id ";

  void bind(soci::statement& st) {
    for (std::string* f : {&id, &initiative, &org, &title, &code})
      st.exchange(soci::into(*f));
    st.exchange(soci::into(current));
    st.exchange(soci::into(open));
    st.exchange(soci::into(revealed));
    st.exchange(soci::into(ended));
    st.exchange(soci::into(seq));
    st.exchange(soci::into(created_by));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(version));
  }

  WorkshopState state() const { return {current, open != 0, revealed != 0, ended != 0, seq}; }

  Workshop value() const {
    Workshop w;
    w.id = id;
    w.initiative_id = initiative;
    w.organisation_id = org;
    w.title = title;
    w.join_code = code;
    w.state = state();
    w.created_by = created_by;
    w.created_at = parse_time(created_at);
    w.version = version;
    return w;
  }
};

// The first row of `where` (with its parameters already in `uses`).
template <typename... Uses>
std::optional<WorkshopRow> select_workshop(soci::session& s, const std::string& where,
                                           Uses&... uses) {
  WorkshopRow row;
  soci::statement st(s);
  (st.exchange(soci::use(uses)), ...);
  row.bind(st);
  st.alloc();
  st.prepare(std::string(WorkshopRow::kSelect) + where);
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) return std::nullopt;
  return row;
}

struct ActivityRow {
  std::string id, type, prompt, options, min_label, max_label, source;
  int position = 0, multiple = 0;

  static constexpr const char* kSelect =
      "SELECT id, position, type, prompt, options, multiple, scale_min_label, scale_max_label, "
      "source_id FROM workshop_activities ";

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(position));
    for (std::string* f : {&type, &prompt, &options})
      st.exchange(soci::into(*f));
    st.exchange(soci::into(multiple));
    for (std::string* f : {&min_label, &max_label, &source})
      st.exchange(soci::into(*f));
  }

  WorkshopActivity value() const {
    WorkshopActivity a;
    a.id = id;
    a.position = position;
    a.def.type = workshop::parse_activity_type(type).value_or(workshop::ActivityType::reflection);
    a.def.prompt = prompt;
    a.def.options = options_from(options);
    a.def.multiple = multiple != 0;
    a.def.scale_min_label = min_label;
    a.def.scale_max_label = max_label;
    a.def.source_id = source;
    return a;
  }
};

std::vector<WorkshopActivity> load_activities(soci::session& s, const std::string& workshop_id) {
  std::vector<WorkshopActivity> out;
  ActivityRow row;
  std::string w = workshop_id;
  soci::statement st(s);
  st.exchange(soci::use(w));
  row.bind(st);
  st.alloc();
  st.prepare(std::string(ActivityRow::kSelect) + "WHERE workshop_id = :w ORDER BY position, id");
  st.define_and_bind();
  st.execute();
  while (st.fetch())
    out.push_back(row.value());
  return out;
}

// The activity at `position`, if any.
std::optional<WorkshopActivity> activity_at(soci::session& s, const std::string& workshop_id,
                                            int position) {
  ActivityRow row;
  std::string w = workshop_id;
  int p = position;
  soci::statement st(s);
  st.exchange(soci::use(w));
  st.exchange(soci::use(p));
  row.bind(st);
  st.alloc();
  st.prepare(std::string(ActivityRow::kSelect) + "WHERE workshop_id = :w AND position = :p");
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) return std::nullopt;
  return row.value();
}

long long count_of(soci::session& s, const std::string& sql, const std::string& id) {
  long long n = 0;
  std::string i = id;
  s << sql, soci::use(i), soci::into(n);
  return n;
}

int count_answers(soci::session& s, const std::string& workshop_id) {
  return static_cast<int>(
      count_of(s, "SELECT COUNT(*) FROM workshop_answers WHERE workshop_id = :w", workshop_id));
}

// Workshop `workshop_id` of initiative `initiative_id`, with its activities
// and answer count, when the caller reaches the initiative.
std::optional<Workshop> load_workshop(soci::session& s, const Actor& who,
                                      const std::string& initiative_id,
                                      const std::string& workshop_id) {
  if (detail::reach(s, who, initiative_id) == Reach::none) return std::nullopt;
  std::string w = workshop_id, i = initiative_id;
  auto row = select_workshop(s, "WHERE w.id = :w AND w.initiative_id = :i", w, i);
  if (!row) return std::nullopt;
  Workshop out = row->value();
  out.activities = load_activities(s, out.id);
  out.answer_count = count_answers(s, out.id);
  return out;
}

// As load_workshop, but a Refusal (not_found) when out of reach.
Workshop need_workshop(soci::session& s, const Actor& who, const std::string& initiative_id,
                       const std::string& workshop_id) {
  auto w = load_workshop(s, who, initiative_id, workshop_id);
  if (!w) throw Refusal{missing()};
  return std::move(*w);
}

// The first statements of every facilitator write: the initiative's lock
// (detail::lock_initiative), then the workshop row's. Submissions take the
// workshop row's lock only, so the order never crosses.
void lock_workshop(soci::session& s, const std::string& initiative_id,
                   const std::string& workshop_id) {
  detail::lock_initiative(s, initiative_id);
  std::string w = workshop_id;
  s << "UPDATE workshops SET event_seq = event_seq WHERE id = :w", soci::use(w);
}

std::size_t activity_index(const Workshop& w, const std::string& activity_id) {
  for (std::size_t i = 0; i < w.activities.size(); ++i)
    if (w.activities[i].id == activity_id) return i;
  throw Refusal{no_activity()};
}

void bump_version(soci::session& s, const std::string& workshop_id) {
  std::string w = workshop_id;
  s << "UPDATE workshops SET version = version + 1 WHERE id = :w", soci::use(w);
}

void save_state(soci::session& s, const std::string& workshop_id, const WorkshopState& st) {
  std::string w = workshop_id;
  int current = st.current, open = st.open ? 1 : 0, revealed = st.revealed ? 1 : 0,
      ended = st.ended ? 1 : 0;
  s << "UPDATE workshops SET current_index = :c, is_open = :o, revealed = :r, ended = :e "
       "WHERE id = :w",
      soci::use(current), soci::use(open), soci::use(revealed), soci::use(ended), soci::use(w);
}

// Tells every node on PostgreSQL that workshop `workshop_id` has news
// (delivered when the transaction commits, in commit order).
void notify(soci::session& s, Engine engine, const std::string& workshop_id) {
  if (engine != Engine::postgresql) return;
  std::string channel(kNotifyChannel), w = workshop_id;
  s << "SELECT pg_notify(:c, :w)", soci::use(channel), soci::use(w);
}

// Appends an event and returns its sequence number. Must run in the
// transaction that made the change: the increment holds the workshop row's
// lock until commit, so events commit in sequence order without gaps.
std::int64_t append_event(soci::session& s, Engine engine, const std::string& workshop_id,
                          EventKind kind, const std::string& activity_id) {
  std::string w = workshop_id, k(slug(kind)), a = activity_id;
  s << "UPDATE workshops SET event_seq = event_seq + 1 WHERE id = :w", soci::use(w);
  long long seq = 0;
  s << "SELECT event_seq FROM workshops WHERE id = :w", soci::use(w), soci::into(seq);
  s << "INSERT INTO workshop_events (workshop_id, seq, kind, activity_id) VALUES (:w, :s, :k, :a)",
      soci::use(w), soci::use(seq), soci::use(k), soci::use(a);
  notify(s, engine, workshop_id);
  return seq;
}

// The id of the current activity, or empty.
std::string current_id(const Workshop& w) {
  const int c = w.state.current;
  if (c < 0 || c >= static_cast<int>(w.activities.size())) return {};
  return w.activities[static_cast<std::size_t>(c)].id;
}

bool code_taken(soci::session& s, const std::string& code, const std::string& except) {
  long long n = 0;
  std::string c = code, e = except;
  s << "SELECT COUNT(*) FROM workshops WHERE join_code = :c AND ended = 0 AND id <> :e",
      soci::use(c), soci::use(e), soci::into(n);
  return n > 0;
}

std::string free_code(soci::session& s, const std::string& except) {
  for (;;) {
    std::string c = new_join_code();
    if (!code_taken(s, c, except)) return c;
  }
}

bool activity_has_answers(soci::session& s, const std::string& activity_id) {
  return count_of(s, "SELECT COUNT(*) FROM workshop_answers WHERE activity_id = :a", activity_id) >
         0;
}

PublicWorkshop public_of(soci::session& s, const WorkshopRow& row) {
  PublicWorkshop p;
  p.id = row.id;
  p.join_code = row.code;
  p.title = row.title;
  std::string i = row.initiative;
  s << "SELECT title FROM initiatives WHERE id = :i", soci::use(i), soci::into(p.initiative_title);
  p.state = row.state();
  p.activity_count = static_cast<int>(
      count_of(s, "SELECT COUNT(*) FROM workshop_activities WHERE workshop_id = :w", row.id));
  if (p.state.current >= 0) p.current = activity_at(s, row.id, p.state.current);
  return p;
}

std::vector<workshop::StoredAnswer> select_answers(soci::session& s, std::string where,
                                                   std::vector<std::string> params,
                                                   std::vector<std::string>* activity_ids,
                                                   long long changed_after = 0) {
  std::vector<workshop::StoredAnswer> out;
  std::string id, activity, answer;
  int hidden = 0, pinned = 0;
  soci::statement st(s);
  for (auto& p : params)
    st.exchange(soci::use(p));
  if (changed_after > 0) {
    where += " AND changed_seq > :after";
    st.exchange(soci::use(changed_after));
  }
  st.exchange(soci::into(id));
  st.exchange(soci::into(activity));
  st.exchange(soci::into(answer));
  st.exchange(soci::into(hidden));
  st.exchange(soci::into(pinned));
  st.alloc();
  st.prepare("SELECT id, activity_id, answer, hidden, pinned FROM workshop_answers " + where +
             " ORDER BY created_seq, id");
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    workshop::StoredAnswer a;
    a.id = id;
    a.answer = answer_from(answer);
    a.hidden = hidden != 0;
    a.pinned = pinned != 0;
    out.push_back(std::move(a));
    if (activity_ids) activity_ids->push_back(activity);
  }
  return out;
}

void insert_activity(soci::session& s, const std::string& id, const std::string& workshop_id,
                     int position, const workshop::ActivityDef& def) {
  std::string i = id, w = workshop_id, type(workshop::slug(def.type)), prompt = def.prompt,
              options = options_json(def.options), min = def.scale_min_label,
              max = def.scale_max_label, source = def.source_id;
  int pos = position, multiple = def.multiple ? 1 : 0;
  s << "INSERT INTO workshop_activities (id, workshop_id, position, type, prompt, options, "
       "multiple, scale_min_label, scale_max_label, source_id) VALUES (:id, :w, :p, :t, :pr, "
       ":o, :m, :mn, :mx, :src)",
      soci::use(i), soci::use(w), soci::use(pos), soci::use(type), soci::use(prompt),
      soci::use(options), soci::use(multiple), soci::use(min), soci::use(max), soci::use(source);
}

}  // namespace

std::string_view slug(EventKind k) noexcept {
  switch (k) {
    case EventKind::state:
      return "state";
    case EventKind::answer:
      return "answer";
    case EventKind::moderation:
      return "moderation";
  }
  return "state";
}

// ---------------------------------------------------------------- workshops

Result<Workshop> WorkshopRepository::create(const Actor& who, const std::string& initiative_id,
                                            std::string title) {
  auto t = clean_text(title, "title", "workshop.error.title", kWorkshopTitleMaxBytes, true, false);
  if (!t) return std::move(t).error();
  if (!hex_id(initiative_id)) return missing();
  return in_transaction<Workshop>(db_, [&](soci::session& s) {
    detail::lock_initiative(s, initiative_id);
    if (detail::reach(s, who, initiative_id) == Reach::none) throw Refusal{missing()};
    const std::string id = new_id();
    std::string w = id, i = initiative_id, tt = *t, code = free_code(s, ""), by = who.user_id,
                when = iso_utc(clock_.now());
    s << "INSERT INTO workshops (id, initiative_id, title, join_code, current_index, is_open, "
         "revealed, ended, event_seq, created_by, created_at, version) VALUES (:id, :i, :t, :c, "
         "-1, 0, 0, 0, 0, :by, :at, 1)",
        soci::use(w), soci::use(i), soci::use(tt), soci::use(code), soci::use(by), soci::use(when);
    return need_workshop(s, who, initiative_id, id);
  });
}

Result<std::vector<Workshop>> WorkshopRepository::list(const Actor& who,
                                                       const std::string& initiative_id) {
  if (!hex_id(initiative_id)) return missing();
  return in_session<std::vector<Workshop>>(db_, [&](soci::session& s) {
    if (detail::reach(s, who, initiative_id) == Reach::none) throw Refusal{missing()};
    std::vector<Workshop> out;
    WorkshopRow row;
    std::string i = initiative_id;
    soci::statement st(s);
    st.exchange(soci::use(i));
    row.bind(st);
    st.alloc();
    st.prepare(std::string(WorkshopRow::kSelect) +
               "WHERE w.initiative_id = :i ORDER BY w.created_at DESC, w.id");
    st.define_and_bind();
    st.execute();
    while (st.fetch())
      out.push_back(row.value());
    std::map<std::string, int> counts;
    std::string wid;
    long long n = 0;
    soci::statement cs =
        (s.prepare << "SELECT a.workshop_id, COUNT(*) FROM workshop_answers a JOIN workshops w "
                      "ON w.id = a.workshop_id WHERE w.initiative_id = :i GROUP BY a.workshop_id",
         soci::use(i), soci::into(wid), soci::into(n));
    cs.execute();
    while (cs.fetch())
      counts[wid] = static_cast<int>(n);
    for (auto& w : out)
      if (auto it = counts.find(w.id); it != counts.end()) w.answer_count = it->second;
    return out;
  });
}

Result<Workshop> WorkshopRepository::get(const Actor& who, const std::string& initiative_id,
                                         const std::string& workshop_id) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  return in_session<Workshop>(
      db_, [&](soci::session& s) { return need_workshop(s, who, initiative_id, workshop_id); });
}

Result<Workshop> WorkshopRepository::rename(const Actor& who, const std::string& initiative_id,
                                            const std::string& workshop_id, int version,
                                            std::string title) {
  auto t = clean_text(title, "title", "workshop.error.title", kWorkshopTitleMaxBytes, true, false);
  if (!t) return std::move(t).error();
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  return in_transaction<Workshop>(db_, [&](soci::session& s) {
    lock_workshop(s, initiative_id, workshop_id);
    auto w = need_workshop(s, who, initiative_id, workshop_id);
    if (w.version != version) throw Refusal{stale_version()};
    std::string id = workshop_id, tt = *t;
    s << "UPDATE workshops SET title = :t, version = version + 1 WHERE id = :w", soci::use(tt),
        soci::use(id);
    return need_workshop(s, who, initiative_id, workshop_id);
  });
}

Status WorkshopRepository::remove(const Actor& who, const std::string& initiative_id,
                                  const std::string& workshop_id) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  return in_transaction<Ok>(db_, [&](soci::session& s) {
    lock_workshop(s, initiative_id, workshop_id);
    need_workshop(s, who, initiative_id, workshop_id);
    std::string w = workshop_id;
    s << "DELETE FROM workshops WHERE id = :w", soci::use(w);
    // Streams of this workshop on other nodes look it up and find it gone.
    notify(s, db_.engine(), workshop_id);
    return Ok{};
  });
}

// ---------------------------------------------------------------- activities

Result<Workshop> WorkshopRepository::add_activity(const Actor& who,
                                                  const std::string& initiative_id,
                                                  const std::string& workshop_id, int version,
                                                  workshop::ActivityDef def) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  auto checked = workshop::validate(std::move(def));
  if (!checked) return std::move(checked).error();
  return in_transaction<Workshop>(db_, [&](soci::session& s) {
    lock_workshop(s, initiative_id, workshop_id);
    auto w = need_workshop(s, who, initiative_id, workshop_id);
    if (w.version != version) throw Refusal{stale_version()};
    if (w.activities.size() >= workshop::kMaxActivities)
      throw Refusal{Error::invalid("workshop.error.too_many", "at most 50 activities")};
    insert_activity(s, new_id(), workshop_id, static_cast<int>(w.activities.size()), *checked);
    bump_version(s, workshop_id);
    // A running session's phones and screens show how many activities there are.
    if (w.state.current >= 0)
      append_event(s, db_.engine(), workshop_id, EventKind::state, current_id(w));
    return need_workshop(s, who, initiative_id, workshop_id);
  });
}

Result<Workshop> WorkshopRepository::update_activity(const Actor& who,
                                                     const std::string& initiative_id,
                                                     const std::string& workshop_id, int version,
                                                     const std::string& activity_id,
                                                     workshop::ActivityDef def) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  if (!hex_id(activity_id)) return no_activity();
  auto checked = workshop::validate(std::move(def));
  if (!checked) return std::move(checked).error();
  return in_transaction<Workshop>(db_, [&](soci::session& s) {
    lock_workshop(s, initiative_id, workshop_id);
    auto w = need_workshop(s, who, initiative_id, workshop_id);
    if (w.version != version) throw Refusal{stale_version()};
    activity_index(w, activity_id);
    if (activity_has_answers(s, activity_id)) throw Refusal{has_answers()};
    std::string a = activity_id, type(workshop::slug(checked->type)), prompt = checked->prompt,
                options = options_json(checked->options), min = checked->scale_min_label,
                max = checked->scale_max_label, source = checked->source_id;
    int multiple = checked->multiple ? 1 : 0;
    s << "UPDATE workshop_activities SET type = :t, prompt = :p, options = :o, multiple = :m, "
         "scale_min_label = :mn, scale_max_label = :mx, source_id = :src WHERE id = :a",
        soci::use(type), soci::use(prompt), soci::use(options), soci::use(multiple), soci::use(min),
        soci::use(max), soci::use(source), soci::use(a);
    bump_version(s, workshop_id);
    // The phones show the current activity's form: it changed under them.
    if (current_id(w) == activity_id)
      append_event(s, db_.engine(), workshop_id, EventKind::state, activity_id);
    return need_workshop(s, who, initiative_id, workshop_id);
  });
}

Result<Workshop> WorkshopRepository::remove_activity(const Actor& who,
                                                     const std::string& initiative_id,
                                                     const std::string& workshop_id, int version,
                                                     const std::string& activity_id) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  if (!hex_id(activity_id)) return no_activity();
  return in_transaction<Workshop>(db_, [&](soci::session& s) {
    lock_workshop(s, initiative_id, workshop_id);
    auto w = need_workshop(s, who, initiative_id, workshop_id);
    if (w.version != version) throw Refusal{stale_version()};
    const int p = static_cast<int>(activity_index(w, activity_id));
    if (activity_has_answers(s, activity_id)) throw Refusal{has_answers()};
    std::string a = activity_id, wid = workshop_id;
    int pos = p;
    s << "DELETE FROM workshop_activities WHERE id = :a", soci::use(a);
    s << "UPDATE workshop_activities SET position = position - 1 WHERE workshop_id = :w AND "
         "position > :p",
        soci::use(wid), soci::use(pos);
    bump_version(s, workshop_id);
    // The current activity stays current when another one goes; when the
    // current one goes, the session is back before the first (nothing shown).
    WorkshopState st = w.state;
    if (st.current == p) {
      st.current = -1;
      st.open = false;
      st.revealed = false;
    } else if (st.current > p) {
      --st.current;
    }
    save_state(s, workshop_id, st);
    if (w.state.current >= 0) {
      const std::string now = st.current >= 0 ? current_id(w) : std::string();
      append_event(s, db_.engine(), workshop_id, EventKind::state, now);
    }
    return need_workshop(s, who, initiative_id, workshop_id);
  });
}

Result<Workshop> WorkshopRepository::move_activity(const Actor& who,
                                                   const std::string& initiative_id,
                                                   const std::string& workshop_id, int version,
                                                   const std::string& activity_id, int delta) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  if (!hex_id(activity_id)) return no_activity();
  return in_transaction<Workshop>(db_, [&](soci::session& s) {
    lock_workshop(s, initiative_id, workshop_id);
    auto w = need_workshop(s, who, initiative_id, workshop_id);
    if (w.version != version) throw Refusal{stale_version()};
    const int p = static_cast<int>(activity_index(w, activity_id));
    const int q = p + (delta < 0 ? -1 : delta > 0 ? 1 : 0);
    if (q == p || q < 0 || q >= static_cast<int>(w.activities.size())) return w;
    std::string a = activity_id, b = w.activities[static_cast<std::size_t>(q)].id;
    int pa = q, pb = p;
    s << "UPDATE workshop_activities SET position = :p WHERE id = :a", soci::use(pa), soci::use(a);
    s << "UPDATE workshop_activities SET position = :p WHERE id = :a", soci::use(pb), soci::use(b);
    bump_version(s, workshop_id);
    // The current activity stays current, wherever it moves.
    WorkshopState st = w.state;
    if (st.current == p)
      st.current = q;
    else if (st.current == q)
      st.current = p;
    if (st.current != w.state.current) {
      save_state(s, workshop_id, st);
      append_event(s, db_.engine(), workshop_id, EventKind::state, current_id(w));
    }
    return need_workshop(s, who, initiative_id, workshop_id);
  });
}

// ---------------------------------------------------------------- run control

namespace {

// Applies `change` to the state of a reachable workshop, saves it and
// appends a state event; returns the new state with its sequence number.
template <typename F>
Result<WorkshopState> change_state(Database& db, const Actor& who, const std::string& initiative_id,
                                   const std::string& workshop_id, F&& change) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  return in_transaction<WorkshopState>(db, [&](soci::session& s) {
    lock_workshop(s, initiative_id, workshop_id);
    auto w = need_workshop(s, who, initiative_id, workshop_id);
    WorkshopState st = w.state;
    change(s, w, st);
    // Answering needs a current activity and a live session.
    if (st.current < 0 || st.ended) st.open = false;
    save_state(s, workshop_id, st);
    w.state = st;
    st.seq = append_event(s, db.engine(), workshop_id, EventKind::state, current_id(w));
    return st;
  });
}

}  // namespace

Result<WorkshopState> WorkshopRepository::go_to(const Actor& who, const std::string& initiative_id,
                                                const std::string& workshop_id, int index) {
  return change_state(
      db_, who, initiative_id, workshop_id,
      [&](soci::session&, const Workshop& w, WorkshopState& st) {
        if (index < -1 || index >= static_cast<int>(w.activities.size()))
          throw Refusal{Error::invalid("workshop.error.activity", "no activity with this index")};
        st.current = index;
        st.open = index >= 0;
        st.revealed = false;
      });
}

Result<WorkshopState> WorkshopRepository::set_open(const Actor& who,
                                                   const std::string& initiative_id,
                                                   const std::string& workshop_id, bool open) {
  return change_state(db_, who, initiative_id, workshop_id,
                      [&](soci::session&, const Workshop&, WorkshopState& st) { st.open = open; });
}

Result<WorkshopState> WorkshopRepository::set_revealed(const Actor& who,
                                                       const std::string& initiative_id,
                                                       const std::string& workshop_id,
                                                       bool revealed) {
  return change_state(
      db_, who, initiative_id, workshop_id,
      [&](soci::session&, const Workshop&, WorkshopState& st) { st.revealed = revealed; });
}

Result<WorkshopState> WorkshopRepository::set_ended(const Actor& who,
                                                    const std::string& initiative_id,
                                                    const std::string& workshop_id, bool ended) {
  return change_state(db_, who, initiative_id, workshop_id,
                      [&](soci::session& s, const Workshop& w, WorkshopState& st) {
                        if (!ended && st.ended && code_taken(s, w.join_code, w.id)) {
                          // Restarted after its code went to another live workshop.
                          std::string code = free_code(s, w.id), id = w.id;
                          s << "UPDATE workshops SET join_code = :c WHERE id = :w", soci::use(code),
                              soci::use(id);
                        }
                        st.ended = ended;
                      });
}

Status WorkshopRepository::moderate(const Actor& who, const std::string& initiative_id,
                                    const std::string& workshop_id, const std::string& answer_id,
                                    std::optional<bool> hidden, std::optional<bool> pinned) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  if (!hex_id(answer_id)) return Error::not_found("workshop.error.answer");
  return in_transaction<Ok>(db_, [&](soci::session& s) {
    lock_workshop(s, initiative_id, workshop_id);
    need_workshop(s, who, initiative_id, workshop_id);
    std::string a = answer_id, w = workshop_id, activity;
    s << "SELECT activity_id FROM workshop_answers WHERE id = :a AND workshop_id = :w",
        soci::use(a), soci::use(w), soci::into(activity);
    if (!s.got_data()) throw Refusal{Error::not_found("workshop.error.answer")};
    if (!hidden && !pinned) return Ok{};
    long long seq = append_event(s, db_.engine(), workshop_id, EventKind::moderation, activity);
    if (hidden) {
      int h = *hidden ? 1 : 0;
      s << "UPDATE workshop_answers SET hidden = :h, changed_seq = :s WHERE id = :a", soci::use(h),
          soci::use(seq), soci::use(a);
    }
    if (pinned) {
      int p = *pinned ? 1 : 0;
      s << "UPDATE workshop_answers SET pinned = :p, changed_seq = :s WHERE id = :a", soci::use(p),
          soci::use(seq), soci::use(a);
    }
    return Ok{};
  });
}

Result<std::vector<WorkshopAnswerRow>> WorkshopRepository::answers(const Actor& who,
                                                                   const std::string& initiative_id,
                                                                   const std::string& workshop_id,
                                                                   const std::string& activity_id) {
  if (!hex_id(initiative_id) || !hex_id(workshop_id)) return missing();
  if (!activity_id.empty() && !hex_id(activity_id)) return no_activity();
  return in_session<std::vector<WorkshopAnswerRow>>(db_, [&](soci::session& s) {
    auto w = need_workshop(s, who, initiative_id, workshop_id);
    if (!activity_id.empty()) activity_index(w, activity_id);
    std::vector<std::string> activities;
    auto rows = activity_id.empty()
                    ? select_answers(s, "WHERE workshop_id = :w", {workshop_id}, &activities)
                    : select_answers(s, "WHERE workshop_id = :w AND activity_id = :a",
                                     {workshop_id, activity_id}, &activities);
    std::vector<WorkshopAnswerRow> out;
    out.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      out.push_back({activities[i], std::move(rows[i])});
    return out;
  });
}

// ---------------------------------------------------------------- live streams

Result<PublicWorkshop> WorkshopRepository::public_by_id(const std::string& workshop_id) {
  if (!hex_id(workshop_id)) return missing();
  return in_session<PublicWorkshop>(db_, [&](soci::session& s) {
    std::string w = workshop_id;
    auto row = select_workshop(s, "WHERE w.id = :w", w);
    if (!row) throw Refusal{missing()};
    return public_of(s, *row);
  });
}

Result<std::vector<WorkshopEvent>> WorkshopRepository::events_after(const std::string& workshop_id,
                                                                    std::int64_t after_seq,
                                                                    std::size_t limit) {
  if (!hex_id(workshop_id)) return missing();
  return in_session<std::vector<WorkshopEvent>>(db_, [&](soci::session& s) {
    if (count_of(s, "SELECT COUNT(*) FROM workshops WHERE id = :w", workshop_id) == 0)
      throw Refusal{missing()};
    std::vector<WorkshopEvent> out;
    std::string w = workshop_id, kind, activity;
    long long after = std::max<std::int64_t>(after_seq, 0), seq = 0,
              n = static_cast<long long>(std::clamp<std::size_t>(limit, 1, kEventLimitMax));
    soci::statement st =
        (s.prepare << "SELECT seq, kind, activity_id FROM workshop_events WHERE workshop_id = :w "
                      "AND seq > :a ORDER BY seq LIMIT :n",
         soci::use(w), soci::use(after), soci::use(n), soci::into(seq), soci::into(kind),
         soci::into(activity));
    st.execute();
    while (st.fetch()) {
      WorkshopEvent e;
      e.seq = seq;
      e.kind = kind == "answer"       ? EventKind::answer
               : kind == "moderation" ? EventKind::moderation
                                      : EventKind::state;
      e.activity_id = activity;
      out.push_back(std::move(e));
    }
    return out;
  });
}

Result<std::vector<workshop::StoredAnswer>> WorkshopRepository::activity_answers(
    const std::string& workshop_id, const std::string& activity_id, std::int64_t changed_after) {
  if (!hex_id(workshop_id)) return missing();
  if (!hex_id(activity_id)) return no_activity();
  return in_session<std::vector<workshop::StoredAnswer>>(db_, [&](soci::session& s) {
    long long n = 0;
    std::string w = workshop_id, a = activity_id;
    s << "SELECT COUNT(*) FROM workshop_activities WHERE id = :a AND workshop_id = :w",
        soci::use(a), soci::use(w), soci::into(n);
    if (n == 0) throw Refusal{no_activity()};
    return select_answers(s, "WHERE workshop_id = :w AND activity_id = :a", {w, a}, nullptr,
                          static_cast<long long>(changed_after));
  });
}

// ---------------------------------------------------------------- participants

Result<PublicWorkshop> WorkshopRepository::public_workshop(std::string_view join_code) {
  const std::string code = normalise_join_code(join_code);
  if (code.empty()) return unknown_code();
  return in_session<PublicWorkshop>(db_, [&](soci::session& s) {
    std::string c = code;
    auto row = select_workshop(s, "WHERE w.join_code = :c AND w.ended = 0", c);
    if (!row) throw Refusal{unknown_code()};
    return public_of(s, *row);
  });
}

Result<std::string> WorkshopRepository::submit(std::string_view join_code,
                                               const std::string& activity_id,
                                               const std::string& device_token,
                                               const workshop::AnswerInput& answer) {
  const std::string code = normalise_join_code(join_code);
  if (code.empty()) return unknown_code();
  if (device_token.size() < kDeviceTokenMinBytes || device_token.size() > kDeviceTokenMaxBytes)
    return Error::invalid("workshop.error.device", "device token missing or of a wrong size");
  return in_transaction<std::string>(db_, [&](soci::session& s) {
    // The workshop row's lock first: submissions and the facilitator's
    // changes of one workshop take their turn, so the current activity
    // cannot change between the check and the insert.
    std::string c = code;
    s << "UPDATE workshops SET event_seq = event_seq WHERE join_code = :c AND ended = 0",
        soci::use(c);
    auto row = select_workshop(s, "WHERE w.join_code = :c AND w.ended = 0", c);
    if (!row) throw Refusal{unknown_code()};
    const auto moved_on = [] {
      return Refusal{Error{ErrorCode::conflict, "workshop.error.moved_on",
                           "the activity answered is no longer the current one"}};
    };
    if (row->current < 0) throw moved_on();
    auto current = activity_at(s, row->id, row->current);
    if (!current || current->id != activity_id) throw moved_on();
    if (row->open == 0)
      throw Refusal{Error{ErrorCode::conflict, "workshop.error.closed", "answering is closed"}};
    auto checked = workshop::validate(current->def, answer);
    if (!checked) throw Refusal{std::move(checked).error()};

    std::string wid = row->id, aid = current->id, key = token_hash(row->id + ":" + device_token),
                body = answer_json(*checked), day = today(clock_);
    std::vector<std::string> earlier;
    {
      std::string id;
      soci::statement st = (s.prepare << "SELECT id FROM workshop_answers WHERE activity_id = :a "
                                         "AND device_key = :k ORDER BY created_seq, id",
                            soci::use(aid), soci::use(key), soci::into(id));
      st.execute();
      while (st.fetch())
        earlier.push_back(id);
    }
    const bool several = current->def.type == workshop::ActivityType::reflection;
    if (several && earlier.size() >= workshop::kMaxTextsPerParticipant)
      throw Refusal{Error{ErrorCode::rate_limited, "workshop.error.too_many_texts",
                          "at most 5 answers per phone to a reflection"}};
    long long seq = append_event(s, db_.engine(), wid, EventKind::answer, aid);
    if (!several && !earlier.empty()) {
      // A changed answer replaces the earlier one and keeps its place and flags.
      std::string id = earlier.front();
      s << "UPDATE workshop_answers SET answer = :b, answered_on = :d, changed_seq = :s "
           "WHERE id = :id",
          soci::use(body), soci::use(day), soci::use(seq), soci::use(id);
      return id;
    }
    std::string id = new_id();
    s << "INSERT INTO workshop_answers (id, workshop_id, activity_id, device_key, answer, hidden, "
         "pinned, answered_on, created_seq, changed_seq) "
         "VALUES (:id, :w, :a, :k, :b, 0, 0, :d, :s, :s2)",
        soci::use(id), soci::use(wid), soci::use(aid), soci::use(key), soci::use(body),
        soci::use(day), soci::use(seq), soci::use(seq);
    return id;
  });
}

}  // namespace samskap::store
