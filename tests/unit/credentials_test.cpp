#include "core/credentials.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "content/common_passwords.hpp"

namespace samskap {
namespace {

using namespace std::chrono_literals;

// ---------------------------------------------------------------- e-mail

struct EmailCase {
  std::string input;
  std::string expected;  // empty: must be rejected
};

void PrintTo(const EmailCase& c, std::ostream* os) {
  *os << '"' << c.input.substr(0, 60) << (c.input.size() > 60 ? "…" : "") << '"';
}

class NormaliseEmailTest : public ::testing::TestWithParam<EmailCase> {};

TEST_P(NormaliseEmailTest, AcceptsOrRejects) {
  const auto& c = GetParam();
  auto r = normalise_email(c.input);
  if (c.expected.empty()) {
    ASSERT_FALSE(r.ok()) << "accepted as " << r.value();
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(r.error().message_key, "account.error.email_invalid");
  } else {
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(*r, c.expected);
    // Normalising is idempotent: the stored form normalises to itself.
    auto again = normalise_email(*r);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *r);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, NormaliseEmailTest,
    ::testing::Values(
        // accepted
        EmailCase{"kari@example.no", "kari@example.no"},
        EmailCase{"  Kari.Nordmann@Example.NO \t\n", "kari.nordmann@example.no"},
        EmailCase{"OLA@BERGEN.KOMMUNE.NO", "ola@bergen.kommune.no"},
        EmailCase{"ola+test@usht.example.org", "ola+test@usht.example.org"},
        // non-ASCII local parts keep their characters; only ASCII is lower-cased
        EmailCase{"Bjørn.Ærlig@Kommune.no", "bjørn.Ærlig@kommune.no"},
        EmailCase{"Åse@Ålesund.kommune.no", "Åse@Ålesund.kommune.no"},
        EmailCase{"用户@例子.广告", "用户@例子.广告"}, EmailCase{"a@b.c", "a@b.c"},
        // rejected: shape
        EmailCase{"", ""}, EmailCase{"   ", ""}, EmailCase{"kari", ""}, EmailCase{"kari@", ""},
        EmailCase{"@example.no", ""}, EmailCase{"kari@example", ""},
        EmailCase{"kari@@example.no", ""}, EmailCase{"kari@nord@example.no", ""},
        EmailCase{"kari@.example.no", ""}, EmailCase{"kari@example.no.", ""},
        EmailCase{"kari@example..no", ""}, EmailCase{"kari@-example.no", ""},
        // rejected: spaces and control characters inside
        EmailCase{"kari nordmann@example.no", ""}, EmailCase{"kari@exa mple.no", ""},
        EmailCase{"kari\t@example.no", ""}, EmailCase{std::string("kari\0@example.no", 16), ""},
        EmailCase{"kari\x7f@example.no", ""}, EmailCase{"kari\r\n@example.no", ""},
        EmailCase{"kari\xc2\x85@example.no", ""},      // U+0085 (C1 control)
        EmailCase{"kari\xc2\xa0@example.no", ""},      // no-break space
        EmailCase{"kari\xe2\x80\x8b@example.no", ""},  // zero-width space
        EmailCase{"kari\xe2\x80\xa8@example.no", ""},  // line separator
        // rejected: invalid UTF-8
        EmailCase{"kari\xff@example.no", ""}, EmailCase{"kari\xc3@example.no", ""},
        EmailCase{"kari\xc0\xaf@example.no", ""},          // overlong '/'
        EmailCase{"kari\xed\xa0\x80@example.no", ""},      // surrogate
        EmailCase{"kari\xf4\x90\x80\x80@example.no", ""},  // above U+10FFFF
        EmailCase{"kari@example.n\xe2\x82", ""},           // truncated at the end
        // rejected: length
        EmailCase{std::string(65, 'a') + "@example.no", ""},
        EmailCase{"a@" + std::string(250, 'b') + ".no", ""}, EmailCase{std::string(1000, 'x'), ""},
        EmailCase{std::string(500, 'x') + "@" + std::string(495, 'y') + ".no", ""},
        // surrounding white space is trimmed, however much; but raw input is bounded
        EmailCase{std::string(1000, ' ') + "kari@example.no", "kari@example.no"},
        EmailCase{std::string(5000, ' ') + "kari@example.no", ""}));

TEST(NormaliseEmail, LongestAcceptedAddressIs254Bytes) {
  const std::string local(64, 'a');
  std::string domain = std::string(254 - 64 - 1 - 3, 'b') + ".no";
  ASSERT_EQ(local.size() + 1 + domain.size(), 254u);
  EXPECT_TRUE(normalise_email(local + "@" + domain).ok());
  EXPECT_FALSE(normalise_email(local + "@b" + domain).ok());
}

// ---------------------------------------------------------------- passwords

const std::set<std::string, std::less<>>& small_list() {
  static const std::set<std::string, std::less<>> list = {"passwordpassword", "qwertyuiopå",
                                                          "sommerfugler", "trustno1trustno1"};
  return list;
}

struct PasswordCase {
  std::string password;
  std::string email;
  const char* key;  // nullptr: accepted
};

void PrintTo(const PasswordCase& c, std::ostream* os) {
  *os << '"' << c.password.substr(0, 40) << (c.password.size() > 40 ? "…" : "") << "\" / "
      << c.email;
}

class CheckPasswordTest : public ::testing::TestWithParam<PasswordCase> {};

TEST_P(CheckPasswordTest, AcceptsOrRejectsWithTheRightKey) {
  const auto& c = GetParam();
  auto st = check_new_password(c.password, c.email, small_list());
  if (!c.key) {
    EXPECT_TRUE(st.ok()) << st.error().message_key << ": " << st.error().detail;
  } else {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(st.error().message_key, c.key);
  }
}

constexpr const char* kShort = "account.error.password_too_short";
constexpr const char* kLong = "account.error.password_too_long";
constexpr const char* kCommon = "account.error.password_common";
constexpr const char* kLike = "account.error.password_like_email";
constexpr const char* kInvalid = "account.error.password_invalid";

INSTANTIATE_TEST_SUITE_P(
    Table, CheckPasswordTest,
    ::testing::Values(
        PasswordCase{"korrekt hest batteri", "kari@example.no", nullptr},
        PasswordCase{"", "kari@example.no", kShort},
        PasswordCase{"abcdefghijk", "kari@example.no", kShort},    // 11
        PasswordCase{"abcdefghijkl", "kari@example.no", nullptr},  // exactly 12
        // æ, ø and å are one character each although two bytes each
        PasswordCase{"blåbærsyltø", "kari@example.no", kShort},    // 11 code points, 14 bytes
        PasswordCase{"blåbærsyltøy", "kari@example.no", nullptr},  // 12 code points
        PasswordCase{"æøåæøåæøåæø", "kari@example.no", kShort},    // 11 points, 22 bytes
        PasswordCase{"ÆØÅæøåÆØÅæøå", "kari@example.no", nullptr},  // 12 points
        PasswordCase{"🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂", "kari@example.no",
                     kShort},  // 44 bytes, 11 points
        // common, in any case, and with digits appended
        PasswordCase{"passwordpassword", "kari@example.no", kCommon},
        PasswordCase{"PassWordPASSWORD", "kari@example.no", kCommon},
        PasswordCase{"passwordpassword2024", "kari@example.no", kCommon},
        PasswordCase{"QWERTYUIOPÅ1", "kari@example.no", kCommon},  // Å folds to å
        PasswordCase{"qwertyuiopå123", "kari@example.no", kCommon},
        PasswordCase{"passwordpassword!", "kari@example.no", nullptr},  // not in the list
        PasswordCase{"2024passwordpassword", "kari@example.no", nullptr},
        // the e-mail address or its local part
        PasswordCase{"kari.nordmann@example.no", "kari.nordmann@example.no", kLike},
        PasswordCase{"KARI.NORDMANN@EXAMPLE.NO", "kari.nordmann@example.no", kLike},
        PasswordCase{"kari.nordmann", "Kari.Nordmann@Example.no", kLike},
        PasswordCase{"Kari.Nordmann2024", "kari.nordmann@example.no", kLike},
        PasswordCase{"kari.nordmann.x", "kari.nordmann@example.no", nullptr},
        PasswordCase{"bjørn.ærlig.hansen", "Bjørn.Ærlig.Hansen@example.no", kLike},
        // limits and encoding
        PasswordCase{std::string(1024, 'a'), "kari@example.no", nullptr},
        PasswordCase{std::string(1025, 'a'), "kari@example.no", kLong},
        PasswordCase{std::string(100000, 'a'), "kari@example.no", kLong},
        PasswordCase{"abcdefghijkl\xff", "kari@example.no", kInvalid},
        PasswordCase{"abcdefghijkl\xc3", "kari@example.no", kInvalid},
        PasswordCase{"abcdefghij\xed\xa0\x80kl", "kari@example.no", kInvalid},
        PasswordCase{std::string("abcdefghijkl\0mn", 15), "kari@example.no", kInvalid},
        PasswordCase{"abcdefghijkl\nmn", "kari@example.no", kInvalid},
        // a malformed e-mail does not break the check
        PasswordCase{"en lang setning her", "not an address", nullptr},
        PasswordCase{"not an address", "not an address", kLike}));

// ---------------------------------------------------------------- throttling

TEST(ThrottleDelay, FreeAttemptsThenDoublingToTheCap) {
  for (int f = -5; f <= kFreeAttempts; ++f)
    EXPECT_EQ(throttle_delay(f), 0s) << f;
  EXPECT_EQ(throttle_delay(kFreeAttempts + 1), 1s);
  EXPECT_EQ(throttle_delay(kFreeAttempts + 2), 2s);
  EXPECT_EQ(throttle_delay(kFreeAttempts + 3), 4s);
  EXPECT_EQ(throttle_delay(kFreeAttempts + 10), 512s);
  EXPECT_EQ(throttle_delay(kFreeAttempts + 11), kMaxDelay);  // 1024 s capped at 900
}

TEST(ThrottleDelay, MonotonicAndCappedUpToAHundredAndBeyond) {
  std::chrono::seconds previous{0};
  for (int f = 0; f <= 100; ++f) {
    const auto d = throttle_delay(f);
    EXPECT_GE(d, previous) << f;
    EXPECT_LE(d, kMaxDelay) << f;
    if (f > kFreeAttempts) {
      EXPECT_GT(d, 0s) << f;
    }
    previous = d;
  }
  EXPECT_EQ(throttle_delay(100), kMaxDelay);
  EXPECT_EQ(throttle_delay(std::numeric_limits<int>::max()), kMaxDelay);
  EXPECT_EQ(throttle_delay(std::numeric_limits<int>::min()), 0s);
}

// ---------------------------------------------------------------- helpers

TEST(FoldCase, NorwegianAndSamiLettersFoldLikeAscii) {
  EXPECT_EQ(fold_case("ÆØÅ æøå ABC"), "æøå æøå abc");
  EXPECT_EQ(fold_case("ČĐŊŠŦŽ"), "čđŋšŧž");
  EXPECT_EQ(fold_case("ÁRBEDIEHTU"), "árbediehtu");
  EXPECT_EQ(fold_case("ŸÀÞ×"), "ÿàþ×");  // × is not a letter
  EXPECT_EQ(fold_case("Ĺ"), "ĺ");        // U+0139 (odd capital)
  EXPECT_EQ(fold_case("ß€中"), "ß€中");  // nothing to fold
  EXPECT_EQ(fold_case("a\xff"
                      "B"),
            "a\xff"
            "b");  // invalid bytes are copied
}

TEST(Utf8, ValidatesStrictly) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("blåbær 🙂"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\x80"));     // overlong
  EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x99"));     // truncated
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));     // surrogate
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

// ---------------------------------------------------------------- the shipped list

TEST(CommonPasswords, ShippedListHasTheWellKnownAndNorwegianEntries) {
  const auto& list = content::common_passwords();
  EXPECT_GE(list.size(), 500u);
  for (const char* w : {"123456", "password", "qwerty", "iloveyou", "passord", "sommer2024",
                        "qwertyuiopå", "fotball", "norge123", "desember2025", "vinter2023"}) {
    EXPECT_TRUE(list.contains(w)) << w;
  }
  for (const auto& w : list) {
    EXPECT_EQ(w, fold_case(w)) << "entries are folded";
    EXPECT_FALSE(w.empty());
    EXPECT_NE(w.front(), '#') << "comments are skipped";
    EXPECT_TRUE(is_valid_utf8(w)) << w;
  }
}

TEST(CommonPasswords, RealListRejectsSeasonalPasswordsOfTwelveCharacters) {
  const auto& list = content::common_passwords();
  // 12+ characters, so only the list can catch them.
  EXPECT_EQ(check_new_password("Sommerfugl2024", "kari@example.no", list).error().message_key,
            "account.error.password_common");
  EXPECT_EQ(check_new_password("QWERTYUIOPÅ2024", "kari@example.no", list).error().message_key,
            "account.error.password_common");
  EXPECT_EQ(check_new_password("Passwordpassword", "kari@example.no", list).error().message_key,
            "account.error.password_common");
  EXPECT_TRUE(check_new_password("Tre gule sykler i Tromsø", "kari@example.no", list).ok());
}

}  // namespace
}  // namespace samskap
