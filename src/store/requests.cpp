// Requests (henvendelser). See initiatives.hpp.

#include <soci/soci.h>

#include <algorithm>
#include <map>

#include "core/credentials.hpp"
#include "store/initiatives.hpp"
#include "store/initiatives_internal.hpp"
#include "store/repository_support.hpp"
#include "store/sql_time.hpp"

namespace samskap::store {

namespace {

using detail::clean_text;
using detail::date_from;
using detail::db_error;
using detail::new_id;
using detail::parse_time;

constexpr std::size_t kMaxTags = 20;
constexpr std::size_t kMaxTagBytes = 50;

Error request_missing() {
  return Error::not_found("request.error.not_found");
}

struct Clean {
  std::string requester, contact, body, tags;
};

Result<Clean> clean(const RequestDraft& d) {
  Clean c;
  auto r =
      clean_text(d.requester_org, "requester_org", "request.error.requester", 200, true, false);
  if (!r) return std::move(r).error();
  c.requester = *r;
  auto ct = clean_text(d.contact, "contact", "request.error.contact", 200, false, false);
  if (!ct) return std::move(ct).error();
  c.contact = *ct;
  auto b = clean_text(d.body, "body", "request.error.body", 10000, true, true);
  if (!b) return std::move(b).error();
  c.body = *b;
  if (auto e = detail::invalid_date(d.received_on, "received_on")) return *e;
  std::vector<std::string> tags;
  for (const auto& raw : d.tags) {
    auto t = clean_text(raw, "tag", "request.error.tag", kMaxTagBytes, false, false);
    if (!t) return std::move(t).error();
    if (t->empty()) continue;
    if (t->find(',') != std::string::npos)
      return Error::invalid("request.error.tag", "a tag has a comma");
    std::string folded = fold_case(*t);
    if (std::find(tags.begin(), tags.end(), folded) == tags.end()) tags.push_back(folded);
  }
  if (tags.size() > kMaxTags) return Error::invalid("request.error.tags", "over 20 tags");
  for (std::size_t i = 0; i < tags.size(); ++i)
    c.tags += (i ? "," : "") + tags[i];
  return c;
}

constexpr const char* kSelect =
    "SELECT id, organisation_id, requester_org, contact, body, received_on, tags, status, "
    "COALESCE(answer_level, ''), reason, COALESCE(triaged_by, ''), COALESCE(triaged_at, ''), "
    "COALESCE(initiative_id, ''), created_by, created_at, version FROM requests ";

struct Row {
  std::string id, org, requester, contact, body, received, tags, status, level, reason, by, at,
      initiative, created_by, created_at;
  int version = 1;

  void bind(soci::statement& st) {
    for (std::string* f : {&id, &org, &requester, &contact, &body, &received, &tags, &status,
                           &level, &reason, &by, &at, &initiative, &created_by, &created_at})
      st.exchange(soci::into(*f));
    st.exchange(soci::into(version));
  }

