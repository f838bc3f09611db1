// The parts of an initiative: goals and progress, anchoring assessments,
// partners, evidence and plan activities. See initiatives.hpp.

#include <soci/soci.h>

#include <cmath>
#include <map>

#include "store/initiatives.hpp"
#include "store/initiatives_internal.hpp"
#include "store/repository_support.hpp"
#include "store/sql_time.hpp"

namespace samskap::store {

namespace {

using detail::clean_text;
using detail::date_from;
using detail::date_text;
using detail::db_error;
using detail::missing;
using detail::new_id;
using detail::Reach;
using detail::stale;

// Runs `fn` in a transaction when `who` reaches initiative `id`; `fn` may set
// `refused`. Returns the first error (unreachable initiative, database, or
// what fn refused). A writing transaction locks the initiative first
// (detail::lock_initiative).
template <typename Fn>
std::optional<Error> in_initiative(Database& db, const Actor& who, const std::string& id, Fn fn,
                                   bool writes = true) {
  std::optional<Error> refused;
  try {
    db.with_transaction([&](soci::session& s) {
      if (writes) detail::lock_initiative(s, id);
      if (detail::reach(s, who, id) == Reach::none) {
        refused = missing();
        return;
      }
      fn(s, refused);
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  return refused;
}

// Deletes a row of `table` that belongs to initiative `id` (through
// `parent_sql`, a condition on the row). Sets refused when none went.
void delete_part(soci::session& s, const std::string& sql, const std::string& part_id,
                 const std::string& id, std::optional<Error>& refused) {
  std::string p = part_id, i = id;
  soci::statement st = (s.prepare << sql, soci::use(p), soci::use(i));
  st.execute(true);
  if (st.get_affected_rows() == 0) refused = missing();
}

bool finite(double v) {
  return std::isfinite(v) && std::fabs(v) < 1e15;
}

Result<initiative::GoalDraft> clean_goal(const initiative::GoalDraft& g) {
  initiative::GoalDraft c = g;
  auto st =
      clean_text(g.statement, "statement", "initiative.error.goal_statement", 1000, true, true);
  if (!st) return std::move(st).error();
  c.statement = *st;
  auto ind =
      clean_text(g.indicator, "indicator", "initiative.error.goal_indicator", 300, false, false);
  if (!ind) return std::move(ind).error();
  c.indicator = *ind;
  auto own = clean_text(g.owner, "owner", "initiative.error.goal_owner", 200, false, false);
  if (!own) return std::move(own).error();
  c.owner = *own;
  if ((g.baseline && !finite(*g.baseline)) || (g.target && !finite(*g.target)))
    return Error::invalid("initiative.error.number", "baseline or target is not a usable number");
  if (auto e = detail::invalid_date(g.due, "due")) return *e;
  return c;
}

struct GoalRow {
  std::string id, initiative, statement, indicator, due, owner;
  double baseline = 0, target = 0;
  soci::indicator bi = soci::i_null, ti = soci::i_null;
  int version = 1;

  Goal value() const {
    Goal g;
    g.id = id;
    g.initiative_id = initiative;
    g.statement = statement;
    g.indicator = indicator;
    if (bi == soci::i_ok) g.baseline = baseline;
    if (ti == soci::i_ok) g.target = target;
    g.due = date_from(due);
    g.owner = owner;
    g.version = version;
    return g;
  }
};

std::vector<Goal> load_goals(soci::session& s, const std::string& id,
                             const std::string& only = {}) {
  std::vector<Goal> out;
  GoalRow r;
  std::string i = id, o = only;
  soci::statement st =
      (s.prepare << "SELECT id, initiative_id, statement, indicator, baseline, target, "
                    "COALESCE(due_on, ''), owner, version FROM goals WHERE initiative_id = :i "
                    "AND (:o = '' OR id = :o2) ORDER BY position, id",
       soci::use(i), soci::use(o), soci::use(o), soci::into(r.id), soci::into(r.initiative),
       soci::into(r.statement), soci::into(r.indicator), soci::into(r.baseline, r.bi),
       soci::into(r.target, r.ti), soci::into(r.due), soci::into(r.owner), soci::into(r.version));
  st.execute();
  while (st.fetch())
    out.push_back(r.value());
  for (auto& g : out) {
    ProgressEntry p;
    std::string measured, gid = g.id;
    soci::statement ps =
        (s.prepare << "SELECT id, value, measured_on, note FROM goal_progress WHERE goal_id = :g "
                      "ORDER BY measured_on, created_at, id",
         soci::use(gid), soci::into(p.id), soci::into(p.value), soci::into(measured),
         soci::into(p.note));
    ps.execute();
    while (ps.fetch()) {
      if (auto d = date_from(measured)) p.measured_on = *d;
      g.progress.push_back(p);
    }
  }
  return out;
}

}  // namespace

double AnchoringAssessment::average() const {
  if (scores.empty()) return 0;
  double sum = 0;
  for (const auto& s : scores)
    sum += s.score;
  return sum / static_cast<double>(scores.size());
}

// ------------------------------------------------------------------- goals

Result<std::vector<Goal>> InitiativeRepository::goals(const Actor& who, const std::string& id) {
  std::vector<Goal> out;
  auto err = in_initiative(
      db_, who, id, [&](soci::session& s, std::optional<Error>&) { out = load_goals(s, id); },
      false);
  if (err) return *err;
  return out;
}

Result<Goal> InitiativeRepository::add_goal(const Actor& who, const std::string& id,
                                            const initiative::GoalDraft& g) {
  auto c = clean_goal(g);
  if (!c) return std::move(c).error();
  Goal out;
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>&) {
    std::string gid = new_id(), i = id, st = c->statement, ind = c->indicator, own = c->owner,
                due = date_text(c->due), when = iso_utc(clock_.now());
    double b = c->baseline.value_or(0), t = c->target.value_or(0);
    soci::indicator bi = c->baseline ? soci::i_ok : soci::i_null;
    soci::indicator ti = c->target ? soci::i_ok : soci::i_null;
    soci::indicator di = due.empty() ? soci::i_null : soci::i_ok;
    int position = 0;
    soci::indicator pi = soci::i_null;
    s << "SELECT MAX(position) FROM goals WHERE initiative_id = :i", soci::use(i),
        soci::into(position, pi);
    position = pi == soci::i_ok ? position + 1 : 1;
    s << "INSERT INTO goals (id, initiative_id, statement, indicator, baseline, target, due_on, "
         "owner, position, created_at, version) VALUES (:g, :i, :s, :ind, :b, :t, :d, :own, :p, "
         ":c, 1)",
        soci::use(gid), soci::use(i), soci::use(st), soci::use(ind), soci::use(b, bi),
        soci::use(t, ti), soci::use(due, di), soci::use(own), soci::use(position), soci::use(when);
    detail::touch_initiative(s, id, when);
    out = load_goals(s, id, gid).at(0);
  });
  if (err) return *err;
  return out;
}

Result<Goal> InitiativeRepository::update_goal(const Actor& who, const std::string& id,
                                               const std::string& goal_id, int version,
                                               const initiative::GoalDraft& g) {
  auto c = clean_goal(g);
  if (!c) return std::move(c).error();
  Goal out;
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    if (load_goals(s, id, goal_id).empty()) {
      refused = missing();
      return;
    }
    std::string gid = goal_id, i = id, st = c->statement, ind = c->indicator, own = c->owner,
                due = date_text(c->due), when = iso_utc(clock_.now());
    double b = c->baseline.value_or(0), t = c->target.value_or(0);
    soci::indicator bi = c->baseline ? soci::i_ok : soci::i_null;
    soci::indicator ti = c->target ? soci::i_ok : soci::i_null;
    soci::indicator di = due.empty() ? soci::i_null : soci::i_ok;
    int ver = version;
    soci::statement up =
        (s.prepare << "UPDATE goals SET statement = :s, indicator = :ind, baseline = :b, target "
                      "= :t, due_on = :d, owner = :own, version = version + 1 WHERE id = :g AND "
                      "initiative_id = :i AND version = :v",
         soci::use(st), soci::use(ind), soci::use(b, bi), soci::use(t, ti), soci::use(due, di),
         soci::use(own), soci::use(gid), soci::use(i), soci::use(ver));
    up.execute(true);
    if (up.get_affected_rows() == 0) {
      refused = stale("the goal");
      return;
    }
    detail::touch_initiative(s, id, when);
    out = load_goals(s, id, gid).at(0);
  });
  if (err) return *err;
  return out;
}

