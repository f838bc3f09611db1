#include "web/renderer.hpp"

#include <stdexcept>
#include <unordered_map>

#include "core/version.hpp"

namespace samskap::web {

namespace templates_embedded {
std::span<const EmbeddedFile> files();
}
std::span<const EmbeddedFile> embedded_templates() {
  return templates_embedded::files();
}

PageContext page_context(const Request& req, std::string title) {
  PageContext pc;
  pc.lang = req.lang;
  pc.title = std::move(title);
  pc.path = req.path;
  pc.query = query_without(req.query, "lang");
  if (req.principal && !req.principal->via_api_token) {
    pc.principal = &*req.principal;
    pc.csrf = req.principal->csrf_token;
  }
  return pc;
}

namespace {

using kainjow::mustache::mustache;

// Dotted keys -> nested mustache objects.
struct Node {
  std::string text;
  bool has_text = false;
  std::map<std::string, Node> children;
};

Data to_data(const Node& n) {
  if (n.children.empty()) return Data(n.text);
  Data obj{Data::type::object};
  for (const auto& [k, child] : n.children)
    obj.set(k, to_data(child));
  return obj;
}

Data catalog_tree(const content::Catalog::Messages& messages) {
  Node root;
  for (const auto& [key, text] : messages) {
    Node* n = &root;
    std::size_t start = 0;
    while (true) {
      auto dot = key.find('.', start);
      n = &n->children[key.substr(start, dot - start)];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    n->text = text;
    n->has_text = true;
  }
  Data wrapped{Data::type::object};
  wrapped.set("t", to_data(root));
  return wrapped;
}

}  // namespace

Renderer::Renderer(std::span<const EmbeddedFile> templates, const content::Catalog& catalog,
                   const AssetTable& assets)
    : catalog_(catalog),
      assets_(assets),
      t_nb_(catalog_tree(catalog.messages(Language::nb))),
      t_en_(catalog_tree(catalog.messages(Language::en))) {
  for (const auto& f : templates) {
    if (!f.path.ends_with(".mustache")) continue;
    std::string src(f.data);
    mustache m(src);
    if (!m.is_valid())
      throw std::runtime_error("templates/" + std::string(f.path) + ": " + m.error_message());
    sources_.emplace(std::string(f.path), std::move(src));
  }
  if (!sources_.contains("layout.mustache"))
    throw std::runtime_error("templates/layout.mustache is missing");
}

std::string Renderer::render(std::string_view path, const Data& data, Language lang) const {
  thread_local std::unordered_map<std::string, std::unique_ptr<mustache>> cache;
  std::string key(path);
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto src = sources_.find(path);
    if (src == sources_.end()) throw std::runtime_error("no template " + key);
    it = cache.emplace(key, std::make_unique<mustache>(src->second)).first;
  }
  // The catalogue ({{t.…}}) is shared, never copied: it sits below the page
  // data in the context stack.
  kainjow::mustache::context<std::string> ctx;
  ctx.push(lang == Language::en ? &t_en_ : &t_nb_);
  ctx.push(&data);
  return it->second->render(ctx);
}

std::string Renderer::page(std::string_view name, const Data& data, const PageContext& pc) const {
  std::string body = render("pages/" + std::string(name) + ".mustache", data, pc.lang);
  const bool en = pc.lang == Language::en;
  Data layout{Data::type::object};
  layout.set("lang", std::string(code(pc.lang)));
  layout.set("title", pc.title);
  layout.set("body", body);
  layout.set("version", std::string(kVersion));
  layout.set("css_url", assets_.url("app.css"));
  layout.set("js_url", assets_.url("app.js"));
  layout.set("htmx_url", assets_.url("htmx.min.js"));
  layout.set("chart_url", assets_.url("chart.umd.js"));
  // The language switch points at the same page in the other language.
  Data sw{Data::type::object};
  std::string path;
  for (std::size_t start = 0; start <= pc.path.size();) {
    auto slash = pc.path.find('/', start);
    if (slash == std::string::npos) slash = pc.path.size();
    path += url_encode(std::string_view(pc.path).substr(start, slash - start));
    if (slash < pc.path.size()) path += '/';
    start = slash + 1;
  }
  sw.set("href",
         path + "?" + (pc.query.empty() ? "" : pc.query + "&") + "lang=" + (en ? "nb" : "en"));
  sw.set("hreflang", en ? "nb" : "en");
  sw.set("label", std::string(catalog_.text(pc.lang, "layout.switch_language")));
  layout.set("lang_switch", sw);
  layout.set("csrf", pc.csrf);
  if (pc.principal) {
    Data user{Data::type::object};
    user.set("name", pc.principal->display_name);
    user.set("organisation", pc.principal->organisation_name);
    layout.set("user", user);
  }
  std::vector<std::pair<const char*, const char*>> links = {
      {"/", "nav.home"}, {"/kunnskap", "nav.knowledge"}, {"/om", "nav.about"}};
  if (pc.principal && allows(pc.principal->role, Permission::view_results)) {
    links.push_back({"/initiativ", "nav.initiatives"});
    links.push_back({"/henvendelser", "nav.requests"});
  }
  if (pc.principal && allows(pc.principal->role, Permission::manage_initiatives))
    links.push_back({"/mi", "nav.mi"});
  if (pc.principal) links.push_back({"/meg", "nav.account"});
  if (pc.principal && allows(pc.principal->role, Permission::manage_users))
    links.push_back({"/admin/brukere", "nav.admin"});
  if (!pc.principal) links.push_back({"/logg-inn", "nav.login"});
  Data nav{Data::type::list};
  for (const auto& [href, key] : links) {
    Data item{Data::type::object};
    item.set("href", href);
    item.set("label", std::string(catalog_.text(pc.lang, key)));
    bool current = pc.path == href || (std::string_view(href) != "/" && pc.path.starts_with(href));
    item.set("current", current ? Data::type::bool_true : Data::type::bool_false);
    nav.push_back(item);
  }
  layout.set("nav", nav);
  return render("layout.mustache", layout, pc.lang);
}

std::string Renderer::fragment(std::string_view name, const Data& data, Language lang) const {
  return render(std::string(name) + ".mustache", data, lang);
}

}  // namespace samskap::web
