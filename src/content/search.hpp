#pragma once
// Full-text search over the knowledge base, in bokmål or English.
//
// How text becomes terms (the same for content and queries): ICU splits words
// (UAX #29), each word is normalised and case-folded (NFKC_Casefold), common
// function words are dropped, and Snowball stems it (norwegian / english). A
// query term matches a content term when the stems are equal, when they are
// equal after folding æ→ae, ø→o, å→a (so "foroverveielse" finds
// "føroverveielse"), and, in bokmål, when it is the first or last part of a
// compound ("motstand" finds "motstandsfenomener", "endring" finds
// "endringsarbeid", "arbeid" finds "endringsarbeid"); compound matches rank
// lower than whole-word matches. Ranking is BM25 over a title field (weight 3)
// and a body field, scaled by the share of query terms a hit contains.
//
// Contract
// - build() copies what it needs: the index does not refer to the
//   KnowledgeBase afterwards.
// - A built index is immutable; search() is safe to call from many threads at
//   once (each thread keeps its own ICU word breaker and stemmers).
// - Queries are outside input. More than kMaxQueryBytes bytes is refused with
//   too_large "search.query_too_long". Any bytes are accepted below that:
//   invalid UTF-8 is replaced by U+FFFD and ignored, control characters and
//   punctuation are ignored, words longer than 64 bytes are ignored, and only
//   the first kMaxQueryTerms distinct terms count. An empty or all-punctuation
//   query returns no hits (not an error).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "content/knowledge_base.hpp"
#include "core/error.hpp"
#include "core/language.hpp"

namespace samskap::content {

inline constexpr std::size_t kMaxQueryBytes = 512;
inline constexpr std::size_t kMaxQueryTerms = 16;
inline constexpr std::size_t kMaxSearchResults = 100;

enum class HitKind {
  topic,
  section,
  item,
  stage,
  process,
  goal,
  domain,
  task,
  partner,
  row,
  example,
  response,
  source,
};

// "topic", "item", ... (stable; for JSON).
const char* to_string(HitKind kind) noexcept;

struct SearchHit {
  std::string id;  // the entity that matched (a Topic, Item, Stage, ... id)
  HitKind kind = HitKind::item;
  std::string topic_id;  // the topic page it is shown on
  std::string stage_id;  // the stage page it is shown on, when it belongs to a stage
  std::string title;     // display title in the query language (for items: their list's title)
  // Plain text (NOT HTML-escaped), at most about 220 bytes of valid UTF-8, with
  // "…" where it was cut. `highlights` are [begin, end) byte ranges of matched
  // words in `snippet`, ascending and non-overlapping; the caller escapes the
  // text and wraps these ranges (e.g. in <mark>).
  std::string snippet;
  std::vector<std::pair<std::size_t, std::size_t>> highlights;
  double score = 0;  // > 0; higher is better
};

struct SearchOptions {
  std::size_t limit = 20;  // capped at kMaxSearchResults
};

class SearchIndex {
 public:
  // Indexes every text of `kb` in both languages. Fails (internal) only if ICU
  // or the stemmers cannot be initialised.
  static Result<SearchIndex> build(const KnowledgeBase& kb);

  // Hits for `query` in `lang`, best first; ties in id order. Errors: too_large
  // (see above). Never throws for any input.
  Result<std::vector<SearchHit>> search(std::string_view query, Language lang,
                                        const SearchOptions& options = {}) const;

  // Number of indexed entities in a language (for tests and benchmarks).
  std::size_t document_count(Language lang) const;

  struct Impl;

 private:
  explicit SearchIndex(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Exposed for tests: the terms `text` yields in `lang` (folded, stop words
// removed, stemmed), in order. Same rules as queries, including the limits on
// word length; no limit on the number of terms.
std::vector<std::string> analyze(std::string_view text, Language lang);

}  // namespace samskap::content
