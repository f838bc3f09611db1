// bench dashboard (issue 6): loads 10,000 participants × 6 rounds of readiness
// answers into a fresh SQLite database, every answer through
// ReadinessRepository::submit (the participant form's path: one transaction
// per answer, validation, the private code's SHA-256, and the dashboard's
// tallies kept in the same transaction); the last 1,000 participants answer
// the last round twice, so the second replaces the first. Then, in the same
// run:
// - page: the server time of GET /initiativ/:id/innsjekk/resultater, the
//   route's own handler called in-process (store reads, aggregation with
//   suppression, rendering): the first call after loading (first_ms) and the
//   median and p95 of RUNS more;
// - aggregate: the store's tallies (ReadinessRepository::counts) and
//   readiness::aggregate, without rendering;
// - recompute: the plain recomputation — every answer read
//   (ReadinessRepository::answers), counted (readiness::count) and
//   aggregated; what the page did before the tallies;
// - baseline: SELECT round, staging, COUNT(*) … GROUP BY round, staging;
// - submit: answers per second through submit while loading;
// - http_submit: then HTTP_ANSWERS answers to a seventh round through the
//   app's own server on a loopback port, CLIENTS phones at once (libcurl,
//   own cookies, keep-alive): GET /i/:code for the form and its CSRF token,
//   then POST it (must answer 200 with the feedback); afterwards the round
//   must hold exactly that many answers and the tallies still equal the
//   recount.
// Before measuring it checks that the tallies equal the plain recomputation
// (raw counts and the whole dashboard), that the stage counts equal the
// GROUP BY's and that every participant links across rounds; while
// measuring, that every page is the same and the two dashboards stay equal.
// Prints `bench dashboard: key=value …` lines.
//
// Usage: bench_dashboard DIR [PARTICIPANTS] [RUNS] [HTTP_ANSWERS] [CLIENTS]

#include <curl/curl.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "content/catalog.hpp"
#include "core/clock.hpp"
#include "core/readiness_dashboard.hpp"
#include "store/accounts.hpp"
#include "store/database.hpp"
#include "store/initiatives.hpp"
#include "store/migrations.hpp"
#include "store/readiness.hpp"
#include "store/repository_support.hpp"
#include "store/secrets.hpp"
#include "web/app.hpp"
#include "web/assets.hpp"
#include "web/metrics.hpp"
#include "web/server.hpp"

using namespace samskap;
using Clock_ = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench dashboard: error: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message_key + " " + r.error().detail);
  return std::move(r).value();
}

double ms_since(Clock_::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock_::now() - t).count();
}

struct Stats {
  double median, p95;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)]};
}

