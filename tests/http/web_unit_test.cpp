// Unit tests of the web layer's parsers and building blocks (no sockets).

#include <gtest/gtest.h>

#include <atomic>
#include <regex>

#include "content/catalog.hpp"
#include "web/app.hpp"
#include "web/assets.hpp"
#include "web/http.hpp"
#include "web/metrics.hpp"
#include "web/renderer.hpp"
#include "web/server.hpp"
#include "web/worker_pool.hpp"

namespace samskap::web {
namespace {

TEST(Cookies, ParsesWellFormedAndSkipsGarbage) {
  auto c = parse_cookies("a=1; samskap_lang=en;b=\"q\" ; =nameless; novalue; c = 3");
  EXPECT_EQ(c["a"], "1");
  EXPECT_EQ(c["samskap_lang"], "en");
  EXPECT_EQ(c["b"], "q");
  EXPECT_EQ(c["c"], "3");
  EXPECT_FALSE(c.count(""));
  EXPECT_FALSE(c.count("novalue"));
}

TEST(Cookies, BoundedOnHostileInput) {
  std::string many;
  for (int i = 0; i < 1000; ++i)
    many += "k" + std::to_string(i) + "=v; ";
  EXPECT_LE(parse_cookies(many).size(), 64u);
  EXPECT_TRUE(parse_cookies(std::string(100000, ';')).empty());
  EXPECT_TRUE(parse_cookies(std::string("\x01\x02=\x03", 4)).empty());
}

struct DecodeCase {
  const char* in;
  bool plus;
  std::optional<std::string> out;
};
class PercentDecodeTest : public ::testing::TestWithParam<DecodeCase> {};
TEST_P(PercentDecodeTest, Decodes) {
  EXPECT_EQ(percent_decode(GetParam().in, GetParam().plus), GetParam().out);
}
INSTANTIATE_TEST_SUITE_P(
    Table, PercentDecodeTest,
    ::testing::Values(DecodeCase{"", false, ""}, DecodeCase{"abc", false, "abc"},
                      DecodeCase{"%C3%A6%C3%B8%C3%A5", false, "æøå"},
                      DecodeCase{"a+b", true, "a b"}, DecodeCase{"a+b", false, "a+b"},
                      DecodeCase{"%41%4a", false, "AJ"}, DecodeCase{"%", false, std::nullopt},
                      DecodeCase{"%4", false, std::nullopt}, DecodeCase{"%g1", false, std::nullopt},
                      DecodeCase{"%00", false, std::nullopt},
                      DecodeCase{"%1b", false, std::nullopt},
                      DecodeCase{"%7f", false, std::nullopt}, DecodeCase{"ok%0A", false, "ok\n"}));

TEST(Utf8, ValidatesStrictly) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("Føroverveielse 😊"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(valid_utf8("a\x80z"));            // stray continuation
}

TEST(UrlEncoded, ParsesFormsAndRejectsHostileOnes) {
  auto ok = parse_urlencoded("navn=Kari+Nordmann&by=T%C3%B8nsberg&tom=&flagg");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->at("navn"), "Kari Nordmann");
  EXPECT_EQ(ok->at("by"), "Tønsberg");
  EXPECT_EQ(ok->at("tom"), "");
  EXPECT_EQ(ok->at("flagg"), "");
  EXPECT_FALSE(parse_urlencoded("a=%zz").ok());
  EXPECT_FALSE(parse_urlencoded("a=%ff").ok()) << "invalid UTF-8";
  std::string many;
  for (int i = 0; i < 300; ++i)
    many += "f" + std::to_string(i) + "=1&";
  auto r = parse_urlencoded(many);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
  EXPECT_TRUE(parse_urlencoded("&&&").ok());
}

TEST(Listen, ParsesAddresses) {
  auto a = parse_listen("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "127.0.0.1");
  EXPECT_EQ(a->second, 8080);
  auto b = parse_listen("[::1]:9000");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->first, "::1");
  auto c = parse_listen(":8080");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->first, "0.0.0.0");
  for (auto bad :
       {"", "8080", "host:", "host:65536", "host:-1", "a b:80", "::1:80", "[::1]80", "host:8o80"})
    EXPECT_FALSE(parse_listen(bad).ok()) << bad;
}

TEST(StatusFor, MapsEveryErrorCode) {
  EXPECT_EQ(status_for(ErrorCode::invalid_input), 400);
  EXPECT_EQ(status_for(ErrorCode::not_found), 404);
  EXPECT_EQ(status_for(ErrorCode::too_large), 413);
  EXPECT_EQ(status_for(ErrorCode::unavailable), 503);
  EXPECT_EQ(status_for(ErrorCode::internal), 500);
}

