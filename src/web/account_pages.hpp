#pragma once
// The account pages: first-run setup, login and logout, the user's own page
// (password, data export, log out everywhere), invitations and password
// resets, user administration, the audit log, and the JSON "who am I".

#include <vector>

#include "store/accounts.hpp"
#include "web/http.hpp"

namespace samskap::web {

class App;

class AccountPages {
 public:
  explicit AccountPages(App& app) : app_(app) {}
  // Appends the account routes, each with its guard.
  void add_routes(std::vector<Route>& routes);

 private:
  Response setup_form(const Request& req);
  Response setup_submit(const Request& req);
  Response login_form(const Request& req);
  Response login_submit(const Request& req);
  Response logout(const Request& req);
  Response me(const Request& req);
  Response me_export(const Request& req);
  Response me_password(const Request& req);
  Response me_logout_everywhere(const Request& req);
  Response users(const Request& req);
  Response invite(const Request& req);
  Response change_role(const Request& req);
  Response deactivate(const Request& req);
  Response anonymise(const Request& req);
  Response reinvite(const Request& req);
  Response after_invitation(const Request& req, const store::User& user, const std::string& token);
  Response audit(const Request& req);
  Response units(const Request& req);
  Response create_unit(const Request& req);
  Response token_form(const Request& req, int kind);
  Response token_submit(const Request& req, int kind);
  Response api_me(const Request& req);
  // Starts a session for a user who just proved who they are and redirects to
  // `location` with the session cookie; 503 when the database fails.
  Response sign_in_and_go(const Request& req, const std::string& org, const std::string& user_id,
                          std::string location);

  App& app_;
};

}  // namespace samskap::web
