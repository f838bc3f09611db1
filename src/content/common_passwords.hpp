#pragma once
// The list of common passwords (content/security/common-passwords.txt,
// embedded at build time) that new passwords are checked against
// (samskap::check_new_password).

#include <functional>
#include <set>
#include <string>

namespace samskap::content {

// Every entry of the embedded list, case-folded with samskap::fold_case
// (comments and blank lines skipped). Loaded on first use; thread-safe; the
// set lives for the whole program. Empty only if the file were missing from
// the build, which the content tests rule out.
const std::set<std::string, std::less<>>& common_passwords();

}  // namespace samskap::content
