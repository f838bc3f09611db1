#pragma once
// The JSON API for change initiatives (issue 5) under /api/v1/initiatives,
// documented in docs/api.md ("Initiatives"). Same permissions as the pages:
// view_results to read, manage_initiatives to change; Bearer API tokens or a
// session (with X-CSRF-Token) are accepted. Another organisation's initiative
// is 404, like a missing one.

#include <vector>

#include "web/app.hpp"
#include "web/http.hpp"

namespace samskap::web {

// GET    /api/v1/initiatives                          the caller's initiatives
// GET    /api/v1/initiatives/:id                      one, with all its parts
// POST   /api/v1/initiatives                          create
// PUT    /api/v1/initiatives/:id                      update (with "version")
// POST   /api/v1/initiatives/:id/goals                add a goal
// POST   /api/v1/initiatives/:id/goals/:goal/progress add a progress entry
// POST   /api/v1/initiatives/:id/anchoring            add an anchoring assessment
// POST   /api/v1/initiatives/:id/partners             add a partner
// POST   /api/v1/initiatives/:id/evidence             add an evidence entry
// POST   /api/v1/initiatives/:id/activities           add an activity
void add_initiative_api_routes(App& app, std::vector<Route>& routes);

}  // namespace samskap::web
