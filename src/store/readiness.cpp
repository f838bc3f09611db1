#include "store/readiness.hpp"

#include <soci/soci.h>
#include <sodium.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "store/initiatives_internal.hpp"
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

Error missing_round() {
  return Error::not_found("readiness.error.not_found");
}

Error unknown_code() {
  return Error::not_found("readiness.error.code_unknown", "no round with this join code");
}

// `n` characters drawn uniformly from kJoinCodeAlphabet.
std::string random_chars(std::size_t n) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    out += kJoinCodeAlphabet[randombytes_uniform(
        static_cast<std::uint32_t>(kJoinCodeAlphabet.size()))];
  return out;
}

char ascii_upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

bool is_ascii_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// True for what an id from the outside may look like (ids are new_id() hex):
// anything else cannot name a row, and must not reach the database (invalid
// UTF-8 is an error on PostgreSQL, not "no such row").
bool plausible_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return is_ascii_alnum(c) || c == '-' || c == '_'; });
}

std::string today(const Clock& clock) {
  return iso_utc(clock.now()).substr(0, 10);
}

std::string oric_text(const std::array<int, readiness::kOricItems>& items) {
  std::string out;
  for (int v : items)
    out += static_cast<char>('0' + v);
  return out;
}

std::array<int, readiness::kOricItems> oric_from(const std::string& text) {
  std::array<int, readiness::kOricItems> out{};
  for (std::size_t i = 0; i < out.size() && i < text.size(); ++i) {
    const int v = text[i] - '0';
    out[i] = v >= 0 && v <= 5 ? v : 0;
  }
  return out;
}

// A round's row (without units and count), read with into().
struct RoundRow {
  std::string id, initiative, org, title, code, status, created_by, created_at, closed_at;
  int oric = 0, version = 1;
  soci::indicator closed_ind = soci::i_null;

  static constexpr const char* kSelect =
      "SELECT r.id, r.initiative_id, i.organisation_id, r.title, r.join_code, r.status, "
      "r.created_by, r.created_at, r.closed_at, r.include_oric, r.version "
      "FROM readiness_rounds r JOIN initiatives i ON i.id = r.initiative_id ";

  void bind(soci::statement& st) {
    for (std::string* f :
         {&id, &initiative, &org, &title, &code, &status, &created_by, &created_at})
      st.exchange(soci::into(*f));
    st.exchange(soci::into(closed_at, closed_ind));
    st.exchange(soci::into(oric));
    st.exchange(soci::into(version));
  }

  ReadinessRound value() const {
    ReadinessRound r;
    r.id = id;
    r.initiative_id = initiative;
    r.organisation_id = org;
    r.title = title;
    r.join_code = code;
    r.open = status == "open";
    r.include_oric = oric != 0;
    r.created_by = created_by;
    r.created_at = parse_time(created_at);
    if (closed_ind == soci::i_ok) r.closed_at = parse_time(closed_at);
    r.version = version;
    return r;
  }
};

std::vector<RoundUnit> load_units(soci::session& s, const std::string& round_id) {
  std::vector<RoundUnit> out;
  std::string r = round_id, id, name;
  int invited = 0;
  soci::indicator invited_ind = soci::i_null;
  soci::statement st =
      (s.prepare << "SELECT u.id, u.name, ru.invited FROM readiness_round_units ru JOIN units u "
                    "ON u.id = ru.unit_id WHERE ru.round_id = :r ORDER BY u.name, u.id",
       soci::use(r), soci::into(id), soci::into(name), soci::into(invited, invited_ind));
  st.execute();
  while (st.fetch())
    out.push_back(
        {id, name, invited_ind == soci::i_ok ? std::optional<int>(invited) : std::nullopt});
  return out;
}

// A round's answers, from its tallies (every answer has one 'stage' tally).
int count_answers(soci::session& s, const std::string& round_id) {
  long long n = 0;
  soci::indicator ind = soci::i_null;
  std::string r = round_id;
  s << "SELECT SUM(n) FROM readiness_tallies WHERE round_id = :r AND kind = 'stage'", soci::use(r),
      soci::into(n, ind);
  return ind == soci::i_ok ? static_cast<int>(n) : 0;
}

// The initiative's round ids oldest first: created_at, then id descending.
// The dashboard shows rounds in this order and readiness_moves pairs
// consecutive ones. (created_at is fixed-width ISO text, so text order is
// time order.)
std::vector<std::string> ordered_rounds(soci::session& s, const std::string& initiative_id) {
  std::vector<std::pair<std::string, std::string>> rows;
  std::string i = initiative_id, id, at;
  soci::statement st =
      (s.prepare << "SELECT id, created_at FROM readiness_rounds WHERE initiative_id = :i",
       soci::use(i), soci::into(id), soci::into(at));
  st.execute();
  while (st.fetch())
    rows.emplace_back(at, id);
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  std::vector<std::string> out;
  for (auto& r : rows)
    out.push_back(std::move(r.second));
  return out;
}

