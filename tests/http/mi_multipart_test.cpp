// The multipart/form-data parser (web/multipart.hpp) that the MI page's upload
// goes through: what browsers send, and hostile bodies (missing boundary,
// truncated parts, huge headers, many parts, binary junk), each an error
// value with a reason, never a crash.

#include <gtest/gtest.h>

#include <random>

#include "web/multipart.hpp"

namespace samskap::web {
namespace {

const std::string kType = "multipart/form-data; boundary=----WebKitFormBoundaryx7Q2";
const std::string kB = "----WebKitFormBoundaryx7Q2";

std::string part(const std::string& disposition, const std::string& data,
                 const std::string& extra_headers = "") {
  return "--" + kB + "\r\nContent-Disposition: " + disposition + "\r\n" + extra_headers + "\r\n" +
         data + "\r\n";
}
std::string close() {
  return "--" + kB + "--\r\n";
}

// What Chromium sends for the MI form with a file chosen.
std::string browser_body(const std::string& file_bytes) {
  return part("form-data; name=\"csrf\"", "abc123") + part("form-data; name=\"transcript\"", "") +
         part("form-data; name=\"file\"; filename=\"samtale.vtt\"", file_bytes,
              "Content-Type: text/vtt\r\n") +
         part("form-data; name=\"lang\"", "auto") + close();
}

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(*multipart_boundary(kType), kB);
  EXPECT_EQ(*multipart_boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c\""), "a b:c");
  for (const char* bad :
       {"", "multipart/form-data",
        "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
        "multipart/mixed; boundary=x", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=\"x", "multipart/form-data; boundary=a{b}",
        "multipart/form-data; boundary=\"ab \"", "multipart/form-data; boundary"}) {
    auto r = multipart_boundary(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r) {
      EXPECT_EQ(r.error().message_key, "error.bad_request");
    }
  }
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
  EXPECT_TRUE(multipart_boundary("multipart/form-data; boundary=" + std::string(70, 'a')).ok());
}

