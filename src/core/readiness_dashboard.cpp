#include "core/readiness_dashboard.hpp"

#include <algorithm>
#include <map>
#include <numeric>

namespace samskap::readiness {

namespace {

// Cells from counts and a "shown" mask.
template <std::size_t N>
void fill(std::array<Cell, N>& cells, const std::vector<int>& counts,
          const std::vector<bool>& shown) {
  for (std::size_t k = 0; k < N; ++k)
    cells[k].count = shown[k] ? std::optional<int>(counts[k]) : std::nullopt;
}

std::vector<bool> all(std::size_t n, bool v) {
  return std::vector<bool>(n, v);
}

}  // namespace

std::optional<Band> band_of(std::optional<int> ruler) noexcept {
  if (!ruler || *ruler < 0 || *ruler > 10) return std::nullopt;
  if (*ruler <= 3) return Band::low;
  if (*ruler <= 6) return Band::middle;
  return Band::high;
}

bool protect_group(const std::vector<int>& counts, std::vector<bool>& hidden, int min_group) {
  const int m = effective_min_group(min_group);
  bool changed = false;
  for (;;) {
    int n = 0, sum = 0;
    for (std::size_t k = 0; k < counts.size(); ++k)
      if (hidden[k]) {
        ++n;
        sum += std::max(counts[k], 0);
      }
    if (n == 0) return changed;
    if (n >= 2 && sum >= m && sum > n) return changed;
    // Hide the smallest shown non-empty cell (the first of equals).
    std::optional<std::size_t> pick;
    for (std::size_t k = 0; k < counts.size(); ++k)
      if (!hidden[k] && counts[k] > 0 && (!pick || counts[k] < counts[*pick])) pick = k;
    if (!pick) {
      // Nothing left to hide but zeros: hide the whole group, zeros too, so
      // that the hidden cells are not known to be the only non-empty ones.
      bool any = false;
      for (std::size_t k = 0; k < counts.size(); ++k)
        if (!hidden[k]) {
          hidden[k] = true;
          any = true;
        }
      return changed || any;
    }
    hidden[*pick] = true;
    changed = true;
  }
}

namespace {

RulerSummary ruler_summary(const std::array<int, 12>& values, int m, bool enough) {
  std::vector<int> counts(4, 0);
  for (std::size_t v = 0; v < values.size(); ++v) {
    auto b = v == kRulerSkipped ? std::nullopt : band_of(static_cast<int>(v));
    counts[b ? static_cast<std::size_t>(*b) : 3] += values[v];
  }
  auto shown = enough ? suppress(counts, m, true) : all(4, false);
  RulerSummary r;
  for (std::size_t k = 0; k < 3; ++k)
    r.bands[k].count = shown[k] ? std::optional<int>(counts[k]) : std::nullopt;
  r.skipped.count = shown[3] ? std::optional<int>(counts[3]) : std::nullopt;
  return r;
}

Transition transition(const std::string& from_id, const std::string& to_id,
                      const std::array<std::array<int, 6>, 6>& matrix, int m) {
  Transition t;
  t.from_round = from_id;
  t.to_round = to_id;
  std::vector<int> cells(36, 0);
  int linked = 0;
  for (std::size_t f = 0; f < 6; ++f)
    for (std::size_t to = 0; to < 6; ++to) {
      cells[f * 6 + to] = matrix[f][to];
      linked += matrix[f][to];
    }
  t.enough = linked == 0 || linked >= m;
  t.linked.count = t.enough ? std::optional<int>(linked) : std::nullopt;

  std::vector<bool> hidden(36, true);
  if (t.enough && linked > 0) {
    auto shown = suppress(cells, m, true);
    for (std::size_t k = 0; k < 36; ++k)
      hidden[k] = !shown[k];
    // Rows, columns and move groups: each total may be known elsewhere.
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t r = 0; r < 6; ++r) {
      std::vector<std::size_t> row, col;
      for (std::size_t c = 0; c < 6; ++c) {
        row.push_back(r * 6 + c);
        col.push_back(c * 6 + r);
      }
      groups.push_back(row);
      groups.push_back(col);
    }
    for (Move mv : kMoves) {
      std::vector<std::size_t> g;
      for (Stage f : kStages)
        for (Stage to : kStages)
          if (move_between(f, to) == mv)
            g.push_back(static_cast<std::size_t>(index(f) * 6 + index(to)));
      groups.push_back(g);
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& g : groups) {
        std::vector<int> c;
        std::vector<bool> h;
        for (auto k : g) {
          c.push_back(cells[k]);
          h.push_back(hidden[k]);
        }
        if (protect_group(c, h, m)) {
          changed = true;
          for (std::size_t j = 0; j < g.size(); ++j)
            hidden[g[j]] = h[j];
        }
      }
    }
  } else if (linked == 0) {
    std::fill(hidden.begin(), hidden.end(), false);  // all zeros: nothing to hide
  }
  for (std::size_t f = 0; f < 6; ++f)
    for (std::size_t to = 0; to < 6; ++to) {
      const auto k = f * 6 + to;
      t.matrix[f][to].count = hidden[k] ? std::nullopt : std::optional<int>(cells[k]);
    }
  // A move count only when every cell of its group is shown.
  for (std::size_t mi = 0; mi < kMoves.size(); ++mi) {
    int sum = 0;
    bool ok = t.enough;
    for (Stage f : kStages)
      for (Stage to : kStages)
        if (move_between(f, to) == kMoves[mi]) {
          const auto& c =
              t.matrix[static_cast<std::size_t>(index(f))][static_cast<std::size_t>(index(to))];
          if (c.suppressed())
            ok = false;
          else
            sum += *c.count;
        }
    t.moves[mi].count = ok ? std::optional<int>(sum) : std::nullopt;
  }
  return t;
}

}  // namespace

