#include "core/readiness_dashboard.hpp"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace samskap::readiness {
namespace {

using S = Stage;

DashboardAnswer ans(const std::string& round, std::optional<Stage> st, int participant = 0,
                    const std::string& unit = {}, std::optional<int> imp = std::nullopt,
                    std::optional<int> conf = std::nullopt) {
  return {round, unit, st, imp, conf, participant};
}

// n answers of `round` in stage `st`, anonymous.
void add(std::vector<DashboardAnswer>& v, const std::string& round, Stage st, int n,
         const std::string& unit = {}, std::optional<int> imp = std::nullopt) {
  for (int k = 0; k < n; ++k)
    v.push_back(ans(round, st, 0, unit, imp));
}

std::vector<std::optional<int>> stage_counts(const RoundSummary& r) {
  std::vector<std::optional<int>> out;
  for (const auto& c : r.stages)
    out.push_back(c.count);
  out.push_back(r.unstaged.count);
  return out;
}

constexpr std::nullopt_t H = std::nullopt;  // hidden

// The attacker: every vector of non-negative counts that agrees with what is
// shown (shown cells, the total when shown, and hidden cells non-empty
// unless zeros are hidden too). Returns, per hidden cell, the set of values
// it can take. A cell with one possible value is disclosed.
std::vector<std::set<int>> possible_hidden(const std::vector<std::optional<int>>& shown,
                                           std::optional<int> total, int max_total) {
  std::vector<std::size_t> hid;
  int known = 0;
  bool zeros_hidden = false;  // a group that hides all its cells may hide zeros
  for (std::size_t k = 0; k < shown.size(); ++k) {
    if (shown[k])
      known += *shown[k];
    else
      hid.push_back(k);
  }
  if (hid.size() == shown.size()) zeros_hidden = true;
  std::vector<std::set<int>> vals(hid.size());
  std::vector<int> cur(hid.size());
  std::function<void(std::size_t, int)> rec = [&](std::size_t i, int sum) {
    if (i == hid.size()) {
      if (total && known + sum != *total) return;
      for (std::size_t j = 0; j < hid.size(); ++j)
        vals[j].insert(cur[j]);
      return;
    }
    for (int v = zeros_hidden ? 0 : 1; known + sum + v <= max_total; ++v) {
      cur[i] = v;
      rec(i + 1, sum + v);
    }
  };
  rec(0, 0);
  return vals;
}

// ---------------------------------------------------------------- rounds

struct RoundCase {
  const char* name;
  std::vector<int> per_stage;  // 6 stages + unstaged
  int min_group;
  std::vector<std::optional<int>> expected;
};

TEST(DashboardRounds, StageDistributionIsSuppressedAsTheTableSays) {
  const std::vector<RoundCase> cases = {
      {"all large", {5, 6, 0, 0, 0, 0, 0}, 5, {5, 6, 0, 0, 0, 0, 0}},
      {"one small hides the next smallest", {1, 6, 7, 0, 0, 0, 0}, 5, {H, H, 7, 0, 0, 0, 0}},
      {"two small that add to the minimum", {2, 3, 9, 0, 0, 0, 0}, 5, {H, H, 9, 0, 0, 0, 0}},
      {"too few in the round: nothing", {1, 1, 2, 0, 0, 0, 0}, 5, {H, H, H, H, H, H, H}},
      {"minimum 3", {3, 1, 5, 0, 0, 0, 0}, 3, {H, H, 5, 0, 0, 0, 0}},
      {"configured below the floor counts as 3", {2, 4, 0, 0, 0, 0, 0}, 1, {H, H, 0, 0, 0, 0, 0}},
      {"empty round", {0, 0, 0, 0, 0, 0, 0}, 5, {0, 0, 0, 0, 0, 0, 0}},
      {"unstaged small", {6, 0, 0, 0, 0, 0, 1}, 5, {H, 0, 0, 0, 0, 0, H}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<DashboardAnswer> a;
    for (std::size_t k = 0; k < 6; ++k)
      add(a, "r1", kStages[k], c.per_stage[k]);
    for (int k = 0; k < c.per_stage[6]; ++k)
      a.push_back(ans("r1", std::nullopt));
    auto d = aggregate({{"r1", {}}}, a, c.min_group);
    ASSERT_EQ(d.rounds.size(), 1u);
    EXPECT_EQ(stage_counts(d.rounds[0]), c.expected);
  }
}

TEST(DashboardRounds, ARoundBelowTheMinimumShowsNoTotalAndNoBreakdown) {
  std::vector<DashboardAnswer> a;
  add(a, "r1", S::handling, 4, "u1", 9);
  auto d = aggregate({{"r1", {"u1"}}}, a, 5);
  const auto& r = d.rounds[0];
  EXPECT_FALSE(r.enough);
  EXPECT_TRUE(r.answers.suppressed());
  for (const auto& c : r.stages)
    EXPECT_TRUE(c.suppressed());
  for (const auto& c : r.importance.bands)
    EXPECT_TRUE(c.suppressed());
  EXPECT_TRUE(r.importance.skipped.suppressed());
  for (const auto& u : r.units)
    EXPECT_TRUE(u.count.suppressed());
}

TEST(DashboardRounds, RulersInBandsAndUnitsAreSuppressedToo) {
  std::vector<DashboardAnswer> a;
  add(a, "r1", S::overveielse, 6, "u1", 2);  // low
  add(a, "r1", S::overveielse, 5, "u2", 8);  // high
  add(a, "r1", S::overveielse, 1, "u3", 5);  // middle, unit u3 alone
  auto d = aggregate({{"r1", {"u1", "u2", "u3"}}}, a, 5);
  const auto& r = d.rounds[0];
  EXPECT_EQ(r.answers.count, 12);
  EXPECT_EQ(r.stages[1].count, 12);
  // Bands: low 6, middle 1 → hidden, high 5 → hidden with it (smallest), skipped 0.
  EXPECT_EQ(r.importance.bands[0].count, 6);
  EXPECT_TRUE(r.importance.bands[1].suppressed());
  EXPECT_TRUE(r.importance.bands[2].suppressed());
  EXPECT_EQ(r.importance.skipped.count, 0);
  // Confidence was skipped by all 12.
  EXPECT_EQ(r.confidence.skipped.count, 12);
  // Units: u1 6, u2 5 (hidden with u3), u3 1 hidden, no unit 0.
  ASSERT_EQ(r.units.size(), 4u);
  EXPECT_EQ(r.units[0].count.count, 6);
  EXPECT_TRUE(r.units[1].count.suppressed());
  EXPECT_TRUE(r.units[2].count.suppressed());
  EXPECT_EQ(r.units[3].unit_id, "");
  EXPECT_EQ(r.units[3].count.count, 0);
}

TEST(DashboardRounds, OutOfRangeRulersCountAsSkipped) {
  EXPECT_EQ(band_of(-1), std::nullopt);
  EXPECT_EQ(band_of(11), std::nullopt);
  EXPECT_EQ(band_of(0), Band::low);
  EXPECT_EQ(band_of(3), Band::low);
  EXPECT_EQ(band_of(4), Band::middle);
  EXPECT_EQ(band_of(6), Band::middle);
  EXPECT_EQ(band_of(7), Band::high);
  EXPECT_EQ(band_of(10), Band::high);
}

// Every stage vector of 4 non-empty-able groups (others 0) with counts 0..6:
// no hidden stage count can be worked out from what the dashboard shows.
TEST(DashboardRounds, NoHiddenStageCountCanBeRecovered) {
  for (int m : {3, 5}) {
    for (int a = 0; a <= 6; ++a)
      for (int b = 0; b <= 6; ++b)
        for (int c = 0; c <= 6; ++c)
          for (int e = 0; e <= 6; ++e) {
            std::vector<DashboardAnswer> v;
            add(v, "r", S::foroverveielse, a);
            add(v, "r", S::overveielse, b);
            add(v, "r", S::handling, c);
            add(v, "r", S::tilbakefall, e);
            auto d = aggregate({{"r", {}}}, v, m);
            const auto& r = d.rounds[0];
            auto shown = stage_counts(r);
            // A hidden total means fewer than the minimum answered.
            auto vals = possible_hidden(shown, r.answers.count, r.answers.count.value_or(m - 1));
            for (std::size_t k = 0; k < vals.size(); ++k)
              ASSERT_GE(vals[k].size(), 2u)
                  << "m=" << m << " counts " << a << "," << b << "," << c << "," << e;
          }
  }
}

// ---------------------------------------------------------------- transitions

TEST(DashboardTransitions, LinkedParticipantsMoveBetweenConsecutiveRounds) {
  std::vector<DashboardAnswer> a;
  int p = 1;
  // 6 move overveielse → forberedelse, 6 stay in handling, 5 relapse from handling.
  for (int k = 0; k < 6; ++k, ++p) {
    a.push_back(ans("r1", S::overveielse, p));
    a.push_back(ans("r2", S::forberedelse, p));
  }
  for (int k = 0; k < 6; ++k, ++p) {
    a.push_back(ans("r1", S::handling, p));
    a.push_back(ans("r2", S::handling, p));
  }
  for (int k = 0; k < 5; ++k, ++p) {
    a.push_back(ans("r1", S::handling, p));
    a.push_back(ans("r2", S::tilbakefall, p));
  }
  // Anonymous answers and a participant in only one round do not link.
  add(a, "r2", S::handling, 3);
  a.push_back(ans("r1", S::vedlikehold, 999));
  auto d = aggregate({{"r1", {}}, {"r2", {}}}, a, 5);
  ASSERT_EQ(d.transitions.size(), 1u);
  const auto& t = d.transitions[0];
  EXPECT_EQ(t.linked.count, 17);
  EXPECT_EQ(t.matrix[1][2].count, 6);
  EXPECT_EQ(t.matrix[3][3].count, 6);
  EXPECT_EQ(t.matrix[3][5].count, 5);
  EXPECT_EQ(t.matrix[0][0].count, 0);
  EXPECT_EQ(t.moves[0].count, 6);  // same
  EXPECT_EQ(t.moves[1].count, 6);  // forward
  EXPECT_EQ(t.moves[2].count, 0);  // backward
  EXPECT_EQ(t.moves[3].count, 5);  // relapse
  EXPECT_EQ(d.relapses.count, 5);
}

TEST(DashboardTransitions, FewLinkedShowNothing) {
  std::vector<DashboardAnswer> a;
  for (int p = 1; p <= 4; ++p) {
    a.push_back(ans("r1", S::handling, p));
    a.push_back(ans("r2", S::tilbakefall, p));
  }
  add(a, "r1", S::handling, 10);
  add(a, "r2", S::handling, 10);
  auto d = aggregate({{"r1", {}}, {"r2", {}}}, a, 5);
  const auto& t = d.transitions[0];
  EXPECT_FALSE(t.enough);
  EXPECT_TRUE(t.linked.suppressed());
  for (const auto& row : t.matrix)
    for (const auto& c : row)
      EXPECT_TRUE(c.suppressed());
  for (const auto& c : t.moves)
    EXPECT_TRUE(c.suppressed());
  EXPECT_TRUE(d.relapses.suppressed());
}

TEST(DashboardTransitions, ASmallCellHidesItsMoveCountAndIsProtectedInItsRowAndColumn) {
  std::vector<DashboardAnswer> a;
  int p = 1;
  auto link = [&](Stage f, Stage t, int n) {
    for (int k = 0; k < n; ++k, ++p) {
      a.push_back(ans("r1", f, p));
      a.push_back(ans("r2", t, p));
    }
  };
  link(S::handling, S::handling, 10);
  link(S::handling, S::tilbakefall, 1);  // one relapse: must not be visible
  link(S::overveielse, S::forberedelse, 8);
  auto d = aggregate({{"r1", {}}, {"r2", {}}}, a, 5);
  const auto& t = d.transitions[0];
  EXPECT_EQ(t.linked.count, 19);
  EXPECT_TRUE(t.matrix[3][5].suppressed());
  EXPECT_TRUE(t.moves[3].suppressed());
  EXPECT_TRUE(d.relapses.suppressed());
  // The row handling and the column tilbakefall each have another hidden
  // cell, so the row/column totals (which the stage counts may reveal) do
  // not give the relapse away.
  int row_hidden = 0, col_hidden = 0;
  for (std::size_t k = 0; k < 6; ++k) {
    row_hidden += t.matrix[3][k].suppressed();
    col_hidden += t.matrix[k][5].suppressed();
  }
  EXPECT_GE(row_hidden, 2);
  EXPECT_GE(col_hidden, 2);
}

// The attacker knows the linked total, every row total (the earlier round's
// stage counts when everyone linked) and every column total (the later
// round's), and solves for the hidden cells. Table of small matrices.
TEST(DashboardTransitions, NoHiddenCellFollowsFromRowAndColumnTotals) {
  struct Case {
    const char* name;
    std::vector<std::array<int, 3>> links;  // from, to, count
  };
  const std::vector<Case> cases = {
      {"one relapse", {{3, 3, 10}, {3, 5, 1}, {1, 2, 8}}},
      {"two small in a row", {{3, 3, 7}, {3, 4, 2}, {3, 5, 1}, {0, 0, 6}}},
      {"small in different rows", {{0, 1, 2}, {1, 2, 2}, {2, 3, 9}, {4, 4, 6}}},
      {"diagonal", {{0, 0, 5}, {1, 1, 5}, {2, 2, 1}, {3, 3, 5}}},
      {"just the minimum", {{2, 3, 4}, {2, 2, 1}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<DashboardAnswer> a;
    int p = 1, total = 0;
    int truth[6][6] = {};
    for (const auto& l : c.links) {
      truth[l[0]][l[1]] += l[2];
      total += l[2];
      for (int k = 0; k < l[2]; ++k, ++p) {
        a.push_back(ans("r1", kStages[static_cast<std::size_t>(l[0])], p));
        a.push_back(ans("r2", kStages[static_cast<std::size_t>(l[1])], p));
      }
    }
    auto d = aggregate({{"r1", {}}, {"r2", {}}}, a, 5);
    const auto& t = d.transitions[0];
    std::vector<std::pair<int, int>> hid;
    for (int f = 0; f < 6; ++f)
      for (int to = 0; to < 6; ++to)
        if (t.matrix[f][to].suppressed()) hid.push_back({f, to});
    bool all_hidden = hid.size() == 36;
    // Enumerate assignments of hidden cells consistent with row and column sums.
    std::vector<std::set<int>> vals(hid.size());
    std::vector<int> cur(hid.size());
    int row[6] = {}, col[6] = {};
    for (int f = 0; f < 6; ++f)
      for (int to = 0; to < 6; ++to) {
        row[f] += truth[f][to];
        col[to] += truth[f][to];
      }
    int r[6] = {}, cl[6] = {};
    for (int f = 0; f < 6; ++f)
      for (int to = 0; to < 6; ++to)
        if (!t.matrix[f][to].suppressed()) {
          r[f] += *t.matrix[f][to].count;
          cl[to] += *t.matrix[f][to].count;
        }
    // Hidden cells are taken as 0 or more (a hidden zero is possible where a
    // whole row or column was hidden).
    std::function<void(std::size_t)> rec = [&](std::size_t i) {
      if (i == hid.size()) {
        for (int k = 0; k < 6; ++k)
          if (r[k] != row[k] || cl[k] != col[k]) return;
        for (std::size_t j = 0; j < hid.size(); ++j)
          vals[j].insert(cur[j]);
        return;
      }
      const auto [f, to] = hid[i];
      for (int v = 0; r[f] + v <= row[f] && cl[to] + v <= col[to]; ++v) {
        cur[i] = v;
        r[f] += v;
        cl[to] += v;
        rec(i + 1);
        r[f] -= v;
        cl[to] -= v;
      }
    };
    if (all_hidden) continue;  // nothing shown at all
    rec(0);
    for (std::size_t j = 0; j < hid.size(); ++j) {
      if (truth[hid[j].first][hid[j].second] > 0) {
        EXPECT_GE(vals[j].size(), 2u) << "cell " << hid[j].first << "→" << hid[j].second;
      }
    }
    (void)total;
  }
}

// ---------------------------------------------------------------- counts

TEST(DashboardCounts, CountsAreTheRawFiguresOfEveryAnswer) {
  std::vector<DashboardAnswer> v;
  v.push_back(ans("r1", S::overveielse, 1, "u1", 3, 10));
  v.push_back(ans("r1", S::overveielse, 2, "u2", 11, std::nullopt));  // out of range: skipped
  v.push_back(ans("r1", std::nullopt, 0, "", 0, 0));                  // unstaged
  v.push_back(ans("r2", S::handling, 1, "u1"));
  v.push_back(ans("r2", S::tilbakefall, 2, "elsewhere"));
  v.push_back(ans("r2", S::handling, 0));    // anonymous: no link
  v.push_back(ans("gone", S::handling, 1));  // a round not asked for
  const auto c = count({{"r1", {"u1", "u2"}}, {"r2", {"u1"}}}, v);
  ASSERT_EQ(c.rounds.size(), 2u);
  EXPECT_EQ(c.rounds[0].stages[static_cast<std::size_t>(index(S::overveielse))], 2);
  EXPECT_EQ(c.rounds[0].stages[6], 1) << "unstaged";
  EXPECT_EQ(c.rounds[0].importance[3], 1);
  EXPECT_EQ(c.rounds[0].importance[0], 1);
  EXPECT_EQ(c.rounds[0].importance[kRulerSkipped], 1);
  EXPECT_EQ(c.rounds[0].confidence[10], 1);
  EXPECT_EQ(c.rounds[0].confidence[kRulerSkipped], 1);
  EXPECT_EQ(c.rounds[0].units, (std::map<std::string, int>{{"", 1}, {"u1", 1}, {"u2", 1}}));
  EXPECT_EQ(c.rounds[1].units, (std::map<std::string, int>{{"", 1}, {"elsewhere", 1}, {"u1", 1}}));
  ASSERT_EQ(c.transitions.size(), 1u);
  int linked = 0;
  for (const auto& row : c.transitions[0])
    for (int n : row)
      linked += n;
  EXPECT_EQ(linked, 2);
  EXPECT_EQ(c.transitions[0][static_cast<std::size_t>(index(S::overveielse))]
                         [static_cast<std::size_t>(index(S::handling))],
            1);
  EXPECT_EQ(c.transitions[0][static_cast<std::size_t>(index(S::overveielse))]
                         [static_cast<std::size_t>(index(S::tilbakefall))],
            1);
  // The same dashboard from the answers and from their counts.
  const std::vector<DashboardRound> rounds = {{"r1", {"u1", "u2"}}, {"r2", {"u1"}}};
  EXPECT_TRUE(aggregate(rounds, v, 3) == aggregate(rounds, count(rounds, v), 3));
  // Missing counts count as none.
  const auto none = aggregate(rounds, DashboardCounts{}, 5);
  ASSERT_EQ(none.rounds.size(), 2u);
  EXPECT_EQ(none.rounds[1].answers.count, 0);
  EXPECT_EQ(none.transitions[0].linked.count, 0);
}

TEST(DashboardRates, AResponseRateOnlyBesideAShownCount) {
  std::vector<DashboardAnswer> v;
  add(v, "r", S::overveielse, 12, "north");
  add(v, "r", S::overveielse, 1, "east");
  add(v, "r", S::overveielse, 6, "west");
  add(v, "r", S::overveielse, 5, "zero");
  add(v, "r", S::overveielse, 7, "few");
  DashboardRound r{"r", {"north", "east", "west", "zero", "few"}, {40, 10, std::nullopt, 0, 3}};
  const auto d = aggregate({r}, v, 5);
  ASSERT_EQ(d.rounds[0].units.size(), 6u);
  const auto& u = d.rounds[0].units;
  EXPECT_EQ(u[0].count.count, 12);
  EXPECT_EQ(u[0].invited, 40);
  EXPECT_EQ(u[0].rate_percent, 30);
  EXPECT_TRUE(u[1].count.suppressed()) << "1 answer";
  EXPECT_EQ(u[1].invited, 10) << "the head count is the facilitator's own figure";
  EXPECT_EQ(u[1].rate_percent, std::nullopt) << "it would tell the hidden count";
  EXPECT_EQ(u[2].invited, std::nullopt);
  EXPECT_EQ(u[2].rate_percent, std::nullopt);
  EXPECT_EQ(u[3].invited, 0);
  EXPECT_EQ(u[3].rate_percent, std::nullopt) << "no rate of a head count of 0";
  EXPECT_EQ(u[4].rate_percent, 233) << "more answers than invited: shown as it is";
  EXPECT_EQ(u[5].invited, std::nullopt) << "no unit given";
  // Rounded to the nearest whole percent, halves up.
  for (auto [answers, invited, want] : std::vector<std::array<int, 3>>{
           {5, 8, 63}, {5, 16, 31}, {5, 6, 83}, {5, 200, 3}, {5, 1000, 1}, {5, 100000, 0}}) {
    std::vector<DashboardAnswer> w;
    add(w, "r", S::overveielse, answers, "a");
    const auto e = aggregate({{"r", {"a"}, {invited}}}, w, 5);
    EXPECT_EQ(e.rounds[0].units[0].rate_percent, want) << answers << "/" << invited;
  }
  // Below the minimum, nothing.
  std::vector<DashboardAnswer> few;
  add(few, "r", S::overveielse, 4, "a");
  EXPECT_EQ(aggregate({{"r", {"a"}, {4}}}, few, 5).rounds[0].units[0].rate_percent, std::nullopt);
}

TEST(ProtectGroup, HidesUntilTheHiddenCellsAreSafe) {
  struct Case {
    std::vector<int> counts;
    std::vector<bool> hidden_in, hidden_out;
  };
  const std::vector<Case> cases = {
      {{5, 1, 7}, {false, true, false}, {true, true, false}},
      {{5, 2, 7}, {true, true, false}, {true, true, false}},
      {{0, 1, 0}, {false, true, false}, {true, true, true}},
      {{4, 4}, {false, false}, {false, false}},
      {{1, 1, 9}, {true, true, false}, {true, true, true}},
  };
  for (const auto& c : cases) {
    auto h = c.hidden_in;
    protect_group(c.counts, h, 5);
    EXPECT_EQ(h, c.hidden_out);
  }
}

// ---------------------------------------------------------------- CSV

// A small RFC 4180 reader for the test.
std::vector<std::vector<std::string>> parse_csv(std::string_view s) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string f;
  bool q = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (q) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        f += '"';
        ++i;
      } else if (c == '"') {
        q = false;
      } else {
        f += c;
      }
    } else if (c == '"') {
      q = true;
    } else if (c == ',') {
      row.push_back(f);
      f.clear();
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      row.push_back(f);
      f.clear();
      rows.push_back(row);
      row.clear();
      ++i;
    } else {
      f += c;
    }
  }
  return rows;
}

