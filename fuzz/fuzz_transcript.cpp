// libFuzzer target: mi::parse_transcript with the format fixed at build time
// (FUZZ_FORMAT = text, vtt, srt or csv). Any input must give a Transcript or
// an Error, never a crash, a sanitizer report or a broken invariant.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mi/transcript.hpp"

namespace {
constexpr samskap::mi::Format kFormat = samskap::mi::Format::FUZZ_FORMAT;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  samskap::mi::Limits limits;
  limits.max_utterances = 200;  // small limits reach the limit checks often
  limits.max_speakers = 8;
  for (auto format :
       {std::optional<samskap::mi::Format>(kFormat), std::optional<samskap::mi::Format>()}) {
    auto t = samskap::mi::parse_transcript(input, format, limits);
    if (!t) {
      if (!t.error().message_key.starts_with("mi.error.")) std::abort();
      continue;
    }
    if (t->utterances.size() > limits.max_utterances) std::abort();
    if (t->speakers().size() > limits.max_speakers) std::abort();
    for (const auto& u : t->utterances) {
      if (u.text.empty() || u.speaker.empty() || u.line == 0) std::abort();
      if (u.speaker.size() > limits.max_speaker_bytes) std::abort();
    }
  }
  return 0;
}
