#include "mi/transcript.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "mi/csv.hpp"
#include "mi/text.hpp"

namespace samskap::mi {

std::string_view to_string(Format f) noexcept {
  switch (f) {
    case Format::text:
      return "text";
    case Format::vtt:
      return "vtt";
    case Format::srt:
      return "srt";
    case Format::csv:
      return "csv";
  }
  return "text";
}

std::optional<Format> parse_format(std::string_view s) noexcept {
  for (auto f : {Format::text, Format::vtt, Format::srt, Format::csv})
    if (to_string(f) == s) return f;
  if (s == "txt") return Format::text;
  if (s == "webvtt") return Format::vtt;
  return std::nullopt;
}

std::vector<std::string> Transcript::speakers() const {
  std::vector<std::string> out;
  for (const auto& u : utterances)
    if (std::find(out.begin(), out.end(), u.speaker) == out.end()) out.push_back(u.speaker);
  return out;
}

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

struct Line {
  std::string_view text;  // without the line end
  std::size_t number = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<Line> split_lines(std::string_view s) {
  std::vector<Line> lines;
  std::size_t number = 1;
  while (true) {
    auto nl = s.find('\n');
    std::string_view l = s.substr(0, nl);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back({l, number++});
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return lines;
}

std::string at_line(std::size_t n) {
  return "line " + std::to_string(n);
}

// Parses "hh:mm:ss.mmm", "mm:ss.mmm" (VTT) or "hh:mm:ss,mmm" (SRT) into seconds.
std::optional<double> parse_timestamp(std::string_view t) {
  int parts[3] = {0, 0, 0};
  int nparts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t j = i;
    while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j])))
      ++j;
    if (j == i || j - i > 4 || nparts == 3) return std::nullopt;
    std::from_chars(t.data() + i, t.data() + j, parts[nparts++]);
    i = j;
    if (i < t.size() && t[i] == ':') {
      ++i;
      continue;
    }
    break;
  }
  if (nparts < 2 || i >= t.size() || (t[i] != '.' && t[i] != ',')) return std::nullopt;
  std::string_view frac = t.substr(i + 1);
  if (frac.size() != 3 ||
      !std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int ms = 0;
  std::from_chars(frac.data(), frac.data() + 3, ms);
  int h = nparts == 3 ? parts[0] : 0, m = parts[nparts - 2], sec = parts[nparts - 1];
  if (m > 59 || sec > 59) return std::nullopt;
  return h * 3600.0 + m * 60.0 + sec + ms / 1000.0;
}

bool looks_like_timing(std::string_view l) {
  return l.find("-->") != std::string_view::npos;
}

// Parses a cue timing line "start --> end [settings]".
Result<std::pair<double, double>> parse_timing(std::string_view l, std::size_t line) {
  auto arrow = l.find("-->");
  auto start = parse_timestamp(trim(l.substr(0, arrow)));
  std::string_view rest = trim(l.substr(arrow + 3));
  auto sp = rest.find_first_of(" \t");
  auto end = parse_timestamp(rest.substr(0, sp));
  if (!start || !end)
    return Error::invalid("mi.error.bad_timing", "unreadable cue timing at " + at_line(line));
  if (*end < *start)
    return Error::invalid("mi.error.bad_timing", "cue ends before it starts at " + at_line(line));
  return std::pair{*start, *end};
}

// "Name: text" -> {Name, text} when the label looks like a speaker name: 1–64
// bytes, at most four words, starting with a letter, no digits-only or URL.
std::optional<std::pair<std::string_view, std::string_view>> split_label(std::string_view l,
                                                                         std::size_t max_name) {
  auto colon = l.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view name = trim(l.substr(0, colon));
  if (name.empty() || name.size() > max_name) return std::nullopt;
  if (colon + 1 < l.size() && l[colon + 1] == '/') return std::nullopt;  // "https://"
  auto first = static_cast<unsigned char>(name.front());
  if (!(std::isalpha(first) || first >= 0x80)) return std::nullopt;
  int words = 1;
  for (char c : name) {
    if (c == ' ') ++words;
    if (c == '.' || c == '?' || c == '!' || c == ',' || c == '"') return std::nullopt;
  }
  if (words > 4) return std::nullopt;
  return std::pair{name, trim(l.substr(colon + 1))};
}

std::string strip_markup(std::string_view payload) {
  std::string out;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    char c = payload[i];
    if (c == '<') {
      auto close = payload.find('>', i);
      if (close != std::string_view::npos) {
        i = close;
        continue;
      }
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},    {"&nbsp;", " "},
          {"&lrm;", ""},  {"&rlm;", ""}, {"&quot;", "\""}, {"&apos;", "'"}};
      bool done = false;
      for (auto [ent, rep] : kEntities) {
        if (payload.substr(i, ent.size()) == ent) {
          out.append(rep);
          i += ent.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out.push_back(c);
  }
  return out;
}

