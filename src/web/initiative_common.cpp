#include "web/initiative_common.hpp"

#include <ctime>

#include "web/auth.hpp"

namespace samskap::web {

store::Actor actor_of(const Request& req) {
  store::Actor a;
  if (req.principal) {
    a.org = req.principal->organisation_id;
    a.user_id = req.principal->user_id;
    a.role = req.principal->role;
  }
  return a;
}

Response store_error_page(const App& app, const Request& req, const Error& e) {
  switch (e.code) {
    case ErrorCode::not_found:
      return app.error_page(req, 404);
    case ErrorCode::unavailable:
      return app.error_page(req, 503);
    case ErrorCode::conflict: {
      Response r = app.message_page(req, 409, "initiative.conflict_title", e.message_key);
      return r;
    }
    default:
      return app.error_page(req, 400);
  }
}

std::string initiative_path(const std::string& id, std::string_view tab) {
  std::string p = "/initiativ/" + id;
  if (!tab.empty()) {
    p += '/';
    p += tab;
  }
  return p;
}

Data initiative_page_data(App& app, const Request& req, const store::Initiative& i,
                          std::string_view current_tab) {
  const auto& r = app.renderer();
  Data d{Data::type::object};
  Data in{Data::type::object};
  in.set("id", i.id);
  in.set("title", i.title);
  in.set("status", std::string(initiative::slug(i.status)));
  in.set("status_label", std::string(r.text(req.lang, initiative::name_key(i.status))));
  in.set("organisation", i.organisation_name);
  set_text(in, "unit", i.unit_name);
  in.set("collaborating", i.collaborating ? Data::type::bool_true : Data::type::bool_false);
  in.set("version", std::to_string(i.version));
  in.set("href", initiative_path(i.id));
  d.set("initiative", in);
  Data tabs{Data::type::list};
  for (const auto& t : kInitiativeTabs) {
    Data tab{Data::type::object};
    tab.set("href", initiative_path(i.id, t.slug));
    tab.set("label", std::string(r.text(req.lang, t.label_key)));
    tab.set("current", t.slug == current_tab ? Data::type::bool_true : Data::type::bool_false);
    tabs.push_back(tab);
  }
  d.set("tabs", tabs);
  d.set("csrf", app.auth().csrf_for(req));
  d.set("initiative_header", r.fragment("fragments/initiative_header", d, req.lang));
  return d;
}

std::optional<initiative::Date> date_field(const App& app, const Request& req,
                                           std::string_view field, FormErrors& errors,
                                           bool required) {
  std::string text = form_field(req, field, 100);
  if (text.empty()) {
    if (required) errors.add(app, req, std::string(field), "initiative.error.date_required");
    return std::nullopt;
  }
  auto d = initiative::parse_date(text);
  if (!d) {
    errors.add(app, req, std::string(field), d.error().message_key);
    return std::nullopt;
  }
  return *d;
}

initiative::Date today(const App& app) {
  auto tt = std::chrono::system_clock::to_time_t(app.clock().now());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

}  // namespace samskap::web
