#pragma once
// API tokens on the user's own account (issue 4): /meg/api-nokler lists the
// signed-in user's tokens (name, created, active or revoked — never the
// secret), creates one and revokes one.
//
// Contract
// - Listing and revoking: any signed-in user (their own tokens only; another
//   user's token, also one of the same organisation, is 404). Creating needs
//   Permission::view_results (administrator, prosessveileder, leder): the
//   JSON API serves what that permission covers, and a deltaker has nothing
//   there but /api/v1/meg (docs/permissions.md, docs/api.md).
// - Creating answers 201 with the raw token on the page, once: it is not
//   stored (only its hash, by store::ApiTokenRepository), not put in a URL
//   and not logged. The page carries Cache-Control: no-store like every page.
// - Revoking is a POST after a confirmation page; both need the CSRF token
//   (the middleware checks it). 303 back to the list with a status message.
// - Names: 1–100 bytes of text, at most kMaxActiveTokens active tokens per
//   user; bad input answers 422 with the message next to the field and the
//   name kept.
// - Audit log: api_token_created (detail: the name) and api_token_revoked,
//   both with the token's id; never the secret.

#include <vector>

#include "web/http.hpp"

namespace samskap::web {

class App;

// How many unrevoked tokens one user may have.
inline constexpr std::size_t kMaxActiveTokens = 20;

// Appends the token routes, each with its guard. Borrows `app`.
void add_token_routes(App& app, std::vector<Route>& routes);

}  // namespace samskap::web
