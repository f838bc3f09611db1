#include "core/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace samskap {
namespace {

Result<int> half(int x) {
  if (x % 2) return Error::invalid("error.odd", std::to_string(x) + " is odd");
  return x / 2;
}

TEST(Result, CarriesValueOrError) {
  auto a = half(8);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 4);
  auto b = half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(b.error().message_key, "error.odd");
  EXPECT_EQ(b.error().detail, "3 is odd");
  EXPECT_THROW((void)b.value(), std::bad_variant_access);
}

TEST(Result, ErrorCodesHaveStableNames) {
  EXPECT_STREQ(to_string(ErrorCode::not_found), "not_found");
  EXPECT_STREQ(to_string(ErrorCode::too_large), "too_large");
  EXPECT_STREQ(to_string(ErrorCode::unavailable), "unavailable");
}

}  // namespace
}  // namespace samskap