// ---------------------------------------------------------------- tallies
// (migrations/0008_readiness_tallies.sql)

// What one answer adds to the tallies (or takes away when replaced).
struct Counted {
  std::string staging;  // slug
  std::optional<int> importance, confidence;
  std::string unit_id;          // empty: none
  std::string participant_key;  // empty: anonymous
};

std::string ruler_value(std::optional<int> v) {
  return v ? std::to_string(*v) : std::string();
}

void tally(soci::session& s, const std::string& round_id, const char* kind,
           const std::string& value, int delta) {
  std::string r = round_id, k = kind, v = value;
  int d = delta;
  // A decrement is an UPDATE: the CHECK (n >= 0) refuses a proposed row of
  // -1 before ON CONFLICT is looked at. (The answer taken away was counted,
  // so its tally exists; the CHECK catches a count going below 0.)
  if (d < 0)
    s << "UPDATE readiness_tallies SET n = n + :d WHERE round_id = :r AND kind = :k AND value = "
         ":v",
        soci::use(d), soci::use(r), soci::use(k), soci::use(v);
  else
    s << "INSERT INTO readiness_tallies (round_id, kind, value, n) VALUES (:r, :k, :v, :d) "
         "ON CONFLICT (round_id, kind, value) DO UPDATE SET n = readiness_tallies.n + excluded.n",
        soci::use(r), soci::use(k), soci::use(v), soci::use(d);
}

void tally_move(soci::session& s, const std::string& from_round, const std::string& to_round,
                const std::string& from_staging, const std::string& to_staging, int delta) {
  std::string fr = from_round, tr = to_round, fs = from_staging, ts = to_staging;
  int d = delta;
  if (d < 0)
    s << "UPDATE readiness_moves SET n = n + :d WHERE from_round = :fr AND to_round = :tr AND "
         "from_staging = :fs AND to_staging = :ts",
        soci::use(d), soci::use(fr), soci::use(tr), soci::use(fs), soci::use(ts);
  else
    s << "INSERT INTO readiness_moves (from_round, to_round, from_staging, to_staging, n) VALUES "
         "(:fr, :tr, :fs, :ts, :d) ON CONFLICT (from_round, to_round, from_staging, to_staging) "
         "DO UPDATE SET n = readiness_moves.n + excluded.n",
        soci::use(fr), soci::use(tr), soci::use(fs), soci::use(ts), soci::use(d);
}

// The staging slug `key` answered in `round_id`, if any.
std::optional<std::string> staging_of(soci::session& s, const std::string& round_id,
                                      const std::string& key) {
  std::string r = round_id, k = key, staging;
  s << "SELECT staging FROM readiness_answers WHERE round_id = :r AND participant_key = :k",
      soci::use(r), soci::use(k), soci::into(staging);
  if (!s.got_data()) return std::nullopt;
  return staging;
}

// Adds (delta +1) or takes away (-1) answer `a` of round `round_id` in the
// tallies, and its links to the same participant's answers in the rounds
// just before and after it (`previous`, `next`; empty when none).
void count_answer(soci::session& s, const std::string& round_id, const Counted& a, int delta,
                  const std::string& previous, const std::string& next) {
  tally(s, round_id, "stage", a.staging, delta);
  tally(s, round_id, "importance", ruler_value(a.importance), delta);
  tally(s, round_id, "confidence", ruler_value(a.confidence), delta);
  tally(s, round_id, "unit", a.unit_id, delta);
  if (a.participant_key.empty()) return;
  if (!previous.empty())
    if (auto before = staging_of(s, previous, a.participant_key))
      tally_move(s, previous, round_id, *before, a.staging, delta);
  if (!next.empty())
    if (auto after = staging_of(s, next, a.participant_key))
      tally_move(s, round_id, next, a.staging, *after, delta);
}

// The round `round_id` of initiative `initiative_id`, when the caller reaches
// the initiative.
std::optional<ReadinessRound> load_round(soci::session& s, const Actor& who,
                                         const std::string& initiative_id,
                                         const std::string& round_id) {
  if (detail::reach(s, who, initiative_id) == Reach::none) return std::nullopt;
  RoundRow row;
  std::string r = round_id, i = initiative_id;
  soci::statement st(s);
  st.exchange(soci::use(r));
  st.exchange(soci::use(i));
  row.bind(st);
  st.alloc();
  st.prepare(std::string(RoundRow::kSelect) + "WHERE r.id = :r AND r.initiative_id = :i");
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) return std::nullopt;
  ReadinessRound out = row.value();
  out.units = load_units(s, out.id);
  out.answer_count = count_answers(s, out.id);
  return out;
}

