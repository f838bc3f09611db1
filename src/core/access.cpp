#include "core/access.hpp"

namespace samskap {

bool allows(Role role, Permission p) noexcept {
  switch (p) {
    case Permission::use_own_account:
      return true;
    case Permission::manage_users:
    case Permission::manage_units:
    case Permission::view_audit_log:
      return role == Role::administrator;
    case Permission::manage_initiatives:
    case Permission::invite_collaborators:
      return role == Role::administrator || role == Role::prosessveileder || role == Role::leder;
    case Permission::view_results:
      return role == Role::administrator || role == Role::prosessveileder || role == Role::leder;
  }
  return false;
}

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::administrator:
      return "administrator";
    case Role::prosessveileder:
      return "prosessveileder";
    case Role::leder:
      return "leder";
    case Role::deltaker:
      return "deltaker";
  }
  return "deltaker";
}

std::optional<Role> parse_role(std::string_view t) noexcept {
  for (Role r : {Role::administrator, Role::prosessveileder, Role::leder, Role::deltaker})
    if (t == to_string(r)) return r;
  return std::nullopt;
}

}  // namespace samskap
