#include "mi/features.hpp"

#include <algorithm>
#include <cmath>

#include "mi/text.hpp"

namespace samskap::mi {

namespace {

// FNV-1a, 32 bit, fed piece by piece so that no feature string is built:
// feature_hash(prefix, text) == feed(open(prefix), text).
constexpr std::uint32_t kFnvBasis = 2166136261u, kFnvPrime = 16777619u;

inline std::uint32_t feed(std::uint32_t h, char c) noexcept {
  return (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
}
inline std::uint32_t feed(std::uint32_t h, std::string_view text) noexcept {
  for (char c : text)
    h = feed(h, c);
  return h;
}
// The state after the prefix and the separator.
inline std::uint32_t open(std::string_view prefix) noexcept {
  return feed(feed(kFnvBasis, prefix), '\x1F');
}

}  // namespace

std::uint32_t feature_hash(std::string_view prefix, std::string_view text) noexcept {
  return feed(open(prefix), text);
}

Prepared prepare(const Lexicon& lex, Role role, std::string_view text) {
  Prepared p;
  p.role = role;
  p.folded = fold_case(text);
  p.tokens = tokenize(p.folded);
  p.stems = lex.stems(p.tokens);
  p.cues = lex.match(p.tokens, p.stems);
  p.question_mark = text.find('?') != std::string_view::npos;
  return p;
}

namespace {

// Sorts by a 32-bit key in three passes of 11 bits (LSD radix sort, stable):
// the feature blocks hold hundreds to thousands of uniformly spread hashes,
// where this is several times faster than std::sort. Small inputs use
// std::sort. Same order as std::sort for distinct keys.
template <typename T, typename Key>
void radix_sort(std::vector<T>& v, std::vector<T>& tmp, Key key) {
  if (v.size() < 96) {
    std::sort(v.begin(), v.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
    return;
  }
  constexpr int kBits = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  tmp.resize(v.size());
  std::uint32_t count[3][kBuckets] = {};
  for (const T& e : v) {
    const std::uint32_t k = key(e);
    ++count[0][k & (kBuckets - 1)];
    ++count[1][(k >> kBits) & (kBuckets - 1)];
    ++count[2][k >> (2 * kBits)];
  }
  for (int pass = 0; pass < 3; ++pass) {
    std::uint32_t sum = 0;
    for (auto& c : count[pass]) {
      const std::uint32_t n = c;
      c = sum;
      sum += n;
    }
    const int shift = pass * kBits;
    for (const T& e : v)
      tmp[count[pass][(key(e) >> shift) & (kBuckets - 1)]++] = e;
    v.swap(tmp);
  }
}

class Builder {
 public:
  Builder() { block_.reserve(512); }
  // Starts a new vector (the buffers of earlier ones are kept).
  void begin() {
    block_.clear();
    out_.clear();
    out_.reserve(1024);
  }
  void add(std::string_view prefix, std::string_view text) {
    block_.push_back(feature_hash(prefix, text));
  }
  void add_hash(std::uint32_t h) { block_.push_back(h); }
  // Closes the current block: unique hashes, each with value weight/sqrt(n).
  void close(float weight) {
    unique_in_place();
    if (!block_.empty()) {
      float v = weight / std::sqrt(static_cast<float>(block_.size()));
      for (auto h : block_)
        out_.emplace_back(h, v);
    }
    block_.clear();
  }
  FeatureVector finish(FeatureOrder order) {
    if (order == FeatureOrder::any) return std::move(out_);
    radix_sort(out_, out_tmp_, [](const auto& e) { return e.first; });
    // Equal hashes across blocks (vanishingly rare) are summed, in place.
    std::size_t w = 0;
    for (std::size_t r = 0; r < out_.size(); ++r) {
      if (w > 0 && out_[w - 1].first == out_[r].first)
        out_[w - 1].second += out_[r].second;
      else
        out_[w++] = out_[r];
    }
    out_.resize(w);
    return std::move(out_);
  }

 private:
  std::vector<std::uint32_t> block_;
  FeatureVector out_, out_tmp_;
  // An open-addressing set for the block's duplicates; a slot is in use when
  // its stamp is this block's, so it is never cleared between blocks.
  std::vector<std::uint32_t> seen_hash_, seen_stamp_;
  std::uint32_t stamp_ = 0;

  // Drops repeated hashes from the block, keeping the first of each in order.
  void unique_in_place() {
    std::size_t cap = 256;
    while (cap < 2 * block_.size())
      cap <<= 1;
    if (seen_hash_.size() < cap) {
      seen_hash_.assign(cap, 0);
      seen_stamp_.assign(cap, 0);
      stamp_ = 0;
    }
    if (++stamp_ == 0) {
      std::fill(seen_stamp_.begin(), seen_stamp_.end(), 0);
      stamp_ = 1;
    }
    const std::size_t mask = cap - 1;
    std::size_t w = 0;
    for (const std::uint32_t h : block_) {
      std::size_t s = ((h ^ (h >> 16)) * 0x45d9f3bU) & mask;
      bool seen = false;
      while (seen_stamp_[s] == stamp_) {
        if (seen_hash_[s] == h) {
          seen = true;
          break;
        }
        s = (s + 1) & mask;
      }
      if (seen) continue;
      seen_stamp_[s] = stamp_;
      seen_hash_[s] = h;
      block_[w++] = h;
    }
    block_.resize(w);
  }
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
  const std::uint32_t h1 = open(prefix), h2 = feed(feed(feed(kFnvBasis, prefix), '2'), '\x1F');
  for (std::size_t i = 0; i < cats.size(); ++i) {
    if (p.cues[i] == 0) continue;
    b.add_hash(feed(h1, cats[i]));
    if (p.cues[i] > 1) b.add_hash(feed(h2, cats[i]));
  }
}

// Words that open a negation scope: "not", "never", "can't", … in English;
// «ikke», «aldri», «ingen», … in Norwegian, with the nynorsk and dialect
// forms the corpus has («ikkje», «itj», «ittj»).
bool negator(Language lang, const std::string& w) {
  if (lang == Language::nb)
    return w == "ikke" || w == "ikkje" || w == "itj" || w == "ittj" || w == "ikk" || w == "aldri" ||
           w == "ingen" || w == "ingenting" || w == "inga" || w == "intet" || w == "verken" ||
           w == "nei";
  return w == "not" || w == "no" || w == "never" || w == "cannot" || w == "nothing" ||
         (w.size() > 3 && w.compare(w.size() - 3, 3, "n't") == 0);
}

// The speaker's own turn before `index` (the nearest earlier utterance with
// the same role), or nullptr.
const Prepared* own_previous(const std::vector<Prepared>& conv, std::size_t index) {
  for (std::size_t j = index; j-- > 0;)
    if (conv[j].role == conv[index].role) return &conv[j];
  return nullptr;
}

}  // namespace

FeatureVector extract(FeatureSet set, const Lexicon& lex, const std::vector<Prepared>& conv,
                      std::size_t index, FeatureOrder order) {
  const Prepared& cur = conv[index];
  const Prepared* prev = index > 0 ? &conv[index - 1] : nullptr;
  const std::size_t count = conv.size();
  // One builder per thread, reused: its scratch buffers outlive the call.
  thread_local Builder b;
  b.begin();
  const auto& t = cur.tokens;
  if (set == FeatureSet::full) {
    // Words and word bigrams, with sentence-boundary markers, and the (up to)
    // three words after a negator marked as negated ("don't want to stop").
    const std::uint32_t hw = open("w"), hb = open("b"), hn = open("neg");
    b.add_hash(feed(hw, "<s>"));
    int negated = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      b.add_hash(feed(hw, t[i]));
      b.add_hash(i == 0 ? feed(feed(hb, "<s> "), t[i]) : feed(feed(feed(hb, t[i - 1]), ' '), t[i]));
      if (negated > 0) {
        b.add_hash(feed(hn, t[i]));
        --negated;
      }
      if (negator(lex.language(), t[i])) negated = 3;
    }
    if (!t.empty()) b.add_hash(feed(feed(hb, t.back()), " </s>"));
    b.close(1.0f);
    // Character 2-5-grams over the normalised text " w1 w2 … [? ]": each
    // start position's hash is extended one byte at a time.
    std::string s = " ";
    s.reserve(cur.folded.size() + 4);
    for (const auto& w : t) {
      s += w;
      s += ' ';
    }
    if (cur.question_mark) s += "? ";
    const std::uint32_t hc = open("c");
    for (std::size_t i = 0; i + 2 <= s.size(); ++i) {
      std::uint32_t h = feed(hc, s[i]);
      for (std::size_t n = 2; n <= 5 && i + n <= s.size(); ++n) {
        h = feed(h, s[i + n - 1]);
        b.add_hash(h);
      }
    }
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
  // Conversation context: position and the previous utterance.
  const std::size_t pos = count == 0 ? 0 : (10 * index) / count;
  const char digit = static_cast<char>('0' + std::min<std::size_t>(pos, 9));
  b.add("pos", std::string_view(&digit, 1));
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
    if (set == FeatureSet::full) {
      const std::uint32_t hp = open("pw");
      for (const auto& w : prev->tokens)
        b.add_hash(feed(hp, w));
    }
  }
  b.close(set == FeatureSet::full ? 0.7f : 1.0f);
  // The speaker's own previous turn (for a participant usually two back):
  // change and sustain talk come in runs. Full model only: it made the cue
  // model slightly worse (talk 0.483 -> 0.475 under grouped CV).
  if (set == FeatureSet::full) {
    const Prepared* own = own_previous(conv, index);
    if (own == nullptr || own == prev) {
      b.add("own", own == nullptr ? "none" : "prev");
    } else {
      cue_block(b, lex, *own, "oq");
      const std::uint32_t ho = open("ow");
      for (const auto& w : own->tokens)
        b.add_hash(feed(ho, w));
    }
    b.close(0.5f);
  }
  return b.finish(order);
}

}  // namespace samskap::mi