TEST(Multipart, ParsesWhatABrowserSends) {
  const std::string file = "WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n<v Kari>Hei.\r\n";
  auto parts = parse_multipart(browser_body(file), kB);
  ASSERT_TRUE(parts.ok()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ((*parts)[0].name, "csrf");
  EXPECT_EQ((*parts)[0].data, "abc123");
  EXPECT_FALSE((*parts)[0].filename);
  EXPECT_EQ((*parts)[1].name, "transcript");
  EXPECT_EQ((*parts)[1].data, "");
  EXPECT_EQ((*parts)[2].name, "file");
  EXPECT_EQ((*parts)[2].filename.value_or("?"), "samtale.vtt");
  EXPECT_EQ((*parts)[2].content_type, "text/vtt");
  EXPECT_EQ((*parts)[2].data, file) << "file bytes unchanged, CRLF included";
  EXPECT_EQ((*parts)[3].data, "auto");

  auto form = multipart_form_fields(kType, browser_body(file));
  ASSERT_TRUE(form.ok()) << form.error().detail;
  EXPECT_EQ(form->size(), 3u) << "the file is not a form field";
  EXPECT_EQ(form->at("csrf"), "abc123");
  EXPECT_EQ(form->at("lang"), "auto");
  EXPECT_EQ(form->count("file"), 0u);
}

TEST(Multipart, AcceptsWhatRfc2046Allows) {
  // A preamble, transport padding after a delimiter, no CRLF after the close, an epilogue.
  std::string body = "This is a preamble.\r\n--" + kB + "  \r\n" +
                     "content-disposition: form-data; name=a\r\n\r\n1\r\n--" + kB + "--";
  auto parts = parse_multipart(body, kB);
  ASSERT_TRUE(parts.ok()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, "1");
  auto epilogue = parse_multipart(part("form-data; name=a", "x") + close() + "junk junk", kB);
  ASSERT_TRUE(epilogue.ok());
  EXPECT_EQ(epilogue->size(), 1u);
  // An empty body part list.
  auto none = parse_multipart(close(), kB);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // The boundary text inside data, not after CRLF, is data.
  auto inside = parse_multipart(part("form-data; name=a", "x--" + kB + "y") + close(), kB);
  ASSERT_TRUE(inside.ok()) << inside.error().detail;
  EXPECT_EQ((*inside)[0].data, "x--" + kB + "y");
  // Binary file data (NUL bytes, invalid UTF-8) passes through unchanged.
  std::string binary("\0\xff\xfe\r\n\r\n\x80--", 10);
  auto bin = parse_multipart(part("form-data; name=f; filename=\"b.bin\"", binary) + close(), kB);
  ASSERT_TRUE(bin.ok()) << bin.error().detail;
  EXPECT_EQ((*bin)[0].data, binary);
}

TEST(Multipart, HostileBodiesAreErrorsWithAReason) {
  struct Case {
    std::string body, reason;
  };
  const std::string ok_part = part("form-data; name=\"a\"", "1");
  std::string many;
  for (int i = 0; i < 33; ++i)
    many += part("form-data; name=\"f" + std::to_string(i) + "\"", "x");
  many += close();
  const std::vector<Case> cases = {
      {"", "no opening boundary"},
      {"just text, no boundary at all", "no opening boundary"},
      {"--" + kB, "truncated after a boundary"},
      {"--" + kB + "X\r\n", "not followed by CRLF"},
      {"--" + kB + "\r\nContent-Disposition: form-data; name=a\r\n", "truncated in its headers"},
      {"--" + kB + "\r\nContent-Disposition: form-data; name=a\r\n\r\npartial data",
       "no closing boundary"},
      {ok_part, "no closing boundary"},
      {"--" + kB + "\r\n\r\nno headers\r\n" + close(), "no Content-Disposition"},
      {part("attachment; name=a", "1") + close(), "not form-data"},
      {part("form-data", "1") + close(), "has no name"},
      {part("form-data; name=\"\"", "1") + close(), "has no name"},
      {part("form-data; name=\"a", "1") + close(), "unterminated quoted string"},
      {part("form-data; name=\"a\"x", "1") + close(), "text after a quoted string"},
      {part("form-data; name", "1") + close(), "without '='"},
      {"--" + kB + "\r\nno colon here\r\n\r\n1\r\n" + close(), "without a name and ':'"},
      {"--" + kB + "\r\n: value\r\n\r\n1\r\n" + close(), "without a name and ':'"},
      {"--" + kB + "\r\nX Y: v\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n" + close(),
       "invalid header name"},
      {part("form-data; name=a", "1", "X-Bell: \x07\r\n") + close(), "control character"},
      {part("form-data; name=a", "1", "Content-Disposition: form-data; name=b\r\n") + close(),
       "two Content-Disposition"},
      {part("form-data; name=\"" + std::string(201, 'n') + "\"", "1") + close(),
       "field name is too long"},
      {part("form-data; name=f; filename=\"" + std::string(201, 'n') + "\"", "1") + close(),
       "file name is too long"},
      {part("form-data; name=a", "1", "X-Huge: " + std::string(5000, 'h') + "\r\n") + close(),
       "headers over 4096 bytes"},
      {many, "more than 32 parts"},
  };
  for (const auto& c : cases) {
    auto r = parse_multipart(c.body, kB);
    ASSERT_FALSE(r.ok()) << c.reason;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(r.error().message_key, "error.bad_request");
    EXPECT_NE(r.error().detail.find(c.reason), std::string::npos)
        << "wanted '" << c.reason << "', got '" << r.error().detail << "'";
  }
}

TEST(Multipart, HeaderLimitIsExactAndConfigurable) {
  MultipartLimits small;
  small.max_header_bytes = 64;
  const std::string cd = "Content-Disposition: form-data; name=a";           // 38 bytes
  const std::string pad = "X: " + std::string(64 - cd.size() - 2 - 3, 'p');  // 64 bytes in all
  std::string fits = "--" + kB + "\r\n" + cd + "\r\n" + pad + "\r\n\r\n1\r\n" + close();
  EXPECT_TRUE(parse_multipart(fits, kB, small).ok());
  std::string over = "--" + kB + "\r\n" + cd + "\r\n" + pad + "p\r\n\r\n1\r\n" + close();
  EXPECT_FALSE(parse_multipart(over, kB, small).ok());
  small.max_parts = 2;
  std::string three = part("form-data; name=a", "1") + part("form-data; name=b", "2") +
                      part("form-data; name=c", "3") + close();
  EXPECT_FALSE(parse_multipart(three, kB, small).ok());
  small.max_parts = 3;
  EXPECT_TRUE(parse_multipart(three, kB, small).ok());
}

TEST(Multipart, FormFieldsMustBeUtf8AndTheLastValueWins) {
  auto bad = multipart_form_fields(kType, part("form-data; name=a", "\xff\xfe") + close());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("not valid UTF-8"), std::string::npos);
  // A file with invalid UTF-8 is not a field: no error here.
  EXPECT_TRUE(
      multipart_form_fields(kType, part("form-data; name=f; filename=a", "\xff") + close()).ok());
  auto twice = multipart_form_fields(
      kType, part("form-data; name=a", "1") + part("form-data; name=a", "2") + close());
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->at("a"), "2");
  EXPECT_FALSE(multipart_form_fields("text/plain", close()).ok());
}

// Random bytes, and random damage to a valid body: always a value, never a crash
// (ASan/UBSan builds check the memory side; fuzz/ goes further).
TEST(Multipart, RandomBytesAndDamagedBodiesNeverCrash) {
  std::mt19937 rng(20261122);
  const std::string good = browser_body("Kari: Hei.\r\n\r\nOla: Hei.\r\n");
  int parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string body;
    if (i % 2 == 0) {
      std::uniform_int_distribution<int> len(0, 400), byte(0, 255);
      body.resize(static_cast<std::size_t>(len(rng)));
      for (auto& c : body)
        c = static_cast<char>(byte(rng));
      if (i % 4 == 0) body = "--" + kB + "\r\n" + body;
    } else {
      body = good;
      std::uniform_int_distribution<std::size_t> at(0, body.size() - 1);
      std::uniform_int_distribution<int> byte(0, 255), op(0, 2);
      for (int k = 0; k < 3; ++k) {
        const std::size_t p = at(rng) % body.size();
        switch (op(rng)) {
          case 0:
            body[p] = static_cast<char>(byte(rng));
            break;
          case 1:
            body.erase(p, 1);
            break;
          default:
            body.resize(p);
            break;
        }
        if (body.empty()) break;
      }
    }
    auto r = parse_multipart(body, kB);
    if (r) {
      ++parsed;
      for (const auto& p : *r)
        EXPECT_FALSE(p.name.empty());
    } else {
      EXPECT_FALSE(r.error().detail.empty());
    }
    (void)multipart_form_fields(kType, body);
  }
  EXPECT_GT(parsed, 0) << "some damaged bodies are still valid (damage to data only)";
}

}  // namespace
}  // namespace samskap::web