// Collects utterances, merging consecutive pieces by the same speaker and
// enforcing the limits.
class Builder {
 public:
  explicit Builder(const Limits& limits) : limits_(limits) {}

  Status add(std::string_view speaker, std::string_view text, std::size_t line,
             std::optional<double> start = {}, std::optional<double> end = {},
             bool merge_same_speaker = false) {
    std::string clean = squeeze_spaces(text);
    if (speaker.size() > limits_.max_speaker_bytes)
      return Error::invalid("mi.error.speaker_too_long",
                            "speaker name too long at " + at_line(line));
    if (merge_same_speaker && !t_.utterances.empty() && t_.utterances.back().speaker == speaker) {
      auto& u = t_.utterances.back();
      if (!clean.empty()) {
        if (!u.text.empty()) u.text.push_back(' ');
        u.text += clean;
      }
      if (end) u.end_s = end;
      return ok_status();
    }
    if (t_.utterances.size() >= limits_.max_utterances)
      return Error{ErrorCode::too_large, "mi.error.too_many_utterances",
                   "more than " + std::to_string(limits_.max_utterances) + " utterances at " +
                       at_line(line)};
    t_.utterances.push_back({std::string(speaker), std::move(clean), start, end, line});
    return ok_status();
  }

  void append_to_last(std::string_view text) {
    std::string clean = squeeze_spaces(text);
    if (clean.empty()) return;
    auto& u = t_.utterances.back();
    if (!u.text.empty()) u.text.push_back(' ');
    u.text += clean;
  }

  bool empty() const { return t_.utterances.empty(); }
  const std::string& last_speaker() const { return t_.utterances.back().speaker; }

  Result<Transcript> finish(Format f) && {
    std::erase_if(t_.utterances, [](const Utterance& u) { return u.text.empty(); });
    if (t_.utterances.empty())
      return Error::invalid("mi.error.empty", "the transcript has no utterances");
    if (t_.speakers().size() > limits_.max_speakers)
      return Error::invalid("mi.error.too_many_speakers",
                            "more than " + std::to_string(limits_.max_speakers) + " speakers");
    t_.format = f;
    return std::move(t_);
  }

 private:
  const Limits& limits_;
  Transcript t_;
};

Result<Transcript> parse_text(const std::vector<Line>& lines, const Limits& limits) {
  Builder b(limits);
  // Speakers: labels that open a paragraph, or open at least two lines.
  std::vector<std::string> known;
  {
    // In a one-turn-per-line transcript most lines inside paragraphs carry a
    // label; then every label is a speaker.
    std::map<std::string, int> line_labels;
    std::size_t mid_lines = 0, mid_labels = 0;
    bool para = true;
    for (const auto& [raw, n] : lines) {
      std::string_view l = trim(raw);
      if (l.empty()) {
        para = true;
        continue;
      }
      auto label = split_label(l, limits.max_speaker_bytes);
      if (!para) {
        ++mid_lines;
        if (label) ++mid_labels;
      }
      if (label) line_labels[std::string(label->first)] += para ? 2 : 1;
      para = false;
    }
    const bool line_style = mid_lines > 0 && 2 * mid_labels >= mid_lines;
    for (const auto& [name, c] : line_labels)
      if (c >= 2 || line_style) known.push_back(name);
  }
  bool paragraph_start = true;
  for (const auto& [raw, n] : lines) {
    std::string_view l = trim(raw);
    if (l.empty()) {
      paragraph_start = true;
      continue;
    }
    if (looks_like_timing(l))
      return Error::invalid(
          "mi.error.mixed_formats",
          "a subtitle timing line inside a plain-text transcript at " + at_line(n));
    auto label = split_label(l, limits.max_speaker_bytes);
    bool known_speaker =
        label && std::find(known.begin(), known.end(), label->first) != known.end();
    if (label && (paragraph_start || known_speaker)) {
      if (auto st = b.add(label->first, label->second, n); !st) return std::move(st).error();
    } else if (paragraph_start && b.empty()) {
      return Error::invalid("mi.error.missing_speaker", "expected \"Name: text\" at " + at_line(n));
    } else if (paragraph_start) {
      // A new paragraph without a label: the previous speaker goes on.
      if (auto st = b.add(b.last_speaker(), l, n); !st) return std::move(st).error();
    } else {
      b.append_to_last(l);
    }
    paragraph_start = false;
  }
  return std::move(b).finish(Format::text);
}

