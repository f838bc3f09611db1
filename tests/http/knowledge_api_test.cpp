// The knowledge base as JSON under /api/v1/knowledge (docs/api.md), against
// the whole application over HTTP.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "content/catalog.hpp"
#include "content/knowledge_base.hpp"
#include "server_fixture.hpp"
#include "support/http_client.hpp"

namespace samskap::testing {
namespace {

using content::KnowledgeBase;
using content::Stage;
using nlohmann::json;

std::string msg(Language lang, std::string_view key) {
  return std::string(content::Catalog::embedded().text(lang, key));
}

class KnowledgeApiTest : public SharedAppTest {
 protected:
  static const KnowledgeBase& kb() { return KnowledgeBase::embedded(); }

  // GET, expecting a JSON body; the parsed body (discarded on parse errors,
  // which fail the test).
  static json get_json(const std::string& path, long status, HttpResult* out = nullptr,
                       const std::vector<std::string>& headers = {}) {
    auto r = http_get(url(path), headers);
    EXPECT_EQ(r.status, status) << path << "\n" << r.body.substr(0, 300);
    EXPECT_TRUE(r.header("content-type").starts_with("application/json"))
        << path << ": " << r.header("content-type");
    json j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << path << ": " << r.body.substr(0, 300);
    if (out) *out = r;
    return j;
  }

