// Parser tests: one table per format, then hostile input.
#include <gtest/gtest.h>

#include <string>

#include "mi/csv.hpp"
#include "mi/transcript.hpp"

namespace samskap::mi {
namespace {

struct Case {
  const char* name;
  std::string input;
  Format format;
  std::vector<std::pair<std::string, std::string>> expected;  // speaker, text
};

class ParseOk : public ::testing::TestWithParam<Case> {};

TEST_P(ParseOk, GivesTheUtterances) {
  const Case& c = GetParam();
  auto t = parse_transcript(c.input);
  ASSERT_TRUE(t.ok()) << t.error().message_key << ": " << t.error().detail;
  EXPECT_EQ(t->format, c.format);
  ASSERT_EQ(t->utterances.size(), c.expected.size());
  for (std::size_t i = 0; i < c.expected.size(); ++i) {
    EXPECT_EQ(t->utterances[i].speaker, c.expected[i].first) << i;
    EXPECT_EQ(t->utterances[i].text, c.expected[i].second) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, ParseOk,
    ::testing::Values(
        Case{"text_paragraphs",
             "Kari: Hvordan har uka vært?\n\nOla: Travel. Vi har hatt mye\nsykefravær.\n",
             Format::text,
             {{"Kari", "Hvordan har uka vært?"}, {"Ola", "Travel. Vi har hatt mye sykefravær."}}},
        Case{"text_one_turn_per_line",
             "Kari: Hei.\nOla: Hei!\nKari: Hva tenker du?\n",
             Format::text,
             {{"Kari", "Hei."}, {"Ola", "Hei!"}, {"Kari", "Hva tenker du?"}}},
        Case{"text_crlf_bom",
             "\xEF\xBB\xBFKari: Hei.\r\n\r\nOla: Hei igjen.\r\n",
             Format::text,
             {{"Kari", "Hei."}, {"Ola", "Hei igjen."}}},
        Case{"text_colon_inside_turn_is_text",
             "Kari: Hei.\nDet var en travel uke.\nVi fikk lite gjort.\nMerk: dette er tekst.\n\n"
             "Ola: Ja.\n",
             Format::text,
             {{"Kari", "Hei. Det var en travel uke. Vi fikk lite gjort. Merk: dette er tekst."},
              {"Ola", "Ja."}}},
        Case{"vtt_teams",
             "WEBVTT\n\nNOTE laget av Teams\n\nSTYLE\n::cue { color: red }\n\n"
             "a1b2-1\n00:00:01.000 --> 00:00:04.500\n<v Kari Nordmann>Hvordan går det?</v>\n\n"
             "a1b2-2\n00:00:05.000 --> 00:00:07.000\n<v Ola>Det går &amp; går.</v>\n\n"
             "00:00:07.100 --> 00:00:09.000\n<v Ola>Litt <i>tungt</i>.</v>\n",
             Format::vtt,
             {{"Kari Nordmann", "Hvordan går det?"}, {"Ola", "Det går & går. Litt tungt."}}},
        Case{"vtt_zoom_labels_and_short_times",
             "WEBVTT\r\n\r\n1\r\n00:01.000 --> 00:02.000\r\nKari: Hei.\r\n\r\n2\r\n00:02.500 --> "
             "00:04.000\r\nOla: Hei, Kari.\r\n",
             Format::vtt,
             {{"Kari", "Hei."}, {"Ola", "Hei, Kari."}}},
        Case{"vtt_voice_class",
             "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v.loud Kari>Hei.\n\n"
             "00:00:02.000 --> 00:00:03.000\n<v Ola>Hei.\n",
             Format::vtt,
             {{"Kari", "Hei."}, {"Ola", "Hei."}}},
        Case{"srt",
             "1\n00:00:01,000 --> 00:00:02,000\nKari: Hva er viktig for deg?\n\n"
             "2\n00:00:02,500 --> 00:00:05,000\nOla: At pasientene\nfår ro.\n",
             Format::srt,
             {{"Kari", "Hva er viktig for deg?"}, {"Ola", "At pasientene får ro."}}},
        Case{"csv_annomi",
             "transcript_id,utterance_id,interlocutor,timestamp,utterance_text\n"
             "1,0,therapist,00:00:11,\"So, how are you, \"\"really\"\"?\"\n"
             "1,1,client,00:00:15,\"Fine,\nI guess.\"\n",
             Format::csv,
             {{"therapist", "So, how are you, \"really\"?"}, {"client", "Fine, I guess."}}}),
    [](const auto& p) { return std::string(p.param.name); });

struct BadCase {
  const char* name;
  std::string input;
  const char* key;
  const char* detail_has;  // the detail must name the line
};

class ParseBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseBad, GivesAClearError) {
  const BadCase& c = GetParam();
  auto t = parse_transcript(c.input);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message_key, c.key) << t.error().detail;
  EXPECT_NE(t.error().detail.find(c.detail_has), std::string::npos) << t.error().detail;
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, ParseBad,
    ::testing::Values(
        BadCase{"empty", "", "mi.error.empty", "empty"},
        BadCase{"only_spaces", " \n\n\t\n", "mi.error.empty", "empty"},
        BadCase{"invalid_utf8", "Kari: hei\nOla: h\xC3\x28i\n", "mi.error.invalid_utf8", "line 2"},
        BadCase{"overlong_utf8", "Kari: \xC0\xAF\n", "mi.error.invalid_utf8", "line 1"},
        BadCase{"surrogate_utf8", "Kari: ok\n\nOla: \xED\xA0\x80\n", "mi.error.invalid_utf8",
                "line 3"},
        BadCase{"truncated_utf8_at_end", "Kari: ok\xE2\x82", "mi.error.invalid_utf8", "line 1"},
        BadCase{"binary_nul", std::string("Kari: a\0b\n", 10), "mi.error.not_text", "line 1"},
        BadCase{"missing_label", "Hei, hvordan går det?\n", "mi.error.missing_speaker", "line 1"},
        BadCase{"timing_in_text", "Kari: Hei.\n00:00:01.000 --> 00:00:02.000\n",
                "mi.error.mixed_formats", "line 2"},
        BadCase{"vtt_no_header", "00:00:01.000 --> 00:00:02.000\n<v A>x\n", "mi.error.bad_header",
                "WEBVTT"},
        BadCase{"vtt_bad_timing", "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\n<v A>Hei\n",
                "mi.error.bad_timing", "line 3"},
        BadCase{"vtt_minutes_over_59", "WEBVTT\n\n00:61:01.000 --> 00:62:00.000\n<v A>Hei\n",
                "mi.error.bad_timing", "line 3"},
        BadCase{"vtt_end_before_start", "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\n<v A>Hei\n",
                "mi.error.bad_timing", "line 3"},
        BadCase{"vtt_no_timing", "WEBVTT\n\nid\n<v A>Hei\n", "mi.error.bad_timing", "line 4"},
        BadCase{"vtt_no_speaker", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHei der\n",
                "mi.error.missing_speaker", "line 3"},
        BadCase{"srt_bad_number",
                "1\n00:00:01,000 --> 00:00:02,000\nA: x\n\nxx\n00:00:03,000 --> "
                "00:00:04,000\nB: y\n",
                "mi.error.bad_timing", "line 5"},
        BadCase{"csv_unterminated_quote", "interlocutor,utterance_text\ntherapist,\"never closed\n",
                "mi.error.bad_csv", "line 2"},
        BadCase{"csv_text_after_quote", "interlocutor,utterance_text\nclient,\"a\"b\n",
                "mi.error.bad_csv", "line 2"},
        BadCase{"csv_missing_columns", "speaker_name,text,utterance_text_x\na,b,c\n",
                "mi.error.bad_header", "line 1"},
        BadCase{"csv_field_count", "interlocutor,utterance_text\nclient,a,b\n", "mi.error.bad_csv",
                "line 2"},
        BadCase{"csv_two_transcripts",
                "transcript_id,interlocutor,utterance_text\n1,client,a\n2,client,b\n",
                "mi.error.multiple_transcripts", "line 3"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(ParseLimits, TooLarge) {
  Limits l;
  l.max_bytes = 100;
  auto t = parse_transcript(std::string(101, 'a'), std::nullopt, l);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message_key, "mi.error.too_large");
  EXPECT_EQ(t.error().code, ErrorCode::too_large);
}

TEST(ParseLimits, HugeLineNamesTheLine) {
  std::string in = "Kari: hei\n\nOla: " + std::string(20000, 'x') + "\n";
  auto t = parse_transcript(in);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message_key, "mi.error.line_too_long");
  EXPECT_NE(t.error().detail.find("line 3"), std::string::npos);
}

TEST(ParseLimits, TooManyUtterances) {
  Limits l;
  l.max_utterances = 3;
  auto t = parse_transcript("A: 1\nB: 2\nA: 3\nB: 4\n", std::nullopt, l);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message_key, "mi.error.too_many_utterances");
  EXPECT_NE(t.error().detail.find("line 4"), std::string::npos);
}

TEST(ParseLimits, TooManySpeakers) {
  Limits l;
  l.max_speakers = 2;
  auto t = parse_transcript("A: 1\nB: 2\nC: 3\n", std::nullopt, l);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message_key, "mi.error.too_many_speakers");
}

