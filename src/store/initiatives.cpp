#include "store/initiatives.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "store/initiatives_internal.hpp"
#include "store/repository_support.hpp"
#include "store/sql_time.hpp"

namespace samskap::store {

namespace detail {

// The leader rule (docs/permissions.md), the one place it is decided: in
// their own organisation a user with Role::leder reaches only initiatives
// without a unit, those of a unit they belong to (user_units) and those that
// name them as leader. Every other role reaches all of the organisation's.
// The SQL condition reach() and InitiativeRepository::list() share, over
// `initiatives i`; it binds the user id twice, then the organisation.
constexpr const char* kLeaderScope =
    "(i.unit_id IS NULL OR i.leader_user_id = :lu OR i.unit_id IN (SELECT uu.unit_id FROM "
    "user_units uu WHERE uu.user_id = :lu2 AND uu.organisation_id = :lo))";

// True when the leader rule lets `who` reach initiative `id` of their own organisation.
bool within_leader_scope(soci::session& s, const Actor& who, const std::string& id) {
  if (who.role != Role::leder) return true;
  long long n = 0;
  std::string i = id, lu = who.user_id, lu2 = who.user_id, lo = who.org;
  s << std::string("SELECT COUNT(*) FROM initiatives i WHERE i.id = :i AND ") + kLeaderScope,
      soci::use(i), soci::use(lu), soci::use(lu2), soci::use(lo), soci::into(n);
  return n > 0;
}

// The leader rule for a draft: a leader may not place an initiative where
// they would no longer reach it (another unit, not led by them).
std::optional<Error> outside_leader_scope(soci::session& s, const Actor& who,
                                          const InitiativeDraft& d) {
  if (who.role != Role::leder || d.unit_id.empty() || d.leader_user_id == who.user_id)
    return std::nullopt;
  long long n = 0;
  std::string u = who.user_id, o = who.org, unit = d.unit_id;
  s << "SELECT COUNT(*) FROM user_units WHERE user_id = :u AND organisation_id = :o AND "
       "unit_id = :n",
      soci::use(u), soci::use(o), soci::use(unit), soci::into(n);
  if (n > 0) return std::nullopt;
  return Error::invalid("initiative.error.unit", "a leader may only choose one of their units");
}

Reach reach(soci::session& s, const Actor& who, const std::string& id) {
  std::string org;
  soci::indicator ind = soci::i_null;
  std::string i = id;
  s << "SELECT organisation_id FROM initiatives WHERE id = :i", soci::use(i), soci::into(org, ind);
  if (!s.got_data() || ind != soci::i_ok) return Reach::none;
  if (org == who.org) return within_leader_scope(s, who, id) ? Reach::owner : Reach::none;
  long long n = 0;
  std::string u = who.user_id;
  s << "SELECT COUNT(*) FROM initiative_collaborators WHERE initiative_id = :i AND user_id = :u",
      soci::use(i), soci::use(u), soci::into(n);
  return n > 0 ? Reach::collaborator : Reach::none;
}

void lock_initiative(soci::session& s, const std::string& id) {
  std::string i = id;
  s << "UPDATE initiatives SET version = version WHERE id = :i", soci::use(i);
}

std::optional<Error> invalid_date(const initiative::Date& d, std::string_view field) {
  if (initiative::is_valid(d)) return std::nullopt;
  return Error::invalid("initiative.error.date_invalid",
                        std::string(field) + " is not a day in 1900..2199");
}

std::optional<Error> invalid_date(const std::optional<initiative::Date>& d,
                                  std::string_view field) {
  if (!d) return std::nullopt;
  return invalid_date(*d, field);
}

void touch_initiative(soci::session& s, const std::string& id, const std::string& when) {
  std::string i = id, w = when;
  s << "UPDATE initiatives SET updated_at = :w WHERE id = :i", soci::use(w), soci::use(i);
}

std::string date_text(const std::optional<initiative::Date>& d) {
  return d ? initiative::to_iso(*d) : std::string();
}

std::optional<initiative::Date> date_from(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto d = initiative::parse_date(text);
  if (!d) return std::nullopt;
  return *d;
}

Error stale(std::string_view what) {
  return Error{ErrorCode::conflict, "initiative.error.stale",
               std::string(what) + " was changed by someone else"};
}

Error missing() {
  return Error::not_found("initiative.error.not_found");
}

}  // namespace detail

namespace {

using detail::clean_text;
using detail::date_from;
using detail::date_text;
using detail::db_error;
using detail::missing;
using detail::new_id;
using detail::parse_time;
using detail::Reach;
using detail::stale;

constexpr const char* kSelect =
    "SELECT i.id, i.organisation_id, o.name, COALESCE(i.unit_id, ''), COALESCE(un.name, ''), "
    "i.title, i.status, COALESCE(i.facilitator_user_id, ''), COALESCE(f.display_name, ''), "
    "COALESCE(i.leader_user_id, ''), COALESCE(l.display_name, ''), COALESCE(i.starts_on, ''), "
    "COALESCE(i.ends_on, ''), i.vision, i.cynefin_answers, COALESCE(i.cynefin_suggested, ''), "
    "COALESCE(i.cynefin_chosen, ''), i.cynefin_note, COALESCE(i.request_id, ''), i.created_by, "
    "i.created_at, i.updated_at, i.version "
    "FROM initiatives i JOIN organisations o ON o.id = i.organisation_id "
    "LEFT JOIN units un ON un.id = i.unit_id "
    "LEFT JOIN users f ON f.id = i.facilitator_user_id "
    "LEFT JOIN users l ON l.id = i.leader_user_id ";

// One row of kSelect, read with into().
struct Row {
  std::string id, org, org_name, unit, unit_name, title, status, fac, fac_name, lead, lead_name,
      starts, ends, vision, answers, suggested, chosen, note, request, created_by, created_at,
      updated_at;
  int version = 1;

