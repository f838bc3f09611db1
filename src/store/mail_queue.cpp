#include "store/mail_queue.hpp"

#include <soci/soci.h>

#include "store/repository_support.hpp"
#include "store/sql_time.hpp"

namespace samskap::store {

using detail::db_error;
using detail::new_id;
using detail::parse_time;

std::string_view to_string(MailKind k) noexcept {
  switch (k) {
    case MailKind::invitation:
      return "invitation";
    case MailKind::password_reset:
      return "password_reset";
    case MailKind::collaborator:
      return "collaborator";
    case MailKind::setup:
      return "setup";
  }
  return "invitation";
}

namespace {

constexpr const char* kColumns =
    "id, COALESCE(organisation_id, ''), COALESCE(user_id, ''), kind, to_address, subject, body, "
    "status, attempts, COALESCE(last_error, ''), created_at, next_attempt_at";

struct Row {
  QueuedMail m;
  std::string created, next;
};

// SELECT kColumns … with one parameter, `param`.
soci::statement select_rows(soci::session& s, const std::string& sql, Row& r, std::string& param) {
  soci::statement st =
      (s.prepare << sql, soci::use(param), soci::into(r.m.id), soci::into(r.m.organisation_id),
       soci::into(r.m.user_id), soci::into(r.m.kind), soci::into(r.m.to), soci::into(r.m.subject),
       soci::into(r.m.body), soci::into(r.m.status), soci::into(r.m.attempts),
       soci::into(r.m.last_error), soci::into(r.created), soci::into(r.next));
  return st;
}

QueuedMail finish(Row& r) {
  QueuedMail m = r.m;
  m.created_at = parse_time(r.created);
  m.next_attempt_at = parse_time(r.next);
  return m;
}

bool has_line_break(const std::string& s) {
  return s.find_first_of("\r\n") != std::string::npos;
}

// One line of at most 500 bytes, for the users page.
std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  if (s.size() > 500) s.resize(500);
  return s;
}

}  // namespace

std::chrono::seconds MailQueue::backoff(int attempts) noexcept {
  static constexpr int kMinutes[] = {1, 2, 5, 10, 30, 60, 120};
  int i = std::max(0, std::min(attempts - 1, 6));
  return std::chrono::minutes(kMinutes[i]);
}

