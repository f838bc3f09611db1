#pragma once
// Four tabs of an initiative (issue 5, and the collaborator invitation of
// issue 4): Partnere (co-creation partners and which partner types are
// missing against 3.0), Kunnskapsgrunnlag (research, experience and user
// knowledge, and their balance), Plan (activities and milestones on a
// timeline) and Samarbeid (facilitators of a USHT invited into this one
// initiative).
//
// Routes (all Exec::worker):
//   GET  /initiativ/:id/partnere                      the tab       view_results
//   POST /initiativ/:id/partnere                      add           manage_initiatives
//   GET  /initiativ/:id/partnere/:part/endre          edit form     manage_initiatives
//   POST /initiativ/:id/partnere/:part/endre          save (version) manage_initiatives
//   POST /initiativ/:id/partnere/:part/slett          remove        manage_initiatives
//   … the same five for /kunnskapsgrunnlag and /plan;
//   GET  /initiativ/:id/samarbeid                     the tab       view_results
//   POST /initiativ/:id/samarbeid                     invite        invite_collaborators
//   POST /initiativ/:id/samarbeid/:user/fjern         remove        invite_collaborators
//
// Contract
// - Every page starts from initiative_page_data() and shows the header and
//   tabs first. An initiative the caller cannot reach, and a part that is not
//   the initiative's, is 404 on every GET and POST (the store decides).
// - Bad input re-renders the form with 400, field errors and everything the
//   user typed; nothing is saved. A stale version answers 409 with what the
//   user typed, what is saved now, and the current version, so saving again
//   is a deliberate choice. Success redirects (303) to the tab with a short
//   confirmation (?melding=…).
// - Every change is written to the audit log of the initiative's
//   organisation, with the acting user (also when a collaborator acts).
// - Inviting: the owning organisation types a facilitator's e-mail. Unknown
//   addresses and users the rule refuses (not an active prosessveileder of
//   another USHT) get the same message and the same store round trip, so the
//   form does not tell whether an address exists in another organisation.

#include <vector>

#include "web/http.hpp"

namespace samskap::web {

class App;

// Appends the routes above. Borrows `app`, which must outlive the routes.
void add_initiative_work_routes(App& app, std::vector<Route>& routes);

}  // namespace samskap::web
