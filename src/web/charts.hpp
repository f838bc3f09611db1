#pragma once
// Charts for the pages: the server writes a small JSON spec that
// assets/js/app.js hands to Chart.js. Every chart must have a data table
// beside it as its text alternative (the page works without JavaScript).
//
// In a template:
//   <div class="chart"><canvas data-chart="{{chart.id}}" role="img"
//        aria-label="{{chart.label}}"></canvas></div>
//   <script type="application/json" id="{{chart.id}}">{{{chart.json}}}</script>
//   <table>…the same figures…</table>

#include <optional>
#include <string>
#include <vector>

#include "web/renderer.hpp"

namespace samskap::web {

struct ChartSeries {
  std::string label;
  std::vector<std::optional<double>> values;  // nullopt: no value (a gap)
};

struct ChartSpec {
  std::string id;                   // the element id, unique on the page ("chart-goal-3")
  std::string label;                // the canvas's accessible name
  std::string type = "line";        // "line" or "bar"
  std::vector<std::string> labels;  // the x axis
  std::vector<ChartSeries> series;
  bool stacked = false;
  bool percent = false;
  std::optional<double> y_min, y_max;
};

// The spec as JSON that is safe inside <script type="application/json">
// ('<', '>' and '&' are escaped).
std::string chart_json(const ChartSpec& spec);

// Template data: {id, label, json}.
Data chart_data(const ChartSpec& spec);

}  // namespace samskap::web
