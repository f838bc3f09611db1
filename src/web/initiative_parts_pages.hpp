#pragma once
// Three tabs of a change initiative (issue 5):
//
//   /initiativ/:id/mal           the vision (read-only; edited on /rediger) and
//                                the SMART goals with the SMART check as advice,
//                                progress entries as a chart with a table;
//   /initiativ/:id/forankring    the seven anchoring items self-assessed 1–5,
//                                repeatable, with the history as chart and table;
//   /initiativ/:id/kompleksitet  the guided Cynefin questions, the suggested
//                                domain and the knowledge base's approach for it,
//                                with the facilitator's override and a note.
//
// Contract
// - The three tab pages need Permission::view_results; the goal edit page
//   (GET /initiativ/:id/mal/:goal/endre) and every POST need
//   Permission::manage_initiatives, POSTs also the CSRF token (App::before).
//   Routes: POST …/mal (new goal), …/mal/:goal/endre (change, with the goal's
//   version), …/mal/:goal/slett, …/mal/:goal/maling (progress entry),
//   …/mal/:goal/maling/:entry/slett, …/forankring (new assessment),
//   …/kompleksitet (answers, override and note, with the initiative's version).
// - Every handler first loads the initiative through the store with the
//   caller as Actor: an initiative the caller cannot reach (another
//   organisation's) is 404 on every route, before any form is read.
// - Bad input (numbers, dates, a missing score, an unknown answer) re-renders
//   the page with status 400, field errors and everything the user typed;
//   nothing is saved. A stale version is 409 with the same form kept.
// - The SMART check (initiative::smart_gaps) is advice: it never blocks saving.
// - Each change is recorded in the audit log of the initiative's
//   organisation (goal_added, goal_updated, goal_removed, progress_added,
//   progress_removed, anchoring_assessed, complexity_set).
// - Success answers 303 to the tab with ?lagret=… (Post/Redirect/Get).

#include <vector>

#include "web/http.hpp"

namespace samskap::web {

class App;

// Appends the routes above. The App must outlive the routes.
void add_initiative_parts_routes(App& app, std::vector<Route>& routes);

}  // namespace samskap::web