  void bind(soci::statement& st) {
    for (std::string* f :
         {&id,       &org,  &org_name,  &unit,       &unit_name,  &title,     &status,  &fac,
          &fac_name, &lead, &lead_name, &starts,     &ends,       &vision,    &answers, &suggested,
          &chosen,   &note, &request,   &created_by, &created_at, &updated_at})
      st.exchange(soci::into(*f));
    st.exchange(soci::into(version));
  }

  Initiative value() const {
    Initiative i;
    i.id = id;
    i.organisation_id = org;
    i.organisation_name = org_name;
    i.unit_id = unit;
    i.unit_name = unit_name;
    i.title = title;
    i.status = initiative::parse_status(status).value_or(initiative::Status::ide);
    i.facilitator_user_id = fac;
    i.facilitator_name = fac_name;
    i.leader_user_id = lead;
    i.leader_name = lead_name;
    i.starts_on = date_from(starts);
    i.ends_on = date_from(ends);
    i.vision = vision;
    if (answers.size() == initiative::kCynefinQuestions.size()) {
      initiative::CynefinAnswers a{};
      for (std::size_t k = 0; k < a.size(); ++k)
        a[k] = answers[k] == 'y'   ? initiative::Answer::yes
               : answers[k] == 'n' ? initiative::Answer::no
                                   : initiative::Answer::unsure;
      i.cynefin_answers = a;
    }
    i.cynefin_suggested = initiative::parse_cynefin_domain(suggested);
    i.cynefin_chosen = initiative::parse_cynefin_domain(chosen);
    i.cynefin_note = note;
    i.request_id = request;
    i.created_by = created_by;
    i.created_at = parse_time(created_at);
    i.updated_at = parse_time(updated_at);
    i.version = version;
    return i;
  }
};

std::vector<int> load_sdgs(soci::session& s, const std::string& id) {
  std::vector<int> out;
  int g = 0;
  std::string i = id;
  soci::statement st =
      (s.prepare << "SELECT goal FROM initiative_sdgs WHERE initiative_id = :i ORDER BY goal",
       soci::use(i), soci::into(g));
  st.execute();
  while (st.fetch())
    out.push_back(g);
  return out;
}

std::optional<Initiative> load(soci::session& s, const Actor& who, const std::string& id) {
  Reach r = detail::reach(s, who, id);
  if (r == Reach::none) return std::nullopt;
  Row row;
  std::string i = id;
  soci::statement st(s);
  st.exchange(soci::use(i));
  row.bind(st);
  st.alloc();
  st.prepare(std::string(kSelect) + "WHERE i.id = :i");
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) return std::nullopt;
  Initiative out = row.value();
  out.sdgs = load_sdgs(s, id);
  out.collaborating = r == Reach::collaborator;
  return out;
}

// True when `user_id` is an active or invited user of `org`.
bool user_in(soci::session& s, const std::string& org, const std::string& user_id) {
  long long n = 0;
  std::string o = org, u = user_id;
  s << "SELECT COUNT(*) FROM users WHERE organisation_id = :o AND id = :u AND status IN "
       "('active', 'invited')",
      soci::use(o), soci::use(u), soci::into(n);
  return n > 0;
}

bool unit_in(soci::session& s, const std::string& org, const std::string& unit_id) {
  long long n = 0;
  std::string o = org, u = unit_id;
  s << "SELECT COUNT(*) FROM units WHERE organisation_id = :o AND id = :u", soci::use(o),
      soci::use(u), soci::into(n);
  return n > 0;
}

struct CleanDraft {
  std::string title, vision;
  std::vector<int> sdgs;
};

Result<CleanDraft> clean(const InitiativeDraft& d) {
  CleanDraft c;
  auto title = clean_text(d.title, "title", "initiative.error.title", 200, true, false);
  if (!title) return std::move(title).error();
  c.title = *title;
  auto vision = clean_text(d.vision, "vision", "initiative.error.vision", 4000, false, true);
  if (!vision) return std::move(vision).error();
  c.vision = *vision;
  if (auto e = detail::invalid_date(d.starts_on, "starts_on")) return *e;
  if (auto e = detail::invalid_date(d.ends_on, "ends_on")) return *e;
  if (d.starts_on && d.ends_on && *d.ends_on < *d.starts_on)
    return Error::invalid("initiative.error.end_before_start", "ends_on before starts_on");
  std::set<int> goals;
  for (int g : d.sdgs) {
    if (g < 1 || g > 17) return Error::invalid("initiative.error.sdg", "goal out of range");
    goals.insert(g);
  }
  c.sdgs.assign(goals.begin(), goals.end());
  return c;
}

// Checks the people and unit of a draft against the owning organisation.
std::optional<Error> check_refs(soci::session& s, const std::string& org,
                                const InitiativeDraft& d) {
  if (!d.unit_id.empty() && !unit_in(s, org, d.unit_id))
    return Error::invalid("initiative.error.unit", "unit not in organisation");
  if (!d.facilitator_user_id.empty() && !user_in(s, org, d.facilitator_user_id))
    return Error::invalid("initiative.error.facilitator", "facilitator not in organisation");
  if (!d.leader_user_id.empty() && !user_in(s, org, d.leader_user_id))
    return Error::invalid("initiative.error.leader", "leader not in organisation");
  return std::nullopt;
}

void save_sdgs(soci::session& s, const std::string& id, const std::vector<int>& sdgs) {
  std::string i = id;
  s << "DELETE FROM initiative_sdgs WHERE initiative_id = :i", soci::use(i);
  for (int g : sdgs) {
    int goal = g;
    s << "INSERT INTO initiative_sdgs (initiative_id, goal) VALUES (:i, :g)", soci::use(i),
        soci::use(goal);
  }
}

std::string answers_text(const initiative::CynefinAnswers& a) {
  std::string out;
  for (auto x : a)
    out += x == initiative::Answer::yes ? 'y' : x == initiative::Answer::no ? 'n' : 'u';
  return out;
}

}  // namespace

