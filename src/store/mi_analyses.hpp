#pragma once
// Saved MI conversation analyses (issue 7): private to their author.
//
// Contract
// - Every method takes the caller's organisation and user. An analysis of
//   another user, in the same or another organisation, is not_found
//   ("mi.saved.error.not_found") — never "forbidden", so ids reveal nothing.
// - Saving is the user's explicit choice (the web page asks); the repository
//   stores the transcript as given, with the summary figures beside it for
//   the trend. Limits: title 1–200 bytes of text (trimmed, no control
//   characters), transcript 1 byte – 2 MiB of UTF-8, at most
//   kMaxMiAnalysesPerUser analyses per user (conflict
//   "mi.saved.error.too_many").
// - remove_all() is what anonymising a user calls: afterwards nothing of the
//   user's transcripts is left.
// - Every call blocks (database); call from a worker thread. Thread-safe as
//   the Database is.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace samskap::store {

inline constexpr std::size_t kMaxMiAnalysesPerUser = 1000;
inline constexpr std::size_t kMaxMiTranscriptBytes = 2 * 1024 * 1024;

// The summary figures kept for the trend (see core/miti.hpp for their meaning).
struct MiFigures {
  std::optional<double> reflection_to_question;  // nullopt: no questions
  std::optional<double> percent_complex;         // 0–100; nullopt: no reflections
  std::optional<double> percent_open;            // 0–100; nullopt: no questions
  int adherent = 0;
  int non_adherent = 0;
  int change_talk = 0;
  int sustain_talk = 0;
  int utterances = 0;
};

// What the web page hands over when the user saves.
struct NewMiAnalysis {
  std::string title;
  std::string language;         // "nb" or "en": the language analysed
  std::string language_choice;  // "auto", "nb" or "en": what the user asked for
  std::string facilitator;      // the facilitator override; empty: automatic
  std::string transcript;
  MiFigures figures;
};

// One saved analysis. `transcript` is empty in list() results.
struct MiAnalysis {
  std::string id;
  std::string organisation_id;
  std::string user_id;
  std::string title;
  SystemTime created_at;
  std::string language;
  std::string language_choice;
  std::string facilitator;
  std::string transcript;
  MiFigures figures;
};

class MiAnalysisRepository {
 public:
  // Borrows both; they must outlive the repository.
  MiAnalysisRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores a new analysis owned by (org, user) and returns it with its id.
  // Errors: invalid_input (mi.saved.error.title, mi.saved.error.transcript,
  // mi.saved.error.language), too_large (mi.saved.error.transcript_too_large),
  // conflict (mi.saved.error.too_many), not_found (no such user in org),
  // unavailable.
  Result<MiAnalysis> save(const std::string& org, const std::string& user,
                          const NewMiAnalysis& analysis);

  // The user's analyses without their transcripts, oldest first (the order
  // of a trend).
  Result<std::vector<MiAnalysis>> list(const std::string& org, const std::string& user);

  // One analysis with its transcript.
  Result<MiAnalysis> get(const std::string& org, const std::string& user, const std::string& id);

  // Every analysis with its transcript, oldest first: the personal-data export.
  Result<std::vector<MiAnalysis>> export_all(const std::string& org, const std::string& user);

  // Deletes one. not_found when it is not the user's.
  Status remove(const std::string& org, const std::string& user, const std::string& id);

  // Deletes all of the user's analyses; returns how many.
  Result<long long> remove_all(const std::string& org, const std::string& user);

 private:
  Result<std::vector<MiAnalysis>> select(const std::string& org, const std::string& user,
                                         bool with_transcript);
  Database& db_;
  const Clock& clock_;
};

}  // namespace samskap::store
