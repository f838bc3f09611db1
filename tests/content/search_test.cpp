// Tests of knowledge base search: analysis, ranking in both languages,
// compounds, æ/ø/å, snippets and hostile queries.

#include "content/search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace samskap::content {
namespace {

const SearchIndex& index() {
  static const SearchIndex idx = [] {
    auto r = SearchIndex::build(KnowledgeBase::embedded());
    if (!r) throw std::runtime_error(r.error().detail);
    return std::move(r).value();
  }();
  return idx;
}

std::vector<SearchHit> search(std::string_view q, Language lang, std::size_t limit = 20) {
  auto r = index().search(q, lang, SearchOptions{limit});
  EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.error().detail);
  return r.ok() ? std::move(r).value() : std::vector<SearchHit>{};
}

std::vector<std::string> ids(const std::vector<SearchHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits)
    out.push_back(h.id);
  return out;
}

std::string dump(const std::vector<SearchHit>& hits) {
  std::string out;
  for (const auto& h : hits)
    out += h.id + " (" + std::to_string(h.score) + "): " + h.snippet + "\n";
  return out;
}

std::size_t rank_of(const std::vector<SearchHit>& hits, std::string_view id) {
  for (std::size_t i = 0; i < hits.size(); ++i)
    if (hits[i].id == id) return i;
  return hits.size();
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

// Invariants every result must satisfy, whatever the query.
void expect_well_formed(const std::vector<SearchHit>& hits) {
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const SearchHit& h = hits[i];
    EXPECT_FALSE(h.id.empty());
    EXPECT_FALSE(h.topic_id.empty()) << h.id;
    EXPECT_NE(KnowledgeBase::embedded().topic(h.topic_id), nullptr) << h.id;
    EXPECT_GT(h.score, 0) << h.id;
    if (i > 0) {
      EXPECT_GE(hits[i - 1].score, h.score);
    }
    EXPECT_TRUE(valid_utf8(h.snippet)) << h.id;
    EXPECT_LE(h.snippet.size(), 220u) << h.id;
    std::size_t prev_end = 0;
    for (const auto& [b, e] : h.highlights) {
      EXPECT_LT(b, e);
      EXPECT_LE(e, h.snippet.size());
      EXPECT_GE(b, prev_end);
      prev_end = e;
    }
  }
}

std::string highlighted(const SearchHit& h, std::size_t i) {
  return h.snippet.substr(h.highlights[i].first, h.highlights[i].second - h.highlights[i].first);
}

// --- Analysis --------------------------------------------------------------------------

struct AnalyzeCase {
  const char* text;
  Language lang;
  std::vector<std::string> terms;
};

class AnalyzeTest : public ::testing::TestWithParam<AnalyzeCase> {};

TEST_P(AnalyzeTest, FoldsStemsAndDropsStopWords) {
  const auto& c = GetParam();
  EXPECT_EQ(analyze(c.text, c.lang), c.terms) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnalyzeTest,
    ::testing::Values(AnalyzeCase{"Motstanden", Language::nb, {"motstand"}},
                      AnalyzeCase{"motstand", Language::nb, {"motstand"}},
                      AnalyzeCase{"MOTSTAND!", Language::nb, {"motstand"}},
                      AnalyzeCase{"Hva er motstand?", Language::nb, {"motstand"}},
                      AnalyzeCase{"endringer", Language::nb, {"endring"}},
                      // "å" written as a + combining ring (NFD) folds to the same term as "å".
                      AnalyzeCase{"A\xCC\x8Apne", Language::nb, {"åpn"}},
                      AnalyzeCase{"Åpne", Language::nb, {"åpn"}},
                      AnalyzeCase{"Kommune 3.0", Language::nb, {"kommun", "3.0"}},
                      AnalyzeCase{"The righting reflex", Language::en, {"right", "reflex"}},
                      AnalyzeCase{"Resistance", Language::en, {"resist"}},
                      AnalyzeCase{"", Language::nb, {}},
                      AnalyzeCase{"  ,.;:!?  ", Language::nb, {}}));

TEST(Analyze, CaseAndNormalisationDoNotChangeTerms) {
  EXPECT_EQ(analyze("FØROVERVEIELSE", Language::nb), analyze("føroverveielse", Language::nb));
  EXPECT_EQ(analyze("Motstandsfenomener", Language::nb),
            analyze("motstandsfenomener", Language::nb));
  // NFC "ø" vs the compatibility/decomposed forms of "å".
  EXPECT_EQ(analyze("\u00C5PNE", Language::nb), analyze("a\u030Apne", Language::nb));
  EXPECT_NE(analyze("motstand", Language::nb), analyze("endring", Language::nb));
}

