#pragma once
// Renders the mustache templates (templates/, embedded) inside the base
// layout, with the message catalogue of the request's language available as
// {{t.key.path}}. Values are HTML-escaped unless a template uses {{{…}}}.
//
// Thread-safe: every thread parses a template once and keeps it.

#include <kainjow/mustache.hpp>
#include <map>
#include <span>
#include <string>

#include "content/catalog.hpp"
#include "core/embedded_file.hpp"
#include "core/language.hpp"
#include "web/assets.hpp"
#include "web/http.hpp"

namespace samskap::web {

using Data = kainjow::mustache::data;

struct PageContext {
  Language lang = kDefaultLanguage;
  std::string title;  // the page's own title, already in the right language
  std::string path;   // the current path, for the language switch and aria-current
  std::string query;  // the query without lang (encoded), kept by the language switch
  const Principal* principal = nullptr;  // the signed-in user, for the user menu
  std::string csrf;                      // the CSRF token for forms in the layout (log out)
};

// The context of a page for `req`: its language, path, query (without lang)
// and, when signed in with a session, the user and CSRF token for the layout.
PageContext page_context(const Request& req, std::string title);

class Renderer {
 public:
  // Checks that every template parses; throws std::runtime_error naming the
  // file and the mustache error otherwise.
  Renderer(std::span<const EmbeddedFile> templates, const content::Catalog& catalog,
           const AssetTable& assets);

  // templates/pages/<name>.mustache inside templates/layout.mustache.
  std::string page(std::string_view name, const Data& data, const PageContext& ctx) const;

  // A template on its own (an htmx fragment): templates/<name>.mustache.
  std::string fragment(std::string_view name, const Data& data, Language lang) const;

  // The catalogue text for `key` in `lang`.
  std::string_view text(Language lang, std::string_view key) const {
    return catalog_.text(lang, key);
  }

  const content::Catalog& catalog() const { return catalog_; }

 private:
  std::string render(std::string_view path, const Data& data, Language lang) const;

  std::map<std::string, std::string, std::less<>> sources_;
  const content::Catalog& catalog_;
  const AssetTable& assets_;
  Data t_nb_;
  Data t_en_;
};

// The embedded templates.
std::span<const EmbeddedFile> embedded_templates();

}  // namespace samskap::web