// Shared by VTT and SRT: one cue's payload lines -> speaker and text.
struct CuePayload {
  std::string speaker;
  std::string text;
};

CuePayload read_payload(const std::vector<std::string_view>& payload, std::size_t max_name) {
  CuePayload out;
  std::string joined;
  for (auto p : payload) {
    std::string_view l = trim(p);
    // <v Name> or <v.class Name>
    if (out.speaker.empty() && l.substr(0, 2) == "<v" && l.size() > 2 &&
        (l[2] == ' ' || l[2] == '.' || l[2] == '\t')) {
      auto close = l.find('>');
      if (close != std::string_view::npos) {
        std::string_view inner = l.substr(2, close - 2);
        if (!inner.empty() && inner.front() == '.') {
          auto sp = inner.find(' ');
          inner = sp == std::string_view::npos ? std::string_view{} : inner.substr(sp);
        }
        out.speaker = squeeze_spaces(strip_markup(inner));
      }
    }
    std::string text = strip_markup(l);
    if (out.speaker.empty() && joined.empty()) {
      if (auto label = split_label(text, max_name)) {
        out.speaker = std::string(label->first);
        text = std::string(label->second);
      }
    }
    if (!joined.empty()) joined.push_back(' ');
    joined += text;
  }
  out.text = squeeze_spaces(joined);
  return out;
}

