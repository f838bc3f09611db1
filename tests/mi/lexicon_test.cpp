// Text utilities, cue lexicons, language detection and role assignment.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "mi/engine.hpp"
#include "mi/language_detect.hpp"
#include "mi/roles.hpp"
#include "mi/text.hpp"

namespace samskap::mi {
namespace {

TEST(Text, FoldsNorwegianLettersAndApostrophes) {
  EXPECT_EQ(fold_case("ÆRLIG Øl på Å \xE2\x80\x99"), "ærlig øl på å '");
  EXPECT_EQ(tokenize(fold_case("Don't stop, e-post! Hva?")),
            (std::vector<std::string>{"don't", "stop", "e-post", "hva"}));
  EXPECT_EQ(word_count("  Jeg   vil prøve.  "), 3u);
}

TEST(Text, StemsNorwegianInflections) {
  EXPECT_EQ(stem(Language::nb, "endrer"), stem(Language::nb, "endre"));
  EXPECT_EQ(stem(Language::nb, "pasientene"), stem(Language::nb, "pasienten"));
  EXPECT_EQ(stem(Language::en, "changing"), stem(Language::en, "change"));
}

std::vector<std::string> matched(const Lexicon& lex, std::string_view text) {
  auto counts = lex.match(tokenize(fold_case(text)));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (counts[i]) out.push_back(lex.categories()[i]);
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Lexicon, PatternsAnchorsAndStems) {
  auto lex = Lexicon::parse(Language::nb,
                            "filler så ja\n"
                            "q.open ^hva\n"
                            "end stemmer det$\n"
                            "change jeg vil endre\n"
                            "exact =ikke\n"
                            "pref velferd*\n"
                            "any jeg _ ikke\n");
  ASSERT_TRUE(lex.ok()) << lex.error().detail;
  EXPECT_TRUE(has(matched(*lex, "Så, hva tenker du?"), "q.open"));  // after a filler
  EXPECT_FALSE(has(matched(*lex, "Jeg lurer på hva du tenker"), "q.open"));
  EXPECT_TRUE(has(matched(*lex, "Sånn er det, stemmer det"), "end"));
  EXPECT_FALSE(has(matched(*lex, "stemmer det ikke"), "end"));
  EXPECT_TRUE(has(matched(*lex, "Jeg vil endres"), "change"));  // stem match
  EXPECT_TRUE(has(matched(*lex, "Velferdsteknologien"), "pref"));
  EXPECT_TRUE(has(matched(*lex, "jeg orker ikke"), "any"));
  EXPECT_FALSE(has(matched(*lex, "ikkje"), "exact"));
}

// match() only tries the cues whose first word fits a token (an index by
// first word); cues that start with "_" or a prefix are tried everywhere, and
// a cue counts once however often it occurs.
TEST(Lexicon, CountsEachCueOnceWhereverItStarts) {
  auto lex = Lexicon::parse(Language::en,
                            "change i want\n"
                            "change =never again\n"
                            "change _ better\n"
                            "change quit*\n"
                            "sustain i can't\n");
  ASSERT_TRUE(lex.ok()) << lex.error().detail;
  auto count = [&](std::string_view text, std::string_view cat) {
    auto tokens = tokenize(fold_case(text));
    auto c = lex->match(tokens);
    EXPECT_EQ(c, lex->match(tokens, lex->stems(tokens))) << text;
    const auto& cats = lex->categories();
    return static_cast<int>(
        c[static_cast<std::size_t>(std::find(cats.begin(), cats.end(), cat) - cats.begin())]);
  };
  EXPECT_EQ(count("I want, I want, I want", "change"), 1);
  EXPECT_EQ(count("never again, I want to quit, feeling better", "change"), 4);
  EXPECT_EQ(count("better", "change"), 0);  // "_ better" needs a word before it
  EXPECT_EQ(count("quitting", "change"), 1);
  EXPECT_EQ(count("I can't and I want", "sustain"), 1);
  EXPECT_EQ(count("", "change"), 0);
}

TEST(Lexicon, RejectsMalformedLines) {
  auto bad = Lexicon::parse(Language::en, "lonely\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message_key, "mi.error.bad_lexicon");
  EXPECT_NE(bad.error().detail.find("line 1"), std::string::npos);
  EXPECT_FALSE(Lexicon::parse(Language::en, "cat \xFF\n").ok());
}

TEST(Lexicon, ShippedLexiconsShareTheirCategories) {
  auto e = Engine::load(std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(e.ok()) << e.error().detail;
  EXPECT_EQ(e->en.categories(), e->nb.categories());
  EXPECT_GT(e->nb.size(), 200u);
  EXPECT_TRUE(has(matched(e->nb, "Det høres ut som du er sliten"), "refl"));
  EXPECT_TRUE(has(matched(e->nb, "Du bør snakke med lederen din"), "advice"));
  EXPECT_TRUE(has(matched(e->nb, "Jeg klarer ikke mer"), "sustain"));
  EXPECT_TRUE(has(matched(e->en, "It sounds like you're tired"), "refl"));
}

Transcript make(std::vector<std::pair<std::string, std::string>> turns) {
  Transcript t;
  for (auto& [s, x] : turns)
    t.utterances.push_back({s, x, {}, {}, 1});
  return t;
}

TEST(LanguageDetect, TellsBokmaalFromEnglish) {
  auto e = Engine::load(std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(e.ok());
  auto nb = make({{"A", "Hvordan har du det på jobben nå?"},
                  {"B", "Det er litt travelt, men vi får det til."}});
  auto en = make(
      {{"A", "How are you doing at work?"}, {"B", "It is a bit busy but we are getting there."}});
  EXPECT_EQ(detect_language(nb, e->stop_en, e->stop_nb).value(), Language::nb);
  EXPECT_EQ(detect_language(en, e->stop_en, e->stop_nb).value(), Language::en);
  auto de = make({{"A", "Wie geht es dir heute bei der Arbeit?"}, {"B", "Sehr gut, danke schön."}});
  auto r = detect_language(de, e->stop_en, e->stop_nb);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message_key, "mi.error.unknown_language");
  EXPECT_FALSE(detect_language(make({{"A", "Hei"}, {"B", "Hei"}}), e->stop_en, e->stop_nb).ok());
}

// One utterance at a time, as a CSV transcript row gives it: 2 to 15 words,
// bokmål, nynorsk and dialect, Teams noise, and spoken English
// (tests/mi/data/language-lines.tsv, written for this test).
TEST(LanguageDetect, TellsTheLanguageOfASingleShortUtterance) {
  auto e = Engine::load(std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(e.ok());
  std::ifstream in("tests/mi/data/language-lines.tsv");
  ASSERT_TRUE(in) << "run from the repository root";
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "lang\ttext");
  int n = 0, short_lines = 0;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string want = line.substr(0, tab), text = line.substr(tab + 1);
    auto got = detect_language(make({{"A", text}}), e->stop_en, e->stop_nb);
    if (!got.ok())
      ADD_FAILURE() << text << ": " << got.error().detail;
    else
      EXPECT_EQ(code(*got), want) << text;
    ++n;
    if (std::count(text.begin(), text.end(), ' ') < 4) ++short_lines;
  }
  EXPECT_GE(n, 160);
  EXPECT_GE(short_lines, 50);
}

TEST(LanguageDetect, OneWordOrNoKnownWordsIsNotEnough) {
  auto e = Engine::load(std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(e.ok());
  for (const char* text : {"Ja.", "Yes.", "Mm.", "OK", "", "Tromsø", "Sehr gut, danke schön.",
                           "Wie geht es dir heute?", "12 34 56", "Kari Nordmann"}) {
    auto r = detect_language(make({{"A", text}}), e->stop_en, e->stop_nb);
    EXPECT_FALSE(r.ok()) << text << " gave " << (r.ok() ? code(*r) : "");
  }
}

TEST(Roles, TheQuestionerIsTheFacilitatorUnlessOverridden) {
  auto e = Engine::load(std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(e.ok());
  auto t = make({{"Ola", "Vi har det travelt."},
                 {"Kari", "Hva er det som gjør det travelt?"},
                 {"Ola", "Jeg har for mange brukere."},
                 {"Kari", "Det høres ut som du strekker deg langt. Hva ville hjulpet?"}});
  auto r = assign_roles(t, e->nb, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("Kari"), Role::facilitator);
  EXPECT_EQ(r->at("Ola"), Role::participant);
  auto o = assign_roles(t, e->nb, {{"Ola", Role::facilitator}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->at("Ola"), Role::facilitator);
  EXPECT_EQ(o->at("Kari"), Role::participant);
  auto unknown = assign_roles(t, e->nb, {{"Per", Role::facilitator}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message_key, "mi.error.unknown_speaker");
  auto single = assign_roles(make({{"A", "x"}, {"A", "y"}}), e->nb, {});
  ASSERT_FALSE(single.ok());
  EXPECT_EQ(single.error().message_key, "mi.error.single_speaker");
}

}  // namespace
}  // namespace samskap::mi
