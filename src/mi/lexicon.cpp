#include "mi/lexicon.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <map>

#include "mi/text.hpp"

namespace samskap::mi {

namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const noexcept { sb_stemmer_delete(s); }
};
using StemmerPtr = std::unique_ptr<sb_stemmer, StemmerDeleter>;

sb_stemmer* stemmer_for(Language lang) {
  thread_local StemmerPtr en(sb_stemmer_new("english", "UTF_8"));
  thread_local StemmerPtr nb(sb_stemmer_new("norwegian", "UTF_8"));
  return lang == Language::nb ? nb.get() : en.get();
}

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
      ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t')
      ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string stem(Language lang, std::string_view word) {
  sb_stemmer* s = stemmer_for(lang);
  if (s == nullptr || word.empty() || word.size() > 256) return std::string(word);
  const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()),
                                         static_cast<int>(word.size()));
  if (out == nullptr) return std::string(word);
  return std::string(reinterpret_cast<const char*>(out),
                     static_cast<std::size_t>(sb_stemmer_length(s)));
}

Result<Lexicon> Lexicon::parse(Language lang, std::string_view text) {
  if (find_invalid_utf8(text))
    return Error::invalid("mi.error.bad_lexicon", "the lexicon is not valid UTF-8");
  Lexicon lex;
  lex.lang_ = lang;
  struct Raw {
    std::string category;
    std::vector<std::string_view> words;
    std::size_t line;
  };
  std::vector<Raw> raws;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    auto nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (auto hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
    auto parts = split_ws(l);
    if (!parts.empty() && parts.back() == "\r") parts.pop_back();
    if (parts.empty()) continue;
    if (parts.size() < 2)
      return Error::invalid("mi.error.bad_lexicon",
                            "line " + std::to_string(line) + ": expected \"category pattern\"");
    std::string cat(parts[0]);
    if (cat == "filler") {
      for (std::size_t i = 1; i < parts.size(); ++i)
        lex.fillers_.emplace_back(parts[i]);
      continue;
    }
    raws.push_back({cat, {parts.begin() + 1, parts.end()}, line});
  }
  std::map<std::string, std::size_t> index;
  for (const auto& r : raws)
    index.emplace(r.category, 0);
  for (auto& [name, i] : index) {
    i = lex.categories_.size();
    lex.categories_.push_back(name);
  }
  for (const auto& r : raws) {
    Entry e;
    e.category = index[r.category];
    for (std::size_t k = 0; k < r.words.size(); ++k) {
      std::string_view w = r.words[k];
      if (k == 0 && w.front() == '^') {
        e.anchored_start = true;
        w.remove_prefix(1);
      }
      if (k + 1 == r.words.size() && w.back() == '$') {
        e.anchored_end = true;
        w.remove_suffix(1);
      }
      if (w.empty()) continue;
      Word word;
      std::string folded = fold_case(w);
      if (folded == "_") {
        word.kind = Word::any;
      } else if (folded.front() == '=') {
        word.kind = Word::exact;
        word.text = folded.substr(1);
      } else if (folded.back() == '*') {
        word.kind = Word::prefix;
        word.text = folded.substr(0, folded.size() - 1);
      } else {
        word.kind = Word::stem;
        word.text = stem(lang, folded);
      }
      if (word.kind != Word::any && word.text.empty())
        return Error::invalid("mi.error.bad_lexicon",
                              "line " + std::to_string(r.line) + ": empty word in pattern");
      e.words.push_back(std::move(word));
    }
    if (e.words.empty())
      return Error::invalid("mi.error.bad_lexicon",
                            "line " + std::to_string(r.line) + ": empty pattern");
    lex.entries_.push_back(std::move(e));
  }
  lex.build_index();
  return lex;
}

std::vector<std::string> Lexicon::stems(const std::vector<std::string>& tokens) const {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens)
    out.push_back(stem(lang_, t));
  return out;
}

void Lexicon::build_index() {
  by_stem_.clear();
  by_exact_.clear();
  scan_.clear();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Word& w = entries_[i].words.front();
    auto id = static_cast<std::uint32_t>(i);
    if (w.kind == Word::stem)
      by_stem_[w.text].push_back(id);
    else if (w.kind == Word::exact)
      by_exact_[w.text].push_back(id);
    else
      scan_.push_back(id);
  }
}

std::vector<std::uint8_t> Lexicon::match(const std::vector<std::string>& tokens) const {
  if (tokens.empty()) return std::vector<std::uint8_t>(categories_.size(), 0);
  return match(tokens, stems(tokens));
}

std::vector<std::uint8_t> Lexicon::match(const std::vector<std::string>& tokens,
                                         const std::vector<std::string>& st) const {
  std::vector<std::uint8_t> counts(categories_.size(), 0);
  if (tokens.empty()) return counts;
  std::size_t start = 0;
  while (start < tokens.size() &&
         std::find(fillers_.begin(), fillers_.end(), tokens[start]) != fillers_.end())
    ++start;
  auto word_matches = [&](const Word& w, std::size_t i) {
    switch (w.kind) {
      case Word::any:
        return true;
      case Word::exact:
        return tokens[i] == w.text;
      case Word::prefix:
        return tokens[i].compare(0, w.text.size(), w.text) == 0;
      case Word::stem:
        return st[i] == w.text;
    }
    return false;
  };
  // An entry counts once however often it matches (as a cue, not a count of words).
  std::vector<bool> done(entries_.size(), false);
  auto attempt = [&](std::uint32_t id, std::size_t p) {
    if (done[id]) return;
    const Entry& e = entries_[id];
    const std::size_t n = e.words.size();
    if (n > tokens.size() - p) return;
    if (e.anchored_start && p != 0 && p != start) return;
    if (e.anchored_end && p + n != tokens.size()) return;
    for (std::size_t k = 0; k < n; ++k)
      if (!word_matches(e.words[k], p + k)) return;
    done[id] = true;
    if (counts[e.category] < 255) ++counts[e.category];
  };
  for (std::size_t p = 0; p < tokens.size(); ++p) {
    if (auto it = by_stem_.find(st[p]); it != by_stem_.end())
      for (auto id : it->second)
        attempt(id, p);
    if (auto it = by_exact_.find(tokens[p]); it != by_exact_.end())
      for (auto id : it->second)
        attempt(id, p);
    for (auto id : scan_)
      attempt(id, p);
  }
  return counts;
}

}  // namespace samskap::mi
