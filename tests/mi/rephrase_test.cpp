// The alternatives offered for the righting reflex (issue 14): the
// participant's own statement turned into a reflection and an open question
// that read as natural Norwegian and English, or a fallback that splices
// nothing. Golden: tests/mi/data/righting/rephrase.tsv, one statement a line
// with the exact sentences expected. After a deliberate change:
//   SAMSKAP_UPDATE_GOLDEN=1 ctest -R Rephrase   (then read every sentence!)
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "mi/analysis.hpp"
#include "mi/engine.hpp"

namespace samskap::mi {
namespace {

TEST(Rephrase, TurnsTheParticipantsWordsIntoNaturalSentences) {
  auto e = Engine::load(std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(e.ok());
  std::ifstream in("tests/mi/data/righting/rephrase.tsv");
  ASSERT_TRUE(in) << "run from the repository root";
  std::string line;
  std::getline(in, line);
  int n = 0, fallbacks = 0;
  const bool update = std::getenv("SAMSKAP_UPDATE_GOLDEN") != nullptr;
  std::string updated = line + "\n";
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, '\t');)
      f.push_back(x);
    ASSERT_EQ(f.size(), 4u) << line;
    const Templates& t = f[0] == "nb" ? e->templates_nb : e->templates_en;
    const std::string reflection = reflect_back(t, f[1]), question = ask_back(t, f[1]);
    updated += f[0] + "\t" + f[1] + "\t" + reflection + "\t" + question + "\n";
    if (!update) {
      EXPECT_EQ(reflection, f[2]) << f[1];
      EXPECT_EQ(question, f[3]) << f[1];
    }
    if (reflection == t.reflection_fallback) ++fallbacks;
    ++n;
  }
  if (update) std::ofstream("tests/mi/data/righting/rephrase.tsv", std::ios::trunc) << updated;
  EXPECT_GE(n, 30);
  EXPECT_GE(fallbacks, 4);  // the table has statements that must not be spliced
}

}  // namespace
}  // namespace samskap::mi
