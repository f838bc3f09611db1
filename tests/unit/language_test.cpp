#include "core/language.hpp"

#include <gtest/gtest.h>

#include <string>

namespace samskap {
namespace {

struct NegotiateCase {
  const char* header;
  std::optional<Language> expected;
};

class NegotiateTest : public ::testing::TestWithParam<NegotiateCase> {};

TEST_P(NegotiateTest, PicksBestSupportedLanguage) {
  const auto& c = GetParam();
  EXPECT_EQ(negotiate_language(c.header), c.expected) << "header: " << c.header;
}

INSTANTIATE_TEST_SUITE_P(
    Table, NegotiateTest,
    ::testing::Values(
        NegotiateCase{"", std::nullopt}, NegotiateCase{"en", Language::en},
        NegotiateCase{"nb-NO,nb;q=0.9,en;q=0.8", Language::nb},
        NegotiateCase{"en-GB,en;q=0.9,nb;q=0.8", Language::en},
        NegotiateCase{"de,en;q=0.5", Language::en}, NegotiateCase{"de, fr;q=0.9", std::nullopt},
        NegotiateCase{"no", Language::nb}, NegotiateCase{"nn-NO", Language::nb},
        NegotiateCase{"en;q=0.2, nb;q=0.9", Language::nb},
        NegotiateCase{"en;q=0, nb;q=0.1", Language::nb}, NegotiateCase{"en;q=0", std::nullopt},
        NegotiateCase{"*", Language::nb},
        // Hostile or malformed input: skipped, never fatal.
        NegotiateCase{"en;q=2", std::nullopt}, NegotiateCase{"en;q=abc", std::nullopt},
        NegotiateCase{";;;,,,", std::nullopt}, NegotiateCase{"en;foo=bar", std::nullopt},
        NegotiateCase{"en-", std::nullopt}, NegotiateCase{"\xff\xfe", std::nullopt},
        NegotiateCase{"en;q=0.5;q=0.9,nb;q=0.6", Language::nb}));

TEST(Language, RejectsOversizedHeader) {
  std::string huge(5000, 'a');
  huge += ",en";
  EXPECT_EQ(negotiate_language(huge), std::nullopt);
}

TEST(Language, ChooseFollowsQueryThenCookieThenHeader) {
  EXPECT_EQ(choose_language("en", "nb", "nb"), Language::en);
  EXPECT_EQ(choose_language("", "en", "nb"), Language::en);
  EXPECT_EQ(choose_language("xx", "", "en-US"), Language::en);
  EXPECT_EQ(choose_language("", "garbage", ""), Language::nb);
  EXPECT_EQ(choose_language("", "", ""), kDefaultLanguage);
}

TEST(Language, CodesRoundTrip) {
  EXPECT_EQ(parse_language(code(Language::nb)), Language::nb);
  EXPECT_EQ(parse_language(code(Language::en)), Language::en);
  EXPECT_EQ(parse_language("EN"), Language::en);
  EXPECT_EQ(parse_language("en_GB"), Language::en);
  EXPECT_EQ(parse_language("english"), std::nullopt);
}

}  // namespace
}  // namespace samskap
