// The knowledge-base pages (/kunnskap…) against the whole application started
// in-process; expectations are taken from the loaded knowledge base and the
// message catalogue, so a corrected sentence does not break a test.

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

#include "content/catalog.hpp"
#include "content/knowledge_base.hpp"
#include "content/search.hpp"
#include "server_fixture.hpp"
#include "store/accounts.hpp"
#include "store/secrets.hpp"
#include "support/browser.hpp"
#include "support/http_client.hpp"
#include "web/http.hpp"
#include "web/knowledge_pages.hpp"

namespace samskap::testing {
namespace {

using content::KnowledgeBase;

const KnowledgeBase& kb() {
  return KnowledgeBase::embedded();
}
std::string msg(Language lang, std::string_view key) {
  return std::string(content::Catalog::embedded().text(lang, key));
}
bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
// Texts as the templates write them (kainjow's escaping of & < > " ').
std::string esc(std::string_view s) {
  return kainjow::mustache::html_escape<std::string>(std::string(s));
}
std::string title_of(const std::string& body) {
  std::smatch m;
  std::regex re("<title>([^<]*)</title>");
  return std::regex_search(body, m, re) ? m[1].str() : std::string{};
}
int count_of(const std::string& body, const std::string& needle) {
  int n = 0;
  for (auto p = body.find(needle); p != std::string::npos; p = body.find(needle, p + 1))
    ++n;
  return n;
}

class KnowledgePagesTest : public SharedAppTest {};

TEST_F(KnowledgePagesTest, OverviewListsEveryTopicAndStageInBothLanguages) {
  for (Language lang : {Language::nb, Language::en}) {
    const std::string suffix = lang == Language::en ? "?lang=en" : "?lang=nb";
    auto r = http_get(url("/kunnskap" + suffix));
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(contains(r.body, "<html lang=\"" + std::string(code(lang)) + "\">"));
    EXPECT_TRUE(contains(r.body, esc(msg(lang, "kb.title"))));
    EXPECT_TRUE(contains(r.body, "action=\"/kunnskap/sok\"")) << "a search form";
    EXPECT_TRUE(contains(r.body, "aria-current=\"page\">" + esc(msg(lang, "nav.knowledge"))))
        << "the menu marks the knowledge base as the current section";
    for (const auto& t : kb().topics()) {
      EXPECT_TRUE(contains(r.body, "href=\"/kunnskap/" + t.id + "\"")) << t.id;
      // The model is the overview's own introduction, linked as "read more".
      if (t.id != "modellen") {
        EXPECT_TRUE(contains(r.body, ">" + esc(t.title.in(lang)) + "</a>")) << t.id;
      }
    }
    for (const auto& st : kb().stages()) {
      EXPECT_TRUE(contains(r.body, "href=\"/kunnskap/fase/" + st.slug + "\"")) << st.id;
    }
    EXPECT_TRUE(contains(r.body, esc(msg(lang, "kb.group.faser.title"))));
    const auto* model = kb().topic("modellen");
    ASSERT_NE(model, nullptr);
    EXPECT_TRUE(contains(r.body, esc(model->summary.in(lang)))) << "how the parts connect";
    EXPECT_FALSE(contains(r.body, esc(msg(lang, "kb.group.other.title"))))
        << "every topic of the real content has its group";
  }
}

TEST_F(KnowledgePagesTest, EveryTopicPageAnswersInBothLanguagesWithItsTitle) {
  int pages = 0;
  for (const auto& t : kb().topics()) {
    for (Language lang : {Language::nb, Language::en}) {
      auto r = http_get(url("/kunnskap/" + t.id + "?lang=" + std::string(code(lang))));
      ASSERT_EQ(r.status, 200) << t.id;
      EXPECT_TRUE(contains(r.body, "<h1>" + esc(t.title.in(lang)) + "</h1>")) << t.id;
      EXPECT_TRUE(contains(title_of(r.body), esc(t.title.in(lang)))) << t.id;
      EXPECT_TRUE(contains(r.body, "<html lang=\"" + std::string(code(lang)) + "\">")) << t.id;
      for (const auto& s : t.sections) {
        EXPECT_TRUE(contains(r.body, "id=\"" + s.id + "\"")) << s.id;
        EXPECT_TRUE(contains(r.body, esc(s.title.in(lang)))) << s.id;
        for (const auto& it : s.items) {
          EXPECT_TRUE(contains(r.body, esc(it.text.in(lang)))) << it.id;
        }
      }
      for (const auto& rel : t.related) {
        EXPECT_TRUE(contains(r.body, "href=\"/kunnskap/" + rel + "\"")) << t.id << " → " << rel;
      }
      for (const auto& src : t.sources) {
        EXPECT_TRUE(contains(r.body, esc(kb().source(src)->citation))) << t.id << " " << src;
      }
      ++pages;
    }
  }
  EXPECT_GE(pages, 2 * 20);
}

TEST_F(KnowledgePagesTest, UnknownTopicOrStageIsThe404Page) {
  for (const char* path : {"/kunnskap/finnes-ikke", "/kunnskap/fase/finnes-ikke",
                           "/kunnskap/stadium.overveielse", "/kunnskap/fase/stadium.overveielse"}) {
    auto r = http_get(url(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_TRUE(contains(r.body, esc(msg(Language::nb, "error.404.title")))) << path;
  }
  auto en = http_get(url("/kunnskap/nope?lang=en"));
  EXPECT_EQ(en.status, 404);
  EXPECT_TRUE(contains(en.body, msg(Language::en, "error.404.title")));
}

TEST_F(KnowledgePagesTest, AllSixStagesHaveAStablePageWithTheirNeighbours) {
  ASSERT_EQ(kb().stages().size(), 6u);
  for (const auto& st : kb().stages()) {
    for (Language lang : {Language::nb, Language::en}) {
      auto r = http_get(url("/kunnskap/fase/" + st.slug + "?lang=" + std::string(code(lang))));
      ASSERT_EQ(r.status, 200) << st.slug;
      EXPECT_TRUE(contains(r.body, "<h1>" + esc(st.name.in(lang)) + "</h1>")) << st.slug;
      EXPECT_TRUE(contains(r.body, esc(st.description.in(lang)))) << st.slug;
      EXPECT_TRUE(contains(r.body, esc(st.time_criterion.in(lang)))) << st.slug;
      for (const auto& it : st.characteristics) {
        EXPECT_TRUE(contains(r.body, esc(it.text.in(lang)))) << it.id;
      }
      for (const auto& it : st.approach) {
        EXPECT_TRUE(contains(r.body, esc(it.text.in(lang)))) << it.id;
        for (const auto& ex : it.examples) {
          EXPECT_TRUE(contains(r.body, esc(ex.in(lang)))) << it.id;
        }
      }
      for (const auto& it : st.practice) {
        EXPECT_TRUE(contains(r.body, esc(it.text.in(lang)))) << it.id;
      }
      for (const auto& it : st.mi_questions) {
        EXPECT_TRUE(contains(r.body, esc(it.text.in(lang)))) << it.id;
      }
      if (st.processes_note) {
        EXPECT_TRUE(contains(r.body, esc(st.processes_note->in(lang)))) << st.slug;
      }
      for (const auto& sp : st.processes) {
        EXPECT_TRUE(contains(r.body, esc(kb().process(sp.id)->name.in(lang)))) << sp.id;
      }
      // The current stage is marked in the stage navigation; neighbours are linked.
      EXPECT_TRUE(contains(r.body, "href=\"/kunnskap/fase/" + st.slug + "\" aria-current=\"page\""))
          << st.slug;
      if (!st.previous.empty()) {
        EXPECT_TRUE(contains(
            r.body, "href=\"/kunnskap/fase/" + kb().stage(st.previous)->slug + "\" rel=\"prev\""))
            << st.slug;
      } else {
        EXPECT_FALSE(contains(r.body, "rel=\"prev\"")) << st.slug;
      }
      if (!st.next.empty()) {
        EXPECT_TRUE(contains(
            r.body, "href=\"/kunnskap/fase/" + kb().stage(st.next)->slug + "\" rel=\"next\""))
            << st.slug;
      } else {
        EXPECT_FALSE(contains(r.body, "rel=\"next\"")) << st.slug;
      }
    }
  }
  // Relapse links back to every stage one may fall back to.
  const auto* relapse = kb().stage("stadium.tilbakefall");
  ASSERT_NE(relapse, nullptr);
  auto r = http_get(url("/kunnskap/fase/" + relapse->slug));
  ASSERT_EQ(r.status, 200);
  ASSERT_FALSE(relapse->returns_to.empty());
  for (const auto& id : relapse->returns_to) {
    EXPECT_TRUE(contains(r.body, "<li><a href=\"/kunnskap/fase/" + kb().stage(id)->slug + "\">"))
        << id;
  }
}

TEST_F(KnowledgePagesTest, StageTableHasTheSeedsTextsInARealTable) {
  auto r = http_get(url("/kunnskap/endringsarbeid"));
  ASSERT_EQ(r.status, 200);
  auto begin = r.body.find("<table class=\"kb-table kb-table--stages\">");
  ASSERT_NE(begin, std::string::npos);
  auto end = r.body.find("</table>", begin);
  ASSERT_NE(end, std::string::npos);
  const std::string table = r.body.substr(begin, end - begin);
  EXPECT_TRUE(contains(table, "<caption>" + esc(msg(Language::nb, "kb.stage_table.caption"))));
  EXPECT_EQ(count_of(table, "<th scope=\"col\">"), 4);
  EXPECT_EQ(count_of(table, "<th scope=\"row\">"), 6);
  // Cells as the lecture's table «Endringsarbeid» words them (seed 000 and 001).
  for (const char* seed :
       {"Føroverveielse", "Planlegging", "Ingen planer om endring",
        "Bevisstgjøring, emosjonell reaksjon, revurdering av seg selv og miljøet",
        "Informasjon om muligheter, kartlegging av personens erfaring",
        "Bevisstgjørende samtaler, informasjon, vurdering av fordeler og ulemper",
        "Personlig frigjøring", "Gjennomfører endring",
        "Sosial frigjøring, finne erstatninger, stimuluskontroll, belønning, støttende relasjoner",
        "Sosial frigjøring, finne erstatninger, stimuluskontroll, støttende relasjoner, "
        "(belønning)",
        "Har falt tilbake til gammel praksis",
        "Avhenger av hvilken fase personen går tilbake til"}) {
    EXPECT_TRUE(contains(table, esc(seed))) << seed;
  }
  for (const auto& st : kb().stages()) {
    EXPECT_TRUE(contains(table, "href=\"/kunnskap/fase/" + st.slug + "\"")) << st.slug;
  }
  // English: the same table, translated.
  auto en = http_get(url("/kunnskap/endringsarbeid?lang=en"));
  EXPECT_TRUE(contains(en.body, "<caption>" + esc(msg(Language::en, "kb.stage_table.caption"))));
  EXPECT_TRUE(contains(en.body, "Precontemplation"));
}

TEST_F(KnowledgePagesTest, MunicipalityTableHasRowHeadersAndAllLevels) {
  auto r = http_get(url("/kunnskap/kommune"));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "<caption>" + esc(msg(Language::nb, "kb.municipality.caption"))));
  ASSERT_FALSE(kb().municipality_table().empty());
  for (const auto& row : kb().municipality_table()) {
    EXPECT_TRUE(contains(r.body, "<th scope=\"row\">" + esc(row.aspect.nb) + "</th>")) << row.id;
    for (const auto* cell : {&row.level_1, &row.level_2, &row.level_3}) {
      EXPECT_TRUE(contains(r.body, esc(cell->nb))) << row.id;
    }
  }
}

TEST_F(KnowledgePagesTest, QuotesShowTheirSourceAndTranslationsAreMarked) {
  // Schein's definition is quoted in English: in bokmål the page says the text
  // is our translation and shows the original, marked as English.
  const auto* schein = kb().item("prosessveiledning.schein");
  ASSERT_NE(schein, nullptr);
  ASSERT_TRUE(schein->quote.has_value());
  auto nb = http_get(url("/kunnskap/prosessveiledning"));
  ASSERT_EQ(nb.status, 200);
  EXPECT_TRUE(contains(nb.body, "<blockquote><p>" + esc(schein->text.nb) + "</p></blockquote>"));
  EXPECT_TRUE(contains(nb.body, esc(msg(Language::nb, "kb.our_translation"))));
  EXPECT_TRUE(contains(nb.body, "<q lang=\"en\">" + esc(schein->text.en) + "</q>"));
  EXPECT_TRUE(contains(nb.body, esc(schein->detail->nb)));
  EXPECT_TRUE(contains(nb.body, esc(kb().source("kilde.schein-1999")->citation)));
  // In English the quote is the original: no translation note.
  auto en = http_get(url("/kunnskap/prosessveiledning?lang=en"));
  EXPECT_TRUE(contains(en.body, "<blockquote><p>" + esc(schein->text.en) + "</p></blockquote>"));
  EXPECT_FALSE(contains(en.body, esc(msg(Language::en, "kb.our_translation"))));
  // Editorial texts carry the visible mark.
  auto model = http_get(url("/kunnskap/modellen"));
  EXPECT_TRUE(contains(model.body, esc(msg(Language::nb, "kb.editorial_topic"))));
  auto stage = http_get(url("/kunnskap/fase/overveielse"));
  EXPECT_TRUE(contains(stage.body, esc(msg(Language::nb, "kb.stage.mi_note"))));
}

TEST_F(KnowledgePagesTest, TypedContentIsOnItsTopicPage) {
  auto goals = http_get(url("/kunnskap/baerekraftsmal"));
  for (const auto& g : kb().sdg_goals()) {
    EXPECT_TRUE(contains(goals.body, "id=\"" + g.id + "\"")) << g.id;
    EXPECT_TRUE(contains(goals.body, esc(g.name.nb))) << g.id;
  }
  auto cynefin = http_get(url("/kunnskap/kompleksitet?lang=en"));
  for (const auto& d : kb().cynefin_domains()) {
    EXPECT_TRUE(contains(cynefin.body, esc(d.approach.en))) << d.id;
  }
  auto tasks = http_get(url("/kunnskap/refleksjon"));
  for (const auto& t : kb().reflection_tasks()) {
    for (const auto& q : t.questions) {
      EXPECT_TRUE(contains(tasks.body, esc(q.text.nb))) << q.id;
    }
  }
  auto als = http_get(url("/kunnskap/henvendelse-als"));
  for (const auto& ex : kb().request_examples()) {
    for (const auto& resp : ex.responses) {
      EXPECT_TRUE(contains(als.body, esc(resp.text.nb))) << resp.id;
    }
  }
  auto sources = http_get(url("/kunnskap/kilder"));
  for (const auto& s : kb().sources()) {
    EXPECT_TRUE(contains(sources.body, "id=\"" + s.id + "\"")) << s.id;
  }
}

TEST_F(KnowledgePagesTest, SearchFindsResistanceInBothLanguages) {
  auto nb = http_get(url("/kunnskap/sok?q=motstand"));
  ASSERT_EQ(nb.status, 200);
  EXPECT_TRUE(contains(nb.body, "<mark>")) << "highlighted snippets";
  EXPECT_TRUE(contains(nb.body, "href=\"/kunnskap/motstand")) << "the resistance topic is a hit";
  EXPECT_TRUE(contains(nb.body, "value=\"motstand\"")) << "the query stays in the box";
  auto hits = server_->app->renderer().catalog().text(Language::nb, "kb.search.count");
  ASSERT_TRUE(contains(std::string(hits), "{{count}}"));
  EXPECT_TRUE(std::regex_search(nb.body, std::regex("[0-9]+ treff for «motstand»")));
  EXPECT_TRUE(contains(title_of(nb.body), "motstand"));

  auto en = http_get(url("/kunnskap/sok?q=resistance&lang=en"));
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(contains(en.body, "href=\"/kunnskap/motstand"));
  EXPECT_TRUE(contains(en.body, "<mark>"));
  EXPECT_TRUE(std::regex_search(en.body, std::regex("[0-9]+ results for «resistance»")));

  // A stage hit leads to the stage page.
  auto stage = http_get(url("/kunnskap/sok?q=overveielse"));
  EXPECT_TRUE(contains(stage.body, "href=\"/kunnskap/fase/overveielse\""));

  // Every hit link resolves to a page that has the anchor it points at.
  std::regex href_re("class=\"kb-hit__title\" href=\"([^\"#]+)(#([^\"]+))?\"");
  int checked = 0;
  for (auto it = std::sregex_iterator(nb.body.begin(), nb.body.end(), href_re);
       it != std::sregex_iterator() && checked < 12; ++it, ++checked) {
    auto page = http_get(url((*it)[1].str()));
    EXPECT_EQ(page.status, 200) << (*it)[1].str();
    if ((*it)[3].matched) {
      EXPECT_TRUE(contains(page.body, "id=\"" + (*it)[3].str() + "\"")) << (*it)[0].str();
    }
  }
  EXPECT_GE(checked, 3);
}

TEST_F(KnowledgePagesTest, EveryHitLinksToAnElementThatExists) {
  // The contract other modules rely on: a hit's link is a page, and its
  // fragment is the id of an element on that page. Checked for every kind of
  // hit, in both languages.
  std::map<std::string, std::string> pages;  // path -> body
  std::set<std::string> kinds;
  std::regex href_re("class=\"kb-hit__title\" href=\"([^\"#]+)(#([^\"]+))?\"");
  int checked = 0;
  auto index = content::SearchIndex::build(kb());
  ASSERT_TRUE(index.ok());
  for (const char* q : {"motstand", "endring", "kunnskap", "ALS", "samskaping", "bærekraft",
                        "Schein", "kompleks", "belønning", "kommunen", "refleksjon", "Prochaska"}) {
    for (Language lang : {Language::nb, Language::en}) {
      auto hits = index->search(q, lang, {content::kMaxSearchResults});
      ASSERT_TRUE(hits.ok());
      for (const auto& h : *hits)
        kinds.insert(content::to_string(h.kind));
      auto r = http_get(url(web::knowledge_search_url(q) + "&lang=" + std::string(code(lang))));
      ASSERT_EQ(r.status, 200) << q;
      for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), href_re);
           it != std::sregex_iterator(); ++it) {
        const std::string path = (*it)[1].str();
        auto& body = pages[path];
        if (body.empty()) {
          auto page = http_get(url(path));
          EXPECT_EQ(page.status, 200) << path;
          body = page.body;
        }
        if ((*it)[3].matched) {
          EXPECT_TRUE(contains(body, "id=\"" + (*it)[3].str() + "\"")) << (*it)[0].str();
        }
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 100);
  EXPECT_GE(kinds.size(), 8u) << "hits of many kinds were checked";
}

TEST_F(KnowledgePagesTest, NoHitsSaysSoClearly) {
  auto r = http_get(url("/kunnskap/sok?q=xylofonorkester"));
  EXPECT_EQ(r.status, 200);
  std::string expected = msg(Language::nb, "kb.search.none");
  expected.replace(expected.find("{{query}}"), 9, "xylofonorkester");
  EXPECT_TRUE(contains(r.body, esc(expected)));
  EXPECT_FALSE(contains(r.body, "class=\"kb-hits\""));
}

TEST_F(KnowledgePagesTest, SnippetsAndQueriesAreEscaped) {
  // The query is echoed in the box, the title and the status line, always escaped.
  auto r = http_get(url("/kunnskap/sok?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+motstand"));
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(contains(r.body, "<script>alert")) << "raw markup echoed";
  EXPECT_TRUE(contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  auto quote = http_get(url("/kunnskap/sok?q=%22%3E%3Cimg+src%3Dx%3E"));
  EXPECT_FALSE(contains(quote.body, "<img src=x>"));
  EXPECT_FALSE(contains(quote.body, "value=\"\">"));
}

TEST(KnowledgeSnippet, EscapesTextAndMarksOnlyTheRanges) {
  EXPECT_EQ(web::highlight_snippet("a <b> & motstand", {{8, 16}}),
            "a &lt;b&gt; &amp; <mark>motstand</mark>");
  EXPECT_EQ(web::highlight_snippet("<script>x</script>", {{0, 8}}),
            "<mark>&lt;script&gt;</mark>x&lt;/script&gt;");
  EXPECT_EQ(web::highlight_snippet("«a» \"b\" 'c'", {}), "«a» &quot;b&quot; &#39;c&#39;");
  // Bad ranges (overlapping, backwards, out of bounds) are skipped, never trusted.
  EXPECT_EQ(web::highlight_snippet("abcdef", {{0, 2}, {1, 3}, {4, 3}, {5, 99}}),
            "<mark>ab</mark>cdef");
  EXPECT_EQ(web::highlight_snippet("", {{0, 1}}), "");
}

TEST(KnowledgeSnippet, RealSnippetsStayEscapedAroundMarks) {
  // Every hit of the real index: the HTML has as many <mark>s as highlights
  // and no other tag.
  auto index = content::SearchIndex::build(kb());
  ASSERT_TRUE(index.ok());
  for (const char* q : {"motstand", "endring", "ALS", "kunnskap"}) {
    auto hits = index->search(q, Language::nb);
    ASSERT_TRUE(hits.ok());
    ASSERT_FALSE(hits->empty()) << q;
    for (const auto& h : *hits) {
      auto html = web::highlight_snippet(h.snippet, h.highlights);
      EXPECT_EQ(count_of(html, "<mark>"), static_cast<int>(h.highlights.size())) << h.id;
      EXPECT_EQ(count_of(html, "<"),
                2 * static_cast<int>(h.highlights.size()))  // <mark> and </mark>
          << h.id;
    }
  }
}

TEST_F(KnowledgePagesTest, HostileQueriesGetA400WithAMessageNotACrash) {
  // Invalid UTF-8 in a percent-escape: the request cannot be read.
  auto bad = http_get(url("/kunnskap/sok?q=%ff%fe"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, esc(msg(Language::nb, "error.400.title"))));
  EXPECT_EQ(http_get(url("/kunnskap/sok?q=%C3")).status, 400) << "a truncated sequence";
  EXPECT_EQ(http_get(url("/kunnskap/sok?q=%zz")).status, 400) << "a malformed escape";

  // Over the search limit: 400 with the message in the page, in the user's language.
  const std::string too_long(content::kMaxQueryBytes + 1, 'a');
  auto r = http_get(url("/kunnskap/sok?q=" + too_long));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, esc(msg(Language::nb, "search.query_too_long"))));
  EXPECT_TRUE(contains(r.body, "action=\"/kunnskap/sok\"")) << "the form is there to try again";
  auto en = http_get(url("/kunnskap/sok?lang=en&q=" + too_long));
  EXPECT_EQ(en.status, 400);
  EXPECT_TRUE(contains(en.body, esc(msg(Language::en, "search.query_too_long"))));