Status InitiativeRepository::remove_goal(const Actor& who, const std::string& id,
                                         const std::string& goal_id) {
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    delete_part(s, "DELETE FROM goals WHERE id = :p AND initiative_id = :i", goal_id, id, refused);
    if (!refused) detail::touch_initiative(s, id, iso_utc(clock_.now()));
  });
  if (err) return *err;
  return ok_status();
}

Result<ProgressEntry> InitiativeRepository::add_progress(const Actor& who, const std::string& id,
                                                         const std::string& goal_id, double value,
                                                         const initiative::Date& measured_on,
                                                         const std::string& note) {
  if (!finite(value)) return Error::invalid("initiative.error.number", "value is not usable");
  if (auto e = detail::invalid_date(measured_on, "measured_on")) return *e;
  auto n = clean_text(note, "note", "initiative.error.note", 1000, false, false);
  if (!n) return std::move(n).error();
  ProgressEntry out{new_id(), value, measured_on, *n};
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    long long found = 0;
    std::string g = goal_id, i = id;
    s << "SELECT COUNT(*) FROM goals WHERE id = :g AND initiative_id = :i", soci::use(g),
        soci::use(i), soci::into(found);
    if (found == 0) {
      refused = missing();
      return;
    }
    std::string pid = out.id, m = initiative::to_iso(measured_on), nt = out.note, by = who.user_id,
                when = iso_utc(clock_.now());
    double v = value;
    s << "INSERT INTO goal_progress (id, goal_id, value, measured_on, note, created_by, "
         "created_at) VALUES (:p, :g, :v, :m, :n, :b, :c)",
        soci::use(pid), soci::use(g), soci::use(v), soci::use(m), soci::use(nt), soci::use(by),
        soci::use(when);
    detail::touch_initiative(s, id, when);
  });
  if (err) return *err;
  return out;
}

