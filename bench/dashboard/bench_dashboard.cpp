// bench dashboard (issue 6): loads 10,000 participants × 6 rounds of readiness
// answers into a fresh SQLite database and measures, in the same run:
// - submit: answers per second through ReadinessRepository::submit (the path
//   the participant's form takes, one transaction per answer, with a
//   private code), over the first SUBMIT answers of round 1;
// - the rest is bulk-inserted in one transaction with the same columns and
//   values submit writes (a fresh id, the unit, the staging slug, rulers,
//   empty reflection, 12 zero ORIC digits, participant_key = the store's
//   participant_key() of the participant's private code, the day only);
// - page: the server time of GET /initiativ/:id/innsjekk/resultater, the
//   route's own handler called in-process (store read, aggregation with
//   suppression, rendering), median and p95 over RUNS calls;
// - aggregate: the same without rendering (store read + readiness::aggregate);
// - baseline: SELECT round, staging, COUNT(*) … GROUP BY round, staging.
// Checks before measuring that the dashboard's stage counts equal the
// baseline's. Prints `bench dashboard: key=value …` lines.
//
// Usage: bench_dashboard DIR [PARTICIPANTS] [SUBMIT] [RUNS]

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
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
  if (argc < 2) die("usage: bench_dashboard DIR [PARTICIPANTS] [SUBMIT] [RUNS]");
  const std::string dir = argv[1];
  const int participants = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int submit_n = argc > 3 ? std::atoi(argv[3]) : 2000;
  const int runs = argc > 4 ? std::atoi(argv[4]) : 30;
  const int rounds_n = 6;
  if (participants < 10 || submit_n < 1 || submit_n > participants || runs < 3)
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

  // Submission throughput through the store.
  std::mt19937 rng(42);
  std::vector<std::vector<readiness::StagingAnswer>> plan(static_cast<std::size_t>(participants));
  for (auto& row : plan)
    for (int r = 0; r < rounds_n; ++r)
      row.push_back(staging_for(rng, r));
  auto t0 = Clock_::now();
  for (int p = 0; p < submit_n; ++p) {
    store::Submission s;
    s.staging = plan[static_cast<std::size_t>(p)][0];
    s.unit_id = units[static_cast<std::size_t>(p) % units.size()];
    s.importance = p % 11;
    s.confidence = (p * 7) % 11;
    s.private_code = codes[static_cast<std::size_t>(p)];
    must(repo.submit(rounds[0].join_code, s), "submit");
  }
  const double submit_s = ms_since(t0) / 1000.0;

  // The rest in bulk, with the values submit writes.
  t0 = Clock_::now();
  std::vector<std::string> keys;
  for (const auto& c : codes)
    keys.push_back(must(store::participant_key(ini.id, c), "key"));
  const std::string day = "2026-11-22", oric(12, '0'), empty;
  db->with_transaction([&](soci::session& s) {
    std::string id, rid, unit, staging, pkey;
    int imp = 0, conf = 0;
    soci::statement st =
        (s.prepare << "INSERT INTO readiness_answers (id, round_id, unit_id, staging, importance, "
                      "confidence, reflection, oric, participant_key, device_key, answered_on) "
                      "VALUES (:id, :r, :u, :st, :im, :co, :re, :or, :pk, NULL, :day)",
         soci::use(id), soci::use(rid), soci::use(unit), soci::use(staging), soci::use(imp),
         soci::use(conf), soci::use(empty), soci::use(oric), soci::use(pkey), soci::use(day));
    for (int r = 0; r < rounds_n; ++r)
      for (int p = r == 0 ? submit_n : 0; p < participants; ++p) {
        const auto pi = static_cast<std::size_t>(p);
        id = store::detail::new_id();
        rid = rounds[static_cast<std::size_t>(r)].id;
        unit = units[pi % units.size()];
        staging = std::string(readiness::slug(plan[pi][static_cast<std::size_t>(r)]));
        imp = (p + r) % 11;
        conf = (p * 7 + r) % 11;
        pkey = keys[pi];
        st.execute(true);
      }
  });
  const double bulk_s = ms_since(t0) / 1000.0;

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

  // The aggregation without rendering.
  auto aggregate = [&] {
    auto rows = must(repo.answers(actor, ini.id), "answers");
    std::vector<readiness::DashboardRound> in;
    for (const auto& r : rounds)
      in.push_back({r.id, units});
    std::vector<readiness::DashboardAnswer> answers;
    answers.reserve(rows.size());
    for (const auto& a : rows)
      answers.push_back({a.round_id, a.unit_id, readiness::stage_for(a.staging), a.importance,
                         a.confidence, a.participant});
    return std::pair{rows.size(), readiness::aggregate(in, answers, 5)};
  };

  // Check before measuring.
  auto base = baseline();
  auto [count, dash] = aggregate();
  if (count != static_cast<std::size_t>(participants * rounds_n))
    die("expected " + std::to_string(participants * rounds_n) + " answers, found " +
        std::to_string(count));
  for (std::size_t r = 0; r < rounds.size(); ++r)
    for (auto a : readiness::kStagingAnswers) {
      const auto st = readiness::stage_for(a);
      const auto& c = dash.rounds[r].stages[static_cast<std::size_t>(readiness::index(st))];
      auto it = base.find({rounds[r].id, std::string(readiness::slug(a))});
      const int want = it == base.end() ? 0 : it->second;
      if (!c.count || *c.count != want)
        die("round " + std::to_string(r + 1) + " stage " + std::string(readiness::slug(st)) +
            ": dashboard and GROUP BY disagree");
    }
  if (dash.transitions.size() != 5 || !dash.transitions[0].linked.count ||
      *dash.transitions[0].linked.count != participants)
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
  auto first = route->handler(req);
  if (first.status != 200 || first.body.find("chart-readiness-stages") == std::string::npos)
    die("the dashboard page did not render (status " + std::to_string(first.status) + ")");

  std::vector<double> page_ms, agg_ms, base_ms;
  for (int k = 0; k < runs; ++k) {
    auto t = Clock_::now();
    auto resp = route->handler(req);
    page_ms.push_back(ms_since(t));
    if (resp.status != 200) die("page status " + std::to_string(resp.status));
    t = Clock_::now();
    auto a = aggregate();
    agg_ms.push_back(ms_since(t));
    t = Clock_::now();
    auto b = baseline();
    base_ms.push_back(ms_since(t));
    if (a.first == 0 || b.empty()) die("empty result while measuring");
  }
  const auto p = stats(page_ms), a = stats(agg_ms), b = stats(base_ms);
  std::printf(
      "bench dashboard: target=page participants=%d rounds=%d answers=%zu median_ms=%.2f "
      "p95_ms=%.2f ratio_to_baseline=%.1f target_ms=10 met=%s runs=%d\n",
      participants, rounds_n, count, p.median, p.p95, p.median / b.median,
      p.median < 10.0 ? "yes" : "no", runs);
  std::printf(
      "bench dashboard: target=aggregate answers=%zu median_ms=%.2f p95_ms=%.2f "
      "ratio_to_baseline=%.1f runs=%d\n",
      count, a.median, a.p95, a.median / b.median, runs);
  std::printf("bench dashboard: target=baseline answers=%zu median_ms=%.2f p95_ms=%.2f runs=%d\n",
              count, b.median, b.p95, runs);
  std::printf(
      "bench dashboard: target=submit answers=%d seconds=%.2f answers_per_s=%.0f "
      "bulk_answers=%d bulk_s=%.2f\n",
      submit_n, submit_s, submit_n / submit_s, participants * rounds_n - submit_n, bulk_s);
  return 0;
}