  // About 7 KB of query (the URL limit of the server is 8 KiB), many words.
  std::string words;
  while (words.size() < 7 * 1024)
    words += "motstand+";
  auto big = http_get(url("/kunnskap/sok?q=" + words));
  EXPECT_EQ(big.status, 400);
  EXPECT_TRUE(contains(big.body, esc(msg(Language::nb, "search.query_too_long"))));

  // Empty or blank: the prompt, not an error.
  for (const char* q : {"/kunnskap/sok", "/kunnskap/sok?q=", "/kunnskap/sok?q=+++"}) {
    auto e = http_get(url(q));
    EXPECT_EQ(e.status, 200) << q;
    EXPECT_TRUE(contains(e.body, esc(msg(Language::nb, "kb.search.prompt")))) << q;
    EXPECT_FALSE(contains(e.body, "class=\"kb-hits\"")) << q;
  }
  // Punctuation and control-free oddities answer normally.
  EXPECT_EQ(http_get(url("/kunnskap/sok?q=%E2%80%A6%C2%AB%C2%BB")).status, 200);
  EXPECT_EQ(http_get(url("/healthz")).status, 200) << "the server lives on";
}

TEST_F(KnowledgePagesTest, TenKilobyteQueryIsRefusedWithoutKillingTheServer) {
  // A 10 KB query makes the URL longer than the server's limit (RESTinio's
  // max_url_size, 8 KiB), and the HTTP parser closes the connection before any
  // handler runs (status 0 here). Should that limit be raised, the search's
  // own limit answers: then it must be our 400 page with the message.
  auto r = http_get(url("/kunnskap/sok?q=" + std::string(10 * 1024, 'a')));
  EXPECT_TRUE(r.status == 0 || r.status == 400) << r.status;
  if (r.status == 400) {
    EXPECT_TRUE(contains(r.body, esc(msg(Language::nb, "search.query_too_long"))));
  }
  EXPECT_EQ(http_get(url("/kunnskap/sok?q=motstand")).status, 200) << "the server lives on";
}

