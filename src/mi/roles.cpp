#include "mi/roles.hpp"

#include <algorithm>

#include "mi/text.hpp"

namespace samskap::mi {

namespace {
std::size_t category(const Lexicon& lex, std::string_view name) {
  const auto& c = lex.categories();
  auto it = std::lower_bound(c.begin(), c.end(), name);
  return it != c.end() && *it == name ? static_cast<std::size_t>(it - c.begin()) : c.size();
}
}  // namespace

std::map<std::string, double> facilitator_scores(const Transcript& t, const Lexicon& lex) {
  std::map<std::string, double> sum;
  std::map<std::string, int> n;
  const std::size_t k = lex.categories().size();
  const std::size_t qo = category(lex, "q.open"), qc = category(lex, "q.closed"),
                    rf = category(lex, "refl"), sm = category(lex, "summary"),
                    af = category(lex, "affirm"), pm = category(lex, "permission"),
                    self = category(lex, "self"), other = category(lex, "other_person");
  auto has = [&](const std::vector<std::uint8_t>& c, std::size_t i) { return i < k && c[i] > 0; };
  for (const auto& u : t.utterances) {
    auto tokens = tokenize(fold_case(u.text));
    auto c = lex.match(tokens);
    double s = 0;
    if (u.text.find('?') != std::string::npos || has(c, qo) || has(c, qc)) s += 2;
    if (has(c, rf) || has(c, sm) || has(c, af) || has(c, pm)) s += 1;
    double pron = 0;
    // Count pronoun tokens directly: the lexicon only says whether any matched.
    for (const auto& tok : tokens) {
      auto one = lex.match({tok});
      if (has(one, other)) pron += 0.5;
      if (has(one, self)) pron -= 0.5;
    }
    s += std::clamp(pron, -1.0, 1.0);
    sum[u.speaker] += s;
    ++n[u.speaker];
  }
  for (auto& [sp, v] : sum)
    v /= n[sp];
  if (!t.utterances.empty()) sum[t.utterances.front().speaker] += 0.3;
  return sum;
}

Result<std::map<std::string, Role>> assign_roles(const Transcript& t, const Lexicon& lex,
                                                 const std::vector<RoleOverride>& overrides) {
  auto speakers = t.speakers();
  if (speakers.size() < 2)
    return Error::invalid("mi.error.single_speaker",
                          "only one speaker (" + (speakers.empty() ? "" : speakers[0]) +
                              ") found; a conversation needs at least two");
  std::map<std::string, Role> roles;
  bool has_facilitator = false;
  for (const auto& o : overrides) {
    if (std::find(speakers.begin(), speakers.end(), o.speaker) == speakers.end())
      return Error::invalid("mi.error.unknown_speaker",
                            "no speaker called \"" + o.speaker + "\" in the transcript");
    roles[o.speaker] = o.role;
    has_facilitator = has_facilitator || o.role == Role::facilitator;
  }
  if (!has_facilitator) {
    std::string best;
    auto direct = std::find(speakers.begin(), speakers.end(), "therapist");
    if (direct != speakers.end() && !roles.count(*direct)) {
      best = *direct;
    } else {
      auto scores = facilitator_scores(t, lex);
      double top = -1e9;
      for (const auto& sp : speakers) {  // first appearance wins ties
        if (roles.count(sp)) continue;
        if (scores[sp] > top) {
          top = scores[sp];
          best = sp;
        }
      }
    }
    if (!best.empty()) roles[best] = Role::facilitator;
  }
  for (const auto& sp : speakers)
    roles.emplace(sp, Role::participant);
  if (std::none_of(roles.begin(), roles.end(),
                   [](const auto& r) { return r.second == Role::participant; }))
    return Error::invalid("mi.error.no_participant", "every speaker is a facilitator");
  if (std::none_of(roles.begin(), roles.end(),
                   [](const auto& r) { return r.second == Role::facilitator; }))
    return Error::invalid("mi.error.no_facilitator", "no speaker is a facilitator");
  return roles;
}

}  // namespace samskap::mi