Result<std::string> MailQueue::enqueue(const MailDraft& d) {
  if (d.to.empty() || d.to.size() > 320 || has_line_break(d.to))
    return Error::invalid("error.mail", "mail: the recipient must be one address on one line");
  if (d.subject.empty() || d.subject.size() > 998 || has_line_break(d.subject))
    return Error::invalid("error.mail", "mail: the subject must be one line");
  if (d.body.size() > kMaxBodyBytes)
    return Error{ErrorCode::too_large, "error.mail", "mail: the body is over 64 KiB"};
  try {
    std::string id = new_id();
    const std::string now = iso_utc(clock_.now());
    std::string kind(to_string(d.kind));
    soci::indicator org_ind = d.organisation_id.empty() ? soci::i_null : soci::i_ok;
    soci::indicator user_ind = d.user_id.empty() ? soci::i_null : soci::i_ok;
    db_.with_session([&](soci::session& s) {
      s << "INSERT INTO mail_queue (id, organisation_id, user_id, kind, to_address, subject, "
           "body, status, attempts, next_attempt_at, created_at) VALUES (:id, :o, :u, :k, :t, "
           ":s, :b, 'queued', 0, :n, :c)",
          soci::use(id), soci::use(d.organisation_id, org_ind), soci::use(d.user_id, user_ind),
          soci::use(kind), soci::use(d.to), soci::use(d.subject), soci::use(d.body), soci::use(now),
          soci::use(now);
    });
    return id;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<QueuedMail>> MailQueue::claim(const std::string& node, std::size_t limit,
                                                 std::chrono::seconds lease) {
  try {
    std::vector<QueuedMail> out;
    const auto now_t = clock_.now();
    const std::string now = iso_utc(now_t);
    const std::string until = iso_utc(now_t + lease);
    std::vector<std::string> due;
    db_.with_session([&](soci::session& s) {
      std::string id;
      int n = static_cast<int>(std::min<std::size_t>(limit, 100));
      soci::statement st =
          (s.prepare << "SELECT id FROM mail_queue WHERE status = 'queued' AND next_attempt_at "
                        "<= :now AND (claimed_until IS NULL OR claimed_until < :now2) ORDER BY "
                        "next_attempt_at, id LIMIT :n",
           soci::use(now), soci::use(now), soci::use(n), soci::into(id));
      st.execute();
      while (st.fetch())
        due.push_back(id);
    });
    for (const auto& id : due) {
      db_.with_session([&](soci::session& s) {
        std::string i = id, nd = node, u = until, n1 = now, n2 = now;
        // The conditions of the SELECT again: of two nodes that saw the same
        // row, only the first UPDATE matches it.
        soci::statement up =
            (s.prepare << "UPDATE mail_queue SET claimed_by = :node, claimed_until = :until, "
                          "attempts = attempts + 1 WHERE id = :id AND status = 'queued' AND "
                          "next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until < "
                          ":now2)",
             soci::use(nd), soci::use(u), soci::use(i), soci::use(n1), soci::use(n2));
        up.execute(true);
        if (up.get_affected_rows() != 1) return;
        Row r;
        auto st = select_rows(
            s, std::string("SELECT ") + kColumns + " FROM mail_queue WHERE id = :id", r, i);
        st.execute(true);
        if (st.got_data()) out.push_back(finish(r));
      });
    }
    return out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status MailQueue::mark_sent(const std::string& id, const std::string& node) {
  try {
    bool found = false;
    const std::string now = iso_utc(clock_.now());
    db_.with_session([&](soci::session& s) {
      std::string i = id, nd = node, n = now;
      soci::statement up =
          (s.prepare << "UPDATE mail_queue SET status = 'sent', body = '', sent_at = :now, "
                        "claimed_by = NULL, claimed_until = NULL, last_error = NULL WHERE id = "
                        ":id AND claimed_by = :node AND status = 'queued'",
           soci::use(n), soci::use(i), soci::use(nd));
      up.execute(true);
      found = up.get_affected_rows() == 1;
    });
    if (!found) return Error{ErrorCode::not_found, "error.not_found", "mail: claim lost"};
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Status MailQueue::mark_failed(const std::string& id, const std::string& node,
                              const std::string& error, bool permanent) {
  try {
    bool found = false;
    const auto now_t = clock_.now();
    db_.with_transaction([&](soci::session& s) {
      int attempts = 0;
      std::string i = id, nd = node;
      s << "SELECT attempts FROM mail_queue WHERE id = :id AND claimed_by = :node AND status = "
           "'queued'",
          soci::use(i), soci::use(nd), soci::into(attempts);
      if (!s.got_data()) return;
      found = true;
      std::string status = permanent || attempts >= kMaxAttempts ? "failed" : "queued";
      std::string next = iso_utc(now_t + backoff(attempts));
      std::string err = one_line(error);
      s << "UPDATE mail_queue SET status = :st, next_attempt_at = :n, last_error = :e, "
           "claimed_by = NULL, claimed_until = NULL WHERE id = :id",
          soci::use(status), soci::use(next), soci::use(err), soci::use(i);
    });
    if (!found) return Error{ErrorCode::not_found, "error.not_found", "mail: claim lost"};
    return ok_status();
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

namespace {

// Every message matching `where` (with one parameter), newest first.
std::vector<QueuedMail> list_where(Database& db, const std::string& where, std::string param) {
  std::vector<QueuedMail> out;
  db.with_session([&](soci::session& s) {
    Row r;
    auto st = select_rows(s,
                          std::string("SELECT ") + kColumns + " FROM mail_queue WHERE " + where +
                              " ORDER BY created_at DESC, id",
                          r, param);
    st.execute();
    while (st.fetch())
      out.push_back(finish(r));
  });
  return out;
}

}  // namespace

Result<std::vector<QueuedMail>> MailQueue::problems(const std::string& organisation_id) {
  try {
    auto out =
        list_where(db_, "organisation_id = :o AND status <> 'sent' AND last_error IS NOT NULL",
                   organisation_id);
    // The newest per recipient.
    std::vector<QueuedMail> latest;
    for (auto& m : out) {
      bool seen = false;
      for (const auto& l : latest)
        seen |= l.user_id == m.user_id && l.to == m.to;
      if (!seen) latest.push_back(std::move(m));
    }
    return latest;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<QueuedMail>> MailQueue::to_address(const std::string& to) {
  try {
    return list_where(db_, "to_address = :t", to);
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

}  // namespace samskap::store
