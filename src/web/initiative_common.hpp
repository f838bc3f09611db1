#pragma once
// Shared by the request and initiative pages (issue 5): the caller as a store
// Actor, store errors as responses, the header and tabs every initiative page
// shows, and option lists for the select boxes.

#include <optional>
#include <string>
#include <string_view>

#include "core/initiative.hpp"
#include "store/initiatives.hpp"
#include "web/app.hpp"
#include "web/forms.hpp"
#include "web/http.hpp"
#include "web/renderer.hpp"

namespace samskap::web {

// The signed-in caller (the route guard guarantees one).
store::Actor actor_of(const Request& req);

// A store error that is not a form problem: not_found → 404 page,
// unavailable → 503, conflict → 409 with the message, anything else → 400.
Response store_error_page(const App& app, const Request& req, const Error& e);

// The tabs of an initiative, in order. `slug` is the path after
// /initiativ/<id>/ (empty for the overview).
struct InitiativeTab {
  std::string_view slug;
  std::string_view label_key;
};
inline constexpr InitiativeTab kInitiativeTabs[] = {
    {"", "initiative.tab.overview"},
    {"mal", "initiative.tab.goals"},
    {"forankring", "initiative.tab.anchoring"},
    {"partnere", "initiative.tab.partners"},
    {"kompleksitet", "initiative.tab.complexity"},
    {"kunnskapsgrunnlag", "initiative.tab.evidence"},
    {"plan", "initiative.tab.plan"},
    {"innsjekk", "initiative.tab.checkins"},
    {"verksted", "initiative.tab.workshops"},
    {"samarbeid", "initiative.tab.collaborators"},
};

// "/initiativ/<id>" or "/initiativ/<id>/<tab>".
std::string initiative_path(const std::string& id, std::string_view tab = {});

// The page data every initiative page starts from: "initiative" (id, title,
// status, status_label, organisation, collaborating, version), "tabs"
// (href, label, current) and "csrf". The page template shows the header with
// {{{initiative_header}}} (rendered from templates/fragments/initiative_header).
Data initiative_page_data(App& app, const Request& req, const store::Initiative& i,
                          std::string_view current_tab);

// <option> lists: [{value, label, selected}] over an enum's values, with the
// labels from the catalogue.
template <typename Enum, std::size_t N>
Data enum_options(const App& app, const Request& req, const std::array<Enum, N>& values,
                  std::optional<Enum> selected);

// A date field as typed (dd.mm.åååå or ISO). Empty → nullopt; bad text adds
// the error to `errors` under `field` and gives nullopt.
std::optional<initiative::Date> date_field(const App& app, const Request& req,
                                           std::string_view field, FormErrors& errors,
                                           bool required = false);

// Today's date in UTC from the app's clock.
initiative::Date today(const App& app);

// ---------------------------------------------------------------- details

template <typename Enum, std::size_t N>
Data enum_options(const App& app, const Request& req, const std::array<Enum, N>& values,
                  std::optional<Enum> selected) {
  Data list{Data::type::list};
  for (Enum v : values) {
    Data o{Data::type::object};
    o.set("value", std::string(initiative::slug(v)));
    o.set("label", std::string(app.renderer().text(req.lang, initiative::name_key(v))));
    o.set("selected", selected && *selected == v ? Data::type::bool_true : Data::type::bool_false);
    list.push_back(o);
  }
  return list;
}

}  // namespace samskap::web
