#include "cli/admin_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "core/credentials.hpp"
#include "store/accounts.hpp"
#include "store/migrations.hpp"

namespace samskap::cli {

namespace {

struct Args {
  std::string name, kind = "kommune", org, email, role = "deltaker", token_name;
};

int fail(const std::string& line) {
  std::cerr << "samskap: error: " << line << "\n";
  return 1;
}

std::string describe(const Error& e) {
  return e.detail.empty() ? e.message_key : e.detail;
}

}  // namespace

std::function<int()> add_admin_command(CLI::App& app, AdminContext context) {
  auto args = std::make_shared<Args>();
  auto* admin =
      app.add_subcommand("admin", "Operator commands: organisations, users, links and API tokens");
  admin->require_subcommand(1);
  auto* create_org =
      admin->add_subcommand("create-org", "Create an organisation (a USHT or a municipality)");
  create_org->add_option("--name", args->name, "The organisation's name")->required();
  create_org->add_option("--kind", args->kind, "usht or kommune")
      ->check(CLI::IsMember({"usht", "kommune"}));
  auto* create_user =
      admin->add_subcommand("create-user", "Create a user and print the invitation link");
  create_user->add_option("--org", args->org, "The organisation's name")->required();
  create_user->add_option("--email", args->email, "E-mail address")->required();
  create_user->add_option("--name", args->name, "Full name")->required();
  create_user->add_option("--role", args->role, "administrator, prosessveileder, leder or deltaker")
      ->check(CLI::IsMember({"administrator", "prosessveileder", "leder", "deltaker"}));
  auto* reset =
      admin->add_subcommand("reset-password", "Print a password-reset link (valid 24 hours)");
  reset->add_option("--email", args->email, "E-mail address")->required();
  auto* token =
      admin->add_subcommand("create-token", "Create an API token for a user and print it once");
  token->add_option("--email", args->email, "E-mail address")->required();
  token->add_option("--name", args->token_name, "What the token is for")->required();

  return [=]() -> int {
    SystemClock clock;
    store::DatabaseOptions opts;
    opts.url = context.database_url();
    opts.pool_size = 1;
    auto db = store::Database::open(opts);
    if (!db) return fail(describe(db.error()));
    auto ms = store::load_migrations(store::embedded_migrations(), (*db)->engine());
    if (!ms) return fail(describe(ms.error()));
    if (auto m = store::migrate(**db, *ms, clock); !m) return fail(describe(m.error()));
    store::AccountRepository accounts(**db, clock);
    store::AuditLog audit(**db, clock);

    if (create_org->parsed()) {
      auto org =
          accounts.create_organisation(args->name, *store::parse_organisation_kind(args->kind));
      if (!org)
        return fail(org.error().code == ErrorCode::conflict
                        ? "an organisation named '" + args->name + "' exists already"
                        : describe(org.error()));
      (void)audit.record(org->id, "", "organisation_created", "organisation", org->id, "operator");
      std::cout << "created organisation '" << org->name << "' (" << args->kind << ")\n";
      return 0;
    }
    if (create_user->parsed()) {
      auto org = accounts.organisation_by_name(args->org);
      if (!org)
        return fail("no organisation named '" + args->org + "' (see `samskap admin create-org`)");
      auto email = normalise_email(args->email);
      if (!email) return fail("'" + args->email + "' is not a valid e-mail address");
      auto user = accounts.create_user(org->id, *email, args->name, *parse_role(args->role));
      if (!user)
        return fail(user.error().code == ErrorCode::conflict
                        ? "a user with the e-mail " + *email + " exists already"
                        : describe(user.error()));
      auto link =
          store::OneTimeTokenRepository(**db, clock)
              .issue(store::TokenKind::invitation, org->id, user->id, std::chrono::hours(24 * 7));
      if (!link) return fail(describe(link.error()));
      (void)audit.record(org->id, "", "user_invited", "user", user->id, args->role + " (operator)");
      std::cout << "invitation for " << *email << " (valid 7 days): " << context.public_url()
                << "/invitasjon/" << *link << "\n";
      return 0;
    }
    auto email = normalise_email(args->email);
    if (!email) return fail("'" + args->email + "' is not a valid e-mail address");
    auto rec = accounts.find_for_login(*email);
    if (!rec) return fail("no user with the e-mail " + *email);
    if (reset->parsed()) {
      auto link = store::OneTimeTokenRepository(**db, clock)
                      .issue(store::TokenKind::password_reset, rec->user.organisation_id,
                             rec->user.id, std::chrono::hours(24));
      if (!link) return fail(describe(link.error()));
      (void)audit.record(rec->user.organisation_id, "", "password_reset_issued", "user",
                         rec->user.id, "operator");
      std::cout << "password reset for " << *email << " (valid 24 hours): " << context.public_url()
                << "/nullstill/" << *link << "\n";
      return 0;
    }
    auto created = store::ApiTokenRepository(**db, clock)
                       .create(rec->user.organisation_id, rec->user.id, args->token_name);
    if (!created) return fail(describe(created.error()));
    (void)audit.record(rec->user.organisation_id, "", "api_token_created", "api_token",
                       created->first.id, args->token_name);
    std::cout << created->second << "\n";
    std::cerr << "This token is shown once. Use it as: Authorization: Bearer <token>\n";
    return 0;
  };
}

}  // namespace samskap::cli
