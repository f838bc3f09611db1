#include "core/workshop.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/credentials.hpp"  // is_valid_utf8, fold_case

namespace samskap::workshop {

namespace {

constexpr std::array<std::string_view, 7> kTypeSlugs = {
    "refleksjon", "ordsky", "skala", "flervalg", "rangering", "innsjekk", "sortering"};

// A knowledge-base id ("refleksjon.motstand.opplevd"): lower-case ASCII
// letters, digits, '.', '-' and '_'.
constexpr std::size_t kSourceIdMaxBytes = 120;

// ---------------------------------------------------------------- code points

// Decodes the code point at s[i] and advances i past it. A malformed or
// truncated sequence yields U+FFFD and advances by one byte.
char32_t next_cp(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const std::size_t len = b0 < 0x80 ? 1 : b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size() || (len > 1 && !is_valid_utf8(s.substr(i, len)))) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b0 : (b0 & (0x7Fu >> len));
  for (std::size_t k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Code points in a (valid or not) UTF-8 string: the lead bytes.
std::size_t cp_count(std::string_view s) noexcept {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool in_range(char32_t c, char32_t lo, char32_t hi) noexcept {
  return c >= lo && c <= hi;
}

// C0 controls, DEL and C1 controls (Unicode category Cc).
bool is_control(char32_t c) noexcept {
  return c < 0x20 || in_range(c, 0x7F, 0x9F);
}

// Bidirectional embeddings, overrides and isolates: they can reorder how a
// text is drawn on the shared screen.
bool is_bidi_control(char32_t c) noexcept {
  return in_range(c, 0x202A, 0x202E) || in_range(c, 0x2066, 0x2069);
}

bool is_line_separator(char32_t c) noexcept {
  return c == 0x2028 || c == 0x2029;
}

// White space of every kind (not the zero-width characters).
bool is_space(char32_t c) noexcept {
  return c == ' ' || in_range(c, 0x09, 0x0D) || c == 0xA0 || c == 0x1680 ||
         in_range(c, 0x2000, 0x200A) || is_line_separator(c) || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Invisible characters a word can carry without being another word: soft
// hyphen, zero-width space, word joiner, byte order mark.
bool is_ignorable(char32_t c) noexcept {
  return c == 0xAD || c == 0x200B || c == 0x2060 || c == 0xFEFF;
}

// Letters and digits of any script, approximated without Unicode tables:
// everything except spaces, controls, ASCII and Latin-1 punctuation and
// symbols, and the blocks of punctuation, symbols, emoji, private use,
// variation selectors and specials.
bool is_word_char(char32_t c) noexcept {
  if (c < 0x80) return in_range(c, '0', '9') || in_range(c, 'a', 'z') || in_range(c, 'A', 'Z');
  if (c <= 0xBF) return c == 0xAA || c == 0xB5 || c == 0xBA;  // ª µ º
  if (c == 0xD7 || c == 0xF7) return false;                   // × ÷
  if (is_space(c) || is_ignorable(c)) return false;
  if (in_range(c, 0x2000, 0x2BFF)) return false;  // punctuation, currency, arrows, symbols
  if (in_range(c, 0x2E00, 0x2E7F)) return false;  // supplemental punctuation
  if (in_range(c, 0x3000, 0x303F)) return false;  // CJK symbols and punctuation
  if (in_range(c, 0xE000, 0xF8FF)) return false;  // private use
  if (in_range(c, 0xFE00, 0xFE6F)) return false;  // variation selectors, small and vertical forms
  if (in_range(c, 0xFF01, 0xFF0F) || in_range(c, 0xFF1A, 0xFF20) || in_range(c, 0xFF3B, 0xFF40) ||
      in_range(c, 0xFF5B, 0xFF65))
    return false;                                   // full-width punctuation
  if (in_range(c, 0xFFF0, 0xFFFF)) return false;    // specials, U+FFFD
  if (in_range(c, 0x1F000, 0x1FBFF)) return false;  // emoji, pictographs, game symbols
  if (c >= 0xE0000) return false;                   // tags, variation selectors, private use
  return true;
}

std::string_view trim_ascii(std::string_view s) noexcept {
  auto space = [](char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); };
  while (!s.empty() && space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && space(s.back()))
    s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------- texts

enum class Lines { one, many };

// Checks and cleans one text from outside: valid UTF-8, no control
// characters (newline and tab allowed when `lines` is many, CR LF and a lone
// CR read as a newline), no bidirectional overrides, no line separators in a
// one-line text; trimmed of white space of every kind; at most `max_bytes`
// after trimming. An empty result is allowed here (the callers decide).
Result<std::string> clean_text(std::string_view raw, std::size_t max_bytes, Lines lines,
                               const char* key) {
  std::string_view s = trim_ascii(raw);
  // CR LF becomes one byte, so nothing longer than twice the limit can fit;
  // refuse it before looking at it code point by code point.
  if (s.size() > 2 * max_bytes) return Error::invalid(key, "too long");
  if (!is_valid_utf8(s)) return Error::invalid(key, "not valid UTF-8");
  std::string out;
  out.reserve(s.size());
  std::size_t first_kept = std::string::npos;  // byte offsets in `out` of the non-space text
  std::size_t end_kept = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = next_cp(s, i);
    if (c == '\r' && lines == Lines::many) {
      if (i < s.size() && s[i] == '\n') ++i;
      c = '\n';
    }
    const bool allowed_control = lines == Lines::many && (c == '\n' || c == '\t');
    if (is_control(c) && !allowed_control)
      return Error::invalid(
          key, lines == Lines::one ? "not one line or a control character" : "a control character");
    if (is_bidi_control(c)) return Error::invalid(key, "a bidirectional control character");
    if (lines == Lines::one && is_line_separator(c)) return Error::invalid(key, "not one line");
    const std::size_t at = out.size();
    append_utf8(out, c);
    if (!is_space(c) && !is_ignorable(c)) {
      if (first_kept == std::string::npos) first_kept = at;
      end_kept = out.size();
    }
  }
  if (first_kept == std::string::npos) return std::string();
  out = out.substr(first_kept, end_kept - first_kept);
  if (out.size() > max_bytes) return Error::invalid(key, "too long");
  return out;
}

bool has_word_char(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size())
    if (is_word_char(next_cp(s, i))) return true;
  return false;
}

bool uses_options(ActivityType t) noexcept {
  return t == ActivityType::choice || t == ActivityType::ranking || t == ActivityType::sorting;
}

bool valid_source_id(std::string_view s) noexcept {
  if (s.size() > kSourceIdMaxBytes) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  });
}

// ---------------------------------------------------------------- word cloud

// An entry lower-cased, trimmed of everything but letters and digits at both
// ends, invisible characters removed and inner white space collapsed to one
// space: the form shown on the screen, before the word forms are folded.
std::string clean_entry(std::string_view entry) {
  std::string out;
  out.reserve(entry.size());
  std::size_t end_kept = 0;  // the size of `out` after its last letter or digit
  bool space = false;        // white space since the last character kept
  std::size_t i = 0;
  while (i < entry.size()) {
    const char32_t c = next_cp(entry, i);
    if (is_ignorable(c)) continue;
    if (is_space(c) || is_control(c)) {
      space = !out.empty();
      continue;
    }
    const bool word = is_word_char(c);
    if (out.empty() && !word) continue;  // leading punctuation
    if (space) out += ' ';
    space = false;
    append_utf8(out, c);
    if (word) end_kept = out.size();
  }
  out.resize(end_kept);  // trailing punctuation
  return fold_case(out);
}

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Light folding of the word forms of one lower-cased word (see fold_word).
std::string_view fold_forms(std::string_view word) noexcept {
  // Not the -et of -het and -itet nouns ("trygghet", "kvalitet"): those are
  // the indefinite form, and "tryggheten" must meet "trygghet".
  static constexpr std::array<std::string_view, 6> kEndings = {"ene", "en", "et", "er", "e", "a"};
  for (auto ending : kEndings) {
    if (!ends_with(word, ending)) continue;
    if (ending == "et" && (ends_with(word, "het") || ends_with(word, "itet"))) return word;
    const auto stem = word.substr(0, word.size() - ending.size());
    return cp_count(stem) >= 4 ? stem : word;
  }
  return word;
}

// The key of an entry already cleaned by clean_entry: its last word folded.
std::string fold_last_word(std::string phrase) {
  const std::size_t space = phrase.rfind(' ');
  const std::size_t start = space == std::string::npos ? 0 : space + 1;
  const std::string_view last = std::string_view(phrase).substr(start);
  phrase.resize(start + fold_forms(last).size());
  return phrase;
}

// ---------------------------------------------------------------- results

std::optional<double> mean_of(long long sum, long long n) noexcept {
  if (n <= 0) return std::nullopt;
  return static_cast<double>(sum) / static_cast<double>(n);
}

// Option indices of a choice answer that are in range, each once.
std::vector<std::size_t> valid_choices(const std::vector<int>& choices, std::size_t n) {
  std::set<std::size_t> seen;
  for (int c : choices)
    if (c >= 0 && static_cast<std::size_t>(c) < n) seen.insert(static_cast<std::size_t>(c));
  return {seen.begin(), seen.end()};
}

bool is_permutation_of(const std::vector<int>& order, std::size_t n) {
  if (order.size() != n) return false;
  std::vector<bool> seen(n, false);
  for (int o : order) {
    if (o < 0 || static_cast<std::size_t>(o) >= n || seen[static_cast<std::size_t>(o)])
      return false;
    seen[static_cast<std::size_t>(o)] = true;
  }
  return true;
}

bool valid_levels(const std::vector<int>& levels, std::size_t n) {
  if (levels.size() != n) return false;
  bool placed = false;
  for (int l : levels) {
    if (l < 0 || l > 3) return false;
    placed = placed || l > 0;
  }
  return placed;
}

bool in_ruler(const std::optional<int>& v) noexcept {
  return v && *v >= 0 && *v <= 10;
}

}  // namespace