TEST(HtmlEscape, EscapesEverythingDangerous) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(Metrics, CountsAndBucketsCumulatively) {
  Metrics m;
  m.observe("GET", "/", 200, std::chrono::microseconds(500));
  m.observe("GET", "/", 200, std::chrono::milliseconds(30));
  m.observe("GET", "/", 404, std::chrono::milliseconds(3));
  auto text = m.render();
  EXPECT_NE(text.find("samskap_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("samskap_http_requests_total{method=\"GET\",route=\"/\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("le=\"0.001\"} 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.005\"} 2"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.05\"} 3"), std::string::npos);
  EXPECT_NE(text.find("_count{method=\"GET\",route=\"/\"} 3"), std::string::npos);
}

TEST(WorkerPool, RunsEverythingAndRefusesWhenFull) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(2, 1000);
    for (int i = 0; i < 500; ++i)
      ASSERT_TRUE(pool.submit([&] { ++done; }));
    EXPECT_TRUE(pool.wait_idle(std::chrono::seconds(10)));
    EXPECT_EQ(done.load(), 500);
  }
  WorkerPool tiny(1, 1);
  std::atomic<bool> release{false};
  ASSERT_TRUE(tiny.submit([&] {
    while (!release)
      std::this_thread::yield();
  }));
  while (tiny.busy() == 0)
    std::this_thread::yield();
  EXPECT_TRUE(tiny.submit([] {}));
  EXPECT_FALSE(tiny.submit([] {})) << "queue of one is full";
  release = true;
  EXPECT_TRUE(tiny.wait_idle(std::chrono::seconds(10)));
}

TEST(WorkerPool, SurvivesATaskThatThrows) {
  WorkerPool pool(1, 10);
  std::atomic<int> after{0};
  pool.submit([] { throw std::runtime_error("escaped"); });
  pool.submit([&] { ++after; });
  EXPECT_TRUE(pool.wait_idle(std::chrono::seconds(10)));
  EXPECT_EQ(after.load(), 1);
}

TEST(Catalog, EmbeddedCataloguesHaveTheSameKeysInBothLanguages) {
  const auto& c = content::Catalog::embedded();
  const auto& nb = c.messages(Language::nb);
  const auto& en = c.messages(Language::en);
  ASSERT_FALSE(nb.empty());
  ASSERT_EQ(nb.size(), en.size());
  for (const auto& [k, v] : nb) {
    EXPECT_TRUE(en.contains(k)) << k;
    EXPECT_FALSE(v.empty()) << k;
  }
  EXPECT_EQ(c.text(Language::nb, "nav.home"), "Forside");
  EXPECT_EQ(c.text(Language::en, "nav.home"), "Home");
  EXPECT_EQ(c.text(Language::en, "no.such.key"), "no.such.key");
}

TEST(Catalog, MissingTranslationNamesFileAndLine) {
  const EmbeddedFile files[] = {{"messages/nb.toml", "[a]\nb = \"x\"\nc = \"y\"\n"},
                                {"messages/en.toml", "[a]\nb = \"x\"\n"}};
  auto r = content::Catalog::load(files);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().detail.find("messages/nb.toml:3"), std::string::npos) << r.error().detail;
  EXPECT_NE(r.error().detail.find("a.c"), std::string::npos);
}

TEST(Catalog, FeatureFilesMergeAndDuplicateKeysNameBothPlaces) {
  const EmbeddedFile files[] = {{"messages/nb.toml", "[a]\nb = \"x\"\n"},
                                {"messages/nb/feature.toml", "[f]\ng = \"ja\"\n"},
                                {"messages/en.toml", "[a]\nb = \"x\"\n"},
                                {"messages/en/feature.toml", "[f]\ng = \"yes\"\n"}};
  auto r = content::Catalog::load(files);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->text(Language::nb, "f.g"), "ja");
  EXPECT_EQ(r->text(Language::en, "f.g"), "yes");

  const EmbeddedFile twice[] = {{"messages/nb.toml", "[a]\nb = \"x\"\n"},
                                {"messages/nb/feature.toml", "[a]\nb = \"y\"\n"},
                                {"messages/en.toml", "[a]\nb = \"x\"\n"}};
  auto d = content::Catalog::load(twice);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().detail.find("messages/nb/feature.toml:2"), std::string::npos)
      << d.error().detail;
  EXPECT_NE(d.error().detail.find("messages/nb.toml:2"), std::string::npos) << d.error().detail;

  const EmbeddedFile untranslated[] = {{"messages/nb.toml", ""},
                                       {"messages/nb/feature.toml", "[f]\ng = \"ja\"\n"},
                                       {"messages/en.toml", ""}};
  auto u = content::Catalog::load(untranslated);
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().detail.find("messages/nb/feature.toml:2"), std::string::npos)
      << u.error().detail;
}

