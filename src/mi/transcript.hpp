#pragma once
// A conversation transcript as parsed from outside input, and the parsers for
// the supported formats. Parsing never throws for bad input: every problem is
// an Error whose message_key starts with "mi.error." and whose detail names
// the line. Stateless and thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace samskap::mi {

enum class Format { text, vtt, srt, csv };
std::string_view to_string(Format f) noexcept;
std::optional<Format> parse_format(std::string_view s) noexcept;

struct Utterance {
  std::string speaker;            // as written in the transcript, trimmed
  std::string text;               // whitespace squeezed, markup removed, never empty
  std::optional<double> start_s;  // cue timings (VTT/SRT), seconds
  std::optional<double> end_s;
  std::size_t line = 0;  // 1-based line where the utterance starts
};

struct Transcript {
  Format format = Format::text;
  std::vector<Utterance> utterances;
  // Speakers in order of first appearance.
  std::vector<std::string> speakers() const;
};

// Explicit limits on outside input. The defaults fit a long meeting.
struct Limits {
  std::size_t max_bytes = 2 * 1024 * 1024;  // whole file
  std::size_t max_line_bytes = 16 * 1024;
  std::size_t max_utterances = 5000;
  std::size_t max_speakers = 20;
  std::size_t max_speaker_bytes = 64;
};

// Parses `input` (the raw bytes of a file). With `format` nullopt the format
// is detected: "WEBVTT" header -> vtt; a cue number followed by an SRT timing
// line -> srt; a header with "utterance_text" -> csv; otherwise speaker-labelled
// text. A UTF-8 byte-order mark and CRLF line ends are accepted everywhere.
// Errors (message keys): mi.error.empty, mi.error.too_large,
// mi.error.line_too_long, mi.error.invalid_utf8, mi.error.not_text,
// mi.error.missing_speaker, mi.error.bad_timing, mi.error.bad_header,
// mi.error.bad_csv, mi.error.mixed_formats, mi.error.too_many_utterances,
// mi.error.too_many_speakers, mi.error.speaker_too_long.
Result<Transcript> parse_transcript(std::string_view input, std::optional<Format> format = {},
                                    const Limits& limits = {});

// Format detection alone (no validation beyond what detection needs).
Format detect_format(std::string_view input) noexcept;

}  // namespace samskap::mi