DashboardCounts count(const std::vector<DashboardRound>& rounds,
                      const std::vector<DashboardAnswer>& answers) {
  DashboardCounts out;
  out.rounds.resize(rounds.size());
  if (!rounds.empty()) out.transitions.resize(rounds.size() - 1);
  std::map<std::string, std::size_t> position;
  for (std::size_t r = 0; r < rounds.size(); ++r)
    position.emplace(rounds[r].id, r);
  const auto ruler = [](std::optional<int> v) {
    return v && *v >= 0 && *v <= 10 ? static_cast<std::size_t>(*v) : kRulerSkipped;
  };
  // Each linked participant's stage per round.
  std::vector<std::map<int, Stage>> stage_of_participant(rounds.size());
  for (const auto& a : answers) {
    auto it = position.find(a.round_id);
    if (it == position.end()) continue;
    auto& c = out.rounds[it->second];
    ++c.stages[a.stage ? static_cast<std::size_t>(index(*a.stage)) : 6];
    ++c.importance[ruler(a.importance)];
    ++c.confidence[ruler(a.confidence)];
    ++c.units[a.unit_id];
    if (a.participant > 0 && a.stage) stage_of_participant[it->second][a.participant] = *a.stage;
  }
  for (std::size_t r = 1; r < rounds.size(); ++r)
    for (const auto& [p, from] : stage_of_participant[r - 1]) {
      auto it = stage_of_participant[r].find(p);
      if (it == stage_of_participant[r].end()) continue;
      ++out.transitions[r - 1][static_cast<std::size_t>(index(from))]
                       [static_cast<std::size_t>(index(it->second))];
    }
  return out;
}