Status InitiativeRepository::remove_progress(const Actor& who, const std::string& id,
                                             const std::string& goal_id,
                                             const std::string& progress_id) {
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    std::string p = progress_id, g = goal_id, i = id;
    soci::statement st =
        (s.prepare << "DELETE FROM goal_progress WHERE id = :p AND goal_id = :g AND goal_id IN "
                      "(SELECT id FROM goals WHERE initiative_id = :i)",
         soci::use(p), soci::use(g), soci::use(i));
    st.execute(true);
    if (st.get_affected_rows() == 0) refused = missing();
    if (!refused) detail::touch_initiative(s, id, iso_utc(clock_.now()));
  });
  if (err) return *err;
  return ok_status();
}

// --------------------------------------------------------------- anchoring

Result<AnchoringAssessment> InitiativeRepository::add_assessment(
    const Actor& who, const std::string& id, const initiative::Date& assessed_on,
    const std::vector<AnchoringScore>& scores) {
  std::map<initiative::AnchoringItem, AnchoringScore> by_item;
  for (const auto& sc : scores) {
    if (sc.score < 1 || sc.score > 5)
      return Error::invalid("initiative.error.anchoring_score", "score outside 1..5");
    auto n = clean_text(sc.note, "note", "initiative.error.note", 2000, false, true);
    if (!n) return std::move(n).error();
    if (by_item.contains(sc.item))
      return Error::invalid("initiative.error.anchoring_missing", "an item is scored twice");
    by_item[sc.item] = {sc.item, sc.score, *n};
  }
  if (by_item.size() != initiative::kAnchoringItems.size())
    return Error::invalid("initiative.error.anchoring_missing", "every item needs a score");
  if (auto e = detail::invalid_date(assessed_on, "assessed_on")) return *e;
  AnchoringAssessment out;
  out.id = new_id();
  out.assessed_on = assessed_on;
  for (auto item : initiative::kAnchoringItems)
    out.scores.push_back(by_item[item]);
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>&) {
    std::string a = out.id, i = id, on = initiative::to_iso(assessed_on), by = who.user_id,
                when = iso_utc(clock_.now());
    s << "INSERT INTO anchoring_assessments (id, initiative_id, assessed_on, created_by, "
         "created_at) VALUES (:a, :i, :o, :b, :c)",
        soci::use(a), soci::use(i), soci::use(on), soci::use(by), soci::use(when);
    for (const auto& sc : out.scores) {
      std::string item(initiative::slug(sc.item)), note = sc.note;
      int score = sc.score;
      s << "INSERT INTO anchoring_scores (assessment_id, item, score, note) VALUES (:a, :it, "
           ":s, :n)",
          soci::use(a), soci::use(item), soci::use(score), soci::use(note);
    }
    std::string name;
    soci::indicator ni = soci::i_null;
    s << "SELECT display_name FROM users WHERE id = :b", soci::use(by), soci::into(name, ni);
    if (s.got_data() && ni == soci::i_ok) out.created_by_name = name;
    detail::touch_initiative(s, id, when);
  });
  if (err) return *err;
  return out;
}