// ---------------------------------------------------------------- vocabulary

std::string_view slug(ActivityType t) noexcept {
  for (std::size_t i = 0; i < kActivityTypes.size(); ++i)
    if (kActivityTypes[i] == t) return kTypeSlugs[i];
  return {};
}

std::optional<ActivityType> parse_activity_type(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kActivityTypes.size(); ++i)
    if (kTypeSlugs[i] == s) return kActivityTypes[i];
  return std::nullopt;
}

std::string name_key(ActivityType t) {
  return "workshop.type." + std::string(slug(t));
}

// ---------------------------------------------------------------- definitions

Result<ActivityDef> validate(ActivityDef def) {
  auto prompt = clean_text(def.prompt, kPromptMaxBytes, Lines::many, "workshop.error.prompt");
  if (!prompt) return std::move(prompt).error();
  if (prompt->empty()) return Error::invalid("workshop.error.prompt", "empty");
  def.prompt = std::move(*prompt);

  std::vector<std::string> options;
  for (const auto& raw : def.options) {
    if (options.size() > kMaxOptions) break;  // already too many; do not read the rest
    auto option = clean_text(raw, kOptionMaxBytes, Lines::one, "workshop.error.options");
    if (!option) return std::move(option).error();
    if (!option->empty()) options.push_back(std::move(*option));
  }
  if (uses_options(def.type)) {
    if (options.size() < kMinOptions) return Error::invalid("workshop.error.options", "too few");
    if (options.size() > kMaxOptions) return Error::invalid("workshop.error.options", "too many");
    std::set<std::string> distinct;
    for (const auto& o : options)
      if (!distinct.insert(fold_case(o)).second)
        return Error::invalid("workshop.error.options", "an option is repeated");
  } else if (!options.empty()) {
    return Error::invalid("workshop.error.options", "this activity type has no options");
  }
  def.options = std::move(options);
  if (def.type != ActivityType::choice) def.multiple = false;

  if (def.type == ActivityType::scale) {
    for (std::string* label : {&def.scale_min_label, &def.scale_max_label}) {
      auto clean = clean_text(*label, kOptionMaxBytes, Lines::one, "workshop.error.label");
      if (!clean) return std::move(clean).error();
      *label = std::move(*clean);
    }
  } else {
    def.scale_min_label.clear();
    def.scale_max_label.clear();
  }

  const std::string_view source = trim_ascii(def.source_id);
  if (!valid_source_id(source))
    return Error::invalid("workshop.error.source", "not a knowledge-base id");
  def.source_id = std::string(source);
  return def;
}