bool code_taken(soci::session& s, const std::string& code, const std::string& except_round) {
  long long n = 0;
  std::string c = code, e = except_round;
  s << "SELECT COUNT(*) FROM readiness_rounds WHERE join_code = :c AND status = 'open' AND id <> "
       ":e",
      soci::use(c), soci::use(e), soci::into(n);
  return n > 0;
}

std::string free_code(soci::session& s, const std::string& except_round) {
  for (;;) {
    std::string c = new_join_code();
    if (!code_taken(s, c, except_round)) return c;
  }
}

// The round a join code names: the open one, else the newest closed one.
struct CodeRound {
  std::string id, initiative, initiative_title, title, code, status;
  int oric = 0;
};

std::optional<CodeRound> round_by_code(soci::session& s, const std::string& code) {
  CodeRound r;
  std::string c = code;
  s << "SELECT r.id, r.initiative_id, i.title, r.title, r.join_code, r.status, r.include_oric "
       "FROM readiness_rounds r JOIN initiatives i ON i.id = r.initiative_id "
       "WHERE r.join_code = :c ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END, "
       "r.created_at DESC, r.id LIMIT 1",
      soci::use(c), soci::into(r.id), soci::into(r.initiative), soci::into(r.initiative_title),
      soci::into(r.title), soci::into(r.code), soci::into(r.status), soci::into(r.oric);
  if (!s.got_data()) return std::nullopt;
  return r;
}

// Runs `attempt` up to three times while it fails on a UNIQUE violation (two
// rounds drawing the same free code, two submissions from one phone at once).
template <typename F>
void retry_unique(F&& attempt) {
  for (int i = 0;; ++i) {
    try {
      attempt();
      return;
    } catch (const std::exception& e) {
      if (i >= 2 || !detail::is_unique_violation(e)) throw;
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- codes

std::string new_join_code() {
  return random_chars(kJoinCodeLength);
}

std::string normalise_join_code(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    c = ascii_upper(c);
    if (kJoinCodeAlphabet.find(c) == std::string_view::npos) return {};
    out += c;
    if (out.size() > kJoinCodeLength) return {};
  }
  if (out.size() != kJoinCodeLength) return {};
  return out;
}

std::string new_private_code() {
  const std::string raw = random_chars(12);
  return raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4);
}

Result<std::string> participant_key(const std::string& initiative_id, std::string_view code) {
  const auto bad = [] {
    return Error::invalid("readiness.error.private_code", "not 10..64 letters, digits, hyphens");
  };
  if (code.size() < 10 || code.size() > 64) return bad();
  std::string norm;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    if (!is_ascii_alnum(c)) return bad();
    norm += ascii_upper(c);
  }
  if (norm.size() < 10) return bad();
  return token_hash(initiative_id + ":" + norm);
}

// ---------------------------------------------------------------- facilitator