TEST_F(KnowledgePagesTest, HtmxGetsOnlyTheResultsFragment) {
  auto r = http_get(url("/kunnskap/sok?q=motstand"), {"HX-Request: true"});
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(contains(r.body, "<html")) << "no layout";
  EXPECT_FALSE(contains(r.body, "site-header"));
  EXPECT_TRUE(contains(r.body, "class=\"kb-hits\""));
  EXPECT_TRUE(contains(r.body, "<mark>"));
  EXPECT_TRUE(contains(r.body, "id=\"kb-status\"") && contains(r.body, "hx-swap-oob=\"innerHTML\""))
      << "the status line is updated out of band";
  EXPECT_TRUE(contains(r.header("vary"), "HX-Request"));

  // htmx only swaps 2xx: a too-long query answers 200 with the message in the fragment.
  auto long_q = http_get(url("/kunnskap/sok?q=" + std::string(content::kMaxQueryBytes + 1, 'x')),
                         {"HX-Request: true"});
  EXPECT_EQ(long_q.status, 200);
  EXPECT_FALSE(contains(long_q.body, "<html"));
  EXPECT_TRUE(contains(long_q.body, esc(msg(Language::nb, "search.query_too_long"))));

  // An empty query clears the results.
  auto empty = http_get(url("/kunnskap/sok?q="), {"HX-Request: true"});
  EXPECT_EQ(empty.status, 200);
  EXPECT_FALSE(contains(empty.body, "kb-hits"));

  // A history restore wants the whole page.
  auto restore = http_get(url("/kunnskap/sok?q=motstand"),
                          {"HX-Request: true", "HX-History-Restore-Request: true"});
  EXPECT_TRUE(contains(restore.body, "<html"));

  // The same query without htmx: the whole page with the form.
  auto full = http_get(url("/kunnskap/sok?q=motstand"));
  EXPECT_TRUE(contains(full.body, "<html"));
  EXPECT_TRUE(contains(full.body, "hx-get=\"/kunnskap/sok\""));
}