// ---------------------------------------------------------------- answers

Result<AnswerInput> validate(const ActivityDef& def, AnswerInput answer) {
  const ActivityType t = def.type;
  const std::size_t n = def.options.size();

  // The fields of other types must be empty (blank texts and words count as empty).
  const bool has_text = !trim_ascii(answer.text).empty();
  const bool has_words = std::any_of(answer.words.begin(), answer.words.end(),
                                     [](const std::string& w) { return !trim_ascii(w).empty(); });
  auto foreign = [](const char* key) { return Error::invalid(key, "not used by this activity"); };
  if (t != ActivityType::reflection && has_text) return foreign("workshop.error.text");
  if (t != ActivityType::word_cloud && has_words) return foreign("workshop.error.words");
  if (t != ActivityType::scale && answer.value) return foreign("workshop.error.value");
  if (t != ActivityType::choice && !answer.choices.empty()) return foreign("workshop.error.choice");
  if (t != ActivityType::ranking && !answer.order.empty()) return foreign("workshop.error.order");
  if (t != ActivityType::sorting && !answer.levels.empty()) return foreign("workshop.error.levels");
  if (t != ActivityType::stage_checkin && answer.staging) return foreign("workshop.error.staging");
  if (t != ActivityType::stage_checkin && (answer.importance || answer.confidence))
    return foreign("workshop.error.ruler");
  if (!has_text) answer.text.clear();
  if (!has_words) answer.words.clear();

  switch (t) {
    case ActivityType::reflection: {
      auto text = clean_text(answer.text, kTextMaxBytes, Lines::many, "workshop.error.text");
      if (!text) return std::move(text).error();
      if (text->empty()) return Error::invalid("workshop.error.text", "empty");
      answer.text = std::move(*text);
      break;
    }
    case ActivityType::word_cloud: {
      std::vector<std::string> words;
      for (const auto& raw : answer.words) {
        if (words.size() > kMaxWords) break;  // already too many; do not read the rest
        auto word = clean_text(raw, kWordMaxBytes, Lines::one, "workshop.error.words");
        if (!word) return std::move(word).error();
        if (word->empty()) continue;
        if (!has_word_char(*word))
          return Error::invalid("workshop.error.words", "no letter or digit");
        words.push_back(std::move(*word));
      }
      if (words.empty()) return Error::invalid("workshop.error.words", "none");
      if (words.size() > kMaxWords) return Error::invalid("workshop.error.words", "too many");
      answer.words = std::move(words);
      break;
    }
    case ActivityType::scale:
      if (!in_ruler(answer.value)) return Error::invalid("workshop.error.value", "not 0..10");
      break;
    case ActivityType::choice: {
      if (answer.choices.empty()) return Error::invalid("workshop.error.choice", "none");
      if (answer.choices.size() > n)
        return Error::invalid("workshop.error.choice", "more choices than options");
      std::vector<bool> seen(n, false);
      for (int c : answer.choices) {
        if (c < 0 || static_cast<std::size_t>(c) >= n)
          return Error::invalid("workshop.error.choice", "out of range");
        if (seen[static_cast<std::size_t>(c)])
          return Error::invalid("workshop.error.choice", "repeated");
        seen[static_cast<std::size_t>(c)] = true;
      }
      if (!def.multiple && answer.choices.size() > 1)
        return Error::invalid("workshop.error.choice", "several, but only one may be chosen");
      break;
    }
    case ActivityType::ranking:
      if (!is_permutation_of(answer.order, n))
        return Error::invalid("workshop.error.order", "not every option once");
      break;
    case ActivityType::sorting:
      if (answer.levels.size() != n)
        return Error::invalid("workshop.error.levels", "not one level per card");
      for (int l : answer.levels)
        if (l < 0 || l > 3) return Error::invalid("workshop.error.levels", "a level outside 0..3");
      if (!valid_levels(answer.levels, n))
        return Error::invalid("workshop.error.levels", "no card placed");
      break;
    case ActivityType::stage_checkin:
      if (!answer.staging) return Error::invalid("workshop.error.staging", "missing");
      if ((answer.importance && !in_ruler(answer.importance)) ||
          (answer.confidence && !in_ruler(answer.confidence)))
        return Error::invalid("workshop.error.ruler", "not 0..10");
      break;
  }
  return answer;
}

