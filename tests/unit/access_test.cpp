#include "core/access.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace samskap {
namespace {

constexpr Role kRoles[] = {Role::administrator, Role::prosessveileder, Role::leder, Role::deltaker};

struct NamedPermission {
  const char* name;
  Permission permission;
};
// Every enumerator of Permission, by the name docs/permissions.md uses.
constexpr NamedPermission kPermissions[] = {
    {"manage_users", Permission::manage_users},
    {"manage_units", Permission::manage_units},
    {"view_audit_log", Permission::view_audit_log},
    {"manage_initiatives", Permission::manage_initiatives},
    {"view_results", Permission::view_results},
    {"invite_collaborators", Permission::invite_collaborators},
    {"use_own_account", Permission::use_own_account},
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> cells(const std::string& line) {
  // "| a | b |" -> {"a", "b"}
  std::vector<std::string> out;
  std::string inner = trim(line);
  if (inner.size() < 2 || inner.front() != '|' || inner.back() != '|') return out;
  inner = inner.substr(1, inner.size() - 2);
  std::stringstream ss(inner);
  std::string cell;
  while (std::getline(ss, cell, '|'))
    out.push_back(trim(cell));
  return out;
}

struct DocTable {
  std::vector<std::string> roles;                        // header columns after the first
  std::map<std::string, std::vector<std::string>> rows;  // permission -> yes/no cells
  std::vector<std::string> problems;
};

// Parses the first Markdown table whose header starts with "permission".
DocTable parse_permissions_doc(std::istream& in) {
  DocTable t;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    auto c = cells(line);
    if (!in_table) {
      if (!c.empty() && c[0] == "permission") {
        t.roles.assign(c.begin() + 1, c.end());
        in_table = true;
        std::getline(in, line);  // the |---| separator
      }
      continue;
    }
    if (c.empty()) break;  // the table ended
    if (c.size() != t.roles.size() + 1) {
      t.problems.push_back("row with the wrong number of cells: " + line);
      continue;
    }
    if (!t.rows.emplace(c[0], std::vector<std::string>(c.begin() + 1, c.end())).second)
      t.problems.push_back("permission listed twice: " + c[0]);
  }
  return t;
}

TEST(Access, RoleNamesRoundTrip) {
  for (Role r : kRoles) {
    auto back = parse_role(to_string(r));
    ASSERT_TRUE(back.has_value()) << to_string(r);
    EXPECT_EQ(*back, r);
  }
}

TEST(Access, ParseRoleRejectsEverythingElse) {
  for (const char* bad : {"", "Administrator", "ADMIN", "admin", " leder", "leder ", "deltaker\n",
                          "operator", "prosess veileder"}) {
    EXPECT_FALSE(parse_role(bad).has_value()) << '"' << bad << '"';
  }
  EXPECT_FALSE(parse_role(std::string_view("leder\0", 6)).has_value());
}

TEST(Access, OnlyAdministratorsManageUsersUnitsAndAudit) {
  for (Role r : kRoles) {
    const bool admin = r == Role::administrator;
    EXPECT_EQ(allows(r, Permission::manage_users), admin) << to_string(r);
    EXPECT_EQ(allows(r, Permission::manage_units), admin) << to_string(r);
    EXPECT_EQ(allows(r, Permission::view_audit_log), admin) << to_string(r);
    EXPECT_TRUE(allows(r, Permission::use_own_account)) << to_string(r);
  }
  EXPECT_FALSE(allows(Role::deltaker, Permission::view_results));
  EXPECT_FALSE(allows(Role::deltaker, Permission::manage_initiatives));
}

TEST(Access, DocumentedTableMatchesTheCode) {
  std::ifstream in("docs/permissions.md");
  ASSERT_TRUE(in) << "run from the repository root (CTest does)";
  DocTable doc = parse_permissions_doc(in);
  for (const auto& p : doc.problems)
    ADD_FAILURE() << "docs/permissions.md: " << p;

  // The columns are exactly the roles, in the enum's order.
  ASSERT_EQ(doc.roles.size(), std::size(kRoles));
  for (std::size_t i = 0; i < std::size(kRoles); ++i)
    EXPECT_EQ(doc.roles[i], to_string(kRoles[i])) << "column " << i + 1;

  // Every permission has a row, and no row names an unknown permission.
  EXPECT_EQ(doc.rows.size(), std::size(kPermissions));
  for (const auto& [name, _] : doc.rows) {
    bool known = false;
    for (const auto& p : kPermissions)
      known = known || name == p.name;
    EXPECT_TRUE(known) << "docs/permissions.md lists an unknown permission: " << name;
  }
  for (const auto& p : kPermissions) {
    auto row = doc.rows.find(p.name);
    if (row == doc.rows.end()) {
      ADD_FAILURE() << "docs/permissions.md has no row for " << p.name;
      continue;
    }
    for (std::size_t i = 0; i < std::size(kRoles) && i < row->second.size(); ++i) {
      const std::string& cell = row->second[i];
      ASSERT_TRUE(cell == "yes" || cell == "no") << p.name << ": cell '" << cell << "'";
      EXPECT_EQ(cell == "yes", allows(kRoles[i], p.permission))
          << "docs/permissions.md and allows() differ for " << to_string(kRoles[i]) << " × "
          << p.name;
    }
  }
}

TEST(Access, DocParserNoticesADifference) {
  // The comparison above is only worth something if the parser sees what is written.
  std::istringstream doc(
      "intro\n\n| permission | administrator | leder |\n|---|---|---|\n"
      "| manage_users | yes | no |\n| view_results | no | yes |\n| broken | yes |\n\nafter\n"
      "| permission | x |\n");
  DocTable t = parse_permissions_doc(doc);
  ASSERT_EQ(t.roles, (std::vector<std::string>{"administrator", "leder"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows["view_results"], (std::vector<std::string>{"no", "yes"}));
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_NE(t.problems[0].find("broken"), std::string::npos);
}

}  // namespace
}  // namespace samskap