Result<std::vector<AnchoringAssessment>> InitiativeRepository::assessments(const Actor& who,
                                                                           const std::string& id) {
  std::vector<AnchoringAssessment> out;
  auto err = in_initiative(
      db_, who, id,
      [&](soci::session& s, std::optional<Error>&) {
        std::string aid, on, name, i = id;
        soci::statement st =
            (s.prepare << "SELECT a.id, a.assessed_on, COALESCE(u.display_name, '') FROM "
                          "anchoring_assessments a LEFT JOIN users u ON u.id = a.created_by WHERE "
                          "a.initiative_id = :i ORDER BY a.assessed_on, a.created_at, a.id",
             soci::use(i), soci::into(aid), soci::into(on), soci::into(name));
        st.execute();
        while (st.fetch()) {
          AnchoringAssessment a;
          a.id = aid;
          if (auto d = date_from(on)) a.assessed_on = *d;
          a.created_by_name = name;
          out.push_back(std::move(a));
        }
        for (auto& a : out) {
          std::map<std::string, AnchoringScore> found;
          std::string item, note, ai = a.id;
          int score = 0;
          soci::statement ss =
              (s.prepare
                   << "SELECT item, score, note FROM anchoring_scores WHERE assessment_id = :a",
               soci::use(ai), soci::into(item), soci::into(score), soci::into(note));
          ss.execute();
          while (ss.fetch())
            if (auto it = initiative::parse_anchoring_item(item)) found[item] = {*it, score, note};
          for (auto it : initiative::kAnchoringItems)
            if (auto f = found.find(std::string(initiative::slug(it))); f != found.end())
              a.scores.push_back(f->second);
        }
      },
      false);
  if (err) return *err;
  return out;
}

// ---------------------------------------------------------------- partners

namespace {

Result<Partner> clean_partner(const Partner& p) {
  Partner c = p;
  auto name = clean_text(p.name, "name", "initiative.error.partner_name", 200, true, false);
  if (!name) return std::move(name).error();
  c.name = *name;
  auto role = clean_text(p.role, "role", "initiative.error.partner_role", 200, false, false);
  if (!role) return std::move(role).error();
  c.role = *role;
  auto contact =
      clean_text(p.contact, "contact", "initiative.error.partner_contact", 200, false, false);
  if (!contact) return std::move(contact).error();
  c.contact = *contact;
  return c;
}

std::vector<Partner> load_partners(soci::session& s, const std::string& id,
                                   const std::string& only = {}) {
  std::vector<Partner> out;
  Partner p;
  std::string type, i = id, o = only;
  soci::statement st =
      (s.prepare << "SELECT id, type, name, role, contact, version FROM partners WHERE "
                    "initiative_id = :i AND (:o = '' OR id = :o2) ORDER BY created_at, id",
       soci::use(i), soci::use(o), soci::use(o), soci::into(p.id), soci::into(type),
       soci::into(p.name), soci::into(p.role), soci::into(p.contact), soci::into(p.version));
  st.execute();
  while (st.fetch()) {
    p.type = initiative::parse_partner_type(type).value_or(initiative::PartnerType::annet);
    out.push_back(p);
  }
  return out;
}

}  // namespace

