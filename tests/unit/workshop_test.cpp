#include "core/workshop.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "content/catalog.hpp"
#include "core/credentials.hpp"

namespace samskap::workshop {
namespace {

using readiness::StagingAnswer;

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

ActivityDef make_def(ActivityType type, std::vector<std::string> options = {},
                     bool multiple = false) {
  ActivityDef d;
  d.type = type;
  d.prompt = "Hva er viktigst for dere?";
  d.options = std::move(options);
  d.multiple = multiple;
  return d;
}

// Options for the types that need them, none for the others.
ActivityDef valid_def(ActivityType type) {
  switch (type) {
    case ActivityType::choice:
    case ActivityType::ranking:
    case ActivityType::sorting:
      return make_def(type, {"Brukermedvirkning", "Tverrfaglig samarbeid", "Kompetanse"});
    default:
      return make_def(type);
  }
}

// ---------------------------------------------------------------- vocabulary

TEST(WorkshopVocabulary, SlugsAreTheNorwegianNamesAndRoundTrip) {
  const std::vector<std::string> want = {"refleksjon", "ordsky",   "skala",    "flervalg",
                                         "rangering",  "innsjekk", "sortering"};
  ASSERT_EQ(kActivityTypes.size(), want.size());
  for (std::size_t i = 0; i < kActivityTypes.size(); ++i) {
    const auto t = kActivityTypes[i];
    EXPECT_EQ(slug(t), want[i]);
    EXPECT_EQ(parse_activity_type(slug(t)), t);
    EXPECT_EQ(name_key(t), "workshop.type." + want[i]);
  }
  for (const char* bad :
       {"", "Ordsky", " ordsky", "ordsky ", "word_cloud", "ordsky\n", "0", "refleksjon.motstand"})
    EXPECT_EQ(parse_activity_type(bad), std::nullopt) << bad;
}

// Every error the validators give has a text in both languages
// (content/messages/<lang>/workshop_errors.toml).
TEST(WorkshopVocabulary, EveryErrorHasTextsInBothLanguages) {
  std::vector<std::string> keys;
  for (const char* e : {"prompt", "options", "label", "source", "text", "words", "value", "choice",
                        "order", "levels", "staging", "ruler"})
    keys.push_back(std::string("workshop.error.") + e);
  const auto& catalog = content::Catalog::embedded();
  for (auto lang : {Language::nb, Language::en}) {
    const auto& m = catalog.messages(lang);
    for (const auto& k : keys) {
      auto it = m.find(k);
      ASSERT_NE(it, m.end()) << k << " has no " << code(lang) << " text";
      EXPECT_FALSE(it->second.empty()) << k;
    }
  }
  for (const auto& k : keys)
    EXPECT_NE(catalog.text(Language::nb, k), catalog.text(Language::en, k)) << k;
}

// ---------------------------------------------------------------- definitions

struct DefCase {
  const char* name;
  ActivityDef def;
  const char* error;  // nullptr: accepted
};

std::vector<DefCase> definition_cases() {
  std::vector<DefCase> c;
  auto with_prompt = [](std::string p, ActivityType t = ActivityType::reflection) {
    ActivityDef d = valid_def(t);
    d.prompt = std::move(p);
    return d;
  };
  auto with_options = [](ActivityType t, std::vector<std::string> o, bool multiple = false) {
    return make_def(t, std::move(o), multiple);
  };
  // Every type accepts a plain definition.
  for (auto t : kActivityTypes)
    c.push_back({"plain", valid_def(t), nullptr});

  // The prompt.
  c.push_back({"prompt empty", with_prompt(""), "workshop.error.prompt"});
  c.push_back({"prompt blank", with_prompt(" \t\r\n "), "workshop.error.prompt"});
  c.push_back(
      {"prompt only invisible", with_prompt("\u00A0\u200B\uFEFF\u3000"), "workshop.error.prompt"});
  c.push_back({"prompt 500 bytes", with_prompt(repeat("a", 500)), nullptr});
  c.push_back({"prompt 501 bytes", with_prompt(repeat("a", 501)), "workshop.error.prompt"});
  c.push_back({"prompt 250 x æ", with_prompt(repeat("æ", 250)), nullptr});
  c.push_back({"prompt 251 x æ", with_prompt(repeat("æ", 251)), "workshop.error.prompt"});
  c.push_back({"prompt 10 MB", with_prompt(repeat("x", 10'000'000)), "workshop.error.prompt"});
  c.push_back({"prompt padded", with_prompt("   " + repeat("a", 500) + "  \n"), nullptr});
  c.push_back({"prompt lines and tab", with_prompt("Linje 1\n\tLinje 2"), nullptr});
  c.push_back({"prompt NUL", with_prompt(std::string("a\0b", 3)), "workshop.error.prompt"});
  c.push_back({"prompt ESC", with_prompt("a\x1B[31mb"), "workshop.error.prompt"});
  c.push_back({"prompt DEL", with_prompt("a\x7F"), "workshop.error.prompt"});
  c.push_back({"prompt C1 (NEL)", with_prompt("a\xC2\x85z"), "workshop.error.prompt"});
  c.push_back({"prompt bidi override", with_prompt("abc\u202Edef"), "workshop.error.prompt"});
  c.push_back({"prompt bidi isolate", with_prompt("abc\u2066def"), "workshop.error.prompt"});
  c.push_back({"prompt invalid byte", with_prompt("a\xFFz"), "workshop.error.prompt"});
  c.push_back({"prompt overlong", with_prompt("a\xC0\xAFz"), "workshop.error.prompt"});
  c.push_back({"prompt surrogate", with_prompt("a\xED\xA0\x80z"), "workshop.error.prompt"});
  c.push_back({"prompt truncated", with_prompt("a\xE2\x82"), "workshop.error.prompt"});
  c.push_back({"prompt above U+10FFFF", with_prompt("\xF4\x90\x80\x80"), "workshop.error.prompt"});
  c.push_back({"prompt lone continuation", with_prompt("\x80tekst"), "workshop.error.prompt"});
  c.push_back({"prompt emoji and æøå", with_prompt("Hvordan går det? 🙂 Ærlig svar"), nullptr});

  // Options of choice, ranking and sorting.
  for (auto t : {ActivityType::choice, ActivityType::ranking, ActivityType::sorting}) {
    std::vector<std::string> twelve, thirteen;
    for (int i = 1; i <= 13; ++i) {
      if (i <= 12) twelve.push_back("Valg " + std::to_string(i));
      thirteen.push_back("Valg " + std::to_string(i));
    }
    c.push_back({"no options", with_options(t, {}), "workshop.error.options"});
    c.push_back({"one option", with_options(t, {"Ja"}), "workshop.error.options"});
    c.push_back({"two options", with_options(t, {"Ja", "Nei"}), nullptr});
    c.push_back({"twelve options", with_options(t, twelve), nullptr});
    c.push_back({"thirteen options", with_options(t, thirteen), "workshop.error.options"});
    c.push_back({"blank options dropped", with_options(t, {"Ja", "", " ", "Nei"}), nullptr});
    c.push_back(
        {"one left after blanks", with_options(t, {"Ja", "", "\t"}), "workshop.error.options"});
    c.push_back({"repeated", with_options(t, {"Ja", "Nei", "Ja"}), "workshop.error.options"});
    c.push_back(
        {"repeated in other case", with_options(t, {"Ærlig", "ærlig"}), "workshop.error.options"});
    c.push_back(
        {"repeated after trim", with_options(t, {"Ja", " Ja  "}), "workshop.error.options"});
    c.push_back({"option 200 bytes", with_options(t, {repeat("a", 200), "b"}), nullptr});
    c.push_back(
        {"option 201 bytes", with_options(t, {repeat("a", 201), "b"}), "workshop.error.options"});
    c.push_back({"option two lines", with_options(t, {"a\nb", "c"}), "workshop.error.options"});
    c.push_back({"option CR", with_options(t, {"a\rb", "c"}), "workshop.error.options"});
    c.push_back({"option tab", with_options(t, {"a\tb", "c"}), "workshop.error.options"});
    c.push_back(
        {"option line separator", with_options(t, {"a\u2028b", "c"}), "workshop.error.options"});
    c.push_back(
        {"option invalid UTF-8", with_options(t, {"a\xC3", "c"}), "workshop.error.options"});
    c.push_back({"option 100,000 of them", with_options(t, std::vector<std::string>(100'000, "x")),
                 "workshop.error.options"});
  }
  for (auto t : {ActivityType::reflection, ActivityType::word_cloud, ActivityType::scale,
                 ActivityType::stage_checkin}) {
    c.push_back(
        {"options on a type without", with_options(t, {"Ja", "Nei"}), "workshop.error.options"});
    c.push_back({"blank options on a type without", with_options(t, {"", "  "}), nullptr});
  }
  // Scale labels.
  ActivityDef scale = valid_def(ActivityType::scale);
  scale.scale_min_label = "Ikke viktig";
  scale.scale_max_label = repeat("ø", 100);
  c.push_back({"labels", scale, nullptr});
  scale.scale_max_label = repeat("ø", 100) + "x";
  c.push_back({"label 201 bytes", scale, "workshop.error.label"});
  scale.scale_max_label = "Svært\nviktig";
  c.push_back({"label two lines", scale, "workshop.error.label"});
  scale.scale_max_label = "Svært\x01viktig";
  c.push_back({"label control", scale, "workshop.error.label"});
  scale.scale_max_label = "\xFE";
  c.push_back({"label invalid UTF-8", scale, "workshop.error.label"});
  // Knowledge-base ids.
  for (const char* ok : {"refleksjon.motstand.opplevd", "usht-3-0", "a_b", ""}) {
    ActivityDef d = valid_def(ActivityType::reflection);
    d.source_id = ok;
    c.push_back({"source id ok", d, nullptr});
  }
  for (const char* bad : {"Refleksjon", "../../etc/passwd", "<script>", "refleksjon motstand",
                          "refleksjon\nx", "æ", "a\xFF"}) {
    ActivityDef d = valid_def(ActivityType::reflection);
    d.source_id = bad;
    c.push_back({bad, d, "workshop.error.source"});
  }
  ActivityDef long_source = valid_def(ActivityType::reflection);
  long_source.source_id = repeat("a", 121);
  c.push_back({"source id 121 bytes", long_source, "workshop.error.source"});
  return c;
}

TEST(WorkshopDefinition, TableOfDefinitions) {
  int accepted = 0, refused = 0;
  for (const auto& tc : definition_cases()) {
    const std::string what = std::string(tc.name) + " (" + std::string(slug(tc.def.type)) + ")";
    auto got = validate(tc.def);
    if (tc.error) {
      ASSERT_FALSE(got.ok()) << what;
      EXPECT_EQ(got.error().code, ErrorCode::invalid_input) << what;
      EXPECT_EQ(got.error().message_key, tc.error) << what << ": " << got.error().detail;
      ++refused;
    } else {
      ASSERT_TRUE(got.ok()) << what << ": " << got.error().message_key << " " << got.error().detail;
      // Whatever is accepted is clean: valid UTF-8, trimmed, within limits,
      // and accepted again unchanged.
      EXPECT_TRUE(is_valid_utf8(got->prompt)) << what;
      EXPECT_LE(got->prompt.size(), kPromptMaxBytes) << what;
      EXPECT_FALSE(got->prompt.empty()) << what;
      for (const auto& o : got->options) {
        EXPECT_FALSE(o.empty()) << what;
        EXPECT_LE(o.size(), kOptionMaxBytes) << what;
      }
      auto again = validate(*got);
      ASSERT_TRUE(again.ok()) << what;
      EXPECT_EQ(again->prompt, got->prompt) << what;
      EXPECT_EQ(again->options, got->options) << what;
      ++accepted;
    }
  }
  EXPECT_GT(accepted, 30);
  EXPECT_GT(refused, 60);
}

TEST(WorkshopDefinition, CleansWhatItAccepts) {
  ActivityDef d = make_def(ActivityType::choice, {"  Ja ", "", "Nei\u00A0", "\t"}, true);
  d.prompt = "\r\n  Hva mener du?\r\nSvar ærlig.\r  ";
  d.source_id = "  refleksjon.overbevist ";
  auto got = validate(d);
  ASSERT_TRUE(got.ok()) << got.error().detail;
  EXPECT_EQ(got->prompt, "Hva mener du?\nSvar ærlig.");
  EXPECT_EQ(got->options, (std::vector<std::string>{"Ja", "Nei"}));
  EXPECT_TRUE(got->multiple);
  EXPECT_EQ(got->source_id, "refleksjon.overbevist");

  ActivityDef s = make_def(ActivityType::scale);
  s.scale_min_label = "  Ikke viktig ";
  s.scale_max_label = "Svært viktig\u3000";
  s.multiple = true;
  got = validate(s);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->scale_min_label, "Ikke viktig");
  EXPECT_EQ(got->scale_max_label, "Svært viktig");
  EXPECT_FALSE(got->multiple);  // only a choice can be multiple

  // Labels of another type are dropped, not kept unchecked.
  ActivityDef r = make_def(ActivityType::ranking, {"A", "B"}, true);
  r.scale_min_label = "x\x01";
  got = validate(r);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->scale_min_label.empty());
  EXPECT_FALSE(got->multiple);
}

// ---------------------------------------------------------------- answers

struct AnswerCase {
  const char* name;
  ActivityDef def;
  AnswerInput in;
  const char* error;  // nullptr: accepted
};

AnswerInput text(std::string t) {
  AnswerInput a;
  a.text = std::move(t);
  return a;
}
AnswerInput words(std::vector<std::string> w) {
  AnswerInput a;
  a.words = std::move(w);
  return a;
}
AnswerInput value(std::optional<int> v) {
  AnswerInput a;
  a.value = v;
  return a;
}
AnswerInput choices(std::vector<int> c) {
  AnswerInput a;
  a.choices = std::move(c);
  return a;
}
AnswerInput order(std::vector<int> o) {
  AnswerInput a;
  a.order = std::move(o);
  return a;
}
AnswerInput levels(std::vector<int> l) {
  AnswerInput a;
  a.levels = std::move(l);
  return a;
}
AnswerInput staging(std::optional<StagingAnswer> s, std::optional<int> importance = std::nullopt,
                    std::optional<int> confidence = std::nullopt) {
  AnswerInput a;
  a.staging = s;
  a.importance = importance;
  a.confidence = confidence;
  return a;
}

std::vector<AnswerCase> answer_cases() {
  std::vector<AnswerCase> c;
  const auto refl = valid_def(ActivityType::reflection);
  const auto cloud = valid_def(ActivityType::word_cloud);
  const auto scale = valid_def(ActivityType::scale);
  const auto single = make_def(ActivityType::choice, {"A", "B", "C"});
  const auto multi = make_def(ActivityType::choice, {"A", "B", "C"}, true);
  const auto rank = make_def(ActivityType::ranking, {"A", "B", "C"});
  const auto sort = make_def(ActivityType::sorting, {"Kort 1", "Kort 2", "Kort 3"});
  const auto stage = valid_def(ActivityType::stage_checkin);
  const char* kText = "workshop.error.text";
  const char* kWords = "workshop.error.words";
  const char* kValue = "workshop.error.value";
  const char* kChoice = "workshop.error.choice";
  const char* kOrder = "workshop.error.order";
  const char* kLevels = "workshop.error.levels";
  const char* kStaging = "workshop.error.staging";
  const char* kRuler = "workshop.error.ruler";

  // Reflection.
  c.push_back({"text", refl, text("Vi må snakke mer sammen."), nullptr});
  c.push_back(
      {"text with lines, tab, emoji", refl, text("Én ting:\n\t– tillit 🙂\r\nTo"), nullptr});
  c.push_back({"text empty", refl, text(""), kText});
  c.push_back({"text blank", refl, text(" \r\n\t\u00A0"), kText});
  c.push_back({"text 1000 bytes", refl, text(repeat("a", 1000)), nullptr});
  c.push_back({"text 1001 bytes", refl, text(repeat("a", 1001)), kText});
  c.push_back({"text 500 x ø", refl, text(repeat("ø", 500)), nullptr});
  c.push_back({"text 501 x ø", refl, text(repeat("ø", 501)), kText});
  c.push_back({"text 1201 bytes, 801 with LF", refl, text(repeat("a\r\n", 400) + "a"), nullptr});
  c.push_back({"text 16 MB", refl, text(repeat("tillit ", 16 << 20 >> 3)), kText});
  c.push_back({"text NUL", refl, text(std::string("a\0b", 3)), kText});
  c.push_back({"text BEL", refl, text("a\ab"), kText});
  c.push_back({"text ESC", refl, text("a\x1B]0;x\x07"), kText});
  c.push_back({"text vertical tab", refl, text("a\vb"), kText});
  c.push_back({"text C1 CSI", refl,
               text("a\xC2\x9B"
                    "31m"),
               kText});
  c.push_back({"text bidi override", refl, text("abc\u202Egnp.exe"), kText});
  c.push_back({"text invalid byte", refl, text("a\xFF"), kText});
  c.push_back({"text Latin-1 not UTF-8", refl,
               text("bl\xE5"
                    "b\xE6"
                    "r"),
               kText});
  c.push_back({"text overlong NUL", refl, text("a\xC0\x80"), kText});
  c.push_back({"text surrogate", refl, text("\xED\xBF\xBF"), kText});
  c.push_back({"text with a value too", refl,
               [] {
                 auto a = text("x");
                 a.value = 3;
                 return a;
               }(),
               kValue});
  c.push_back({"text with words too", refl,
               [] {
                 auto a = text("x");
                 a.words = {"y"};
                 return a;
               }(),
               kWords});
  c.push_back({"text with staging too", refl,
               [] {
                 auto a = text("x");
                 a.staging = StagingAnswer::no_plans;
                 return a;
               }(),
               kStaging});
  c.push_back({"text with a ruler too", refl,
               [] {
                 auto a = text("x");
                 a.confidence = 5;
                 return a;
               }(),
               kRuler});

  // Word cloud.
  c.push_back({"one word", cloud, words({"tillit"}), nullptr});
  c.push_back({"three words", cloud, words({"tillit", "Åpenhet", "god ledelse"}), nullptr});
  c.push_back({"four words", cloud, words({"a", "b", "c", "d"}), kWords});
  c.push_back({"four, one blank", cloud, words({"a", " ", "c", "d"}), nullptr});
  c.push_back({"none", cloud, words({}), kWords});
  c.push_back({"only blanks", cloud, words({"", " ", "\u00A0"}), kWords});
  c.push_back({"word 40 bytes", cloud, words({repeat("a", 40)}), nullptr});
  c.push_back({"word 41 bytes", cloud, words({repeat("a", 41)}), kWords});
  c.push_back({"word 20 x å", cloud, words({repeat("å", 20)}), nullptr});
  c.push_back({"word 21 x å", cloud, words({repeat("å", 21)}), kWords});
  c.push_back({"word 1 MB", cloud, words({repeat("a", 1 << 20)}), kWords});
  c.push_back({"100,000 words", cloud, words(std::vector<std::string>(100'000, "a")), kWords});
  c.push_back({"emoji only", cloud, words({"🙂"}), kWords});
  c.push_back({"emoji with skin tone", cloud, words({"👍🏽"}), kWords});
  c.push_back({"flag", cloud, words({"🇳🇴"}), kWords});
  c.push_back({"punctuation only", cloud, words({"!?!"}), kWords});
  c.push_back({"dash only", cloud, words({"—"}), kWords});
  c.push_back({"guillemets only", cloud, words({"«»"}), kWords});
  c.push_back({"a good word and an emoji", cloud, words({"tillit", "🙂"}), kWords});
  c.push_back({"digits", cloud, words({"24/7"}), nullptr});
  c.push_back({"Arabic", cloud, words({"صحة"}), nullptr});
  c.push_back({"Sámi", cloud, words({"Ovttasbargu"}), nullptr});
  c.push_back({"word with newline", cloud, words({"til\nlit"}), kWords});
  c.push_back({"word with tab", cloud, words({"til\tlit"}), kWords});
  c.push_back({"word with control", cloud, words({"til\x08lit"}), kWords});
  c.push_back({"word invalid UTF-8", cloud, words({"til\xC3lit"}), kWords});
  c.push_back({"repeated words are kept", cloud, words({"tillit", "Tillit"}), nullptr});
  c.push_back({"words with text too", cloud,
               [] {
                 auto a = words({"x"});
                 a.text = "y";
                 return a;
               }(),
               kText});
  c.push_back({"words with blank text", cloud,
               [] {
                 auto a = words({"x"});
                 a.text = "  ";
                 return a;
               }(),
               nullptr});

  // Scale.
  for (int v : {0, 5, 10})
    c.push_back({"value in range", scale, value(v), nullptr});
  for (int v : {-1, 11, 100, INT_MIN, INT_MAX})
    c.push_back({"value out of range", scale, value(v), kValue});
  c.push_back({"value missing", scale, value(std::nullopt), kValue});
  c.push_back({"value with choices", scale,
               [] {
                 auto a = value(3);
                 a.choices = {0};
                 return a;
               }(),
               kChoice});

  // Choice.
  c.push_back({"one choice", single, choices({0}), nullptr});
  c.push_back({"last choice", single, choices({2}), nullptr});
  c.push_back({"no choice", single, choices({}), kChoice});
  c.push_back({"choice past the end", single, choices({3}), kChoice});
  c.push_back({"negative choice", single, choices({-1}), kChoice});
  c.push_back({"INT_MAX choice", single, choices({INT_MAX}), kChoice});
  c.push_back({"INT_MIN choice", single, choices({INT_MIN}), kChoice});
  c.push_back({"two when one", single, choices({0, 1}), kChoice});
  c.push_back({"repeated when one", single, choices({1, 1}), kChoice});
  c.push_back({"several", multi, choices({2, 0}), nullptr});
  c.push_back({"all", multi, choices({0, 1, 2}), nullptr});
  c.push_back({"several repeated", multi, choices({0, 0}), kChoice});
  c.push_back({"more than the options", multi, choices({0, 1, 2, 0}), kChoice});
  c.push_back({"100,000 choices", multi, choices(std::vector<int>(100'000, 0)), kChoice});
  c.push_back({"several, one out of range", multi, choices({0, 3}), kChoice});

  // Ranking.
  c.push_back({"a permutation", rank, order({2, 0, 1}), nullptr});
  c.push_back({"identity", rank, order({0, 1, 2}), nullptr});
  c.push_back({"empty order", rank, order({}), kOrder});
  c.push_back({"too short", rank, order({0, 1}), kOrder});
  c.push_back({"too long", rank, order({0, 1, 2, 3}), kOrder});
  c.push_back({"repeated place", rank, order({0, 0, 1}), kOrder});
  c.push_back({"out of range", rank, order({0, 1, 3}), kOrder});
  c.push_back({"negative", rank, order({-1, 0, 1}), kOrder});
  c.push_back({"INT_MIN", rank, order({INT_MIN, 0, 1}), kOrder});

  // Sorting.
  c.push_back({"all placed", sort, levels({1, 2, 3}), nullptr});
  c.push_back({"one placed", sort, levels({0, 0, 3}), nullptr});
  c.push_back({"none placed", sort, levels({0, 0, 0}), kLevels});
  c.push_back({"no levels", sort, levels({}), kLevels});
  c.push_back({"too few levels", sort, levels({1, 2}), kLevels});
  c.push_back({"too many levels", sort, levels({1, 2, 3, 1}), kLevels});
  c.push_back({"level 4", sort, levels({4, 1, 1}), kLevels});
  c.push_back({"level -1", sort, levels({-1, 1, 1}), kLevels});
  c.push_back({"level INT_MAX", sort, levels({INT_MAX, 1, 1}), kLevels});

  // Stage check-in.
  for (auto s : readiness::kStagingAnswers)
    c.push_back({"staging", stage, staging(s), nullptr});
  c.push_back({"staging with rulers", stage, staging(StagingAnswer::changing_now, 0, 10), nullptr});
  c.push_back({"no staging", stage, staging(std::nullopt, 5, 5), kStaging});
  c.push_back({"importance 11", stage, staging(StagingAnswer::no_plans, 11), kRuler});
  c.push_back({"confidence -1", stage, staging(StagingAnswer::no_plans, 5, -1), kRuler});
  c.push_back({"confidence INT_MIN", stage, staging(StagingAnswer::no_plans, 5, INT_MIN), kRuler});
  c.push_back({"staging with a value", stage,
               [] {
                 auto a = staging(StagingAnswer::fell_back);
                 a.value = 4;
                 return a;
               }(),
               kValue});
  c.push_back({"staging with levels", stage,
               [] {
                 auto a = staging(StagingAnswer::fell_back);
                 a.levels = {1};
                 return a;
               }(),
               kLevels});
  c.push_back({"staging with an order", stage,
               [] {
                 auto a = staging(StagingAnswer::fell_back);
                 a.order = {0};
                 return a;
               }(),
               kOrder});
  return c;
}

TEST(WorkshopAnswer, TableOfAnswers) {
  int accepted = 0, refused = 0;
  std::set<std::string> keys;
  for (const auto& tc : answer_cases()) {
    const std::string what = std::string(tc.name) + " (" + std::string(slug(tc.def.type)) + ")";
    ASSERT_TRUE(validate(tc.def).ok()) << what;
    auto got = validate(tc.def, tc.in);
    if (tc.error) {
      ASSERT_FALSE(got.ok()) << what;
      EXPECT_EQ(got.error().code, ErrorCode::invalid_input) << what;
      EXPECT_EQ(got.error().message_key, tc.error) << what << ": " << got.error().detail;
      keys.insert(got.error().message_key);
      ++refused;
    } else {
      ASSERT_TRUE(got.ok()) << what << ": " << got.error().message_key << " " << got.error().detail;
      EXPECT_TRUE(is_valid_utf8(got->text)) << what;
      EXPECT_LE(got->text.size(), kTextMaxBytes) << what;
      EXPECT_LE(got->words.size(), kMaxWords) << what;
      for (const auto& w : got->words) {
        EXPECT_FALSE(w.empty()) << what;
        EXPECT_FALSE(fold_word(w).empty()) << what;  // every accepted word is counted
      }
      // Accepted again unchanged, and counted once by the results.
      auto again = validate(tc.def, *got);
      ASSERT_TRUE(again.ok()) << what;
      EXPECT_EQ(again->text, got->text) << what;
      EXPECT_EQ(again->words, got->words) << what;
      const auto r = aggregate(tc.def, {{"a1", *got}}, 1);
      EXPECT_EQ(r.answers, tc.def.type == ActivityType::stage_checkin ? 0 : 1) << what;
      ++accepted;
    }
  }
  EXPECT_GT(accepted, 25);
  EXPECT_GT(refused, 70);
  EXPECT_EQ(keys.size(), 8u);  // every error key of the contract is reached
}

TEST(WorkshopAnswer, CleansWhatItAccepts) {
  auto t =
      validate(valid_def(ActivityType::reflection), text("\r\n  Første\r\nandre\rtredje\t \n"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->text, "Første\nandre\ntredje");

  auto w = validate(valid_def(ActivityType::word_cloud),
                    words({" Tillit ", "", "\u00A0god ledelse\u200B", "  "}));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->words, (std::vector<std::string>{"Tillit", "god ledelse"}));

  // A blank text or blank words on another type count as not sent.
  auto s = validate(valid_def(ActivityType::scale), [] {
    auto a = value(7);
    a.text = " ";
    a.words = {"", " "};
    return a;
  }());
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->text.empty());
  EXPECT_TRUE(s->words.empty());
}

// ---------------------------------------------------------------- word cloud

struct FoldCase {
  const char* entry;
  const char* key;
};

const FoldCase kFolds[] = {
    // Case, including Æ Ø Å and accented letters.
    {"tillit", "tillit"},
    {"Tillit", "tillit"},
    {"TILLIT", "tillit"},
    {"ÆRLIGHET", "ærlighet"},
    {"Økonomi", "økonomi"},
    {"ÅPENHET", "åpenhet"},
    {"KAFÉ", "kafé"},
    {"Ōvttas", "ōvttas"},
    // Punctuation and symbols trimmed at both ends, not inside.
    {"Tillit!", "tillit"},
    {"«tillit»", "tillit"},
    {"...tillit?!", "tillit"},
    {"(tillit)", "tillit"},
    {"\"tillit\"", "tillit"},
    {"tillit🙂", "tillit"},
    {"👍🏽 tillit", "tillit"},
    {"24/7", "24/7"},
    {"helse-tjenesten", "helse-tjenest"},
    {"sam\u00ADarbeid", "samarbeid"},  // soft hyphen
    {"\u200Btillit\uFEFF", "tillit"},
    // The definite and plural endings, when at least 4 letters remain.
    {"pasient", "pasient"},
    {"pasienten", "pasient"},
    {"pasienter", "pasient"},
    {"pasientene", "pasient"},
    {"PASIENTENE", "pasient"},
    {"samarbeidet", "samarbeid"},
    {"ordninga", "ordning"},
    {"Kaféen", "kafé"},
    {"data", "data"},    // "dat" would be 3
    {"dataen", "data"},  // exactly 4 remain
    {"båten", "båten"},  // "båt" is 4 bytes but 3 letters
    {"bøker", "bøker"},  // 3 letters would remain
    {"møtene", "møtene"},
    {"tema", "tema"},
    {"ene", "ene"},
    {"a", "a"},
    // -e nouns: all four forms meet.
    {"tjeneste", "tjenest"},
    {"tjenesten", "tjenest"},
    {"tjenester", "tjenest"},
    {"tjenestene", "tjenest"},
    {"helse", "hels"},
    {"lege", "lege"},
    // -het and -itet are not -et endings.
    {"trygghet", "trygghet"},
    {"tryggheten", "trygghet"},
    {"trygghetene", "trygghet"},
    {"åpenheten", "åpenhet"},
    {"kvalitet", "kvalitet"},
    {"KVALITETEN", "kvalitet"},
    // Phrases: spaces of any kind collapsed, only the last word folded.
    {"god ledelse", "god ledels"},
    {"  Bedre   samarbeid  ", "bedre samarbeid"},
    {"gode\u00A0\u2003pasientforløpene", "gode pasientforløp"},
    {"pasientene våre", "pasientene våre"},
    {"Pasientene er viktige!", "pasientene er viktig"},
    // Nothing left.
    {"", ""},
    {"   ", ""},
    {"!!!", ""},
    {"🙂", ""},
    {"👍🏽", ""},
    {"🇳🇴", ""},
    {"👨‍👩‍👧", ""},
    {"—", ""},
    {"«» …", ""},
    {"\u200B", ""},
    {"\xFF\xFE", ""},
    // Other scripts are words too.
    {"صحة", "صحة"},
    {"ПРИВЕТ", "ПРИВЕТ"},  // lower-casing covers Latin letters only
};

TEST(WorkshopWordCloud, FoldWord) {
  for (const auto& f : kFolds)
    EXPECT_EQ(fold_word(f.entry), f.key) << f.entry;
}

TEST(WorkshopWordCloud, FoldWordOfHostileBytesIsValidUtf8AndBounded) {
  // Every byte value alone, after a letter, and in pairs: the key is always
  // valid UTF-8 and never longer than the entry needs.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 7) {
      const std::string entry = {'k', static_cast<char>(a), static_cast<char>(b), 'x'};
      const std::string key = fold_word(entry);
      EXPECT_TRUE(is_valid_utf8(key)) << a << " " << b;
      EXPECT_LE(key.size(), 3 * entry.size()) << a << " " << b;  // U+FFFD per bad byte
    }
  }
  // Invalid bytes inside a word stay inside as U+FFFD; at the ends they are trimmed.
  EXPECT_EQ(fold_word("\xFFtillit\xC3"), "tillit");
  EXPECT_EQ(fold_word("til\xFFlit"), "til\uFFFDlit");
  // A megabyte entry is folded, not refused (validate limits words to 40 bytes).
  EXPECT_EQ(fold_word(repeat("ab", 1 << 19) + "ene"), repeat("ab", 1 << 19));
}

// ---------------------------------------------------------------- results

StoredAnswer stored(std::string id, AnswerInput a, bool hidden = false, bool pinned = false) {
  return {std::move(id), std::move(a), hidden, pinned};
}

TEST(WorkshopResults, ReflectionPinnedFirstThenNewestHiddenLeftOut) {
  const auto def = valid_def(ActivityType::reflection);
  const std::vector<StoredAnswer> in = {
      stored("1", text("første")),
      stored("2", text("andre"), false, true),
      stored("3", text("tredje"), true),        // hidden
      stored("4", text("fjerde"), true, true),  // hidden and pinned: still hidden
      stored("5", text("femte")),
      stored("6", text("sjette"), false, true),
      stored("7", text("")),  // not an answer
  };
  const auto r = aggregate(def, in, 5);
  EXPECT_EQ(r.type, ActivityType::reflection);
  EXPECT_EQ(r.answers, 4);
  std::vector<std::string> ids, texts;
  std::vector<bool> pins;
  for (const auto& t : r.texts) {
    ids.push_back(t.answer_id);
    texts.push_back(t.text);
    pins.push_back(t.pinned);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"6", "2", "5", "1"}));
  EXPECT_EQ(texts, (std::vector<std::string>{"sjette", "andre", "femte", "første"}));
  EXPECT_EQ(pins, (std::vector<bool>{true, true, false, false}));
  // Nothing else is filled in.
  EXPECT_TRUE(r.words.empty());
  EXPECT_FALSE(r.mean.has_value());
  EXPECT_FALSE(r.stages_shown);
}

TEST(WorkshopResults, WordCloudCountsFoldedWordsOncePerAnswer) {
  const auto def = valid_def(ActivityType::word_cloud);
  const std::vector<StoredAnswer> in = {
      stored("1", words({"Pasientene", "tillit"})),
      stored("2", words({"pasient", "Tillit!"})),
      stored("3", words({"pasienter", "samarbeid"})),
      stored("4", words({"pasient", "PASIENTEN", "pasient"})),  // one answer, one count
      stored("5", words({"samarbeid", "omsorg"}), true),        // hidden
      stored("6", words({"omsorg"}), false, true),              // pinned: no effect here
      stored("7", words({"🙂", "!!!"})),                      // nothing to count
  };
  const auto r = aggregate(def, in, 5);
  EXPECT_EQ(r.answers, 5);
  ASSERT_EQ(r.words.size(), 4u);
  // By count, then key.
  EXPECT_EQ(r.words[0].key, "pasient");
  EXPECT_EQ(r.words[0].display, "pasient");  // the form written most (twice)
  EXPECT_EQ(r.words[0].count, 4);
  EXPECT_EQ(r.words[1].key, "tillit");
  EXPECT_EQ(r.words[1].display, "tillit");  // "Tillit!" shows as "tillit"
  EXPECT_EQ(r.words[1].count, 2);
  EXPECT_EQ(r.words[2].key, "omsorg");
  EXPECT_EQ(r.words[2].count, 1);
  EXPECT_EQ(r.words[3].key, "samarbeid");
  EXPECT_EQ(r.words[3].count, 1);
}

TEST(WorkshopResults, WordCloudDisplayTiesGoToTheShortestThenTheFirst) {
  const auto def = valid_def(ActivityType::word_cloud);
  auto display = [&](std::vector<std::vector<std::string>> answers) {
    std::vector<StoredAnswer> in;
    for (auto& w : answers)
      in.push_back(stored("x", words(std::move(w))));
    const auto r = aggregate(def, in, 5);
    return r.words.size() == 1 ? r.words[0].display : std::string("(not one word)");
  };
  EXPECT_EQ(display({{"Pasientene"}, {"pasienten"}, {"pasient"}}), "pasient");
  EXPECT_EQ(display({{"pasienter"}, {"Pasienten"}}), "pasienter");
  EXPECT_EQ(display({{"Pasienten"}, {"pasienter"}}), "pasienten");
  EXPECT_EQ(display({{"pasientene"}, {"pasientene"}, {"pasient"}}), "pasientene");
  EXPECT_EQ(display({{"kaféer"}, {"KAFÉEN"}}), "kaféer");
  // The form shown is trimmed like the key, without folding the ending.
  EXPECT_EQ(display({{"Tillit!"}, {"«tillit»"}, {"helse-tjenesten"}}), "(not one word)");
  EXPECT_EQ(display({{"Tillit!"}, {"«tillit»"}}), "tillit");
  EXPECT_EQ(display({{"  Helse-TJENESTEN "}}), "helse-tjenesten");
}

TEST(WorkshopResults, ScaleHistogramMeanAndMedian) {
  const auto def = valid_def(ActivityType::scale);
  auto run = [&](std::vector<int> values, std::vector<bool> hidden = {}) {
    std::vector<StoredAnswer> in;
    for (std::size_t i = 0; i < values.size(); ++i)
      in.push_back(stored(std::to_string(i), value(values[i]), i < hidden.size() && hidden[i]));
    return aggregate(def, in, 5);
  };
  auto none = run({});
  EXPECT_EQ(none.answers, 0);
  EXPECT_FALSE(none.mean.has_value());
  EXPECT_FALSE(none.median.has_value());
  EXPECT_EQ(none.histogram, (std::array<int, 11>{}));

  auto one = run({7});
  EXPECT_EQ(one.mean, 7.0);
  EXPECT_EQ(one.median, 7.0);

  auto odd = run({9, 1, 2});  // sorted 1 2 9
  EXPECT_EQ(odd.answers, 3);
  EXPECT_EQ(odd.median, 2.0);
  EXPECT_DOUBLE_EQ(*odd.mean, 4.0);
  EXPECT_EQ(odd.histogram, (std::array<int, 11>{0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0}));

  auto even = run({10, 3, 1, 2});  // sorted 1 2 3 10
  EXPECT_EQ(even.median, 2.5);
  EXPECT_DOUBLE_EQ(*even.mean, 4.0);

  auto ends = run({0, 10, 0, 10});
  EXPECT_EQ(ends.median, 5.0);
  EXPECT_EQ(ends.histogram[0], 2);
  EXPECT_EQ(ends.histogram[10], 2);

  // Hidden answers and stored values outside 0..10 are not counted.
  auto hidden = run({10, 0, 4, -1, 11}, {true});
  EXPECT_EQ(hidden.answers, 2);
  EXPECT_EQ(hidden.median, 2.0);
  EXPECT_EQ(hidden.histogram[10], 0);
}

TEST(WorkshopResults, ChoiceCountsInOptionOrder) {
  const auto def = make_def(ActivityType::choice, {"A", "B", "C"}, true);
  const std::vector<StoredAnswer> in = {
      stored("1", choices({0, 2})),    stored("2", choices({2})),
      stored("3", choices({1}), true),  // hidden
      stored("4", choices({2, 2, 7})),  // stored oddly: 2 once, 7 ignored
      stored("5", choices({-1, 9})),    // nothing in range: not an answer
  };
  const auto r = aggregate(def, in, 5);
  EXPECT_EQ(r.answers, 3);
  ASSERT_EQ(r.choices.size(), 3u);
  EXPECT_EQ(r.choices[0].option, "A");
  EXPECT_EQ(r.choices[0].count, 1);
  EXPECT_EQ(r.choices[1].option, "B");
  EXPECT_EQ(r.choices[1].count, 0);
  EXPECT_EQ(r.choices[2].option, "C");
  EXPECT_EQ(r.choices[2].count, 3);

  const auto empty = aggregate(def, {}, 5);
  ASSERT_EQ(empty.choices.size(), 3u);
  EXPECT_EQ(empty.choices[1].count, 0);
  EXPECT_EQ(empty.answers, 0);
}

TEST(WorkshopResults, RankingBordaPointsAndMeanRanks) {
  const auto def = make_def(ActivityType::ranking, {"A", "B", "C"});
  const std::vector<StoredAnswer> in = {
      stored("1", order({0, 1, 2})),        // A B C
      stored("2", order({1, 0, 2})),        // B A C
      stored("3", order({0, 2, 1})),        // A C B
      stored("4", order({2, 1, 0}), true),  // hidden
      stored("5", order({0, 0, 1})),        // not a permutation: left out
  };
  const auto r = aggregate(def, in, 5);
  EXPECT_EQ(r.answers, 3);
  ASSERT_EQ(r.ranking.size(), 3u);
  EXPECT_EQ(r.ranking[0].option, "A");
  EXPECT_EQ(r.ranking[0].points, 2 + 1 + 2);
  EXPECT_DOUBLE_EQ(r.ranking[0].mean_rank, (1 + 2 + 1) / 3.0);
  EXPECT_EQ(r.ranking[1].option, "B");
  EXPECT_EQ(r.ranking[1].points, 1 + 2 + 0);
  EXPECT_DOUBLE_EQ(r.ranking[1].mean_rank, (2 + 1 + 3) / 3.0);
  EXPECT_EQ(r.ranking[2].option, "C");
  EXPECT_EQ(r.ranking[2].points, 0 + 0 + 1);
  EXPECT_DOUBLE_EQ(r.ranking[2].mean_rank, (3 + 3 + 2) / 3.0);

  // Ties keep the option order; nobody ranked: 0 points, mean rank 0.
  const auto def4 = make_def(ActivityType::ranking, {"W", "X", "Y", "Z"});
  const auto tie =
      aggregate(def4, {stored("1", order({3, 2, 1, 0})), stored("2", order({0, 1, 2, 3}))}, 5);
  std::vector<std::string> names;
  for (const auto& o : tie.ranking) {
    names.push_back(o.option);
    EXPECT_EQ(o.points, 3) << o.option;
    EXPECT_DOUBLE_EQ(o.mean_rank, 2.5) << o.option;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"W", "X", "Y", "Z"}));
  const auto none = aggregate(def4, {}, 5);
  ASSERT_EQ(none.ranking.size(), 4u);
  for (const auto& o : none.ranking) {
    EXPECT_EQ(o.points, 0);
    EXPECT_EQ(o.mean_rank, 0.0);
  }
  EXPECT_EQ(none.ranking[0].option, "W");
}

TEST(WorkshopResults, SortingCountsPerCardAndLevel) {
  const auto def = make_def(ActivityType::sorting, {"Rundskriv", "Kurs", "Verksted"});
  const std::vector<StoredAnswer> in = {
      stored("1", levels({1, 2, 3})),       stored("2", levels({1, 3, 3})),
      stored("3", levels({0, 0, 3})),        // only one card placed
      stored("4", levels({3, 3, 3}), true),  // hidden
      stored("5", levels({1, 2})),           // wrong count: left out
      stored("6", levels({0, 0, 0})),        // none placed: left out
  };
  const auto r = aggregate(def, in, 5);
  EXPECT_EQ(r.answers, 3);
  ASSERT_EQ(r.sorting.size(), 3u);
  EXPECT_EQ(r.sorting[0].card, "Rundskriv");
  EXPECT_EQ(r.sorting[0].counts, (std::array<int, 3>{2, 0, 0}));
  EXPECT_EQ(r.sorting[1].counts, (std::array<int, 3>{0, 1, 1}));
  EXPECT_EQ(r.sorting[2].card, "Verksted");
  EXPECT_EQ(r.sorting[2].counts, (std::array<int, 3>{0, 0, 3}));
}

std::vector<StoredAnswer> stage_answers(const std::array<int, 6>& per_stage,
                                        std::optional<int> importance = std::nullopt,
                                        std::optional<int> confidence = std::nullopt) {
  std::vector<StoredAnswer> out;
  for (std::size_t s = 0; s < 6; ++s)
    for (int k = 0; k < per_stage[s]; ++k)
      out.push_back(stored(std::to_string(out.size()),
                           staging(readiness::kStagingAnswers[s], importance, confidence)));
  return out;
}

TEST(WorkshopResults, StageCheckInUnderTheMinimumShowsNothingNotEvenTheTotal) {
  const auto def = valid_def(ActivityType::stage_checkin);
  for (int total = 0; total < 5; ++total) {
    const auto r = aggregate(def, stage_answers({total, 0, 0, 0, 0, 0}, 8, 9), 5);
    EXPECT_FALSE(r.stages_shown) << total;
    EXPECT_EQ(r.answers, 0) << total;
    EXPECT_EQ(r.stages, (std::array<int, 6>{})) << total;
    EXPECT_EQ(r.stage_shown, (std::array<bool, 6>{})) << total;
    EXPECT_FALSE(r.importance_mean.has_value()) << total;
    EXPECT_FALSE(r.confidence_mean.has_value()) << total;
  }
  // Five, of which one hidden by the facilitator, are four.
  auto in = stage_answers({5, 0, 0, 0, 0, 0});
  in[2].hidden = true;
  EXPECT_FALSE(aggregate(def, in, 5).stages_shown);
  in[2].hidden = false;
  const auto five = aggregate(def, in, 5);
  EXPECT_TRUE(five.stages_shown);
  EXPECT_EQ(five.answers, 5);
  EXPECT_EQ(five.stages, (std::array<int, 6>{5, 0, 0, 0, 0, 0}));
  EXPECT_EQ(five.stage_shown, (std::array<bool, 6>{true, true, true, true, true, true}));
  // Answers without a staging answer (only from a broken store) do not count.
  in.push_back(stored("x", staging(std::nullopt)));
  EXPECT_EQ(aggregate(def, in, 5).answers, 5);
}

TEST(WorkshopResults, StageCheckInMinimumGroupNeverBelowTheFloor) {
  const auto def = valid_def(ActivityType::stage_checkin);
  for (int configured : {INT_MIN, -1, 0, 1, 2, 3}) {
    EXPECT_FALSE(aggregate(def, stage_answers({0, 0, 2, 0, 0, 0}), configured).stages_shown)
        << configured;
    EXPECT_TRUE(aggregate(def, stage_answers({0, 0, 3, 0, 0, 0}), configured).stages_shown)
        << configured;
  }
  EXPECT_FALSE(aggregate(def, stage_answers({0, 0, 9, 0, 0, 0}), 10).stages_shown);
  EXPECT_TRUE(aggregate(def, stage_answers({0, 0, 10, 0, 0, 0}), 10).stages_shown);
}

TEST(WorkshopResults, StageCheckInHidesSmallGroupsAndTheirComplement) {
  const auto def = valid_def(ActivityType::stage_checkin);
  // One in overveielse, six in handling: the one is hidden, and so is the
  // six (else the total would tell the one); the empty stages are shown.
  const auto r = aggregate(def, stage_answers({0, 1, 0, 6, 0, 0}), 5);
  EXPECT_TRUE(r.stages_shown);
  EXPECT_EQ(r.answers, 7);
  EXPECT_EQ(r.stage_shown, (std::array<bool, 6>{true, false, true, false, true, true}));
  EXPECT_EQ(r.stages, (std::array<int, 6>{}));  // hidden counts are not handed out
  // Two groups large enough and one small one: the small one and the smaller
  // of the others are hidden.
  const auto s = aggregate(def, stage_answers({5, 0, 7, 0, 2, 0}), 5);
  EXPECT_EQ(s.stage_shown, (std::array<bool, 6>{false, true, true, true, false, true}));
  EXPECT_EQ(s.stages, (std::array<int, 6>{0, 0, 7, 0, 0, 0}));
}

// Every distribution of up to 9 answers over the six stages, for the
// minimum group sizes 3..6: the shown counts are the true counts and exactly
// those readiness::suppress allows, nothing under the minimum is shown, and
// under the minimum in all nothing is shown at all.
TEST(WorkshopResults, StageCheckInEveryDistributionFollowsSuppress) {
  const auto def = valid_def(ActivityType::stage_checkin);
  int checked = 0, shown_some = 0;
  std::array<int, 6> c{};
  std::function<void(std::size_t, int)> walk = [&](std::size_t i, int left) {
    if (i == 6) {
      const int total = c[0] + c[1] + c[2] + c[3] + c[4] + c[5];
      for (int m = 3; m <= 6; ++m) {
        const auto r = aggregate(def, stage_answers(c, 6, 2), m);
        ++checked;
        if (total < m) {
          EXPECT_FALSE(r.stages_shown);
          EXPECT_EQ(r.answers, 0);
          EXPECT_EQ(r.stages, (std::array<int, 6>{}));
          continue;
        }
        EXPECT_TRUE(r.stages_shown);
        EXPECT_EQ(r.answers, total);
        const auto want = readiness::suppress(std::vector<int>(c.begin(), c.end()), m);
        for (std::size_t s = 0; s < 6; ++s) {
          EXPECT_EQ(r.stage_shown[s], want[s]);
          EXPECT_EQ(r.stages[s], want[s] ? c[s] : 0);
          if (r.stage_shown[s] && c[s] > 0) {
            EXPECT_GE(c[s], m);
            ++shown_some;
          }
        }
        EXPECT_DOUBLE_EQ(*r.importance_mean, 6.0);
        EXPECT_DOUBLE_EQ(*r.confidence_mean, 2.0);
      }
      return;
    }
    for (int k = 0; k <= left; ++k) {
      c[i] = k;
      walk(i + 1, left - k);
    }
    c[i] = 0;
  };
  walk(0, 9);
  EXPECT_EQ(checked, 5005 * 4);  // C(15, 6) distributions
  EXPECT_GT(shown_some, 1000);
}

TEST(WorkshopResults, StageCheckInRulerMeansNeedTheMinimumToo) {
  const auto def = valid_def(ActivityType::stage_checkin);
  auto in = stage_answers({0, 0, 0, 6, 0, 0});
  in[0].answer.importance = 2;  // one importance: it would be that person's
  for (std::size_t i = 0; i < 5; ++i)
    in[i].answer.confidence = static_cast<int>(i) * 2;  // 0 2 4 6 8
  in[5].answer.confidence = 11;                         // out of range (only from a broken store)
  const auto r = aggregate(def, in, 5);
  ASSERT_TRUE(r.stages_shown);
  EXPECT_FALSE(r.importance_mean.has_value());
  ASSERT_TRUE(r.confidence_mean.has_value());
  EXPECT_DOUBLE_EQ(*r.confidence_mean, 4.0);
}

TEST(WorkshopResults, EveryTypeLeavesTheOtherFieldsEmpty) {
  for (auto t : kActivityTypes) {
    const auto def = valid_def(t);
    const auto r = aggregate(def, {}, 5);
    EXPECT_EQ(r.type, t);
    EXPECT_EQ(r.answers, 0);
    EXPECT_TRUE(r.texts.empty());
    EXPECT_TRUE(r.words.empty());
    EXPECT_FALSE(r.mean.has_value());
    EXPECT_FALSE(r.stages_shown);
    EXPECT_EQ(r.choices.size(), t == ActivityType::choice ? 3u : 0u);
    EXPECT_EQ(r.ranking.size(), t == ActivityType::ranking ? 3u : 0u);
    EXPECT_EQ(r.sorting.size(), t == ActivityType::sorting ? 3u : 0u);
  }
}

}  // namespace
}  // namespace samskap::workshop
