#pragma once
// The initiative list, creation, the overview, editing (title, status,
// people, dates, vision, SDG tags), deletion and the printable status report
// (issue 5). The tabs of an initiative live in their own files.

#include <vector>

#include "web/http.hpp"

namespace samskap::web {

class App;

void add_initiative_routes(App& app, std::vector<Route>& routes);

}  // namespace samskap::web