Result<Initiative> InitiativeRepository::create(const Actor& who, const InitiativeDraft& draft) {
  auto c = clean(draft);
  if (!c) return std::move(c).error();
  const std::string id = new_id();
  std::optional<Error> refused;
  std::optional<Initiative> out;
  try {
    db_.with_transaction([&](soci::session& s) {
      detail::lock_initiative(s, id);
      refused = check_refs(s, who.org, draft);
      if (!refused) refused = detail::outside_leader_scope(s, who, draft);
      if (refused) return;
      if (!draft.request_id.empty()) {
        long long n = 0;
        std::string rq = draft.request_id, o = who.org;
        s << "SELECT COUNT(*) FROM requests WHERE id = :r AND organisation_id = :o", soci::use(rq),
            soci::use(o), soci::into(n);
        if (n == 0) {
          refused = Error::not_found("request.error.not_found",
                                     "request_id is not a request of the organisation");
          return;
        }
      }
      std::string o = who.org, t = c->title, st(initiative::slug(draft.status)), u = draft.unit_id,
                  f = draft.facilitator_user_id, l = draft.leader_user_id,
                  sd = date_text(draft.starts_on), ed = date_text(draft.ends_on), v = c->vision,
                  r = draft.request_id, by = who.user_id, when = iso_utc(clock_.now()), empty;
      soci::indicator ui = u.empty() ? soci::i_null : soci::i_ok;
      soci::indicator fi = f.empty() ? soci::i_null : soci::i_ok;
      soci::indicator li = l.empty() ? soci::i_null : soci::i_ok;
      soci::indicator si = sd.empty() ? soci::i_null : soci::i_ok;
      soci::indicator ei = ed.empty() ? soci::i_null : soci::i_ok;
      soci::indicator ri = r.empty() ? soci::i_null : soci::i_ok;
      std::string i = id;
      s << "INSERT INTO initiatives (id, organisation_id, unit_id, title, status, "
           "facilitator_user_id, leader_user_id, starts_on, ends_on, vision, cynefin_answers, "
           "cynefin_note, request_id, created_by, created_at, updated_at, version) VALUES (:i, "
           ":o, :u, :t, :s, :f, :l, :sd, :ed, :v, :a, :n, :r, :by, :c, :up, 1)",
          soci::use(i), soci::use(o), soci::use(u, ui), soci::use(t), soci::use(st),
          soci::use(f, fi), soci::use(l, li), soci::use(sd, si), soci::use(ed, ei), soci::use(v),
          soci::use(empty), soci::use(empty), soci::use(r, ri), soci::use(by), soci::use(when),
          soci::use(when);
      save_sdgs(s, id, c->sdgs);
      out = load(s, who, id);
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  if (!out) return missing();
  return *out;
}

Result<Initiative> InitiativeRepository::get(const Actor& who, const std::string& id) {
  try {
    std::optional<Initiative> out;
    db_.with_session([&](soci::session& s) { out = load(s, who, id); });
    if (!out) return missing();
    return *out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<Initiative>> InitiativeRepository::list(const Actor& who) {
  try {
    std::vector<Initiative> out;
    db_.with_session([&](soci::session& s) {
      Row row;
      const bool leader = who.role == Role::leder;  // the leader rule (detail::kLeaderScope)
      std::string o = who.org, u = who.user_id, lu = who.user_id, lu2 = who.user_id, lo = who.org;
      soci::statement st(s);
      st.exchange(soci::use(o));
      if (leader) {
        st.exchange(soci::use(lu));
        st.exchange(soci::use(lu2));
        st.exchange(soci::use(lo));
      }
      st.exchange(soci::use(u));
      row.bind(st);
      st.alloc();
      st.prepare(std::string(kSelect) + "WHERE (i.organisation_id = :o" +
                 (leader ? std::string(" AND ") + detail::kLeaderScope : std::string()) +
                 ") OR i.id IN (SELECT initiative_id FROM "
                 "initiative_collaborators WHERE user_id = :u) ORDER BY i.updated_at DESC, i.id");
      st.define_and_bind();
      st.execute();
      while (st.fetch()) {
        Initiative i = row.value();
        i.collaborating = i.organisation_id != who.org;
        out.push_back(std::move(i));
      }
      for (auto& i : out)
        i.sdgs = load_sdgs(s, i.id);
    });
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<Initiative> InitiativeRepository::update(const Actor& who, const std::string& id,
                                                int version, const InitiativeDraft& draft) {
  auto c = clean(draft);
  if (!c) return std::move(c).error();
  std::optional<Error> refused;
  std::optional<Initiative> out;
  try {
    db_.with_transaction([&](soci::session& s) {
      detail::lock_initiative(s, id);
      auto current = load(s, who, id);
      if (!current) {
        refused = missing();
        return;
      }
      refused = check_refs(s, current->organisation_id, draft);
      if (!refused) refused = detail::outside_leader_scope(s, who, draft);
      if (refused) return;
      std::string i = id, t = c->title, st(initiative::slug(draft.status)), u = draft.unit_id,
                  f = draft.facilitator_user_id, l = draft.leader_user_id,
                  sd = date_text(draft.starts_on), ed = date_text(draft.ends_on), v = c->vision,
                  when = iso_utc(clock_.now());
      soci::indicator ui = u.empty() ? soci::i_null : soci::i_ok;
      soci::indicator fi = f.empty() ? soci::i_null : soci::i_ok;
      soci::indicator li = l.empty() ? soci::i_null : soci::i_ok;
      soci::indicator si = sd.empty() ? soci::i_null : soci::i_ok;
      soci::indicator ei = ed.empty() ? soci::i_null : soci::i_ok;
      int ver = version;
      soci::statement up =
          (s.prepare << "UPDATE initiatives SET title = :t, status = :s, unit_id = :u, "
                        "facilitator_user_id = :f, leader_user_id = :l, starts_on = :sd, "
                        "ends_on = :ed, vision = :v, updated_at = :w, version = version + 1 "
                        "WHERE id = :i AND version = :ver",
           soci::use(t), soci::use(st), soci::use(u, ui), soci::use(f, fi), soci::use(l, li),
           soci::use(sd, si), soci::use(ed, ei), soci::use(v), soci::use(when), soci::use(i),
           soci::use(ver));
      up.execute(true);
      if (up.get_affected_rows() == 0) {
        refused = stale("the initiative");
        return;
      }
      save_sdgs(s, id, c->sdgs);
      out = load(s, who, id);
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  if (!out) return missing();
  return *out;
}

Status InitiativeRepository::remove(const Actor& who, const std::string& id) {
  try {
    bool done = false;
    db_.with_transaction([&](soci::session& s) {
      detail::lock_initiative(s, id);
      if (detail::reach(s, who, id) != Reach::owner) return;
      std::string i = id, o = who.org;
      // The request it came from no longer has an initiative to point at.
      s << "UPDATE requests SET initiative_id = NULL WHERE initiative_id = :i AND "
           "organisation_id = :o",
          soci::use(i), soci::use(o);
      s << "DELETE FROM initiatives WHERE id = :i", soci::use(i);
      done = true;
    });
    if (!done) return missing();
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<Initiative> InitiativeRepository::set_complexity(
    const Actor& who, const std::string& id, int version, const initiative::CynefinAnswers& answers,
    std::optional<initiative::CynefinDomain> chosen, const std::string& note) {
  auto n = clean_text(note, "note", "initiative.error.note", 2000, false, true);
  if (!n) return std::move(n).error();
  auto suggestion = initiative::suggest_cynefin(answers);
  std::optional<Error> refused;
  std::optional<Initiative> out;
  try {
    db_.with_transaction([&](soci::session& s) {
      detail::lock_initiative(s, id);
      if (detail::reach(s, who, id) == Reach::none) {
        refused = missing();
        return;
      }
      std::string i = id, a = answers_text(answers), sug(initiative::slug(suggestion.domain)),
                  ch = chosen ? std::string(initiative::slug(*chosen)) : std::string(), nt = *n,
                  when = iso_utc(clock_.now());
      soci::indicator ci = ch.empty() ? soci::i_null : soci::i_ok;
      int ver = version;
      soci::statement up =
          (s.prepare << "UPDATE initiatives SET cynefin_answers = :a, cynefin_suggested = :s, "
                        "cynefin_chosen = :c, cynefin_note = :n, updated_at = :w, "
                        "version = version + 1 WHERE id = :i AND version = :v",
           soci::use(a), soci::use(sug), soci::use(ch, ci), soci::use(nt), soci::use(when),
           soci::use(i), soci::use(ver));
      up.execute(true);
      if (up.get_affected_rows() == 0) {
        refused = stale("the initiative");
        return;
      }
      out = load(s, who, id);
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  if (!out) return missing();
  return *out;
}

Status InitiativeRepository::add_collaborator(const Actor& who, const std::string& id,
                                              const std::string& user_id) {
  std::optional<Error> refused;
  try {
    db_.with_transaction([&](soci::session& s) {
      detail::lock_initiative(s, id);
      if (detail::reach(s, who, id) != Reach::owner) {
        refused = missing();
        return;
      }
      long long n = 0;
      std::string u = user_id, o = who.org;
      s << "SELECT COUNT(*) FROM users us JOIN organisations org ON org.id = us.organisation_id "
           "WHERE us.id = :u AND us.organisation_id <> :o AND org.kind = 'usht' AND us.role = "
           "'prosessveileder' AND us.status = 'active'",
          soci::use(u), soci::use(o), soci::into(n);
      if (n == 0) {
        refused = Error::invalid("initiative.error.collaborator",
                                 "not an active facilitator of another USHT organisation");
        return;
      }
      long long already = 0;
      std::string i = id;
      s << "SELECT COUNT(*) FROM initiative_collaborators WHERE initiative_id = :i AND user_id = "
           ":u",
          soci::use(i), soci::use(u), soci::into(already);
      if (already > 0) {
        refused = Error{ErrorCode::conflict, "initiative.error.collaborator_exists", ""};
        return;
      }
      std::string by = who.user_id, when = iso_utc(clock_.now());
      s << "INSERT INTO initiative_collaborators (initiative_id, user_id, invited_by, created_at) "
           "VALUES (:i, :u, :b, :w)",
          soci::use(i), soci::use(u), soci::use(by), soci::use(when);
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  return ok_status();
}

Status InitiativeRepository::remove_collaborator(const Actor& who, const std::string& id,
                                                 const std::string& user_id) {
  try {
    long long gone = -1;
    db_.with_transaction([&](soci::session& s) {
      detail::lock_initiative(s, id);
      if (detail::reach(s, who, id) != Reach::owner) return;
      std::string i = id, u = user_id;
      soci::statement st = (s.prepare << "DELETE FROM initiative_collaborators WHERE "
                                         "initiative_id = :i AND user_id = :u",
                            soci::use(i), soci::use(u));
      st.execute(true);
      gone = st.get_affected_rows();
    });
    if (gone <= 0) return missing();
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<Collaborator>> InitiativeRepository::collaborators(const Actor& who,
                                                                      const std::string& id) {
  try {
    std::optional<std::vector<Collaborator>> out;
    db_.with_session([&](soci::session& s) {
      if (detail::reach(s, who, id) == Reach::none) return;
      out.emplace();
      Collaborator c;
      std::string since, i = id;
      soci::statement st =
          (s.prepare << "SELECT c.user_id, u.display_name, u.email, o.name, c.created_at FROM "
                        "initiative_collaborators c JOIN users u ON u.id = c.user_id JOIN "
                        "organisations o ON o.id = u.organisation_id WHERE c.initiative_id = :i "
                        "ORDER BY u.display_name, c.user_id",
           soci::use(i), soci::into(c.user_id), soci::into(c.display_name), soci::into(c.email),
           soci::into(c.organisation_name), soci::into(since));
      st.execute();
      while (st.fetch()) {
        c.since = parse_time(since);
        out->push_back(c);
      }
    });
    if (!out) return missing();
    return *out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

}  // namespace samskap::store
