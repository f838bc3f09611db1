#include "store/mi_analyses.hpp"

#include <soci/soci.h>
#include <algorithm>

#include "core/credentials.hpp"
#include "store/repository_support.hpp"
#include "store/sql_time.hpp"

namespace samskap::store {

namespace {

using detail::has_control;
using detail::new_id;
using detail::trim;

Error not_found() {
  return Error::not_found("mi.saved.error.not_found");
}

// A figure that may be missing, as a bound value and its indicator.
struct Optional {
  double value = 0;
  soci::indicator ind = soci::i_null;
  explicit Optional(std::optional<double> v) {
    if (v) {
      value = *v;
      ind = soci::i_ok;
    }
  }
  Optional() = default;
  std::optional<double> get() const {
    return ind == soci::i_ok ? std::optional<double>(value) : std::nullopt;
  }
};

constexpr const char* kColumns =
    "id, organisation_id, user_id, title, created_at, language, language_choice, facilitator, "
    "utterances, reflection_to_question, percent_complex, percent_open, adherent, non_adherent, "
    "change_talk, sustain_talk";

}  // namespace

Result<MiAnalysis> MiAnalysisRepository::save(const std::string& org, const std::string& user,
                                              const NewMiAnalysis& in) {
  MiAnalysis a;
  a.title = trim(in.title);
  if (a.title.empty() || a.title.size() > 200 || !is_valid_utf8(a.title) || has_control(a.title))
    return Error::invalid("mi.saved.error.title", "the title must be 1-200 bytes of text");
  if (in.transcript.size() > kMaxMiTranscriptBytes)
    return Error{ErrorCode::too_large, "mi.saved.error.transcript_too_large",
                 "the transcript is over 2 MiB"};
  if (trim(in.transcript).empty() || !is_valid_utf8(in.transcript))
    return Error::invalid("mi.saved.error.transcript", "the transcript is empty or not UTF-8");
  if ((in.language != "nb" && in.language != "en") ||
      (in.language_choice != "auto" && in.language_choice != "nb" && in.language_choice != "en"))
    return Error::invalid("mi.saved.error.language", "unknown language");
  a.facilitator = trim(in.facilitator).substr(0, 200);
  if (!is_valid_utf8(a.facilitator) || has_control(a.facilitator)) a.facilitator.clear();

  a.id = new_id();
  a.organisation_id = org;
  a.user_id = user;
  a.created_at = clock_.now();
  a.language = in.language;
  a.language_choice = in.language_choice;
  a.transcript = in.transcript;
  a.figures = in.figures;
  try {
    std::optional<Error> err;
    db_.with_transaction([&](soci::session& s) {
      long long users = 0, mine = 0;
      s << "SELECT COUNT(*) FROM users WHERE id = :u AND organisation_id = :o", soci::use(user),
          soci::use(org), soci::into(users);
      if (users == 0) {
        err = Error::not_found("account.error.user_unknown");
        return;
      }
      s << "SELECT COUNT(*) FROM mi_analyses WHERE organisation_id = :o AND user_id = :u",
          soci::use(org), soci::use(user), soci::into(mine);
      if (mine >= static_cast<long long>(kMaxMiAnalysesPerUser)) {
        err = Error{ErrorCode::conflict, "mi.saved.error.too_many",
                    "the user has the most saved analyses allowed"};
        return;
      }
      const std::string when = iso_utc(a.created_at);
      Optional rq(a.figures.reflection_to_question), pc(a.figures.percent_complex),
          po(a.figures.percent_open);
      const MiFigures& f = a.figures;
      s << "INSERT INTO mi_analyses (id, organisation_id, user_id, title, created_at, language, "
           "language_choice, facilitator, transcript, utterances, reflection_to_question, "
           "percent_complex, percent_open, adherent, non_adherent, change_talk, sustain_talk) "
           "VALUES (:id, :o, :u, :t, :c, :l, :lc, :f, :tr, :n, :rq, :pc, :po, :ad, :na, :ct, :st)",
          soci::use(a.id), soci::use(org), soci::use(user), soci::use(a.title), soci::use(when),
          soci::use(a.language), soci::use(a.language_choice), soci::use(a.facilitator),
          soci::use(a.transcript), soci::use(f.utterances), soci::use(rq.value, rq.ind),
          soci::use(pc.value, pc.ind), soci::use(po.value, po.ind), soci::use(f.adherent),
          soci::use(f.non_adherent), soci::use(f.change_talk), soci::use(f.sustain_talk);
    });
    if (err) return *err;
    a.created_at = detail::parse_time(iso_utc(a.created_at));  // as stored: whole seconds
    return a;
  } catch (const std::exception& e) {
    return detail::db_error(e);
  }
}

Result<std::vector<MiAnalysis>> MiAnalysisRepository::select(const std::string& org,
                                                             const std::string& user,
                                                             bool with_transcript) {
  try {
    std::vector<MiAnalysis> out;
    db_.with_session([&](soci::session& s) {
      MiAnalysis a;
      std::string created;
      Optional rq, pc, po;
      std::string sql = std::string("SELECT ") + kColumns +
                        (with_transcript ? ", transcript" : ", '' AS transcript") +
                        " FROM mi_analyses WHERE organisation_id = :o AND user_id = :u "
                        "ORDER BY created_at, id";
      soci::statement st =
          (s.prepare << sql, soci::use(org), soci::use(user), soci::into(a.id),
           soci::into(a.organisation_id), soci::into(a.user_id), soci::into(a.title),
           soci::into(created), soci::into(a.language), soci::into(a.language_choice),
           soci::into(a.facilitator), soci::into(a.figures.utterances),
           soci::into(rq.value, rq.ind), soci::into(pc.value, pc.ind), soci::into(po.value, po.ind),
           soci::into(a.figures.adherent), soci::into(a.figures.non_adherent),
           soci::into(a.figures.change_talk), soci::into(a.figures.sustain_talk),
           soci::into(a.transcript));
      st.execute();
      while (st.fetch()) {
        MiAnalysis row = a;
        row.created_at = detail::parse_time(created);
        row.figures.reflection_to_question = rq.get();
        row.figures.percent_complex = pc.get();
        row.figures.percent_open = po.get();
        out.push_back(std::move(row));
      }
    });
    return out;
  } catch (const std::exception& e) {
    return detail::db_error(e);
  }
}

Result<std::vector<MiAnalysis>> MiAnalysisRepository::list(const std::string& org,
                                                           const std::string& user) {
  return select(org, user, false);
}

Result<std::vector<MiAnalysis>> MiAnalysisRepository::export_all(const std::string& org,
                                                                 const std::string& user) {
  return select(org, user, true);
}

Result<MiAnalysis> MiAnalysisRepository::get(const std::string& org, const std::string& user,
                                             const std::string& id) {
  if (id.empty() || id.size() > 64) return not_found();
  try {
    std::optional<MiAnalysis> found;
    db_.with_session([&](soci::session& s) {
      MiAnalysis a;
      std::string created;
      Optional rq, pc, po;
      soci::statement st =
          (s.prepare << std::string("SELECT ") + kColumns +
                            ", transcript FROM mi_analyses WHERE id = :id AND organisation_id = "
                            ":o AND user_id = :u",
           soci::use(id), soci::use(org), soci::use(user), soci::into(a.id),
           soci::into(a.organisation_id), soci::into(a.user_id), soci::into(a.title),
           soci::into(created), soci::into(a.language), soci::into(a.language_choice),
           soci::into(a.facilitator), soci::into(a.figures.utterances),
           soci::into(rq.value, rq.ind), soci::into(pc.value, pc.ind), soci::into(po.value, po.ind),
           soci::into(a.figures.adherent), soci::into(a.figures.non_adherent),
           soci::into(a.figures.change_talk), soci::into(a.figures.sustain_talk),
           soci::into(a.transcript));
      st.execute();
      if (st.fetch()) {
        a.created_at = detail::parse_time(created);
        a.figures.reflection_to_question = rq.get();
        a.figures.percent_complex = pc.get();
        a.figures.percent_open = po.get();
        found = std::move(a);
      }
    });
    if (!found) return not_found();
    return std::move(*found);
  } catch (const std::exception& e) {
    return detail::db_error(e);
  }
}

Status MiAnalysisRepository::remove(const std::string& org, const std::string& user,
                                    const std::string& id) {
  if (id.empty() || id.size() > 64) return not_found();
  try {
    long long n = 0;
    db_.with_session([&](soci::session& s) {
      soci::statement st = (s.prepare << "DELETE FROM mi_analyses WHERE id = :id AND "
                                         "organisation_id = :o AND user_id = :u",
                            soci::use(id), soci::use(org), soci::use(user));
      st.execute(true);
      n = st.get_affected_rows();
    });
    if (n == 0) return not_found();
    return ok_status();
  } catch (const std::exception& e) {
    return detail::db_error(e);
  }
}

Result<long long> MiAnalysisRepository::remove_all(const std::string& org,
                                                   const std::string& user) {
  try {
    long long n = 0;
    db_.with_session([&](soci::session& s) {
      soci::statement st =
          (s.prepare << "DELETE FROM mi_analyses WHERE organisation_id = :o AND user_id = :u",
           soci::use(org), soci::use(user));
      st.execute(true);
      n = st.get_affected_rows();
    });
    return n;
  } catch (const std::exception& e) {
    return detail::db_error(e);
  }
}

}  // namespace samskap::store
