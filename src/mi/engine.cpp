#include "mi/engine.hpp"

#include <algorithm>
#include <fstream>
#include <span>

#include "core/embedded_file.hpp"

namespace samskap::mi::embedded {
std::span<const samskap::EmbeddedFile> files();
}

namespace samskap::mi {

std::optional<std::string_view> embedded_data(std::string_view path) {
  if (const auto* f = find_embedded(embedded::files(), path)) return f->data;
  return std::nullopt;
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error::invalid("mi.error.io", path.string() + ": " + ec.message());
  if (size > max_bytes)
    return Error{ErrorCode::too_large, "mi.error.too_large",
                 path.string() + " is " + std::to_string(size) + " bytes; the limit is " +
                     std::to_string(max_bytes)};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalid("mi.error.io", path.string() + ": cannot open");
  std::string data(static_cast<std::size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size)
    return Error::invalid("mi.error.io", path.string() + ": short read");
  return data;
}

namespace {

Result<std::string_view> need(std::string_view path) {
  auto d = embedded_data(path);
  if (!d)
    return Error{ErrorCode::internal, "mi.error.bad_lexicon", std::string(path) + " not embedded"};
  return *d;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The words of a line in the written order (words_of sorts them).
std::vector<std::string> in_order(std::string_view rest) {
  std::vector<std::string> w;
  for (std::size_t at = 0; at < rest.size();) {
    auto next = rest.find(' ', at);
    if (next == std::string_view::npos) next = rest.size();
    if (next > at) w.emplace_back(rest.substr(at, next - at));
    at = next + 1;
  }
  return w;
}

Templates parse_templates(std::string_view text) {
  Templates t;
  auto words = [](std::string_view rest, std::vector<std::string>& into) {
    for (auto& w : words_of(rest))
      into.push_back(std::move(w));
    std::sort(into.begin(), into.end());
    into.erase(std::unique(into.begin(), into.end()), into.end());
  };
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (l.empty() || l.front() == '#') continue;
    auto sp = l.find(' ');
    if (sp == std::string_view::npos) continue;
    std::string_view key = l.substr(0, sp), rest = l.substr(sp + 1);
    if (key == "reflection") t.reflection = rest;
    if (key == "reflection_fallback") t.reflection_fallback = rest;
    if (key == "question") t.question = rest;
    if (key == "question_with") t.question_with = rest;
    if (key == "verb_second") t.verb_second = rest == "true";
    if (key == "subjects") words(rest, t.subjects);
    if (key == "adverbs") words(rest, t.adverbs);
    if (key == "fillers") words(rest, t.fillers);
    if (key == "addressee") words(rest, t.addressee);
    if (key == "swap") {
      auto sp2 = rest.find(' ');
      if (sp2 != std::string_view::npos)
        t.swaps[std::string(rest.substr(0, sp2))] = std::string(rest.substr(sp2 + 1));
    }
    if (key == "swap2") {
      auto w = in_order(rest);
      if (w.size() == 4) t.swaps2[{w[0], w[1]}] = {w[2], w[3]};
    }
    if (key == "hedge") {
      auto w = in_order(rest);
      if (!w.empty()) t.hedges.push_back(std::move(w));
    }
  }
  return t;
}

Result<std::optional<ModelBundle>> load_model(const std::optional<std::filesystem::path>& dir,
                                              std::string_view name) {
  Result<ModelBundle> b = Error::invalid("mi.error.bad_model", "not loaded");
  if (dir) {
    auto path = *dir / name;
    if (!std::filesystem::exists(path)) return std::optional<ModelBundle>{};
    auto r = read_file(path, 64u << 20);
    if (!r) return std::move(r).error();
    b = ModelBundle::deserialise(std::make_shared<const std::string>(std::move(r).value()));
  } else {
    // Compiled into the binary: used in place, never copied.
    auto e = embedded_data("models/" + std::string(name));
    if (!e) return std::optional<ModelBundle>{};
    b = ModelBundle::deserialise_static(*e);
  }
  if (!b) {
    Error err = std::move(b).error();
    err.detail = std::string(name) + ": " + err.detail;
    return err;
  }
  return std::optional<ModelBundle>(std::move(b).value());
}

}  // namespace

Result<Engine> Engine::load(const std::optional<std::filesystem::path>& models_dir) {
  Engine e;
  for (auto [lang, path] : {std::pair{Language::en, "content/mi/cues-en.txt"},
                            std::pair{Language::nb, "content/mi/cues-nb.txt"}}) {
    auto text = need(path);
    if (!text) return std::move(text).error();
    auto lex = Lexicon::parse(lang, *text);
    if (!lex) return std::move(lex).error();
    (lang == Language::en ? e.en : e.nb) = std::move(lex).value();
  }
  auto se = need("content/mi/stopwords-en.txt");
  auto sn = need("content/mi/stopwords-nb.txt");
  auto te = need("content/mi/templates-en.txt");
  auto tn = need("content/mi/templates-nb.txt");
  if (!se || !sn || !te || !tn)
    return Error{ErrorCode::internal, "mi.error.bad_lexicon", "content/mi files missing"};
  e.stop_en = words_of(*se);
  e.stop_nb = words_of(*sn);
  e.templates_en = parse_templates(*te);
  e.templates_nb = parse_templates(*tn);
  auto full = load_model(models_dir, kFullModelFile);
  if (!full) return std::move(full).error();
  e.full_en = std::move(full).value();
  auto full_nb = load_model(models_dir, kNbFullModelFile);
  if (!full_nb) return std::move(full_nb).error();
  e.full_nb = std::move(full_nb).value();
  auto cue = load_model(models_dir, kCueModelFile);
  if (!cue) return std::move(cue).error();
  e.cue = std::move(cue).value();
  return e;
}

}  // namespace samskap::mi
