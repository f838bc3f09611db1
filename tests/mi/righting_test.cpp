// The righting reflex in both languages (issue 14), table-driven from
// tests/mi/data/righting/righting-{nb,en}.tsv: one facilitator utterance,
// after the participant's (when given), must be flagged MI-non-adherent or
// not, and "emphasising autonomy" must be given or not as the table says.
// The tables were written for this test with the seed's examples in them
// («Du bør i alle fall prøve dem før du bestemmer deg.», "You really need to
// quit. …") and cover both directions.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "mi/coder.hpp"
#include "mi/engine.hpp"

namespace samskap::mi {
namespace {

const Engine& engine() {
  static const Engine e = [] {
    auto r = Engine::load();
    if (!r) throw std::runtime_error(r.error().detail);
    return std::move(r).value();
  }();
  return e;
}

struct Case {
  bool non_adherent = false;
  char autonomy = '-';  // 'y', 'n' or '-'
  std::string before, text, why;
};

std::vector<Case> read_cases(const std::string& path) {
  std::ifstream in(path);
  std::vector<Case> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, '\t');)
      f.push_back(x);
    if (f.size() != 5) {
      ADD_FAILURE() << path << ": not five fields: " << line;
      continue;
    }
    Case c;
    c.non_adherent = f[0] == "non_adherent";
    c.autonomy = f[1] == "yes" ? 'y' : f[1] == "no" ? 'n' : '-';
    c.before = f[2];
    c.text = f[3];
    c.why = f[4];
    out.push_back(std::move(c));
  }
  return out;
}

class Righting : public ::testing::TestWithParam<const char*> {};

TEST_P(Righting, FlagsTheRightingReflexAndOnlyRealAutonomy) {
  const std::string lang_code = GetParam();
  const Language lang = lang_code == "nb" ? Language::nb : Language::en;
  auto cases = read_cases("tests/mi/data/righting/righting-" + lang_code + ".tsv");
  ASSERT_GE(cases.size(), 45u);
  int adherent = 0, non_adherent = 0, wrong = 0;
  const std::map<std::string, Role> roles = {{"P", Role::participant}, {"F", Role::facilitator}};
  for (const auto& c : cases) {
    (c.non_adherent ? non_adherent : adherent)++;
    Transcript t;
    if (!c.before.empty()) t.utterances.push_back({"P", c.before, {}, {}, 1});
    t.utterances.push_back({"F", c.text, {}, {}, 2});
    auto coded = code_transcript(engine(), lang, t, roles);
    ASSERT_TRUE(coded.ok()) << coded.error().detail;
    const UtteranceCode& k = coded->back().code;
    bool ok = k.non_adherent == c.non_adherent;
    if (c.autonomy != '-') ok = ok && k.autonomy == (c.autonomy == 'y');
    if (!ok) {
      ++wrong;
      ADD_FAILURE() << (c.non_adherent ? "non-adherent" : "adherent")
                    << (c.autonomy == 'y'   ? ", autonomy"
                        : c.autonomy == 'n' ? ", no autonomy"
                                            : "")
                    << " (" << c.why << "): «" << c.text << "» was coded "
                    << (k.non_adherent ? "non-adherent" : "adherent")
                    << (k.autonomy ? ", autonomy" : "");
    }
  }
  EXPECT_GE(adherent, 22);
  EXPECT_GE(non_adherent, 22);
  EXPECT_EQ(wrong, 0);
}

INSTANTIATE_TEST_SUITE_P(Languages, Righting, ::testing::Values("nb", "en"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace samskap::mi
