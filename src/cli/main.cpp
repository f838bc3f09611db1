// samskap: the one binary. Subcommands are thin callers of the layers below.
//
// Exit codes: 0 success, 1 runtime error (one clear line on stderr),
// 2 usage error (with the usage).

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/admin_command.hpp"
#include "cli/config.hpp"
#include "cli/mi_command.hpp"
#include "content/catalog.hpp"
#include "core/clock.hpp"
#include "core/version.hpp"
#include "mail/smtp.hpp"
#include "mail/worker.hpp"
#include "store/accounts.hpp"
#include "store/backup.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "web/app.hpp"
#include "web/server.hpp"

namespace {

using namespace samskap;

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

int fail(const std::string& line) {
  std::cerr << "samskap: error: " << line << "\n";
  return kExitRuntime;
}

struct Common {
  std::string config_file;
  cli::FlagValues flags;
};

// Adds a flag whose value, when given, lands in `flags[name]`.
void add_setting(CLI::App* cmd, Common& common, const std::string& name, const std::string& help) {
  std::string flag = "--" + name;
  std::replace(flag.begin(), flag.end(), '_', '-');
  cmd->add_option_function<std::string>(
      flag, [&common, name](const std::string& v) { common.flags[name] = v; }, help);
}

Result<cli::Config> load_config(const Common& common) {
  std::string path = common.config_file;
  if (path.empty())
    if (const char* e = std::getenv("SAMSKAP_CONFIG")) path = e;
  std::string text;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in)
      return Error::invalid("error.config", "cannot read the configuration file '" + path + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    if (text.empty()) text = "\n";
  }
  return cli::resolve_config(
      common.flags,
      [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
      },
      text, path);
}

Result<std::unique_ptr<store::Database>> open_and_migrate(const cli::Config& cfg,
                                                          const Clock& clock) {
  store::DatabaseOptions opts;
  opts.url = cfg.database;
  opts.pool_size = cfg.pool_size;
  auto db = store::Database::open(opts);
  if (!db) return std::move(db).error();
  auto migrations = store::load_migrations(store::embedded_migrations(), (*db)->engine());
  if (!migrations) return std::move(migrations).error();
  auto report = store::migrate(**db, *migrations, clock);
  if (!report) return std::move(report).error();
  if (!report->applied.empty())
    spdlog::info("database migrated from version {} to {}", report->from_version,
                 report->to_version);
  return std::move(db).value();
}

// On an empty database, prints a one-time link (valid 24 hours) where the first
// organisation and administrator are created.
void print_setup_link(store::Database& db, const Clock& clock, const std::string& public_url) {
  store::AccountRepository accounts(db, clock);
  auto any = accounts.any_organisation();
  if (!any || *any) return;
  auto token = store::OneTimeTokenRepository(db, clock).issue(store::TokenKind::setup, "", "",
                                                              std::chrono::hours(24));
  if (!token) {
    spdlog::warn("could not create the first-run setup link: {}", token.error().detail);
    return;
  }
  spdlog::info("Første oppsett / first-run setup (valid 24 hours): {}/oppsett/{}", public_url,
               *token);
}

std::optional<std::string> env_lookup(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? std::optional<std::string>(v) : std::nullopt;
}

int run_migrate(const Common& common) {
  auto cfg = load_config(common);
  if (!cfg) {
    std::cerr << "samskap: " << cfg.error().detail << "\n";
    return kExitUsage;
  }
  SystemClock clock;
  auto db = open_and_migrate(*cfg, clock);
  if (!db) return fail(db.error().detail);
  auto v = store::schema_version(**db);
  if (!v) return fail(v.error().detail);
  std::cout << "database " << (*db)->display_url() << " is at schema version " << *v << "\n";
  return kExitOk;
}

// `samskap backup --to FILE` / `samskap restore --from FILE` (SQLite; issue 13).
int run_backup(const Common& common, const std::string& to, const std::string& from) {
  auto cfg = load_config(common);
  if (!cfg) {
    std::cerr << "samskap: " << cfg.error().detail << "\n";
    return kExitUsage;
  }
  auto st = to.empty() ? store::restore_sqlite(from, cfg->database)
                       : store::backup_sqlite(cfg->database, to);
  if (!st.ok()) return fail(st.error().detail);
  if (to.empty()) {
    std::cout << "restored " << from << " into " << cfg->database
              << "; the next `samskap serve` migrates it if it is older\n";
  } else {
    std::cout << "backed up " << cfg->database << " to " << to << "\n";
  }
  return kExitOk;
}

