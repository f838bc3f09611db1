#pragma once
// Live co-creation workshops (issue 8), the pages:
// - /initiativ/:id/verksted: the initiative's workshops and a form for a new one;
//   /initiativ/:id/verksted/:ws: the builder (activities from the seeds'
//   reflection tasks, the 1.0/2.0/3.0 case, or one's own);
//   …/:ws/styring: the facilitator's control view (next/previous, open/close,
//   reveal, moderation); …/:ws/skjerm: the presenter view for the big screen;
//   …/:ws/hendelser: the screens' event stream; …/:ws/oppsummering: the
//   summary; …/:ws/eksport.csv and .xlsx.
// - /w and /w/:code: participants join with the code, without an account, and
//   answer the current activity (no JavaScript needed; with it the page
//   follows the workshop by itself through /w/:code/hendelser).
// Nothing here stores anything about the request with an answer.

#include <vector>

#include "web/app.hpp"
#include "web/http.hpp"

namespace samskap::web {

void add_workshop_routes(App& app, std::vector<Route>& routes);

}  // namespace samskap::web
