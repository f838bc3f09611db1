#include "cli/admin_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "content/catalog.hpp"
#include "core/credentials.hpp"
#include "mail/outbox.hpp"
#include "store/accounts.hpp"
#include "store/migrations.hpp"

namespace samskap::cli {

namespace {

struct Args {
  std::string name, kind = "kommune", org, email, role = "deltaker", token_name, lang = "nb";
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
  auto* setup = admin->add_subcommand(
      "setup-link", "Print a first-run setup link (valid 24 hours); --email also sends it");
  setup->add_option("--email", args->email, "Send the link to this address as well");
  for (auto* cmd : {create_user, reset, setup})
    cmd->add_option("--lang", args->lang, "Language of the e-mail: nb or en (default nb)")
        ->check(CLI::IsMember({"nb", "en"}));

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
    const Language lang = args->lang == "en" ? Language::en : Language::nb;
    const mail::Outbox outbox(**db, clock, content::Catalog::embedded(),
                              {context.public_url(), context.mail_enabled()});
    // Says where a queued message went, or nothing when e-mail is off.
    auto report_mail = [&](const Result<std::string>& queued, const std::string& to) {
      if (!queued) {
        std::cerr << "samskap: warning: the e-mail to " << to
                  << " could not be queued: " << describe(queued.error()) << "\n";
      } else if (!queued->empty()) {
        std::cout << "e-mail to " << to
                  << " queued; a running `samskap serve` sends it (the users page shows a "
                     "failure)\n";
      }
    };

    if (setup->parsed()) {
      auto any = accounts.any_organisation();
      if (!any) return fail(describe(any.error()));
      if (*any) return fail("the first-run setup is done already: an organisation exists");
      auto link = store::OneTimeTokenRepository(**db, clock)
                      .issue(store::TokenKind::setup, "", "", std::chrono::hours(24));
      if (!link) return fail(describe(link.error()));
      std::cout << "first-run setup (valid 24 hours): " << context.public_url() << "/oppsett/"
                << *link << "\n";
      if (!args->email.empty()) {
        auto to = normalise_email(args->email);
        if (!to) return fail("'" + args->email + "' is not a valid e-mail address");
        if (!outbox.enabled())
          return fail("e-mail is not set up (smtp_host); the link above is the only copy");
        report_mail(outbox.setup(lang, *to, *link, 24), *to);
      }
      return 0;
    }

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
      report_mail(outbox.invitation(lang, org->id, user->id, *email, user->display_name, org->name,
                                    *link, 7),
                  *email);
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
      report_mail(outbox.password_reset(lang, rec->user.organisation_id, rec->user.id, *email,
                                        rec->user.display_name, *link, 24),
                  *email);
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