TEST(Catalog, SyntaxErrorsAndNonStringsNameFileAndLine) {
  const EmbeddedFile broken[] = {{"messages/nb.toml", "[a]\nb = \n"}, {"messages/en.toml", ""}};
  auto r = content::Catalog::load(broken);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().detail.find("messages/nb.toml:2"), std::string::npos) << r.error().detail;
  const EmbeddedFile number[] = {{"messages/nb.toml", "a = 1\n"}, {"messages/en.toml", "a = 1\n"}};
  auto n = content::Catalog::load(number);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().detail.find("messages/nb.toml:1"), std::string::npos) << n.error().detail;
}

TEST(Renderer, EveryTemplateParsesAndTextIsEscaped) {
  Renderer r(embedded_templates(), content::Catalog::embedded(), AssetTable::embedded());
  Data d{Data::type::object};
  d.set("status", "404");
  d.set("heading", "<script>alert(1)</script>");
  d.set("message", "a & b");
  PageContext pc{Language::en, "Title <b>", "/x\"y", "", nullptr, ""};
  auto html = r.page("error", d, pc);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a &amp; b"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_EQ(html.find("<style"), std::string::npos) << "no inline styles (CSP)";
  EXPECT_EQ(std::regex_search(html, std::regex("<script>")), false) << "no inline scripts (CSP)";
  EXPECT_EQ(html.find("{{"), std::string::npos) << "no unrendered tags";
}

TEST(Renderer, BrokenTemplateIsReportedByName) {
  const EmbeddedFile files[] = {{"layout.mustache", "{{{body}}}"},
                                {"pages/bad.mustache", "{{#open}} never closed"}};
  EXPECT_THROW(Renderer(files, content::Catalog::embedded(), AssetTable::embedded()),
               std::runtime_error);
}

TEST(Assets, HashedNamesChangeWithContent) {
  const EmbeddedFile a[] = {{"css/app.css", "body{}"}};
  const EmbeddedFile b[] = {{"css/app.css", "body{color:red}"}};
  AssetTable ta{std::span<const EmbeddedFile>(a)}, tb{std::span<const EmbeddedFile>(b)};
  EXPECT_TRUE(std::regex_match(ta.url("app.css"), std::regex("/assets/app\\.[0-9a-f]{10}\\.css")));
  EXPECT_NE(ta.url("app.css"), tb.url("app.css"));
  auto file = ta.url("app.css").substr(8);
  ASSERT_NE(ta.find_by_file(file), nullptr);
  EXPECT_EQ(ta.find_by_file(file)->data, "body{}");
  EXPECT_EQ(ta.find_by_file("app.css"), nullptr) << "unhashed names are not served";
  EXPECT_THROW((void)ta.url("nope.css"), std::out_of_range);
}

TEST(HumanSize, UsesTheLanguagesDecimalMark) {
  EXPECT_EQ(human_size(1024 * 1024, Language::nb), "1 MiB");
  EXPECT_EQ(human_size(1536 * 1024, Language::nb), "1,5 MiB");
  EXPECT_EQ(human_size(1536 * 1024, Language::en), "1.5 MiB");
  EXPECT_EQ(human_size(512, Language::en), "512 B");
}

}  // namespace
}  // namespace samskap::web

namespace samskap::web {
namespace {

TEST(QueryWithout, RebuildsTheQueryEncodedWithoutTheSkippedName) {
  Params q{{"q", "motstand & endring"}, {"lang", "en"}, {"side", "2"}};
  EXPECT_EQ(query_without(q, "lang"), "q=motstand%20%26%20endring&side=2");
  EXPECT_EQ(query_without(Params{{"lang", "nb"}}, "lang"), "");
  EXPECT_EQ(url_encode("æ/ø?#"), "%C3%A6%2F%C3%B8%3F%23");
}

TEST(Renderer, LanguageSwitchKeepsTheQueryAndEncodesThePath) {
  Renderer r(embedded_templates(), content::Catalog::embedded(), AssetTable::embedded());
  PageContext pc{Language::nb, "Søk", "/kunnskap/sok", "q=motstand", nullptr, ""};
  auto html = r.page("message", Data{Data::type::object}, pc);
  EXPECT_NE(html.find("href=\"/kunnskap/sok?q=motstand&amp;lang=en\""), std::string::npos);
  PageContext odd{Language::en, "x", "/a b/\"<x>", "", nullptr, ""};
  auto html2 = r.page("message", Data{Data::type::object}, odd);
  EXPECT_NE(html2.find("href=\"/a%20b/%22%3Cx%3E?lang=nb\""), std::string::npos);
}

}  // namespace
}  // namespace samskap::web
