// bench search: SearchIndex::search over the embedded knowledge base, in both
// languages, against a baseline measured in the same run: a naive linear scan
// that case-folds every text once up front and then looks for each query word
// as a substring of every text.
//
// Before measuring, the program checks that the index gives the right answers
// (e.g. the first hit for "motstand" is the resistance topic) and that the
// baseline finds what it should; it exits 1 without measuring if not.
// Benchmark names are "search|LANG|QUERY" and "baseline|LANG|QUERY"; the
// bench/search/run script reads them from --benchmark_format=json.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/knowledge_base.hpp"
#include "content/search.hpp"
#include "core/language.hpp"

namespace {

using samskap::Language;
using samskap::content::KnowledgeBase;
using samskap::content::LocalText;
using samskap::content::SearchHit;
using samskap::content::SearchIndex;

// One measured query and what a correct index answers for it.
struct Query {
  Language lang;
  std::string text;
  std::string first_id;      // the expected first hit; empty: no expectation
  std::size_t min_hits = 0;  // at least this many hits
  bool expect_none = false;  // exactly zero hits (and the baseline finds none)
  std::string also_id;       // an id that must be among the hits (e.g. a compound match)
};

const std::vector<Query>& queries() {
  static const std::vector<Query> q = {
      // bokmål
      {Language::nb, "endring", "", 20, false, "endringsarbeid"},  // common word (+ compounds)
      {Language::nb, "motstand", "motstand", 5, false, "motstand.hva.informasjon"},  // compound
      {Language::nb, "endringsarbeid", "endringsarbeid", 1, false, ""},  // a compound itself
      {Language::nb, "hva er motstand", "", 3, false, "motstand.hva"},   // multi-word
      {Language::nb, "motiverende samtale", "motiverende-samtale", 2, false, ""},
      {Language::nb, "kvantefysikk", "", 0, true, ""},  // no hit
      // English
      {Language::en, "change", "", 20, false, "endringsarbeid"},
      {Language::en, "resistance", "motstand", 5, false, ""},
      {Language::en, "righting reflex", "mi.korreksjon", 1, false, ""},
      {Language::en, "motivational interviewing", "motiverende-samtale", 2, false, ""},
      {Language::en, "quantum physics", "", 0, true, ""},
  };
  return q;
}

// --- the baseline: case-folded substring search over every text --------------

// Lower-cases ASCII and the Latin-1 capitals (Æ Ø Å É ...) in UTF-8; enough
// for bokmål and English, which is all the content holds.
std::string fold(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + ('a' - 'A'));
    } else if (c == 0xC3 && i + 1 < out.size()) {
      auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return out;
}

class Baseline {
 public:
  Baseline(const KnowledgeBase& kb, Language lang) : lang_(lang) { collect(kb); }

  // Indexes of the texts that contain every word of `query` (case-folded).
  std::vector<std::size_t> search(std::string_view query) const {
    const std::string q = fold(query);
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < q.size()) {
      const std::size_t end = q.find(' ', pos);
      const std::size_t stop = end == std::string::npos ? q.size() : end;
      if (stop > pos) words.emplace_back(q.data() + pos, stop - pos);
      pos = stop + 1;
    }
    std::vector<std::size_t> hits;
    if (words.empty()) return hits;
    for (std::size_t i = 0; i < texts_.size(); ++i) {
      bool all = true;
      for (auto w : words) {
        if (texts_[i].find(w) == std::string::npos) {
          all = false;
          break;
        }
      }
      if (all) hits.push_back(i);
    }
    return hits;
  }

  std::size_t size() const { return texts_.size(); }

 private:
  void add(const LocalText& t) { texts_.push_back(fold(t.in(lang_))); }
  void add(const std::optional<LocalText>& t) {
    if (t) add(*t);
  }
  void add(const std::vector<samskap::content::Item>& items) {
    for (const auto& item : items) {
      add(item.text);
      add(item.detail);
      for (const auto& e : item.examples)
        add(e);
    }
  }

  void collect(const KnowledgeBase& kb) {
    for (const auto& t : kb.topics()) {
      add(t.title);
      add(t.summary);
      for (const auto& s : t.sections) {
        add(s.title);
        add(s.intro);
        add(s.items);
      }
    }
    for (const auto& s : kb.sources()) {
      texts_.push_back(fold(s.citation));
      add(s.note);
    }
    for (const auto& p : kb.processes()) {
      add(p.name);
      add(p.detail);
    }
    for (const auto& s : kb.stages()) {
      add(s.name);
      add(s.table_name);
      add(s.description);
      add(s.time_criterion);
      add(s.processes_note);
      add(s.practice);
      add(s.practice_note);
      add(s.characteristics);
      add(s.approach);
      add(s.mi_questions);
    }
    for (const auto& g : kb.sdg_goals())
      add(g.name);
    for (const auto& d : kb.cynefin_domains()) {
      add(d.name);
      add(d.description);
      add(d.approach);
      add(d.practice);
    }
    for (const auto& r : kb.reflection_tasks()) {
      add(r.title);
      add(r.questions);
    }
    for (const auto& p : kb.partner_types())
      add(p.name);
    for (const auto& r : kb.municipality_table()) {
      add(r.aspect);
      add(r.level_1);
      add(r.level_2);
      add(r.level_3);
    }
    for (const auto& e : kb.request_examples()) {
      add(e.request);
      add(e.question);
      for (const auto& r : e.responses)
        add(r.text);
    }
  }

  Language lang_;
  std::vector<std::string> texts_;
};

