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
#include "store/accounts.hpp"
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

// "http://127.0.0.1:8080" for links printed on the console.
std::string public_url(const cli::Config& cfg) {
  auto listen = web::parse_listen(cfg.listen);
  if (!listen) return "http://127.0.0.1:8080";
  std::string host =
      listen->first == "0.0.0.0" || listen->first == "::" ? "127.0.0.1" : listen->first;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(listen->second);
}

// On an empty database, prints a one-time link (valid 24 hours) where the first
// organisation and administrator are created.
void print_setup_link(store::Database& db, const Clock& clock, const std::string& host,
                      std::uint16_t port) {
  store::AccountRepository accounts(db, clock);
  auto any = accounts.any_organisation();
  if (!any || *any) return;
  auto token = store::OneTimeTokenRepository(db, clock).issue(store::TokenKind::setup, "", "",
                                                              std::chrono::hours(24));
  if (!token) {
    spdlog::warn("could not create the first-run setup link: {}", token.error().detail);
    return;
  }
  std::string h = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  spdlog::info("Første oppsett / first-run setup (valid 24 hours): http://{}:{}/oppsett/{}", h,
               port, *token);
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
    web::App* a = app.get();
    web::Server server(
        so, app->routes(), [a](const web::Request& r, int s) { return a->error_page(r, s); },
        metrics, [a](web::Request& r, const web::Route& route) { return a->before(r, route); });
    auto port = server.start();
    if (!port) return fail(port.error().detail);
    spdlog::info("Samskap {} serving http://{}:{} (database {})", kVersion,
                 so.host.find(':') != std::string::npos ? "[" + so.host + "]" : so.host, *port,
                 (*db)->display_url());
    print_setup_link(**db, clock, so.host, *port);
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
  add_setting(
      serve, common, "min_group_size",
      "Smallest group of readiness answers shown, 3..1000 (SAMSKAP_MIN_GROUP_SIZE, default 5)");

  auto* migrate = app.add_subcommand("migrate", "Apply the database migrations and exit");
  add_setting(migrate, common, "database", "sqlite:PATH or postgresql://… (SAMSKAP_DATABASE)");
  add_setting(migrate, common, "pool_size", "Database connections (SAMSKAP_POOL_SIZE)");

  auto* version = app.add_subcommand("version", "Print the version");
  auto mi = samskap::cli::add_mi_command(app);
  auto admin = samskap::cli::add_admin_command(
      app, {[&common] {
              auto cfg = load_config(common);
              return cfg ? cfg->database : std::string("sqlite:var/samskap.db");
            },
            [&common] {
              auto cfg = load_config(common);
              return cfg ? public_url(*cfg) : std::string("http://127.0.0.1:8080");
            }});

  add_setting(app.get_subcommand("admin"), common, "database",
              "sqlite:PATH or postgresql://… (SAMSKAP_DATABASE)");
  add_setting(app.get_subcommand("admin"), common, "listen",
              "The server's address, for the printed links");

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