// --- Ranking ---------------------------------------------------------------------------

struct RankCase {
  const char* query;
  Language lang;
  const char* expected_id;  // must be among the first `within` hits
  std::size_t within;
};

std::ostream& operator<<(std::ostream& os, const RankCase& c) {
  return os << c.query;
}

class RankTest : public ::testing::TestWithParam<RankCase> {};

TEST_P(RankTest, ExpectedEntityRanksHigh) {
  const auto& c = GetParam();
  const auto hits = search(c.query, c.lang);
  expect_well_formed(hits);
  EXPECT_LT(rank_of(hits, c.expected_id), c.within) << c.query << "\n" << dump(hits);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RankTest,
    ::testing::Values(
        // Bokmål
        RankCase{"motstand", Language::nb, "motstand", 1},
        RankCase{"motstanden", Language::nb, "motstand", 1},
        RankCase{"hva er motstand", Language::nb, "motstand.hva", 3},
        RankCase{"forankring", Language::nb, "forankring", 1},
        RankCase{"motiverende samtale", Language::nb, "motiverende-samtale", 1},
        RankCase{"overveielse", Language::nb, "stadium.overveielse", 1},
        RankCase{"tilbakefall", Language::nb, "stadium.tilbakefall", 1},
        RankCase{"korreksjonsrefleksen", Language::nb, "mi.korreksjon", 1},
        RankCase{"samskaping", Language::nb, "samskaping", 1},
        RankCase{"kunnskapsbasert praksis", Language::nb, "kunnskapsbasert-praksis", 1},
        RankCase{"ALS kinosalen", Language::nb, "henvendelse-als.2-0", 1},
        RankCase{"Snowden", Language::nb, "kompleksitet", 3},
        RankCase{"kaotisk", Language::nb, "cynefin.chaotic", 1},
        RankCase{"god helse", Language::nb, "sdg.3", 1},
        RankCase{"brennende plattform", Language::nb, "brennende-ambisjon", 2},
        RankCase{"ambivalens", Language::nb, "mi.ambivalens", 3},
        // æ/ø/å typed without the Norwegian letters, or in capitals
        RankCase{"foroverveielse", Language::nb, "stadium.foroverveielse", 1},
        RankCase{"FØROVERVEIELSE", Language::nb, "stadium.foroverveielse", 1},
        RankCase{"apne sporsmal", Language::nb, "mi.lytting.apne-sporsmal", 1},
        RankCase{"baerekraftsmal", Language::nb, "baerekraftsmal", 1},
        // Norwegian compounds
        RankCase{"motstand", Language::nb, "motstand.hva.informasjon", 20},  // motstandsfenomener
        RankCase{"bærekraft", Language::nb, "baerekraftsmal", 2},            // bærekraftsmål
        // English
        RankCase{"resistance", Language::en, "motstand", 1},
        RankCase{"anchoring", Language::en, "forankring", 1},
        RankCase{"co-creation", Language::en, "samskaping", 1},
        RankCase{"precontemplation", Language::en, "stadium.foroverveielse", 1},
        RankCase{"relapse", Language::en, "stadium.tilbakefall", 1},
        RankCase{"righting reflex", Language::en, "mi.korreksjon", 1},
        RankCase{"probe sense respond", Language::en, "cynefin.complex", 1},
        RankCase{"process consultation", Language::en, "prosessveiledning.schein", 3},
        RankCase{"climate action", Language::en, "sdg.13", 1},
        RankCase{"motivational interviewing", Language::en, "motiverende-samtale", 1}));