// ---------------------------------------------------------------- word cloud

std::string fold_word(std::string_view entry) {
  return fold_last_word(clean_entry(entry));
}

// ---------------------------------------------------------------- results

Results aggregate(const ActivityDef& def, const std::vector<StoredAnswer>& answers, int min_group) {
  Results r;
  r.type = def.type;
  const std::size_t n = def.options.size();
  std::vector<const AnswerInput*> visible;
  std::vector<const StoredAnswer*> visible_stored;
  for (const auto& a : answers)
    if (!a.hidden) {
      visible.push_back(&a.answer);
      visible_stored.push_back(&a);
    }

  switch (def.type) {
    case ActivityType::reflection: {
      std::vector<TextItem> pinned, rest;
      for (auto it = visible_stored.rbegin(); it != visible_stored.rend(); ++it) {
        const StoredAnswer& a = **it;
        if (a.answer.text.empty()) continue;
        (a.pinned ? pinned : rest).push_back({a.id, a.answer.text, a.pinned});
      }
      r.answers = static_cast<int>(pinned.size() + rest.size());
      r.texts = std::move(pinned);
      r.texts.insert(r.texts.end(), std::make_move_iterator(rest.begin()),
                     std::make_move_iterator(rest.end()));
      break;
    }
    case ActivityType::word_cloud: {
      struct Form {
        int count = 0;
        std::size_t first = 0;  // order of first appearance
      };
      struct Entry {
        int count = 0;
        std::map<std::string, Form> forms;
      };
      std::map<std::string, Entry> entries;
      std::size_t seq = 0;
      std::vector<std::string> keys;  // of one answer: each key counts once per answer
      for (const AnswerInput* a : visible) {
        keys.clear();
        for (const auto& w : a->words) {
          std::string shown = clean_entry(w);
          if (shown.empty()) continue;
          std::string key = fold_last_word(shown);
          if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
          keys.push_back(key);
          Entry& e = entries[std::move(key)];
          ++e.count;
          auto [form, added] = e.forms.try_emplace(std::move(shown));
          if (added) form->second.first = seq++;
          ++form->second.count;
        }
        if (!keys.empty()) ++r.answers;
      }
      for (auto& [key, e] : entries) {
        const auto best = std::min_element(e.forms.begin(), e.forms.end(), [](auto& x, auto& y) {
          if (x.second.count != y.second.count) return x.second.count > y.second.count;
          const auto lx = cp_count(x.first), ly = cp_count(y.first);
          if (lx != ly) return lx < ly;
          return x.second.first < y.second.first;
        });
        r.words.push_back({key, best->first, e.count});
      }
      std::stable_sort(r.words.begin(), r.words.end(),
                       [](const WordCount& x, const WordCount& y) { return x.count > y.count; });
      break;
    }
    case ActivityType::scale: {
      std::vector<int> values;
      for (const AnswerInput* a : visible)
        if (in_ruler(a->value)) values.push_back(*a->value);
      r.answers = static_cast<int>(values.size());
      if (values.empty()) break;
      long long sum = 0;
      for (int v : values) {
        ++r.histogram[static_cast<std::size_t>(v)];
        sum += v;
      }
      r.mean = mean_of(sum, static_cast<long long>(values.size()));
      std::sort(values.begin(), values.end());
      const std::size_t m = values.size() / 2;
      r.median = values.size() % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2.0;
      break;
    }
    case ActivityType::choice: {
      for (const auto& o : def.options)
        r.choices.push_back({o, 0});
      for (const AnswerInput* a : visible) {
        const auto chosen = valid_choices(a->choices, n);
        for (std::size_t c : chosen)
          ++r.choices[c].count;
        if (!chosen.empty()) ++r.answers;
      }
      break;
    }
    case ActivityType::ranking: {
      std::vector<long long> place_sum(n, 0);
      for (const auto& o : def.options)
        r.ranking.push_back({o, 0, 0.0});
      for (const AnswerInput* a : visible) {
        if (!is_permutation_of(a->order, n)) continue;
        ++r.answers;
        for (std::size_t place = 0; place < n; ++place) {
          const auto option = static_cast<std::size_t>(a->order[place]);
          r.ranking[option].points += static_cast<int>(n - 1 - place);
          place_sum[option] += static_cast<long long>(place) + 1;
        }
      }
      if (r.answers > 0)
        for (std::size_t i = 0; i < n; ++i)
          r.ranking[i].mean_rank = *mean_of(place_sum[i], r.answers);
      std::stable_sort(
          r.ranking.begin(), r.ranking.end(),
          [](const RankedOption& x, const RankedOption& y) { return x.points > y.points; });
      break;
    }
    case ActivityType::stage_checkin: {
      std::vector<int> counts(readiness::kStages.size(), 0);
      long long importance_sum = 0, importance_n = 0, confidence_sum = 0, confidence_n = 0;
      int total = 0;
      for (const AnswerInput* a : visible) {
        if (!a->staging) continue;
        ++counts[static_cast<std::size_t>(readiness::index(readiness::stage_for(*a->staging)))];
        ++total;
        if (in_ruler(a->importance)) {
          importance_sum += *a->importance;
          ++importance_n;
        }
        if (in_ruler(a->confidence)) {
          confidence_sum += *a->confidence;
          ++confidence_n;
        }
      }
      const int m = readiness::effective_min_group(min_group);
      if (total < m) break;  // nothing at all, not even the total
      r.stages_shown = true;
      r.answers = total;
      const auto shown = readiness::suppress(counts, m);
      for (std::size_t i = 0; i < counts.size(); ++i) {
        r.stage_shown[i] = shown[i];
        r.stages[i] = shown[i] ? counts[i] : 0;
      }
      if (importance_n >= m) r.importance_mean = mean_of(importance_sum, importance_n);
      if (confidence_n >= m) r.confidence_mean = mean_of(confidence_sum, confidence_n);
      break;
    }
    case ActivityType::sorting: {
      for (const auto& card : def.options)
        r.sorting.push_back({card, {}});
      for (const AnswerInput* a : visible) {
        if (!valid_levels(a->levels, n)) continue;
        ++r.answers;
        for (std::size_t i = 0; i < n; ++i)
          if (a->levels[i] > 0) ++r.sorting[i].counts[static_cast<std::size_t>(a->levels[i] - 1)];
      }
      break;
    }
  }
  return r;
}

}  // namespace samskap::workshop
