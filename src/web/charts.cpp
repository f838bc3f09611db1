#include "web/charts.hpp"

#include <nlohmann/json.hpp>

namespace samskap::web {

std::string chart_json(const ChartSpec& spec) {
  nlohmann::json j;
  j["type"] = spec.type == "bar" ? "bar" : "line";
  j["labels"] = spec.labels;
  j["stacked"] = spec.stacked;
  j["percent"] = spec.percent;
  if (spec.y_min) j["y_min"] = *spec.y_min;
  if (spec.y_max) j["y_max"] = *spec.y_max;
  auto& sets = j["datasets"] = nlohmann::json::array();
  for (const auto& s : spec.series) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& v : s.values)
      data.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
    sets.push_back({{"label", s.label}, {"data", data}});
  }
  std::string raw = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

Data chart_data(const ChartSpec& spec) {
  Data d{Data::type::object};
  d.set("id", spec.id);
  d.set("label", spec.label);
  d.set("json", chart_json(spec));
  return d;
}

}  // namespace samskap::web