// Property: searching for an item's own text finds that item near the top.
TEST(Search, EveryItemIsFoundByItsOwnText) {
  const auto& kb = KnowledgeBase::embedded();
  std::vector<const Item*> items;
  for (const auto& t : kb.topics())
    for (const auto& s : t.sections)
      for (const auto& i : s.items)
        items.push_back(&i);
  for (const auto& s : kb.stages())
    for (const auto* l : {&s.practice, &s.characteristics, &s.approach, &s.mi_questions})
      for (const auto& i : *l)
        items.push_back(&i);
  ASSERT_GT(items.size(), 150u);
  int checked = 0;
  for (Language lang : {Language::nb, Language::en}) {
    for (const Item* i : items) {
      const std::string& text = i->text.in(lang);
      if (analyze(text, lang).size() < 4 || text.size() > kMaxQueryBytes) continue;
      ++checked;
      const auto hits = search(text, lang, 3);
      EXPECT_LT(rank_of(hits, i->id), 3u) << code(lang) << ": " << text << "\n" << dump(hits);
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(Search, CompoundMatchIsHighlightedInTheSnippet) {
  const auto hits = search("motstand", Language::nb, 50);
  const auto it = std::find_if(hits.begin(), hits.end(), [](const SearchHit& h) {
    return h.id == "motstand.hva.informasjon";
  });
  ASSERT_NE(it, hits.end()) << dump(hits);
  ASSERT_FALSE(it->highlights.empty());
  EXPECT_EQ(highlighted(*it, 0), "motstandsfenomener");
}

TEST(Search, EndringFindsEndringsarbeid) {
  const auto hits = search("endring", Language::nb, 100);
  bool found = false;
  for (const auto& h : hits)
    for (std::size_t i = 0; i < h.highlights.size(); ++i)
      found |= highlighted(h, i).starts_with("endringsarbeid");
  EXPECT_TRUE(found) << dump(hits);
}

TEST(Search, LastPartOfACompoundMatches) {
  // "arbeid" is the last part of "endringsarbeid".
  const auto hits = search("arbeid", Language::nb, 100);
  bool found = false;
  for (const auto& h : hits)
    for (std::size_t i = 0; i < h.highlights.size(); ++i)
      found |= highlighted(h, i).starts_with("endringsarbeid");
  EXPECT_TRUE(found) << dump(hits);
}

TEST(Search, WholeWordsRankAboveCompoundParts) {
  const auto hits = search("motstand", Language::nb, 100);
  // "Motstand er naturlig." (whole word) above "motstandsfenomener" (compound).
  EXPECT_LT(rank_of(hits, "motstand.hva.naturlig"), rank_of(hits, "motstand.hva.informasjon"))
      << dump(hits);
}

TEST(Search, HighlightsTheMatchedWordInTheSnippet) {
  const auto hits = search("Ambivalens", Language::nb);
  ASSERT_FALSE(hits.empty());
  expect_well_formed(hits);
  for (const auto& h : hits) {
    if (h.highlights.empty()) continue;
    std::string word = highlighted(h, 0);
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_TRUE(word.starts_with("ambivalens")) << h.id << ": " << word;
  }
}

TEST(Search, LongTextsAreCutToASnippetAroundTheMatch) {
  // The Schein quote is longer than a snippet; the match is near its end.
  const auto hits = search("defined client", Language::en);
  const auto it = std::find_if(hits.begin(), hits.end(), [](const SearchHit& h) {
    return h.id == "prosessveiledning.schein";
  });
  ASSERT_NE(it, hits.end()) << dump(hits);
  EXPECT_TRUE(it->snippet.starts_with("… ")) << it->snippet;
  ASSERT_FALSE(it->highlights.empty());
  bool defined = false;
  for (std::size_t i = 0; i < it->highlights.size(); ++i)
    defined |= highlighted(*it, i) == "defined";
  EXPECT_TRUE(defined) << it->snippet;
}

TEST(Search, LanguagesAreSeparate) {
  EXPECT_TRUE(search("anchoring", Language::nb).empty());
  EXPECT_TRUE(search("forankring", Language::en).empty());
  EXPECT_GT(index().document_count(Language::nb), 300u);
  EXPECT_GT(index().document_count(Language::en), 300u);
}

TEST(Search, HitsCarryTheirPage) {
  const auto hits = search("kartlegging av personens erfaring", Language::nb);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, "stadium.foroverveielse.praksis.kartlegging") << dump(hits);
  EXPECT_EQ(hits[0].topic_id, "endringsarbeid");
  EXPECT_EQ(hits[0].stage_id, "stadium.foroverveielse");
  EXPECT_EQ(hits[0].kind, HitKind::item);
  EXPECT_EQ(hits[0].title, "Føroverveielse");
  EXPECT_STREQ(to_string(hits[0].kind), "item");
}

TEST(Search, StopWordsAloneStillSearch) {
  auto r = index().search("hva er det", Language::nb);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->empty());  // "Hva er motstand?" contains them
  expect_well_formed(*r);
}

TEST(Search, LimitIsRespectedAndCapped) {
  EXPECT_LE(search("og endring", Language::nb, 3).size(), 3u);
  EXPECT_TRUE(search("endring", Language::nb, 0).empty());
  auto r = index().search("e endring mål", Language::nb, SearchOptions{100000});
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->size(), kMaxSearchResults);
}