  static void expect_error(const json& j, int status, const std::string& path) {
    ASSERT_TRUE(j.contains("error")) << path << ": " << j.dump();
    const auto& e = j["error"];
    EXPECT_EQ(e.value("status", 0), status) << path;
    EXPECT_FALSE(e.value("title", std::string{}).empty()) << path;
    EXPECT_FALSE(e.value("message", std::string{}).empty()) << path;
    EXPECT_FALSE(e.value("request_id", std::string{}).empty()) << path;
  }
};

TEST_F(KnowledgeApiTest, ListsEveryTopicAndEachAnswersInBothLanguages) {
  for (Language lang : {Language::nb, Language::en}) {
    const std::string l(code(lang));
    HttpResult r;
    json j = get_json("/api/v1/knowledge?lang=" + l, 200, &r);
    EXPECT_EQ(j.value("lang", ""), l);
    EXPECT_EQ(r.header("content-language"), l);
    EXPECT_EQ(r.header("cache-control"), "public, max-age=300");
    ASSERT_TRUE(j["topics"].is_array());
    ASSERT_EQ(j["topics"].size(), kb().topics().size());
    std::set<std::string> listed;
    for (const auto& t : j["topics"])
      listed.insert(t.value("id", ""));
    for (const auto& t : kb().topics()) {
      EXPECT_TRUE(listed.count(t.id)) << t.id;
      const std::string path = "/api/v1/knowledge/topics/" + t.id + "?lang=" + l;
      json tj = get_json(path, 200, &r);
      EXPECT_EQ(r.header("cache-control"), "public, max-age=300") << path;
      EXPECT_EQ(tj.value("lang", ""), l) << path;
      ASSERT_TRUE(tj.contains("topic")) << path;
      EXPECT_EQ(tj["topic"].value("id", ""), t.id);
      EXPECT_EQ(tj["topic"].value("title", ""), t.title.in(lang)) << path;
      EXPECT_EQ(tj["topic"].value("url", ""), "/kunnskap/" + t.id);
      ASSERT_TRUE(tj["topic"]["sections"].is_array());
      EXPECT_EQ(tj["topic"]["sections"].size(), t.sections.size()) << path;
    }
  }
  // The titles differ between the languages somewhere, so the language is really applied.
  json nb = get_json("/api/v1/knowledge?lang=nb", 200);
  json en = get_json("/api/v1/knowledge?lang=en", 200);
  EXPECT_NE(nb["topics"].dump(), en["topics"].dump());
}

TEST_F(KnowledgeApiTest, SixStagesWithTheirNeighbours) {
  const char* expected[] = {"foroverveielse", "overveielse", "forberedelse",
                            "handling",       "vedlikehold", "tilbakefall"};
  for (Language lang : {Language::nb, Language::en}) {
    const std::string l(code(lang));
    json j = get_json("/api/v1/knowledge/stages?lang=" + l, 200);
    ASSERT_TRUE(j["stages"].is_array());
    ASSERT_EQ(j["stages"].size(), 6u);
    for (std::size_t i = 0; i < 6; ++i) {
      const auto& st = j["stages"][i];
      EXPECT_EQ(st.value("slug", ""), expected[i]);
      EXPECT_EQ(st.value("order", 0), static_cast<int>(i + 1));
      const Stage& model = kb().stages()[i];
      EXPECT_EQ(st.value("name", ""), model.name.in(lang));
      EXPECT_EQ(st.value("description", ""), model.description.in(lang));
      EXPECT_EQ(st.value("time_criterion", ""), model.time_criterion.in(lang));
      EXPECT_EQ(st["characteristics"].size(), model.characteristics.size());
      EXPECT_EQ(st["mi_questions"].size(), model.mi_questions.size());

      json one =
          get_json("/api/v1/knowledge/stages/" + std::string(expected[i]) + "?lang=" + l, 200);
      EXPECT_EQ(one["stage"], st) << expected[i];
    }
  }
  json j = get_json("/api/v1/knowledge/stages", 200);
  const auto& s = j["stages"];
  EXPECT_TRUE(s[0]["previous"].is_null());
  EXPECT_EQ(s[0]["next"].value("slug", ""), "overveielse");
  EXPECT_EQ(s[1]["previous"].value("slug", ""), "foroverveielse");
  EXPECT_EQ(s[1]["next"].value("slug", ""), "forberedelse");
  EXPECT_EQ(s[3]["previous"].value("slug", ""), "forberedelse");
  EXPECT_EQ(s[3]["next"].value("slug", ""), "vedlikehold");
  EXPECT_EQ(s[3]["next"].value("url", ""), "/kunnskap/fase/vedlikehold");
  // Relapse: its own return paths, and every other stage points at it.
  const Stage& relapse = kb().stages()[5];
  EXPECT_EQ(s[5]["returns_to"].size(), relapse.returns_to.size());
  EXPECT_FALSE(relapse.returns_to.empty());
  EXPECT_EQ(s[1]["relapse"].size(), 1u);
  EXPECT_EQ(s[1]["relapse"][0].value("slug", ""), "tilbakefall");
}

TEST_F(KnowledgeApiTest, SearchFindsResistanceInBothLanguages) {
  struct Case {
    const char* lang;
    const char* query;
    const char* word;
  };
  for (const Case& c : {Case{"nb", "motstand", "otstand"}, Case{"en", "resistance", "esistan"}}) {
    const std::string path =
        std::string("/api/v1/knowledge/search?q=") + c.query + "&lang=" + c.lang;
    HttpResult r;
    json j = get_json(path, 200, &r);
    EXPECT_EQ(r.header("cache-control"), "public, max-age=300");
    EXPECT_EQ(j.value("lang", ""), c.lang);
    EXPECT_EQ(j.value("query", ""), c.query);
    ASSERT_TRUE(j["hits"].is_array());
    ASSERT_FALSE(j["hits"].empty()) << path;
    EXPECT_EQ(j.value("count", 0u), j["hits"].size());
    bool topic_found = false;
    bool highlighted = false;
    for (const auto& h : j["hits"]) {
      EXPECT_FALSE(h.value("id", "").empty());
      EXPECT_FALSE(h.value("kind", "").empty());
      EXPECT_FALSE(h.value("title", "").empty());
      EXPECT_TRUE(h.value("url", "").starts_with("/kunnskap/")) << h.dump();
      topic_found |= h.value("id", "") == "motstand";
      const std::string snippet = h.value("snippet", "");
      for (const auto& range : h["highlights"]) {
        ASSERT_EQ(range.size(), 2u);
        const auto b = range[0].get<std::size_t>();
        const auto e = range[1].get<std::size_t>();
        ASSERT_LT(b, e);
        ASSERT_LE(e, snippet.size());
        highlighted |= snippet.substr(b, e - b).find(c.word) != std::string::npos;
      }
    }
    EXPECT_TRUE(topic_found) << path;
    EXPECT_TRUE(highlighted) << path;
  }
  // The reader's language decides: English content is not searched in bokmål.
  json none = get_json("/api/v1/knowledge/search?q=resistance&lang=nb", 200);
  EXPECT_EQ(none.value("count", 99u), 0u);
}

TEST_F(KnowledgeApiTest, UnknownIdsAnswer404Json) {
  for (const std::string path :
       {"/api/v1/knowledge/topics/finnes-ikke", "/api/v1/knowledge/stages/finnes-ikke",
        "/api/v1/knowledge/stages/stadium.overveielse", "/api/v1/knowledge/topics/%C3%B8"}) {
    HttpResult r;
    json j = get_json(path, 404, &r);
    expect_error(j, 404, path);
    EXPECT_EQ(j["error"].value("title", ""), msg(Language::nb, "error.404.title"));
    EXPECT_EQ(r.header("cache-control"), "no-store");
  }
  json en = get_json("/api/v1/knowledge/topics/nope?lang=en", 404);
  EXPECT_EQ(en["error"].value("title", ""), msg(Language::en, "error.404.title"));
}

TEST_F(KnowledgeApiTest, BadQueriesAnswer400Json) {
  const std::string long_query(600, 'a');
  json j = get_json("/api/v1/knowledge/search?q=" + long_query, 400);
  expect_error(j, 400, "long query");
  EXPECT_EQ(j["error"].value("message", ""), msg(Language::nb, "search.query_too_long"));

  j = get_json("/api/v1/knowledge/search", 400);
  expect_error(j, 400, "no q");
  for (const char* limit : {"0", "101", "x", "5x"}) {
    j = get_json(std::string("/api/v1/knowledge/search?q=motstand&limit=") + limit, 400);
    expect_error(j, 400, limit);
  }
  j = get_json("/api/v1/knowledge/search?q=motstand&limit=1", 200);
  EXPECT_EQ(j["hits"].size(), 1u);
  // Invalid UTF-8 is refused by the server before routing; a JSON client gets JSON.
  j = get_json("/api/v1/knowledge/search?q=%ff", 400, nullptr, {"Accept: application/json"});
  expect_error(j, 400, "%ff");
}

}  // namespace
}  // namespace samskap::testing