Dashboard aggregate(const std::vector<DashboardRound>& rounds, const DashboardCounts& counts,
                    int configured_min_group) {
  Dashboard d;
  const int m = effective_min_group(configured_min_group);
  d.min_group = m;
  const RoundCounts none;

  for (std::size_t r = 0; r < rounds.size(); ++r) {
    const auto& round = rounds[r];
    const auto& c = r < counts.rounds.size() ? counts.rounds[r] : none;
    RoundSummary s;
    s.round_id = round.id;
    const int total = std::accumulate(c.stages.begin(), c.stages.end(), 0);
    s.enough = total == 0 || total >= m;
    s.answers.count = s.enough ? std::optional<int>(total) : std::nullopt;

    // Stages (+ unstaged).
    std::vector<int> stages(c.stages.begin(), c.stages.end());
    auto shown = s.enough ? suppress(stages, m, true) : all(7, false);
    std::vector<int> six(stages.begin(), stages.begin() + 6);
    fill(s.stages, six, shown);
    s.unstaged.count = shown[6] ? std::optional<int>(stages[6]) : std::nullopt;

    s.importance = ruler_summary(c.importance, m, s.enough);
    s.confidence = ruler_summary(c.confidence, m, s.enough);

    // Units (+ no unit given). An answer naming a unit the round does not
    // list counts as "no unit".
    std::vector<int> units(round.unit_ids.size() + 1, 0);
    for (const auto& [unit_id, n] : c.units) {
      auto it = std::find(round.unit_ids.begin(), round.unit_ids.end(), unit_id);
      units[unit_id.empty() || it == round.unit_ids.end()
                ? round.unit_ids.size()
                : static_cast<std::size_t>(it - round.unit_ids.begin())] += n;
    }
    auto ushown = s.enough ? suppress(units, m, true) : all(units.size(), false);
    for (std::size_t k = 0; k < units.size(); ++k) {
      UnitCount u;
      u.unit_id = k < round.unit_ids.size() ? round.unit_ids[k] : std::string{};
      u.count.count = ushown[k] ? std::optional<int>(units[k]) : std::nullopt;
      if (k < round.invited.size() && round.invited[k] && *round.invited[k] >= 0) {
        const int invited = *round.invited[k];
        u.invited = invited;
        // A rate only beside a shown count (it would tell the count).
        if (u.count.count && invited > 0)
          u.rate_percent = static_cast<int>((200LL * *u.count.count + invited) / (2LL * invited));
      }
      s.units.push_back(std::move(u));
    }
    d.rounds.push_back(std::move(s));
  }

  // Transitions between consecutive rounds, for linked participants.
  std::optional<int> relapses = 0;
  const std::array<std::array<int, 6>, 6> empty{};
  for (std::size_t r = 1; r < rounds.size(); ++r) {
    const auto& cells = r - 1 < counts.transitions.size() ? counts.transitions[r - 1] : empty;
    auto t = transition(rounds[r - 1].id, rounds[r].id, cells, m);
    const auto& rel = t.moves[3];
    if (relapses && !rel.suppressed())
      *relapses += *rel.count;
    else
      relapses.reset();
    d.transitions.push_back(std::move(t));
  }
  d.relapses.count = relapses;
  return d;
}

Dashboard aggregate(const std::vector<DashboardRound>& rounds,
                    const std::vector<DashboardAnswer>& answers, int configured_min_group) {
  return aggregate(rounds, count(rounds, answers), configured_min_group);
}

// ---------------------------------------------------------------- CSV

std::string spreadsheet_safe(std::string field) {
  if (!field.empty()) {
    const char c = field.front();
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r')
      field.insert(field.begin(), '\'');
  }
  return field;
}

std::string csv_encode(const std::vector<std::vector<std::string>>& rows, bool bom) {
  std::string out;
  if (bom) out += "\xEF\xBB\xBF";
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (k) out += ',';
      std::string f = spreadsheet_safe(row[k]);
      if (f.find_first_of(",\"\r\n") != std::string::npos) {
        out += '"';
        for (char c : f) {
          if (c == '"') out += '"';
          out += c;
        }
        out += '"';
      } else {
        out += f;
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace samskap::readiness