Result<std::vector<Partner>> InitiativeRepository::partners(const Actor& who,
                                                            const std::string& id) {
  std::vector<Partner> out;
  auto err = in_initiative(
      db_, who, id, [&](soci::session& s, std::optional<Error>&) { out = load_partners(s, id); },
      false);
  if (err) return *err;
  return out;
}

Result<Partner> InitiativeRepository::add_partner(const Actor& who, const std::string& id,
                                                  const Partner& p) {
  auto c = clean_partner(p);
  if (!c) return std::move(c).error();
  c->id = new_id();
  c->version = 1;
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>&) {
    std::string pid = c->id, i = id, type(initiative::slug(c->type)), name = c->name,
                role = c->role, contact = c->contact, when = iso_utc(clock_.now());
    s << "INSERT INTO partners (id, initiative_id, type, name, role, contact, created_at, "
         "version) VALUES (:p, :i, :t, :n, :r, :c, :w, 1)",
        soci::use(pid), soci::use(i), soci::use(type), soci::use(name), soci::use(role),
        soci::use(contact), soci::use(when);
    detail::touch_initiative(s, id, when);
  });
  if (err) return *err;
  return *c;
}

Result<Partner> InitiativeRepository::update_partner(const Actor& who, const std::string& id,
                                                     const Partner& p) {
  auto c = clean_partner(p);
  if (!c) return std::move(c).error();
  Partner out;
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    if (load_partners(s, id, p.id).empty()) {
      refused = missing();
      return;
    }
    std::string pid = p.id, i = id, type(initiative::slug(c->type)), name = c->name, role = c->role,
                contact = c->contact;
    int ver = p.version;
    soci::statement up =
        (s.prepare << "UPDATE partners SET type = :t, name = :n, role = :r, contact = :c, "
                      "version = version + 1 WHERE id = :p AND initiative_id = :i AND version = "
                      ":v",
         soci::use(type), soci::use(name), soci::use(role), soci::use(contact), soci::use(pid),
         soci::use(i), soci::use(ver));
    up.execute(true);
    if (up.get_affected_rows() == 0) {
      refused = stale("the partner");
      return;
    }
    detail::touch_initiative(s, id, iso_utc(clock_.now()));
    out = load_partners(s, id, pid).at(0);
  });
  if (err) return *err;
  return out;
}

Status InitiativeRepository::remove_partner(const Actor& who, const std::string& id,
                                            const std::string& partner_id) {
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    delete_part(s, "DELETE FROM partners WHERE id = :p AND initiative_id = :i", partner_id, id,
                refused);
    if (!refused) detail::touch_initiative(s, id, iso_utc(clock_.now()));
  });
  if (err) return *err;
  return ok_status();
}

// ---------------------------------------------------------------- evidence

namespace {

Result<Evidence> clean_evidence(const Evidence& e) {
  Evidence c = e;
  auto src = clean_text(e.source, "source", "initiative.error.evidence_source", 500, true, false);
  if (!src) return std::move(src).error();
  c.source = *src;
  auto note = clean_text(e.note, "note", "initiative.error.note", 4000, false, true);
  if (!note) return std::move(note).error();
  c.note = *note;
  return c;
}

std::vector<Evidence> load_evidence(soci::session& s, const std::string& id,
                                    const std::string& only = {}) {
  std::vector<Evidence> out;
  Evidence e;
  std::string kind, i = id, o = only;
  soci::statement st =
      (s.prepare << "SELECT id, kind, source, note, version FROM evidence WHERE initiative_id = "
                    ":i AND (:o = '' OR id = :o2) ORDER BY created_at, id",
       soci::use(i), soci::use(o), soci::use(o), soci::into(e.id), soci::into(kind),
       soci::into(e.source), soci::into(e.note), soci::into(e.version));
  st.execute();
  while (st.fetch()) {
    e.kind = initiative::parse_evidence_kind(kind).value_or(initiative::EvidenceKind::erfaring);
    out.push_back(e);
  }
  return out;
}

}  // namespace