// --- checks ------------------------------------------------------------------

const char* lang_code(Language lang) {
  return lang == Language::en ? "en" : "nb";
}

bool check(const SearchIndex& index, const Baseline& nb, const Baseline& en) {
  bool ok = true;
  auto fail = [&](const Query& q, const std::string& why) {
    std::fprintf(stderr, "bench search: wrong answer for query=\"%s\" lang=%s: %s\n",
                 q.text.c_str(), lang_code(q.lang), why.c_str());
    ok = false;
  };
  for (const auto& q : queries()) {
    auto result = index.search(q.text, q.lang, {.limit = samskap::content::kMaxSearchResults});
    if (!result) {
      fail(q, "error " + result.error().message_key);
      continue;
    }
    const std::vector<SearchHit>& hits = *result;
    const auto base = (q.lang == Language::en ? en : nb).search(q.text);
    if (q.expect_none) {
      if (!hits.empty()) fail(q, "expected no hits, got " + std::to_string(hits.size()));
      if (!base.empty()) fail(q, "the baseline found " + std::to_string(base.size()) + " texts");
      continue;
    }
    if (hits.size() < q.min_hits) {
      fail(q, "expected at least " + std::to_string(q.min_hits) + " hits, got " +
                  std::to_string(hits.size()));
    }
    if (!q.first_id.empty() && (hits.empty() || hits.front().id != q.first_id)) {
      fail(q, "expected first hit " + q.first_id + ", got " +
                  (hits.empty() ? std::string("none") : hits.front().id));
    }
    if (!q.also_id.empty()) {
      bool found = false;
      for (const auto& h : hits)
        found |= h.id == q.also_id;
      if (!found) fail(q, "expected " + q.also_id + " among the hits");
    }
    for (const auto& h : hits) {
      if (!(h.score > 0) || h.snippet.empty()) fail(q, "hit " + h.id + " has no score or snippet");
    }
    if (base.empty()) fail(q, "the baseline found nothing");
  }
  // Every text is in both languages, so both baselines see the same count.
  if (nb.size() != en.size() || nb.size() < 100) {
    std::fprintf(stderr, "bench search: baseline texts nb=%zu en=%zu\n", nb.size(), en.size());
    ok = false;
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const KnowledgeBase& kb = KnowledgeBase::embedded();
  auto built = SearchIndex::build(kb);
  if (!built) {
    std::fprintf(stderr, "bench search: cannot build the index: %s %s\n",
                 built.error().message_key.c_str(), built.error().detail.c_str());
    return 1;
  }
  static const SearchIndex index = std::move(built).value();
  static const Baseline nb(kb, Language::nb);
  static const Baseline en(kb, Language::en);
  if (!check(index, nb, en)) return 1;
  std::fprintf(stderr,
               "bench search: answers checked; %zu documents (nb), %zu texts per language\n",
               index.document_count(Language::nb), nb.size());

  for (const auto& q : queries()) {
    const std::string suffix = std::string("|") + lang_code(q.lang) + "|" + q.text;
    benchmark::RegisterBenchmark(("search" + suffix).c_str(),
                                 [&q](benchmark::State& state) {
                                   std::size_t n = 0;
                                   for (auto _ : state) {
                                     auto hits = index.search(q.text, q.lang);
                                     n = hits ? hits->size() : 0;
                                     benchmark::DoNotOptimize(hits);
                                   }
                                   state.counters["hits"] = static_cast<double>(n);
                                 })
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(0.2);
    benchmark::RegisterBenchmark(("baseline" + suffix).c_str(),
                                 [&q](benchmark::State& state) {
                                   const Baseline& b = q.lang == Language::en ? en : nb;
                                   std::size_t n = 0;
                                   for (auto _ : state) {
                                     auto hits = b.search(q.text);
                                     n = hits.size();
                                     benchmark::DoNotOptimize(hits);
                                   }
                                   state.counters["hits"] = static_cast<double>(n);
                                 })
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(0.2);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