int run_serve(const Common& common) {
  auto cfg = load_config(common);
  if (!cfg) {
    std::cerr << "samskap: " << cfg.error().detail << "\n";
    return kExitUsage;
  }
  auto listen = web::parse_listen(cfg->listen);
  if (!listen) {
    std::cerr << "samskap: " << listen.error().detail << "\n";
    return kExitUsage;
  }
  auto trusted = web::parse_networks(cfg->trusted_proxies);
  auto smtp = cli::resolve_smtp(*cfg, env_lookup);
  for (const Error* e : {trusted ? nullptr : &trusted.error(), smtp ? nullptr : &smtp.error()}) {
    if (e) {
      std::cerr << "samskap: " << e->detail << "\n";
      return kExitUsage;
    }
  }
  const std::string public_url = cli::effective_public_url(*cfg);

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  SystemClock clock;
  auto db = open_and_migrate(*cfg, clock);
  if (!db) return fail(db.error().detail);

  std::unique_ptr<web::App> app;
  try {
    auto metrics = std::make_shared<web::Metrics>();
    web::AppOptions options{cfg->max_body_bytes};
    options.min_group_size = cfg->min_group_size;
    options.public_url = public_url;
    options.secure_cookies = cfg->secure_cookies;
    options.mail_enabled = smtp->enabled();
    // E-mail goes from the queue, on this node's sender thread (issue 13).
    std::unique_ptr<mail::Worker> mailer;
    if (smtp->enabled()) {
      if (auto why = mail::probe(*smtp))
        spdlog::warn(
            "smtp_host {}:{} does not answer ({}); e-mail waits in the queue and is "
            "tried again",
            smtp->host, smtp->port, *why);
      mailer = std::make_unique<mail::Worker>(**db, clock, *smtp, mail::node_name());
      options.on_mail_queued = [m = mailer.get()] { m->wake(); };
    }
    app = std::make_unique<web::App>(options, **db, content::Catalog::embedded(),
                                     web::AssetTable::embedded(), metrics, clock);
    web::ServerOptions so;
    so.host = listen->first;
    so.port = listen->second;
    so.workers = cfg->workers;
    so.io_threads = cfg->io_threads;
    so.max_body_bytes = cfg->max_body_bytes;
    so.secure_cookies = cfg->secure_cookies;
    so.access_log = cfg->access_log;
    so.trusted_proxies = *trusted;
    web::App* a = app.get();
    web::Server server(
        so, app->routes(), [a](const web::Request& r, int s) { return a->error_page(r, s); },
        metrics, [a](web::Request& r, const web::Route& route) { return a->before(r, route); });
    auto port = server.start();
    if (!port) return fail(port.error().detail);
    spdlog::info("Samskap {} serving http://{}:{} (database {})", kVersion,
                 so.host.find(':') != std::string::npos ? "[" + so.host + "]" : so.host, *port,
                 (*db)->display_url());
    if (cfg->public_url.empty() || public_url.starts_with("http://127.") ||
        public_url.starts_with("http://localhost") || public_url.starts_with("http://[::1]"))
      spdlog::info(
          "links (QR codes, join links, e-mail) point at {}; set public_url to the "
          "address people use",
          public_url);
    print_setup_link(**db, clock, public_url);
    if (mailer) mailer->start();
    // Retention (docs/retention.md): expired sessions, spent links, old audit
    // entries and stale throttle counts are purged at start and every hour.
    std::mutex purge_mu;
    std::condition_variable purge_cv;
    bool stopping = false;
    std::thread purger([&] {
      std::unique_lock lock(purge_mu);
      do {
        lock.unlock();
        auto report = store::purge_expired(**db, clock);
        if (!report) spdlog::warn("retention purge failed: {}", report.error().detail);
        lock.lock();
      } while (!purge_cv.wait_for(lock, std::chrono::hours(1), [&] { return stopping; }));
    });
    int sig = 0;
    sigwait(&stop_signals, &sig);
    {
      std::lock_guard lock(purge_mu);
      stopping = true;
    }
    purge_cv.notify_all();
    purger.join();
    spdlog::info("received {}, finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop(std::chrono::seconds(10));
    if (mailer) mailer->stop();
    spdlog::info("stopped");
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_logger_mt("samskap");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  spdlog::set_default_logger(logger);

  CLI::App app{"Samskap – endringsarbeid og samskaping i helse- og omsorgstjenestene", "samskap"};
  app.require_subcommand(1);
  Common common;
  app.add_option("--config", common.config_file, "TOML configuration file (or SAMSKAP_CONFIG)");

  auto* serve = app.add_subcommand("serve", "Start the web server (migrates the database first)");
  add_setting(serve, common, "listen",
              "Address to listen on, e.g. 127.0.0.1:8080 (SAMSKAP_LISTEN)");
  add_setting(serve, common, "database", "sqlite:PATH or postgresql://… (SAMSKAP_DATABASE)");
  add_setting(serve, common, "workers",
              "Worker threads for blocking work (SAMSKAP_WORKERS, default 8)");
  add_setting(serve, common, "io_threads", "HTTP I/O threads (SAMSKAP_IO_THREADS, default 2)");
  add_setting(serve, common, "pool_size", "Database connections (SAMSKAP_POOL_SIZE, default 8)");
  add_setting(serve, common, "max_body_bytes",
              "Largest request body, e.g. 1MiB (SAMSKAP_MAX_BODY_BYTES)");
  add_setting(serve, common, "secure_cookies",
              "Mark cookies Secure, behind HTTPS (SAMSKAP_SECURE_COOKIES)");
  add_setting(serve, common, "access_log",
              "Write the JSON access log to stdout (SAMSKAP_ACCESS_LOG)");
  add_setting(serve, common, "public_url",
              "The address people use, e.g. https://samskap.kommune.no (SAMSKAP_PUBLIC_URL)");
  add_setting(serve, common, "trusted_proxies",
              "Proxies whose X-Forwarded-For is believed, e.g. 127.0.0.1,10.0.0.0/8 "
              "(SAMSKAP_TRUSTED_PROXIES)");
  add_setting(serve, common, "smtp_host", "SMTP server for e-mail (SAMSKAP_SMTP_HOST)");
  add_setting(serve, common, "smtp_port", "SMTP port (SAMSKAP_SMTP_PORT, default 587)");
  add_setting(serve, common, "smtp_security",
              "starttls, tls or none (SAMSKAP_SMTP_SECURITY, default starttls)");
  add_setting(serve, common, "smtp_user", "SMTP user name (SAMSKAP_SMTP_USER)");
  add_setting(serve, common, "smtp_password_file",
              "File holding the SMTP password (or SAMSKAP_SMTP_PASSWORD)");
  add_setting(serve, common, "smtp_from",
              "Sender, e.g. \"Samskap <samskap@kommune.no>\" (SAMSKAP_SMTP_FROM)");
  add_setting(
      serve, common, "min_group_size",
      "Smallest group of readiness answers shown, 3..1000 (SAMSKAP_MIN_GROUP_SIZE, default 5)");

  auto* migrate = app.add_subcommand("migrate", "Apply the database migrations and exit");
  add_setting(migrate, common, "database", "sqlite:PATH or postgresql://… (SAMSKAP_DATABASE)");
  add_setting(migrate, common, "pool_size", "Database connections (SAMSKAP_POOL_SIZE)");

  std::string backup_to, restore_from;
  auto* backup = app.add_subcommand(
      "backup", "Copy the SQLite database to a new file while the server runs (online backup)");
  backup->add_option("--to", backup_to, "The new backup file")->required();
  add_setting(backup, common, "database", "sqlite:PATH (SAMSKAP_DATABASE)");
  auto* restore = app.add_subcommand(
      "restore", "Replace the SQLite database with a backup (the server must be stopped)");
  restore->add_option("--from", restore_from, "The backup file")->required();
  add_setting(restore, common, "database", "sqlite:PATH (SAMSKAP_DATABASE)");

  // --config is also accepted after the subcommand, as people type it
  // (`samskap serve --config /etc/samskap/samskap.toml`).
  for (auto* cmd : {serve, migrate, backup, restore})
    cmd->add_option("--config", common.config_file, "TOML configuration file (or SAMSKAP_CONFIG)");

  auto* version = app.add_subcommand("version", "Print the version");
  auto mi = samskap::cli::add_mi_command(app);
  auto admin = samskap::cli::add_admin_command(
      app, {[&common] {
              auto cfg = load_config(common);
              return cfg ? cfg->database : std::string("sqlite:var/samskap.db");
            },
            [&common] {
              auto cfg = load_config(common);
              return cfg ? cli::effective_public_url(*cfg) : std::string("http://127.0.0.1:8080");
            },
            [&common] {
              auto cfg = load_config(common);
              return cfg && !cfg->smtp_host.empty();
            }});

  add_setting(app.get_subcommand("admin"), common, "database",
              "sqlite:PATH or postgresql://… (SAMSKAP_DATABASE)");
  add_setting(app.get_subcommand("admin"), common, "listen",
              "The server's address, for the printed links");
  app.get_subcommand("admin")->add_option("--config", common.config_file,
                                          "TOML configuration file (or SAMSKAP_CONFIG)");
  add_setting(app.get_subcommand("admin"), common, "public_url",
              "The address people use, for the printed and e-mailed links");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "samskap: " << e.what() << "\n\n";
    const CLI::App* failed = &app;
    for (auto* sub : app.get_subcommands())
      failed = sub;
    std::cerr << failed->help();
    return kExitUsage;
  }
  if (serve->parsed()) return run_serve(common);
  if (migrate->parsed()) return run_migrate(common);
  if (backup->parsed()) return run_backup(common, backup_to, "");
  if (restore->parsed()) return run_backup(common, "", restore_from);
  if (version->parsed()) {
    std::cout << "samskap " << samskap::kVersion << "\n";
    return kExitOk;
  }
  if (app.got_subcommand("mi")) return mi();
  if (app.got_subcommand("admin")) {
    if (auto cfg = load_config(common); !cfg) {
      std::cerr << "samskap: " << cfg.error().detail << "\n";
      return kExitUsage;
    }
    return admin();
  }
  return kExitUsage;
}