Result<ReadinessRound> ReadinessRepository::create_round(const Actor& who,
                                                         const std::string& initiative_id,
                                                         const RoundDraft& draft) {
  auto title =
      clean_text(draft.title, "title", "readiness.error.title", kRoundTitleMaxBytes, true, false);
  if (!title) return std::move(title).error();
  std::set<std::string> units(draft.unit_ids.begin(), draft.unit_ids.end());
  if (units.size() > kRoundMaxUnits || draft.unit_ids.size() > 10 * kRoundMaxUnits)
    return Error::invalid("readiness.error.units", "too many units");
  for (const auto& u : units)
    if (!plausible_id(u)) return Error::invalid("readiness.error.units", "not a unit id");
  for (const auto& [u, n] : draft.invited)
    if (!units.contains(u) || n < 0 || n > kMaxInvited)
      return Error::invalid("readiness.error.invited", "head count 0..100000 of a chosen unit");
  if (!plausible_id(initiative_id)) return missing_round();
  std::optional<Error> refused;
  std::optional<ReadinessRound> out;
  try {
    retry_unique([&] {
      refused.reset();
      out.reset();
      db_.with_transaction([&](soci::session& s) {
        detail::lock_initiative(s, initiative_id);
        if (detail::reach(s, who, initiative_id) == Reach::none) {
          refused = missing_round();
          return;
        }
        std::string org;
        std::string i = initiative_id;
        s << "SELECT organisation_id FROM initiatives WHERE id = :i", soci::use(i), soci::into(org);
        for (const auto& u : units) {
          long long n = 0;
          std::string o = org, uid = u;
          s << "SELECT COUNT(*) FROM units WHERE organisation_id = :o AND id = :u", soci::use(o),
              soci::use(uid), soci::into(n);
          if (n == 0) {
            refused = Error::invalid("readiness.error.units",
                                     "a unit is not one of the initiative's organisation");
            return;
          }
        }
        const std::string id = new_id();
        std::string rid = id, t = *title, code = free_code(s, ""), by = who.user_id,
                    when = iso_utc(clock_.now());
        int oric = draft.include_oric ? 1 : 0;
        s << "INSERT INTO readiness_rounds (id, initiative_id, title, join_code, status, "
             "include_oric, created_by, created_at, closed_at, version) VALUES (:id, :i, :t, :c, "
             "'open', :o, :by, :at, NULL, 1)",
            soci::use(rid), soci::use(i), soci::use(t), soci::use(code), soci::use(oric),
            soci::use(by), soci::use(when);
        for (const auto& u : units) {
          std::string uid = u;
          auto given = draft.invited.find(u);
          int invited = given == draft.invited.end() ? 0 : given->second;
          soci::indicator invited_ind = given == draft.invited.end() ? soci::i_null : soci::i_ok;
          s << "INSERT INTO readiness_round_units (round_id, unit_id, invited) VALUES (:r, :u, "
               ":n)",
              soci::use(rid), soci::use(uid), soci::use(invited, invited_ind);
        }
        // Rounds created within the same second are ordered by id, so the
        // new round may fall between two others: they are no longer
        // consecutive, and their moves no longer count (the new round has
        // no answers, so its own pairs are empty).
        const auto order = ordered_rounds(s, initiative_id);
        const auto at = std::find(order.begin(), order.end(), id);
        if (at != order.end() && at != order.begin() && at + 1 != order.end()) {
          std::string before = *(at - 1), after = *(at + 1);
          s << "DELETE FROM readiness_moves WHERE from_round = :f AND to_round = :t",
              soci::use(before), soci::use(after);
        }
        out = load_round(s, who, initiative_id, id);
      });
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  if (!out) return missing_round();
  return *out;
}

Result<std::vector<ReadinessRound>> ReadinessRepository::rounds(const Actor& who,
                                                                const std::string& initiative_id) {
  if (!plausible_id(initiative_id)) return missing_round();
  try {
    std::optional<std::vector<ReadinessRound>> out;
    db_.with_session([&](soci::session& s) {
      if (detail::reach(s, who, initiative_id) == Reach::none) return;
      out.emplace();
      RoundRow row;
      std::string i = initiative_id;
      soci::statement st(s);
      st.exchange(soci::use(i));
      row.bind(st);
      st.alloc();
      st.prepare(std::string(RoundRow::kSelect) +
                 "WHERE r.initiative_id = :i ORDER BY r.created_at DESC, r.id");
      st.define_and_bind();
      st.execute();
      while (st.fetch())
        out->push_back(row.value());
      std::map<std::string, int> counts;
      std::string rid;
      long long n = 0;
      soci::statement cs =
          (s.prepare << "SELECT t.round_id, SUM(t.n) FROM readiness_tallies t JOIN "
                        "readiness_rounds r ON r.id = t.round_id WHERE r.initiative_id = :i "
                        "AND t.kind = 'stage' GROUP BY t.round_id",
           soci::use(i), soci::into(rid), soci::into(n));
      cs.execute();
      while (cs.fetch())
        counts[rid] = static_cast<int>(n);
      for (auto& r : *out) {
        r.units = load_units(s, r.id);
        if (auto it = counts.find(r.id); it != counts.end()) r.answer_count = it->second;
      }
    });
    if (!out) return missing_round();
    return std::move(*out);
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<ReadinessRound> ReadinessRepository::round(const Actor& who,
                                                  const std::string& initiative_id,
                                                  const std::string& round_id) {
  if (!plausible_id(initiative_id) || !plausible_id(round_id)) return missing_round();
  try {
    std::optional<ReadinessRound> out;
    db_.with_session([&](soci::session& s) { out = load_round(s, who, initiative_id, round_id); });
    if (!out) return missing_round();
    return *out;
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<ReadinessRound> ReadinessRepository::set_open(const Actor& who,
                                                     const std::string& initiative_id,
                                                     const std::string& round_id, int version,
                                                     bool open) {
  if (!plausible_id(initiative_id) || !plausible_id(round_id)) return missing_round();
  std::optional<Error> refused;
  std::optional<ReadinessRound> out;
  try {
    retry_unique([&] {
      refused.reset();
      out.reset();
      db_.with_transaction([&](soci::session& s) {
        detail::lock_initiative(s, initiative_id);
        auto current = load_round(s, who, initiative_id, round_id);
        if (!current) {
          refused = missing_round();
          return;
        }
        if (current->version != version) {
          refused = Error{ErrorCode::conflict, "readiness.error.stale",
                          "the round was changed by someone else"};
          return;
        }
        std::string r = round_id, status = open ? "open" : "closed", code = current->join_code,
                    when = iso_utc(clock_.now());
        soci::indicator closed_ind = open ? soci::i_null : soci::i_ok;
        if (open && !current->open && code_taken(s, code, round_id)) code = free_code(s, round_id);
        int ver = version;
        s << "UPDATE readiness_rounds SET status = :s, join_code = :c, closed_at = :w, "
             "version = version + 1 WHERE id = :r AND version = :v",
            soci::use(status), soci::use(code), soci::use(when, closed_ind), soci::use(r),
            soci::use(ver);
        out = load_round(s, who, initiative_id, round_id);
      });
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  if (!out) return missing_round();
  return *out;
}

Result<ReadinessRound> ReadinessRepository::set_invited(const Actor& who,
                                                        const std::string& initiative_id,
                                                        const std::string& round_id, int version,
                                                        const std::map<std::string, int>& invited) {
  if (!plausible_id(initiative_id) || !plausible_id(round_id)) return missing_round();
  const auto bad = [] {
    return Error::invalid("readiness.error.invited", "head count 0..100000 of the round's unit");
  };
  for (const auto& [u, n] : invited)
    if (!plausible_id(u) || n < 0 || n > kMaxInvited) return bad();
  std::optional<Error> refused;
  std::optional<ReadinessRound> out;
  try {
    db_.with_transaction([&](soci::session& s) {
      detail::lock_initiative(s, initiative_id);
      auto current = load_round(s, who, initiative_id, round_id);
      if (!current) {
        refused = missing_round();
        return;
      }
      if (current->version != version) {
        refused = Error{ErrorCode::conflict, "readiness.error.stale",
                        "the round was changed by someone else"};
        return;
      }
      for (const auto& [u, n] : invited)
        if (std::none_of(current->units.begin(), current->units.end(),
                         [&](const RoundUnit& ru) { return ru.id == u; })) {
          refused = bad();
          return;
        }
      std::string r = round_id;
      s << "UPDATE readiness_round_units SET invited = NULL WHERE round_id = :r", soci::use(r);
      for (const auto& [u, n] : invited) {
        std::string uid = u;
        int count = n;
        s << "UPDATE readiness_round_units SET invited = :n WHERE round_id = :r AND unit_id = :u",
            soci::use(count), soci::use(r), soci::use(uid);
      }
      int ver = version;
      s << "UPDATE readiness_rounds SET version = version + 1 WHERE id = :r AND version = :v",
          soci::use(r), soci::use(ver);
      out = load_round(s, who, initiative_id, round_id);
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  if (!out) return missing_round();
  return *out;
}

Result<std::vector<ReadinessAnswerRow>> ReadinessRepository::answers(
    const Actor& who, const std::string& initiative_id, const std::string& round_id) {
  if (!plausible_id(initiative_id) || (!round_id.empty() && !plausible_id(round_id)))
    return missing_round();
  try {
    std::optional<std::vector<ReadinessAnswerRow>> out;
    db_.with_session([&](soci::session& s) {
      if (detail::reach(s, who, initiative_id) == Reach::none) return;
      if (!round_id.empty()) {
        long long n = 0;
        std::string r = round_id, i = initiative_id;
        s << "SELECT COUNT(*) FROM readiness_rounds WHERE id = :r AND initiative_id = :i",
            soci::use(r), soci::use(i), soci::into(n);
        if (n == 0) return;
      }
      out.emplace();
      std::string i = initiative_id, r = round_id;
      std::string rid, unit, staging, oric, key, day;
      int importance = 0, confidence = 0, has_text = 0;
      soci::indicator unit_ind = soci::i_null, imp_ind = soci::i_null, conf_ind = soci::i_null,
                      key_ind = soci::i_null;
      soci::statement st(s);
      st.exchange(soci::use(i));
      if (!round_id.empty()) st.exchange(soci::use(r));
      st.exchange(soci::into(rid));
      st.exchange(soci::into(unit, unit_ind));
      st.exchange(soci::into(staging));
      st.exchange(soci::into(importance, imp_ind));
      st.exchange(soci::into(confidence, conf_ind));
      st.exchange(soci::into(oric));
      st.exchange(soci::into(key, key_ind));
      st.exchange(soci::into(day));
      st.exchange(soci::into(has_text));
      st.alloc();
      st.prepare(std::string("SELECT a.round_id, a.unit_id, a.staging, a.importance, "
                             "a.confidence, a.oric, a.participant_key, a.answered_on, "
                             "CASE WHEN a.reflection = '' THEN 0 ELSE 1 END "
                             "FROM readiness_answers a JOIN readiness_rounds r ON r.id = "
                             "a.round_id WHERE r.initiative_id = :i") +
                 (round_id.empty() ? "" : " AND a.round_id = :r") + " ORDER BY a.id");
      st.define_and_bind();
      st.execute();
      std::vector<std::string> keys;  // parallel to *out; empty when anonymous
      while (st.fetch()) {
        ReadinessAnswerRow row;
        row.round_id = rid;
        if (unit_ind == soci::i_ok) row.unit_id = unit;
        row.staging =
            readiness::parse_staging_answer(staging).value_or(readiness::StagingAnswer::no_plans);
        if (imp_ind == soci::i_ok) row.importance = importance;
        if (conf_ind == soci::i_ok) row.confidence = confidence;
        row.oric = oric_from(oric);
        if (auto d = initiative::parse_date(day)) row.answered_on = *d;
        row.has_reflection = has_text != 0;
        out->push_back(std::move(row));
        keys.push_back(key_ind == soci::i_ok ? key : std::string());
      }
      // Number the keys of the whole initiative in hash order, so a number
      // means the same person whether one round or all are asked for.
      std::map<std::string, int> number;
      std::string k;
      soci::statement ks =
          (s.prepare << "SELECT DISTINCT a.participant_key FROM readiness_answers a JOIN "
                        "readiness_rounds r ON r.id = a.round_id WHERE r.initiative_id = :i AND "
                        "a.participant_key IS NOT NULL ORDER BY a.participant_key",
           soci::use(i), soci::into(k));
      ks.execute();
      while (ks.fetch())
        number.emplace(k, static_cast<int>(number.size()) + 1);
      for (std::size_t n = 0; n < out->size(); ++n)
        if (!keys[n].empty()) (*out)[n].participant = number[keys[n]];
    });
    if (!out) return missing_round();
    return std::move(*out);
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<ReadinessCounts> ReadinessRepository::counts(const Actor& who,
                                                    const std::string& initiative_id) {
  if (!plausible_id(initiative_id)) return missing_round();
  try {
    std::optional<ReadinessCounts> out;
    db_.with_session([&](soci::session& s) {
      if (detail::reach(s, who, initiative_id) == Reach::none) return;
      ReadinessCounts c;
      const auto order = ordered_rounds(s, initiative_id);
      std::map<std::string, std::size_t> position;
      for (const auto& id : order) {
        position.emplace(id, c.rounds.size());
        c.rounds.push_back({id, {}, {}});
      }
      c.counts.rounds.resize(order.size());
      if (!order.empty()) c.counts.transitions.resize(order.size() - 1);
      std::string i = initiative_id, rid, a, b, kind, value;
      int n = 0;
      soci::indicator ind = soci::i_null;
      {
        soci::statement st =
            (s.prepare << "SELECT ru.round_id, u.id, ru.invited FROM readiness_round_units ru "
                          "JOIN units u ON u.id = ru.unit_id JOIN readiness_rounds r ON r.id = "
                          "ru.round_id WHERE r.initiative_id = :i ORDER BY u.name, u.id",
             soci::use(i), soci::into(rid), soci::into(a), soci::into(n, ind));
        st.execute();
        while (st.fetch()) {
          auto& round = c.rounds[position.at(rid)];
          round.unit_ids.push_back(a);
          round.invited.push_back(ind == soci::i_ok ? std::optional<int>(n) : std::nullopt);
        }
      }
      {
        soci::statement st =
            (s.prepare << "SELECT t.round_id, t.kind, t.value, t.n FROM readiness_tallies t JOIN "
                          "readiness_rounds r ON r.id = t.round_id WHERE r.initiative_id = :i",
             soci::use(i), soci::into(rid), soci::into(kind), soci::into(value), soci::into(n));
        st.execute();
        while (st.fetch()) {
          auto& rc = c.counts.rounds[position.at(rid)];
          if (kind == "stage") {
            const auto st_ = readiness::stage_for(readiness::parse_staging_answer(value).value_or(
                readiness::StagingAnswer::no_plans));
            rc.stages[static_cast<std::size_t>(readiness::index(st_))] += n;
          } else if (kind == "importance" || kind == "confidence") {
            auto& counts = kind == "importance" ? rc.importance : rc.confidence;
            int v = -1;
            if (!value.empty() && value.size() <= 2 &&
                std::all_of(value.begin(), value.end(),
                            [](char ch) { return ch >= '0' && ch <= '9'; }))
              v = std::stoi(value);
            counts[v >= 0 && v <= 10 ? static_cast<std::size_t>(v) : readiness::kRulerSkipped] += n;
          } else if (kind == "unit") {
            if (n != 0) rc.units[value] += n;
          }
        }
      }
      {
        std::string from_staging, to_staging;
        soci::statement st =
            (s.prepare << "SELECT m.from_round, m.to_round, m.from_staging, m.to_staging, m.n "
                          "FROM readiness_moves m JOIN readiness_rounds r ON r.id = m.from_round "
                          "WHERE r.initiative_id = :i",
             soci::use(i), soci::into(a), soci::into(b), soci::into(from_staging),
             soci::into(to_staging), soci::into(n));
        st.execute();
        while (st.fetch()) {
          const auto k = position.at(a);
          if (k + 1 >= order.size() || order[k + 1] != b) continue;  // not consecutive
          const auto stage = [](const std::string& slug) {
            return static_cast<std::size_t>(readiness::index(
                readiness::stage_for(readiness::parse_staging_answer(slug).value_or(
                    readiness::StagingAnswer::no_plans))));
          };
          c.counts.transitions[k][stage(from_staging)][stage(to_staging)] += n;
        }
      }
      out = std::move(c);
    });
    if (!out) return missing_round();
    return std::move(*out);
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<std::vector<std::string>> ReadinessRepository::reflections(const Actor& who,
                                                                  const std::string& initiative_id,
                                                                  int min_group) {
  if (!plausible_id(initiative_id)) return missing_round();
  try {
    std::optional<std::vector<std::string>> out;
    db_.with_session([&](soci::session& s) {
      if (detail::reach(s, who, initiative_id) == Reach::none) return;
      out.emplace();
      std::string i = initiative_id;
      long long n = 0, largest = 0;
      soci::statement cs =
          (s.prepare << "SELECT SUM(t.n) FROM readiness_tallies t JOIN readiness_rounds r ON r.id "
                        "= t.round_id WHERE r.initiative_id = :i AND t.kind = 'stage' GROUP BY "
                        "t.round_id",
           soci::use(i), soci::into(n));
      cs.execute();
      while (cs.fetch())
        largest = std::max(largest, n);
      if (largest < readiness::effective_min_group(min_group)) return;
      std::string text;
      soci::statement st =
          (s.prepare << "SELECT a.reflection FROM readiness_answers a JOIN readiness_rounds r ON "
                        "r.id = a.round_id WHERE r.initiative_id = :i AND a.reflection <> ''",
           soci::use(i), soci::into(text));
      st.execute();
      while (st.fetch())
        out->push_back(text);
      std::sort(out->begin(), out->end());
    });
    if (!out) return missing_round();
    return std::move(*out);
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

// ---------------------------------------------------------------- participant

Result<PublicRound> ReadinessRepository::public_round(std::string_view join_code) {
  const std::string code = normalise_join_code(join_code);
  if (code.empty()) return unknown_code();
  try {
    std::optional<PublicRound> out;
    db_.with_session([&](soci::session& s) {
      auto r = round_by_code(s, code);
      if (!r) return;
      PublicRound p;
      p.join_code = r->code;
      p.title = r->title;
      p.initiative_title = r->initiative_title;
      p.units = load_units(s, r->id);
      p.include_oric = r->oric != 0;
      p.open = r->status == "open";
      out = std::move(p);
    });
    if (!out) return unknown_code();
    return std::move(*out);
  } catch (const std::exception& e) {
    return db_error(e);
  }
}

Result<Submitted> ReadinessRepository::submit(std::string_view join_code,
                                              const Submission& answer) {
  // Everything that needs no database first.
  const std::string code = normalise_join_code(join_code);
  if (code.empty()) return unknown_code();
  if (!answer.staging) return Error::invalid("readiness.error.staging", "staging is required");
  for (const auto& v : {answer.importance, answer.confidence})
    if (v && (*v < 0 || *v > 10)) return Error::invalid("readiness.error.ruler", "ruler 0..10");
  bool any_oric = false;
  for (int v : answer.oric) {
    if (v < 0 || v > 5) return Error::invalid("readiness.error.oric", "ORIC items are 0..5");
    any_oric = any_oric || v != 0;
  }
  auto text = clean_text(answer.reflection, "reflection", "readiness.error.text",
                         kReflectionMaxBytes, false, true);
  if (!text) return std::move(text).error();
  if (!answer.unit_id.empty() && !plausible_id(answer.unit_id))
    return Error::invalid("readiness.error.unit", "not a unit id");
  if (answer.device_token.size() > kDeviceTokenMaxBytes)
    return Error::invalid("readiness.error.device", "device token too long");
  if (!answer.private_code.empty()) {
    auto checked = participant_key("", answer.private_code);  // the format only
    if (!checked) return std::move(checked).error();
  }

  std::optional<Error> refused;
  std::optional<Submitted> out;
  try {
    retry_unique([&] {
      refused.reset();
      out.reset();
      db_.with_transaction([&](soci::session& s) {
        // Take the initiative's write lock first (see detail::lock_initiative):
        // the tallies link answers across its rounds, so two answers of one
        // initiative must not be counted at the same time (PostgreSQL; a
        // SQLite transaction holds the write lock from its start). Then read
        // the round again: a reopened round may have taken a new code.
        auto r = round_by_code(s, code);
        if (!r) {
          refused = unknown_code();
          return;
        }
        detail::lock_initiative(s, r->initiative);
        for (std::string locked = r->initiative;;) {
          r = round_by_code(s, code);
          if (!r) {
            refused = unknown_code();
            return;
          }
          if (r->initiative == locked) break;
          locked = r->initiative;
          detail::lock_initiative(s, locked);
        }
        if (r->status != "open") {
          refused = Error{ErrorCode::conflict, "readiness.error.round_closed", "round is closed"};
          return;
        }
        if (any_oric && r->oric == 0) {
          refused = Error::invalid("readiness.error.oric", "this round does not ask ORIC");
          return;
        }
        if (!answer.unit_id.empty()) {
          long long n = 0;
          std::string rid = r->id, u = answer.unit_id;
          s << "SELECT COUNT(*) FROM readiness_round_units WHERE round_id = :r AND unit_id = :u",
              soci::use(rid), soci::use(u), soci::into(n);
          if (n == 0) {
            refused = Error::invalid("readiness.error.unit", "unit is not one of the round's");
            return;
          }
        }
        std::string pkey, dkey;
        if (!answer.private_code.empty())
          pkey = *participant_key(r->initiative, answer.private_code);
        if (!answer.device_token.empty()) dkey = token_hash(r->id + ":" + answer.device_token);

        Submitted result;
        std::string rid = r->id;
        // The rounds just before and after this one, for the moves.
        std::string previous, next;
        {
          const auto order = ordered_rounds(s, r->initiative);
          const auto at = std::find(order.begin(), order.end(), rid);
          if (at != order.end() && at != order.begin()) previous = *(at - 1);
          if (at != order.end() && at + 1 != order.end()) next = *(at + 1);
        }
        // Replace an earlier answer with the same private code or from the
        // same phone (one or two rows): take each out of the tallies first.
        {
          std::vector<std::pair<std::string, Counted>> earlier;
          std::string id, unit, staging, key, pk = pkey, dk = dkey;
          int importance = 0, confidence = 0;
          soci::indicator unit_ind = soci::i_null, imp_ind = soci::i_null, conf_ind = soci::i_null,
                          key_ind = soci::i_null;
          // An absent key is '' here, which no stored key equals.
          soci::statement st =
              (s.prepare << "SELECT id, unit_id, staging, importance, confidence, participant_key "
                            "FROM readiness_answers WHERE round_id = :r AND (participant_key = "
                            ":pk OR device_key = :dk)",
               soci::use(rid), soci::use(pk), soci::use(dk), soci::into(id),
               soci::into(unit, unit_ind), soci::into(staging), soci::into(importance, imp_ind),
               soci::into(confidence, conf_ind), soci::into(key, key_ind));
          st.execute();
          while (st.fetch())
            earlier.push_back(
                {id,
                 {staging, imp_ind == soci::i_ok ? std::optional<int>(importance) : std::nullopt,
                  conf_ind == soci::i_ok ? std::optional<int>(confidence) : std::nullopt,
                  unit_ind == soci::i_ok ? unit : std::string(),
                  key_ind == soci::i_ok ? key : std::string()}});
          for (auto& [old_id, old] : earlier) {
            result.replaced = true;
            s << "DELETE FROM readiness_answers WHERE id = :id", soci::use(old_id);
            count_answer(s, rid, old, -1, previous, next);
          }
        }

        std::string id = new_id(), unit = answer.unit_id, staging(readiness::slug(*answer.staging)),
                    reflection = *text, oric = oric_text(answer.oric), day = today(clock_);
        int importance = answer.importance.value_or(0), confidence = answer.confidence.value_or(0);
        soci::indicator unit_ind = unit.empty() ? soci::i_null : soci::i_ok;
        soci::indicator imp_ind = answer.importance ? soci::i_ok : soci::i_null;
        soci::indicator conf_ind = answer.confidence ? soci::i_ok : soci::i_null;
        soci::indicator pkey_ind = pkey.empty() ? soci::i_null : soci::i_ok;
        soci::indicator dkey_ind = dkey.empty() ? soci::i_null : soci::i_ok;
        s << "INSERT INTO readiness_answers (id, round_id, unit_id, staging, importance, "
             "confidence, reflection, oric, participant_key, device_key, answered_on) VALUES "
             "(:id, :r, :u, :st, :im, :co, :re, :or, :pk, :dk, :day)",
            soci::use(id), soci::use(rid), soci::use(unit, unit_ind), soci::use(staging),
            soci::use(importance, imp_ind), soci::use(confidence, conf_ind), soci::use(reflection),
            soci::use(oric), soci::use(pkey, pkey_ind), soci::use(dkey, dkey_ind), soci::use(day);
        count_answer(s, rid, {staging, answer.importance, answer.confidence, unit, pkey}, +1,
                     previous, next);
        result.staging =
            readiness::stage_of({answer.staging, answer.importance, answer.confidence});
        out = std::move(result);
      });
    });
  } catch (const std::exception& e) {
    return db_error(e);
  }
  if (refused) return *refused;
  if (!out) return unknown_code();
  return *out;
}

}  // namespace samskap::store