TEST(Search, Deterministic) {
  EXPECT_EQ(ids(search("støtte", Language::nb)), ids(search("støtte", Language::nb)));
}

// --- Hostile input ---------------------------------------------------------------------

TEST(SearchHostile, TooLongQueryIsRefused) {
  const std::string q(kMaxQueryBytes + 1, 'a');
  auto r = index().search(q, Language::nb);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::too_large);
  EXPECT_EQ(r.error().message_key, "search.query_too_long");
  EXPECT_TRUE(index().search(std::string(kMaxQueryBytes, 'a'), Language::nb).ok());
}

struct HostileCase {
  const char* name;
  std::string query;
};

std::ostream& operator<<(std::ostream& os, const HostileCase& c) {
  return os << c.name;
}

class HostileTest : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileTest, AnswersSafely) {
  const auto& c = GetParam();
  for (Language lang : {Language::nb, Language::en}) {
    auto r = index().search(c.query, lang);
    ASSERT_TRUE(r.ok()) << c.name;
    expect_well_formed(*r);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, HostileTest,
    ::testing::Values(HostileCase{"invalid_utf8", "\xff\xfe\xfd motstand \xc3"},
                      HostileCase{"overlong_encoding", "\xc0\xaf\xe0\x80\xaf"},
                      HostileCase{"lone_surrogate", "\xed\xa0\x80 endring"},
                      HostileCase{"truncated_sequence", "m\xc3"},
                      HostileCase{"embedded_nul", std::string("mot\0stand", 9)},
                      HostileCase{"control_chars", "\x01\x02\x1b[31m endring \x7f"},
                      HostileCase{"html", "<script>alert('x')</script> motstand"},
                      HostileCase{"sql", "' OR 1=1; DROP TABLE users; --"},
                      HostileCase{"regex_and_globs", ".* [a-z]+ (motstand|endring) ** ?"},
                      HostileCase{"only_punctuation", "!!!???...,,,;;;"},
                      HostileCase{"one_huge_word", std::string(500, 'x')},
                      HostileCase{"many_words",
                                  [] {
                                    std::string q;
                                    for (int i = 0; i < 80; ++i)
                                      q += "ord" + std::to_string(i) + " ";
                                    return q;
                                  }()},
                      HostileCase{"emoji_and_rtl", "😀 \u202Eendring\u202C שלום مرحبا"},
                      HostileCase{"combining_marks", "e\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81"},
                      HostileCase{"bom_and_zero_width", "\xEF\xBB\xBFmot\xE2\x80\x8Bstand"},
                      HostileCase{"whitespace_only", " \t\r\n "}));

TEST(SearchHostile, InvalidUtf8AroundAValidWordStillFindsIt) {
  auto r = index().search(
      "\xff"
      "motstand"
      "\xfe",
      Language::nb);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->empty());
  EXPECT_EQ((*r)[0].id, "motstand");
}

TEST(SearchHostile, ManyTermsAreCapped) {
  // 40 distinct words: only the first kMaxQueryTerms count, so "motstand" at the end is ignored.
  std::string q;
  for (int i = 0; i < 40; ++i)
    q += "zq" + std::to_string(i) + " ";
  q += "motstand";
  auto r = index().search(q, Language::nb);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty()) << dump(*r);
}

TEST(SearchHostile, RandomBytesNeverBreakIt) {
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<int> len(0, 96);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 300; ++i) {
    std::string q(static_cast<std::size_t>(len(rng)), '\0');
    for (auto& ch : q)
      ch = static_cast<char>(byte(rng));
    if (i % 3 == 0) q += " motstand";
    auto r = index().search(q, i % 2 ? Language::en : Language::nb);
    ASSERT_TRUE(r.ok());
    expect_well_formed(*r);
  }
}

TEST(SearchConcurrency, ManyThreadsGetTheSameAnswers) {
  const auto expected = ids(search("motstand endring", Language::nb));
  ASSERT_FALSE(expected.empty());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = index().search("motstand endring", Language::nb);
        if (!r.ok() || ids(*r) != expected) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads)
    th.join();
  for (int m : mismatches)
    EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace samskap::content