// A participant's staging answer in round r: people drift forward, a few relapse.
readiness::StagingAnswer staging_for(std::mt19937& rng, int r) {
  std::uniform_int_distribution<int> d(0, 99);
  const int x = d(rng);
  int idx = std::min(4, (x / 25) + r / 2);
  if (x < 4 && r > 0) idx = 5;  // fell back
  return readiness::kStagingAnswers[static_cast<std::size_t>(idx)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die("usage: bench_dashboard DIR [PARTICIPANTS] [RUNS] [HTTP_ANSWERS] [CLIENTS]");
  const std::string dir = argv[1];
  const int participants = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 20;
  const int http_answers = argc > 4 ? std::atoi(argv[4]) : 2000;
  const int http_clients = argc > 5 ? std::atoi(argv[5]) : 4;
  const int rounds_n = 6;
  if (participants < 10 || runs < 3 || http_answers < 1 || http_clients < 1 || http_clients > 64)
    die("bad arguments");

  SystemClock clock;
  auto db = must(store::Database::open({"sqlite:" + dir + "/bench.db", 2}), "open");
  auto ms = must(store::load_migrations(store::embedded_migrations(), store::Engine::sqlite),
                 "migrations");
  if (auto m = store::migrate(*db, ms, clock); !m) die("migrate");

  store::AccountRepository accounts(*db, clock);
  auto org = must(accounts.create_organisation("Benchkommune", store::OrganisationKind::kommune),
                  "organisation");
  std::vector<std::string> units;
  for (int k = 0; k < 4; ++k)
    units.push_back(must(accounts.create_unit(org.id, "Enhet " + std::to_string(k)), "unit").id);
  auto user = must(accounts.create_user(org.id, "bench@kommune.no", "Bench Veileder",
                                        Role::prosessveileder, store::hash_password("x y z w v u")),
                   "user");
  store::Actor actor{org.id, user.id, Role::prosessveileder};
  store::InitiativeDraft draft;
  draft.title = "Benchinitiativ";
  auto ini = must(store::InitiativeRepository(*db, clock).create(actor, draft), "initiative");
  store::ReadinessRepository repo(*db, clock);
  std::vector<store::ReadinessRound> rounds;
  for (int r = 0; r < rounds_n; ++r) {
    store::RoundDraft rd;
    rd.title = "Runde " + std::to_string(r + 1);
    rd.unit_ids = units;
    rounds.push_back(must(repo.create_round(actor, ini.id, rd), "round"));
  }

  std::vector<std::string> codes;
  for (int p = 0; p < participants; ++p)
    codes.push_back(store::new_private_code());

  // Every answer through the store's submit, round by round; the last
  // `replace_n` participants answer the last round twice (the second answer
  // replaces the first, so the tallies must take the first away again).
  std::mt19937 rng(42);
  std::vector<std::vector<readiness::StagingAnswer>> plan(static_cast<std::size_t>(participants));
  for (auto& row : plan)
    for (int r = 0; r < rounds_n; ++r)
      row.push_back(staging_for(rng, r));
  const int replace_n = std::min(1000, participants / 10);
  auto submission = [&](int p, int r, int variant) {
    const auto pi = static_cast<std::size_t>(p);
    store::Submission s;
    s.staging = plan[pi][static_cast<std::size_t>(r)];
    if (variant) s.staging = readiness::kStagingAnswers[(pi + static_cast<std::size_t>(r)) % 6];
    s.unit_id = units[pi % units.size()];
    s.importance = (p + r + variant) % 11;
    if (p % 13 == 0) s.importance.reset();  // skipped
    s.confidence = (p * 7 + r) % 11;
    s.private_code = codes[pi];
    return s;
  };
  auto t0 = Clock_::now();
  int submitted = 0;
  for (int r = 0; r < rounds_n; ++r)
    for (int p = 0; p < participants; ++p) {
      const bool twice = r == rounds_n - 1 && p >= participants - replace_n;
      must(repo.submit(rounds[static_cast<std::size_t>(r)].join_code, submission(p, r, twice)),
           "submit");
      ++submitted;
      if (twice) {
        auto again =
            must(repo.submit(rounds[static_cast<std::size_t>(r)].join_code, submission(p, r, 0)),
                 "submit again");
        if (!again.replaced) die("a second answer with the same code did not replace the first");
        ++submitted;
      }
    }
  const double submit_s = ms_since(t0) / 1000.0;

  // The baseline: a plain GROUP BY over the same rows.
  auto baseline = [&] {
    std::map<std::pair<std::string, std::string>, int> out;
    db->with_session([&](soci::session& s) {
      std::string round, staging;
      int n = 0;
      soci::statement st =
          (s.prepare << "SELECT a.round_id, a.staging, COUNT(*) FROM readiness_answers a JOIN "
                        "readiness_rounds r ON r.id = a.round_id WHERE r.initiative_id = :i "
                        "GROUP BY a.round_id, a.staging",
           soci::use(ini.id), soci::into(round), soci::into(staging), soci::into(n));
      st.execute();
      while (st.fetch())
        out[{round, staging}] = n;
    });
    return out;
  };

  // What the page aggregates: the store's tallies and the privacy rules.
  auto aggregate = [&] {
    auto c = must(repo.counts(actor, ini.id), "counts");
    auto d = readiness::aggregate(c.rounds, c.counts, 5);
    return std::pair{std::move(c), std::move(d)};
  };
  // The plain recomputation: every answer read and counted (what the page
  // did before the tallies).
  auto recompute = [&](const std::vector<readiness::DashboardRound>& in) {
    auto rows = must(repo.answers(actor, ini.id), "answers");
    std::vector<readiness::DashboardAnswer> answers;
    answers.reserve(rows.size());
    for (const auto& a : rows)
      answers.push_back({a.round_id, a.unit_id, readiness::stage_for(a.staging), a.importance,
                         a.confidence, a.participant});
    auto counts = readiness::count(in, answers);
    return std::tuple{rows.size(), counts, readiness::aggregate(in, counts, 5)};
  };

  // Check before measuring: the tallies equal the plain recomputation (raw
  // counts before suppression, and the whole dashboard after), and both
  // equal the GROUP BY's stage counts.
  auto base = baseline();
  auto [kept, dash] = aggregate();
  auto [count, plain_counts, plain] = recompute(kept.rounds);
  if (count != static_cast<std::size_t>(participants * rounds_n))
    die("expected " + std::to_string(participants * rounds_n) + " answers, found " +
        std::to_string(count));
  if (!(kept.counts == plain_counts)) die("the tallies differ from the plain recomputation");
  if (!(dash == plain)) die("the dashboard differs from the plain recomputation's");
  for (std::size_t r = 0; r < kept.rounds.size(); ++r)
    for (auto a : readiness::kStagingAnswers) {
      const auto st = readiness::stage_for(a);
      const auto& c = dash.rounds[r].stages[static_cast<std::size_t>(readiness::index(st))];
      auto it = base.find({kept.rounds[r].id, std::string(readiness::slug(a))});
      const int want = it == base.end() ? 0 : it->second;
      if (!c.count || *c.count != want)
        die("round " + std::to_string(r + 1) + " stage " + std::string(readiness::slug(st)) +
            ": dashboard and GROUP BY disagree");
    }
  if (dash.transitions.size() != 5) die("expected 5 transitions");
  for (const auto& t : dash.transitions)
    if (!t.linked.count || *t.linked.count != participants)
      die("transitions do not link every participant");

  // The page, through its own route handler.
  auto metrics = std::make_shared<web::Metrics>();
  web::App app(web::AppOptions{}, *db, content::Catalog::embedded(), web::AssetTable::embedded(),
               metrics, clock);
  auto routes = app.routes();
  const web::Route* route = nullptr;
  for (const auto& r : routes)
    if (r.pattern == "/initiativ/:id/innsjekk/resultater") route = &r;
  if (!route) die("no dashboard route");
  web::Request req;
  req.path = "/initiativ/" + ini.id + "/innsjekk/resultater";
  req.target = req.path;
  req.route["id"] = ini.id;
  web::Principal who;
  who.user_id = user.id;
  who.organisation_id = org.id;
  who.organisation_name = org.name;
  who.display_name = "Bench Veileder";
  who.email = "bench@kommune.no";
  who.role = Role::prosessveileder;
  who.csrf_token = "bench";
  req.principal = who;
  auto cold = Clock_::now();
  auto first = route->handler(req);
  const double first_ms = ms_since(cold);
  if (first.status != 200 || first.body.find("chart-readiness-stages") == std::string::npos)
    die("the dashboard page did not render (status " + std::to_string(first.status) + ")");

  std::vector<double> page_ms, agg_ms, plain_ms, base_ms;
  for (int k = 0; k < runs; ++k) {
    auto t = Clock_::now();
    auto resp = route->handler(req);
    page_ms.push_back(ms_since(t));
    if (resp.status != 200 || resp.body != first.body) die("the page changed while measuring");
    t = Clock_::now();
    auto a = aggregate();
    agg_ms.push_back(ms_since(t));
    t = Clock_::now();
    auto [n, c, d] = recompute(a.first.rounds);
    plain_ms.push_back(ms_since(t));
    t = Clock_::now();
    auto b = baseline();
    base_ms.push_back(ms_since(t));
    if (!(a.second == d) || b.empty()) die("results differ while measuring");
  }
  // Answers through HTTP: the app's own server on a loopback port, and
  // `http_clients` phones at a time, each a libcurl handle with its own
  // cookies and keep-alive connection. Every phone does what a browser
  // does: GET /i/:code (the form, its CSRF token and the phone's cookie),
  // then POST the form; the POST must answer 200 with the feedback.
  store::RoundDraft hd;
  hd.title = "HTTP";
  hd.unit_ids = units;
  auto http_round = must(repo.create_round(actor, ini.id, hd), "round");
  web::ServerOptions so;
  so.host = "127.0.0.1";
  so.port = 0;
  so.access_log = false;
  web::Server server(
      so, app.routes(), [&app](const web::Request& r, int st) { return app.error_page(r, st); },
      metrics, [&app](web::Request& r, const web::Route& rt) { return app.before(r, rt); });
  const auto port = server.start();
  if (!port) die("server: " + port.error().detail);
  const std::string form_url =
      "http://127.0.0.1:" + std::to_string(*port) + "/i/" + http_round.join_code;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::vector<std::vector<double>> post_ms(static_cast<std::size_t>(http_clients));
  std::vector<std::string> failures(static_cast<std::size_t>(http_clients));
  const auto http_t0 = Clock_::now();
  {
    std::vector<std::thread> clients;
    for (int c = 0; c < http_clients; ++c)
      clients.emplace_back([&, c] {
        const auto ci = static_cast<std::size_t>(c);
        CURL* h = curl_easy_init();
        std::string body;
        curl_easy_setopt(
            h, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t sz, std::size_t n, void* out) {
              static_cast<std::string*>(out)->append(d, sz * n);
              return sz * n;
            });
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");  // cookies in memory
        const std::regex csrf_re("name=\"csrf\" value=\"([^\"]+)\"");
        for (int p = c; p < http_answers; p += http_clients) {
          curl_easy_setopt(h, CURLOPT_COOKIELIST, "ALL");  // a new phone
          body.clear();
          curl_easy_setopt(h, CURLOPT_URL, form_url.c_str());
          curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
          long status = 0;
          if (curl_easy_perform(h) != CURLE_OK ||
              (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status), status != 200)) {
            failures[ci] = "GET " + std::to_string(status);
            break;
          }
          std::smatch m;
          if (!std::regex_search(body, m, csrf_re)) {
            failures[ci] = "no CSRF token in the form";
            break;
          }
          const std::string post =
              "csrf=" + m[1].str() + "&enhet=" + units[static_cast<std::size_t>(p) % units.size()] +
              "&stadium=" +
              std::string(
                  readiness::slug(readiness::kStagingAnswers[static_cast<std::size_t>(p) % 6])) +
              "&viktighet=" + std::to_string(p % 11) + "&mestring=" + std::to_string(p % 7);
          body.clear();
          curl_easy_setopt(h, CURLOPT_POSTFIELDS, post.c_str());
          const auto t = Clock_::now();
          if (curl_easy_perform(h) != CURLE_OK ||
              (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status), status != 200) ||
              body.find("checkin-feedback") == std::string::npos) {
            failures[ci] = "POST " + std::to_string(status) + " " + body.substr(0, 200);
            break;
          }
          post_ms[ci].push_back(ms_since(t));
        }
        curl_easy_cleanup(h);
      });
    for (auto& t : clients)
      t.join();
  }
  const double http_s = ms_since(http_t0) / 1000.0;
  server.stop(std::chrono::milliseconds(2000));
  curl_global_cleanup();
  for (const auto& f : failures)
    if (!f.empty()) die("HTTP answer failed: " + f);
  std::vector<double> all_posts;
  for (const auto& v : post_ms)
    all_posts.insert(all_posts.end(), v.begin(), v.end());
  // Every answer counted once, and the tallies still equal the recount.
  {
    auto [k2, d2] = aggregate();
    auto [n2, c2, plain2] = recompute(k2.rounds);
    if (!(k2.counts == c2) || !(d2 == plain2))
      die("after the HTTP answers the tallies differ from the plain recomputation");
    const auto at = std::find_if(k2.rounds.begin(), k2.rounds.end(),
                                 [&](const auto& r) { return r.id == http_round.id; });
    const auto& hc = k2.counts.rounds[static_cast<std::size_t>(at - k2.rounds.begin())];
    if (std::accumulate(hc.stages.begin(), hc.stages.end(), 0) != http_answers)
      die("expected " + std::to_string(http_answers) + " HTTP answers in the round");
  }
  const auto hp = stats(all_posts);

  const auto p = stats(page_ms), a = stats(agg_ms), pl = stats(plain_ms), b = stats(base_ms);
  std::printf(
      "bench dashboard: target=page participants=%d rounds=%d answers=%zu first_ms=%.2f "
      "median_ms=%.2f p95_ms=%.2f ratio_to_baseline=%.2f target_ms=10 met=%s runs=%d\n",
      participants, rounds_n, count, first_ms, p.median, p.p95, p.median / b.median,
      p.median < 10.0 && first_ms < 10.0 ? "yes" : "no", runs);
  std::printf(
      "bench dashboard: target=aggregate answers=%zu median_ms=%.2f p95_ms=%.2f "
      "ratio_to_baseline=%.2f runs=%d\n",
      count, a.median, a.p95, a.median / b.median, runs);
  std::printf(
      "bench dashboard: target=recompute answers=%zu median_ms=%.2f p95_ms=%.2f "
      "ratio_to_baseline=%.2f runs=%d\n",
      count, pl.median, pl.p95, pl.median / b.median, runs);
  std::printf("bench dashboard: target=baseline answers=%zu median_ms=%.2f p95_ms=%.2f runs=%d\n",
              count, b.median, b.p95, runs);
  std::printf(
      "bench dashboard: target=submit answers=%d replaced=%d seconds=%.2f answers_per_s=%.0f\n",
      submitted, replace_n, submit_s, submitted / submit_s);
  std::printf(
      "bench dashboard: target=http_submit answers=%d clients=%d seconds=%.2f "
      "answers_per_s=%.0f post_median_ms=%.2f post_p95_ms=%.2f\n",
      http_answers, http_clients, http_s, http_answers / http_s, hp.median, hp.p95);
  return 0;
}
