#include "mi/features.hpp"

#include <algorithm>
#include <cmath>

#include "mi/text.hpp"

namespace samskap::mi {

std::uint32_t feature_hash(std::string_view prefix, std::string_view text) noexcept {
  std::uint32_t h = 2166136261u;
  for (char c : prefix)
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  h = (h ^ 0x1Fu) * 16777619u;
  for (char c : text)
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

Prepared prepare(const Lexicon& lex, Role role, std::string_view text) {
  Prepared p;
  p.role = role;
  p.folded = fold_case(text);
  p.tokens = tokenize(p.folded);
  p.stems = lex.stems(p.tokens);
  p.cues = lex.match(p.tokens);
  p.question_mark = text.find('?') != std::string_view::npos;
  return p;
}

namespace {

class Builder {
 public:
  void add(std::string_view prefix, std::string_view text) {
    block_.push_back(feature_hash(prefix, text));
  }
  // Closes the current block: unique hashes, each with value weight/sqrt(n).
  void close(float weight) {
    std::sort(block_.begin(), block_.end());
    block_.erase(std::unique(block_.begin(), block_.end()), block_.end());
    if (!block_.empty()) {
      float v = weight / std::sqrt(static_cast<float>(block_.size()));
      for (auto h : block_)
        out_.emplace_back(h, v);
    }
    block_.clear();
  }
  FeatureVector finish() && {
    std::sort(out_.begin(), out_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    // Equal hashes across blocks (vanishingly rare) are summed.
    FeatureVector merged;
    for (const auto& f : out_) {
      if (!merged.empty() && merged.back().first == f.first)
        merged.back().second += f.second;
      else
        merged.push_back(f);
    }
    return merged;
  }

 private:
  std::vector<std::uint32_t> block_;
  FeatureVector out_;
};

const char* length_bucket(std::size_t n) {
  if (n == 0) return "0";
  if (n <= 2) return "1-2";
  if (n <= 5) return "3-5";
  if (n <= 10) return "6-10";
  if (n <= 20) return "11-20";
  if (n <= 40) return "21-40";
  return "41+";
}

// Fraction of the content stems (longer than 3 bytes) of `cur` that occur in
// `prev`: reflections reuse the other person's words.
double overlap(const Prepared& cur, const Prepared& prev) {
  std::size_t n = 0, hit = 0;
  for (const auto& s : cur.stems) {
    if (s.size() <= 3) continue;
    ++n;
    if (std::find(prev.stems.begin(), prev.stems.end(), s) != prev.stems.end()) ++hit;
  }
  return n == 0 ? 0.0 : static_cast<double>(hit) / static_cast<double>(n);
}

void cue_block(Builder& b, const Lexicon& lex, const Prepared& p, std::string_view prefix) {
  const auto& cats = lex.categories();
  for (std::size_t i = 0; i < cats.size(); ++i) {
    if (p.cues[i] == 0) continue;
    b.add(prefix, cats[i]);
    if (p.cues[i] > 1) b.add(std::string(prefix) + "2", cats[i]);
  }
}

}  // namespace

FeatureVector extract(FeatureSet set, const Lexicon& lex, const Prepared& cur, const Prepared* prev,
                      std::size_t index, std::size_t count) {
  Builder b;
  const auto& t = cur.tokens;
  if (set == FeatureSet::full) {
    // Words and word bigrams, with sentence-boundary markers.
    b.add("w", "<s>");
    for (std::size_t i = 0; i < t.size(); ++i) {
      b.add("w", t[i]);
      b.add("b", i == 0 ? "<s> " + t[i] : t[i - 1] + " " + t[i]);
    }
    if (!t.empty()) b.add("b", t.back() + " </s>");
    b.close(1.0f);
    // Character 2-5-grams over the normalised text.
    std::string s = " ";
    for (const auto& w : t)
      s += w + " ";
    if (cur.question_mark) s += "? ";
    for (std::size_t n = 2; n <= 5; ++n)
      for (std::size_t i = 0; i + n <= s.size(); ++i)
        b.add("c", std::string_view(s).substr(i, n));
    b.close(1.0f);
  }
  // Cues and language-independent surface features.
  cue_block(b, lex, cur, "q");
  b.add("len", length_bucket(t.size()));
  if (cur.question_mark) b.add("qm", "1");
  if (!cur.folded.empty() && cur.folded.find('?') != std::string::npos &&
      cur.folded.find_last_not_of(" \t\"'") == cur.folded.rfind('?'))
    b.add("qm", "end");
  b.close(1.0f);
  // Conversation context.
  const std::size_t pos = count == 0 ? 0 : (10 * index) / count;
  b.add("pos", std::to_string(std::min<std::size_t>(pos, 9)));
  if (index < 2) b.add("pos", "opening");
  if (index + 2 >= count) b.add("pos", "closing");
  if (prev == nullptr) {
    b.add("prev", "none");
  } else {
    b.add("prev.role", to_string(prev->role));
    b.add("prev.len", length_bucket(prev->tokens.size()));
    if (prev->question_mark) b.add("prev.qm", "1");
    cue_block(b, lex, *prev, "pq");
    double ov = overlap(cur, *prev);
    b.add("ovl", ov == 0.0 ? "0" : ov < 0.25 ? "low" : ov < 0.5 ? "mid" : "high");
    if (set == FeatureSet::full)
      for (const auto& w : prev->tokens)
        b.add("pw", w);
  }
  b.close(set == FeatureSet::full ? 0.7f : 1.0f);
  return std::move(b).finish();
}

}  // namespace samskap::mi