Result<std::vector<Evidence>> InitiativeRepository::evidence(const Actor& who,
                                                             const std::string& id) {
  std::vector<Evidence> out;
  auto err = in_initiative(
      db_, who, id, [&](soci::session& s, std::optional<Error>&) { out = load_evidence(s, id); },
      false);
  if (err) return *err;
  return out;
}

Result<Evidence> InitiativeRepository::add_evidence(const Actor& who, const std::string& id,
                                                    const Evidence& e) {
  auto c = clean_evidence(e);
  if (!c) return std::move(c).error();
  c->id = new_id();
  c->version = 1;
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>&) {
    std::string eid = c->id, i = id, kind(initiative::slug(c->kind)), src = c->source,
                note = c->note, by = who.user_id, when = iso_utc(clock_.now());
    s << "INSERT INTO evidence (id, initiative_id, kind, source, note, created_by, created_at, "
         "version) VALUES (:e, :i, :k, :s, :n, :b, :w, 1)",
        soci::use(eid), soci::use(i), soci::use(kind), soci::use(src), soci::use(note),
        soci::use(by), soci::use(when);
    detail::touch_initiative(s, id, when);
  });
  if (err) return *err;
  return *c;
}

Result<Evidence> InitiativeRepository::update_evidence(const Actor& who, const std::string& id,
                                                       const Evidence& e) {
  auto c = clean_evidence(e);
  if (!c) return std::move(c).error();
  Evidence out;
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    if (load_evidence(s, id, e.id).empty()) {
      refused = missing();
      return;
    }
    std::string eid = e.id, i = id, kind(initiative::slug(c->kind)), src = c->source,
                note = c->note;
    int ver = e.version;
    soci::statement up =
        (s.prepare << "UPDATE evidence SET kind = :k, source = :s, note = :n, version = version "
                      "+ 1 WHERE id = :e AND initiative_id = :i AND version = :v",
         soci::use(kind), soci::use(src), soci::use(note), soci::use(eid), soci::use(i),
         soci::use(ver));
    up.execute(true);
    if (up.get_affected_rows() == 0) {
      refused = stale("the evidence entry");
      return;
    }
    detail::touch_initiative(s, id, iso_utc(clock_.now()));
    out = load_evidence(s, id, eid).at(0);
  });
  if (err) return *err;
  return out;
}

Status InitiativeRepository::remove_evidence(const Actor& who, const std::string& id,
                                             const std::string& evidence_id) {
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    delete_part(s, "DELETE FROM evidence WHERE id = :p AND initiative_id = :i", evidence_id, id,
                refused);
    if (!refused) detail::touch_initiative(s, id, iso_utc(clock_.now()));
  });
  if (err) return *err;
  return ok_status();
}

// -------------------------------------------------------------- activities

namespace {

Result<Activity> clean_activity(const Activity& a) {
  Activity c = a;
  auto title = clean_text(a.title, "title", "initiative.error.activity_title", 200, true, false);
  if (!title) return std::move(title).error();
  c.title = *title;
  auto resp = clean_text(a.responsible, "responsible", "initiative.error.activity_responsible", 200,
                         false, false);
  if (!resp) return std::move(resp).error();
  c.responsible = *resp;
  if (auto e = detail::invalid_date(a.starts_on, "starts_on")) return *e;
  if (auto e = detail::invalid_date(a.ends_on, "ends_on")) return *e;
  if (a.ends_on && *a.ends_on < a.starts_on)
    return Error::invalid("initiative.error.end_before_start", "ends_on before starts_on");
  return c;
}

std::vector<Activity> load_activities(soci::session& s, const std::string& id,
                                      const std::string& only = {}) {
  std::vector<Activity> out;
  Activity a;
  std::string type, starts, ends, status, i = id, o = only;
  int milestone = 0;
  soci::statement st =
      (s.prepare << "SELECT id, type, title, starts_on, COALESCE(ends_on, ''), responsible, "
                    "status, milestone, version FROM activities WHERE initiative_id = :i AND (:o "
                    "= '' OR id = :o2) ORDER BY starts_on, title, id",
       soci::use(i), soci::use(o), soci::use(o), soci::into(a.id), soci::into(type),
       soci::into(a.title), soci::into(starts), soci::into(ends), soci::into(a.responsible),
       soci::into(status), soci::into(milestone), soci::into(a.version));
  st.execute();
  while (st.fetch()) {
    a.type = initiative::parse_activity_type(type).value_or(initiative::ActivityType::mote);
    if (auto d = date_from(starts)) a.starts_on = *d;
    a.ends_on = date_from(ends);
    a.status =
        initiative::parse_activity_status(status).value_or(initiative::ActivityStatus::planlagt);
    a.milestone = milestone != 0;
    out.push_back(a);
  }
  return out;
}

}  // namespace