  ChangeRequest value() const {
    ChangeRequest r;
    r.id = id;
    r.organisation_id = org;
    r.requester_org = requester;
    r.contact = contact;
    r.body = body;
    if (auto d = date_from(received)) r.received_on = *d;
    std::size_t start = 0;
    while (start < tags.size()) {
      auto comma = tags.find(',', start);
      if (comma == std::string::npos) comma = tags.size();
      if (comma > start) r.tags.push_back(tags.substr(start, comma - start));
      start = comma + 1;
    }
    r.status = initiative::parse_request_status(status).value_or(initiative::RequestStatus::open);
    r.answer_level = initiative::parse_answer_level(level);
    r.reason = reason;
    r.triaged_by = by;
    if (!at.empty()) r.triaged_at = parse_time(at);
    r.initiative_id = initiative;
    r.created_by = created_by;
    r.created_at = parse_time(created_at);
    r.version = version;
    return r;
  }
};

std::vector<ChangeRequest> query(soci::session& s, const std::string& where,
                                 const std::vector<std::string>& params) {
  std::vector<ChangeRequest> out;
  Row row;
  std::vector<std::string> p = params;
  soci::statement st(s);
  for (auto& v : p)
    st.exchange(soci::use(v));
  row.bind(st);
  st.alloc();
  st.prepare(std::string(kSelect) + where);
  st.define_and_bind();
  st.execute();
  while (st.fetch())
    out.push_back(row.value());
  return out;
}

std::optional<ChangeRequest> load(soci::session& s, const Actor& who, const std::string& id) {
  auto rows = query(s, "WHERE id = :i AND organisation_id = :o", {id, who.org});
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

// Runs an UPDATE guarded by id, organisation and version; distinguishes a
// missing request from a stale version.
template <typename Fn>
Result<ChangeRequest> guarded_update(Database& db, const Actor& who, const std::string& id, Fn fn) {
  std::optional<Error> refused;
  std::optional<ChangeRequest> out;
  try {
    db.with_transaction([&](soci::session& s) {
      // Write first: see detail::lock_initiative; the same holds for requests.
      std::string i = id;
      s << "UPDATE requests SET version = version WHERE id = :i", soci::use(i);
      if (!load(s, who, id)) {
        refused = request_missing();
        return;
      }
      if (!fn(s)) {
        refused = Error{ErrorCode::conflict, "request.error.stale",
                        "the request was changed by someone else"};
        return;
      }
      out = load(s, who, id);
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  if (!out) return request_missing();
  return *out;
}

}  // namespace

Result<ChangeRequest> RequestRepository::create(const Actor& who, const RequestDraft& draft) {
  auto c = clean(draft);
  if (!c) return std::move(c).error();
  std::optional<ChangeRequest> out;
  try {
    db_.with_transaction([&](soci::session& s) {
      std::string id = new_id(), o = who.org, rq = c->requester, ct = c->contact, b = c->body,
                  on = initiative::to_iso(draft.received_on), t = c->tags, by = who.user_id,
                  when = iso_utc(clock_.now()), empty;
      s << "INSERT INTO requests (id, organisation_id, requester_org, contact, body, "
           "received_on, tags, status, reason, created_by, created_at, version) VALUES (:i, :o, "
           ":r, :c, :b, :on, :t, 'open', :reason, :by, :w, 1)",
          soci::use(id), soci::use(o), soci::use(rq), soci::use(ct), soci::use(b), soci::use(on),
          soci::use(t), soci::use(empty), soci::use(by), soci::use(when);
      out = load(s, who, id);
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (!out) return request_missing();
  return *out;
}

Result<ChangeRequest> RequestRepository::get(const Actor& who, const std::string& id) {
  try {
    std::optional<ChangeRequest> out;
    db_.with_session([&](soci::session& s) { out = load(s, who, id); });
    if (!out) return request_missing();
    return *out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<ChangeRequest>> RequestRepository::list(
    const Actor& who, std::optional<initiative::RequestStatus> status) {
  try {
    std::vector<ChangeRequest> out;
    db_.with_session([&](soci::session& s) {
      if (status)
        out = query(s,
                    "WHERE organisation_id = :o AND status = :s ORDER BY received_on DESC, "
                    "created_at DESC, id",
                    {who.org, std::string(initiative::slug(*status))});
      else
        out = query(s, "WHERE organisation_id = :o ORDER BY received_on DESC, created_at DESC, id",
                    {who.org});
    });
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<ChangeRequest> RequestRepository::update(const Actor& who, const std::string& id,
                                                int version, const RequestDraft& draft) {
  auto c = clean(draft);
  if (!c) return std::move(c).error();
  return guarded_update(db_, who, id, [&](soci::session& s) {
    std::string i = id, o = who.org, rq = c->requester, ct = c->contact, b = c->body,
                on = initiative::to_iso(draft.received_on), t = c->tags;
    int v = version;
    soci::statement st =
        (s.prepare << "UPDATE requests SET requester_org = :r, contact = :c, body = :b, "
                      "received_on = :on, tags = :t, version = version + 1 WHERE id = :i AND "
                      "organisation_id = :o AND version = :v",
         soci::use(rq), soci::use(ct), soci::use(b), soci::use(on), soci::use(t), soci::use(i),
         soci::use(o), soci::use(v));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

Result<ChangeRequest> RequestRepository::triage(const Actor& who, const std::string& id,
                                                int version, initiative::AnswerLevel level,
                                                const std::string& reason) {
  auto r = clean_text(reason, "reason", "request.error.reason", 2000, true, true);
  if (!r) return std::move(r).error();
  bool closed = false;
  auto result = guarded_update(db_, who, id, [&](soci::session& s) {
    auto current = load(s, who, id);
    if (current && current->status == initiative::RequestStatus::closed) {
      closed = true;
      return true;
    }
    std::string i = id, o = who.org, lv(initiative::slug(level)), rs = *r, by = who.user_id,
                when = iso_utc(clock_.now());
    int v = version;
    soci::statement st =
        (s.prepare << "UPDATE requests SET status = 'triaged', answer_level = :l, reason = :r, "
                      "triaged_by = :b, triaged_at = :w, version = version + 1 WHERE id = :i AND "
                      "organisation_id = :o AND version = :v",
         soci::use(lv), soci::use(rs), soci::use(by), soci::use(when), soci::use(i), soci::use(o),
         soci::use(v));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
  if (closed) return Error{ErrorCode::conflict, "request.error.closed", "the request is closed"};
  return result;
}

Status RequestRepository::link_initiative(const Actor& who, const std::string& id,
                                          const std::string& initiative_id) {
  try {
    long long n = 0;
    db_.with_transaction([&](soci::session& s) {
      // Only an initiative of the same organisation: a request never points
      // at another organisation's initiative.
      std::string i = id, o = who.org, in = initiative_id, in2 = initiative_id, o2 = who.org;
      soci::statement st =
          (s.prepare << "UPDATE requests SET initiative_id = :n, version = version + 1 WHERE id "
                        "= :i AND organisation_id = :o AND EXISTS (SELECT 1 FROM initiatives "
                        "WHERE id = :n2 AND organisation_id = :o2)",
           soci::use(in), soci::use(i), soci::use(o), soci::use(in2), soci::use(o2));
      st.execute(true);
      n = st.get_affected_rows();
    });
    if (n == 0) return request_missing();
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<ChangeRequest> RequestRepository::set_status(const Actor& who, const std::string& id,
                                                    int version, initiative::RequestStatus status) {
  return guarded_update(db_, who, id, [&](soci::session& s) {
    std::string i = id, o = who.org, st_text(initiative::slug(status));
    int v = version;
    soci::statement st =
        (s.prepare << "UPDATE requests SET status = :s, version = version + 1 WHERE id = :i AND "
                      "organisation_id = :o AND version = :v",
         soci::use(st_text), soci::use(i), soci::use(o), soci::use(v));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

Result<std::vector<TriageMonth>> RequestRepository::triage_by_month(const Actor& who) {
  try {
    std::map<std::string, TriageMonth> months;
    db_.with_session([&](soci::session& s) {
      std::string at, level, o = who.org;
      soci::statement st =
          (s.prepare << "SELECT triaged_at, answer_level FROM requests WHERE organisation_id = "
                        ":o AND triaged_at IS NOT NULL AND answer_level IS NOT NULL",
           soci::use(o), soci::into(at), soci::into(level));
      st.execute();
      while (st.fetch()) {
        if (at.size() < 7) continue;
        auto& m = months[at.substr(0, 7)];
        m.month = at.substr(0, 7);
        auto l = initiative::parse_answer_level(level);
        if (!l) continue;
        if (*l == initiative::AnswerLevel::rule) ++m.rule;
        if (*l == initiative::AnswerLevel::course) ++m.course;
        if (*l == initiative::AnswerLevel::workshop) ++m.workshop;
      }
    });
    std::vector<TriageMonth> out;
    for (auto& [k, m] : months)
      out.push_back(m);
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

}  // namespace samskap::store