Result<Transcript> parse_cues(const std::vector<Line>& lines, Format f, const Limits& limits) {
  Builder b(limits);
  std::size_t i = 0;
  if (f == Format::vtt) {
    if (lines.empty() || trim(lines[0].text).substr(0, 6) != "WEBVTT")
      return Error::invalid("mi.error.bad_header", "a WebVTT file must start with WEBVTT (line 1)");
    ++i;
    while (i < lines.size() && !trim(lines[i].text).empty())
      ++i;  // header block
  }
  while (i < lines.size()) {
    while (i < lines.size() && trim(lines[i].text).empty())
      ++i;
    if (i >= lines.size()) break;
    std::size_t block = i;
    std::vector<Line> blk;
    while (i < lines.size() && !trim(lines[i].text).empty())
      blk.push_back(lines[i++]);
    std::string_view first = trim(blk[0].text);
    if (f == Format::vtt && (first.substr(0, 4) == "NOTE" || first.substr(0, 5) == "STYLE" ||
                             first.substr(0, 6) == "REGION"))
      continue;
    std::size_t t = 0;
    if (!looks_like_timing(first)) t = 1;  // cue identifier (VTT optional, SRT number)
    if (f == Format::srt && t == 1 &&
        !std::all_of(first.begin(), first.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return Error::invalid("mi.error.bad_timing",
                            "expected a cue number at " + at_line(blk[0].number));
    if (t >= blk.size() || !looks_like_timing(blk[t].text))
      return Error::invalid("mi.error.bad_timing",
                            "expected a cue timing (00:00:01.000 --> 00:00:02.000) at " +
                                at_line(t < blk.size() ? blk[t].number : lines[block].number));
    auto timing = parse_timing(trim(blk[t].text), blk[t].number);
    if (!timing) return std::move(timing).error();
    std::vector<std::string_view> payload;
    for (std::size_t k = t + 1; k < blk.size(); ++k) {
      if (looks_like_timing(blk[k].text))
        return Error::invalid("mi.error.bad_timing",
                              "a timing line inside a cue's text at " + at_line(blk[k].number));
      payload.push_back(blk[k].text);
    }
    CuePayload p = read_payload(payload, limits.max_speaker_bytes);
    if (p.text.empty()) continue;
    if (p.speaker.empty()) {
      if (b.empty())
        return Error::invalid(
            "mi.error.missing_speaker",
            "the first cue names no speaker (<v Name> or \"Name:\") at " + at_line(blk[0].number));
      p.speaker = b.last_speaker();
    }
    if (auto st = b.add(p.speaker, p.text, blk[0].number, timing->first, timing->second, true); !st)
      return std::move(st).error();
  }
  return std::move(b).finish(f);
}

// CSV with AnnoMI's columns (utterance_text and interlocutor, or speaker).
Result<Transcript> parse_csv_transcript(std::string_view text, const Limits& limits) {
  auto recs = read_csv(text, limits.max_line_bytes);
  if (!recs) return std::move(recs).error();
  if (recs->empty()) return Error::invalid("mi.error.empty", "the CSV file has no rows");
  const auto& header = recs->front().fields;
  auto col = [&](std::string_view name) -> std::optional<std::size_t> {
    for (std::size_t c = 0; c < header.size(); ++c)
      if (trim(header[c]) == name) return c;
    return std::nullopt;
  };
  auto text_col = col("utterance_text");
  auto who_col = col("interlocutor");
  if (!who_col) who_col = col("speaker");
  if (!text_col || !who_col)
    return Error::invalid("mi.error.bad_header",
                          "the CSV header (line 1) needs the columns utterance_text and "
                          "interlocutor (or speaker)");
  auto tid_col = col("transcript_id");
  auto ts_col = col("timestamp");
  Builder b(limits);
  std::optional<std::string> transcript;
  for (std::size_t r = 1; r < recs->size(); ++r) {
    const auto& rec = (*recs)[r];
    if (rec.fields.size() != header.size())
      return Error::invalid("mi.error.bad_csv", "row has " + std::to_string(rec.fields.size()) +
                                                    " fields, header has " +
                                                    std::to_string(header.size()) + ", at " +
                                                    at_line(rec.line));
    if (tid_col) {
      const auto& tid = rec.fields[*tid_col];
      if (!transcript) transcript = tid;
      if (*transcript != tid)
        return Error::invalid("mi.error.multiple_transcripts",
                              "a second transcript_id (" + tid + ") starts at " +
                                  at_line(rec.line) + "; analyse one conversation at a time");
    }
    std::optional<double> start;
    if (ts_col) {
      std::string ts = rec.fields[*ts_col] + ".000";
      start = parse_timestamp(ts);
    }
    std::string_view who = trim(rec.fields[*who_col]);
    if (who.empty())
      return Error::invalid("mi.error.missing_speaker", "empty speaker at " + at_line(rec.line));
    if (auto st = b.add(who, rec.fields[*text_col], rec.line, start); !st)
      return std::move(st).error();
  }
  return std::move(b).finish(Format::csv);
}

}  // namespace

Format detect_format(std::string_view input) noexcept {
  if (input.substr(0, kBom.size()) == kBom) input.remove_prefix(kBom.size());
  auto lines = split_lines(input.substr(0, std::min<std::size_t>(input.size(), 4096)));
  std::size_t i = 0;
  while (i < lines.size() && trim(lines[i].text).empty())
    ++i;
  if (i >= lines.size()) return Format::text;
  std::string_view first = trim(lines[i].text);
  if (first.substr(0, 6) == "WEBVTT") return Format::vtt;
  if (looks_like_timing(first)) return Format::vtt;  // a headerless cue: reported as such
  if (!first.empty() &&
      std::all_of(first.begin(), first.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      i + 1 < lines.size() && looks_like_timing(lines[i + 1].text))
    return Format::srt;
  if (first.find("utterance_text") != std::string_view::npos &&
      first.find(',') != std::string_view::npos)
    return Format::csv;
  return Format::text;
}

Result<Transcript> parse_transcript(std::string_view input, std::optional<Format> format,
                                    const Limits& limits) {
  if (input.size() > limits.max_bytes)
    return Error{ErrorCode::too_large, "mi.error.too_large",
                 "the transcript is " + std::to_string(input.size()) + " bytes; the limit is " +
                     std::to_string(limits.max_bytes)};
  if (input.substr(0, kBom.size()) == kBom) input.remove_prefix(kBom.size());
  if (auto bad = find_invalid_utf8(input))
    return Error::invalid("mi.error.invalid_utf8",
                          "invalid UTF-8 at " + at_line(line_of(input, *bad)) + " (byte " +
                              std::to_string(*bad + 1) + "); save the file as UTF-8");
  for (std::size_t i = 0; i < input.size(); ++i) {
    auto c = static_cast<unsigned char>(input[i]);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
      return Error::invalid("mi.error.not_text",
                            "a control character (binary data?) at " + at_line(line_of(input, i)));
  }
  if (trim(squeeze_spaces(input)).empty())
    return Error::invalid("mi.error.empty", "the transcript is empty");
  auto lines = split_lines(input);
  for (const auto& l : lines)
    if (l.text.size() > limits.max_line_bytes)
      return Error{ErrorCode::too_large, "mi.error.line_too_long",
                   at_line(l.number) + " is longer than " + std::to_string(limits.max_line_bytes) +
                       " bytes"};
  Format f = format ? *format : detect_format(input);
  switch (f) {
    case Format::vtt:
    case Format::srt:
      return parse_cues(lines, f, limits);
    case Format::csv:
      return parse_csv_transcript(input, limits);
    case Format::text:
      return parse_text(lines, limits);
  }
  return Error::invalid("mi.error.bad_header", "unknown format");
}

}  // namespace samskap::mi
