#pragma once
// Internal to the initiative repositories (initiatives.cpp,
// initiative_parts.cpp, requests.cpp): access checks and value conversions.

#include <soci/soci.h>

#include <optional>
#include <string>

#include "core/initiative.hpp"
#include "store/initiatives.hpp"

namespace samskap::store::detail {

// How the caller reaches an initiative.
enum class Reach { none, owner, collaborator };

// Whether `who` may see initiative `id`: its organisation's members, or an
// invited collaborator.
Reach reach(soci::session& s, const Actor& who, const std::string& id);

// The first statement of every writing transaction on an initiative or its
// parts: a no-op UPDATE of the initiative's row. On SQLite a transaction that
// reads first and writes later fails at once (SQLITE_BUSY, no busy wait) when
// another writer committed in between, so concurrent edits would end as
// "database unavailable" instead of one success and conflicts; taking the
// write lock first makes them wait their turn. On PostgreSQL it locks the
// row, so writers of one initiative queue. Harmless for an unknown id.
void lock_initiative(soci::session& s, const std::string& id);

// invalid_input "initiative.error.date_invalid" naming `field` when `d` is
// not a real day in 1900..2199 (what initiative::parse_date accepts).
std::optional<Error> invalid_date(const initiative::Date& d, std::string_view field);
std::optional<Error> invalid_date(const std::optional<initiative::Date>& d, std::string_view field);

// Sets the initiative's updated_at after a change to one of its parts (so the
// overview's "last changed" is right). The version stays: a new goal does not
// make someone's open edit of the title stale.
void touch_initiative(soci::session& s, const std::string& id, const std::string& when);

// Dates as stored: ISO text, empty for none.
std::string date_text(const std::optional<initiative::Date>& d);
std::optional<initiative::Date> date_from(const std::string& text);

// The conflict error of a stale version.
Error stale(std::string_view what);

// The error for an object that is missing or out of reach.
Error missing();

}  // namespace samskap::store::detail
