#pragma once
// The message catalogues: every user-visible text of the product, in bokmål
// (content/messages/nb.toml) and English (content/messages/en.toml).
//
// Keys are dotted paths of the TOML tables ("nav.home"). Both languages must
// have exactly the same keys; load() fails otherwise, naming file and line.
// A loaded Catalog is immutable and safe to share between threads.

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "core/embedded_file.hpp"
#include "core/error.hpp"
#include "core/language.hpp"

namespace samskap::content {

class Catalog {
 public:
  using Messages = std::map<std::string, std::string, std::less<>>;

  // Parses messages/nb.toml and messages/en.toml from `files` (paths relative
  // to content/). Errors: invalid_input with a detail "file:line: reason" for a
  // syntax error, a value that is not a string, or a key missing in one language.
  static Result<Catalog> load(std::span<const EmbeddedFile> files);

  // The catalogues compiled into the binary. Throws std::runtime_error if they
  // are broken, which the build's own tests rule out.
  static const Catalog& embedded();

  // The text for `key`, or the key itself when missing (never throws, so a
  // missing text shows up visibly instead of crashing a page).
  std::string_view text(Language lang, std::string_view key) const;

  // All messages of a language, ordered by key.
  const Messages& messages(Language lang) const { return lang == Language::en ? en_ : nb_; }

 private:
  Messages nb_;
  Messages en_;
};

}  // namespace samskap::content
