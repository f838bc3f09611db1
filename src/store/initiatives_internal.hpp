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
