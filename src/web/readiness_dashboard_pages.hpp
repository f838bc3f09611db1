#pragma once
// The facilitator's dashboard of readiness check-ins (issue 6) and its
// exports:
//   GET /initiativ/:id/innsjekk/resultater   the dashboard
//   GET /initiativ/:id/innsjekk/eksport.csv  aggregates as CSV (UTF-8 with BOM)
//   GET /initiativ/:id/innsjekk/eksport.xlsx aggregates as an Excel workbook
// All under Guard view_results. The figures come from
// readiness::aggregate (core/readiness_dashboard.hpp), which applies the
// minimum group size (AppOptions::min_group_size) and complementary
// suppression once; these pages and files show only what it lets through,
// and never single answers.

#include <string>
#include <vector>

#include "web/app.hpp"
#include "web/http.hpp"

namespace samskap::web {

// Appends the routes above. The App must outlive the routes. Register them
// before a route /initiativ/:id/innsjekk/:round, so that "resultater" and
// "eksport.*" are not taken for a round id.
void add_readiness_dashboard_routes(App& app, std::vector<Route>& routes);

// The XLSX workbook of `rows` (one sheet; cells that are whole numbers are
// written as numbers), built through a temporary file that is removed
// before returning. Errors: unavailable "error.export".
Result<std::string> xlsx_workbook(const std::vector<std::vector<std::string>>& rows,
                                  const std::string& sheet_name);

}  // namespace samskap::web