Result<std::vector<Activity>> InitiativeRepository::activities(const Actor& who,
                                                               const std::string& id) {
  std::vector<Activity> out;
  auto err = in_initiative(
      db_, who, id, [&](soci::session& s, std::optional<Error>&) { out = load_activities(s, id); },
      false);
  if (err) return *err;
  return out;
}

Result<Activity> InitiativeRepository::add_activity(const Actor& who, const std::string& id,
                                                    const Activity& a) {
  auto c = clean_activity(a);
  if (!c) return std::move(c).error();
  c->id = new_id();
  c->version = 1;
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>&) {
    std::string aid = c->id, i = id, type(initiative::slug(c->type)), title = c->title,
                starts = initiative::to_iso(c->starts_on), ends = date_text(c->ends_on),
                resp = c->responsible, status(initiative::slug(c->status)),
                when = iso_utc(clock_.now());
    soci::indicator ei = ends.empty() ? soci::i_null : soci::i_ok;
    int milestone = c->milestone ? 1 : 0;
    s << "INSERT INTO activities (id, initiative_id, type, title, starts_on, ends_on, "
         "responsible, status, milestone, created_at, version) VALUES (:a, :i, :t, :ti, :s, :e, "
         ":r, :st, :m, :c, 1)",
        soci::use(aid), soci::use(i), soci::use(type), soci::use(title), soci::use(starts),
        soci::use(ends, ei), soci::use(resp), soci::use(status), soci::use(milestone),
        soci::use(when);
    detail::touch_initiative(s, id, when);
  });
  if (err) return *err;
  return *c;
}

Result<Activity> InitiativeRepository::update_activity(const Actor& who, const std::string& id,
                                                       const Activity& a) {
  auto c = clean_activity(a);
  if (!c) return std::move(c).error();
  Activity out;
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    if (load_activities(s, id, a.id).empty()) {
      refused = missing();
      return;
    }
    std::string aid = a.id, i = id, type(initiative::slug(c->type)), title = c->title,
                starts = initiative::to_iso(c->starts_on), ends = date_text(c->ends_on),
                resp = c->responsible, status(initiative::slug(c->status));
    soci::indicator ei = ends.empty() ? soci::i_null : soci::i_ok;
    int milestone = c->milestone ? 1 : 0, ver = a.version;
    soci::statement up =
        (s.prepare << "UPDATE activities SET type = :t, title = :ti, starts_on = :s, ends_on = "
                      ":e, responsible = :r, status = :st, milestone = :m, version = version + 1 "
                      "WHERE id = :a AND initiative_id = :i AND version = :v",
         soci::use(type), soci::use(title), soci::use(starts), soci::use(ends, ei), soci::use(resp),
         soci::use(status), soci::use(milestone), soci::use(aid), soci::use(i), soci::use(ver));
    up.execute(true);
    if (up.get_affected_rows() == 0) {
      refused = stale("the activity");
      return;
    }
    detail::touch_initiative(s, id, iso_utc(clock_.now()));
    out = load_activities(s, id, aid).at(0);
  });
  if (err) return *err;
  return out;
}

Status InitiativeRepository::remove_activity(const Actor& who, const std::string& id,
                                             const std::string& activity_id) {
  auto err = in_initiative(db_, who, id, [&](soci::session& s, std::optional<Error>& refused) {
    delete_part(s, "DELETE FROM activities WHERE id = :p AND initiative_id = :i", activity_id, id,
                refused);
    if (!refused) detail::touch_initiative(s, id, iso_utc(clock_.now()));
  });
  if (err) return *err;
  return ok_status();
}

}  // namespace samskap::store
