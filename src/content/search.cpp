// Knowledge base search: ICU word breaks and case folding, Snowball stemming,
// compound-aware term matching and BM25 ranking. See search.hpp.

#include "content/search.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

namespace samskap::content {

const char* to_string(HitKind kind) noexcept {
  switch (kind) {
    case HitKind::topic:
      return "topic";
    case HitKind::section:
      return "section";
    case HitKind::item:
      return "item";
    case HitKind::stage:
      return "stage";
    case HitKind::process:
      return "process";
    case HitKind::goal:
      return "goal";
    case HitKind::domain:
      return "domain";
    case HitKind::task:
      return "task";
    case HitKind::partner:
      return "partner";
    case HitKind::row:
      return "row";
    case HitKind::example:
      return "example";
    case HitKind::response:
      return "response";
    case HitKind::source:
      return "source";
  }
  return "item";
}

namespace {

constexpr std::size_t kMaxWordBytes = 64;
constexpr std::size_t kMaxTextBytes = 1 << 20;  // content texts are far smaller
constexpr std::size_t kSnippetBytes = 200;
constexpr std::size_t kSnippetLead = 60;
constexpr double kTitleWeight = 3.0;
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

// Function words that carry no meaning for search. Written for this product;
// matched against the case-folded word before stemming.
const std::unordered_set<std::string_view>& stop_words(Language lang) {
  static const std::unordered_set<std::string_view> nb = {
      "og",      "i",       "på",   "er",   "det",   "en",    "et",    "ei",    "av",   "til",
      "for",     "som",     "med",  "at",   "de",    "den",   "å",     "ikke",  "om",   "har",
      "vi",      "du",      "seg",  "kan",  "jeg",   "fra",   "så",    "men",   "hva",  "hvor",
      "hvordan", "hvorfor", "skal", "der",  "eller", "blir",  "ble",   "var",   "være", "når",
      "også",    "man",     "sin",  "sitt", "sine",  "dette", "disse", "oss",   "dere", "hos",
      "etter",   "enn",     "mer",  "han",  "hun",   "dem",   "deg",   "meg",   "min",  "mitt",
      "mine",    "din",     "ditt", "dine", "vår",   "vårt",  "våre",  "deres", "sig",  "the"};
  static const std::unordered_set<std::string_view> en = {
      "the",  "a",    "an",   "and",  "or",   "of",    "to",    "in",    "on",   "for",
      "is",   "are",  "be",   "was",  "were", "it",    "its",   "this",  "that", "with",
      "as",   "by",   "at",   "from", "what", "how",   "why",   "do",    "does", "we",
      "you",  "they", "not",  "no",   "our",  "your",  "their", "can",   "into", "about",
      "than", "more", "he",   "she",  "him",  "her",   "them",  "us",    "i",    "me",
      "my",   "has",  "have", "had",  "been", "which", "who",   "there", "so",   "if"};
  return lang == Language::en ? en : nb;
}

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const noexcept { sb_stemmer_delete(s); }
};

// Per-thread ICU and Snowball state: neither is safe to share between threads.
struct LangTools {
  std::unique_ptr<icu::BreakIterator> words;
  std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer;
};

struct ThreadTools {
  LangTools nb;
  LangTools en;
  const icu::Normalizer2* fold = nullptr;
  icu::UnicodeString empty;  // what the word breakers point at between calls
  bool ok = false;

