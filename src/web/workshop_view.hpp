#pragma once
// How a workshop activity and its results look (issue 8): template data for
// the results of each activity type, shared by the presenter's live region,
// the control view, the summary page and the exports.

#include <string>

#include "core/language.hpp"
#include "core/workshop.hpp"
#include "store/workshops.hpp"
#include "web/renderer.hpp"

namespace samskap::web {

// Template data for `results` of `def` in `lang`: flags per type (is_reflection,
// is_words, is_scale, is_choice, is_ranking, is_stage, is_sorting), "answers",
// and the type's rows with counts and a percentage ("pct", 0..100, for the
// bar widths; the numbers are always in the text too).
Data results_data(const Renderer& r, Language lang, const workshop::ActivityDef& def,
                  const workshop::Results& results);

// The presenter's live region: the join code, the current activity's prompt,
// the answer count, and the results when revealed (or a note that they are
// hidden). `join_link` is the short link phones open.
std::string screen_region(const Renderer& r, Language lang, const store::PublicWorkshop& w,
                          const workshop::Results* results, const std::string& join_link);

// Sets is_reflection, is_words, is_scale, is_choice, is_ranking, is_stage and
// is_sorting: true for `t`, false for the others.
void set_type_flags(Data& d, workshop::ActivityType t);

// The label of an activity type in `lang`.
std::string type_label(const Renderer& r, Language lang, workshop::ActivityType t);

}  // namespace samskap::web