TEST(Csv, EncodesRfc4180WithBomAndDefusesFormulas) {
  const std::vector<std::vector<std::string>> rows = {
      {"Runde", "Stadium", "Antall"},    {"Vår, \"første\"", "Føroverveielse", "5"},
      {"=HYPERLINK(\"x\")", "+1", "-2"}, {"@SUM(A1)", "linje\nto", "\tfane"},
      {"", "vanlig", "skjult"},
  };
  auto out = csv_encode(rows);
  ASSERT_GE(out.size(), 3u);
  EXPECT_EQ(out.substr(0, 3), "\xEF\xBB\xBF");
  auto back = parse_csv(std::string_view(out).substr(3));
  ASSERT_EQ(back.size(), rows.size());
  EXPECT_EQ(back[1][0], "Vår, \"første\"");
  EXPECT_EQ(back[2][0], "'=HYPERLINK(\"x\")");
  EXPECT_EQ(back[2][1], "'+1");
  EXPECT_EQ(back[2][2], "'-2");
  EXPECT_EQ(back[3][0], "'@SUM(A1)");
  EXPECT_EQ(back[3][1], "linje\nto");
  EXPECT_EQ(back[3][2], "'\tfane");
  EXPECT_EQ(back[4][0], "");
  EXPECT_EQ(back[4][2], "skjult");
  EXPECT_EQ(csv_encode({{"a"}}, false), "a\r\n");
}

}  // namespace
}  // namespace samskap::readiness