  ThreadTools() {
    UErrorCode status = U_ZERO_ERROR;
    fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
    nb.words.reset(icu::BreakIterator::createWordInstance(icu::Locale("nb"), status));
    en.words.reset(icu::BreakIterator::createWordInstance(icu::Locale("en"), status));
    nb.stemmer.reset(sb_stemmer_new("norwegian", "UTF_8"));
    en.stemmer.reset(sb_stemmer_new("english", "UTF_8"));
    ok = U_SUCCESS(status) && fold && nb.words && en.words && nb.stemmer && en.stemmer;
  }
};

ThreadTools* thread_tools() {
  thread_local ThreadTools tools;
  return tools.ok ? &tools : nullptr;
}

struct Word {
  std::string term;         // folded and stemmed
  std::uint32_t begin = 0;  // byte range in the analysed text
  std::uint32_t end = 0;
  bool stop = false;
};

// Splits `text` into words with byte offsets. Invalid UTF-8 becomes U+FFFD,
// which is never part of a word. Returns false if the tools are unavailable.
bool analyze_words(std::string_view text, Language lang, std::vector<Word>& out) {
  out.clear();
  ThreadTools* tools = thread_tools();
  if (!tools) return false;
  if (text.size() > kMaxTextBytes) text = text.substr(0, kMaxTextBytes);
  LangTools& lt = lang == Language::en ? tools->en : tools->nb;

  // Decode by hand so that every UTF-16 unit maps back to a byte offset.
  icu::UnicodeString u;
  std::vector<std::uint32_t> offset;
  offset.reserve(text.size() + 1);
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto n = static_cast<std::int32_t>(text.size());
  for (std::int32_t i = 0; i < n;) {
    const std::int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    if (c < 0) c = 0xFFFD;
    u.append(c);
    for (int k = 0; k < U16_LENGTH(c); ++k)
      offset.push_back(static_cast<std::uint32_t>(start));
  }
  offset.push_back(static_cast<std::uint32_t>(n));

  lt.words->setText(u);
  const auto& stops = stop_words(lang);
  std::int32_t prev = lt.words->first();
  for (std::int32_t pos = lt.words->next(); pos != icu::BreakIterator::DONE;
       prev = pos, pos = lt.words->next()) {
    if (lt.words->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString folded =
        tools->fold->normalize(u.tempSubStringBetween(prev, pos), status);
    if (U_FAILURE(status)) continue;
    std::string word;
    folded.toUTF8String(word);
    if (word.empty() || word.size() > kMaxWordBytes) continue;
    Word w;
    w.begin = offset[static_cast<std::size_t>(prev)];
    w.end = offset[static_cast<std::size_t>(pos)];
    w.stop = stops.contains(word);
    const sb_symbol* stem =
        sb_stemmer_stem(lt.stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                        static_cast<int>(word.size()));
    if (stem) {
      w.term.assign(reinterpret_cast<const char*>(stem),
                    static_cast<std::size_t>(sb_stemmer_length(lt.stemmer.get())));
    } else {
      w.term = word;
    }
    if (w.term.empty()) continue;
    out.push_back(std::move(w));
  }
  lt.words->setText(tools->empty);  // drop the reference to `u`
  return true;
}

// The term with æ/ø/å (and a few other accented letters) folded to ASCII, so
// that text typed without Norwegian letters still matches.
std::string skeleton(std::string_view term) {
  std::string out;
  out.reserve(term.size());
  for (std::size_t i = 0; i < term.size(); ++i) {
    const auto c = static_cast<unsigned char>(term[i]);
    if (c == 0xC3 && i + 1 < term.size()) {
      const auto d = static_cast<unsigned char>(term[i + 1]);
      const char* rep = nullptr;
      switch (d) {
        case 0xA6:
          rep = "ae";
          break;  // æ
        case 0xB8:
          rep = "o";
          break;  // ø
        case 0xA5:
          rep = "a";
          break;  // å
        case 0xA4:
          rep = "a";
          break;  // ä
        case 0xB6:
          rep = "o";
          break;  // ö
        case 0xA9:
          rep = "e";
          break;  // é
        case 0xA8:
          rep = "e";
          break;  // è
        case 0xBC:
          rep = "u";
          break;  // ü
        default:
          break;
      }
      if (rep) {
        out += rep;
        ++i;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

struct Posting {
  std::uint32_t doc;
  float title_tf;
  float body_tf;
};

struct Token {
  std::uint32_t term;
  std::uint32_t begin;
  std::uint32_t end;
};

struct Doc {
  std::string id;
  HitKind kind;
  std::string topic_id;
  std::string stage_id;
  std::string title;       // display
  std::string body;        // snippet source
  std::string title_text;  // the text of the title field (snippet source when body is empty)
  std::vector<Token> title_tokens;
  std::vector<Token> body_tokens;
  double length = 0;
};

struct LangIndex {
  std::vector<Doc> docs;
  std::vector<std::string> terms;
  std::vector<std::string> skeletons;
  std::unordered_map<std::string, std::uint32_t> term_ids;
  std::vector<std::vector<Posting>> postings;
  double avg_length = 1;
};

}  // namespace

struct SearchIndex::Impl {
  LangIndex nb;
  LangIndex en;
  const LangIndex& in(Language lang) const { return lang == Language::en ? en : nb; }
};

namespace {

class Builder {
 public:
  explicit Builder(LangIndex& idx, Language lang) : idx_(idx), lang_(lang) {}

  bool add(std::string id, HitKind kind, std::string topic_id, std::string stage_id,
           std::string title, std::string title_text, std::string body) {
    Doc d;
    d.id = std::move(id);
    d.kind = kind;
    d.topic_id = std::move(topic_id);
    d.stage_id = std::move(stage_id);
    d.title = std::move(title);
    d.title_text = std::move(title_text);
    d.body = std::move(body);
    const auto doc_no = static_cast<std::uint32_t>(idx_.docs.size());
    std::unordered_map<std::uint32_t, std::pair<float, float>> tf;
    if (!analyze_words(d.title_text, lang_, words_)) return false;
    for (const Word& w : words_) {
      const std::uint32_t t = term_id(w.term);
      d.title_tokens.push_back({t, w.begin, w.end});
      tf[t].first += 1;
    }
    if (!analyze_words(d.body, lang_, words_)) return false;
    for (const Word& w : words_) {
      const std::uint32_t t = term_id(w.term);
      d.body_tokens.push_back({t, w.begin, w.end});
      tf[t].second += 1;
    }
    d.length = kTitleWeight * static_cast<double>(d.title_tokens.size()) +
               static_cast<double>(d.body_tokens.size());
    if (tf.empty()) return true;  // nothing searchable
    for (const auto& [t, f] : tf)
      idx_.postings[t].push_back({doc_no, f.first, f.second});
    idx_.docs.push_back(std::move(d));
    return true;
  }

  void finish() {
    double total = 0;
    for (const Doc& d : idx_.docs)
      total += d.length;
    idx_.avg_length =
        idx_.docs.empty() ? 1 : std::max(1.0, total / static_cast<double>(idx_.docs.size()));
  }

 private:
  std::uint32_t term_id(const std::string& term) {
    auto [it, inserted] =
        idx_.term_ids.try_emplace(term, static_cast<std::uint32_t>(idx_.terms.size()));
    if (inserted) {
      idx_.terms.push_back(term);
      idx_.skeletons.push_back(skeleton(term));
      idx_.postings.emplace_back();
    }
    return it->second;
  }

  LangIndex& idx_;
  Language lang_;
  std::vector<Word> words_;
};

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::string item_body(const Item& it, Language lang) {
  std::string out = it.text.in(lang);
  if (it.detail) out += " " + it.detail->in(lang);
  for (const auto& ex : it.examples)
    out += " «" + ex.in(lang) + "»";
  return out;
}

bool index_language(const KnowledgeBase& kb, LangIndex& idx, Language lang) {
  Builder b(idx, lang);
  bool ok = true;
  const auto L = [lang](const LocalText& t) -> const std::string& { return t.in(lang); };

  for (const Topic& t : kb.topics()) {
    ok &= b.add(t.id, HitKind::topic, t.id, "", L(t.title), L(t.title), L(t.summary));
    for (const Section& s : t.sections) {
      ok &= b.add(s.id, HitKind::section, t.id, "", L(s.title), L(s.title),
                  s.intro ? L(*s.intro) : std::string());
      for (const Item& it : s.items)
        ok &= b.add(it.id, HitKind::item, t.id, "", L(s.title), "", item_body(it, lang));
    }
  }
  const std::string stages_topic(kb.topic_of(kStageIds[0]));
  for (const Stage& s : kb.stages()) {
    std::string processes;
    for (const auto& p : s.processes)
      if (const ChangeProcess* cp = kb.process(p.id)) processes += L(cp->name) + ". ";
    ok &= b.add(s.id, HitKind::stage, stages_topic, s.id, L(s.name),
                join({L(s.name), s.table_name ? std::string_view(L(*s.table_name)) : ""}),
                join({L(s.description), L(s.time_criterion), processes,
                      s.processes_note ? std::string_view(L(*s.processes_note)) : ""}));
    for (const auto* list : {&s.practice, &s.characteristics, &s.approach, &s.mi_questions})
      for (const Item& it : *list)
        ok &= b.add(it.id, HitKind::item, stages_topic, s.id, L(s.name), "", item_body(it, lang));
  }
  for (const ChangeProcess& p : kb.processes())
    ok &= b.add(p.id, HitKind::process, std::string(kb.topic_of(p.id)), "", L(p.name), L(p.name),
                p.detail ? L(*p.detail) : std::string());
  for (const SdgGoal& g : kb.sdg_goals()) {
    const std::string label =
        (lang == Language::en ? "Goal " : "Mål ") + std::to_string(g.number) + ": " + L(g.name);
    ok &= b.add(g.id, HitKind::goal, std::string(kb.topic_of(g.id)), "", label, label, "");
  }
  for (const CynefinDomain& d : kb.cynefin_domains())
    ok &= b.add(d.id, HitKind::domain, std::string(kb.topic_of(d.id)), "", L(d.name), L(d.name),
                join({L(d.description), L(d.approach) + ".", L(d.practice)}));
  for (const ReflectionTask& k : kb.reflection_tasks()) {
    std::string questions;
    for (const Item& q : k.questions)
      questions += (questions.empty() ? "" : " ") + L(q.text);
    ok &= b.add(k.id, HitKind::task, std::string(kb.topic_of(k.id)), "", L(k.title), L(k.title),
                questions);
  }
  for (const PartnerType& p : kb.partner_types())
    ok &= b.add(p.id, HitKind::partner, p.topic, "", L(p.name), L(p.name), "");
  for (const MunicipalityRow& w : kb.municipality_table())
    ok &= b.add(w.id, HitKind::row, std::string(kb.topic_of(w.id)), "", L(w.aspect), L(w.aspect),
                "1.0: " + L(w.level_1) + ". 2.0: " + L(w.level_2) + ". 3.0: " + L(w.level_3) + ".");
  for (const RequestExample& e : kb.request_examples()) {
    ok &= b.add(e.id, HitKind::example, e.topic, "", L(e.question), L(e.question), L(e.request));
    for (const ExampleResponse& r : e.responses)
      ok &= b.add(r.id, HitKind::response, e.topic, "", L(e.question) + " – " + r.level, r.level,
                  L(r.text));
  }
  for (const Source& s : kb.sources())
    ok &= b.add(s.id, HitKind::source, std::string(kb.topic_of(s.id)), "", s.citation, s.citation,
                s.note ? L(*s.note) : std::string());
  b.finish();
  return ok;
}

// How well query term (q, qs) matches index term (t, ts); 0 for no match.
double match_weight(const std::string& t, const std::string& ts, const std::string& q,
                    const std::string& qs, Language lang) {
  if (t == q) return 1.0;
  if (ts == qs) return 0.9;
  if (qs.size() < 4) return 0;
  if (ts.size() > qs.size() && ts.starts_with(qs))  // first part of a compound, or a prefix
    return lang == Language::nb ? 0.6 : 0.4;
  if (lang == Language::nb && ts.size() >= qs.size() + 3 && ts.ends_with(qs))  // last part
    return 0.5;
  return 0;
}

double kind_boost(HitKind k) {
  switch (k) {
    case HitKind::topic:
    case HitKind::stage:
      return 1.3;
    case HitKind::source:
      return 0.6;  // references rank below the content itself
    default:
      return 1.0;
  }
}

// Cuts a window of `text` around the first highlighted token and shifts the
// highlights into it. Cuts only at token boundaries, so the UTF-8 stays valid.
void make_snippet(const std::string& text, const std::vector<Token>& tokens,
                  const std::unordered_set<std::uint32_t>& hit_terms, SearchHit& hit) {
  std::vector<const Token*> marks;
  for (const Token& t : tokens)
    if (hit_terms.contains(t.term)) marks.push_back(&t);

  std::size_t begin = 0;
  std::size_t end = text.size();
  if (text.size() > kSnippetBytes) {
    // The first token at or after `want`: where a window may start.
    const auto snap = [&](std::size_t want) -> std::size_t {
      if (want == 0) return 0;
      for (const Token& t : tokens)
        if (t.begin >= want) return t.begin;
      return want;
    };
    // Try a window led by each match; keep the one showing the most distinct
    // matched terms (then the most matches, then the earliest).
    std::size_t best_distinct = 0, best_count = 0;
    for (const Token* m : marks) {
      const std::size_t start = snap(m->begin > kSnippetLead ? m->begin - kSnippetLead : 0);
      std::unordered_set<std::uint32_t> distinct;
      std::size_t count = 0;
      for (const Token* o : marks) {
        if (o->begin >= start && o->end <= start + kSnippetBytes) {
          distinct.insert(o->term);
          ++count;
        }
      }
      if (distinct.size() > best_distinct ||
          (distinct.size() == best_distinct && count > best_count)) {
        best_distinct = distinct.size();
        best_count = count;
        begin = start;
      }
    }
    const std::size_t limit = begin + kSnippetBytes;
    end = begin;
    for (const Token& t : tokens) {
      if (t.begin < begin) continue;
      if (t.end > limit) break;
      end = t.end;
    }
  }
  const std::string lead = begin > 0 ? "… " : "";
  hit.snippet = lead + text.substr(begin, end - begin) + (end < text.size() ? " …" : "");
  for (const Token* t : marks) {
    if (t->begin < begin || t->end > end) continue;
    hit.highlights.emplace_back(t->begin - begin + lead.size(), t->end - begin + lead.size());
  }
}

}  // namespace

Result<SearchIndex> SearchIndex::build(const KnowledgeBase& kb) {
  auto impl = std::make_shared<Impl>();
  if (!index_language(kb, impl->nb, Language::nb) || !index_language(kb, impl->en, Language::en))
    return Error{ErrorCode::internal, "error.internal",
                 "search: ICU or the Snowball stemmers could not be initialised"};
  return SearchIndex(std::move(impl));
}

std::size_t SearchIndex::document_count(Language lang) const {
  return impl_->in(lang).docs.size();
}

Result<std::vector<SearchHit>> SearchIndex::search(std::string_view query, Language lang,
                                                   const SearchOptions& options) const {
  if (query.size() > kMaxQueryBytes)
    return Error{ErrorCode::too_large, "search.query_too_long",
                 "query of " + std::to_string(query.size()) + " bytes; the limit is " +
                     std::to_string(kMaxQueryBytes)};
  std::vector<SearchHit> hits;
  const std::size_t limit = std::min(options.limit, kMaxSearchResults);
  if (limit == 0) return hits;

  std::vector<Word> words;
  if (!analyze_words(query, lang, words))
    return Error{ErrorCode::internal, "error.internal", "search: ICU unavailable"};
  const bool all_stop =
      std::all_of(words.begin(), words.end(), [](const Word& w) { return w.stop; });
  std::vector<std::string> terms;
  for (const Word& w : words) {
    if (w.stop && !all_stop) continue;
    if (std::find(terms.begin(), terms.end(), w.term) != terms.end()) continue;
    terms.push_back(w.term);
    if (terms.size() == kMaxQueryTerms) break;
  }
  if (terms.empty()) return hits;

  const LangIndex& idx = impl_->in(lang);
  const std::size_t nq = terms.size();
  const std::size_t nd = idx.docs.size();
  std::vector<double> tf(nd * nq, 0.0);
  std::unordered_set<std::uint32_t> hit_terms;
  for (std::size_t i = 0; i < nq; ++i) {
    const std::string qs = skeleton(terms[i]);
    for (std::size_t t = 0; t < idx.terms.size(); ++t) {
      const double w = match_weight(idx.terms[t], idx.skeletons[t], terms[i], qs, lang);
      if (w <= 0) continue;
      hit_terms.insert(static_cast<std::uint32_t>(t));
      for (const Posting& p : idx.postings[t])
        tf[p.doc * nq + i] += w * (kTitleWeight * p.title_tf + p.body_tf);
    }
  }

  std::vector<double> idf(nq, 0.0);
  for (std::size_t i = 0; i < nq; ++i) {
    std::size_t df = 0;
    for (std::size_t d = 0; d < nd; ++d)
      df += tf[d * nq + i] > 0 ? 1 : 0;
    idf[i] = std::log(1.0 + (static_cast<double>(nd) - static_cast<double>(df) + 0.5) /
                                (static_cast<double>(df) + 0.5));
  }

  std::vector<std::pair<double, std::uint32_t>> ranked;
  for (std::size_t d = 0; d < nd; ++d) {
    double score = 0;
    std::size_t matched = 0;
    const double norm = kK1 * (1 - kB + kB * idx.docs[d].length / idx.avg_length);
    for (std::size_t i = 0; i < nq; ++i) {
      const double f = tf[d * nq + i];
      if (f <= 0) continue;
      ++matched;
      score += idf[i] * f * (kK1 + 1) / (f + norm);
    }
    if (matched == 0) continue;
    const double coord = static_cast<double>(matched) / static_cast<double>(nq);
    score *= coord * coord * kind_boost(idx.docs[d].kind);
    ranked.emplace_back(score, static_cast<std::uint32_t>(d));
  }
  std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return idx.docs[a.second].id < idx.docs[b.second].id;
  });
  if (ranked.size() > limit) ranked.resize(limit);

  for (const auto& [score, d] : ranked) {
    const Doc& doc = idx.docs[d];
    SearchHit h;
    h.id = doc.id;
    h.kind = doc.kind;
    h.topic_id = doc.topic_id;
    h.stage_id = doc.stage_id;
    h.title = doc.title;
    h.score = score;
    if (!doc.body.empty())
      make_snippet(doc.body, doc.body_tokens, hit_terms, h);
    else
      make_snippet(doc.title_text, doc.title_tokens, hit_terms, h);
    hits.push_back(std::move(h));
  }
  return hits;
}

std::vector<std::string> analyze(std::string_view text, Language lang) {
  std::vector<Word> words;
  std::vector<std::string> out;
  if (!analyze_words(text, lang, words)) return out;
  for (const Word& w : words)
    if (!w.stop) out.push_back(w.term);
  return out;
}

}  // namespace samskap::content
