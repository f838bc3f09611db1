#pragma once
// Readiness check-ins (issue 6), the facilitator's rounds and the
// participant's questionnaire:
// - /initiativ/:id/innsjekk: the initiative's rounds and a form for a new one;
//   /initiativ/:id/innsjekk/:round: its short link, QR code (also as
//   …/qr.svg), a printable poster (…/plakat) and close/reopen.
// - /i and /i/:code: the questionnaire for participants without an account
//   (no JavaScript needed), and the feedback for their stage after answering.
// Nothing here logs an answer or stores anything about the request with it.

#include <string>
#include <vector>

#include "web/app.hpp"
#include "web/http.hpp"

namespace samskap::web {

void add_readiness_routes(App& app, std::vector<Route>& routes);

// The QR code of `text` as an SVG document made of one <path> (black modules
// on a white background, 4 modules of quiet zone, no style attributes).
// `label` becomes the aria-label (role="img"). Empty when the text is too
// long for a QR code.
std::string qr_svg(const std::string& text, const std::string& label);

}  // namespace samskap::web
