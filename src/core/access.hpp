#pragma once
// Roles and permissions: the one permission table of the product.
// docs/permissions.md shows the same table for people; a unit test keeps the
// two in step.

#include <optional>
#include <string_view>

namespace samskap {

// Roles inside an organisation. Operators act through the CLI, not a role.
enum class Role {
  administrator,    // manages the organisation's users, units and settings
  prosessveileder,  // facilitator: runs initiatives, check-ins and workshops
  leder,            // leader: owns initiatives of their units, sees results
  deltaker,         // participant: answers, sees their own data
};

enum class Permission {
  manage_users,          // invite, change role, disable, delete or anonymise users
  manage_units,          // create and rename units
  view_audit_log,        // read the organisation's audit log
  manage_initiatives,    // create and edit initiatives, requests, rounds, workshops
  view_results,          // see aggregated results (always subject to the minimum group size)
  invite_collaborators,  // invite a facilitator of another organisation into one initiative
  use_own_account,       // see and export one's own data, change password, log out everywhere
};

// True when `role` has `permission`. Total over both enums.
bool allows(Role role, Permission permission) noexcept;

// Stable, lower-case names ("prosessveileder") used in the database and forms.
std::string_view to_string(Role role) noexcept;
std::optional<Role> parse_role(std::string_view text) noexcept;

}  // namespace samskap