TEST_F(KnowledgePagesTest, SignedInUsersSeeTheirMenuOnKnowledgePages) {
  // The knowledge pages build their own page context: it must carry the
  // signed-in user like every other page, or the header would offer "log in".
  const std::string password = "lang og trygg setning for kunnskap";
  store::AccountRepository accounts(*server_->db, server_->clock);
  auto org = accounts.create_organisation("Kunnskapsvik", store::OrganisationKind::kommune);
  ASSERT_TRUE(org.ok());
  auto user = accounts.create_user(org->id, "kari@kunnskapsvik.kommune.no", "Kari Kunnskap",
                                   Role::administrator, store::hash_password(password));
  ASSERT_TRUE(user.ok());
  Browser b{server_, {}};
  b.get("/logg-inn");
  auto login =
      b.post("/logg-inn", {{"email", "kari@kunnskapsvik.kommune.no"}, {"password", password}});
  ASSERT_EQ(login.status, 303) << login.body;
  for (const char* path : {"/kunnskap", "/kunnskap/forankring", "/kunnskap/fase/handling",
                           "/kunnskap/sok?q=motstand"}) {
    auto r = b.get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_TRUE(contains(r.body, "class=\"user-menu\"")) << path;
    EXPECT_TRUE(contains(r.body, "Kari Kunnskap")) << path;
  }
  auto anonymous = http_get(url("/kunnskap"));
  EXPECT_FALSE(contains(anonymous.body, "Kari Kunnskap"));
}

TEST_F(KnowledgePagesTest, PagesCarryTheSecurityHeadersAndNoInlineScript) {
  for (const char* path :
       {"/kunnskap", "/kunnskap/motstand", "/kunnskap/fase/handling", "/kunnskap/sok?q=motstand"}) {
    auto r = http_get(url(path));
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_NE(r.header("content-security-policy").find("script-src 'self'"), std::string::npos);
    EXPECT_FALSE(std::regex_search(r.body, std::regex("<script(?![^>]*\\bsrc=)")))
        << path << ": inline script";
    EXPECT_FALSE(contains(r.body, " style=\"")) << path << ": inline style";
    EXPECT_FALSE(contains(r.body, " onclick=")) << path;
    // Ids are unique on the page (anchors and aria references rely on it).
    std::regex id_re(" id=\"([^\"]+)\"");
    std::map<std::string, int> ids;
    for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), id_re);
         it != std::sregex_iterator(); ++it)
      ++ids[(*it)[1].str()];
    for (const auto& [id, n] : ids) {
      EXPECT_EQ(n, 1) << path << ": id " << id;
    }
  }
}

}  // namespace
}  // namespace samskap::testing