TEST(Parse, TimingsAreKept) {
  auto t = parse_transcript("WEBVTT\n\n01:00:01.250 --> 01:00:03.500\n<v A>x\n");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->utterances[0].start_s && t->utterances[0].end_s);
  EXPECT_DOUBLE_EQ(*t->utterances[0].start_s, 3601.25);
  EXPECT_DOUBLE_EQ(*t->utterances[0].end_s, 3603.5);
  EXPECT_EQ(t->utterances[0].line, 3u);
}

TEST(Parse, BinaryGarbageNeverCrashes) {
  // Deterministic pseudo-random bytes: every outcome must be a value, never a crash.
  std::uint32_t x = 12345;
  for (int round = 0; round < 200; ++round) {
    std::string s;
    for (int i = 0; i < 300; ++i) {
      x = x * 1664525u + 1013904223u;
      s.push_back(static_cast<char>(x >> 24));
    }
    auto t = parse_transcript(s);
    if (!t.ok()) {
      EXPECT_EQ(t.error().message_key.rfind("mi.error.", 0), 0u);
    }
  }
}

TEST(Parse, ExplicitFormatWins) {
  auto t = parse_transcript("A: x\nB: y\n", Format::vtt);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message_key, "mi.error.bad_header");
}

TEST(Csv, RoundTripsAwkwardFields) {
  std::string out;
  for (std::string_view f : {"plain", "a,b", "say \"hi\"", "two\nlines"}) {
    append_csv_field(out, f);
    out.push_back(',');
  }
  out.back() = '\n';
  auto r = read_csv(out, 1000);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"plain", "a,b", "say \"hi\"", "two\nlines"}));
}

TEST(Csv, EmptyFieldsAndLineNumbers) {
  auto r = read_csv("a,,c\r\n\"x\ny\",2,\n3,4,5", 1000);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"x\ny", "2", ""}));
  EXPECT_EQ((*r)[2].line, 4u);
}

}  // namespace
}  // namespace samskap::mi
