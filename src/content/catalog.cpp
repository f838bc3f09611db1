#include "content/catalog.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <stdexcept>
#include <vector>

namespace samskap::content {

namespace embedded {
std::span<const EmbeddedFile> files();
}

namespace {

std::string where(std::string_view file, const toml::source_region& src) {
  return std::string(file) + ":" + std::to_string(src.begin.line);
}

// Flattens nested tables into dotted keys; remembers each key's line for errors.
Status flatten(const toml::table& table, const std::string& prefix, std::string_view file,
               Catalog::Messages& out, std::map<std::string, std::string>& lines) {
  for (const auto& [k, node] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      auto st = flatten(*sub, key, file, out, lines);
      if (!st) return st;
    } else if (const auto* s = node.as_string()) {
      out.emplace(key, s->get());
      lines.emplace(key, where(file, node.source()));
    } else {
      return Error::invalid("error.content",
                            where(file, node.source()) + ": '" + key + "' must be a string");
    }
  }
  return ok_status();
}

Result<Catalog::Messages> parse(std::span<const EmbeddedFile> files, std::string_view path,
                                std::map<std::string, std::string>& lines) {
  const EmbeddedFile* f = find_embedded(files, path);
  if (!f) return Error::invalid("error.content", std::string(path) + ": file is missing");
  toml::table parsed;
  try {
    parsed = toml::parse(f->data, path);
  } catch (const toml::parse_error& err) {
    return Error::invalid("error.content",
                          where(path, err.source()) + ": " + std::string(err.description()));
  }
  Catalog::Messages out;
  auto st = flatten(parsed, "", path, out, lines);
  if (!st) return std::move(st).error();
  return out;
}

// One language: messages/<code>.toml and every messages/<code>/*.toml (one
// file per feature, so features can be edited side by side). A key defined in
// two files is an error naming both.
Result<Catalog::Messages> parse_language(std::span<const EmbeddedFile> files, std::string_view code,
                                         std::map<std::string, std::string>& lines) {
  const std::string main_file = "messages/" + std::string(code) + ".toml";
  const std::string folder = "messages/" + std::string(code) + "/";
  auto all = parse(files, main_file, lines);
  if (!all) return all;
  std::vector<std::string_view> extra;
  for (const auto& f : files)
    if (f.path.starts_with(folder) && f.path.ends_with(".toml")) extra.push_back(f.path);
  std::sort(extra.begin(), extra.end());
  for (auto path : extra) {
    std::map<std::string, std::string> more_lines;
    auto more = parse(files, path, more_lines);
    if (!more) return more;
    for (auto& [key, text] : *more) {
      if (all->contains(key))
        return Error::invalid("error.content", more_lines[key] + ": '" + key +
                                                   "' is already defined at " + lines[key]);
      all->emplace(key, std::move(text));
      lines.emplace(key, more_lines[key]);
    }
  }
  return all;
}

}  // namespace

Result<Catalog> Catalog::load(std::span<const EmbeddedFile> files) {
  std::map<std::string, std::string> nb_lines, en_lines;
  auto nb = parse_language(files, "nb", nb_lines);
  if (!nb) return std::move(nb).error();
  auto en = parse_language(files, "en", en_lines);
  if (!en) return std::move(en).error();
  for (const auto& [key, line] : nb_lines)
    if (!en->contains(key))
      return Error::invalid("error.content", line + ": '" + key + "' has no English text");
  for (const auto& [key, line] : en_lines)
    if (!nb->contains(key))
      return Error::invalid("error.content", line + ": '" + key + "' has no bokmål text");
  Catalog c;
  c.nb_ = std::move(*nb);
  c.en_ = std::move(*en);
  return c;
}

const Catalog& Catalog::embedded() {
  static const Catalog catalog = [] {
    auto loaded = load(embedded::files());
    if (!loaded) throw std::runtime_error("message catalogue: " + loaded.error().detail);
    return std::move(loaded).value();
  }();
  return catalog;
}

std::string_view Catalog::text(Language lang, std::string_view key) const {
  const auto& m = messages(lang);
  auto it = m.find(key);
  return it == m.end() ? key : std::string_view(it->second);
}

}  // namespace samskap::content
