#include "core/readiness.hpp"

#include <algorithm>
#include <cstddef>

namespace samskap::readiness {

namespace {

constexpr std::array<std::string_view, 6> kStageSlugs = {
    "foroverveielse", "overveielse", "forberedelse", "handling", "vedlikehold", "tilbakefall"};
constexpr std::array<std::string_view, 6> kStageKbIds = {
    "stadium.foroverveielse", "stadium.overveielse", "stadium.forberedelse",
    "stadium.handling",       "stadium.vedlikehold", "stadium.tilbakefall"};
constexpr std::array<std::string_view, 6> kStagingSlugs = {"ingen-planer",      "innen-6-mnd",
                                                           "plan-innen-1-mnd",  "endrer-na",
                                                           "endret-over-6-mnd", "falt-tilbake"};
// The stage each staging answer means, index for index with kStagingAnswers:
// the seed's time criteria are in the answer texts, so this is one to one.
constexpr std::array kStageOfAnswer = {Stage::foroverveielse, Stage::overveielse,
                                       Stage::forberedelse,   Stage::handling,
                                       Stage::vedlikehold,    Stage::tilbakefall};
constexpr std::array<std::string_view, 3> kFlagSlugs = {"tilbakefallsrisiko", "ytre-press",
                                                        "klar-for-neste-steg"};

template <typename Enum, std::size_t N>
std::string_view slug_of(Enum e, const std::array<Enum, N>& values,
                         const std::array<std::string_view, N>& slugs) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (values[i] == e) return slugs[i];
  return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse_slug(std::string_view s, const std::array<Enum, N>& values,
                               const std::array<std::string_view, N>& slugs) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (slugs[i] == s) return values[i];
  return std::nullopt;
}

std::string key(std::string_view prefix, std::string_view slug) {
  std::string k(prefix);
  k += slug;
  return k;
}

// A ruler value, or nullopt when skipped or outside 0..10.
std::optional<int> ruler(const std::optional<int>& v) noexcept {
  if (!v || *v < 0 || *v > 10) return std::nullopt;
  return v;
}

bool in(const std::optional<int>& v, int lo, int hi) noexcept {
  return v && *v >= lo && *v <= hi;
}

// Mean of the answered items (1..5) in [first, last), or nullopt when fewer
// than half of them are answered.
std::optional<double> subscale(const std::array<int, kOricItems>& items, int first, int last) {
  int answered = 0, sum = 0;
  for (int i = first; i < last; ++i) {
    const int v = items[static_cast<std::size_t>(i)];
    if (v < 1 || v > 5) continue;  // 0 is skipped; anything else out of range counts as skipped
    ++answered;
    sum += v;
  }
  if (answered == 0 || 2 * answered < last - first) return std::nullopt;
  return static_cast<double>(sum) / answered;
}

}  // namespace

// ---------------------------------------------------------------- stages

std::string_view slug(Stage s) noexcept {
  return slug_of(s, kStages, kStageSlugs);
}

std::string_view kb_id(Stage s) noexcept {
  return slug_of(s, kStages, kStageKbIds);
}

std::optional<Stage> parse_stage(std::string_view s) noexcept {
  return parse_slug(s, kStages, kStageSlugs);
}

std::string name_key(Stage s) {
  return key("readiness.stage.", slug(s));
}

int index(Stage s) noexcept {
  for (std::size_t i = 0; i < kStages.size(); ++i)
    if (kStages[i] == s) return static_cast<int>(i);
  return 0;
}

// ---------------------------------------------------------------- answers

std::string_view slug(StagingAnswer a) noexcept {
  return slug_of(a, kStagingAnswers, kStagingSlugs);
}

std::optional<StagingAnswer> parse_staging_answer(std::string_view s) noexcept {
  return parse_slug(s, kStagingAnswers, kStagingSlugs);
}

std::string name_key(StagingAnswer a) {
  return key("readiness.staging.", slug(a));
}

std::string_view slug(Flag f) noexcept {
  return slug_of(f, kFlags, kFlagSlugs);
}

std::string name_key(Flag f) {
  return key("readiness.flag.", slug(f));
}

std::string help_key(Flag f) {
  return key("readiness.flag_help.", slug(f));
}

Stage stage_for(StagingAnswer a) noexcept {
  for (std::size_t i = 0; i < kStagingAnswers.size(); ++i)
    if (kStagingAnswers[i] == a) return kStageOfAnswer[i];
  return Stage::foroverveielse;
}

Staging stage_of(const Answer& answer) noexcept {
  Staging out;
  if (!answer.staging) return out;
  const Stage stage = stage_for(*answer.staging);
  out.stage = stage;
  const auto importance = ruler(answer.importance);
  const auto confidence = ruler(answer.confidence);
  // Flags are pushed in enum order.
  if ((stage == Stage::handling || stage == Stage::vedlikehold) && in(confidence, 0, 3))
    out.flags.push_back(Flag::relapse_risk);
  if ((stage == Stage::forberedelse || stage == Stage::handling) && in(importance, 0, 3))
    out.flags.push_back(Flag::external_pressure);
  if (stage == Stage::overveielse && in(importance, 7, 10) && in(confidence, 7, 10))
    out.flags.push_back(Flag::ready_to_move);
  return out;
}

Move move_between(Stage from, Stage to) noexcept {
  if (from == to) return Move::same;
  if (to == Stage::tilbakefall) return Move::relapse;
  if (from == Stage::tilbakefall) return Move::forward;
  return index(to) > index(from) ? Move::forward : Move::backward;
}

std::string_view slug(Move m) noexcept {
  switch (m) {
    case Move::same:
      return "samme";
    case Move::forward:
      return "fram";
    case Move::backward:
      return "tilbake";
    case Move::relapse:
      return "tilbakefall";
  }
  return {};
}

// ---------------------------------------------------------------- ORIC

OricScores oric_scores(const std::array<int, kOricItems>& items) noexcept {
  return {subscale(items, 0, kOricCommitmentItems),
          subscale(items, kOricCommitmentItems, kOricItems)};
}

// ---------------------------------------------------------------- privacy

int effective_min_group(int configured) noexcept {
  return std::max(configured, kMinGroupFloor);
}

std::vector<bool> suppress(const std::vector<int>& counts, int min_group, bool total_shown) {
  const long long m = effective_min_group(min_group);
  const std::size_t n = counts.size();
  std::vector<long long> c(n);
  long long total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    c[i] = std::max(0, counts[i]);
    total += c[i];
  }
  // A group of fewer than the minimum in all: no breakdown at all.
  if (total > 0 && total < m) return std::vector<bool>(n, false);

  std::vector<bool> shown(n, true);
  bool any_hidden = false;
  for (std::size_t i = 0; i < n; ++i)
    if (c[i] > 0 && c[i] < m) {
      shown[i] = false;
      any_hidden = true;
    }
  if (!total_shown || !any_hidden) return shown;

  // Complementary suppression: the hidden groups must be at least two, add
  // up to at least the minimum, and add up to more than their number (else
  // every hidden count would be 1, since zeros are shown). Hide the smallest
  // shown non-empty group (the first of equals) until that holds; when no
  // such group is left, hide everything.
  for (;;) {
    long long k = 0, sum = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (!shown[i]) {
        ++k;
        sum += c[i];
      }
    if (k >= 2 && sum >= m && sum > k) return shown;
    std::size_t best = n;
    for (std::size_t i = 0; i < n; ++i)
      if (shown[i] && c[i] > 0 && (best == n || c[i] < c[best])) best = i;
    if (best == n) return std::vector<bool>(n, false);
    shown[best] = false;
  }
}

}  // namespace samskap::readiness
