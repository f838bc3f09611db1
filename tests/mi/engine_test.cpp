// The trained engine end to end: golden files of the coder's output on small
// fixtures, the Norwegian test set's score, and feedback. Uses the models
// compiled into the binary (models/*.bin).
//
// To refresh the golden files after a deliberate model or lexicon change:
//   SAMSKAP_UPDATE_GOLDEN=1 ctest -R MiGolden   (then review the diff!)
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "mi/analysis.hpp"
#include "mi/train.hpp"

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

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fmt2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

// A stable, reviewable rendering of an analysis. Confidences are rounded to
// two decimals.
std::string render(const Analysis& a) {
  std::ostringstream o;
  o << "language " << code(a.language) << " model " << a.model << "\n";
  for (std::size_t i = 0; i < a.utterances.size(); ++i) {
    const auto& k = a.codes[i].code;
    o << i << " " << a.utterances[i].speaker << " " << to_string(k.role);
    if (k.behaviour)
      o << " " << to_string(k.behaviour->value) << ":" << fmt2(k.behaviour->confidence);
    if (k.question) o << " " << to_string(k.question->value);
    if (k.reflection) o << " " << to_string(k.reflection->value);
    if (k.input) o << " " << to_string(k.input->value);
    if (k.talk) o << " " << to_string(k.talk->value) << ":" << fmt2(k.talk->confidence);
    if (k.affirmation) o << " +affirmation";
    if (k.autonomy) o << " +autonomy";
    if (k.permission_asked) o << " +permission";
    if (k.non_adherent) o << " !non_adherent";
    o << "\n";
  }
  const auto& s = a.summary;
  o << "mi_adherent " << s.mi_adherent << " non_adherent " << s.mi_non_adherent << " change "
    << s.change_talk << " sustain " << s.sustain_talk << " basis " << s.talk_basis << "\n";
  for (const auto& f : a.feedback)
    o << "feedback " << f.utterance << " | " << f.reflection << " | " << f.open_question << "\n";
  return o.str();
}

class MiGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(MiGolden, MatchesTheGoldenFile) {
  ASSERT_TRUE(engine().full_en && engine().cue) << "models not embedded; run samskap mi train";
  std::string name = GetParam();
  std::string input = slurp("tests/mi/data/fixtures/" + name);
  ASSERT_FALSE(input.empty());
  auto a = analyse(engine(), input);
  ASSERT_TRUE(a.ok()) << a.error().message_key << ": " << a.error().detail;
  std::string got = render(*a);
  std::string golden_path = "tests/mi/data/golden/" + name + ".txt";
  if (const char* u = std::getenv("SAMSKAP_UPDATE_GOLDEN"); u && *u == '1') {
    std::ofstream(golden_path, std::ios::binary) << got;
  }
  EXPECT_EQ(got, slurp(golden_path));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MiGolden, ::testing::Values("samtale-nb.txt", "session-en.vtt"),
                         [](const auto& p) {
                           std::string n = p.param;
                           for (auto& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(MiEngine, RightingReflexIsFlaggedWithAnAlternative) {
  auto a = analyse(engine(), slurp("tests/mi/data/fixtures/samtale-nb.txt"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->language, Language::nb);
  EXPECT_EQ(a->roles.at("Kari"), Role::facilitator);
  // "Du bør bruke malene ..." is advice without permission.
  ASSERT_FALSE(a->feedback.empty());
  EXPECT_EQ(a->feedback[0].utterance, 4u);
  EXPECT_TRUE(a->codes[4].code.non_adherent);
  EXPECT_NE(a->feedback[0].reflection.find("Det høres ut som dere ikke har tid"), std::string::npos)
      << a->feedback[0].reflection;
  EXPECT_TRUE(a->codes[10].code.autonomy);
}

TEST(MiEngine, PermissionMakesAdviceAdherent) {
  std::string t =
      "Kari: Er det greit at jeg kommer med et forslag?\n\nOla: Ja, gjerne.\n\n"
      "Kari: Du kan prøve å bruke malene i journalsystemet.\n\nOla: Det skal jeg prøve.\n";
  auto a = analyse(engine(), t);
  ASSERT_TRUE(a.ok()) << a.error().detail;
  EXPECT_TRUE(a->codes[0].code.permission_asked);
  EXPECT_FALSE(a->codes[2].code.non_adherent);
  EXPECT_EQ(a->summary.mi_non_adherent, 0);
}

TEST(MiEngine, LanguageOverrideAndUnknownLanguage) {
  std::string de = "A: Wie geht es dir heute?\n\nB: Sehr gut, danke, und dir?\n\nA: Auch gut.\n";
  auto a = analyse(engine(), de);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message_key, "mi.error.unknown_language");
  AnalyseOptions o;
  o.language = Language::en;
  EXPECT_TRUE(analyse(engine(), de, o).ok());
}

TEST(MiEngine, NorwegianTestSetScore) {
  // The hand-labelled bokmål set (tests/mi/data/nb-testset.csv, see docs/mi.md),
  // never part of the training data (data/mi-nb). Thresholds sit a little
  // under today's scores, to catch regressions; the Norwegian model must also
  // beat the cue model it replaced where the cue model was used before.
  std::string csv = slurp("tests/mi/data/nb-testset.csv");
  auto data = load_annomi(csv, csv);
  ASSERT_TRUE(data.ok()) << data.error().detail;
  ASSERT_EQ(data->size(), 80u);
  ASSERT_TRUE(engine().full_nb) << "models/mi-nb-full.bin not embedded; run samskap mi train";
  auto f1_of = [&](const ModelBundle& m) {
    std::map<std::string, double> f1;
    for (const auto& r : evaluate(m, *data, engine().nb))
      f1[r.task] = r.macro_f1;
    return f1;
  };
  auto nb = f1_of(*engine().full_nb), cue = f1_of(*engine().cue);
  EXPECT_GE(nb["main"], 0.78);
  EXPECT_GE(nb["talk"], 0.70);
  EXPECT_GE(nb["question"], 0.85);
  EXPECT_GT(nb["main"], cue["main"]);
  EXPECT_GT(nb["talk"], cue["talk"]);
  EXPECT_GE(nb["question"], cue["question"]);
}

TEST(MiEngine, ModelFileRoundTripsAndRejectsCorruption) {
  std::string bytes = engine().cue->serialise();
  auto back = ModelBundle::deserialise(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->serialise(), bytes);
  std::string bad = bytes;
  bad[bad.size() / 2] ^= 0x01;
  auto r = ModelBundle::deserialise(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message_key, "mi.error.bad_model");
  EXPECT_FALSE(ModelBundle::deserialise(bytes.substr(0, 20)).ok());
  EXPECT_FALSE(ModelBundle::deserialise("").ok());
}

}  // namespace
}  // namespace samskap::mi
